"""Why no plan is possible, in words a commissioner can act on.

With unmet need allowed, only the hard limits a council sets or faces can conflict: outcome
targets, how fast the market can grow or shrink, how many staff can be recruited, the budget,
how many people can be supported to move, and for whom a pathway or move is suitable.

:func:`diagnose` takes a built model that HiGHS found infeasible and

1. asks HiGHS for an irreducible infeasible subsystem (IIS): a smallest set of limits that
   cannot all hold, named in words;
2. asks HiGHS for a *feasibility relaxation* of the loaded LP: each hard limit with a lever
   (:mod:`optimiser.families`) may move, at a penalty per unit of the lever's weight over the
   limit's natural size (the target's people, the year's budget, the usual yearly
   recruitment, today's capacity), so relaxing any limit by 5% costs about the same,
   whatever its unit; every other row must hold. The weighted sum of the moves is minimised;
3. tries each kind of limit alone (targets; recruitment; market change; budget; moves;
   suitability), keeping the rest hard. Each kind that can make a plan possible on its own
   is an alternative a commissioner can choose between: "it needs 14 more reablement workers
   recruited, or a target of 76%";
4. where cohorts are under the Care Act duty (``meet_eligible_need``), relaxes that duty
   alone: if a plan is then possible, it is the duty that cannot be met, and the diagnosis
   says so first, for which cohorts, and how many people would go without care. The duty
   itself is never offered as a change.

The model itself is never changed: HiGHS builds the elastic problem beside the loaded LP and
removes it again. Staff retention and the
staffing of capacity are not relaxed, because a shortfall of staff is always fixed as well by
recruiting more (which is reported); they still appear in the IIS.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import highspy
import numpy as np
import pyomo.environ as pyo

from optimiser.families import (
    FAMILIES,
    GROUP_TITLES,
    duty_shortfall,
    duty_subject,
    levers,
    target_level_after,
    target_subject,
)
from optimiser.lp import LinearProgram
from optimiser.solve import DirectHighs, SolveOptions
from optimiser.words import and_, label, level, number, or_, people, plural

NEGLIGIBLE = 1e-6
"""A relaxation smaller than this share of its limit's size is solver noise, not a change a
commissioner could make, and is not reported."""
HOLDS = 1e-6
"""A row that must hold may be off by this share of its bound (at least 1) in HiGHS's
relaxed plan, as its feasibility tolerance allows."""
MAX_LISTED = 6
"""Relaxations listed in one alternative; the rest are counted."""


@dataclass(frozen=True)
class Relaxation:
    """One limit relaxed by the smallest amount that, with the others, allows a plan."""

    family: str
    """The constraint family, by its MODEL.md name."""
    index: tuple
    constraint: str
    """The constraint's name in the model, e.g. ``hiring_limit[Melton,reablement_worker,...]``."""
    amount: float
    """How far the limit must move, in its own unit (people, FTE, capacity units, £)."""
    limit: float
    """The limit as it stands, in the same unit."""
    words: str
    """The relaxation in words."""


@dataclass(frozen=True)
class Alternative:
    """A set of relaxations of one kind of limit (or of several) that makes a plan possible."""

    group: str
    """'targets', 'workforce', 'market', 'budget', 'moves', 'suitability' or 'combined'."""
    relaxations: tuple[Relaxation, ...]

    def kinds(self) -> int:
        """How many kinds of limit the relaxations touch."""
        return len({LEVERS[r.family].group for r in self.relaxations})

    def words(self) -> str:
        shown = [r.words for r in self.relaxations[:MAX_LISTED]]
        hidden = len(self.relaxations) - MAX_LISTED
        if hidden > 0:
            shown.append(f"{hidden} smaller changes like these")
        return and_(shown)


@dataclass
class Diagnosis:
    """Why an instance has no feasible plan, and the smallest changes that would give it one."""

    explanation: list[str]
    """Sentences for a person, most important first."""
    alternatives: list[Alternative] = field(default_factory=list)
    """Each kind of limit that can make a plan possible on its own, with the changes needed."""
    smallest: Alternative | None = None
    """The smallest weighted set of changes across every kind of limit together."""
    conflict: list[str] = field(default_factory=list)
    """The limits HiGHS's IIS names as unable to hold together, in words."""
    conflict_constraints: list[str] = field(default_factory=list)
    """The same limits by constraint name."""
    duty: tuple[Relaxation, ...] = ()
    """Where the Care Act duty (``meet_eligible_need``) is what cannot be met: the fewest
    people, by locality, cohort and year, who would go without care under the other limits."""

    def text(self) -> str:
        """The diagnosis as plain text for a terminal."""
        lines = list(self.explanation)
        if self.alternatives:
            lines += ["", "Any one of these would make a plan possible:"]
            lines += [f"  - {GROUP_TITLES[a.group]}: {a.words()}" for a in self.alternatives]
        if self.conflict:
            lines += ["", "Limits that cannot all hold together (HiGHS's irreducible "
                      "infeasible set):"]
            lines += [f"  - {item}" for item in self.conflict]
        return "\n".join(lines)

    def markdown(self) -> str:
        """The diagnosis as a section of ``summary.md``."""
        lines = ["## Why there is no plan", ""] + [" ".join(self.explanation), ""]
        if self.alternatives:
            lines += ["Any one of these changes would make a plan possible:", ""]
            lines += [f"- **{GROUP_TITLES[a.group]}**: {a.words()}" for a in self.alternatives]
            lines.append("")
        if self.smallest is not None and self.smallest.kinds() > 1:
            lines += ["The smallest changes across every kind of limit together "
                      "(each weighed as a share of the limit):", ""]
            lines += [f"- {r.words}" for r in self.smallest.relaxations]
            lines.append("")
        if self.conflict:
            lines += ["Limits that cannot all hold together (HiGHS's irreducible infeasible "
                      "set, IIS):", ""]
            lines += [f"- {item} (`{name}`)"
                      for item, name in zip(self.conflict, self.conflict_constraints, strict=True)]
            lines.append("")
        return "\n".join(lines)

    def as_dict(self) -> dict:
        """The diagnosis for ``summary.json``."""

        def relaxations(alternative: Alternative) -> list[dict]:
            return [{"constraint": r.constraint, "family": r.family, "limit": r.limit,
                     "relax_by": r.amount, "words": r.words} for r in alternative.relaxations]

        return {
            "explanation": self.explanation,
            "alternatives": {a.group: relaxations(a) for a in self.alternatives},
            "smallest": relaxations(self.smallest) if self.smallest else [],
            "duty_unmet": [{"constraint": r.constraint, "people": r.amount, "words": r.words}
                           for r in self.duty],
            "conflict": self.conflict_constraints,
        }


LEVERS = levers()
"""The hard limits the diagnosis may relax, by constraint family."""
GROUPS = tuple(g for g in GROUP_TITLES if g != "combined")
"""The kinds of limit, in the order they are tried alone."""

CUT_SHORT = ("HiGHS could not finish finding the smallest changes that would allow a plan "
             "within the time or iteration limit given: solve again without --time-limit or "
             "--iteration-limit to see them.")


def describe_limit(m, constraint) -> str:
    """A constraint of the model named in words, e.g. 'the budget for 2027/28'."""
    family = constraint.parent_component().local_name
    index = constraint.index()
    index = index if isinstance(index, tuple) else (index,)
    return FAMILIES[family].limit(m.data, *index)


# --- the IIS --------------------------------------------------------------------------------

def _conflict(solver: DirectHighs) -> list:
    """The constraints of HiGHS's irreducible infeasible subsystem for the model loaded in
    ``solver``, or [] if HiGHS finds none (its IIS facility is still being developed; the
    relaxations do not need it)."""
    highs, lp = solver.highs, solver.lp
    # From an elastic LP (2), then made irreducible (8): the light test alone finds only a
    # single row or bound that is infeasible by itself.
    highs.setOptionValue("iis_strategy", int(highspy.IisStrategy.kIisStrategyFromLp)
                         + int(highspy.IisStrategy.kIisStrategyIrreducible))
    if solver.options.time_limit is not None:
        highs.setOptionValue("iis_time_limit", float(solver.options.time_limit))
    try:
        status, iis = highs.getIis()
    except RuntimeError:
        return []
    if status != highspy.HighsStatus.kOk or not iis.valid_:
        return []
    return [lp.constraints[i] for i in iis.row_index_]


# --- the relaxations ------------------------------------------------------------------------

@dataclass(frozen=True)
class _Limit:
    """A row of the loaded LP that a lever may relax."""

    row: int
    family: str
    index: tuple
    size: float
    """The limit's natural size, at least 1, so a relaxation's weight is per share of it."""


def _limits(model: pyo.ConcreteModel, lp: LinearProgram) -> list[_Limit]:
    """Every row of a family with a lever, with its size."""
    limits = []
    for family, lever in LEVERS.items():
        block = lp.row_blocks.get(getattr(model, family).name)
        if block is None:
            continue
        for row, key in enumerate(block.keys, block.start):
            index = key if isinstance(key, tuple) else (key,)
            limits.append(_Limit(row, family, index, max(1.0, abs(lever.size(model, *index)))))
    return limits


class _CutShort(Exception):
    """HiGHS stopped a relaxation early (a time or iteration limit, or trouble)."""


def _elastic(solver: DirectHighs, penalty: np.ndarray) -> np.ndarray | None:
    """HiGHS's feasibility relaxation of the loaded LP with ``penalty`` per unit a row moves
    (-1: it may not move): how far each row is beyond its bounds in the cheapest relaxed
    plan. None if the rows that may not move cannot all hold even so; :class:`_CutShort`
    if HiGHS could not tell."""
    highs, lp = solver.highs, solver.lp
    # HiGHS relaxes in the model's own sense: a model maximising an outcome would have the
    # largest relaxation, not the smallest.
    highs.changeObjectiveSense(highspy.ObjSense.kMinimize)
    try:
        status = highs.feasibilityRelaxation(-1.0, -1.0, -1.0, None, None, penalty)
    except RuntimeError as problem:
        raise _CutShort(str(problem)) from None
    if status != highspy.HighsStatus.kOk:  # a time or iteration limit, or trouble
        raise _CutShort(status.name)
    # HiGHS leaves the model's own status (infeasible) in place, and the plan it found for
    # the relaxed problem: a plan that breaks a row that must hold means no relaxation of
    # the chosen rows is enough.
    solution = highs.getSolution()
    activity = np.asarray(solution.row_value)
    lower, upper = lp.rows.lower, lp.rows.upper
    beyond = np.maximum(np.maximum(lower - activity, activity - upper), 0.0)
    scale = np.maximum(1.0, np.maximum(np.abs(np.where(np.isfinite(lower), lower, 0.0)),
                                       np.abs(np.where(np.isfinite(upper), upper, 0.0))))
    x = np.asarray(solution.col_value)
    if (beyond[penalty < 0] > HOLDS * scale[penalty < 0]).any() or \
            (x < lp.col_lower - HOLDS).any() or (x > lp.col_upper + HOLDS).any():
        return None
    return beyond


def _relax(model: pyo.ConcreteModel, solver: DirectHighs, limits: list[_Limit],
           groups: set[str]) -> Alternative | None:
    """The smallest weighted relaxation of the limits in ``groups`` that allows a plan, every
    other row holding: HiGHS's own feasibility relaxation of the loaded LP, with a penalty
    per unit of each chosen row of its lever's weight over its size (so relaxing any limit by
    5% costs about the same, whatever its unit) and -1 (may not move) for the rest. None if
    relaxing those limits is not enough; :class:`_CutShort` if HiGHS could not tell."""
    lp = solver.lp
    chosen = [limit for limit in limits if LEVERS[limit.family].group in groups]
    if not chosen:
        return None
    penalty = np.full(lp.rows.count, -1.0)
    for limit in chosen:
        penalty[limit.row] = LEVERS[limit.family].weight / limit.size
    beyond = _elastic(solver, penalty)
    if beyond is None:
        return None
    upper, lower, constant = lp.rows.upper, lp.rows.lower, lp.row_constant
    relaxations = []
    for limit in chosen:
        r = limit.row
        amount = float(beyond[r])
        if amount <= NEGLIGIBLE * limit.size:
            continue
        lever = LEVERS[limit.family]
        bound = upper[r] if np.isfinite(upper[r]) else lower[r]
        set_at = abs(bound + constant[r]) if lever.set_by is None \
            else lever.set_by(model, *limit.index)
        relaxations.append(Relaxation(
            family=limit.family, index=limit.index, constraint=lp.constraints[r].name,
            amount=amount, limit=set_at, words=lever.words(model, limit.index, amount, set_at)))
    relaxations.sort(key=lambda r: (-r.amount / max(1.0, abs(r.limit)), r.constraint))
    group = next(iter(groups)) if len(groups) == 1 else "combined"
    return Alternative(group, tuple(relaxations))


DUTY = "eligible_need_met"
"""The Care Act duty's family: never offered as a change, but relaxed on its own to tell
whether it is the duty that cannot be met, for whom, and for how many people."""


def _duty_unmet(model: pyo.ConcreteModel, solver: DirectHighs) -> tuple[Relaxation, ...]:
    """The people whose eligible need could not be met under the other limits, fewest in
    all, where the duty is what makes a plan impossible; () where it is not (the plan is
    impossible even leaving need unmet) or there is no duty."""
    lp = solver.lp
    block = lp.row_blocks.get(getattr(model, DUTY).name) if hasattr(model, DUTY) else None
    if block is None or block.start == block.stop:
        return ()
    penalty = np.full(lp.rows.count, -1.0)
    penalty[block.start:block.stop] = 1.0
    beyond = _elastic(solver, penalty)
    if beyond is None:
        return ()
    d = model.data
    unmet = []
    for row, key in enumerate(block.keys, block.start):
        amount = float(beyond[row])
        if amount > NEGLIGIBLE * max(1.0, pyo.value(model.demand[key])):
            locality, group, year = key
            unmet.append(Relaxation(
                family=DUTY, index=key, constraint=lp.constraints[row].name, amount=amount,
                limit=0.0, words=duty_shortfall(d, amount, locality, group, year)))
    return tuple(sorted(unmet, key=lambda r: (-r.amount, r.constraint)))


def _resources(alternative: Alternative, m) -> str:
    """What an alternative's kind of limit is, as the end of 'cannot be met with ...'."""
    d = m.data
    if alternative.group == "workforce":
        roles = sorted({r.index[1] for r in alternative.relaxations})
        return "the " + and_([plural(label(d, w)) for w in roles]) + \
            " that can be recruited"
    if alternative.group == "market":
        services = sorted({r.index[1] for r in alternative.relaxations})
        return "the change the market for " + \
            and_([label(d, s) for s in services]) + " can make in a year"
    return {
        "budget": "the budget",
        "moves": "the moves that can be supported",
        "suitability": "the people for whom the pathways and moves are suitable",
        "waiting": "the waiting standards for short-term places",
    }.get(alternative.group, "the other limits")


def _targets_in_words(m, relaxations: tuple[Relaxation, ...]) -> tuple[str, str, str, int]:
    """The targets that cannot be met, where (for one target over several places and years),
    the levels that could be, and how many targets: 'the target of 65% independent ... in
    Melton, 2027/28 (target X)', '', 'a target of 46.4%', 1."""
    d = m.data
    by_name: dict[str, list[Relaxation]] = defaultdict(list)
    for r in relaxations:
        by_name[r.index[0]].append(r)
    subjects, scopes, levels = [], [], []
    for name, rows in by_name.items():
        target = d.target_rows[rows[0].index]
        reachable = [target_level_after(m, r.index, r.amount, r.limit) for r in rows]
        if len(rows) == 1:
            subjects.append(target_subject(d, *rows[0].index))
            scopes.append("")
            offer = f"a target of {level(reachable[0], target.basis)}"
        else:
            ceiling = "" if target.sense == "at_least" else "at most "
            places = sum(1 for key in d.target_rows if key[0] == name)
            subjects.append(
                f"the target of {ceiling}{level(target.level, target.basis)} "
                f"{label(d, target.indicator)} (target {name})")
            scopes.append(f" in each of its {places} places and years" if len(rows) == places
                          else f" in {len(rows)} of its {places} places and years")
            uniform = min(reachable) if target.sense == "at_least" else max(reachable)
            low, high = min(reachable), max(reachable)
            offer = f"a target of {level(uniform, target.basis)} everywhere"
            if high - low > 1e-9:
                offer += (f" (each place and year can reach {level(low, target.basis)} to "
                          f"{level(high, target.basis)})")
        levels.append(offer + (f" for target {name}" if len(by_name) > 1 else ""))
    if len(subjects) == 1:
        return subjects[0], scopes[0], levels[0], 1
    return and_([s + scope for s, scope in zip(subjects, scopes, strict=True)]), "", \
        and_(levels), len(subjects)


def _duty_explained(m, duty: tuple[Relaxation, ...], targets: Alternative | None,
                    others: list[Alternative], smallest: Alternative | None) -> list[str]:
    """Where it is the Care Act duty that cannot be met: for whom, what it needs, and how
    many people would otherwise go without care."""
    subject = duty_subject(m.data, [r.index[1] for r in duty])
    head = f"{subject[0].upper()}{subject[1:]} cannot be met"
    within = [_resources(a, m) for a in others]
    needs = [a.words() for a in others]
    if targets is not None:
        within.append("the outcome targets")
        needs.append(_targets_in_words(m, targets.relaxations)[2])
    if needs:
        first = f"{head} with {and_(within)}: it needs {or_(needs)}."
    elif smallest is not None:
        first = (f"{head} with the limits as they stand, and no single kind of limit can be "
                 "relaxed enough on its own. The smallest changes that together make a plan "
                 f"possible: {smallest.words()}.")
    else:
        first = (f"{head}, and relaxing every target, market, workforce, budget, move and "
                 "suitability limit does not make it possible: check the pathways open to "
                 "these cohorts and today's caseloads and capacity.")
    total = sum(r.amount for r in duty)
    shown = [r.words for r in duty[:MAX_LISTED]]
    if len(duty) > MAX_LISTED:
        shown.append(f"{len(duty) - MAX_LISTED} more places and years")
    return [first, f"As things stand, at least {number(total)} {people(total)} eligible for "
                   f"care would go without it: {and_(shown)}."]


def _explain(m, alternatives: list[Alternative], smallest: Alternative | None,
             duty: tuple[Relaxation, ...] = ()) -> list[str]:
    targets = next((a for a in alternatives if a.group == "targets"), None)
    others = [a for a in alternatives if a.group != "targets"]
    if duty:
        return _duty_explained(m, duty, targets, others, smallest)
    if targets is not None:
        subject, scope, levels, count = _targets_in_words(m, targets.relaxations)
        several = count > 1
        within = and_([_resources(a, m) for a in others]) if others else "the other limits"
        sentence = (f"{subject[0].upper()}{subject[1:]} cannot {'all ' if several else ''}be "
                    f"met{scope} with {within}: it needs " +
                    or_([a.words() for a in others] + [levels]) + ".")
        return [sentence]
    if others:
        kinds = and_([_resources(a, m) for a in others])
        return [f"No plan fits within {kinds}{' together' if len(others) > 1 else ''}: "
                "it needs " +
                or_([a.words() for a in others]) + "."]
    if smallest is not None:
        return ["No single kind of limit can be relaxed enough on its own. The smallest "
                "changes that together make a plan possible: " + smallest.words() + "."]
    return ["No plan is possible, and relaxing every target, market, workforce, budget, move "
            "and suitability limit does not give one either: check today's caseloads and "
            "capacity for figures that cannot both hold."]


def diagnose(model: pyo.ConcreteModel, options: SolveOptions = SolveOptions()) -> Diagnosis:
    """Explain why a built model has no feasible plan: the smallest relaxations, of each kind
    alone and of all together, that allow one, and the limits in conflict (HiGHS's IIS,
    unless ``options.conflict`` is off)."""
    solver = DirectHighs(options)
    infeasible = solver.solve(model).status == "infeasible"
    limits = _limits(model, solver.lp)
    present = {LEVERS[limit.family].group for limit in limits}
    duty: tuple[Relaxation, ...] = ()
    try:
        smallest = _relax(model, solver, limits, set(GROUPS))
        alternatives = [alternative for group in GROUPS if group in present
                        for alternative in [_relax(model, solver, limits, {group})]
                        if alternative is not None and alternative.relaxations]
        duty = _duty_unmet(model, solver)
    except _CutShort:
        explanation, alternatives, smallest = [CUT_SHORT], [], None
    else:
        if smallest is not None and not smallest.relaxations:
            smallest = None
        explanation = _explain(model, alternatives, smallest, duty)
    conflict = _conflict(solver) if infeasible and options.conflict else []
    return Diagnosis(
        explanation=explanation,
        alternatives=alternatives,
        smallest=smallest,
        duty=duty,
        conflict=[describe_limit(model, c) for c in conflict],
        conflict_constraints=[c.name for c in conflict],
    )
