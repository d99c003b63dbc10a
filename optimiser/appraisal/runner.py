"""Running an appraisal: every option solved in parallel, each result recorded as it lands.

One code path for every kind of parallelism: the runner submits chunks of options to a
``concurrent.futures`` executor and records each option's result as its chunk completes. By
default the executor is a pool of local worker processes; with a Dask scheduler address it
is the Dask client's executor, which has the same interface. Each worker solves with HiGHS
on one thread; the pool provides the parallelism.

An option's result is its comparison row, made by the worker from the solution's arrays.
Its full results tables (and its own page) are made only where they are asked for
(:data:`~optimiser.appraisal.store.DETAIL`): by default for the one option the report draws."""

from __future__ import annotations

import math
import multiprocessing
import os
import time
from collections.abc import Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from models import Instance
from optimiser.appraisal.load import LoadedAppraisal
from optimiser.appraisal.order import solving_order
from optimiser.appraisal.outputs import chosen_option, comparison_table
from optimiser.appraisal.store import DETAIL, FINISHED, Detail, Store
from optimiser.appraisal.summary import outcome_columns
from optimiser.appraisal.worker import (
    Outcome,
    Task,
    limit_threads,
    pickled_base,
    solve_options,
)
from optimiser.pipeline import Solution
from optimiser.report.html import render_report_html
from optimiser.solve import SolveOptions

WORKER_OPTIONS = SolveOptions(threads=1, method="simplex", conflict=False)
"""One HiGHS thread per worker; simplex, because it hot-starts from the last basis; an option
with no plan is explained by its relaxations, without the limits in conflict (HiGHS's IIS
took a third of the explanation's time at 30 × 10)."""
ROUNDS = 3
"""Times the runner starts a fresh pool after a worker process died, before giving up."""
CHUNK = 10
"""Most options sent to a worker in one task: enough to make the trip there and back a small
part of the work, few enough that the last tasks keep every worker busy."""


class Progress(Protocol):
    def start(self, total: int, done_before: int) -> None: ...
    def advance(self, option: str, status: str) -> None: ...


class _Silent:
    def start(self, total: int, done_before: int) -> None:
        pass

    def advance(self, option: str, status: str) -> None:
        pass


@dataclass
class RunSummary:
    """What a run of the appraisal did."""

    options: int = 0
    skipped: int = 0
    """Options already finished by an earlier run, not solved again."""
    solved: list[str] = field(default_factory=list)
    """Options solved (or attempted) in this run, in the order they finished."""
    failed: list[str] = field(default_factory=list)
    """Options this run recorded without a plan (infeasible, error, ...)."""
    lost: list[str] = field(default_factory=list)
    """Options not run because a worker process stopped under them."""
    resolved: int = 0
    """Options solved by re-solving a kept model (parameters set, hot start)."""
    detailed: list[str] = field(default_factory=list)
    """Options solved again after the run for their full results tables (``--detail best``)."""
    highs_seconds: float = 0.0
    """HiGHS's own solve time over the options solved in this run."""
    seconds: float = 0.0


def default_workers() -> int:
    """One worker per core the process may use, leaving one for the runner when there are
    several."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, cores - 1 if cores > 2 else cores)


@contextmanager
def open_executor(workers: int | None = None, scheduler: str | None = None
                  ) -> Iterator[Executor]:
    """Local worker processes, or a Dask cluster's executor when a scheduler is given."""
    if scheduler:
        from dask.distributed import Client

        with Client(scheduler, timeout=30) as client:  # seconds to connect
            executor = client.get_executor()
            try:
                yield executor
            finally:
                executor.shutdown(wait=False)
        return
    context = multiprocessing.get_context("spawn")  # no fork of a threaded parent
    pool = ProcessPoolExecutor(max_workers=workers or default_workers(), mp_context=context,
                               initializer=limit_threads)
    try:
        yield pool
    finally:
        pool.shutdown(wait=False, cancel_futures=True)


def _chunks(names: list[str]) -> list[list[str]]:
    """The options in runs of at most :data:`CHUNK`, and at least eight runs where there are
    that many options, so a small appraisal still spreads over the workers and lands in
    several steps."""
    size = max(1, min(CHUNK, math.ceil(len(names) / 8)))
    return [names[i:i + size] for i in range(0, len(names), size)]


def _record(loaded: LoadedAppraisal, store: Store, outcome: Outcome) -> None:
    option = loaded.option(outcome.option)
    instance = loaded.instances[option.name]
    row = outcome_columns(option, loaded.appraisal.dimensions(), instance, outcome.status,
                          outcome.message, outcome.objective)
    row.update(outcome.figures)
    result = {
        "option": option.name, "label": option.label, "parameters": option.parameters,
        "changes": option.describe(), "designs": list(instance.settings.designs),
        "fingerprint": loaded.fingerprint(option.name), "status": outcome.status,
        "message": outcome.message, "objective": outcome.objective,
        "timings": {k: round(v, 4) for k, v in outcome.timings.items()},
        "size": outcome.size, "resolved": outcome.resolved, "worker": outcome.worker,
        "detail": outcome.detail, "row": row,
    }
    store.write(option.folder, result, outcome.tables, _pages(instance, outcome))


PLOTLYJS = "plotly.min.js"
"""plotly.js, written once at the top of an appraisal's folder for every option's page."""


def _pages(instance: Instance, outcome: Outcome) -> dict[str, str]:
    """An option with a plan and its tables gets its own ``report.html``, reading the
    shared plotly.js."""
    if outcome.status != "optimal" or not outcome.tables:
        return {}
    solution = Solution(instance=instance.name, status=outcome.status, message=outcome.message,
                        objective=outcome.objective, tables=outcome.tables, inputs=instance)
    return {"report.html": render_report_html(solution, plotly_src=f"../../{PLOTLYJS}")}


def _solve(loaded: LoadedAppraisal, store: Store, executor: Executor, names: list[str],
           options: SolveOptions, with_tables: set[str], progress: Progress,
           summary: RunSummary) -> list[str]:
    """Solve the options in chunks, recording each result as its chunk lands; return the
    options recorded."""
    futures: dict[Future, list[str]] = {}
    done: list[str] = []
    base = pickled_base(loaded.base)
    try:
        for chunk in _chunks(names):
            tasks = [Task(option=loaded.option(name), options=options,
                          with_tables=name in with_tables) for name in chunk]
            futures[executor.submit(solve_options, base, tasks)] = chunk
        for future in as_completed(futures):
            chunk = futures[future]
            try:
                outcomes = future.result()
            except BrokenProcessPool:
                summary.lost += chunk
                continue
            except Exception as problem:  # the executor failed, not the solve
                outcomes = [Outcome(option=name, status="error",
                                    message=f"The worker failed: {type(problem).__name__}: "
                                            f"{problem}") for name in chunk]
            for outcome in outcomes:
                _record(loaded, store, outcome)
                done.append(outcome.option)
                summary.resolved += outcome.resolved
                summary.highs_seconds += outcome.timings.get("highs", 0.0)
                if outcome.status != "optimal":
                    summary.failed.append(outcome.option)
                progress.advance(outcome.option, outcome.status)
    finally:
        for future in futures:
            future.cancel()
    return done


def run_appraisal(loaded: LoadedAppraisal, out_dir: Path, executor: Executor, *,
                  options: SolveOptions = WORKER_OPTIONS, retry_failed: bool = False,
                  progress: Progress | None = None, detail: Detail = "best") -> RunSummary:
    """Solve every option not already finished in ``out_dir``, recording each result the
    moment it arrives; then, with ``detail="best"``, solve the option the report draws once
    more for its full tables, if it has none yet. Never raises for an option that fails: it
    is recorded with its reason. Options lost to a worker process that died are listed in
    ``lost``."""
    start = time.perf_counter()
    progress = progress or _Silent()
    store = Store(out_dir)
    store.clear_leftovers()
    summary = RunSummary(options=len(loaded.options))
    todo = [o.name for o in loaded.options
            if not store.finished(o.folder, loaded.fingerprint(o.name), retry_failed)]
    summary.skipped = summary.options - len(todo)
    progress.start(summary.options, summary.skipped)
    order = solving_order([loaded.option(name) for name in todo], loaded.instances)
    summary.solved = _solve(loaded, store, executor, order, options,
                            set(todo) if detail == "all" else set(), progress, summary)
    if detail == "best" and not summary.lost:
        summary.detailed = _detail_best(loaded, out_dir, store, executor, options)
    summary.seconds = time.perf_counter() - start
    return summary


def _detail_best(loaded: LoadedAppraisal, out_dir: Path, store: Store, executor: Executor,
                 options: SolveOptions) -> list[str]:
    """Add the results tables and page of the option the report draws, if it has a plan
    and they are not recorded yet; its recorded result stays as it is."""
    best = chosen_option(loaded, comparison_table(loaded, recorded(loaded, out_dir)))
    if best is None:
        return []
    folder = loaded.option(best).folder
    result = store.read(folder)
    if result is None or result.get("status") != "optimal" or store.has_tables(folder):
        return []
    task = Task(option=loaded.option(best), options=options, with_tables=True)
    try:
        (outcome,) = executor.submit(solve_options, pickled_base(loaded.base), [task]).result()
    except Exception:  # the worker process died: every row is recorded, only tables lack
        return []
    if outcome.status != "optimal":
        return []
    store.add(folder, outcome.tables, _pages(loaded.instances[best], outcome))
    return [best]


def appraise(loaded: LoadedAppraisal, out_dir: Path, *, workers: int | None = None,
             scheduler: str | None = None, options: SolveOptions = WORKER_OPTIONS,
             retry_failed: bool = False, progress: Progress | None = None,
             detail: Detail = "best") -> RunSummary:
    """Run the appraisal with a fresh executor, starting another if a worker process dies
    under some options (they are solved again; the others are already recorded)."""
    total = RunSummary(options=len(loaded.options))
    for round_ in range(ROUNDS):
        with open_executor(workers, scheduler) as executor:
            summary = run_appraisal(loaded, out_dir, executor, options=options,
                                    retry_failed=retry_failed and round_ == 0,
                                    progress=progress, detail=detail)
        if round_ == 0:
            total.skipped = summary.skipped
        total.solved += summary.solved
        total.failed += summary.failed
        total.resolved += summary.resolved
        total.detailed += summary.detailed
        total.highs_seconds += summary.highs_seconds
        total.seconds += summary.seconds
        total.lost = summary.lost
        if not summary.lost:
            break
    return total


def recorded(loaded: LoadedAppraisal, out_dir: Path) -> dict[str, dict]:
    """Every option's recorded result (options without one are left out)."""
    store = Store(out_dir)
    results = {}
    for option in loaded.options:
        result = store.read(option.folder)
        if result is not None and result.get("fingerprint") == loaded.fingerprint(option.name):
            results[option.name] = result
    return results


__all__ = ["DETAIL", "FINISHED", "Detail", "RunSummary", "appraise", "open_executor", "recorded",
           "run_appraisal"]
