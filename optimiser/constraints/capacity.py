"""MODEL.md constraints 3 and 4: commissioned capacity covers use; the market changes only
so fast."""

from __future__ import annotations

from optimiser.constraints import Expr, Model
from optimiser.constraints.linear import linear


def use(m: Model, locality: str, service: str, year: str) -> Expr:
    """Capacity units used: short-term episodes plus the long-term caseload's packages."""
    d = m.data
    if service in d.short_term_set:
        return linear((d.usage_in(locality, p, service), m.routed[locality, p, year])
                      for p in d.pathways_using[service])
    return linear((1, m.care_units[locality, g, service, year])
                  for g in d.cohorts_in.get(service, ()))


def capacity_covers_use(m: Model, locality: str, service: str, year: str) -> Expr:
    r"""\sum_p usage_{l,p,s} routed_p + caseload\_units_{l,s,t}
    \le occupancy_s \cdot capacity_{l,s,t}.

    Every reablement place, home-care hour and bed a person uses has been commissioned,
    allowing for capacity that cannot be filled, or bought at short notice (spot) where the
    instance allows it."""
    usable = m.data.occupancy[service] * m.capacity[locality, service, year]
    if service in m.data.price_spot:
        usable = usable + m.spot[locality, service, year]
    return m.use[locality, service, year] <= usable


def _capacity_before(m: Model, locality: str, service: str, year: str) -> Expr:
    before = m.data.previous[year]
    if before is None:
        return m.data.capacity0.get((locality, service), 0.0)
    return m.capacity[locality, service, before]


def market_growth_limit(m: Model, locality: str, service: str, year: str) -> Expr:
    r"""capacity_{l,s,t} \le (1 + grow\_max_s) capacity_{l,s,t-1} + startup_s.

    Providers can recruit and open only so much new capacity in a year."""
    d = m.data
    before = _capacity_before(m, locality, service, year)
    return m.capacity[locality, service, year] <= linear([(1 + d.grow_max[service], before)],
                                                    d.startup[service])


def market_shrink_limit(m: Model, locality: str, service: str, year: str) -> Expr:
    r"""capacity_{l,s,t} \ge (1 - shrink\_max_s) capacity_{l,s,t-1}.

    Contracts and a fragile market mean capacity cannot be withdrawn overnight."""
    before = _capacity_before(m, locality, service, year)
    if m.data.shrink_max[service] >= 1.0:
        return m.capacity[locality, service, year] >= 0
    return m.capacity[locality, service, year] >= linear([(1 - m.data.shrink_max[service], before)])
