"""Last year's caseload of a long-term setting, shared by the rules that carry stocks over."""

from __future__ import annotations

from typing import Any

from optimiser.constraints import Expr, Model


def previous_caseload(m: Model, variable: Any, start: dict[tuple[str, ...], float],
                      locality: str, cohort: str, setting: str, year: str) -> Expr:
    """``variable`` (people or care units) in the year before ``year``; today's figure from
    ``start`` before the first planning year."""
    before = m.data.previous[year]
    if before is None:
        return start.get((locality, cohort, setting), 0.0)
    return variable[locality, cohort, setting, before]
