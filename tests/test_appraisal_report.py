"""The appraisal report never shows an option that leaves need unmet as the cheapest without
saying so, and its money axes read in the unit they are drawn in."""

from __future__ import annotations

import pandas as pd
import pytest

import optimiser
from optimiser.api import compare
from optimiser.appraisal.outputs import (
    _cheapest_note,
    _cost_and_unmet_figure,
    _html_table,
    money_scale,
)
from optimiser.appraisal.summary import cheapest_summary, ranked
from tests.builders import S, build
from tests.builders import worked_example as worked_example_data

TABLE = pd.DataFrame({
    "option": ["short-staffed", "full", "no-plan"],
    "status": ["optimal", "optimal", "infeasible"],
    "total_cost": [80e6, 95e6, float("nan")],
    "unmet people": [6521.0, 0.0, float("nan")],
})
"""Two options with a plan: the cheaper leaves 6,521 people without care."""


def test_the_cheapest_option_that_leaves_need_unmet_is_named_as_such():
    note = _cheapest_note(TABLE)
    assert "The cheapest option, short-staffed (£80,000,000), leaves 6,521 people's need " \
           "unmet" in note
    assert "The cheapest option that meets every person's need is full (£95,000,000)" in note
    assert "class='warning'" in note


def test_the_cheapest_option_meeting_all_need_is_simply_named():
    table = TABLE.assign(**{"unmet people": [0.0, 0.0, float("nan")]})
    assert _cheapest_note(table) == ("<p>The cheapest option, short-staffed (£80,000,000), "
                                     "meets every person's need.</p>")
    assert ranked(table)["ranking"].tolist() == ["cheapest", "2nd cheapest", ""]


def test_the_ranking_says_beside_the_cheapest_that_it_leaves_need_unmet():
    """Ranked by cost, short-staffed is cheapest but leaves 6,521 people without care; full
    is 2nd and the cheapest meeting everyone's need; the option without a plan is unranked.
    The terminal's summary says the same as the report."""
    table = ranked(TABLE)
    assert list(table.columns) == ["option", "status", "total_cost", "cost rank", "ranking",
                                   "unmet people"]
    assert table["cost rank"].tolist() == [1, 2, pd.NA]
    assert table["ranking"].tolist() == [
        "cheapest, but leaves 6,521 people's need unmet",
        "2nd cheapest; the cheapest that meets everyone's need", ""]
    summary = cheapest_summary(TABLE)
    assert summary == (
        "The cheapest option, short-staffed (£80,000,000), leaves 6,521 people's need unmet: "
        "it is cheaper only because it does not pay for their care. The cheapest option that "
        "meets every person's need is full (£95,000,000).")
    assert _cheapest_note(TABLE) == f"<p class='warning'>{summary}</p>"
    every = TABLE.assign(**{"unmet people": [6521.0, 12.0, float("nan")]})
    assert ranked(every)["ranking"].tolist()[:2] == [
        "cheapest, but leaves 6,521 people's need unmet",
        "2nd cheapest, but leaves 12 people's need unmet"]
    assert cheapest_summary(every).endswith("Every option leaves some need unmet.")


def test_compared_plans_are_ranked_with_unmet_need_beside_the_rank():
    """MODEL.md's worked example with staff for only 500 of the 850 home-care hours it needs
    (a care worker per 10 hours, 50 in post, none to recruit): 60 reabled (330 hours) and 13
    straight to home care (170 hours), 27 people's need unmet, at less than the full worked
    example's £952,616: the cheaper plan, ranked cheapest only with its unmet need beside it."""
    data = worked_example_data()
    data["roles"] = [{"name": "care_worker", "turnover": S(0.0), "hire_cost": S(0)}]
    data["staffing"] = [{"service": "home_care", "role": "care_worker", "fte_per_unit": S(0.1)}]
    data["workforce"] = [{"locality": "Example", "role": "care_worker", "staff0": S(50),
                          "hire_max": S(0)}]
    plans = {"full": optimiser.solve(build(worked_example_data())),
             "short-staffed": optimiser.solve(build(data))}
    rows = compare(plans).set_index("option")
    assert rows.loc["full", "total_cost"] == pytest.approx(952_616)
    assert rows.loc["short-staffed", "unmet people"] == pytest.approx(40 - 170 / 13)
    assert rows.loc["short-staffed", "total_cost"] < 952_616
    assert rows.loc["short-staffed", "ranking"] == "cheapest, but leaves 27 people's need unmet"
    assert rows.loc["full", "ranking"] == "2nd cheapest; the cheapest that meets everyone's need"


def test_the_chart_gives_cost_and_unmet_need_side_by_side_unmet_in_red():
    fig = _cost_and_unmet_figure(TABLE)
    cost, unmet = fig.data
    # sorted dearest first: full, then short-staffed
    assert list(cost.y) == ["full", "short-staffed"] and list(cost.x) == [95.0, 80.0]
    assert list(cost.marker.color) == ["#1f6fb2", "#c0392b"]
    assert list(unmet.x) == [0.0, 6521.0]
    assert fig.layout.xaxis.ticksuffix == "m" and fig.layout.xaxis.tickprefix == "£"


def test_the_comparison_table_marks_unmet_need_and_links_each_plan():
    page = _html_table(TABLE[["option", "unmet people"]], {"option"},
                       {"full": "options/full/report.html"})
    assert "<a href='options/full/report.html'>full</a>" in page
    assert "<td class='unmet'>6,521 ⚠</td>" in page


def test_money_axes_change_unit_rather_than_print_thousands_of_millions():
    """England's options cost about £84bn: drawn in £bn (84.0), not £m with an '84k' tick."""
    assert money_scale(84e9) == (1e9, "£bn")
    assert money_scale(214e6) == (1e6, "£m")


def test_the_appraise_command_says_the_cheapest_option_leaves_need_unmet(tmp_path):
    """MODEL.md's worked example (£952,616, everyone's need met) against the same with an
    unmet-need penalty of £10,000: below the £11,816.48 a person straight to home care
    costs, above the £7,999.28 of a person reabled. That plan reables 60 (60 × £7,999.28 =
    £479,957) and leaves 40 without care, the cheapest only for that reason. The command's
    summary, the report and the table's ranking say so."""
    from typer.testing import CliRunner

    from optimiser.cli import app
    from tests.builders import WORKED_EXAMPLE

    path = tmp_path / "appraisal.yaml"
    path.write_text(f"""\
name: penalty
base: {WORKED_EXAMPLE}
options:
  - name: base
  - name: low-penalty
    changes:
      - {{table: settings, field: unmet_penalty, value: 10000,
          source: "assumption: a penalty below the cost of care, for a test"}}
""")
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["appraise", str(path), "--out", str(out),
                                      "--workers", "1"])
    assert result.exit_code == 0, result.output
    summary = ("The cheapest option, low-penalty (£479,957), leaves 40 people's need unmet: it is "
               "cheaper only because it does not pay for their care. The cheapest option that "
               "meets every person's need is base (£952,616).")
    assert summary in " ".join(result.stdout.split()), result.stdout
    assert f"<p class='warning'>{summary}</p>" in (out / "report.html").read_text()
    again = tmp_path / "again"  # the same appraisal gives the same page, byte for byte
    assert CliRunner().invoke(app, ["appraise", str(path), "--out", str(again),
                                    "--workers", "1"]).exit_code == 0
    assert (again / "report.html").read_bytes() == (out / "report.html").read_bytes()
    table = pd.read_csv(out / "comparison.csv").set_index("option")
    assert table.loc["low-penalty", "ranking"] == "cheapest, but leaves 40 people's need unmet"
    assert table.loc["base", "ranking"] == ("2nd cheapest; the cheapest that meets everyone's "
                                            "need")
