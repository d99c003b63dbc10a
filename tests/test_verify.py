"""Never a wrong "optimal": huge limits are no limits, and every optimal plan is checked against
the model's own rows (optimiser.verify) before it is reported."""

from __future__ import annotations

import importlib
import json

import numpy as np
import pytest
from typer.testing import CliRunner

import optimiser.verify as verify
from models import Amount, Budget
from models.overrides import apply_overrides, parse_override
from optimiser.cli import app
from optimiser.io import load_instance, save_instance
from optimiser.pipeline import solve
from tests.builders import ROOT

# optimiser.solve is also the Python API's solve function; the module itself is wanted here.
SOLVE_MODULE = importlib.import_module("optimiser.solve")

WORKED = ROOT / "instances" / "examples" / "worked-example" / "instance.yaml"
DEFAULT = ROOT / "instances" / "default" / "instance.yaml"
WORKED_COST = 952_616.0
"""The worked example's optimum, worked by hand in instances/examples/worked-example."""
SOURCE = "assumption: a test of a budget far above any council's"


def _cli(*args: object):
    return CliRunner().invoke(app, [str(arg) for arg in args])


def _with_budget(instance, amount: float):
    return instance.updated(budget=[
        Budget(year=year, amount=Amount(value=amount, source=SOURCE))
        for year in instance.years])


# --- Limits above the threshold are no limits ------------------------------------------------

def test_a_huge_startup_limit_is_no_limit_and_the_summary_says_so(tmp_path):
    """Before: 'Optimal plan ... £0', serving nobody. Startup limits of 1e15 are no limit:
    the worked example's own optimum (its startup limits never bind)."""
    out = tmp_path / "plan"
    result = _cli("solve", WORKED, "--out", out, "--set", "services[reablement].startup=1e15",
                  "--set", "services[home_care].startup=1e15")
    assert result.exit_code == 0, result.output
    assert "total cost £952,616" in result.stdout
    assert "2 limits above 1,000,000,000,000" in result.stdout
    assert "treated as no limit" in (out / "summary.md").read_text()
    assert json.loads((out / "summary.json").read_text())["notes"]


@pytest.mark.parametrize("amount", [1e13, 1e14, 1e20, 1e300])
def test_a_huge_budget_is_no_budget(amount):
    """Before: 1e20 gave £0 and 1e14 a false 'no plan'. Any budget above the threshold gives
    the plan without a budget."""
    instance = load_instance(DEFAULT)
    free = solve(instance)
    capped = solve(_with_budget(instance, amount))
    assert capped.status == "optimal" and capped.notes
    assert capped.objective == pytest.approx(free.objective, rel=1e-7)


def test_a_budget_below_the_threshold_still_binds():
    instance = load_instance(DEFAULT)
    free = solve(instance)
    spend = free.spend / len(instance.years)
    tight = solve(_with_budget(instance, 0.5 * spend))
    assert not tight.notes
    assert tight.status != "optimal" or tight.objective > free.objective


def test_a_plan_the_scaling_got_wrong_is_not_called_optimal(tmp_path, monkeypatch):
    """With the threshold out of the way, the huge limits reach HiGHS; its scaled copy calls
    the plan that serves nobody optimal. The check against the real rows refuses it: exit 1,
    saying what to do, and no plan written."""
    monkeypatch.setattr(verify, "NO_LIMIT", np.inf)
    monkeypatch.setattr(SOLVE_MODULE, "NO_LIMIT", np.inf)
    out = tmp_path / "plan"
    result = _cli("solve", WORKED, "--out", out, "--set", "services[reablement].startup=1e15",
                  "--set", "services[home_care].startup=1e15")
    assert result.exit_code == 1, result.output
    assert "not shown as a plan" in result.stderr and "demand_met" in result.stderr
    assert "--method" in result.stderr
    assert not (out / "plan.xlsx").exists()


# --- The check itself, on a hand-solved LP ---------------------------------------------------
#
#   minimise x0 + 2 x1   subject to   x0 + x1 >= 3,   x0 <= 2.5,   0 <= x0,   0 <= x1 <= 1
#
# The optimum is x = (2.5, 0.5): x0 is the cheaper, up to its limit of 2.5; x1 makes up the
# rest. Duals (HiGHS's convention): 2 on the first row (one more person needed costs £2,
# bought as x1) and -1 on the second (one more unit of x0 saves £1). Objective 3.5.

CSR = {"rows_start": np.array([0, 2, 3]), "rows_index": np.array([0, 1, 0]),
       "rows_value": np.array([1.0, 1.0, 1.0])}
COST = np.array([1.0, 2.0])
BOUNDS = verify.unlimited(np.array([3.0, -np.inf]), np.array([np.inf, 2.5]),
                          np.array([0.0, 0.0]), np.array([np.inf, 1.0]))


def _check(x, dual, objective=3.5, maximise=False, cost=COST):
    return verify.check_plan(**CSR, bounds=BOUNDS, cost=cost, offset=0.0, maximise=maximise,
                             x=np.array(x, float), row_dual=np.array(dual, float),
                             objective=objective, row_names=lambda i: f"row{i}",
                             column_names=lambda j: f"x{j}")


def test_the_optimum_passes():
    assert _check([2.5, 0.5], [2.0, -1.0]).ok


def test_the_optimum_of_the_maximisation_passes_in_its_own_convention():
    assert _check([2.5, 0.5], [-2.0, 1.0], objective=-3.5, maximise=True, cost=-COST).ok


def test_a_plan_breaking_a_row_fails_naming_it():
    verdict = _check([2.5, 0.0], [2.0, -1.0], objective=2.5)
    assert not verdict.ok and "row0 by 0.5" in verdict.message()


def test_a_plan_outside_a_bound_fails():
    assert not _check([2.0, 1.0 + 1e-3], [2.0, -1.0], objective=4.002).ok


def test_a_dual_on_a_limit_that_does_not_exist_fails():
    verdict = _check([2.5, 0.5], [2.0, 1.0])
    assert not verdict.ok and "cannot bind" in verdict.message()


def test_a_feasible_plan_that_is_not_cheapest_fails():
    """x = (2, 1) meets every row but costs 4: with the optimum's duals the slack on x0's
    limit carries a price, a complementarity gap of 0.5."""
    verdict = _check([2.0, 1.0], [2.0, -1.0], objective=4.0)
    assert not verdict.ok and "cheaper plan" in verdict.message()


def test_a_wrong_objective_fails():
    assert "objective reported" in _check([2.5, 0.5], [2.0, -1.0], objective=0.0).message()


def test_tolerances_are_relative_to_the_rows_size():
    """The same LP in pence (every figure x100): the optimum still passes, and an error of
    one part in a million of the row is within tolerance, one in ten thousand is not."""
    scaled = verify.unlimited(np.array([300.0, -np.inf]), np.array([np.inf, 250.0]),
                              np.array([0.0, 0.0]), np.array([np.inf, 100.0]))

    def check(x):
        return verify.check_plan(**CSR, bounds=scaled, cost=COST, offset=0.0, maximise=False,
                                 x=np.array(x), row_dual=np.array([2.0, -1.0]),
                                 objective=float(COST @ np.array(x)),
                                 row_names=str, column_names=str)

    assert check([250.0, 50.0]).ok
    assert check([250.0, 50.0 - 1e-4]).ok
    assert not check([250.0, 50.0 - 0.03]).ok


def test_unlimited_drops_only_limits_not_requirements():
    bounds = verify.unlimited(np.array([-1e15, 1e15, 5.0]), np.array([1e13, np.inf, 1e15]),
                              np.array([0.0]), np.array([2e12]))
    assert list(bounds.row_lower) == [-np.inf, 1e15, 5.0]
    assert list(bounds.row_upper) == [np.inf, np.inf, np.inf]
    assert list(bounds.dropped_rows) == [0, 2] and list(bounds.dropped_columns) == [0]


# --- Maximising an outcome -------------------------------------------------------------------

def test_maximise_reports_people_and_the_plans_spending(tmp_path):
    """Before: 'total cost £1,493' where 1,493 was people."""
    instance = tmp_path / "instance.yaml"
    save_instance(_with_budget(load_instance(WORKED), 800_000), instance)
    out = tmp_path / "plan"
    result = _cli("solve", instance, "--out", out, "--maximise", "independent")
    assert result.exit_code == 0, result.output
    assert "people achieving" in result.stdout and "spending £" in result.stdout
    assert "total cost" not in result.stdout
    summary = json.loads((out / "summary.json").read_text())
    assert summary["objective_unit"] == "people" and summary["spend"] > 0
    assert "People achieving" in (out / "summary.md").read_text()


def test_maximise_with_a_budget_of_1e300_makes_people_independent():
    """Before: optimal with nobody independent."""
    instance = _with_budget(load_instance(WORKED), 1e300)
    instance = instance.updated(settings=instance.settings.model_copy(
        update={"objective": "max_outcome", "objective_indicator": "independent"}))
    solution = solve(instance)
    assert solution.status == "optimal" and solution.objective > 0
    assert solution.maximised and solution.notes


def test_parse_override_is_what_the_cli_uses():
    """The --set figures above reach the model (so the tests above test what they say)."""
    base = load_instance(WORKED)
    changed = apply_overrides(base, [parse_override("services[reablement].startup=1e15")])
    assert changed.services[0].startup.value == 1e15
