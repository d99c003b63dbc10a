"""The second wave of the model (MODEL.md 8-11, the price base, recruitment limits by year):
tiny instances whose optimum is worked out by hand in each test's docstring."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from pydantic import ValidationError
from typer.testing import CliRunner

from optimiser.cli import app
from optimiser.horizon import EndlessTail, Worsening, tail_weights
from optimiser.pipeline import solve
from optimiser.prepare import prepare
from tests.builders import S, build, one_locality, service, worked_example
from tests.invariants import check_invariants

HOUR_YEAR = 17.48 * 52  # £908.96 per hour-per-week for a year
BED_YEAR = 650 * 52  # £33,800 per bed-year
REL = 1e-7


def _flow(solution, pathway: str, year: str | None = None) -> float:
    flows = solution.tables["flows"]
    rows = flows[flows["pathway"] == pathway]
    if year:
        rows = rows[rows["year"] == year]
    return float(rows["people"].sum())


# --- 8. Need bands ----------------------------------------------------------------------------

def _two_bands() -> dict:
    """MODEL.md's worked example with the 100 people split half low, half moderate need.
    Low need: 7 hours of home care straight away, or reablement then 90% need 7 hours.
    Moderate need: 13 hours straight away, or reablement then 55% need 10 hours."""
    data = worked_example()
    data["bands"] = [
        {"cohort": "older_hospital", "name": "low", "share": S(0.5)},
        {"cohort": "older_hospital", "name": "moderate", "share": S(0.5)},
    ]
    data["destinations"] = [
        {"pathway": "straight_to_home_care", "service": "home_care", "band": "low",
         "share": S(1.0), "package": S(7)},
        {"pathway": "straight_to_home_care", "service": "home_care", "band": "moderate",
         "share": S(1.0), "package": S(13)},
        {"pathway": "reablement_first", "service": "home_care", "band": "low",
         "share": S(0.9), "package": S(7)},
        {"pathway": "reablement_first", "service": "home_care", "band": "moderate",
         "share": S(0.55), "package": S(10)},
    ]
    return data


def test_reablement_pays_for_the_moderate_band_and_not_the_low_one():
    """Reablement costs £3,000 a person (6 weeks of a £26,000 place-year), suitable for 60%
    of each band. Low need: straight to home care £908.96 × 7 = £6,362.72; reablement
    £3,000 + 0.9 × 7 × £908.96 = £8,726.45, dearer, so no one with low need is reabled.
    Moderate need: £11,816.48 against £3,000 + 0.55 × 10 × £908.96 = £7,999.28, so 30 of
    the 50 (the 60% limit) are reabled. Cost 50 × £6,362.72 + 30 × £7,999.28
    + 20 × £11,816.48 = £794,444: home care 350 + 260 + 165 = 775 hours (£704,444) and
    30 × 6/52 reablement places (£90,000)."""
    solution = solve(build(_two_bands()))
    check_invariants(solution)
    assert solution.objective == pytest.approx(794_444, rel=REL)
    assert _flow(solution, "reablement_first/moderate") == pytest.approx(30)
    assert _flow(solution, "reablement_first/low") == pytest.approx(0, abs=1e-6)
    assert _flow(solution, "straight_to_home_care/low") == pytest.approx(50)
    capacity = solution.tables["capacity"].set_index("service")["capacity"]
    assert capacity["home_care"] == pytest.approx(775)
    unmet = solution.tables["unmet"].set_index("cohort")["demand"]
    assert unmet["older_hospital/low"] == pytest.approx(50)


def test_a_pathway_can_be_suitable_for_more_of_one_band():
    """As above, but reablement suits 80% of the moderate band: 40 are reabled. Cost
    50 × £6,362.72 + 40 × £7,999.28 + 10 × £11,816.48 = £756,272."""
    data = _two_bands()
    data["band_suitability"] = [{"pathway": "reablement_first", "band": "moderate",
                                 "suitable": S(0.8)}]
    solution = solve(build(data))
    check_invariants(solution)
    assert _flow(solution, "reablement_first/moderate") == pytest.approx(40)
    assert solution.objective == pytest.approx(756_272, rel=REL)


def test_a_need_groups_label_names_its_band_once():
    """A band named 'low' and a band labelled 'Moderate need' both read as '... (low need)'
    and '... (moderate need)' in sentences, never 'Moderate need need'."""
    from optimiser.bands import need_groups

    data = _two_bands()
    data["bands"][1]["label"] = "Moderate need"
    cohort = data["cohorts"][0].get("label") or "older hospital"
    labels = [group.label for group in need_groups(build(data))]
    assert labels == [f"{cohort} (low need)", f"{cohort} (moderate need)"]


def test_an_instance_without_bands_keeps_its_rows_and_names():
    """No bands: one need group per cohort, named as the cohort, and pathways keep their
    names, so every instance written before bands gives the same model."""
    data = prepare(build(worked_example()))
    assert data.cohorts == ["older_hospital"]
    assert data.pathways == ["straight_to_home_care", "reablement_first"]
    assert data.band_of == {"older_hospital": None}


def test_a_band_not_of_the_cohort_is_refused():
    data = _two_bands()
    data["demand"][0]["band"] = "severe"
    with pytest.raises(ValidationError,
                       match="one of the bands of cohort 'older_hospital': low, moderate"):
        build(data)


def test_band_shares_must_add_up_to_one():
    data = _two_bands()
    data["bands"][0]["share"] = S(0.4)
    with pytest.raises(ValidationError,
                       match="the bands of cohort 'older_hospital' adding up to 1"):
        build(data)


# --- 9. Deterioration -------------------------------------------------------------------------

def _deteriorating(rate_standard: float, rate_enhanced: float) -> dict:
    data = one_locality(["2026/27", "2027/28"], 100)
    data["services"] = [
        service("home_care", "long_term", "hour per week", HOUR_YEAR),
        service("enhanced_home_care", "long_term", "hour per week", HOUR_YEAR),
        service("residential", "long_term", "bed", BED_YEAR, package=1),
    ]
    data["pathways"] = [
        {"name": "standard_package", "cohort": "older_hospital", "suitable": S(1.0)},
        {"name": "larger_package", "cohort": "older_hospital", "suitable": S(1.0)},
    ]
    data["destinations"] = [
        {"pathway": "standard_package", "service": "home_care", "share": S(1.0),
         "package": S(10)},
        {"pathway": "larger_package", "service": "enhanced_home_care", "share": S(1.0),
         "package": S(14)},
    ]
    data["deterioration"] = [
        {"cohort": "older_hospital", "from_service": "home_care", "to_service": "residential",
         "rate": S(rate_standard)},
        {"cohort": "older_hospital", "from_service": "enhanced_home_care",
         "to_service": "residential", "rate": S(rate_enhanced)},
    ]
    return data


def test_a_larger_home_care_package_is_bought_because_it_delays_a_care_home_admission():
    """100 new people a year for two years; no one leaves home care, but each year half of
    those on a 10-hour package move to a care home and only a tenth of those on a 14-hour
    package do. Year 1: the larger package costs £3,635.84 more (4 hours × £908.96) but saves
    in year 2 (0.5 × £9,089.60 + 0.5 × £33,800) − (0.9 × £12,725.44 + 0.1 × £33,800)
    = £21,444.80 − £14,832.90 = £6,611.90, so all 100 get it. Year 2's new people have no
    later year, so they get the 10-hour package. Cost: year 1 100 × £12,725.44; year 2
    1,260 enhanced hours + 1,000 hours (× £908.96) + 10 beds (× £33,800) = £2,392,249.60;
    total £3,664,793.60.

    Without deterioration the larger package is never worth buying: 300 person-years of
    10 hours, £2,726,880."""
    solution = solve(build(_deteriorating(0.5, 0.1)))
    check_invariants(solution)
    assert _flow(solution, "larger_package", "2026/27") == pytest.approx(100)
    assert _flow(solution, "standard_package", "2027/28") == pytest.approx(100)
    caseload = solution.tables["caseload"].set_index(["service", "year"])["people"]
    assert caseload["residential", "2027/28"] == pytest.approx(10)
    assert caseload["enhanced_home_care", "2027/28"] == pytest.approx(90)
    assert solution.objective == pytest.approx(1_272_544 + 2_392_249.60, rel=REL)

    steady = solve(build(_deteriorating(0.0, 0.0)))
    assert _flow(steady, "larger_package") == pytest.approx(0, abs=1e-6)
    assert steady.objective == pytest.approx(300 * 10 * HOUR_YEAR, rel=REL)


def test_deterioration_beyond_everyone_is_refused():
    data = _deteriorating(0.5, 0.1)
    data["leave"] = [{"cohort": "older_hospital", "service": "home_care", "share": S(0.6)}]
    with pytest.raises(ValidationError, match="no more than everyone can move on"):
        build(data)


# --- 10. End of horizon -----------------------------------------------------------------------

def _residential_one_year(end_of_horizon: bool) -> dict:
    data = one_locality(["2026/27"], 40, penalty=1e7)
    data["settings"]["end_of_horizon"] = end_of_horizon
    data["services"] = [service("residential", "long_term", "bed", BED_YEAR, occupancy=0.95,
                                package=1)]
    data["pathways"] = [{"name": "residential_care", "cohort": "older_hospital",
                         "suitable": S(1.0)}]
    data["destinations"] = [{"pathway": "residential_care", "service": "residential",
                             "share": S(1.0)}]
    data["leave"] = [{"cohort": "older_hospital", "service": "residential", "share": S(0.25)}]
    return data


def test_the_end_of_horizon_tail_on_a_one_year_instance_equals_the_hand_figure():
    """40 admissions to residential care, a quarter of residents leave each year, beds
    £33,800 a year at 95% occupancy: a resident's bed costs £33,800 / 0.95 = £35,578.95 a
    year. Spend in the year: 40 × £35,578.95 = £1,423,157.89. Left at the end: 40 residents,
    who stay on average 0.75 / 0.25 = 3 more years: tail 40 × 3 × £35,578.95
    = £4,269,473.68 (one year, so no discounting). It is reported apart from spend."""
    solution = solve(build(_residential_one_year(True)))
    check_invariants(solution)
    spend = 40 * BED_YEAR / 0.95
    tail = 40 * 3 * BED_YEAR / 0.95
    assert solution.objective == pytest.approx(spend + tail, rel=REL)
    costs = solution.tables["costs"].groupby("payment")["discounted_cost"].sum()
    assert costs["end of horizon"] == pytest.approx(tail, rel=REL)
    assert costs["block"] == pytest.approx(spend, rel=REL)

    without = solve(build(_residential_one_year(False)))
    assert without.objective == pytest.approx(spend, rel=REL)
    assert "end of horizon" not in set(without.tables["costs"]["payment"])


def test_the_tail_follows_people_who_deteriorate_into_a_dearer_setting():
    """Home care: a fifth leave and 30% move to a care home each year; half of residents
    leave each year. Per home-care hour left at the end: it stays with the half who remain,
    1 more year on average (0.5 / 0.5): £908.96. Per person left in home care: 0.3 a year of
    a shrinking half-life caseload reach a care home, 0.3 × 2 = 0.6 people in all, each
    staying 2 years counting the year they arrive: 0.6 × 2 = 1.2 bed-years, £40,560. Per
    bed: 1 more year, £33,800.

    Solved for one year with the tail on, 20 people on 10 hours of home care today and no
    new need: at the end of the year 10 remain on 100 hours and 6 are in a care home. The
    tail: home care 100 × £908.96 = £90,896; care homes 6 × £33,800 for the residents plus
    10 × 1.2 × £33,800 for those still to move, £608,400."""
    worsening = [Worsening("g", "home_care", "residential", 0.3, 1.0)]
    leave = {("g", "home_care"): 0.2, ("g", "residential"): 0.5}
    weights = tail_weights("g", ["home_care", "residential"], leave, worsening)
    assert weights == {("home_care", "home_care"): pytest.approx((1.0, 0.0)),
                       ("home_care", "residential"): pytest.approx((0.0, 1.2)),
                       ("residential", "residential"): pytest.approx((1.0, 0.0))}
    with pytest.raises(EndlessTail, match="ever leaves"):
        tail_weights("g", ["home_care"], {}, [])

    data = one_locality(["2026/27"], 0, penalty=1e7)
    data["settings"]["end_of_horizon"] = True
    data["services"] = [service("home_care", "long_term", "hour per week", HOUR_YEAR),
                        service("residential", "long_term", "bed", BED_YEAR, package=1)]
    data["pathways"] = [{"name": "home_care", "cohort": "older_hospital", "suitable": S(1)}]
    data["destinations"] = [{"pathway": "home_care", "service": "home_care", "share": S(1),
                             "package": S(10)}]
    data["caseload0"] = [{"locality": "Example", "cohort": "older_hospital",
                          "service": "home_care", "people": S(20), "package": S(10)}]
    data["leave"] = [{"cohort": "older_hospital", "service": s, "share": S(share)}
                     for s, share in (("home_care", 0.2), ("residential", 0.5))]
    data["deterioration"] = [{"cohort": "older_hospital", "from_service": "home_care",
                              "to_service": "residential", "rate": S(0.3)}]
    solution = solve(build(data))
    check_invariants(solution)
    costs = solution.tables["costs"].groupby(["payment", "service"])["cost"].sum()
    assert costs["end of horizon", "home_care"] == pytest.approx(100 * HOUR_YEAR, rel=REL)
    assert costs["end of horizon", "residential"] == pytest.approx(
        6 * BED_YEAR + 10 * 1.2 * BED_YEAR, rel=REL)


def test_the_tail_needs_a_way_out_of_every_setting():
    data = _residential_one_year(True)
    data["leave"] = []
    with pytest.raises(ValidationError, match="needed by settings.end_of_horizon"):
        build(data)


# --- 11. Unmet need by duty -------------------------------------------------------------------

def _home_care_with_recruits(hire_max: float, years: list[str] | None = None) -> dict:
    data = one_locality(years or ["2026/27"], 100)
    data["services"] = [service("home_care", "long_term", "hour per week", HOUR_YEAR)]
    data["pathways"] = [{"name": "home_care", "cohort": "older_hospital", "suitable": S(1.0)}]
    data["destinations"] = [{"pathway": "home_care", "service": "home_care",
                             "share": S(1.0), "package": S(13)}]
    data["leave"] = [{"cohort": "older_hospital", "service": "home_care", "share": S(1.0)}]
    data["roles"] = [{"name": "care_worker", "turnover": S(0.3), "hire_cost": S(2000)}]
    data["staffing"] = [{"service": "home_care", "role": "care_worker", "fte_per_unit": S(0.1)}]
    data["workforce"] = [{"locality": "Example", "role": "care_worker", "staff0": S(0),
                          "hire_max": S(hire_max)}]
    return data


def test_the_penalty_is_per_cohort_so_the_duty_falls_where_it_is_set():
    """Two cohorts of 50, each needing 13 hours; staff for 50 people (65 recruits). Serving
    a person costs £14,416.48 (13 × £908.96 + 1.3 FTE × £2,000). Leaving a person of the
    first cohort unmet is charged £100,000, one of the second £50,000: the 50 served are all
    of the first. Cost 50 × £14,416.48 + 50 × £50,000 = £3,220,824."""
    data = _home_care_with_recruits(65)
    data["cohorts"] = [{"name": "older_hospital", "growth": S(0.0)},
                       {"name": "older_community", "growth": S(0.0),
                        "unmet_penalty": S(50_000)}]
    data["demand"] = [{"locality": "Example", "cohort": g, "people": S(50)}
                      for g in ("older_hospital", "older_community")]
    data["pathways"].append({"name": "community_home_care", "cohort": "older_community",
                             "suitable": S(1.0)})
    data["destinations"].append({"pathway": "community_home_care", "service": "home_care",
                                 "share": S(1.0), "package": S(13)})
    data["leave"].append({"cohort": "older_community", "service": "home_care", "share": S(1)})
    solution = solve(build(data))
    check_invariants(solution)
    unmet = solution.tables["unmet"].set_index("cohort")["unmet"]
    assert unmet["older_hospital"] == pytest.approx(0, abs=1e-6)
    assert unmet["older_community"] == pytest.approx(50)
    assert solution.objective == pytest.approx(50 * 14_416.48 + 50 * 50_000, rel=REL)


def test_the_duty_to_meet_need_with_too_few_staff_is_diagnosed_as_workforce(tmp_path: Path):
    """The Care Act duty for the cohort, and staff for only 50 of its 100 people (65
    recruits, 10 hours a week each): no plan. `optimiser solve` exits 1, says first that it
    is the duty to meet this cohort's eligible need that cannot be met, with the care
    workers that can be recruited, and what to relax: 65 more (130 in all). As things
    stand, 50 people would go without care."""
    data = _home_care_with_recruits(65)
    data["cohorts"][0]["label"] = "Older adults discharged from hospital"
    data["settings"]["meet_eligible_need"] = ["older_hospital"]
    path = tmp_path / "instance.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    result = CliRunner().invoke(app, ["solve", str(path), "--out", str(tmp_path / "plan")])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    headline = ("The Care Act duty to meet the eligible need of older adults discharged from "
                "hospital in full cannot be met with the care workers that can be recruited: "
                "it needs 65 more care workers recruited in Example in 2026/27 (the limit is 65 "
                "a year).")
    assert headline in " ".join(result.stderr.split())
    assert "older_hospital" not in result.stderr.split("Limits that cannot")[0]

    solution = solve(build(data))
    diagnosis = solution.diagnosis
    assert diagnosis is not None
    assert diagnosis.explanation == [headline, (
        "As things stand, at least 50 people eligible for care would go without it: 50 people "
        "in Example, 2026/27 (older adults discharged from hospital).")]
    assert {a.group for a in diagnosis.alternatives} == {"workforce"}
    assert [(r.index, r.amount) for r in diagnosis.duty] == [
        (("Example", "older_hospital", "2026/27"), pytest.approx(50))]
    assert solution.summary()["diagnosis"]["duty_unmet"][0]["people"] == pytest.approx(50)


def test_without_the_duty_too_few_staff_leave_need_unmet_and_no_duty_is_named():
    """The same staff shortage without the duty: a plan, 50 people's need unmet; and with
    the duty on a second cohort the staff can serve, only the first is named."""
    data = _home_care_with_recruits(65)
    solution = solve(build(data))
    assert solution.optimal and solution.diagnosis is None
    assert solution.tables["unmet"]["unmet"].sum() == pytest.approx(50)

    data["cohorts"].append({"name": "older_community", "label": "Older adults at home",
                            "growth": S(0.0)})
    data["demand"].append({"locality": "Example", "cohort": "older_community",
                           "people": S(0)})
    data["settings"]["meet_eligible_need"] = True
    diagnosis = solve(build(data)).diagnosis
    assert diagnosis is not None
    assert diagnosis.explanation[0].startswith(
        "The Care Act duty to meet the eligible need of older hospital in full cannot be met")
    assert {r.index[1] for r in diagnosis.duty} == {"older_hospital"}


def test_meet_eligible_need_true_names_every_cohort():
    data = _home_care_with_recruits(200)
    data["settings"]["meet_eligible_need"] = True
    prepared = prepare(build(data))
    assert prepared.duty == ["older_hospital"]


# --- Price base -------------------------------------------------------------------------------

def test_document_prices_are_brought_to_the_first_planning_year():
    """Prices of 2019/20 raised by 3% a year to 2026/27: × 1.03^7 = 1.229874. Every cost in
    MODEL.md's worked example is a price, so its £952,616 becomes £952,616 × 1.03^7."""
    data = worked_example()
    data["settings"]["price_year"] = "2019/20"
    data["settings"]["price_inflation"] = S(0.03)
    instance = build(data)
    prepared = prepare(instance)
    assert prepared.price_index == pytest.approx(1.03 ** 7, rel=1e-12)
    assert prepared.price_capacity["home_care"] == pytest.approx(HOUR_YEAR * 1.03 ** 7)
    solution = solve(instance)
    assert solution.objective == pytest.approx(952_616 * 1.03 ** 7, rel=REL)
    from optimiser.results import price_base
    assert price_base(prepared).startswith(
        "Prices are at 2026/27 levels: the instance's 2019/20 prices raised by 3.0% a year "
        "(× 1.230).")


@pytest.mark.parametrize(("settings", "message"), [
    ({"price_year": "2019/20"}, "yearly care-cost inflation"),
    ({"price_year": "2027/28", "price_inflation": S(0.03)}, "no later than the first"),
    ({"price_inflation": S(0.03)}, "the year the prices are in"),
])
def test_a_half_stated_price_base_is_refused(settings, message):
    data = worked_example()
    data["settings"].update(settings)
    with pytest.raises(ValidationError, match=message):
        build(data)


# --- Recruitment limits by year ---------------------------------------------------------------

def test_a_recruitment_limit_for_one_year_binds_in_that_year():
    """100 people a year each need 13 hours of home care for one year (everyone leaves after
    it): 130 FTE. Year 1 recruits at most 130 (the workforce row); year 2 at most 20 (a
    hire_limits row for 2027/28). After 30% turnover 91 stay: 111 FTE run 1,110 hours, so
    1,110 / 13 = 85.38 people are served in year 2 and 14.62 are unmet. One more recruit in
    year 2 serves 10/13 of a person: it saves (£100,000 − £14,416.48) × 10/13."""
    data = _home_care_with_recruits(130, ["2026/27", "2027/28"])
    data["hire_limits"] = [{"locality": "Example", "role": "care_worker", "year": "2027/28",
                            "hire_max": S(20)}]
    solution = solve(build(data))
    check_invariants(solution)
    plan = solution.tables["workforce"].set_index("year")
    assert plan.loc["2026/27", "recruitment_limit"] == pytest.approx(130)
    assert plan.loc["2027/28", "recruitment_limit"] == pytest.approx(20)
    assert plan.loc["2027/28", "recruited"] == pytest.approx(20)
    unmet = solution.tables["unmet"].set_index("year")["unmet"]
    assert unmet["2026/27"] == pytest.approx(0, abs=1e-6)
    assert unmet["2027/28"] == pytest.approx(100 - 1110 / 13)
    prices = solution.tables["shadow_prices"]
    hiring = prices[(prices["family"] == "hiring_limit") & (prices["year"] == "2027/28")]
    assert hiring.iloc[0].shadow_price == pytest.approx((100_000 - 14_416.48) * 10 / 13,
                                                        rel=1e-6)


def test_a_recruitment_limit_without_a_year_holds_in_every_year():
    data = _home_care_with_recruits(130, ["2026/27", "2027/28"])
    data["hire_limits"] = [{"locality": "Example", "role": "care_worker", "hire_max": S(40)},
                           {"locality": "Example", "role": "care_worker", "year": "2027/28",
                            "hire_max": S(20)}]
    limits = prepare(build(data)).hire_max
    assert limits == {("Example", "care_worker", "2026/27"): 40,
                      ("Example", "care_worker", "2027/28"): 20}


def test_the_summary_states_the_price_base_and_the_tail_apart_from_spend(tmp_path: Path):
    """The one-year residential instance with 2024/25 prices raised 2% a year and the tail on:
    spend 40 × £35,578.95 × 1.02² = £1,480,653.47, tail three times that, £4,441,960.42."""
    data = _residential_one_year(True)
    data["settings"].update({"price_year": "2024/25", "price_inflation": S(0.02),
                             "discount_rate": S(0.035)})
    path = tmp_path / "instance.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    result = CliRunner().invoke(app, ["solve", str(path), "--out", str(tmp_path / "plan")])
    assert result.exit_code == 0, result.output
    summary = (tmp_path / "plan" / "summary.md").read_text(encoding="utf-8")
    assert "**Total cost:** £1,480,653 discounted" in summary
    assert "also counts £4,441,960 (discounted) for the care of the people still supported" \
        in summary
    assert ("Prices are at 2026/27 levels: the instance's 2024/25 prices raised by 2.0% a year "
            "(× 1.040). Costs are in constant 2026/27 prices, not cash; totals are discounted "
            "at 3.5% a year to 2026/27") in summary


def test_a_band_penalty_overrides_the_cohorts_which_overrides_the_settings():
    """Penalties by need group: the band's own, else its cohort's, else the settings'."""
    data = _two_bands()
    data["cohorts"][0]["unmet_penalty"] = S(60_000)
    data["bands"][1]["unmet_penalty"] = S(90_000)
    data["cohorts"].append({"name": "working_age", "growth": S(0.0)})
    data["demand"].append({"locality": "Example", "cohort": "working_age", "people": S(0)})
    data["settings"]["meet_eligible_need"] = ["older_hospital"]
    prepared = prepare(build(data))
    assert prepared.penalty_of == {"older_hospital/low": 60_000,
                                   "older_hospital/moderate": 90_000,
                                   "working_age": prepared.penalty}
    assert prepared.duty == ["older_hospital/low", "older_hospital/moderate"]


def test_the_tail_needs_a_way_out_for_every_band():
    """A leave share for one band only leaves the other band's caseload endless."""
    data = _two_bands()
    data["settings"]["end_of_horizon"] = True
    data["leave"] = [{"cohort": "older_hospital", "band": "low", "service": "home_care",
                      "share": S(0.3)}]
    with pytest.raises(ValidationError, match="band 'moderate', in 'home_care'"):
        build(data)
    data["leave"].append({"cohort": "older_hospital", "service": "home_care", "share": S(0.2)})
    assert prepare(build(data)).leave == {("older_hospital/low", "home_care"): 0.3,
                                          ("older_hospital/moderate", "home_care"): 0.2}
