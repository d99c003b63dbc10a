"""Solving the model with HiGHS (highspy).

:class:`DirectHighs` and :func:`solve_direct` translate the model into HiGHS's arrays
(:mod:`optimiser.lp`), pass them in one call, and re-solve after parameter changes from
the last basis. Every solve goes this one way: ``optimiser solve``, the appraisal's options,
the frontier's points and the diagnosis. tests/test_direct.py checks the arrays against
Pyomo's own standard-form compiler on every shipped instance.

The solver reports its own solve time separately from model building, so performance
claims compare like with like. Every way a solve can end is turned into a status a person
can act on; nothing here raises for an infeasible or interrupted solve."""

from __future__ import annotations

import math
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

import highspy
import numpy as np
import pyomo.environ as pyo
from pyomo.common.gc_manager import PauseGC

from optimiser.lp import LinearProgram, Values, compile_model, refresh
from optimiser.lp.release import give_back
from optimiser.need_first import NeedFirst, Plan
from optimiser.verify import NO_LIMIT, dropped_note, pass_without_huge_limits, verify

Method = Literal["choose", "ipm", "simplex"]

MESSAGES = {
    "optimal": "An optimal plan was found.",
    "infeasible": "No plan satisfies every hard limit (targets, market change, workforce, "
                  "budget) at once.",
    "unbounded": "The model is unbounded: some cost can fall without limit, which means a "
                 "price or limit is missing from the instance.",
    "time_limit": "HiGHS reached the time limit before proving a plan optimal. Allow more "
                  "time (--time-limit), or try --method ipm, which is usually faster on large "
                  "instances.",
    "iteration_limit": "HiGHS reached its iteration limit before proving a plan optimal. "
                       "Raise the limit (--iteration-limit), or try the other --method.",
    "objective_limit": "HiGHS stopped at the objective limit.",
    "unverified": "HiGHS reported an optimal plan that does not satisfy the model's own "
                  "rows; it is not shown as a plan.",
    "interrupted": "The solve was interrupted.",
    "error": "HiGHS reported numerical trouble and could not finish. Look for figures of "
             "very different sizes in the instance (a price in pence beside one in millions), "
             "and try the other --method.",
}


@dataclass(frozen=True)
class SolveOptions:
    """How HiGHS is asked to solve."""

    time_limit: float | None = None
    """Seconds HiGHS may spend; None for no limit."""
    threads: int | None = None
    """Threads HiGHS may use; batch runs set 1 per worker."""
    method: Method = "choose"
    """'ipm' (interior point, fastest cold on large models), 'simplex' (hot-starts well) or
    'choose' (HiGHS decides)."""
    iteration_limit: int | None = None
    """Simplex iteration limit; None for HiGHS's default."""
    conflict: bool = True
    """Whether the diagnosis of a model with no plan also asks HiGHS for the limits in
    conflict (its IIS). Appraisals leave it out: on a 30-locality option it took longer than
    every relaxation together, and the relaxations already say what would allow a plan."""


@dataclass
class SolveOutcome:
    """What HiGHS made of the model."""

    status: str
    message: str
    objective: float | None
    highs_seconds: float
    rows: int
    columns: int
    nonzeros: int
    duals: dict = field(default_factory=dict, repr=False)
    values: Values | None = field(default=None, repr=False)
    """The plan as arrays, for fast result tables."""
    compile_seconds: float = 0.0
    """Seconds spent translating the model into HiGHS's arrays."""
    notes: list[str] = field(default_factory=list)
    """What a reader of the plan must know about how it was solved (limits treated as no
    limit)."""


def highs_options(options: SolveOptions) -> dict:
    """The HiGHS option settings for these solve options."""
    settings: dict = {"log_to_console": False, "output_flag": False, "random_seed": 0}
    if options.method != "choose":
        settings["solver"] = options.method
    if options.threads is not None:
        settings["threads"] = options.threads
    if options.iteration_limit is not None:
        settings["simplex_iteration_limit"] = options.iteration_limit
        settings["ipm_iteration_limit"] = options.iteration_limit
    if options.time_limit is not None:
        settings["time_limit"] = float(options.time_limit)
    return settings


def new_highs(options: SolveOptions) -> highspy.Highs:
    """A HiGHS object set as these solve options ask."""
    highs = highspy.Highs()
    for name, value in highs_options(options).items():
        highs.setOptionValue(name, value)
    return highs


LARGE = 1e6
"""HiGHS warns of 'excessively large' bounds and costs above this magnitude."""


def _power_of_two_down(values: np.ndarray) -> int:
    """The power of two that brings the largest finite magnitude among ``values`` to at most
    :data:`LARGE` (0 if it is already)."""
    finite = np.abs(values[np.isfinite(values)])
    finite = finite[finite <= NO_LIMIT]  # larger ones are passed as no limit
    largest = float(finite.max(initial=0.0))
    return -math.ceil(math.log2(largest / LARGE)) if largest > LARGE else 0


_MODEL_STATUS = {
    "kOptimal": "optimal",
    "kInfeasible": "infeasible",
    "kUnbounded": "unbounded",
    "kUnboundedOrInfeasible": "infeasible",
    "kTimeLimit": "time_limit",
    "kIterationLimit": "iteration_limit",
    "kObjectiveBound": "objective_limit",
    "kObjectiveTarget": "objective_limit",
    "kInterrupt": "interrupted",
}


def array_scaling(lp: LinearProgram) -> dict[str, int]:
    """HiGHS's own bound and objective scaling for the compiled model.

    Budgets (£ millions a year) and national capacities (millions of home-care hours a week)
    are row bounds far above one, and an unmet-need penalty may be a large cost. Rather than
    change the model's units, HiGHS is told to scale every bound (or cost) by a power of two,
    as if the model had been written in larger units; it solves that and returns the plan,
    objective and duals in the model's own units (£, people)."""
    bounds = np.concatenate([lp.rows.lower, lp.rows.upper, lp.col_lower, lp.col_upper])
    return {"user_bound_scale": _power_of_two_down(bounds),
            "user_objective_scale": _power_of_two_down(lp.cost)}


_LP_NAME = re.compile(r"[^A-Za-z0-9_(),.]")
"""Characters HiGHS's LP writer may not accept in a name (it rejects '/', ':', '[', '-')."""


def _file_name(name: str, form: str) -> str:
    """A model name as MPS (no spaces) or LP allows it (``capacity(Melton,reablement,2027_28)``)."""
    if form == "lp":
        return _LP_NAME.sub("_", name.replace("[", "(").replace("]", ")"))
    return name.replace(" ", "_")


def highs_lp(lp: LinearProgram, names: str | None = None) -> highspy.HighsLp:
    """The compiled model as a ``highspy.HighsLp``; with ``names`` ('mps' or 'lp'), columns
    and rows carry the model's names, written as that file format allows."""
    result = highspy.HighsLp()
    result.num_col_, result.num_row_ = len(lp.cost), lp.rows.count
    result.col_cost_, result.offset_ = lp.cost, lp.offset
    result.col_lower_, result.col_upper_ = lp.col_lower, lp.col_upper
    result.row_lower_, result.row_upper_ = lp.rows.lower, lp.rows.upper
    result.sense_ = highspy.ObjSense.kMaximize if lp.maximise else highspy.ObjSense.kMinimize
    matrix = result.a_matrix_
    matrix.format_ = highspy.MatrixFormat.kRowwise
    matrix.num_col_, matrix.num_row_ = len(lp.cost), lp.rows.count
    matrix.start_, matrix.index_, matrix.value_ = lp.rows.start, lp.rows.index, lp.rows.value
    if names:
        result.col_names_ = [_file_name(v.name, names) for v in lp.columns]
        result.row_names_ = [_file_name(c.name, names) for c in lp.constraints]
    return result


@dataclass
class _Loaded:
    """A model (None for arrays assembled without one), its arrays and the HiGHS object
    holding them."""

    model: pyo.ConcreteModel | None
    lp: LinearProgram
    highs: highspy.Highs | None
    """None once let go after a single solve (``single=True``)."""
    notes: list[str] | None
    """The limits treated as no limit, in words, read before the arrays' model let its rows
    go (None: read them from the rows at each solve)."""


class DirectHighs:
    """HiGHS given the model's arrays in one call (:mod:`optimiser.lp`), kept for
    re-solves.

    The first solve translates the model and passes it to HiGHS. Later solves of the same
    model re-read only the rows and costs that read a mutable parameter that changed
    (demand, prices, recruitment limits, target levels, budgets), change them in place, and
    re-run HiGHS from its last basis with the dual simplex method, whatever method solved it
    first. A model whose rows or variables change needs a new solver. Arrays assembled from
    several compiled models (the two-stage plan's deterministic equivalent) are passed the
    same way by :meth:`solve_lp`.

    ``single=True`` is for a single solve with nothing to follow (``optimiser solve``, its
    model let go once compiled: :mod:`optimiser.released`): HiGHS's own memory is let go
    once the plan is read back."""

    def __init__(self, options: SolveOptions = SolveOptions(), single: bool = False):
        self.options = options
        self.single = single
        self._loaded: _Loaded | None = None
        self.solves = 0

    @property
    def lp(self) -> LinearProgram:
        """The arrays of the model last solved."""
        return self._held().lp

    @property
    def highs(self) -> highspy.Highs:
        """The HiGHS object holding the model last solved."""
        highs = self._held().highs
        if highs is None:
            raise RuntimeError("DirectHighs let HiGHS go after its single solve "
                               "(single=True)")
        return highs

    def _held(self) -> _Loaded:
        if self._loaded is None:
            raise RuntimeError("DirectHighs has not solved a model yet")
        return self._loaded

    def _load(self, lp: LinearProgram, model: pyo.ConcreteModel | None,
              notes: list[str] | None = None) -> None:
        highs = new_highs(self.options)
        highs.passModel(highs_lp(lp))
        self._loaded = _Loaded(model, lp, highs, notes)

    def _update(self) -> None:
        """Pass HiGHS what changed since the last solve; switch re-solves to simplex."""
        highs, lp = self.highs, self.lp
        changes = refresh(lp)
        if changes.bounds:
            rows = np.asarray(changes.bounds, dtype=np.int32)
            highs.changeRowsBounds(len(rows), rows, lp.rows.lower[rows], lp.rows.upper[rows])
        if changes.costs:
            columns = np.asarray(changes.costs, dtype=np.int32)
            highs.changeColsCost(len(columns), columns, lp.cost[columns])
        for row, column, value in changes.coefficients:
            highs.changeCoeff(row, column, value)
        if changes.offset is not None:
            highs.changeObjectiveOffset(changes.offset)
        if self.options.method == "ipm":
            highs.setOptionValue("solver", "simplex")

    def _run_alongside(self, alongside: Callable[[LinearProgram], None]) -> str:
        failed: list[BaseException] = []

        def work() -> None:
            try:
                alongside(self.lp)
            except BaseException as problem:  # raised again below, in the caller's thread
                failed.append(problem)

        thread = threading.Thread(target=work, name="alongside HiGHS")
        thread.start()
        try:
            return self._run()
        finally:
            thread.join()
            if failed:
                raise failed[0]

    def _run(self) -> str:
        """Run HiGHS; the status of the run, never an exception."""
        try:
            if self.highs.run() == highspy.HighsStatus.kError:
                return "error"
        except RuntimeError:
            return "error"
        return _MODEL_STATUS.get(self.highs.getModelStatus().name, "error")

    def solve(self, model: pyo.ConcreteModel,
              alongside: Callable[[LinearProgram], None] | None = None,
              load: bool = True) -> SolveOutcome:
        """Solve (or re-solve) the model; load the plan into it when it is optimal.

        ``alongside(lp)``, if given, runs in a second thread while HiGHS solves (HiGHS
        releases Python's lock, so on two cores it is free): work that needs the model's
        arrays but not the solution, such as the result tables' words and index columns.
        ``load=False`` leaves the plan and duals in the outcome's arrays alone (an
        appraisal's comparison row reads only those)."""
        start = time.perf_counter()
        with PauseGC():
            if self._loaded is None or model is not self._loaded.model:
                self._load(compile_model(model), model)
            else:
                self._update()
        return self._solve_loaded(time.perf_counter() - start, alongside, load)

    def solve_lp(self, lp: LinearProgram,
                 alongside: Callable[[LinearProgram], None] | None = None,
                 notes: list[str] | None = None) -> SolveOutcome:
        """Solve arrays without a Pyomo model to load the plan into (the two-stage plan's
        deterministic equivalent, made from its futures' compiled arrays; a single solve's,
        its model let go, with ``notes`` on its limits read before): the plan as arrays
        only. A later :meth:`solve` of a model loads that model afresh."""
        start = time.perf_counter()
        self._load(lp, None, notes)
        return self._solve_loaded(time.perf_counter() - start, alongside)

    def _solve_loaded(self, compile_seconds: float,
                      alongside: Callable[[LinearProgram], None] | None = None,
                      load: bool = True) -> SolveOutcome:
        held = self._held()
        highs, lp = self.highs, held.lp
        for name, value in array_scaling(lp).items():
            highs.setOptionValue(name, value)
        # maximising an outcome: least unmet need first (optimiser.need_first)
        need_first = NeedFirst.begin(highs, lp, _power_of_two_down)
        bounds = pass_without_huge_limits(highs, lp)
        before = highs.getRunTime()
        if alongside is None:
            status = self._run()
        else:
            status = self._run_alongside(alongside)
        if need_first is not None:
            status = need_first.then_outcome(status, bounds, self._run)
        self.solves += 1
        outcome = SolveOutcome(
            status=status, message=MESSAGES[status], objective=None,
            highs_seconds=highs.getRunTime() - before, rows=lp.rows.count,
            columns=len(lp.cost), nonzeros=len(lp.rows.index),
            compile_seconds=compile_seconds,
            notes=dropped_note(lp, bounds) if held.notes is None else held.notes,
        )
        del highs  # no name here holds HiGHS once a single solve lets it go
        if status == "optimal":
            outcome.values, outcome.objective = self._read_plan(outcome, load, need_first)
        del need_first  # it holds HiGHS too
        if self.single:
            held.highs = None  # the plan is read back: HiGHS's own memory goes
            give_back()
        if outcome.values is not None and outcome.objective is not None:
            verdict = verify(lp, bounds, outcome.values.x, outcome.values.row_dual,
                             outcome.objective)
            if not verdict.ok:
                outcome.status, outcome.message = "unverified", verdict.message()
        return outcome

    def _read_plan(self, outcome: SolveOutcome, load: bool,
                   need_first: NeedFirst | None) -> tuple[Values, float]:
        """The optimal plan as arrays and its objective (maximising an outcome, the third
        stage's plan beside the second stage's duals); with ``load`` and a model, the plan
        set into its variables and its duals in ``outcome.duals``."""
        held = self._held()
        highs, lp = self.highs, held.lp
        solution = highs.getSolution()
        row_dual = np.asarray(solution.row_dual)
        x, row_value, objective = need_first.plan() if need_first else Plan(
            np.asarray(solution.col_value), np.asarray(solution.row_value),
            highs.getInfo().objective_function_value)
        if load and held.model is not None:
            with PauseGC():
                for var, value in zip(lp.columns, x.tolist(), strict=True):
                    var.set_value(value, skip_validation=True)
                outcome.duals = dict(zip(lp.constraints, row_dual.tolist(), strict=True))
        return Values(lp, x, row_dual, row_value), objective


def solve_direct(model: pyo.ConcreteModel, options: SolveOptions = SolveOptions(),
                 solver: DirectHighs | None = None,
                 alongside: Callable[[LinearProgram], None] | None = None) -> SolveOutcome:
    """Solve the model: the plan and the duals loaded into it when optimal, and the plan as
    arrays."""
    return (solver or DirectHighs(options)).solve(model, alongside)


def write_model(model: pyo.ConcreteModel, path) -> dict[str, int]:
    """Write the model for HiGHS (or any LP solver) to read: MPS for ``.mps``, CPLEX LP for
    ``.lp``, with the model's own column and row names. Returns the LP's size."""
    with PauseGC():
        lp = compile_model(model)
        highs = highspy.Highs()
        highs.setOptionValue("output_flag", False)
        form = "lp" if str(path).lower().endswith(".lp") else "mps"
        highs.passModel(highs_lp(lp, names=form))
    if highs.writeModel(str(path)) == highspy.HighsStatus.kError:
        raise OSError(f"HiGHS could not write the model to {path}")
    return lp.size
