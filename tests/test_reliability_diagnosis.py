"""Infeasible plans are explained in words: the shipped infeasible examples, each with the
explanation a commissioner reads, and a check that the changes it names really do allow a
plan."""

from __future__ import annotations

from pathlib import Path

import pyomo.environ as pyo
import pytest
from typer.testing import CliRunner

from models import Instance
from optimiser import diagnose as diagnose_module
from optimiser.appraisal.resolve import PersistentModels
from optimiser.appraisal.runner import WORKER_OPTIONS
from optimiser.cli import app
from optimiser.diagnose import CUT_SHORT, diagnose
from optimiser.io import load_instance
from optimiser.pipeline import build, solve
from optimiser.solve import SolveOptions
from tests.builders import ROOT, S

EXAMPLES = ROOT / "instances" / "examples"

EXPLANATIONS = {
    "infeasible-workforce-target": (
        "The target of 65% independent after a short-term service in Melton, 2027/28 (target "
        "independence_2027) cannot be met with the reablement workers that can be recruited: "
        "it needs 8.4 more reablement workers recruited in Melton in 2027/28 (the limit is 3 a "
        "year), or a target of 46.4%."
    ),
    "infeasible-budget-contracts": (
        "No plan fits within the change the market for residential care-home beds can make in "
        "a year and the budget together: it needs 32.1 more beds given up in Melton in 2026/27 "
        "than the contracts for residential care-home beds allow, or £1,084,000 more budget in "
        "2026/27 (£6,084,000 rather than £5,000,000)."
    ),
    "infeasible-market-growth": (
        "The target of 60% living in the most independent setting in Melton, 2026/27 (target "
        "supported_living_first) cannot be met with the change the market for supported living "
        "can make in a year: it needs 10.4 more places in Melton in 2026/27 than the market for "
        "supported living can grow to, or a target of 25.3%."
    ),
}
"""The first sentence `optimiser solve` prints for each shipped infeasible example. The
figures are worked by hand in each instance's header comment and in the tests below."""

CONFLICTS = {
    "infeasible-workforce-target": {
        "capacity_covers_use[Melton,reablement,2027/28]",
        "staff_cover_capacity[Melton,reablement_worker,2027/28]",
        "staff_retention[Melton,reablement_worker,2026/27]",
        "staff_retention[Melton,reablement_worker,2027/28]",
        "hiring_limit[Melton,reablement_worker,2026/27]",
        "hiring_limit[Melton,reablement_worker,2027/28]",
        "outcome_target[independence_2027,area,2027/28]",
    },
    "infeasible-budget-contracts": {
        "market_shrink_limit[Melton,residential,2026/27]", "budget_limit[2026/27]",
    },
    "infeasible-market-growth": {
        "caseload_units_balance[Melton,learning_disability,supported_living,2026/27]",
        "capacity_covers_use[Melton,supported_living,2026/27]",
        "market_growth_limit[Melton,supported_living,2026/27]",
        "outcome_target[supported_living_first,area,2026/27]",
    },
}
"""HiGHS's irreducible infeasible set for each example: the limits that cannot all hold."""


def _example(name: str):
    return load_instance(EXAMPLES / name / "instance.yaml")


def test_every_shipped_infeasible_example_is_explained_here():
    shipped = {path.name for path in EXAMPLES.glob("infeasible-*")}
    assert len(shipped) >= 3
    assert shipped == set(EXPLANATIONS) == set(CONFLICTS)


@pytest.mark.parametrize("name", sorted(EXPLANATIONS))
def test_infeasible_example_is_explained_in_words(name):
    solution = solve(_example(name))
    assert solution.status == "infeasible"
    assert solution.tables == {}
    diagnosis = solution.diagnosis
    assert diagnosis is not None
    assert diagnosis.explanation[0] == EXPLANATIONS[name]
    assert set(diagnosis.conflict_constraints) == CONFLICTS[name]
    assert len(diagnosis.conflict) == len(diagnosis.conflict_constraints)
    assert solution.summary()["diagnosis"]["explanation"] == diagnosis.explanation


@pytest.mark.parametrize("name", sorted(EXPLANATIONS))
def test_an_appraisals_diagnosis_gives_the_same_words_without_the_conflict(name):
    """An appraisal's options are explained by their relaxations alone (``WORKER_OPTIONS``):
    the same first sentence, and no limits in conflict asked of HiGHS."""
    from optimiser.appraisal.runner import WORKER_OPTIONS

    assert WORKER_OPTIONS.conflict is False
    diagnosis = solve(_example(name), WORKER_OPTIONS).diagnosis
    assert diagnosis is not None
    assert diagnosis.explanation[0] == EXPLANATIONS[name]
    assert diagnosis.conflict == [] and diagnosis.conflict_constraints == []


def _feasible(instance, table: str, row: int, field: str, value: float) -> bool:
    """Whether the instance has a plan once one figure is changed."""
    data = instance.model_dump()
    data[table][row][field] = S(value)
    return solve(Instance.model_validate(data)).status == "optimal"


def test_workforce_example_figures_and_each_remedy_works():
    """Staff in 2027/28 at most (20 × 0.87 + 3) × 0.87 + 3 = 20.748 FTE, one a place. The
    65% target of 306 people needs 198.9 / 0.79 = 251.77 reabled for 6 weeks: 29.05 places,
    8.30 more workers. With 20.748 places, 179.8 are reabled and 46.42% leave independent."""
    instance = _example("infeasible-workforce-target")
    diagnosis = solve(instance).diagnosis
    by_group = {a.group: a for a in diagnosis.alternatives}
    assert set(by_group) == {"targets", "workforce"}
    (hiring,) = by_group["workforce"].relaxations
    assert hiring.amount == pytest.approx(0.65 * 306 / 0.79 * 6 / 52 - 20.748, rel=1e-6)
    (target,) = by_group["targets"].relaxations
    assert 1 - target.amount / target.limit == pytest.approx(20.748 * 52 / 6 * 0.79 / 306 / 0.65,
                                                             rel=1e-6)

    assert _feasible(instance, "workforce", 0, "hire_max", 3 + hiring.amount + 1e-6)
    assert _feasible(instance, "targets", 0, "level", 0.464)
    assert not _feasible(instance, "targets", 0, "level", 0.465)


def test_budget_example_each_remedy_works():
    """180 beds at £33,800 must be paid for (10% of 200 may go): £6,084,000 against
    £5,000,000. Or give up 200 − 5,000,000 / 33,800 = 52.07 beds, 32.07 more than the 20
    contracts allow; today's 120 residents, a third leaving, need only 80."""
    instance = _example("infeasible-budget-contracts")
    diagnosis = solve(instance).diagnosis
    by_group = {a.group: a.relaxations for a in diagnosis.alternatives}
    assert by_group["budget"][0].amount == pytest.approx(1_084_000, rel=1e-9)
    assert by_group["market"][0].amount == pytest.approx(200 - 5e6 / 33_800 - 20, rel=1e-9)

    assert _feasible(instance, "budget", 0, "amount", 6_084_000)
    assert _feasible(instance, "services", 0, "shrink_max", (200 - 5e6 / 33_800) / 200 + 1e-9)


def test_market_growth_example_each_remedy_works():
    """At most 40 × 1.1 + 2 = 46 places, 38.4 of them kept by today's tenants (4% leave):
    7.6 for new need, 25.3% of 30. The 60% target needs 18, so 10.4 more places."""
    instance = _example("infeasible-market-growth")
    by_group = {a.group: a.relaxations for a in solve(instance).diagnosis.alternatives}
    assert set(by_group) == {"targets", "market"}
    assert by_group["market"][0].amount == pytest.approx(18 - 7.6, rel=1e-9)
    assert _feasible(instance, "services", 0, "grow_max", (38.4 + 18 - 2) / 40 - 1 + 1e-9)


def test_diagnosis_leaves_the_model_as_it_was():
    model, _ = build(_example("infeasible-workforce-target"))
    before = {c.name for c in model.component_data_objects(pyo.Constraint, active=True)}
    components = {c.name for c in model.component_objects()}
    diagnose(model)
    assert {c.name for c in model.component_data_objects(pyo.Constraint, active=True)} == before
    assert {c.name for c in model.component_objects()} == components
    assert model.objective.active


def _with(instance: Instance, table: str, row: int, field: str, value: float) -> Instance:
    data = instance.model_dump()
    data[table][row][field] = S(value)
    return Instance.model_validate(data)


def _alternatives(diagnosis) -> dict[str, dict[str, float]]:
    return {a.group: {r.constraint: r.amount for r in a.relaxations}
            for a in diagnosis.alternatives}


@pytest.mark.parametrize("hot", [True, False], ids=["from the last basis", "from nothing"])
def test_a_kept_models_diagnosis_matches_one_made_from_nothing(hot, monkeypatch):
    """An appraisal's worker diagnoses an option from the HiGHS object that has just
    re-solved it (from the last option's basis), not from a fresh one: the same relaxations
    (8.30 more workers, or a target of 46.4%, as worked above), whether the first relaxation
    starts from that basis or, given no iterations for it, from nothing. The kept model then
    solves the next option as a model of its own would."""
    if not hot:
        monkeypatch.setattr(diagnose_module, "HOT_ITERATIONS", 0)
        monkeypatch.setattr(diagnose_module, "HOT_SHARE", 0.0)
    infeasible = _example("infeasible-workforce-target")
    feasible = _with(infeasible, "workforce", 0, "hire_max", 12.0)
    kept = PersistentModels(WORKER_OPTIONS)
    assert kept.solve(feasible, detail=False).solution.status == "optimal"
    again = kept.solve(infeasible, detail=False)
    assert again.resolved and again.solution.status == "infeasible"
    alone = solve(infeasible, WORKER_OPTIONS).diagnosis
    assert again.solution.diagnosis is not None and alone is not None
    found, expected = _alternatives(again.solution.diagnosis), _alternatives(alone)
    assert found.keys() == expected.keys() == {"targets", "workforce"}
    for group, amounts in expected.items():
        assert found[group] == pytest.approx(amounts, rel=1e-6)
    assert again.solution.diagnosis.explanation == alone.explanation == [
        EXPLANATIONS["infeasible-workforce-target"]]
    after = kept.solve(feasible, detail=False).solution
    assert after.objective == pytest.approx(solve(feasible).objective, rel=1e-9)


def test_a_plan_maximising_an_outcome_is_explained_as_one_minimising_cost():
    """The relaxations weigh only how far limits move, whatever the model optimises: the
    workforce example maximising people left independent (within a budget of £1bn a year,
    which never binds) is explained in the same words."""
    data = _example("infeasible-workforce-target").model_dump()
    data["settings"]["objective"] = "max_outcome"
    data["settings"]["objective_indicator"] = "independent"
    data["budget"] = [{"year": year, "amount": S(1e9)} for year in data["years"]]
    solution = solve(Instance.model_validate(data))
    assert solution.status == "infeasible" and solution.maximised
    assert solution.diagnosis is not None
    assert solution.diagnosis.explanation == [EXPLANATIONS["infeasible-workforce-target"]]


def test_solve_command_prints_the_diagnosis_and_writes_it_to_the_summary(tmp_path: Path):
    out = tmp_path / "plan"
    result = CliRunner().invoke(app, [
        "solve", str(EXAMPLES / "infeasible-workforce-target" / "instance.yaml"),
        "--out", str(out)])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert EXPLANATIONS["infeasible-workforce-target"] in result.stderr
    assert "Any one of these would make a plan possible" in result.stderr
    summary = (out / "summary.md").read_text(encoding="utf-8")
    assert "## Why there is no plan" in summary
    assert EXPLANATIONS["infeasible-workforce-target"] in summary
    assert "`hiring_limit[Melton,reablement_worker,2027/28]`" in summary


def test_troubleshooting_shows_what_the_command_prints(tmp_path: Path):
    """docs/troubleshooting.md's example is the command's output, line for line."""
    text = (ROOT / "docs" / "troubleshooting.md").read_text(encoding="utf-8")
    block = text.split("```console\n", 1)[1].split("```", 1)[0].splitlines()
    command, shown = block[0], block[1:]
    assert command.startswith("$ optimiser solve instances/examples/infeasible-workforce-target")
    result = CliRunner().invoke(app, [
        "solve", str(EXAMPLES / "infeasible-workforce-target" / "instance.yaml"),
        "--out", str(tmp_path / "wf")])
    printed = result.stderr.splitlines()
    assert printed[:-1] == shown[:-1]
    assert printed[-1].startswith("Details: ") and shown[-1].startswith("Details: ")


def test_a_target_failing_in_several_places_and_years_is_explained_once():
    """The workforce example's target held in both years: 8.08 more workers in 2026/27
    (28.48 places for 65% of 300 against 20.4 in post), and 1.27 more in 2027/28 (29.05
    places against 28.48 × 0.87 + 3 kept and recruited); or a level each year can reach."""
    data = _example("infeasible-workforce-target").model_dump()
    data["targets"][0].update(years=[], scope="each_locality")
    diagnosis = solve(Instance.model_validate(data)).diagnosis
    assert diagnosis.explanation[0] == (
        "The target of 65% independent after a short-term service (target independence_2027) "
        "cannot be met in each of its 2 places and years with the reablement workers that can "
        "be recruited: it needs 8.1 more reablement workers recruited in Melton in 2026/27 "
        "(the limit is 3 a year) and 1.3 more reablement workers recruited in Melton in "
        "2027/28 (the limit is 3 a year), or a target of 46.4% everywhere (each place and year "
        "can reach 46.4% to 46.5%).")
    hiring = {r.index[2]: r.amount for a in diagnosis.alternatives if a.group == "workforce"
              for r in a.relaxations}
    assert hiring == pytest.approx({"2026/27": 0.65 * 300 / 0.79 * 6 / 52 - 20.4,
                                    "2027/28": 0.65 * 306 / 0.79 * 6 / 52
                                    - (0.65 * 300 / 0.79 * 6 / 52 * 0.87 + 3)})


@pytest.mark.parametrize("options", [SolveOptions(time_limit=0.0),
                                     SolveOptions(iteration_limit=0)], ids=["time", "iterations"])
def test_a_diagnosis_cut_short_by_a_solver_limit_says_so(options):
    """Never 'nothing would help' when HiGHS simply ran out of time or iterations."""
    model, _ = build(_example("infeasible-workforce-target"))
    diagnosis = diagnose(model, options)
    assert diagnosis.explanation == [CUT_SHORT]
    assert diagnosis.alternatives == [] and diagnosis.smallest is None
    assert "--time-limit" in diagnosis.text()
