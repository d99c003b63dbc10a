"""The outputs a commissioner reads: report.html drawn in a real browser for every shipped
instance, plan.xlsx's formats and totals, summary.md's words, and the long tables (CSV with
area codes and full precision, Parquet with every row)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from plotly.offline import get_plotlyjs

from optimiser.io import load_instance
from optimiser.io.errors import InputError
from optimiser.pipeline import solve
from optimiser.report import markdown_summary, write_outputs
from optimiser.report.workbook import MONEY, PEOPLE, PERCENT
from tests.browser import needs_chromium, render, screenshot
from tests.builders import ROOT, WORKED_EXAMPLE, S, build, worked_example

SHIPPED = sorted(path for path in (ROOT / "instances").rglob("*.yaml")
                 if "appraisals" not in path.parts and "_build" not in path.parts)
"""Every shipped instance, the infeasible examples included."""
ARTEFACTS = ROOT / "output" / "test-artefacts"
"""Screenshots of the reports, kept for a person to look at after the tests."""
WORKED_COST = 952_616.0
"""MODEL.md's worked example: 60 reabled (60 × 6/52 places × £26,000 = £180,000) and 850 hours
of home care a week (40 × 13 + 60 × 0.55 × 10) × £908.96 = £772,616."""


def _solved_into(instance_data: dict | Path, out: Path):
    instance = load_instance(instance_data) if isinstance(instance_data, Path) \
        else build(instance_data)
    solution = solve(instance)
    write_outputs(solution, out)
    return solution


@pytest.fixture(scope="module")
def worked(tmp_path_factory):
    """The worked example with its locality given a label and an ONS area code."""
    data = worked_example()
    data["localities"][0].update(label="Melton", code="E07000133")
    out = tmp_path_factory.mktemp("worked")
    return _solved_into(data, out), out


@pytest.fixture(scope="module")
def short_of_staff(tmp_path_factory):
    """The worked example with no care workers to be had: every person's need goes unmet."""
    data = worked_example()
    data["roles"] = [{"name": "care_worker", "label": "Care workers",
                      "turnover": S(0.0),
                      "hire_cost": S(0.0)}]
    data["staffing"] = [{"service": s, "role": "care_worker",
                         "fte_per_unit": S(1.0)}
                        for s in ("reablement", "home_care")]
    data["workforce"] = [{"locality": "Example", "role": "care_worker",
                          "staff0": S(0.0),
                          "hire_max": S(0.0)}]
    out = tmp_path_factory.mktemp("short")
    return _solved_into(data, out), out


# --- plan.xlsx -------------------------------------------------------------------------------

def test_the_workbook_front_sheet_states_the_objective_and_lists_every_sheet(worked):
    solution, out = worked
    book = openpyxl.load_workbook(out / "plan.xlsx")
    front = book["Plan"]
    figures = {front.cell(row, 1).value: front.cell(row, 2) for row in range(1, 12)}
    total = figures["Objective minimised (£, discounted, with the penalty)"]
    assert total.value == pytest.approx(WORKED_COST, rel=1e-9)
    assert total.value == solution.objective and total.number_format == MONEY
    assert figures["Total cost, undiscounted (£)"].value == pytest.approx(WORKED_COST, rel=1e-9)
    links = [cell for cell in front["A"] if cell.hyperlink is not None]
    assert [cell.value for cell in links] == book.sheetnames[1:]


def test_every_sheet_has_a_frozen_header_filters_and_formats(worked):
    _, out = worked
    book = openpyxl.load_workbook(out / "plan.xlsx")
    for sheet in book.worksheets[1:]:
        assert sheet.freeze_panes == "A2", sheet.title
        assert sheet.auto_filter.ref, sheet.title
    capacity = book["Capacity"]
    header = [cell.value for cell in capacity[1]]
    assert header[:3] == ["Service", "Unit", "Today"] and header[-1] == "Change by 2026/27"
    reablement = next(row for row in capacity.iter_rows(min_row=2)
                      if row[0].value == "Home reablement")
    assert reablement[3].value == pytest.approx(60 * 6 / 52, rel=1e-9)  # exact, not rounded
    payments = book["Payment types"]
    assert payments["B2"].value == pytest.approx(WORKED_COST, rel=1e-9)
    assert payments["B2"].number_format == MONEY
    localities = book["Localities"]
    assert [c.value for c in localities[1]][:3] == ["Locality", "ONS area code",
                                                    "New need (people)"]
    assert localities["A2"].value == "Melton" and localities["B2"].value == "E07000133"
    assert localities["C2"].number_format == PEOPLE
    assert book["Outcomes"]["B2"].number_format == PERCENT
    flows = book["all flows"]
    assert [c.value for c in flows[1]][:2] == ["locality", "cohort"]
    assert flows["A2"].value == "Melton"  # labels, not ids
    assert flows["B2"].value == "Older adults discharged from hospital"


def test_text_that_looks_like_a_formula_is_written_as_text(tmp_path):
    """Validation refuses such a label (models.names); the workbook writer still writes any
    text as text, so a label that reached it some other way never runs as a formula."""
    solution = solve(build(worked_example()))
    assert solution.inputs is not None
    formula = "=HYPERLINK(\"http://example.com\")"
    locality = solution.inputs.localities[0].model_copy(update={"label": formula})
    solution.inputs = solution.inputs.model_copy(update={"localities": [locality]})
    write_outputs(solution, tmp_path)
    sheet = openpyxl.load_workbook(tmp_path / "plan.xlsx")["Localities"]
    assert sheet["A2"].data_type == "s"
    assert sheet["A2"].value == "=HYPERLINK(\"http://example.com\")"


# --- summary.md ------------------------------------------------------------------------------

def test_the_summary_speaks_in_labels_and_explains_its_totals(worked):
    solution, out = worked
    text = (out / "summary.md").read_text()
    assert text == markdown_summary(solution)
    assert "£952,616 discounted (£952,616 undiscounted)" in text
    assert "so it is £0 lower" in text
    assert "| Service " in text and "| Today |" in text.replace("   ", " ").replace("  ", " ")
    assert "Change by 2026/27" in text and "## Localities" in text and "Melton" in text
    assert "Not ASCOF 2B" in text and "91 days" in text
    assert "hospital_independence" not in text and "older_hospital " not in text


def test_the_summary_lists_the_largest_ten_and_points_to_the_rest():
    """The default instance binds 255 limits: ten are listed, and the sheet with the rest is
    named."""
    solution = solve(load_instance(ROOT / "instances" / "default" / "instance.yaml"))
    text = markdown_summary(solution)
    limits = text.split("## What limits the plan most")[1].split("##")[0]
    assert limits.count("\n| saving") + limits.count("\n| cost") == 10
    assert re.search(r"The largest 10 of [\d,]+ binding limits; all of them: sheet “Limits”",
                     limits)


def test_a_summary_maximising_an_outcome_counts_its_limits_in_people():
    """MODEL.md's example with £400,000 to spend, maximising people left independent
    (tests/test_model_hand.py): the limit worth most is a reablement place, 26,000 × 0.45 /
    7,999.28 = 1.46 people independent given up for each one more a person needs. Its value
    is people, so the summary neither calls it discounted nor says the table is in £. Need
    is met first: the 50 people the budget cannot reach are unmet for that reason, not for
    a penalty the plan did not count."""
    data = worked_example()
    data["settings"]["objective"] = "max_outcome"
    data["settings"]["objective_indicator"] = "independent"
    data["budget"] = [{"year": "2026/27", "amount": S(400_000)}]
    text = markdown_summary(solve(build(data)))
    assert ("What limits the plan most: people independent after a short-term service given "
            "up for one more place of home reablement used in Example, 2026/27, worth 1.46 "
            "(people per unit).") in text
    limits = text.split("## What limits the plan most")[1].split("##")[0]
    assert ("the people independent after a short-term service that one more unit of each "
            "would add (or take away)") in limits
    assert "discounted £" not in limits
    assert ("**People achieving Independent after a short-term service:** 23 over the planning "
            "years, the most the budget allows once it has met all the need it can") in text
    assert ("| the budget cannot meet it: no plan within the budget and the other limits "
            "leaves less need unmet |") in text
    assert "unmet-need penalty" not in text.split("## Unmet need")[1]


def test_unmet_need_is_stated_in_the_headline(short_of_staff):
    solution, out = short_of_staff
    text = (out / "summary.md").read_text()
    assert "**People whose new need is not met:** 100 — see “Unmet need” below." in text
    assert "charged £10,000,000 (discounted) for unmet need" in text


# --- CSV and Parquet -------------------------------------------------------------------------

def test_long_tables_carry_the_area_code_and_full_precision(worked):
    solution, out = worked
    capacity = pd.read_csv(out / "capacity.csv")
    assert list(capacity.columns[:2]) == ["locality", "area_code"]
    assert set(capacity["area_code"]) == {"E07000133"}
    exact = solution.tables["capacity"]["capacity"].to_numpy()
    assert (capacity["capacity"].to_numpy() == exact).all()  # to the last bit
    parquet = pd.read_parquet(out / "capacity.parquet")
    assert (parquet["capacity"].to_numpy() == exact).all()


def test_shadow_prices_csv_holds_the_binding_and_priced_rows_parquet_all(worked):
    solution, out = worked
    every = solution.tables["shadow_prices"]
    csv = pd.read_csv(out / "shadow_prices.csv")
    wanted = every[every["binding"] | (every["shadow_price"].abs() > 1e-6)]
    assert len(csv) == len(wanted) < len(every)
    assert len(pd.read_parquet(out / "shadow_prices.parquet")) == len(every)


def test_an_area_code_that_is_not_an_ons_code_is_refused_with_its_form():
    data = worked_example()
    data["localities"][0]["code"] = "Melton"
    with pytest.raises(Exception, match="ONS area code: a letter .* eight digits"):
        build(data)


def test_the_code_error_names_the_file_row_and_field(tmp_path):
    text = WORKED_EXAMPLE.read_text().replace(
        "  - name: Example\n", "  - name: Example\n    code: E0713\n", 1)
    path = tmp_path / "instance.yaml"
    path.write_text(text)
    with pytest.raises(InputError) as caught:
        load_instance(path)
    assert "field code: found 'E0713'; expected an ONS area code" in str(caught.value)


# --- report.html in a browser ----------------------------------------------------------------

def test_the_page_embeds_plotly_once_and_fetches_nothing(worked):
    _, out = worked
    page = (out / "report.html").read_text()
    assert re.search(r"<script[^>]*\bsrc=", page) is None
    plotlyjs = get_plotlyjs()
    assert page.count(plotlyjs) == 1
    assert re.search(r"https?://", page.replace(plotlyjs, "")) is None


@needs_chromium
@pytest.mark.parametrize("instance", SHIPPED, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_shipped_instance_renders_in_chromium(instance, tmp_path):
    """No console errors, every chart drawn, the headline total is summary.json's objective,
    and labels in place of ids."""
    out = tmp_path / "plan"
    solution = _solved_into(instance, out)
    dom, console = render(out / "report.html", tmp_path / "profile")
    assert console == []
    assert '<div id="report-errors"></div>' in dom
    drawn = re.search(r'data-charts-drawn="(\d+)"', dom)
    charts = re.search(r'data-charts="(\d+)"', dom)
    assert drawn and charts and drawn.group(1) == charts.group(1)
    summary = json.loads((out / "summary.json").read_text())
    if not solution.optimal:
        assert "No plan:" in dom and summary["objective"] is None
        return
    inputs = solution.inputs
    assert inputs is not None
    expected = 3 + bool(inputs.indicators) + bool(inputs.roles) \
        + bool((solution.tables["unmet"]["unmet"] > 1e-6).any())  # plan, capacity, costs
    assert int(charts.group(1)) == expected
    headline = re.search(r'id="headline-total" data-objective="([^"]+)"', dom)
    assert headline and float(headline.group(1)) == summary["objective"]
    page = (out / "report.html").read_text()
    body = page.split("</head>", 1)[1]
    assert solution.inputs is not None
    for row in [*solution.inputs.localities, *solution.inputs.services,
                *solution.inputs.cohorts, *solution.inputs.roles, *solution.inputs.targets]:
        if "_" in row.name:  # an id no English sentence holds
            assert row.name not in body, row.name
    if instance.parent.name == "default":
        picture = screenshot(out / "report.html", tmp_path / "profile2",
                             ARTEFACTS / "report-default.png")
        assert picture.stat().st_size > 50_000


@needs_chromium
def test_unmet_need_is_flagged_red_on_the_page(short_of_staff, tmp_path):
    _, out = short_of_staff
    dom, console = render(out / "report.html", tmp_path / "profile")
    assert console == []
    assert 'class="figure alarm" id="headline-unmet"' in dom
    assert "100 people's new need is not met" in dom
    assert 'id="chart-unmet"' in dom
