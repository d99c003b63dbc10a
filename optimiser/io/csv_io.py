"""One table in a CSV file: a header row of column names, then one row per item."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from optimiser.io.atomic import atomic_path
from optimiser.io.errors import file_problem
from optimiser.io.schema import row_model
from optimiser.io.tables import SheetOrigin, frame_from_grid, records_from_frame, to_frame
from optimiser.io.text import read_text

EXPECTED = "a CSV file (UTF-8 text): a header row naming the columns, then one row per item"
MAX_CELL = csv.field_size_limit()
"""Longest cell accepted, in characters (Python's csv limit, 128 KB): no figure, name or
source comes near it."""


def read_csv_table(path: Path, table: str) -> tuple[list[dict[str, Any]], SheetOrigin]:
    """The rows of ``table`` from a CSV file, ready for validation, and where each came from."""
    origin = SheetOrigin(str(path))
    text = read_text(path, EXPECTED)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        grid = list(reader)
    except csv.Error as problem:  # a cell over MAX_CELL, or a NUL byte
        raise file_problem(path, f"a row that cannot be read ({problem})",
                           f"{EXPECTED}, each cell at most {MAX_CELL // 1024} KB",
                           f"row {reader.line_num}") from None
    frame = frame_from_grid(grid, origin)
    return records_from_frame(frame, row_model(table), origin)


def write_csv_table(rows: Sequence[BaseModel], table: str, path: Path) -> None:
    """Write a table's rows to a CSV file, replacing it whole."""
    with atomic_path(path) as temporary:
        to_frame(rows, row_model(table)).to_csv(temporary, index=False)
