"""The phase-in table: how many years each service takes to reach the level the plan wants,
when the market's growth and the recruitment of its staff hold it back.

A service is *held back* in a year when it grows that year and either its own market-growth
limit binds (in some locality) or the recruitment limit of a role that staffs it binds there,
each with a shadow price: one more unit of growth, or one more recruit, would lower the cost.
It reaches its plan level in the first year after the last year it is held back. A service
never held back reaches it in the first year; one held back in the last year has not reached
it by the end of the plan.
"""

from __future__ import annotations

from collections import defaultdict

import pandas as pd

PRICED = 1e-6
"""£ (discounted): a binding limit with a smaller shadow price holds nothing back."""

COLUMNS = ["service", "label", "unit", "capacity_today", "capacity_first_year",
           "capacity_last_year", "held_back_in", "held_back_by", "reaches_plan_level_in",
           "years_to_plan_level"]


def _holding(prices: pd.DataFrame, family: str) -> pd.DataFrame:
    rows = prices[(prices["family"] == family) & prices["binding"]
                  & (prices["shadow_price"].abs() > PRICED)]
    return rows[["locality", "item", "year"]]


def phase_in(data, capacity: pd.DataFrame, prices: pd.DataFrame) -> pd.DataFrame:
    """One row a service: today's capacity, the first and last years', the years it is held
    back and by what, and the years it takes to reach its plan level."""
    years: list[str] = list(data.years)
    roles_of: dict[str, list[str]] = defaultdict(list)
    for service, role in data.staff_per_unit:
        roles_of[service].append(role)
    by_year = capacity.groupby(["service", "year"])["capacity"].sum()
    growing = {(loc, s, t) for loc, s, t, now, before in _growth(capacity, years) if now > before}

    reasons: dict[tuple[str, str], set[str]] = defaultdict(set)
    for loc, service, year in _holding(prices, "market_growth_limit").itertuples(index=False):
        if (loc, service, year) in growing:
            reasons[service, year].add("market growth")
    for loc, role, year in _holding(prices, "hiring_limit").itertuples(index=False):
        for service in data.services:
            if role in roles_of[service] and (loc, service, year) in growing:
                reasons[service, year].add(f"recruiting {data.labels.get(role, role)}")

    rows = []
    today = capacity[capacity["year"] == years[0]].groupby("service")["capacity_today"].sum()
    for service in data.services:
        held = [t for t in years if reasons.get((service, t))]
        last = years.index(held[-1]) + 1 if held else 0
        rows.append({
            "service": service,
            "label": data.labels.get(service, service),
            "unit": data.units.get(service, ""),
            "capacity_today": float(today.get(service, 0.0)),
            "capacity_first_year": float(by_year.get((service, years[0]), 0.0)),
            "capacity_last_year": float(by_year.get((service, years[-1]), 0.0)),
            "held_back_in": ", ".join(held),
            "held_back_by": "; ".join(sorted(set().union(*(reasons[service, t] for t in held)))),
            "reaches_plan_level_in": years[last] if last < len(years)
            else f"after {years[-1]}",
            "years_to_plan_level": last + 1,
        })
    return pd.DataFrame(rows, columns=COLUMNS)


def _growth(capacity: pd.DataFrame, years: list[str]):
    """(locality, service, year, capacity, capacity the year before) for every year after
    the first, and the first year against today's."""
    keys = list(zip(capacity["locality"], capacity["service"], capacity["year"], strict=True))
    level = dict(zip(keys, capacity["capacity"].astype(float), strict=True))
    today = dict(zip(keys, capacity["capacity_today"].astype(float), strict=True))
    for loc, service, year in keys:
        i = years.index(year)
        before = today[loc, service, year] if i == 0 else level[loc, service, years[i - 1]]
        yield loc, service, year, level[loc, service, year], before * (1 + 1e-9)
