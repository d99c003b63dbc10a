r"""Queueing formulas for short-term services: how much headroom above the average load keeps
waits within a standard (MODEL.md section 13).

A short-term service with ``r`` people on it on average (its load) and ``n`` places is a
many-server queue. In the Halfin–Whitt regime, with ``n = r + \beta \sqrt{z r}``:

* the share of people who wait for a place is
  :math:`\alpha(\beta) = [1 + \beta \Phi(\beta) / \varphi(\beta)]^{-1}` (Halfin and Whitt,
  1981, "Heavy-traffic limits for queues with many exponential servers", Operations Research
  29(3)); for M/M/n this is Erlang C's probability of waiting, in the limit;
* the mean number waiting is :math:`\sqrt{z r}\, g(\beta)` with
  :math:`g(\beta) = \alpha(\beta) / \beta` (Erlang C's :math:`C \cdot r / (n - r)` written in
  the same scale), so the person-days waited in a year are 364 times that (a planning
  year's days, :mod:`models.units`);
* ``z = (D + cv^2) / 2`` allows for arrivals bunched beyond Poisson (``D``, the variance of
  arrivals over their mean) and lengths of stay more or less variable than exponential
  (``cv``, their coefficient of variation): Whitt's heuristic for many-server queues (Whitt,
  1992, "Understanding the efficiency of multi-server service systems", Management Science
  38(5)). ``z = 1`` for Poisson arrivals and exponential stays, where the formulas are exact
  in the limit.

For the small loads of a locality's short-term service (a few to a few dozen beds) the
rule is refined by the constant :func:`correction` ``(beta^2 + 2) / 6`` places, the second
order term of Erlang C's expansion around the Halfin–Whitt limit (in the spirit of Janssen,
van Leeuwaarden and Zwart, 2011, "Refining square-root safety staffing by expanding Erlang
C", Operations Research 59(6)). With it, ``r + beta sqrt(r) + correction`` is within one
place of Erlang C's answer from a load of one bed up (tests/test_headroom.py checks it).

The simulation (:mod:`optimiser.simulate`) is the judge of these approximations.
"""

from __future__ import annotations

import math
from collections.abc import Callable

_SQRT_2PI = math.sqrt(2 * math.pi)
_NEVER = 30.0
"""Headroom beyond which no one waits (the share is below 1e-190; the normal density
underflows a little further on)."""


def _phi(x: float) -> float:
    """The standard normal density."""
    return math.exp(-x * x / 2) / _SQRT_2PI


def _cdf(x: float) -> float:
    """The standard normal distribution function."""
    return 0.5 * (1 + math.erf(x / math.sqrt(2)))


def wait_probability(beta: float) -> float:
    """Halfin–Whitt: the share of people who wait, with headroom ``beta`` (> 0) standard
    deviations of the load above it."""
    if beta <= 0:
        return 1.0
    if beta > _NEVER:
        return 0.0
    return 1 / (1 + beta * _cdf(beta) / _phi(beta))


def correction(beta: float) -> float:
    """Places added to the square-root rule for small loads: ``(beta^2 + 2) / 6``."""
    return (beta * beta + 2) / 6


def queue_factor(beta: float) -> float:
    """``g(beta) = wait_probability(beta) / beta``: the mean number waiting per
    ``sqrt(z r)``. Convex and decreasing in ``beta``."""
    return wait_probability(beta) / beta


def queue_factor_slope(beta: float) -> float:
    """The derivative of :func:`queue_factor` (negative)."""
    step = 1e-6 * max(1.0, beta)
    return (queue_factor(beta + step) - queue_factor(beta - step)) / (2 * step)


def _decreasing_root(f: Callable[[float], float], target: float) -> float:
    """The ``beta`` in (0, 10] where the decreasing function ``f`` falls to ``target``
    (bisection; 10 where it is still above)."""
    low, high = 1e-9, 10.0
    if f(high) > target:
        return high
    for _ in range(200):
        middle = (low + high) / 2
        if f(middle) > target:
            low = middle
        else:
            high = middle
    return high


def beta_for_wait_share(share: float) -> float:
    """The headroom ``beta`` at which the share of people who wait is ``share`` (0 < share
    < 1)."""
    return _decreasing_root(wait_probability, share)


def beta_for_mean_wait(mean_wait_days: float, load: float, stay_days: float,
                       z: float) -> float:
    """The headroom ``beta`` at which the mean wait over everyone arriving is
    ``mean_wait_days``, for a load of ``load`` people staying ``stay_days`` on average.

    Little's law: mean wait = mean number waiting / arrivals a day
    = ``sqrt(z r) g(beta) stay / r``, so ``g(beta) = wait sqrt(r) / (stay sqrt(z))``."""
    if mean_wait_days <= 0:
        return 10.0
    target = mean_wait_days * math.sqrt(load) / (stay_days * math.sqrt(z))
    return _decreasing_root(queue_factor, target)


DELAY_BREAKPOINTS: tuple[float, ...] = (0.1, 0.2, 0.3, 0.45, 0.6, 0.8, 1.0, 1.25, 1.5, 2.0,
                                        2.5, 3.0, 4.0)
"""The values of ``beta`` where the wait-days of a priced service are approximated by the
tangents of :func:`queue_factor` (a convex function, so the largest tangent is a lower
envelope that meets it at each breakpoint)."""


def delay_tangents() -> list[tuple[float, float]]:
    r"""``(intercept, slope)`` of each tangent of ``g`` at :data:`DELAY_BREAKPOINTS`, as
    :math:`g(\beta) \ge intercept + slope \cdot \beta`."""
    return [(queue_factor(b) - queue_factor_slope(b) * b, queue_factor_slope(b))
            for b in DELAY_BREAKPOINTS]
