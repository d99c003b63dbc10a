"""A single solve with nothing to follow (``optimiser solve``, ``keep_model=False``) builds
and compiles the model in a child process and lets it go (:mod:`optimiser.released`): the
same plan, tables and diagnosis as the kept model's, in less memory (docs/performance.md,
"Memory")."""

from __future__ import annotations

import os
import weakref

import pandas as pd
import pyomo.environ as pyo
import pytest

from models import Instance
from optimiser.io import load_instance
from optimiser.lp import compile_model
from optimiser.lp.release import release_model, release_rows
from optimiser.pipeline import build, solve
from optimiser.released import compile_released, in_child
from optimiser.solve import DirectHighs
from optimiser.synthetic import synthetic_instance
from tests import builders
from tests.builders import ROOT, S, worked_example

INSTANCE = synthetic_instance(8, 3, seed=5)

def _maximising() -> Instance:
    """MODEL.md's example maximising people left independent within £10m (need met first:
    tests/test_model_hand.py works it out)."""
    data = worked_example()
    data["settings"]["objective"] = "max_outcome"
    data["settings"]["objective_indicator"] = "independent"
    data["budget"] = [{"year": "2026/27", "amount": S(10e6)}]
    return builders.build(data)


INFEASIBLE = ROOT / "instances" / "examples" / "infeasible-workforce-target" / "instance.yaml"


def _members(model: pyo.ConcreteModel, kind) -> int:
    return sum(1 for _ in model.component_data_objects(kind))


def _assert_same_tables(once, kept) -> None:
    assert once.tables.keys() == kept.tables.keys()
    for name, table in kept.tables.items():
        pd.testing.assert_frame_equal(once.tables[name], table, check_exact=True, obj=name)


@pytest.fixture(params=["forked", "in this process"])
def where(request, monkeypatch):
    """Where the system can fork, and where it cannot (the same work in the process)."""
    if request.param == "in this process":
        monkeypatch.delattr(os, "fork")
    return request.param


def test_the_single_solve_gives_the_kept_models_summary_and_tables(where):
    kept = solve(INSTANCE, ranging=False)
    once = solve(INSTANCE, ranging=False, keep_model=False)
    assert kept.optimal and once.optimal
    assert once.summary() == kept.summary()
    _assert_same_tables(once, kept)
    assert (once.maximised, once.spend) == (None, kept.spend)
    assert once.model is not None and kept.model is not None
    for kind in (pyo.Constraint, pyo.Var, pyo.Expression):
        assert _members(kept.model, kind) > 0
        assert _members(once.model, kind) == 0, kind


def test_compiling_for_a_single_solve_frees_the_rows_and_columns():
    """Nothing but the model held a row or a column: once compiled for a single solve, they
    are gone, while the arrays and the model's sets and data stay."""
    held: list[weakref.ref] = []

    def look(model: pyo.ConcreteModel) -> bool:
        held.append(weakref.ref(next(iter(model.component_data_objects(pyo.Constraint)))))
        held.append(weakref.ref(next(iter(model.component_data_objects(pyo.Var)))))
        return False

    compiled = compile_released(INSTANCE, look)
    assert compiled is not None
    assert [ref() for ref in held] == [None, None]
    assert compiled.lp.rows.count > 0 and len(compiled.model.T) == len(INSTANCE.years)


def test_rows_and_columns_keep_their_names_once_let_go():
    """The plan check names the worst rows and columns of a plan that fails it: once the
    model is let go, by the names Pyomo gave them."""
    model, _ = build(INSTANCE)
    lp = compile_model(model)
    rows, columns = [c.name for c in lp.constraints], [v.name for v in lp.columns]
    release_rows(model, lp)
    release_model(model, lp)
    assert not lp.constraints and not lp.columns
    assert [lp.row_name(i) for i in range(lp.rows.count)] == rows
    assert [lp.column_name(j) for j in range(len(lp.cost))] == columns


def test_a_model_to_keep_is_not_compiled_for_a_single_solve():
    assert compile_released(INSTANCE, lambda model: True) is None


def test_a_single_solve_lets_highs_go_once_the_plan_is_read():
    compiled = compile_released(INSTANCE, lambda model: False)
    assert compiled is not None
    solver = DirectHighs(single=True)
    assert solver.solve_lp(compiled.lp, notes=compiled.notes).status == "optimal"
    with pytest.raises(RuntimeError, match="let HiGHS go"):
        _ = solver.highs


def test_work_in_a_child_gives_its_result_or_raises_its_error(where):
    assert (in_child(os.getpid) != os.getpid()) == (where == "forked")
    with pytest.raises(ZeroDivisionError):
        in_child(lambda: 1 / 0)


@pytest.mark.parametrize("instance, ranging", [(INSTANCE, True), (_maximising(), False)],
                         ids=["ranged", "maximising an outcome in stages"])
def test_a_single_solve_that_ranges_or_re_solves_keeps_its_model(instance, ranging):
    kept = solve(instance, ranging=ranging)
    once = solve(instance, ranging=ranging, keep_model=False)
    assert once.optimal and once.model is not None
    assert _members(once.model, pyo.Constraint) > 0
    assert once.summary() == kept.summary()
    _assert_same_tables(once, kept)
    assert once.maximised == kept.maximised


def test_a_single_solve_with_no_plan_is_diagnosed_on_a_model_built_again():
    instance = load_instance(INFEASIBLE)
    kept = solve(instance, ranging=False)
    once = solve(instance, ranging=False, keep_model=False)
    assert once.status == kept.status == "infeasible"
    assert once.diagnosis is not None and kept.diagnosis is not None
    assert once.diagnosis.as_dict() == kept.diagnosis.as_dict()
