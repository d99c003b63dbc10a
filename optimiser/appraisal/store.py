"""Each option's result on disk, written the moment it is known and never half-written.

An option's result is one folder, ``options/<option>/``: ``result.json`` (status, reason,
objective, timings, its comparison row) and, when it has a plan, a CSV per results table.
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

import pandas as pd

OPTIONS = "options"
RESULT = "result.json"
FINISHED = ("optimal", "infeasible", "unbounded")
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
                frame.to_csv(temporary / f"{table}.csv", index=False)
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

    def table(self, name: str, table: str) -> pd.DataFrame | None:
        path = self.folder(name) / f"{table}.csv"
        return pd.read_csv(path, keep_default_na=False, na_values=[""]) \
            if path.exists() else None


def _fsync_folder(folder: Path) -> None:
    """Flush the files to disk before the rename makes them visible."""
    for path in folder.iterdir():
        with open(path, "rb") as handle:
            os.fsync(handle.fileno())
