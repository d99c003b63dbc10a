"""Numbers that carry their provenance.

Every numeric input of an instance is a :class:`Sourced` value: the figure and where it came
from. A source is one of

* ``FILE:LINE`` or ``FILE:LINE-LINE``: a line of one of the seed documents, e.g.
  ``001_4550ef852cabf2d2.txt:867``;
* ``derived: <arithmetic>``: a figure computed from document figures, showing the arithmetic
  and citing at least one ``FILE:LINE``;
* ``assumption: <reason>``: a figure the documents do not give, with the reason and basis;
* ``ref: <publication>``: a figure from a named public publication (a report, a paper, an
  official statistics table), cited so a reader can find it.
"""

from __future__ import annotations

import math
import re
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

DOCUMENT = r"\d{3}_[0-9a-f]{16}\.txt"
DOCUMENT_REF = re.compile(rf"({DOCUMENT}):(\d+)(?:-(\d+))?")
_CITATION = re.compile(rf"^{DOCUMENT}:\d+(?:-\d+)?$")
_MIN_REASON = 10


def check_source(source: str) -> str:
    """Accept a document citation, a derivation citing a document, or a reasoned assumption."""
    text = source.strip()
    if _CITATION.match(text):
        return text
    if text.startswith("derived:"):
        if not DOCUMENT_REF.search(text):
            raise ValueError(
                f"found {source!r}; a derived figure must cite the document lines it comes "
                "from, e.g. 'derived: 8700 / 7 from 001_4550ef852cabf2d2.txt:862'"
            )
        return text
    if text.startswith("assumption:"):
        if len(text.removeprefix("assumption:").strip()) < _MIN_REASON:
            raise ValueError(
                f"found {source!r}; an assumption must give its reason and basis "
                "(at least a few words)"
            )
        return text
    if text.startswith("ref:"):
        if len(text.removeprefix("ref:").strip()) < _MIN_REASON:
            raise ValueError(
                f"found {source!r}; a reference must name the publication (title, author or "
                "body, year, and the table or page)"
            )
        return text
    raise ValueError(
        f"found {source!r}; expected a document line such as "
        "'001_4550ef852cabf2d2.txt:867', 'derived: <arithmetic> from FILE:LINE', "
        "'ref: <publication>' or 'assumption: <reason>'"
    )


def cited_lines(source: str) -> list[tuple[str, int, int]]:
    """The (document, first line, last line) triples a source cites."""
    return [
        (doc, int(first), int(last or first))
        for doc, first, last in DOCUMENT_REF.findall(source)
    ]


def _finite(value: float) -> float:
    if not math.isfinite(value):
        raise ValueError(f"found {value}; expected a finite number")
    return value


Source = Annotated[str, AfterValidator(check_source)]
FiniteFloat = Annotated[float, AfterValidator(_finite)]


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

    value: Annotated[FiniteFloat, Field(ge=0, le=52)]


class Growth(Sourced):
    """A yearly rate of change; -0.05 is a 5% fall, 0.02 a 2% rise."""

    value: Annotated[FiniteFloat, Field(gt=-1, le=1)]


class Factor(Sourced):
    """A positive multiplier, such as a locality's cost factor or a contract design's effect."""

    value: Annotated[FiniteFloat, Field(gt=0, le=100)]
