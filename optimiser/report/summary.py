"""``summary.md``: the plan in two minutes. Totals, the largest ten of each list, and a link
to the full tables; the same size for three localities or three hundred."""

from __future__ import annotations

import pandas as pd

from optimiser.headroom import summary_lines
from optimiser.pipeline import Solution
from optimiser.report import tables as T


def _table(frame: pd.DataFrame, floatfmt: str = ",.1f") -> str:
    if frame.empty:
        return "_None._"
    shown = frame.copy()
    for column in shown.columns:  # shares as percentages, the rest as floatfmt says
        if "share" in column.lower() or column.startswith("Share"):
            shown[column] = shown[column].map("{:.1%}".format)
    return shown.to_markdown(index=False, floatfmt=floatfmt)


def _top(frame: pd.DataFrame, what: str, sheet: str) -> str:
    """The first ten rows, saying how many more there are and where."""
    return _top_of(frame.head(T.TOP), len(frame), what, sheet)


def _top_of(first: pd.DataFrame, total: int, what: str, sheet: str) -> str:
    text = _table(first, ",.1f")
    if total > len(first):
        text += f"\n\n_The largest {len(first)} of {total:,} {what}; all of them: sheet " \
                f"“{sheet}” of `plan.xlsx` and the result tables._"
    return text


def _ranging(solution: Solution) -> list[str]:
    """How far the first prices and limits can move before the plan changes, in words."""
    ranging = solution.tables.get("ranging")
    if ranging is None or ranging.empty:
        return []
    return ["## How far the plan holds", "",
            *[f"- {meaning}" for meaning in ranging["meaning"].head(T.TOP)],
            "" if len(ranging) <= T.TOP else
            f"\n_{T.TOP} of {len(ranging):,}: all of them in [ranging.csv](ranging.csv)._", ""]


def _title(solution: Solution) -> str:
    instance = solution.inputs
    return f"# Commissioning plan: {instance.name if instance else solution.instance}"


def _headline(solution: Solution) -> list[str]:
    head = T.headline(solution)
    lines = [
        f"**Planning years:** {head.first_year} to {head.last_year} ({head.years} years).",
        "",
        f"**Total cost:** {T.money(head.spend_discounted)} discounted "
        f"({T.money(head.spend_undiscounted)} undiscounted). {head.discounting_difference}",
    ]
    if head.price_words:
        lines.append(head.price_words)
    if head.tail > 0:
        lines.append(f"The objective also counts {T.money(head.tail)} (discounted) for the care "
                     "of the people still supported at the end of the last year until they "
                     "leave it (the end-of-horizon tail), not spent in the plan's years.")
    if head.delays > 0:
        lines.append(f"The objective also counts {T.money(head.delays)} (discounted) for the "
                     "days people wait for a short-term place, at the instance's delay price; "
                     "not council spending.")
    if head.penalty > 0 and head.minimised_cost:
        lines.append(f"The optimiser also charged {T.money(head.penalty)} (discounted) for "
                     f"unmet need, which is not money spent: the objective it minimised is "
                     f"{T.money(head.objective)}.")
    if not head.minimised_cost:
        lines += ["", f"**People achieving {solution.maximised}:** {head.objective:,.0f} over "
                      f"the planning years, the most the budget allows once it has met all "
                      f"the need it can (spending {T.money(head.spend_discounted)}, "
                      f"discounted)."]
    lines += [f"Note: {note}" for note in solution.notes]
    unmet = round(head.unmet_people)
    lines += ["", f"**People whose new need is not met:** {unmet:,}"
              + (" — see “Unmet need” below." if head.unmet_people > T.TOLERANCE else "."),
              "", T.what_limits_most(solution)]
    return lines


def _overrides(solution: Solution) -> list[str]:
    """The changes made to the instance for this solve, each with its source."""
    if not solution.overrides:
        return []
    rows = [f"- `{o['set']}` ({o['source']})" for o in solution.overrides]
    return ["**Changed for this solve** (not in the instance file):", "", *rows, ""]


def markdown_summary(solution: Solution) -> str:
    """A short plain-English summary a commissioner can read in two minutes."""
    lines = [_title(solution), "", *_overrides(solution)]
    if not solution.optimal:
        lines += [f"**No plan:** {solution.message}", ""]
        if solution.diagnosis is not None:
            lines.append(solution.diagnosis.markdown())
        return "\n".join(lines)
    words = T.Words.of(solution.inputs)
    missed = T.targets(solution, words)
    missed = pd.concat([missed[missed["Met"] == "NO"], missed[missed["Met"] != "NO"]])
    lines += _headline(solution) + [
        "",
        "## Spending by year (£)", "", _table(T.cost_by_year(solution), ",.0f"), "",
        "## Spending by payment type (£, all years)", "",
        _table(T.cost_by_payment(solution), ",.0f"), "",
        "## Capacity to commission (all localities)", "",
        _table(T.capacity(solution, words)), "",
        "## Localities (largest spending first)", "",
        _top(T.localities(solution, words).sort_values("£ undiscounted", ascending=False),
             "localities", "Localities"), "",
        "## Workforce (FTE, all localities)", "", _table(T.workforce(solution, words)), "",
        "## Outcomes", "",
        "Each indicator's share of the year's new need, what it counts, and how it differs "
        "from the ASCOF measure of a similar name.", "",
        _table(T.outcomes(solution, words)), "",
        "## Outcome targets (missed first)", "",
        _top(missed, "target rows", "Targets"), "",
        "## Unmet need, where and why", "",
        _top(T.unmet(solution, words), "rows with unmet need", "Unmet need"), "",
        *summary_lines(solution.tables, words.labels),
        *_ranging(solution),
        "## What limits the plan most", "",
        T.limits_meaning(solution), "",
        _top_of(T.binding_limits(solution, top=T.TOP), T.binding_count(solution),
                "binding limits", "Limits"), "",
        "## Full tables", "",
        "The charts: [report.html](report.html). Every figure: [plan.xlsx](plan.xlsx), and "
        "one file per table (CSV for spreadsheets, Parquet for analysis tools): "
        + ", ".join(f"[{name}.csv]({name}.csv)" for name in solution.tables) + ".", "",
    ]
    return "\n".join(lines)
