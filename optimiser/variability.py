"""The variability tables of an instance (:mod:`models.variability`) as the figures the
headroom rows and the simulation read: one :class:`Queue` for each short-term service in each
locality."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field

from models import Instance
from models.units import DAYS_PER_YEAR, MONTH_DAYS
from models.variability import MONTHS, ShortTermVariability
from optimiser import queueing

FLAT_YEAR: tuple[float, ...] = (1.0,) * 12


@dataclass(frozen=True)
class Queue:
    """How one short-term service varies in one locality, and the standard its waits are
    held to."""

    dispersion: float = 1.0
    """Variance of arrivals over their mean (1: Poisson)."""
    stay_cv: float = 1.0
    stay_shape: str = "gamma"
    mean_stay_days: float | None = None
    """The locality's own mean length of stay, in days; None: the pathways' weeks."""
    standard: str = "none"
    """'wait_share', 'mean_wait_days' or 'none' (no standard)."""
    level: float = 0.0
    """The standard's figure: a share, or days."""
    delay_price: float | None = None
    """£ a day waited, where the commissioner prices delays."""
    units_per_person: float = 1.0
    months: tuple[float, ...] = FLAT_YEAR
    """Arrivals in each month relative to a flat year (average 1)."""

    @property
    def z(self) -> float:
        """The variability of the load relative to Poisson arrivals and exponential stays."""
        return (self.dispersion + self.stay_cv ** 2) / 2

    @property
    def peak(self) -> float:
        """The busiest month's arrivals relative to the average."""
        return max(self.months)

    @property
    def seasons(self) -> list[tuple[float, float]]:
        """(factor, days in the planning year) for each distinct monthly factor."""
        days: dict[float, float] = defaultdict(float)
        for factor, length in zip(self.months, MONTH_DAYS, strict=True):
            days[factor] += length
        return sorted(days.items())

    def beta(self, reference_people: float, stay_days: float) -> float:
        """The headroom, in standard deviations of the peak load, that meets the standard."""
        if self.standard == "wait_share":
            return queueing.beta_for_wait_share(self.level)
        if self.standard == "mean_wait_days":
            return queueing.beta_for_mean_wait(self.level, self.peak * reference_people,
                                               stay_days, self.z)
        return 0.0


@dataclass
class Variability:
    """The queues of an instance's short-term services, and how people enter them."""

    queues: dict[tuple[str, str], Queue] = field(default_factory=dict)
    """(locality, service) → its queue, where the instance states variability."""
    entries: dict[tuple[str, str], float] = field(default_factory=dict)
    """(routed pathway, service) → share of the pathway's people who start an episode on
    it."""
    headroom: bool = True
    """Whether the plan keeps headroom for the standards and prices (else it is planned on
    the average, and the queues serve only the simulation)."""

    def queue(self, locality: str, service: str) -> Queue:
        """The stated queue, or Poisson arrivals, exponential stays and a flat year."""
        return self.queues.get((locality, service), Queue())

    def held(self, kind: str) -> list[tuple[str, str]]:
        """(locality, service) pairs with a waiting standard ('standard') or a delay price
        ('priced'); none when the plan is made on the average."""
        if not self.headroom:
            return []
        if kind == "priced":
            return [key for key, q in self.queues.items() if q.delay_price is not None]
        return [key for key, q in self.queues.items() if q.standard != "none"]


def _figure(value, default: float) -> float:
    return default if value is None else value.value


def _queue(row: ShortTermVariability, months: tuple[float, ...]) -> Queue:
    standard = next((name for name in ("wait_share", "mean_wait_days")
                     if getattr(row, name) is not None), "none")
    return Queue(
        dispersion=_figure(row.arrival_dispersion, 1.0),
        stay_cv=_figure(row.stay_cv, 1.0), stay_shape=row.stay_shape,
        mean_stay_days=None if row.mean_stay_days is None else row.mean_stay_days.value,
        standard=standard, level=_figure(getattr(row, standard, None), 0.0),
        delay_price=None if row.delay_price is None else row.delay_price.value,
        units_per_person=_figure(row.units_per_person, 1.0), months=months,
    )


def _profiles(instance: Instance) -> dict[str, tuple[float, ...]]:
    """Each profiled service's twelve monthly factors, scaled to average 1."""
    raw: dict[str, dict[str, float]] = defaultdict(dict)
    for row in instance.arrival_profile:
        raw[row.service][row.month] = row.factor.value
    profiles = {}
    for service, by_month in raw.items():
        mean = sum(by_month.values()) / len(MONTHS)
        profiles[service] = tuple(by_month[m] / mean for m in MONTHS)
    return profiles


def prepare_variability(instance: Instance, routes: Mapping[str, str]) -> Variability:
    """The queue of every (locality, service) the variability table covers: a locality's own
    row, else the service-wide row; and the share of each routed pathway's people (``routes``:
    routed pathway → the instance's pathway, one per need band it is open to) who start an
    episode on each service."""
    profiles = _profiles(instance)
    rows = {(r.locality, r.service): r for r in instance.short_term_variability}
    queues = {}
    for loc in instance.localities:
        for service in instance.services:
            row = rows.get((loc.name, service.name)) or rows.get((None, service.name))
            if row is not None:
                queues[loc.name, service.name] = _queue(
                    row, profiles.get(service.name, FLAT_YEAR))
    shares: dict[tuple[str, str], float] = defaultdict(float)
    for stage in instance.stages:
        shares[stage.pathway, stage.service] += stage.share.value
    entries = {(route, s): share for route, pathway in routes.items()
               for (p, s), share in shares.items() if p == pathway}
    return Variability(queues=queues, entries=entries,
                       headroom=instance.settings.headroom)


def stay_days(load_people: float, arrivals: float) -> float:
    """Mean length of stay in days: Little's law on a year's load and arrivals."""
    return DAYS_PER_YEAR * load_people / arrivals if arrivals > 0 else 0.0


REFERENCE_FLOOR = 1.0
"""The smallest reference load (people) a tangent is taken at: a service with almost no one
on it still keeps the headroom of one person's worth of load, and the tangent stays finite."""


def reference(load_people: float) -> float:
    return max(load_people, REFERENCE_FLOOR)


def sqrt_rule(load_people: float, beta: float, queue: Queue) -> float:
    """The square-root rule's usable places at the peak month:
    ``f r + beta sqrt(z f r) + (beta^2 + 2) / 6``."""
    peak = queue.peak * load_people
    return peak + beta * math.sqrt(queue.z * peak) + queueing.correction(beta)
