"""Sensitivity ranging (MODEL.md, "Beyond a single deterministic solve"): how far each price
and each binding limit can move before today's plan stops being the best one.

**Prices.** A price (``price_capacity[reablement]``, £ a place-year) is not one number in the
LP: it multiplies many cost coefficients, one for each locality and year (times the
locality's cost factor and the year's discount) and, for a spot price, each pathway that
uses the service. HiGHS's cost ranging moves one coefficient with every other held still,
which is not what a change of price does. So the range is worked out for the price itself,
from the optimal basis HiGHS holds: with every coefficient it multiplies moving together,
``c(p) = c + (p - p0) a`` where ``a`` is the cost per £1 of price (read from the model, so
whatever the objective does with the price is followed exactly), the duals move as
``y(p) = y + (p - p0) B^-T a_B`` (one solve with HiGHS's factored basis) and so do the
reduced costs. The plan stays optimal while every nonbasic column's reduced cost and every
binding row's dual keeps its sign; the range is where the first one would change sign.
Where a price multiplies one coefficient (the worked example's reablement place), this is
HiGHS's own cost range for that coefficient, converted back through it.

A range is in the instance's own prices (the figure a user writes and moves with ``--set``).
With a price base, the model's price is that figure times the price index, so ``a`` is taken
per £1 of the instance's price (times the index); with the end-of-horizon tail on, the
price also sits in the tail's coefficients, and ``a`` follows them as it follows the rest.

A price may also sit in a constraint's coefficients (a budget counts the money spent). A
budget with room to spare limits the range too: the plan is kept only while it still fits the
budget. Where the budget binds, a price change also changes what the budget buys, so the plan
itself moves: the range is then marked approximate (it holds the budget's coefficients still).

**Limits.** For a binding limit (a suitability share, a recruitment limit, a target, a budget,
each need to be met), HiGHS's bound ranging gives how far the limit can move with the same
limits binding, so its shadow price, the marginal £ of one more unit, holds over that range.

The ranges are those of the optimal basis. On a degenerate plan (several bases giving the
same plan) the plan can stay optimal a little beyond them; never less far."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import highspy
import numpy as np
import pandas as pd
import pyomo.environ as pyo

from optimiser.lp import LinearProgram, Rows, refresh
from optimiser.words import label

COLUMNS = ["kind", "item", "locality", "year", "parameter", "value", "lower", "upper", "unit",
           "marginal", "exact", "meaning"]
"""The columns of ``ranging.csv``: one row per price, then one per binding limit. ``marginal``
is what one more unit of the figure adds to the total (discounted) cost: for a limit its
shadow price, for a price the units the plan buys at it (discounted, times the price index,
tail included)."""

_TOLERANCE = 1e-9
RANGING_ROWS = 100_000
"""Models up to this many rows are ranged on every solve (a second or less); larger ones
when asked (``optimiser solve --ranging``), as ranging then adds a good share of the time."""


@dataclass(frozen=True)
class _Price:
    """How a price parameter is described: what it is, and the unit its figure is in."""

    what: str
    per: Callable[[str], str]


def _a_year(unit: str) -> str:
    """A price's unit in words: 'a place-year', 'a year for each hour a week'."""
    amount, per, period = unit.partition(" per ")
    return f"a year for each {amount} a {period}" if per else f"a {unit}-year"


_PRICES: dict[str, _Price] = {
    "price_capacity": _Price("block price", lambda unit: f"£ {_a_year(unit)}"),
    "price_use": _Price("spot price", lambda unit: f"£ {_a_year(unit)} used"),
}
"""The prices a range is worked out for, by their parameter in the model."""


@dataclass
class _Basis:
    """The optimal basis and solution HiGHS holds, as arrays."""

    highs: Any
    """The solved ``highspy.Highs`` (typed loosely: highspy's stubs omit its basis solves)."""
    lp: LinearProgram
    sign: float
    """+1 when minimising, -1 when maximising: the sign a reduced cost must keep."""
    x: np.ndarray
    reduced: np.ndarray
    row_dual: np.ndarray
    col_status: np.ndarray
    row_status: np.ndarray
    basic: np.ndarray

    @classmethod
    def read(cls, highs: Any, lp: LinearProgram) -> _Basis:
        basis, solution = highs.getBasis(), highs.getSolution()
        _, basic = highs.getBasicVariables()
        return cls(highs, lp, -1.0 if lp.maximise else 1.0, np.asarray(solution.col_value),
                   np.asarray(solution.col_dual), np.asarray(solution.row_dual),
                   np.asarray([int(s) for s in basis.col_status]),
                   np.asarray([int(s) for s in basis.row_status]), np.asarray(basic))

    def step_range(self, a: np.ndarray) -> tuple[float, float]:
        """How far the costs can move along ``a`` (t in ``c + t a``) with this basis optimal."""
        rhs = np.where(self.basic >= 0, a[np.maximum(self.basic, 0)], 0.0)
        _, y = self.highs.getBasisTransposeSolve(rhs)
        y = np.asarray(y)
        rows = self.lp.rows
        reduced = a - np.bincount(rows.index, weights=rows.value * y[_row_of(rows)],
                                  minlength=len(a))
        low, high = -np.inf, np.inf
        for status, lower, upper, now, moves in (
                (self.col_status, self.lp.col_lower, self.lp.col_upper, self.reduced, reduced),
                (self.row_status, rows.lower, rows.upper, self.row_dual, y)):
            free = lower < upper
            for side, sense in ((_LOWER, 1.0), (_UPPER, -1.0)):
                chosen = (status == side) & free
                low, high = _limits(sense * self.sign * now[chosen],
                                    sense * self.sign * moves[chosen], low, high)
            zero = (status == _ZERO) & free  # a free nonbasic column's reduced cost stays 0
            if np.any(np.abs(moves[zero]) > _TOLERANCE):
                low, high = max(low, 0.0), min(high, 0.0)
        return low, high


def _row_of(rows: Rows) -> np.ndarray:
    """The row of each nonzero of the row-wise matrix."""
    return np.repeat(np.arange(rows.count), np.diff(rows.start))


def _times(rows: Rows, x: np.ndarray) -> np.ndarray:
    """The rows' activity at ``x``: A x."""
    return np.bincount(_row_of(rows), weights=rows.value * x[rows.index], minlength=rows.count)


_LOWER, _UPPER, _ZERO = (int(highspy.HighsBasisStatus.kLower),
                         int(highspy.HighsBasisStatus.kUpper),
                         int(highspy.HighsBasisStatus.kZero))


def _limits(now: np.ndarray, moves: np.ndarray, low: float, high: float) -> tuple[float, float]:
    """Narrow [low, high] to the t keeping ``now + t moves >= 0`` (``now`` is >= 0 up to
    HiGHS's tolerances; a tiny wrong-signed value counts as 0)."""
    scale = _TOLERANCE * max(1.0, float(np.max(np.abs(moves), initial=0.0)))
    now = np.maximum(now, 0.0)
    falling, rising = moves < -scale, moves > scale
    if falling.any():
        high = min(high, float(np.min(now[falling] / -moves[falling])))
    if rising.any():
        low = max(low, float(np.max(-now[rising] / moves[rising])))
    return low, high


def _per_unit_of(model: pyo.ConcreteModel, lp: LinearProgram, member,
                 x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """What £1 more on a price adds to each column's cost, and to each row's activity at the
    plan ``x``: read from the model by moving the price and back (both are linear in it)."""
    def activity() -> np.ndarray:
        return _times(lp.rows, x) + lp.row_constant

    start, cost, before = member.value, lp.cost.copy(), activity()
    step = max(1.0, abs(start))
    member.set_value(start + step)
    try:
        refresh(lp)
        per_unit = ((lp.cost - cost) / step, (activity() - before) / step)
    finally:
        member.set_value(start)
        refresh(lp)
    return per_unit


def price_ranges(highs: highspy.Highs, lp: LinearProgram,
                 model: pyo.ConcreteModel) -> pd.DataFrame:
    """For every price in the objective, the range over which today's plan stays optimal."""
    basis = _Basis.read(highs, lp)
    d = model.data
    index = d.price_index
    prices = f" at {d.price_year} prices" if d.price_year is not None and index != 1.0 else ""
    activity = _times(lp.rows, basis.x)
    records = []
    for param in sorted(lp.objective_reads, key=lambda p: p.name):
        described = _PRICES.get(param.name)
        if described is None:
            continue
        for service, member in param.items():
            per_unit, per_unit_rows = _per_unit_of(model, lp, member, basis.x)
            if not np.any(per_unit):
                continue  # a price nothing in the plan can pay (no capacity, no use)
            # The instance's price p moves the model's p × index: £1 on p is £index on it.
            per_unit, per_unit_rows = per_unit * index, per_unit_rows * index
            low, high = basis.step_range(per_unit)
            low, high, exact = _within_rows(basis, activity, per_unit_rows, low, high)
            value = float(member.value) / index
            unit = described.per(d.units[service])
            lower, upper = max(0.0, value + low), value + high
            records.append({
                "kind": "price", "item": d.labels[service], "locality": "", "year": "",
                "parameter": f"{param.name}[{service}]", "value": value, "lower": lower,
                "upper": upper, "unit": unit, "marginal": float(per_unit @ basis.x), "exact": exact,
                "meaning": _price_words(label(d, service), described.what, value, lower, upper,
                                        d.units[service], exact, prices),
            })
    return pd.DataFrame(records, columns=COLUMNS)


def _within_rows(basis: _Basis, activity: np.ndarray, per_unit_rows: np.ndarray, low: float,
                 high: float) -> tuple[float, float, bool]:
    """Narrow a price's range to keep the plan inside rows the price sits in (a budget):
    exact where those rows have room to spare, approximate where one binds."""
    scale = _TOLERANCE * max(1.0, float(np.max(np.abs(per_unit_rows), initial=0.0)))
    touched = np.abs(per_unit_rows) > scale
    if not touched.any():
        return low, high, True
    rows = basis.lp.rows
    slack = touched & (basis.row_status == int(highspy.HighsBasisStatus.kBasic))
    for bound, sense in ((rows.upper, 1.0), (rows.lower, -1.0)):
        finite = slack & np.isfinite(bound)
        room = sense * (bound[finite] - activity[finite])
        low, high = _limits(room, -sense * per_unit_rows[finite], low, high)
    return low, high, not np.any(touched & ~slack)


def _money(value: float) -> str:
    return f"£{value:,.0f}" if np.isfinite(value) else "any amount"


def _price_words(label: str, what: str, value: float, lower: float, upper: float, unit: str,
                 exact: bool, prices: str = "") -> str:
    """A price's range in a sentence; ``prices`` names the price base where the instance's
    prices are indexed (" at 2019/20 prices")."""
    a_unit = _a_year(unit) + prices
    if not np.isfinite(upper):
        span = f"at any {what} of {_money(lower)} or more{prices}" if lower > 0 else \
            f"at any {what}"
    elif lower <= 0:
        span = f"while its {what} stays below {_money(upper)} {a_unit}"
    else:
        span = f"while its {what} stays between {_money(lower)} and {_money(upper)} {a_unit}"
    caveat = "" if exact else (" (approximate: a budget binds, so a new price also changes "
                               "what the budget buys; re-solve to be sure)")
    return f"The plan holds for {label} {span} (now {_money(value)}){caveat}."


_STRUCTURAL = frozenset({"capacity_covers_use", "staff_cover_capacity", "move_suitable",
                         "least_unmet"})
"""Limits whose right-hand side is the plan's own (capacity used within capacity bought,
staff within staff in post, the least unmet need the first stage of maximising an outcome
found), not a figure of the instance: no range is given for them."""


def limit_ranges(highs: highspy.Highs, lp: LinearProgram,
                 shadow_prices: pd.DataFrame) -> pd.DataFrame:
    """For every binding limit with a shadow price (each need to be met among them), the
    range of the limit over which its shadow price holds."""
    if shadow_prices.empty:
        return pd.DataFrame(columns=COLUMNS)
    rows = np.concatenate([np.arange(lp.row_blocks[family].start, lp.row_blocks[family].stop)
                           for family in dict.fromkeys(shadow_prices["family"])])
    _, ranging = highs.getRanging()
    # HiGHS ranges the bounds as it scaled them (solve.user_scaling): undo that scale.
    _, bound_scale = highs.getOptionValue("user_bound_scale")
    unscale = 2.0 ** -int(bound_scale)
    down = np.asarray(ranging.row_bound_dn.value_)[rows] * unscale
    up = np.asarray(ranging.row_bound_up.value_)[rows] * unscale
    constant = lp.row_constant[rows]
    lower, upper = lp.rows.lower[rows] + constant, lp.rows.upper[rows] + constant
    table = shadow_prices.assign(
        value=np.where(np.isfinite(upper), upper, lower), lower=down + constant,
        upper=up + constant)
    kept = table["binding"] & ~table["family"].isin(_STRUCTURAL) & (
        table["shadow_price"].abs() > _TOLERANCE)
    table = table[kept.to_numpy()]
    limit_unit = table["unit"].str.split(" per ", n=1).str[-1]
    table = table.assign(
        kind="limit", item=table["constraint_label"], parameter=table["constraint"],
        unit=limit_unit, marginal=table["shadow_price"], exact=True,
        meaning=[_limit_words(*row) for row in zip(
            table["constraint_label"], table["shadow_price"], table["unit"], table["value"],
            table["lower"], table["upper"], limit_unit, strict=True)])
    return table[COLUMNS].reset_index(drop=True)


def _number(value: float, unit: str) -> str:
    if not np.isfinite(value):
        return "no limit"
    figure = f"{value:,.2f}".rstrip("0").rstrip(".")
    return f"£{figure}" if unit == "£" else f"{figure} {_PLURAL.get(unit, unit)}"


_PLURAL = {"person": "people", "unit": "units"}


def _limit_words(label: str, price: float, unit: str, value: float, lower: float, upper: float,
                 limit_unit: str) -> str:
    """A binding limit's range in a sentence."""
    worth = (f"£{price:,.2f} {unit.removeprefix('£ ')}" if unit.startswith("£ ")
             else f"{price:,.2f} {unit}")
    return (f"{label[0].upper()}{label[1:]}: {worth} while the figure stays between "
            f"{_number(lower, limit_unit)} and {_number(upper, limit_unit)} "
            f"(now {_number(value, limit_unit)}).")


def ranging_table(highs: highspy.Highs, lp: LinearProgram, model: pyo.ConcreteModel,
            shadow_prices: pd.DataFrame) -> pd.DataFrame:
    """``ranging.csv``: every price's range, then every binding limit's."""
    return pd.concat([price_ranges(highs, lp, model), limit_ranges(highs, lp, shadow_prices)],
                     ignore_index=True)
