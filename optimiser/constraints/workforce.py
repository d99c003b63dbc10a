"""MODEL.md constraint 5: the capacity commissioned must be staffed by a workforce that can
actually be recruited and kept."""

from __future__ import annotations

from optimiser.constraints import Expr, Model
from optimiser.constraints.linear import linear


def staff_cover_capacity(m: Model, locality: str, role: str, year: str) -> Expr:
    r"""\sum_s staff\_per\_unit_{s,w} cap_{l,s,t} \le staff_{l,w,t}.

    Every place, hour and bed commissioned needs care workers, therapists or nurses to run it
    (employed, or from an agency where the instance allows it)."""
    d = m.data
    needed = linear((d.staff_per_unit[s, role], m.capacity[locality, s, year])
                    for s in d.services_needing[role])
    if role in d.agency_premium:  # agency staff cover what employed staff cannot
        return needed <= m.staff[locality, role, year] + m.agency[locality, role, year]
    return needed <= m.staff[locality, role, year]


def staff_retention(m: Model, locality: str, role: str, year: str) -> Expr:
    r"""staff_{l,w,t} \le (1 - turnover_w) staff_{l,w,t-1} + hire_{l,w,t}.

    About a third of care workers leave each year; they must be replaced before any growth."""
    d = m.data
    before = d.previous[year]
    if before is None:
        prior = d.staff0[locality, role]  # validation requires a row for every pair
    else:
        prior = m.staff[locality, role, before]
    return m.staff[locality, role, year] <= linear(
        [(1 - d.turnover[role], prior), (1, m.hire[locality, role, year])])


def hiring_limit(m: Model, locality: str, role: str, year: str) -> Expr:
    r"""hire_{l,w,t} \le hire\_max_{l,w,t}.

    The local labour market supplies only so many recruits a year."""
    return m.hire[locality, role, year] <= m.hire_max[locality, role, year]
