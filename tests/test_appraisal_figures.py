"""An appraisal's comparison row made straight from the solution's arrays (the fast path every
option takes) equals the row the full results tables give, column by column, for a first
solve and for re-solves of the same model with new prices, demand and limits."""

from __future__ import annotations

import math

import pytest

from models.appraisal import Option
from optimiser.appraisal.figures import plan_figures
from optimiser.appraisal.resolve import PersistentModels
from optimiser.appraisal.runner import WORKER_OPTIONS
from optimiser.appraisal.summary import comparison_row, outcome_columns
from optimiser.io import load_instance
from tests.builders import ROOT

DEFAULT = ROOT / "instances" / "default" / "instance.yaml"
WHY = {"source": "assumption: a change for a comparison-row test"}


def _scaled(rows, field, factor):
    return [row.model_copy(update={field: getattr(row, field).model_copy(
        update={"value": getattr(row, field).value * factor, **WHY})}) for row in rows]


def _same(fast: dict, full: dict) -> None:
    assert list(fast) == list(full)
    for column, expected in full.items():
        found = fast[column]
        if isinstance(expected, float) and not math.isnan(expected):
            assert found == pytest.approx(expected, rel=1e-9, abs=1e-6), column
        elif isinstance(expected, float):
            assert math.isnan(found), column
        else:
            assert found == expected, column


def test_the_row_from_the_arrays_is_the_row_from_the_tables():
    base = load_instance(DEFAULT)
    instances = [
        base,
        base.updated(services=_scaled(base.services, "price_capacity", 1.2)),
        base.updated(demand=_scaled(base.demand, "people", 1.05),
                     workforce=_scaled(base.workforce, "hire_max", 0.8)),
    ]
    kept = PersistentModels(WORKER_OPTIONS)
    option = Option(name="an option")
    unmet = []
    for instance in instances:
        solved = kept.solve(instance, detail=True)
        solution = solved.solution
        assert solution.optimal and solved.values is not None
        full = comparison_row(option, [], instance, solution.status, solution.message,
                              solution.objective, solution.tables)
        fast = outcome_columns(option, [], instance, solution.status, solution.message,
                               solution.objective)
        fast.update(plan_figures(solution.model, solved.values, instance))
        _same(fast, full)
        assert full["binding limits"] > 0 and full["largest shadow prices"]
        unmet.append(full["unmet people"])
    assert unmet[2] > 0  # the squeezed workforce leaves need unmet: that column is exercised


def test_without_tables_a_plan_keeps_its_arrays_and_the_same_objective():
    base = load_instance(DEFAULT)
    with_tables = PersistentModels(WORKER_OPTIONS).solve(base, detail=True)
    alone = PersistentModels(WORKER_OPTIONS).solve(base, detail=False)
    assert alone.solution.tables == {} and alone.values is not None
    assert alone.solution.objective == pytest.approx(with_tables.solution.objective, rel=1e-9)
    assert plan_figures(alone.solution.model, alone.values, base) == pytest.approx(
        plan_figures(with_tables.solution.model, with_tables.values, base))
