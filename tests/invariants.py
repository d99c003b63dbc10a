"""Invariants every solved instance must satisfy, whatever its data."""

from __future__ import annotations

import pandas as pd

from optimiser.pipeline import Solution

TOL = 1e-5


def _close(a, b, scale: float = 1.0) -> bool:
    return abs(a - b) <= TOL * max(1.0, abs(scale), abs(a), abs(b))


def check_invariants(solution: Solution) -> None:
    """Assert demand, caseload, capacity, market, workforce and cost invariants."""
    assert solution.optimal, solution.message
    m, t = solution.model, solution.tables
    d = m.data

    # Demand is routed or reported unmet.
    routed = t["flows"].groupby(["locality", "cohort", "year"])["people"].sum()
    for row in t["unmet"].itertuples():
        flow = routed.get((row.locality, row.cohort, row.year), 0.0)
        assert _close(flow + row.unmet, row.demand), row

    # Caseload balances year to year.
    cl = t["caseload"].set_index(["locality", "cohort", "service", "year"])["people"]
    flows = t["flows"].set_index(["locality", "pathway", "year"])["people"]
    moved = t["moves"].set_index(["locality", "move", "year"])["people"]
    for (loc, g, s, year), people in cl.items():
        before_year = d.previous[year]
        before = d.caseload0.get((loc, g, s), 0.0) if before_year is None \
            else cl[(loc, g, s, before_year)]
        entering = sum(d.enters[p, s] * flows[(loc, p, year)]
                       for p in d.pathways_of[g] if (p, s) in d.enters)
        moves_in = sum(moved[(loc, a.name, year)] for a in d.moves_into[g, s])
        moves_out = sum(moved[(loc, a.name, year)] for a in d.moves_out_of[g, s])

        def last_year(setting: str, _loc=loc, _g=g, _year=before_year) -> float:
            if _year is None:
                return d.caseload0.get((_loc, _g, setting), 0.0)
            return cl.get((_loc, _g, setting, _year), 0.0)
        worse_in = sum(w.rate * last_year(w.from_service) for w in d.worsening_into[g, s])
        worse_out = sum(w.rate for w in d.worsening_out_of[g, s]) * before
        expected = (1 - d.leave.get((g, s), 0.0)) * before + entering + moves_in - moves_out \
            + worse_in - worse_out
        assert _close(people, expected, expected), (loc, g, s, year, people, expected)

    # Use fits within occupancy × capacity and what is bought at short notice; market-change
    # bounds hold.
    cap = t["capacity"].set_index(["locality", "service", "year"])
    for (loc, s, year), row in cap.iterrows():
        spot = row.get("spot", 0.0)
        assert row.used <= d.occupancy[s] * row.capacity + spot + TOL * max(1, row.capacity)
        before_year = d.previous[year]
        before = d.capacity0.get((loc, s), 0.0) if before_year is None \
            else cap.loc[(loc, s, before_year), "capacity"]
        assert row.capacity <= (1 + d.grow_max[s]) * before + d.startup[s] + TOL * max(1, before)
        assert row.capacity >= (1 - d.shrink_max[s]) * before - TOL * max(1, before)

    # Staff cover the capacity commissioned, within recruitment limits.
    for row in t["workforce"].itertuples():
        assert row.staff_needed <= row.staff_in_post + TOL * max(1, row.staff_in_post)
        assert row.recruited <= row.recruitment_limit + TOL * max(1, row.recruitment_limit)

    # The cost breakdown adds up to the objective (when minimising cost).
    if d.objective == "min_cost":
        total = t["costs"]["discounted_cost"].sum()
        assert _close(total, solution.objective, solution.objective), (total, solution.objective)

    # Every table is tidy: no missing values, but for waits with no finite value, which are
    # blank with the reason beside them.
    for name, frame in t.items():
        numeric = frame.select_dtypes("number")
        if name == "headroom":
            unbounded = frame["waits_not_estimated"] != ""
            assert frame.loc[unbounded, "estimated_wait_days"].isna().all()
            numeric = numeric[~unbounded]
        assert not numeric.isna().any().any() or name == "outcomes", name
    assert isinstance(t["shadow_prices"], pd.DataFrame)
