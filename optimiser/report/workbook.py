"""``plan.xlsx``, written with XlsxWriter: a front sheet with the headline and a contents
list, the commissioners' tables, then the full result tables with labels in place of ids.

Every sheet has a frozen header, filters, column widths and number formats (£, %, whole
people). Text is always written as text, never as a formula. Past
:data:`CONSTANT_MEMORY_CELLS` cells the workbook is streamed to disk row by row
(XlsxWriter's ``constant_memory``); past :data:`FULL_TABLES_CELLS` the full result tables
are left to the CSV and Parquet files, and the front sheet says so."""

from __future__ import annotations

import datetime as dt
import io
import math
import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from optimiser.pipeline import Solution
from optimiser.report import tables as T

CONSTANT_MEMORY_CELLS = 200_000
"""Past this many cells the workbook is written row by row with constant memory."""
SHEET_ROWS = 5_000
"""Rows of a commissioners' sheet (the largest first); every row is in the result tables."""
FULL_TABLES_CELLS = 1_000_000
"""Past this many cells in the full result tables they are not copied into the workbook
(Excel slows to a crawl; Power BI and pandas read the CSV and Parquet files instead)."""
WORKBOOK_DATE = (1980, 1, 1, 0, 0, 0)
"""The date every workbook part carries (the earliest a zip file can hold), so a workbook
depends only on the plan."""
_CORE_DATES = re.compile(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)")
MONEY, PERCENT, PEOPLE, NUMBER = "£#,##0", "0.0%", "#,##0", "#,##0.00"
_LABELLED = ("locality", "cohort", "service", "role", "pathway", "indicator", "move")
"""Columns of the full tables whose ids are shown as the instance's labels."""


def number_format(column: str) -> str:
    """The format of a numeric column, from its name: money, a share, people, or a figure
    with two decimals (capacity, FTE)."""
    name = column.lower()
    if "£" in name or name in ("cost", "discounted_cost"):
        return MONEY
    if "share" in name or "utilisation" in name:
        return PERCENT
    if "people" in name or name in ("demand", "unmet", "new need") or "caseload" in name:
        return PEOPLE
    return NUMBER


def fixed_dates(workbook: Path) -> None:
    """Rewrite a workbook with a fixed date (:data:`WORKBOOK_DATE`) on each part and in its
    document properties, so the same tables give the same bytes (openpyxl stamps the time
    of writing; the appraisal's comparison.xlsx uses this)."""
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


class _Book:
    """A workbook being written: its formats, and each sheet written once, row by row."""

    def __init__(self, path: Path, cells: int):
        self.book = xlsxwriter.Workbook(str(path), {
            "constant_memory": cells > CONSTANT_MEMORY_CELLS, "strings_to_formulas": False,
            "strings_to_urls": False, "strings_to_numbers": False})
        self.book.set_properties({"created": dt.datetime(*WORKBOOK_DATE)})
        self.header = self.book.add_format({"bold": True, "bg_color": "#E8EEF4",
                                            "text_wrap": True, "valign": "top"})
        self.formats = {f: self.book.add_format({"num_format": f})
                        for f in (MONEY, PERCENT, PEOPLE, NUMBER)}
        self.title = self.book.add_format({"bold": True, "font_size": 14})
        self.bold = self.book.add_format({"bold": True})
        self.link = self.book.add_format({"font_color": "blue", "underline": 1})
        self.wrap = self.book.add_format({"text_wrap": True, "valign": "top"})

    def sheet(self, name: str, frame: pd.DataFrame) -> None:
        """One table on its own sheet: header frozen, filters on, widths and formats set."""
        sheet = self.book.add_worksheet(name)
        writers: list[Callable[[int, int, object], None]] = []
        for col, column in enumerate(frame.columns):
            values = frame[column]
            numeric = pd.api.types.is_numeric_dtype(values) and \
                not pd.api.types.is_bool_dtype(values)
            fmt = self.formats[number_format(str(column))] if numeric else None
            width = _width(str(column), values, numeric)
            sheet.set_column(col, col, width, fmt)
            writers.append(_number_writer(sheet, fmt) if numeric else _text_writer(sheet))
        sheet.freeze_panes(1, 0)
        sheet.set_row(0, 30 if any(len(str(c)) > 14 for c in frame.columns) else None)
        for col, column in enumerate(frame.columns):
            sheet.write_string(0, col, str(column), self.header)
        if len(frame.columns):
            sheet.autofilter(0, 0, max(len(frame), 1), len(frame.columns) - 1)
        for row, cells in enumerate(frame.itertuples(index=False, name=None), start=1):
            for col, value in enumerate(cells):
                writers[col](row, col, value)

    def close(self) -> None:
        self.book.close()


def _width(column: str, values: pd.Series, numeric: bool) -> float:
    if numeric:
        return max(12, min(len(column), 18))
    longest = values.head(200).astype(str).str.len().max() if len(values) else 0
    return float(min(60, max(10, len(column) * 0.8, (longest or 0) + 2)))


def _number_writer(sheet: Worksheet, fmt: Format | None) -> Callable[[int, int, object], None]:
    def write(row: int, col: int, value: object) -> None:
        if isinstance(value, int | float) and math.isfinite(value):
            sheet.write_number(row, col, value, fmt)
    return write


def _text_writer(sheet: Worksheet) -> Callable[[int, int, object], None]:
    def write(row: int, col: int, value: object) -> None:
        if isinstance(value, bool):
            sheet.write_boolean(row, col, value)
        elif value is not None and value == value:  # not NaN
            sheet.write_string(row, col, str(value))
    return write


def commissioners_tables(solution: Solution) -> dict[str, pd.DataFrame]:
    """The tables of the summary, in full, by sheet name."""
    words = T.Words.of(solution.inputs)
    return {
        "Spending by year": T.cost_by_year(solution),
        "Payment types": T.cost_by_payment(solution),
        "Capacity": T.capacity(solution, words),
        "Capacity by locality": T.capacity_by_locality(solution, words),
        "Localities": T.localities(solution, words),
        "Workforce": T.workforce(solution, words),
        "Workforce by year": T.workforce_by_year(solution, words),
        "Outcomes": T.outcomes(solution, words),
        "Targets": T.targets(solution, words),
        "Unmet need": T.unmet(solution, words),
        "Limits": T.binding_limits(solution, top=SHEET_ROWS),
    }


def labelled(frame: pd.DataFrame, words: T.Words) -> pd.DataFrame:
    """A full result table with the instance's labels in place of ids."""
    out = frame.copy()
    for column in _LABELLED:
        if column in out:
            out[column] = words.column(out[column])
    return out


def write_workbook(solution: Solution, path: Path) -> Path:
    """``plan.xlsx`` for a solved plan; returns its path."""
    words = T.Words.of(solution.inputs)
    summary = commissioners_tables(solution)
    full = sum(frame.size for frame in solution.tables.values())
    with_full = full <= FULL_TABLES_CELLS
    cells = sum(min(len(f), SHEET_ROWS) * len(f.columns) for f in summary.values()) \
        + (full if with_full else 0)
    book = _Book(path, cells)
    sizes = {name: len(frame) for name, frame in summary.items()} | {
        "Limits": T.binding_count(solution)}
    contents = {name: (name if sizes[name] <= SHEET_ROWS else
                       f"{name} (the first {SHEET_ROWS:,} of {sizes[name]:,} rows; every row is "
                       f"in the result tables)") for name in summary}
    if with_full:
        contents |= {f"all {name}"[:31]: f"all {name}"[:31] for name in solution.tables}
    _front(book, solution, contents, with_full)
    for name, frame in summary.items():
        book.sheet(name, frame.head(SHEET_ROWS))
    if with_full:
        for name, frame in solution.tables.items():
            book.sheet(f"all {name}"[:31], labelled(frame, words))
    book.close()
    return path


def _front(book: _Book, solution: Solution, sheets: dict[str, str], with_full: bool) -> None:
    """The first sheet: the headline figures, then a contents list linking to each sheet."""
    head = T.headline(solution)
    sheet = book.book.add_worksheet("Plan")
    sheet.set_column(0, 0, 52)
    sheet.set_column(1, 1, 22)
    money = book.formats[MONEY]
    instance = solution.inputs
    sheet.write_string(0, 0, f"Commissioning plan: {instance.name if instance else ''}",
                       book.title)
    rows: list[tuple[str, float | str, Format | None]] = [
        ("Planning years", f"{head.first_year} to {head.last_year} ({head.years})", None),
        ("Price base", head.price_words or head.price_base or "", None),
        ("Total cost, discounted (£)", head.spend_discounted, money),
        ("Total cost, undiscounted (£)", head.spend_undiscounted, money),
        ("Penalty for unmet need, discounted (£, not spent)", head.penalty, money),
        ("End-of-horizon care after the last year, discounted (£, not spent in the plan's "
         "years)", head.tail, money),
        ("Objective minimised (£, discounted, with the penalty)" if head.minimised_cost
         else "Objective maximised (people achieving the outcome, once all the need the "
              "budget can meet is met)", head.objective,
         money if head.minimised_cost else book.formats[NUMBER]),
        ("People whose new need is not met", head.unmet_people, book.formats[PEOPLE]),
    ]
    for row, (what, value, fmt) in enumerate(rows, start=2):
        sheet.write_string(row, 0, what, book.bold)
        if isinstance(value, str):
            sheet.write_string(row, 1, value)
        else:
            sheet.write_number(row, 1, value, fmt)
    row = len(rows) + 3
    sheet.write_string(row, 0, head.discounting_difference, book.wrap)
    sheet.write_string(row + 1, 0, T.what_limits_most(solution), book.wrap)
    sheet.write_string(row + 3, 0, "Contents", book.title)
    for i, (name, words) in enumerate(sheets.items(), start=row + 4):
        sheet.write_url(i, 0, f"internal:'{name}'!A1", book.link, words)
    if not with_full:
        sheet.write_string(row + 4 + len(sheets), 0,
                           "The full result tables are too large for a workbook: they are "
                           "the CSV and Parquet files beside it.", book.wrap)
