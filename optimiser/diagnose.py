"""Why no plan is possible, in words a commissioner can act on.

With unmet need allowed, only the hard limits a council sets or faces can conflict: outcome
targets, how fast the market can grow or shrink, how many staff can be recruited, the budget,
how many people can be supported to move, and for whom a pathway or move is suitable.

:func:`diagnose` takes a built model that HiGHS found infeasible and

1. asks HiGHS for an irreducible infeasible subsystem (IIS): a smallest set of limits that
   cannot all hold, named in words;
2. solves a *feasibility relaxation* of the loaded LP: each hard limit with a lever
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

The model and its solver are never changed: the elastic problem is built once, beside a copy
of the loaded LP in a HiGHS object of its own, and every relaxation after the first starts
from the first one's basis (a hot start). Staff retention and the
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
from optimiser.lp import Block, LinearProgram
from optimiser.solve import DirectHighs, SolveOptions, array_scaling, new_highs
from optimiser.words import and_, label, level, number, or_, people, plural

NEGLIGIBLE = 1e-6
"""A relaxation smaller than this share of its limit's size is solver noise, not a change a
commissioner could make, and is not reported."""
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


HOT_SHARE = 0.05
"""Simplex iterations, as a share of the LP's rows (and at least :data:`HOT_ITERATIONS`),
the first relaxation may take from the basis the solver ended with before it is solved
from nothing instead. In an appraisal that basis is a few hundred iterations away (317 on
the 30 × 10 benchmark's infeasible option, where a solve from nothing takes 16,000); after
a solve from nothing it may be no nearer."""
HOT_ITERATIONS = 100
COLD_METHOD = "ipm"
"""HiGHS's method for a relaxation solved from nothing (interior point, then crossover to a
basis): on the benchmark's infeasible option it took 3 s where the dual simplex took 8."""

_Status = highspy.HighsModelStatus


class _Elastic:
    """The loaded LP with an elastic column beside each finite bound of each row that may
    move, costing that row's penalty per unit; the model's own costs are left out, so the
    cheapest plan is the smallest weighted relaxation. It is HiGHS's feasibility relaxation,
    built once in a HiGHS object of its own (the solver's model is never changed).

    Every relaxation is this one LP: which rows may move is only which elastic columns may
    rise above zero. The first starts from the solver's last basis (or from nothing, if that
    is far); each later one from the first's optimal basis, a few dual simplex iterations
    away (the costs are the same, so the basis stays dual feasible)."""

    def __init__(self, solver: DirectHighs, penalty: np.ndarray):
        held = solver.highs.getLp()
        self.rows, self.columns = held.num_row_, held.num_col_
        lower, upper = np.asarray(held.row_lower_), np.asarray(held.row_upper_)
        may_move = np.flatnonzero(penalty >= 0)
        below = may_move[np.isfinite(lower[may_move])]
        above = may_move[np.isfinite(upper[may_move])]
        self.row_of = np.concatenate([below, above]).astype(np.int32)
        """The row each elastic column moves."""
        count = len(self.row_of)
        self.elastic = np.arange(self.columns, self.columns + count, dtype=np.int32)
        held.col_cost_, held.offset_ = np.zeros(self.columns), 0.0
        held.sense_ = highspy.ObjSense.kMinimize  # the model may maximise an outcome
        self.highs = new_highs(solver.options)
        self.highs.setOptionValue("user_bound_scale",
                                  array_scaling(solver.lp)["user_bound_scale"])
        self.highs.passModel(held)
        self.highs.addCols(count, penalty[self.row_of], np.zeros(count), np.zeros(count),
                           count, np.arange(count, dtype=np.int32), self.row_of,
                           np.concatenate([np.ones(len(below)), -np.ones(len(above))]))
        self.start = _extended(solver.highs.getBasis(), count)
        """The solver's last basis, the elastic columns at zero (None if it has none)."""
        self.basis: highspy.HighsBasis | None = None
        """The first relaxation's optimal basis, where every later one starts."""

    def relax(self, moves: np.ndarray) -> np.ndarray | None:
        """How far each row is beyond its bounds in the cheapest plan in which only the rows
        marked in ``moves`` may move. None if the other rows cannot all hold even so;
        :class:`_CutShort` if HiGHS could not tell."""
        count = len(self.row_of)
        self.highs.changeColsBounds(count, self.elastic, np.zeros(count),
                                    np.where(moves[self.row_of], np.inf, 0.0))
        status = self._first() if self.basis is None else self._from(self.basis)
        if status == _Status.kInfeasible:
            return None
        if status != _Status.kOptimal:
            raise _CutShort(status.name)  # a time or iteration limit, or trouble
        if self.basis is None:
            self.basis = self.highs.getBasis()
        moved = np.asarray(self.highs.getSolution().col_value)[self.columns:]
        return np.bincount(self.row_of, weights=moved, minlength=self.rows)

    def _first(self) -> highspy.HighsModelStatus:
        """Solve from the solver's last basis if that is near, otherwise from nothing."""
        highs = self.highs
        if self.start is not None:
            _, limit = highs.getOptionValue("simplex_iteration_limit")
            highs.setOptionValue("simplex_iteration_limit",
                                 min(limit, max(HOT_ITERATIONS, int(HOT_SHARE * self.rows))))
            status = self._from(self.start)
            highs.setOptionValue("simplex_iteration_limit", limit)
            self.start = None
            if status != _Status.kIterationLimit:
                return status
        highs.clearSolver()
        highs.setOptionValue("solver", COLD_METHOD)
        return self._run()

    def _from(self, basis: highspy.HighsBasis) -> highspy.HighsModelStatus:
        self.highs.setBasis(basis)
        self.highs.setOptionValue("solver", "simplex")
        return self._run()

    def _run(self) -> highspy.HighsModelStatus:
        try:
            if self.highs.run() == highspy.HighsStatus.kError:
                raise _CutShort("error")
        except RuntimeError as problem:
            raise _CutShort(str(problem)) from None
        return self.highs.getModelStatus()


def _extended(basis: highspy.HighsBasis, count: int) -> highspy.HighsBasis | None:
    """A basis of the loaded LP, with ``count`` more columns at zero; None if it is not
    valid."""
    if not basis.valid:
        return None
    extended = highspy.HighsBasis()
    extended.col_status = [*basis.col_status, *[highspy.HighsBasisStatus.kLower] * count]
    extended.row_status = basis.row_status
    extended.valid = True
    return extended


def _relax(model: pyo.ConcreteModel, lp: LinearProgram, elastic: _Elastic,
           limits: list[_Limit], groups: set[str]) -> Alternative | None:
    """The smallest weighted relaxation of the limits in ``groups`` that allows a plan, every
    other row holding (each limit's penalty per unit is its lever's weight over its size, so
    relaxing any limit by 5% costs about the same, whatever its unit). None if relaxing
    those limits is not enough; :class:`_CutShort` if HiGHS could not tell."""
    chosen = [limit for limit in limits if LEVERS[limit.family].group in groups]
    if not chosen:
        return None
    moves = np.zeros(lp.rows.count, dtype=bool)
    moves[[limit.row for limit in chosen]] = True
    beyond = elastic.relax(moves)
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


def _duty_rows(model: pyo.ConcreteModel, lp: LinearProgram) -> Block | None:
    """The rows of the Care Act duty, if any cohort is under it."""
    block = lp.row_blocks.get(getattr(model, DUTY).name) if hasattr(model, DUTY) else None
    return None if block is None or block.start == block.stop else block


def _penalties(lp: LinearProgram, limits: list[_Limit], duty: Block | None) -> np.ndarray:
    """Each row's penalty per unit it moves: a limit's, its lever's weight over its size; the
    duty's, 1 a person; -1 (it may never move) for every other row."""
    penalty = np.full(lp.rows.count, -1.0)
    for limit in limits:
        penalty[limit.row] = LEVERS[limit.family].weight / limit.size
    if duty is not None:
        penalty[duty.span] = 1.0
    return penalty


def _duty_unmet(model: pyo.ConcreteModel, lp: LinearProgram, elastic: _Elastic,
                block: Block | None) -> tuple[Relaxation, ...]:
    """The people whose eligible need could not be met under the other limits, fewest in
    all, where the duty is what makes a plan impossible; () where it is not (the plan is
    impossible even leaving need unmet) or there is no duty."""
    if block is None:
        return ()
    moves = np.zeros(lp.rows.count, dtype=bool)
    moves[block.span] = True
    beyond = elastic.relax(moves)
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


def diagnose(model: pyo.ConcreteModel, options: SolveOptions = SolveOptions(),
             solver: DirectHighs | None = None) -> Diagnosis:
    """Explain why a built model has no feasible plan: the smallest relaxations, of each kind
    alone and of all together, that allow one, and the limits in conflict (HiGHS's IIS,
    unless ``options.conflict`` is off). ``solver``: the HiGHS object that has just solved the
    model, if at hand (its loaded LP is read, not solved again, and left as it is)."""
    if solver is None:
        solver = DirectHighs(options)
        solver.solve(model)
    infeasible = solver.highs.getModelStatus() in (highspy.HighsModelStatus.kInfeasible,
                                                    highspy.HighsModelStatus.kUnboundedOrInfeasible)
    lp = solver.lp
    limits = _limits(model, lp)
    duty_rows = _duty_rows(model, lp)
    elastic = _Elastic(solver, _penalties(lp, limits, duty_rows))
    present = {LEVERS[limit.family].group for limit in limits}
    duty: tuple[Relaxation, ...] = ()
    try:
        smallest = _relax(model, lp, elastic, limits, set(GROUPS))
        alternatives = [alternative for group in GROUPS if group in present
                        for alternative in [_relax(model, lp, elastic, limits, {group})]
                        if alternative is not None and alternative.relaxations]
        duty = _duty_unmet(model, lp, elastic, duty_rows)
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
