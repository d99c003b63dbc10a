"""Every constraint family and every mutable parameter of the model, described in one place.

The model (:mod:`optimiser.model`) declares the rows; this registry says what each family
means for a person needing care and how the rest of the tool talks about it: the MODEL.md
section it comes from, the unit and words of its shadow price (:mod:`optimiser.results`),
the words naming it when it is part of a conflict, and, for a limit a council can choose to
change, how the diagnosis relaxes it (:mod:`optimiser.diagnose`). It also names the test
that fails without the family. ``tests/test_families.py`` fails when the model declares a
``Constraint`` or mutable ``Param`` that is not registered here.

Adding a constraint family is one entry in :data:`FAMILIES`::

    Family(
        "headroom_kept", "11",
        "Some short-term capacity is kept free so a person leaving hospital is not kept "
        "waiting for a place.",
        limit=lambda d, loc, s, t: f"the free {label(d, s)} kept in {label(d, loc)}, {t}",
        tested_by="tests/test_headroom.py::test_headroom_keeps_a_share_of_places_free",
        dual_unit="£ per unit",
        shadow_price=lambda d, loc, s, t: cost(d, f"keeping one more {d.units[s]} of ..."),
    ),

``dual_unit`` and ``shadow_price`` (both or neither) put its rows in the shadow-price
table; the words say what one more unit of the limit is worth through :func:`cost`,
:func:`saving`, :func:`value` or :func:`net_cost`, which read it in £ or, when the plan
maximises an outcome, in the people achieving it; ``lever`` lets the diagnosis relax it;
``spread`` says how its index becomes the locality / item / year columns when it is not
(locality, item, ..., year). A mutable parameter is one entry in :data:`PARAMETERS`.

Index words receive the model's data (``m.data``) and the row's index; lever functions
receive the model itself, because a limit's size may read a mutable parameter's current
value.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import pyomo.environ as pyo

from optimiser import queueing
from optimiser.headroom import Kept, initial_parameters, kept
from optimiser.prepare import Prepared, TargetRow
from optimiser.words import and_, label, level, money, number, people, plural

Words = Callable[..., str]
"""Words about one row: called with the model's data and the row's index parts."""


@dataclass(frozen=True)
class Lever:
    """How the diagnosis relaxes a limit a council can choose to change."""

    group: str
    """The kind of change, as the diagnosis offers it: 'targets', 'workforce', 'market',
    'budget', 'moves', 'suitability' or 'waiting' (titles in :data:`GROUP_TITLES`)."""
    weight: float
    """The cost of relaxing it by its whole size, against the other levers: limits that
    are harder to defend changing weigh more."""
    size: Callable[..., float]
    """``size(m, *index)``: the limit's natural size (people, £, FTE, units), so that
    relaxations of different units compare as shares."""
    words: Callable[..., str]
    """``words(m, index, amount, limit)``: relaxing the limit by ``amount`` in words."""
    set_by: Callable[..., float] | None = None
    """``set_by(m, *index)``: the limit as a person set it, where the row's bound is not it
    (a limit on a difference of variables); None when the row's bound is the limit."""


def _usual(index: tuple) -> dict[str, str]:
    return {"locality": index[0], "item": index[1], "year": index[-1]}


@dataclass(frozen=True)
class Family:
    """One constraint family: what it means and how it is described."""

    name: str
    """The Pyomo component's name, as in MODEL.md."""
    section: str
    """The MODEL.md section that states it ('1' to '7', or a second-wave section)."""
    meaning: str
    """What the limit means for a person needing care, in one sentence."""
    limit: Words
    """``limit(d, *index)``: one row named in words (for the conflict the IIS finds)."""
    tested_by: str
    """``tests/FILE.py::TEST``: a hand-worked test that fails without the family."""
    dual_unit: str | None = None
    """The unit of its shadow price (in discounted £, read as people when the plan
    maximises an outcome); None when it is not reported."""
    shadow_price: Words | None = None
    """``shadow_price(d, *index)``: what one row's shadow price means, in words."""
    signed: bool = False
    """Report the dual with its sign (an equality, whose price can go either way) rather
    than as a magnitude; its rows always count as binding."""
    explains_unmet: Callable[[Any, str], Iterable[str]] | None = None
    """``explains_unmet(d, item)``: the need groups whose unmet need a binding row of it
    explains in its locality and year, from the row's item (pathway, service or role, as
    :attr:`spread` gives it); None when its rows explain none."""
    lever: Lever | None = None
    """How the diagnosis relaxes it; None for rows that must hold."""
    spread: Callable[[tuple], dict[str, str]] = _usual
    """The row's index as the shadow-price table's locality, item and year columns."""


# --- what one more unit of a limit is worth, in the objective's own unit ---------------------

def _achieving(d: Any) -> str:
    """The people the objective counts when it maximises an outcome: 'people independent
    after a short-term service'."""
    return f"people {label(d, d.objective_indicator)}"


def cost(d: Any, change: str) -> str:
    """A limit one unit tighter: 'cost of {change}' (£), or, when the plan maximises an
    outcome, '{people achieving it} given up for {change}'."""
    if d.objective == "min_cost":
        return f"cost of {change}"
    return f"{_achieving(d)} given up for {change}"


def saving(d: Any, change: str, by: str = "if") -> str:
    """A limit one unit looser: 'saving if {change}' (£), or, when the plan maximises an
    outcome, 'more {people achieving it} if {change}'; ``by`` 'from' for a noun."""
    if d.objective == "min_cost":
        return f"saving {by} {change}"
    return f"more {_achieving(d)} {by} {change}"


def value(d: Any, change: str) -> str:
    """One more £ of a resource: 'value of {change}', or 'more {people achieving it} from
    {change}'."""
    if d.objective == "min_cost":
        return f"value of {change}"
    return saving(d, change, by="from")


def net_cost(d: Any, change: str) -> str:
    """An equality's signed price: 'cost of {change}' (a negative cost is a saving), or,
    as more of the outcome is better when maximising, 'more {people achieving it} from
    {change}' (negative: fewer)."""
    if d.objective == "min_cost":
        return cost(d, change)
    return saving(d, change, by="from")


# --- outcome targets, whose words depend on the target row ----------------------------------

def _weighted(d: Any) -> str:
    """How the least unmet need counts people when need groups' penalties differ."""
    if len(set(d.penalty_of.values())) <= 1:
        return ""
    return (" (a person of a group with a lower unmet-need penalty counts as that penalty's "
            "share of the highest)")


def target_where(d: Any, name: str, group: str, year: str) -> str:
    """Where a target row applies: 'in Melton', 'across the area'."""
    row = d.target_rows[name, group, year]
    if group != "area":
        return f"in {label(d, group)}"
    if len(row.localities) == 1:
        return f"in {label(d, row.localities[0])}"
    if len(row.localities) == len(d.localities):
        return "across the area"
    return f"across {and_([label(d, loc) for loc in row.localities])}"


def target_subject(d: Any, name: str, group: str, year: str) -> str:
    """'the target of 65% independent after reablement in Melton, 2027/28 (target X)'."""
    row = d.target_rows[name, group, year]
    ceiling = "" if row.sense == "at_least" else "at most "
    return (f"the target of {ceiling}{level(row.level, row.basis)} "
            f"{label(d, row.indicator)} {target_where(d, name, group, year)}, {year} "
            f"(target {name})")


def target_level_after(m: pyo.ConcreteModel, index: tuple, amount: float,
                       limit: float) -> float:
    """The target level the relaxed number of people corresponds to, rounded so that it is
    within reach: a floor lowered (a ceiling raised) to a tenth of a percentage point, or a
    tenth of a rate per 100,000."""
    row: TargetRow = m.data.target_rows[index]
    if row.basis == "population":
        per_level, step = row.population / 100_000, 0.1
    else:
        per_level, step = sum(pyo.value(m.demand[loc, g, row.year])
                              for loc in row.localities for g in row.cohorts), 0.001
    if per_level <= 0:
        return row.level
    # Never below 0 (a target of -10% is no target at all), nor above all of new need.
    highest = 1.0 if row.basis == "demand" else 100_000.0
    if row.sense == "at_least":
        return max(0.0, math.floor((limit - amount) / per_level / step + 1e-6) * step)
    return min(highest, math.ceil((limit + amount) / per_level / step - 1e-6) * step)


def _target_price(d: Any, name: str, group: str, year: str) -> str:
    where = "across the area" if group == "area" else f"in {label(d, group)}"
    row = d.target_rows[name, group, year]
    target = f"the {label(d, row.indicator)} target ({name.replace('_', ' ')})"
    if row.sense == "at_least":
        return cost(d, f"one more person achieving {target} {where}, {year}")
    return saving(d, f"{target} allowed one more person {where}, {year}")


def move_words(d: Any, name: str) -> str:
    """A move in labels: 'Older adults: Residential care to Home care'."""
    arc = d.move_arcs[name]
    return (f"{label(d, arc.cohort)}: {label(d, arc.from_service)} to "
            f"{label(d, arc.to_service)}")


def _target_relaxed(m: pyo.ConcreteModel, index: tuple, amount: float, limit: float) -> str:
    d = m.data
    row = d.target_rows[index]
    reachable = level(target_level_after(m, index, amount, limit), row.basis)
    return (f"target {index[0]} {target_where(d, *index)}, {index[2]}: {reachable} rather "
            f"than {level(row.level, row.basis)}")


def _bound(m: pyo.ConcreteModel, family: str, index: tuple) -> float:
    constraint = getattr(m, family)[index]
    bound = constraint.upper if constraint.upper is not None else constraint.lower
    return abs(pyo.value(bound))


# --- whose need a limit leaves unmet -------------------------------------------------------

def service_groups(d: Any, service: str) -> set[str]:
    """The need groups using a service: routed through it, or with a caseload in it."""
    return {d.pathway_cohort[p] for p in d.pathways_using.get(service, ())} | \
        set(d.cohorts_in.get(service, ()))


def role_groups(d: Any, role: str) -> set[str]:
    """The need groups using a service a role staffs."""
    return {g for s in d.services_needing.get(role, ()) for g in service_groups(d, s)}


# --- the Care Act duty, which is never relaxed as a choice ------------------------------------

def duty_subject(d: Any, groups: list[str]) -> str:
    """'the Care Act duty to meet the eligible need of older adults in full'."""
    cohorts = and_(sorted({label(d, g) for g in groups}))
    return f"the Care Act duty to meet the eligible need of {cohorts} in full"


def duty_shortfall(d: Any, amount: float, locality: str, group: str, year: str) -> str:
    """People the duty cannot reach under the other limits: '50 people in Melton, 2026/27
    (older adults)'."""
    return f"{number(amount)} {people(amount)} in {label(d, locality)}, {year} ({label(d, group)})"


# --- the size of each limit a council can change --------------------------------------------

def _hiring_size(m: pyo.ConcreteModel, locality: str, role: str, year: str) -> float:
    d = m.data
    return max(pyo.value(m.hire_max[locality, role, year]),
               d.turnover[role] * d.staff0.get((locality, role), 0.0))


def _capacity_size(m: pyo.ConcreteModel, locality: str, service: str, year: str) -> float:
    return max(m.data.capacity0.get((locality, service), 0.0), m.data.startup[service])


def _move_limit(m: pyo.ConcreteModel, locality: str, move: str, year: str) -> float:
    return m.data.move_arcs[move].max_per_year or 0.0


def _move_suitable_size(m: pyo.ConcreteModel, locality: str, move: str, year: str) -> float:
    arc = m.data.move_arcs[move]
    return m.data.caseload0.get((locality, arc.cohort, arc.from_service), 0.0)


def _pathway_need(m: pyo.ConcreteModel, locality: str, pathway: str, year: str) -> float:
    return pyo.value(m.demand[locality, m.data.pathway_cohort[pathway], year])


def _pathway_limit(m: pyo.ConcreteModel, locality: str, pathway: str, year: str) -> float:
    return m.data.suitable[pathway] * _pathway_need(m, locality, pathway, year)


def _kept_free(m: pyo.ConcreteModel, locality: str, service: str, year: str) -> Kept:
    queue = m.data.variability.queue(locality, service)
    index = locality, service, year
    return kept(queue, pyo.value(m.headroom_coefficient[index]),
                pyo.value(m.headroom_margin[index]))


def _headroom_size(m: pyo.ConcreteModel, locality: str, service: str, year: str) -> float:
    """The capacity units a waiting standard keeps free above the busiest month's load."""
    units = m.data.variability.queue(locality, service).units_per_person
    return units * _kept_free(m, locality, service, year).people


# --- relaxations in words -------------------------------------------------------------------

def _hiring_relaxed(m: pyo.ConcreteModel, index: tuple, amount: float, limit: float) -> str:
    locality, role, year = index
    return (f"{number(amount)} more {plural(label(m.data, role), amount)} recruited in "
            f"{label(m.data, locality)} in {year} (the limit is {number(limit)} a year)")


def _growth_relaxed(m: pyo.ConcreteModel, index: tuple, amount: float, limit: float) -> str:
    locality, service, year = index
    return (f"{number(amount)} more {plural(m.data.units[service], amount)} in "
            f"{label(m.data, locality)} in {year} than the market for "
            f"{label(m.data, service)} can grow to")


def _shrink_relaxed(m: pyo.ConcreteModel, index: tuple, amount: float, limit: float) -> str:
    locality, service, year = index
    return (f"{number(amount)} more {plural(m.data.units[service], amount)} given up in "
            f"{label(m.data, locality)} in {year} than the contracts for "
            f"{label(m.data, service)} allow")


def _budget_relaxed(m: pyo.ConcreteModel, index: tuple, amount: float, limit: float) -> str:
    (year,) = index
    return (f"{money(amount)} more budget in {year} ({money(limit + amount)} rather than "
            f"{money(limit)})")


def _moves_relaxed(m: pyo.ConcreteModel, index: tuple, amount: float, limit: float) -> str:
    locality, move, year = index
    return (f"{number(amount)} more {people(amount)} supported to move "
            f"({move_words(m.data, move)}) in {label(m.data, locality)} in {year} (the limit "
            f"is {number(limit)} a year)")


def _move_suits_more(m: pyo.ConcreteModel, index: tuple, amount: float, limit: float) -> str:
    locality, move, year = index
    return (f"the move ({move_words(m.data, move)}) suitable for {number(amount)} more "
            f"{people(amount)} in {label(m.data, locality)} in {year}")


def _pathway_suits_more(m: pyo.ConcreteModel, index: tuple, amount: float,
                        limit: float) -> str:
    locality, pathway, year = index
    suitable = m.data.suitable[pathway]
    share = suitable * (limit + amount) / limit if limit > 0 else 1.0
    return (f"{label(m.data, pathway)} suitable for {number(amount)} more {people(amount)} "
            f"in {label(m.data, locality)} in {year} ({level(min(share, 1.0), 'demand')} of "
            f"the cohort rather than {level(suitable, 'demand')})")


def _waits_longer(m: pyo.ConcreteModel, index: tuple, amount: float, limit: float) -> str:
    """Fewer places kept free, and the waiting standard they would meet instead: the share
    who wait or the mean wait at the headroom left (Halfin–Whitt, at the load the row's
    tangent was taken at)."""
    locality, service, year = index
    d = m.data
    queue = d.variability.queue(locality, service)
    now = _kept_free(m, *index)
    beta = now.beta_without(amount / queue.units_per_person)
    fewer = (f"{number(amount)} fewer {plural(d.units[service], amount)} kept free for "
             f"{label(d, service)} in {label(d, locality)} in {year}")
    if beta <= 0:
        return (f"{fewer}, no waiting standard there (places for at most the busiest "
                "month's average load, so waits grow)")
    if queue.standard == "wait_share":
        share = queueing.wait_probability(beta)
        return (f"{fewer}, allowing more people to wait for a place: "
                f"{level(share, 'demand')} rather than {level(queue.level, 'demand')}")
    longer = queue.level * queueing.queue_factor(beta) / queueing.queue_factor(now.beta)
    return (f"{fewer}, a longer mean wait for a place: {longer:.1f} days rather than "
            f"{queue.level:g}")


FAMILIES: dict[str, Family] = {f.name: f for f in (
    Family(
        "demand_met", "1",
        "Everyone with a new need is either routed along a care pathway or counted as unmet.",
        limit=lambda d, loc, g, t:
            f"new need of {label(d, g)} in {label(d, loc)}, {t} routed or counted as unmet",
        tested_by="tests/test_model_hand.py::"
                  "test_workforce_limit_forces_unmet_need_and_the_penalty_shows_it",
        dual_unit="£ per person",
        shadow_price=lambda d, loc, g, t:
            net_cost(d, f"meeting one more {label(d, g)} need in {label(d, loc)}, {t}"),
        signed=True,
    ),
    Family(
        "caseload_balance", "1",
        "People stay in a long-term setting for years: next year's beds depend on this "
        "year's admissions, less those who leave.",
        limit=lambda d, loc, g, s, t:
            f"the caseload of {label(d, g)} in {label(d, s)} in {label(d, loc)}, {t} carried "
            "over from the year before",
        tested_by="tests/test_model_hand.py::test_caseload_carries_over_into_the_next_year",
    ),
    Family(
        "caseload_units_balance", "1",
        "The care a caseload needs (hours a week, beds) carries over too, so a smaller "
        "package after reablement keeps saving money in later years.",
        limit=lambda d, loc, g, s, t:
            f"the care needed by {label(d, g)} in {label(d, s)} in {label(d, loc)}, {t}, "
            "carried over",
        tested_by="tests/test_model_hand.py::"
                  "test_reablement_wins_because_it_shrinks_the_later_package",
    ),
    Family(
        "pathway_suitable", "2",
        "A pathway is offered only to the share of people for whom it is clinically "
        "appropriate.",
        limit=lambda d, loc, p, t:
            f"the share of people for whom {label(d, p)} is suitable in {label(d, loc)}, {t}",
        tested_by="tests/test_model_hand.py::test_worked_example_of_model_md",
        dual_unit="£ per person",
        shadow_price=lambda d, loc, p, t:
            saving(d, f"one more person could take {label(d, p)} in {label(d, loc)}, {t}"),
        explains_unmet=lambda d, pathway: [d.pathway_cohort[pathway]],
        # Clinical suitability is the least defensible limit to stretch: relaxed last.
        lever=Lever("suitability", 4.0, _pathway_need, _pathway_suits_more,
                    set_by=_pathway_limit),
    ),
    Family(
        "move_suitable", "2",
        "Only people for whom a more independent setting is suitable are supported to move.",
        limit=lambda d, loc, a, t:
            f"the people for whom the move ({move_words(d, a)}) is suitable in "
            f"{label(d, loc)}, {t}",
        tested_by="tests/test_model_limits.py::"
                  "test_moves_are_bounded_by_the_share_for_whom_they_suit",
        dual_unit="£ per person",
        shadow_price=lambda d, loc, a, t:
            saving(d, f"one more person were suitable to move ({move_words(d, a)}) in "
                      f"{label(d, loc)}, {t}"),
        lever=Lever("suitability", 4.0, _move_suitable_size, _move_suits_more),
    ),
    Family(
        "move_limit", "2",
        "Moving someone well takes reviews, matching and a new home: only so many a year.",
        limit=lambda d, loc, a, t:
            f"the moves ({move_words(d, a)}) that can be supported in {label(d, loc)}, {t}",
        tested_by="tests/test_model_limits.py::"
                  "test_moves_are_bounded_by_how_many_can_be_supported_a_year",
        dual_unit="£ per person",
        shadow_price=lambda d, loc, a, t:
            saving(d, f"supporting one more move ({move_words(d, a)}) in {label(d, loc)}, "
                      f"{t}", by="from"),
        lever=Lever("moves", 1.0, _move_limit, _moves_relaxed, set_by=_move_limit),
    ),
    Family(
        "capacity_covers_use", "3",
        "Every reablement place, home-care hour and bed a person uses has been "
        "commissioned, allowing for capacity that cannot be filled.",
        limit=lambda d, loc, s, t:
            f"the {label(d, s)} commissioned in {label(d, loc)}, {t} covering what is used",
        tested_by="tests/test_model_hand.py::test_caseload_carries_over_into_the_next_year",
        dual_unit="£ per unit",
        shadow_price=lambda d, loc, s, t:
            cost(d, f"one more {d.units[s]} of {label(d, s)} used in {label(d, loc)}, {t}"),
    ),
    Family(
        "market_growth_limit", "4",
        "Providers can recruit and open only so much new capacity in a year.",
        limit=lambda d, loc, s, t:
            f"how fast the market for {label(d, s)} can grow in {label(d, loc)}, {t}",
        tested_by="tests/test_model_limits.py::test_market_growth_limit_caps_new_capacity",
        dual_unit="£ per unit",
        shadow_price=lambda d, loc, s, t:
            saving(d, f"the market could grow {label(d, s)} by one more {d.units[s]} in "
                      f"{label(d, loc)}, {t}"),
        explains_unmet=service_groups,
        lever=Lever("market", 1.0, _capacity_size, _growth_relaxed),
    ),
    Family(
        "market_shrink_limit", "4",
        "Contracts and a fragile market mean capacity cannot be withdrawn overnight.",
        limit=lambda d, loc, s, t:
            f"how much {label(d, s)} contracts let be given up in {label(d, loc)}, {t}",
        tested_by="tests/test_model_limits.py::"
                  "test_market_shrink_limit_keeps_capacity_that_is_not_needed",
        dual_unit="£ per unit",
        shadow_price=lambda d, loc, s, t:
            saving(d, f"one more {d.units[s]} of {label(d, s)} could be decommissioned in "
                      f"{label(d, loc)}, {t}"),
        lever=Lever("market", 1.0, _capacity_size, _shrink_relaxed),
    ),
    Family(
        "staff_cover_capacity", "5",
        "Every place, hour and bed commissioned needs care workers, therapists or nurses to "
        "run it.",
        limit=lambda d, loc, w, t:
            f"{plural(label(d, w))} in post staffing the capacity in {label(d, loc)}, {t}",
        tested_by="tests/test_model_hand.py::"
                  "test_workforce_limit_forces_unmet_need_and_the_penalty_shows_it",
        dual_unit="£ per FTE",
        shadow_price=lambda d, loc, w, t:
            saving(d, f"one more FTE of {plural(label(d, w))} in post in {label(d, loc)}, {t}",
                   by="from"),
        explains_unmet=role_groups,
    ),
    Family(
        "staff_retention", "5",
        "About a third of care workers leave each year; they must be replaced before any "
        "growth.",
        limit=lambda d, loc, w, t:
            f"{plural(label(d, w))} kept after turnover in {label(d, loc)}, {t}",
        tested_by="tests/test_model_limits.py::"
                  "test_turnover_shrinks_the_workforce_without_recruitment",
    ),
    Family(
        "hiring_limit", "5",
        "The local labour market supplies only so many recruits a year.",
        limit=lambda d, loc, w, t:
            f"the recruitment limit for {plural(label(d, w))} in {label(d, loc)}, {t}",
        tested_by="tests/test_model_hand.py::"
                  "test_workforce_limit_forces_unmet_need_and_the_penalty_shows_it",
        dual_unit="£ per FTE",
        shadow_price=lambda d, loc, w, t:
            saving(d, f"one more FTE of {plural(label(d, w))} could be recruited in "
                      f"{label(d, loc)}, {t}"),
        explains_unmet=role_groups,
        lever=Lever("workforce", 1.0, _hiring_size, _hiring_relaxed,
                    set_by=lambda m, loc, w, t: pyo.value(m.hire_max[loc, w, t])),
    ),
    Family(
        "outcome_target", "6",
        "The plan must deliver the independence the council has promised, e.g. at least 80% "
        "of people leaving hospital still at home.",
        limit=target_subject,
        tested_by="tests/test_model_hand.py::"
                  "test_outcome_target_forces_a_dearer_pathway_at_the_cost_difference",
        dual_unit="£ per person",
        shadow_price=_target_price,
        lever=Lever("targets", 1.0,
                    lambda m, *index: _bound(m, "outcome_target", index), _target_relaxed),
        spread=lambda index: {"locality": index[1] if index[1] != "area" else "",
                              "item": index[0], "year": index[2]},
    ),
    Family(
        "budget_limit", "7",
        "Capacity, use, outcome and recruitment payments in a year stay within that year's "
        "budget.",
        limit=lambda d, t: f"the budget for {t}",
        tested_by="tests/test_model_limits.py::"
                  "test_a_budget_below_the_cost_of_care_leaves_need_unmet",
        dual_unit="£ per £",
        shadow_price=lambda d, t: value(d, f"one more £ of budget in {t}"),
        explains_unmet=lambda d, item: d.cohorts,
        lever=Lever("budget", 1.0, lambda m, year: pyo.value(m.budget[year]), _budget_relaxed),
        spread=lambda index: {"locality": "", "item": "", "year": index[0]},
    ),
    Family(
        "short_term_headroom", "13",
        "Enough short-term places are kept above the average that a person ready to leave "
        "hospital waits for one no more often, or no longer, than the council's standard "
        "allows, even in the busiest month.",
        limit=lambda d, loc, s, t:
            f"the headroom of {label(d, s)} in {label(d, loc)}, {t} for the waiting standard",
        tested_by="tests/test_headroom.py::test_headroom_is_within_one_place_of_erlang_c",
        dual_unit="£ per unit",
        shadow_price=lambda d, loc, s, t:
            cost(d, f"the waiting standard per {d.units[s]} of {label(d, s)} it needs in "
                    f"{label(d, loc)}, {t}"),
        # A standard the council sets, like a target: relaxed by letting people wait more.
        lever=Lever("waiting", 1.0, _headroom_size, _waits_longer, set_by=_headroom_size),
    ),
    Family(
        "delay_wait_days", "13",
        "The days people wait for a short-term place, in a hospital bed they no longer need "
        "or at home without support, are counted as the queue would have them, and priced.",
        limit=lambda d, loc, s, t, season, piece:
            f"the days waited for {label(d, s)} in {label(d, loc)}, {t} (season {season + 1}, "
            f"tangent {piece + 1})",
        tested_by="tests/test_headroom.py::"
                  "test_a_delay_price_buys_headroom_until_a_bed_costs_more_than_the_delays"
                  "_it_saves",
    ),
    Family(
        "eligible_need_met", "11",
        "Under the Care Act duty everyone eligible gets care: the plan may not leave anyone "
        "of this cohort without it, whatever it costs.",
        limit=lambda d, loc, g, t:
            f"the duty to meet the eligible need of {label(d, g)} in full in {label(d, loc)}, {t}",
        tested_by="tests/test_second_wave.py::"
                  "test_the_duty_to_meet_need_with_too_few_staff_is_diagnosed_as_workforce",
        dual_unit="£ per person",
        shadow_price=lambda d, loc, g, t:
            cost(d, f"the duty to meet one more {label(d, g)} need in {label(d, loc)}, {t}"),
    ),
    Family(
        "least_unmet", "Objective",
        "Maximising an outcome, the plan first meets as much need as the budget and the "
        "other limits allow, as the Care Act duty asks, and buys the best outcome with what "
        "is left.",
        limit=lambda d, _: "the least unmet need the budget allows, met before the outcome "
                           "is maximised",
        tested_by="tests/test_model_hand.py::"
                  "test_maximising_an_outcome_meets_need_first_when_the_budget_allows",
        dual_unit="£ per person",
        shadow_price=lambda d, _: cost(d, "each more person whose need is met"
                                          + _weighted(d)),
        spread=lambda index: {"locality": "", "item": "", "year": ""},
    ),
    Family(
        "best_outcome", "Objective",
        "Maximising an outcome, the plan spends no more than the best outcome the budget "
        "buys needs: no money goes on places, hours or beds that nobody will use.",
        limit=lambda d, _: "the most of the outcome the budget buys, kept while the cost is "
                           "made least",
        tested_by="tests/test_model_hand.py::"
                  "test_maximising_an_outcome_spends_no_more_than_the_outcome_needs",
    ),
)}
"""Every constraint family, by its MODEL.md name, in the order the model declares them."""

GROUP_TITLES: dict[str, str] = {
    "targets": "Lower the targets",
    "workforce": "Recruit more staff",
    "market": "Let the market change faster",
    "budget": "Raise the budget",
    "moves": "Support more moves",
    "suitability": "Widen who a pathway or move suits",
    "waiting": "Allow more people to wait for a short-term place",
    "combined": "Change several limits together",
}
"""Each kind of change the diagnosis offers, as a heading; the order it tries them in."""


def levers() -> dict[str, Lever]:
    """The families the diagnosis may relax, with their levers."""
    return {name: f.lever for name, f in FAMILIES.items() if f.lever is not None}


# --- mutable parameters ---------------------------------------------------------------------

def _keys(values: Mapping[Any, float]) -> object:
    return set(values)


@dataclass(frozen=True)
class Parameter:
    """A figure the model holds as a mutable Pyomo ``Param``, so that an option or scenario
    changing it re-solves the same model from its last basis instead of building another."""

    name: str
    """The Pyomo component's name."""
    field: str
    """The :class:`~optimiser.prepare.Prepared` field it is made from."""
    meaning: str
    """What it is, in a commissioner's words, with its unit."""
    values: Callable[[Prepared], Mapping[Any, float]]
    """Its value for each index, from the prepared data."""
    shape: Callable[[Any], object] = _keys
    """What of the field must stay the same for a built model to take new values (by
    default the keys): called with the field's value."""


def _same(value: object) -> object:
    """The whole field: any change to it changes the rows, so the model is built again."""
    return value


def _without_levels(targets: list[TargetRow]) -> object:
    return [(t.key, t.indicator, t.sense, t.localities, t.cohorts, t.basis, t.population)
            for t in targets]


PARAMETERS: dict[str, Parameter] = {p.name: p for p in (
    Parameter("demand", "demand", "new need, people a year",
              lambda d: d.demand),
    Parameter("price_capacity", "price_capacity", "block price, £ a unit of capacity a year",
              lambda d: d.price_capacity),
    Parameter("price_use", "price_use", "spot price, £ a unit used a year",
              lambda d: d.price_use),
    Parameter("hire_max", "hire_max", "staff that can be recruited a year, FTE",
              lambda d: d.hire_max),
    Parameter("target_level", "targets",
              "an outcome target's level: a share of need, or people per 100,000",
              lambda d: {t.key: t.level for t in d.targets}, shape=_without_levels),
    Parameter("budget", "budget", "the year's budget, £",
              lambda d: d.budget),
    Parameter("headroom_coefficient", "variability",
              "short-term places needed per place of average load, with the square root's "
              "tangent at the reference load (MODEL.md 13)",
              lambda d: initial_parameters(d)["headroom_coefficient"], shape=_same),
    Parameter("headroom_margin", "variability",
              "short-term capacity units kept free on top, at the reference load (MODEL.md 13)",
              lambda d: initial_parameters(d)["headroom_margin"], shape=_same),
    Parameter("delay_scale", "variability",
              "the spread of a priced short-term service's load in a season, people "
              "(MODEL.md 13)",
              lambda d: initial_parameters(d)["delay_scale"], shape=_same),
)}
"""Every mutable parameter, by its Pyomo name."""

TWO_STAGE_FAMILIES: dict[str, Family] = {f.name: f for f in (
    Family(
        "nonanticipative_capacity", "12",
        "The block contracts signed now are the same whichever future comes.",
        limit=lambda d, w, loc, s, t:
            f"{label(d, s)} in {label(d, loc)}, {t} committed now, the same in the {w} future",
        tested_by="tests/test_stochastic.py::test_newsvendor_by_hand",
    ),
    Family(
        "nonanticipative_hire", "12",
        "The recruitment started now is the same whichever future comes.",
        limit=lambda d, w, loc, r, t:
            f"recruitment of {plural(label(d, r))} in {label(d, loc)}, {t} committed now, the "
            "same in "
            f"the {w} future",
        tested_by="tests/test_stochastic.py::test_every_shipped_two_stage_plan",
    ),
    Family(
        "cvar_excess", "12",
        "A cautious council counts how far the cost in each future lies above a level, so "
        "the worst futures weigh more than their probability.",
        limit=lambda d, w: f"the cost of the {w} future above the CVaR level",
        tested_by="tests/test_stochastic.py::test_newsvendor_with_cvar",
    ),
)}
"""The rows the two-stage plan (:mod:`optimiser.stochastic.deterministic_equivalent`) adds
above every future's own model, which carries the families of :data:`FAMILIES`. They are
described here but kept apart, as no single future's model declares them (the result tables
read every entry of :data:`FAMILIES` from each future's model)."""
