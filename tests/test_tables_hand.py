"""The result tables of small plans worked out by hand, cell by cell: what a commissioner
reads must be the plan's own figures, with the right units, in the right columns."""

from __future__ import annotations

import pytest

from optimiser.pipeline import solve
from tests.builders import S, build, one_locality, service, worked_example

HOUR_YEAR = 908.96


def test_worked_example_tables_cell_by_cell():
    """MODEL.md's worked example: 60 people reabled (6 weeks each: 60 × 6/52 = 6.923 places,
    all used), 40 straight to home care. Home care: 40 × 13 hours + 60 × 0.55 × 10 hours =
    850 hours a week, all used, for a caseload of 40 + 33 = 73 people."""
    solution = solve(build(worked_example()))
    tables = solution.tables
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
    data["pathways"] = [{"name": "home_care", "cohort": "older_hospital", "suitable": S(1.0)}]
    data["destinations"] = [{"pathway": "home_care", "service": "home_care", "share": S(1.0),
                             "package": S(13)}]
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
    data["pathways"] = [{"name": "home_care", "cohort": "older_hospital", "suitable": S(1.0)}]
    data["destinations"] = [{"pathway": "home_care", "service": "home_care", "share": S(1.0),
                             "package": S(13)}]
    data["budget"] = [{"year": "2026/27", "amount": S(10_000_000)}]
    unmet = solve(build(data)).tables["unmet"].set_index("locality")
    assert unmet.loc["Example", "unmet"] == pytest.approx(100 - 1100 / 13)
    assert unmet.loc["Example", "why"] == (
        "saving if the market could grow home care by one more hour per week in Example, "
        "2026/27")
    assert unmet.loc["Roomy", "unmet"] == pytest.approx(0)
    assert unmet.loc["Roomy", "why"] == ""
