"""The outputs of one solve: a CSV per table, one Excel workbook, a two-minute Markdown
summary for a board paper, ``summary.json`` for scripts and ``timings.json``.

The same input gives byte-identical files, except ``timings.json``: seconds differ from run
to run, so they are kept out of every other file, and the workbook carries a fixed date
rather than the time it was written."""

from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path

import pandas as pd

from optimiser.io.atomic import atomic_path
from optimiser.pipeline import Solution

TOP_CONSTRAINTS = 10
WORKBOOK_DATE = (1980, 1, 1, 0, 0, 0)
"""The date every part of ``plan.xlsx`` carries (the earliest a zip file can hold), so the
workbook depends only on the plan."""
_CORE_DATES = re.compile(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)")


def _money(value: float) -> str:
    return f"£{value:,.0f}"


def _table(frame: pd.DataFrame, floatfmt: str = ",.1f") -> str:
    if frame.empty:
        return "_None._"
    return frame.to_markdown(index=False, floatfmt=floatfmt)


def _cost_by_year(solution: Solution) -> pd.DataFrame:
    costs = solution.tables["costs"]
    spend = costs[costs["payment"] != "penalty"]
    table = spend.pivot_table(index="year", columns="payment", values="cost", aggfunc="sum",
                              fill_value=0.0)
    table["total spend"] = table.sum(axis=1)
    return table.reset_index()


def _capacity_by_service(solution: Solution) -> pd.DataFrame:
    assert solution.model is not None, "an optimal solution keeps its model"
    cap = solution.tables["capacity"]
    labels = solution.model.data.labels
    table = cap.pivot_table(index=["service", "unit"], columns="year", values="capacity",
                            aggfunc="sum").reset_index()
    table["service"] = table["service"].map(labels)
    return table


def _unmet(solution: Solution) -> pd.DataFrame:
    unmet = solution.tables["unmet"]
    return unmet[unmet["unmet"] > 1e-6][["locality", "cohort", "year", "unmet", "why"]]


def _targets(solution: Solution) -> pd.DataFrame:
    out = solution.tables["outcomes"]
    if "target" not in out:  # an instance without outcome indicators
        return pd.DataFrame()
    rows = out[out["target"] != ""].copy()
    rows["achieved"] = rows["achieved_share"].map("{:.1%}".format)
    rows["level"] = [f"{level:.1%}" if basis == "demand" else f"{level:,.1f} per 100,000"
                     for level, basis in zip(rows["level"], rows["basis"], strict=True)]
    rows["met"] = rows["met"].map({True: "yes", False: "NO"})
    return rows[["target", "group", "year", "sense", "level", "achieved", "met"]]


def _binding(solution: Solution) -> pd.DataFrame:
    prices = solution.tables["shadow_prices"]
    rows = prices[prices["binding"] & (prices["family"] != "demand_met")
                  & (prices["shadow_price"] > 1e-6)]
    rows = rows.sort_values(["shadow_price", "constraint"], ascending=[False, True])
    return rows.head(TOP_CONSTRAINTS)[["constraint_label", "shadow_price", "unit"]]


def _workforce(solution: Solution) -> pd.DataFrame:
    work = solution.tables["workforce"]
    if work.empty:
        return work
    return work.groupby(["role", "year"], as_index=False)[
        ["staff_needed", "staff_in_post", "recruited", "recruitment_limit"]].sum()


def _overrides(solution: Solution) -> list[str]:
    """The changes made to the instance for this solve, each with its source."""
    if not solution.overrides:
        return []
    rows = [f"- `{o['set']}` ({o['source']})" for o in solution.overrides]
    return ["**Changed for this solve** (not in the instance file):", "", *rows, ""]


def markdown_summary(solution: Solution) -> str:
    """A short plain-English summary a commissioner can read in two minutes."""
    lines = [f"# Commissioning plan: {solution.instance}", "", *_overrides(solution)]
    if not solution.optimal:
        lines += [f"**No plan:** {solution.message}", ""]
        if solution.diagnosis is not None:
            lines.append(solution.diagnosis.markdown())
        return "\n".join(lines)
    assert solution.objective is not None, "an optimal solution has an objective"
    unmet = solution.tables["unmet"]["unmet"].sum()
    penalty = solution.tables["costs"].query("payment == 'penalty'")["discounted_cost"].sum()
    if solution.maximised:
        headline = (f"An optimal plan was found. People achieving {solution.maximised} over the "
                    f"planning years: **{solution.objective:,.0f}**, spending "
                    f"**{_money(solution.spend or 0.0)}** (discounted).")
    else:
        headline = (f"An optimal plan was found. Total discounted cost over the planning years: "
                    f"**{_money(solution.objective - penalty)}**"
                    + (f", plus {_money(penalty)} charged for unmet need." if penalty > 0
                       else "."))
    lines += [
        headline, *(f"Note: {note}" for note in solution.notes),
        f"People whose new need is not met: **{unmet:,.0f}**.",
        "",
        "## Spending by year (£, undiscounted)", "", _table(_cost_by_year(solution), ",.0f"), "",
        "## Capacity to commission (all localities)", "",
        _table(_capacity_by_service(solution)), "",
        "## Outcome targets", "", _table(_targets(solution)), "",
        "## Workforce", "", _table(_workforce(solution)), "",
        "## Unmet need, where and why", "", _table(_unmet(solution)), "",
        "## What limits the plan most",
        "",
        "The binding limits with the largest shadow prices: what one more unit of each would "
        "save (or cost), in discounted £.",
        "", _table(_binding(solution), ",.2f"), "",
        "Full tables: the CSV files and `plan.xlsx` in this folder.", "",
    ]
    return "\n".join(lines)


def fixed_dates(workbook: Path) -> None:
    """Rewrite a workbook with a fixed date (:data:`WORKBOOK_DATE`) on each part and in its
    document properties, which openpyxl stamps with the time of writing: the same tables then
    give the same bytes. Call it on the temporary file inside ``atomic_path``."""
    stamp = b"%04d-%02d-%02dT%02d:%02d:%02dZ" % WORKBOOK_DATE
    with zipfile.ZipFile(workbook) as book:
        parts = [(info.filename, book.read(info)) for info in book.infolist()]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as book:
        for name, content in parts:
            if name == "docProps/core.xml":
                content = _CORE_DATES.sub(lambda match: match.group(1) + stamp + match.group(3),
                                          content)
            book.writestr(zipfile.ZipInfo(name, WORKBOOK_DATE), content,
                          compress_type=zipfile.ZIP_DEFLATED)
    workbook.write_bytes(buffer.getvalue())


def write_workbook(solution: Solution, path: Path) -> None:
    """``plan.xlsx``: every result table, one sheet each."""
    with atomic_path(path) as tmp:
        with pd.ExcelWriter(tmp, engine="openpyxl") as book:
            for name, frame in solution.tables.items():
                frame.to_excel(book, sheet_name=name, index=False)
        fixed_dates(tmp)


def write_outputs(solution: Solution, out_dir: Path) -> list[Path]:
    """Write every output of a solve into ``out_dir``; return the files written."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, frame in solution.tables.items():
        with atomic_path(out_dir / f"{name}.csv") as tmp:
            frame.to_csv(tmp, index=False)
        written.append(out_dir / f"{name}.csv")
    if solution.tables:
        write_workbook(solution, out_dir / "plan.xlsx")
        written.append(out_dir / "plan.xlsx")
    with atomic_path(out_dir / "summary.md") as tmp:
        tmp.write_text(markdown_summary(solution), encoding="utf-8")
    written.append(out_dir / "summary.md")
    for name, content in (("summary.json", solution.summary()),
                          ("timings.json", solution.timing())):
        with atomic_path(out_dir / name) as tmp:
            tmp.write_text(json.dumps(content, indent=2) + "\n", encoding="utf-8")
        written.append(out_dir / name)
    return written
