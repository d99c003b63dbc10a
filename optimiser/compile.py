"""The Pyomo model as the arrays HiGHS reads: a sparse row-wise matrix, bounds and costs.

The Pyomo model (:mod:`optimiser.model`) stays the one statement of the formulation. This
module only translates it, the way Pyomo's own writers do, but faster: Pyomo's persistent
interface forms each row's standard representation through a general expression walker and
hands rows to HiGHS one by one; here each row is read in one pass over the few expression
types the model's rules produce (sums of coefficient × variable, named expressions, mutable
parameters), named expressions are read once however many rows use them, and HiGHS gets the
whole matrix in one call.

Rows and figures that read a mutable parameter (demand, prices, recruitment limits, target
levels, budgets) are remembered, so after a scenario changes a parameter only those rows,
costs and coefficients are read again (:meth:`LinearProgram.refresh`) and a persistent HiGHS
object re-solves from its last basis.
"""

from __future__ import annotations

from dataclasses import dataclass, field

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
_NUMBERS = (int, float, np.float64, np.int64)
_SUMS = (ne.LinearExpression, ne.SumExpression)
_VARIABLES = (VarData, ScalarVar)
_NAMED = (ExpressionData, ScalarExpression, ObjectiveData, ScalarObjective)
_SHALLOW = 20
"""Fixed arithmetic nested deeper than this is evaluated by Pyomo's own walkers."""


class NotLinear(ValueError):
    """A row or the objective is not linear in the model's variables."""


Terms = dict[int, float]


_NONE: frozenset = frozenset()


@dataclass(slots=True)
class Named:
    """A named expression read once: its constant, its terms and the parameters it reads."""

    constant: float
    terms: Terms
    reads: frozenset


class _Reader:
    """Reads expressions into (constant, {column: coefficient}), noting the mutable
    parameters (by component) each one reads."""

    def __init__(self, column_of: dict[int, int]):
        self.column_of = column_of
        self.named: dict[int, Named] = {}
        self.reads: set = set()

    def value(self, node, depth: int = 0) -> float:
        """A fixed figure (number, mutable parameter, or arithmetic of them)."""
        kind = type(node)
        if kind in _NUMBERS:
            return node
        if kind is ParamData:
            self.reads.add(node.parent_component())
            return node._value  # what ParamData.value returns, without its checks
        if kind is ScalarParam:
            self.reads.add(node)
            return node.value
        if kind is ne.NPV_ProductExpression:  # a price times a cost factor, a share times demand
            left, right = node._args_
            return (left if type(left) in _NUMBERS else self.value(left, depth + 1)) * (
                right if type(right) in _NUMBERS else self.value(right, depth + 1))
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
        if kind in _NUMBERS:
            return scale * node
        if kind is VarData or kind is ScalarVar:
            if node.fixed:
                return scale * node.value
            column = self.column_of[id(node)]
            terms[column] = terms.get(column, 0.0) + scale
            return 0.0
        if kind is ne.MonomialTermExpression:
            coefficient, var = node.args
            if type(coefficient) not in _NUMBERS:
                coefficient = self.value(coefficient)
            return self.add(var, scale * coefficient, terms)
        if kind in _SUMS:
            # The hot loop: most rows are sums of variables and coefficient × variable.
            constant = 0.0
            column_of, get = self.column_of, terms.get
            for arg in node.args:
                kind = type(arg)
                if kind is ne.MonomialTermExpression:
                    coefficient, var = arg.args
                    if type(coefficient) not in _NUMBERS:
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
        if kind in _NAMED or (node.is_named_expression_type()):
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
            if not _variable(left):
                return self.add(right, scale * self.value(left), terms)
            if not _variable(right):
                return self.add(left, scale * self.value(right), terms)
            raise NotLinear(f"a product of variables: {node}")
        if kind is ne.DivisionExpression:
            top, bottom = node.args
            if not _variable(bottom):
                return self.add(top, scale / self.value(bottom), terms)
        raise NotLinear(f"an expression the compiler does not read: {type(node).__name__}")

    def read_named(self, node) -> Named:
        """A named expression's terms, read once and kept."""
        known = self.named.get(id(node))
        if known is None:
            outer = self.reads
            self.reads = reads = set()
            terms: Terms = {}
            # ExpressionData holds its expression as its one argument (what .expr returns)
            body = node._args_[0] if type(node) is ExpressionData else node.expr
            if type(body) is ne.MonomialTermExpression and type(body._args_[1]) is VarData \
                    and not body._args_[1].fixed:  # a price times a quantity: most payments
                coefficient, var = body._args_
                if type(coefficient) not in _NUMBERS:
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

    def read(self, node) -> tuple[float, Terms, frozenset]:
        """An expression's constant, terms and the parameters it reads."""
        self.reads = set()
        terms: Terms = {}
        constant = self.add(node, 1.0, terms)
        return constant, terms, frozenset(self.reads)

    def forget(self, changed: set) -> None:
        """Drop the named expressions that read a changed parameter."""
        self.named = {key: named for key, named in self.named.items()
                      if not (named.reads & changed)}


def _variable(node) -> bool:
    return type(node) not in _NUMBERS and node.is_potentially_variable()


def _linear_in_one(value):
    """(coefficient, parameter member) when a fixed figure is a number times one mutable
    parameter member (``price_capacity[s] * cost_factor``), else None."""
    kind = type(value)
    if kind is ParamData:
        return 1.0, value
    if kind is ne.NPV_ProductExpression:
        left, right = value.args
        if type(left) in _NUMBERS:
            inner = _linear_in_one(right)
            return None if inner is None else (left * inner[0], inner[1])
        if type(right) in _NUMBERS:
            inner = _linear_in_one(left)
            return None if inner is None else (right * inner[0], inner[1])
    return None


class _SplitObjective:
    """The objective as fixed costs plus costs that are a number times one parameter member
    (block and spot prices), so a re-solve with new prices sets every cost in one array
    operation instead of reading the objective again."""

    def __init__(self, cost, offset, groups):
        self.cost, self.offset = cost, offset
        self.groups = groups
        """Parameter component → (columns, coefficients, positions of its members)."""

    def __bool__(self) -> bool:
        return self.cost is not None

    @classmethod
    def read(cls, reader: _Reader, objective, count: int) -> _SplitObjective:
        """Split the objective; an empty split if a cost reads parameters any other way."""
        terms: Terms = {}
        parts: list[tuple[int, float, object]] = []
        try:
            offset = cls._add(reader, objective.expr, 1.0, terms, parts)
        except _NotSplit:
            return cls(None, 0.0, {})
        cost = np.zeros(count)
        for column, coefficient in terms.items():
            cost[column] += coefficient
        by_param: dict = {}
        for column, coefficient, member in parts:
            by_param.setdefault(member.parent_component(), []).append(
                (column, coefficient, member))
        groups = {}
        for param, entries in by_param.items():
            position = {id(p): i for i, p in enumerate(param.values())}
            groups[param] = (np.asarray([c for c, _, _ in entries], dtype=np.int64),
                             np.asarray([a for _, a, _ in entries], dtype=np.float64),
                             np.asarray([position[id(m)] for _, _, m in entries],
                                        dtype=np.int64))
        return cls(cost, offset, groups)

    @classmethod
    def _add(cls, reader: _Reader, node, scale: float, terms: Terms, parts: list) -> float:
        kind = type(node)
        if kind in _NUMBERS:
            return scale * node
        if kind in _NAMED or node.is_named_expression_type():
            named = reader.read_named(node)
            if not named.reads:  # fixed costs: their terms as read once
                for column, coefficient in named.terms.items():
                    terms[column] = terms.get(column, 0.0) + scale * coefficient
                return scale * named.constant
            return cls._add(reader, node.expr, scale, terms, parts)
        if kind in _SUMS:
            return sum(cls._add(reader, arg, scale, terms, parts) for arg in node.args)
        if kind is ne.MonomialTermExpression:
            coefficient, var = node.args
            if type(coefficient) in _NUMBERS:
                return reader.add(var, scale * coefficient, terms)
            linear = _linear_in_one(coefficient)
            if linear is None or type(var) is not VarData or var.fixed:
                raise _NotSplit
            parts.append((reader.column_of[id(var)], scale * linear[0], linear[1]))
            return 0.0
        if kind is ne.NegationExpression:
            return cls._add(reader, node.args[0], -scale, terms, parts)
        if kind is ne.ProductExpression:
            left, right = node.args
            if type(left) in _NUMBERS:
                return cls._add(reader, right, scale * left, terms, parts)
            if type(right) in _NUMBERS:
                return cls._add(reader, left, scale * right, terms, parts)
            for fixed, other in ((left, right), (right, left)):
                if not _variable(fixed):  # a price times an amount used
                    linear = _linear_in_one(fixed)
                    inner: Terms = {}
                    reader.reads = set()
                    constant = reader.add(other, 1.0, inner) if linear else None
                    if linear is None or reader.reads or constant:
                        raise _NotSplit
                    parts.extend((column, scale * linear[0] * coefficient, linear[1])
                                 for column, coefficient in inner.items())
                    return 0.0
        if not node.is_potentially_variable():
            raise _NotSplit  # a parameter in the objective's constant: read it all again
        reader.reads = set()
        constant = reader.add(node, scale, terms)
        if reader.reads:
            raise _NotSplit
        return constant

    def evaluate(self, snapshot: dict) -> tuple[np.ndarray, float]:
        """The costs and offset at the parameters' current values."""
        cost = self.cost.copy()
        for param, (columns, coefficients, positions) in self.groups.items():
            cost += np.bincount(columns, weights=coefficients * snapshot[param][positions],
                                minlength=len(cost))
        return cost, self.offset


class _NotSplit(Exception):
    """The objective reads a parameter in a way the split does not follow."""


@dataclass
class Block:
    """Where one indexed component's members sit: its keys, in index order, and the first
    row (or column) of the contiguous run they occupy."""

    keys: list
    start: int

    @property
    def stop(self) -> int:
        return self.start + len(self.keys)

    @property
    def span(self) -> slice:
        return slice(self.start, self.stop)


@dataclass
class Rows:
    """Rows in CSR form."""

    lower: np.ndarray
    upper: np.ndarray
    start: np.ndarray
    index: np.ndarray
    value: np.ndarray

    @property
    def count(self) -> int:
        return len(self.lower)


@dataclass
class LinearProgram:
    """The model as HiGHS reads it, with the way back from rows and columns to the model."""

    columns: list
    """The model's variables (VarData), in column order."""
    column_blocks: dict[str, Block]
    col_lower: np.ndarray
    col_upper: np.ndarray
    cost: np.ndarray
    offset: float
    maximise: bool
    rows: Rows
    constraints: list
    """The model's constraints (ConstraintData), in row order."""
    row_blocks: dict[str, Block]
    objective: object
    row_constant: np.ndarray
    """Each row body's constant (moved into the row's bounds)."""
    reader: _Reader = field(repr=False)
    reads_rows: dict = field(default_factory=dict, repr=False)
    """Mutable parameter component → rows whose bounds or coefficients read it."""
    row_terms: dict[int, Terms] = field(default_factory=dict, repr=False)
    """Current coefficients of the rows whose body reads a parameter."""
    bound_forms: dict[int, tuple] = field(default_factory=dict, repr=False)
    """Bound expressions of the rows where only the bounds read a parameter (demand met,
    suitability limits, recruitment limits, targets, budgets): re-evaluated alone."""
    linear_bounds: dict | None = field(default=None, repr=False)
    """Parameter component → {0 (lower) or 1 (upper): (rows, coefficients, positions)} for
    bounds that are a coefficient times one member of the parameter: re-set by arrays. Made
    at the first re-solve (a single solve never needs it)."""
    linear_rows: set = field(default_factory=set, repr=False)
    expression_cache: dict = field(default_factory=dict, repr=False)
    """Named-expression components as sparse rows, kept between re-solves."""
    objective_split: _SplitObjective | None = field(default=None, repr=False)
    memo: dict = field(default_factory=dict, repr=False)
    """What result tables keep between re-solves of the same model (names, words)."""
    objective_reads: frozenset = frozenset()
    snapshot: dict = field(default_factory=dict, repr=False)
    """Each mutable parameter's values when last read."""

    @property
    def size(self) -> dict[str, int]:
        return {"rows": self.rows.count, "columns": len(self.columns),
                "nonzeros": len(self.rows.index)}

    def keys(self, component) -> list:
        """The indices of a variable's or constraint's members, in order."""
        blocks = self.column_blocks if component.ctype is pyo.Var else self.row_blocks
        return blocks[component.name].keys

    def expression_values(self, component, x: np.ndarray) -> np.ndarray:
        """The values of an indexed named expression's members at ``x``, in index order."""
        constants, rows, columns, coefficients, _ = self.expression_rows(component)
        return constants + np.bincount(rows, weights=coefficients * x[columns],
                                       minlength=len(constants))

    def expression_rows(self, component) -> tuple:
        """A named-expression component as sparse rows, made once (until a parameter it
        reads changes)."""
        cached = self.expression_cache.get(component.name)
        if cached is None:
            cached = self.expression_cache[component.name] = self._expression_rows(component)
        return cached

    def _expression_rows(self, component) -> tuple:
        """A named-expression component as constants and sparse rows, with the parameters
        its members read."""
        read = self.reader.read_named
        count = len(component)
        constants, lengths = np.empty(count), np.empty(count, dtype=np.int64)
        columns: list[int] = []
        coefficients: list[float] = []
        reads: set = set()
        for i, member in enumerate(component.values()):
            named = read(member)
            constants[i] = named.constant
            lengths[i] = len(named.terms)
            columns.extend(named.terms)
            coefficients.extend(named.terms.values())
            reads |= named.reads
        return (constants, np.repeat(np.arange(count), lengths),
                np.asarray(columns, dtype=np.int64), np.asarray(coefficients, dtype=np.float64),
                frozenset(reads))

    def changed_parameters(self, model) -> set:
        """Mutable parameter components whose values differ from when they were last read."""
        changed = set()
        for param, before in self.snapshot.items():
            now = _parameter_values(param)
            if not np.array_equal(now, before):
                changed.add(param)
                self.snapshot[param] = now
        return changed

    def refresh(self, model) -> Changes:
        """Re-read what depends on parameters that changed; return what changed for HiGHS."""
        changed = self.changed_parameters(model)
        changes = Changes()
        if not changed:
            return changes
        reader = self.reader
        reader.forget(changed)
        self.expression_cache = {name: cached for name, cached in self.expression_cache.items()
                                 if not cached[-1] & changed}
        if self.linear_bounds is None:
            linear = _LinearBounds()
            for r, form in list(self.bound_forms.items()):
                if linear.add(r, form):
                    del self.bound_forms[r]
            self.linear_bounds, self.linear_rows = linear.arrays(), linear.rows
        for param in changed:
            values = self.snapshot[param]
            for side, (rows, coefficients, positions) in self.linear_bounds.get(param,
                                                                                  {}).items():
                target = self.rows.lower if side == 0 else self.rows.upper
                new = coefficients * values[positions] - self.row_constant[rows]
                differs = new != target[rows]
                target[rows[differs]] = new[differs]
                changes.bounds.extend(rows[differs].tolist())
        rows = sorted({r for param in changed for r in self.reads_rows.get(param, ())
                       if r not in self.linear_rows})
        for r in rows:
            form = self.bound_forms.get(r)
            if form is not None:
                lower, upper = _read_bounds(reader, form, self.row_constant[r])
                if lower != self.rows.lower[r] or upper != self.rows.upper[r]:
                    self.rows.lower[r], self.rows.upper[r] = lower, upper
                    changes.bounds.append(r)
                continue
            lower, upper, constant, terms, _, _ = _read_row(reader, self.constraints[r])
            self.row_constant[r] = constant
            if lower != self.rows.lower[r] or upper != self.rows.upper[r]:
                self.rows.lower[r], self.rows.upper[r] = lower, upper
                changes.bounds.append(r)
            before = self.row_terms[r]
            for column in before.keys() | terms.keys():
                new = terms.get(column, 0.0)
                if before.get(column, 0.0) != new:
                    changes.coefficients.append((r, column, new))
            self.row_terms[r] = terms
        if self.objective_reads & changed:
            if self.objective_split is None:  # first re-solve that changes a price
                self.objective_split = _SplitObjective.read(reader, self.objective,
                                                            len(self.columns))
            if self.objective_split:
                cost, offset = self.objective_split.evaluate(self.snapshot)
            else:
                cost, offset = _read_objective(reader, self.objective, len(self.columns))
            differs = np.flatnonzero(cost != self.cost)
            self.cost, self.offset = cost, offset
            changes.costs.extend(differs.tolist())
            changes.offset = offset
        if changes.coefficients:
            self._patch_matrix(changes.coefficients)
        changes.bounds = sorted(set(changes.bounds))
        return changes

    def _patch_matrix(self, coefficients) -> None:
        """Keep the stored CSR matrix equal to what HiGHS holds after coefficient changes."""
        rows = self.rows
        by_row: dict[int, dict[int, float]] = {}
        for r, column, value in coefficients:
            by_row.setdefault(r, {})[column] = value
        starts, index, value = [0], [], []
        for r in range(rows.count):
            a, b = rows.start[r], rows.start[r + 1]
            if r in by_row:
                merged = dict(zip(rows.index[a:b].tolist(), rows.value[a:b].tolist(),
                                  strict=True))
                merged.update(by_row[r])
                merged = {c: v for c, v in merged.items() if v != 0.0}
                index.extend(merged)
                value.extend(merged.values())
            else:
                index.extend(rows.index[a:b].tolist())
                value.extend(rows.value[a:b].tolist())
            starts.append(len(index))
        rows.start = np.asarray(starts, dtype=np.int32)
        rows.index = np.asarray(index, dtype=np.int32)
        rows.value = np.asarray(value, dtype=np.float64)


@dataclass
class Changes:
    """What a parameter change altered in the arrays HiGHS holds."""

    bounds: list[int] = field(default_factory=list)
    costs: list[int] = field(default_factory=list)
    coefficients: list[tuple[int, int, float]] = field(default_factory=list)
    offset: float | None = None

    def __bool__(self) -> bool:
        return bool(self.bounds or self.costs or self.coefficients or self.offset is not None)


def _parameter_values(param) -> np.ndarray:
    # ParamData keeps its value in _value (what .value returns, after checks it does not need)
    return np.fromiter((p._value for p in param.values()), dtype=np.float64, count=len(param))


def _bound(reader: _Reader, bound) -> float | None:
    if bound is None:
        return None
    return bound if type(bound) in _NUMBERS else reader.value(bound)


def _fixed(node) -> bool:
    return type(node) in _NUMBERS or not node.is_potentially_variable()


def _read_row(reader: _Reader, constraint) -> tuple:
    """A constraint's row bounds (its body's constant moved into them), constant and terms;
    the parameters its body reads, and its bound expressions.

    The body and bounds are Pyomo's own (``ConstraintData.to_bounded_expression``): a side
    with no variables is the bound, the other the body, and when both have variables the
    body is left minus right. Here the two sides are read straight into one row rather than
    first building that difference as a new expression."""
    expr = constraint._expr  # what ConstraintData.expr returns
    reader.reads = reads = set()
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
    return (-INF if lower is None else lower - constant,
            INF if upper is None else upper - constant, constant, terms, body_reads, form)


class _LinearBounds:
    """Rows whose bounds are each a number or a coefficient times one parameter member
    (``demand[l,g,t]``, ``suitable_p * demand[l,g,t]``, ``hire_max[l,w]``), kept as arrays so
    a scenario's new bounds are one multiplication per parameter."""

    def __init__(self):
        self.rows: set[int] = set()
        self.entries: dict = {}
        self.positions: dict = {}

    def add(self, row: int, form: tuple) -> bool:
        """Keep the row if both its bounds are linear or fixed; say whether it was kept."""
        found = []
        for side, bound in enumerate(form):
            if bound is None or type(bound) in _NUMBERS:
                continue
            linear = _linear_in_one(bound)
            if linear is None:
                return False
            found.append((side, *linear))
        for side, coefficient, member in found:
            param = member.parent_component()
            positions = self.positions.get(param)
            if positions is None:
                positions = self.positions[param] = {
                    id(p): i for i, p in enumerate(param.values())}
            entry = self.entries.setdefault(param, {}).setdefault(side, ([], [], []))
            entry[0].append(row)
            entry[1].append(coefficient)
            entry[2].append(positions[id(member)])
        self.rows.add(row)
        return True

    def arrays(self) -> dict:
        return {param: {side: (np.asarray(rows, dtype=np.int64),
                               np.asarray(coefficients, dtype=np.float64),
                               np.asarray(positions, dtype=np.int64))
                        for side, (rows, coefficients, positions) in sides.items()}
                for param, sides in self.entries.items()}


def _read_bounds(reader: _Reader, form: tuple, constant: float) -> tuple[float, float]:
    """A row's bounds again, from its bound expressions alone (its body has not changed)."""
    lower, upper = _bound(reader, form[0]), _bound(reader, form[1])
    return (-INF if lower is None else lower - constant,
            INF if upper is None else upper - constant)


def _read_objective(reader: _Reader, objective, columns: int) -> tuple[np.ndarray, float]:
    cost = np.zeros(columns)
    if objective is None:
        return cost, 0.0
    constant, terms, _ = reader.read(objective.expr)
    if terms:
        cost[np.fromiter(terms.keys(), dtype=np.int64, count=len(terms))] = np.fromiter(
            terms.values(), dtype=np.float64, count=len(terms))
    return cost, constant


def _column_bounds(model, count: int) -> tuple[np.ndarray, np.ndarray]:
    """Each column's bounds: one look at the domain for a variable component whose members
    all keep it unchanged (the model's non-negative quantities), else member by member."""
    lower, upper = np.empty(count), np.empty(count)
    start = 0
    for var in model.component_objects(pyo.Var, descend_into=True):
        members = list(var.values())
        stop = start + len(members)
        first = members[0] if members else None
        if first is not None and all(v._lb is None and v._ub is None and v._domain is
                                     first._domain for v in members):
            low, up = first.bounds
            lower[start:stop] = -INF if low is None else low
            upper[start:stop] = INF if up is None else up
        else:
            for i, v in enumerate(members, start):
                low, up = v.bounds
                lower[i] = -INF if low is None else low
                upper[i] = INF if up is None else up
        start = stop
    return lower, upper


def compile_model(model: pyo.ConcreteModel) -> LinearProgram:
    """Translate the model's active constraints and objective into HiGHS's arrays."""
    columns: list = []
    column_blocks: dict[str, Block] = {}
    for var in model.component_objects(pyo.Var, descend_into=True):
        column_blocks[var.name] = Block(list(var.keys()), len(columns))
        columns.extend(var.values())
    column_of = {id(v): i for i, v in enumerate(columns)}
    col_lower, col_upper = _column_bounds(model, len(columns))
    reader = _Reader(column_of)

    constraints: list = []
    row_blocks: dict[str, Block] = {}
    lower, upper, constants, starts, index, value = [], [], [], [0], [], []
    reads_rows: dict = {}
    row_terms: dict[int, Terms] = {}
    bound_forms: dict[int, tuple] = {}
    for component in model.component_objects(pyo.Constraint, active=True, descend_into=True):
        members = [(k, c) for k, c in component.items() if c.active]
        row_blocks[component.name] = Block([k for k, _ in members], len(constraints))
        add_constraint, add_lower, add_upper = constraints.append, lower.append, upper.append
        add_constant, add_start = constants.append, starts.append
        add_index, add_value = index.extend, value.extend
        for _, constraint in members:
            r = len(constraints)
            low, up, constant, terms, body_reads, form = _read_row(reader, constraint)
            add_constraint(constraint)
            add_lower(low)
            add_upper(up)
            add_constant(constant)
            add_index(terms)
            add_value(terms.values())
            add_start(len(index))
            if reader.reads:
                for param in reader.reads:
                    reads_rows.setdefault(param, []).append(r)
                if body_reads:
                    row_terms[r] = terms
                else:
                    bound_forms[r] = form

    objectives = list(model.component_data_objects(pyo.Objective, active=True))
    if len(objectives) > 1:
        raise NotLinear("more than one active objective")
    objective = objectives[0] if objectives else None
    cost, offset = _read_objective(reader, objective, len(columns))
    objective_reads = frozenset(reader.reads)

    parameters = [p for p in model.component_objects(pyo.Param, descend_into=True)
                  if p.mutable]
    return LinearProgram(
        columns=columns, column_blocks=column_blocks, col_lower=col_lower, col_upper=col_upper,
        cost=cost, offset=offset,
        maximise=objective is not None and objective.sense == pyo.maximize,
        rows=Rows(np.asarray(lower, dtype=np.float64), np.asarray(upper, dtype=np.float64),
                  np.asarray(starts, dtype=np.int32), np.asarray(index, dtype=np.int32),
                  np.asarray(value, dtype=np.float64)),
        constraints=constraints, row_blocks=row_blocks, objective=objective,
        row_constant=np.asarray(constants, dtype=np.float64), reader=reader,
        reads_rows=reads_rows, row_terms=row_terms, bound_forms=bound_forms,
        objective_reads=objective_reads,
        snapshot={param: _parameter_values(param) for param in parameters},
    )


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


def parameter_values(param) -> np.ndarray:
    """An indexed parameter's values, in index order."""
    return _parameter_values(param)
