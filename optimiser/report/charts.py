"""The report's charts, one function each, as Plotly figures from the commissioners' tables.

People, beds and places are shown rounded (the tables beside the charts are exact). A chart
of many localities shows the :data:`MOST_LOCALITIES` largest and says so."""

from __future__ import annotations

import math

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from optimiser.pipeline import Solution
from optimiser.report import tables as T

MOST_LOCALITIES = 25
"""Localities drawn in the plan-vs-today chart; the workbook has them all."""
SPLIT_BY_LOCALITY = 12
"""Unmet need is drawn by locality up to this many localities with some, else by cohort."""
TODAY, PLAN, RED = "#9aa5b1", "#1f6fb2", "#c0392b"


def _grid(titles: list[str], columns: int = 3) -> tuple[go.Figure, int]:
    rows = max(1, math.ceil(len(titles) / columns))
    fig = make_subplots(rows=rows, cols=min(columns, max(1, len(titles))),
                        subplot_titles=titles, vertical_spacing=0.32 / rows + 0.04,
                        horizontal_spacing=0.08)
    fig.update_layout(height=180 + 300 * rows, margin={"t": 90})
    fig.update_annotations(font_size=12)
    return fig, min(columns, max(1, len(titles)))


def _at(i: int, columns: int) -> dict[str, int]:
    return {"row": i // columns + 1, "col": i % columns + 1}


def plan_vs_today(solution: Solution, words: T.Words) -> tuple[go.Figure, str]:
    """Capacity today and in the final year, by service (a panel each) and locality."""
    table = T.capacity_by_locality(solution, words)
    final = str(table.columns[4])
    localities = table.groupby("Locality", sort=False)[final].sum()
    shown = localities.sort_values(ascending=False).index[:MOST_LOCALITIES]
    note = "" if len(localities) <= MOST_LOCALITIES else (
        f"The {MOST_LOCALITIES} localities with the most capacity of {len(localities):,}; "
        "every locality is in the workbook's “Capacity by locality” sheet.")
    table = table[table["Locality"].isin(shown)]
    services = list(dict.fromkeys(table["Service"]))
    fig, columns = _grid([f"{s} ({table.loc[table['Service'] == s, 'Unit'].iloc[0]})"
                          for s in services])
    for i, service in enumerate(services):
        rows = table[table["Service"] == service]
        for name, column, colour in (("today", "Today", TODAY), (final, final, PLAN)):
            fig.add_bar(x=rows["Locality"], y=rows[column], name=name, marker_color=colour,
                        legendgroup=name, showlegend=i == 0,
                        hovertemplate="%{x}<br>%{y:,.0f}<extra>" + name + "</extra>",
                        **_at(i, columns))
    fig.update_xaxes(showticklabels=len(shown) <= 6)
    fig.update_yaxes(tickformat=",.0f", rangemode="tozero")
    fig.update_layout(barmode="group", title=f"Capacity today and in {final}, by locality")
    return fig, note


def capacity_and_caseload(solution: Solution, words: T.Words) -> go.Figure:
    """Capacity of each service each year, and the caseload of each long-term setting."""
    cap = solution.tables["capacity"]
    by_year = cap.groupby(["service", "year"], sort=False)["capacity"].sum().reset_index()
    case = T.caseload_by_year(solution, words)
    services = list(dict.fromkeys(by_year["service"]))
    fig, columns = _grid([f"{words.label(s)} ({words.units.get(s, '')})" for s in services])
    for i, service in enumerate(services):
        rows = by_year[by_year["service"] == service]
        fig.add_scatter(x=rows["year"], y=rows["capacity"], name="capacity", mode="lines+markers",
                        line={"color": PLAN}, legendgroup="capacity", showlegend=i == 0,
                        hovertemplate="%{x}: %{y:,.0f}<extra>capacity</extra>",
                        **_at(i, columns))
        people = case[case["Service"] == words.label(service)]
        if not people.empty:
            shown_caseload = any(t.legendgroup == "caseload" for t in fig.data)
            fig.add_scatter(x=people["Year"], y=people["Caseload (people)"], name="caseload "
                            "(people)", mode="lines+markers", line={"color": "#e67e22",
                                                                  "dash": "dash"},
                            legendgroup="caseload", showlegend=not shown_caseload,
                            hovertemplate="%{x}: %{y:,.0f} people<extra>caseload</extra>",
                            **_at(i, columns))
    fig.update_yaxes(tickformat=",.0f", rangemode="tozero")
    fig.update_layout(title="Capacity and caseload over the planning years, all localities")
    return fig


def workforce(solution: Solution, words: T.Words) -> go.Figure | None:
    """Staff needed by the plan, in post, and the most that could be recruited (phase-in)."""
    table = T.workforce_by_year(solution, words)
    if table.empty:
        return None
    roles = list(dict.fromkeys(table["Role"]))
    fig, columns = _grid(roles)
    styles = {"Needed": ("#c0392b", "solid"), "In post": (PLAN, "solid"),
              "Most recruitable": ("#27ae60", "dot")}
    for i, role in enumerate(roles):
        rows = table[table["Role"] == role]
        for column, (colour, dash) in styles.items():
            fig.add_scatter(x=rows["Year"], y=rows[column], name=column.lower(),
                            mode="lines+markers", line={"color": colour, "dash": dash},
                            legendgroup=column, showlegend=i == 0,
                            hovertemplate="%{x}: %{y:,.0f} FTE<extra>" + column + "</extra>",
                            **_at(i, columns))
    fig.update_yaxes(tickformat=",.0f", rangemode="tozero", title_text="FTE")
    fig.update_layout(title="Workforce needed, in post and recruitable (FTE, all localities)")
    return fig


def outcomes(solution: Solution, words: T.Words) -> go.Figure | None:
    """Each indicator's share of new need each year, with the area-wide targets on it."""
    out = solution.tables["outcomes"]
    area = out[out["target"] == ""]
    if area.empty:
        return None
    fig = go.Figure()
    targets = out[(out["target"] != "") & (out["basis"] == "demand") & (out["group"] == "area")]
    for indicator, rows in area.groupby("indicator", sort=False):
        label = words.label(str(indicator))
        fig.add_scatter(x=rows["year"], y=rows["achieved_share"], name=label,
                        mode="lines+markers", hovertemplate="%{x}: %{y:.1%}<extra></extra>")
    instance = solution.inputs
    cohorts = {t.name: t.cohorts for t in instance.targets} if instance else {}
    for target, rows in targets.groupby("target", sort=False):
        whose = T.target_words(words, str(rows["indicator"].iloc[0]), cohorts.get(str(target)))
        fig.add_scatter(x=rows["year"], y=rows["level"], mode="markers",
                        name=f"target: {whose}",
                        marker={"symbol": "line-ew-open", "size": 18, "line": {"width": 3}},
                        hovertemplate="%{x}: target %{y:.1%}<extra></extra>")
    fig.update_yaxes(tickformat=".0%", title_text="share of the year's new need",
                     rangemode="tozero")
    fig.update_layout(title="Outcomes against targets, whole area", height=460,
                      legend={"orientation": "h", "y": -0.2})
    return fig


def unmet(solution: Solution, words: T.Words) -> go.Figure | None:
    """People whose new need is not met, by year and locality (red); None when all is met."""
    table = solution.tables["unmet"]
    rows = table[table["unmet"] > T.TOLERANCE]
    if rows.empty:
        return None
    split = "locality" if rows["locality"].nunique() <= SPLIT_BY_LOCALITY else "cohort"
    by = rows.groupby(["year", split], sort=False)["unmet"].sum().reset_index()
    fig = go.Figure()
    for name, part in by.groupby(split, sort=False):
        fig.add_bar(x=part["year"], y=part["unmet"], name=words.label(str(name)),
                    hovertemplate="%{x}: %{y:,.0f} people<extra>%{fullData.name}</extra>")
    fig.update_traces(marker_line_color=RED, marker_line_width=1)
    fig.update_yaxes(tickformat=",.0f", title_text="people")
    fig.update_layout(barmode="stack", title=f"Unmet need (people), by year and {split}",
                      title_font_color=RED, height=420)
    return fig


def costs(solution: Solution) -> go.Figure:
    """What is paid each year, by payment type (undiscounted)."""
    table = T.cost_by_year(solution)
    fig = go.Figure()
    for column in table.columns:
        if column in T.PAYMENTS.values():
            fig.add_bar(x=table["Year"], y=table[column] / 1e6, name=column,
                        hovertemplate="%{x}: £%{y:,.2f}m<extra>" + column + "</extra>")
    fig.update_yaxes(title_text="£ million (undiscounted)", tickprefix="£", ticksuffix="m",
                     tickformat=",.1f")
    fig.update_layout(barmode="stack", title="Cost by payment type each year (£ million, "
                                             "undiscounted)", height=420)
    return fig


def figure_html(fig: go.Figure, name: str) -> str:
    """A figure's own div (plotly.js is embedded once in the page, not per figure), with a
    fixed id so the same plan gives the same page."""
    return str(fig.to_html(full_html=False, include_plotlyjs=False, div_id=f"chart-{name}",
                           config={"displaylogo": False, "responsive": True}))
