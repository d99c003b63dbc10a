"""What a worker does with a chunk of options: solve each and hand back its comparison row's
figures (and, for an option whose detail is wanted, every results table), or the reason it
has no plan. Runs in a local worker process or on a Dask worker; nothing here writes files,
so a worker on another machine needs no shared folder.

Each worker thread keeps its own persistent models (see :mod:`optimiser.appraisal.resolve`),
so options of the same structure that land on one worker re-solve hot. The options of a
chunk share one trip to the worker and back.

An option travels as its changes, not as its instance: the base is pickled once by the
runner (:func:`pickled_base`) and unpickled once by each worker, which applies each option's
changes to it. A 30 × 10 instance took 34 ms to pickle and 24 ms to unpickle, more than
HiGHS's own re-solve of it."""

from __future__ import annotations

import os
import pickle
import threading
import time
import traceback
from dataclasses import dataclass, field
from functools import lru_cache

import pandas as pd
from pyomo.common.gc_manager import PauseGC

from models import Instance
from models.appraisal import Option, apply_option
from optimiser.appraisal.figures import plan_figures
from optimiser.appraisal.resolve import PersistentModels
from optimiser.solve import SolveOptions

_local = threading.local()


@dataclass(frozen=True)
class Task:
    """One option to solve: its changes to the appraisal's base."""

    option: Option
    options: SolveOptions
    with_tables: bool = False
    """Every results table of the plan too, not only the figures of its comparison row."""


@dataclass
class Outcome:
    """What became of one option."""

    option: str
    status: str
    """optimal, infeasible, unbounded, time_limit, ... or error (the solve itself failed)."""
    message: str
    objective: float | None = None
    figures: dict = field(default_factory=dict)
    """The comparison row's figures of an optimal plan
    (:func:`~optimiser.appraisal.figures.plan_figures`)."""
    tables: dict[str, pd.DataFrame] = field(default_factory=dict, repr=False)
    """Every results table, for an option whose detail was asked for."""
    timings: dict[str, float] = field(default_factory=dict)
    size: dict[str, int] = field(default_factory=dict)
    resolved: bool = False
    """Solved by setting parameters on a kept model (hot start) rather than building one."""
    worker: str = ""
    detail: str = ""
    """For an error: the traceback, for whoever maintains the tool."""


def _models(options: SolveOptions) -> PersistentModels:
    kept = getattr(_local, "models", None)
    if kept is None or kept.options != options:
        kept = _local.models = PersistentModels(options)
    return kept


def solve_option(base: Instance, task: Task) -> Outcome:
    """Solve one option of the base; never raises (a failure becomes an outcome with its
    reason)."""
    start = time.perf_counter()
    name = task.option.name
    worker = f"{os.getpid()}:{threading.get_ident()}"
    try:
        instance = apply_option(base, task.option)
        applied = time.perf_counter() - start
        solved = _models(task.options).solve(instance, detail=task.with_tables)
        solution = solved.solution
        solution.timings["apply"] = applied
        figures = {}
        if solution.optimal and solution.model is not None and solved.values is not None:
            begun = time.perf_counter()
            figures = plan_figures(solution.model, solved.values, instance)
            solution.timings["figures"] = time.perf_counter() - begun
    except Exception as problem:  # recorded with its reason, never stops the others
        return Outcome(option=name, status="error",
                       message=f"The solve failed: {type(problem).__name__}: {problem}",
                       timings={"total": time.perf_counter() - start}, worker=worker,
                       detail=traceback.format_exc())
    timings = dict(solution.timings, total=time.perf_counter() - start)
    message = solution.message
    diagnosis = getattr(solution, "diagnosis", None)  # why an infeasible option has no plan
    if diagnosis is not None:
        message = f"{message}\n{diagnosis.text()}"
    return Outcome(option=name, status=solution.status, message=message,
                   objective=solution.objective, figures=figures, tables=solution.tables,
                   timings=timings, size=solution.size, resolved=solved.resolved,
                   worker=worker)


def pickled_base(base: Instance) -> bytes:
    """The base as every chunk of options carries it: pickled once, by the runner."""
    return pickle.dumps(base, protocol=pickle.HIGHEST_PROTOCOL)


@lru_cache(maxsize=1)
def _unpickled(base: bytes) -> Instance:
    """The base a chunk carries, unpickled once by each worker (the chunks of an appraisal
    all carry the same bytes)."""
    return pickle.loads(base)


def solve_options(base: bytes, tasks: list[Task]) -> list[Outcome]:
    """Solve a chunk of options of the base (:func:`pickled_base`) in turn; never raises.
    Python's cyclic collector waits for the end of the chunk: each time it ran it would walk
    every object of the kept models."""
    with PauseGC():
        instance = _unpickled(base)
        return [solve_option(instance, task) for task in tasks]


def limit_threads() -> None:
    """Worker-process initialiser: one thread each for the numerical libraries, so N workers
    use N cores (HiGHS itself is set to one thread by the solve options)."""
    for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(name, "1")
