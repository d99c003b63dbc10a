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
from optimiser.results import NOT_SPEND, TAIL

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
    spend = costs[~costs["payment"].isin(NOT_SPEND)]
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
