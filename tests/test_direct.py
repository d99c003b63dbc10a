"""The direct route to HiGHS (the model's arrays in one call) solves the same LP as Pyomo's
persistent interface: same rows, same objective, same duals, on every shipped instance, and
its re-solves after parameter changes match a fresh solve."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyomo.environ as pyo
import pytest

from optimiser.io import load_instance
from optimiser.model import build_model
from optimiser.prepare import prepare
from optimiser.results import extract
from optimiser.solve import DirectHighs, SolveOptions, solve_direct, solve_model
from optimiser.synthetic import synthetic_instance

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = sorted(ROOT.glob("instances/**/instance.yaml"))
REL = 1e-6


def _duals(model, outcome) -> np.ndarray:
    return np.array([outcome.duals.get(c, 0.0)
                     for c in model.component_data_objects(pyo.Constraint, active=True)])


def _same(appsi_model, appsi, direct_model, direct) -> None:
    assert direct.status == appsi.status
    if appsi.status != "optimal":
        return
    assert direct.objective == pytest.approx(appsi.objective, rel=REL)
    assert (direct.rows, direct.nonzeros) == (appsi.rows, appsi.nonzeros)
    expected, found = _duals(appsi_model, appsi), _duals(direct_model, direct)
    assert np.allclose(found, expected, rtol=REL, atol=REL * max(1.0, np.abs(expected).max()))


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: str(p.parent.relative_to(ROOT)))
def test_direct_route_solves_the_same_lp_as_appsi(path):
    """Objective, duals of every constraint, row and nonzero counts agree."""
    data = prepare(load_instance(path))
    appsi_model, direct_model = build_model(data), build_model(data)
    appsi = solve_model(appsi_model, SolveOptions())
    direct = solve_direct(direct_model, SolveOptions())
    _same(appsi_model, appsi, direct_model, direct)


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
    figures gives through Pyomo's interface."""
    data = prepare(_with_a_tight_budget(synthetic_instance(8, 3, seed=5)))
    kept = build_model(data)
    solver = DirectHighs(SolveOptions(method=method))
    first = solver.solve(kept)
    assert first.status == "optimal"
    _change_everything_mutable(kept)
    again = solver.solve(kept)
    fresh = build_model(data)
    _change_everything_mutable(fresh)
    reference = solve_model(fresh, SolveOptions())
    assert again.objective != pytest.approx(first.objective, rel=1e-4)
    _same(fresh, reference, kept, again)
    assert solver.lp.objective_split, "prices should reach the costs by the array route"

    # Tables of the re-solve (kept names, words and expression rows) match a fresh extract.
    kept_tables = extract(kept, again.duals, again.values)
    fresh_tables = extract(fresh, reference.duals)
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
