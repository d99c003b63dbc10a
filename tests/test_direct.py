"""The one route to HiGHS (the model's arrays in one call): the arrays are the LP Pyomo's own
standard-form compiler makes of the model, on every shipped instance, and a re-solve after
parameter changes matches a fresh build and solve."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyomo.environ as pyo
import pytest
from pyomo.repn.plugins.standard_form import LinearStandardFormCompiler

from optimiser.io import load_instance
from optimiser.lp import compile_model
from optimiser.model import build_model
from optimiser.prepare import prepare
from optimiser.results import extract
from optimiser.solve import DirectHighs, SolveOptions, solve_direct
from optimiser.synthetic import synthetic_instance

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = sorted(ROOT.glob("instances/**/instance.yaml"))
REL = 1e-6


def _duals(model, outcome) -> np.ndarray:
    return np.array([outcome.duals.get(c, 0.0)
                     for c in model.component_data_objects(pyo.Constraint, active=True)])


def _same(expected_model, expected, found_model, found) -> None:
    assert found.status == expected.status
    if expected.status != "optimal":
        return
    assert found.objective == pytest.approx(expected.objective, rel=REL)
    assert (found.rows, found.nonzeros) == (expected.rows, expected.nonzeros)
    want, got = _duals(expected_model, expected), _duals(found_model, found)
    assert np.allclose(got, want, rtol=REL, atol=REL * max(1.0, np.abs(want).max()))


def _pyomo_rows(model) -> tuple[dict, dict, np.ndarray, float]:
    """Pyomo's own standard form of the model: each constraint's terms by variable, its
    bounds by side, the objective's coefficients by variable and its constant."""
    form = LinearStandardFormCompiler().write(model, mixed_form=True)
    matrix = form.A.tocsr()
    terms: dict = {}
    bounds: dict = {}
    for r, (constraint, side) in enumerate(form.rows):
        a, b = matrix.indptr[r], matrix.indptr[r + 1]
        terms[constraint] = {id(form.columns[c]): v
                             for c, v in zip(matrix.indices[a:b], matrix.data[a:b], strict=True)
                             if v != 0}
        if side <= 0:
            bounds.setdefault(constraint, {})["lower"] = form.rhs[r]
        if side >= 0:
            bounds.setdefault(constraint, {})["upper"] = form.rhs[r]
    cost = form.c.toarray()[0]
    return terms, bounds, {id(v): cost[i] for i, v in enumerate(form.columns)}, \
        float(form.c_offset[0])


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: str(p.parent.relative_to(ROOT)))
def test_compiled_arrays_match_pyomos_standard_form(path):
    """An independent check of the compiler (optimiser.lp): every row's coefficients
    and bounds, every cost and the objective's constant agree with what Pyomo's own
    LinearStandardFormCompiler makes of the same model. Rows Pyomo leaves out (no variable,
    and already satisfied) must be empty rows here that hold at any plan."""
    model = build_model(prepare(load_instance(path)))
    lp = compile_model(model)
    terms, bounds, cost, offset = _pyomo_rows(model)
    column = {id(v): i for i, v in enumerate(lp.columns)}
    tolerance = {"rel": 1e-12, "abs": 1e-9}
    for r, constraint in enumerate(lp.constraints):
        a, b = lp.rows.start[r], lp.rows.start[r + 1]
        ours = dict(zip(lp.rows.index[a:b].tolist(), lp.rows.value[a:b].tolist(), strict=True))
        if constraint not in terms:
            assert not ours and lp.rows.lower[r] <= 0 <= lp.rows.upper[r], constraint.name
            continue
        theirs = {column[v]: value for v, value in terms[constraint].items()}
        assert ours.keys() == theirs.keys(), constraint.name
        for c, value in theirs.items():
            assert ours[c] == pytest.approx(value, **tolerance), constraint.name
        sides = bounds[constraint]
        assert lp.rows.lower[r] == pytest.approx(sides.get("lower", -np.inf), **tolerance)
        assert lp.rows.upper[r] == pytest.approx(sides.get("upper", np.inf), **tolerance)
    assert set(terms) <= set(lp.constraints)
    expected = np.zeros(len(lp.columns))
    for v, value in cost.items():
        expected[column[v]] = value
    np.testing.assert_allclose(lp.cost, expected, rtol=1e-12, atol=1e-9)
    assert lp.offset == pytest.approx(offset, rel=1e-12, abs=1e-9)
    for i, var in enumerate(lp.columns):
        low, high = var.bounds
        assert (lp.col_lower[i], lp.col_upper[i]) == (
            -np.inf if low is None else low, np.inf if high is None else high)


def test_shipped_instances_are_found():
    assert len(SHIPPED) >= 3


def _change_everything_mutable(model) -> None:
    """A scenario: more demand, dearer capacity, a tighter target, fewer recruits."""
    for key in model.demand:
        model.demand[key] = pyo.value(model.demand[key]) * 1.07
    for key in model.price_capacity:
        model.price_capacity[key] = pyo.value(model.price_capacity[key]) * 1.1
    for key in model.target_level:
        model.target_level[key] = pyo.value(model.target_level[key]) * 0.95
    for key in model.hire_max:
        model.hire_max[key] = pyo.value(model.hire_max[key]) * 0.9
    for key in model.budget:
        model.budget[key] = pyo.value(model.budget[key]) * 1.04


def _with_a_tight_budget(instance):
    """The instance with a budget each year a little below what its cheapest plan spends, so
    prices reach the budget rows' coefficients and the budget binds."""
    model = build_model(prepare(instance))
    assert solve_direct(model, SolveOptions()).status == "optimal"
    why = "assumption: a test budget just below the plan's spend, so that it binds"
    return instance.updated(budget=[
        {"year": year, "amount": {"value": 0.97 * pyo.value(model.year_spend[year]),
                                  "source": why}}
        for year in instance.years])


@pytest.mark.parametrize("method", ["simplex", "ipm"])
def test_a_re_solve_after_parameter_changes_matches_a_fresh_solve(method):
    """Change demand, prices (costs and budget-row coefficients), target levels, recruitment
    limits and budgets on a kept model: the re-solve (only changed rows, costs and
    coefficients passed, hot start) gives the optimum a model built from scratch with those
    figures gives."""
    data = prepare(_with_a_tight_budget(synthetic_instance(8, 3, seed=5)))
    kept = build_model(data)
    solver = DirectHighs(SolveOptions(method=method))
    first = solver.solve(kept)
    assert first.status == "optimal"
    _change_everything_mutable(kept)
    again = solver.solve(kept)
    fresh = build_model(data)
    _change_everything_mutable(fresh)
    reference = solve_direct(fresh, SolveOptions())
    assert again.objective != pytest.approx(first.objective, rel=1e-4)
    _same(fresh, reference, kept, again)
    assert solver.lp.objective_split, "prices should reach the costs by the array route"

    # Tables of the re-solve (kept names, words and expression rows) match a fresh extract.
    kept_tables = extract(kept, again.values)
    fresh_tables = extract(fresh, reference.values)
    # Where a limit's shadow price is zero, whether it sits on its bound depends on which of
    # several optimal plans the solver lands on; where it is priced, it must bind in both.
    kept_prices, fresh_prices = kept_tables["shadow_prices"], fresh_tables["shadow_prices"]
    pd.testing.assert_frame_equal(kept_prices.drop(columns="binding"),
                                  fresh_prices.drop(columns="binding"), rtol=REL, atol=1e-6)
    priced = fresh_prices["shadow_price"].abs() > 1e-6
    assert (kept_prices["binding"][priced] == fresh_prices["binding"][priced]).all()
    assert kept_tables["costs"]["discounted_cost"].sum() == pytest.approx(again.objective,
                                                                          rel=REL)
    for name in ("outcomes", "unmet"):
        columns = ["required_people"] if name == "outcomes" else ["demand"]
        pd.testing.assert_frame_equal(kept_tables[name][columns], fresh_tables[name][columns],
                                      rtol=REL)


def test_a_re_solve_makes_payments_and_target_bounds_by_arrays_as_a_fresh_read_does():
    """After a parameter change, the payments' rows (price × quantity, split once) and the
    target rows' bounds (level × the demand covered, expanded once into monomials) are made
    again by array operations: they equal what reading the changed model afresh gives."""
    data = prepare(_with_a_tight_budget(synthetic_instance(8, 3, seed=5)))
    model = build_model(data)
    solver = DirectHighs(SolveOptions(method="simplex"))
    first = solver.solve(model)
    extract(model, first.values)  # the tables keep every payment's rows
    _change_everything_mutable(model)
    again = solver.solve(model)
    assert again.status == "optimal"
    lp = solver.lp
    assert lp.expression_splits["capacity_payment"] is not None
    assert lp.polynomial_bounds is not None and lp.polynomial_bounds.rows
    fresh = compile_model(model)
    np.testing.assert_allclose(lp.rows.lower, fresh.rows.lower, rtol=1e-12)
    np.testing.assert_allclose(lp.rows.upper, fresh.rows.upper, rtol=1e-12)
    for name in ("capacity_payment", "use_payment", "outcome_payment", "unmet_penalty"):
        component = getattr(model, name)
        np.testing.assert_allclose(lp.expression_values(component, again.values.x),
                                   fresh.expression_values(component, again.values.x),
                                   rtol=1e-12, err_msg=name)


def test_a_bound_expands_into_monomials_of_parameter_members():
    """c × (a[1] + 2 a[2]) + 3 is c·a[1] + 2 c·a[2] + 3; a bound that divides by a parameter
    is not a polynomial, so it is left to be read again."""
    from optimiser.lp.resolve import monomials

    m = pyo.ConcreteModel()
    m.a = pyo.Param([1, 2], initialize={1: 5.0, 2: 7.0}, mutable=True)
    m.c = pyo.Param([1], initialize={1: 4.0}, mutable=True)
    found = monomials(m.c[1] * (m.a[1] + 2 * m.a[2]) + 3)
    assert found is not None
    named = sorted((coefficient, tuple(f.name for f in factors))
                   for coefficient, factors in found)
    assert named == [(1.0, ("c[1]", "a[1]")), (2.0, ("c[1]", "a[2]")), (3, ())]
    value = sum(c * np.prod([pyo.value(f) for f in factors]) for c, factors in found)
    assert value == pytest.approx(4.0 * (5.0 + 14.0) + 3)
    assert monomials(m.a[1] / m.c[1]) is None
