"""MODEL.md constraint 7: what the council can afford each year."""

from __future__ import annotations


def budget_limit(m, year):
    r"""spend_t \le budget_t.

    Capacity, use, outcome and recruitment payments in a year stay within that year's budget."""
    return m.year_spend[year] <= m.budget[year]
