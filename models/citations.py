"""Cited lines that exist: every ``FILE:LINE`` an instance cites is a line of a source
document, whenever the documents are at hand (:func:`models.sourced.documents_folder`).

The form of every source is checked always (:func:`models.sourced.check_source`); this
check needs the documents, so a fresh clone without them skips it, and says nothing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from models.references import Problem
from models.sourced import Sourced, cited_lines, documents_folder, line_count

if TYPE_CHECKING:
    from models.instance import Instance


def _figures(instance: Instance, skip: frozenset[str] = frozenset()
             ) -> Iterator[tuple[str, int | None, str, Sourced]]:
    """Every figure of the instance but those of the tables in ``skip``: (table or
    'settings', row, field, figure)."""
    from models.instance import TABLES

    for field, value in instance.settings if "settings" not in skip else ():
        if isinstance(value, Sourced):
            yield "settings", None, field, value
    for table in TABLES:
        if table in skip:
            continue
        for i, row in enumerate(instance.table(table)):
            for field, value in row:
                if isinstance(value, Sourced):
                    yield table, i, field, value


def uncited(instance: Instance, documents: Path | None = None,
            skip: frozenset[str] = frozenset()) -> list[Problem]:
    """Citations of a document or line that does not exist in ``documents`` (default: the
    documents folder); none when the documents are not at hand. The tables in ``skip``
    (checked already) are left out."""
    folder = documents or documents_folder()
    if folder is None:
        return []
    problems = []
    for table, row, field, figure in _figures(instance, skip):
        for doc, _first, last in cited_lines(figure.source):
            lines = line_count(folder / doc)
            if lines is None:
                problems.append(Problem(table, row, field, f"the source {figure.source!r}",
                                        f"a document of the sources folder; {doc} is not "
                                        "one of them"))
            elif last > lines:
                problems.append(Problem(table, row, field, f"the source {figure.source!r}",
                                        f"a line of {doc}, which has {lines:,} lines"))
    return problems
