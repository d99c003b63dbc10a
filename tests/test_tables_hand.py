"""The result tables of small plans worked out by hand, cell by cell: what a commissioner
reads must be the plan's own figures, with the right units, in the right columns."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from optimiser.model import build_model
from optimiser.pipeline import solve
from optimiser.prepare import prepare
from optimiser.report.files import write_outputs
from optimiser.results import extract, prepare_tables, price_arrays, price_base
from optimiser.solve import solve_direct
from tests.builders import S, build, one_locality, service, worked_example

HOUR_YEAR = 908.96


def _straight_to_home_care(data: dict) -> None:
    """One care pathway: every older adult leaving hospital goes straight to home care, with
    a 13-hour package."""
    data["pathways"] = [{"name": "home_care", "cohort": "older_hospital", "suitable": S(1.0)}]
    data["destinations"] = [{"pathway": "home_care", "service": "home_care", "share": S(1.0),
                             "package": S(13)}]


def _tables_made_after_the_solve(instance) -> dict:
    """The tables as the two-stage plan makes them for each future: from a model whose
    words and index columns were not made while HiGHS solved (the pipeline makes them
    then), so every part of them is made here."""
    model = build_model(prepare(instance))
    outcome = solve_direct(model)
    assert outcome.values is not None and not outcome.values.lp.memo
    return extract(model, outcome.values)


def test_the_words_of_the_tables_are_all_made_while_highs_solves():
    """The parts of the tables that do not depend on the plan (index columns, words, the
    named expressions' rows) are made while HiGHS solves, so making the tables afterwards
    only adds the plan's own figures: nothing is added to what was made."""
    model = build_model(prepare(build(worked_example())))
    outcome = solve_direct(model, alongside=lambda lp: prepare_tables(model, lp))
    assert outcome.values is not None
    lp = outcome.values.lp
    words, rows = dict(lp.memo), set(lp.expression_cache)
    assert {"capacity", "flow cohorts", "achieved", "shadow_prices"} <= set(words)
    assert {"use", "capacity_payment", "use_payment", "outcome_payment", "recruitment_cost",
            "unmet_penalty"} <= rows
    extract(model, outcome.values)
    assert lp.memo.keys() == words.keys()
    assert all(lp.memo[key] is made for key, made in words.items())


MADE = {"while solving": lambda instance: solve(instance).tables,
        "after solving": _tables_made_after_the_solve}


@pytest.mark.parametrize("made", MADE)
def test_worked_example_tables_cell_by_cell(made):
    """MODEL.md's worked example: 60 people reabled (6 weeks each: 60 × 6/52 = 6.923 places,
    all used), 40 straight to home care. Home care: 40 × 13 hours + 60 × 0.55 × 10 hours =
    850 hours a week, all used, for a caseload of 40 + 33 = 73 people. The same whether the
    tables' words were made while HiGHS solved or afterwards."""
    tables = MADE[made](build(worked_example()))
    assert sorted(set(tables) - {"ranging"}) == [  # the pipeline adds the ranging
        "capacity", "caseload", "costs", "flows", "headroom", "moves", "outcomes", "phase_in",
        "shadow_prices", "short_term", "unmet", "workforce"]
    for table in tables.values():
        assert list(table.index) == list(range(len(table))), "rows numbered 0, 1, 2, ..."
    capacity = tables["capacity"].set_index("service")
    assert list(tables["capacity"].columns) == ["locality", "service", "year", "unit",
                                                "capacity", "used", "utilisation",
                                                "capacity_today"]
    assert capacity.loc["reablement", "unit"] == "place"
    assert capacity.loc["home_care", "unit"] == "hour per week"
    assert capacity.loc["reablement", "capacity"] == pytest.approx(60 * 6 / 52)
    assert capacity.loc["reablement", "used"] == pytest.approx(60 * 6 / 52)
    assert capacity.loc["home_care", "capacity"] == pytest.approx(850)
    assert capacity.loc["home_care", "used"] == pytest.approx(850)
    assert capacity["utilisation"].tolist() == pytest.approx([1.0, 1.0])
    assert capacity["capacity_today"].tolist() == [0.0, 0.0]

    assert list(tables["flows"].columns) == ["locality", "cohort", "pathway", "year",
                                             "people"]
    flows = tables["flows"].set_index("pathway")["people"]
    assert flows.to_dict() == pytest.approx({"straight_to_home_care": 40,
                                             "reablement_first": 60})

    caseload = tables["caseload"]
    assert list(caseload.columns) == ["locality", "cohort", "service", "year", "people",
                                      "units"]
    assert caseload[["people", "units"]].iloc[0].tolist() == pytest.approx([73, 850])


def test_unused_capacity_shows_as_low_utilisation():
    """2,000 home-care hours today, contracts let at most 20% go: 1,600 hours are kept, and
    the 100 people use 1,300 of them (13 hours each): utilisation 1,300 / 1,600 = 81.25%."""
    data = one_locality(["2026/27"], 100)
    data["services"] = [service("home_care", "long_term", "hour per week", HOUR_YEAR,
                                shrink_max=0.2, startup=0)]
    data["capacity0"] = [{"locality": "Example", "service": "home_care", "units": S(2000)}]
    _straight_to_home_care(data)
    row = solve(build(data)).tables["capacity"].iloc[0]
    assert (row.capacity, row.used, row.capacity_today) == pytest.approx((1600, 1300, 2000))
    assert row.utilisation == pytest.approx(0.8125)


def test_unmet_need_is_explained_by_the_binding_limit_only():
    """1,000 home-care hours today and growth of at most 10% a year: 1,100 hours serve
    1,100 / 13 = 84.6 of 100 people. A budget of £10m is far from binding, so the reason
    given for the 15.4 people unmet is the market limit alone. Nobody is unmet in a second
    locality with room to grow, and it gets no reason."""
    data = one_locality(["2026/27"], 100)
    data["localities"].append({"name": "Roomy", "cost_factor": S(1.0)})
    data["demand"].append({"locality": "Roomy", "cohort": "older_hospital", "people": S(10)})
    data["services"] = [service("home_care", "long_term", "hour per week", HOUR_YEAR,
                                grow_max=0.1, startup=0)]
    data["capacity0"] = [
        {"locality": "Example", "service": "home_care", "units": S(1000)},
        {"locality": "Roomy", "service": "home_care", "units": S(1000)},
    ]
    _straight_to_home_care(data)
    data["budget"] = [{"year": "2026/27", "amount": S(10_000_000)}]
    unmet = solve(build(data)).tables["unmet"].set_index("locality")
    assert unmet.loc["Example", "unmet"] == pytest.approx(100 - 1100 / 13)
    assert unmet.loc["Example", "why"] == (
        "saving if the market could grow home care by one more hour per week in Example, "
        "2026/27")
    assert unmet.loc["Roomy", "unmet"] == pytest.approx(0)
    assert unmet.loc["Roomy", "why"] == ""


@pytest.mark.parametrize("suits_no_one", [False, True])
def test_a_cohort_with_no_pathway_is_given_its_own_reason(suits_no_one):
    """As above in one locality, with 10 younger adults too, for whom no care pathway is
    open (none at all, or a home-care pathway suitable for none of them): all 10 are unmet,
    and the reason given for them is that, not the limit on the home-care market that older
    adults' care runs into (15.4 of them unmet as above)."""
    data = one_locality(["2026/27"], 100)
    data["cohorts"].append({"name": "younger", "label": "Younger adults", "growth": S(0.0)})
    data["demand"].append({"locality": "Example", "cohort": "younger", "people": S(10)})
    data["services"] = [service("home_care", "long_term", "hour per week", HOUR_YEAR,
                                grow_max=0.1, startup=0)]
    data["capacity0"] = [{"locality": "Example", "service": "home_care", "units": S(1000)}]
    _straight_to_home_care(data)
    if suits_no_one:
        data["pathways"].append({"name": "younger_home_care", "cohort": "younger",
                                 "suitable": S(0.0)})
        data["destinations"].append({"pathway": "younger_home_care", "service": "home_care",
                                     "share": S(1.0), "package": S(13)})
    unmet = solve(build(data)).tables["unmet"].set_index("cohort")
    assert unmet["unmet"].to_dict() == pytest.approx({"older_hospital": 100 - 1100 / 13,
                                                      "younger": 10})
    assert unmet.loc["older_hospital", "why"] == (
        "saving if the market could grow home care by one more hour per week in Example, "
        "2026/27")
    assert unmet.loc["younger", "why"] == "no care pathway is open to younger adults"


def _home_care_with_staff(penalty: float = 1e5) -> dict:
    """100 people need 13 hours of home care (£908.96 an hour-week a year); an hour a week
    needs 0.1 FTE of care worker; nobody in post today, at most 65 recruited (£2,000 each).
    A second locality, Roomy, with 10 people, has no staff and none to recruit."""
    data = one_locality(["2026/27"], 100, penalty=penalty)
    data["localities"].append({"name": "Roomy", "cost_factor": S(1.0)})
    data["demand"].append({"locality": "Roomy", "cohort": "older_hospital", "people": S(10)})
    data["services"] = [service("home_care", "long_term", "hour per week", HOUR_YEAR)]
    _straight_to_home_care(data)
    data["roles"] = [{"name": "care_worker", "turnover": S(0.3), "hire_cost": S(2000)}]
    data["staffing"] = [{"service": "home_care", "role": "care_worker",
                         "fte_per_unit": S(0.1)}]
    data["workforce"] = [{"locality": "Example", "role": "care_worker", "staff0": S(0),
                          "hire_max": S(65)},
                         {"locality": "Roomy", "role": "care_worker", "staff0": S(0),
                          "hire_max": S(0)}]
    return data


def test_workforce_unmet_and_cost_tables_cell_by_cell():
    """Example: 65 recruits staff 650 hours, enough for 50 people; 50 are unmet. Roomy has
    no staff today and nobody to recruit, so all 10 are unmet and it commissions nothing:
    its capacity's utilisation is 0, not a division by zero. Costs: Example 650 × £908.96 =
    £590,824 block, 65 × £2,000 = £130,000 recruitment, 50 × £100,000 penalty; Roomy
    10 × £100,000 penalty."""
    tables = solve(build(_home_care_with_staff())).tables
    workforce = tables["workforce"].set_index("locality")
    assert list(tables["workforce"].columns) == [
        "locality", "role", "year", "staff_needed", "staff_in_post", "recruited",
        "recruitment_limit"]
    assert workforce.loc["Example", ["staff_needed", "staff_in_post", "recruited",
                                     "recruitment_limit"]].tolist() == pytest.approx(
        [65, 65, 65, 65])
    assert workforce.loc["Roomy", ["staff_needed", "staff_in_post", "recruited",
                                   "recruitment_limit"]].tolist() == pytest.approx([0, 0, 0, 0])

    unmet = tables["unmet"].set_index("locality")
    assert list(tables["unmet"].columns) == ["locality", "cohort", "year", "demand", "unmet",
                                             "unmet_share", "why"]
    assert unmet.loc["Example", ["demand", "unmet", "unmet_share"]].tolist() == \
        pytest.approx([100, 50, 0.5])
    assert unmet.loc["Roomy", ["demand", "unmet", "unmet_share"]].tolist() == \
        pytest.approx([10, 10, 1.0])

    capacity = tables["capacity"].set_index("locality")
    assert capacity.loc["Roomy", ["capacity", "used", "utilisation"]].tolist() == [0, 0, 0]

    costs = tables["costs"]
    assert list(costs.columns) == ["locality", "service", "payment", "year", "cost",
                                   "discounted_cost"]
    rows = sorted(costs[["locality", "service", "payment", "year"]].itertuples(index=False,
                                                                              name=None))
    assert rows == [("Example", "care_worker", "recruitment", "2026/27"),
                    ("Example", "home_care", "block", "2026/27"),
                    ("Example", "unmet need", "penalty", "2026/27"),
                    ("Roomy", "unmet need", "penalty", "2026/27")]
    by_payment = costs.groupby(["locality", "payment"])["cost"].sum()
    assert by_payment.to_dict() == pytest.approx({
        ("Example", "block"): 590_824, ("Example", "recruitment"): 130_000,
        ("Example", "penalty"): 5_000_000, ("Roomy", "penalty"): 1_000_000})


def test_a_limit_at_its_bound_with_no_shadow_price_is_not_given_as_a_reason():
    """As above, with a second pathway, a larger 20-hour package, suitable for no one: its
    suitability row sits at its bound (0 people routed, 0 allowed) but is worth nothing, as a
    larger package would need more of the scarce staff (shadow price £0). The reasons given
    for the 50 and 10 people unmet are the care workers alone: in post, at £67,833.48 (an
    hour a week staffed saves the £100,000 penalty on 1/13 of a person, less the hour's
    price: (£7,692.31 − £908.96) / 0.1 FTE), and recruitable, £2,000 less."""
    data = _home_care_with_staff()
    data["pathways"].append({"name": "larger_package", "cohort": "older_hospital",
                             "label": "a larger home-care package", "suitable": S(0.0)})
    data["destinations"].append({"pathway": "larger_package", "service": "home_care",
                                 "share": S(1.0), "package": S(20)})
    tables = solve(build(data)).tables
    prices = tables["shadow_prices"].set_index("constraint")
    trivial = prices.loc["pathway_suitable[Example,larger_package,2026/27]"]
    assert trivial.binding and trivial.shadow_price == pytest.approx(0, abs=1e-9)
    assert prices.loc["staff_cover_capacity[Example,care_worker,2026/27]",
                      "shadow_price"] == pytest.approx((100_000 / 13 - HOUR_YEAR) / 0.1)
    unmet = tables["unmet"].set_index("locality")
    assert unmet["unmet"].tolist() == pytest.approx([50, 10])
    for locality in ("Example", "Roomy"):
        assert unmet.loc[locality, "why"] == (
            f"saving from one more FTE of care workers in post in {locality}, 2026/27; saving "
            f"if one more FTE of care workers could be recruited in {locality}, 2026/27")


def test_a_limit_worth_less_than_a_millionth_of_the_largest_price_is_not_a_reason():
    """100 people need 13 hours of home care, from either of two providers: the first's
    market cannot grow beyond its 300 hours today, the second charges £0.05 an hour-week a
    year more. Staff limit the plan as in the tests above (65 recruits, 650 hours: 50 people
    served, 50 unmet). The first provider's 300 hours are used and its market limit binds,
    worth the £0.05 an hour the second provider costs more; but against the largest price,
    the £100,000 of a person's unmet need, that is below a millionth (£0.10), so it does
    not explain the unmet need: the care workers alone do."""
    data = _home_care_with_staff()
    data["localities"] = data["localities"][:1]
    data["demand"] = data["demand"][:1]
    data["workforce"] = data["workforce"][:1]
    data["services"] = [
        service("home_care", "long_term", "hour per week", HOUR_YEAR, grow_max=0, startup=0),
        service("home_care_b", "long_term", "hour per week", HOUR_YEAR + 0.05)]
    data["capacity0"] = [{"locality": "Example", "service": "home_care", "units": S(300)}]
    data["pathways"].append({"name": "home_care_b", "cohort": "older_hospital",
                             "suitable": S(1.0)})
    data["destinations"].append({"pathway": "home_care_b", "service": "home_care_b",
                                 "share": S(1.0), "package": S(13)})
    data["staffing"].append({"service": "home_care_b", "role": "care_worker",
                             "fte_per_unit": S(0.1)})
    tables = solve(build(data)).tables
    capacity = tables["capacity"].set_index("service")["capacity"]
    assert capacity.to_dict() == pytest.approx({"home_care": 300, "home_care_b": 350})
    prices = tables["shadow_prices"].set_index("constraint")
    market = prices.loc["market_growth_limit[Example,home_care,2026/27]"]
    assert market.binding and market.shadow_price == pytest.approx(0.05, abs=1e-6)
    unmet = tables["unmet"].iloc[0]
    assert unmet.unmet == pytest.approx(50)
    assert unmet.why == (
        "saving from one more FTE of care workers in post in Example, 2026/27; saving if one "
        "more FTE of care workers could be recruited in Example, 2026/27")


def test_need_left_unmet_because_care_costs_more_than_the_penalty_says_so():
    """An unmet-need penalty of £10,000 is below the £11,816.48 home care costs a person
    (13 hours at £908.96), so all 100 are left unmet, and no limit binds: the reason given is
    the penalty."""
    data = one_locality(["2026/27"], 100, penalty=10_000)
    data["services"] = [service("home_care", "long_term", "hour per week", HOUR_YEAR)]
    _straight_to_home_care(data)
    unmet = solve(build(data)).tables["unmet"].iloc[0]
    assert (unmet.unmet, unmet.unmet_share) == pytest.approx((100, 1.0))
    assert unmet.why == "meeting it would cost more than the unmet-need penalty"


def test_an_area_wide_budget_is_named_as_the_reason_wherever_need_is_unmet():
    """With £400,000 for the year and recruitment no limit, the budget binds: serving a
    person costs 13 × £908.96 + 1.3 × £2,000 = £14,416.48, so 400,000 / 14,416.48 = 27.75 of
    the 110 are served. The budget is not a limit of one locality, so it is named as the
    reason wherever need is left unmet."""
    data = _home_care_with_staff()
    for row in data["workforce"]:
        row["hire_max"] = S(1000)
    data["budget"] = [{"year": "2026/27", "amount": S(400_000)}]
    unmet = solve(build(data)).tables["unmet"]
    assert unmet["unmet"].sum() == pytest.approx(110 - 400_000 / 14_416.48)
    for row in unmet[unmet["unmet"] > 1e-6].itertuples():
        assert "value of one more £ of budget in 2026/27" in row.why


@pytest.mark.parametrize("made", MADE)
def test_outcomes_table_cell_by_cell(made):
    """MODEL.md's worked example over two years (100 people a year) with a target of at
    least 25% independent. Reablement is cheaper anyway, so 60 a year are reabled and 45% of
    them, 27 people, end independent: 27% of the need. The area row of each year counts 27
    of 100; the target row of each year requires 25 people and is met."""
    data = worked_example()
    data["years"] = ["2026/27", "2027/28"]
    data["targets"] = [{"name": "independence", "indicator": "independent",
                        "sense": "at_least", "level": S(0.25)}]
    report = MADE[made](build(data))["outcomes"]
    assert list(report.columns) == ["target", "indicator", "group", "year", "achieved_people",
                                    "achieved_share", "sense", "level", "basis",
                                    "required_people", "met"]
    area = report[report["target"] == ""]
    assert area[["indicator", "group", "year", "sense", "basis"]].values.tolist() == [
        ["independent", "area", "2026/27", "", "demand"],
        ["independent", "area", "2027/28", "", "demand"]]
    assert area["achieved_people"].tolist() == pytest.approx([27, 27])
    assert area["achieved_share"].tolist() == pytest.approx([0.27, 0.27])
    assert area["level"].isna().all() and area["required_people"].isna().all()
    assert area["met"].tolist() == [True, True]
    target = report[report["target"] == "independence"]
    assert target[["indicator", "group", "year", "sense", "basis"]].values.tolist() == [
        ["independent", "area", "2026/27", "at_least", "demand"],
        ["independent", "area", "2027/28", "at_least", "demand"]]
    for row in target[["achieved_people", "achieved_share", "level", "required_people"]
                      ].values.tolist():
        assert row == pytest.approx([27, 0.27, 0.25, 25])
    assert target["met"].tolist() == [True, True]


def test_a_target_over_no_need_requires_no_one_in_every_output(tmp_path):
    """MODEL.md's worked example with a second cohort, younger adults, with no new need and
    no pathway, and a target of at least 25% of their need independent: 25% of 0 people is
    0 people, achieved (0 independent) and met. The outcomes table, its CSV and Parquet, the
    workbook and the summary say 0 people required, never infinity."""
    data = worked_example()
    data["cohorts"].append({"name": "younger", "label": "Younger adults", "growth": S(0.0)})
    data["demand"].append({"locality": "Example", "cohort": "younger", "people": S(0)})
    data["targets"] = [{"name": "younger_independent", "indicator": "independent",
                        "sense": "at_least", "level": S(0.25), "cohorts": ["younger"]}]
    solution = solve(build(data))
    write_outputs(solution, tmp_path)
    for table in (solution.tables["outcomes"], pd.read_csv(tmp_path / "outcomes.csv"),
                  pd.read_parquet(tmp_path / "outcomes.parquet")):
        row = table[table["target"] == "younger_independent"].iloc[0]
        assert (row.achieved_people, row.required_people) == (0, 0) and row.met
        assert row.achieved_share == 0, "0 of no need: a share of 0, as the area rows show"
    sheets = pd.read_excel(tmp_path / "plan.xlsx", sheet_name=None)
    cells = [str(cell) for sheet in sheets.values() for cell in sheet.to_numpy().ravel()]
    assert not [cell for cell in cells if "inf" in cell.lower()]
    targets = [line for line in (tmp_path / "summary.md").read_text().splitlines()
               if line.startswith("| Independent after a short-term service: Younger")]
    assert len(targets) == 1 and "inf" not in targets[0].lower()


def _spot_purchase_and_agency_staff() -> dict:
    """100 people need 13 hours of home care in a locality whose prices are 25% above
    average. 1,000 hours are commissioned today and the market cannot grow (no growth, no
    start-up), so the other 300 hours are bought at short notice at the spot price, £1,500
    an hour-week a year. An hour a week needs 0.1 FTE of care worker: nobody in post today,
    at most 50 recruited (£2,000 each), the rest from an agency at £5,000 a year over an
    employed worker."""
    data = one_locality(["2026/27"], 100)
    data["localities"][0]["cost_factor"] = S(1.25)
    home_care = service("home_care", "long_term", "hour per week", HOUR_YEAR, grow_max=0,
                        startup=0)
    home_care["price_spot"] = S(1500)
    data["services"] = [home_care]
    data["capacity0"] = [{"locality": "Example", "service": "home_care", "units": S(1000)}]
    _straight_to_home_care(data)
    data["roles"] = [{"name": "care_worker", "turnover": S(0.3), "hire_cost": S(2000),
                      "agency_premium": S(5000)}]
    data["staffing"] = [{"service": "home_care", "role": "care_worker",
                         "fte_per_unit": S(0.1)}]
    data["workforce"] = [{"locality": "Example", "role": "care_worker", "staff0": S(0),
                          "hire_max": S(50)}]
    return data


def test_spot_purchase_and_agency_staff_in_the_cost_table():
    """An hour of block capacity costs £908.96 × 1.25 = £1,136.20, plus its 0.1 FTE: £200 if
    recruited, £500 from an agency; either way below the £1,500 × 1.25 = £1,875 of a spot
    hour, so all 1,000 hours are kept, staffed by 50 recruits and 50 agency workers, and the
    300 hours left are bought at spot. Costs: block 1,000 × £1,136.20 = £1,136,200; spot
    purchase 300 × £1,875 = £562,500; recruitment 50 × £2,000 = £100,000; agency staff
    50 × £5,000 = £250,000: £2,048,700, nobody unmet."""
    solution = solve(build(_spot_purchase_and_agency_staff()))
    assert solution.objective == pytest.approx(2_048_700)
    costs = solution.tables["costs"]
    assert sorted(costs[["locality", "service", "payment", "year"]].itertuples(
        index=False, name=None)) == [
        ("Example", "care_worker", "agency staff", "2026/27"),
        ("Example", "care_worker", "recruitment", "2026/27"),
        ("Example", "home_care", "block", "2026/27"),
        ("Example", "home_care", "spot purchase", "2026/27")]
    assert costs.set_index("payment")["cost"].to_dict() == pytest.approx({
        "agency staff": 250_000, "recruitment": 100_000, "block": 1_136_200,
        "spot purchase": 562_500})
    assert costs["discounted_cost"].tolist() == pytest.approx(costs["cost"].tolist())
    assert list(costs.index) == [0, 1, 2, 3], "each row numbered once"
    capacity = solution.tables["capacity"].iloc[0]
    assert (capacity.capacity, capacity.used) == pytest.approx((1000, 1300))
    workforce = solution.tables["workforce"].iloc[0]
    assert (workforce.staff_needed, workforce.staff_in_post, workforce.recruited) == \
        pytest.approx((100, 50, 50))


def test_the_capacity_table_shows_spot_purchase_beside_the_block():
    """As above, with residential beds (no spot price, nobody routed to them) beside home
    care. Home care: 1,000 hours in the block, 1,300 used, the 300 beyond it bought at spot,
    so its utilisation reads 1,300 / 1,000 = 130%. Residential: nothing commissioned, used
    or bought at spot (it cannot be: a spot figure of 0, not a gap)."""
    data = _spot_purchase_and_agency_staff()
    data["services"].append(service("residential", "long_term", "bed", 32_000, package=1))
    capacity = solve(build(data)).tables["capacity"]
    assert list(capacity.columns) == ["locality", "service", "year", "unit", "capacity",
                                      "used", "utilisation", "capacity_today", "spot"]
    rows = capacity.set_index("service")
    assert rows.loc["home_care", ["capacity", "used", "utilisation", "spot"]].tolist() == \
        pytest.approx([1000, 1300, 1.3, 300])
    assert rows.loc["residential", ["capacity", "used", "utilisation", "spot"]].tolist() == \
        pytest.approx([0, 0, 0, 0])


def test_outcome_payments_in_the_cost_table():
    """100 people a year are reabled for 6 weeks (100 × 6/52 places at £26,000 a place-year)
    and all leave independent; the provider is paid £1,000 for each person independent, in
    a locality whose prices are 25% above average. Costs: block 100 × 6/52 × £26,000 × 1.25 =
    £375,000; outcomes 100 × £1,000 × 1.25 = £125,000."""
    data = one_locality(["2026/27"], 100)
    data["localities"][0]["cost_factor"] = S(1.25)
    data["services"] = [service("reablement", "short_term", "place", 26_000)]
    data["pathways"] = [{"name": "reablement", "cohort": "older_hospital", "suitable": S(1.0)}]
    data["stages"] = [{"pathway": "reablement", "service": "reablement", "share": S(1.0),
                       "weeks": S(6), "intensity": S(1)}]
    data["indicators"] = [{"name": "independent", "derived": "independent"}]
    data["outcome_prices"] = [{"service": "reablement", "indicator": "independent",
                               "price": S(1000)}]
    solution = solve(build(data))
    assert solution.objective == pytest.approx(500_000)
    costs = solution.tables["costs"].set_index("payment")
    assert costs["cost"].to_dict() == pytest.approx({"block": 375_000, "outcomes": 125_000})
    assert costs.loc["outcomes", "service"] == "reablement"


def test_a_plan_with_nothing_to_pay_has_an_empty_cost_table_with_its_columns():
    """Nobody needs care (no demand, nothing commissioned today), so the plan buys nothing:
    the cost table has no rows but keeps its columns (£ figures as numbers), every shadow
    price is 0 (HiGHS gives meeting need a dual of −0.0: it must not read '-0'), and the
    unmet-need and outcomes tables show a share of 0 where the need is 0, not a division by
    zero."""
    data = one_locality(["2026/27"], 0)
    data["services"] = [service("home_care", "long_term", "hour per week", HOUR_YEAR)]
    _straight_to_home_care(data)
    data["indicators"] = [{"name": "independent", "derived": "independent"}]
    tables = solve(build(data)).tables
    costs = tables["costs"]
    assert list(costs.columns) == ["locality", "service", "payment", "year", "cost",
                                   "discounted_cost"]
    assert costs.empty
    assert costs["cost"].dtype == float and costs["discounted_cost"].dtype == float
    assert not any(costs[name].dtype == float for name in ("locality", "service", "payment",
                                                           "year")), "words stay words"
    area = tables["outcomes"].iloc[0]
    assert (area.group, area.achieved_people, area.achieved_share) == ("area", 0, 0)
    unmet = tables["unmet"].iloc[0]
    assert (unmet.demand, unmet.unmet, unmet.unmet_share) == (0, 0, 0)
    prices = tables["shadow_prices"]["shadow_price"].to_numpy()
    assert (prices == 0).all(), "nothing to meet, nothing worth relaxing"
    assert not np.signbit(prices).any(), "a price of nothing reads 0, never -0 (HiGHS: -0.0)"


def test_unmet_need_names_every_limit_binding_where_it_is_left():
    """1,000 home-care hours today and a market that cannot grow; an hour a week needs
    0.1 FTE of care worker, nobody is in post today and at most 100 can be recruited. So
    1,000 hours serve 1,000 / 13 = 76.92 of 100 people, and three limits sit on their bounds
    in Example, 2026/27: the market's growth (1,000 hours), the staff in post (100 FTE for
    1,000 hours) and recruitment (100). One more FTE in post would save its £2,000
    recruitment, but one more recruit allowed is worth nothing, since the market could not
    grow to use them (a price of 0). So the two limits with a price are the reason given for
    the 23.08 people unmet, in alphabetical order, joined by a semicolon."""
    data = one_locality(["2026/27"], 100)
    data["services"] = [service("home_care", "long_term", "hour per week", HOUR_YEAR,
                                grow_max=0, startup=0)]
    data["capacity0"] = [{"locality": "Example", "service": "home_care", "units": S(1000)}]
    _straight_to_home_care(data)
    data["roles"] = [{"name": "care_worker", "turnover": S(0.3), "hire_cost": S(2000)}]
    data["staffing"] = [{"service": "home_care", "role": "care_worker",
                         "fte_per_unit": S(0.1)}]
    data["workforce"] = [{"locality": "Example", "role": "care_worker", "staff0": S(0),
                          "hire_max": S(100)}]
    unmet = solve(build(data)).tables["unmet"].iloc[0]
    assert unmet.unmet == pytest.approx(100 - 1000 / 13)
    assert unmet.why == (
        "saving from one more FTE of care workers in post in Example, 2026/27; "
        "saving if the market could grow home care by one more hour per week in Example, "
        "2026/27")


def _price_base(**settings) -> str:
    data = one_locality(["2026/27", "2027/28"], 100)
    data["settings"].update(settings)
    data["services"] = [service("reablement", "short_term", "place", 26_000)]
    data["pathways"] = [{"name": "reablement", "cohort": "older_hospital", "suitable": S(1.0)}]
    data["stages"] = [{"pathway": "reablement", "service": "reablement", "share": S(1.0),
                       "weeks": S(6), "intensity": S(1)}]
    return price_base(prepare(build(data)))


def test_the_price_base_is_stated_in_words():
    """Prices of 2025/26 raised by 4% for the one year to 2026/27 (× 1.040), discounted at
    3.5% a year; prices of 2023/24 raised by 3% a year for three years: × 1.03³ = 1.093, and
    (1.093)^(1/3) − 1 = 3.0% a year; and prices as given, undiscounted."""
    tail = ("Costs are in constant 2026/27 prices, not cash; totals are {}, and yearly "
            "spending tables are undiscounted.")
    assert _price_base(price_year="2025/26", price_inflation=S(0.04),
                       discount_rate=S(0.035)) == (
        "Prices are at 2026/27 levels: the instance's 2025/26 prices raised by 4.0% a year "
        "(× 1.040). " + tail.format("discounted at 3.5% a year to 2026/27"))
    assert _price_base(price_year="2023/24", price_inflation=S(0.03)) == (
        "Prices are at 2026/27 levels: the instance's 2023/24 prices raised by 3.0% a year "
        "(× 1.093). " + tail.format("not discounted"))
    given = ("Prices are as the instance gives them, taken to be at 2026/27 levels. "
             + tail.format("not discounted"))
    assert _price_base() == given
    assert _price_base(price_year="2026/27", price_inflation=S(0.03)) == given


def test_a_cohort_without_a_pathway_counts_in_the_area_outcome_and_unmet_need():
    """MODEL.md's worked example (27 of the 100 older people leaving hospital end
    independent) with 10 younger adults whose need no pathway serves: all 10 are unmet, and
    the area row counts 27 independent of the 110 people with a new need: 24.5%."""
    data = worked_example()
    data["cohorts"].append({"name": "younger", "growth": S(0.0)})
    data["demand"].append({"locality": "Example", "cohort": "younger", "people": S(10)})
    tables = solve(build(data)).tables
    area = tables["outcomes"].iloc[0]
    assert (area.achieved_people, area.achieved_share) == pytest.approx((27, 27 / 110))
    unmet = tables["unmet"].set_index("cohort").loc["younger"]
    assert (unmet.demand, unmet.unmet, unmet.unmet_share) == pytest.approx((10, 10, 1.0))


def _residential_tail() -> dict:
    """10 admissions a year to residential care over three years, half the residents leaving
    each year, the end-of-horizon tail on and costs discounted at 10% a year."""
    data = one_locality(["2026/27", "2027/28", "2028/29"], 10, penalty=1e7)
    data["settings"].update(end_of_horizon=True, discount_rate=S(0.1))
    data["services"] = [service("residential", "long_term", "bed", 32_000, price_use=10_000,
                                occupancy=0.8, package=1)]
    data["pathways"] = [{"name": "residential_care", "cohort": "older_hospital",
                         "suitable": S(1.0)}]
    data["destinations"] = [{"pathway": "residential_care", "service": "residential",
                             "share": S(1.0)}]
    data["leave"] = [{"cohort": "older_hospital", "service": "residential", "share": S(0.5)}]
    return data


def test_the_end_of_horizon_tail_is_the_last_years_row_at_its_discount():
    """10 admissions a year to residential care over three years, half the residents leaving
    each year, costs discounted at 10% a year. A bed costs £32,000 a year in block payments,
    at 80% occupancy, plus £10,000 a year for each one used: £32,000 / 0.8 + £10,000 =
    £50,000 a resident. Residents: 10, then 0.5 × 10 + 10 = 15, then 0.5 × 15 + 10 = 17.5.
    The 17.5 left at the end stay on average 0.5 / 0.5 = 1 more year: a tail of
    17.5 × £50,000 = £875,000, a row of its own in the last year, 2028/29, discounted as that
    year's costs are: £875,000 / 1.21 = £723,140.50."""
    solution = solve(build(_residential_tail()))
    costs = solution.tables["costs"].set_index(["payment", "year"])
    assert costs.loc[("block", "2028/29"), "cost"] == pytest.approx(17.5 / 0.8 * 32_000)
    assert costs.loc[("spot", "2028/29"), "cost"] == pytest.approx(17.5 * 10_000)
    tail = costs.loc[("end of horizon", "2028/29")]
    assert (tail.service, tail.cost, tail.discounted_cost) == pytest.approx(
        ("residential", 875_000, 875_000 / 1.21))
    assert len(costs) == 7
    assert solution.objective == pytest.approx(
        500_000 + 750_000 / 1.1 + (875_000 + 875_000) / 1.21)


def test_a_setting_no_one_reaches_adds_nothing_after_the_horizon():
    """As above, with NHS-funded beds beside residential care that no pathway, caseload or
    move reaches, and whose capacity the council cannot use (occupancy 0): they have no
    residents at the end, so no tail (and no division by their occupancy). The plan and its
    cost are the same as above: £500,000 + £750,000 / 1.1 + (£875,000 + £875,000) / 1.21."""
    data = _residential_tail()
    data["services"].append(service("nhs_beds", "long_term", "bed", 60_000, occupancy=0,
                                    package=1))
    solution = solve(build(data))
    assert solution.objective == pytest.approx(
        500_000 + 750_000 / 1.1 + (875_000 + 875_000) / 1.21)
    assert "nhs_beds" not in set(solution.tables["costs"]["service"])


def test_worked_example_shadow_prices_cell_by_cell():
    """MODEL.md's worked example. One more person leaving hospital goes straight to home care:
    13 × £908.96 = £11,816.48 (the demand row, signed). Reablement first costs £26,000 × 6/52
    + 0.55 × 10 × £908.96 = £7,999.28 a person, so one more person suitable for it saves
    £11,816.48 − £7,999.28 = £3,817.20. A place of reablement used costs its £26,000 a year,
    an hour a week of home care its £908.96. The market limits are far away: worth nothing,
    not binding."""
    prices = solve(build(worked_example())).tables["shadow_prices"]
    assert list(prices.columns) == ["family", "locality", "item", "year", "constraint_label",
                                    "shadow_price", "unit", "binding", "constraint"]
    assert prices[["family", "locality", "item", "year", "unit", "binding",
                   "constraint"]].values.tolist() == [
        ["demand_met", "Example", "older_hospital", "2026/27", "£ per person", True,
         "demand_met[Example,older_hospital,2026/27]"],
        ["pathway_suitable", "Example", "reablement_first", "2026/27", "£ per person", True,
         "pathway_suitable[Example,reablement_first,2026/27]"],
        ["capacity_covers_use", "Example", "reablement", "2026/27", "£ per unit", True,
         "capacity_covers_use[Example,reablement,2026/27]"],
        ["capacity_covers_use", "Example", "home_care", "2026/27", "£ per unit", True,
         "capacity_covers_use[Example,home_care,2026/27]"],
        ["market_growth_limit", "Example", "reablement", "2026/27", "£ per unit", False,
         "market_growth_limit[Example,reablement,2026/27]"],
        ["market_growth_limit", "Example", "home_care", "2026/27", "£ per unit", False,
         "market_growth_limit[Example,home_care,2026/27]"],
        ["market_shrink_limit", "Example", "reablement", "2026/27", "£ per unit", False,
         "market_shrink_limit[Example,reablement,2026/27]"],
        ["market_shrink_limit", "Example", "home_care", "2026/27", "£ per unit", False,
         "market_shrink_limit[Example,home_care,2026/27]"]]
    assert prices["shadow_price"].tolist() == pytest.approx(
        [13 * HOUR_YEAR, 13 * HOUR_YEAR - (3000 + 5.5 * HOUR_YEAR), 26_000, HOUR_YEAR,
         0, 0, 0, 0], abs=1e-6)
    assert prices["constraint_label"].iloc[1] == (
        "saving if one more person could take reablement first in Example, 2026/27")
    assert prices["constraint_label"].iloc[3] == (
        "cost of one more hour per week of home care used in Example, 2026/27")


def test_the_appraisal_reads_the_same_shadow_prices_as_arrays():
    """The appraisal's comparison row reads the shadow-price table as arrays (no frame per
    option): for MODEL.md's worked example, the same rows in the same order as the table
    above, with the same prices worked out there and the same binding flags."""
    model = build_model(prepare(build(worked_example())))
    values = solve_direct(model).values
    assert values is not None
    words, prices, binding = price_arrays(model, values)
    table = extract(model, values)["shadow_prices"]
    for name in ("family", "locality", "item", "year", "constraint_label", "unit",
                 "constraint"):
        assert words["columns"][name] == table[name].tolist()
    assert prices.tolist() == pytest.approx(
        [13 * HOUR_YEAR, 13 * HOUR_YEAR - (3000 + 5.5 * HOUR_YEAR), 26_000, HOUR_YEAR,
         0, 0, 0, 0], abs=1e-6)
    assert binding.tolist() == [True, True, True, True, False, False, False, False]


def test_people_who_deteriorate_take_their_new_package():
    """100 people in home care today at 10 hours a week, nobody new. A fifth of them each
    year need intensive home care, at 20 hours a week: 20 people and 20 × 20 = 400 hours
    there, 80 people and 1,000 − 0.2 × 1,000 = 800 hours left in home care."""
    data = one_locality(["2026/27"], 0)
    data["services"] = [service("home_care", "long_term", "hour per week", HOUR_YEAR),
                        service("intensive_home_care", "long_term", "hour per week",
                                HOUR_YEAR)]
    data["pathways"] = [{"name": "home_care", "cohort": "older_hospital", "suitable": S(1.0)}]
    data["destinations"] = [{"pathway": "home_care", "service": "home_care", "share": S(1.0),
                             "package": S(10)}]
    data["caseload0"] = [{"locality": "Example", "cohort": "older_hospital",
                          "service": "home_care", "people": S(100), "package": S(10)}]
    data["deterioration"] = [{"cohort": "older_hospital", "from_service": "home_care",
                              "to_service": "intensive_home_care", "rate": S(0.2),
                              "package": S(20)}]
    tables = solve(build(data)).tables
    caseload = tables["caseload"].set_index("service")
    assert caseload.loc["home_care", ["people", "units"]].tolist() == pytest.approx([80, 800])
    assert caseload.loc["intensive_home_care", ["people", "units"]].tolist() == \
        pytest.approx([20, 400])
    assert tables["capacity"].set_index("service")["used"].to_dict() == pytest.approx(
        {"home_care": 800, "intensive_home_care": 400})


def test_labels_read_naturally_inside_the_shadow_price_sentences():
    """MODEL.md's worked example with its locality labelled 'Melton' and an NHS-funded
    service added (never used): the cohort and services start in lower case inside the
    sentences, while the place name (never the locality's id) and the acronym keep their
    capitals. Meeting one more
    person's need costs what the 100th person costs, £7,999.28 by reablement (the
    suitability limit keeps them there; MODEL.md)."""
    data = worked_example()
    data["localities"][0]["label"] = "Melton"
    nhs = service("nhs_beds", "long_term", "bed", 60_000)
    data["services"].append({**nhs, "label": "NHS continuing healthcare beds"})
    prices = solve(build(data)).tables["shadow_prices"].set_index("family")
    assert prices.loc["demand_met", "constraint_label"] == (
        "cost of meeting one more older adults discharged from hospital need in Melton, "
        "2026/27")
    capacity = prices.loc["capacity_covers_use"].set_index("item")["constraint_label"]
    assert capacity["home_care"] == \
        "cost of one more hour per week of home care used in Melton, 2026/27"
    assert capacity["nhs_beds"] == \
        "cost of one more bed of NHS continuing healthcare beds used in Melton, 2026/27"
    from optimiser.families import FAMILIES

    limit = FAMILIES["market_growth_limit"].limit(prepare(build(data)), "Example",
                                                  "home_care", "2026/27")
    assert limit == "how fast the market for home care can grow in Melton, 2026/27"


@pytest.mark.parametrize(("name", "text", "reads"), [
    ("older", "Older adults discharged from hospital", "older adults discharged from hospital"),
    ("nhs", "NHS continuing healthcare", "NHS continuing healthcare"),
    ("funded", "NHS-funded nursing", "NHS-funded nursing"),
    ("d2a", "D2A pathway 1", "D2A pathway 1"),
    ("melton", "Melton", "Melton"),
    ("kesteven", "North Kesteven", "North Kesteven"),
    ("residents", "Melton residents", "Melton residents"),
    ("meltonian", "Meltonian style care", "meltonian style care"),
    ("home", "home care", "home care"),
])
def test_a_label_inside_a_sentence(name, text, reads):
    """Lower case first, except localities (place names), labels starting with one, and a
    first word that is or holds an acronym."""
    from optimiser.words import in_sentence

    labels = {"melton": "Melton", "kesteven": "North Kesteven", name: text}
    assert in_sentence(labels, ["melton", "kesteven"])[name] == reads
