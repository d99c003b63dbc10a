"""What the user waits for, measured from outside: whole commands in fresh processes.

* **solve**: ``optimiser solve`` of a synthetic instance file, from reading the file to the
  last output file written (wall clock of the process), beside HiGHS alone solving the same
  LP: ``optimiser export --mps`` writes it, and a fresh Python process that imports highspy,
  reads the MPS file and solves it is timed the same way. The pipeline's own steps come from
  the solve's ``timings.json``.
* **appraise**: ``optimiser appraise`` of an appraisal of many options of one synthetic base
  (demand, block prices, recruitment limits and target levels scaled at random, seeded),
  comparison table and report included.

Each child's peak memory is its own (``wait4``'s resource usage): for ``optimiser solve``,
which builds its model in a forked process of its own (:mod:`optimiser.released`), the larger
of the two processes' peaks (they come one after the other)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import yaml

HIGHS_ALONE = """
import json, sys, time
import highspy
highs = highspy.Highs()
highs.setOptionValue("output_flag", False)
highs.readModel(sys.argv[1])
highs.run()
print(json.dumps({"status": highs.getModelStatus().name, "highs_s": highs.getRunTime(),
                  "objective": highs.getInfo().objective_function_value}))
"""
"""HiGHS alone: read the exported MPS file and solve it, nothing else."""


@dataclass
class Run:
    """One child process: its wall time, peak memory and what it printed."""

    seconds: float
    peak_mb: float
    stdout: str
    cpu_s: float = 0.0
    """User and system CPU time of the process, all its threads: on a shared machine, less
    moved by the other work than the wall time is."""


def run(command: list[str]) -> Run:
    """Run a command in a fresh process; its wall time and its own peak memory."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        start = time.perf_counter()
        child = subprocess.Popen(command, stdout=out, stderr=err, text=True)
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - start
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if child.returncode != 0:
            raise RuntimeError(f"{' '.join(command)} failed ({child.returncode}):\n{err.read()}")
        return Run(seconds, usage.ru_maxrss / 1024, out.read(),  # ru_maxrss: KiB on Linux
                   usage.ru_utime + usage.ru_stime)


@dataclass
class SolveRow:
    """``optimiser solve`` against HiGHS alone on the same LP."""

    localities: int
    years: int
    rows: int
    nonzeros: int
    status: str
    solve_process_s: float
    """``optimiser solve``, instance file to output files: what the user waits for."""
    solve_peak_mb: float
    highs_process_s: float
    """A fresh process reading the MPS file and solving it with HiGHS."""
    highs_peak_mb: float
    highs_own_s: float
    """HiGHS's own solve time in that process (its clock)."""
    pipeline_s: float
    """Build, solve and tables inside ``optimiser solve`` (from its timings.json)."""
    pipeline_highs_s: float
    """HiGHS's own time inside ``optimiser solve``."""
    objective_gap: float
    """Relative difference of the two objectives (they solve the same LP)."""
    solve_cpu_s: float = 0.0
    """CPU time of ``optimiser solve``'s process (its second thread's work included)."""
    highs_cpu_s: float = 0.0
    """CPU time of the HiGHS-alone process."""

    @property
    def process_ratio(self) -> float:
        return self.solve_process_s / self.highs_process_s

    @property
    def cpu_ratio(self) -> float:
        """The process ratio in CPU time: on a shared machine, steadier than the wall-time
        ratio; above it on a quiet one, where the tables' words are made on the second core
        while HiGHS solves."""
        return self.solve_cpu_s / self.highs_cpu_s if self.highs_cpu_s else float("inf")

    @property
    def outside_pipeline_s(self) -> float:
        """Start-up, reading and validating the file, and writing the outputs."""
        return self.solve_process_s - self.pipeline_s

    @property
    def pipeline_ratio(self) -> float:
        return self.pipeline_s / self.pipeline_highs_s if self.pipeline_highs_s else float("inf")


def _cli() -> list[str]:
    """The ``optimiser`` command of this environment."""
    return [sys.executable, "-m", "optimiser.cli"]


def measure_solve(localities: int, years: int, folder: Path, seed: int) -> SolveRow:
    """Time ``optimiser solve`` of a synthetic instance and HiGHS alone on its MPS file."""
    from optimiser.io import save_instance
    from optimiser.synthetic import synthetic_instance

    folder.mkdir(parents=True, exist_ok=True)
    instance_file = folder / f"synthetic-{localities}x{years}.yaml"
    save_instance(synthetic_instance(localities, years, seed=seed), instance_file)
    out = folder / f"out-{localities}x{years}"
    solved = run([*_cli(), "solve", str(instance_file), "--out", str(out), "--force"])
    summary = json.loads((out / "summary.json").read_text())
    seconds = json.loads((out / "timings.json").read_text())["seconds"]
    mps = folder / f"synthetic-{localities}x{years}.mps"
    run([*_cli(), "export", str(instance_file), "--mps", str(mps), "--force"])
    alone = run([sys.executable, "-c", HIGHS_ALONE, str(mps)])
    highs = json.loads(alone.stdout.strip().splitlines()[-1])
    objective = summary.get("objective")
    gap = abs(objective - highs["objective"]) / max(1.0, abs(objective)) \
        if objective is not None else float("nan")
    pipeline = sum(seconds.get(step, 0.0) for step in ("build", "solve_wall", "extract"))
    return SolveRow(
        localities=localities, years=years, rows=summary["size"]["rows"],
        nonzeros=summary["size"]["nonzeros"], status=summary["status"],
        solve_process_s=solved.seconds, solve_peak_mb=solved.peak_mb,
        highs_process_s=alone.seconds, highs_peak_mb=alone.peak_mb,
        highs_own_s=highs["highs_s"], pipeline_s=pipeline,
        pipeline_highs_s=seconds.get("highs", 0.0), objective_gap=gap,
        solve_cpu_s=solved.cpu_s, highs_cpu_s=alone.cpu_s)


@dataclass
class AppraiseRow:
    """``optimiser appraise`` of many options of one base."""

    localities: int
    years: int
    options: int
    seconds: float
    peak_mb: float
    optimal: int
    highs_s: float = 0.0
    """HiGHS's own solve time summed over the options (each option's ``timings.highs``)."""
    workers_s: float = 0.0
    """The workers' time summed over the options (each option's ``timings.total``)."""
    steps: str = ""
    """The workers' steps other than HiGHS, largest first, in words (``timings``)."""

    @property
    def highs_ratio(self) -> float:
        """The command's wall time against HiGHS's own time shared among two workers (the
        two cores): what the rest of the appraisal costs, as a multiple of the solves."""
        return self.seconds / (self.highs_s / 2) if self.highs_s else float("inf")


def appraisal_file(base_file: Path, count: int, seed: int) -> dict:
    """An appraisal of ``count`` options of the base: demand, block prices, recruitment
    limits and target levels each scaled by a seeded random factor (figures only, so every
    option keeps the base's rows and re-solves on a kept model)."""
    rng = np.random.default_rng(seed)
    why = "assumption: a benchmark option, the base figure scaled by a random factor"
    options = []
    for i in range(count):
        options.append({"name": f"option-{i + 1:04d}", "source": why, "changes": [
            {"table": "demand", "field": "people", "scale": round(rng.uniform(0.9, 1.1), 6)},
            {"table": "services", "field": "price_capacity",
             "scale": round(rng.uniform(0.9, 1.1), 6)},
            {"table": "workforce", "field": "hire_max", "scale": round(rng.uniform(1.0, 1.2), 6)},
            {"table": "targets", "field": "level", "scale": round(rng.uniform(0.8, 1.0), 6)},
        ]})
    return {"name": "bench-options", "base": base_file.name, "options": options}


def measure_appraise(localities: int, years: int, count: int, folder: Path,
                     seed: int) -> AppraiseRow:
    """Time ``optimiser appraise`` of ``count`` options through the command line."""
    from optimiser.io import save_instance
    from optimiser.synthetic import synthetic_instance

    folder.mkdir(parents=True, exist_ok=True)
    base_file = folder / f"base-{localities}x{years}.yaml"
    save_instance(synthetic_instance(localities, years, seed=seed), base_file)
    appraisal = folder / f"appraisal-{count}.yaml"
    appraisal.write_text(yaml.safe_dump(appraisal_file(base_file, count, seed),
                                        sort_keys=False))
    out = folder / f"appraisal-{count}-out"
    if out.exists():
        import shutil

        shutil.rmtree(out)  # a fresh run: an earlier one's finished options are not re-used
    done = run([*_cli(), "appraise", str(appraisal), "--out", str(out)])
    optimal = _count_optimal(out)
    steps = _step_seconds(out)
    return AppraiseRow(localities, years, count, done.seconds, done.peak_mb, optimal,
                       steps.pop("highs", 0.0), steps.pop("total", 0.0), _in_words(steps))


def _step_seconds(out: Path) -> dict[str, float]:
    """Each step's time (``highs``, ``set_parameters``, ..., ``total``) summed over every
    option the run recorded. ``solve_wall`` becomes ``re-solve less HiGHS``: the solve step
    holds HiGHS's own time."""
    total: dict[str, float] = {}
    for result in (out / "options").glob("*/result.json"):
        for step, seconds in json.loads(result.read_text()).get("timings", {}).items():
            total[step] = total.get(step, 0.0) + seconds
    if "solve_wall" in total:
        total["re-solve less HiGHS"] = total.pop("solve_wall") - total.get("highs", 0.0)
    return total


def _in_words(steps: dict[str, float]) -> str:
    """``set_parameters 15.7 s, figures 9.9 s, ...``, largest first."""
    return ", ".join(f"{step} {seconds:.1f} s" for step, seconds in
                     sorted(steps.items(), key=lambda item: -item[1]))


def _count_optimal(out: Path) -> int:
    table = out / "comparison.csv"
    if not table.exists():
        return 0
    import pandas as pd

    frame = pd.read_csv(table)
    return int((frame["status"] == "optimal").sum()) if "status" in frame else 0
