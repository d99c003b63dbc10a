"""Data preparation: a validated instance becomes the index sets and coefficient tables the
model is built from.

Only valid combinations are listed (a cohort's caseload exists only in the settings its
pathways, today's caseload or its moves can reach), never dense products of every set.
Contract designs in force are applied here, so the model sees one set of coefficients.
Derived coefficients (a pathway's yearly use of a short-term service, the share leaving it
independent) are computed here and never typed in by hand.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property

from models import ContractDesign, Instance
from models.second_wave import ALL_COHORTS, years_of_inflation
from models.units import DAYS_PER_YEAR, WEEKS_PER_YEAR
from optimiser.bands import (
    BandedPathway,
    Group,
    banded_pathways,
    for_band,
    group_name,
    groups_for,
    need_groups,
)
from optimiser.horizon import Worsening, tail_weights
from optimiser.variability import Variability, prepare_variability
from optimiser.words import in_sentence

Key = tuple[str, ...]


@dataclass(frozen=True)
class MoveArc:
    """A permitted move of a cohort's people from one long-term setting to another."""

    name: str
    cohort: str
    from_service: str
    to_service: str
    suitable: float
    max_per_year: float | None
    package_from: float
    package_to: float


@dataclass(frozen=True)
class TargetRow:
    """One outcome-target constraint: a target applied to one group of localities in one year."""

    key: tuple[str, str, str]
    """(target name, locality group, year); the group is a locality or 'area'."""
    indicator: str
    sense: str
    localities: tuple[str, ...]
    cohorts: tuple[str, ...]
    year: str
    level: float
    basis: str
    population: float
    """Population of the group (for rate targets per 100,000)."""


@dataclass(frozen=True)
class Prepared:
    """Index sets and coefficients for one solve. Units as in :mod:`models.instance`."""

    name: str
    years: list[str]
    previous: dict[str, str | None]
    localities: list[str]
    cohorts: list[str]
    services: list[str]
    short_term: list[str]
    long_term: list[str]
    roles: list[str]
    pathways: list[str]
    indicators: list[str]
    labels: dict[str, str]
    units: dict[str, str]

    demand: dict[Key, float]
    pathway_cohort: dict[str, str]
    suitable: dict[str, float]
    usage: dict[Key, float]
    enters: dict[Key, float]
    package: dict[Key, float]
    outcome: dict[Key, float]
    pathway_services: dict[str, list[str]]

    caseload_keys: list[Key]
    caseload0: dict[Key, float]
    units0: dict[Key, float]
    leave: dict[Key, float]
    moves: list[MoveArc]

    capacity0: dict[Key, float]
    occupancy: dict[str, float]
    price_capacity: dict[str, float]
    price_use: dict[str, float]
    price_outcome: dict[Key, float]
    cost_factor: dict[str, float]
    grow_max: dict[str, float]
    shrink_max: dict[str, float]
    startup: dict[str, float]

    staff_per_unit: dict[Key, float]
    staff0: dict[Key, float]
    hire_max: dict[Key, float]
    turnover: dict[str, float]
    hire_cost: dict[str, float]

    targets: list[TargetRow]
    budget: dict[str, float]
    discount: dict[str, float]
    penalty: float
    objective: str
    objective_indicator: str | None
    variability: Variability = field(default_factory=Variability)
    local_usage: dict[Key, float] = field(default_factory=dict)
    """(locality, pathway, service) → capacity units a year per person routed, where the
    locality states its own mean length of stay on a short-term service (``usage``
    elsewhere)."""
    price_spot: dict[str, float] = field(default_factory=dict)
    """£ per unit bought at short notice beyond block capacity, for services that allow it."""
    agency_premium: dict[str, float] = field(default_factory=dict)
    """£ per agency FTE-year over an employed one, for roles that can use agency staff."""

    # Second wave (MODEL.md 8-11 and the price base).
    cohort_of: dict[str, str] = field(default_factory=dict)
    """The instance's cohort of each need group (``cohorts`` lists need groups: a cohort
    without bands, or one band of a cohort, named ``cohort/band``)."""
    band_of: dict[str, str | None] = field(default_factory=dict)
    """The need band of each need group (None for a cohort without bands)."""
    penalty_of: dict[str, float] = field(default_factory=dict)
    """£ per person of unmet need, by need group (band, else cohort, else ``penalty``)."""
    duty: list[str] = field(default_factory=list)
    """Need groups whose eligible need must be met in full (``meet_eligible_need``)."""
    worsening: list[Worsening] = field(default_factory=list)
    end_of_horizon: bool = False
    tail: dict[str, list[tuple[str, str, float, float]]] = field(default_factory=dict)
    """For each long-term setting r, the care units of r needed over every year after the
    last, as (need group, setting s, per care unit in s, per person in s) at the end of the
    last year (:func:`optimiser.horizon.tail_weights`); empty when the tail is off."""
    price_year: str | None = None
    discount_rate: float = 0.0
    price_index: float = 1.0
    """Multiplier taking the instance's prices from ``price_year`` to the first planning
    year's prices."""

    def usage_in(self, locality: str, pathway: str, service: str) -> float:
        """Capacity units of a short-term service used a year per person routed along the
        pathway in the locality: for the locality's own mean stay where it states one."""
        return self.local_usage.get((locality, pathway, service), self.usage[pathway, service])

    @cached_property
    def sentence_labels(self) -> dict[str, str]:
        """Every label as it reads inside a sentence (:func:`optimiser.words.in_sentence`),
        worked out once: the shadow-price table words every row of a national model."""
        return in_sentence(self.labels, self.localities)


def prepare(instance: Instance) -> Prepared:
    """Turn a validated instance into the sets and coefficients of the linear programme."""
    designs = _designs_in_force(instance)
    years = list(instance.years)
    services = {s.name: s for s in instance.services}
    pathways = {p.name: p for p in instance.pathways}
    localities = [loc.name for loc in instance.localities]
    groups = need_groups(instance)
    routes = banded_pathways(instance, groups)
    index = price_index(instance)

    stage_services: dict[str, list[str]] = defaultdict(list)
    stage_usage: dict[Key, float] = defaultdict(float)
    stage_units: dict[Key, float] = defaultdict(float)
    for stage in instance.stages:
        weeks = stage.weeks.value * _factor(designs, stage.service, "weeks_factor")
        stage_usage[stage.pathway, stage.service] += (
            stage.share.value * weeks * stage.intensity.value / WEEKS_PER_YEAR
        )
        stage_units[stage.pathway, stage.service] += stage.share.value * stage.intensity.value
        if stage.service not in stage_services[stage.pathway]:
            stage_services[stage.pathway].append(stage.service)
    pathway_services = {r.name: stage_services[r.pathway] for r in routes
                        if r.pathway in stage_services}
    usage: dict[Key, float] = {(r.name, s): stage_usage[r.pathway, s] for r in routes
             for s in stage_services.get(r.pathway, [])}

    variability = prepare_variability(instance, {r.name: r.pathway for r in routes})
    local_usage = _local_usage(variability, designs, routes, stage_units)
    enters, package = _destinations(instance, designs, routes, stage_services)
    by_band: dict[tuple[str, str | None], float] = {
        (row.pathway, row.band): row.suitable.value for row in instance.band_suitability}
    suitable = {
        r.name: min(1.0, by_band.get((r.pathway, r.band), pathways[r.pathway].suitable.value)
                    * _pathway_factor(designs, stage_services.get(r.pathway, []),
                                      "suitable_factor"))
        for r in routes
    }

    growth = {c.name: c.growth.value for c in instance.cohorts}
    demand: dict[Key, float] = defaultdict(float)
    for d in instance.demand:
        for g, weight in _split(groups, d.cohort, d.band):
            for t, year in enumerate(years):
                demand[d.locality, g, year] += d.people.value * weight * (1 + growth[d.cohort]) ** t

    caseload0: dict[Key, float] = defaultdict(float)
    units0: dict[Key, float] = defaultdict(float)
    for r in instance.caseload0:
        for g, weight in _split(groups, r.cohort, r.band):
            caseload0[r.locality, g, r.service] += r.people.value * weight
            units0[r.locality, g, r.service] += r.people.value * weight * _package_of(
                services[r.service], r.package)
    moves = [
        MoveArc(
            name=f"{g}: {m.from_service} to {m.to_service}",
            cohort=g, from_service=m.from_service, to_service=m.to_service,
            suitable=m.suitable.value,
            max_per_year=None if m.max_per_year is None else m.max_per_year.value * weight,
            package_from=_package_of(services[m.from_service], None),
            package_to=_package_of(services[m.to_service], m.package),
        )
        for m in instance.moves
        for g, weight in _split(groups, m.cohort, None)
    ]
    worsening = _worsening(instance, groups, services)
    leave = _leave(instance, groups)
    pathway_cohort = {r.name: r.group for r in routes}
    caseload_keys = _caseload_keys(localities, caseload0, enters, pathway_cohort, moves,
                                   worsening)

    cost_factor = {loc.name: loc.cost_factor.value for loc in instance.localities}
    discount_rate = instance.settings.discount_rate.value
    price_capacity = {s: _price(designs, row, "price_capacity") * index
                      for s, row in services.items()}
    price_use = {s: _price(designs, row, "price_use") * index for s, row in services.items()}
    occupancy = {s: row.occupancy.value for s, row in services.items()}
    return Prepared(
        name=instance.name,
        years=years,
        previous={y: (years[i - 1] if i else None) for i, y in enumerate(years)},
        localities=localities,
        cohorts=[g.name for g in groups],
        services=list(services),
        short_term=[s for s, row in services.items() if row.kind == "short_term"],
        long_term=[s for s, row in services.items() if row.kind == "long_term"],
        roles=[w.name for w in instance.roles],
        pathways=[r.name for r in routes],
        indicators=[k.name for k in instance.indicators],
        labels=_labels(instance, groups, routes),
        units={s.name: s.unit for s in instance.services},
        demand=dict(demand),
        pathway_cohort=pathway_cohort,
        suitable=suitable,
        usage=usage,
        enters=enters,
        package=package,
        outcome=_outcomes(instance, routes, enters),
        pathway_services=pathway_services,
        caseload_keys=caseload_keys,
        caseload0=dict(caseload0),
        units0=dict(units0),
        leave=leave,
        moves=moves,
        capacity0={(r.locality, r.service): r.units.value for r in instance.capacity0},
        occupancy=occupancy,
        price_capacity=price_capacity,
        price_use=price_use,
        price_outcome={key: price * index
                       for key, price in _outcome_prices(instance, designs).items()},
        cost_factor=cost_factor,
        grow_max={s: row.grow_max.value for s, row in services.items()},
        shrink_max={s: row.shrink_max.value for s, row in services.items()},
        startup={s: row.startup.value for s, row in services.items()},
        staff_per_unit={(r.service, r.role): r.fte_per_unit.value for r in instance.staffing},
        staff0={(r.locality, r.role): r.staff0.value for r in instance.workforce},
        hire_max=hire_limits(instance),
        turnover={w.name: w.turnover.value for w in instance.roles},
        hire_cost={w.name: w.hire_cost.value * index for w in instance.roles},
        targets=_targets(instance, groups),
        budget={b.year: b.amount.value for b in instance.budget},
        discount={y: 1 / (1 + discount_rate) ** t for t, y in enumerate(years)},
        penalty=instance.settings.unmet_penalty.value,
        objective=instance.settings.objective,
        objective_indicator=instance.settings.objective_indicator,
        variability=variability,
        local_usage=local_usage,
        price_spot={s: row.price_spot.value for s, row in services.items()
                    if row.price_spot is not None},
        agency_premium={w.name: w.agency_premium.value for w in instance.roles
                        if w.agency_premium is not None},
        cohort_of={g.name: g.cohort for g in groups},
        band_of={g.name: g.band for g in groups},
        penalty_of=_penalties(instance, groups),
        duty=_duty(instance, groups),
        worsening=worsening,
        end_of_horizon=instance.settings.end_of_horizon,
        tail=_tail(instance, groups, caseload_keys, leave, worsening),
        price_year=instance.settings.price_year,
        discount_rate=discount_rate,
        price_index=index,
    )


def _local_usage(variability: Variability, designs: dict[str, ContractDesign],
                 routes: list[BandedPathway], stage_units: dict[Key, float]
                 ) -> dict[Key, float]:
    """A short-term service's use per person routed in a locality that states its own mean
    stay: the units a pathway's people take on it (share × intensity) for that stay, in
    years (times any contract design's weeks factor), whichever weeks the pathway states.
    Load = arrivals × the locality's length of stay."""
    usage: dict[Key, float] = {}
    for (locality, service), queue in variability.queues.items():
        if queue.mean_stay_days is None:
            continue
        years = (queue.mean_stay_days * _factor(designs, service, "weeks_factor")
                 / DAYS_PER_YEAR)
        for r in routes:
            if (r.pathway, service) in stage_units:
                usage[locality, r.name, service] = stage_units[r.pathway, service] * years
    return usage


def price_index(instance: Instance) -> float:
    """(1 + inflation)^(years from the price year to the first planning year): what brings
    the instance's prices to the first planning year's."""
    settings = instance.settings
    if settings.price_year is None or settings.price_inflation is None:
        return 1.0
    years = years_of_inflation(settings.price_year, instance.years[0])
    return (1.0 + settings.price_inflation.value) ** years


def _split(groups: list[Group], cohort: str, band: str | None) -> list[tuple[str, float]]:
    """The need groups a cohort's row falls in, with the share of its people in each: the
    band it names, or every band by its share."""
    return [(g.name, 1.0 if band is not None else g.share)
            for g in groups_for(groups, cohort, band)]


def _leave(instance: Instance, groups: list[Group]) -> dict[Key, float]:
    rows: dict[tuple[str, str], list] = defaultdict(list)
    for r in instance.leave:
        rows[r.cohort, r.service].append(r)
    return {(g.name, service): row.share.value
            for (cohort, service), found in rows.items()
            for g in groups_for(groups, cohort, None)
            for row in for_band(found, g.band)}


def _worsening(instance: Instance, groups: list[Group], services) -> list[Worsening]:
    """Deterioration rows, one per need group they apply to."""
    rows: dict[tuple[str, str, str], list] = defaultdict(list)
    for r in instance.deterioration:
        rows[r.cohort, r.from_service, r.to_service].append(r)
    return [Worsening(g.name, source, target, row.rate.value,
                      _package_of(services[target], row.package))
            for (cohort, source, target), found in rows.items()
            for g in groups_for(groups, cohort, None)
            for row in for_band(found, g.band)]


def hire_limits(instance: Instance) -> dict[Key, float]:
    """Most staff recruited in each locality, role and year: the workforce row's limit,
    replaced by a ``hire_limits`` row for every year, then by one for that year."""
    limit: dict[Key, float] = {
        (r.locality, r.role, year): r.hire_max.value
        for r in instance.workforce for year in instance.years
    }
    for r in sorted(instance.hire_limits, key=lambda r: r.year is not None):
        for year in ([r.year] if r.year is not None else instance.years):
            limit[r.locality, r.role, year] = r.hire_max.value
    return limit


def _penalties(instance: Instance, groups: list[Group]) -> dict[str, float]:
    default = instance.settings.unmet_penalty.value
    cohort = {c.name: c.unmet_penalty.value for c in instance.cohorts if c.unmet_penalty}
    band = {group_name(b.cohort, b.name): b.unmet_penalty.value
            for b in instance.bands if b.unmet_penalty}
    return {g.name: band.get(g.name, cohort.get(g.cohort, default)) for g in groups}


def _duty(instance: Instance, groups: list[Group]) -> list[str]:
    named = set(instance.settings.meet_eligible_need)
    return [g.name for g in groups if ALL_COHORTS in named or g.cohort in named]


def _tail(instance: Instance, groups: list[Group], caseload_keys: list[Key],
          leave: dict[Key, float], worsening: list[Worsening],
          ) -> dict[str, list[tuple[str, str, float, float]]]:
    """The end-of-horizon weights of every need group's settings, by the setting whose care
    they are (none when the tail is off)."""
    if not instance.settings.end_of_horizon:
        return {}
    settings: dict[str, set[str]] = defaultdict(set)
    for _, name, setting in caseload_keys:
        settings[name].add(setting)
    tail: dict[str, list[tuple[str, str, float, float]]] = defaultdict(list)
    for group in groups:
        if group.name in settings:
            weights = tail_weights(group.name, sorted(settings[group.name]), leave, worsening)
            for (s, r), (per_unit, per_person) in weights.items():
                tail[r].append((group.name, s, per_unit, per_person))
    return dict(tail)


def _designs_in_force(instance: Instance) -> dict[str, ContractDesign]:
    """The contract design in force for each service that has one."""
    chosen = set(instance.settings.designs)
    return {d.service: d for d in instance.contract_designs if d.name in chosen}


def _factor(designs: dict[str, ContractDesign], service: str, effect: str) -> float:
    design = designs.get(service)
    value = getattr(design, effect) if design else None
    return 1.0 if value is None else value.value


def _pathway_factor(designs: dict[str, ContractDesign], services: list[str], effect: str) -> float:
    """The combined effect of the designs on every short-term service a pathway uses."""
    result = 1.0
    for service in services:
        result *= _factor(designs, service, effect)
    return result


def _price(designs: dict[str, ContractDesign], service, which: str) -> float:
    design = designs.get(service.name)
    override = getattr(design, which) if design else None
    return (override or getattr(service, which)).value


def _package_of(service, package) -> float:
    """Capacity units per person: the row's own package, else the service's fixed one (every
    row into a long-term setting without a fixed package states its own: checked when the
    instance was read)."""
    chosen = package if package is not None else service.package
    assert chosen is not None, f"no package for {service.name!r}"
    return chosen.value


def _destinations(instance: Instance, designs, routes: list[BandedPathway],
                  pathway_services: dict[str, list[str]]):
    """Shares entering each long-term setting and their packages, after contract designs,
    for each pathway as routed (its band's destination rows, else its rows for every band).

    A design's independence factor raises the share leaving independent; the shares entering
    long-term settings shrink in proportion so the pathway still accounts for everyone."""
    services = {s.name: s for s in instance.services}
    by_pathway: dict[str, list] = defaultdict(list)
    for d in instance.destinations:
        by_pathway[d.pathway].append(d)
    enters: dict[Key, float] = {}
    package: dict[Key, float] = {}
    for route in routes:
        pathway = route.name
        rows = for_band(by_pathway[route.pathway], route.band)
        used = pathway_services.get(route.pathway, [])
        independent = 1.0 - sum(r.share.value for r in rows)
        boosted = min(1.0, independent * _pathway_factor(designs, used, "independence_factor"))
        scale = (1.0 - boosted) / (1.0 - independent) if independent < 1.0 else 1.0
        package_factor = _pathway_factor(designs, used, "package_factor")
        for r in rows:
            enters[pathway, r.service] = r.share.value * scale
            fixed = services[r.service].package is not None  # a bed is a bed, whatever the contract
            package[pathway, r.service] = (
                _package_of(services[r.service], r.package) * (1.0 if fixed else package_factor)
            )
    return enters, package


def _outcomes(instance: Instance, routes: list[BandedPathway],
              enters: dict[Key, float]) -> dict[Key, float]:
    """Share of each routed pathway's people achieving each indicator (typed or derived)."""
    typed: dict[str, list] = defaultdict(list)
    for r in instance.pathway_outcomes:
        typed[r.pathway].append(r)
    outcome: dict[Key, float] = {
        (route.name, r.indicator): r.share.value for route in routes for r in typed[route.pathway]
    }
    long_term = [s.name for s in instance.services if s.kind == "long_term"]
    for k in instance.indicators:
        if k.derived == "none":
            continue
        for route in routes:
            entering = sum(enters.get((route.name, s), 0.0)
                           for s in (k.services if k.derived == "enters" else long_term))
            share = entering if k.derived == "enters" else 1.0 - entering
            if share > 1e-12:
                outcome[route.name, k.name] = share
    return outcome


def _outcome_prices(instance: Instance, designs) -> dict[Key, float]:
    """£ per person achieving an indicator, by service: the design's prices where one is in
    force for the service, otherwise the base contract's."""
    prices: dict[Key, float] = {}
    for row in instance.outcome_prices:
        design = designs.get(row.service)
        if row.design is None and design is None:
            prices[row.service, row.indicator] = row.price.value
        elif design is not None and row.design == design.name:
            prices[row.service, row.indicator] = row.price.value
    return prices


def _caseload_keys(localities, caseload0, enters, pathway_cohort, moves,
                   worsening: list[Worsening]) -> list[Key]:
    """The (locality, need group, setting) caseloads that can be non-zero: reached by a
    pathway, today's caseload or a move, and the settings deterioration leads on to."""
    reachable = {(pathway_cohort[p], s) for p, s in enters}
    reachable |= {(g, s) for _, g, s in caseload0}
    for m in moves:
        reachable |= {(m.cohort, m.from_service), (m.cohort, m.to_service)}
    while True:
        onward = {(w.group, w.to_service) for w in worsening
                  if (w.group, w.from_service) in reachable} - reachable
        if not onward:
            break
        reachable |= onward
    return [(loc, g, s) for loc in localities for g, s in sorted(reachable)]


def _targets(instance: Instance, groups: list[Group]) -> list[TargetRow]:
    all_localities = [loc.name for loc in instance.localities]
    population = {loc.name: (loc.population.value if loc.population else 0.0)
                  for loc in instance.localities}
    rows = []
    for t in instance.targets:
        covered = t.localities or all_localities
        places = ([(loc, (loc,)) for loc in covered] if t.scope == "each_locality"
                  else [("area", tuple(covered))])
        for group, members in places:
            for year in t.years or instance.years:
                rows.append(TargetRow(
                    key=(t.name, group, year), indicator=t.indicator, sense=t.sense,
                    localities=members,
                    cohorts=tuple(g.name for g in groups
                                  if not t.cohorts or g.cohort in t.cohorts),
                    year=year, level=t.level.value, basis=t.basis,
                    population=sum(population[loc] for loc in members),
                ))
    return rows


def _labels(instance: Instance, groups: list[Group],
            routes: list[BandedPathway]) -> dict[str, str]:
    """Readable names for everything that has one, for reports."""
    labels: dict[str, str] = {}
    for table in ("localities", "cohorts", "services", "roles", "indicators", "pathways",
                  "contract_designs"):
        for row in instance.named(table):
            labels[row.name] = row.label or row.name.replace("_", " ")
    labels.update({g.name: g.label for g in groups})
    labels.update({r.name: r.label for r in routes})
    return labels
