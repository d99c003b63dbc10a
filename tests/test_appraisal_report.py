"""The appraisal report never shows an option that leaves need unmet as the cheapest without
saying so, and its money axes read in the unit they are drawn in."""

from __future__ import annotations

import pandas as pd

from optimiser.appraisal.outputs import (
    _cheapest_note,
    _cost_and_unmet_figure,
    _html_table,
    money_scale,
)

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
    assert "<b>short-staffed</b> (£80,000,000), meets every person's need" in \
        _cheapest_note(table)


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
