"""Sensitivity ranging (:mod:`optimiser.ranging`): how far each price and binding limit can
move before the plan changes.

Worked by hand on MODEL.md's worked example (100 people, reablement suits at most 60):
- a person reabled costs £p × 6/52 + £908.96 × 0.55 × 10 = £p × 6/52 + £4,999.28 against
  £908.96 × 13 = £11,816.48 straight to home care, so the plan (60 reabled, 40 straight to
  home care) holds while the reablement place price p stays below
  (£11,816.48 − £4,999.28) × 52/6 = £59,082.40 a place-year;
- at home-care price h, reablement costs £3,000 + 5.5h a person against 13h straight to home
  care: the plan holds while h ≥ £400; and while 13h stays below the £100,000 unmet-need
  penalty, h < £7,692.31;
- the suitability limit (60 people) saves £3,817.20 a person over its whole range, 0 to 100
  people (beyond the cohort there is no one more to reable).
"""

from __future__ import annotations

import numpy as np
import pytest

from models import Amount
from models.overrides import overridden
from optimiser.io import load_instance
from optimiser.pipeline import solve
from optimiser.ranging import RANGING_ROWS
from tests.builders import ROOT, S, build
from tests.builders import worked_example as worked_example_data
from tests.io_helpers import worked_example

SOURCE = "assumption: a figure changed to test the price ranges"
SHIPPED = {name: ROOT / "instances" / name / "instance.yaml"
           for name in ("default", "nottinghamshire")}
REABLED = 60 * 6 / 52
"""Reablement places the worked example's plan buys."""


def _row(table, parameter: str):
    (row,) = table[table["parameter"] == parameter].itertuples()
    return row


def _ranging(instance):
    solution = solve(instance)
    assert solution.optimal
    return solution.tables["ranging"]


def test_the_worked_example_holds_while_reablement_costs_below_59082_40():
    table = _ranging(worked_example())
    reablement = _row(table, "price_capacity[reablement]")
    assert reablement.upper == pytest.approx((11_816.48 - 4_999.28) * 52 / 6, abs=0.005)
    assert reablement.upper == pytest.approx(59_082.40, abs=0.005)
    assert (reablement.value, reablement.lower, reablement.exact) == (26_000, 0, True)
    assert reablement.marginal == pytest.approx(REABLED)  # £1 more a place: £6.92 more
    assert reablement.unit == "£ a place-year"
    assert reablement.meaning == ("The plan holds for home reablement while its block price "
                                  "stays below £59,082 a place-year (now £26,000).")
    home_care = _row(table, "price_capacity[home_care]")
    assert (home_care.lower, home_care.upper) == pytest.approx((400, 100_000 / 13), abs=0.005)


def test_the_suitability_limit_keeps_its_shadow_price_from_0_to_100_people():
    table = _ranging(worked_example())
    limit = _row(table, "pathway_suitable[Example,reablement_first,2026/27]")
    assert limit.kind == "limit"
    assert (limit.value, limit.lower, limit.upper) == pytest.approx((60, 0, 100))
    assert limit.marginal == pytest.approx(3_817.20)
    assert limit.meaning.endswith("£3,817.20 per person while the figure stays between 0 "
                                  "people and 100 people (now 60 people).")
    assert not table["parameter"].str.startswith("capacity_covers_use").any()


@pytest.mark.parametrize("share", [0.0, 0.3, 0.95])
def test_inside_its_range_the_limit_is_worth_its_shadow_price(share):
    """Moving the suitability limit anywhere in its range changes the cost at its shadow
    price, exactly: 60 → 100 × share people, at £3,817.20 each."""
    base = solve(worked_example()).objective
    moved = solve(overridden(worked_example(), f"pathways[reablement_first].suitable={share}",
                             source=SOURCE)).objective
    assert moved == pytest.approx(base - (100 * share - 60) * 3_817.20, rel=1e-12)


def _cost_at(instance, parameter: str, price: float) -> float:
    name, service = parameter.rstrip("]").split("[")
    changed = overridden(instance, f"services[{service}].{name}={price!r}", source=SOURCE)
    return solve(changed, ranging=False).objective


def _priced_and_tailed(instance):
    """The instance with its prices at 2019/20 levels raised 3% a year, and the
    end-of-horizon tail on (whatever the shipped settings say)."""
    settings = instance.settings.model_copy(update={
        "price_year": "2019/20", "price_inflation": Amount(value=0.03, source=SOURCE),
        "end_of_horizon": True})
    return instance.updated(settings=settings)


@pytest.mark.parametrize("settings", ["as shipped", "price base and tail on"])
def test_inside_every_price_range_the_plan_stays_optimal(settings):
    """Today's plan stays optimal inside each price's range: re-solved at prices near both
    ends, the cost is today's plan priced at the new price, a straight line in the price
    whose slope is the units the plan buys at it (``marginal``); had another plan become
    cheaper, the cost would fall below that line. With a price base and the tail on, the
    price moves every cost it feeds: each year's payments times the index, and the tail."""
    instance = load_instance(SHIPPED["default"])
    if settings != "as shipped":
        instance = _priced_and_tailed(instance)
    solution = solve(instance)
    prices = solution.tables["ranging"].query("kind == 'price'")
    assert len(prices) >= 10
    for row in prices.itertuples():
        finite_upper = row.upper if np.isfinite(row.upper) else 3 * row.value + 1000
        for price in (row.lower + 0.01 * (row.value - row.lower),
                      finite_upper - 0.01 * (finite_upper - row.value)):
            expected = solution.objective + (price - row.value) * row.marginal
            assert _cost_at(instance, row.parameter, price) == pytest.approx(
                expected, rel=1e-7), (row.parameter, price)


def test_beyond_the_range_another_plan_is_cheaper():
    instance = worked_example()
    plan_cost = 60 * (65_000 * 6 / 52 + 4_999.28) + 40 * 11_816.48
    assert _cost_at(instance, "price_capacity[reablement]", 65_000) < plan_cost - 1_000


def test_a_budget_with_room_to_spare_ends_the_range_where_the_plan_no_longer_fits():
    """Today's plan spends £952,616. With £1,000,000 to spend, the reablement price can rise
    by £47,384 / 6.92 places = £6,844.36 before the plan no longer fits the budget."""
    budget = [{"year": "2026/27", "amount": {"value": 1_000_000, "source": SOURCE}}]
    instance = worked_example().updated(budget=budget)
    reablement = _row(_ranging(instance), "price_capacity[reablement]")
    assert reablement.upper == pytest.approx(26_000 + 47_384 / REABLED, abs=0.005)
    assert reablement.exact


def test_where_the_budget_binds_a_price_range_is_marked_approximate():
    budget = [{"year": "2026/27", "amount": {"value": 900_000, "source": SOURCE}}]
    reablement = _row(_ranging(worked_example().updated(budget=budget)),
                      "price_capacity[reablement]")
    assert not reablement.exact
    assert "approximate: a budget binds" in reablement.meaning


def test_the_limits_of_a_scaled_model_are_in_its_own_units():
    """Nottinghamshire's bounds are large enough for HiGHS to scale them; its ranges are
    given back in people, not in HiGHS's scaled units: each need's range holds today's."""
    table = _ranging(load_instance(SHIPPED["nottinghamshire"]))
    needs = table[table["parameter"].str.startswith("demand_met")]
    assert len(needs) > 100
    assert (needs["lower"] <= needs["value"] + 1e-6).all()
    assert (needs["upper"] >= needs["value"] - 1e-6).all()
    assert (needs["value"] > 1).all()


def test_ranging_is_written_for_small_models_and_can_be_left_out():
    assert "ranging" in solve(worked_example()).tables
    assert "ranging" not in solve(worked_example(), ranging=False).tables
    assert RANGING_ROWS >= 50_000


INDEX = 1.04 ** 2
"""2024/25 prices raised 4% a year to 2026/27."""
HOUR_YEAR = 908.96


def _indexed_with_tail():
    """MODEL.md's worked example with its prices at 2024/25 levels (4% a year: × 1.0816)
    and the end-of-horizon tail on, half of home care's caseload leaving each year."""
    data = worked_example_data()
    data["settings"].update(price_year="2024/25", price_inflation=S(0.04),
                            end_of_horizon=True)
    data["leave"] = [{"cohort": "older_hospital", "service": "home_care", "share": S(0.5)}]
    return build(data)


def test_a_price_range_moves_the_price_index_and_the_tail_with_the_price():
    """Prices p (a reablement place-year) and h (a year of an hour a week of home care) are
    at 2024/25 levels; every payment is p or h × 1.0816. Half of home care's caseload leaves
    each year, so an hour a week still bought at the end costs (1 − 0.5) / 0.5 = 1 more year:
    the tail doubles every home-care hour. A person reabled costs 1.0816 (p × 6/52 + 5.5h)
    + 1.0816 × 5.5h = 1.0816 (p × 6/52 + 11h); straight to home care, 1.0816 × 26h.

    - Reablement pays while p × 6/52 + 11h < 26h: p < 130h = £118,164.80 (without the tail
      it would be 65h; the index cancels, as the range is in the instance's own prices).
      £1 more on p costs 60 × 6/52 × 1.0816 = 7.488 more.
    - At p = £26,000: reablement pays while 3,000 + 11h < 26h, h > £200; and meeting need
      straight in home care is worth it while 1.0816 × 26h < £100,000 (the penalty is not
      indexed), h < £3,556.06. £1 more on h costs 850 hours × 2 × 1.0816 = 1,838.72 more.
    - Total: 1.0816 (60 × (3,000 + 11h) + 40 × 26h) = 1.0816 × £1,725,232 = £1,866,010.93.

    Re-solved just inside each end, the cost is today's plan at the new price; just
    outside, another plan is cheaper."""
    instance = _indexed_with_tail()
    solution = solve(instance)
    assert solution.objective == pytest.approx(INDEX * 1_725_232, rel=1e-9)
    table = solution.tables["ranging"]
    reablement = _row(table, "price_capacity[reablement]")
    home_care = _row(table, "price_capacity[home_care]")
    assert (reablement.value, reablement.lower) == (26_000, 0)
    assert reablement.upper == pytest.approx(130 * HOUR_YEAR, abs=0.005)
    assert reablement.marginal == pytest.approx(REABLED * INDEX)
    assert (home_care.lower, home_care.upper) == pytest.approx(
        (200, 100_000 / (26 * INDEX)), abs=0.005)
    assert home_care.marginal == pytest.approx(850 * 2 * INDEX)
    assert reablement.meaning == (
        "The plan holds for home reablement while its block price stays below £118,165 a "
        "place-year at 2024/25 prices (now £26,000).")

    def plan_at(p: float, h: float) -> float:
        return INDEX * (60 * (p * 6 / 52 + 11 * h) + 40 * 26 * h)

    for row, at in ((reablement, lambda p: (p, HOUR_YEAR)), (home_care, lambda h: (26_000, h))):
        for end in (row.lower, row.upper):
            if end <= 0:
                continue
            for price, inside in ((end * (1 - 1e-4), end > row.value),
                                  (end * (1 + 1e-4), end < row.value)):
                cost = _cost_at(instance, row.parameter, price)
                if inside:
                    assert cost == pytest.approx(plan_at(*at(price)), rel=1e-9), (row, price)
                else:
                    assert cost < plan_at(*at(price)) - 1.0, (row, price)


def test_shadow_prices_with_a_price_base_and_tail_are_in_first_year_pounds():
    """One more person able to take reablement saves 1.0816 × (26h − 3,000 − 11h)
    = 1.0816 × £10,634.40 = £11,502.17 (tail included, first-year prices), over 0 to 100
    people; one more person to care for costs 1.0816 × 26h = £25,561.41. Re-solved with 61
    people able to take reablement, the cost falls by exactly that."""
    instance = _indexed_with_tail()
    table = _ranging(instance)
    limit = _row(table, "pathway_suitable[Example,reablement_first,2026/27]")
    assert limit.marginal == pytest.approx(INDEX * (15 * HOUR_YEAR - 3_000))
    assert (limit.lower, limit.upper) == pytest.approx((0, 100))
    need = _row(table, "demand_met[Example,older_hospital,2026/27]")
    assert need.marginal == pytest.approx(INDEX * 26 * HOUR_YEAR)
    moved = overridden(instance, "pathways[reablement_first].suitable=0.61", source=SOURCE)
    assert solve(moved, ranging=False).objective == pytest.approx(
        solve(instance, ranging=False).objective - limit.marginal, rel=1e-12)
