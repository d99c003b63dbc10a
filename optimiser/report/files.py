"""The output folder of one solve: a CSV and a Parquet file per result table, ``plan.xlsx``,
``report.html``, ``summary.md``, ``summary.json`` for scripts and ``timings.json``.

CSV files keep full precision and carry the ONS area code beside each locality where the
instance gives one, so they load straight into Power BI. ``shadow_prices.csv`` holds only the
binding and non-zero rows (every row is in ``shadow_prices.parquet``). The same input gives
byte-identical files, except ``timings.json``: seconds differ from run to run, so they are
kept out of every other file, and the workbook carries a fixed date.

The files are written into the folder given; the caller decides where that folder is (a
staging folder swapped in on success)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pyarrow as pa
from pyarrow import csv

from optimiser.io.atomic import atomic_path
from optimiser.pipeline import Solution
from optimiser.report.html import write_report_html
from optimiser.report.summary import markdown_summary
from optimiser.report.tables import TOLERANCE, Words
from optimiser.report.workbook import write_workbook

AREA_CODE = "area_code"
"""The column of ONS area codes, beside ``locality``."""


def with_area_codes(frame: pd.DataFrame, words: Words) -> pd.DataFrame:
    """A result table with the ONS area code of each row's locality, when the instance gives
    localities codes."""
    if not words.codes or "locality" not in frame:
        return frame
    coded = frame.copy()
    coded.insert(list(frame.columns).index("locality") + 1, AREA_CODE,
                 frame["locality"].map(words.codes).fillna(""))
    return coded


def binding_or_priced(prices: pd.DataFrame) -> pd.DataFrame:
    """The shadow prices worth reading: limits that bind or have a non-zero price."""
    return prices[prices["binding"].astype(bool) | (prices["shadow_price"].abs() > TOLERANCE)]


def write_tables(solution: Solution, out_dir: Path) -> list[Path]:
    """Each result table as CSV (full precision) and Parquet."""
    words = Words.of(solution.inputs)
    written = []
    for name, frame in solution.tables.items():
        coded = with_area_codes(frame, words)
        shown = binding_or_priced(coded) if name == "shadow_prices" else coded
        with atomic_path(out_dir / f"{name}.csv") as tmp:
            # Arrow's writer: the shortest text that reads back to the same number, ten
            # times quicker than pandas' at national scale.
            csv.write_csv(pa.Table.from_pandas(shown, preserve_index=False), tmp,
                          csv.WriteOptions(quoting_style="needed"))
        with atomic_path(out_dir / f"{name}.parquet") as tmp:
            coded.to_parquet(tmp, engine="pyarrow", index=False)
        written += [out_dir / f"{name}.csv", out_dir / f"{name}.parquet"]
    return written


def write_outputs(solution: Solution, out_dir: Path) -> list[Path]:
    """Write every output of a solve into ``out_dir``; return the files written."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = write_tables(solution, out_dir)
    if solution.optimal and solution.tables:
        with atomic_path(out_dir / "plan.xlsx") as tmp:
            write_workbook(solution, tmp)
        written.append(out_dir / "plan.xlsx")
    with atomic_path(out_dir / "report.html") as tmp:
        write_report_html(solution, tmp)
    written.append(out_dir / "report.html")
    with atomic_path(out_dir / "summary.md") as tmp:
        tmp.write_text(markdown_summary(solution), encoding="utf-8")
    written.append(out_dir / "summary.md")
    for name, content in (("summary.json", solution.summary()),
                          ("timings.json", solution.timing())):
        with atomic_path(out_dir / name) as tmp:
            tmp.write_text(json.dumps(content, indent=2) + "\n", encoding="utf-8")
        written.append(out_dir / name)
    return written
