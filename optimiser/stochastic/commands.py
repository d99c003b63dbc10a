"""``optimiser solve`` for an instance with scenarios: the two-stage plan, its files and the
lines printed on the terminal."""

from __future__ import annotations

from pathlib import Path

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
