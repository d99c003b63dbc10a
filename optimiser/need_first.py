"""Maximising an outcome with need met first and no money spent for nothing: three solves of
the one model HiGHS holds.

A council must meet eligible need (Care Act 2014) before it buys better outcomes, so "the
most independence this budget buys" is asked after the duty is met; and a plan that buys
that outcome should not spend the rest of the budget on capacity nobody uses. The plan is
found in three stages, on the arrays already loaded (no second copy of the model):

1. **least unmet need**: the costs become the weights of the ``least_unmet`` row (each need
   group's unmet-need penalty over the highest, :func:`optimiser.constraints.duty.
   least_unmet`) and HiGHS minimises: the least weighted unmet need U* any plan within the
   budget and the other limits leaves;
2. **most of the outcome**: the row's limit becomes U* plus :data:`TOLERANCE`, the
   outcome's costs and sense come back, and HiGHS re-solves from the first stage's basis:
   the most of the outcome, O*;
3. **least cost**: the ``best_outcome`` row (:func:`optimiser.objective.best_outcome`) is
   held at O* less :data:`OUTCOME_TOLERANCE`, the costs become the usual cost objective's
   (:func:`optimiser.objective.total_cost`, the model's ``total_cost`` expression) and HiGHS
   minimises from the second stage's basis.

The plan is the third stage's. Its shadow prices and ranging are the second stage's, in
people achieving the outcome: HiGHS is given the second stage back (its objective, the
``best_outcome`` row with no limit, its basis), which it re-solves without a step. Any
optimal plan and any optimal set of shadow prices of one linear programme are complementary
(a limit with room to spare has no price; a priced limit is met exactly), and the third
stage's plan is optimal for the second stage to within :data:`OUTCOME_TOLERANCE`; so each
price is still the outcome gained per unit of a limit with unmet need held at its least, and
the ``least_unmet`` row's price the outcome given up for each more person whose need is met.
The ``best_outcome`` row's own price is nought (the second stage does not limit it).

Both rows' limits are written into the bounds the plan is checked against
(:mod:`optimiser.verify`), so the third stage's plan is held to them with every other row;
the check of complementarity there is the check of the paragraph above."""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import highspy
import numpy as np

from optimiser.lp import LinearProgram
from optimiser.verify import GAP_TOLERANCE, Bounds

ROW = "least_unmet"
"""The row bounding weighted unmet need (:func:`optimiser.constraints.duty.least_unmet`)."""
OUTCOME_ROW = "best_outcome"
"""The row holding the outcome at its most (:func:`optimiser.objective.best_outcome`)."""
TOLERANCE = 1e-6
"""How far above the least the second stage may leave weighted unmet need: a millionth of
the least, or a millionth of a person when the least is below one person."""
OUTCOME_TOLERANCE = GAP_TOLERANCE / 10
"""How far below the most the third stage may leave the outcome: a ten-millionth of the
most, or of a person when the most is below one. The second stage's shadow prices beside
the third stage's plan leave a complementarity gap of at most this, inside the plan check's
(:data:`optimiser.verify.GAP_TOLERANCE`)."""

Scale = Callable[[np.ndarray], int]
"""The power of two HiGHS's objective scaling takes for these costs."""


class Plan(NamedTuple):
    """A plan as HiGHS's arrays: the quantities, each row's activity, the objective."""

    x: np.ndarray
    row_value: np.ndarray
    objective: float


class NeedFirst:
    """The three stages on one loaded model: :meth:`begin` starts the first (when the model
    maximises an outcome), :meth:`then_outcome` runs the others."""

    def __init__(self, highs: highspy.Highs, lp: LinearProgram, scale: Scale):
        self.highs, self.lp, self.scale = highs, lp, scale
        self.row = lp.row_blocks[ROW].start
        outcome = lp.row_blocks[OUTCOME_ROW]
        self.outcome_rows = range(outcome.start, outcome.stop)
        """The outcome's row; none for an outcome no pathway achieves (nothing to hold)."""
        self._plan: Plan | None = None

    @classmethod
    def begin(cls, highs: highspy.Highs, lp: LinearProgram, scale: Scale) -> NeedFirst | None:
        """Set ``highs`` to minimise weighted unmet need, with no limit on it, if the model
        maximises an outcome; None (``highs`` untouched) otherwise. ``scale`` gives HiGHS's
        objective scaling for each stage's costs. (The outcome is never left limited: the
        third stage frees it however it ends.)"""
        block = lp.row_blocks.get(ROW)
        if not lp.maximise or block is None or not block.keys:
            return None
        stages = cls(highs, lp, scale)
        r = stages.row
        first, last = lp.rows.start[r], lp.rows.start[r + 1]
        weights = np.zeros(len(lp.columns))
        weights[lp.rows.index[first:last]] = lp.rows.value[first:last]
        stages._objective(weights, 0.0, highspy.ObjSense.kMinimize)
        stages._limit(stages.row, -np.inf, np.inf)
        return stages

    def then_outcome(self, status: str, bounds: Bounds, run: Callable[[], str]) -> str:
        """After the first stage ended with ``status``: hold weighted unmet need at its least
        (in HiGHS, the model's arrays and the ``bounds`` the plan is checked against) and
        maximise the outcome with ``run``, then hold the outcome at its most and find the
        least cost; the status of the whole. Whatever ends it, ``highs`` is left maximising
        the outcome with no limit on it, and, when the third stage found a plan, holding the
        second stage's optimum (its duals and basis) again."""
        if status != "optimal":
            self._outcome()
            return status
        self.highs.setOptionValue("solver", "simplex")  # the later stages start hot
        least = self.highs.getInfo().objective_function_value
        limit = least + TOLERANCE * max(1.0, least)
        self._limit(self.row, -np.inf, limit)
        bounds.row_upper[self.row] = limit
        self._outcome()
        status = run()
        if status != "optimal":
            return status
        return self._then_least_cost(bounds, run)

    def plan(self) -> Plan:
        """The third stage's plan, once :meth:`then_outcome` has ended optimal."""
        if self._plan is None:
            raise RuntimeError("the third stage has not found a plan")
        return self._plan

    def _then_least_cost(self, bounds: Bounds, run: Callable[[], str]) -> str:
        """The third stage, from the second's optimum; then the second stage given back."""
        highs, lp = self.highs, self.lp
        most = highs.getInfo().objective_function_value
        second = highs.getBasis()
        floor = most - OUTCOME_TOLERANCE * max(1.0, abs(most))
        for r in self.outcome_rows:
            self._limit(r, floor, np.inf)
            bounds.row_lower[r] = floor
        cost, offset = self._least_cost()
        self._objective(cost, offset, highspy.ObjSense.kMinimize)
        status = run()
        if status == "optimal":
            solution = highs.getSolution()
            x = np.asarray(solution.col_value)
            self._plan = Plan(x, np.asarray(solution.row_value), float(lp.cost @ x) + lp.offset)
        for r in self.outcome_rows:
            self._limit(r, -np.inf, np.inf)
        self._outcome()
        if status != "optimal":
            return status
        highs.setBasis(second)
        return run()

    def _least_cost(self) -> tuple[np.ndarray, float]:
        """The usual cost objective's costs and constant, from the model's ``total_cost``."""
        lp = self.lp
        model = lp.columns[0].model()
        constants, _, columns, coefficients, _ = lp.expression_rows(model.total_cost)
        return (np.bincount(columns, weights=coefficients, minlength=len(lp.columns)),
                float(constants[0]))

    def _outcome(self) -> None:
        """Give HiGHS the outcome's costs to maximise."""
        self._objective(self.lp.cost, self.lp.offset, highspy.ObjSense.kMaximize)

    def _objective(self, cost: np.ndarray, offset: float, sense: highspy.ObjSense) -> None:
        """Give HiGHS these costs and sense, scaled as they need."""
        highs, columns = self.highs, len(cost)
        highs.changeObjectiveSense(sense)
        highs.changeColsCost(columns, np.arange(columns, dtype=np.int32), cost)
        highs.changeObjectiveOffset(offset)
        highs.setOptionValue("user_objective_scale", self.scale(cost))

    def _limit(self, row: int, lower: float, upper: float) -> None:
        """Give the row these bounds, in HiGHS and in the model's arrays."""
        self.highs.changeRowBounds(row, lower, upper)
        self.lp.rows.lower[row], self.lp.rows.upper[row] = lower, upper
