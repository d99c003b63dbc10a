"""Names as people type them into a spreadsheet: spaces at either end trimmed, and a name
that refers to a locality, cohort, service, role, pathway, indicator or contract design
matched to the one defined ignoring capitals ('blaby ' is Blaby).

A name that still matches nothing is left for validation, whose message suggests the
nearest defined name. Each change is counted, so the reader can say what it did."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

DEFINED_IN: dict[str, str] = {
    "locality": "localities", "localities": "localities",
    "cohort": "cohorts", "cohorts": "cohorts",
    "service": "services", "services": "services",
    "from_service": "services", "to_service": "services",
    "role": "roles", "pathway": "pathways",
    "indicator": "indicators", "objective_indicator": "indicators",
    "design": "contract_designs", "designs": "contract_designs",
}
"""Each field that names a row of another table, and the table defining those names."""


@dataclass
class Matched:
    """What was changed: each name as written and as read."""

    changes: dict[str, str] = field(default_factory=dict)

    def note(self) -> str | None:
        """One line saying what was matched, or None when nothing was."""
        if not self.changes:
            return None
        shown = ", ".join(f"{written!r} as {read!r}"
                          for written, read in list(self.changes.items())[:3])
        more = "" if len(self.changes) <= 3 else f" and {len(self.changes) - 3} more"
        return (f"{len(self.changes)} names read ignoring spaces at the ends or capitals: "
                f"{shown}{more}.")


def _rows(data: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Every row of every table, and the settings, as plain dictionaries."""
    for value in data.values():
        if isinstance(value, list):
            yield from (row for row in value if isinstance(row, dict))
        elif isinstance(value, dict):
            yield value


def match_names(data: dict[str, Any]) -> Matched:
    """Trim every name and match every reference to a defined name ignoring capitals, in
    place in an instance's raw data; return what was changed."""
    matched = Matched()

    def read(written: object, known: dict[str, str] | None) -> object:
        if not isinstance(written, str):
            return written
        name = written.strip()
        if known is not None and name not in known.values():
            name = known.get(name.casefold(), name)
        if name != written:
            matched.changes[written] = name
        return name

    for table in set(DEFINED_IN.values()):
        for row in data.get(table) or []:
            if isinstance(row, dict) and "name" in row:
                row["name"] = read(row["name"], None)
    defined: dict[str, dict[str, str]] = {}
    for table in set(DEFINED_IN.values()):
        names = [row.get("name") for row in data.get(table) or [] if isinstance(row, dict)]
        folded = [n.casefold() for n in names if isinstance(n, str)]
        defined[table] = {n.casefold(): n for n in names
                          if isinstance(n, str) and folded.count(n.casefold()) == 1}
    for row in _rows(data):
        for key, table in DEFINED_IN.items():
            if key in row:
                value = row[key]
                row[key] = ([read(item, defined[table]) for item in value]
                            if isinstance(value, list) else read(value, defined[table]))
    return matched
