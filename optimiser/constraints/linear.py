"""Sums of coefficient × variable, built in one step.

Pyomo builds ``0.7 * a + b - c`` one operator at a time, each creating and checking an
intermediate expression. The busiest rules (hundreds of thousands of rows at national scale)
list their terms instead and build Pyomo's ``LinearExpression`` once: the same row, in about
half the time."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pyomo.core.expr.numeric_expr import LinearExpression, MonomialTermExpression

_NUMBERS = (int, float)


def linear(terms: Iterable[tuple[Any, Any]], constant: float = 0.0) -> Any:
    r"""constant + \sum coefficient \cdot variable, over (coefficient, variable) pairs.

    A "variable" that is a number (today's caseload, before the first planning year) joins
    the constant, and a zero coefficient drops its term, as Pyomo's own ``0 * x`` does. With
    no variable left the result is the number itself."""
    args = []
    for coefficient, variable in terms:
        if type(variable) in _NUMBERS:
            constant += coefficient * variable
        elif type(coefficient) in _NUMBERS and coefficient == 0:
            continue
        else:
            args.append(MonomialTermExpression((coefficient, variable)))
    if not args:
        return constant
    if constant:
        args.append(constant)
    return LinearExpression(args)
