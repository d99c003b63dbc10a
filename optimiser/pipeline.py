"""The pipeline a solve follows, one function call an arrow:
validated instance → prepare → build → solve → results.

Data flows one way. Each step is timed, and HiGHS's own solve time is reported apart from
the time Pyomo takes to build and hand over the model."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import pandas as pd
import pyomo.environ as pyo
from pyomo.common.gc_manager import PauseGC

from models import Instance
from optimiser.diagnose import Diagnosis, diagnose
from optimiser.headroom import needs_refining, refine
from optimiser.model import build_model
from optimiser.prepare import prepare
from optimiser.ranging import RANGING_ROWS, ranging_table
from optimiser.released import Compiled, compile_released, in_child
from optimiser.results import NOT_SPEND, extract, prepare_tables, spending
from optimiser.solve import DirectHighs, SolveOptions, SolveOutcome, solve_direct

Progress = Callable[[str], None]


def _quiet(_: str) -> None:
    """The default progress callback: say nothing."""


@dataclass
class Solution:
    """A solved (or unsolvable) instance: status, plan tables and timings."""

    instance: str
    status: str
    message: str
    objective: float | None
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    size: dict[str, int] = field(default_factory=dict)
    model: pyo.ConcreteModel | None = field(default=None, repr=False)
    diagnosis: Diagnosis | None = None
    """For an infeasible instance: why, and the smallest changes that would allow a plan."""
    overrides: list[dict[str, str]] = field(default_factory=list)
    """Changes made to the instance for this solve (``--set``), each with its source."""
    notes: list[str] = field(default_factory=list)
    """What a reader must know about how the plan was solved (limits treated as none)."""
    inputs: Instance | None = field(default=None, repr=False)
    """The validated instance solved: its labels, units and area codes word the outputs."""

    @property
    def optimal(self) -> bool:
        return self.status == "optimal"

    @property
    def maximised(self) -> str | None:
        """The outcome indicator's label when the plan maximises it (its objective then
        counts people, not pounds); None for a least-cost plan."""
        m = self.model
        if m is None or m.data.objective != "max_outcome":
            return None
        return m.data.labels.get(m.data.objective_indicator, m.data.objective_indicator)

    @property
    def spend(self) -> float | None:
        """The plan's discounted spending over the planning years (£, without the charge
        for unmet need, the estimated cost of delays or the care after the last year); None
        without a plan."""
        costs = self.tables.get("costs")
        if costs is None:
            return None
        return float(spending(costs)["discounted_cost"].sum())

    def not_spent(self) -> dict[str, float]:
        """The parts of a least-cost objective that are not spending in the planning years
        (discounted £ by payment: the unmet-need charge, delays, the care after the last
        year), those above zero only; empty without a plan."""
        costs = self.tables.get("costs")
        if costs is None:
            return {}
        parts = costs[costs["payment"].isin(NOT_SPEND)].groupby("payment")["discounted_cost"]
        return {str(payment): float(total) for payment, total in parts.sum().items() if total > 0}

    def summary(self) -> dict:
        """Status, objective, model size and any diagnosis, for scripts (``summary.json``).
        Timings are apart (:meth:`timing`), so the same input gives the same summary."""
        summary: dict[str, Any] = {
            "instance": self.instance, "status": self.status, "message": self.message,
            "objective": self.objective,
            "objective_unit": "people" if self.maximised else "£", "size": self.size,
        }
        if self.optimal:
            summary["spend"] = self.spend
        if self.notes:
            summary["notes"] = self.notes
        if self.overrides:
            summary["overrides"] = self.overrides
        if self.diagnosis is not None:
            summary["diagnosis"] = self.diagnosis.as_dict()
        return summary

    def timing(self) -> dict:
        """Seconds each step took (``timings.json``): the one output that differs run to run."""
        return {"instance": self.instance,
                "seconds": {k: round(v, 4) for k, v in self.timings.items()}}


def build(instance: Instance, progress: Progress = _quiet) -> tuple[pyo.ConcreteModel, float]:
    """Prepare the data and build the Pyomo model; return it with the seconds it took."""
    start = time.perf_counter()
    progress("preparing data")
    prepared = prepare(instance)
    progress("building the model")
    model = build_model(prepared)
    return model, time.perf_counter() - start


def finish(instance_name: str, model: pyo.ConcreteModel, outcome: SolveOutcome,
           timings: dict[str, float], progress: Progress = _quiet,
           options: SolveOptions = SolveOptions(), tables: bool = True,
           solver: DirectHighs | None = None) -> Solution:
    """Turn a solve's outcome into a solution: the tables when it is optimal (unless
    ``tables`` is False), a diagnosis when it is infeasible (from ``solver``'s loaded LP, if
    given: the HiGHS object that solved the model)."""
    solution = Solution(
        instance=instance_name, status=outcome.status, message=outcome.message,
        objective=outcome.objective, timings=timings, model=model,
        size={"rows": outcome.rows, "columns": outcome.columns, "nonzeros": outcome.nonzeros},
        notes=outcome.notes,
    )
    if outcome.status == "optimal":
        if not tables:
            return solution
        progress("extracting results")
        start = time.perf_counter()
        assert outcome.values is not None  # an optimal solve always gives its arrays
        solution.tables = extract(model, outcome.values)
        solution.timings["extract"] = time.perf_counter() - start
    elif outcome.status == "infeasible":
        progress("finding why no plan is possible")
        start = time.perf_counter()
        solution.diagnosis = diagnose(model, options, solver)
        solution.timings["diagnose"] = time.perf_counter() - start
    return solution


def solve(instance: Instance, options: SolveOptions = SolveOptions(),
          progress: Progress = _quiet, ranging: bool | None = None,
          keep_model: bool = True) -> Solution:
    """Solve one instance from its validated data to its result tables. ``ranging`` adds the
    ``ranging`` table (:mod:`optimiser.ranging`); by default, for models of up to
    :data:`~optimiser.ranging.RANGING_ROWS` rows.

    ``keep_model=False`` is for a single solve with nothing to follow (``optimiser solve``):
    the model is built and compiled in a child process and let go there
    (:mod:`optimiser.released`), and HiGHS solves beside the arrays and the tables' parts
    alone, so a national model solves in about 40% less memory. The tables are the same;
    the solution's model has no rows, variables or named expressions. A model the solve
    re-solves (headroom tangents, an outcome maximised in stages) or ranges is built again
    here and kept."""
    # Python's cyclic garbage collector stays off from build to tables: each time it ran it
    # would walk every object of the model (two million at 300 localities x 10 years, about
    # half a second), and the model's objects are all still in use.
    with PauseGC():
        solution = _solve(instance, options, progress, ranging, keep_model)
    solution.inputs = instance
    return solution


def _ranged(ranging: bool | None, rows: int) -> bool:
    """Whether the solve adds the ranging table: as asked, else by the model's rows."""
    return ranging if ranging is not None else rows <= RANGING_ROWS


def _kept(model: pyo.ConcreteModel, ranging: bool | None) -> bool:
    """Whether the solve needs the whole model after HiGHS's first solve: to re-solve it
    (the headroom tangents; maximising an outcome, whose stages read the model's total cost:
    :mod:`optimiser.need_first`) or range it (the ranging reads HiGHS's basis)."""
    if needs_refining(model) or model.data.objective == "max_outcome":
        return True
    rows = 0 if ranging is not None else \
        sum(len(rule) for rule in model.component_objects(pyo.Constraint, active=True))
    return _ranged(ranging, rows)


def _solve(instance: Instance, options: SolveOptions, progress: Progress,
           ranging: bool | None, keep_model: bool) -> Solution:
    if not keep_model:
        progress("building the model")
        start = time.perf_counter()
        compiled = in_child(partial(compile_released, instance, partial(_kept, ranging=ranging)))
        if compiled is not None:
            return _solve_released(instance, compiled, options, progress, start)
    model, build_seconds = build(instance, progress)
    progress("solving with HiGHS")
    start = time.perf_counter()
    solver = DirectHighs(options)  # kept for the ranging, which reads its basis
    # the tables' words are made while HiGHS solves
    first = outcome = solve_direct(model, options, solver,
                                   alongside=lambda lp: prepare_tables(model, lp))
    if needs_refining(model):  # MODEL.md 13: the tangents at the first plan's loads
        progress("re-solving with headroom at the plan's loads")
        outcome = refine(model, solver, first)
    wall = time.perf_counter() - start
    timings = {"build": build_seconds, "solve_wall": wall, "highs": first.highs_seconds}
    if outcome is not first:
        timings["highs_headroom"] = outcome.highs_seconds
    if outcome.compile_seconds:
        timings["compile"] = outcome.compile_seconds
    solution = finish(instance.name, model, outcome, timings, progress, options,
                      solver=solver)
    if solution.optimal and _ranged(ranging, solver.lp.rows.count):
        progress("ranging prices and limits")
        start = time.perf_counter()
        solution.tables["ranging"] = ranging_table(solver.highs, solver.lp, model,
                                                   solution.tables["shadow_prices"])
        solution.timings["ranging"] = time.perf_counter() - start
    return solution


def _solve_released(instance: Instance, compiled: Compiled, options: SolveOptions,
                    progress: Progress, start: float) -> Solution:
    """HiGHS's single solve of a model let go once compiled (``start``: when its build
    began), and the tables; a model with no plan is built again for the diagnosis."""
    progress("solving with HiGHS")
    outcome = DirectHighs(options, single=True).solve_lp(compiled.lp, notes=compiled.notes)
    timings = {"build": compiled.build_seconds,
               "solve_wall": time.perf_counter() - start - compiled.build_seconds,
               "highs": outcome.highs_seconds,
               "compile": compiled.compile_seconds + outcome.compile_seconds}
    model = compiled.model
    if outcome.status == "infeasible":
        model, _ = build(instance)  # the diagnosis reads the rows let go
    return finish(instance.name, model, outcome, timings, progress, options)
