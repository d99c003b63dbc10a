"""Hand-worked optima for the arithmetic a plausible slip would get wrong unnoticed: a price
times the locality's cost factor, a rate per 100,000 people, an at-most target missed, the
sign of a demand row's shadow price, and discounting over three years.

The invariants (tests/invariants.py) check the tables against the same prepared data that
built the model, so an error in prepare.py would pass them; each figure here is worked out
by hand in the docstring instead."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from optimiser.appraisal.figures import plan_figures
from optimiser.lp import Values
from optimiser.model import build_model
from optimiser.pipeline import solve
from optimiser.prepare import prepare
from optimiser.results import outcome_report
from optimiser.solve import solve_direct
from tests.builders import S, build, one_locality, service
from tests.invariants import check_invariants

REL = 1e-9
HOUR_YEAR = 908.96
"""£ for one hour a week of home care for a year: £17.48 × 52."""


def _shadow(solution, family: str, **where) -> float:
    prices = solution.tables["shadow_prices"].query(f"family == '{family}'")
    for column, value in where.items():
        prices = prices[prices[column] == value]
    assert len(prices) == 1, prices
    return float(prices["shadow_price"].iloc[0])


def test_spot_payments_carry_the_locality_cost_factor():
    """100 people enter home care at 13 hours a week, bought at spot price only (£908.96 an
    hour-week a year, nothing for capacity) in a locality whose prices are 25% above
    average: 100 × 13 × £908.96 × 1.25 = £1,477,060."""
    data = one_locality(["2026/27"], 100)
    data["localities"][0]["cost_factor"] = S(1.25)
    data["services"] = [service("home_care", "long_term", "hour per week", 0,
                                price_use=HOUR_YEAR)]
    data["pathways"] = [{"name": "home_care", "cohort": "older_hospital", "suitable": S(1.0)}]
    data["destinations"] = [{"pathway": "home_care", "service": "home_care", "share": S(1.0),
                             "package": S(13)}]
    solution = solve(build(data))
    check_invariants(solution)
    assert solution.objective == pytest.approx(1_477_060, rel=REL)
    costs = solution.tables["costs"]
    assert costs.query("payment == 'spot'")["cost"].sum() == pytest.approx(1_477_060, rel=REL)
    assert costs.query("payment == 'block'")["cost"].sum() == pytest.approx(0, abs=1e-6)


def _reablement_or_home_care(reablement_price: float) -> dict:
    """MODEL.md's worked example: 100 older adults leaving hospital, straight to home care
    (13 hours, £11,816.48 a person) or reablement first (6 weeks of a place, then 55% enter
    home care at 10 hours: £reablement_price × 6/52 + 0.55 × 10 × £908.96)."""
    data = one_locality(["2026/27"], 100)
    data["services"] = [service("reablement", "short_term", "place", reablement_price),
                        service("home_care", "long_term", "hour per week", HOUR_YEAR)]
    data["pathways"] = [
        {"name": "straight_to_home_care", "cohort": "older_hospital", "suitable": S(1.0)},
        {"name": "reablement_first", "cohort": "older_hospital", "suitable": S(0.6)},
    ]
    data["stages"] = [{"pathway": "reablement_first", "service": "reablement", "share": S(1.0),
                       "weeks": S(6), "intensity": S(1)}]
    data["destinations"] = [
        {"pathway": "straight_to_home_care", "service": "home_care", "share": S(1.0),
         "package": S(13)},
        {"pathway": "reablement_first", "service": "home_care", "share": S(0.55),
         "package": S(10)},
    ]
    data["indicators"] = [{"name": "independent", "derived": "independent"}]
    return data


def test_a_rate_target_counts_people_per_100000_of_the_population():
    """Reablement dearer than in MODEL.md (£130,000 a place-year: £15,000 for 6 weeks, plus
    0.55 × 10 × £908.96 = £4,999.28 of home care, £19,999.28 a person) against £11,816.48
    straight to home care. The target: at least 36 people independent per 100,000 of a
    population of 50,000, so 18 people; 45% of those reabled are independent, so 40 people
    are reabled and 60 go straight to home care:
    40 × £19,999.28 + 60 × £11,816.48 = £1,508,960. (Read per 10,000, it would ask for 180
    people, more than the 27 the 60% suitable could give.) One more person independent costs
    (£19,999.28 − £11,816.48) / 0.45 = £18,184."""
    data = _reablement_or_home_care(130_000)
    data["localities"][0]["population"] = S(50_000)
    data["targets"] = [{"name": "rate", "indicator": "independent", "sense": "at_least",
                        "basis": "population", "level": S(36)}]
    solution = solve(build(data))
    check_invariants(solution)
    assert solution.objective == pytest.approx(1_508_960, rel=REL)
    flows = solution.tables["flows"].set_index("pathway")["people"]
    assert flows["reablement_first"] == pytest.approx(40)
    target = solution.tables["outcomes"].query("target == 'rate'").iloc[0]
    assert target.required_people == pytest.approx(18)
    assert target.achieved_people == pytest.approx(18)
    assert _shadow(solution, "outcome_target") == pytest.approx(18_184, rel=1e-6)


def _admissions(home_care_hours: float) -> dict:
    """100 older adults leaving hospital: a care-home bed (£15,000 a year, a test figure) or
    home care at ``home_care_hours`` a week. The target: permanent admissions at most 25% of
    the new need."""
    data = one_locality(["2026/27"], 100)
    data["services"] = [service("residential", "long_term", "bed", 15_000),
                        service("home_care", "long_term", "hour per week", HOUR_YEAR)]
    data["pathways"] = [
        {"name": "care_home", "cohort": "older_hospital", "suitable": S(1.0)},
        {"name": "home_care", "cohort": "older_hospital", "suitable": S(1.0)},
    ]
    data["destinations"] = [
        {"pathway": "care_home", "service": "residential", "share": S(1.0), "package": S(1)},
        {"pathway": "home_care", "service": "home_care", "share": S(1.0),
         "package": S(home_care_hours)},
    ]
    data["indicators"] = [{"name": "admitted", "derived": "enters", "services": ["residential"],
                           "better": "lower"}]
    data["targets"] = [{"name": "admissions", "indicator": "admitted", "sense": "at_most",
                        "level": S(0.25)}]
    return data


def test_an_at_most_target_missed_is_reported_as_missed():
    """Home care at 20 hours (£18,179.20) is dearer than a bed (£15,000), so the plan admits
    as many as the target allows: 25 of the 100, and 75 go home: 25 × £15,000 + 75 ×
    £18,179.20 = £1,738,440, target met. The same report of a plan that admits 26 (one more
    than allowed) says the target is missed."""
    model = build_model(prepare(build(_admissions(20))))
    outcome = solve_direct(model)
    assert outcome.objective == pytest.approx(1_738_440, rel=REL)
    values = outcome.values
    assert values is not None
    target = outcome_report(model, values).query("target == 'admissions'").iloc[0]
    assert (target.achieved_people, target.required_people) == pytest.approx((25, 25))
    assert target.met

    missed = outcome_report(model, _admitting(model, values, 26))
    target = missed.query("target == 'admissions'").iloc[0]
    assert target.achieved_people == pytest.approx(26)
    assert not target.met


def _admitting(model, values: Values, admitted: float) -> Values:
    """The plan with ``admitted`` of the 100 people going to a care home, the rest home."""
    x = values.x.copy()
    keys = values.keys(model.routed)
    start = values.lp.column_blocks[model.routed.name].start
    x[start + keys.index(("Example", "care_home", "2026/27"))] = admitted
    x[start + keys.index(("Example", "home_care", "2026/27"))] = 100 - admitted
    return dataclasses.replace(values, x=x)


@pytest.mark.parametrize(("admitted", "missed"), [(25, ""), (26, "admissions")])
def test_the_comparison_row_misses_the_targets_the_outcomes_table_misses(admitted, missed):
    """The admissions target above allows 25 of the 100 into care homes. The plan admitting
    25 meets it and the one admitting 26 misses it, by one person: an appraisal's comparison
    row ("targets missed", made from the solver's arrays) says so exactly as the outcomes
    table does, both from the one judgement."""
    instance = build(_admissions(20))
    model = build_model(prepare(instance))
    outcome = solve_direct(model)
    assert outcome.values is not None
    values = _admitting(model, outcome.values, admitted)
    table = outcome_report(model, values)
    assert ", ".join(sorted(set(table.loc[~table["met"], "target"]))) == missed
    assert plan_figures(model, values, instance)["targets missed"] == missed


def test_a_demand_row_keeps_the_sign_of_its_shadow_price():
    """The rate target above (18 people independent), now also counting 10 older people in
    the community who each take one week of reablement (£130,000 / 52 = £2,500) and all
    stay independent. They give 10 of the 18, so only 8 / 0.45 = 160/9 people leaving
    hospital are reabled: 100 × £11,816.48 + 160/9 × £8,182.80 + 10 × £2,500 = £1,352,120.
    One more person leaving hospital goes straight to home care: £11,816.48. One more person
    in the community costs £2,500 but is one more person independent, so 1/0.45 fewer people
    leaving hospital need reablement, saving £18,184: the plan costs £15,684 less. That
    shadow price is negative, and must be reported so."""
    data = _reablement_or_home_care(130_000)
    data["localities"][0]["population"] = S(50_000)
    data["targets"] = [{"name": "rate", "indicator": "independent", "sense": "at_least",
                        "basis": "population", "level": S(36)}]
    data["cohorts"].append({"name": "older_community", "growth": S(0.0)})
    data["demand"].append({"locality": "Example", "cohort": "older_community",
                           "people": S(10)})
    data["pathways"].append({"name": "short_reablement", "cohort": "older_community",
                             "suitable": S(1.0)})
    data["stages"].append({"pathway": "short_reablement", "service": "reablement",
                           "share": S(1.0), "weeks": S(1), "intensity": S(1)})
    solution = solve(build(data))
    check_invariants(solution)
    assert solution.objective == pytest.approx(1_352_120, rel=REL)
    hospital = _shadow(solution, "demand_met", item="older_hospital")
    community = _shadow(solution, "demand_met", item="older_community")
    assert hospital == pytest.approx(11_816.48, rel=1e-6)
    assert community == pytest.approx(-15_684, rel=1e-6)
    assert _shadow(solution, "outcome_target") == pytest.approx(18_184, rel=1e-6)


def test_costs_are_discounted_from_the_second_year():
    """100 people a year for three years, each reabled for 6 weeks at £26,000 a place-year
    (£3,000 a person; everyone leaves independent): £300,000 a year. At 10% a year the
    first year counts in full, the second at 1/1.1 and the third at 1/1.21:
    £300,000 × (1 + 0.909091 + 0.826446) = £820,661.16."""
    data = one_locality(["2026/27", "2027/28", "2028/29"], 100)
    data["settings"]["discount_rate"] = S(0.1)
    data["services"] = [service("reablement", "short_term", "place", 26_000)]
    data["pathways"] = [{"name": "reablement", "cohort": "older_hospital", "suitable": S(1.0)}]
    data["stages"] = [{"pathway": "reablement", "service": "reablement", "share": S(1.0),
                       "weeks": S(6), "intensity": S(1)}]
    solution = solve(build(data))
    check_invariants(solution)
    expected = 300_000 * (1 + 1 / 1.1 + 1 / 1.21)
    assert solution.objective == pytest.approx(expected, rel=REL)
    costs = solution.tables["costs"].groupby("year")[["cost", "discounted_cost"]].sum()
    np.testing.assert_allclose(costs["cost"], [300_000] * 3, rtol=REL)
    np.testing.assert_allclose(costs["discounted_cost"],
                               [300_000, 300_000 / 1.1, 300_000 / 1.21], rtol=REL)
