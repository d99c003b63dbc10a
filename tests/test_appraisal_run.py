"""Running an appraisal: the same optimum per option as solving it alone, failures recorded
with their reasons, the Dask path giving the same table, and nothing lost or redone when a
run is killed part-way and started again."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pandas as pd
import pytest

from models.appraisal import apply_option
from optimiser.appraisal import load_appraisal, run_appraisal, write_outputs
from optimiser.appraisal.resolve import PersistentModels
from optimiser.appraisal.runner import WORKER_OPTIONS, open_executor
from optimiser.io import load_instance
from optimiser.pipeline import solve
from tests.browser import needs_chromium, render
from tests.builders import ROOT

DEFAULT = ROOT / "instances" / "default" / "instance.yaml"
REL = 1e-7

SMALL_GRID = f"""\
name: small-grid
description: A two-by-two grid on the default instance, the base, and an unreachable target.
base: {DEFAULT}
report:
  indicator: independent
options:
  - name: base
  - name: impossible-target
    label: Independence target of 95%
    changes:
      - {{table: targets, where: {{name: hospital_independence}}, field: level, value: 0.95,
          source: "assumption: an unreachable target, to test the report"}}
grid:
  dimensions:
    - name: growth
      levels:
        - name: low
          source: "assumption: half the documents' growth, a low path for a test"
          changes: [{{table: cohorts, field: growth, scale: 0.5}}]
        - name: high
          source: "assumption: half as much growth again, a high path for a test"
          changes: [{{table: cohorts, field: growth, scale: 1.5}}]
    - name: reablement
      levels:
        - name: today
        - name: wider
          source: "assumption: reablement open to a third more people, for a test"
          changes:
            - {{table: pathways, where: {{name: [hosp_reablement, comm_reablement]}},
                field: suitable, scale: 1.33}}
"""


@pytest.fixture(scope="module")
def small_grid(tmp_path_factory):
    folder = tmp_path_factory.mktemp("appraisal")
    path = folder / "small.yaml"
    path.write_text(SMALL_GRID)
    return load_appraisal(path)


@pytest.fixture(scope="module")
def local_run(small_grid, tmp_path_factory):
    """The small grid appraised by local worker processes (one, so the order of solves is
    the same as the Dask test's), every option's tables and page written."""
    out = tmp_path_factory.mktemp("local")
    with open_executor(workers=1) as executor:
        summary = run_appraisal(small_grid, out, executor, detail="all")
    table, _ = write_outputs(small_grid, out)
    return summary, table, out


def test_pathway_names_in_the_grid_exist(small_grid):
    names = {p.name for p in small_grid.base.pathways}
    assert {"hosp_reablement", "comm_reablement"} <= names


def test_each_option_has_the_optimum_it_has_alone(small_grid, local_run):
    summary, table, _ = local_run
    assert summary.resolved >= 1  # some options re-solved a kept model
    rows = table.set_index("option")
    for option, instance in small_grid.instances.items():
        alone = solve(instance, WORKER_OPTIONS)
        assert rows.loc[option, "status"] == alone.status, option
        if alone.optimal:
            assert rows.loc[option, "objective"] == pytest.approx(alone.objective, rel=REL)


def test_an_option_sent_as_its_changes_gives_the_row_of_its_whole_instance(small_grid):
    """A worker is sent the base once and each option as its changes: the instance it makes
    is the one the runner validated (same digest), and solving it gives the figures of
    solving that instance."""
    from optimiser.appraisal.figures import plan_figures
    from optimiser.appraisal.worker import Task, _unpickled, pickled_base, solve_options

    base = pickled_base(small_grid.base)
    names = ["base", "impossible-target", "growth=high,reablement=wider"]
    tasks = [Task(option=small_grid.option(name), options=WORKER_OPTIONS) for name in names]
    outcomes = solve_options(base, tasks)
    assert [o.option for o in outcomes] == names
    for name, outcome in zip(names, outcomes, strict=True):
        whole = small_grid.instances[name]
        assert apply_option(_unpickled(base), small_grid.option(name)) == whole
        solved = PersistentModels(WORKER_OPTIONS).solve(whole, detail=False)
        assert outcome.status == solved.solution.status
        if outcome.status == "optimal":
            assert outcome.objective == pytest.approx(solved.solution.objective, rel=1e-9)
            assert solved.solution.model is not None and solved.values is not None
            expected = plan_figures(solved.solution.model, solved.values, whole)
            assert outcome.figures.keys() == expected.keys()
            for column, value in expected.items():
                assert outcome.figures[column] == (
                    pytest.approx(value, rel=1e-9) if isinstance(value, float) else value)


def test_a_finished_option_is_reused_only_while_it_and_its_base_are_unchanged(small_grid):
    """The fingerprint a finished result is kept by: the same for the same file read again,
    different for every option once the base changes, and different between options."""
    from dataclasses import replace

    names = list(small_grid.instances)
    again = load_appraisal(small_grid.path)
    assert [again.fingerprint(n) for n in names] == [small_grid.fingerprint(n) for n in names]
    assert len({small_grid.fingerprint(n) for n in names}) == len(names)
    changed = replace(small_grid, base=small_grid.base.model_copy(
        update={"description": "the base, described again"}))
    assert all(changed.fingerprint(n) != small_grid.fingerprint(n) for n in names)


def test_infeasible_option_is_recorded_with_its_reason_and_the_rest_complete(local_run):
    summary, table, out = local_run
    rows = table.set_index("option")
    assert rows.loc["impossible-target", "status"] == "infeasible"
    reason = rows.loc["impossible-target", "reason"]
    assert reason.startswith("No plan satisfies every hard limit")
    assert "hospital_independence" in reason
    others = rows.drop(index="impossible-target")
    assert (others["status"] == "optimal").all()
    assert summary.failed == ["impossible-target"]
    recorded = json.loads((out / "options" / "impossible-target" / "result.json").read_text())
    assert recorded["status"] == "infeasible" and recorded["row"]["reason"] == reason


def test_the_command_explains_an_option_by_its_relaxations_alone(tmp_path):
    """``optimiser appraise`` solves with the workers' options: an option with no plan is
    explained by the changes that would allow one, without HiGHS's irreducible infeasible
    set (on a 30 × 10 option it took a hundred times as long as the relaxations)."""
    from typer.testing import CliRunner

    from optimiser.cli import app

    path = tmp_path / "appraisal.yaml"
    path.write_text(SMALL_GRID.split("grid:")[0])
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["appraise", str(path), "--out", str(out),
                                      "--workers", "1", "--time-limit", "600"])
    assert result.exit_code == 0, result.output
    message = json.loads((out / "options" / "impossible-target" / "result.json")
                         .read_text())["message"]
    assert "Any one of these would make a plan possible" in message
    assert "irreducible infeasible set" not in message


def test_comparison_table_has_the_columns_a_board_needs(small_grid, local_run):
    _, table, out = local_run
    years = small_grid.base.years
    for column in ["option", "growth", "reablement", "changes", "status", "total_cost",
                   *(f"cost {y}" for y in years), "cost: reablement", "outcome: independent",
                   "outcome: care_home_admissions", "unmet people",
                   "staff needed: care_worker", "staff available: care_worker",
                   "binding limits", "largest shadow price", "largest shadow prices"]:
        assert column in table.columns, column
    assert len(table) == 6
    on_disk = pd.read_csv(out / "comparison.csv")
    assert list(on_disk["option"]) == list(table["option"])
    book = pd.read_excel(out / "comparison.xlsx", sheet_name=None)
    assert set(book) == {"comparison", "options", "columns"}
    assert len(book["comparison"]) == 6


def test_dask_cluster_gives_the_same_table(small_grid, local_run, tmp_path):
    from dask.distributed import Client, LocalCluster

    _, local_table, _ = local_run
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=False,
                      dashboard_address=None) as cluster, Client(cluster) as client:
        summary = run_appraisal(small_grid, tmp_path, client.get_executor())
    assert len(summary.solved) == 6 and not summary.lost
    dask_table, _ = write_outputs(small_grid, tmp_path)
    pd.testing.assert_frame_equal(dask_table, local_table, rtol=1e-7)


def test_resolving_a_kept_model_gives_the_optimum_of_a_fresh_solve():
    """Demand, prices, recruitment limits and target levels change Params on one model;
    a pathway's suitability changes its rows, so that option gets a model of its own."""
    base = load_instance(DEFAULT)
    why = {"source": "assumption: a change for a re-solve test"}

    def scaled(rows, field, factor):
        return [row.model_copy(update={field: getattr(row, field).model_copy(
            update={"value": getattr(row, field).value * factor, **why})}) for row in rows]

    options = [
        (base, False),
        (base.updated(demand=scaled(base.demand, "people", 1.08)), True),
        (base.updated(services=scaled(base.services, "price_capacity", 1.15)), True),
        (base.updated(workforce=scaled(base.workforce, "hire_max", 0.8)), True),
        (base.updated(targets=scaled(base.targets, "level", 0.9)), True),
        (base.updated(pathways=[
            *scaled([p for p in base.pathways if p.name == "hosp_reablement"], "suitable", 1.2),
            *[p for p in base.pathways if p.name != "hosp_reablement"]]), False),
    ]
    kept = PersistentModels(WORKER_OPTIONS)
    for instance, resolves in options:
        solved = kept.solve(instance)
        alone = solve(instance, WORKER_OPTIONS)
        assert solved.resolved is resolves
        assert solved.solution.status == alone.status == "optimal", instance.name
        assert solved.solution.objective == pytest.approx(alone.objective, rel=REL)
        pd.testing.assert_frame_equal(
            solved.solution.tables["outcomes"].drop(columns=["achieved_people",
                                                             "achieved_share"]),
            alone.tables["outcomes"].drop(columns=["achieved_people", "achieved_share"]))


INTERRUPTED = """\
name: interrupted
base: {base}
grid:
  dimensions:
    - name: growth
      source: "assumption: growth paths for an interruption test"
      levels:
{growth}
    - name: price
      levels:
{price}
"""


def _levels(field_table: str, field: str, factors: list[float]) -> str:
    lines = []
    for i, factor in enumerate(factors):
        lines.append(textwrap.indent(textwrap.dedent(f"""\
            - name: l{i}
              source: "assumption: level {i} of an interruption test"
              changes: [{{table: {field_table}, field: {field}, scale: {factor}}}]"""), " " * 8))
    return "\n".join(lines)


def _finished(out: Path) -> dict[str, tuple[int, str]]:
    folder = out / "options"
    if not folder.exists():
        return {}
    found = {}
    for option in folder.iterdir():
        result = option / "result.json"
        if not option.name.startswith(".") and result.exists():
            found[option.name] = (result.stat().st_mtime_ns, result.read_text())
    return found


def test_a_killed_run_resumes_redoing_none_and_losing_none(tmp_path):
    text = INTERRUPTED.format(
        base=DEFAULT,
        growth=_levels("cohorts", "growth", [0.5, 0.75, 1.0, 1.25, 1.5, 1.75]),
        price=_levels("services", "price_capacity", [0.95, 1.0, 1.05, 1.1]),
    ).replace('      source: "assumption: growth paths for an interruption test"\n', "")
    appraisal = tmp_path / "interrupted.yaml"
    appraisal.write_text(text)
    out = tmp_path / "out"
    command = [sys.executable, "-m", "optimiser.cli", "appraise", str(appraisal),
               "--out", str(out), "--workers", "1"]
    runner = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              start_new_session=True)
    deadline = time.monotonic() + 60
    try:
        while len(_finished(out)) < 3 and runner.poll() is None \
                and time.monotonic() < deadline:
            time.sleep(0.005)
    finally:
        os.killpg(runner.pid, signal.SIGKILL)  # the runner and its worker processes
        runner.communicate()
    before = _finished(out)
    assert 3 <= len(before) < 24, "the run was not interrupted part-way"
    # Every folder that exists holds a whole result.
    for option in (out / "options").iterdir():
        if not option.name.startswith("."):
            assert (option / "result.json").exists()

    again = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert again.returncode == 0, again.stderr
    after = _finished(out)
    assert len(after) == 24
    for name, (mtime, text_before) in before.items():
        assert after[name] == (mtime, text_before), f"{name} was solved again"
    assert f"{24 - len(before)} options solved" in again.stdout
    assert f"{len(before)} already done" in again.stdout
    table = pd.read_csv(out / "comparison.csv")
    assert len(table) == 24 and (table["status"] == "optimal").all()
    assert not [p for p in (out / "options").iterdir() if p.name.startswith(".")]


@needs_chromium
def test_report_renders_offline_in_headless_chromium(local_run, tmp_path):
    """The report opens from disk with the network off, draws its four charts and logs
    nothing to the browser console; each option with a plan links to its own report, which
    draws too."""
    _, table, out = local_run
    report = out / "report.html"
    page = report.read_text()
    assert re.search(r"<script[^>]*\bsrc=", page) is None  # plotly.js is embedded, not fetched
    dom, console = render(report, tmp_path / "profile")
    assert console == []
    assert 'data-charts-drawn="4"' in dom
    assert dom.count('class="main-svg"') >= 4
    assert '<div id="report-errors"></div>' in dom
    assert "Cost and unmet need of every option" in dom
    assert "Contract designs side by side" in dom
    optimal = table[table["status"] == "optimal"]["option"].tolist()
    for option in optimal:
        assert f"href=\"options/{option}/report.html\"" in dom
    option_page = out / "options" / optimal[0] / "report.html"
    assert '<script type="text/javascript" src="../../plotly.min.js">' in option_page.read_text()
    dom, console = render(option_page, tmp_path / "profile2")
    assert console == []
    drawn = re.search(r'data-charts-drawn="(\d+)"', dom)
    assert drawn and f'data-charts="{drawn.group(1)}"' in dom and int(drawn.group(1)) >= 5


def test_a_re_solve_highs_cannot_finish_is_solved_again_on_a_fresh_model(monkeypatch):
    """HiGHS in numerical trouble on a hot start (status error) is not the option's answer:
    it is solved once more from a model of its own, with the same optimum as alone."""
    from optimiser.solve import DirectHighs

    base = load_instance(DEFAULT)
    option = base.updated(demand=[d.model_copy(update={"people": d.people.model_copy(
        update={"value": d.people.value * 1.05})}) for d in base.demand])
    kept = PersistentModels(WORKER_OPTIONS)
    kept.solve(base, detail=False)
    run = DirectHighs._run
    failures = iter(["error"])

    def trouble_once(self):
        return next(failures, None) or run(self)

    monkeypatch.setattr(DirectHighs, "_run", trouble_once)
    solved = kept.solve(option, detail=False)
    assert not solved.resolved
    assert solved.solution.status == "optimal"
    assert solved.solution.objective == pytest.approx(
        solve(option, WORKER_OPTIONS).objective, rel=REL)
    assert len(kept.kept) == 1  # the model left in trouble is not kept
