"""Aids in a workbook for the person filling it in: a note on each column heading saying
what to enter, and drop-down lists where a cell holds one of a few words (a service's
kind), the name of a row of another sheet (a demand row's locality) or a service's unit.

The lists guide rather than forbid: Excel shows a warning for a value not on the list,
which the person may keep (a new unit, a locality they are about to add); the reader checks
every value either way."""

from __future__ import annotations

from openpyxl.comments import Comment
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet
from pydantic.fields import FieldInfo

from optimiser.io.names import DEFINED_IN
from optimiser.io.schema import Kind, choices, kind_of, parameter_fields, row_model
from optimiser.io.tables import FIRST_DATA_ROW, SOURCE_SUFFIX, columns
from optimiser.io.workbook_readme import SOURCE_GUIDE, meaning, what_to_enter

LAST_ROW = 2000
"""The drop-down lists cover the rows down to this one."""
UNITS = ("place", "bed", "hour per week")
"""The capacity units of the shipped instances, offered for a service's unit."""
AUTHOR = "optimiser"


def _list(formula: str, prompt: str) -> DataValidation:
    """A drop-down list that warns about (rather than refuses) a value not on it."""
    return DataValidation(type="list", formula1=formula, allow_blank=True,
                          errorStyle="warning", showErrorMessage=True,
                          error="This is not on the list; keep it only if it is meant.",
                          promptTitle="Choose from the list", prompt=prompt)


def _names_in(table: str) -> str:
    """The range of a sheet's name column, as a list's source: =localities!$A$2:$A$2000."""
    column = get_column_letter(columns(row_model(table).model_fields).index("name") + 1)
    return f"={table}!${column}${FIRST_DATA_ROW}:${column}${LAST_ROW}"


def add_aids(sheet: Worksheet, table: str) -> None:
    """Head every column of a table's sheet with a note, and give its name, word and unit
    columns drop-down lists."""
    fields = row_model(table).model_fields
    for number, heading in enumerate(columns(fields), 1):
        letter = get_column_letter(number)
        figure = heading.removesuffix(SOURCE_SUFFIX)
        if heading != figure and figure in fields and kind_of(fields[figure]) is Kind.FIGURE:
            sheet[f"{letter}1"].comment = Comment(
                f"Where the figure in {figure} comes from. {SOURCE_GUIDE}", AUTHOR)
            continue
        field = fields[heading]
        listed = _drop_down(heading, field, table)
        enter = listed.prompt if listed is not None else what_to_enter(field)
        sheet[f"{letter}1"].comment = Comment(f"{meaning(heading, field)}\n{enter}", AUTHOR,
                                              width=300, height=120)
        if listed is not None:
            listed.add(f"{letter}{FIRST_DATA_ROW}:{letter}{LAST_ROW}")
            sheet.add_data_validation(listed)


def _drop_down(name: str, field: FieldInfo, table: str) -> DataValidation | None:
    """The drop-down list for a field's cells, or None for a field without one."""
    if kind_of(field) is Kind.TEXT and name in DEFINED_IN:
        return _list(_names_in(DEFINED_IN[name]),
                     f"A name from the {DEFINED_IN[name]} sheet (choose from the list).")
    if choices(field):
        return _list(f'"{",".join(choices(field))}"',
                     f"One of: {', '.join(choices(field))}.")
    if (table, name) == ("services", "unit"):
        return _list(f'"{",".join(UNITS)}"', "A capacity unit: choose one, or type your own.")
    return None


def add_settings_aids(sheet: Worksheet) -> None:
    """Drop-down lists in the settings sheet's value cells that take a word or a name
    (the objective, the indicator to maximise)."""
    fields = parameter_fields()
    for (cell,) in sheet.iter_rows(min_row=FIRST_DATA_ROW, max_col=1):
        field = fields.get(str(cell.value))
        listed = _drop_down(str(cell.value), field, "settings") if field else None
        if listed is not None:
            listed.add(f"B{cell.row}")
            sheet.add_data_validation(listed)
