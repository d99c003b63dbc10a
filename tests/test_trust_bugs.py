"""The bugs an independent formulation found (issue 13), each reproduced and pinned."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
import yaml
from typer.testing import CliRunner

from optimiser.cli import app
from optimiser.families import target_level_after
from optimiser.io import save_instance
from optimiser.prepare import TargetRow, prepare
from tests.builders import S, build, one_locality, service, worked_example


def test_an_instance_without_indicators_solves_and_writes_its_summary(tmp_path):
    """Before: KeyError 'target' in report.py, exit 1 with a traceback, half the outputs."""
    data = worked_example()
    for table in ("indicators", "targets", "pathway_outcomes", "outcome_prices"):
        data.pop(table, None)
    path = tmp_path / "instance.yaml"
    save_instance(build(data), path)

    result = CliRunner().invoke(app, ["solve", str(path), "--out", str(tmp_path / "plan")])

    assert result.exit_code == 0, result.output
    assert "£952,616" in result.stdout  # the worked example's optimum: it has no targets
    assert "## Outcome targets" in (tmp_path / "plan" / "summary.md").read_text()


def _with_design(package_factor: float):
    """One cohort, one pathway: a reablement stage, then 30% to home care at 10 hours a week
    and 20% to a residential bed (a fixed package of 1 bed). A design on reablement
    evidenced to shrink the packages people go on to need."""
    data = one_locality(["2026/27"], 100)
    data["services"] = [
        service("reablement", "short_term", "hour", 10),
        service("home_care", "long_term", "hour per week", 1000),
        service("residential", "long_term", "bed", 40000, package=1),
    ]
    data["pathways"] = [{"name": "reable", "cohort": "older_hospital", "suitable": S(1)}]
    data["stages"] = [{"pathway": "reable", "service": "reablement", "share": S(1),
                       "weeks": S(6), "intensity": S(5)}]
    data["destinations"] = [
        {"pathway": "reable", "service": "home_care", "share": S(0.3), "package": S(10)},
        {"pathway": "reable", "service": "residential", "share": S(0.2)}]
    data["contract_designs"] = [{"name": "smaller", "service": "reablement",
                                 "payment": "block", "package_factor": S(package_factor)}]
    data["settings"]["designs"] = ["smaller"]
    return build(data)


def test_package_factor_shrinks_home_care_hours_but_never_a_bed():
    """Before: 33 people in residential care occupied 16.5 beds with a factor of 0.5."""
    package = prepare(_with_design(0.5)).package
    assert package["reable", "home_care"] == pytest.approx(5.0)  # 10 hours x 0.5
    assert package["reable", "residential"] == 1.0  # one bed a person, whatever the contract


def _target(sense: str, level: float, basis: str = "demand") -> SimpleNamespace:
    row = TargetRow(key=("t", "area", "2026/27"), indicator="independent", sense=sense,
                    localities=("Example",), cohorts=("older_hospital",), year="2026/27",
                    level=level, basis=basis, population=200_000)
    return SimpleNamespace(data=SimpleNamespace(target_rows={row.key: row}),
                           demand={("Example", "older_hospital", "2026/27"): 1000.0})


def test_a_relaxed_target_is_never_negative():
    """A floor of 10% of 1,000 people is 100 people. When no pathway achieves the indicator
    the relaxation can exceed the limit (here 150 of 100): the diagnosis suggested a target
    of -5%; the level that can be reached is 0%."""
    m = _target("at_least", 0.10)
    assert target_level_after(m, ("t", "area", "2026/27"), 150.0, 100.0) == 0.0
    assert target_level_after(m, ("t", "area", "2026/27"), 30.0, 100.0) == pytest.approx(0.07)


def test_a_relaxed_ceiling_is_never_above_all_of_new_need():
    m = _target("at_most", 0.9)
    assert target_level_after(m, ("t", "area", "2026/27"), 500.0, 900.0) == 1.0


@pytest.mark.parametrize(("basis", "level"), [("demand", -0.1), ("demand", 1.5),
                                              ("population", -3), ("population", 2e5)])
def test_a_target_level_outside_its_range_fails_validation(tmp_path, basis, level):
    data = worked_example()
    data["targets"] = [{"name": "independence", "indicator": "independent",
                        "sense": "at_least", "basis": basis, "level": S(level)}]
    if basis == "population":
        data["localities"][0]["population"] = S(200_000)
    path = tmp_path / "instance.yaml"
    path.write_text(yaml.safe_dump(data))

    result = CliRunner().invoke(app, ["validate", str(path)])

    assert result.exit_code == 2
    assert "field level" in result.stderr
    expected = ("≥ 0" if level < 0  # the field's own type refuses a negative level
                else "from 0 to 1" if basis == "demand" else "from 0 to 100,000")
    assert expected in result.stderr
