"""Numbers that carry their provenance.

Every numeric input of an instance is a :class:`Sourced` value: the figure and where it came
from. A source is one of

* ``FILE:LINE`` or ``FILE:LINE-LINE``: a line of one of the seed documents, e.g.
  ``001_4550ef852cabf2d2.txt:867``;
* ``derived: <arithmetic>``: a figure computed from document figures, showing the arithmetic
  and citing at least one ``FILE:LINE``;
* ``ref: <publication>``: a named public publication, with its table or page;
* ``assumption: <reason>``: a figure the documents do not give, with the reason and basis.

The form is always checked (a line number is 1 or more, a range runs forwards). Whether the
cited document and line exist is checked whenever the documents are at hand
(:func:`documents_folder`: the folder named by the ``CARE_SOURCES`` environment setting, by
default ``../shared/seeds`` beside the project); see :mod:`models.citations`.
"""

from __future__ import annotations

import math
import os
import re
from functools import lru_cache
from pathlib import Path
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, Strict

from models.units import WEEKS_PER_YEAR

DOCUMENT = r"\d{3}_[0-9a-f]{16}\.txt"
DOCUMENT_REF = re.compile(rf"({DOCUMENT}):(\d+)(?:-(\d+))?")
_CITATION = re.compile(rf"^{DOCUMENT}:\d+(?:-\d+)?$")
_MIN_REASON = 10
_WORDED = {
    "ref:": "a reference must name the publication and its table or page",
    "assumption:": "an assumption must give its reason and basis",
}
"""The sources made of words, and what their words must give: at least :data:`_MIN_REASON`
characters after the prefix."""
SOURCES_SETTING = "CARE_SOURCES"
"""The environment setting naming the folder of source documents."""
DEFAULT_SOURCES = Path(__file__).resolve().parents[1].parent / "shared" / "seeds"
"""Where the documents are when the setting is not given: ``../shared/seeds`` beside the
project."""


def documents_folder() -> Path | None:
    """The folder of source documents (``CARE_SOURCES``, else ``../shared/seeds`` beside the
    project), or None where it is not there (a fresh clone): cited lines then go unchecked."""
    setting = os.environ.get(SOURCES_SETTING)
    folder = Path(setting) if setting else DEFAULT_SOURCES
    return folder if folder.is_dir() else None


@lru_cache(maxsize=64)
def line_count(document: Path) -> int | None:
    """The number of lines of a source document; None if there is no such document."""
    try:
        with document.open("rb") as text:
            return sum(1 for _ in text)
    except OSError:
        return None


def _check_ranges(source: str) -> None:
    for doc, first, last in cited_lines(source):
        if first < 1:
            raise ValueError(f"found {source!r}; expected line numbers from 1 ({doc}:{first} "
                             "cites no line)")
        if last < first:
            raise ValueError(f"found {source!r}; expected a range of lines that runs forwards "
                             f"({doc}:{first}-{first + 1}, not {first}-{last})")


@lru_cache(maxsize=4096)
def check_source(source: str) -> str:
    """Accept a document citation, a derivation citing a document, a named publication or a
    reasoned assumption. Remembered by text: an appraisal validates the same few hundred
    sources in every option's instance (a refused source raises, and is not remembered)."""
    text = source.strip()
    _check_ranges(text)
    if _CITATION.match(text):
        return text
    if text.startswith("derived:"):
        if not DOCUMENT_REF.search(text):
            raise ValueError(
                f"found {source!r}; a derived figure must cite the document lines it comes "
                "from, e.g. 'derived: 8700 / 7 from 001_4550ef852cabf2d2.txt:862'"
            )
        return text
    for prefix, needs in _WORDED.items():
        if text.startswith(prefix):
            if len(text.removeprefix(prefix).strip()) < _MIN_REASON:
                raise ValueError(f"found {source!r}; {needs} (at least a few words)")
            return text
    raise ValueError(
        f"found {source!r}; expected a document line such as "
        "'001_4550ef852cabf2d2.txt:867', 'derived: <arithmetic> from FILE:LINE', "
        "'ref: <publication, table or page>' or 'assumption: <reason>'"
    )


@lru_cache(maxsize=4096)
def cited_lines(source: str) -> tuple[tuple[str, int, int], ...]:
    """The (document, first line, last line) triples a source cites."""
    return tuple(
        (doc, int(first), int(last or first))
        for doc, first, last in DOCUMENT_REF.findall(source)
    )


def _finite(value: float) -> float:
    if not math.isfinite(value):
        raise ValueError(f"found {value}; expected a finite number")
    return value


Source = Annotated[str, AfterValidator(check_source)]
FiniteFloat = Annotated[float, Strict(), AfterValidator(_finite)]
"""A real number: an int or a float, never text, never true/false (YAML's yes/no). Text
cells of a CSV file or workbook become numbers by one rule before they get here
(:func:`optimiser.io.tables.figure_from_cell`)."""


class Sourced(BaseModel):
    """A number with the document line or assumption it rests on."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    value: FiniteFloat
    """The figure, in the unit its field states."""
    source: Source
    """Where the figure comes from: ``FILE:LINE``, ``derived: ...``, ``ref: ...`` or
    ``assumption: ...``."""


class Amount(Sourced):
    """A non-negative figure: people, pounds, hours, units of capacity."""

    value: Annotated[FiniteFloat, Field(ge=0)]


class Share(Sourced):
    """A share between 0 and 1 (write 45% as 0.45)."""

    value: Annotated[FiniteFloat, Field(ge=0, le=1)]


class Weeks(Sourced):
    """A number of weeks within one planning year (0 to 52)."""

    value: Annotated[FiniteFloat, Field(ge=0, le=WEEKS_PER_YEAR)]


class Days(Sourced):
    """A number of days above 0, such as a mean length of stay."""

    value: Annotated[FiniteFloat, Field(gt=0)]


class Growth(Sourced):
    """A yearly rate of change; -0.05 is a 5% fall, 0.02 a 2% rise."""

    value: Annotated[FiniteFloat, Field(gt=-1, le=1)]


class Factor(Sourced):
    """A positive multiplier, such as a locality's cost factor or a contract design's effect."""

    value: Annotated[FiniteFloat, Field(gt=0, le=100)]
