"""Where each part of an instance was read from, so that a problem found when validating it
can be reported against the file, row and line a person can open."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

Steps = Sequence[str | int]
"""Steps below a row (or below a top-level entry), as in a pydantic error location:
('people', 'value')."""


class Origin(Protocol):
    """A file (or part of one) that some of an instance's entries were read from."""

    @property
    def file(self) -> str:
        """The file's path, as given."""
        ...

    def locate(self, entry: str, row: int | None, path: Steps) -> str:
        """Where ``entry[row].path`` is in the file, in a person's words ('row 5')."""
        ...

    def field_name(self, entry: str, path: Steps) -> str:
        """The name a person sees for the field at ``path`` (a column, a YAML key)."""
        ...


@dataclass
class Origins:
    """Where each top-level entry of an instance came from: the main file, unless a table was
    read from a file or sheet of its own."""

    main: Origin
    tables: dict[str, Origin] = field(default_factory=dict)

    def of(self, entry: str) -> Origin:
        return self.tables.get(entry, self.main)


@dataclass
class RawInstance:
    """An instance as read from its files, before validation: plain data ready for
    ``Instance.model_validate``, and where each part of it came from."""

    data: dict[str, Any]
    origins: Origins
    notes: list[str] = field(default_factory=list)
    """What the reader passed over or tidied, one line each (a notes sheet ignored), for the
    person to see: nothing in a note stops the instance being used."""
