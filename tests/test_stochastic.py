"""The two-stage plan (MODEL.md 12): hand-solved, against the deterministic plan, and on every
shipped instance with scenarios."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyomo.environ as pyo
import pytest
import yaml
from typer.testing import CliRunner

from models import Instance
from optimiser.cli import app
from optimiser.io import load_instance
from optimiser.model import build_model
from optimiser.pipeline import solve
from optimiser.prepare import prepare
from optimiser.stochastic.run import solve_stochastic
from tests.builders import ROOT, S

NEWSVENDOR = ROOT / "instances" / "examples" / "newsvendor" / "instance.yaml"
WITH_SCENARIOS = sorted(p for p in (ROOT / "instances").rglob("*.yaml")
                        if "_build" not in p.parts and "appraisals" not in p.parts
                        and "scenarios" in yaml.safe_load(p.read_text()))


def newsvendor_data() -> dict:
    return yaml.safe_load(NEWSVENDOR.read_text())


def test_newsvendor_by_hand():
    """One place type, two equally likely futures of 80 or 120 people; £10 a place committed
    now, £15 bought later. Committing c costs 10c + 15 E[(demand - c)+], whose slope is
    10 - 15 P(demand > c): -5 below 80, +2.5 above it. So the plan commits 80 and expects
    800 + 15 × 0.5 × 40 = 1,100 (committing 120 would cost 1,200). Wait and see: 800 or
    1,200, expected 1,000, so EVPI = 100. The average future (100 people) commits 100 and
    expects 1,000 + 15 × 0.5 × 20 = 1,150, so VSS = 50."""
    solution = solve_stochastic(load_instance(NEWSVENDOR))
    assert solution.optimal
    assert solution.commit["amount"].tolist() == pytest.approx([80.0])
    assert solution.expected_cost == pytest.approx(1100.0)
    assert solution.costs == pytest.approx([800.0, 1400.0])
    m = solution.measures
    assert m is not None
    assert m.wait_and_see == pytest.approx(1000.0)
    assert m.evpi == pytest.approx(100.0)
    assert m.average_commitment == pytest.approx(1150.0)
    assert m.vss == pytest.approx(50.0)
    assert solution.average_commit["amount"].tolist() == pytest.approx([100.0])
    spot = solution.plans["high"].tables["costs"].query("payment == 'spot purchase'")
    assert spot["cost"].sum() == pytest.approx(15 * 40)


def test_newsvendor_with_cvar():
    """λ = 1, α = 0.5: CVaR is the cost of the worse future. Committing c ≤ 120 costs
    E = 10c + 7.5(120 - c) + 7.5 max(80 - c, 0) and CVaR = 10c + 15(120 - c); the sum has
    slope 10 - 7.5 + 10 - 15 = -2.5 above 80, so the cautious plan commits all 120 and pays
    1,200 in both futures: objective 2,400 (the risk-neutral plan's would be 1,100 + 1,400)."""
    data = newsvendor_data()
    data["settings"]["risk_weight"] = S(1.0)
    data["settings"]["risk_level"] = S(0.5)
    solution = solve_stochastic(Instance.model_validate(data))
    assert solution.commit["amount"].tolist() == pytest.approx([120.0])
    assert solution.objective == pytest.approx(2400.0)
    assert solution.costs == pytest.approx([1200.0, 1200.0])
    m = solution.measures
    assert m is not None and m.evpi >= -1e-6 and m.vss >= -1e-6


def test_one_future_is_the_deterministic_plan():
    """A single scenario of probability 1 with no changes is the instance as it is: the same
    optimum as the deterministic solve, to 1e-9."""
    data = yaml.safe_load((ROOT / "instances" / "default" / "instance.yaml").read_text())
    base = Instance.model_validate(data)
    data["scenarios"] = [{"name": "only", "probability": S(1.0)}]
    stochastic = solve_stochastic(Instance.model_validate(data))
    deterministic = solve(base)
    assert stochastic.optimal and deterministic.optimal
    assert stochastic.objective == pytest.approx(deterministic.objective, rel=1e-9)
    assert stochastic.measures is not None
    assert stochastic.measures.evpi == pytest.approx(0.0, abs=1e-6 * abs(stochastic.objective))


def test_no_recourse_prices_leave_the_model_as_it_was():
    """Without spot or agency prices the model has exactly the rows and columns it had."""
    model = build_model(prepare(load_instance(ROOT / "instances" / "default" / "instance.yaml")))
    assert not hasattr(model, "spot") and not hasattr(model, "agency")


@pytest.mark.slow
@pytest.mark.parametrize("path", WITH_SCENARIOS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_shipped_two_stage_plan(path: Path, tmp_path: Path):
    """EVPI and VSS are never negative, and what is committed now is the same in every
    future's written plan."""
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["solve", str(path), "--out", str(out)])
    assert result.exit_code == 0, result.output
    summary = yaml.safe_load((out / "summary.json").read_text())
    tolerance = 1e-7 * abs(summary["objective"])
    assert summary["evpi"] >= -tolerance
    assert summary["vss"] >= -tolerance
    commit = pd.read_csv(out / "commit_now.csv")
    years = set(commit["year"])
    plans = [pd.read_csv(folder / "capacity.csv") for folder in
             sorted((out / "scenarios").iterdir())]
    first = [plan[plan["year"].isin(years)]["capacity"].to_numpy() for plan in plans]
    for other in first[1:]:
        assert other == pytest.approx(first[0], rel=1e-7, abs=1e-6)
    committed = commit.query("decision == 'block capacity'")["amount"].sum()
    assert first[0].sum() == pytest.approx(committed, rel=1e-9)
    costs = pd.read_csv(out / "scenario_costs.csv")
    assert (costs["two_stage_plan"] >= costs["perfect_foresight"] - tolerance).all()
    assert (out / "uncertainty.html").read_text().count("Plan for the average future") >= 1


def _files(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` but the timings (which say how long this run took)."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and p.name != "timings.json"}


def test_same_input_same_files(tmp_path: Path):
    """Two runs of the same two-stage plan, and of the same designs comparison, write the
    same bytes (the charts' div ids are fixed; no file but timings.json records the time)."""
    lancashire = ROOT / "instances" / "lancashire-reablement" / "uncertainty.yaml"
    runs = []
    for run in ("first", "second"):
        out = tmp_path / run
        for command in (["solve", str(NEWSVENDOR), "--out", str(out / "solve")],
                        ["designs", str(lancashire), "--service", "reablement",
                         "--out", str(out / "designs")]):
            result = CliRunner().invoke(app, command)
            assert result.exit_code == 0, result.output
        runs.append(_files(out))
    assert {"solve/uncertainty.html", "designs/designs.html"} <= set(runs[0])
    different = [name for name in runs[0] if runs[0][name] != runs[1].get(name)]
    assert runs[0].keys() == runs[1].keys() and not different, different


def _bad(tmp_path: Path, change) -> tuple[int, str]:
    data = newsvendor_data()
    change(data)
    path = tmp_path / "instance.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    result = CliRunner().invoke(app, ["solve", str(path), "--out", str(tmp_path / "out")])
    return result.exit_code, " ".join(result.output.split())


def test_probabilities_must_add_up_to_one(tmp_path: Path):
    def change(data):
        data["scenarios"][1]["probability"]["value"] = 0.4
    code, output = _bad(tmp_path, change)
    assert code == 2
    assert "table scenarios" in output and "probability" in output
    assert "found probabilities adding up to 0.9; expected probabilities adding up to 1 " \
           "(within 1e-06)" in output


def test_a_change_must_name_a_real_row(tmp_path: Path):
    def change(data):
        data["scenarios"][0]["changes"] = [{"table": "cohorts", "where": {"name": "older"},
                                            "field": "growth", "value": 0.03}]
    code, output = _bad(tmp_path, change)
    assert code == 2
    assert "table scenarios, item 1" in output and "(name=low)" in output
    assert "changes[0].where: found {'name': 'older'}; expected at least one row of cohorts " \
           "to match" in output


def test_a_change_must_name_a_real_field(tmp_path: Path):
    def change(data):
        data["scenarios"][0]["changes"][0]["field"] = "persons"
    code, output = _bad(tmp_path, change)
    assert code == 2
    assert "changes[0].field: found 'persons'; expected one of locality, cohort, people, band " \
           "(fields of demand)" in output


def test_scenarios_may_not_change_what_is_committed(tmp_path: Path):
    def change(data):
        data["scenarios"][0]["changes"] = [{"table": "services", "where": {"name": "reablement"},
                                            "remove": True}]
    code, output = _bad(tmp_path, change)
    assert code == 2
    assert "scenarios" in output


def test_spot_dearer_than_block(tmp_path: Path):
    def change(data):
        data["services"][0]["price_spot"]["value"] = 9
    code, output = _bad(tmp_path, change)
    assert code == 2
    assert "price_spot: found 9" in output and "more than the block price 10" in output


def test_ph_needs_scenarios(tmp_path: Path):
    result = CliRunner().invoke(app, ["solve", str(ROOT / "instances/default/instance.yaml"),
                                      "--out", str(tmp_path / "out"), "--method", "ph"])
    assert result.exit_code == 2
    assert "progressive hedging needs futures" in " ".join(result.output.split())


def test_scenarios_round_trip_through_every_format(tmp_path: Path):
    """YAML, CSV and Excel hold the same scenarios, changes and all."""
    from optimiser.io import save_instance
    from optimiser.io.yaml_io import write_yaml

    instance = load_instance(ROOT / "instances" / "england" / "uncertainty.yaml")
    save_instance(instance, tmp_path / "a.yaml")
    save_instance(instance, tmp_path / "b.xlsx")
    (tmp_path / "c").mkdir()
    write_yaml(instance, tmp_path / "c" / "instance.yaml", csv_tables=["scenarios", "services"])
    for path in (tmp_path / "a.yaml", tmp_path / "b.xlsx", tmp_path / "c" / "instance.yaml"):
        again = load_instance(path)
        assert again == instance, path


def test_england_uncertainty_matches_its_build_script():
    """instances/england/uncertainty.yaml is what instances/_build/uncertainty.py writes."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "uncertainty_build", ROOT / "instances" / "_build" / "uncertainty.py")
    assert spec is not None and spec.loader is not None
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    assert script.build() == load_instance(ROOT / "instances" / "england" / "uncertainty.yaml")


def _newsvendor_with_recruitment(risk: bool = False) -> Instance:
    data = newsvendor_data()
    data["roles"] = [{"name": "care_worker", "turnover": S(0.3), "hire_cost": S(1.0)}]
    data["workforce"] = [{"locality": "Example", "role": "care_worker", "staff0": S(0.0),
                          "hire_max": S(10.0)}]
    # Turnover is not a figure the built model can take afresh: the high future's plan is
    # a model of its own.
    data["scenarios"][1]["changes"].append({"table": "roles", "field": "turnover",
                                            "value": 0.5})
    if risk:
        data["settings"]["risk_weight"] = S(1.0)
        data["settings"]["risk_level"] = S(0.5)
    return Instance.model_validate(data)


def test_the_two_stage_rows_are_registered():
    """Every row the two-stage plan adds above the futures' models is described in
    optimiser/families.py (TWO_STAGE_FAMILIES), and its words accept its rows."""
    from optimiser.families import TWO_STAGE_FAMILIES
    from optimiser.stochastic.deterministic_equivalent import build_deterministic_equivalent
    from optimiser.stochastic.scenarios import Risk, futures

    all_futures = futures(_newsvendor_with_recruitment(risk=True))
    equivalent = build_deterministic_equivalent(all_futures, 1, Risk(1.0, 0.5))
    blocks = equivalent.lp.row_blocks
    assert set(blocks) == set(TWO_STAGE_FAMILIES)
    assert {len(blocks[name].keys) for name in blocks} == {2}  # one a future, each
    for name, family in TWO_STAGE_FAMILIES.items():
        for index in blocks[name].keys:
            parts = index if isinstance(index, tuple) else (index,)
            assert family.limit(all_futures[0].data, *parts)


CAUTIOUS_NEWSVENDOR = "newsvendor with recruitment, CVaR"


@pytest.mark.parametrize("case", [CAUTIOUS_NEWSVENDOR] + WITH_SCENARIOS,
                         ids=lambda p: str(p.relative_to(ROOT)) if isinstance(p, Path) else p)
def test_assembled_equivalent_is_the_pyomo_statement(case: Path | str):
    """The deterministic equivalent assembled from the futures' compiled arrays (futures
    that differ only in mutable figures sharing one built model) reaches the optimum of the
    same formulation written as one Pyomo model (tests/stochastic_reference.py), and each
    future's cost and the commitments agree."""
    from optimiser.solve import solve_direct
    from optimiser.stochastic.scenarios import commit_years, futures, risk_of
    from tests.stochastic_reference import reference_equivalent

    instance = (_newsvendor_with_recruitment(risk=True) if case == CAUTIOUS_NEWSVENDOR
                else load_instance(case))
    all_futures, risk = futures(instance), risk_of(instance)
    years = instance.settings.commit_years
    reference = reference_equivalent(all_futures, years, risk)
    expected = solve_direct(reference)
    solution = solve_stochastic(instance, with_measures=False)
    assert expected.status == "optimal" and solution.optimal
    assert solution.objective == pytest.approx(expected.objective, rel=1e-9)
    for future, cost in zip(all_futures, solution.costs, strict=True):
        assert cost == pytest.approx(pyo.value(reference.scenario_cost[future.name]),
                                     rel=1e-7, abs=1e-6)
    committed = commit_years(all_futures[0].data, years)
    assert len(solution.commit) == len(reference.commit_capacity) + len(reference.commit_hire)
    assert set(solution.commit["year"]) <= set(committed)


def test_futures_differing_only_in_figures_share_one_model():
    """England's nine futures change growth and recruitment limits only (figures the model
    holds as mutable parameters), so one model is built and compiled for all of them; a
    future that changes turnover (the rows' coefficients) has a model of its own."""
    from optimiser.stochastic.deterministic_equivalent import build_deterministic_equivalent
    from optimiser.stochastic.scenarios import futures

    def models(instance: Instance) -> tuple[int, int]:
        blocks = build_deterministic_equivalent(futures(instance), 1).blocks
        return len({id(b.held) for b in blocks}), len(blocks)

    assert models(load_instance(ROOT / "instances" / "england" / "uncertainty.yaml")) == (1, 9)
    assert models(_newsvendor_with_recruitment()) == (2, 2)


def test_lancashire_designs_compared_across_futures(tmp_path: Path):
    """Only the outcomes-based contract's cost depends on what it delivers, so only it has a
    spread; its outcome payments move with the futures (the provider shares the risk), and
    a block contract pays for places no one used (the council bears it)."""
    path = ROOT / "instances" / "lancashire-reablement" / "uncertainty.yaml"
    out = tmp_path / "designs"
    result = CliRunner().invoke(app, ["designs", str(path), "--service", "reablement",
                                      "--out", str(out)])
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out / "designs.csv").set_index("design")
    assert set(table.index) == {"base contract", "block_places", "time_and_task",
                                "outcomes_based"}
    assert table.loc["outcomes_based", "spread"] > 0
    assert table.loc["outcomes_based", "outcome_payment_range"] > 0
    for design in ("base contract", "block_places", "time_and_task"):
        assert table.loc[design, "spread"] == pytest.approx(0.0, abs=1e-3)
    assert table.loc["block_places", "expected_unused_block_payment"] > 0
    assert (table["cvar_0.8"] >= table["expected_cost"] - 1e-3).all()
    assert (table["highest_cost"] >= table["cvar_0.8"] - 1e-3).all()
    assert "Who bears the risk" in (out / "designs.md").read_text()


def test_lancashire_uncertainty_matches_its_build_script():
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "uncertainty_build", ROOT / "instances" / "_build" / "uncertainty.py")
    assert spec is not None and spec.loader is not None
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    assert script.build_lancashire() == load_instance(
        ROOT / "instances" / "lancashire-reablement" / "uncertainty.yaml")
