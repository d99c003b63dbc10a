"""The appraisal's outputs: the comparison table (CSV and Excel) and an HTML report that
opens offline (plotly's JavaScript is embedded once; nothing is fetched from the internet).

The outputs are made from the options' recorded results on disk, so a run finished in
several goes (interrupted, resumed) gives the same table as one uninterrupted run."""

from __future__ import annotations

import html
import math
from pathlib import Path

import pandas as pd

from models import ContractDesign, Instance, Service
from optimiser.appraisal.load import LoadedAppraisal
from optimiser.appraisal.store import OPTIONS, Store
from optimiser.appraisal.summary import base_columns, cheapest_summary, leaves_need_unmet, ranked
from optimiser.io.atomic import atomic_path
from optimiser.report.html import write_plotlyjs

COLUMN_NOTES = {
    "option": "The option's name (for a grid: dimension=level for each dimension).",
    "label": "The option's label, or its levels in words.",
    "changes": "What the option changes in the base instance.",
    "designs": "Contract designs in force (base contracts where none).",
    "status": "optimal; infeasible (no plan meets every limit); error; not run.",
    "reason": "Why there is no plan, for an option without one.",
    "objective": "£, discounted: money spent plus the penalty charged for unmet need (what "
                 "the optimiser minimised).",
    "total_cost": "£, discounted over the planning years: block, spot, outcome and "
                  "recruitment payments (no penalty).",
    "cost rank": "The option's place by total cost among the options with a plan (1: the "
                 "cheapest).",
    "ranking": "The rank in words, saying beside it where the option leaves need unmet: "
               "'cheapest, but leaves 6,521 people's need unmet'.",
    "cost YEAR": "£ spent in the year, undiscounted.",
    "cost: ITEM": "£, discounted over the planning years, on the service (or recruitment of "
                  "the role).",
    "paid TYPE": "£, discounted over the planning years, by payment type.",
    "outcome: INDICATOR": "Share of all new need over the planning years achieving the "
                          "indicator.",
    "people: INDICATOR": "People achieving the indicator over the planning years.",
    "targets missed": "Outcome targets not met (empty: all met).",
    "unmet people": "People whose new need is not met, over the planning years.",
    "unmet share": "Unmet people as a share of all new need.",
    "staff needed: ROLE": "FTE the capacity plan needs in the final year, all localities.",
    "staff available: ROLE": "Most FTE that could be in post in the final year: today's "
                             "staff after turnover plus the most that can be recruited.",
    "binding limits": "Number of limits (capacity, market, workforce, suitability, outcome, "
                      "budget) the plan presses against.",
    "largest shadow price": "The largest shadow price of a binding limit (discounted £ per "
                            "unit).",
    "largest shadow prices": "The binding limits worth most to relax, in words.",
}


def comparison_table(loaded: LoadedAppraisal, results: dict[str, dict]) -> pd.DataFrame:
    """One row per option, in the appraisal's order; options without a result say so."""
    dims = loaded.appraisal.dimensions()
    rows = []
    for option in loaded.options:
        result = results.get(option.name)
        if result is None:
            rows.append(dict(base_columns(option, dims, loaded.instances[option.name]),
                             status="not run",
                             reason="not solved yet: run the appraisal again to finish it"))
        else:
            rows.append(result["row"])
    return ranked(pd.DataFrame(rows))


def write_comparison(table: pd.DataFrame, loaded: LoadedAppraisal, out_dir: Path) -> list[Path]:
    """comparison.csv and comparison.xlsx (with the options' changes and column notes)."""
    csv, xlsx = out_dir / "comparison.csv", out_dir / "comparison.xlsx"
    with atomic_path(csv) as tmp:
        table.to_csv(tmp, index=False)
    options = pd.DataFrame([{"option": o.name, "label": o.label, **o.parameters,
                             "changes": o.describe()} for o in loaded.options])
    notes = pd.DataFrame([{"column": k, "meaning": v} for k, v in COLUMN_NOTES.items()])
    with atomic_path(xlsx) as tmp:
        with pd.ExcelWriter(tmp, engine="openpyxl") as book:
            table.to_excel(book, sheet_name="comparison", index=False)
            options.to_excel(book, sheet_name="options", index=False)
            notes.to_excel(book, sheet_name="columns", index=False)
    return [csv, xlsx]


# --- the HTML report ----------------------------------------------------------------------

_ERROR_TRAP = """<script>
window.reportErrors = [];
window.addEventListener('error', function (e) {
  window.reportErrors.push(String(e.message || e));
  var box = document.getElementById('report-errors');
  if (box) { box.textContent = window.reportErrors.join('\\n'); }
});
</script>"""

_RENDER_CHECK = """<script>
window.addEventListener('load', function () {
  var drawn = Array.from(document.querySelectorAll('.js-plotly-plot'))
    .filter(function (plot) { return plot.querySelector('.main-svg'); }).length;
  document.body.setAttribute('data-charts-drawn', String(drawn));
  var box = document.getElementById('report-errors');
  if (box && window.reportErrors.length) { box.textContent = window.reportErrors.join('\\n'); }
});
</script>"""

_STYLE = """<style>
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 1200px; color: #222; }
h1 { font-size: 1.6em; } h2 { margin-top: 2em; border-bottom: 1px solid #ccc; }
.table-wrap { overflow-x: auto; max-width: 100%; }
table { border-collapse: collapse; font-size: 0.8em; margin: 1em 0; }
th, td { border: 1px solid #ddd; padding: 3px 5px; text-align: right; }
th { max-width: 9em; white-space: normal; vertical-align: bottom; }
td.unmet { color: #c0392b; font-weight: 600; }
.warning { color: #c0392b; font-weight: 600; }
th { background: #f3f3f3; } td.text, th.text { text-align: left; }
.note { color: #555; font-size: 0.9em; }
#report-errors { color: #b00; white-space: pre; }
</style>"""


def _money(value) -> str:
    return "" if value is None or (isinstance(value, float) and math.isnan(value)) \
        else f"£{value:,.0f}"


def _html_table(frame: pd.DataFrame, text_columns: set[str],
                links: dict[str, str] | None = None) -> str:
    """A table for the page. ``links`` maps an option's name to its own report, linked from
    the option column; a row that leaves need unmet is marked."""
    head = "".join(f"<th class='{'text' if c in text_columns else ''}'>{html.escape(str(c))}"
                   "</th>" for c in frame.columns)
    body = []
    for _, row in frame.iterrows():
        cells = []
        for c in frame.columns:
            value = row[c]
            if isinstance(value, float):
                text = "" if math.isnan(value) else (
                    f"{value:.1%}" if c.startswith(("outcome:", "unmet share"))
                    else f"{value:,.0f}")
            else:
                text = str(value)
            cls = "text" if c in text_columns else ""
            shown = html.escape(text)
            if c == "option" and links and text in links:
                shown = f"<a href='{html.escape(links[text])}'>{shown}</a>"
            if c == "unmet people" and isinstance(value, float) and value > 0.5:
                cls, shown = "unmet", f"{shown} ⚠"
            cells.append(f"<td class='{cls}'>{shown}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return (f"<div class='table-wrap'><table><thead><tr>{head}</tr></thead>"
            f"<tbody>{''.join(body)}</tbody></table></div>")


def _indicator(loaded: LoadedAppraisal) -> str | None:
    chosen = loaded.appraisal.report.indicator
    names = [k.name for k in loaded.base.indicators]
    return chosen if chosen in names else (names[0] if names else None)


def chosen_option(loaded: LoadedAppraisal, table: pd.DataFrame) -> str | None:
    """The option whose plan the report draws: the one the appraisal file names, else the
    cheapest that meets every person's need (else the cheapest, which the report marks)."""
    if loaded.appraisal.report.option:
        return loaded.appraisal.report.option
    optimal = table[table["status"] == "optimal"]
    if optimal.empty:
        return None
    meets = optimal[~leaves_need_unmet(optimal)]
    return str((meets if not meets.empty else optimal).sort_values("total_cost")
               .iloc[0]["option"])


def money_scale(largest: float) -> tuple[float, str]:
    """The divisor and unit for an axis of £: millions, or billions past £10bn, so an axis
    reads '£84.1bn', never '£m' over '84k'."""
    return (1e9, "£bn") if largest >= 1e10 else (1e6, "£m")


def _option_symbols(dims: list[str]) -> dict[str, str | None]:
    """Every grid dimension drawn: colour, symbol, then a panel each for the rest."""
    return {"color": dims[0] if dims else None, "symbol": dims[1] if len(dims) > 1 else None,
            "facet_col": "other levels" if len(dims) > 2 else None}


def _cost_outcome_figure(loaded: LoadedAppraisal, table: pd.DataFrame, indicator: str | None):
    """Cost against outcome for every option with a plan; options that leave need unmet are
    drawn as crosses and named as such."""
    import plotly.express as px

    optimal = table[table["status"] == "optimal"].copy()
    if optimal.empty:
        return None
    dims = loaded.appraisal.dimensions()
    scale, unit = money_scale(float(optimal["total_cost"].abs().max()))
    cost = f"total cost ({unit}, discounted)"
    optimal[cost] = optimal["total_cost"] / scale
    optimal["need"] = ["leaves need unmet" if unmet else "meets all need"
                       for unmet in leaves_need_unmet(optimal)]
    if len(dims) > 2:
        optimal["other levels"] = optimal[dims[2:]].astype(str).agg(", ".join, axis=1)
    x = f"outcome: {indicator}" if indicator else None
    if x is None or x not in optimal:
        optimal["option number"] = range(1, len(optimal) + 1)
        x = "option number"
    layout = _option_symbols(dims)
    colour = layout["color"] or "designs"
    symbol = layout["symbol"] or "need"
    fig = px.scatter(optimal, x=x, y=cost, color=colour, symbol=symbol,
                     facet_col=layout["facet_col"], facet_col_wrap=3,
                     hover_name="option",
                     hover_data={"unmet people": ":,.0f", "need": True, cost: ":,.2f"},
                     title=f"Cost against {indicator or 'option'}: every option with a plan")
    unmet = optimal[optimal["need"] == "leaves need unmet"]
    if not unmet.empty:  # a red ring round every option that leaves people without care
        fig.add_scatter(x=unmet[x], y=unmet[cost], mode="markers", name="leaves need unmet",
                        marker={"size": 20, "color": "rgba(0,0,0,0)",
                                "line": {"color": "#c0392b", "width": 2}},
                        hovertext=[f"{o}: {u:,.0f} people's need unmet" for o, u in
                                   zip(unmet["option"], unmet["unmet people"], strict=True)],
                        hoverinfo="text", row="all" if layout["facet_col"] else None,
                        col="all" if layout["facet_col"] else None)
    if indicator and x.startswith("outcome:"):
        label = loaded.base.indicators[[k.name for k in loaded.base.indicators]
                                       .index(indicator)].label or indicator
        fig.update_xaxes(tickformat=".1%", title=f"{label} (share of new need)")
    fig.update_yaxes(tickformat=",.1f", tickprefix="£", ticksuffix=unit[1:])
    fig.update_traces(marker={"size": 11}, selector={"mode": "markers", "type": "scatter"},
                      overwrite=False)
    fig.for_each_annotation(lambda a: a.update(text=a.text.split("=", 1)[-1]))
    return fig


def _cost_and_unmet_figure(table: pd.DataFrame):
    """Each option's cost with the people it leaves without care beside it."""
    from plotly.subplots import make_subplots

    optimal = table[table["status"] == "optimal"]
    if optimal.empty:
        return None
    optimal = optimal.sort_values("total_cost", ascending=False)
    scale, unit = money_scale(float(optimal["total_cost"].abs().max()))
    unmet = optimal.get("unmet people", pd.Series(0.0, index=optimal.index)).fillna(0.0)
    fig = make_subplots(rows=1, cols=2, shared_yaxes=True, column_widths=[0.65, 0.35],
                        horizontal_spacing=0.03,
                        subplot_titles=[f"Total cost ({unit}, discounted)",
                                        "People whose need is not met"])
    colours = ["#c0392b" if u > 0.5 else "#1f6fb2" for u in unmet]
    fig.add_bar(y=optimal["option"], x=optimal["total_cost"] / scale, orientation="h",
                marker_color=colours, name="total cost", row=1, col=1,
                hovertemplate="%{y}: £%{x:,.2f}" + unit[1:] + "<extra></extra>")
    fig.add_bar(y=optimal["option"], x=unmet, orientation="h", marker_color="#c0392b",
                name="unmet need", row=1, col=2,
                hovertemplate="%{y}: %{x:,.0f} people<extra></extra>")
    fig.update_xaxes(tickformat=",.1f", tickprefix="£", ticksuffix=unit[1:], row=1, col=1)
    fig.update_xaxes(tickformat=",.0f", row=1, col=2)
    fig.update_layout(height=160 + 24 * len(optimal), showlegend=False,
                      yaxis={"automargin": True},
                      title="Cost and unmet need of each option (red: leaves need unmet)")
    return fig


def _capacity_figure(loaded: LoadedAppraisal, option: str, base: Instance, out_dir: Path):
    import plotly.express as px

    folder = loaded.option(option).folder
    capacity = Store(out_dir).table(folder, "capacity")
    if capacity is None or capacity.empty:
        return None
    labels = {s.name: s.label or s.name for s in base.services}
    places = {loc.name: loc.label or loc.name for loc in base.localities}
    final = base.years[-1]
    rows = capacity[capacity["year"] == final].copy()
    rows["service"] = rows["service"].map(lambda s: f"{labels.get(s, s)}")
    rows["locality"] = rows["locality"].map(lambda loc: places.get(loc, loc))
    rows["service"] = rows["service"] + " (" + rows["unit"] + ")"
    fig = px.bar(rows, x="locality", y="capacity", color="locality", facet_col="service",
                 facet_col_wrap=3, facet_row_spacing=0.12, facet_col_spacing=0.06,
                 hover_data=["unit", "used", "capacity_today"],
                 title=f"Capacity to commission in {final}, by service and locality: {option}")
    fig.for_each_annotation(lambda a: a.update(text=a.text.split("=", 1)[-1]))
    fig.update_yaxes(matches=None, showticklabels=True, title="")
    fig.update_xaxes(showticklabels=False, title="")
    services = rows["service"].nunique()
    fig.update_layout(height=220 + 230 * ((services + 2) // 3))
    return fig


def _designs_figure(table: pd.DataFrame):
    import plotly.graph_objects as go

    optimal = table[table["status"] == "optimal"].sort_values(["designs", "option"],
                                                              ascending=False)
    if optimal.empty:
        return None
    fig = go.Figure()
    scale, unit = money_scale(float(optimal["total_cost"].abs().max()))
    for payment in ("block", "spot", "outcomes", "recruitment"):
        column = f"paid {payment}"
        if column in optimal and optimal[column].abs().sum() > 0:
            fig.add_bar(name=payment, y=optimal["option"], x=optimal[column] / scale,
                        orientation="h", customdata=optimal["designs"],
                        hovertemplate="%{y}<br>%{customdata}<br>£%{x:,.2f}" + unit[1:]
                                      + "<extra>" + payment + "</extra>")
    fig.update_layout(barmode="stack", height=160 + 28 * len(optimal),
                      title=f"What each option pays, by payment type ({unit}, discounted), "
                            "options with the same contract designs together",
                      xaxis={"title": f"{unit}, discounted over the planning years",
                             "tickformat": ",.1f", "tickprefix": "£",
                             "ticksuffix": unit[1:]},
                      yaxis={"automargin": True})
    return fig


def _designs_table(loaded: LoadedAppraisal) -> str:
    in_force: dict[str, ContractDesign] = {}
    prices: dict[str, dict[str, float]] = {}
    services: dict[str, Service] = {}
    for instance in loaded.instances.values():
        services.update({s.name: s for s in instance.services})
        for design in instance.contract_designs:
            if design.name in instance.settings.designs:
                in_force.setdefault(design.name, design)
        for row in instance.outcome_prices:
            if row.design is not None and row.design in instance.settings.designs:
                prices.setdefault(row.design, {}).setdefault(row.indicator, row.price.value)
    designs = list(in_force.values())
    if not designs:
        return "<p class='note'>No option uses a contract design: every service is bought " \
               "on its base contract.</p>"

    def figure(value, money=False):
        if value is None:
            return "unchanged"
        return _money(value.value) if money else f"×{value.value:g}"

    rows = []
    for d in designs:
        service = services[d.service]
        rows.append({
            "design": d.label or d.name, "service": service.label or service.name,
            "payment": d.payment,
            "block price": figure(d.price_capacity, True) if d.price_capacity else
            f"{_money(service.price_capacity.value)} (base)",
            "spot price": figure(d.price_use, True) if d.price_use else
            f"{_money(service.price_use.value)} (base)",
            "outcome prices": "; ".join(f"{k}: {_money(v)}" for k, v in
                                        prices.get(d.name, {}).items()) or "none",
            "weeks": figure(d.weeks_factor), "package after": figure(d.package_factor),
            "independent after": figure(d.independence_factor),
            "suitable for": figure(d.suitable_factor),
        })
    frame = pd.DataFrame(rows).set_index("design").T.reset_index().rename(
        columns={"index": "what the design sets"})
    return _html_table(frame, set(frame.columns))


def _cheapest_note(table: pd.DataFrame) -> str:
    """Which option is cheapest, never an option that leaves need unmet without saying so
    (:func:`~optimiser.appraisal.summary.cheapest_summary`), as a paragraph of the page."""
    text = cheapest_summary(table)
    if not text:
        return ""
    optimal = table[table["status"] == "optimal"]
    warn = leaves_need_unmet(optimal.sort_values("total_cost").iloc[:1]).any()
    opening = "<p class='warning'>" if warn else "<p>"
    return f"{opening}{html.escape(text, quote=False)}</p>"


def _not_drawn(loaded: LoadedAppraisal, chosen: str | None, out_dir: Path) -> str:
    """Why the capacity plan is not drawn: no plan, or its tables were not written."""
    result = Store(out_dir).read(loaded.option(chosen).folder) if chosen else None
    if result is None or result.get("status") != "optimal":
        return "No option has a plan to show."
    return (f"The results tables of {chosen!r} are not in its folder (--detail none): run "
            "the appraisal again with --detail best to draw its plan.")


def write_report(loaded: LoadedAppraisal, table: pd.DataFrame, out_dir: Path) -> Path:
    """report.html: the charts and tables a board paper needs, viewable offline."""
    indicator = _indicator(loaded)
    chosen = chosen_option(loaded, table)
    figures = [
        ("Cost and unmet need of every option", _cost_and_unmet_figure(table),
         "Each option's total cost with the people it leaves without care beside it. An "
         "option that leaves need unmet (red) is cheaper only because it does not pay for "
         "that care."),
        ("Cost and outcome of every option", _cost_outcome_figure(loaded, table, indicator),
         "Each point is an option with a plan: further left is fewer people achieving the "
         "outcome, higher is dearer; colour, symbol and panel show the grid's levels. A red "
         "ring marks an option that leaves need unmet. Hover for the option's name."),
        ("Capacity plan of one option",
         _capacity_figure(loaded, chosen, loaded.instances[chosen], out_dir) if chosen else None,
         f"The capacity to commission in the final year under {chosen!r} "
         "(set report.option in the appraisal file to choose another)."),
        ("Contract designs side by side", _designs_figure(table),
         "What each option pays, by payment type, for the designs in force."),
    ]
    parts = []
    first = True
    for number, (title, fig, note) in enumerate(figures, start=1):
        parts.append(f"<h2>{html.escape(title)}</h2><p class='note'>{html.escape(note)}</p>")
        if title.startswith("Contract designs"):
            parts.append(_designs_table(loaded))
        if fig is None:
            parts.append("<p class='note'>" + html.escape(
                _not_drawn(loaded, chosen, out_dir) if title.startswith("Capacity plan")
                else "No option has a plan to show.") + "</p>")
            continue
        parts.append(fig.to_html(full_html=False, include_plotlyjs=first,
                                 div_id=f"chart-{number}",  # the same page from the same run
                                 config={"displaylogo": False}))
        first = False

    counts = table["status"].value_counts().to_dict()
    status_line = ", ".join(f"{n} {s}" for s, n in sorted(counts.items()))
    shown = [c for c in table.columns if c in (
        "option", "status", "reason", "total_cost", "ranking", "unmet people",
        "targets missed",
        "binding limits", "largest shadow price") or c.startswith("outcome:")]
    text_columns = {"option", "status", "reason", "ranking", "targets missed"}
    without = table[table["status"] != "optimal"]
    links = {str(o.name): f"{OPTIONS}/{o.folder}/report.html" for o in loaded.options
             if (out_dir / OPTIONS / o.folder / "report.html").exists()}
    shown = ["option", "need", *[c for c in shown if c != "option"]]
    marked = table.assign(need=["leaves need unmet" if u else "meets all need"
                                for u in leaves_need_unmet(table)])
    marked.loc[marked["status"] != "optimal", "need"] = ""
    doc = [
        "<!DOCTYPE html><html lang='en-GB'><head><meta charset='utf-8'>",
        f"<title>Option appraisal: {html.escape(loaded.appraisal.name)}</title>",
        _STYLE, _ERROR_TRAP, "</head><body>",
        f"<h1>Option appraisal: {html.escape(loaded.appraisal.name)}</h1>",
        f"<p>{html.escape(loaded.appraisal.description)}</p>",
        f"<p>Base instance: <code>{html.escape(loaded.base.name)}</code>. "
        f"{len(table)} options: {html.escape(status_line)}. Full figures: "
        "<code>comparison.csv</code> and <code>comparison.xlsx</code>; every option's plan: "
        "<code>options/</code>.</p>",
        "<div id='report-errors'></div>",
        _cheapest_note(table),
        *parts,
        "<h2>Options without a plan</h2>",
        _html_table(without[["option", "status", "reason"]], text_columns)
        if not without.empty else "<p class='note'>Every option has a plan.</p>",
        "<h2>Comparison</h2>",
        "<p class='note'>Each option's name links to its own plan (<code>report.html</code> "
        "in its folder). ⚠ marks an option that leaves need unmet.</p>",
        _html_table(marked[shown], text_columns | {"need"}, links),
        _RENDER_CHECK, "</body></html>",
    ]
    path = out_dir / "report.html"
    with atomic_path(path) as tmp:
        tmp.write_text("\n".join(doc), encoding="utf-8")
    return path


def write_outputs(loaded: LoadedAppraisal, out_dir: Path) -> tuple[pd.DataFrame, list[Path]]:
    """The comparison table (CSV, Excel) and the HTML report, from the recorded results."""
    from optimiser.appraisal.runner import PLOTLYJS, recorded

    table = comparison_table(loaded, recorded(loaded, out_dir))
    written = write_comparison(table, loaded, out_dir)
    with atomic_path(out_dir / PLOTLYJS) as tmp:  # read by every option's report.html
        write_plotlyjs(tmp)
    written.append(out_dir / PLOTLYJS)
    written.append(write_report(loaded, table, out_dir))
    return table, written
