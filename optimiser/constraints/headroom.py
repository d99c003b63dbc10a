r"""MODEL.md constraint 13: short-term services keep headroom above their average load, or
pay for the days people wait.

For a short-term service ``s`` in locality ``l`` and year ``t``, with ``u`` capacity units a
person, the load in people is :math:`r = use_{l,s,t} / u` and the usable places are
:math:`n = occupancy_s \cdot capacity_{l,s,t} / u`. The busiest month's load is :math:`f r`
(``f`` the seasonal peak factor) and the load varies by :math:`z` times Poisson
(:mod:`optimiser.queueing`).

* Under a waiting standard, the square-root rule
  :math:`n \ge f r + \beta \sqrt{z f r} + (\beta^2 + 2)/6` holds with :math:`\sqrt{\cdot}`
  replaced by its tangent at a reference load :math:`r_0` (from a first solve): the tangent
  lies above the square root everywhere, so the row is never looser than the rule, and it
  stays linear. ``headroom_coefficient`` is :math:`f (1 + \beta \sqrt{z} / (2 \sqrt{f r_0}))`
  and ``headroom_margin`` is :math:`u (\beta \sqrt{z f r_0} / 2 + (\beta^2 + 2)/6)`.
* Under a delay price, the person-days waited in each season of the year are at least every
  tangent of the (convex) Halfin–Whitt wait curve at the breakpoints of
  :data:`optimiser.queueing.DELAY_BREAKPOINTS`; the objective pays the price on them.

Both keep their reference-dependent figures in mutable parameters (``headroom_coefficient``,
``headroom_margin``, ``delay_scale``), so the re-solve at the first plan's load changes
coefficients and bounds of a persistent model rather than rebuilding it."""

from __future__ import annotations

from optimiser.constraints.linear import linear
from optimiser.queueing import delay_tangents

_TANGENTS = delay_tangents()


def short_term_headroom(m, locality, service, year):
    r"""occupancy_s \cdot capacity_{l,s,t} \ge headroom\_coefficient_{l,s,t} \cdot use_{l,s,t}
    + headroom\_margin_{l,s,t}.

    Enough places are commissioned above the average that a person ready to leave hospital
    waits for one no more often (or no longer) than the commissioner's standard allows, even
    in the busiest month."""
    usable = m.data.occupancy[service] * m.capacity[locality, service, year]
    return usable >= (m.headroom_coefficient[locality, service, year]
                      * m.use[locality, service, year]
                      + m.headroom_margin[locality, service, year])


def delay_wait_days(m, locality, service, year, season, piece):
    r"""wait\_days_{l,s,t,k} \ge days_k \left(a_j \cdot delay\_scale_{l,s,t,k}
    + b_j (n - f_k r)\right) for each tangent j of the wait curve.

    The days people spend waiting for a place in each season, in a hospital bed they no
    longer need or at home without support, as the queue's average would have them; the
    objective pays the commissioner's price for each."""
    d = m.data
    queue = d.variability.queue(locality, service)
    factor, days = queue.seasons[season]
    intercept, slope = _TANGENTS[piece]
    per_unit = days * slope / queue.units_per_person
    gap = linear([(per_unit * d.occupancy[service], m.capacity[locality, service, year])]) \
        - per_unit * factor * m.use[locality, service, year]
    return m.wait_days[locality, service, year, season] - gap >= \
        days * intercept * m.delay_scale[locality, service, year, season]


def delay_cost(m, locality, service, year, season):
    """£ of the days people wait for a place in the season, at the commissioner's price."""
    price = m.data.variability.queue(locality, service).delay_price
    return price * m.wait_days[locality, service, year, season]
