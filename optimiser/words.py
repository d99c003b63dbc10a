"""Small pieces of British English the sentences about limits are built from: labels inside
a sentence, plurals, counts, money, target levels, lists."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any


def and_(items: list[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def or_(items: list[str]) -> str:
    """'a, or b, or c': alternatives a commissioner chooses between."""
    return ", or ".join(items)


def lower_first(text: str) -> str:
    """'Home care' → 'home care', as it reads inside a sentence. A first word that is an
    acronym or holds one (a capital or a digit after its first letter: 'NHS', 'NHS-funded',
    'D2A') is left alone."""
    first = text.split(" ", 1)[0]
    if not first[:1].isupper() or any(c.isupper() or c.isdigit() for c in first[1:]):
        return text
    return text[0].lower() + text[1:]


def in_sentence(labels: Mapping[str, str], localities: Iterable[str]) -> dict[str, str]:
    """Each label as it reads inside a sentence ('cost of meeting one more older adults
    discharged from hospital need in Melton'): the one place labels are put in sentence case.
    Localities are place names and keep their capitals, and so does a label starting with a
    locality's ('Melton residents'); any other label starts in lower case unless its first
    word is an acronym (:func:`lower_first`)."""
    places = {name: labels[name] for name in localities}
    return {name: text if name in places or any(text == p or text.startswith(p + " ")
                                                 for p in places.values())
            else lower_first(text)
            for name, text in labels.items()}


def label(d: Any, name: str) -> str:
    """A locality's, cohort's, service's, role's, pathway's or indicator's label, as it reads
    inside a sentence (:func:`in_sentence`), from the prepared data ``d``."""
    return d.sentence_labels[name]


def plural(noun: str, amount: float = 2.0) -> str:
    """'reablement worker' → 'reablement workers', 'hour per week' → 'hours per week'."""
    if math.isclose(amount, 1.0):
        return noun
    head, sep, tail = noun.partition(" per ")
    words = head.split(" ")
    last = words[-1]
    if last and last[-1].isalpha() and not last.endswith(("s", "staff", "care")):
        words[-1] = last[:-1] + "ies" if last.endswith("y") and last[-2:-1] not in "aeiou" \
            else last + "s"
    return " ".join(words) + sep + tail


def number(value: float) -> str:
    """A count rounded up to one decimal place (so the change is enough), without '.0'."""
    if value >= 100:
        return f"{math.ceil(value - 1e-9):,}"
    text = f"{math.ceil(value * 10 - 1e-6) / 10:.1f}"
    return text.removesuffix(".0")


def money(value: float) -> str:
    """Pounds rounded up to the pound (so the change is enough)."""
    return f"£{math.ceil(value - 1e-6):,}"


def level(value: float, basis: str) -> str:
    """A target level: a share of the cohort's need ('80%') or a rate ('420 per 100,000')."""
    if basis == "population":
        return f"{value:,.1f}".removesuffix(".0") + " per 100,000"
    return f"{value * 100:.1f}".removesuffix(".0") + "%"


def people(amount: float) -> str:
    """'person' or 'people'."""
    return "person" if math.isclose(amount, 1.0) else "people"
