"""Every plan checked by simulation (MODEL.md 14): a plan sized to the average lets the queue
grow; the plan with headroom meets its standard in the simulation; the same seed gives the
same results, whichever worker ran what."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from optimiser.appraisal.runner import open_executor
from optimiser.cli import app
from optimiser.pipeline import solve
from optimiser.report import write_outputs
from optimiser.simulation.queue import QueueSpec, Year, servers, simulate
from optimiser.simulation.run import read_specs, simulate_plan, summarise
from tests.test_headroom import d2a_instance

YEARS = ("2026/27", "2027/28", "2028/29")


def _plan(tmp_path: Path, **kwargs) -> Path:
    solution = solve(d2a_instance(**kwargs))
    assert solution.optimal
    write_outputs(solution, tmp_path)
    return tmp_path


def _simulated(plan_dir: Path, runs: int, seed: int = 7) -> pd.DataFrame:
    with ThreadPoolExecutor(max_workers=1) as inline:
        return summarise(simulate_plan(read_specs(plan_dir), runs, seed, inline))


def test_a_plan_sized_to_the_average_lets_the_queue_grow(tmp_path):
    """No variability stated: the plan commissions the load exactly (20 beds for 520 people
    a year staying 2 weeks), a critically loaded queue. The waits grow year on year, and
    most people wait."""
    plan = _plan(tmp_path, people=520, weeks=2, wait_share=None, delay_price=None,
                 years=YEARS, variability=False)
    short_term = pd.read_csv(plan / "short_term.csv")
    assert short_term["places"].tolist() == pytest.approx([20.0] * 3)
    result = _simulated(plan, runs=8)
    waits = result["mean_wait_days"].tolist()
    assert waits[0] < waits[1] < waits[2]
    assert result["share_waited_low"].iloc[-1] > 0.5


def test_the_plan_with_headroom_meets_its_waiting_standard_in_the_simulation(tmp_path):
    """At most 20% may wait: the LP's headroom (about 111 beds for a load of 100) holds the
    simulated share waiting to the standard, within the confidence interval over runs."""
    plan = _plan(tmp_path, people=2600, weeks=2, wait_share=0.2)
    result = _simulated(plan, runs=4)
    row = result.iloc[0]
    assert row["places"] == servers(pd.read_csv(plan / "headroom.csv")["places"].iloc[0])
    assert row["share_waited_low"] <= 0.2
    assert row["mean_occupancy"] == pytest.approx(100, rel=0.05)  # the LP's average load


def test_the_same_seed_gives_the_same_results_whoever_runs_them(tmp_path):
    plan = _plan(tmp_path, people=520, weeks=2, wait_share=0.2, years=YEARS[:2])
    specs = read_specs(plan)
    with ThreadPoolExecutor(max_workers=1) as inline:
        first = simulate_plan(specs, 3, 11, inline)
    with open_executor(workers=2) as pool:
        again = simulate_plan(specs, 3, 11, pool)
    pd.testing.assert_frame_equal(first, again)
    with ThreadPoolExecutor(max_workers=1) as inline:
        other = simulate_plan(specs, 3, 12, inline)
    assert not other.equals(first)


def test_bunched_arrivals_wait_more_than_poisson_arrivals():
    """Arrivals whose variance is three times their mean (people discharged in bunches): at
    the same 56 beds for a load of 50, people wait longer than with Poisson arrivals, and
    about as many people arrive."""
    years = (Year("2026/27", 1300, 14.0, 56),)
    calm = [simulate(QueueSpec("A", "d2a_bed", years), seed)[0] for seed in range(4)]
    bunched = [simulate(QueueSpec("A", "d2a_bed", years, dispersion=3.0), seed)[0]
               for seed in range(4)]
    assert sum(r["mean_wait_days"] for r in bunched) > 2 * sum(r["mean_wait_days"] for r in calm)
    assert sum(r["people"] for r in bunched) == pytest.approx(4 * 1300, rel=0.05)


def test_simulate_command_writes_the_results_into_the_plan_folder(tmp_path):
    instance = tmp_path / "instance.yaml"
    from optimiser.io import save_instance

    save_instance(d2a_instance(520, 2, wait_share=0.2), instance)
    out = tmp_path / "plan"
    result = CliRunner().invoke(app, ["solve", str(instance), "--out", str(out),
                                      "--simulate", "--runs", "2", "--workers", "1"])
    assert result.exit_code == 0, result.output
    summary = pd.read_csv(out / "simulation.csv")
    assert list(summary[["locality", "service"]].iloc[0]) == ["Example", "d2a_bed"]
    assert {"share_waited_low", "p95_wait_days", "delay_cost_high"} <= set(summary.columns)
    again = CliRunner().invoke(app, ["solve", str(instance), "--out", str(out), "--force"])
    assert again.exit_code == 0, again.output  # the simulation's files are the tool's own
    assert not (out / "simulation.csv").exists()


def test_simulate_says_what_is_missing_from_a_folder_that_is_not_a_plan(tmp_path):
    result = CliRunner().invoke(app, ["simulate", str(tmp_path)])
    assert result.exit_code == 2
    assert "short_term.csv is missing" in result.output


def test_the_comparison_counts_spend_apart_from_the_priced_delays(tmp_path):
    """docs/variability.md's comparison: 'spend' is what the council pays for places (the
    costs table without the LP's estimated delays, payment 'delay'), and the delays come
    from the simulation, so neither is counted twice."""
    from optimiser.results import NOT_SPEND
    from optimiser.simulation.compare import plan_table
    from optimiser.simulation.run import write_results

    plan = _plan(tmp_path, people=520, weeks=2, wait_share=None, delay_price=2000 / 7)
    with ThreadPoolExecutor(max_workers=1) as inline:
        per_run = simulate_plan(read_specs(plan), 2, 7, inline)
    write_results(plan, per_run, summarise(per_run))
    costs = pd.read_csv(plan / "costs.csv")
    assert (costs["payment"] == "delay").any()
    row = plan_table(plan).iloc[0]
    assert row["spend"] == pytest.approx(
        costs.loc[~costs["payment"].isin(NOT_SPEND), "cost"].sum(), rel=1e-9)
    assert row["delay_cost"] == pytest.approx(
        pd.read_csv(plan / "simulation.csv")["delay_cost"].sum(), rel=1e-9)
