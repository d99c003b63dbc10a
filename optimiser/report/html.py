"""``report.html``: the plan for a board, one self-contained page that opens offline in any
browser. Rendered from a Jinja2 template (``templates/report.html.j2``) with plotly.js
embedded once from the installed plotly package; nothing is fetched from the internet."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import jinja2
import pandas as pd
from plotly.offline import get_plotlyjs

from optimiser.pipeline import Solution
from optimiser.report import charts
from optimiser.report import tables as T
from optimiser.report.workbook import PEOPLE, PERCENT, number_format

ROWS_SHOWN = 40
"""Rows of each table on the page; the workbook has every row."""


@dataclass(frozen=True)
class Cell:
    text: str
    css: str = ""


@dataclass(frozen=True)
class Table:
    """A table as the template shows it: headers, formatted cells, a note on rows left out."""

    columns: list[str]
    rows: list[list[Cell]]
    more: str = ""


@dataclass
class Section:
    name: str
    title: str
    note: str = ""
    chart: str = ""
    tables: list[Table] = field(default_factory=list)
    alarm: str = ""


def _cell(column: str, value: object) -> Cell:
    if isinstance(value, bool) or not isinstance(value, int | float):
        text = "" if value is None else str(value)
        return Cell(text, "missed" if text == "NO" else "")
    if not math.isfinite(value):
        return Cell("")
    fmt = number_format(column)
    if fmt == PERCENT:
        return Cell(f"{value:.1%}", "number")
    if "£" in fmt or "£" in column:
        return Cell(T.money(value), "number")
    # Exact figures: people and capacity to one or two decimals, as the workbook keeps them.
    return Cell(f"{value:,.1f}" if fmt == PEOPLE else f"{value:,.2f}", "number")


def html_table(frame: pd.DataFrame, sheet: str, total: int | None = None) -> Table:
    """A table for the page: the first :data:`ROWS_SHOWN` rows (of ``total``, when the frame
    holds only the first), exact figures."""
    total = len(frame) if total is None else total
    columns = [str(c) for c in frame.columns]
    rows = [[_cell(c, v) for c, v in zip(columns, values, strict=True)]
            for values in frame.head(ROWS_SHOWN).itertuples(index=False, name=None)]
    more = "" if total <= ROWS_SHOWN else (
        f"The first {ROWS_SHOWN} of {total:,} rows; all of them are in the workbook's "
        f"“{sheet}” sheet.")
    return Table(columns, rows, more)


@cache
def _template() -> jinja2.Template:
    env = jinja2.Environment(loader=jinja2.PackageLoader("optimiser.report", "templates"),
                             autoescape=True, undefined=jinja2.StrictUndefined,
                             keep_trailing_newline=True)
    return env.get_template("report.html.j2")


def _ranging(solution: Solution) -> list[Section]:
    ranging = solution.tables.get("ranging")
    if ranging is None or ranging.empty:
        return []
    return [Section("ranging", "How far the plan holds",
                    "How far each price and binding limit can move before the plan changes.",
                    "", [html_table(ranging[["meaning"]].rename(
                        columns={"meaning": "Price or limit"}), "all ranging")])]


def _sections(solution: Solution, words: T.Words) -> list[Section]:
    plan, plan_note = charts.plan_vs_today(solution, words)
    head = T.headline(solution)
    unmet_chart = charts.unmet(solution, words)
    work_chart = charts.workforce(solution, words)
    outcome_chart = charts.outcomes(solution, words)
    missed = T.targets(solution, words)
    missed = pd.concat([missed[missed["Met"] == "NO"], missed[missed["Met"] != "NO"]])
    sections = [
        Section("plan", "The plan against today", plan_note, charts.figure_html(plan, "plan"),
                [html_table(T.capacity(solution, words), "Capacity")]),
        Section("capacity", "Capacity and caseload over the years",
                "Capacity commissioned each year (solid) and, for long-term settings, the "
                "people supported (dashed).",
                charts.figure_html(charts.capacity_and_caseload(solution, words), "capacity")),
        Section("localities", "Localities", "Each locality over all the planning years.", "",
                [html_table(T.localities(solution, words), "Localities")]),
        Section("workforce", "Workforce",
                "Staff the plan needs, staff in post, and the most that could be in post "
                "with every recruit the local labour market allows (today's staff after "
                "turnover plus each year's recruits): how fast the plan can be phased in.",
                charts.figure_html(work_chart, "workforce") if work_chart else "",
                [html_table(T.workforce(solution, words), "Workforce")]),
        Section("outcomes", "Outcomes against targets",
                "Each indicator's share of the year's new need; short bars mark whole-area "
                "targets. What each indicator counts, and how it differs from the ASCOF "
                "measure of a similar name, is beside it.",
                charts.figure_html(outcome_chart, "outcomes") if outcome_chart else "",
                [html_table(T.outcomes(solution, words), "Outcomes"),
                 html_table(missed, "Targets")]),
        Section("unmet", "Unmet need",
                "" if unmet_chart else "Every person's new need is met in every year.",
                charts.figure_html(unmet_chart, "unmet") if unmet_chart else "",
                [html_table(T.unmet(solution, words), "Unmet need")] if unmet_chart else [],
                alarm=f"{round(head.unmet_people):,} people's new need is not met over the "
                      "planning years." if unmet_chart else ""),
        Section("limits", "What limits the plan most", T.limits_meaning(solution), "",
                [html_table(T.binding_limits(solution, top=ROWS_SHOWN), "Limits",
                            T.binding_count(solution))]),
        *_ranging(solution),
        Section("costs", "Cost by payment type", head.discounting_difference,
                charts.figure_html(charts.costs(solution), "costs"),
                [html_table(T.cost_by_payment(solution), "Payment types"),
                 html_table(T.cost_by_year(solution), "Spending by year")]),
    ]
    return sections


def render_report_html(solution: Solution, plotly_src: str = "") -> str:
    """The page for a solved plan, as text. plotly.js is embedded in the page, or, given
    ``plotly_src``, read from that file beside it (the options of an appraisal share one
    copy: :func:`write_plotlyjs`)."""
    instance = solution.inputs
    common = {"title": instance.name if instance else solution.instance,
              "description": instance.description if instance else "",
              "plotly_src": plotly_src, "plotlyjs": "" if plotly_src else get_plotlyjs()}
    if not solution.optimal:
        why = solution.diagnosis.text() if solution.diagnosis is not None else ""
        return _template().render(no_plan=solution.message, why=why, sections=[],
                                  chart_count=0, **common)
    words = T.Words.of(solution.inputs)
    head = T.headline(solution)
    sections = _sections(solution, words)
    return _template().render(
        no_plan="", why="", **common,
        objective_exact=repr(head.objective),
        objective_words="Objective minimised: discounted cost with the unmet-need penalty"
        if head.minimised_cost else "Objective maximised: people achieving the outcome, "
                                    "once all the need the budget can meet is met",
        objective_shown=T.money(head.objective) if head.minimised_cost
        else f"{head.objective:,.0f} people",
        spend_discounted=T.money(head.spend_discounted),
        spend_undiscounted=T.money(head.spend_undiscounted),
        horizon=f"{head.first_year} to {head.last_year}",
        unmet_any=head.unmet_people > T.TOLERANCE,
        unmet_people=f"{round(head.unmet_people):,}",
        discounting=head.discounting_difference,
        penalty=T.money(head.penalty) if head.penalty > 0 else "",
        tail=T.money(head.tail) if head.tail > 0 else "", price_words=head.price_words,
        price_base=head.price_base or "", limits_most=T.what_limits_most(solution),
        notes=solution.notes,
        sections=sections, chart_count=sum(1 for s in sections if s.chart),
    )


def write_plotlyjs(path: Path) -> Path:
    """The installed plotly's JavaScript as a file, for pages that share it."""
    path.write_text(get_plotlyjs(), encoding="utf-8")
    return path


def write_report_html(solution: Solution, path: Path) -> Path:
    """``report.html`` for a solved plan at ``path``; returns the path."""
    path.write_text(render_report_html(solution), encoding="utf-8")
    return path
