"""A solution in the compiled LP's terms, read by component: what the result tables use."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from optimiser.lp.arrays import LinearProgram


@dataclass
class Values:
    """A solution in the compiled LP's terms: every column's value, every row's dual and
    activity, with the way back to each model component's members (in index order)."""

    lp: LinearProgram
    x: np.ndarray
    row_dual: np.ndarray
    row_value: np.ndarray
    """Each row's activity: its body's value less the body's constant."""

    def of(self, var) -> np.ndarray:
        """An indexed variable's values."""
        return self.x[self.lp.column_blocks[var.name].span]

    def expression(self, component) -> np.ndarray:
        """An indexed named expression's values."""
        return self.lp.expression_values(component, self.x)

    def dual(self, constraint) -> np.ndarray:
        """An indexed constraint's duals (0 where a member is inactive)."""
        return self.row_dual[self.lp.row_blocks[constraint.name].span]

    def body(self, constraint) -> np.ndarray:
        """An indexed constraint's body values."""
        span = self.lp.row_blocks[constraint.name].span
        return self.row_value[span] + self.lp.row_constant[span]

    def bounds(self, constraint) -> tuple[np.ndarray, np.ndarray]:
        """An indexed constraint's lower and upper bound values (±inf where none)."""
        span = self.lp.row_blocks[constraint.name].span
        constant = self.lp.row_constant[span]
        return self.lp.rows.lower[span] + constant, self.lp.rows.upper[span] + constant

    def keys(self, component) -> list:
        """The indices of a variable's or constraint's members, in order."""
        return self.lp.keys(component)
