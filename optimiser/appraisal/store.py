"""Each option's result on disk, written the moment it is known and never half-written.

An option's result is one folder, ``options/<option>/``: ``result.json`` (status, reason,
objective, timings, its comparison row) and, when its detail was asked for and it has a
plan, a Parquet file per results table (``capacity.parquet``, ...) and its ``report.html``.
The folder is filled under a temporary name and renamed into place in one step, so after a
crash a folder either holds a whole result or does not exist. A rerun keeps every folder
whose option is unchanged (same fingerprint) and solves only the rest."""

from __future__ import annotations

import json
import math
import os
import shutil
import time
import uuid
from pathlib import Path
from typing import Literal, get_args

import pandas as pd

OPTIONS = "options"
RESULT = "result.json"
TABLE = ".parquet"
"""Each results table of an option is a Parquet file: typed columns, written and read in a
fraction of the time of CSV."""
FINISHED = ("optimal", "infeasible", "unbounded")
Detail = Literal["best", "all", "none"]
DETAIL: tuple[Detail, ...] = get_args(Detail)
"""Which options get their results tables and their own page: the one the appraisal's
report draws (``report.option``, else the cheapest plan that meets every person's need: the
default), every option, or none. Every option gets its comparison row whatever is chosen."""
"""Statuses that are answers about the option; anything else may be retried."""


def _clean(value):
    """JSON has no NaN: write it as null."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return value


class Store:
    """The options folder of an appraisal's output folder."""

    def __init__(self, out_dir: Path):
        self.root = Path(out_dir) / OPTIONS
        self.root.mkdir(parents=True, exist_ok=True)

    def folder(self, name: str) -> Path:
        return self.root / name

    def clear_leftovers(self) -> int:
        """Remove temporary folders a killed run left behind; return how many."""
        leftovers = [p for p in self.root.iterdir() if p.name.startswith(".")]
        for path in leftovers:
            shutil.rmtree(path, ignore_errors=True)
        return len(leftovers)

    def read(self, name: str) -> dict | None:
        """The recorded result of an option's folder, or None if it has none."""
        try:
            return json.loads((self.folder(name) / RESULT).read_text(encoding="utf-8"))
        except (FileNotFoundError, json.JSONDecodeError, NotADirectoryError):
            return None

    def finished(self, name: str, fingerprint: str, retry_failed: bool = False) -> bool:
        """Whether the option already has a result for exactly this option."""
        result = self.read(name)
        if result is None or result.get("fingerprint") != fingerprint:
            return False
        return not (retry_failed and result.get("status") not in FINISHED)

    def write(self, name: str, result: dict, tables: dict[str, pd.DataFrame],
              pages: dict[str, str] | None = None) -> Path:
        """Record an option's result atomically: fill a temporary folder, rename it in.
        ``pages`` are further text files by name (the option's ``report.html``)."""
        final = self.folder(name)
        temporary = self.root / f".tmp-{name}-{uuid.uuid4().hex[:8]}"
        temporary.mkdir()
        try:
            for table, frame in tables.items():
                frame.to_parquet(temporary / f"{table}{TABLE}", engine="pyarrow", index=False)
            for page, text in (pages or {}).items():
                (temporary / page).write_text(text, encoding="utf-8")
            result = dict(result, finished=time.strftime("%Y-%m-%dT%H:%M:%S%z"))
            (temporary / RESULT).write_text(
                json.dumps(_clean(result), indent=2, default=str) + "\n", encoding="utf-8")
            _fsync_folder(temporary)
            if final.exists():
                retired = self.root / f".old-{name}-{uuid.uuid4().hex[:8]}"
                os.replace(final, retired)
                os.replace(temporary, final)
                shutil.rmtree(retired, ignore_errors=True)
            else:
                os.replace(temporary, final)
        finally:
            if temporary.exists():
                shutil.rmtree(temporary, ignore_errors=True)
        return final

    def add(self, name: str, tables: dict[str, pd.DataFrame], pages: dict[str, str]) -> None:
        """Add results tables and pages to an option's recorded result, leaving its
        ``result.json`` as it is. Each file is written under a temporary name and renamed
        into place, so a file either is whole or does not exist."""
        folder = self.folder(name)
        files: list[tuple[str, pd.DataFrame | str]] = [
            *((f"{table}{TABLE}", frame) for table, frame in tables.items()), *pages.items()]
        for file, content in files:
            temporary = folder / f".tmp-{uuid.uuid4().hex[:8]}-{file}.part"
            try:
                if isinstance(content, str):
                    temporary.write_text(content, encoding="utf-8")
                else:
                    content.to_parquet(temporary, engine="pyarrow", index=False)
                with open(temporary, "rb") as handle:
                    os.fsync(handle.fileno())
                os.replace(temporary, folder / file)
            finally:
                temporary.unlink(missing_ok=True)

    def has_tables(self, name: str) -> bool:
        """Whether an option's results tables are recorded."""
        folder = self.folder(name)
        return folder.is_dir() and any(folder.glob(f"*{TABLE}"))

    def table(self, name: str, table: str) -> pd.DataFrame | None:
        """One results table of an option, or None if its detail was not written."""
        path = self.folder(name) / f"{table}{TABLE}"
        return pd.read_parquet(path) if path.exists() else None


def _fsync_folder(folder: Path) -> None:
    """Flush the files to disk before the rename makes them visible."""
    for path in folder.iterdir():
        with open(path, "rb") as handle:
            os.fsync(handle.fileno())
