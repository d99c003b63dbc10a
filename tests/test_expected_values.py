"""Every shipped instance gives the status, objective and LP size pinned in
tests/expected_values.py. A change that moves them regenerates the pins with its reason
(``python -m tests.expected_values --update --reason "..."``) in the same commit."""

from __future__ import annotations

import pytest

from tests.expected_values import EXPECTED, Expected, measure, moved, shipped


def test_every_shipped_instance_is_pinned():
    assert set(EXPECTED) == set(shipped()), "run python -m tests.expected_values --update"


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_shipped_instance_gives_its_pinned_figures(name):
    expected = EXPECTED[name]
    status, objective, rows, columns, nonzeros = measure(name)
    assert (status, rows, columns, nonzeros) == (
        expected.status, expected.rows, expected.columns, expected.nonzeros)
    if expected.objective is None:
        assert objective is None
    else:
        assert objective == pytest.approx(expected.objective, rel=1e-6)
    assert expected.reason[:10].count("-") == 2, "each pin carries the date it was set"


def test_a_move_beyond_one_in_a_million_counts_as_moved():
    pinned = Expected("optimal", 1_000_000.0, 10, 8, 20, "2026-12-01: test")
    assert not moved(pinned, "optimal", 1_000_000.9, (10, 8, 20))
    assert moved(pinned, "optimal", 1_000_001.1, (10, 8, 20))
    assert moved(pinned, "optimal", 1_000_000.0, (10, 8, 21))
    assert moved(pinned, "infeasible", None, (10, 8, 20))
