"""The README sheet of a workbook: how to fill it in, and what every column holds, taken from
the models' field descriptions."""

from __future__ import annotations

from pydantic.fields import FieldInfo

from models import TABLES
from optimiser.io.schema import (
    Kind,
    choices,
    figure_guide,
    kind_of,
    parameter_fields,
    plain_type,
    row_model,
)
from optimiser.io.tables import Fields, source_column

INTRO = (
    "This workbook holds one commissioning instance. The settings sheet holds its name, "
    "planning years and settings, one to a row; every other sheet is a table, one row per item.",
    "Every figure comes with its source: on a table's sheet in a second column (people and "
    "people_source), on the settings sheet in the source column. A source is a document line "
    "such as 001_4550ef852cabf2d2.txt:867, 'derived: <arithmetic> from FILE:LINE', or "
    "'assumption: <reason>'.",
    "Write shares as decimals (45% as 0.45) and money in pounds, without £ signs or commas. "
    "A planning year is 52 weeks (364 days).",
    "Separate several names in one cell with ';'. Leave a cell empty where the column is "
    "optional, and a sheet with only its header row where the table is not used.",
    "A name on one sheet refers to a row of another: a locality on the demand sheet must be a "
    "name on the localities sheet (spaces at either end and capitals do not matter). The "
    "drop-down lists offer the names, words and units a column takes; each column heading "
    "has a note saying what to enter. Other sheets (your notes, charts) are passed over.",
)
GUIDE_COLUMNS = ("sheet", "column or parameter", "required", "what to enter", "meaning")
SOURCE_GUIDE = "A document line, 'derived: ...', 'ref: ...' or 'assumption: ...'."

# Fields whose meaning is the same wherever they appear, so the models leave them undescribed.
_UNDOCUMENTED = {
    "name": "Its short name, by which other sheets and reports refer to it.",
    "label": "A longer name, for reports.",
    "description": "A few sentences on what the instance represents.",
}


def meaning(name: str, field: FieldInfo) -> str:
    """What a field means, from its description in the models."""
    described = field.description or _UNDOCUMENTED.get(name)
    if described:
        return described.replace("``", "")  # the docstrings' code markup means nothing here
    return f"Refers to a {name.replace('_', ' ')} by its name."


def what_to_enter(field: FieldInfo) -> str:
    kind = kind_of(field)
    if kind is Kind.FIGURE:
        return figure_guide(plain_type(field.annotation))
    if kind is Kind.LIST:
        return "Names separated by ';'."
    if kind is Kind.DATA:
        return "A list written on one line, as in YAML: [{table: demand, field: people, " \
               "scale: 1.1}]."
    words = choices(field)
    if plain_type(field.annotation) is bool:
        return "true or false."
    return f"One of: {', '.join(words)}." if words else "Text."


def _guide(sheet: str, fields: Fields, source_columns: bool) -> list[tuple[str, ...]]:
    rows: list[tuple[str, ...]] = []
    for name, field in fields.items():
        required = "required" if field.is_required() else "optional"
        rows.append((sheet, name, required, what_to_enter(field), meaning(name, field)))
        if source_columns and kind_of(field) is Kind.FIGURE:
            rows.append((sheet, source_column(name), required, SOURCE_GUIDE,
                         f"Where the figure in {name} comes from."))
    return rows


def readme_rows(settings_sheet: str) -> list[tuple[str | None, ...]]:
    """The README sheet's cells, row by row: the introduction, then a guide to each column."""
    guide = _guide(settings_sheet, parameter_fields(), source_columns=False)
    for table in TABLES:
        guide += _guide(table, row_model(table).model_fields, source_columns=True)
    rows = [(line,) for line in INTRO] + [(), GUIDE_COLUMNS] + guide
    # Every row as wide as the guide: the introduction's rows hold one cell of prose each.
    return [row + (None,) * (len(GUIDE_COLUMNS) - len(row)) for row in rows]
