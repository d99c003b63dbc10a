"""Synthetic instances of any size, for benchmarking: seeded and reproducible.

A synthetic instance keeps the structure and the figures of a real one (the *base*: the
default instance when it exists, else MODEL.md's worked example) and scales it out: any
number of localities, planning years, cohorts and pathways per cohort. Services, workforce
roles, indicators, contract designs and prices are the base's own. Each synthetic locality is
an average base locality scaled by a random size (log-normal, so a few are large, as English
councils are); extra cohorts and pathways are copies of the base's with their figures
perturbed, so no two pathways tie on cost. Every number carries the source
``assumption: synthetic instance scaled from <base> for benchmarking``.

>>> instance = synthetic_instance(localities=300, years=10, seed=1)  # doctest: +SKIP
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

import numpy as np
import yaml

from models import Instance
from models.instance import Destination, PathwayOutcome, Stage
from models.units import WEEKS_PER_YEAR

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT / "instances" / "default" / "instance.yaml"
WORKED_EXAMPLE = ROOT / "instances" / "examples" / "worked-example" / "instance.yaml"

_YEAR = re.compile(r"^(\d{4})/(\d{2})$")
SIZE_SPREAD = 0.6
"""Log-normal sigma of locality size: the largest of 150 localities is ~5x the median."""
NOISE = 0.15
"""Relative spread of the perturbations applied to copied figures."""


def load_base(path: Path | None = None) -> Instance:
    """The instance synthetic ones are scaled from: ``path``, else the default instance when
    it exists, else MODEL.md's worked example."""
    if path is None:
        path = DEFAULT if DEFAULT.exists() else WORKED_EXAMPLE
    try:
        from optimiser.io import load_instance
    except ImportError:  # the loader is optional here: a self-contained YAML is enough
        return Instance.model_validate(yaml.safe_load(Path(path).read_text()))
    return load_instance(Path(path))


def year_labels(first: str, count: int) -> list[str]:
    """``count`` consecutive planning years from ``first`` ('2026/27' → '2027/28', ...)."""
    match = _YEAR.match(first)
    start = int(match.group(1)) if match else 2026
    return [f"{y}/{(y + 1) % 100:02d}" for y in range(start, start + count)]


class _Sourcer:
    """Wraps numbers as sourced values, all with the same stated assumption."""

    def __init__(self, base_name: str):
        self.source = f"assumption: synthetic instance scaled from {base_name} for benchmarking"

    def __call__(self, value: float) -> dict:
        return {"value": float(value), "source": self.source}

    def copy(self, sourced) -> dict | None:
        return None if sourced is None else self(sourced.value)


def synthetic_instance(localities: int, years: int, cohorts: int | None = None,
                       pathways: int | None = None, seed: int = 0,
                       base: Instance | None = None) -> Instance:
    """A validated synthetic instance.

    ``cohorts`` defaults to the base's cohorts; ``pathways`` (per cohort) to the base's most
    pathways in one cohort. The same arguments and seed always give the same instance."""
    base = base or load_base()
    rng = np.random.default_rng(seed)
    s = _Sourcer(base.name)
    data = _Builder(base, rng, s).build(localities, years, cohorts, pathways)
    return _attainable(Instance.model_validate(data), s)


TARGET_MARGIN = 0.9
"""A copied floor target is lowered to this share of the most the synthetic pathways can
achieve, so that dropping or perturbing pathways never makes a benchmark infeasible."""


def _attainable(instance: Instance, s: _Sourcer) -> Instance:
    """The instance with every 'at least' outcome target within reach of its pathways.

    The most a cohort can achieve is a fractional knapsack: fill the pathways with the
    highest share achieving the indicator first, each up to its suitability limit, or up to
    today's share where the pathway states one (today's capacity and staff serve that)."""
    from optimiser.prepare import prepare

    d = prepare(instance)
    of_cohort: dict[str, list[str]] = defaultdict(list)
    for p, g in d.pathway_cohort.items():
        of_cohort[g].append(p)

    # Today's capacity and staff carry today's practice, not every suitable pathway at once.
    today = {p.name: p.today_share.value for p in instance.pathways if p.today_share}

    def best_share(cohort: str, indicator: str) -> float:
        shares = sorted(((d.outcome.get((p, indicator), 0.0),
                          min(d.suitable[p], today.get(p, d.suitable[p])))
                         for p in of_cohort[cohort]), reverse=True)
        left, total = 1.0, 0.0
        for share, suitable in shares:
            taken = min(left, suitable)
            total, left = total + taken * share, left - taken
        return total

    reachable: dict[str, float] = {}
    for row in d.targets:
        if row.sense != "at_least":
            continue
        need = sum(d.demand[loc, g, row.year] for loc in row.localities for g in row.cohorts)
        most = sum(d.demand[loc, g, row.year] * best_share(g, row.indicator)
                   for loc in row.localities for g in row.cohorts)
        if row.basis == "population":
            share = most / row.population * 100_000 if row.population else 0.0
        else:
            share = most / need if need else 1.0
        reachable[row.key[0]] = min(reachable.get(row.key[0], share), share)
    targets = []
    for t in instance.targets:
        target = t.model_dump()
        if t.name in reachable and t.level.value > TARGET_MARGIN * reachable[t.name]:
            target["level"] = s(TARGET_MARGIN * reachable[t.name])
        targets.append(target)
    return instance.updated(targets=targets) if targets != [
        t.model_dump() for t in instance.targets] else instance


def _copies(cohort_map: dict[str, tuple[str, int]]) -> dict[str, int]:
    """How many synthetic cohorts share each base cohort's people (its need and caseload are
    split evenly between them, so capacity and staff today still fit)."""
    counts: dict[str, int] = defaultdict(int)
    for b, _ in cohort_map.values():
        counts[b] += 1
    return counts


class _Builder:
    def __init__(self, base: Instance, rng: np.random.Generator, s: _Sourcer):
        self.base, self.rng, self.s = base, rng, s

    def jitter(self, value: float, spread: float = NOISE) -> float:
        """A copied figure perturbed by a few percent (never changing its sign)."""
        return value * float(self.rng.uniform(1 - spread, 1 + spread))

    def build(self, n_localities: int, n_years: int, n_cohorts: int | None,
              n_pathways: int | None) -> dict:
        base, s = self.base, self.s
        years = year_labels(base.years[0], n_years)
        cohort_map = self._cohorts(n_cohorts)
        copies = _copies(cohort_map)
        pathway_rows = self._pathways(cohort_map, n_pathways)
        locality_rows, size = self._localities(n_localities)
        return {
            "name": f"synthetic-{n_localities}x{n_years}",
            "description": f"Synthetic benchmark instance: {n_localities} localities, "
                           f"{n_years} years, scaled from {base.name}.",
            "years": years,
            "settings": {
                "discount_rate": s.copy(base.settings.discount_rate),
                "unmet_penalty": s.copy(base.settings.unmet_penalty),
                "objective": "min_cost",
                "designs": list(base.settings.designs),
            },
            "localities": locality_rows,
            "cohorts": [
                {"name": name, "label": f"{self._label('cohorts', b)} ({name})",
                 "growth": s(self._growth(b, copy))}
                for name, (b, copy) in cohort_map.items()
            ],
            "demand": self._demand(locality_rows, size, cohort_map),
            "services": [self._service(row) for row in base.services],
            "capacity0": self._per_locality(locality_rows, size, base.capacity0, "service",
                                            ("units",)),
            "caseload0": self._caseload0(locality_rows, size, cohort_map),
            "leave": [{"cohort": name, "service": r.service, "share": s.copy(r.share),
                       "band": r.band}
                      for name, (b, _) in cohort_map.items()
                      for r in base.leave if r.cohort == b],
            "bands": [{"cohort": name, "name": r.name, "label": r.label,
                       "share": s.copy(r.share)}
                      for name, (b, _) in cohort_map.items()
                      for r in base.bands if r.cohort == b],
            "deterioration": [
                {"cohort": name, "from_service": r.from_service, "to_service": r.to_service,
                 "rate": s.copy(r.rate), "package": s.copy(r.package), "band": r.band}
                for name, (b, _) in cohort_map.items()
                for r in base.deterioration if r.cohort == b],
            "roles": [{"name": r.name, "label": r.label, "turnover": s.copy(r.turnover),
                       "hire_cost": s.copy(r.hire_cost)} for r in base.roles],
            "staffing": [{"service": r.service, "role": r.role,
                          "fte_per_unit": s.copy(r.fte_per_unit)} for r in base.staffing],
            "workforce": self._per_locality(locality_rows, size, base.workforce, "role",
                                            ("staff0", "hire_max")),
            "indicators": [r.model_dump() for r in base.indicators],
            "pathways": pathway_rows["pathways"],
            "stages": pathway_rows["stages"],
            "destinations": pathway_rows["destinations"],
            "pathway_outcomes": pathway_rows["pathway_outcomes"],
            "band_suitability": pathway_rows["band_suitability"],
            "outcome_prices": [
                {"service": r.service, "indicator": r.indicator, "price": s.copy(r.price),
                 "design": r.design} for r in base.outcome_prices],
            "moves": [
                {"cohort": name, "from_service": m.from_service, "to_service": m.to_service,
                 "suitable": s.copy(m.suitable),
                 "max_per_year": None if m.max_per_year is None else
                 s(m.max_per_year.value / copies[b]),
                 "package": s.copy(m.package)}
                for name, (b, _) in cohort_map.items() for m in base.moves if m.cohort == b],
            "targets": self._targets(cohort_map, years),
            "budget": self._budget(years, size, cohort_map),
            "contract_designs": [self._design(d) for d in base.contract_designs],
        }

    # -- people and places -------------------------------------------------------------
    def _label(self, table: str, name: str) -> str:
        row = next(r for r in self.base.named(table) if r.name == name)
        return row.label or name.replace("_", " ")

    def _cohorts(self, n: int | None) -> dict[str, tuple[str, int]]:
        """Synthetic cohort name → (base cohort it copies, copy number; 0 is the original)."""
        names = [c.name for c in self.base.cohorts]
        n = len(names) if n is None else n
        result = {}
        for i in range(n):
            b, copy = names[i % len(names)], i // len(names)
            result[b if copy == 0 else f"{b}_{copy + 1}"] = (b, copy)
        return result

    def _growth(self, base_cohort: str, copy: int) -> float:
        growth = next(c.growth.value for c in self.base.cohorts if c.name == base_cohort)
        return growth if copy == 0 else self.jitter(growth)

    def _localities(self, n: int) -> tuple[list[dict], np.ndarray]:
        """Localities and their sizes relative to an average base locality (mean 1)."""
        size = self.rng.lognormal(0.0, SIZE_SPREAD, n)
        size /= size.mean()
        factors = [loc.cost_factor.value for loc in self.base.localities]
        low, high = min(factors), max(factors)
        low, high = (low * 0.9, high * 1.15) if low == high else (low, high)
        populations = [loc.population.value for loc in self.base.localities if loc.population]
        population = float(np.mean(populations)) if populations else None
        rows = []
        for i in range(n):
            row = {"name": f"L{i + 1:04d}", "label": f"Synthetic locality {i + 1}",
                   "cost_factor": self.s(self.rng.uniform(low, high))}
            if population is not None:
                row["population"] = self.s(population * size[i])
            rows.append(row)
        return rows, size

    def _mean_per_locality(self, rows, key) -> dict:
        """The base's average per locality of each key's figure (localities without a row
        count as zero)."""
        totals: dict = defaultdict(float)
        for row, value in rows:
            totals[key(row)] += value
        n = len(self.base.localities)
        return {k: v / n for k, v in totals.items()}

    def _demand(self, localities, size, cohort_map) -> list[dict]:
        mean = self._mean_per_locality(
            [(d, d.people.value) for d in self.base.demand], lambda d: d.cohort)
        spread = self.rng.lognormal(0.0, 0.2, (len(localities), len(cohort_map)))
        copies = _copies(cohort_map)
        return [
            {"locality": loc["name"], "cohort": name,
             "people": self.s(mean.get(b, 0.0) * size[i] * spread[i, j] / copies[b])}
            for i, loc in enumerate(localities)
            for j, (name, (b, _)) in enumerate(cohort_map.items())
        ]

    def _per_locality(self, localities, size, table, key: str, fields: tuple[str, ...]):
        """A per-locality table (capacity today, workforce): the base's average, scaled."""
        means = {
            field: self._mean_per_locality(
                [(r, getattr(r, field).value) for r in table], lambda r: getattr(r, key))
            for field in fields
        }
        keys = list(dict.fromkeys(getattr(r, key) for r in table))
        return [
            {"locality": loc["name"], key: k,
             **{field: self.s(means[field][k] * size[i]) for field in fields}}
            for i, loc in enumerate(localities) for k in keys
        ]

    def _caseload0(self, localities, size, cohort_map) -> list[dict]:
        rows = self.base.caseload0
        people = self._mean_per_locality([(r, r.people.value) for r in rows],
                                         lambda r: (r.cohort, r.service, r.band))
        units = self._mean_per_locality(
            [(r, r.people.value * r.package.value) for r in rows if r.package is not None],
            lambda r: (r.cohort, r.service, r.band))
        copies = _copies(cohort_map)
        result = []
        for i, loc in enumerate(localities):
            for name, (b, _) in cohort_map.items():
                for (cohort, service, band), mean in people.items():
                    if cohort != b or mean <= 0:
                        continue
                    row = {"locality": loc["name"], "cohort": name, "service": service,
                           "people": self.s(mean * size[i] / copies[b]), "band": band}
                    if (cohort, service, band) in units:
                        row["package"] = self.s(units[cohort, service, band] / mean)
                    result.append(row)
        return result

    # -- services and pathways ------------------------------------------------------------
    def _service(self, row) -> dict:
        s = self.s
        result = {"name": row.name, "label": row.label, "kind": row.kind, "unit": row.unit}
        for field in ("occupancy", "price_capacity", "price_use", "grow_max", "shrink_max",
                      "startup", "package"):
            value = getattr(row, field)
            if value is not None:
                result[field] = s.copy(value)
        return result

    def _pathways(self, cohort_map, n: int | None):
        """Pathways of each synthetic cohort: copies of its base cohort's, perturbed except
        for the base cohort's own first copies."""
        base = self.base
        of_cohort: dict[str, list] = defaultdict(list)
        for p in base.pathways:
            of_cohort[p.cohort].append(p)
        n = max(len(v) for v in of_cohort.values()) if n is None else n
        stages: dict[str, list[Stage]] = defaultdict(list)
        destinations: dict[str, list[Destination]] = defaultdict(list)
        outcomes: dict[str, list[PathwayOutcome]] = defaultdict(list)
        for stage in base.stages:
            stages[stage.pathway].append(stage)
        for destination in base.destinations:
            destinations[destination.pathway].append(destination)
        for outcome in base.pathway_outcomes:
            outcomes[outcome.pathway].append(outcome)

        rows: dict[str, list] = {"pathways": [], "stages": [], "destinations": [],
                                 "pathway_outcomes": [], "band_suitability": []}
        for name, (b, copy) in cohort_map.items():
            options = of_cohort.get(b, [])
            for j in range(n if options else 0):
                p = options[j % len(options)]
                exact = copy == 0 and j < len(options)
                pname = p.name if exact else f"{p.name}__{name}_{j + 1}"
                self._pathway(rows, p, pname, name, exact, stages[p.name],
                              destinations[p.name], outcomes[p.name])
        return rows

    def _pathway(self, rows, p, pname, cohort, exact, stages, destinations, outcomes):
        s = self.s

        def vary(value: float, cap: float | None = None) -> float:
            result = value if exact else self.jitter(value)
            return min(result, cap) if cap is not None else result

        suitable = p.suitable.value if exact or p.suitable.value >= 1 else \
            vary(p.suitable.value, 1.0)
        row = {"name": pname, "cohort": cohort, "label": p.label, "suitable": s(suitable),
               "band": p.band}
        if p.today_share is not None:
            row["today_share"] = s(min(suitable, p.today_share.value if exact
                                       else vary(p.today_share.value, 1.0)))
        rows["pathways"].append(row)
        for r in stages:
            rows["stages"].append({"pathway": pname, "service": r.service,
                                   "share": s(vary(r.share.value, 1.0)),
                                   "weeks": s(vary(r.weeks.value, WEEKS_PER_YEAR)),
                                   "intensity": s.copy(r.intensity)})
        shares = [vary(r.share.value) for r in destinations]
        total: dict[str | None, float] = defaultdict(float)  # each band's rows add up to 1
        for r, share in zip(destinations, shares, strict=True):
            total[r.band] += share
        for r, share in zip(destinations, shares, strict=True):
            scale = 1.0 / total[r.band] if total[r.band] > 1.0 else 1.0
            row = {"pathway": pname, "service": r.service, "share": s(share * scale),
                   "band": r.band}
            if r.package is not None:
                row["package"] = s(vary(r.package.value))
            rows["destinations"].append(row)
        for r in self.base.band_suitability:
            if r.pathway == p.name:
                rows["band_suitability"].append({"pathway": pname, "band": r.band,
                                                 "suitable": s(vary(r.suitable.value, 1.0))})
        for r in outcomes:
            rows["pathway_outcomes"].append({"pathway": pname, "indicator": r.indicator,
                                             "share": s(vary(r.share.value, 1.0))})

    # -- aims and money -------------------------------------------------------------------
    def _targets(self, cohort_map, years: list[str]) -> list[dict]:
        clones: dict[str, list[str]] = defaultdict(list)
        for name, (b, _) in cohort_map.items():
            clones[b].append(name)
        rows = []
        for t in self.base.targets:
            cohorts = [c for b in t.cohorts for c in clones.get(b, [])]
            if t.cohorts and not cohorts:
                continue
            rows.append({
                "name": t.name, "indicator": t.indicator, "sense": t.sense,
                "level": self.s.copy(t.level), "basis": t.basis, "cohorts": cohorts,
                "scope": t.scope, "years": [y for y in t.years if y in years],
            })
        return rows

    def _budget(self, years: list[str], size, cohort_map) -> list[dict]:
        """The base's average yearly budget, scaled by how much more need the synthetic
        instance has."""
        if not self.base.budget:
            return []
        mean = float(np.mean([b.amount.value for b in self.base.budget]))
        base_need = sum(d.people.value for d in self.base.demand)
        per_cohort: dict[str, float] = defaultdict(float)
        for d in self.base.demand:
            per_cohort[d.cohort] += d.people.value
        need = sum(per_cohort[b] for b, _ in cohort_map.values()) * len(size) \
            / len(self.base.localities)
        ratio = need / base_need if base_need else 1.0
        return [{"year": y, "amount": self.s(mean * ratio)} for y in years]

    def _design(self, d) -> dict:
        row = d.model_dump()
        for field, value in row.items():
            if isinstance(value, dict) and "source" in value:
                row[field] = self.s(value["value"])
        return row
