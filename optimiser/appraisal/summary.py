"""One row of the comparison table per option, computed from its result tables.

Column names say their unit. Costs are the money the council pays (block, spot, outcome and
recruitment payments); the objective adds the penalty charged for unmet need, which is not
money spent, so the two are kept apart."""

from __future__ import annotations

import math

import pandas as pd

from models import Instance
from models.appraisal import Option
from optimiser.prepare import hire_limits
from optimiser.results import TAIL, spending

TOP_LIMITS = 3
"""Binding limits named in the table, by shadow price."""
TOLERANCE = 1e-6


def staff_available(instance: Instance) -> dict[str, float]:
    """The most staff of each role that could be in post in the final year, over all
    localities: today's staff kept after turnover, plus the most that can be recruited, each
    year."""
    turnover = {r.name: r.turnover.value for r in instance.roles}
    available: dict[str, float] = {r.name: 0.0 for r in instance.roles}
    limits = hire_limits(instance)
    for row in instance.workforce:
        staff = row.staff0.value
        for year in instance.years:
            staff = (1 - turnover[row.role]) * staff + limits[row.locality, row.role, year]
        available[row.role] += staff
    return available


def base_columns(option: Option, dimensions: list[str], instance: Instance) -> dict:
    """The columns that say what an option is, with or without a result."""
    row = {"option": option.name, "label": option.label}
    for dim in dimensions:
        row[dim] = option.parameters.get(dim, "")
    row["changes"] = option.describe()
    row["designs"] = ", ".join(instance.settings.designs) or "base contracts"
    return row


def outcome_columns(option: Option, dimensions: list[str], instance: Instance, status: str,
                    message: str, objective: float | None) -> dict:
    """What the option is, then what became of it: its status, the reason it has no plan,
    its objective. The figures of a plan follow these in its row."""
    row = base_columns(option, dimensions, instance)
    row["status"] = status
    row["reason"] = "" if status == "optimal" else message
    row["objective"] = objective if objective is not None else math.nan
    return row


def comparison_row(option: Option, dimensions: list[str], instance: Instance, status: str,
                   message: str, objective: float | None,
                   tables: dict[str, pd.DataFrame]) -> dict:
    """The option's row of the comparison table (figures empty when it has no plan), from
    the plan's results tables. An appraisal makes the same figures from the solution's
    arrays instead (:mod:`optimiser.appraisal.figures`)."""
    row = outcome_columns(option, dimensions, instance, status, message, objective)
    if status != "optimal" or not tables:
        return row
    costs = tables["costs"]
    spend = spending(costs)
    row["total_cost"] = float(spend["discounted_cost"].sum())
    row["end_of_horizon"] = float(costs.loc[costs["payment"] == TAIL, "discounted_cost"].sum())
    for year in instance.years:
        row[f"cost {year}"] = float(spend.loc[spend["year"] == year, "cost"].sum())
    for service in [s.name for s in instance.services] + [r.name for r in instance.roles]:
        row[f"cost: {service}"] = float(
            spend.loc[spend["service"] == service, "discounted_cost"].sum())
    for payment in ("block", "spot", "outcomes", "recruitment"):
        row[f"paid {payment}"] = float(
            spend.loc[spend["payment"] == payment, "discounted_cost"].sum())

    outcomes = tables["outcomes"]
    area = outcomes[outcomes["target"].fillna("") == ""]
    unmet = tables["unmet"]
    demand_total = float(unmet["demand"].sum())
    for k in instance.indicators:
        achieved = float(area.loc[area["indicator"] == k.name, "achieved_people"].sum())
        row[f"outcome: {k.name}"] = achieved / demand_total if demand_total else 0.0
        row[f"people: {k.name}"] = achieved
    targets = outcomes[outcomes["target"].fillna("") != ""]
    missed = sorted(set(targets.loc[~targets["met"].astype(bool), "target"]))
    row["targets missed"] = ", ".join(missed)
    row["unmet people"] = float(unmet["unmet"].sum())
    row["unmet share"] = row["unmet people"] / demand_total if demand_total else 0.0

    work = tables["workforce"]
    final = instance.years[-1]
    available = staff_available(instance)
    for role in instance.roles:
        mine = work[(work["role"] == role.name) & (work["year"] == final)]
        row[f"staff needed: {role.name}"] = float(mine["staff_needed"].sum())
        row[f"staff available: {role.name}"] = available[role.name]

    prices = tables["shadow_prices"]
    binding = prices[prices["binding"].astype(bool) & (prices["family"] != "demand_met")]
    row["binding limits"] = int(len(binding))
    valued = binding[binding["shadow_price"] > TOLERANCE].sort_values(
        ["shadow_price", "constraint"], ascending=[False, True])
    top = valued.head(TOP_LIMITS)
    row["largest shadow price"] = float(top["shadow_price"].iloc[0]) if len(top) else 0.0
    row["largest shadow prices"] = "; ".join(
        f"{r.constraint_label}: {r.shadow_price:,.2f} {r.unit}" for r in top.itertuples())
    return row


# --- the options ranked by cost, never a cheap plan that leaves need unmet unmarked ---------

UNMET = 0.5
"""An option leaving more than this many people's new need unmet leaves need unmet (less is
rounding in the solver's figures)."""


def leaves_need_unmet(table: pd.DataFrame) -> pd.Series:
    """Whether each option leaves some new need without care."""
    return table.get("unmet people", pd.Series(0.0, index=table.index)).fillna(0.0) > UNMET


def _nth(rank: int) -> str:
    """1 → 'cheapest', 2 → '2nd cheapest', 11 → '11th cheapest'."""
    if rank == 1:
        return "cheapest"
    suffix = "th" if 10 <= rank % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(rank % 10, "th")
    return f"{rank}{suffix} cheapest"


def ranked(table: pd.DataFrame) -> pd.DataFrame:
    """The comparison table with each option with a plan ranked by total cost (``cost rank``,
    1 the cheapest) and the rank in words (``ranking``), which says beside it where the
    option leaves need unmet ('cheapest, but leaves 6,521 people's need unmet') and which
    option is the cheapest that meets everyone's need when a cheaper one does not."""
    optimal = table["status"] == "optimal" if "status" in table else \
        pd.Series(False, index=table.index)
    if "total_cost" in table:
        optimal &= table["total_cost"].notna()
    rank = pd.Series(pd.NA, index=table.index, dtype="Int64")
    words = pd.Series("", index=table.index, dtype=object)
    if optimal.any():
        costs = table.loc[optimal, "total_cost"]
        rank[optimal] = costs.rank(method="min").astype(int)
        unmet = leaves_need_unmet(table)
        people = table.get("unmet people", pd.Series(0.0, index=table.index)).fillna(0.0)
        meeting = costs[~unmet[optimal]]
        first_meeting = meeting.idxmin() if not meeting.empty else None
        for i in costs.index:
            text = _nth(int(rank[i]))
            if unmet[i]:
                text += f", but leaves {people[i]:,.0f} people's need unmet"
            elif i == first_meeting and rank[i] > 1:
                text += "; the cheapest that meets everyone's need"
            words[i] = text
    columns = list(table.columns)
    at = columns.index("total_cost") + 1 if "total_cost" in columns else len(columns)
    out = table.drop(columns=["cost rank", "ranking"], errors="ignore").copy()
    at = min(at, len(out.columns))
    out.insert(at, "cost rank", rank)
    out.insert(at + 1, "ranking", words)
    return out


def cheapest_summary(table: pd.DataFrame) -> str:
    """Which option is cheapest, in sentences, never an option that leaves need unmet
    without saying so; '' when no option has a plan."""
    optimal = table[table["status"] == "optimal"]
    if optimal.empty or "total_cost" not in optimal:
        return ""
    cheapest = optimal.sort_values("total_cost").iloc[0]
    if not leaves_need_unmet(optimal.loc[[cheapest.name]]).iloc[0]:
        return (f"The cheapest option, {cheapest['option']} (£{cheapest['total_cost']:,.0f}), "
                "meets every person's need.")
    text = (f"The cheapest option, {cheapest['option']} (£{cheapest['total_cost']:,.0f}), "
            f"leaves {cheapest['unmet people']:,.0f} people's need unmet: it is cheaper only "
            "because it does not pay for their care.")
    meets = optimal[~leaves_need_unmet(optimal)].sort_values("total_cost")
    if meets.empty:
        return text + " Every option leaves some need unmet."
    best = meets.iloc[0]
    return text + (f" The cheapest option that meets every person's need is {best['option']} "
                   f"(£{best['total_cost']:,.0f}).")
