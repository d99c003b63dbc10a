"""One short-term service in one locality, over the planning years, as a discrete-event
simulation with ciw (a queueing-network library): people arrive (Poisson, or in bunches),
wait for a place if every place is taken, stay for a length of stay drawn from its stated
distribution, and leave.

* Arrivals follow the plan's people a year, shaped by month (the seasonal profile), as a
  Poisson process with piecewise-constant rates. Over-dispersed arrivals (variance ``D``
  times the mean) come in batches of geometric size with mean ``(D + 1) / 2``, whose
  compound-Poisson counts have exactly that variance-to-mean ratio.
* Lengths of stay are gamma or lognormal with the plan's mean stay (its load over its
  arrivals, by Little's law) and the stated coefficient of variation.
* Places are whole: each year's usable places (commissioned capacity × occupancy, in people)
  are rounded up, as a commissioner buys whole beds. A place given up mid-stay is released
  when its person leaves.
* The service starts empty ``warm_up`` days before the first year, at the first year's rates,
  so the first year is not flattered by an empty start.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import ciw
import numpy as np

from models.units import DAYS_IN_MONTH, DAYS_PER_WEEK, DAYS_PER_YEAR

DAYS = float(DAYS_PER_YEAR)
"""A planning year of 52 weeks, in days (:mod:`models.units`)."""
MONTH_ENDS = DAYS * np.cumsum(DAYS_IN_MONTH) / sum(DAYS_IN_MONTH)
"""The end of each month of a planning year, in days (December's: the year's end)."""
TOLERANCE = 1e-6


@dataclass(frozen=True)
class Year:
    """A planning year of the service, from the plan."""

    name: str
    arrivals: float
    """People starting an episode in the year."""
    mean_stay_days: float
    places: float
    """Usable places, in people (may be fractional in the plan)."""


@dataclass(frozen=True)
class QueueSpec:
    """Everything the simulation of one service in one locality needs."""

    locality: str
    service: str
    years: tuple[Year, ...]
    dispersion: float = 1.0
    stay_cv: float = 1.0
    stay_shape: str = "gamma"
    months: tuple[float, ...] = (1.0,) * 12
    delay_price: float = 0.0

    @property
    def warm_up(self) -> float:
        """Days run before the first year and not counted: five first-year stays, at least
        four weeks."""
        return max(4.0 * DAYS_PER_WEEK, 5 * self.years[0].mean_stay_days)


def servers(places: float) -> int:
    """Whole places: usable places rounded up (a bed is bought whole)."""
    return max(0, math.ceil(places - TOLERANCE))


class _Stay(ciw.dists.Distribution):
    """Lengths of stay whose mean follows the planning year the person starts in."""

    def __init__(self, spec: QueueSpec):
        self.spec = spec
        self.means = [y.mean_stay_days for y in spec.years]
        self.offset = spec.warm_up

    def _mean(self, t: float) -> float:
        year = int(max(0.0, t - self.offset) // DAYS)
        return self.means[min(year, len(self.means) - 1)]

    def sample(self, t=None, ind=None):
        mean, cv = self._mean(t or 0.0), self.spec.stay_cv
        if mean <= 0:
            return 0.0
        if cv <= 0:
            return mean
        if self.spec.stay_shape == "lognormal":
            sigma2 = math.log(1 + cv * cv)
            return float(ciw.rng.lognormal(math.log(mean) - sigma2 / 2, math.sqrt(sigma2)))
        shape = 1 / (cv * cv)
        return float(ciw.rng.gamma(shape, mean / shape))


class _Places(ciw.Node):
    """A service whose places change at the start of a year by the difference only: places
    kept keep their people, and a place given up closes when its person leaves. (ciw's own
    shift change replaces every server, letting busy ones finish: for a moment there would
    be two sets of places.)"""

    def change_shift(self):
        self.schedule.get_next_shift()
        self.next_shift_change = self.schedule.next_shift_change_date
        self.c = self.schedule.c
        open_places = [s for s in self.servers if not s.offduty]
        change = self.c - len(open_places)
        if change > 0:
            self.add_new_servers(change)
        for place in sorted(open_places, key=lambda s: s.busy)[:max(0, -change)]:
            if place.busy:
                place.offduty = True
            else:
                self.kill_server(place)
        self.begin_service_if_possible_change_shift()


class _Batch(ciw.dists.Distribution):
    """Geometric batch sizes (1, 2, ...) with success probability ``p``."""

    def __init__(self, p: float):
        self.p = p

    def sample(self, t=None, ind=None):
        return int(ciw.rng.geometric(self.p))


def _arrival_rates(spec: QueueSpec, batch_mean: float) -> tuple[list[float], list[float]]:
    """Batch-arrival rates a day and the end of each interval: the warm-up, then each month
    of each year."""
    first = spec.years[0].arrivals / DAYS / batch_mean
    rates, ends = [first], [spec.warm_up]
    for i, year in enumerate(spec.years):
        daily = year.arrivals / DAYS / batch_mean
        for factor, end in zip(spec.months, MONTH_ENDS, strict=True):
            rates.append(daily * factor)
            ends.append(spec.warm_up + i * DAYS + end)
    return rates, ends


def simulate(spec: QueueSpec, seed: int) -> list[dict[str, float | str]]:
    """One run: per planning year, the occupancy, waits and delays of the people who arrived
    in it (each followed until they have a place, however long after the year)."""
    ciw.seed(seed)
    horizon = spec.warm_up + DAYS * len(spec.years)
    batch_p = 2 / (spec.dispersion + 1) if spec.dispersion > 1 else 1.0
    rates, ends = _arrival_rates(spec, 1 / batch_p)
    staffing = [servers(y.places) for y in spec.years]
    schedule = ciw.Schedule(
        numbers_of_servers=[staffing[0], *staffing, staffing[-1]],
        shift_end_dates=[spec.warm_up, *[spec.warm_up + DAYS * (i + 1)
                                         for i in range(len(staffing))], 1e12])
    network = ciw.create_network(
        arrival_distributions=[ciw.dists.PoissonIntervals(rates, ends, horizon)],
        service_distributions=[_Stay(spec)],
        number_of_servers=[schedule],
        batching_distributions=[_Batch(batch_p) if batch_p < 1 else ciw.dists.Deterministic(1)],
    )
    simulation = ciw.Simulation(network, node_class=_Places)
    simulation.simulate_until_max_time(horizon + _drain_days(spec))
    records = [r for r in simulation.get_all_records() if r.arrival_date < horizon]
    return _per_year(spec, records)


def _drain_days(spec: QueueSpec) -> float:
    """Time after the last arrival to let everyone still waiting reach a place: the queue
    left then drains at (at least) the last year's places over the longest mean stay."""
    return 2 * DAYS + 20 * max(y.mean_stay_days for y in spec.years)


def _per_year(spec: QueueSpec, records) -> list[dict[str, float | str]]:
    arrival = np.fromiter((r.arrival_date for r in records), dtype=float, count=len(records))
    wait = np.fromiter((r.waiting_time for r in records), dtype=float, count=len(records))
    start = arrival + wait
    end = np.fromiter((r.service_end_date for r in records), dtype=float, count=len(records))
    results: list[dict[str, float | str]] = []
    for i, year in enumerate(spec.years):
        low = spec.warm_up + i * DAYS
        mine = (arrival >= low) & (arrival < low + DAYS)
        days = low + np.arange(int(DAYS)) + 0.5
        busy = (np.searchsorted(np.sort(start), days, side="right")
                - np.searchsorted(np.sort(end), days, side="right"))
        waits = wait[mine]
        results.append({
            "year": year.name,
            "people": float(mine.sum()),
            "places": float(servers(year.places)),
            "mean_occupancy": float(busy.mean()),
            "p95_occupancy": float(np.percentile(busy, 95)),
            "share_waited": float((waits > TOLERANCE).mean()) if len(waits) else 0.0,
            "mean_wait_days": float(waits.mean()) if len(waits) else 0.0,
            "p95_wait_days": float(np.percentile(waits, 95)) if len(waits) else 0.0,
            "delayed_days": float(waits.sum()),
            "delay_cost": float(waits.sum()) * spec.delay_price,
        })
    return results
