"""Results as tidy pandas tables with names a commissioner recognises.

Each table is a function of the solved model. Shadow prices are reported in words ("£ per
extra reablement place in Melton, 2027/28"), not as raw duals."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd
import pyomo.environ as pyo

from optimiser.constraints.outcomes import achieved

_TOLERANCE = 1e-6


def _value(component) -> float:
    result = pyo.value(component, exception=False)
    return 0.0 if result is None else float(result)


def capacity_plan(m) -> pd.DataFrame:
    """Capacity commissioned and used, by locality, service and year."""
    d = m.data
    rows = []
    for loc, s, t in m.CAP:
        cap, used = _value(m.cap[loc, s, t]), _value(m.use[loc, s, t])
        rows.append({
            "locality": loc, "service": s, "year": t, "unit": d.units[s],
            "capacity": cap, "used": used,
            "utilisation": used / cap if cap > _TOLERANCE else 0.0,
            "capacity_today": d.capacity0.get((loc, s), 0.0),
        })
    return pd.DataFrame(rows)


def flows(m) -> pd.DataFrame:
    """People with a new need routed along each pathway."""
    d = m.data
    return pd.DataFrame([
        {"locality": loc, "cohort": d.pathway_cohort[p], "pathway": p, "year": t,
         "people": _value(m.x[loc, p, t])}
        for loc, p, t in m.FLOW
    ])


def caseload(m) -> pd.DataFrame:
    """People in each long-term setting and the capacity units their packages need."""
    return pd.DataFrame([
        {"locality": loc, "cohort": g, "service": s, "year": t,
         "people": _value(m.caseload[loc, g, s, t]),
         "units": _value(m.care_units[loc, g, s, t])}
        for loc, g, s, t in m.CASELOAD
    ], columns=["locality", "cohort", "service", "year", "people", "units"])


def moves(m) -> pd.DataFrame:
    """People supported to move to a more independent setting."""
    return pd.DataFrame([
        {"locality": loc, "move": a, "year": t, "people": _value(m.move[loc, a, t])}
        for loc, a, t in m.MOVE
    ], columns=["locality", "move", "year", "people"])


def unmet_need(m, binding: pd.DataFrame) -> pd.DataFrame:
    """New need not met, where, and the binding limits in that locality and year that explain
    it."""
    limits = binding[binding["binding"] & binding["family"].isin(
        ["hiring_limit", "staff_cover_capacity", "market_growth_limit", "budget_limit",
         "pathway_suitable"])]
    rows = []
    for loc, g, t in m.NEED:
        people = _value(m.unmet[loc, g, t])
        demand = _value(m.demand[loc, g, t])
        reason = ""
        if people > _TOLERANCE:
            here = limits[(limits["year"] == t) & limits["locality"].isin([loc, ""])]
            reason = "; ".join(sorted(set(here["constraint_label"]))) or \
                "meeting it would cost more than the unmet-need penalty"
        rows.append({"locality": loc, "cohort": g, "year": t, "demand": demand,
                     "unmet": people, "unmet_share": people / demand if demand else 0.0,
                     "why": reason})
    return pd.DataFrame(rows)


def workforce_plan(m) -> pd.DataFrame:
    """Staff needed by the capacity plan, in post, recruited, and the recruitment limit."""
    d = m.data
    rows = []
    for loc, w, t in m.STAFF:
        needed = sum(d.staff_per_unit[s, w] * _value(m.cap[loc, s, t])
                     for s in d.services_needing[w])
        rows.append({"locality": loc, "role": w, "year": t, "staff_needed": needed,
                     "staff_in_post": _value(m.staff[loc, w, t]),
                     "recruited": _value(m.hire[loc, w, t]),
                     "recruitment_limit": _value(m.hire_max[loc, w])})
    return pd.DataFrame(rows, columns=["locality", "role", "year", "staff_needed",
                                       "staff_in_post", "recruited", "recruitment_limit"])


def outcome_report(m) -> pd.DataFrame:
    """Every indicator achieved, area-wide each year, and against each target."""
    d = m.data
    rows = []
    for k in d.indicators:
        for t in m.T:
            count = _value(achieved(m, k, d.localities, d.cohorts, t))
            demand = sum(_value(m.demand[n]) for n in d.needs_in[t])
            rows.append({"target": "", "indicator": k, "group": "area", "year": t,
                         "achieved_people": count,
                         "achieved_share": count / demand if demand else 0.0,
                         "sense": "", "level": float("nan"), "basis": "demand",
                         "required_people": float("nan"), "met": True})
    for key in m.TARGET:
        row = d.target_rows[key]
        count = _value(achieved(m, row.indicator, row.localities, row.cohorts, row.year))
        constraint = m.outcome_target[key]
        required = _value(constraint.lower if row.sense == "at_least" else constraint.upper)
        demand = sum(_value(m.demand[loc, g, row.year])
                     for loc in row.localities for g in row.cohorts)
        met = count >= required - _TOLERANCE if row.sense == "at_least" \
            else count <= required + _TOLERANCE
        rows.append({"target": key[0], "indicator": row.indicator, "group": key[1],
                     "year": row.year, "achieved_people": count,
                     "achieved_share": count / demand if demand else 0.0,
                     "sense": row.sense, "level": row.level, "basis": row.basis,
                     "required_people": required,
                     "met": met})
    return pd.DataFrame(rows)


def cost_breakdown(m) -> pd.DataFrame:
    """Cost by service, payment type, locality and year, undiscounted and discounted."""
    d = m.data
    rows = []

    def add(loc, item, payment, t, amount):
        if abs(amount) > _TOLERANCE:
            rows.append({"locality": loc, "service": item, "payment": payment, "year": t,
                         "cost": amount, "discounted_cost": amount * d.discount[t]})

    for loc, s, t in m.CAP:
        add(loc, s, "block", t, _value(m.capacity_payment[loc, s, t]))
        add(loc, s, "spot", t, _value(m.use_payment[loc, s, t]))
        add(loc, s, "outcomes", t, _value(m.outcome_payment[loc, s, t]))
    for loc, w, t in m.STAFF:
        add(loc, w, "recruitment", t, _value(m.recruitment_cost[loc, w, t]))
    for loc, g, t in m.NEED:
        add(loc, "unmet need", "penalty", t, _value(m.unmet_penalty[loc, g, t]))
    return pd.DataFrame(rows, columns=["locality", "service", "payment", "year", "cost",
                                       "discounted_cost"])


@dataclass(frozen=True)
class _Family:
    """How to describe the shadow price of one constraint family in words."""

    unit: str
    describe: Callable[..., str]


def _target_words(d, name, group, year) -> str:
    where = "across the area" if group == "area" else f"in {d.labels[group]}"
    if d.target_rows[name, group, year].sense == "at_least":
        return f"cost of one more person achieving target {name} {where}, {year}"
    return f"saving if target {name} allowed one more person {where}, {year}"


_FAMILIES: dict[str, _Family] = {
    "demand_met": _Family("£ per person", lambda d, loc, g, t:
                          f"cost of meeting one more {d.labels[g]} need in {d.labels[loc]}, {t}"),
    "pathway_suitable": _Family("£ per person", lambda d, loc, p, t:
                                f"saving if one more person could take {d.labels[p]} in "
                                f"{d.labels[loc]}, {t}"),
    "move_limit": _Family("£ per person", lambda d, loc, a, t:
                          f"saving from supporting one more move ({a}) in {d.labels[loc]}, {t}"),
    "move_suitable": _Family("£ per person", lambda d, loc, a, t:
                             f"saving if one more person were suitable to move ({a}) in "
                             f"{d.labels[loc]}, {t}"),
    "capacity_covers_use": _Family("£ per unit", lambda d, loc, s, t:
                                   f"cost of one more {d.units[s]} of {d.labels[s]} used in "
                                   f"{d.labels[loc]}, {t}"),
    "market_growth_limit": _Family("£ per unit", lambda d, loc, s, t:
                                   f"saving if the market could grow {d.labels[s]} by one more "
                                   f"{d.units[s]} in {d.labels[loc]}, {t}"),
    "market_shrink_limit": _Family("£ per unit", lambda d, loc, s, t:
                                   f"saving if one more {d.units[s]} of {d.labels[s]} could be "
                                   f"decommissioned in {d.labels[loc]}, {t}"),
    "staff_cover_capacity": _Family("£ per FTE", lambda d, loc, w, t:
                                    f"saving from one more {d.labels[w]} in post in "
                                    f"{d.labels[loc]}, {t}"),
    "hiring_limit": _Family("£ per FTE", lambda d, loc, w, t:
                            f"saving if one more {d.labels[w]} could be recruited in "
                            f"{d.labels[loc]}, {t}"),
    "outcome_target": _Family("£ per person", _target_words),
    "budget_limit": _Family("£ per £", lambda d, t: f"value of one more £ of budget in {t}"),
}
"""Every inequality's shadow price is reported as a magnitude (£ discounted); the words say
whether it is a cost of tightening or a saving from relaxing. Meeting need is an equality,
so its sign is kept."""


def _where(family: str, index: tuple) -> dict[str, str]:
    """Spread a constraint's index into locality / item / year columns."""
    if family == "budget_limit":
        return {"locality": "", "item": "", "year": index[0]}
    if family == "outcome_target":
        return {"locality": index[1] if index[1] != "area" else "", "item": index[0],
                "year": index[2]}
    return {"locality": index[0], "item": index[1], "year": index[-1]}


def _is_binding(constraint) -> bool:
    body = _value(constraint.body)
    for bound in (constraint.lower, constraint.upper):
        if bound is not None:
            level = _value(bound)
            if abs(body - level) <= _TOLERANCE * max(1.0, abs(level)):
                return True
    return False


def shadow_prices(m, duals: dict) -> pd.DataFrame:
    """The marginal value of every capacity, workforce, outcome, market, suitability and
    budget limit, in words, with the binding ones flagged. Values are in discounted £ (or
    outcome per £ when maximising an outcome)."""
    d = m.data
    maximising = d.objective != "min_cost"
    rows = []
    for family, how in _FAMILIES.items():
        unit = how.unit.replace("£", f"{d.objective_indicator} people", 1) if maximising \
            else how.unit
        for index, constraint in getattr(m, family).items():
            index = index if isinstance(index, tuple) else (index,)
            dual = duals.get(constraint, 0.0)
            rows.append({
                "family": family, **_where(family, index),
                "constraint_label": how.describe(d, *index),
                "shadow_price": (dual if family == "demand_met" else abs(dual)) + 0.0,
                "unit": unit,
                "binding": _is_binding(constraint) if family != "demand_met" else True,
                "constraint": constraint.name,
            })
    return pd.DataFrame(rows, columns=["family", "locality", "item", "year",
                                       "constraint_label", "shadow_price", "unit", "binding",
                                       "constraint"])


def extract(m, duals: dict) -> dict[str, pd.DataFrame]:
    """Every results table of a solved model."""
    prices = shadow_prices(m, duals)
    return {
        "capacity": capacity_plan(m),
        "flows": flows(m),
        "caseload": caseload(m),
        "moves": moves(m),
        "unmet": unmet_need(m, prices),
        "workforce": workforce_plan(m),
        "outcomes": outcome_report(m),
        "costs": cost_breakdown(m),
        "shadow_prices": prices,
    }
