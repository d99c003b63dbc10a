"""Progressive hedging (mpi-sppy) against the deterministic equivalent on the shipped
England instance with nine futures. Needs the optional extra ``.[stochastic]``."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from optimiser.io import load_instance
from optimiser.stochastic.run import solve_stochastic
from tests.builders import ROOT

pytest.importorskip("mpisppy", reason="progressive hedging needs pip install -e '.[stochastic]'")

ENGLAND = ROOT / "instances" / "england" / "uncertainty.yaml"


@pytest.mark.slow
def test_progressive_hedging_agrees_with_the_deterministic_equivalent():
    """PH's commitments, carried into every future, cost within 0.1% of the deterministic
    equivalent's optimum (never less: the DE is the optimum), and they are the same in every
    future's plan."""
    instance = load_instance(ENGLAND)
    exact = solve_stochastic(instance, with_measures=False)
    hedged = solve_stochastic(instance, method="ph", with_measures=False)
    assert exact.optimal and hedged.optimal
    assert exact.objective is not None and hedged.objective is not None
    gap = (hedged.objective - exact.objective) / exact.objective
    assert -1e-9 <= gap <= 1e-3
    assert hedged.details["ph_iterations"] >= 1
    years = set(hedged.commit_years)
    first = None
    for plan in hedged.plans.values():
        capacity = plan.tables["capacity"]
        now = capacity[capacity["year"].isin(years)]["capacity"].to_numpy()
        if first is None:
            first = now
        assert now == pytest.approx(first, rel=1e-9)


def _open_devnull() -> int:
    """How many of this process's file descriptors are open on /dev/null."""
    fds = Path("/proc/self/fd")
    return sum(1 for fd in fds.iterdir() if os.path.realpath(fd) == os.devnull)


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs Linux's /proc")
def test_progressive_hedging_leaves_no_file_open():
    """mpi-sppy's timing lines are sent to /dev/null while it works; that file is closed when
    the plan is done, so ``python -W error::ResourceWarning`` has nothing to warn of at exit
    (before, one /dev/null was left open by every solve)."""
    newsvendor = ROOT / "instances" / "examples" / "newsvendor" / "instance.yaml"
    before = _open_devnull()
    hedged = solve_stochastic(load_instance(newsvendor), method="ph", with_measures=False)
    assert hedged.optimal
    assert _open_devnull() == before
