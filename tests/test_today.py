"""Every shipped plan starts from today: routed at today's shares, the first year needs the
capacity, caseload and staff the instance says are in place today.

Each pathway and move of a shipped instance states its ``today_share``. Holding every
pathway and move at that share (the suitability limit set to it, and the shares of each
cohort summing to one, so meeting need leaves no other choice), the first year's capacity of
every service in every locality must be ``capacity0`` within 1%, and the staff it needs must
be ``staff0`` within 1%. A figure built from a different practice (the 16% jump in home
care, or a best-practice file starting with best-practice capacity) fails here.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from models import Instance
from optimiser.io import load_instance
from optimiser.pipeline import solve
from tests.test_instances import SHIPPED, _id

TOLERANCE = 0.01


def at_todays_practice(instance: Instance) -> Instance:
    """The instance with every pathway and move held at today's share, no change of
    contract design in force (today's contracts) and short-term services sized to their
    average load."""
    missing = [p.name for p in instance.pathways if p.today_share is None] + \
        [f"{m.cohort}: {m.from_service} to {m.to_service}" for m in instance.moves
         if m.today_share is None]
    assert not missing, f"{instance.name}: no today_share for {', '.join(missing)}"
    pathways = [p.model_copy(update={"suitable": p.today_share}) for p in instance.pathways]
    # Today's practice routes the same share of every need band: no band's own limit.
    moves = [m.model_copy(update={"suitable": m.today_share}) for m in instance.moves]
    # Today's short-term capacity is sized to the average load (the IPACS case's premise):
    # headroom is what a plan adds, not today's practice.
    settings = instance.settings.model_copy(update={"designs": [], "headroom": False})
    return instance.updated(pathways=pathways, moves=moves, settings=settings,
                            band_suitability=[])


def test_todays_shares_account_for_every_cohort():
    for path in SHIPPED:
        instance = load_instance(path)
        totals: dict[str, float] = {}
        for p in instance.pathways:
            assert p.today_share is not None, (_id(path), p.name)
            totals[p.cohort] = totals.get(p.cohort, 0.0) + p.today_share.value
        for cohort, total in totals.items():
            assert total == pytest.approx(1.0, abs=1e-3), (_id(path), cohort)


@pytest.mark.parametrize("path", SHIPPED, ids=_id)
def test_first_year_at_todays_practice_needs_todays_capacity_and_staff(path: Path):
    instance = load_instance(path)
    solution = solve(at_todays_practice(instance))
    assert solution.optimal, solution.message
    first = instance.years[0]
    assert float(solution.tables["unmet"]["unmet"].sum()) == pytest.approx(0.0, abs=1e-6)

    capacity = solution.tables["capacity"]
    year1 = capacity[capacity["year"] == first].set_index(["locality", "service"])["capacity"]
    today = {(r.locality, r.service): r.units.value for r in instance.capacity0}
    wrong = _off(year1, today, digits=2)
    assert not wrong, f"first-year capacity (today, plan) off by more than 1%: {wrong}"

    staff = solution.tables["workforce"]
    needed = staff[staff["year"] == first].set_index(["locality", "role"])["staff_needed"]
    staff0 = {(r.locality, r.role): r.staff0.value for r in instance.workforce}
    wrong = _off(needed, staff0, digits=1)
    assert not wrong, f"first-year staff needed (today, plan) off by more than 1%: {wrong}"


def _off(plan, today: dict, digits: int) -> list:
    """(key, today, plan) wherever the plan's first year is more than 1% from today's figure
    (or more than 0.01 where today has less than one)."""
    return [(key, round(today.get(key, 0.0), digits), round(float(value), digits))
            for key, value in plan.items()
            if abs(value - today.get(key, 0.0)) > TOLERANCE * max(today.get(key, 0.0), 1.0)]
