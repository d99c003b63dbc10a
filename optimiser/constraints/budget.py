"""MODEL.md constraint 7: what the council can afford each year."""

from __future__ import annotations

from optimiser.constraints import Expr, Model


def budget_limit(m: Model, year: str) -> Expr:
    r"""spend_t \le budget_t.

    Capacity, use, outcome and recruitment payments in a year stay within that year's budget."""
    return m.year_spend[year] <= m.budget[year]
