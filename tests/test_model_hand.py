"""Tiny instances whose optimum is worked out by hand in each test's docstring."""

from __future__ import annotations

import pyomo.environ as pyo
import pytest

from optimiser.model import build_model
from optimiser.pipeline import solve
from optimiser.prepare import prepare
from optimiser.solve import DirectHighs
from tests.builders import S, build, one_locality, service, worked_example
from tests.invariants import check_invariants

HOME_CARE_HOUR_YEAR = 17.48 * 52  # £908.96 per hour-per-week for a year
REL = 1e-7


def _shadow(solution, family, **where):
    prices = solution.tables["shadow_prices"]
    rows = prices[prices["family"] == family]
    for column, value in where.items():
        rows = rows[rows[column] == value]
    assert len(rows) == 1, rows
    return rows.iloc[0]


def _people(solution, pathway, year=None):
    flows = solution.tables["flows"]
    rows = flows[flows["pathway"] == pathway]
    if year:
        rows = rows[rows["year"] == year]
    return rows["people"].sum()


def test_worked_example_of_model_md():
    """MODEL.md: 60 through reablement (suitability limit), 40 straight to home care.
    Reablement 60 × 6/52 = 6.923 places; home care 40 × 13 + 60 × 0.55 × 10 = 850 hours.
    Cost 6.923 × £26,000 + 850 × £908.96 = £952,616. Shadow price of the suitability limit:
    £11,816.48 − £7,999.28 = £3,817.20 saved per extra person who could be reabled."""
    solution = solve(build(worked_example()))
    check_invariants(solution)
    assert solution.objective == pytest.approx(952_616, rel=REL)
    assert _people(solution, "reablement_first") == pytest.approx(60)
    assert _people(solution, "straight_to_home_care") == pytest.approx(40)
    cap = solution.tables["capacity"].set_index("service")["capacity"]
    assert cap["reablement"] == pytest.approx(60 * 6 / 52)
    assert cap["home_care"] == pytest.approx(850)
    suitable = _shadow(solution, "pathway_suitable", item="reablement_first")
    assert suitable.shadow_price == pytest.approx(3_817.20, rel=1e-6)
    assert suitable.binding


def _two_year_reablement(package_after: float, share_after: float) -> dict:
    data = worked_example()
    data["years"] = ["2026/27", "2027/28"]
    data["destinations"][1]["package"] = S(package_after)
    data["destinations"][1]["share"] = S(share_after)
    return data


def test_reablement_wins_because_it_shrinks_the_later_package():
    """Two years, 100 new people a year, nobody leaves home care. Reablement costs £3,000 a
    person (6 weeks of a £26,000 place-year) and then 55% need 10 hours instead of everyone
    needing 13. Year 1 is MODEL.md's £952,616. In year 2 last year's 850 hours carry over:
    1,700 hours × £908.96 + £180,000 reablement = £1,725,232. Total £2,677,848. A person
    reabled in year 1 saves £11,816.48 − £4,999.28 in each of two years less £3,000 once:
    £10,634.40; one reabled in year 2 saves £3,817.20.

    Without the smaller package (everyone needs 13 hours after reablement too) reablement
    is pure extra cost and nobody is routed through it."""
    solution = solve(build(_two_year_reablement(10, 0.55)))
    check_invariants(solution)
    assert solution.objective == pytest.approx(952_616 + 1_725_232, rel=REL)
    assert _shadow(solution, "pathway_suitable", item="reablement_first",
                   year="2026/27").shadow_price == pytest.approx(10_634.40, rel=1e-6)
    assert _shadow(solution, "pathway_suitable", item="reablement_first",
                   year="2027/28").shadow_price == pytest.approx(3_817.20, rel=1e-6)

    no_shrink = solve(build(_two_year_reablement(13, 1.0)))
    check_invariants(no_shrink)
    assert _people(no_shrink, "reablement_first") == pytest.approx(0, abs=1e-6)
    assert no_shrink.objective == pytest.approx(
        HOME_CARE_HOUR_YEAR * 13 * (100 + 200), rel=REL)


def _residential(years: list[str], admissions: float, leave: float, occupancy: float) -> dict:
    data = one_locality(years, admissions)
    data["services"] = [service("residential", "long_term", "bed", 650 * 52,
                                occupancy=occupancy, package=1)]
    data["pathways"] = [{"name": "residential_care", "cohort": "older_hospital",
                         "suitable": S(1.0)}]
    data["destinations"] = [{"pathway": "residential_care", "service": "residential",
                             "share": S(1.0)}]
    data["leave"] = [{"cohort": "older_hospital", "service": "residential", "share": S(leave)}]
    return data


def test_caseload_carries_over_into_the_next_year():
    """40 admissions to residential care a year; a quarter of residents leave each year.
    Year 1 needs 40 beds; year 2 needs 40 × 0.75 + 40 = 70 beds, not only the 40 admitted
    that year. At 95% occupancy that is 70 / 0.95 = 73.68 beds commissioned."""
    solution = solve(build(_residential(["2026/27", "2027/28"], 40, 0.25, 0.95)))
    check_invariants(solution)
    caseload = solution.tables["caseload"].set_index("year")["people"]
    assert caseload["2026/27"] == pytest.approx(40)
    assert caseload["2027/28"] == pytest.approx(70)
    cap = solution.tables["capacity"].set_index("year")["capacity"]
    assert cap["2027/28"] == pytest.approx(70 / 0.95)
    assert solution.objective == pytest.approx((40 + 70) / 0.95 * 650 * 52, rel=REL)


def _workforce(hire_max: float) -> dict:
    data = one_locality(["2026/27"], 100)
    data["services"] = [service("home_care", "long_term", "hour per week", HOME_CARE_HOUR_YEAR)]
    data["pathways"] = [{"name": "home_care", "cohort": "older_hospital", "suitable": S(1.0)}]
    data["destinations"] = [{"pathway": "home_care", "service": "home_care",
                             "share": S(1.0), "package": S(13)}]
    data["roles"] = [{"name": "care_worker", "turnover": S(0.3), "hire_cost": S(2000)}]
    data["staffing"] = [{"service": "home_care", "role": "care_worker", "fte_per_unit": S(0.1)}]
    data["workforce"] = [{"locality": "Example", "role": "care_worker", "staff0": S(0),
                          "hire_max": S(hire_max)}]
    return data


def test_workforce_limit_forces_unmet_need_and_the_penalty_shows_it():
    """100 people each need 13 hours of home care; an hour a week needs 0.1 FTE. No staff
    today and at most 65 recruits: 650 hours, so 50 people are served and 50 are unmet.
    Serving one costs 13 × £908.96 + 1.3 FTE × £2,000 = £14,416.48; the penalty is £100,000.
    Cost 50 × £14,416.48 + 50 × £100,000 = £5,720,824. One more recruit serves 10/13 of a
    person: it saves (£100,000 − £14,416.48) × 10/13."""
    solution = solve(build(_workforce(65)))
    check_invariants(solution)
    unmet = solution.tables["unmet"].iloc[0]
    assert unmet.unmet == pytest.approx(50)
    assert "recruited" in unmet.why
    assert solution.objective == pytest.approx(5_720_824, rel=REL)
    costs = solution.tables["costs"].groupby("payment")["cost"].sum()
    assert costs["penalty"] == pytest.approx(5_000_000)
    assert costs["recruitment"] == pytest.approx(65 * 2000)
    hiring = _shadow(solution, "hiring_limit", item="care_worker")
    assert hiring.binding
    assert hiring.shadow_price == pytest.approx((100_000 - 14_416.48) * 10 / 13, rel=1e-6)


def _target(level: float) -> dict:
    data = one_locality(["2026/27"], 100)
    data["services"] = [
        service("reablement", "short_term", "place", 26_000),
        service("home_care", "long_term", "hour per week", HOME_CARE_HOUR_YEAR),
    ]
    data["pathways"] = [
        {"name": "home_care", "cohort": "older_hospital", "suitable": S(1.0)},
        {"name": "intensive_reablement", "cohort": "older_hospital", "suitable": S(1.0)},
    ]
    data["stages"] = [{"pathway": "intensive_reablement", "service": "reablement",
                       "share": S(1.0), "weeks": S(26), "intensity": S(2)}]
    data["destinations"] = [{"pathway": "home_care", "service": "home_care",
                             "share": S(1.0), "package": S(13)}]
    data["indicators"] = [{"name": "independent", "derived": "independent"}]
    data["targets"] = [{"name": "independence", "indicator": "independent",
                        "sense": "at_least", "level": S(level)}]
    return data


def test_outcome_target_forces_a_dearer_pathway_at_the_cost_difference():
    """Home care costs £11,816.48 a person; intensive reablement (26 weeks, 2 places) costs
    £26,000 and leaves everyone independent. Without a target all go to home care. A target
    of 30% independent routes 30 people through reablement: £70 × 11,816.48 + 30 × 26,000 =
    £1,607,153.60, and the target's shadow price is the difference, £14,183.52 a person."""
    solution = solve(build(_target(0.3)))
    check_invariants(solution)
    assert _people(solution, "intensive_reablement") == pytest.approx(30)
    assert solution.objective == pytest.approx(1_607_153.60, rel=REL)
    target = _shadow(solution, "outcome_target", item="independence")
    assert target.binding
    assert target.shadow_price == pytest.approx(26_000 - 11_816.48, rel=1e-6)
    outcome = solution.tables["outcomes"]
    row = outcome[outcome["target"] == "independence"].iloc[0]
    assert row.achieved_share == pytest.approx(0.3) and row.met


def test_tightening_a_target_never_lowers_cost():
    """Raising the independence target from 0 to 100% in steps never makes the plan cheaper."""
    costs = [solve(build(_target(level))).objective for level in (0, 0.1, 0.3, 0.6, 1.0)]
    assert costs == sorted(costs)
    assert costs[0] == pytest.approx(100 * 11_816.48, rel=REL)
    assert costs[-1] == pytest.approx(100 * 26_000, rel=REL)


def test_maximise_an_outcome_within_a_budget():
    """MODEL.md's example with £400,000 to spend, maximising people left independent.
    Reablement is the only pathway that leaves anyone independent (45%) and the cheapest
    (£7,999.28 a person), so the budget buys 400,000 / 7,999.28 = 50.004 reablement episodes
    and 22.502 people independent; the rest of the need goes unmet. The shadow prices are in
    people independent, not £: one more £ of budget buys 0.45 / 7,999.28 more; one more
    reablement place needed (£26,000) gives up 26,000 × 0.45 / 7,999.28 = 1.463."""
    data = worked_example()
    data["settings"]["objective"] = "max_outcome"
    data["settings"]["objective_indicator"] = "independent"
    data["budget"] = [{"year": "2026/27", "amount": S(400_000)}]
    solution = solve(build(data))
    assert solution.optimal
    episodes = 400_000 / 7_999.28
    assert solution.objective == pytest.approx(0.45 * episodes, rel=1e-6)
    assert _people(solution, "reablement_first") == pytest.approx(episodes, rel=1e-6)
    budget = _shadow(solution, "budget_limit", year="2026/27")
    assert budget.binding
    assert budget.shadow_price == pytest.approx(0.45 / 7_999.28, rel=1e-6)
    assert budget.unit == "people per £"  # not £: the objective is people
    assert budget.constraint == "budget_limit[2026/27]"
    assert budget.constraint_label == (
        "more people independent after a short-term service from one more £ of budget in "
        "2026/27")
    place = _shadow(solution, "capacity_covers_use", item="reablement")
    assert place.shadow_price == pytest.approx(26_000 * 0.45 / 7_999.28, rel=1e-6)
    assert (place.unit, place.constraint_label) == (
        "people per unit", "people independent after a short-term service given up for one "
        "more place of home reablement used in Example, 2026/27")


def _maximising(budget: float, reablement_place: float = 26_000) -> dict:
    data = worked_example()
    data["services"][0]["price_capacity"] = S(reablement_place)
    data["settings"]["objective"] = "max_outcome"
    data["settings"]["objective_indicator"] = "independent"
    data["budget"] = [{"year": "2026/27", "amount": S(budget)}]
    return data


def _unmet(solution) -> float:
    return solution.tables["unmet"]["unmet"].sum()


def test_maximising_an_outcome_meets_need_first_when_the_budget_allows():
    """MODEL.md's example with £10m to spend, maximising people left independent. Reablement
    (£7,999.28 a person, 45% independent) suits 60 people; home care straight away
    (£11,816.48, none independent) suits all. Counting only the outcome, the 40 people
    reablement does not suit were left unmet: meeting their need adds no one independent.

    Need is met first. Stage 1: meeting all 100 costs at most 60 × £7,999.28 + 40 ×
    £11,816.48 = £952,616 < £10m, so the least unmet need is 0, and any mix of the two
    pathways meets it. Stage 2, with unmet need held at 0 (within a millionth of a person):
    the most independent is 60 through reablement, 40 straight to home care: 0.45 × 60 = 27
    people. Leaving one more person unmet would add no one independent (reablement's
    suitability binds, worth 0.45 a person), so the least-unmet row's price is 0."""
    solution = solve(build(_maximising(10e6)))
    check_invariants(solution)
    assert solution.objective == pytest.approx(0.45 * 60, rel=1e-6)
    assert _unmet(solution) == pytest.approx(0, abs=1e-5)
    assert _people(solution, "reablement_first") == pytest.approx(60, rel=1e-6)
    assert _people(solution, "straight_to_home_care") == pytest.approx(40, rel=1e-6)
    assert _shadow(solution, "pathway_suitable").shadow_price == pytest.approx(0.45, rel=1e-6)
    least = _shadow(solution, "least_unmet")
    assert least.shadow_price == pytest.approx(0, abs=1e-9)
    assert (least.unit, least.constraint, least.constraint_label) == (
        "people per person", "least_unmet", "people independent after a short-term service "
        "given up for each more person whose need is met")


def _priced_limits_bind(solution) -> None:
    """Every limit with a shadow price is met exactly by the plan (a limit with room to
    spare has no price)."""
    prices = solution.tables["shadow_prices"]
    priced = prices[prices["shadow_price"].abs() > 1e-9]
    assert not priced.empty and priced["binding"].all(), priced


def test_maximising_an_outcome_spends_no_more_than_the_outcome_needs():
    """MODEL.md's example with £10m to spend, maximising people left independent. Stages 1
    and 2 (above) leave no need unmet and 27 people independent: 60 through reablement (all
    it suits), 40 straight to home care. Nothing in them prices capacity, so the second
    stage's plan could buy £10m of places and hours that nobody uses (it once bought 354.9
    reablement places for the 6.923 used).

    Stage 3 holds the outcome at 27 (less a ten-millionth) and unmet need at none and finds
    the least cost: that plan is MODEL.md's least-cost one, commissioning just what is used,
    6.923 places × £26,000 + 850 hours × £908.96 = £952,616, with £9,047,384 of the budget
    left. Its shadow prices and ranging are still the second stage's, in people:
    reablement's suitability 0.45 a person (the least-cost stage's would be £3,817.20), the
    budget none (it does not bind), and each priced limit is met exactly.

    With £600,000 the budget is short: the same 27 independent, 29.841 people unmet (see the
    re-solve test below), and the plan spends the budget, no more."""
    solution = solve(build(_maximising(10e6)))
    check_invariants(solution)
    assert solution.objective == pytest.approx(27, rel=1e-6)
    assert _unmet(solution) == pytest.approx(0, abs=1e-5)
    assert solution.spend == pytest.approx(952_616, rel=REL)
    capacity = solution.tables["capacity"].set_index("service")
    assert capacity["capacity"]["reablement"] == pytest.approx(60 * 6 / 52, rel=REL)
    assert capacity["capacity"]["home_care"] == pytest.approx(850, rel=REL)
    assert (capacity["capacity"] - capacity["used"]).abs().max() < 1e-6
    assert _shadow(solution, "pathway_suitable").shadow_price == pytest.approx(0.45, rel=1e-6)
    assert _shadow(solution, "budget_limit").shadow_price == pytest.approx(0, abs=1e-12)
    _priced_limits_bind(solution)
    ranged = solution.tables["ranging"]  # the suitability limit alone, still in people
    assert ranged["marginal"].tolist() == pytest.approx([0.45], rel=1e-6)

    short = solve(build(_maximising(600_000)))
    check_invariants(short)
    assert short.objective == pytest.approx(27, rel=1e-6)
    assert _unmet(short) == pytest.approx(
        40 - (600_000 - 60 * 7_999.28) / (13 * HOME_CARE_HOUR_YEAR), rel=1e-6)
    assert short.spend <= 600_000 * (1 + 1e-9)


def test_maximising_an_outcome_no_pathway_achieves_buys_the_least_cost_plan():
    """An indicator no pathway achieves (no ``pathway_outcomes`` row names it) is none in
    every plan, so nothing holds it: the plan is the least-cost one that meets need first.
    With £10m that is MODEL.md's, £952,616 (it once spent the whole budget)."""
    data = _maximising(10e6)
    data["indicators"].append({"name": "happy"})
    data["settings"]["objective_indicator"] = "happy"
    solution = solve(build(data))
    check_invariants(solution)
    assert solution.objective == 0
    assert _unmet(solution) == pytest.approx(0, abs=1e-5)
    assert solution.spend == pytest.approx(952_616, rel=REL)


def test_maximising_an_outcome_leaves_the_least_need_unmet_the_budget_allows():
    """MODEL.md's example with £600,000 and a reablement place at £100,000 a year, so
    reablement costs 6/52 × £100,000 + 0.55 × 10 × £908.96 = £16,537.74 a person (45%
    independent) and home care straight away £11,816.48 (none). Counting only the outcome,
    the whole budget went on 600,000 / 16,537.74 = 36.281 reablement episodes (16.326
    independent), leaving 63.719 people unmet.

    Need is met first. Stage 1: the least unmet need is reached by the cheaper pathway alone:
    600,000 / 11,816.48 = 50.7765 people met, 49.2235 unmet; no plan within the budget meets
    more. Stage 2, with unmet need held there: nothing is left for reablement, so (to the
    millionth the limit allows) no one is independent. The least-unmet row's price is what
    each more person met gives up: leaving one unmet frees £11,816.48, which turns
    11,816.48 / (16,537.74 − 11,816.48) = 2.5028 people from home care to reablement, 0.45 ×
    2.5028 = 1.1263 people independent. One more £ of budget, with unmet need held, turns
    1 / 4,721.26 of a person to reablement: 0.45 / 4,721.26 = 9.531e-5 people independent.
    The unmet need is explained by the budget, not by a penalty the plan did not count."""
    solution = solve(build(_maximising(600_000, reablement_place=100_000)))
    check_invariants(solution)
    _priced_limits_bind(solution)
    reablement = 100_000 * 6 / 52 + 0.55 * 10 * HOME_CARE_HOUR_YEAR
    straight = 13 * HOME_CARE_HOUR_YEAR
    met = 600_000 / straight
    assert _unmet(solution) == pytest.approx(100 - met, rel=2e-6)
    assert _people(solution, "straight_to_home_care") == pytest.approx(met, rel=1e-5)
    assert solution.objective == pytest.approx(0, abs=1e-3)
    assert _shadow(solution, "least_unmet").shadow_price == pytest.approx(
        0.45 * straight / (reablement - straight), rel=1e-6)
    assert _shadow(solution, "budget_limit").shadow_price == pytest.approx(
        0.45 / (reablement - straight), rel=1e-6)
    assert solution.tables["unmet"]["why"].tolist() == [
        "the budget cannot meet it: no plan within the budget and the other limits leaves "
        "less need unmet"]


def test_maximising_an_outcome_meets_the_need_with_the_higher_penalty_first():
    """Two cohorts of 100, £600,000. Older adults leaving hospital (penalty £100,000) can
    only go straight to home care (£11,816.48 a person, none independent); people in the
    community (penalty £50,000) only through reablement (£7,999.28, 45% independent).
    Counting only the outcome, the budget went on 75.007 reablement episodes, leaving every
    older adult leaving hospital unmet.

    Stage 1 minimises unmet need weighted by penalty over the highest: a person leaving
    hospital counts 1, one in the community 0.5. Per £ that is 1 / 11,816.48 against
    0.5 / 7,999.28, so the hospital cohort comes first: 600,000 / 11,816.48 = 50.776 met,
    and U* = 49.224 + 0.5 × 100 = 99.224. (Counting people alike, the cheaper community
    need would have come first.) Stage 2 has nothing left for reablement: no one
    independent. Leaving one more weighted unit unmet moves money from the hospital cohort
    to reablement: each person less there buys 11,816.48 / 7,999.28 = 1.4772 episodes and
    adds 1 − 0.5 × 1.4772 = 0.2614 to U, so the least-unmet row's price is 0.45 × 1.4772 /
    0.2614 = 2.543 people independent per person."""
    data = _maximising(600_000)
    data["cohorts"].append({"name": "community", "growth": S(0.0),
                            "unmet_penalty": S(50_000)})
    data["demand"].append({"locality": "Example", "cohort": "community", "people": S(100)})
    reablement = data["pathways"][1]
    reablement.update(cohort="community", suitable=S(1.0))
    solution = solve(build(data))
    check_invariants(solution)
    straight = 13 * HOME_CARE_HOUR_YEAR
    unmet = solution.tables["unmet"].set_index("cohort")["unmet"]
    assert unmet["older_hospital"] == pytest.approx(100 - 600_000 / straight, rel=1e-5)
    assert unmet["community"] == pytest.approx(100, rel=1e-5)
    assert solution.objective == pytest.approx(0, abs=1e-3)
    episodes = straight / 7_999.28
    least = _shadow(solution, "least_unmet")
    assert least.shadow_price == pytest.approx(0.45 * episodes / (1 - 0.5 * episodes),
                                               rel=1e-6)
    assert least.constraint_label.endswith(
        "given up for each more person whose need is met (a person of a group with a lower "
        "unmet-need penalty counts as that penalty's share of the highest)")


def test_a_re_solve_of_a_maximised_outcome_runs_every_stage_afresh():
    """Every stage is solved again whenever the model is, with no limit on unmet need or on
    the outcome from the solve before. £10m meets everyone with 27 independent (the
    suitability limit) for £952,616; £600,000 leaves 100 − 60 − (600,000 − 60 × 7,999.28) /
    11,816.48 = 29.841 people unmet (the previous limit of none unmet would make it
    impossible), still 27 independent, and spends it all; £400,000 meets 400,000 / 7,999.28
    = 50.004 people, all through reablement, leaving 49.996 unmet and 0.45 × 50.004 = 22.502
    independent (the previous hold of 27 independent would make it impossible); back to
    £10m, £952,616 again."""
    model = build_model(prepare(build(_maximising(10e6))))
    solver = DirectHighs()
    short = 100 - 60 - (600_000 - 60 * 7_999.28) / (13 * HOME_CARE_HOUR_YEAR)
    reabled = 400_000 / 7_999.28
    for budget, unmet, independent, spend in (
            (10e6, 0.0, 27, 952_616), (600_000, short, 27, 600_000),
            (400_000, 100 - reabled, 0.45 * reabled, 400_000), (10e6, 0.0, 27, 952_616)):
        model.budget["2026/27"] = budget
        outcome = solver.solve(model)
        assert outcome.status == "optimal"
        assert outcome.objective == pytest.approx(independent, rel=1e-6)
        assert sum(model.unmet[n].value for n in model.NEED) == pytest.approx(unmet, abs=1e-5)
        assert pyo.value(model.year_spend["2026/27"]) == pytest.approx(spend, rel=1e-6)
    assert solver.solves == 4


def test_a_duty_the_budget_cannot_meet_is_diagnosed_alike_when_maximising_an_outcome():
    """With the Care Act duty on every cohort and £400,000, no plan exists. The least
    meeting all 100 costs is MODEL.md's £952,616, so the budget is £552,616 short, and it
    meets 400,000 / 7,999.28 = 50.004 people at most: at least 50 go without. Maximising an
    outcome the diagnosis is the same (it once took the relaxation in the objective's sense,
    the largest rather than the smallest)."""
    data = _maximising(400_000)
    data["settings"]["meet_eligible_need"] = True
    solution = solve(build(data))
    assert solution.status == "infeasible" and solution.diagnosis is not None
    assert solution.diagnosis.explanation[0].endswith(
        "cannot be met with the budget: it needs £552,616 more budget in 2026/27 (£952,616 "
        "rather than £400,000).")
    assert "at least 50 people eligible for care would go without it" in \
        solution.diagnosis.explanation[1]
