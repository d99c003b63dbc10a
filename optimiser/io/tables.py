"""Tables as spreadsheets see them: one row per item, one column per field, derived from the
row models.

A figure (a ``Sourced`` field ``people``) takes two columns, ``people`` and ``people_source``;
a list of names takes one cell, the names separated by ';'; text stays text. An empty cell is
an absent value: the field's default where it has one, a missing value where it does not.
A text cell in a number column is passed to validation as it is, so that it is reported by
the same checks, and in the same words, as every other wrong value.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, cast

import pandas as pd
import yaml
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from optimiser.io.errors import InputProblem, raise_any
from optimiser.io.origins import Steps
from optimiser.io.schema import Kind, kind_of

SOURCE_SUFFIX = "_source"
LIST_SEPARATOR = ";"
HEADER_ROW = 1
FIRST_DATA_ROW = 2

Fields = Mapping[str, FieldInfo]


@dataclass(frozen=True)
class SheetOrigin:
    """A table read from a CSV file or from one sheet of a workbook, its header in row 1."""

    file: str
    sheet: str | None = None
    rows: tuple[int, ...] = ()
    """The spreadsheet row of each item read, blank rows having been skipped."""

    def at_row(self, number: int | None) -> str:
        parts = [f"sheet {self.sheet}"] if self.sheet else []
        if number is not None:
            parts.append(f"row {number}")
        return ", ".join(parts)

    def locate(self, entry: str, row: int | None, path: Steps) -> str:
        return self.at_row(None if row is None else self.rows[row])

    def field_name(self, entry: str, path: Steps) -> str:
        return column_name(path)


def source_column(name: str) -> str:
    return name + SOURCE_SUFFIX


def column_name(path: Steps) -> str:
    """The column holding the value at ``path`` below a row: ('people', 'source') is in
    column ``people_source``; the items of a list share their field's column."""
    names = [step for step in path if isinstance(step, str)]
    if names[1:] == ["source"]:
        return source_column(names[0])
    return names[0] if names else ""


def columns(fields: Fields, required_only: bool = False) -> list[str]:
    """The columns of a table whose rows have ``fields``, in field order."""
    return [
        column
        for name, field in fields.items()
        if field.is_required() or not required_only
        for column in ([name, source_column(name)] if kind_of(field) is Kind.FIGURE else [name])
    ]


def is_blank(cell: object) -> bool:
    """An empty cell, however it was read: None, NaN or only spaces."""
    if isinstance(cell, str):
        return not cell.strip()
    # pandas-stubs has no overload for an arbitrary object; pd.isna accepts any value.
    return bool(pd.isna(cell))  # type: ignore[call-overload]


def encode(fields: Fields, item: object) -> dict[str, Any]:
    """The cells of one row from a model's fields."""
    cells: dict[str, Any] = {}
    for name, field in fields.items():
        cells |= _encode_field(name, kind_of(field), getattr(item, name))
    return cells


def _encode_field(name: str, kind: Kind, value: Any) -> dict[str, Any]:
    if kind is Kind.FIGURE:
        figure = (None, None) if value is None else (value.value, value.source)
        return dict(zip((name, source_column(name)), figure, strict=True))
    if kind is Kind.LIST:
        return {name: f"{LIST_SEPARATOR} ".join(value) or None}
    if kind is Kind.DATA:
        return {name: _one_line_yaml(value) if value else None}
    return {name: value}


def _one_line_yaml(value: object) -> str:
    return yaml.safe_dump(value, default_flow_style=True, sort_keys=False, allow_unicode=True,
                          width=float("inf")).strip()


def decode(fields: Fields, cells: Mapping[str, object]) -> dict[str, Any]:
    """A row's data, ready for validation, from its cells; a blank field is left out."""
    data = {name: _decode_field(name, kind_of(field), cells) for name, field in fields.items()}
    return {name: value for name, value in data.items() if value is not None}


def _decode_field(name: str, kind: Kind, cells: Mapping[str, object]) -> Any:
    if kind is Kind.FIGURE:
        parts = {"value": cells.get(name), "source": cells.get(source_column(name))}
        figure = {part: cell for part, cell in parts.items() if not is_blank(cell)}
        if "value" in figure:
            figure["value"] = figure_from_cell(figure["value"])
        if "source" in figure:
            figure["source"] = str(figure["source"])
        return figure or None
    cell = cells.get(name)
    if is_blank(cell):
        return None
    if kind is Kind.LIST:
        return [item.strip() for item in str(cell).split(LIST_SEPARATOR) if item.strip()]
    if kind is Kind.DATA:
        try:
            return yaml.safe_load(str(cell))
        except yaml.YAMLError:
            return str(cell)  # validation says what was expected
    return str(cell)


NUMERIC_TEXT = re.compile(r"[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?")
"""The one rule for a figure written as text (every CSV cell; a workbook cell formatted as
text): optional spaces, an optional sign, decimal digits with an optional decimal point, an
optional exponent (``12``, ``-3.5``, `` 0.45 ``, ``4.2e6``). Nothing else is a number: not
``1,000`` or ``£12`` (the message says to leave out commas and £ signs), not ``1_00``,
``nan``, ``inf``, ``TRUE`` or ``45%``."""


def figure_from_cell(cell: object) -> object:
    """A figure's cell as validation should see it: text following :data:`NUMERIC_TEXT` as
    that number (so a wrong one is shown as -3, not '-3'); any other text, and a
    spreadsheet's TRUE/FALSE, left as they are for validation to refuse."""
    if isinstance(cell, str) and NUMERIC_TEXT.fullmatch(cell.strip()):
        return float(cell)
    return cell


def to_frame(rows: Sequence[BaseModel], model: type[BaseModel]) -> pd.DataFrame:
    """A table's rows as a frame with one column per cell of ``model``'s fields."""
    fields = model.model_fields
    return pd.DataFrame([encode(fields, row) for row in rows], columns=columns(fields))


def frame_from_grid(grid: Sequence[Sequence[object]], origin: SheetOrigin) -> pd.DataFrame:
    """A frame from the cells of a sheet or CSV file, header row first.

    A row longer than the header is refused (its extra cells would be lost); a shorter one is
    padded with blanks. Columns with neither a heading nor content are dropped: spreadsheets
    keep them once a cell has been formatted.
    """
    if not grid:
        return pd.DataFrame()
    header = ["" if is_blank(cell) else str(cell).strip() for cell in grid[0]]
    width = len(header)
    raise_any([
        InputProblem(origin.file, origin.at_row(number), "", f"{len(row)} cells",
                     f"at most {width}, one under each column heading")
        for number, row in enumerate(grid[1:], FIRST_DATA_ROW)
        if not all(is_blank(cell) for cell in row[width:])
    ])
    body = [list(row[:width]) + [None] * (width - len(row)) for row in grid[1:]]
    kept = [j for j in range(width) if header[j] or not all(is_blank(r[j]) for r in body)]
    return pd.DataFrame([[row[j] for j in kept] for row in body],
                        columns=[header[j] for j in kept])


def check_columns(header: Sequence[str], known: Sequence[str], required: Sequence[str],
                  origin: SheetOrigin) -> None:
    """Refuse unknown, repeated or missing columns, naming each."""
    where = origin.at_row(HEADER_ROW)
    unknown = [
        InputProblem(origin.file, where, name, "a column this table does not have",
                     f"one of the columns {', '.join(known)} (check the spelling)")
        for name in header if name not in known
    ]
    repeated = [
        InputProblem(origin.file, where, name, f"{count} columns with this heading",
                     "each column once")
        for name, count in Counter(header).items() if count > 1 and name in known
    ]
    missing = [
        InputProblem(origin.file, where, name, "no such column", "this column (it is required)")
        for name in required if name not in header
    ]
    raise_any(unknown + repeated + missing)


def records_from_frame(frame: pd.DataFrame, model: type[BaseModel],
                       origin: SheetOrigin) -> tuple[list[dict[str, Any]], SheetOrigin]:
    """A table's rows, ready for validation, and where each came from.

    A frame with no columns at all (an empty sheet or file) is an empty table. Blank rows
    between items are layout, not data, and are skipped.
    """
    if frame.columns.empty:
        return [], origin
    fields = model.model_fields
    check_columns(list(frame.columns), columns(fields), columns(fields, required_only=True),
                  origin)
    records, rows = [], []
    # The headings are text (frame_from_grid), so each record is keyed by column name.
    cells_by_row = cast(list[dict[str, Any]], frame.to_dict("records"))
    for position, cells in enumerate(cells_by_row):
        if not all(is_blank(cell) for cell in cells.values()):
            records.append(decode(fields, cells))
            rows.append(position + FIRST_DATA_ROW)
    return records, replace(origin, rows=tuple(rows))
