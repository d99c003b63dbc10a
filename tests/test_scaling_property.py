"""Units never change the answer: the same plan in pence or in billions of pounds, for a
village or for a nation, or a refusal (exit 2) naming the figure out of range. Never a
different "optimal" plan.

Scaling every money figure by ``m`` (prices, costs, the unmet-need penalty, budgets) scales
the objective by ``m`` and leaves every flow as it was. Scaling every count by ``c`` (people,
capacity units, staff, the limits on them, populations, budgets) scales every flow by ``c``:
packages, intensities, staff per unit and prices per unit are ratios and do not change, and
rate targets per 100,000 stay rates. So the plan at (m, c) is the base plan with flows × c,
and its cost is the base cost × m × c, whatever HiGHS's internal scaling makes of it.

One exception is by design: a limit scaled beyond :data:`optimiser.verify.NO_LIMIT` is no
limit (the summary says so). The plan is then the base plan solved without that limit,
scaled; the test compares with exactly that."""

from __future__ import annotations

import copy
import json

import pandas as pd
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from optimiser.cli import app
from optimiser.verify import NO_LIMIT
from tests.builders import ROOT, S

WORKED = ROOT / "instances" / "examples" / "worked-example" / "instance.yaml"
MONEY = {("services", "price_capacity"), ("services", "price_use"), ("roles", "hire_cost"),
         ("outcome_prices", "price"), ("contract_designs", "price_capacity"),
         ("contract_designs", "price_use"), ("settings", "unmet_penalty"),
         ("budget", "amount")}
COUNTS = {("demand", "people"), ("caseload0", "people"), ("capacity0", "units"),
          ("services", "startup"), ("workforce", "staff0"), ("workforce", "hire_max"),
          ("moves", "max_per_year"), ("localities", "population"), ("budget", "amount")}
LIMITS = {("budget", "amount"), ("services", "startup"), ("workforce", "hire_max"),
          ("moves", "max_per_year")}
RELATIVE = 1e-6


def _base() -> dict:
    """The worked example with a budget that binds (£900,000 against an optimum of
    £952,616), so money reaches a limit as well as the objective."""
    data = yaml.safe_load(WORKED.read_text())
    data["budget"] = [{"year": "2026/27", "amount": S(900_000)}]
    return data


def _scaled(data: dict, money: float, counts: float) -> dict:
    data = copy.deepcopy(data)
    for (table, field) in MONEY | COUNTS:
        factor = (money if (table, field) in MONEY else 1) * (
            counts if (table, field) in COUNTS else 1)
        rows = [data["settings"]] if table == "settings" else data.get(table, [])
        for row in rows:
            if field in row:
                row[field] = {**row[field], "value": row[field]["value"] * factor}
    return data


def _solve(data: dict, folder) -> tuple[int, pd.DataFrame | None, float | None, str]:
    path = folder / "instance.yaml"
    folder.mkdir()
    path.write_text(yaml.safe_dump(data))
    result = CliRunner().invoke(app, ["solve", str(path), "--out", str(folder / "plan")])
    if result.exit_code != 0:
        return result.exit_code, None, None, result.output
    flows = pd.read_csv(folder / "plan" / "flows.csv")
    objective = json.loads((folder / "plan" / "summary.json").read_text())["objective"]
    return 0, flows, objective, result.output


def _beyond_no_limit(data: dict) -> list[tuple[str, int, str]]:
    """The limits of ``data`` above the no-limit threshold: (table, row, field)."""
    return [(table, i, field) for (table, field) in sorted(LIMITS)
            for i, row in enumerate(data.get(table, []))
            if field in row and row[field]["value"] > NO_LIMIT]


def _without(data: dict, limits: list[tuple[str, int, str]]) -> dict:
    data = copy.deepcopy(data)
    for table, i, field in limits:
        data[table][i][field] = {**data[table][i][field], "value": 1e300}
    return data


@pytest.fixture(scope="module")
def bases(tmp_path_factory):
    """The base plan without each set of limits a scaling may lift beyond the threshold."""
    solved = {}

    def base(limits: list[tuple[str, int, str]]):
        key = tuple(limits)
        if key not in solved:
            code, flows, objective, output = _solve(_without(_base(), limits),
                                                    tmp_path_factory.mktemp("base") / "b")
            assert code == 0, output
            solved[key] = flows, objective
        return solved[key]
    return base


@settings(max_examples=40, deadline=None, derandomize=True)
@given(money=st.integers(-6, 12), counts=st.integers(-6, 12))
def test_scaling_money_and_counts_keeps_the_plan_or_refuses(bases, tmp_path_factory, money,
                                                            counts):
    m, c = 10.0 ** money, 10.0 ** counts
    data = _scaled(_base(), m, c)
    code, scaled, scaled_objective, output = _solve(
        data, tmp_path_factory.mktemp(f"m{money}c{counts}") / "s")
    if code == 2:
        assert "at most" in output, output  # refused, saying which figure and its range
        return
    assert code == 0, output
    lifted = _beyond_no_limit(data)
    assert ("treated as no limit" in output) == bool(lifted), output
    flows, objective = bases(lifted)
    assert scaled is not None and scaled_objective is not None
    assert scaled["people"].to_numpy() == pytest.approx(flows["people"].to_numpy() * c,
                                                         rel=RELATIVE, abs=1e-9 * c)
    assert scaled_objective == pytest.approx(objective * m * c, rel=RELATIVE)


def test_the_extremes_are_refused_not_solved(tmp_path):
    """The corners the property test may not draw: money x 10^12 and counts x 10^12 are
    beyond the stated ranges and refused; money and counts x 10^-6 solve to the same plan."""
    assert _solve(_scaled(_base(), 1e12, 1), tmp_path / "a")[0] == 2
    assert _solve(_scaled(_base(), 1, 1e12), tmp_path / "b")[0] == 2
    code, flows, _, output = _solve(_scaled(_base(), 1e-6, 1e-6), tmp_path / "c")
    assert code == 0, output
