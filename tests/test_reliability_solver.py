"""How a solve can end other than with an optimal plan, each with a clear message and exit
code 1; HiGHS's scaling of large bounds and costs; and the same input giving the same
output, byte for byte."""

from __future__ import annotations

import hashlib
import json
import zipfile
from pathlib import Path

import highspy
import numpy as np
import pytest
from typer.testing import CliRunner

from optimiser.cli import app
from optimiser.io import load_instance
from optimiser.lp import compile_model
from optimiser.pipeline import build, solve
from optimiser.report import WORKBOOK_DATE
from optimiser.solve import LARGE, MESSAGES, DirectHighs, SolveOptions, array_scaling
from tests.builders import ROOT

DEFAULT = ROOT / "instances" / "default" / "instance.yaml"
INFEASIBLE = ROOT / "instances" / "examples" / "infeasible-budget-contracts" / "instance.yaml"
SHIPPED = sorted(
    path for path in (ROOT / "instances").rglob("*.yaml")
    if "appraisals" not in path.parts and "_build" not in path.parts
)
"""Every shipped instance, the infeasible examples included."""
SOLVER_FAILED = 1


def _solve_command(out: Path, *options: str, instance: Path = DEFAULT):
    return CliRunner().invoke(app, ["solve", str(instance), "--out", str(out), *options])


def _assert_no_plan(result, out: Path, status: str) -> None:
    assert result.exit_code == SOLVER_FAILED, result.output
    assert "Traceback" not in result.output
    assert MESSAGES[status] in result.stderr
    assert json.loads((out / "summary.json").read_text())["status"] == status
    assert MESSAGES[status] in (out / "summary.md").read_text(encoding="utf-8")
    assert not (out / "plan.xlsx").exists()


# --- Solver outcomes --------------------------------------------------------------------------

def test_default_instance_is_big_enough_to_need_simplex_iterations():
    """The limits below bite only if HiGHS cannot finish in presolve alone."""
    solution = solve(load_instance(DEFAULT))
    assert solution.optimal and solution.size["rows"] > 500


def test_time_limit_gives_a_clear_message_and_exit_1(tmp_path):
    out = tmp_path / "plan"
    _assert_no_plan(_solve_command(out, "--time-limit", "0"), out, "time_limit")


@pytest.mark.parametrize("method", ["simplex", "ipm"])
def test_iteration_limit_gives_a_clear_message_and_exit_1(tmp_path, method):
    out = tmp_path / "plan"
    result = _solve_command(out, "--iteration-limit", "1", "--method", method)
    _assert_no_plan(result, out, "iteration_limit")


def test_numerical_trouble_gives_a_clear_message_and_exit_1(tmp_path, monkeypatch):
    """HiGHS failing inside its run (as on numerical trouble) is reported, not raised."""
    def run_trouble(self):
        raise RuntimeError("HiGHS: solve error")

    monkeypatch.setattr(highspy.Highs, "run", run_trouble)
    out = tmp_path / "plan"
    _assert_no_plan(_solve_command(out), out, "error")


def test_messages_say_what_to_do():
    for status in ("time_limit", "iteration_limit", "error"):
        assert "--" in MESSAGES[status], status  # names the option that helps


# --- Scaling ----------------------------------------------------------------------------------

def _log_of_solve(path: Path, log: Path) -> tuple[str, list[str]]:
    """HiGHS's log of solving a shipped instance."""
    model, _ = build(load_instance(path))
    direct = DirectHighs(SolveOptions())
    direct.solve(model)  # loads the model; then the same model again, logged, from scratch
    direct.highs.setOptionValue("log_file", str(log))
    direct.highs.setOptionValue("output_flag", True)
    direct.highs.clearSolver()
    status = direct.solve(model).status
    return status, log.read_text().splitlines()


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: str(p.relative_to(ROOT / "instances")))
def test_highs_reports_no_scaling_warning_on_the_model_it_solves(tmp_path, path):
    """HiGHS assesses the model it solves, after the user scaling it is given: that
    assessment and the solve are free of warnings. For an infeasible model HiGHS also notes
    that the unscaled 'solution' fails its optimality conditions: there is none to fail."""
    status, lines = _log_of_solve(path, tmp_path / "highs.log")
    assessed = [i for i, line in enumerate(lines) if line.startswith("Assessing costs")]
    after = lines[assessed[-1]:] if assessed else lines
    assert any(line.startswith("Coefficient ranges") for line in after)
    warnings = [line for line in after if "WARNING" in line]
    if status == "infeasible":
        warnings = [w for w in warnings if "After removing user scaling" not in w]
    assert warnings == [], warnings


def test_user_scaling_leaves_the_plan_and_prices_unchanged():
    """Nottinghamshire's budgets (£ hundreds of millions) are scaled by 2^-9; the objective,
    the plan and every dual are the same as HiGHS finds without scaling."""
    path = ROOT / "instances" / "nottinghamshire" / "instance.yaml"
    model, _ = build(load_instance(path))
    solver = DirectHighs(SolveOptions())
    assert solver.solve(model).status == "optimal"
    scaled_by = array_scaling(solver.lp)["user_bound_scale"]
    assert scaled_by < 0
    results = []
    for scale in (scaled_by, 0):
        solver.highs.setOptionValue("user_bound_scale", scale)
        solver.highs.clearSolver()
        solver.highs.run()
        solution = solver.highs.getSolution()
        results.append((solver.highs.getInfo().objective_function_value,
                        np.asarray(solution.col_value), np.asarray(solution.row_dual)))
    (scaled, plain) = results
    assert scaled[0] == pytest.approx(plain[0], rel=1e-9)
    np.testing.assert_allclose(scaled[1], plain[1], rtol=1e-7, atol=1e-6)
    np.testing.assert_allclose(scaled[2], plain[2], rtol=1e-7, atol=1e-6)


def test_user_scaling_brings_every_bound_and_cost_within_highs_range():
    model, _ = build(load_instance(ROOT / "instances" / "nottinghamshire" / "instance.yaml"))
    lp = compile_model(model)
    scale = array_scaling(lp)
    bounds = np.abs(np.concatenate([lp.rows.lower, lp.rows.upper]))
    largest = bounds[np.isfinite(bounds)].max()
    assert largest > LARGE and scale["user_bound_scale"] < 0
    assert largest * 2.0 ** scale["user_bound_scale"] <= LARGE
    assert largest * 2.0 ** (scale["user_bound_scale"] + 1) > LARGE
    assert scale["user_objective_scale"] == 0  # £500,000 a person unmet is within range


# --- Determinism ------------------------------------------------------------------------------

def _digests(folder: Path) -> dict[str, str]:
    return {path.name: hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(folder.iterdir())}


@pytest.mark.parametrize("instance", [DEFAULT, INFEASIBLE], ids=["optimal", "infeasible"])
def test_the_same_input_gives_byte_identical_outputs(tmp_path, instance):
    """Every file but timings.json, whose seconds differ from run to run by nature; the
    workbook carries a fixed date rather than the time it was written."""
    first, second = tmp_path / "first", tmp_path / "second"
    _solve_command(first, instance=instance)
    _solve_command(second, instance=instance)
    one, two = _digests(first), _digests(second)
    assert "timings.json" in one
    del one["timings.json"], two["timings.json"]
    assert one == two
    if instance == DEFAULT:
        with zipfile.ZipFile(first / "plan.xlsx") as book:
            # one fixed date on every part (XlsxWriter's own, in January 1980)
            dates = {info.date_time for info in book.infolist()}
            assert len(dates) == 1 and dates.pop()[0] == WORKBOOK_DATE[0]
            core = book.read("docProps/core.xml").decode()
        assert core.count("1980-01-01T00:00:00Z") == 2  # created and modified
    assert "seconds" not in (first / "summary.json").read_text()
    assert "seconds" in (first / "timings.json").read_text()
