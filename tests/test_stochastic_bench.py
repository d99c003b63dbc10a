"""The two-stage benchmark (``make bench``, mode ``stochastic``) at a tiny scale: it runs in a
process of its own, solves the deterministic equivalent of the synthetic futures, and
checks its targets against what it measured."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from optimiser.stochastic.bench import (
    TARGET_MEMORY_MB,
    TARGET_RATIO,
    StochasticRow,
    report,
    run,
)


def test_two_stage_bench_runs_and_checks_its_targets(tmp_path: Path):
    """Three localities × two years × three futures: the equivalent is solved in a process
    of its own, the ratio is total over HiGHS's own time, each check says met or missed as
    the figures do, and a run over the targets is reported as missed."""
    checks = run(tmp_path, (3, 2, 3), ph_iterations=0)
    row = json.loads((tmp_path / "stochastic.json").read_text())
    assert row["status"] == "optimal" and row["futures"] == 3
    assert row["total_over_highs"] == pytest.approx(row["total_s"] / row["highs_s"], rel=1e-2)
    assert row["highs_s"] <= row["total_s"]
    assert [met for _, met, _ in checks[:2]] == [
        row["total_s"] <= TARGET_RATIO * row["highs_s"], row["peak_mb"] <= TARGET_MEMORY_MB]
    fields = {k: v for k, v in row.items() if k not in ("total_over_highs", "progressive_hedging")}
    slow = replace(StochasticRow(**fields), total_s=3 * row["highs_s"], peak_mb=9000.0)
    assert [met for _, met, _ in report(slow)[:2]] == [False, False]
    assert row["progressive_hedging"] is None and len(checks) == 2
