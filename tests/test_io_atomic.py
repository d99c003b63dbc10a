"""Output files are replaced whole or not at all."""

from __future__ import annotations

import pytest

from optimiser.io import atomic_path


def test_replaces_the_file_and_leaves_nothing_behind(tmp_path):
    target = tmp_path / "plan.csv"
    target.write_text("old")

    with atomic_path(target) as temporary:
        assert temporary.parent == tmp_path
        assert temporary.suffix == ".csv"
        temporary.write_text("new")
        assert target.read_text() == "old"

    assert target.read_text() == "new"
    assert list(tmp_path.iterdir()) == [target]


def test_a_failed_write_leaves_the_old_file(tmp_path):
    target = tmp_path / "plan.csv"
    target.write_text("old")

    with pytest.raises(RuntimeError), atomic_path(target) as temporary:
        temporary.write_text("half")
        raise RuntimeError("the writer failed")

    assert target.read_text() == "old"
    assert list(tmp_path.iterdir()) == [target]


def test_creates_the_folder(tmp_path):
    target = tmp_path / "results" / "run 1" / "plan.csv"

    with atomic_path(target) as temporary:
        temporary.write_text("new")

    assert target.read_text() == "new"
