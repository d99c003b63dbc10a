"""MODEL.md 11: unmet need by duty. For the cohorts a council must serve in full, no one's
eligible need may be left unmet."""

from __future__ import annotations

from optimiser.constraints import Expr, Model


def eligible_need_met(m: Model, locality: str, cohort: str, year: str) -> Expr:
    r"""unmet_{l,g,t} = 0 for the cohorts named in ``settings.meet_eligible_need``.

    Under the Care Act duty everyone eligible gets care: the plan may not leave anyone of
    this cohort without it, whatever it costs."""
    return m.unmet[locality, cohort, year] <= 0
