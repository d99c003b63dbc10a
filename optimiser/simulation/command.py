"""The ``optimiser simulate`` command: a plan's short-term services run through the queue
simulation, with a progress bar, results written into the plan folder."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

RUNS, SEED = 20, 2026


def run_simulation(plan_dir: Path, runs: int = RUNS, seed: int = SEED,
                   workers: int | None = None, scheduler: str | None = None) -> Path:
    """Simulate a plan folder's short-term services and write the results into it; exit 2
    with the reason when the folder lacks what is needed."""
    from optimiser.appraisal.runner import open_executor
    from optimiser.cli import BAD_INPUT, err, fail, out
    from optimiser.simulation.run import (
        PlanFolderError,
        people_expected,
        read_specs,
        simulate_plan,
        summarise,
        write_results,
    )

    if runs < 2:
        raise fail("--runs: at least 2, so the results carry a confidence interval.",
                   BAD_INPUT)
    try:
        specs = read_specs(plan_dir)
    except PlanFolderError as problem:
        raise fail(escape(str(problem)), BAD_INPUT) from None
    total = people_expected(specs, runs)
    columns = (TextColumn("Simulating {task.description}"), BarColumn(), MofNCompleteColumn(),
               TextColumn("people"), TimeElapsedColumn())
    with Progress(*columns, console=err, transient=True) as bar, \
            open_executor(workers, scheduler) as executor:
        task = bar.add_task(f"{len(specs)} services × {runs} runs", total=total)
        per_run = simulate_plan(specs, runs, seed, executor,
                                lambda people: bar.advance(task, people))
    written = write_results(plan_dir, per_run, summarise(per_run))
    out.print(f"Simulated {len(specs)} short-term services × {runs} runs "
              f"({int(per_run['people'].sum()):,} people). Wrote {written[0]}.")
    return written[0]


def simulate(
    plan_dir: Annotated[Path, typer.Argument(help="A plan folder written by optimiser solve.")],
    runs: Annotated[int, typer.Option(help="Runs of each service (at least 2).")] = RUNS,
    seed: Annotated[int, typer.Option(help="Base seed: the same seed gives the same "
                                      "results.")] = SEED,
    workers: Annotated[int | None, typer.Option(help="Local worker processes.")] = None,
    scheduler: Annotated[str | None, typer.Option(
        help="A Dask scheduler address, to run on a cluster instead.")] = None,
) -> None:
    """Run every short-term service of a plan (reablement, discharge-to-assess beds) as a
    queue at the places commissioned, with its stated variability: occupancy, the share who
    wait, waits and delayed days, with 95% confidence intervals over the runs."""
    run_simulation(plan_dir, runs, seed, workers, scheduler)
