"""Where the compiler used to live: its names, kept importable from here. The compiler
itself is the :mod:`optimiser.lp` package."""

from optimiser.lp import (
    Block,
    Changes,
    LinearProgram,
    NotLinear,
    Rows,
    Values,
    compile_model,
    parameter_values,
    refresh,
)

__all__ = ["Block", "Changes", "LinearProgram", "NotLinear", "Rows", "Values", "compile_model",
           "parameter_values", "refresh"]
