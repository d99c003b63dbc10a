"""The Pyomo model as the arrays HiGHS reads: a sparse row-wise matrix, bounds and costs,
with the way back from each row and column to the model's components."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NamedTuple

import numpy as np
import pyomo.environ as pyo
from pyomo.core.base.component_namer import name_repr

from optimiser.lp.reader import (
    INF,
    NotLinear,
    Reader,
    Terms,
    parameter_values,
    read_objective,
    read_row,
)

if TYPE_CHECKING:
    from optimiser.lp.resolve import PolynomialBounds, SplitExpression, SplitObjective


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


class ExpressionRows(NamedTuple):
    """An indexed named expression as sparse rows: member i is ``constants[i]`` plus the sum
    of ``coefficients[k] * x[columns[k]]`` over the k with ``rows[k] == i``."""

    constants: np.ndarray
    rows: np.ndarray
    columns: np.ndarray
    coefficients: np.ndarray
    reads: frozenset
    """The mutable parameters its members read (a change to one makes it again)."""


@dataclass
class LinearProgram:
    """The model as HiGHS reads it, with the way back from rows and columns to the model."""

    columns: Sequence
    """The model's variables (VarData), in column order."""
    column_blocks: dict[str, Block]
    col_lower: np.ndarray
    col_upper: np.ndarray
    cost: np.ndarray
    offset: float
    maximise: bool
    rows: Rows
    constraints: Sequence
    """The model's constraints (ConstraintData), in row order."""
    row_blocks: dict[str, Block]
    objective: object
    row_constant: np.ndarray
    """Each row body's constant (moved into the row's bounds)."""
    reader: Reader = field(repr=False)
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
    polynomial_bounds: PolynomialBounds | None = field(default=None, repr=False)
    """The other rows whose bounds are sums of products of parameter members (a target's
    level times the demand it covers), kept as arrays; made with ``linear_bounds``."""
    expression_cache: dict = field(default_factory=dict, repr=False)
    """Named-expression components as sparse rows, kept between re-solves."""
    objective_split: SplitObjective | None = field(default=None, repr=False)
    expression_splits: dict[str, SplitExpression | None] = field(default_factory=dict,
                                                                 repr=False)
    """Named-expression components split into fixed terms and terms that are a number times
    one parameter member (:class:`~optimiser.lp.resolve.SplitExpression`), made at the first
    re-solve that changes a parameter they read (None: one that cannot be split)."""
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

    def row_name(self, row: int) -> str:
        """A row's name (``capacity_covers_use[Melton,reablement,2027/28]``): its
        constraint's, or once the model's rows are let go (:mod:`optimiser.lp.release`),
        made as Pyomo makes it from the row's component and index."""
        return self.constraints[row].name if self.constraints else \
            _name_in(self.row_blocks, row)

    def column_name(self, column: int) -> str:
        """A column's name, as :meth:`row_name` gives a row's."""
        return self.columns[column].name if self.columns else \
            _name_in(self.column_blocks, column)

    def expression_values(self, component, x: np.ndarray) -> np.ndarray:
        """The values of an indexed named expression's members at ``x``, in index order."""
        constants, rows, columns, coefficients, _ = self.expression_rows(component)
        return constants + np.bincount(rows, weights=coefficients * x[columns],
                                       minlength=len(constants))

    def expression_rows(self, component) -> ExpressionRows:
        """A named-expression component as sparse rows, made once (until a parameter it
        reads changes)."""
        cached = self.expression_cache.get(component.name)
        if cached is None:
            cached = self.expression_cache[component.name] = self._expression_rows(component)
        return cached

    def _expression_rows(self, component) -> ExpressionRows:
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
        return ExpressionRows(
            constants, np.repeat(np.arange(count), lengths),
            np.asarray(columns, dtype=np.int64), np.asarray(coefficients, dtype=np.float64),
            frozenset(reads))


def _name_in(blocks: dict[str, Block], position: int) -> str:
    """The name of the member at ``position`` of the blocks' rows (or columns)."""
    ordered = sorted(blocks.items(), key=lambda item: item[1].start)
    name, block = ordered[bisect_right([b.start for _, b in ordered], position) - 1]
    return member_name(name, block.keys[position - block.start])


def member_name(component: str, key) -> str:
    """Pyomo's name for the member ``key`` of the component named ``component``."""
    if key is None:  # a scalar component's one member
        return component
    index = key if type(key) is tuple else (key,)
    return f"{component}[{','.join(map(name_repr, index))}]"


class ColumnBounds(NamedTuple):
    lower: np.ndarray
    upper: np.ndarray


def column_bounds(model: pyo.ConcreteModel, count: int) -> ColumnBounds:
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
    return ColumnBounds(lower, upper)


def compile_model(model: pyo.ConcreteModel) -> LinearProgram:
    """Translate the model's active constraints and objective into HiGHS's arrays."""
    columns: list = []
    column_blocks: dict[str, Block] = {}
    for var in model.component_objects(pyo.Var, descend_into=True):
        column_blocks[var.name] = Block(list(var.keys()), len(columns))
        columns.extend(var.values())
    column_of = {id(v): i for i, v in enumerate(columns)}
    col_lower, col_upper = column_bounds(model, len(columns))
    reader = Reader(column_of)

    constraints: list = []
    row_blocks: dict[str, Block] = {}
    lower: list[float] = []
    upper: list[float] = []
    constants: list[float] = []
    starts: list[int] = [0]
    index: list[int] = []
    value: list[float] = []
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
            low, up, constant, terms, body_reads, form = read_row(reader, constraint)
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
    cost, offset = read_objective(reader, objective, len(columns))
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
        snapshot={param: parameter_values(param) for param in parameters},
    )
