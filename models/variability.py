"""How short-term services vary: arrivals, lengths of stay, seasons and the standard a
commissioner sets for waiting (MODEL.md sections 13 and 14).

People leaving hospital do not arrive evenly, and they do not all stay the same number of
weeks. A service sized to the average load is full about half the time, and someone waits for
a place: in a hospital bed they no longer need, or at home without support. These two optional
tables say how much a service's arrivals and stays vary and how long a person may wait, so the
plan can keep headroom above the average and a simulation can check it.

An instance without them is planned on averages, exactly as before.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import model_validator

from models.row import Row
from models.sourced import Amount, Days, Factor, Share

if TYPE_CHECKING:
    from models.instance import Instance
    from models.references import _Checker

MONTHS: tuple[str, ...] = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)


class ShortTermVariability(Row):
    """How one short-term service varies, in every locality or in one, and the standard its
    waits are held to: a share who may wait or a mean wait, and/or a price on every day
    waited."""

    service: str
    locality: str | None = None
    """Empty for every locality; a locality's own row replaces the service-wide one there."""
    arrival_dispersion: Factor | None = None
    """Variance of the number of people arriving over their mean (1 or empty: Poisson, people
    arriving independently; above 1: they come in bunches, as after a weekend)."""
    stay_cv: Amount | None = None
    """Coefficient of variation of the length of stay (standard deviation over mean; empty:
    1, as for an exponential stay)."""
    mean_stay_days: Days | None = None
    """Mean length of stay on the service in days (empty: the pathways' weeks on it). Set on
    a locality's row where people there stay longer or shorter than elsewhere: the same
    arrivals then need more or fewer places."""
    stay_shape: Literal["gamma", "lognormal"] = "gamma"
    """The length-of-stay distribution with that mean and coefficient of variation."""
    wait_share: Share | None = None
    """Standard: the largest share of people who may wait at all for a place."""
    mean_wait_days: Amount | None = None
    """Standard: the longest mean wait for a place, in days, over everyone arriving."""
    delay_price: Amount | None = None
    """£ for each day a person waits for a place (a delayed hospital bed costs about £2,000 a
    week). Without a standard the plan trades headroom against this cost; with one, the
    standard is a floor and the price also counts the delays left."""
    units_per_person: Amount | None = None
    """Capacity units one person occupies while on the service (empty: 1, a place or a bed)."""

    @model_validator(mode="after")
    def _one_standard(self) -> ShortTermVariability:
        standards = [name for name in ("wait_share", "mean_wait_days")
                     if getattr(self, name) is not None]
        if len(standards) > 1 or not (standards or self.delay_price is not None):
            raise ValueError(
                f"found {', '.join(standards) or 'none'}; expected one standard (wait_share or "
                "mean_wait_days), a delay_price, or a standard and a delay_price together")
        if self.wait_share is not None and not 0 < self.wait_share.value < 1:
            raise ValueError(f"wait_share: found {self.wait_share.value}; expected a share "
                             "strictly between 0 and 1")
        return self


class ArrivalMonth(Row):
    """The relative number of people arriving at a short-term service in one month (a winter
    peak). A service's months are scaled so their average is 1; a service with no rows has a
    flat year."""

    service: str
    month: Literal[MONTHS]  # type: ignore[valid-type]
    factor: Factor
    """Arrivals in the month relative to the other months (1.2 = a fifth above a flat year)."""


VARIABILITY_TABLES: tuple[str, ...] = ("short_term_variability", "arrival_profile")
"""The instance tables this module adds (declared on :class:`models.Instance`)."""


def check_variability(c: _Checker, instance: Instance) -> None:
    """Cross-table checks: short-term services and localities that exist, one row per
    service and locality, twelve months once each for a service with a profile."""
    short = {s.name for s in instance.services if s.kind == "short_term"}
    c.refers("short_term_variability", "service", "short-term services", short, "services")
    c.refers("short_term_variability", "locality", "localities")
    c.refers("arrival_profile", "service", "short-term services", short, "services")
    c.unique("short_term_variability", "service", "locality")
    c.unique("arrival_profile", "service", "month")
    months: dict[str, set[str]] = {}
    for row in instance.arrival_profile:
        months.setdefault(row.service, set()).add(row.month)
    for service, seen in months.items():
        missing = [m for m in MONTHS if m not in seen]
        if missing:
            c.add("arrival_profile", None, "month", ", ".join(missing),
                  f"a row for every month of {service!r} (or none, for a flat year)")
