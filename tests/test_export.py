"""`optimiser export` writes the LP so anyone can solve it with HiGHS directly: the MPS file,
read and solved by highspy alone, gives the optimum `optimiser solve` reports."""

from __future__ import annotations

from pathlib import Path

import highspy
import pytest
from typer.testing import CliRunner

from optimiser.cli import BAD_INPUT, app
from optimiser.io import load_instance
from optimiser.pipeline import solve

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = sorted(ROOT.glob("instances/**/instance.yaml"))
DEFAULT = ROOT / "instances" / "default" / "instance.yaml"
runner = CliRunner()


def _highs_alone(path: Path) -> tuple[str, float]:
    highs = highspy.Highs()
    highs.setOptionValue("output_flag", False)
    assert highs.readModel(str(path)) != highspy.HighsStatus.kError
    highs.run()
    return highs.getModelStatus().name, highs.getInfo().objective_function_value


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: str(p.parent.relative_to(ROOT)))
def test_exported_mps_solved_by_highs_alone_gives_the_same_optimum(tmp_path, path):
    out = tmp_path / "model.mps"
    result = runner.invoke(app, ["export", str(path), "--mps", str(out)])
    assert result.exit_code == 0, result.output
    status, objective = _highs_alone(out)
    solution = solve(load_instance(path))
    if solution.optimal:
        assert status == "kOptimal"
        assert objective == pytest.approx(solution.objective, rel=1e-6)
    else:
        assert status != "kOptimal"


def test_lp_file_too_and_names_from_the_model(tmp_path):
    out = tmp_path / "model.lp"
    result = runner.invoke(app, ["export", str(DEFAULT), "--lp", str(out)])
    assert result.exit_code == 0, result.output
    assert "Wrote default's LP" in result.output
    text = out.read_text()
    assert "demand_met(rutland,older_hospital_low,2026_27)" in text  # a need band's group
    _, objective = _highs_alone(out)
    assert objective == pytest.approx(solve(load_instance(DEFAULT)).objective, rel=1e-6)


@pytest.mark.parametrize("args, says", [
    ([], "--mps FILE.mps and/or --lp FILE.lp"),
    (["--mps", "model.txt"], "should end in .mps"),
    (["--lp", "model.mps"], "should end in .lp"),
])
def test_export_without_a_proper_file_name_says_what_to_give(tmp_path, args, says):
    result = runner.invoke(app, ["export", str(DEFAULT), *args])
    assert result.exit_code == BAD_INPUT
    assert says in result.output
    assert "Traceback" not in result.output
