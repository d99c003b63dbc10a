"""pydantic's complaints restated in a commissioner's words: what was found, and what was
expected instead."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any, get_origin

from pydantic_core import ErrorDetails

from models import TABLES, Sourced
from optimiser.io.schema import figure_guide, is_model, type_at

NUMBER = "a number (write 45% as 0.45, and leave out £ signs and commas)"
NUMERIC_RULE = (": digits with an optional sign, decimal point and exponent, such as 12, -3.5 "
                "or 4.2e6")
FIGURE = "a number and its source"
FIGURE_IN_YAML = 'a number and its source, written {value: 12, source: "..."}'
SOURCE = ("its source: a document line (FILE:LINE), 'derived: ...', 'ref: ...' or "
          "'assumption: ...'")
SHOWN_LENGTH = 60
_BOUNDS = {
    "greater_than_equal": ("ge", "≥"),
    "greater_than": ("gt", ">"),
    "less_than_equal": ("le", "≤"),
    "less_than": ("lt", "<"),
}
_FOUND_EXPECTED = re.compile(r"found (?P<found>.*?); (?:expected )?(?P<expected>.*)", re.DOTALL)

Wording = Callable[[ErrorDetails], tuple[str, str]]


def describe(detail: ErrorDetails) -> tuple[str, str]:
    """What was found and what was expected, for one of pydantic's errors."""
    return _BY_TYPE.get(detail["type"], _as_pydantic_says)(detail)


def shown(value: object) -> str:
    """A value as a person would write it (-3, not -3.0), cut short if long."""
    if isinstance(value, float) and value.is_integer():
        text = str(int(value))
    else:
        text = repr(value)
    return text if len(text) <= SHOWN_LENGTH else text[: SHOWN_LENGTH - 3] + "..."


def _missing(detail: ErrorDetails) -> tuple[str, str]:
    return "nothing", _what_goes_at(detail["loc"])


def _unknown_field(detail: ErrorDetails) -> tuple[str, str]:
    model = type_at(detail["loc"][:-1])
    known = ", ".join(model.model_fields) if is_model(model) else "the documented fields"
    return "a field that is not part of it", f"one of {known} (check the spelling)"


def _out_of_range(detail: ErrorDetails) -> tuple[str, str]:
    limit, symbol = _BOUNDS[detail["type"]]
    expected = f"a number {symbol} {detail['ctx'][limit]}"
    figure = type_at(detail["loc"][:-1])
    if _is_figure(figure):
        guide = figure_guide(figure).rstrip(".")
        expected += f" – {guide[0].lower()}{guide[1:]}"
    return shown(detail["input"]), expected


def _not_a_number(detail: ErrorDetails) -> tuple[str, str]:
    value = detail["input"]
    if isinstance(value, bool):
        return f"{str(value).lower()} (a yes/no value, not a number)", NUMBER
    if isinstance(value, str):
        return shown(value), NUMBER + NUMERIC_RULE
    return shown(value), NUMBER


def _model_says(detail: ErrorDetails) -> tuple[str, str]:
    """The models' own checks already say 'found ...; expected ...'."""
    message = str(detail.get("ctx", {}).get("error", detail["msg"]))
    match = _FOUND_EXPECTED.fullmatch(message)
    return (match["found"], match["expected"]) if match else (shown(detail["input"]), message)


def _not_a_choice(detail: ErrorDetails) -> tuple[str, str]:
    return shown(detail["input"]), f"one of {detail['ctx']['expected']}"


def _not_text(detail: ErrorDetails) -> tuple[str, str]:
    return shown(detail["input"]), "text (in YAML, put it in quotes)"


def _too_few(detail: ErrorDetails) -> tuple[str, str]:
    one, many = ("row", "rows") if detail["loc"][-1] in TABLES else ("entry", "entries")
    found, least = detail["ctx"]["actual_length"], detail["ctx"]["min_length"]
    return (f"{found} {one if found == 1 else many}",
            f"at least {least} {one if least == 1 else many}")


def _wrong_shape(detail: ErrorDetails) -> tuple[str, str]:
    loc = detail["loc"]
    # Only YAML can give one value where a figure's two belong: a table has a cell for each.
    expected = FIGURE_IN_YAML if _is_figure(type_at(loc)) else _what_goes_at(loc)
    return shown(detail["input"]), expected


def _as_pydantic_says(detail: ErrorDetails) -> tuple[str, str]:
    message = detail["msg"]
    return shown(detail["input"]), message[0].lower() + message[1:]


def _what_goes_at(loc: Sequence[str | int]) -> str:
    if len(loc) == 1 and loc[0] in TABLES:
        return f"a list of rows, or the name of a CSV file beside this one, such as {loc[0]}.csv"
    if loc and loc[-1] == "source" and _is_figure(type_at(loc[:-1])):
        return SOURCE
    expected: Any = type_at(loc)
    if _is_figure(expected):
        return FIGURE
    if is_model(expected):
        return "the fields " + ", ".join(expected.model_fields)
    if get_origin(expected) is list:
        return "a list"
    return {float: "a number", str: "text"}.get(expected, "a value")


def _is_figure(annotation: Any) -> bool:
    return is_model(annotation) and issubclass(annotation, Sourced)


_BY_TYPE: dict[str, Wording] = {
    "missing": _missing,
    "extra_forbidden": _unknown_field,
    **dict.fromkeys(_BOUNDS, _out_of_range),
    "float_parsing": _not_a_number,
    "float_type": _not_a_number,
    "value_error": _model_says,
    "literal_error": _not_a_choice,
    "string_type": _not_text,
    "list_type": _wrong_shape,
    "too_short": _too_few,
    "model_type": _wrong_shape,
    "dict_type": _wrong_shape,
}
