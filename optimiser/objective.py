"""The objective: discounted cost (MODEL.md), or an outcome maximised within the budget.

Cost is built from named expressions so the cost breakdown a commissioner sees is the same
arithmetic the optimiser minimised."""

from __future__ import annotations

import math

import pyomo.environ as pyo

from optimiser.constraints import Expr, Model
from optimiser.constraints.linear import linear
from optimiser.constraints.outcomes import achieved


def capacity_payment(m: Model, locality: str, service: str, year: str) -> Expr:
    """Block payments: £ per unit of capacity commissioned."""
    d = m.data
    return m.price_capacity[service] * d.cost_factor[locality] * m.capacity[locality, service, year]


def use_payment(m: Model, locality: str, service: str, year: str) -> Expr:
    """Spot payments: £ per unit of capacity used."""
    d = m.data
    return m.price_use[service] * d.cost_factor[locality] * m.use[locality, service, year]


def outcome_payment(m: Model, locality: str, service: str, year: str) -> Expr:
    """Outcomes-based payments: £ per person on a pathway using the service who achieves k."""
    d = m.data
    return d.cost_factor[locality] * sum(
        price * d.outcome[p, k] * m.routed[locality, p, year]
        for (s, k), price in d.price_outcome.items() if s == service
        for p in d.pathways_using[service] if (p, k) in d.outcome
    )


def recruitment_cost(m: Model, locality: str, role: str, year: str) -> Expr:
    """£ to recruit and train the year's new staff."""
    return m.data.hire_cost[role] * m.hire[locality, role, year]


def spot_payment(m: Model, locality: str, service: str, year: str) -> Expr:
    """Capacity bought at short notice when block capacity runs out, at the spot price."""
    d = m.data
    return d.price_spot[service] * d.cost_factor[locality] * m.spot[locality, service, year]


def agency_cost(m: Model, locality: str, role: str, year: str) -> Expr:
    """The premium paid for agency staff over employing the same staff."""
    return m.data.agency_premium[role] * m.agency[locality, role, year]


def unmet_penalty(m: Model, locality: str, cohort: str, year: str) -> Expr:
    """The objective's charge for each person whose need is left unmet (not money spent):
    the cohort's (or band's) penalty, else the settings' one (``prepare`` gives every need
    group its penalty)."""
    return m.data.penalty_of[cohort] * m.unmet[locality, cohort, year]


def year_spend(m: Model, year: str) -> Expr:
    """Money the council pays out in a year: capacity, use, outcome and recruitment payments."""
    # One flat sum of every payment (not a sum of three-term sums), so the expression is
    # quick to build and to read into HiGHS's arrays.
    services = sum(
        payment[loc, s, year]
        for loc in m.L for s in m.S
        for payment in (m.capacity_payment, m.use_payment, m.outcome_payment)
    )
    spend = services + sum(m.recruitment_cost[loc, w, year] for loc in m.L for w in m.W)
    d = m.data
    if d.price_spot:
        spend += sum(m.spot_payment[loc, s, year] for loc in m.L for s in d.price_spot)
    if d.agency_premium:
        spend += sum(m.agency_cost[loc, w, year] for loc in m.L for w in d.agency_premium)
    return spend


def end_of_horizon(m: Model, locality: str, setting: str) -> Expr:
    r"""c_{l,r} \sum_{g,s} (K_U care\_units_{l,g,s,T} + K_N caseload_{l,g,s,T}), with
    c_{l,r} = cost\_factor_l (price\_capacity_r / occupancy_r + price\_use_r).

    What the people still in care at the end of the last year go on costing in this setting
    until they leave it (MODEL.md 10; the weights K in :mod:`optimiser.horizon`),
    undiscounted."""
    d = m.data
    last = d.years[-1]
    occupancy = d.occupancy[setting]
    unit_cost = d.cost_factor[locality] * (
        (m.price_capacity[setting] / occupancy if occupancy > 0 else 0.0)
        + m.price_use[setting])
    terms = []
    for g, s, per_unit, per_person in d.tail.get(setting, ()):
        terms += [(unit_cost * per_unit, m.care_units[locality, g, s, last]),
                  (unit_cost * per_person, m.caseload[locality, g, s, last])]
    return linear(terms)


def total_cost(m: Model) -> Expr:
    """Discounted spend plus the penalty on unmet need over the planning years, plus the
    cost after the last year where the end-of-horizon tail is on, plus the price of the days
    people wait for a short-term place."""
    d = m.data
    tail = d.discount[d.years[-1]] * sum(m.end_of_horizon[key] for key in m.TAIL)
    return tail + sum(
        d.discount[t] * (m.year_spend[t] + sum(m.unmet_penalty[n] for n in d.needs_in[t]))
        for t in m.T
    ) + sum(m.data.discount[key[2]] * m.delay_cost[key] for key in m.DELAY)


def outcome_achieved(m: Model) -> Expr:
    """People achieving the chosen indicator, over every locality, cohort and year."""
    d = m.data
    return sum(achieved(m, d.objective_indicator, d.localities, d.cohorts, t) for t in m.T)


def best_outcome(m: Model) -> Expr:
    r"""\sum_{l,p,t} outcome_{p,k} routed_{l,p,t} \ge O^*, maximising an outcome only.

    A plan that buys the best outcome the budget allows spends no more than that outcome
    needs: no money goes on places, hours or beds nobody will use. The row is stated here
    with no limit; the solve (:mod:`optimiser.need_first`) finds the most of the outcome,
    O*, and sets the limit before it finds the least cost. An outcome no pathway achieves
    is the same, none, in every plan: there is nothing to hold."""
    if m.data.objective == "min_cost":
        return pyo.Constraint.Skip
    outcome = outcome_achieved(m)
    if isinstance(outcome, int | float):  # no pathway achieves it
        return pyo.Constraint.Skip
    return outcome >= -math.inf


def declare_objective(m: Model, sense: str) -> Expr:
    """Minimise cost, or maximise the chosen outcome within the budget."""
    if sense == "max_outcome":
        return pyo.Objective(expr=outcome_achieved(m), sense=pyo.maximize)
    return pyo.Objective(expr=total_cost(m), sense=pyo.minimize)
