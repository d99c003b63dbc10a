"""The one place the commissioning model is declared: every set, parameter, variable,
constraint and the objective, in the order MODEL.md gives them. The rules that form each
row live in :mod:`optimiser.constraints` and :mod:`optimiser.objective`."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, fields

import pyomo.environ as pyo
from pyomo.common.gc_manager import PauseGC

from optimiser import objective
from optimiser.constraints import budget, capacity, demand, duty, headroom, outcomes, workforce
from optimiser.headroom import headroom_rows, initial_parameters, piece_rows, season_rows
from optimiser.horizon import Worsening
from optimiser.prepare import MoveArc, Prepared, TargetRow


@dataclass(frozen=True, kw_only=True)
class ModelData(Prepared):
    """The prepared data the rules and the result tables read (``m.data``), with the
    reverse indexes the rules need, computed once. Never changed in place: a re-solve with
    new figures replaces it (:func:`refresh_data`)."""

    pathways_of: dict[str, list[str]]
    """A cohort's pathways."""
    pathways_using: dict[str, list[str]]
    """The pathways using a short-term service."""
    cohorts_in: dict[str, list[str]]
    """The cohorts with a caseload in a long-term setting."""
    moves_into: dict[tuple[str, str], list[MoveArc]]
    """The moves of a cohort into a setting."""
    moves_out_of: dict[tuple[str, str], list[MoveArc]]
    """The moves of a cohort out of a setting."""
    entering: dict[tuple[str, str], list[tuple[str, float, float]]]
    """(pathway, share entering, package) for each cohort's pathways into each setting."""
    worsening_into: dict[tuple[str, str], list[Worsening]]
    """The deterioration of a need group's people into a setting."""
    worsening_out_of: dict[tuple[str, str], list[Worsening]]
    """The deterioration of a need group's people out of a setting."""
    move_arcs: dict[str, MoveArc]
    services_needing: dict[str, list[str]]
    """The services a workforce role staffs."""
    short_term_set: frozenset[str]
    target_rows: dict[tuple[str, str, str], TargetRow]
    needs_in: dict[str, list[tuple[str, str, str]]]
    """Every (locality, cohort, year) of new need in a year."""


def model_data(data: Prepared) -> ModelData:
    """The prepared data plus the reverse indexes the rules need."""
    pathways_of: dict[str, list[str]] = defaultdict(list)
    for p, g in data.pathway_cohort.items():
        pathways_of[g].append(p)
    pathways_using: dict[str, list[str]] = defaultdict(list)
    for p, services in data.pathway_services.items():
        for s in services:
            pathways_using[s].append(p)
    cohorts_in: dict[str, set[str]] = defaultdict(set)
    for _, g, s in data.caseload_keys:
        cohorts_in[s].add(g)
    moves_into: dict[tuple[str, str], list[MoveArc]] = defaultdict(list)
    moves_out_of: dict[tuple[str, str], list[MoveArc]] = defaultdict(list)
    for arc in data.moves:
        moves_into[arc.cohort, arc.to_service].append(arc)
        moves_out_of[arc.cohort, arc.from_service].append(arc)
    entering: dict[tuple[str, str], list[tuple[str, float, float]]] = defaultdict(list)
    for g, pathways in pathways_of.items():
        for p in pathways:
            for s in data.long_term:
                if (p, s) in data.enters:
                    entering[g, s].append((p, data.enters[p, s], data.package.get((p, s), 0.0)))
    worsening_into: dict[tuple[str, str], list[Worsening]] = defaultdict(list)
    worsening_out_of: dict[tuple[str, str], list[Worsening]] = defaultdict(list)
    for worse in data.worsening:
        worsening_into[worse.group, worse.to_service].append(worse)
        worsening_out_of[worse.group, worse.from_service].append(worse)
    services_needing: dict[str, list[str]] = defaultdict(list)
    for s, w in data.staff_per_unit:
        services_needing[w].append(s)
    return ModelData(
        **{f.name: getattr(data, f.name) for f in fields(Prepared)},
        pathways_of=pathways_of,
        pathways_using=pathways_using,
        cohorts_in={s: sorted(g) for s, g in cohorts_in.items()},
        moves_into=moves_into,
        moves_out_of=moves_out_of,
        entering=entering,
        worsening_into=worsening_into,
        worsening_out_of=worsening_out_of,
        move_arcs={a.name: a for a in data.moves},
        services_needing=services_needing,
        short_term_set=frozenset(data.short_term),
        target_rows={t.key: t for t in data.targets},
        needs_in={t: [(loc, g, t) for loc in data.localities for g in data.cohorts]
                  for t in data.years},
    )


def refresh_data(model: pyo.ConcreteModel, data: Prepared) -> None:
    """Give a built model the figures of ``data``, prepared from an instance that differs
    from the one it was built from only in its mutable parameters' values (see
    :mod:`optimiser.families`): the words and figures the result tables read follow."""
    model.data = model_data(data)


def build_model(data: Prepared) -> pyo.ConcreteModel:
    """Declare the linear programme for one prepared instance."""
    # Python's cyclic garbage collector would walk every object built so far, again and
    # again, while hundreds of thousands of rows are made (most of a national build's time).
    with PauseGC():
        return _declare(data)


def _declare(data: Prepared) -> pyo.ConcreteModel:
    m = pyo.ConcreteModel(name=data.name)
    m.data = model_data(data)

    # Index sets (only valid combinations).
    m.L = pyo.Set(initialize=data.localities, ordered=True, doc="localities")
    m.G = pyo.Set(initialize=data.cohorts, ordered=True, doc="cohorts of people with a need")
    m.S = pyo.Set(initialize=data.services, ordered=True, doc="services commissioned")
    m.T = pyo.Set(initialize=data.years, ordered=True, doc="planning years")
    m.W = pyo.Set(initialize=data.roles, ordered=True, doc="workforce roles")
    m.P = pyo.Set(initialize=data.pathways, ordered=True, doc="care pathways")
    m.NEED = pyo.Set(initialize=[(loc, g, t) for loc in data.localities
                                 for g in data.cohorts for t in data.years], dimen=3)
    m.FLOW = pyo.Set(initialize=[(loc, p, t) for loc in data.localities
                                 for p in data.pathways for t in data.years], dimen=3)
    m.CASELOAD = pyo.Set(initialize=[k + (t,) for k in data.caseload_keys for t in data.years],
                         dimen=4)
    m.MOVE = pyo.Set(initialize=[(loc, a.name, t) for loc in data.localities
                                 for a in data.moves for t in data.years], dimen=3)
    m.CAP = pyo.Set(initialize=[(loc, s, t) for loc in data.localities
                                for s in data.services for t in data.years], dimen=3)
    m.STAFF = pyo.Set(initialize=[(loc, w, t) for loc in data.localities
                                  for w in data.roles for t in data.years], dimen=3)
    m.TARGET = pyo.Set(initialize=[t.key for t in data.targets], dimen=3)
    m.BUDGET_YEARS = pyo.Set(initialize=[t for t in data.years if t in data.budget])
    m.DUTY = pyo.Set(initialize=[(loc, g, t) for loc in data.localities for g in data.duty
                                 for t in data.years], dimen=3)
    m.TAIL = pyo.Set(initialize=[(loc, s) for loc in data.localities for s in data.long_term]
                     if data.end_of_horizon else [], dimen=2)

    # Parameters a scenario may change on a persistent model without rebuilding it.
    m.demand = pyo.Param(m.NEED, initialize=data.demand, mutable=True, doc="new need, people")
    m.price_capacity = pyo.Param(m.S, initialize=data.price_capacity, mutable=True)
    m.price_use = pyo.Param(m.S, initialize=data.price_use, mutable=True)
    m.hire_max = pyo.Param(m.STAFF, initialize=data.hire_max, default=0.0, mutable=True)
    m.target_level = pyo.Param(m.TARGET, initialize={t.key: t.level for t in data.targets},
                               mutable=True)
    m.budget = pyo.Param(m.BUDGET_YEARS, initialize=data.budget, mutable=True)

    # Decision variables (all continuous, non-negative).
    nonneg = pyo.NonNegativeReals
    m.routed = pyo.Var(m.FLOW, within=nonneg, doc="people routed along a pathway")
    m.caseload = pyo.Var(m.CASELOAD, within=nonneg, doc="people in a long-term setting")
    m.care_units = pyo.Var(m.CASELOAD, within=nonneg, doc="capacity units the caseload needs")
    m.move = pyo.Var(m.MOVE, within=nonneg, doc="people moved to a more independent setting")
    m.unmet = pyo.Var(m.NEED, within=nonneg, doc="people whose need is not met")
    m.capacity = pyo.Var(m.CAP, within=nonneg, doc="capacity commissioned")
    m.staff = pyo.Var(m.STAFF, within=nonneg, doc="staff in post (FTE)")
    m.hire = pyo.Var(m.STAFF, within=nonneg, doc="staff recruited (FTE)")
    # 12. Recourse at short notice, only where the instance prices it (else the LP is as
    # before, row for row and column for column).
    if data.price_spot:
        m.SPOT = pyo.Set(initialize=[(loc, s, t) for loc in data.localities
                                     for s in data.price_spot for t in data.years], dimen=3)
        m.spot = pyo.Var(m.SPOT, within=nonneg, doc="capacity bought at short notice (spot)")
    if data.agency_premium:
        m.AGENCY = pyo.Set(initialize=[(loc, w, t) for loc in data.localities
                                       for w in data.agency_premium for t in data.years], dimen=3)
        m.agency = pyo.Var(m.AGENCY, within=nonneg, doc="agency staff (FTE)")

    # 1. Demand and caseload.
    m.demand_met = pyo.Constraint(m.NEED, rule=demand.demand_met)
    m.caseload_balance = pyo.Constraint(m.CASELOAD, rule=demand.caseload_balance)
    m.caseload_units_balance = pyo.Constraint(m.CASELOAD, rule=demand.caseload_units_balance)
    # 2. Suitability.
    m.pathway_suitable = pyo.Constraint(m.FLOW, rule=demand.pathway_suitable)
    m.move_suitable = pyo.Constraint(m.MOVE, rule=demand.move_suitable)
    m.move_limit = pyo.Constraint(m.MOVE, rule=demand.move_limit)
    # 11. Unmet need by duty.
    m.eligible_need_met = pyo.Constraint(m.DUTY, rule=duty.eligible_need_met)
    # 3. Capacity.
    m.use = pyo.Expression(m.CAP, rule=capacity.use)
    m.capacity_covers_use = pyo.Constraint(m.CAP, rule=capacity.capacity_covers_use)
    # 4. Market change.
    m.market_growth_limit = pyo.Constraint(m.CAP, rule=capacity.market_growth_limit)
    m.market_shrink_limit = pyo.Constraint(m.CAP, rule=capacity.market_shrink_limit)
    # 5. Workforce.
    m.staff_cover_capacity = pyo.Constraint(m.STAFF, rule=workforce.staff_cover_capacity)
    m.staff_retention = pyo.Constraint(m.STAFF, rule=workforce.staff_retention)
    m.hiring_limit = pyo.Constraint(m.STAFF, rule=workforce.hiring_limit)
    # 6. Outcomes.
    m.outcome_target = pyo.Constraint(m.TARGET, rule=outcomes.outcome_target)
    # 13. Headroom for short-term services, or the price of the days people wait.
    m.HEADROOM = pyo.Set(initialize=headroom_rows(data), dimen=3)
    m.DELAY = pyo.Set(initialize=season_rows(data), dimen=4)
    m.DELAY_PIECE = pyo.Set(initialize=piece_rows(data), dimen=5)
    tangents = initial_parameters(data)
    m.headroom_coefficient = pyo.Param(m.HEADROOM, initialize=tangents["headroom_coefficient"],
                                       mutable=True)
    m.headroom_margin = pyo.Param(m.HEADROOM, initialize=tangents["headroom_margin"],
                                  mutable=True)
    m.delay_scale = pyo.Param(m.DELAY, initialize=tangents["delay_scale"], mutable=True)
    m.wait_days = pyo.Var(m.DELAY, within=nonneg, doc="person-days waited for a place")
    m.short_term_headroom = pyo.Constraint(m.HEADROOM, rule=headroom.short_term_headroom)
    m.delay_wait_days = pyo.Constraint(m.DELAY_PIECE, rule=headroom.delay_wait_days)
    m.delay_cost = pyo.Expression(m.DELAY, rule=headroom.delay_cost)

    # Costs, then 7. Budget and the objective.
    m.capacity_payment = pyo.Expression(m.CAP, rule=objective.capacity_payment)
    m.use_payment = pyo.Expression(m.CAP, rule=objective.use_payment)
    m.outcome_payment = pyo.Expression(m.CAP, rule=objective.outcome_payment)
    m.recruitment_cost = pyo.Expression(m.STAFF, rule=objective.recruitment_cost)
    m.unmet_penalty = pyo.Expression(m.NEED, rule=objective.unmet_penalty)
    if data.price_spot:
        m.spot_payment = pyo.Expression(m.SPOT, rule=objective.spot_payment)
    if data.agency_premium:
        m.agency_cost = pyo.Expression(m.AGENCY, rule=objective.agency_cost)
    m.year_spend = pyo.Expression(m.T, rule=objective.year_spend)
    m.end_of_horizon = pyo.Expression(m.TAIL, rule=objective.end_of_horizon)
    m.budget_limit = pyo.Constraint(m.BUDGET_YEARS, rule=budget.budget_limit)
    # Maximising an outcome: need met first, then the outcome at least cost (the limits and
    # the stages' costs set by the solve, optimiser.need_first).
    # A scalar row's rule is given to Pyomo as a function of the model alone: Pyomo passes
    # an index (None) to a rule whose signature it cannot read, such as the wrapper `make
    # mutate` puts round every rule.
    m.least_unmet = pyo.Constraint(rule=lambda m: duty.least_unmet(m))
    m.best_outcome = pyo.Constraint(rule=lambda m: objective.best_outcome(m))
    if data.objective != "min_cost":
        m.total_cost = pyo.Expression(expr=objective.total_cost(m))
    m.objective = objective.declare_objective(m, data.objective)
    return m
