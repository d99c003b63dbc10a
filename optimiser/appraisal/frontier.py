"""The cost-versus-outcome frontier of one instance, by the epsilon-constraint method.

An outcome target is added to the instance: "at least a share e of new need achieves
indicator K in every year" (or "at most e", for an indicator where lower is better, such as
permanent admissions to care homes). Its level e is a mutable parameter, so the model is
built once and re-solved, hot-started, for each e from

* the level the cheapest plan reaches anyway in its weakest year (the target costs nothing
  there), to
* the best level any plan can reach in every year, found by an extra solve that maximises
  (or minimises) the weakest year's share within all the instance's other limits.

Each point is the least cost of reaching that level, with the target's shadow price: what one
more person achieving the outcome would cost at that point.

With a year given, the target holds in that year only, and "weakest year" above is that
year: the other years keep the instance's own targets (the cheapest plan's outcome there, or
whatever the target year's plan brings with it).

Need left unmet can never rise above the cheapest plan's, at any point or in finding the best
level: otherwise "fewer care-home admissions" could be bought by leaving people without care.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyomo.environ as pyo

from models import Instance
from optimiser.constraints.outcomes import achieved
from optimiser.io.atomic import atomic_path
from optimiser.model import build_model
from optimiser.prepare import prepare
from optimiser.solve import DirectHighs, SolveOptions, solve_direct

FRONTIER_OPTIONS = SolveOptions(method="simplex")
"""Simplex: each point hot-starts from the last basis."""
UNMET_SLACK = 0.0
"""People: any tolerance on holding unmet need at the cheapest plan's (none: that plan is
itself feasible, so the cap always is)."""
EDGE = 1e-7
"""The last point stops this share of the range short of the best level, so the solver's
tolerances never make the edge of the feasible range look infeasible."""


class FrontierError(Exception):
    """No frontier can be traced; ``code`` is the command's exit code."""

    def __init__(self, message: str, code: int):
        super().__init__(message)
        self.code = code


@dataclass
class Frontier:
    instance: str
    indicator: str
    label: str
    better: str
    """'higher' (at-least targets, rising) or 'lower' (at-most targets, falling)."""
    low: float
    """The share the cheapest plan reaches (its weakest year)."""
    high: float
    """The best share any plan reaches in every year."""
    table: pd.DataFrame
    year: str | None = None
    """The one year the target holds in; None for every year."""


def achieved_column(year: str | None) -> str:
    """The table's column of the share achieved in the year the target holds in, or in the
    weakest year."""
    return f"achieved ({year or 'weakest year'})"


def price_column(year: str | None) -> str:
    """The table's column of the target's shadow price, summed over the years it holds in."""
    return f"shadow price (£ per person, {year or 'all years'})"


def _check(instance: Instance, indicator: str, cohorts: list[str], year: str | None) -> None:
    names = [k.name for k in instance.indicators]
    if indicator not in names:
        raise FrontierError(f"--outcome: found {indicator!r}; expected one of the instance's "
                            f"indicators: {', '.join(names) or 'none defined'}", 2)
    known = {c.name for c in instance.cohorts}
    unknown = [c for c in cohorts if c not in known]
    if unknown:
        raise FrontierError(f"--cohort: found {', '.join(unknown)}; expected cohorts of the "
                            f"instance: {', '.join(sorted(known))}", 2)
    if year is not None and year not in instance.years:
        raise FrontierError(f"--year: found {year!r}; expected one of the instance's years: "
                            f"{', '.join(instance.years)}", 2)


def _with_target(instance: Instance, indicator: str, sense: str, cohorts: list[str],
                 year: str | None) -> tuple[Instance, str]:
    taken = {t.name for t in instance.targets}
    name = next(n for n in (f"frontier_{indicator}", *(f"frontier_{indicator}_{i}"
                                                       for i in range(2, 100)))
                if n not in taken)
    target = {
        "name": name, "indicator": indicator, "sense": sense, "cohorts": cohorts,
        "years": [year] if year else [],
        "level": {"value": 0.0 if sense == "at_least" else 1.0,
                  "source": "assumption: the frontier's swept level; set for each point"},
    }
    targets = [t.model_dump() for t in instance.targets] + [target]
    settings = instance.settings.model_copy(update={"objective": "min_cost"})
    return instance.updated(targets=targets, settings=settings), name


def _shares(m, indicator: str, cohorts: list[str]) -> dict[str, float]:
    """The share of new need achieving the indicator in each year."""
    d = m.data
    shares = {}
    for year in d.years:
        demand = sum(pyo.value(m.demand[loc, g, year]) for loc in d.localities for g in cohorts)
        count = pyo.value(achieved(m, indicator, d.localities, cohorts, year))
        shares[year] = count / demand + 0.0 if demand else 0.0  # + 0.0: never '-0.0%'
    return shares


def _cap_unmet(m, unmet: dict) -> None:
    """Unmet need no higher than the cheapest plan's, wherever it is."""
    m.frontier_unmet_cap = pyo.Constraint(
        m.NEED, rule=lambda m, *need: m.unmet[need] <= unmet[need] + UNMET_SLACK)


def _extreme(data, indicator: str, cohorts: list[str], better: str, unmet: dict,
             years: list[str]) -> float:
    """The best share reachable in every one of ``years``: maximise (or minimise) the
    weakest year's."""
    m = build_model(data)
    _cap_unmet(m, unmet)
    m.objective.deactivate()
    m.weakest = pyo.Var(bounds=(0.0, 1.0))
    d = m.data

    def hold(m, year):
        demand = sum(pyo.value(m.demand[loc, g, year]) for loc in d.localities for g in cohorts)
        count = achieved(m, indicator, d.localities, cohorts, year)
        if not demand:
            return pyo.Constraint.Skip
        return (m.weakest * demand <= count) if better == "higher" \
            else (m.weakest * demand >= count)

    m.weakest_year = pyo.Constraint(years, rule=hold)
    m.best = pyo.Objective(expr=m.weakest,
                           sense=pyo.maximize if better == "higher" else pyo.minimize)
    outcome = solve_direct(m, FRONTIER_OPTIONS)
    if outcome.status != "optimal":
        raise FrontierError(f"the best reachable level could not be found: {outcome.message}",
                            1)
    return pyo.value(m.weakest)


def trace(instance: Instance, indicator: str, points: int = 11, cohorts: list[str] | None = None,
          progress=lambda step: None, year: str | None = None) -> Frontier:
    """The frontier's points, cheapest first: of the target in every year, or in ``year``
    only."""
    cohorts = list(cohorts or [])
    _check(instance, indicator, cohorts, year)
    spec = next(k for k in instance.indicators if k.name == indicator)
    better = spec.better
    sense = "at_least" if better == "higher" else "at_most"
    with_target, name = _with_target(instance, indicator, sense, cohorts, year)
    years = [year] if year else list(instance.years)
    weakest = min if better == "higher" else max
    data = prepare(with_target)
    # The model counts people by need group: a cohort's bands, or the cohort without bands.
    counted = [g for g in data.cohorts if not cohorts or data.cohort_of[g] in cohorts]

    progress("the cheapest plan")
    m = build_model(data)
    first = solve_direct(m, FRONTIER_OPTIONS)
    if first.status != "optimal":
        raise FrontierError(f"{instance.name} has no plan even without an outcome target: "
                            f"{first.message} (`optimiser solve` explains why)", 1)
    shares = _shares(m, indicator, counted)
    low = weakest(shares[t] for t in years)
    unmet = {need: pyo.value(m.unmet[need]) for need in m.NEED}
    progress("the best reachable level")
    high = _extreme(data, indicator, counted, better, unmet, years)
    _cap_unmet(m, unmet)
    solver = DirectHighs(FRONTIER_OPTIONS)  # the model with the cap, re-solved for each point
    if abs(high - low) < 1e-6:
        points = 1  # the cheapest plan already reaches the best level: one point
    keys = [key for key in m.TARGET if key[0] == name]
    rows = []
    for i in range(points):
        fraction = i / (points - 1) if points > 1 else 0.0
        level = low + (high - low) * fraction * (1 - EDGE if i == points - 1 else 1)
        progress(f"point {i + 1} of {points}")
        for key in keys:
            m.target_level[key] = level
        outcome = solver.solve(m)
        row = {"point": i + 1, "level": level, "status": outcome.status}
        if outcome.status == "optimal":
            spend = sum(m.data.discount[t] * pyo.value(m.year_spend[t]) for t in m.T)
            achieved_by_year = _shares(m, indicator, counted)
            row.update({
                achieved_column(year): weakest(achieved_by_year[t] for t in years),
                "achieved (all years)": _overall(m, indicator, counted),
                "total_cost": spend, "objective": outcome.objective,
                "unmet people": sum(pyo.value(v) for v in m.unmet.values()),
                price_column(year): sum(
                    abs(outcome.duals.get(m.outcome_target[key], 0.0)) for key in keys),
            })
        else:
            row["reason"] = outcome.message
        rows.append(row)
    table = pd.DataFrame(rows)
    return Frontier(instance.name, indicator, spec.label or indicator, better, low, high, table,
                    year)


def _overall(m, indicator: str, cohorts: list[str]) -> float:
    d = m.data
    demand = sum(pyo.value(m.demand[loc, g, t]) for loc in d.localities for g in cohorts
                 for t in d.years)
    count = sum(pyo.value(achieved(m, indicator, d.localities, cohorts, t)) for t in d.years)
    return count / demand if demand else 0.0


def frontier_figure(frontier: Frontier):
    import plotly.graph_objects as go

    ok = frontier.table[frontier.table["status"] == "optimal"]
    fig = go.Figure(go.Scatter(
        x=ok["level"], y=ok["total_cost"] / 1e6, mode="lines+markers",
        customdata=ok[[price_column(frontier.year), "unmet people"]],
        hovertemplate="level %{x:.1%}<br>£%{y:,.2f}m<br>marginal £%{customdata[0]:,.0f} "
                      "per person<br>unmet %{customdata[1]:,.0f}<extra></extra>"))
    direction = "at least" if frontier.better == "higher" else "at most"
    when = f"in {frontier.year}" if frontier.year else "in every year"
    fig.update_layout(
        title=f"{frontier.instance}: least cost of {frontier.label} {direction} each level "
              f"{when}",
        xaxis={"title": f"{frontier.label} (share of new need, "
                        f"{frontier.year or 'every year'})",
               "tickformat": ".1%"},
        yaxis={"title": "total cost, £m discounted"})
    return fig


def write_frontier(frontier: Frontier, out_dir: Path) -> list[Path]:
    """frontier.csv and frontier.html (the chart, viewable offline)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    csv, page = out_dir / "frontier.csv", out_dir / "frontier.html"
    with atomic_path(csv) as tmp:
        frontier.table.to_csv(tmp, index=False)
    with atomic_path(page) as tmp:
        frontier_figure(frontier).write_html(tmp, include_plotlyjs=True, full_html=True,
                                             div_id="frontier")  # same input, same page
    return [csv, page]
