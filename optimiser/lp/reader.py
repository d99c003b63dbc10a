"""Reading the model's expressions: each row, named expression and objective as a constant
and {column: coefficient}, noting the mutable parameters it reads.

Pyomo's persistent interface forms each row's standard representation through a general
expression walker; here each row is read in one pass over the few expression types the
model's rules produce (sums of coefficient × variable, named expressions, mutable
parameters), and a named expression is read once however many rows use it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np
import pyomo.environ as pyo
from pyomo.core.base.expression import ExpressionData, ScalarExpression
from pyomo.core.base.objective import ObjectiveData, ScalarObjective
from pyomo.core.base.param import ParamData, ScalarParam
from pyomo.core.base.var import ScalarVar, VarData
from pyomo.core.expr import numeric_expr as ne
from pyomo.core.expr.relational_expr import EqualityExpression, RangedExpression
from pyomo.core.expr.visitor import identify_mutable_parameters

INF = float("inf")
NUMBERS = (int, float, np.float64, np.int64)
SUMS = (ne.LinearExpression, ne.SumExpression)
_VARIABLES = (VarData, ScalarVar)
NAMED = (ExpressionData, ScalarExpression, ObjectiveData, ScalarObjective)
_SHALLOW = 20
"""Fixed arithmetic nested deeper than this is evaluated by Pyomo's own walkers."""


class NotLinear(ValueError):
    """A row or the objective is not linear in the model's variables."""


Terms = dict[int, float]
"""A row's or expression's coefficients, by column."""


_NONE: frozenset = frozenset()


@dataclass(slots=True)
class Named:
    """A named expression read once: its constant, its terms and the parameters it reads."""

    constant: float
    terms: Terms
    reads: frozenset


class Read(NamedTuple):
    """An expression read: its constant, its terms and the mutable parameters it reads."""

    constant: float
    terms: Terms
    reads: frozenset


class Reader:
    """Reads expressions into (constant, {column: coefficient}), noting the mutable
    parameters (by component) each one reads."""

    def __init__(self, column_of: dict[int, int]):
        self.column_of = column_of
        self.named: dict[int, Named] = {}
        self.reads: set = set()

    def value(self, node, depth: int = 0) -> float:
        """A fixed figure (number, mutable parameter, or arithmetic of them)."""
        kind = type(node)
        if kind in NUMBERS:
            return node
        if kind is ParamData:
            self.reads.add(node.parent_component())
            return node._value  # what ParamData.value returns, without its checks
        if kind is ScalarParam:
            self.reads.add(node)
            return node.value
        if kind is ne.NPV_ProductExpression:  # a price times a cost factor, a share times demand
            left, right = node._args_
            return (left if type(left) in NUMBERS else self.value(left, depth + 1)) * (
                right if type(right) in NUMBERS else self.value(right, depth + 1))
        if node.is_expression_type() and not node.is_named_expression_type():
            if depth < _SHALLOW:
                return node._apply_operation([self.value(arg, depth + 1) for arg in node.args])
            # Deep arithmetic (a sum of demand over an area is a chain of pairs): Pyomo's
            # own non-recursive walkers, for the value and the parameters read.
            self.reads.update(p.parent_component() for p in identify_mutable_parameters(node))
            return pyo.value(node)
        if isinstance(node, _VARIABLES) and node.fixed:
            return node.value
        return pyo.value(node)

    def add(self, node, scale: float, terms: Terms) -> float:
        """Add ``scale`` × ``node``'s terms into ``terms``; return its constant × scale."""
        kind = type(node)
        if kind in NUMBERS:
            return scale * node
        if kind is VarData or kind is ScalarVar:
            if node.fixed:
                return scale * node.value
            column = self.column_of[id(node)]
            terms[column] = terms.get(column, 0.0) + scale
            return 0.0
        if kind is ne.MonomialTermExpression:
            coefficient, var = node.args
            if type(coefficient) not in NUMBERS:
                coefficient = self.value(coefficient)
            return self.add(var, scale * coefficient, terms)
        if kind in SUMS:
            # The hot loop: most rows are sums of variables and coefficient × variable.
            constant = 0.0
            column_of, get = self.column_of, terms.get
            for arg in node.args:
                kind = type(arg)
                if kind is ne.MonomialTermExpression:
                    coefficient, var = arg.args
                    if type(coefficient) not in NUMBERS:
                        coefficient = self.value(coefficient)
                    if type(var) is VarData and not var.fixed:
                        column = column_of[id(var)]
                        terms[column] = get(column, 0.0) + scale * coefficient
                        continue
                    constant += self.add(var, scale * coefficient, terms)
                elif kind is VarData and not arg.fixed:
                    column = column_of[id(arg)]
                    terms[column] = get(column, 0.0) + scale
                else:
                    constant += self.add(arg, scale, terms)
            return constant
        if kind in NAMED or (node.is_named_expression_type()):
            named = self.read_named(node)
            get = terms.get
            for column, coefficient in named.terms.items():
                terms[column] = get(column, 0.0) + scale * coefficient
            return scale * named.constant
        if kind is ne.NegationExpression:
            return self.add(node.args[0], -scale, terms)
        if not node.is_potentially_variable():
            return scale * self.value(node)
        if kind is ne.ProductExpression:
            left, right = node.args
            if not is_variable(left):
                return self.add(right, scale * self.value(left), terms)
            if not is_variable(right):
                return self.add(left, scale * self.value(right), terms)
            raise NotLinear(f"a product of variables: {node}")
        if kind is ne.DivisionExpression:
            top, bottom = node.args
            if not is_variable(bottom):
                return self.add(top, scale / self.value(bottom), terms)
        raise NotLinear(f"an expression the compiler does not read: {type(node).__name__}")

    def read_named(self, node) -> Named:
        """A named expression's terms, read once and kept."""
        known = self.named.get(id(node))
        if known is None:
            outer = self.reads
            self.reads = reads = set[Any]()
            terms: Terms = {}
            # ExpressionData holds its expression as its one argument (what .expr returns)
            body = node._args_[0] if type(node) is ExpressionData else node.expr
            if type(body) is ne.MonomialTermExpression and type(body._args_[1]) is VarData \
                    and not body._args_[1].fixed:  # a price times a quantity: most payments
                coefficient, var = body._args_
                if type(coefficient) not in NUMBERS:
                    coefficient = self.value(coefficient)
                terms[self.column_of[id(var)]] = coefficient
                constant = 0.0
            else:
                constant = self.add(body, 1.0, terms)
            known = Named(constant, terms, frozenset(reads) if reads else _NONE)
            self.named[id(node)] = known
            self.reads = outer
        if known.reads:
            self.reads.update(known.reads)
        return known

    def read(self, node) -> Read:
        """An expression's constant, terms and the parameters it reads."""
        self.reads = set()
        terms: Terms = {}
        constant = self.add(node, 1.0, terms)
        return Read(constant, terms, frozenset(self.reads))

    def forget(self, changed: set) -> None:
        """Drop the named expressions that read a changed parameter."""
        self.named = {key: named for key, named in self.named.items()
                      if named.reads.isdisjoint(changed)}  # no set made for each


def is_variable(node) -> bool:
    """Whether an expression node may involve a variable."""
    return type(node) not in NUMBERS and node.is_potentially_variable()


class Scaled(NamedTuple):
    """A fixed figure that is a number times one mutable parameter member."""

    coefficient: float
    member: ParamData


def linear_in_one(value) -> Scaled | None:
    """The figure as a number times one mutable parameter member
    (``price_capacity[s] * cost_factor``), or None when it is not one."""
    kind = type(value)
    if kind is ParamData:
        return Scaled(1.0, value)
    if kind is ne.NPV_ProductExpression:
        left, right = value.args
        if type(left) in NUMBERS:
            inner = linear_in_one(right)
            return None if inner is None else Scaled(left * inner.coefficient, inner.member)
        if type(right) in NUMBERS:
            inner = linear_in_one(left)
            return None if inner is None else Scaled(right * inner.coefficient, inner.member)
    return None


def parameter_values(param) -> np.ndarray:
    """An indexed mutable parameter's values, in index order."""
    # ParamData keeps its value in _value (what .value returns, after checks it does not need)
    return np.fromiter((p._value for p in param.values()), dtype=np.float64, count=len(param))


def _bound(reader: Reader, bound) -> float | None:
    if bound is None:
        return None
    return bound if type(bound) in NUMBERS else reader.value(bound)


def _fixed(node) -> bool:
    return type(node) in NUMBERS or not node.is_potentially_variable()


class RowRead(NamedTuple):
    """One constraint read as a row."""

    lower: float
    """The row's lower bound, its body's constant moved into it (-inf for none)."""
    upper: float
    constant: float
    """The body's constant."""
    terms: Terms
    body_reads: frozenset
    """The mutable parameters its body (not its bounds) reads."""
    form: tuple
    """Its bound expressions (lower, upper), to read again when only they change."""


def read_row(reader: Reader, constraint) -> RowRead:
    """A constraint's row bounds (its body's constant moved into them), constant and terms;
    the parameters its body reads, and its bound expressions.

    The body and bounds are Pyomo's own (``ConstraintData.to_bounded_expression``): a side
    with no variables is the bound, the other the body, and when both have variables the
    body is left minus right. Here the two sides are read straight into one row rather than
    first building that difference as a new expression."""
    expr = constraint._expr  # what ConstraintData.expr returns
    reader.reads = reads = set[Any]()
    terms: Terms = {}
    if type(expr) is RangedExpression:
        lower, body, upper = expr.args
        constant = reader.add(body, 1.0, terms)
    else:
        left, right = expr._args_
        equality = type(expr) is EqualityExpression
        if _fixed(right):
            lower, upper = (right if equality else None), right
            constant = reader.add(left, 1.0, terms)
        elif _fixed(left):
            lower, upper = left, (left if equality else None)
            constant = reader.add(right, 1.0, terms)
        else:
            lower, upper = (0.0 if equality else None), 0.0
            constant = reader.add(left, 1.0, terms) + reader.add(right, -1.0, terms)
    reader.reads = reads
    body_reads = frozenset(reads)
    form = (lower, upper)
    lower, upper = _bound(reader, lower), _bound(reader, upper)
    if 0.0 in terms.values():  # terms that cancelled (x - x) or have a zero price
        terms = {c: v for c, v in terms.items() if v != 0.0}
    return RowRead(-INF if lower is None else lower - constant,
                   INF if upper is None else upper - constant, constant, terms, body_reads, form)


class Bounds(NamedTuple):
    lower: float
    upper: float


def read_bounds(reader: Reader, form: tuple, constant: float) -> Bounds:
    """A row's bounds again, from its bound expressions alone (its body has not changed)."""
    lower, upper = _bound(reader, form[0]), _bound(reader, form[1])
    return Bounds(-INF if lower is None else lower - constant,
                  INF if upper is None else upper - constant)


class Costs(NamedTuple):
    """The objective as each column's cost and a constant."""

    cost: np.ndarray
    offset: float


def read_objective(reader: Reader, objective, columns: int) -> Costs:
    """The objective's costs (zero without one)."""
    cost = np.zeros(columns)
    if objective is None:
        return Costs(cost, 0.0)
    constant, terms, _ = reader.read(objective.expr)
    if terms:
        cost[np.fromiter(terms.keys(), dtype=np.int64, count=len(terms))] = np.fromiter(
            terms.values(), dtype=np.float64, count=len(terms))
    return Costs(cost, constant)
