"""Headroom for short-term services: the reference loads the tangents are taken at, the one
re-solve at the first plan's loads, and the tables that report headroom and feed the
simulation (MODEL.md sections 13 and 14).

The rows themselves are in :mod:`optimiser.constraints.headroom`; this module sets their
mutable parameters. The first solve sizes services held to a standard to their peak month's
average load (a tangent taken at a guessed load far from the plan's would ask for needless
places, and where a market or workforce limit binds could leave no plan at all), and takes
priced delays' tangents at an estimate of the load (every person for whom a pathway through
the service is suitable routed along it). The re-solve takes every tangent at the first
plan's own load, from the last basis of the same HiGHS model."""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd
import pyomo.environ as pyo

from models.units import DAYS_PER_YEAR
from optimiser import queueing
from optimiser.compile import Values
from optimiser.prepare import Prepared
from optimiser.solve import DirectHighs, SolveOutcome
from optimiser.variability import Queue, reference, sqrt_rule, stay_days

Key = tuple[str, str, str]


@dataclass(frozen=True)
class Load:
    """A short-term service's year in one locality: people on it on average and people
    starting an episode."""

    people: float
    arrivals: float

    @property
    def stay_days(self) -> float:
        return stay_days(self.people, self.arrivals)


def headroom_rows(d: Prepared) -> list[Key]:
    """(locality, service, year) of every service held to a waiting standard."""
    return [(loc, s, t) for loc, s in d.variability.held("standard") for t in d.years]


def season_rows(d: Prepared) -> list[tuple[str, str, str, int]]:
    """(locality, service, year, season) of every service whose delays are priced."""
    return [(loc, s, t, k) for loc, s in d.variability.held("priced") for t in d.years
            for k in range(len(d.variability.queue(loc, s).seasons))]


def piece_rows(d: Prepared) -> list[tuple[str, str, str, int, int]]:
    """A row for each tangent of the wait curve in each priced season."""
    pieces = range(len(queueing.DELAY_BREAKPOINTS))
    return [row + (j,) for row in season_rows(d) for j in pieces]


def estimated_loads(d: Prepared) -> dict[Key, Load]:
    """The first solve's reference: each short-term service's load were everyone for whom a
    pathway through it is suitable routed along it."""
    loads = {}
    for loc, s in d.variability.queues:
        u = d.variability.queue(loc, s).units_per_person
        for t in d.years:
            people = arrivals = 0.0
            for p in d.pathway_services:
                if s not in d.pathway_services[p]:
                    continue
                routed = d.suitable[p] * d.demand.get((loc, d.pathway_cohort[p], t), 0.0)
                people += d.usage_in(loc, p, s) * routed / u
                arrivals += d.variability.entries.get((p, s), 0.0) * routed
            loads[loc, s, t] = Load(people, arrivals)
    return loads


def tangent(queue: Queue, load: Load) -> tuple[float, float]:
    """(coefficient on use, margin in capacity units) of the headroom row with the square
    root's tangent at ``load``."""
    r0 = reference(load.people)
    beta = queue.beta(r0, load.stay_days or 1.0)
    f, z = queue.peak, queue.z
    coefficient = f * (1 + beta * math.sqrt(z) / (2 * math.sqrt(f * r0)))
    margin = beta * math.sqrt(z * f * r0) / 2 + queueing.correction(beta)
    return coefficient, queue.units_per_person * margin


@dataclass(frozen=True)
class Kept:
    """The headroom a standard's row keeps, read back from its tangent (for the diagnosis,
    which sees the row's coefficient and margin but not the load they were taken at)."""

    beta: float
    """Headroom in standard deviations of the peak month's load (0: none)."""
    spread: float
    """The standard deviation of the peak month's load, sqrt(z f r0), in people."""

    @property
    def people(self) -> float:
        """Places above the peak month's average load: ``beta spread + (beta^2 + 2) / 6``."""
        return self.beta * self.spread + queueing.correction(self.beta) if self.beta else 0.0

    def beta_without(self, places: float) -> float:
        """The headroom ``beta`` left when ``places`` (people) fewer are kept free: the root
        of ``b spread + (b^2 + 2) / 6 = people - places``; 0 when nothing is left."""
        left = self.people - places
        root = 9 * self.spread ** 2 - 2 + 6 * left
        return max(0.0, -3 * self.spread + math.sqrt(root)) if root > 0 else 0.0


def kept(queue: Queue, coefficient: float, margin: float) -> Kept:
    r"""The inverse of :func:`tangent`: with :math:`a = coefficient / f - 1` and
    :math:`M = margin / u`, :math:`a = \beta \sqrt{z} / (2 s)` and
    :math:`M - (\beta^2 + 2)/6 = \beta \sqrt{z} s / 2` (:math:`s = \sqrt{f r_0}`), so
    :math:`\beta^2 = a (M - 1/3) / (z/4 + a/6)` and the spread is :math:`\sqrt{z} s
    = z \beta / (2 a)`. A row at its first-solve values (no margin) keeps none."""
    a = coefficient / queue.peak - 1
    excess = margin / queue.units_per_person - 1 / 3
    if a <= 0 or excess <= 0:
        return Kept(0.0, 0.0)
    beta = math.sqrt(a * excess / (queue.z / 4 + a / 6))
    return Kept(beta, queue.z * beta / (2 * a))


def delay_scale(queue: Queue, load: Load, season: int) -> float:
    """sqrt(z f r0): the wait curve's scale in a season, at the reference load."""
    factor, _ = queue.seasons[season]
    return math.sqrt(queue.z * factor * reference(load.people))


def initial_parameters(d: Prepared) -> dict[str, dict]:
    """The mutable parameters' values for the first solve: services held to a standard are
    sized to their peak month's average load (no margin yet), so the first plan's loads are
    what a plan without headroom would route; priced delays take their tangents at the
    estimated loads."""
    first = parameters(d, estimated_loads(d))
    for key in first["headroom_coefficient"]:
        first["headroom_coefficient"][key] = d.variability.queue(*key[:2]).peak
        first["headroom_margin"][key] = 0.0
    return first


def parameters(d: Prepared, loads: dict[Key, Load]) -> dict[str, dict]:
    """``headroom_coefficient``, ``headroom_margin`` and ``delay_scale`` at these loads."""
    coefficient, margin, scale = {}, {}, {}
    for key in headroom_rows(d):
        coefficient[key], margin[key] = tangent(d.variability.queue(*key[:2]), loads[key])
    for loc, s, t, k in season_rows(d):
        scale[loc, s, t, k] = delay_scale(d.variability.queue(loc, s), loads[loc, s, t], k)
    return {"headroom_coefficient": coefficient, "headroom_margin": margin,
            "delay_scale": scale}


def plan_loads(m: pyo.ConcreteModel, v: Values) -> dict[Key, Load]:
    """Each short-term service's load and arrivals in a solved plan."""
    d = m.data
    use = dict(zip(v.keys(m.capacity), v.expression(m.use).tolist(), strict=True))
    routed = dict(zip(v.keys(m.routed), v.of(m.routed).tolist(), strict=True))
    loads = {}
    for loc, s, t in v.keys(m.capacity):
        if s not in d.short_term_set:
            continue
        u = d.variability.queue(loc, s).units_per_person
        arrivals = sum(d.variability.entries.get((p, s), 0.0) * routed[loc, p, t]
                       for p in d.pathways_using[s])
        loads[loc, s, t] = Load(use[loc, s, t] / u, arrivals)
    return loads


def needs_refining(m: pyo.ConcreteModel) -> bool:
    """Whether the model has headroom or delay rows whose tangents follow the plan."""
    return len(m.HEADROOM) + len(m.DELAY) > 0


def refine(m: pyo.ConcreteModel, solver: DirectHighs, outcome: SolveOutcome) -> SolveOutcome:
    """Take every tangent at the plan's own load and solve once more from the last basis
    (the rows' coefficients and bounds change in place). Returns the re-solve's outcome, or
    the first one when there is nothing to refine or no plan."""
    if outcome.status != "optimal" or outcome.values is None or not needs_refining(m):
        return outcome
    for name, values in parameters(m.data, plan_loads(m, outcome.values)).items():
        component = getattr(m, name)
        for key, value in values.items():
            component[key] = value
    return solver.solve(m)


# --- tables -----------------------------------------------------------------------------

def _standard_words(queue: Queue) -> str:
    if queue.standard == "wait_share":
        words = f"at most {queue.level:.0%} wait"
    elif queue.standard == "mean_wait_days":
        words = f"mean wait at most {queue.level:g} days"
    else:
        words = "none"
    if queue.delay_price:
        words += f"; delays priced at £{queue.delay_price:,.2f} a day"
    return words


NO_SPARE_PLACES = "no spare places: waits grow without limit"
"""Why a service's waits are not estimated: in some season the places planned are no more
than the people on it, so (as in any queue run full) the queue grows without limit and the
Halfin–Whitt estimates of days waited have no finite value."""


def _estimates(queue: Queue, load: Load, places: float) -> dict[str, float]:
    """The Halfin–Whitt estimates of waiting at these usable places, over the year. Where a
    season has no spare places the days waited and the mean wait have no finite value: they
    are left blank (NaN; :data:`NO_SPARE_PLACES` says why)."""
    shares, waits, days_total = 0.0, 0.0, 0.0
    for factor, days in queue.seasons:
        peak = factor * load.people
        spread = math.sqrt(queue.z * peak) if peak > 0 else 0.0
        if spread == 0.0:
            continue
        beta = (places - peak) / spread
        waits += days * spread * queueing.queue_factor(beta) if beta > 0 else math.nan
        shares += days * factor * queueing.wait_probability(beta)
        days_total += days * factor
    share = shares / days_total if days_total else 0.0
    arrivals_a_day = load.arrivals / DAYS_PER_YEAR
    return {"estimated_share_waiting": share,
            "estimated_wait_days": waits,
            "estimated_mean_wait_days": (waits / DAYS_PER_YEAR / arrivals_a_day
                                         if arrivals_a_day else 0.0)}


def short_term_tables(m: pyo.ConcreteModel, v: Values) -> dict[str, pd.DataFrame]:
    """``headroom``: each short-term service's load, headroom and estimated waits by
    locality and year; ``short_term``: what ``optimiser simulate`` needs to run each one
    again from the plan folder alone."""
    d = m.data
    capacity = dict(zip(v.keys(m.capacity), v.of(m.capacity).tolist(), strict=True))
    headroom, simulation = [], []
    for (loc, s, t), load in plan_loads(m, v).items():
        queue = d.variability.queue(loc, s)
        places = d.occupancy[s] * capacity[loc, s, t] / queue.units_per_person
        kept = d.variability.headroom and queue.standard != "none"
        beta = queue.beta(reference(load.people), load.stay_days or 1.0) if kept else 0.0
        estimates = _estimates(queue, load, places)
        wait_cost = (queue.delay_price * estimates["estimated_wait_days"]
                     if queue.delay_price else 0.0)
        unbounded = math.isnan(estimates["estimated_wait_days"])
        headroom.append({
            "locality": loc, "service": s, "year": t,
            "standard": (_standard_words(queue) if d.variability.headroom
                         else "planned on the average"),
            "mean_stay_days": load.stay_days,
            "average_load": load.people, "peak_load": queue.peak * load.people,
            "places": places, "headroom": places - load.people, "beta": beta,
            "square_root_rule": sqrt_rule(load.people, beta, queue) if kept else 0.0,
            **estimates, "waits_not_estimated": NO_SPARE_PLACES if unbounded else "",
            "delay_price": queue.delay_price or 0.0,
            "estimated_delay_cost": wait_cost,
        })
        simulation.append({
            "locality": loc, "service": s, "year": t, "arrivals": load.arrivals,
            "mean_stay_days": load.stay_days, "places": places,
            "capacity": capacity[loc, s, t], "arrival_dispersion": queue.dispersion,
            "stay_cv": queue.stay_cv, "stay_shape": queue.stay_shape,
            "standard": queue.standard, "level": queue.level,
            "delay_price": queue.delay_price or 0.0,
            "monthly_arrivals": ";".join(f"{f:.6g}" for f in queue.months),
        })
    return {"headroom": pd.DataFrame(headroom, columns=HEADROOM_COLUMNS),
            "short_term": pd.DataFrame(simulation, columns=SHORT_TERM_COLUMNS)}


HEADROOM_COLUMNS = [
    "locality", "service", "year", "standard", "mean_stay_days", "average_load", "peak_load",
    "places", "headroom", "beta", "square_root_rule", "estimated_share_waiting",
    "estimated_wait_days", "estimated_mean_wait_days", "waits_not_estimated", "delay_price",
    "estimated_delay_cost",
]
SHORT_TERM_COLUMNS = [
    "locality", "service", "year", "arrivals", "mean_stay_days", "places", "capacity",
    "arrival_dispersion", "stay_cv", "stay_shape", "standard", "level", "delay_price",
    "monthly_arrivals",
]


def summary_lines(tables: dict[str, pd.DataFrame], labels: dict[str, str]) -> list[str]:
    """The summary's section on short-term services: the average load, the places planned,
    the headroom and the estimated waits, by service and year over the localities."""
    table = tables.get("headroom")
    if table is None or table.empty:
        return []
    grouped = table.assign(
        waiting=table["estimated_share_waiting"] * table["average_load"]).groupby(
        ["service", "year", "standard"], as_index=False, sort=False).agg(
        average_load=("average_load", "sum"), places=("places", "sum"),
        headroom=("headroom", "sum"), waiting=("waiting", "sum"),
        wait_days=("estimated_wait_days", _total), delay_cost=("estimated_delay_cost", _total))
    grouped["estimated share waiting"] = (grouped["waiting"] / grouped["average_load"]
                                          ).map("{:.0%}".format)
    for column in ("wait_days", "delay_cost"):
        grouped[column] = grouped[column].map(_days_or_why)
    grouped["service"] = grouped["service"].map(labels)
    shown = grouped.rename(columns={
        "average_load": "people on it on average", "places": "places planned",
        "wait_days": "estimated days waited", "delay_cost": "estimated delay cost £"})
    return [
        "## Short-term services: headroom and waits", "",
        "Places in people (all localities): the average load, the places the plan keeps, and "
        "the waits the queueing approximation expects (docs/variability.md). "
        "`optimiser simulate` on this folder checks them.", "",
        shown.drop(columns=["waiting"]).to_markdown(index=False, floatfmt=",.1f"), ""]


def _total(values: pd.Series) -> float:
    """The sum over localities; blank (NaN) if one locality's is (no finite wait)."""
    return float(values.sum(skipna=False))


def _days_or_why(total: float) -> str:
    """A total for the summary, or why there is none."""
    return NO_SPARE_PLACES if math.isnan(total) else f"{total:,.1f}"
