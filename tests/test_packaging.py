"""The package's metadata builds without a warning from setuptools, and says its licence."""

from __future__ import annotations

import shutil
import warnings
from pathlib import Path

import pytest
from setuptools import build_meta

from tests.builders import ROOT


def test_metadata_builds_without_deprecation_warnings(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch):
    """setuptools deprecates a licence given as a table (``{text = ...}``): the SPDX string
    builds without a warning and reaches the metadata as a licence expression. Built from a
    copy of the project file, so nothing is written into the checkout."""
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, tmp_path / name)
    (tmp_path / "optimiser").mkdir()
    (tmp_path / "optimiser" / "__init__.py").touch()
    monkeypatch.chdir(tmp_path)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        info = build_meta.prepare_metadata_for_build_wheel(str(tmp_path))
    assert [str(w.message) for w in caught if "Deprecat" in w.category.__name__] == []
    metadata = (tmp_path / info / "METADATA").read_text()
    assert "License-Expression: MIT" in metadata.splitlines()
