"""What a person sees when an input file is wrong: every problem, one line each, naming the
file, the place in it, the field, what was found and what was expected."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

MAX_SHOWN = 25
"""Problems listed in a message; more would scroll off the screen, and the first few usually
explain the rest."""


@dataclass(frozen=True)
class InputProblem:
    """One thing wrong with an input file."""

    file: str
    location: str
    """Where in the file, e.g. 'row 5 (locality=Blaby, cohort=older_hospital)'; empty for the
    whole file."""
    field: str
    """The field or column at fault; empty when the problem is not in one field."""
    found: str
    expected: str

    def __str__(self) -> str:
        place = ", ".join(part for part in (self.file, self.location) if part)
        if self.field:
            place += f", field {self.field}"
        return f"{place}: found {self.found}; expected {self.expected}"


class InputError(Exception):
    """Input that cannot become an instance, with every problem found in it."""

    def __init__(self, problems: list[InputProblem]):
        self.problems = problems
        super().__init__(problems)

    def __str__(self) -> str:
        lines = [str(problem) for problem in self.problems[:MAX_SHOWN]]
        hidden = len(self.problems) - MAX_SHOWN
        if hidden > 0:
            lines.append(f"... and {hidden} more problems like these")
        return "\n".join(lines)


def file_problem(file: object, found: str, expected: str, location: str = "") -> InputError:
    """An error about a whole file (or a place in it) rather than one field."""
    return InputError([InputProblem(str(file), location, "", found, expected)])


def require_file(path: Path, expected: str) -> None:
    """Refuse a path that is not a readable file, saying what should have been there."""
    if not path.is_file():
        raise file_problem(path, "a folder" if path.is_dir() else "no such file", expected)


@contextmanager
def collecting(problems: list[InputProblem]) -> Iterator[None]:
    """Add an InputError's problems to ``problems`` and carry on, so that one message lists
    what is wrong in every table rather than stopping at the first."""
    try:
        yield
    except InputError as error:
        problems.extend(error.problems)


def raise_any(problems: list[InputProblem]) -> None:
    if problems:
        raise InputError(problems)
