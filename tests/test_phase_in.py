"""The phase-in table, worked out by hand on MODEL.md's worked example over three years."""

from __future__ import annotations

import pytest

from optimiser.pipeline import solve
from tests.builders import S, build, worked_example


def _slow_reablement_market():
    """60 people a year suit reablement (60% of 100), each for 6 weeks: 60 × 6/52 = 6.923
    places a year. Today there are 2 places and the market can at most double a year, with no
    start-up allowance: at most 4 places in 2026/27 (34.67 people reabled), then 8 ≥ 6.923
    in 2027/28. Reablement is cheaper than straight-to-home-care (MODEL.md), so the plan
    wants all 60 every year: held back by market growth in 2026/27 only, it reaches its plan
    level in 2027/28, two years on. Home care is never held back."""
    data = worked_example()
    data["years"] = ["2026/27", "2027/28", "2028/29"]
    reablement = data["services"][0]
    reablement.update(grow_max=S(1.0), startup=S(0))
    data["capacity0"] = [{"locality": "Example", "service": "reablement", "units": S(2.0)}]
    return build(data)


def test_a_service_the_market_holds_back_for_a_year_takes_two_years_to_its_plan_level():
    solution = solve(_slow_reablement_market())
    assert solution.optimal
    table = solution.tables["phase_in"].set_index("service")
    reablement = table.loc["reablement"]
    assert reablement["capacity_today"] == pytest.approx(2.0)
    assert reablement["capacity_first_year"] == pytest.approx(4.0, rel=1e-6)
    assert reablement["capacity_last_year"] == pytest.approx(60 * 6 / 52, rel=1e-6)
    assert reablement["held_back_in"] == "2026/27"
    assert reablement["held_back_by"] == "market growth"
    assert reablement["reaches_plan_level_in"] == "2027/28"
    assert reablement["years_to_plan_level"] == 2
    home_care = table.loc["home_care"]
    assert home_care["held_back_in"] == ""
    assert home_care["years_to_plan_level"] == 1


def test_a_service_held_back_in_the_last_year_has_not_reached_its_plan_level():
    """Growth of at most 20% a year from 2 places: 2.4, 2.88, 3.456, all short of 6.923."""
    data = _slow_reablement_market().model_dump(mode="json")
    data["services"][0]["grow_max"] = S(0.2)
    solution = solve(build(data))
    reablement = solution.tables["phase_in"].set_index("service").loc["reablement"]
    assert reablement["capacity_last_year"] == pytest.approx(2 * 1.2 ** 3, rel=1e-6)
    assert reablement["held_back_in"] == "2026/27, 2027/28, 2028/29"
    assert reablement["reaches_plan_level_in"] == "after 2028/29"
    assert reablement["years_to_plan_level"] == 4
