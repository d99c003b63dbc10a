"""The Pyomo model as the linear programme HiGHS reads, in four parts:

* :mod:`~optimiser.lp.reader`: each row, named expression and the objective read as a
  constant and {column: coefficient}, noting the mutable parameters it reads;
* :mod:`~optimiser.lp.arrays`: the whole model as HiGHS's arrays (a row-wise sparse matrix,
  bounds, costs) with the way back to the model's components (:func:`compile_model`);
* :mod:`~optimiser.lp.resolve`: after a scenario changes parameters, only what reads them is
  read again, and HiGHS is told just those changes (:func:`refresh`);
* :mod:`~optimiser.lp.solution`: a solution as arrays, read by component (:class:`Values`).

The Pyomo model (:mod:`optimiser.model`) stays the one statement of the formulation; this
package only translates it, the way Pyomo's own writers do, but in one pass and one call.
tests/test_direct.py checks the arrays against Pyomo's ``LinearStandardFormCompiler``.
"""

from optimiser.lp.arrays import Block, LinearProgram, Rows, compile_model
from optimiser.lp.reader import NotLinear, parameter_values
from optimiser.lp.resolve import Changes, refresh
from optimiser.lp.solution import Values

__all__ = ["Block", "Changes", "LinearProgram", "NotLinear", "Rows", "Values", "compile_model",
           "parameter_values", "refresh"]
