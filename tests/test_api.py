"""The Python API (``optimiser.load``, ``solve``, ``compare``, ``appraise``; docs/python.md)
and the example script that walks a commissioner's question through it.

On MODEL.md's worked example the plan costs £952,616; at a reablement price of £30,000 a
place-year, 60 × (£30,000 × 6/52 + £4,999.28) + 40 × £11,816.48 = £980,308.31."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import openpyxl
import pandas as pd
import pytest

import optimiser
from models.overrides import OverrideError
from optimiser.io.outdir import OutputError
from tests.builders import ROOT
from tests.io_helpers import WORKED_EXAMPLE

SOURCE = "assumption: a dearer provider's quote, for the test"
DEARER = 60 * (30_000 * 6 / 52 + 4_999.28) + 40 * 11_816.48


@pytest.fixture(scope="module")
def plans():
    instance = optimiser.load(WORKED_EXAMPLE)
    return (optimiser.solve(instance),
            optimiser.solve(instance, ["services[reablement].price_capacity=30000"],
                            source=SOURCE))


def test_a_plan_has_its_status_cost_and_tables(plans):
    today, _ = plans
    assert (today.status, today.optimal) == ("optimal", True)
    assert today.objective == pytest.approx(952_616, rel=1e-12)
    assert {"capacity", "flows", "costs", "shadow_prices", "ranging"} <= set(today.tables)
    flows = today.tables["flows"].set_index("pathway")["people"]
    assert flows.to_dict() == pytest.approx({"reablement_first": 60,
                                             "straight_to_home_care": 40})
    reablement = today.ranging.set_index("parameter").loc["price_capacity[reablement]"]
    assert reablement["upper"] == pytest.approx(59_082.40, abs=0.005)
    assert "**Total cost:** £952,616 discounted (£952,616 undiscounted)" in today.summary()


def test_a_change_is_made_for_the_solve_and_recorded(plans):
    today, dearer = plans
    assert dearer.objective == pytest.approx(DEARER, rel=1e-12)
    assert dearer.instance.services[0].price_capacity.source == SOURCE
    assert today.instance.services[0].price_capacity.value == 26_000
    assert dearer.solution.summary()["overrides"] == [
        {"set": "services[reablement].price_capacity=30000", "source": SOURCE}]
    assert "`services[reablement].price_capacity=30000`" in dearer.summary()


def test_compare_puts_plans_side_by_side(plans):
    table = optimiser.compare({"today": plans[0], "dearer": plans[1]})
    assert list(table["option"]) == ["today", "dearer"]
    assert table["total_cost"].tolist() == pytest.approx([952_616, DEARER], rel=1e-12)
    assert table["changes"].iloc[0] == "base instance as it is"
    assert "price_capacity=30000" in table["changes"].iloc[1]
    assert table["unmet people"].tolist() == [0, 0]


def test_a_plan_writes_its_workbook_report_and_outputs(plans, tmp_path):
    today, _ = plans
    book = openpyxl.load_workbook(today.to_excel(tmp_path / "plan.xlsx"), read_only=True)
    assert {f"all {name}" for name in today.tables} <= set(book.sheetnames)
    assert today.report(tmp_path / "report.md").read_text().startswith(
        "# Commissioning plan: worked-example")
    page = today.report(tmp_path / "report.html").read_text()
    assert page.startswith("<!DOCTYPE html>") and 'data-objective="952616.0"' in page
    written = {path.name for path in today.write(tmp_path / "out")}
    assert {"summary.json", "ranging.csv", "plan.xlsx"} <= written
    with pytest.raises(OutputError, match="already exists"):
        today.to_excel(tmp_path / "plan.xlsx")
    with pytest.raises(OutputError, match="already holds files"):
        today.write(tmp_path / "out")
    assert {path.name for path in today.write(tmp_path / "out", force=True)} == written


def test_solve_takes_a_path_and_maximises_an_outcome_within_the_budget():
    budget = [{"year": "2026/27", "amount": {"value": 1_000_000, "source": SOURCE}}]
    instance = optimiser.load(WORKED_EXAMPLE).updated(budget=budget)
    best = optimiser.solve(instance, maximise="independent")
    # 60 reabled (45% independent): 27 people, the most the suitability limit allows.
    assert (best.status, best.objective) == ("optimal", pytest.approx(27))
    assert optimiser.solve(WORKED_EXAMPLE).objective == pytest.approx(952_616, rel=1e-12)


def test_a_bad_change_raises_naming_the_table_and_field():
    with pytest.raises(OverrideError, match="services.name: found 'reablment'"):
        optimiser.solve(WORKED_EXAMPLE, ["services[reablment].price_capacity=1"])


def test_appraise_returns_the_comparison_table(tmp_path):
    appraisal = tmp_path / "prices.yaml"
    appraisal.write_text(textwrap.dedent(f"""\
        name: prices
        base: {WORKED_EXAMPLE}
        options:
          - name: today
          - name: dearer
            source: "{SOURCE}"
            changes:
              - {{table: services, where: {{name: reablement}}, field: price_capacity,
                  value: 30000}}
        """))
    result = optimiser.appraise(appraisal, tmp_path / "out", workers=1)
    assert list(result.table["option"]) == ["today", "dearer"]
    assert result.table["total_cost"].tolist() == pytest.approx([952_616, DEARER], rel=1e-9)
    assert result.summary().splitlines() == [
        "Appraisal prices: 2 options, 2 optimal.",
        "The cheapest option, today (£952,616), meets every person's need."]
    assert result.report_file.is_file()
    copied = pd.read_excel(result.to_excel(tmp_path / "copy.xlsx"), sheet_name="comparison")
    assert list(copied["option"]) == ["today", "dearer"]


def test_the_example_answers_its_question(tmp_path):
    """examples/fee_uplift.py: the uplift is inside the home-care price's range, so its cost
    is today's plan priced at the new fee, the units bought (``marginal``, in the planning
    years and after them) times the rise."""
    result = subprocess.run([sys.executable, str(ROOT / "examples" / "fee_uplift.py"),
                             "--out", str(tmp_path)], capture_output=True, text=True,
                            cwd=tmp_path, check=True)
    lines = result.stdout.splitlines()
    assert lines[0].startswith("The plan holds for home care (domiciliary care) while its "
                               "block price stays between")
    table = pd.read_csv(tmp_path / "comparison.csv")
    extra = table["total_cost"].iloc[1] - table["total_cost"].iloc[0]
    after = table["end_of_horizon"].iloc[1] - table["end_of_horizon"].iloc[0]
    today = optimiser.solve(ROOT / "instances" / "default" / "instance.yaml")
    home_care = today.ranging.set_index("parameter").loc["price_capacity[home_care]"]
    if 21.15 * 52 <= home_care["upper"]:
        assert lines[2] == ("The new fee is inside the range: the same capacity plan stays "
                            "the best one.")
        # The price feeds the care after the last year too, so the range's marginal counts it.
        assert extra + after == pytest.approx((21.15 * 52 - 908.96) * home_care["marginal"],
                                              rel=1e-6)
    else:  # dearer home care makes wider reablement worth buying: a different plan
        assert lines[2] == ("The new fee is beyond the range: the best plan changes (see the "
                            "summaries).")
        assert 0 < extra + after < (21.15 * 52 - 908.96) * home_care["marginal"]
    assert f"£{extra:,.0f} more over 5 years" in lines[1]
    assert {p.name for p in tmp_path.iterdir()} >= {"today.xlsx", "uplift.xlsx", "today.md",
                                                    "uplift.md", "comparison.csv"}
