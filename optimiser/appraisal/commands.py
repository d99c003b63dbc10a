"""The ``optimiser appraise`` and ``optimiser frontier`` commands (registered in
:mod:`optimiser.cli`; they share its messages and exit codes)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Annotated, cast

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from optimiser.appraisal.load import MAX_OPTIONS
from optimiser.appraisal.store import DETAIL, Detail

INTERRUPTED = 130
"""Exit code after Ctrl-C, as a shell reports it."""


class RichProgress:
    """A progress bar on the terminal: options done, failed, time taken and time left."""

    def __init__(self, console: Console, title: str):
        self.failed = 0
        self.bar = Progress(
            TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
            TextColumn("done, [red]{task.fields[failed]} without a plan[/]"),
            TimeElapsedColumn(), TextColumn("left"), TimeRemainingColumn(),
            console=console, transient=False,
        )
        self.task = self.bar.add_task(title, total=None, failed=0)

    def __enter__(self) -> RichProgress:
        self.bar.start()
        return self

    def __exit__(self, *exc) -> None:
        self.bar.stop()

    def start(self, total: int, done_before: int) -> None:
        self.bar.reset(self.task, total=total, completed=done_before, failed=self.failed)

    def advance(self, option: str, status: str) -> None:
        if status != "optimal":
            self.failed += 1
        self.bar.update(self.task, advance=1, failed=self.failed)


def appraise(
    appraisal: Annotated[Path, typer.Argument(help="The appraisal file (YAML).")],
    out_dir: Annotated[Path, typer.Option("--out", help="Folder for the options' results, "
                                          "the comparison table and the report.")],
    workers: Annotated[int | None, typer.Option(
        help="Local worker processes (default: one per core, less one for the runner).",
        min=1)] = None,
    scheduler: Annotated[str | None, typer.Option(
        help="Address of a Dask scheduler (e.g. tcp://10.0.0.5:8786) to solve the options "
             "on its cluster instead of local processes.")] = None,
    retry_failed: Annotated[bool, typer.Option(
        help="Solve again options an earlier run recorded as failed with an error (not "
             "infeasible ones: those are answers).")] = False,
    time_limit: Annotated[float | None, typer.Option(
        help="Seconds HiGHS may take for each option.")] = None,
    max_options: Annotated[int, typer.Option(
        help="Most options the appraisal may have (a grid multiplies quickly); raise it to "
             "run a larger one.", min=1)] = MAX_OPTIONS,
    detail: Annotated[str, typer.Option(
        help="Options whose full results tables (Parquet) and own report.html are written: "
             "best (the option the report draws), all (slow: about two seconds an option) "
             "or none. Every option gets its row of the comparison table.")] = "best",
) -> None:
    """Solve every option of an appraisal in parallel; write the comparison table (CSV,
    Excel) and an HTML report. Rerunning into the same folder solves only the options not
    yet finished."""
    from optimiser import cli
    from optimiser.appraisal import load_appraisal, write_outputs
    from optimiser.appraisal.probe import SchedulerError, check_scheduler
    from optimiser.appraisal.runner import WORKER_OPTIONS
    from optimiser.appraisal.runner import appraise as run
    from optimiser.appraisal.summary import cheapest_summary
    from optimiser.io import InputError

    cli.check_limits(time_limit)
    if detail not in DETAIL:
        raise cli.fail(f"--detail: found {detail!r}; expected {', '.join(DETAIL)}",
                       cli.BAD_INPUT)
    if scheduler:
        try:
            check_scheduler(scheduler)
        except SchedulerError as problem:
            raise cli.fail(escape(str(problem)), cli.BAD_INPUT) from None
    try:
        loaded = load_appraisal(appraisal, max_options)
    except InputError as problem:
        raise cli.fail(f"[bold red]The appraisal cannot be run.[/]\n{escape(str(problem))}",
                       cli.BAD_INPUT) from None
    options = replace(WORKER_OPTIONS, time_limit=time_limit)
    where = f"the Dask cluster at {scheduler}" if scheduler else "local worker processes"
    cli.err.print(f"Appraisal {loaded.appraisal.name}: {len(loaded.options)} options of "
                  f"{loaded.base.name}, solved by {where}.")
    try:
        with RichProgress(cli.err, "Options") as progress:
            summary = run(loaded, out_dir, workers=workers, scheduler=scheduler,
                          options=options, retry_failed=retry_failed, progress=progress,
                          detail=cast(Detail, detail))
    except KeyboardInterrupt:
        raise cli.fail("Interrupted. Every option finished so far is recorded in "
                       f"{out_dir / 'options'}; run the same command again to finish the "
                       "rest.", INTERRUPTED) from None
    except OSError as problem:  # a scheduler that cannot be reached, a folder not writable
        raise cli.fail(f"[bold red]The appraisal could not run:[/] {escape(str(problem))}",
                       cli.SOLVER_FAILED) from None
    table, written = write_outputs(loaded, out_dir)
    counts = table["status"].value_counts().to_dict()
    cli.out.print(
        f"{len(summary.solved)} options solved in {summary.seconds:.1f} s "
        f"({summary.resolved} by re-solving a kept model; HiGHS's own time "
        f"{summary.highs_seconds:.1f} s), {summary.skipped} already done. "
        + ", ".join(f"{n} {s}" for s, n in sorted(counts.items())) + ".")
    cheapest = cheapest_summary(table)
    if cheapest:
        cli.out.print(escape(cheapest))
    cli.out.print(f"Wrote {out_dir / 'comparison.csv'}, comparison.xlsx and report.html.")
    if summary.lost:
        raise cli.fail(f"{len(summary.lost)} options were not run because a worker process "
                       "stopped under them; run the same command again to finish them.",
                       cli.SOLVER_FAILED)
    errors = table[table["status"] == "error"]
    if not errors.empty:
        raise cli.fail(f"{len(errors)} options failed with an error (see the reason column "
                       "of comparison.csv); --retry-failed solves them again.",
                       cli.SOLVER_FAILED)


def frontier(
    instance: Annotated[Path, typer.Argument(
        help="The instance: a YAML file (with CSV tables beside it) or an Excel workbook.")],
    outcome: Annotated[str, typer.Option(help="The outcome indicator to trace.")],
    out_dir: Annotated[Path, typer.Option("--out", help="Folder for frontier.csv and "
                                          "frontier.html.")],
    points: Annotated[int, typer.Option(help="Points along the frontier.", min=2)] = 11,
    cohorts: Annotated[list[str] | None, typer.Option(
        "--cohort", help="Count the outcome among these cohorts only (repeat the option); "
                         "default: every cohort.")] = None,
    year: Annotated[str | None, typer.Option(
        help="Trace the target in this planning year only (e.g. 2028/29), the other years "
             "kept as in the instance; default: the same target in every year.")] = None,
    force: Annotated[bool, typer.Option(
        help="Replace the outputs an earlier run wrote (never other files).")] = False,
    allow_outside: Annotated[bool, typer.Option(
        help="Read table files named by the instance even when they are outside its "
             "folder.")] = False,
) -> None:
    """Trace the cost of reaching each level of one outcome (the epsilon-constraint method):
    from the level the cheapest plan reaches to the best level any plan reaches, in its
    weakest year or in the year given."""
    from optimiser import cli
    from optimiser.appraisal.frontier import FrontierError, trace, write_frontier

    cli.output_folder(out_dir, force, [instance])
    data = cli.read_instance(instance, allow_outside)
    try:
        with cli.progress_of(f"Tracing the {outcome} frontier of {data.name}") as progress:
            result = trace(data, outcome, points=points, cohorts=cohorts or [],
                           progress=progress, year=year)
    except FrontierError as problem:
        raise cli.fail(f"[bold red]No frontier:[/] {escape(str(problem))}",
                       problem.code) from None
    with cli.written_folder(out_dir, force, [instance]) as staged:
        written = [out_dir / path.name for path in write_frontier(result, staged.path)]
    feasible = result.table[result.table["status"] == "optimal"]
    need = f"of new need in {year}" if year else "of new need"
    if len(result.table) == 1:
        cli.out.print(f"The cheapest plan already reaches the best level of {result.label} any "
                      f"plan can: {result.low:.1%} {need}, at £"
                      f"{feasible['total_cost'].min():,.0f}. The frontier is one point.")
    else:
        cli.out.print(f"{len(feasible)} of {len(result.table)} points have a plan: "
                      f"{result.label} from {result.low:.1%} to {result.high:.1%} {need}, "
                      f"cost £{feasible['total_cost'].min():,.0f} to "
                      f"£{feasible['total_cost'].max():,.0f}.")
    cli.out.print(f"Wrote {', '.join(str(p) for p in written)}.")
