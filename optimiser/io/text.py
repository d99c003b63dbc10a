"""Reading a text input file, refusing what is not text."""

from __future__ import annotations

from pathlib import Path

from optimiser.io.errors import file_problem, require_file

MAX_BYTES = 200 * 2**20
"""Largest text input file read (a national instance is a few MB)."""


def read_text(path: Path, expected: str) -> str:
    """The file's text; an InputError saying ``expected`` if it is missing, binary or larger
    than :data:`MAX_BYTES`."""
    require_file(path, expected)
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise file_problem(path, f"a file of {size / 2**20:,.0f} MB",
                           f"{expected}, at most {MAX_BYTES // 2**20} MB")
    try:
        # utf-8-sig: Windows editors and Excel's "CSV UTF-8" start with a byte-order mark.
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise file_problem(path, "binary (non-text) content", expected) from None
    # A NUL decodes as UTF-8 but never occurs in text: the file is binary.
    if "\0" in text:
        raise file_problem(path, "binary (non-text) content", expected)
    return text
