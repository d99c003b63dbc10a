"""Market, workforce, move and budget limits, each on a tiny instance solved by hand.

Together with test_model_hand.py, every constraint family of the model has a test here that
would fail without it (named in optimiser/families.py, checked by tests/test_families.py)."""

from __future__ import annotations

import pytest

from optimiser.pipeline import solve
from tests.builders import S, build, one_locality, service, worked_example
from tests.invariants import check_invariants

HOUR_YEAR = 17.48 * 52
REL = 1e-7

def _home_care(capacity0: float, grow_max: float, shrink_max: float, demand: float = 100):
    data = one_locality(["2026/27"], demand)
    data["services"] = [service("home_care", "long_term", "hour per week", HOUR_YEAR,
                                grow_max=grow_max, shrink_max=shrink_max, startup=0)]
    data["capacity0"] = [{"locality": "Example", "service": "home_care", "units": S(capacity0)}]
    data["pathways"] = [{"name": "home_care", "cohort": "older_hospital", "suitable": S(1.0)}]
    data["destinations"] = [{"pathway": "home_care", "service": "home_care",
                             "share": S(1.0), "package": S(13)}]
    return data


def test_market_growth_limit_caps_new_capacity():
    """1,000 hours today, growth at most 10% and no start-up allowance: 1,100 hours, enough
    for 1,100 / 13 = 84.6 of the 100 people. The rest are unmet at £100,000 each."""
    solution = solve(build(_home_care(1000, 0.1, 1.0)))
    check_invariants(solution)
    served = 1100 / 13
    assert solution.tables["unmet"]["unmet"].sum() == pytest.approx(100 - served)
    assert solution.objective == pytest.approx(1100 * HOUR_YEAR + (100 - served) * 1e5, rel=REL)
    growth = solution.tables["shadow_prices"].query("family == 'market_growth_limit'").iloc[0]
    assert growth.binding
    assert growth.shadow_price == pytest.approx(1e5 / 13 - HOUR_YEAR, rel=1e-6)


def test_market_shrink_limit_keeps_capacity_that_is_not_needed():
    """2,000 hours today and contracts let at most 20% go: 1,600 hours are paid for although
    the 100 people need only 1,300."""
    solution = solve(build(_home_care(2000, 1.0, 0.2)))
    check_invariants(solution)
    assert solution.tables["capacity"]["capacity"].iloc[0] == pytest.approx(1600)
    assert solution.objective == pytest.approx(1600 * HOUR_YEAR, rel=REL)


def test_turnover_shrinks_the_workforce_without_recruitment():
    """100 care workers today, 30% leave, nobody can be recruited: 70 remain, and at 0.1 FTE
    per hour a week they staff 700 hours: 700 / 13 = 53.8 people served."""
    data = _home_care(0, 100, 1.0)
    data["services"][0]["startup"] = S(1e6)
    data["roles"] = [{"name": "care_worker", "turnover": S(0.3), "hire_cost": S(2000)}]
    data["staffing"] = [{"service": "home_care", "role": "care_worker", "fte_per_unit": S(0.1)}]
    data["workforce"] = [{"locality": "Example", "role": "care_worker", "staff0": S(100),
                          "hire_max": S(0)}]
    solution = solve(build(data))
    check_invariants(solution)
    assert solution.tables["capacity"]["capacity"].iloc[0] == pytest.approx(700)
    assert solution.tables["unmet"]["unmet"].sum() == pytest.approx(100 - 700 / 13)


def _moves(suitable: float, max_per_year: float | None) -> dict:
    data = one_locality(["2026/27"], 0, cohort="learning_disability")
    data["services"] = [
        service("residential", "long_term", "bed", 33_800, package=1),
        service("supported_living", "long_term", "place", 27_400, package=1),
    ]
    data["caseload0"] = [{"locality": "Example", "cohort": "learning_disability",
                          "service": "residential", "people": S(100)}]
    data["pathways"] = [{"name": "supported_living", "cohort": "learning_disability",
                         "suitable": S(1.0)}]
    data["destinations"] = [{"pathway": "supported_living", "service": "supported_living",
                             "share": S(1.0)}]
    move = {"cohort": "learning_disability", "from_service": "residential",
            "to_service": "supported_living", "suitable": S(suitable)}
    if max_per_year is not None:
        move["max_per_year"] = S(max_per_year)
    data["moves"] = [move]
    return data


def test_moves_are_bounded_by_how_many_can_be_supported_a_year():
    """100 adults with learning disabilities in residential care (£33,800 a bed-year); 43%
    could live in supported living (£27,400 a place-year) but only 42 can be supported to
    move in a year: 42 move, 58 stay. Each extra move would save £6,400."""
    solution = solve(build(_moves(0.43, 42)))
    check_invariants(solution)
    assert solution.tables["moves"]["people"].sum() == pytest.approx(42)
    assert solution.objective == pytest.approx(58 * 33_800 + 42 * 27_400, rel=REL)
    limit = solution.tables["shadow_prices"].query("family == 'move_limit'").iloc[0]
    assert limit.binding and limit.shadow_price == pytest.approx(6_400, rel=1e-6)


def test_moves_are_bounded_by_the_share_for_whom_they_suit():
    """With no yearly limit, the 30% for whom supported living suits move: 30 people."""
    solution = solve(build(_moves(0.30, None)))
    check_invariants(solution)
    assert solution.tables["moves"]["people"].sum() == pytest.approx(30)
    assert solution.objective == pytest.approx(70 * 33_800 + 30 * 27_400, rel=REL)


def test_a_budget_below_the_cost_of_care_leaves_need_unmet():
    """MODEL.md's example with only £400,000 to spend: the cheapest care per person is
    reablement (£7,999.28), so 50.004 people are reabled and the rest of the 100 are unmet
    at £100,000 each. One more £ of budget serves 1/7,999.28 of a person, saving
    £100,000/7,999.28 − 1."""
    data = worked_example()
    data["budget"] = [{"year": "2026/27", "amount": S(400_000)}]
    solution = solve(build(data))
    check_invariants(solution)
    served = 400_000 / 7_999.28
    assert solution.tables["unmet"]["unmet"].sum() == pytest.approx(100 - served)
    assert solution.objective == pytest.approx(400_000 + (100 - served) * 1e5, rel=REL)
    budget = solution.tables["shadow_prices"].query("family == 'budget_limit'").iloc[0]
    assert budget.binding
    assert budget.shadow_price == pytest.approx(1e5 / 7_999.28 - 1, rel=1e-6)


def test_the_duty_to_meet_eligible_need_serves_people_the_penalty_would_leave():
    """An unmet-need penalty of £10,000 is below the £11,816.48 home care costs a person
    (13 hours at £908.96), so on cost alone all 100 would be left unmet (£1,000,000). Under
    the Care Act duty for their cohort nobody may be: all 100 are served, £1,181,648."""
    data = one_locality(["2026/27"], 100, penalty=10_000)
    data["services"] = [service("home_care", "long_term", "hour per week", HOUR_YEAR)]
    data["pathways"] = [{"name": "home_care", "cohort": "older_hospital", "suitable": S(1.0)}]
    data["destinations"] = [{"pathway": "home_care", "service": "home_care", "share": S(1.0),
                             "package": S(13)}]
    assert solve(build(data)).objective == pytest.approx(1_000_000, rel=REL)
    data["settings"]["meet_eligible_need"] = ["older_hospital"]
    solution = solve(build(data))
    check_invariants(solution)
    assert solution.objective == pytest.approx(100 * 13 * HOUR_YEAR, rel=REL)
    assert solution.tables["unmet"]["unmet"].tolist() == pytest.approx([0], abs=1e-9)


def test_a_service_new_to_a_locality_starts_from_its_start_up_allowance():
    """No home care today, growth of at most 10% a year on nothing, and providers can open
    650 hours in a year: 650 hours serve 650 / 13 = 50 of the 100 people; 50 are unmet."""
    data = _home_care(0, 0.1, 1.0)
    data.pop("capacity0")
    data["services"][0]["startup"] = S(650)
    solution = solve(build(data))
    check_invariants(solution)
    assert solution.tables["capacity"]["capacity"].tolist() == pytest.approx([650])
    assert solution.tables["unmet"]["unmet"].tolist() == pytest.approx([50])
