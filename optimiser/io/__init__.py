"""Reading and writing instances, and writing output files safely.

An instance is a YAML file (any of whose tables may be a CSV file beside it) or an Excel
workbook. Whatever is wrong with an input file becomes one :class:`InputError` listing every
problem by file, row and field; nothing else escapes from :func:`load_instance`.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from models import Instance
from optimiser.io.atomic import atomic_path
from optimiser.io.errors import InputError, InputProblem, file_problem
from optimiser.io.excel import read_excel, write_excel, write_template
from optimiser.io.origins import RawInstance
from optimiser.io.validate import validate
from optimiser.io.yaml_io import read_yaml, write_yaml

__all__ = [
    "InputError", "InputProblem", "RawInstance", "atomic_path", "load_instance",
    "load_with_notes", "read_excel",
    "read_raw", "read_yaml", "save_instance", "validate", "write_excel", "write_template",
    "write_yaml",
]

_READERS: dict[str, Callable[[Path], RawInstance]] = {
    ".yaml": read_yaml, ".yml": read_yaml, ".xlsx": read_excel,
}
_WRITERS: dict[str, Callable[[Instance, Path], None]] = {
    ".yaml": write_yaml, ".yml": write_yaml, ".xlsx": write_excel,
}
SUPPORTED = "an instance file ending .yaml, .yml or .xlsx"

Handler = TypeVar("Handler")


def read_raw(path: Path | str, allow_outside: bool = False) -> RawInstance:
    """An instance's data as read from a file, before validation (to change, then validate).
    A YAML file's tables must be in its folder unless ``allow_outside``."""
    path = Path(path)
    reader = _by_suffix(_READERS, path)
    return read_yaml(path, allow_outside) if reader is read_yaml else reader(path)


def load_instance(path: Path | str, allow_outside: bool = False) -> Instance:
    """The validated instance in a YAML file or workbook; InputError for any bad input
    (including a table file outside the instance's folder, unless ``allow_outside``)."""
    return load_with_notes(path, allow_outside)[0]


def load_with_notes(path: Path | str, allow_outside: bool = False
                    ) -> tuple[Instance, list[str]]:
    """:func:`load_instance`, with the reader's notes on what it passed over or tidied (a
    workbook's notes sheet ignored, names matched ignoring capitals), one line each."""
    with _collector_paused():
        raw = read_raw(path, allow_outside)
        return validate(raw), raw.notes


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off while a file is read and validated: what is
    made is kept, and each full collection walked all of it again (a national instance's
    million objects, about a second of its reading)."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def save_instance(instance: Instance, path: Path | str) -> None:
    """Write an instance as YAML or as a workbook, chosen by the file's suffix."""
    path = Path(path)
    _by_suffix(_WRITERS, path)(instance, path)


def _by_suffix(handlers: dict[str, Handler], path: Path) -> Handler:
    try:
        return handlers[path.suffix.lower()]
    except KeyError:
        found = f"the suffix {path.suffix!r}" if path.suffix else "a name without a suffix"
        raise file_problem(path, found, SUPPORTED) from None
