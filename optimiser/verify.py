"""Checking a plan HiGHS calls optimal against the model's own rows, before anyone sees it.

HiGHS solves a scaled copy of the model (:func:`optimiser.solve.array_scaling`) and judges
optimality there. A figure far larger than the rest can make that copy say "optimal" for a
plan that breaks the real limits. So every optimal plan is checked again here, in the
model's units, against the original rows:

* **primal**: every row's activity and every variable lies within its bounds;
* **dual**: no shadow price pushes against a bound that does not exist (a limit that cannot
  bind has no price), and shadow prices and slack are complementary (a limit with room to
  spare has no price), so no cheaper plan exists;
* **objective**: the objective HiGHS reports is the cost of the plan.

A plan failing any check is not reported as optimal (``optimiser solve`` exits 1 saying
what to do). Tolerances are relative to the size of each row's terms, so a national model in
£ and a locality in people are held to the same standard.

Limits above :data:`NO_LIMIT` are not limits at all (:func:`unlimited`): they are passed to
HiGHS as infinite, and the plan is checked against them as such.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

NO_LIMIT = 1e12
"""A bound or budget above this (in its own unit: £, people, capacity units, staff) is
treated as no limit. It is over ten times England's yearly adult social care spending
(about £30bn): a figure this large is a way of writing "no limit", and as a finite bound it
would break HiGHS's scaling."""
PRIMAL_TOLERANCE = 1e-6
"""Largest violation of a row or bound, relative to the size of the row's terms."""
DUAL_TOLERANCE = 1e-6
"""Largest wrong-signed shadow price or reduced cost, relative to the size of its terms."""
GAP_TOLERANCE = 1e-6
"""Largest complementarity gap (the objective a cheaper plan could still save), relative to
the size of the objective's terms."""
SHOWN = 3


@dataclass(frozen=True)
class Bounds:
    """The row and column bounds HiGHS is given: the model's, with limits above
    :data:`NO_LIMIT` replaced by infinity."""

    row_lower: np.ndarray
    row_upper: np.ndarray
    col_lower: np.ndarray
    col_upper: np.ndarray
    dropped_rows: np.ndarray
    """Rows whose limit was dropped as above :data:`NO_LIMIT`."""
    dropped_columns: np.ndarray


def unlimited(row_lower: np.ndarray, row_upper: np.ndarray, col_lower: np.ndarray,
              col_upper: np.ndarray) -> Bounds:
    """The bounds with every limit beyond :data:`NO_LIMIT` made infinite: an upper bound
    above it, or a lower bound below minus it. (A requirement beyond it, such as a lower
    bound of 1e15 people, is not a limit to drop; validation refuses such figures.)"""
    def drop(lower: np.ndarray, upper: np.ndarray):
        high, low = upper > NO_LIMIT, lower < -NO_LIMIT
        return (np.where(low, -np.inf, lower), np.where(high, np.inf, upper),
                np.flatnonzero((high & np.isfinite(upper)) | (low & np.isfinite(lower))))

    rl, ru, rows = drop(row_lower, row_upper)
    cl, cu, cols = drop(col_lower, col_upper)
    return Bounds(rl, ru, cl, cu, rows, cols)


@dataclass
class Verdict:
    """The outcome of checking a plan."""

    problems: list[str] = field(default_factory=list)
    """Each failed check, in words, with the worst rows named."""

    @property
    def ok(self) -> bool:
        return not self.problems

    def message(self) -> str:
        return ("HiGHS reported an optimal plan, but checked against the model's own rows "
                "it is not one: " + "; ".join(self.problems) + ". It is not shown as a "
                "plan. Look for figures of very different sizes in the instance (a price in "
                "pence beside a budget in billions; write a limit you do not want as no "
                "limit at all rather than as a huge figure), and try the other --method.")


Names = Callable[[int], str]
"""A row's or column's name from its position (called only for the few shown)."""


def _worst(excess: np.ndarray, names: Names) -> str:
    order = np.argsort(-excess)[:SHOWN]
    shown = ", ".join(f"{names(int(i))} by {excess[i]:.3g}" for i in order if excess[i] > 0)
    return f"{int((excess > 0).sum())} ({shown})"


def check_plan(*, rows_start: np.ndarray, rows_index: np.ndarray, rows_value: np.ndarray,
               bounds: Bounds, cost: np.ndarray, offset: float, maximise: bool,
               x: np.ndarray, row_dual: np.ndarray, objective: float,
               row_names: Names, column_names: Names) -> Verdict:
    """Check a plan (``x``, with HiGHS's row duals) against the original rows in CSR form.

    Duals follow HiGHS's convention: for a minimisation, a row at its lower bound has a
    non-negative dual and one at its upper bound a non-positive one; reduced costs are
    ``cost - Aᵀ row_dual``. A maximisation is checked as the minimisation of ``-cost``."""
    verdict = Verdict()
    count = len(rows_start) - 1
    lengths = np.diff(rows_start)
    row_of = np.repeat(np.arange(count), lengths)
    terms = rows_value * x[rows_index]
    activity = np.bincount(row_of, weights=terms, minlength=count)
    size = np.maximum(1.0, np.bincount(row_of, weights=np.abs(terms), minlength=count))

    # Primal: rows and bounds hold.
    below = np.nan_to_num(bounds.row_lower - activity, neginf=0.0)
    above = np.nan_to_num(activity - bounds.row_upper, neginf=0.0)
    row_excess = np.maximum(np.maximum(below, above), 0.0) / size
    if (row_excess > PRIMAL_TOLERANCE).any():
        verdict.problems.append("limits broken: " + _worst(
            np.where(row_excess > PRIMAL_TOLERANCE, row_excess * size, 0.0), row_names))
    col_size = np.maximum(1.0, np.abs(x))
    col_excess = np.maximum(np.maximum(
        np.nan_to_num(bounds.col_lower - x, neginf=0.0),
        np.nan_to_num(x - bounds.col_upper, neginf=0.0)), 0.0) / col_size
    if (col_excess > PRIMAL_TOLERANCE).any() or not np.isfinite(x).all():
        verdict.problems.append("quantities out of bounds: " + _worst(
            np.where(col_excess > PRIMAL_TOLERANCE, col_excess * col_size, 0.0),
            column_names))

    # Dual: signs, then complementary slackness, in the minimisation's convention.
    sign = -1.0 if maximise else 1.0
    y = sign * row_dual
    dual_terms = rows_value * y[row_of]
    reduced = sign * cost - np.bincount(rows_index, weights=dual_terms, minlength=len(x))
    reduced_size = np.maximum(1.0, np.abs(cost) + np.bincount(
        rows_index, weights=np.abs(dual_terms), minlength=len(x)))
    y_size = np.maximum(1.0, np.abs(y))
    wrong_row = (np.where(np.isinf(bounds.row_lower), np.maximum(y, 0.0), 0.0)
                 + np.where(np.isinf(bounds.row_upper), np.maximum(-y, 0.0), 0.0)) / y_size
    wrong_col = (np.where(np.isinf(bounds.col_lower), np.maximum(reduced, 0.0), 0.0)
                 + np.where(np.isinf(bounds.col_upper), np.maximum(-reduced, 0.0), 0.0)
                 ) / reduced_size
    if (wrong_row > DUAL_TOLERANCE).any():
        verdict.problems.append("shadow prices on limits that cannot bind: " + _worst(
            np.where(wrong_row > DUAL_TOLERANCE, wrong_row, 0.0), row_names))
    if (wrong_col > DUAL_TOLERANCE).any():
        verdict.problems.append("reduced costs showing a cheaper plan: " + _worst(
            np.where(wrong_col > DUAL_TOLERANCE, wrong_col, 0.0), column_names))

    def gap(value: np.ndarray, lower: np.ndarray, upper: np.ndarray,
            dual: np.ndarray) -> np.ndarray:
        room_up = np.where(np.isfinite(lower), value - lower, 0.0)
        room_down = np.where(np.isfinite(upper), upper - value, 0.0)
        return (np.maximum(dual, 0.0) * np.maximum(room_up, 0.0)
                + np.maximum(-dual, 0.0) * np.maximum(room_down, 0.0))

    plan_cost = float(cost @ x) + offset
    scale = max(1.0, float(np.abs(cost * x).sum()), abs(plan_cost))
    total_gap = float(gap(activity, bounds.row_lower, bounds.row_upper, y).sum()
                      + gap(x, bounds.col_lower, bounds.col_upper, reduced).sum())
    if total_gap > GAP_TOLERANCE * scale:
        verdict.problems.append(f"a cheaper plan may exist (complementarity gap "
                                f"{total_gap:.3g}, against an objective of {plan_cost:.6g})")
    if abs(plan_cost - objective) > GAP_TOLERANCE * scale:
        verdict.problems.append(f"the objective reported ({objective:.6g}) is not the plan's "
                                f"({plan_cost:.6g})")
    return verdict


# --- The direct route's use of these checks (optimiser.solve.DirectHighs) -------------------

def without_huge_limits(lp) -> Bounds:
    """The compiled ``lp``'s bounds with no limit wherever its limit is above
    :data:`NO_LIMIT`."""
    return unlimited(lp.rows.lower, lp.rows.upper, lp.col_lower, lp.col_upper)


def pass_without_huge_limits(highs, lp) -> Bounds:
    """Give ``highs`` (loaded with the compiled ``lp``) no limit wherever the model's limit is
    above :data:`NO_LIMIT`; the bounds it now solves with."""
    bounds = without_huge_limits(lp)
    rows, columns = bounds.dropped_rows.astype(np.int32), bounds.dropped_columns.astype(np.int32)
    if len(rows):
        highs.changeRowsBounds(len(rows), rows, bounds.row_lower[rows], bounds.row_upper[rows])
    if len(columns):
        highs.changeColsBounds(len(columns), columns, bounds.col_lower[columns],
                               bounds.col_upper[columns])
    return bounds


def verify(lp, bounds: Bounds, x: np.ndarray, row_dual: np.ndarray,
           objective: float) -> Verdict:
    """:func:`check_plan` for a compiled model (:class:`optimiser.compile.LinearProgram`)."""
    return check_plan(
        rows_start=lp.rows.start, rows_index=lp.rows.index, rows_value=lp.rows.value,
        bounds=bounds, cost=lp.cost, offset=lp.offset, maximise=lp.maximise, x=x,
        row_dual=row_dual, objective=objective,
        row_names=lp.row_name, column_names=lp.column_name)


def dropped_note(lp, bounds: Bounds) -> list[str]:
    """The limits treated as no limit, in words for the summary (none: an empty list)."""
    from optimiser.families import FAMILIES

    named = []
    for row in bounds.dropped_rows[:SHOWN]:
        constraint = lp.constraints[row]
        family = FAMILIES.get(constraint.parent_component().name)
        index = constraint.index()
        index = index if isinstance(index, tuple) else (index,)
        try:
            named.append(family.limit(constraint.model().data, *index) if family
                         else constraint.name)
        except (AttributeError, KeyError, TypeError):
            named.append(constraint.name)
    named += [lp.columns[j].name for j in bounds.dropped_columns[:SHOWN]]
    count = len(bounds.dropped_rows) + len(bounds.dropped_columns)
    if not count:
        return []
    more = f" and {count - len(named)} more" if count > len(named) else ""
    limits = "1 limit" if count == 1 else f"{count} limits"
    return [f"{limits} above {NO_LIMIT:,.0f} (in the limit's own unit: £, people, capacity "
            f"units, staff) treated as no limit: {'; '.join(named)}{more}."]
