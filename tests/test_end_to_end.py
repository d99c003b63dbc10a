"""From an instance file to the plan and report, as `make run` does it, and the model's
invariants on every shipped instance."""

from __future__ import annotations

import json
import subprocess
import sys

import pandas as pd
import pytest
from typer.testing import CliRunner

from optimiser.cli import app
from optimiser.io import load_instance
from optimiser.pipeline import solve
from tests.builders import ROOT
from tests.invariants import check_invariants

DEFAULT = ROOT / "instances" / "default" / "instance.yaml"
SHIPPED = sorted(
    path for path in (ROOT / "instances").rglob("*.yaml")
    if "infeasible" not in str(path) and "appraisals" not in str(path)
    and path.parent.name != "_build"
)
TABLES = ("capacity", "flows", "caseload", "moves", "unmet", "workforce", "outcomes", "costs",
          "shadow_prices")


def test_solve_writes_the_plan_tables_workbook_and_summary(tmp_path):
    out = tmp_path / "plan"
    result = CliRunner().invoke(app, ["solve", str(DEFAULT), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "Optimal plan for default" in result.output
    # The total is the objective; the part that is the care after 2030/31 is named with it.
    costs = pd.read_csv(out / "costs.csv")
    tail = costs.loc[costs["payment"] == "end of horizon", "discounted_cost"].sum()
    total = costs["discounted_cost"].sum()
    assert tail > 0
    assert (f"total cost £{total:,.0f} (discounted, of which £{tail:,.0f} for the care of "
            "people still supported after the last year)") in " ".join(result.output.split())
    for table in TABLES:
        frame = pd.read_csv(out / f"{table}.csv")
        assert list(frame.columns), table
    sheets = pd.ExcelFile(out / "plan.xlsx").sheet_names
    assert {f"all {table}" for table in TABLES} <= set(sheets)
    assert (out / "report.html").is_file() and (out / "capacity.parquet").is_file()
    summary = json.loads((out / "summary.json").read_text())
    assert summary["status"] == "optimal"
    assert summary["size"]["rows"] > 0 and summary["size"]["columns"] > 0
    report = (out / "summary.md").read_text()
    assert "Capacity to commission" in report and "What limits the plan most" in report


def test_the_command_as_a_process_leaves_with_its_code_and_all_it_printed(tmp_path):
    """``python -m optimiser.cli`` (as the console script) leaves without freeing the model
    object by object: the exit code, every printed line and every file are still there."""
    out = tmp_path / "plan"
    done = subprocess.run([sys.executable, "-m", "optimiser.cli", "solve", str(DEFAULT),
                           "--out", str(out)], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Optimal plan for default")
    assert done.stdout.endswith(f" files to {out}/ (start with summary.md).\n")
    assert json.loads((out / "summary.json").read_text())["status"] == "optimal"
    refused = subprocess.run([sys.executable, "-m", "optimiser.cli", "validate",
                              str(tmp_path / "nowhere.yaml")], capture_output=True, text=True,
                             check=False)
    assert refused.returncode == 2
    assert refused.stderr.startswith("The instance cannot be used.")


def test_python_dash_m_optimiser_is_the_command():
    """``python -m optimiser`` runs the command too (it said there was no
    ``optimiser.__main__``), here with every ResourceWarning an error."""
    done = subprocess.run([sys.executable, "-W", "error::ResourceWarning", "-m", "optimiser",
                           "validate", str(DEFAULT)], capture_output=True, text=True,
                          check=False)
    assert done.returncode == 0, done.stderr
    assert "valid" in done.stdout and "Warning" not in done.stderr


def test_validate_reports_the_size_of_a_valid_instance():
    result = CliRunner().invoke(app, ["validate", str(DEFAULT)])
    assert result.exit_code == 0, result.output
    assert "valid" in result.output and "localities" in result.output


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: str(p.relative_to(ROOT / "instances")))
def test_every_shipped_instance_solves_and_keeps_the_invariants(path):
    solution = solve(load_instance(path))
    check_invariants(solution)
