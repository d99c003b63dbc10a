"""What the data models say about their fields, so that readers, writers and messages are
driven by the schema rather than by hand-written code for each table."""

from __future__ import annotations

import inspect
import types
from collections.abc import Sequence
from enum import Enum
from typing import Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from models import TABLES, Instance, Row, Settings, Sourced

SCALARS: tuple[str, ...] = tuple(
    name for name in Instance.model_fields if name not in TABLES and name != "settings"
)
"""The instance's own fields that are neither a table nor the settings: name, description,
years."""


class Kind(Enum):
    """How a field is laid out in a table's cells."""

    FIGURE = "figure"
    """A sourced number: two cells, the value and its source."""
    LIST = "list"
    """A list of names: one cell, the names separated by ';'."""
    DATA = "data"
    """A list of structured items (a scenario's changes): one cell, written as YAML on one
    line, ``[{table: demand, field: people, scale: 1.1}]``."""
    TEXT = "text"
    """Text, or one of a fixed set of words: one cell."""


def plain_type(annotation: Any) -> Any:
    """The type inside ``X | None``: an optional field holds the same kind of value."""
    if get_origin(annotation) in (Union, types.UnionType):
        (inner,) = [arg for arg in get_args(annotation) if arg is not type(None)]
        return inner
    return annotation


def is_model(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def kind_of(field: FieldInfo) -> Kind:
    annotation = plain_type(field.annotation)
    if is_model(annotation) and issubclass(annotation, Sourced):
        return Kind.FIGURE
    if get_origin(annotation) is list:
        return Kind.LIST if get_args(annotation) == (str,) else Kind.DATA
    return Kind.TEXT


def choices(field: FieldInfo) -> tuple[str, ...]:
    """The words a Literal field accepts; empty for free text."""
    annotation = plain_type(field.annotation)
    return get_args(annotation) if get_origin(annotation) is Literal else ()


def row_model(table: str) -> type[Row]:
    """The row model of one of the instance's tables, e.g. Demand for 'demand'."""
    (model,) = get_args(Instance.model_fields[table].annotation)
    return model


def scalar_fields() -> dict[str, FieldInfo]:
    return {name: Instance.model_fields[name] for name in SCALARS}


def parameter_fields() -> dict[str, FieldInfo]:
    """The instance's single values, laid out one to a row: its own scalars, then its
    settings. Their names do not clash, so one name identifies each."""
    return scalar_fields() | Settings.model_fields


def identifying_fields(model: type[BaseModel]) -> tuple[str, ...]:
    """The fields a person recognises a row by: its name, or else the names it refers to
    (a demand row by its locality and cohort)."""
    if "name" in model.model_fields:
        return ("name",)
    return tuple(
        name for name, field in model.model_fields.items() if plain_type(field.annotation) is str
    )


def type_at(loc: Sequence[str | int]) -> Any:
    """The type expected at a pydantic error location within an instance, or None where the
    location is not in the schema (an unknown field)."""
    current: Any = Instance
    for step in loc:
        current = plain_type(current)
        if isinstance(step, int) and get_origin(current) is list:
            current = get_args(current)[0]
        elif isinstance(step, str) and is_model(current) and step in current.model_fields:
            current = current.model_fields[step].annotation
        else:
            return None
    return plain_type(current)


def figure_guide(figure: type[Sourced]) -> str:
    """What a kind of figure holds, from the first paragraph of its class docstring:
    'A share between 0 and 1 (write 45% as 0.45).'"""
    return (inspect.getdoc(figure) or "").split("\n\n")[0]
