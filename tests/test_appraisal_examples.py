"""The shipped appraisals: they load, every option applies to its base instance, and the
Lancashire comparison says what the documents report."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from optimiser.appraisal import load_appraisal, run_appraisal, write_outputs
from tests.builders import ROOT

APPRAISALS = ROOT / "instances" / "appraisals"


def test_england_appraisal_is_a_grid_of_at_least_27_options():
    loaded = load_appraisal(APPRAISALS / "england-options.yaml")
    assert loaded.appraisal.dimensions() == ["demand", "reablement", "workforce"]
    assert len(loaded.options) >= 27
    designs = {tuple(i.settings.designs) for i in loaded.instances.values()}
    assert designs == {(), ("time_and_task",), ("outcomes_based",)}


def test_lancashire_outcomes_based_contract_costs_less_and_reables_more(tmp_path):
    """001_4550ef852cabf2d2.txt:912, 2141: more people reabled, more of them independent."""
    loaded = load_appraisal(APPRAISALS / "lancashire-contracts.yaml")
    with ThreadPoolExecutor(max_workers=1) as executor:
        summary = run_appraisal(loaded, tmp_path, executor)
    assert not summary.failed
    table, _ = write_outputs(loaded, tmp_path)
    rows = table.set_index("option")
    before, after = rows.loc["time-and-task"], rows.loc["outcomes-based"]
    assert after["total_cost"] < before["total_cost"]
    assert after["outcome: independent"] > before["outcome: independent"]
    assert after["people: finished_reablement"] > 1.5 * before["people: finished_reablement"]
    # Each reported effect taken away narrows the gap, never reverses the ranking of cost.
    for weaker in ("outcomes-based-no-extra-volume", "outcomes-based-half-independence-gain"):
        assert after["total_cost"] < rows.loc[weaker, "total_cost"] < before["total_cost"]


def test_england_demand_levels_reach_every_older_cohort():
    """The growth levels name the older cohorts one by one: a cohort added to the England
    instance must be added to them too, or it would keep the central growth unnoticed."""
    loaded = load_appraisal(APPRAISALS / "england-options.yaml")
    high = loaded.instances["demand=high,reablement=block,workforce=central"]
    older = [c for c in high.cohorts if c.name.startswith("older")]
    assert older and all(c.growth.value == 0.0348 for c in older)
