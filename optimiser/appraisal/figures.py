"""The figures of an option's comparison row, straight from the solved model's arrays.

An appraisal of a thousand options needs one row of totals for each, not every results
table: here each total is a sum over the solution's arrays (:class:`~optimiser.lp.Values`),
a few milliseconds an option. What does not depend on the solution (which year, service and
payment each cost member belongs to, each limit's words) is made once per kept model and
re-used by its re-solves.

:func:`optimiser.appraisal.summary.comparison_row` makes the same figures from the full
tables (for plans that have them, such as :func:`optimiser.api.compare`);
tests/test_appraisal_figures.py checks that the two agree on every column."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyomo.environ as pyo

from models import Instance
from optimiser.appraisal.summary import TOLERANCE, TOP_LIMITS, staff_available
from optimiser.lp import LinearProgram, Values, parameter_values
from optimiser.results import price_arrays, spend_payments, target_counts

PAYMENT_COLUMNS = ("block", "spot", "outcomes", "recruitment")
"""The payment types given a ``paid`` column of their own."""
NOT_A_LIMIT = "demand_met"
"""The family of rows that say every person's need is routed somewhere or left unmet: an
equation, not a limit a commissioner could relax, so it is not counted as binding."""


@dataclass(frozen=True)
class _Spend:
    """Where each member of one payment expression falls: its year and its service or role."""

    expression: str
    payment: str
    year: np.ndarray
    item: np.ndarray


@dataclass(frozen=True)
class _Shape:
    """The solution-free part of the figures of one model."""

    years: list[str]
    discount: np.ndarray
    items: list[str]
    spend: list[_Spend]
    staff_columns: dict[str, tuple[np.ndarray, np.ndarray]]
    """Role → (capacity columns of the final year, staff per unit of each)."""
    achieving: dict[str, np.ndarray]
    """Indicator → the share of each flow (``routed``, in column order) achieving it."""


def _shape(m: pyo.ConcreteModel, lp: LinearProgram) -> _Shape:
    found = lp.memo.get("comparison figures")
    if found is not None:
        return found
    d = m.data
    years = list(d.years)
    year_code = {t: i for i, t in enumerate(years)}
    items = [*d.services, *d.roles]
    item_code = {name: i for i, name in enumerate(items)}
    spend = []
    for payment in spend_payments(m):
        keys = lp.keys(getattr(m, payment.variable))
        spend.append(_Spend(payment.expression, payment.payment,
                            np.asarray([year_code[k[-1]] for k in keys], dtype=np.int64),
                            np.asarray([item_code[k[1]] for k in keys], dtype=np.int64)))
    final = years[-1]
    capacity = lp.column_blocks[m.capacity.name]
    position = {key: capacity.start + i for i, key in enumerate(capacity.keys)}
    pairs: dict[str, list[tuple[int, float]]] = {role: [] for role in d.roles}
    for loc, role, year in lp.keys(m.staff):
        if year == final:
            pairs[role] += [(position[loc, s, final], d.staff_per_unit[s, role])
                            for s in d.services_needing[role]]
    staff_columns = {role: (np.asarray([c for c, _ in found], dtype=np.int64),
                            np.asarray([a for _, a in found], dtype=np.float64))
                     for role, found in pairs.items()}
    pathways = [p for _, p, _ in lp.keys(m.routed)]
    achieving = {k: np.asarray([d.outcome.get((p, k), 0.0) for p in pathways], dtype=float)
                 for k in d.indicators}
    shape = lp.memo["comparison figures"] = _Shape(
        years, np.asarray([d.discount[t] for t in years], dtype=np.float64), items, spend,
        staff_columns, achieving)
    return shape


def plan_figures(m: pyo.ConcreteModel, v: Values, instance: Instance) -> dict:
    """The comparison row's figures of an optimal plan, in the row's column order (the
    columns that say what the option is, and its status, come first and are not made
    here)."""
    shape = _shape(m, v.lp)
    row: dict = {}
    by_year = np.zeros(len(shape.years))
    by_item = np.zeros(len(shape.items))
    paid = dict.fromkeys(PAYMENT_COLUMNS, 0.0)
    for spend in shape.spend:
        amount = v.expression(getattr(m, spend.expression))
        discounted = amount * shape.discount[spend.year]
        by_year += np.bincount(spend.year, weights=amount, minlength=len(shape.years))
        by_item += np.bincount(spend.item, weights=discounted, minlength=len(shape.items))
        if spend.payment in paid:
            paid[spend.payment] += float(discounted.sum())
    row["total_cost"] = float(by_item.sum())
    row["end_of_horizon"] = float(v.expression(m.end_of_horizon).sum()
                                  * shape.discount[-1]) if len(m.end_of_horizon) else 0.0
    for year, spent_then in zip(shape.years, by_year.tolist(), strict=True):
        row[f"cost {year}"] = spent_then
    spent = dict(zip(shape.items, by_item.tolist(), strict=True))
    for item in [s.name for s in instance.services] + [r.name for r in instance.roles]:
        row[f"cost: {item}"] = spent.get(item, 0.0)
    for payment, total in paid.items():
        row[f"paid {payment}"] = total

    demand_total = float(parameter_values(m.demand).sum())
    flows = v.of(m.routed)
    for k in instance.indicators:
        share = shape.achieving.get(k.name)
        achieved = float(share @ flows) if share is not None else 0.0
        row[f"outcome: {k.name}"] = achieved / demand_total if demand_total else 0.0
        row[f"people: {k.name}"] = achieved
    row["targets missed"] = ", ".join(_missed(m, v))
    row["unmet people"] = float(v.of(m.unmet).sum())
    row["unmet share"] = row["unmet people"] / demand_total if demand_total else 0.0

    available = staff_available(instance)
    for role in instance.roles:
        columns, per_unit = shape.staff_columns.get(role.name, (np.empty(0, dtype=np.int64),
                                                                np.empty(0)))
        row[f"staff needed: {role.name}"] = float(per_unit @ v.x[columns])
        row[f"staff available: {role.name}"] = available[role.name]
    row.update(_limits(m, v))
    return row


def _missed(m: pyo.ConcreteModel, v: Values) -> list[str]:
    """The outcome targets the plan does not meet, by name, judged as the outcomes table
    judges them (:class:`optimiser.results.TargetCount`)."""
    return sorted({target.key[0] for target in target_counts(m, v) if not target.met})


def _limits(m: pyo.ConcreteModel, v: Values) -> dict:
    """How many limits bind, and the ones worth most to relax, in words."""
    words, prices, binding = price_arrays(m, v)
    columns = words["columns"]
    family = v.lp.memo.get("price families")
    if family is None:
        family = v.lp.memo["price families"] = np.asarray(columns["family"], dtype=object)
    limits = binding & (family != NOT_A_LIMIT)
    valued = np.flatnonzero(limits & (prices > TOLERANCE))
    if len(valued) > TOP_LIMITS:  # the largest few, with every tie at the last of them
        least = np.partition(prices[valued], -TOP_LIMITS)[-TOP_LIMITS]
        valued = valued[prices[valued] >= least]
    top = sorted(valued.tolist(), key=lambda i: (-prices[i], columns["constraint"][i]))
    top = top[:TOP_LIMITS]
    return {
        "binding limits": int(limits.sum()),
        "largest shadow price": float(prices[top[0]]) if top else 0.0,
        "largest shadow prices": "; ".join(
            f"{columns['constraint_label'][i]}: {prices[i]:,.2f} {columns['unit'][i]}"
            for i in top),
    }
