"""MODEL.md constraints 1 and 2: new need is routed or reported; caseloads carry over;
pathways and moves stay within what is suitable."""

from __future__ import annotations

from typing import Any

import pyomo.environ as pyo

from optimiser.constraints import Expr, Model
from optimiser.constraints.deterioration import worsening_terms
from optimiser.constraints.linear import linear
from optimiser.constraints.stocks import previous_caseload


def demand_met(m: Model, locality: str, cohort: str, year: str) -> Expr:
    r"""\sum_p x_{l,p,t} + unmet_{l,g,t} = demand_{l,g,t}.

    Everyone with a new need is either routed along a care pathway or counted as unmet."""
    routed = [(1, m.routed[locality, p, year]) for p in m.data.pathways_of[cohort]]
    return linear([*routed, (1, m.unmet[locality, cohort, year])]) == \
        m.demand[locality, cohort, year]


def _entering(m: Model, locality: str, cohort: str, setting: str, year: str,
              units: bool) -> list[tuple[float, Any]]:
    """People (or, with ``units``, their capacity units) entering a setting this year from
    new need, as (coefficient, x) terms: enters_{p,s} (times package_{p,s}) x_p over the
    cohort's pathways into it."""
    return [((share * package if units else share), m.routed[locality, p, year])
            for p, share, package in m.data.entering[cohort, setting]]


def caseload_balance(m: Model, locality: str, cohort: str, setting: str, year: str) -> Expr:
    r"""caseload_t = (1 - leave) caseload_{t-1} + \sum_p enters_{p,s} x_p + moves in - moves out
    + deterioration in - deterioration out.

    People stay in a long-term setting for years: next year's beds depend on this year's
    admissions, less those who leave."""
    d = m.data
    stay = 1.0 - d.leave.get((cohort, setting), 0.0)
    before = previous_caseload(m, m.caseload, d.caseload0, locality, cohort, setting, year)
    moved_in = [(1, m.move[locality, a.name, year]) for a in d.moves_into[cohort, setting]]
    moved_out = [(-1, m.move[locality, a.name, year]) for a in d.moves_out_of[cohort, setting]]
    return m.caseload[locality, cohort, setting, year] == linear([
        (stay, before), *_entering(m, locality, cohort, setting, year, units=False),
        *moved_in, *moved_out,
        *worsening_terms(m, locality, cohort, setting, year, units=False),
    ])


def caseload_units_balance(m: Model, locality: str, cohort: str, setting: str,
                           year: str) -> Expr:
    r"""units_t = (1 - leave) units_{t-1} + \sum_p enters_{p,s} package_{p,s} x_p + moves
    + deterioration.

    The care a caseload needs (hours a week, beds) carries over too, so a smaller package
    after reablement keeps saving money in later years."""
    d = m.data
    stay = 1.0 - d.leave.get((cohort, setting), 0.0)
    before = previous_caseload(m, m.care_units, d.units0, locality, cohort, setting, year)
    moved_in = [(a.package_to, m.move[locality, a.name, year])
                for a in d.moves_into[cohort, setting]]
    moved_out = [(-a.package_from, m.move[locality, a.name, year])
                 for a in d.moves_out_of[cohort, setting]]
    return m.care_units[locality, cohort, setting, year] == linear([
        (stay, before), *_entering(m, locality, cohort, setting, year, units=True),
        *moved_in, *moved_out,
        *worsening_terms(m, locality, cohort, setting, year, units=True),
    ])


def pathway_suitable(m: Model, locality: str, pathway: str, year: str) -> Expr:
    r"""x_{l,p,t} \le suitable_p \cdot demand_{l,g,t}.

    A pathway is offered only to the share of people for whom it is clinically appropriate."""
    d = m.data
    if d.suitable[pathway] >= 1.0:
        return pyo.Constraint.Skip
    cohort = d.pathway_cohort[pathway]
    limit = d.suitable[pathway] * m.demand[locality, cohort, year]
    return m.routed[locality, pathway, year] <= limit


def move_suitable(m: Model, locality: str, move: str, year: str) -> Expr:
    r"""move_{l,a,t} \le suitable_a \cdot caseload_{l,g,from,t-1}.

    Only people for whom a more independent setting is suitable are supported to move."""
    d = m.data
    arc = d.move_arcs[move]
    before = previous_caseload(m, m.caseload, d.caseload0, locality, arc.cohort,
                                arc.from_service, year)
    return m.move[locality, move, year] <= arc.suitable * before


def move_limit(m: Model, locality: str, move: str, year: str) -> Expr:
    r"""move_{l,a,t} \le max\_per\_year_a.

    Moving someone well takes reviews, matching and a new home: only so many a year."""
    limit = m.data.move_arcs[move].max_per_year
    if limit is None:
        return pyo.Constraint.Skip
    return m.move[locality, move, year] <= limit
