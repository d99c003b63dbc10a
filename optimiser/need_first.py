"""Maximising an outcome with need met first: two solves of the one model HiGHS holds.

A council must meet eligible need (Care Act 2014) before it buys better outcomes, so "the
most independence this budget buys" is asked after the duty is met. The plan that maximises
an outcome within the budget is found in two stages, on the arrays already loaded (no second
copy of the model):

1. **least unmet need**: the costs become the weights of the ``least_unmet`` row (each need
   group's unmet-need penalty over the highest, :func:`optimiser.constraints.duty.
   least_unmet`) and HiGHS minimises: the least weighted unmet need U* any plan within the
   budget and the other limits leaves;
2. **most of the outcome**: the row's limit becomes U* plus :data:`TOLERANCE`, the
   outcome's costs and sense come back, and HiGHS re-solves from the first stage's basis.

The plan, its shadow prices and its ranging are the second stage's: each is the outcome
gained per unit of a limit with unmet need held at its least, and the ``least_unmet`` row's
price is the outcome given up for each more person whose need is met. The row's limit is
written into the model's arrays, so the check of the plan (:mod:`optimiser.verify`) holds
it to that limit with every other row."""

from __future__ import annotations

from collections.abc import Callable

import highspy
import numpy as np

from optimiser.lp import LinearProgram
from optimiser.verify import Bounds

ROW = "least_unmet"
"""The row bounding weighted unmet need (:func:`optimiser.constraints.duty.least_unmet`)."""
TOLERANCE = 1e-6
"""How far above the least the second stage may leave weighted unmet need: a millionth of
the least, or a millionth of a person when the least is below one person."""


class NeedFirst:
    """The two stages on one loaded model: :meth:`of` starts the first (when the model
    maximises an outcome), :meth:`then_outcome` runs the second."""

    def __init__(self, highs: highspy.Highs, lp: LinearProgram, row: int):
        self.highs, self.lp, self.row = highs, lp, row

    @classmethod
    def of(cls, highs: highspy.Highs, lp: LinearProgram) -> NeedFirst | None:
        """Set ``highs`` to minimise weighted unmet need, with no limit on it, if the model
        maximises an outcome; None (``highs`` untouched) otherwise."""
        block = lp.row_blocks.get(ROW)
        if not lp.maximise or block is None or not block.keys:
            return None
        stages = cls(highs, lp, block.start)
        r = stages.row
        first, last = lp.rows.start[r], lp.rows.start[r + 1]
        weights = np.zeros(len(lp.cost))
        weights[lp.rows.index[first:last]] = lp.rows.value[first:last]
        stages._objective(weights, 0.0, highspy.ObjSense.kMinimize, np.inf)
        return stages

    def then_outcome(self, status: str, bounds: Bounds, run: Callable[[], str]) -> str:
        """After the first stage ended with ``status``: hold weighted unmet need at its least
        (in HiGHS, the model's arrays and the ``bounds`` the plan is checked against) and
        maximise the outcome with ``run``; the second stage's status. A first stage that
        found no plan ends there, with the outcome's objective restored."""
        lp, r = self.lp, self.row
        if status != "optimal":
            self._objective(lp.cost, lp.offset, highspy.ObjSense.kMaximize, np.inf)
            return status
        least = self.highs.getInfo().objective_function_value
        limit = least + TOLERANCE * max(1.0, least)
        self._objective(lp.cost, lp.offset, highspy.ObjSense.kMaximize, limit)
        bounds.row_upper[r] = limit
        return run()

    def _objective(self, cost: np.ndarray, offset: float, sense: highspy.ObjSense,
                   limit: float) -> None:
        """Give HiGHS these costs and sense, and the row this limit (also in the arrays)."""
        highs, columns = self.highs, len(cost)
        highs.changeObjectiveSense(sense)
        highs.changeColsCost(columns, np.arange(columns, dtype=np.int32), cost)
        highs.changeObjectiveOffset(offset)
        highs.changeRowBounds(self.row, -np.inf, limit)
        self.lp.rows.upper[self.row] = limit
