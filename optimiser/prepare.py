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

from models import ContractDesign, Instance

WEEKS_PER_YEAR = 52.0

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
    designs: list[str] = field(default_factory=list)
    price_spot: dict[str, float] = field(default_factory=dict)
    """£ per unit bought at short notice beyond block capacity, for services that allow it."""
    agency_premium: dict[str, float] = field(default_factory=dict)
    """£ per agency FTE-year over an employed one, for roles that can use agency staff."""


def prepare(instance: Instance) -> Prepared:
    """Turn a validated instance into the sets and coefficients of the linear programme."""
    designs = _designs_in_force(instance)
    years = list(instance.years)
    services = {s.name: s for s in instance.services}
    pathways = {p.name: p for p in instance.pathways}
    localities = [loc.name for loc in instance.localities]

    pathway_services: dict[str, list[str]] = defaultdict(list)
    usage: dict[Key, float] = defaultdict(float)
    for stage in instance.stages:
        weeks = stage.weeks.value * _factor(designs, stage.service, "weeks_factor")
        usage[stage.pathway, stage.service] += (
            stage.share.value * weeks * stage.intensity.value / WEEKS_PER_YEAR
        )
        if stage.service not in pathway_services[stage.pathway]:
            pathway_services[stage.pathway].append(stage.service)

    enters, package = _destinations(instance, designs, pathway_services)
    suitable = {
        p.name: min(1.0, p.suitable.value * _pathway_factor(
            designs, pathway_services[p.name], "suitable_factor"))
        for p in instance.pathways
    }

    growth = {c.name: c.growth.value for c in instance.cohorts}
    demand: dict[Key, float] = {
        (d.locality, d.cohort, year): d.people.value * (1 + growth[d.cohort]) ** t
        for d in instance.demand
        for t, year in enumerate(years)
    }

    caseload0: dict[Key, float] = {
        (r.locality, r.cohort, r.service): r.people.value for r in instance.caseload0
    }
    units0: dict[Key, float] = {
        (r.locality, r.cohort, r.service): r.people.value * _package_of(
            services[r.service], r.package)
        for r in instance.caseload0
    }
    moves = [
        MoveArc(
            name=f"{m.cohort}: {m.from_service} to {m.to_service}",
            cohort=m.cohort, from_service=m.from_service, to_service=m.to_service,
            suitable=m.suitable.value,
            max_per_year=None if m.max_per_year is None else m.max_per_year.value,
            package_from=_package_of(services[m.from_service], None),
            package_to=_package_of(services[m.to_service], m.package),
        )
        for m in instance.moves
    ]
    caseload_keys = _caseload_keys(localities, instance, enters, pathways, moves)

    cost_factor = {loc.name: loc.cost_factor.value for loc in instance.localities}
    discount_rate = instance.settings.discount_rate.value
    return Prepared(
        name=instance.name,
        years=years,
        previous={y: (years[i - 1] if i else None) for i, y in enumerate(years)},
        localities=localities,
        cohorts=[c.name for c in instance.cohorts],
        services=list(services),
        short_term=[s for s, row in services.items() if row.kind == "short_term"],
        long_term=[s for s, row in services.items() if row.kind == "long_term"],
        roles=[w.name for w in instance.roles],
        pathways=list(pathways),
        indicators=[k.name for k in instance.indicators],
        labels=_labels(instance),
        units={s.name: s.unit for s in instance.services},
        demand=demand,
        pathway_cohort={p.name: p.cohort for p in instance.pathways},
        suitable=suitable,
        usage=dict(usage),
        enters=enters,
        package=package,
        outcome=_outcomes(instance, enters),
        pathway_services=dict(pathway_services),
        caseload_keys=caseload_keys,
        caseload0=caseload0,
        units0=units0,
        leave={(r.cohort, r.service): r.share.value for r in instance.leave},
        moves=moves,
        capacity0={(r.locality, r.service): r.units.value for r in instance.capacity0},
        occupancy={s: row.occupancy.value for s, row in services.items()},
        price_capacity={s: _price(designs, row, "price_capacity") for s, row in services.items()},
        price_use={s: _price(designs, row, "price_use") for s, row in services.items()},
        price_outcome=_outcome_prices(instance, designs),
        cost_factor=cost_factor,
        grow_max={s: row.grow_max.value for s, row in services.items()},
        shrink_max={s: row.shrink_max.value for s, row in services.items()},
        startup={s: row.startup.value for s, row in services.items()},
        staff_per_unit={(r.service, r.role): r.fte_per_unit.value for r in instance.staffing},
        staff0={(r.locality, r.role): r.staff0.value for r in instance.workforce},
        hire_max={(r.locality, r.role): r.hire_max.value for r in instance.workforce},
        turnover={w.name: w.turnover.value for w in instance.roles},
        hire_cost={w.name: w.hire_cost.value for w in instance.roles},
        targets=_targets(instance),
        budget={b.year: b.amount.value for b in instance.budget},
        discount={y: 1 / (1 + discount_rate) ** t for t, y in enumerate(years)},
        penalty=instance.settings.unmet_penalty.value,
        objective=instance.settings.objective,
        objective_indicator=instance.settings.objective_indicator,
        designs=list(instance.settings.designs),
        price_spot={s: row.price_spot.value for s, row in services.items()
                    if row.price_spot is not None},
        agency_premium={w.name: w.agency_premium.value for w in instance.roles
                        if w.agency_premium is not None},
    )


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
    """Capacity units per person: the row's own package, else the service's fixed one."""
    chosen = package if package is not None else service.package
    return chosen.value if chosen is not None else 0.0


def _destinations(instance: Instance, designs, pathway_services):
    """Shares entering each long-term setting and their packages, after contract designs.

    A design's independence factor raises the share leaving independent; the shares entering
    long-term settings shrink in proportion so the pathway still accounts for everyone."""
    services = {s.name: s for s in instance.services}
    by_pathway: dict[str, list] = defaultdict(list)
    for d in instance.destinations:
        by_pathway[d.pathway].append(d)
    enters: dict[Key, float] = {}
    package: dict[Key, float] = {}
    for pathway, rows in by_pathway.items():
        used = pathway_services.get(pathway, [])
        independent = 1.0 - sum(r.share.value for r in rows)
        boosted = min(1.0, independent * _pathway_factor(designs, used, "independence_factor"))
        scale = (1.0 - boosted) / (1.0 - independent) if independent < 1.0 else 1.0
        package_factor = _pathway_factor(designs, used, "package_factor")
        for r in rows:
            enters[pathway, r.service] = r.share.value * scale
            package[pathway, r.service] = (
                _package_of(services[r.service], r.package) * package_factor
            )
    return enters, package


def _outcomes(instance: Instance, enters: dict[Key, float]) -> dict[Key, float]:
    """Share of each pathway's people achieving each indicator (typed or derived)."""
    outcome: dict[Key, float] = {
        (r.pathway, r.indicator): r.share.value for r in instance.pathway_outcomes
    }
    for k in instance.indicators:
        if k.derived == "none":
            continue
        for p in instance.pathways:
            entering = sum(enters.get((p.name, s), 0.0) for s in (
                k.services if k.derived == "enters" else
                [s.name for s in instance.services if s.kind == "long_term"]))
            share = entering if k.derived == "enters" else 1.0 - entering
            if share > 1e-12:
                outcome[p.name, k.name] = share
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


def _caseload_keys(localities, instance: Instance, enters, pathways, moves) -> list[Key]:
    """The (locality, cohort, setting) caseloads that can be non-zero."""
    reachable = {(pathways[p].cohort, s) for p, s in enters}
    reachable |= {(r.cohort, r.service) for r in instance.caseload0}
    for m in moves:
        reachable |= {(m.cohort, m.from_service), (m.cohort, m.to_service)}
    return [(loc, g, s) for loc in localities for g, s in sorted(reachable)]


def _targets(instance: Instance) -> list[TargetRow]:
    all_localities = [loc.name for loc in instance.localities]
    population = {loc.name: (loc.population.value if loc.population else 0.0)
                  for loc in instance.localities}
    rows = []
    for t in instance.targets:
        covered = t.localities or all_localities
        groups = ([(loc, (loc,)) for loc in covered] if t.scope == "each_locality"
                  else [("area", tuple(covered))])
        for group, members in groups:
            for year in t.years or instance.years:
                rows.append(TargetRow(
                    key=(t.name, group, year), indicator=t.indicator, sense=t.sense,
                    localities=members,
                    cohorts=tuple(t.cohorts or [c.name for c in instance.cohorts]),
                    year=year, level=t.level.value, basis=t.basis,
                    population=sum(population[loc] for loc in members),
                ))
    return rows


def _labels(instance: Instance) -> dict[str, str]:
    """Readable names for everything that has one, for reports."""
    labels: dict[str, str] = {}
    for table in ("localities", "cohorts", "services", "roles", "indicators", "pathways",
                  "contract_designs"):
        for row in instance.named(table):
            labels[row.name] = row.label or row.name.replace("_", " ")
    return labels
