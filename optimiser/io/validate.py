"""Validation of a raw instance, every problem reported against the file, row and field it
came from."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from models import TABLES, Instance, Problem, ReferenceErrors
from optimiser.io.errors import InputError, InputProblem
from optimiser.io.origins import RawInstance, Steps
from optimiser.io.schema import identifying_fields, row_model
from optimiser.io.wording import describe


def validate(raw: RawInstance) -> Instance:
    """The validated instance, or an InputError listing everything wrong with it."""
    try:
        return Instance.model_validate(raw.data)
    except ValidationError as error:
        # Every error is restated in full; pydantic's own text would only bury it.
        raise InputError(explain(error, raw)) from None


def explain(error: ValidationError, raw: RawInstance) -> list[InputProblem]:
    """The problems in a validation error, each placed in the file it came from."""
    problems = []
    for detail in error.errors():
        cause = detail.get("ctx", {}).get("error")
        if isinstance(cause, ReferenceErrors):
            problems += [_cross_table_problem(problem, raw) for problem in cause.problems]
        else:
            problems.append(_field_problem(detail, raw))
    return problems


def _field_problem(detail: ErrorDetails, raw: RawInstance) -> InputProblem:
    entry, row, path = _split(detail["loc"])
    found, expected = describe(detail)
    return _placed(raw, entry, row, path, found, expected)


def _cross_table_problem(problem: Problem, raw: RawInstance) -> InputProblem:
    # An item of a plain list (a year) has no fields: the problem is in the item itself.
    in_item = problem.row is not None and problem.table not in TABLES
    path = () if in_item else (problem.field,)
    return _placed(raw, problem.table, problem.row, path, problem.found, problem.expected)


def _split(loc: Sequence[str | int]) -> tuple[str, int | None, Steps]:
    """A pydantic location as (top-level entry, row within it, steps below the row)."""
    entry = str(loc[0]) if loc else ""
    rest = tuple(loc[1:])
    if rest and isinstance(rest[0], int):
        return entry, rest[0], rest[1:]
    return entry, None, rest


def _placed(raw: RawInstance, entry: str, row: int | None, path: Steps, found: str,
            expected: str) -> InputProblem:
    origin = raw.origins.of(entry)
    location = origin.locate(entry, row, path) + _row_key(raw.data, entry, row)
    return InputProblem(origin.file, location, origin.field_name(entry, path), found, expected)


def _row_key(data: dict[str, Any], entry: str, row: int | None) -> str:
    """' (locality=Blaby, cohort=older_hospital)': the row as a person recognises it."""
    if entry not in TABLES or row is None:
        return ""
    items = data.get(entry)
    item = items[row] if isinstance(items, list) and row < len(items) else None
    if not isinstance(item, dict):
        return ""
    pairs = [f"{name}={item[name]}" for name in identifying_fields(row_model(entry))
             if isinstance(item.get(name), str)]
    return f" ({', '.join(pairs)})" if pairs else ""
