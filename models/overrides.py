"""Scenario overrides: a change to an instance written on one line, as on the command line
(``optimiser solve INSTANCE --set ...``) or in a scenarios table::

    services[home_care].price_capacity=1100       a named row (the row's ``name``)
    cohorts[*].growth=0.03                         every row of the table
    demand[Blaby,older_hospital].people=420        a row by its key fields, in order
    demand[cohort=older_hospital].people*=1.1      rows by field; ``*=`` scales the figure
    workforce[locality=Blaby|Melton].hire_max=50   any of several values
    settings.unmet_penalty=250000                  a setting

The key fields of each table are :data:`models.references.KEYS` (``demand``: locality,
cohort). A value is a number, a word, ``null`` (empty) or a list ``[a, b]``.

An override is the appraisal file's change (:class:`models.appraisal.TableChange`) in a
shorter spelling, applied by the same code (:func:`models.appraisal.apply_option`), so a
figure set here is exactly what editing the file would give, and the result is a
re-validated instance. A figure set here needs a source like any other; without one it is
recorded as :data:`DEFAULT_SOURCE`. A scaled figure keeps its own source and says how it
was scaled.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass

from pydantic import ValidationError

from models.appraisal import Option, OptionError, TableChange, apply_option, row_model
from models.instance import TABLES, Instance
from models.references import KEYS
from models.sourced import check_source

DEFAULT_SOURCE = "assumption: command-line override"
"""The source of an override given without one: a stated assumption, recorded as such in the
plan's summary, so a reader sees the figure was changed by hand."""

_SYNTAX = re.compile(
    r"^\s*(?P<table>[A-Za-z_][A-Za-z0-9_]*)\s*(?:\[(?P<rows>[^\]]*)\])?\s*\.\s*"
    r"(?P<field>[A-Za-z_][A-Za-z0-9_]*)\s*(?P<op>\*?=)(?P<value>.*)$")
SYNTAX = "table[row].field=value, e.g. services[home_care].price_capacity=1100"


class OverrideError(ValueError):
    """An override that cannot be read or applied, naming the table and field at fault."""

    def __init__(self, text: str, where: str, found: str, expected: str):
        self.text, self.where, self.found, self.expected = text, where, found, expected
        super().__init__(f"{text}: {where}: found {found}; expected {expected}")


@dataclass(frozen=True)
class Override:
    """One override: as written, and as the change it makes."""

    text: str
    change: TableChange

    @property
    def source(self) -> str:
        return self.change.source or DEFAULT_SOURCE

    def record(self) -> dict[str, str]:
        """The override as the plan's summary records it."""
        return {"set": self.text, "source": self.source}


def _suggest(found: str, choices: Iterable[str]) -> str:
    """' (did you mean ...?)' for the closest of ``choices``, or nothing."""
    close = difflib.get_close_matches(found, list(choices), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _one_of(found: str, choices: Iterable[str]) -> str:
    names = list(choices)
    return f"one of {', '.join(names)}{_suggest(found, names)}"


def _value(text: str) -> float | str | list[str] | None:
    """A value as written: a number, null, a list [a, b] or a word (quotes optional)."""
    text = text.strip()
    try:
        number = float(text.replace(",", "").replace("_", ""))
    except ValueError:
        pass
    else:
        if math.isfinite(number):
            return number
    if text in ("", "null", "~"):
        return None
    if text.startswith("[") and text.endswith("]"):
        return [item.strip().strip("'\"") for item in text[1:-1].split(",") if item.strip()]
    return text.strip("'\"")


def _where(text: str, table: str, rows: str) -> dict[str, str | list[str]]:
    """Which rows: ``*`` (all), key values in order, or ``field=value`` pairs."""
    fields = row_model(table).model_fields
    keys = KEYS.get(table, ())
    where: dict[str, str | list[str]] = {}
    for position, item in enumerate(part.strip() for part in rows.split(",")):
        if item in ("*", ""):
            continue
        field, equals, wanted = (part.strip() for part in item.partition("="))
        if not equals:
            if position >= len(keys):
                expected = (f"at most {len(keys)} key values ({', '.join(keys)})" if keys
                            else f"field=value pairs (fields of {table}: "
                                 f"{', '.join(fields)})")
                raise OverrideError(text, f"{table}[{rows}]", repr(item), expected)
            field, wanted = keys[position], item
        elif field not in fields:
            raise OverrideError(text, f"{table}[{rows}]", f"field {field!r}",
                                f"a field of {table}: {_one_of(field, fields)}")
        values = [value.strip() for value in wanted.split("|")]
        where[field] = values[0] if len(values) == 1 else values
    return where


def _check_rows(text: str, instance: Instance, table: str,
                where: dict[str, str | list[str]]) -> None:
    """Each value in ``where`` is found in the table, or an error suggesting the nearest."""
    rows = [row.model_dump(mode="json") for row in instance.table(table)]
    for field, wanted in where.items():
        present = sorted({str(row.get(field)) for row in rows})
        for value in wanted if isinstance(wanted, list) else [wanted]:
            if value not in present:
                raise OverrideError(text, f"{table}.{field}", repr(value),
                                    f"{_one_of(value, present)} (rows of {table})")


def parse_override(text: str, source: str | None = None) -> Override:
    """Read one override (``table[row].field=value``); ``source`` is where its figure comes
    from (default :data:`DEFAULT_SOURCE`). Checks the table and field, not the rows."""
    match = _SYNTAX.match(text)
    if match is None:
        raise OverrideError(text, "syntax", repr(text), SYNTAX)
    table, rows, field = match["table"], match["rows"], match["field"]
    if table != "settings" and table not in TABLES:
        raise OverrideError(text, "table", repr(table), _one_of(table, ("settings", *TABLES)))
    if table == "settings" and rows is not None:
        raise OverrideError(text, "settings", f"[{rows}]",
                            "settings.FIELD=VALUE: the settings are one row")
    fields = row_model(table).model_fields
    if field not in fields:
        raise OverrideError(text, f"{table}.{field}", f"field {field!r}",
                            f"a field of {table}: {_one_of(field, fields)}")
    source = source or DEFAULT_SOURCE
    try:
        check_source(source)
    except ValueError as problem:
        reason = str(problem).partition("; ")[2].removeprefix("expected ")
        raise OverrideError(text, "source", repr(source), reason) from None
    value = _value(match["value"])
    action: dict[str, object] = {"value": value}
    if match["op"] == "*=":
        if not isinstance(value, float) or value <= 0:
            raise OverrideError(text, f"{table}.{field}", repr(match["value"].strip()),
                                "a positive number to multiply by after *=")
        action = {"scale": value}
    try:
        change = TableChange.model_validate({
            "table": table, "where": _where(text, table, rows or ""), "field": field,
            "source": source, **action})
    except ValidationError as problem:
        detail = problem.errors()[0]
        where = ".".join(map(str, detail["loc"])) or f"{table}.{field}"
        raise OverrideError(text, where, repr(detail.get("input")),
                            str(detail["msg"]).removeprefix("Value error, ")) from None
    return Override(text.strip(), change)


def apply_overrides(instance: Instance, overrides: Iterable[Override]) -> Instance:
    """The instance with the overrides made in order, re-validated."""
    overrides = list(overrides)
    for override in overrides:
        if override.change.table != "settings":
            _check_rows(override.text, instance, override.change.table, override.change.where)
    option = Option(name="--set", changes=[o.change for o in overrides])
    try:
        return apply_option(instance, option)
    except OptionError as problem:
        if problem.change is not None:  # the change itself could not be made
            change = overrides[problem.change]
            raise OverrideError(change.text, f"{change.change.table}.{problem.field}",
                                problem.found, problem.expected) from None
        # The changed instance failed validation: name the row as the override did.
        where = _ROW_FIELD.match(problem.field)
        table, field = (where["table"], where["field"]) if where else ("", problem.field)
        culprits = [o.text for o in overrides
                    if o.change.table == table and o.change.field == field]
        location = problem.field
        if where and table in TABLES:
            rows = instance.table(table)
            row = int(where["row"])
            if row < len(rows):
                location = f"{table}[{_key(table, rows[row])}].{field}"
        raise OverrideError("; ".join(culprits or [o.text for o in overrides]), location,
                            problem.found, problem.expected.removeprefix("Input should be "),
                            ) from None


_ROW_FIELD = re.compile(r"^(?P<table>\w+)(?:\.|\[)(?P<row>\d+)\]?\.(?P<field>\w+)")
"""A validation error's place: ``services.0.occupancy.value`` or ``demand[3].people``."""


def _key(table: str, row: object) -> str:
    """A row as an override selects it: its key values, comma-separated."""
    values = (getattr(row, key) for key in KEYS.get(table, ()))
    return ",".join(str(value) for value in values if value is not None)


def overridden(instance: Instance, *texts: str, source: str | None = None) -> Instance:
    """The instance with overrides written as text made in order (one source for all)."""
    return apply_overrides(instance, [parse_override(text, source) for text in texts])


def maximising(instance: Instance, indicator: str) -> Instance:
    """The instance set to maximise an outcome indicator within its budget instead of
    minimising cost (``optimiser solve --maximise``); a ValidationError if it cannot be."""
    settings = instance.settings.model_copy(
        update={"objective": "max_outcome", "objective_indicator": indicator})
    return instance.updated(settings=settings)
