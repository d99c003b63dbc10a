"""The Python API: what ``optimiser`` does on the command line, for a script or a notebook
(docs/python.md).

    import optimiser
    instance = optimiser.load("instances/default/instance.yaml")
    plan = optimiser.solve(instance)
    dearer = optimiser.solve(instance, changes=["services[home_care].price_capacity=1100"],
                             source="assumption: the 2026 fee uplift")
    optimiser.compare({"today": plan, "dearer home care": dearer})

A :class:`Plan` wraps the pipeline's :class:`~optimiser.pipeline.Solution` with the
instance it solved and the changes made to it; :func:`appraise` runs an appraisal file as
``optimiser appraise`` does and returns its comparison table."""

from __future__ import annotations

import shutil
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from models import Instance
from models.appraisal import Option
from models.overrides import Override, apply_overrides, maximising, parse_override
from optimiser.appraisal.store import Detail
from optimiser.appraisal.summary import cheapest_summary, comparison_row, ranked
from optimiser.io import atomic_path, load_with_notes
from optimiser.io.outdir import check_output_file, staged_output
from optimiser.pipeline import Solution
from optimiser.pipeline import solve as run_pipeline
from optimiser.ranging import COLUMNS as RANGING_COLUMNS
from optimiser.report import markdown_summary, write_outputs, write_report_html, write_workbook
from optimiser.solve import Method, SolveOptions


class InputNote(UserWarning):
    """What the reader passed over or tidied in an instance's file (a workbook's notes
    sheet ignored, names matched ignoring capitals): nothing that stops it being used."""


def load(path: str | Path) -> Instance:
    """The validated instance in a YAML file (with any CSV tables beside it) or a workbook.
    Raises :class:`optimiser.io.InputError` listing every problem by file, row and field;
    what the reader passed over or tidied is given as an :class:`InputNote` warning."""
    instance, notes = load_with_notes(path)
    for note in notes:
        warnings.warn(InputNote(note), stacklevel=2)
    return instance


@dataclass
class Plan:
    """A solved instance: its status, cost, result tables and what was changed to make it."""

    instance: Instance
    """The instance as solved (with the changes made)."""
    solution: Solution = field(repr=False)
    overrides: list[Override] = field(default_factory=list)
    """The changes made to the loaded instance for this solve, each with its source."""

    @property
    def status(self) -> str:
        """'optimal', 'infeasible', 'unbounded', 'time_limit', ..."""
        return self.solution.status

    @property
    def optimal(self) -> bool:
        return self.solution.optimal

    @property
    def message(self) -> str:
        """The status in a sentence, with what to do about it."""
        return self.solution.message

    @property
    def objective(self) -> float | None:
        """The total the optimiser minimised (discounted £, with the unmet-need penalty), or
        the outcome it maximised; None without a plan."""
        return self.solution.objective

    @property
    def tables(self) -> dict[str, pd.DataFrame]:
        """The result tables (capacity, flows, caseload, moves, unmet, workforce, outcomes,
        costs, shadow_prices, ranging), as the CSV files of ``optimiser solve`` hold them."""
        return self.solution.tables

    @property
    def ranging(self) -> pd.DataFrame:
        """How far each price and binding limit can move before the plan changes
        (docs/ranging.md); empty without a plan or when ranging was left out."""
        return self.tables.get("ranging", pd.DataFrame(columns=RANGING_COLUMNS))

    def summary(self) -> str:
        """The two-minute summary for a board paper (``summary.md``), as Markdown."""
        return markdown_summary(self.solution)

    def _repr_markdown_(self) -> str:
        return self.summary()

    def to_excel(self, path: str | Path, force: bool = False) -> Path:
        """Write the plan's workbook (``plan.xlsx``) to ``path`` (an existing file is
        replaced only with ``force``); return the path."""
        path = Path(path)
        check_output_file(path, force, [".xlsx"], "to_excel")
        write_workbook(self.solution, path)
        return path

    def report(self, path: str | Path, force: bool = False) -> Path:
        """Write the plan's report to ``path``: the HTML page for a ``.html`` path, the
        Markdown summary for ``.md`` (an existing file is replaced only with ``force``);
        return the path."""
        path = Path(path)
        check_output_file(path, force, [".html", ".md"], "report")
        with atomic_path(path) as temporary:
            if path.suffix == ".html":  # the page for a board, as report.html
                write_report_html(self.solution, temporary)
            else:  # the Markdown summary, as summary.md
                temporary.write_text(self.summary(), encoding="utf-8")
        return path

    def write(self, folder: str | Path, force: bool = False) -> list[Path]:
        """Write every output ``optimiser solve --out`` writes into ``folder``, as that
        command does (an earlier run's outputs are replaced only with ``force``, and never
        files the tool did not write); return the files written."""
        folder = Path(folder)
        with staged_output(folder, force) as staged:
            names = [path.name for path in write_outputs(self.solution, staged.path)]
        return [folder / name for name in names]


def solve(instance: Instance | str | Path, changes: Sequence[str] = (), *,
          source: str | None = None, maximise: str | None = None,
          time_limit: float | None = None, method: Method = "choose",
          ranging: bool | None = None) -> Plan:
    """Solve an instance (or the instance in a file), with ``changes`` made for this solve
    only: overrides written as on the command line (``"cohorts[*].growth=0.03"``, see
    docs/python.md), each with ``source`` (default ``assumption: command-line override``).

    ``maximise`` names an outcome indicator to maximise within the budget instead of
    minimising cost, after meeting as much need as the budget allows, at the least cost that
    achieves it (:mod:`optimiser.need_first`); ``ranging`` says whether to work out the
    ranging table (by default, for models of up to 100,000 rows). A bad change raises
    :class:`models.overrides.OverrideError` naming the table and field."""
    if not isinstance(instance, Instance):
        instance = load(instance)
    overrides = [parse_override(text, source) for text in changes]
    if overrides:
        instance = apply_overrides(instance, overrides)
    if maximise is not None:
        instance = maximising(instance, maximise)
    options = SolveOptions(time_limit=time_limit, method=method)
    solution = run_pipeline(instance, options, ranging=ranging)
    solution.overrides = [o.record() for o in overrides]
    return Plan(instance, solution, overrides)


def compare(plans: Mapping[str, Plan]) -> pd.DataFrame:
    """One row per plan, in the columns of an appraisal's comparison table: cost by year,
    service and payment type, its rank by cost (saying where a plan leaves need unmet),
    outcomes, targets missed, unmet need, staff and the limits that bind most (the columns
    are described in docs/appraisal.md)."""
    rows = []
    for name, plan in plans.items():
        option = Option(name=name, changes=[o.change for o in plan.overrides])
        rows.append(comparison_row(option, [], plan.instance, plan.status, plan.message,
                                   plan.objective, plan.tables))
    return ranked(pd.DataFrame(rows))


@dataclass
class Appraised:
    """An appraisal run: its comparison table, and the folder holding every option's results,
    ``comparison.csv``, ``comparison.xlsx`` and ``report.html``."""

    name: str
    table: pd.DataFrame
    """One row per option (docs/appraisal.md lists the columns)."""
    folder: Path
    files: list[Path] = field(default_factory=list)

    @property
    def report_file(self) -> Path:
        """The appraisal's HTML report (it links to files in its folder, so open it there)."""
        return self.folder / "report.html"

    def summary(self) -> str:
        """The options' results in a few lines: how many have a plan, and which is cheapest,
        never one that leaves need unmet without saying so (discounted £)."""
        counts = self.table["status"].value_counts()
        lines = [f"Appraisal {self.name}: {len(self.table)} options, "
                 + ", ".join(f"{n} {status}" for status, n in sorted(counts.items())) + "."]
        cheapest = cheapest_summary(self.table)
        return "\n".join(lines + ([cheapest] if cheapest else []))

    def to_excel(self, path: str | Path, force: bool = False) -> Path:
        """Copy the comparison workbook (table, options, column notes) to ``path`` (an
        existing file is replaced only with ``force``)."""
        path = Path(path)
        check_output_file(path, force, [".xlsx"], "to_excel")
        with atomic_path(path) as temporary:
            shutil.copyfile(self.folder / "comparison.xlsx", temporary)
        return path


def appraise(appraisal: str | Path, out: str | Path, *, workers: int | None = None,
             time_limit: float | None = None, retry_failed: bool = False,
             detail: Detail = "best") -> Appraised:
    """Run an appraisal file as ``optimiser appraise APPRAISAL --out OUT`` does: every option
    solved in parallel (``workers`` processes), results and report written to ``out`` (a
    run into the same folder solves only the options not yet finished). ``detail`` says
    whose full results tables are written: the option the report draws ("best"), "all" or
    "none" (docs/appraisal.md)."""
    from optimiser.appraisal import load_appraisal, write_outputs
    from optimiser.appraisal.runner import WORKER_OPTIONS
    from optimiser.appraisal.runner import appraise as run_appraisal

    loaded = load_appraisal(appraisal)
    folder = Path(out)
    options = SolveOptions(threads=WORKER_OPTIONS.threads, method=WORKER_OPTIONS.method,
                           time_limit=time_limit)
    run_appraisal(loaded, folder, workers=workers, options=options, retry_failed=retry_failed,
                  detail=detail)
    table, written = write_outputs(loaded, folder)
    return Appraised(loaded.appraisal.name, table, folder, written)
