"""The shipped instances' real limits bind: recruitment holds back best practice in England,
so reablement phases in over more than a year; and being more independent costs more, so
the independence frontier of the default and England instances has many points."""

from __future__ import annotations

import pytest

from optimiser.appraisal.frontier import trace
from optimiser.io import load_instance
from optimiser.pipeline import solve
from tests.test_instances import INSTANCES

BEST = INSTANCES / "england" / "best-practice.yaml"


@pytest.fixture(scope="module")
def best_practice():
    return solve(load_instance(BEST))


def test_recruitment_binds_in_the_first_year_of_best_practice_england(best_practice):
    """Best practice reaches 40% more people with reablement (001:611), but council
    reablement teams can grow only 10% a year beyond replacing their 13% leavers: the
    recruitment limit binds in 2026/27 and one more recruit is worth something."""
    prices = best_practice.tables["shadow_prices"]
    hiring = prices[(prices["family"] == "hiring_limit") & prices["binding"]
                    & (prices["year"] == "2026/27") & (prices["shadow_price"] > 1.0)]
    assert not hiring.empty
    assert set(hiring["item"]) == {"reablement_worker"}


def test_best_practice_reablement_phases_in_over_more_than_a_year(best_practice):
    phase_in = best_practice.tables["phase_in"].set_index("service")
    reablement = phase_in.loc["reablement"]
    assert reablement["years_to_plan_level"] > 1
    assert "2026/27" in reablement["held_back_in"]
    assert "recruiting" in reablement["held_back_by"]
    assert reablement["capacity_first_year"] < reablement["capacity_last_year"]
    # It starts from today's reablement, not from best practice's.
    first = best_practice.tables["capacity"]
    first = first[(first["service"] == "reablement") & (first["year"] == "2026/27")]
    assert float(first["capacity"].sum()) <= 1.11 * float(first["capacity_today"].sum())


@pytest.mark.parametrize("name", ["default/instance.yaml", "england/instance.yaml"])
def test_more_independence_costs_more(name):
    """Offering reablement more widely reaches people who gain a fifth as much (001:906,
    908): it costs more than the care it avoids, so the cheapest plan does not, and each
    step up in independence costs more than the last point's plan."""
    frontier = trace(load_instance(INSTANCES / name), "independent", points=6)
    table = frontier.table
    assert (table["status"] == "optimal").all()
    assert frontier.high > frontier.low + 1e-3
    costs = table["total_cost"].tolist()
    assert len(set(round(c) for c in costs)) >= 5
    assert all(b > a for a, b in zip(costs, costs[1:], strict=False))
    assert (table["shadow price (£ per person, all years)"].iloc[1:] > 0).all()
    assert (table["unmet people"] < 1e-6).all()
