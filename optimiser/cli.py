"""The ``optimiser`` command.

Exit codes: 0 success; 1 the solver could not produce a plan, with the reason; 2 bad input,
with a one-screen message naming the file, row and field. Never a traceback for either."""

from __future__ import annotations

import atexit
import gc
import itertools
import math
import os
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, cast

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.markup import escape

from models import Instance, ReferenceErrors
from models.overrides import (
    Override,
    OverrideError,
    apply_overrides,
    maximising,
    parse_override,
)
from optimiser.io import InputError, load_with_notes
from optimiser.solve import Method, SolveOptions

app = typer.Typer(
    help="Plan adult social care capacity (reablement, home care, supported living, "
         "residential and nursing beds) by locality and year, at least cost.",
    no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False,
)
err = Console(stderr=True, highlight=False, soft_wrap=True)
out = Console(highlight=False, soft_wrap=True)

BAD_INPUT, SOLVER_FAILED = 2, 1

InstancePath = Annotated[Path, typer.Argument(
    help="The instance: a YAML file (with CSV tables beside it) or an Excel workbook.")]


def fail(message: str, code: int) -> typer.Exit:
    """Print a message for a person and return the exit to raise."""
    err.print(message)
    return typer.Exit(code)


AllowOutside = Annotated[bool, typer.Option(
    help="Read table files named by the instance even when they are outside its folder.")]


def read_instance(path: Path, allow_outside: bool = False) -> Instance:
    """Load and validate an instance, or exit 2 with what is wrong and where."""
    try:
        data, notes = load_with_notes(path, allow_outside)
    except InputError as problem:
        raise fail(f"[bold red]The instance cannot be used.[/]\n{escape(str(problem))}",
                   BAD_INPUT) from None
    for note in notes:
        err.print(f"Note: {escape(note)}")
    return data


def output_folder(out_dir: Path, force: bool, inputs: list[Path]) -> Path:
    """Check an output folder before long work starts (see :mod:`optimiser.io.outdir`), or
    exit 2 saying why it cannot be used."""
    from optimiser.io.outdir import OutputError, check_output_folder

    try:
        return check_output_folder(out_dir, force, inputs)
    except OutputError as problem:
        raise fail(escape(str(problem)), BAD_INPUT) from None


def check_limits(time_limit: float | None, iteration_limit: int | None = None) -> None:
    """A time or iteration limit must be a finite number, 0 or more: HiGHS would silently
    ignore -1 or nan."""
    if time_limit is not None and not (math.isfinite(time_limit) and time_limit >= 0):
        raise fail(f"--time-limit: found {time_limit}; expected a number of seconds, 0 or more "
                   "(leave it out for no limit).", BAD_INPUT)
    if iteration_limit is not None and iteration_limit < 0:
        raise fail(f"--iteration-limit: found {iteration_limit}; expected a whole number of "
                   "iterations, 0 or more (leave it out for HiGHS's default).", BAD_INPUT)


def output_file(path: Path, force: bool, *suffixes: str, option: str = "--out") -> None:
    """Check an output file before writing it (never replaced without ``--force``, never
    under another format's name than ``suffixes``), or exit 2 saying why it cannot be used."""
    from optimiser.io.outdir import OutputError, check_output_file

    try:
        check_output_file(path, force, suffixes, option)
    except OutputError as problem:
        raise fail(escape(str(problem)), BAD_INPUT) from None


def cannot_write(path: Path, problem: OSError) -> typer.Exit:
    """The exit (code 2) for an output file the system would not let us write."""
    return fail(f"Cannot write {escape(str(path))} ({problem.strerror or problem}).",
                BAD_INPUT)


@contextmanager
def written_folder(out_dir: Path, force: bool, inputs: list[Path]):
    """:func:`optimiser.io.outdir.staged_output` for a command: exit 2 naming the folder
    when it cannot be used or written."""
    from optimiser.io.outdir import OutputError, staged_output

    try:
        with staged_output(out_dir, force, inputs) as staged:
            yield staged
    except OutputError as problem:
        raise fail(escape(str(problem)), BAD_INPUT) from None


Force = Annotated[bool, typer.Option(
    help="Replace the outputs an earlier run wrote (never other files).")]


def _reasons(problem: ValidationError) -> str:
    """What is wrong with an instance changed on the command line, one line a problem."""
    lines = []
    for detail in problem.errors():
        cause = detail.get("ctx", {}).get("error")
        lines += ([str(p) for p in cause.problems] if isinstance(cause, ReferenceErrors)
                  else [f"{'.'.join(map(str, detail['loc']))}: {detail['msg']}"])
    return "\n".join(lines)


def with_overrides(data: Instance, changes: list[str],
                   sources: list[str]) -> tuple[Instance, list[Override]]:
    """The instance with the ``--set`` overrides made, each with its ``--source``; or exit 2
    naming the table and field at fault."""
    if sources and not changes:
        raise fail("--source: found a source but no --set for it to describe.", BAD_INPUT)
    if len(sources) not in (0, 1, len(changes)):
        raise fail(f"--source: found {len(sources)} sources for {len(changes)} --set changes; "
                   "expected one for all of them, or one for each in order.", BAD_INPUT)
    paired = sources if len(sources) == len(changes) else sources * len(changes)
    try:
        overrides = [parse_override(text, source) for text, source in
                     itertools.zip_longest(changes, paired)]
        return (apply_overrides(data, overrides) if overrides else data), overrides
    except OverrideError as problem:
        raise fail(f"[bold red]Cannot make the change:[/] --set {escape(str(problem))}",
                   BAD_INPUT) from None


@contextmanager
def progress_of(what: str):
    """A spinner on the terminal naming the step under way."""
    with err.status(what) as status:
        yield lambda step: status.update(f"{what}: {step}")


@app.command()
def validate(instance: InstancePath, allow_outside: AllowOutside = False) -> None:
    """Check an instance: every table, every cross-reference, every source."""
    data = read_instance(instance, allow_outside)
    out.print(f"{instance}: valid. {len(data.localities)} localities, {len(data.cohorts)} "
              f"cohorts, {len(data.services)} services, {len(data.pathways)} pathways, "
              f"{len(data.years)} years.")


@contextmanager
def kept_as_is() -> Iterator[None]:
    """Python's cyclic garbage collector off while the plan is made, then what exists (the
    model, the instance, the tables: kept to the end of the command) frozen, left out of
    the collector's walks while the files are written. Walking the model's million objects
    took three passes and about 2 s at 300 localities × 10 years. ``gc.unfreeze()`` hands
    them back to the collector."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
        gc.freeze()
    finally:
        if was_on:
            gc.enable()


@app.command()
def solve(
    instance: InstancePath,
    out_dir: Annotated[Path, typer.Option("--out", help="Folder for the plan and report.")],
    force: Force = False,
    time_limit: Annotated[float | None, typer.Option(help="Seconds HiGHS may take.")] = None,
    iteration_limit: Annotated[int | None, typer.Option(
        help="Iterations HiGHS may take (simplex or interior point).")] = None,
    method: Annotated[str, typer.Option(
        help="HiGHS method: choose, ipm (interior point) or simplex; or, for an instance "
             "with scenarios, ph (progressive hedging with mpi-sppy).")] = "choose",
    maximise: Annotated[str | None, typer.Option(
        help="Maximise this outcome indicator within the budget instead of minimising cost, "
             "after meeting as much need as the budget allows, at the least cost that "
             "achieves it.",
    )] = None,
    changes: Annotated[list[str] | None, typer.Option(
        "--set", help="Change a figure for this solve only, e.g. "
        "'services[home_care].price_capacity=1100' or 'cohorts[*].growth=0.03' (repeatable; "
        "see docs/python.md). Recorded in summary.md and summary.json.")] = None,
    ranging: Annotated[bool | None, typer.Option(
        "--ranging/--no-ranging", help="Write ranging.csv: how far each price and binding "
        "limit can move before the plan changes. Default: for models up to 100,000 rows.",
    )] = None,
    sources: Annotated[list[str] | None, typer.Option(
        "--source", help="Where the --set figures come from ('assumption: ...' or FILE:LINE): "
        "once for all of them, or once for each --set in order. Default: 'assumption: "
        "command-line override'.")] = None,
    allow_outside: AllowOutside = False,
    simulate: Annotated[bool, typer.Option(
        "--simulate", help="Then simulate the plan's short-term services (optimiser simulate).",
    )] = False,
    runs: Annotated[int, typer.Option(help="Runs of each service with --simulate.")] = 20,
    workers: Annotated[int | None, typer.Option(
        help="Local worker processes for --simulate.")] = None,
    average: Annotated[bool, typer.Option(
        "--average", help="Plan short-term services on their average load, without the "
        "headroom their waiting standards and delay prices call for (to compare).")] = False,
) -> None:
    """Solve an instance and write the capacity plan, tables, workbook and summary."""
    from optimiser.pipeline import solve as run
    from optimiser.report import write_outputs

    check_limits(time_limit, iteration_limit)
    data, overrides = with_overrides(read_instance(instance, allow_outside), changes or [],
                                     sources or [])
    if maximise:
        try:
            data = maximising(data, maximise)
        except ValidationError as problem:
            raise fail(f"[bold red]Cannot maximise {maximise!r}:[/]\n"
                       f"{escape(_reasons(problem))}", BAD_INPUT) from None
    if average:
        data = data.updated(settings=data.settings.model_copy(update={"headroom": False}))
    if method not in ("choose", "ipm", "simplex", "ph"):
        raise fail(f"--method: found {method!r}; expected choose, ipm, simplex or ph",
                   BAD_INPUT)
    if data.scenarios:  # the two-stage plan (optimiser.stochastic)
        from optimiser.stochastic.commands import solve_scenarios

        highs = "choose" if method == "ph" else method
        solve_scenarios(data, instance, out_dir, force, SolveOptions(
            time_limit=time_limit, method=cast(Method, highs), iteration_limit=iteration_limit),
            "ph" if method == "ph" else "de")
        return
    if method == "ph":
        raise fail("--method ph: progressive hedging needs futures to hedge across; this "
                   "instance has no scenarios table.", BAD_INPUT)
    output_folder(out_dir, force, [instance])
    with progress_of(f"Solving {data.name}") as progress:
        options = SolveOptions(time_limit=time_limit, method=cast(Method, method),
                               iteration_limit=iteration_limit)
        with kept_as_is():
            solution = run(data, options, progress, ranging, keep_model=False)
        solution.overrides = [o.record() for o in overrides]
        try:
            with written_folder(out_dir, force, [instance]) as staged:
                written = write_outputs(solution, staged.path)
                if not solution.optimal and staged.holds_outputs:
                    staged.keep_old()  # no plan: an earlier plan is worth more than a diagnosis
        finally:
            gc.unfreeze()
    if not solution.optimal:
        diagnosis = f"\n\n{escape(solution.diagnosis.text())}\n" if solution.diagnosis else "\n"
        details = (f"The earlier outputs in {out_dir} are unchanged." if staged.holds_outputs
                   else f"Details: {out_dir / 'summary.md'}")
        raise fail(f"[bold red]No plan for {data.name}:[/] {solution.message}{diagnosis}"
                   f"{details}", SOLVER_FAILED)
    seconds = solution.timings
    if solution.maximised:
        result = (f"{solution.objective:,.0f} people achieving {solution.maximised} over the "
                  f"planning years, spending £{solution.spend:,.0f} (discounted)")
    else:
        result = f"total cost £{solution.objective:,.0f}" + _not_spent(solution)
    out.print(f"Optimal plan for {data.name}: {result}. "
              f"Build {seconds['build']:.2f} s, HiGHS {seconds['highs']:.2f} s.")
    for note in solution.notes:
        out.print(f"Note: {escape(note)}")
    out.print(f"Wrote {len(written)} files to {out_dir}/ (start with summary.md).")
    if simulate:
        from optimiser.simulation.command import run_simulation

        run_simulation(out_dir, runs, workers=workers)


@app.command()
def template(
    out_file: Annotated[Path, typer.Option("--out", help="Workbook to write (.xlsx).")] = Path(
        "instance-template.xlsx"),
    from_instance: Annotated[Path | None, typer.Option(
        "--from", help="Fill the workbook from this instance instead of leaving it empty.",
    )] = None,
    force: Annotated[bool, typer.Option(help="Replace an existing workbook.")] = False,
    allow_outside: AllowOutside = False,
) -> None:
    """Write an Excel workbook to fill in: one sheet per table, with column headers."""
    from optimiser.io.excel import write_template

    output_file(out_file, force, ".xlsx")
    data = read_instance(from_instance, allow_outside) if from_instance else None
    try:
        write_template(out_file, data)
    except OSError as problem:
        raise cannot_write(out_file, problem) from None
    out.print(f"Wrote {'a filled' if data else 'an empty'} workbook to {out_file}.")


@app.command()
def convert(
    instance: InstancePath,
    to: Annotated[Path, typer.Option(
        "--to", help="The file to write: FILE.xlsx (a workbook to fill in and share) or "
                     "FILE.yaml.")],
    force: Annotated[bool, typer.Option(help="Replace an existing file.")] = False,
) -> None:
    """Write an instance in the other form, a workbook from YAML or YAML from a workbook:
    the same tables, figures and sources, so either solves to the same plan."""
    from optimiser.io import save_instance

    if to.resolve() == instance.resolve():
        raise fail(f"--to: {escape(str(to))} is the instance itself; choose another file.",
                   BAD_INPUT)
    output_file(to, force, ".xlsx", ".yaml", ".yml", option="--to")
    data = read_instance(instance)
    try:
        save_instance(data, to)
    except OSError as problem:
        raise cannot_write(to, problem) from None
    out.print(f"Wrote {data.name} to {escape(str(to))}.")


@app.command()
def evidence(
    instance: InstancePath,
    out_dir: Annotated[Path, typer.Option("--out", help="Folder for evidence.csv and "
                                          "evidence.md.")],
    force: Force = False,
    allow_outside: AllowOutside = False,
) -> None:
    """Write the evidence table: every figure of the instance with its unit and source
    (a document line, a derivation or an assumption), as CSV and Markdown."""
    from optimiser.evidence import evidence_table, source_kind, write_evidence

    output_folder(out_dir, force, [instance])
    data = read_instance(instance, allow_outside)
    with written_folder(out_dir, force, [instance]) as staged:
        csv_path, md_path = (out_dir / path.name for path in write_evidence(data, staged.path))
    kinds = evidence_table(data)["source"].map(source_kind).value_counts()
    out.print(f"Evidence for {data.name}: {int(kinds.sum())} figures, "
              f"{kinds.get('document', 0)} from a document line, {kinds.get('derived', 0)} "
              f"derived, {kinds.get('publication', 0)} from a named publication, "
              f"{kinds.get('assumption', 0)} assumptions. Wrote {csv_path} and "
              f"{md_path}.")


@app.command()
def export(
    instance: InstancePath,
    mps: Annotated[Path | None, typer.Option(help="Write the LP as an MPS file (.mps).")] = None,
    lp: Annotated[Path | None, typer.Option(help="Write the LP as a CPLEX LP file (.lp).")] = None,
    force: Annotated[bool, typer.Option(help="Replace existing files.")] = False,
    allow_outside: AllowOutside = False,
) -> None:
    """Write the instance's linear programme for HiGHS (or any LP solver) to solve directly,
    with the model's own row and column names: `highs FILE` gives the same optimum."""
    from optimiser.headroom import needs_refining, refine
    from optimiser.io.atomic import atomic_path
    from optimiser.pipeline import build
    from optimiser.solve import DirectHighs, write_model

    wanted = [(path, suffix) for path, suffix in ((mps, ".mps"), (lp, ".lp")) if path]
    if not wanted:
        raise fail("Say where to write the model: --mps FILE.mps and/or --lp FILE.lp.",
                   BAD_INPUT)
    for path, suffix in wanted:
        output_file(path, force, suffix, option=f"--{suffix[1:]}")
    data = read_instance(instance, allow_outside)
    model, _ = build(data)
    if needs_refining(model):  # headroom rows: the tangents at the plan's loads, as solve has
        solver = DirectHighs()
        refine(model, solver, solver.solve(model))
    for path, _ in wanted:
        try:
            with atomic_path(path) as temporary:
                size = write_model(model, temporary)
        except OSError as problem:
            raise cannot_write(path, problem) from None
        out.print(f"Wrote {data.name}'s LP ({size['rows']:,} rows, {size['columns']:,} "
                  f"columns, {size['nonzeros']:,} nonzeros) to {escape(str(path))}.")


# Option appraisal and the cost-versus-outcome frontier live in optimiser.appraisal.
from optimiser.appraisal.commands import appraise, frontier  # noqa: E402

app.command()(appraise)
app.command()(frontier)

# Every plan checked by simulation lives in optimiser.simulation.
from optimiser.simulation.command import simulate as simulate_command  # noqa: E402

app.command(name="simulate")(simulate_command)
# Contract designs across an instance's futures live in optimiser.stochastic.
from optimiser.stochastic.commands import designs  # noqa: E402

app.command()(designs)


NOT_SPENT_WORDS = {"penalty": "charged for need left unmet", "delay": "for people's delays",
                   "end of horizon": "for the care of people still supported after the last year"}
"""How the solve's last line names the parts of the total that are not spending."""


def _not_spent(solution) -> str:
    """', of which £… for …' for the total's parts that are not spending in the planning
    years (empty when it is all spending)."""
    parts = [f"£{amount:,.0f} {NOT_SPENT_WORDS[payment]}"
             for payment, amount in solution.not_spent().items()]
    return f" (discounted, of which {' and '.join(parts)})" if parts else " (discounted)"


def main() -> None:
    """The ``optimiser`` command as a process (the console script and ``python -m
    optimiser.cli``).

    When the command is done the process leaves without freeing its objects one by one: a
    national model is millions of them, and freeing them took about 3 s at 300 localities
    × 10 years, after the last file was written. Exit handlers run and the output is flushed
    first, and every file is closed by then; with any other thread still running, the
    process leaves the ordinary way."""
    try:
        app()
        code = 0
    except SystemExit as done:
        if not isinstance(done.code, int | None):
            raise
        code = done.code or 0
    if threading.active_count() > 1:
        sys.exit(code)
    atexit._run_exitfuncs()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    main()
