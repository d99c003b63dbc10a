"""Re-solving after parameter changes: only the rows, costs and coefficients that read a
mutable parameter whose values changed are read again, and HiGHS is told just those."""

from __future__ import annotations

from dataclasses import dataclass, field
from operator import attrgetter
from typing import Any, NamedTuple

import numpy as np
from pyomo.core.base.param import ParamData
from pyomo.core.base.var import VarData
from pyomo.core.expr import numeric_expr as ne

from optimiser.lp.arrays import ExpressionRows, LinearProgram, Rows
from optimiser.lp.reader import (
    NAMED,
    NUMBERS,
    SUMS,
    Costs,
    Reader,
    Terms,
    is_variable,
    linear_in_one,
    read_bounds,
    read_objective,
    read_row,
)


@dataclass
class Changes:
    """What a parameter change altered in the arrays HiGHS holds."""

    bounds: list[int] = field(default_factory=list)
    costs: list[int] = field(default_factory=list)
    coefficients: list[tuple[int, int, float]] = field(default_factory=list)
    offset: float | None = None

    def __bool__(self) -> bool:
        return bool(self.bounds or self.costs or self.coefficients or self.offset is not None)


class SplitObjective:
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
    def read(cls, reader: Reader, objective, count: int) -> SplitObjective:
        """Split the objective; an empty split if a cost reads parameters any other way."""
        terms: Terms = {}
        parts: list[tuple[int, float, ParamData]] = []
        try:
            offset = cls._add(reader, objective.expr, 1.0, terms, parts)
        except NotSplit:
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
    def _add(cls, reader: Reader, node, scale: float, terms: Terms, parts: list) -> float:
        kind = type(node)
        if kind in NUMBERS:
            return scale * node
        if kind in NAMED or node.is_named_expression_type():
            named = reader.read_named(node)
            if not named.reads:  # fixed costs: their terms as read once
                for column, coefficient in named.terms.items():
                    terms[column] = terms.get(column, 0.0) + scale * coefficient
                return scale * named.constant
            return cls._add(reader, node.expr, scale, terms, parts)
        if kind in SUMS:
            return sum(cls._add(reader, arg, scale, terms, parts) for arg in node.args)
        if kind is ne.MonomialTermExpression:
            coefficient, var = node.args
            if type(coefficient) in NUMBERS:
                return reader.add(var, scale * coefficient, terms)
            linear = linear_in_one(coefficient)
            if linear is None or type(var) is not VarData or var.fixed:
                raise NotSplit
            parts.append((reader.column_of[id(var)], scale * linear.coefficient, linear.member))
            return 0.0
        if kind is ne.NegationExpression:
            return cls._add(reader, node.args[0], -scale, terms, parts)
        if kind is ne.ProductExpression:
            left, right = node.args
            if type(left) in NUMBERS:
                return cls._add(reader, right, scale * left, terms, parts)
            if type(right) in NUMBERS:
                return cls._add(reader, left, scale * right, terms, parts)
            for fixed, other in ((left, right), (right, left)):
                if not is_variable(fixed):  # a price times an amount used
                    linear = linear_in_one(fixed)
                    inner: Terms = {}
                    reader.reads = set()
                    constant = reader.add(other, 1.0, inner) if linear else None
                    if linear is None or reader.reads or constant:
                        raise NotSplit
                    parts.extend((column, scale * linear.coefficient * coefficient, linear.member)
                                 for column, coefficient in inner.items())
                    return 0.0
        if not node.is_potentially_variable():
            raise NotSplit  # a parameter in the objective's constant: read it all again
        reader.reads = set()
        constant = reader.add(node, scale, terms)
        if reader.reads:
            raise NotSplit
        return constant

    def evaluate(self, snapshot: dict) -> Costs:
        """The costs and offset at the parameters' current values."""
        cost = self.cost.copy()
        for param, (columns, coefficients, positions) in self.groups.items():
            cost += np.bincount(columns, weights=coefficients * snapshot[param][positions],
                                minlength=len(cost))
        return Costs(cost, self.offset)


class NotSplit(Exception):
    """The objective reads a parameter in a way the split does not follow."""


class SplitExpression(NamedTuple):
    """An indexed named expression (a payment) as fixed sparse rows plus terms that are a
    number times one parameter member times a variable (``price_capacity[s] * cost_factor *
    capacity[l,s,t]``), so that after a price change its rows are made again by one array
    operation rather than read again member by member."""

    fixed: ExpressionRows
    parts: dict
    """Parameter component → (members, columns, coefficients, positions of its members)."""

    @classmethod
    def read(cls, reader: Reader, component) -> SplitExpression | None:
        """Split every member, or None if one reads a parameter any other way."""
        count = len(component)
        constants = np.empty(count)
        rows: list[int] = []
        columns: list[int] = []
        coefficients: list[float] = []
        by_param: dict = {}
        for i, member in enumerate(component.values()):
            terms: Terms = {}
            parts: list[tuple[int, float, ParamData]] = []
            try:
                constants[i] = SplitObjective._add(reader, member, 1.0, terms, parts)
            except NotSplit:
                return None
            rows += [i] * len(terms)
            columns += terms
            coefficients += terms.values()
            for column, coefficient, param_member in parts:
                by_param.setdefault(param_member.parent_component(), []).append(
                    (i, column, coefficient, param_member))
        groups = {}
        for param, entries in by_param.items():
            position = {id(p): k for k, p in enumerate(param.values())}
            groups[param] = (np.asarray([e[0] for e in entries], dtype=np.int64),
                             np.asarray([e[1] for e in entries], dtype=np.int64),
                             np.asarray([e[2] for e in entries], dtype=np.float64),
                             np.asarray([position[id(e[3])] for e in entries], dtype=np.int64))
        fixed = ExpressionRows(constants, np.asarray(rows, dtype=np.int64),
                               np.asarray(columns, dtype=np.int64),
                               np.asarray(coefficients, dtype=np.float64), frozenset(groups))
        return cls(fixed, groups)

    def evaluate(self, snapshot: dict) -> ExpressionRows:
        """The expression's rows at the parameters' current values."""
        rows, columns, coefficients = [self.fixed.rows], [self.fixed.columns], \
            [self.fixed.coefficients]
        for param, (members, where, numbers, positions) in self.parts.items():
            rows.append(members)
            columns.append(where)
            coefficients.append(numbers * snapshot[param][positions])
        return ExpressionRows(self.fixed.constants, np.concatenate(rows),
                              np.concatenate(columns), np.concatenate(coefficients),
                              self.fixed.reads)


def _refreshed_expressions(lp: LinearProgram, changed: set) -> dict:
    """The kept expression rows after parameters changed: made again by arrays where the
    expression splits, dropped (to be read again when asked for) where it does not."""
    kept = {}
    for name, cached in lp.expression_cache.items():
        if not cached.reads & changed:
            kept[name] = cached
            continue
        if name not in lp.expression_splits:
            component = lp.columns[0].model().find_component(name)
            lp.expression_splits[name] = SplitExpression.read(lp.reader, component)
        split = lp.expression_splits[name]
        if split is not None:
            kept[name] = split.evaluate(lp.snapshot)
    return kept


class LinearBounds:
    """Rows whose bounds are each a number or a coefficient times one parameter member
    (``demand[l,g,t]``, ``suitable_p * demand[l,g,t]``, ``hire_max[l,w,t]``), kept as arrays so
    a scenario's new bounds are one multiplication per parameter."""

    def __init__(self):
        self.rows: set[int] = set()
        self.entries: dict = {}
        self.positions: dict = {}

    def add(self, row: int, form: tuple) -> bool:
        """Keep the row if both its bounds are linear or fixed; say whether it was kept."""
        found = []
        for side, bound in enumerate(form):
            if bound is None or type(bound) in NUMBERS:
                continue
            linear = linear_in_one(bound)
            if linear is None:
                return False
            found.append((side, linear.coefficient, linear.member))
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


Monomial = tuple[float, tuple[ParamData, ...]]
"""A number times a product of parameter members (none: the number alone)."""


def monomials(node) -> list[Monomial] | None:
    """A fixed figure as a sum of monomials, or None if it is anything but sums, products,
    negations and divisions by a number of numbers and parameter members. Long sums (demand
    over an area is a chain of pairs) are walked without recursion."""
    found: list[Monomial] = []
    stack: list[tuple[Any, float]] = [(node, 1.0)]
    while stack:
        item, scale = stack.pop()
        kind = type(item)
        if kind in NUMBERS:
            found.append((scale * item, ()))
        elif kind is ParamData:
            found.append((scale, (item,)))
        elif kind is ne.NPV_SumExpression:
            stack.extend((arg, scale) for arg in item.args)
        elif kind is ne.NPV_NegationExpression:
            stack.append((item.args[0], -scale))
        elif kind is ne.NPV_DivisionExpression and type(item.args[1]) in NUMBERS:
            stack.append((item.args[0], scale / item.args[1]))
        elif kind is ne.NPV_ProductExpression:
            left, right = (monomials(arg) for arg in item.args)
            if left is None or right is None:
                return None
            found += [(scale * a * b, f + g) for a, f in left for b, g in right]
        else:
            return None
    return found


class PolynomialBounds:
    """Rows whose bounds are sums of monomials in parameter members (a target's level times
    the sum of demand it covers), as arrays: a scenario's new bounds are one product and one
    sum per side, not a walk of each bound's expression."""

    def __init__(self) -> None:
        self.rows: set[int] = set()
        self.params: dict = {}
        """Parameter component → its offset in the joined values."""
        self._entries: list[tuple[int, int, float, list[tuple[Any, ParamData]]]] = []

    def add(self, row: int, form: tuple) -> bool:
        """Keep the row if each bound is fixed or a sum of monomials; say whether kept."""
        sides = []
        for side, bound in enumerate(form):
            if bound is None:
                continue
            expanded = [(float(bound), ())] if type(bound) in NUMBERS else monomials(bound)
            if expanded is None:
                return False
            sides.append((side, expanded))
        for side, expanded in sides:
            for coefficient, factors in expanded:
                self._entries.append((row, side, coefficient,
                                      [(f.parent_component(), f) for f in factors]))
        self.rows.add(row)
        return True

    def arrays(self) -> PolynomialBounds:
        """Fix the entries as arrays (after the last :meth:`add`)."""
        positions: dict = {}
        for _, _, _, factors in self._entries:
            for param, _ in factors:
                if param not in self.params:
                    self.params[param] = sum(len(p) for p in self.params)
                    positions[param] = {id(m): i for i, m in enumerate(param.values())}
        one = sum(len(p) for p in self.params)  # the joined values end with a 1
        degree = max((len(f) for *_, f in self._entries), default=0)
        self.factor = np.full((len(self._entries), max(1, degree)), one, dtype=np.int64)
        for k, (_, _, _, factors) in enumerate(self._entries):
            for j, (param, member) in enumerate(factors):
                self.factor[k, j] = self.params[param] + positions[param][id(member)]
        self.where = np.asarray([2 * r + side for r, side, _, _ in self._entries],
                                dtype=np.int64)
        self.coefficient = np.asarray([c for _, _, c, _ in self._entries], dtype=np.float64)
        self.slots = np.unique(self.where)
        self._entries = []
        return self

    def evaluate(self, snapshot: dict) -> tuple[np.ndarray, np.ndarray]:
        """Each kept (row, side)'s bound at the parameters' current values: the rows and
        sides (0 lower, 1 upper), and the values."""
        joined = np.concatenate([*(snapshot[p] for p in self.params), [1.0]])
        terms = self.coefficient * joined[self.factor].prod(axis=1)
        totals = np.bincount(self.where, weights=terms, minlength=int(self.where.max()) + 1)
        return self.slots, totals[self.slots]


_VALUE = attrgetter("_value")
"""Where ParamData keeps its value (what ``.value`` returns, after checks not needed here)."""


def _changed_parameters(lp: LinearProgram) -> set:
    """Mutable parameter components whose values differ from when they were last read (each
    one's members listed once, then read straight from the list)."""
    members = lp.memo.setdefault("parameter members", {})
    changed = set()
    for param, before in lp.snapshot.items():
        listed = members.get(param)
        if listed is None:
            listed = members[param] = list(param.values())
        now = np.fromiter(map(_VALUE, listed), dtype=np.float64, count=len(listed))
        if not np.array_equal(now, before):
            changed.add(param)
            lp.snapshot[param] = now
    return changed


def refresh(lp: LinearProgram) -> Changes:
    """Re-read what depends on parameters that changed; return what changed for HiGHS."""
    changed = _changed_parameters(lp)
    changes = Changes()
    if not changed:
        return changes
    reader = lp.reader
    reader.forget(changed)
    lp.expression_cache = _refreshed_expressions(lp, changed)
    linear_bounds = lp.linear_bounds
    if linear_bounds is None:
        linear = LinearBounds()
        for r, bound_form in list(lp.bound_forms.items()):
            if linear.add(r, bound_form):
                del lp.bound_forms[r]
        linear_bounds = lp.linear_bounds = linear.arrays()
        lp.linear_rows = linear.rows
        expanded = PolynomialBounds()
        for r, bound_form in list(lp.bound_forms.items()):
            if expanded.add(r, bound_form):
                del lp.bound_forms[r]
        lp.polynomial_bounds = expanded.arrays() if expanded.rows else None
        lp.linear_rows |= expanded.rows
    for param in changed:
        values = lp.snapshot[param]
        for side, (rows, coefficients, positions) in linear_bounds.get(param,
                                                                              {}).items():
            target = lp.rows.lower if side == 0 else lp.rows.upper
            new = coefficients * values[positions] - lp.row_constant[rows]
            differs = new != target[rows]
            target[rows[differs]] = new[differs]
            changes.bounds.extend(rows[differs].tolist())
    polynomial = lp.polynomial_bounds
    if polynomial is not None and changed & polynomial.params.keys():
        slots, values = polynomial.evaluate(lp.snapshot)
        rows_of, upper_side = slots // 2, slots % 2 == 1
        for side, target in ((False, lp.rows.lower), (True, lp.rows.upper)):
            chosen = upper_side == side
            at = rows_of[chosen]
            new = values[chosen] - lp.row_constant[at]
            differs = new != target[at]
            target[at[differs]] = new[differs]
            changes.bounds.extend(at[differs].tolist())
    rows = sorted({r for param in changed for r in lp.reads_rows.get(param, ())
                   if r not in lp.linear_rows})
    for r in rows:
        form = lp.bound_forms.get(r)
        if form is not None:
            lower, upper = read_bounds(reader, form, lp.row_constant[r])
            if lower != lp.rows.lower[r] or upper != lp.rows.upper[r]:
                lp.rows.lower[r], lp.rows.upper[r] = lower, upper
                changes.bounds.append(r)
            continue
        lower, upper, constant, terms, _, _ = read_row(reader, lp.constraints[r])
        lp.row_constant[r] = constant
        if lower != lp.rows.lower[r] or upper != lp.rows.upper[r]:
            lp.rows.lower[r], lp.rows.upper[r] = lower, upper
            changes.bounds.append(r)
        before = lp.row_terms[r]
        for column in before.keys() | terms.keys():
            new = terms.get(column, 0.0)
            if before.get(column, 0.0) != new:
                changes.coefficients.append((r, column, new))
        lp.row_terms[r] = terms
    if lp.objective_reads & changed:
        if lp.objective_split is None:  # first re-solve that changes a price
            lp.objective_split = SplitObjective.read(reader, lp.objective,
                                                        len(lp.columns))
        if lp.objective_split:
            cost, offset = lp.objective_split.evaluate(lp.snapshot)
        else:
            cost, offset = read_objective(reader, lp.objective, len(lp.columns))
        differs = np.flatnonzero(cost != lp.cost)
        lp.cost, lp.offset = cost, offset
        changes.costs.extend(differs.tolist())
        changes.offset = offset
    if changes.coefficients:
        _patch_matrix(lp.rows, changes.coefficients)
    changes.bounds = sorted(set(changes.bounds))
    return changes


def _patch_matrix(rows: Rows, coefficients: list[tuple[int, int, float]]) -> None:
    """Keep the stored CSR matrix equal to what HiGHS holds after coefficient changes."""
    by_row: dict[int, dict[int, float]] = {}
    for r, column, coefficient in coefficients:
        by_row.setdefault(r, {})[column] = coefficient
    starts: list[int] = [0]
    index: list[int] = []
    value: list[float] = []
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
