"""The cost-versus-outcome frontier, worked out by hand on MODEL.md's worked example."""

from __future__ import annotations

import re
import subprocess
import sys

import pandas as pd
import pytest

from optimiser.appraisal.frontier import FrontierError, achieved_column, price_column, trace
from tests.builders import S, build, worked_example

HOME_CARE = 908.96 * 13  # £11,816.48 a person straight to home care


def _dear_reablement():
    """Reablement places at £104,000 a year (four times the worked example's): a person
    reabled costs 104,000 × 6/52 + 908.96 × 0.55 × 10 = £16,999.28, £5,182.80 more than
    home care, so the cheapest plan reables nobody (0% independent). Reablement suits at
    most 60%, of whom 45% leave independent: the best reachable level is 27%."""
    data = worked_example()
    data["services"][0]["price_capacity"] = S(104_000)
    return build(data)


def test_frontier_is_linear_from_cheapest_to_best_reachable_level():
    """At a level e, 100e/0.45 people are reabled: cost = £1,181,648 + (100e/0.45) ×
    £5,182.80. Each extra person independent costs £5,182.80 / 0.45 = £11,517.33."""
    frontier = trace(_dear_reablement(), "independent", points=4)
    assert frontier.low == pytest.approx(0.0, abs=1e-9)
    assert frontier.high == pytest.approx(0.27, rel=1e-9)
    table = frontier.table
    assert list(table["status"]) == ["optimal"] * 4
    for row in table.itertuples():
        expected = 100 * HOME_CARE + (100 * row.level / 0.45) * 5_182.80
        assert row.total_cost == pytest.approx(expected, rel=1e-7)
    interior = table.iloc[1:3]
    assert interior["shadow price (£ per person, all years)"].tolist() == pytest.approx(
        [5_182.80 / 0.45] * 2, rel=1e-6)
    assert table["level"].iloc[-1] == pytest.approx(0.27, rel=1e-6)


def _reablement_starting_small() -> dict:
    """Dear reablement over two years (100 people a year, no one leaving home care), with
    at most one place in 2026/27 (start-up 1) and room to grow after. A person reabled in
    2026/27 saves 7.5 home-care hours in both years, £13,634.40 against £12,000 of
    reablement, so the cheapest plan fills the place: 52/6 = 8.67 people, 3.9% independent
    in 2026/27; in 2027/28 the saving is one year's, £6,817.20, so nobody: 0%. It costs
    2026/27 £104,000 + (1,300 − 7.5 × 8.67) × £908.96 = £1,226,565.60 and 2027/28
    (1,235 + 1,300) × £908.96 = £2,304,213.60: £3,530,779.20."""
    data = _dear_reablement().model_dump(mode="json")
    data["years"] = ["2026/27", "2027/28"]
    data["services"][0]["startup"] = S(1)
    return data


@pytest.mark.parametrize(("year", "best"), [(None, 0.039), ("2027/28", 0.27)])
def test_a_frontier_for_one_year_leaves_the_others_as_they_are(year, best):
    """In every year, the weakest is 2027/28 but 2026/27's one place caps both at 3.9%;
    for 2027/28 alone the frontier runs on to 27% (60 reabled), while 2026/27 stays at the
    cheapest plan's 3.9%. Either way, each point is the cheapest plan plus £5,182.80 for
    each person reabled in 2027/28: £11,517.33 a person independent."""
    frontier = trace(build(_reablement_starting_small()), "independent", points=3, year=year)
    assert (frontier.low, frontier.high) == pytest.approx((0.0, best), rel=1e-9, abs=1e-9)
    table = frontier.table
    assert list(table["status"]) == ["optimal"] * 3
    assert table[achieved_column(year)].tolist() == pytest.approx(table["level"].tolist())
    for row in table.itertuples():
        assert row.total_cost == pytest.approx(
            3_530_779.20 + (100 * row.level / 0.45) * 5_182.80, rel=1e-7)
    assert table["achieved (all years)"].tolist() == pytest.approx(
        [(0.039 + level) / 2 for level in table["level"]])
    assert table[price_column(year)].iloc[1:].tolist() == pytest.approx(
        [5_182.80 / 0.45] * 2, rel=1e-6)


def test_frontier_rejects_a_year_the_instance_does_not_plan():
    with pytest.raises(FrontierError, match="--year: found '2031/32'; expected one of the "
                                            "instance's years: 2026/27, 2027/28"):
        trace(build(_reablement_starting_small()), "independent", year="2031/32")


def test_frontier_rejects_an_unknown_indicator():
    with pytest.raises(FrontierError, match="--outcome: found 'independance'; expected one "
                                            "of the instance's indicators: independent"):
        trace(_dear_reablement(), "independance")


def test_frontier_command_writes_table_and_chart(tmp_path):
    instance = tmp_path / "dear.yaml"
    import yaml

    instance.write_text(yaml.safe_dump(_dear_reablement().model_dump(mode="json"),
                                       allow_unicode=True))
    out = tmp_path / "frontier"
    done = subprocess.run([sys.executable, "-m", "optimiser.cli", "frontier", str(instance),
                           "--outcome", "independent", "--out", str(out), "--points", "3"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    table = pd.read_csv(out / "frontier.csv")
    assert len(table) == 3
    page = (out / "frontier.html").read_text()
    assert re.search(r"<script[^>]*\bsrc=", page) is None  # plotly.js is embedded, not fetched
    again = tmp_path / "again"  # the same frontier gives the same page, byte for byte
    subprocess.run([sys.executable, "-m", "optimiser.cli", "frontier", str(instance),
                    "--outcome", "independent", "--out", str(again), "--points", "3"],
                   capture_output=True, timeout=120, check=True)
    assert (again / "frontier.html").read_text() == page


def test_frontier_command_traces_one_year(tmp_path):
    """``--year`` reaches the trace: the table's columns and the closing line name the year,
    and the frontier runs to 27% (above)."""
    import yaml

    instance = tmp_path / "small.yaml"
    instance.write_text(yaml.safe_dump(_reablement_starting_small(), allow_unicode=True))
    out = tmp_path / "frontier"
    done = subprocess.run([sys.executable, "-m", "optimiser.cli", "frontier", str(instance),
                           "--outcome", "independent", "--out", str(out), "--points", "2",
                           "--year", "2027/28"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "from 0.0% to 27.0% of new need in 2027/28" in " ".join(done.stdout.split())
    table = pd.read_csv(out / "frontier.csv")
    assert table["achieved (2027/28)"].tolist() == pytest.approx([0.0, 0.27], rel=1e-6)


def test_a_lower_is_better_frontier_never_leaves_need_unmet():
    """'Entering home care', lower is better. The cheapest plan (dear reablement) sends all
    100 people to home care: 100%. The best any plan can do while meeting everyone's need is
    to reable 60, of whom 55% enter home care: 40 + 33 = 73%. Leaving people unmet would
    push the share lower still; the frontier must not count that."""
    data = _dear_reablement().model_dump(mode="json")
    data["indicators"].append({"name": "home_care_entry", "derived": "enters",
                               "services": ["home_care"], "better": "lower"})
    frontier = trace(build(data), "home_care_entry", points=3)
    assert frontier.low == pytest.approx(1.0)
    assert frontier.high == pytest.approx(0.73, rel=1e-9)
    table = frontier.table
    assert (table["unmet people"] == 0).all()
    for row in table.itertuples():
        reabled = (1 - row.level) * 100 / 0.45
        assert row.total_cost == pytest.approx(100 * HOME_CARE + reabled * 5_182.80, rel=1e-7)


def test_a_frontier_for_one_cohort_counts_that_cohort_alone():
    """As the first test, with 10 younger adults whom no pathway serves (none of them can be
    independent). Traced for older adults alone, the frontier runs from 0% to their best,
    27%, whatever the younger adults' 0%. At its cheapest point it costs what it did without
    them, 100 × £11,816.48, and leaves the 10 younger adults' need unmet."""
    data = _dear_reablement().model_dump(mode="json")
    data["cohorts"].append({"name": "younger", "growth": S(0.0)})
    data["demand"].append({"locality": "Example", "cohort": "younger", "people": S(10)})
    frontier = trace(build(data), "independent", points=2, cohorts=["older_hospital"])
    assert frontier.low == pytest.approx(0.0, abs=1e-9)
    assert frontier.high == pytest.approx(0.27, rel=1e-9)
    cheapest = frontier.table.iloc[0]
    assert cheapest["total_cost"] == pytest.approx(100 * HOME_CARE, rel=1e-7)
    assert cheapest["unmet people"] == pytest.approx(10)
