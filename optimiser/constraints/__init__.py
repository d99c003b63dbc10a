"""The rules that form each row of the linear programme, grouped by topic as in MODEL.md.
The model is declared in one place, :func:`optimiser.model.build_model`."""

from typing import Any

Model = Any
"""A built model (``pyo.ConcreteModel``, its ``data`` a :class:`optimiser.model.ModelData`).
Pyomo publishes no type information, so to the type checker it is ``Any``."""
Expr = Any
"""What a rule returns: a Pyomo expression, a relation, or ``Constraint.Skip``."""
