"""MODEL.md 11: unmet need by duty. For the cohorts a council must serve in full, no one's
eligible need may be left unmet; and a plan that maximises an outcome meets as much need as
it can before it buys better outcomes."""

from __future__ import annotations

import math

import pyomo.environ as pyo

from optimiser.constraints import Expr, Model
from optimiser.constraints.linear import linear


def eligible_need_met(m: Model, locality: str, cohort: str, year: str) -> Expr:
    r"""unmet_{l,g,t} = 0 for the cohorts named in ``settings.meet_eligible_need``.

    Under the Care Act duty everyone eligible gets care: the plan may not leave anyone of
    this cohort without it, whatever it costs."""
    return m.unmet[locality, cohort, year] <= 0


def unmet_weights(penalty_of: dict[str, float]) -> dict[str, float]:
    """Each need group's weight in the least unmet need: its unmet-need penalty over the
    highest, so a person of the group the council puts first counts one."""
    top = max(penalty_of.values(), default=0.0) or 1.0
    return {group: penalty / top for group, penalty in penalty_of.items()}


def least_unmet(m: Model) -> Expr:
    r"""\sum_{l,g,t} (penalty_g / \max_h penalty_h) unmet_{l,g,t} \le U^*, maximising an
    outcome only.

    A council must meet eligible need before it buys better outcomes: the plan leaves no
    more need unmet (weighted by priority, as the unmet-need penalties weigh it) than the
    least the budget and the other limits allow. The row is stated here with no limit; the
    solve (:mod:`optimiser.need_first`) finds that least, U*, by minimising the row's body,
    and sets the limit before it maximises the outcome."""
    if m.data.objective == "min_cost":
        return pyo.Constraint.Skip
    weight = unmet_weights(m.data.penalty_of)
    return linear((weight[g], m.unmet[loc, g, t]) for loc, g, t in m.NEED) <= math.inf
