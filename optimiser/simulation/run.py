"""``optimiser simulate``: every short-term service of a plan run many times through the
queue simulation, in parallel on the appraisal's executor (local worker processes, or a Dask
cluster), and summarised with confidence intervals over the runs.

The plan folder holds all it needs: ``short_term.csv`` (written by ``optimiser solve``) has
each service's arrivals, mean stay, places and variability by locality and year. Each run of
each service has its own seed, made from the base seed, the locality, the service and the
run number, so the results do not depend on which worker ran what, or in what order."""

from __future__ import annotations

import math
import zlib
from collections.abc import Callable, Iterable
from concurrent.futures import Executor, as_completed
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from optimiser.simulation.queue import QueueSpec, Year, simulate

SHORT_TERM_FILE = "short_term.csv"
RESULTS_FILE = "simulation.csv"
RUNS_FILE = "simulation_runs.csv"
MEASURES = ("mean_occupancy", "p95_occupancy", "share_waited", "mean_wait_days",
            "p95_wait_days", "delayed_days", "delay_cost")
"""What each run reports per service, locality and year; each is summarised by its mean
over the runs and a 95% confidence interval."""

_T95 = {1: 12.706, 2: 4.303, 3: 3.182, 4: 2.776, 5: 2.571, 6: 2.447, 7: 2.365, 8: 2.306,
        9: 2.262, 10: 2.228, 12: 2.179, 15: 2.131, 20: 2.086, 25: 2.060, 30: 2.042}
"""Student's t 97.5% points by degrees of freedom (1.96 beyond 30)."""


class PlanFolderError(ValueError):
    """The plan folder lacks what the simulation needs."""


def t95(degrees: int) -> float:
    """The two-sided 95% Student's t multiplier (a table lookup, rounding the degrees of
    freedom down to the nearest tabulated value)."""
    if degrees > 30:
        return 1.96
    return _T95[max(k for k in _T95 if k <= degrees)]


def read_specs(plan_dir: Path) -> list[QueueSpec]:
    """The queues of a plan, from its ``short_term.csv``."""
    path = plan_dir / SHORT_TERM_FILE
    if not path.is_file():
        raise PlanFolderError(
            f"{path} is missing: simulate reads the short-term services from the plan folder "
            "written by `optimiser solve` (a plan with no short-term service has nothing to "
            "simulate).")
    table = pd.read_csv(path, keep_default_na=False)
    specs = []
    for (loc, service), rows in table.groupby(["locality", "service"], sort=False):
        records = rows.to_dict("records")
        first = records[0]
        specs.append(QueueSpec(
            locality=str(loc), service=str(service),
            years=tuple(Year(str(r["year"]), float(r["arrivals"]), float(r["mean_stay_days"]),
                             float(r["places"])) for r in records),
            dispersion=float(first["arrival_dispersion"]), stay_cv=float(first["stay_cv"]),
            stay_shape=str(first["stay_shape"]),
            months=tuple(float(f) for f in str(first["monthly_arrivals"]).split(";")),
            delay_price=float(first["delay_price"]),
        ))
    return specs


def seed_of(base: int, spec: QueueSpec, run: int) -> int:
    """The seed of one run of one service: the same whoever runs it."""
    return zlib.crc32(f"{base}|{spec.locality}|{spec.service}|{run}".encode())


@dataclass(frozen=True)
class RunTask:
    spec: QueueSpec
    run: int
    seed: int


def run_one(task: RunTask) -> list[dict]:
    """One run of one service (in a worker): its per-year results, labelled."""
    return [{"locality": task.spec.locality, "service": task.spec.service, "run": task.run,
             **row} for row in simulate(task.spec, task.seed)]


def simulate_plan(specs: Iterable[QueueSpec], runs: int, seed: int, executor: Executor,
                  advance: Callable[[int], None] = lambda people: None) -> pd.DataFrame:
    """Every run of every service, one row per run, service, locality and year, in a fixed
    order whatever order they finished in. ``advance(people)`` is called as each run lands."""
    tasks = [RunTask(spec, run, seed_of(seed, spec, run)) for spec in specs
             for run in range(runs)]
    futures = [executor.submit(run_one, task) for task in tasks]
    for future in as_completed(futures):
        advance(int(sum(row["people"] for row in future.result())))
    rows = [row for future in futures for row in future.result()]
    return pd.DataFrame(rows)


def summarise(per_run: pd.DataFrame) -> pd.DataFrame:
    """Mean and 95% confidence interval over runs of each measure, per service, locality
    and year."""
    keys = ["locality", "service", "year"]
    out = []
    for key, rows in per_run.groupby(keys, sort=False):
        n = len(rows)
        record = dict(zip(keys, key, strict=True))
        record |= {"runs": n, "places": float(rows["places"].iloc[0]),
                   "people": float(rows["people"].mean())}
        for measure in MEASURES:
            values = rows[measure].to_numpy(dtype=float)
            mean = float(values.mean())
            half = (t95(n - 1) * float(values.std(ddof=1)) / math.sqrt(n)) if n > 1 else math.nan
            high = mean + half if measure != "share_waited" else min(1.0, mean + half)
            record |= {measure: mean, f"{measure}_low": max(0.0, mean - half),
                       f"{measure}_high": high}
        out.append(record)
    return pd.DataFrame(out)


def write_results(plan_dir: Path, per_run: pd.DataFrame, summary: pd.DataFrame) -> list[Path]:
    """``simulation.csv`` (the summary) and ``simulation_runs.csv`` (every run), each
    written aside and swapped in whole, and listed in the plan folder's manifest of the
    tool's own files."""
    from optimiser.io.atomic import atomic_path
    from optimiser.io.outdir import record_written

    written = []
    for name, frame in ((RESULTS_FILE, summary), (RUNS_FILE, per_run)):
        with atomic_path(plan_dir / name) as tmp:
            frame.to_csv(tmp, index=False, float_format="%.6g")
        written.append(plan_dir / name)
    record_written(plan_dir, [RESULTS_FILE, RUNS_FILE])
    return written


def people_expected(specs: Iterable[QueueSpec], runs: int) -> int:
    """About how many people the runs will simulate (for a progress bar)."""
    return int(runs * sum(np.sum([y.arrivals for y in spec.years]) for spec in specs))
