"""Data preparation worked out by hand: the coefficients ``prepare`` gives the model from
need bands, contract designs, stages, outcomes, moves and targets, each figure derived in the
test's docstring from MODEL.md's worked example (100 older adults leaving hospital, 60%
suitable for 6 weeks of reablement, after which 55% need 10 hours of home care; the others
go straight to 13 hours).

The invariants cannot catch an error here (they check plans against the same prepared
data), so each coefficient is checked against its hand figure."""

from __future__ import annotations

import pytest

from optimiser.prepare import prepare
from tests.builders import S, build, service, worked_example

YEAR = "2026/27"
LOW, HIGH = "older_hospital/low", "older_hospital/high"


def _bands(data: dict) -> dict:
    """The worked example's cohort split 40% low need, 60% high need."""
    data["bands"] = [{"cohort": "older_hospital", "name": "low", "share": S(0.4)},
                     {"cohort": "older_hospital", "name": "high", "share": S(0.6)}]
    return data


def _design(name: str, service_name: str, **effects: float) -> dict:
    return {"name": name, "service": service_name, "payment": "block",
            **{effect: S(value) for effect, value in effects.items()}}


def _in_force(data: dict, *designs: dict) -> dict:
    data["contract_designs"] = list(designs)
    data["settings"]["designs"] = [d["name"] for d in designs]
    return data


def test_rows_naming_a_band_add_to_the_rows_split_across_bands():
    """100 people with a new need name no band: 40 low, 60 high need. A second row names the
    high band: its 10 people all high need, added, not split and not replacing: 40 low, 70
    high. Today's home-care caseload the same way: 100 people at 10 hours a week split
    40/60 (400 and 600 hours), and 10 high-need people at 20 hours (200 more): 40 people
    and 400 hours low, 70 people and 800 hours high."""
    data = _bands(worked_example())
    data["demand"].append({"locality": "Example", "cohort": "older_hospital", "band": "high",
                           "people": S(10)})
    data["caseload0"] = [
        {"locality": "Example", "cohort": "older_hospital", "service": "home_care",
         "people": S(100), "package": S(10)},
        {"locality": "Example", "cohort": "older_hospital", "service": "home_care",
         "band": "high", "people": S(10), "package": S(20)}]
    d = prepare(build(data))
    assert d.demand == pytest.approx({("Example", LOW, YEAR): 40, ("Example", HIGH, YEAR): 70})
    assert d.caseload0 == pytest.approx({("Example", LOW, "home_care"): 40,
                                         ("Example", HIGH, "home_care"): 70})
    assert d.units0 == pytest.approx({("Example", LOW, "home_care"): 400,
                                      ("Example", HIGH, "home_care"): 800})


def _residential_move(data: dict) -> dict:
    """Residential beds (one a person) beside home care, and up to 100 residents a year
    helped home to 10 hours of home care."""
    data["services"].append(service("residential", "long_term", "bed", 32_000, package=1))
    data["moves"] = [{"cohort": "older_hospital", "from_service": "residential",
                      "to_service": "home_care", "suitable": S(0.1),
                      "max_per_year": S(100), "package": S(10)}]
    return data


def test_a_cohorts_move_limit_is_shared_between_its_bands():
    """Without bands, the move is one arc for the cohort, at most 100 a year, one bed freed
    for 10 hours of home care. With the cohort 40% low and 60% high need, one arc for each
    band, limited to its share of the 100: 40 and 60."""
    (arc,) = prepare(build(_residential_move(worked_example()))).moves
    assert (arc.cohort, arc.max_per_year, arc.package_from, arc.package_to) == \
        ("older_hospital", 100, 1, 10)
    arcs = prepare(build(_residential_move(_bands(worked_example())))).moves
    assert {a.cohort: a.max_per_year for a in arcs} == pytest.approx({LOW: 40, HIGH: 60})
    assert [a.name for a in arcs] == [f"{LOW}: residential to home_care",
                                      f"{HIGH}: residential to home_care"]


def test_a_locality_s_own_stay_counts_the_stage_s_units_and_the_design_s_weeks():
    """Reablement's stage reaches half the pathway's people at 2 places each, for 6 weeks: a
    person routed uses 0.5 × 2 × 6/52 = 6/52 of a place-year. A design in force halves the
    weeks: 3/52. Example states its own mean stay of 14 days: a person there uses
    0.5 × 2 = 1 place for 14 × 0.5 = 7 days, 7/364 = 1/52 of a place-year."""
    data = worked_example()
    data["stages"][0].update(share=S(0.5), intensity=S(2))
    data["short_term_variability"] = [{"service": "reablement", "locality": "Example",
                                       "wait_share": S(0.2), "mean_stay_days": S(14)}]
    d = prepare(build(_in_force(data, _design("shorter", "reablement", weeks_factor=0.5))))
    assert d.usage["reablement_first", "reablement"] == pytest.approx(3 / 52)
    assert d.local_usage == pytest.approx({("Example", "reablement_first", "reablement"):
                                           1 / 52})


def test_a_design_s_independence_never_takes_more_than_everyone_out_of_care():
    """45% of people leave reablement independent, 55% enter home care. A design doubling
    independence: 90% independent, so home care's share shrinks to 10%. A design tripling
    it would make 135% independent: everyone is, and no one enters home care (never a
    negative share)."""
    doubled = prepare(build(_in_force(worked_example(), _design(
        "double", "reablement", independence_factor=2))))
    assert doubled.enters["reablement_first", "home_care"] == pytest.approx(0.1)
    tripled = prepare(build(_in_force(worked_example(), _design(
        "triple", "reablement", independence_factor=3))))
    assert tripled.enters["reablement_first", "home_care"] == pytest.approx(0.0, abs=1e-12)


def test_a_design_s_package_factor_leaves_a_fixed_package_alone():
    """After reablement 55% need 10 hours of home care and 10% a residential bed. A design
    on reablement making packages 20% smaller gives 8 hours, but a bed is still one bed."""
    data = worked_example()
    data["services"].append(service("residential", "long_term", "bed", 32_000, package=1))
    data["destinations"].append({"pathway": "reablement_first", "service": "residential",
                                 "share": S(0.1)})
    d = prepare(build(_in_force(data, _design("smaller", "reablement", package_factor=0.8))))
    assert d.package["reablement_first", "home_care"] == pytest.approx(8)
    assert d.package["reablement_first", "residential"] == pytest.approx(1)


def _two_stages(factor_reablement: float, factor_intermediate: float) -> dict:
    """Reablement first, for 60% of people, now also takes half of them to 2 weeks of
    intermediate care; a design on each service widens who it suits."""
    data = worked_example()
    data["services"].append(service("intermediate_care", "short_term", "place", 40_000))
    data["stages"].append({"pathway": "reablement_first", "service": "intermediate_care",
                           "share": S(0.5), "weeks": S(2), "intensity": S(1)})
    return _in_force(data,
                     _design("wider", "reablement", suitable_factor=factor_reablement),
                     _design("wider_too", "intermediate_care",
                             suitable_factor=factor_intermediate))


def test_designs_on_every_service_of_a_pathway_combine():
    """Designs suiting reablement to 1.25 times as many and intermediate care to 1.2 times:
    the pathway using both suits 60% × 1.25 × 1.2 = 90%. Doubling both would suit
    60% × 4 = 240%: everyone, no more."""
    assert prepare(build(_two_stages(1.25, 1.2))).suitable["reablement_first"] == \
        pytest.approx(0.9)
    assert prepare(build(_two_stages(2, 2))).suitable["reablement_first"] == 1.0


def test_a_typed_outcome_is_kept_and_derived_ones_after_it_are_worked_out():
    """'Satisfied' is typed: 30% of those reabled. 'Independent', listed after it, is
    derived: 1 − 55% entering home care = 45% of those reabled, and nobody going straight
    to home care (no entry for them)."""
    data = worked_example()
    data["indicators"].insert(0, {"name": "satisfied"})
    data["pathway_outcomes"] = [{"pathway": "reablement_first", "indicator": "satisfied",
                                 "share": S(0.3)}]
    d = prepare(build(data))
    assert d.outcome == pytest.approx({("reablement_first", "satisfied"): 0.3,
                                       ("reablement_first", "independent"): 0.45})


@pytest.mark.parametrize(("designs", "price"), [([], 1000), (["paid_by_outcome"], 2000)])
def test_an_outcome_price_is_the_base_contracts_unless_a_design_is_in_force(designs, price):
    """Reablement pays £1,000 a person independent under the base contract and £2,000 under
    the design 'paid by outcome': £1,000 while the design is not in force, £2,000 while it
    is (the design's row listed after the base's either way)."""
    data = worked_example()
    data["contract_designs"] = [{"name": "paid_by_outcome", "service": "reablement",
                                 "payment": "outcomes"}]
    data["settings"]["designs"] = designs
    data["outcome_prices"] = [
        {"service": "reablement", "indicator": "independent", "price": S(1000)},
        {"service": "reablement", "indicator": "independent", "price": S(2000),
         "design": "paid_by_outcome"}]
    assert prepare(build(data)).price_outcome == {("reablement", "independent"): price}


def test_a_target_for_each_locality_is_one_row_per_locality():
    """Two localities, Example (50,000 people) and Other (30,000). A target for each
    locality is a row for each, its own population; an area target is one row over both,
    80,000 people."""
    data = worked_example()
    data["localities"] = [{"name": "Example", "cost_factor": S(1.0), "population": S(50_000)},
                          {"name": "Other", "cost_factor": S(1.0), "population": S(30_000)}]
    data["demand"].append({"locality": "Other", "cohort": "older_hospital", "people": S(50)})
    data["targets"] = [
        {"name": "each", "indicator": "independent", "sense": "at_least", "level": S(0.2),
         "scope": "each_locality"},
        {"name": "rate", "indicator": "independent", "sense": "at_least", "level": S(30),
         "basis": "population"}]
    rows = [(row.key, row.localities, row.population)
            for row in prepare(build(data)).targets]
    assert rows == [(("each", "Example", YEAR), ("Example",), 50_000),
                    (("each", "Other", YEAR), ("Other",), 30_000),
                    (("rate", "area", YEAR), ("Example", "Other"), 80_000)]
