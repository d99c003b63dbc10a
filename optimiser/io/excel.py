"""An instance as an Excel workbook: a README sheet for the person filling it in, a settings
sheet (one parameter to a row: parameter | value | source | meaning), and one sheet per
table named after it, with the same columns as the table's CSV file."""

from __future__ import annotations

import difflib
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from models import TABLES, Instance, Settings
from optimiser.io.atomic import atomic_path
from optimiser.io.errors import (
    InputError,
    InputProblem,
    collecting,
    file_problem,
    raise_any,
    require_file,
)
from optimiser.io.names import match_names
from optimiser.io.origins import Origins, RawInstance, Steps
from optimiser.io.schema import parameter_fields, row_model, scalar_fields
from optimiser.io.tables import (
    FIRST_DATA_ROW,
    SheetOrigin,
    check_columns,
    decode,
    encode,
    frame_from_grid,
    is_blank,
    records_from_frame,
    source_column,
    to_frame,
)
from optimiser.io.workbook_readme import meaning, readme_rows

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

# openpyxl (a quarter of a second to import) is imported where a workbook is read or
# written, not by every command that reads a YAML instance.

README_SHEET = "README"
SETTINGS_SHEET = "settings"
PARAMETER_COLUMNS = ("parameter", "value", "source", "meaning")
REQUIRED_PARAMETER_COLUMNS = PARAMETER_COLUMNS[:3]
"""The meaning column is there to be read; a workbook without it is still complete."""
EXPECTED = "an Excel workbook (.xlsx) with a settings sheet and one sheet per table"
MAX_WIDTH = 60

Grid = list[list[Any]]


@dataclass(frozen=True)
class SettingsOrigin:
    """The settings sheet, and the row each parameter was read from."""

    file: str
    rows: dict[str, int]

    def locate(self, entry: str, row: int | None, path: Steps) -> str:
        # The settings' own fields each have a row, as the instance's name and years do.
        parameter = str(path[0]) if entry == "settings" and path else entry
        return SheetOrigin(self.file, SETTINGS_SHEET).at_row(self.rows.get(parameter))

    def field_name(self, entry: str, path: Steps) -> str:
        names = [step for step in path if isinstance(step, str)]
        return ".".join(names if entry == "settings" else [entry, *names])


def write_excel(instance: Instance, path: Path | str) -> None:
    """Write an instance as a workbook: the template, filled in."""
    write_template(path, instance)


def write_template(path: Path | str, instance: Instance | None = None) -> None:
    """Write a workbook with every sheet and its column headings, filled with ``instance``
    where one is given and otherwise empty, ready for a commissioner to fill in."""
    from optimiser.io.workbook_aids import add_aids, add_settings_aids

    sheets = {SETTINGS_SHEET: _settings_frame(instance)} | {
        table: to_frame(instance.table(table) if instance else [], row_model(table))
        for table in TABLES
    }
    with atomic_path(path) as temporary, pd.ExcelWriter(temporary, engine="openpyxl") as book:
        pd.DataFrame(readme_rows(SETTINGS_SHEET)).to_excel(
            book, sheet_name=README_SHEET, index=False, header=False)
        _tidy(book.sheets[README_SHEET])
        for name, frame in sheets.items():
            frame.to_excel(book, sheet_name=name, index=False)
            _tidy(book.sheets[name])
            book.sheets[name].freeze_panes = "A2"
            if name in TABLES:
                add_aids(book.sheets[name], name)
        add_settings_aids(book.sheets[SETTINGS_SHEET])


def _settings_frame(instance: Instance | None) -> pd.DataFrame:
    cells = {} if instance is None else (
        encode(scalar_fields(), instance) | encode(Settings.model_fields, instance.settings))
    rows = [
        (name, cells.get(name), cells.get(source_column(name)), meaning(name, field))
        for name, field in parameter_fields().items()
    ]
    return pd.DataFrame(rows, columns=PARAMETER_COLUMNS)


def _tidy(sheet: Worksheet) -> None:
    """Widen each column to fit its content, so the workbook reads well on opening. Prose
    longer than the widest column is left to run on into the empty cells beside it."""
    for column in sheet.columns:
        lengths = [len(str(cell.value)) for cell in column if cell.value is not None]
        fitting = [length for length in lengths if length <= MAX_WIDTH] or [MAX_WIDTH]
        sheet.column_dimensions[column[0].column_letter].width = max(fitting) + 2


def read_excel(path: Path | str) -> RawInstance:
    """An instance's data from a workbook, not yet validated."""
    path = Path(path)
    grids, ignored = _known_sheets(path, _grids(path))
    raise_any(_sheet_problems(path, grids))
    problems: list[InputProblem] = []
    data: dict[str, Any] = {}
    # A table whose sheet is left out is still reported against its sheet (an empty budget).
    origins = Origins(main=SettingsOrigin(str(path), {}),
                      tables={table: SheetOrigin(str(path), table) for table in TABLES})
    with collecting(problems):
        data, origins.main = _read_settings(str(path), grids[SETTINGS_SHEET])
    for table in (table for table in TABLES if table in grids):
        sheet = SheetOrigin(str(path), table)
        with collecting(problems):
            frame = frame_from_grid(grids[table], sheet)
            data[table], origins.tables[table] = records_from_frame(frame, row_model(table),
                                                                    sheet)
    raise_any(problems)
    notes = [note for note in (ignored, match_names(data).note()) if note]
    return RawInstance(data, origins, notes)


MAX_ROWS = 1_000_000
"""Most rows read from one sheet (a national instance has a few thousand)."""
MAX_COLUMNS = 200
"""Most columns read from one sheet (the widest table has about twenty)."""
MAX_UNPACKED = 500 * 2**20
"""Most bytes a workbook may unpack to: a larger one is a zip bomb, not an instance."""


def _grids(path: Path) -> dict[str, Grid]:
    """Each sheet's cells, as read: numbers as numbers, empty cells as None.

    Memory stays bounded whatever the file holds: the workbook's parts are checked for size
    before anything is unpacked, and each sheet is streamed row by row up to
    :data:`MAX_ROWS` and :data:`MAX_COLUMNS` (a single cell at XFD1048576 would otherwise
    make a grid of 17 billion cells). A damaged workbook (a truncated part, bad XML) is
    refused as one, never a traceback."""
    require_file(path, EXPECTED)
    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
        if unpacked > MAX_UNPACKED:
            raise file_problem(path, f"a workbook unpacking to {unpacked / 2**20:,.0f} MB",
                               f"{EXPECTED}, unpacking to at most "
                               f"{MAX_UNPACKED / 2**20:,.0f} MB")
        import openpyxl

        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        try:
            return {sheet.title: _sheet_grid(path, sheet) for sheet in book.worksheets}
        finally:
            book.close()
    except InputError:
        raise
    except (zipfile.BadZipFile, zlib.error, KeyError, ValueError, TypeError, IndexError,
            EOFError, OSError, SyntaxError) as problem:  # SyntaxError: XML that does not parse
        found = ("a damaged workbook (a part of it is cut short or not valid XML)"
                 if isinstance(problem, SyntaxError | EOFError | zlib.error)
                 else "a file that is not an Excel workbook")
        raise file_problem(path, found, EXPECTED) from None


def _sheet_grid(path: Path, sheet) -> Grid:
    """One sheet's rows, blank ones at the end left out; InputError beyond the limits (as
    the sheet's stated extent shows, and as its rows are read)."""
    rows, columns = sheet.max_row or 0, sheet.max_column or 0
    if rows > MAX_ROWS or columns > MAX_COLUMNS:
        raise file_problem(path, f"cells as far as row {rows:,}, column {columns:,}",
                           f"at most {MAX_ROWS:,} rows and {MAX_COLUMNS} columns a sheet",
                           f"sheet {sheet.title}")
    grid: Grid = []
    for number, row in enumerate(sheet.iter_rows(max_row=MAX_ROWS + 1,
                                                 max_col=MAX_COLUMNS + 1, values_only=True),
                                 start=1):
        cells = list(row)
        while cells and is_blank(cells[-1]):
            cells.pop()
        if cells and (number > MAX_ROWS or len(cells) > MAX_COLUMNS):
            raise file_problem(path, "cells beyond the last row or column read",
                               f"at most {MAX_ROWS:,} rows and {MAX_COLUMNS} columns a sheet",
                               f"sheet {sheet.title}, row {number}")
        grid.append(cells)
    while grid and not grid[-1]:
        grid.pop()
    return grid


KNOWN_SHEETS = (README_SHEET, SETTINGS_SHEET, *TABLES)


def _known_sheets(path: Path, grids: dict[str, Grid]) -> tuple[dict[str, Grid], str | None]:
    """The instance's sheets by their own names, matched ignoring spaces at the ends and
    capitals ('Demand ' is demand), and a note naming the sheets passed over (a
    commissioner's notes or charts). A sheet whose name is close to a table's whose own
    sheet is missing ('capacity' for capacity0) is refused rather than passed over: its rows
    would otherwise be silently lost."""
    by_folded = {name.casefold(): name for name in KNOWN_SHEETS}
    known: dict[str, Grid] = {}
    written: dict[str, str] = {}
    others: list[str] = []
    problems = []
    for name, grid in grids.items():
        sheet = by_folded.get(name.strip().casefold())
        if sheet is None:
            others.append(name)
        elif sheet in known:
            problems.append(InputProblem(
                str(path), f"sheet {name}", "", f"a second sheet for {sheet} (besides "
                f"{written[sheet]!r})", f"one sheet named {sheet}"))
        else:
            known[sheet], written[sheet] = grid, name
    for name in others:
        absent = [table for table in TABLES if table not in known]
        close = difflib.get_close_matches(name.strip().lower(), absent, n=1, cutoff=0.75)
        if close:
            problems.append(InputProblem(
                str(path), f"sheet {name}", "", "a sheet this workbook does not use",
                f"a sheet named {close[0]} (did you mean it? rename the sheet {close[0]})"))
    raise_any(problems)
    note = (f"Sheets ignored, not part of an instance: {', '.join(map(repr, others))}."
            if others else None)
    return known, note


def _sheet_problems(path: Path, grids: dict[str, Grid]) -> list[InputProblem]:
    """Sheets that are missing (a sheet this workbook does not use is passed over, with a
    note: :func:`_known_sheets`)."""
    required = [SETTINGS_SHEET] + [t for t in TABLES if Instance.model_fields[t].is_required()]
    return [
        InputProblem(str(path), f"sheet {name}", "", "no such sheet",
                     f"a sheet named {name} (it is required)")
        for name in required if name not in grids
    ]


def _read_settings(file: str, grid: Grid) -> tuple[dict[str, Any], SettingsOrigin]:
    """The instance's name, description, years and settings from the settings sheet."""
    origin = SheetOrigin(file, SETTINGS_SHEET)
    frame = frame_from_grid(grid, origin)
    check_columns(list(frame.columns), PARAMETER_COLUMNS, REQUIRED_PARAMETER_COLUMNS, origin)
    known = parameter_fields()
    cells: dict[str, Any] = {}
    rows: dict[str, int] = {}
    problems = []
    for number, record in enumerate(frame.to_dict("records"), FIRST_DATA_ROW):
        if all(is_blank(cell) for cell in record.values()):
            continue
        name = "" if is_blank(record["parameter"]) else str(record["parameter"]).strip()
        if name in known and name not in rows:
            rows[name] = number
            cells |= {name: record["value"], source_column(name): record["source"]}
        else:
            problems.append(_parameter_problem(origin, number, name, repeated=name in rows))
    raise_any(problems)
    data = decode(scalar_fields(), cells) | {"settings": decode(Settings.model_fields, cells)}
    return data, SettingsOrigin(file, rows)


def _parameter_problem(origin: SheetOrigin, number: int, name: str,
                       repeated: bool) -> InputProblem:
    if repeated:
        found, expected = f"{name!r} given a second time", "each parameter once"
    else:
        found = repr(name) if name else "no parameter name"
        expected = "one of " + ", ".join(parameter_fields())
    return InputProblem(origin.file, origin.at_row(number), "parameter", found, expected)
