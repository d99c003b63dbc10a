"""The deterministic equivalent of the two-stage plan: one LP holding every future's plan,
assembled as HiGHS's arrays.

Each future's plan is the commissioning model of :func:`optimiser.model.build_model` on the
future's data, compiled by :mod:`optimiser.lp`. Futures that differ only in figures the model
holds as mutable parameters (demand and growth, recruitment limits, prices, targets, budgets)
share one built model: its parameters are set to each future's figures in turn and only the
rows that read them are read again (:func:`optimiser.lp.refresh`), so a national model is
built and compiled once, not once per future. A future that changes anything else (a
contract design's effect, turnover) gets a model of its own.

The futures' arrays are placed side by side (a block-diagonal matrix, each future's costs
weighted by its probability). Above them sit the rows the two-stage plan adds
(:data:`optimiser.families.TWO_STAGE_FAMILIES`): the decisions committed now (block capacity
and recruitment in the first ``commit_years`` years) are columns of their own, and
non-anticipativity rows tie every future's copy to them, so the same contracts are signed and
the same people recruited whichever future comes. The objective is the expected cost, plus
λ × CVaR_α of the cost in its linear form (η + E[u] / (1 - α), u_ω ≥ cost_ω - η, u_ω ≥ 0)
when a risk weight is set. HiGHS solves it by the one direct route
(:meth:`optimiser.solve.DirectHighs.solve_lp`).

tests/test_stochastic.py checks the assembled LP's optimum against the same formulation
stated as one Pyomo model (tests/stochastic_reference.py).
"""

from __future__ import annotations

import bisect
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyomo.environ as pyo
from pyomo.common.gc_manager import PauseGC

from optimiser.appraisal.resolve import resolvable, set_parameters
from optimiser.lp import Block, LinearProgram, Rows, Values, compile_model, refresh
from optimiser.lp.reader import INF, Reader
from optimiser.model import build_model
from optimiser.prepare import Prepared
from optimiser.results import prepare_tables
from optimiser.stochastic.scenarios import Future, Risk, commit_years

FIRST_STAGE = ("capacity", "hire")
"""The scenario model's variables whose members in the commit years are decided now."""


def first_stage(model: pyo.Block, years: list[str]) -> list[tuple[str, tuple, Any]]:
    """A scenario model's decisions committed now: block capacity and recruitment in
    ``years``, as (variable name, index, variable), in the same order in every scenario."""
    wanted = set(years)
    return [(name, key, var) for name in FIRST_STAGE
            for key, var in getattr(model, name).items() if key[2] in wanted]


@dataclass
class Held:
    """A built model, its compiled arrays, and the data whose figures they now hold."""

    data: Prepared
    model: pyo.ConcreteModel
    lp: LinearProgram

    def become(self, data: Prepared) -> None:
        """Give the model and its arrays the figures of ``data`` (whose rows are the same)."""
        if data is not self.data:
            set_parameters(self.model, data)
            refresh(self.lp)
            self.data = data


@dataclass
class Models:
    """The built models the futures share: one for each group of futures that differ only in
    the model's mutable parameters."""

    held: list[Held] = field(default_factory=list)
    build_seconds: float = 0.0
    compile_seconds: float = 0.0

    def of(self, data: Prepared) -> Held:
        """A model holding ``data``'s figures: a kept one with its parameters set, or a new
        one."""
        start = time.perf_counter()
        for held in self.held:
            if resolvable(held.data, data):
                held.become(data)
                self.compile_seconds += time.perf_counter() - start
                return held
        model = build_model(data)
        built = time.perf_counter()
        self.build_seconds += built - start
        held = Held(data, model, compile_model(model))
        self.compile_seconds += time.perf_counter() - built
        self.held.append(held)
        return held


@dataclass
class FutureBlock:
    """Where one future's plan sits in the deterministic equivalent."""

    future: Future
    held: Held
    columns: slice
    rows: slice
    cost: np.ndarray
    """The future's own cost of each of its columns (before weighting by its probability)."""
    offset: float

    def cost_of(self, x: np.ndarray) -> float:
        """The future's cost (discounted, with the unmet-need penalty) at the plan ``x``."""
        return float(self.cost @ x[self.columns] + self.offset)

    def values(self, x: np.ndarray, row_dual: np.ndarray, row_value: np.ndarray) -> Values:
        """The future's part of a solution, in its own model's terms; its shadow prices are
        the whole plan's duals per unit of its probability. The held model is given the
        future's figures first, so the result tables read them (their words, made once a
        model, are the same for every future it holds)."""
        self.held.become(self.future.data)
        return Values(self.held.lp, x[self.columns],
                      row_dual[self.rows] / self.future.probability, row_value[self.rows])


@dataclass(frozen=True)
class Named:
    """A row or column the two-stage plan adds, as verification messages name it."""

    name: str

    def parent_component(self) -> Named:
        return self

    def index(self) -> tuple:
        return ()


class Members(Sequence):
    """The equivalent's rows (or columns), read back on demand to the future's constraint
    (or variable), or named by the block of those the two-stage plan adds."""

    def __init__(self, count: int, futures: list[tuple[int, Sequence]],
                 added: dict[str, Block]):
        self.size = count
        self.starts = [start for start, _ in futures]
        self.parts = [members for _, members in futures]
        self.added = added

    def __len__(self) -> int:
        return self.size

    def __getitem__(self, i):  # type: ignore[override]
        if not 0 <= i < self.size:
            raise IndexError(i)
        for name, block in self.added.items():
            if block.start <= i < block.stop:
                key = block.keys[i - block.start]
                parts = key if isinstance(key, tuple) else (key,)
                return Named(f"{name}[{','.join(map(str, parts))}]")
        f = bisect.bisect_right(self.starts, i) - 1
        return self.parts[f][i - self.starts[f]]


@dataclass
class Equivalent:
    """The deterministic equivalent as HiGHS's arrays, with the way back to each future."""

    lp: LinearProgram
    blocks: list[FutureBlock]
    commit: list[tuple[str, tuple]]
    """The decisions committed now, (variable name, index), in the order of their columns."""
    commit_columns: slice
    build_seconds: float
    compile_seconds: float

    def prepare_tables(self, _: LinearProgram) -> None:
        """Make what the futures' result tables need before a solution exists (words, names,
        index columns), once for each built model: work to do while HiGHS solves."""
        for held in {id(b.held): b.held for b in self.blocks}.values():
            prepare_tables(held.model, held.lp)

    def commitment(self, x: np.ndarray) -> dict[tuple[str, tuple], float]:
        return dict(zip(self.commit, x[self.commit_columns].tolist(), strict=True))


class _Builder:
    """Rows and columns appended one block at a time."""

    def __init__(self) -> None:
        self.col_lower: list[np.ndarray] = []
        self.col_upper: list[np.ndarray] = []
        self.cost: list[np.ndarray] = []
        self.columns = 0
        self.lower: list[np.ndarray] = []
        self.upper: list[np.ndarray] = []
        self.lengths: list[np.ndarray] = []
        self.index: list[np.ndarray] = []
        self.value: list[np.ndarray] = []
        self.rows = 0
        self.column_blocks: dict[str, Block] = {}
        self.row_blocks: dict[str, Block] = {}

    def add_columns(self, lower: np.ndarray, upper: np.ndarray, cost: np.ndarray,
                    name: str | None = None, keys: list | None = None) -> slice:
        span = slice(self.columns, self.columns + len(lower))
        if name is not None:
            self.column_blocks[name] = Block(keys or [], self.columns)
        self.col_lower.append(lower)
        self.col_upper.append(upper)
        self.cost.append(cost)
        self.columns = span.stop
        return span

    def add_rows(self, lower: np.ndarray, upper: np.ndarray, start: np.ndarray,
                 index: np.ndarray, value: np.ndarray, name: str | None = None,
                 keys: list | None = None) -> slice:
        span = slice(self.rows, self.rows + len(lower))
        if name is not None:
            self.row_blocks[name] = Block(keys or [], self.rows)
        self.lower.append(lower)
        self.upper.append(upper)
        self.lengths.append(np.diff(start))
        self.index.append(index)
        self.value.append(value)
        self.rows = span.stop
        return span

    def rows_of_pairs(self, first: np.ndarray, second: np.ndarray, name: str,
                      keys: list) -> slice:
        """Rows ``x[first] - x[second] = 0``."""
        count = len(first)
        index = np.column_stack([first, second]).ravel()
        value = np.tile([1.0, -1.0], count)
        return self.add_rows(np.zeros(count), np.zeros(count),
                             np.arange(0, 2 * count + 1, 2), index, value, name, keys)

    def arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, Rows]:
        start = np.zeros(self.rows + 1, dtype=np.int32)
        np.cumsum(np.concatenate(self.lengths), out=start[1:])
        rows = Rows(np.concatenate(self.lower), np.concatenate(self.upper), start,
                    np.concatenate(self.index).astype(np.int32),
                    np.concatenate(self.value).astype(np.float64))
        return (np.concatenate(self.col_lower), np.concatenate(self.col_upper),
                np.concatenate(self.cost), rows)


def _first_stage_columns(lp: LinearProgram, commit: list[tuple[str, tuple]]) -> np.ndarray:
    """The future's own columns of the decisions committed now, in ``commit``'s order."""
    position: dict[str, dict] = {}
    columns = np.empty(len(commit), dtype=np.int64)
    for i, (name, key) in enumerate(commit):
        block = lp.column_blocks[name]
        where = position.get(name)
        if where is None:
            where = position[name] = {k: j for j, k in enumerate(block.keys)}
        columns[i] = block.start + where[key]
    return columns


def build_deterministic_equivalent(futures: list[Future], years: int,
                                   risk: Risk = Risk()) -> Equivalent:
    """The two-stage plan as one LP: every future's arrays, tied together now."""
    with PauseGC():
        return _assemble(futures, years, risk)


def _assemble(futures: list[Future], years: int, risk: Risk) -> Equivalent:
    models = Models()
    committed = set(commit_years(futures[0].data, years))
    out = _Builder()
    blocks: list[FutureBlock] = []
    commit: list[tuple[str, tuple]] = []
    ties: list[np.ndarray] = []
    for future in futures:
        held = models.of(future.data)
        start = time.perf_counter()
        lp = held.lp
        if not commit:
            commit = [(name, key) for name in FIRST_STAGE
                      for key in lp.column_blocks[name].keys if key[2] in committed]
        p = future.probability
        columns = out.add_columns(lp.col_lower, lp.col_upper, p * lp.cost)
        span = out.add_rows(lp.rows.lower.copy(), lp.rows.upper.copy(), lp.rows.start,
                            lp.rows.index + columns.start, lp.rows.value)
        blocks.append(FutureBlock(future, held, columns, span, lp.cost.copy(), lp.offset))
        ties.append(_first_stage_columns(lp, commit) + columns.start)
        models.compile_seconds += time.perf_counter() - start
    start = time.perf_counter()
    names = [f.name for f in futures]
    count = len(commit)
    commit_columns = out.add_columns(np.zeros(count), np.full(count, INF), np.zeros(count),
                                     "commit", commit)
    commit_index = np.arange(commit_columns.start, commit_columns.stop)
    for name, family in (("capacity", "nonanticipative_capacity"),
                         ("hire", "nonanticipative_hire")):
        which = np.array([decision == name for decision, _ in commit], dtype=bool)
        keys = [(w, *key) for w in names for decision, key in commit if decision == name]
        out.rows_of_pairs(np.concatenate([tie[which] for tie in ties]),
                          np.tile(commit_index[which], len(futures)), family, keys)
    offset = sum(f.probability * b.offset for f, b in zip(futures, blocks, strict=True))
    if risk.weight > 0:
        _add_cvar(out, blocks, risk)
    col_lower, col_upper, cost, rows = out.arrays()
    lp = LinearProgram(
        columns=Members(out.columns, [(b.columns.start, b.held.lp.columns) for b in blocks],
                        out.column_blocks),
        column_blocks=out.column_blocks, col_lower=col_lower, col_upper=col_upper,
        cost=cost, offset=offset, maximise=False, rows=rows,
        constraints=Members(rows.count, [(b.rows.start, b.held.lp.constraints)
                                         for b in blocks], out.row_blocks),
        row_blocks=out.row_blocks, objective=None, row_constant=np.zeros(rows.count),
        reader=Reader({}))
    models.compile_seconds += time.perf_counter() - start
    return Equivalent(lp, blocks, commit, commit_columns, models.build_seconds,
                      models.compile_seconds)


def _add_cvar(out: _Builder, blocks: list[FutureBlock], risk: Risk) -> None:
    r"""λ × CVaR_α: columns η and u_ω, and rows u_\omega - cost_\omega + \eta \ge offset_\omega
    (cvar_excess: how far the cost in a future lies above η)."""
    names = [b.future.name for b in blocks]
    probabilities = np.array([b.future.probability for b in blocks])
    level = out.add_columns(np.array([-INF]), np.array([INF]), np.array([risk.weight]),
                            "var_level", ["η"])
    excess = out.add_columns(np.zeros(len(blocks)), np.full(len(blocks), INF),
                             risk.weight * probabilities / (1.0 - risk.level), "excess", names)
    index: list[np.ndarray] = []
    value: list[np.ndarray] = []
    for i, block in enumerate(blocks):
        priced = np.flatnonzero(block.cost)
        index.append(np.concatenate([[excess.start + i, level.start],
                                     priced + block.columns.start]))
        value.append(np.concatenate([[1.0, 1.0], -block.cost[priced]]))
    lengths = np.array([len(i) for i in index])
    start = np.concatenate([[0], np.cumsum(lengths)])
    out.add_rows(np.array([b.offset for b in blocks]), np.full(len(blocks), INF), start,
                 np.concatenate(index), np.concatenate(value), "cvar_excess", names)

