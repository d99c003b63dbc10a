"""``optimiser solve`` for an instance with scenarios: the two-stage plan, its files and the
lines printed on the terminal."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from models import Instance
from optimiser.solve import SolveOptions
from optimiser.stochastic.run import Method


def solve_scenarios(data: Instance, instance: Path, out_dir: Path, force: bool,
                    options: SolveOptions, method: Method) -> None:
    """Solve the two-stage plan and write it; under ``mpiexec`` only the first rank writes."""
    from optimiser.cli import (
        BAD_INPUT,
        SOLVER_FAILED,
        fail,
        out,
        output_folder,
        progress_of,
        written_folder,
    )
    from optimiser.stochastic.outputs import write_stochastic_outputs
    from optimiser.stochastic.run import solve_stochastic

    if data.settings.risk_weight is not None and data.settings.risk_weight.value > 0 \
            and method == "ph":
        raise fail("--method ph: progressive hedging minimises expected cost; this instance "
                   "sets settings.risk_weight (CVaR). Solve it without --method ph, or set "
                   "risk_weight to 0.", BAD_INPUT)
    first = _rank() == 0 if method == "ph" else True
    if first:
        output_folder(out_dir, force, [instance])
    with progress_of(f"Solving {data.name} over {len(data.scenarios)} futures") as progress:
        solution = solve_stochastic(data, options, progress if first else _silent, method)
        if not first:
            return
        with written_folder(out_dir, force, [instance]) as staged:
            written = write_stochastic_outputs(solution, staged.path)
            if not solution.optimal and staged.holds_outputs:
                staged.keep_old()  # no plan: an earlier plan is worth more than the reason
    if not solution.optimal:
        details = (f"The earlier outputs in {out_dir} are unchanged." if staged.holds_outputs
                   else f"Details: {out_dir / 'summary.md'}")
        raise fail(f"[bold red]No two-stage plan for {data.name}:[/] "
                   f"{escape(solution.message)}\n{details}", SOLVER_FAILED)
    measures = solution.measures
    out.print(f"Two-stage plan for {data.name} ({solution.method}, {len(solution.futures)} "
              f"futures): expected cost £{solution.expected_cost:,.0f}"
              + (f", EVPI £{measures.evpi:,.0f}, VSS £{measures.vss:,.0f}." if measures
                 else "."))
    out.print(f"Wrote {len(written)} files to {out_dir}/ (start with summary.md; what to "
              "commit now is in commit_now.csv).")


def _silent(_: str) -> None:
    """Progress on other MPI ranks: nothing (the first rank speaks for all)."""


def _rank() -> int:
    from optimiser.stochastic.ph import mpi_rank

    return mpi_rank()


def designs(
    instance: Annotated[Path, typer.Argument(help="An instance with a scenarios table.")],
    service: Annotated[str, typer.Option(help="The service whose ways of buying are compared.")],
    out_dir: Annotated[Path, typer.Option("--out", help="Folder for the comparison.")],
    force: Annotated[bool, typer.Option(
        help="Replace the outputs an earlier run wrote (never other files).")] = False,
) -> None:
    """Compare the ways of buying a service (its base contract and each contract design)
    across an instance's futures: expected cost, CVaR, spread, and who bears the risk."""
    from optimiser.cli import (
        BAD_INPUT,
        fail,
        out,
        output_folder,
        progress_of,
        read_instance,
        written_folder,
    )
    from optimiser.stochastic.designs import compare_designs, comparison_table, write_comparison

    data = read_instance(instance)
    if not data.scenarios:
        raise fail("designs: the instance has no scenarios table; the comparison needs "
                   "futures to compare the designs across.", BAD_INPUT)
    services = [s.name for s in data.services]
    if service not in services:
        raise fail(f"--service: found {service!r}; expected one of {', '.join(services)}",
                   BAD_INPUT)
    output_folder(out_dir, force, [instance])
    with progress_of(f"Planning each way of buying {service}"):
        outcomes = compare_designs(data, service)
    with written_folder(out_dir, force, [instance]) as staged:
        written = write_comparison(data, service, outcomes, staged.path)
    table = comparison_table(outcomes)
    for row in table.itertuples():
        out.print(f"{row.design}: expected £{row.expected_cost:,.0f}, spread "
                  f"£{row.spread:,.0f}")
    out.print(f"Wrote {len(written)} files to {out_dir}/ (start with designs.md).")
