"""Writing output files so that a reader never sees half of one: write beside the target, then
rename over it in one step."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def atomic_path(path: Path | str) -> Iterator[Path]:
    """Yield a temporary path to write ``path``'s content to; on success it replaces ``path``.

    The temporary file is in the same folder, because ``os.replace`` is atomic only within a
    file system. It keeps ``path``'s suffix, so writers that choose a format from the suffix
    (pandas, openpyxl) still do. If the block raises, ``path`` is left as it was.

    >>> with atomic_path("results/plan.csv") as temporary:  # doctest: +SKIP
    ...     frame.to_csv(temporary)
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.stem}.{uuid.uuid4().hex[:12]}.tmp{path.suffix}")
    try:
        yield temporary
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
