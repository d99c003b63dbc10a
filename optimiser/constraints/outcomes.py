"""MODEL.md constraint 6: the independence outcomes the council has committed to."""

from __future__ import annotations

from collections.abc import Sequence

from optimiser.constraints import Expr, Model
from optimiser.prepare import TargetRow


def achieved(m: Model, indicator: str, localities: Sequence[str], cohorts: Sequence[str],
             year: str) -> Expr:
    """People achieving an indicator among the given localities and cohorts in a year."""
    d = m.data
    return sum(
        d.outcome[p, indicator] * m.routed[locality, p, year]
        for locality in localities
        for cohort in cohorts
        for p in d.pathways_of[cohort]
        if (p, indicator) in d.outcome
    )


def outcome_target(m: Model, name: str, group: str, year: str) -> Expr:
    r"""\sum outcome_{p,k} x_{l,p,t} \ge share \cdot \sum demand_{l,g,t} (or \le, or a rate).

    The plan must deliver the independence the council has promised: e.g. at least 80% of
    people leaving hospital still at home, or no more than N care-home admissions per 100,000."""
    target = m.data.target_rows[name, group, year]
    count = achieved(m, target.indicator, target.localities, target.cohorts, year)
    need = sum(m.demand[locality, cohort, year]
               for locality in target.localities for cohort in target.cohorts)
    bound = people_required(target, m.target_level[name, group, year], need)
    return count >= bound if target.sense == "at_least" else count <= bound


def people_required(target: TargetRow, level: Expr, need: Expr) -> Expr:
    """The people a target's level asks for: ``level`` per 100,000 of the group's
    population for a rate, or ``level`` times the new ``need`` it counts for a share (the
    model's expressions, or their values)."""
    if target.basis == "population":
        return level * target.population / 100_000
    return level * need
