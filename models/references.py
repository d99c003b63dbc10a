"""Checks across an instance's tables: names that must exist, keys that must be unique,
rows that must be present. Each problem names the table, the row, the field, what was found
and what was expected, so a person can find it in their spreadsheet."""

from __future__ import annotations

import difflib
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from models.second_wave import check_second_wave
from models.variability import check_variability

if TYPE_CHECKING:
    from models.instance import Instance
    from models.sourced import Amount

_YEAR = re.compile(r"^(\d{4})/(\d{2})$")
_SHARE_TOLERANCE = 1e-9


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an instance."""

    table: str
    """The table (or 'settings', 'years') the problem is in."""
    row: int | None
    """Zero-based row within the table, where the problem is in one row."""
    field: str
    found: str
    expected: str

    def __str__(self) -> str:
        where = self.table if self.row is None else f"{self.table}[{self.row}]"
        return f"{where}.{self.field}: found {self.found}; expected {self.expected}"


class ReferenceErrors(ValueError):
    """The problems found across an instance's tables."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def _listing(names: Iterable[str]) -> str:
    names = sorted(names)
    shown = ", ".join(names[:8]) + (", ..." if len(names) > 8 else "")
    return f"one of: {shown}" if names else "a name defined first (the table is empty)"


class Checker(Protocol):
    """What the checks of each topic need: the instance, and a way to record a problem."""

    instance: Instance

    def add(self, table: str, row: int | None, field: str, found: object,
            expected: str) -> None: ...


def _nearest(found: object, names: Iterable[str]) -> str:
    """' (did you mean 'Blaby'?)' for a name close to one of ``names``, else nothing."""
    if not isinstance(found, str):
        return ""
    folded = {name.casefold(): name for name in names}
    close = difflib.get_close_matches(found.strip().casefold(), list(folded), n=1, cutoff=0.6)
    return f" (did you mean {folded[close[0]]!r}?)" if close else ""


class _Checker:
    def __init__(self, instance: Instance, same: frozenset[str] = frozenset()):
        self.instance = instance
        self.same = same
        """Tables whose rows are those of an instance that passed these checks."""
        self.problems: list[Problem] = []

    def add(self, table: str, row: int | None, field: str, found: object, expected: str):
        self.problems.append(Problem(table, row, field, repr(found), expected))

    def names(self, table: str) -> set[str]:
        return {row.name for row in self.instance.named(table)}

    def unique(self, table: str, *key: str) -> None:
        """Each key once: every row of a repeated key is reported, so the message names them
        all (the same stage twice would otherwise double its people's cost without a word)."""
        if table in self.same:
            return
        rows = self.instance.table(table)
        where: defaultdict[tuple, list[int]] = defaultdict(list)
        for i, row in enumerate(rows):
            where[tuple(getattr(row, k) for k in key)].append(i)
        for value, found in where.items():
            for i in found if len(found) > 1 else ():
                self.add(table, i, "/".join(key), value[0] if len(value) == 1 else value,
                         f"each {' and '.join(key)} once in {table} (given in {len(found)} "
                         "rows, each listed here)")

    def refers(self, table: str, field: str, target: str, allowed: set[str] | None = None):
        allowed = self.names(target) if allowed is None else allowed
        for i, row in enumerate(self.instance.table(table)):
            value = getattr(row, field)
            for item in value if isinstance(value, list) else [value]:
                if item is not None and item not in allowed:
                    self.add(table, i, field, item,
                             f"{_listing(allowed)} (from {target}){_nearest(item, allowed)}")


KEYS: dict[str, tuple[str, ...]] = {
    **{table: ("name",) for table in ("localities", "cohorts", "services", "roles",
                                      "indicators", "pathways", "targets", "contract_designs")},
    "demand": ("locality", "cohort", "band"), "capacity0": ("locality", "service"),
    "caseload0": ("locality", "cohort", "service", "band"),
    "leave": ("cohort", "service", "band"),
    "staffing": ("service", "role"), "workforce": ("locality", "role"),
    "stages": ("pathway", "service"), "destinations": ("pathway", "service", "band"),
    "pathway_outcomes": ("pathway", "indicator"),
    "outcome_prices": ("service", "indicator", "design"),
    "moves": ("cohort", "from_service", "to_service"), "budget": ("year",),
    "bands": ("cohort", "name"), "band_suitability": ("pathway", "band"),
    "deterioration": ("cohort", "from_service", "to_service", "band"),
    "hire_limits": ("locality", "role", "year"),
}
"""The fields that identify a row of each table (each combination at most once)."""


def _services_of_kind(instance: Instance, kind: str) -> set[str]:
    return {s.name for s in instance.services if s.kind == kind}


def same_tables(instance: Instance, checked: Instance | None) -> frozenset[str]:
    """The tables (and ``settings``) of ``instance`` that hold the very same rows as those of
    ``checked``, an instance that passed every check: the checks of one table alone (keys
    given once, figures in range, cited lines that exist) need not run on them again."""
    if checked is None:
        return frozenset()
    from models.instance import TABLES

    same = {table for table in TABLES
            if _identical(instance.table(table), checked.table(table))}
    return frozenset(same | ({"settings"} if instance.settings is checked.settings else set()))


def _identical(rows: list, checked: list) -> bool:
    return len(rows) == len(checked) and all(a is b for a, b in zip(rows, checked, strict=True))


def check_references(instance: Instance, checked: Instance | None = None) -> None:
    """Raise :class:`ReferenceErrors` listing every cross-table problem in the instance.
    ``checked``, an instance that passed these checks and shares rows with this one (an
    option made from its base), spares the checks of one table alone on the shared
    tables (:func:`same_tables`); every check across tables runs in full."""
    same = same_tables(instance, checked)
    c = _Checker(instance, same)
    _check_years(c)
    for table, key in KEYS.items():
        c.unique(table, *key)

    short = _services_of_kind(instance, "short_term")
    long = _services_of_kind(instance, "long_term")
    for table in ("demand", "capacity0", "caseload0", "workforce", "hire_limits"):
        c.refers(table, "locality", "localities")
    for table in ("demand", "caseload0", "leave", "pathways", "moves", "bands",
                  "deterioration"):
        c.refers(table, "cohort", "cohorts")
    for table in ("capacity0", "staffing", "contract_designs"):
        c.refers(table, "service", "services")
    # An outcome payment is made for the people on the pathways using a short-term service
    # (objective.outcome_payment); on a long-term one it would silently cost nothing.
    c.refers("outcome_prices", "service", "short-term services", short)
    c.refers("caseload0", "service", "long-term services", long)
    c.refers("leave", "service", "long-term services", long)
    c.refers("stages", "service", "short-term services", short)
    c.refers("destinations", "service", "long-term services", long)
    c.refers("moves", "from_service", "long-term services", long)
    c.refers("moves", "to_service", "long-term services", long)
    c.refers("deterioration", "from_service", "long-term services", long)
    c.refers("deterioration", "to_service", "long-term services", long)
    c.refers("indicators", "services", "long-term services", long)
    for table in ("staffing", "workforce", "hire_limits"):
        c.refers(table, "role", "roles")
    for table in ("stages", "destinations", "pathway_outcomes", "band_suitability"):
        c.refers(table, "pathway", "pathways")
    typed = {k.name for k in instance.indicators if k.derived == "none"}
    c.refers("pathway_outcomes", "indicator", "indicators typed per pathway (derived: none)",
             typed)
    for table in ("outcome_prices", "targets"):
        c.refers(table, "indicator", "indicators")
    c.refers("outcome_prices", "design", "contract_designs")
    c.refers("targets", "cohorts", "cohorts")
    c.refers("targets", "localities", "localities")
    c.refers("targets", "years", "years", set(instance.years))
    c.refers("budget", "year", "years", set(instance.years))
    c.refers("hire_limits", "year", "years", set(instance.years))

    _check_settings(c)
    _check_coverage(c)
    _check_rate_targets(c)
    _check_packages(c)
    _check_pathway_shares(c)
    _check_indicators(c)
    check_variability(c, instance)
    check_second_wave(c)
    from models.citations import uncited  # these use Problem, defined here
    from models.ranges import out_of_range

    c.problems += out_of_range(instance, same) + uncited(instance, skip=same)
    if c.problems:
        raise ReferenceErrors(c.problems)


def _check_years(c: _Checker) -> None:
    years = c.instance.years
    for i, year in enumerate(years):
        if years.index(year) != i:
            c.add("years", i, "year", year, "each planning year once")
    parsed = [_YEAR.match(y) for y in years]
    if all(parsed):
        starts = [int(m.group(1)) for m in parsed if m]
        for i in range(1, len(years)):
            start, end = starts[i], int(parsed[i].group(2))  # type: ignore[union-attr]
            if start != starts[i - 1] + 1:
                c.add("years", i, "year", years[i],
                      f"{starts[i - 1] + 1}/{(starts[i - 1] + 2) % 100:02d} (years consecutive "
                      "and in order)")
            elif end != (start + 1) % 100:
                c.add("years", i, "year", years[i], f"{start}/{(start + 1) % 100:02d}")


def _check_settings(c: _Checker) -> None:
    inst = c.instance
    designs = {d.name: d for d in inst.contract_designs}
    seen: dict[str, str] = {}
    for name in inst.settings.designs:
        if name not in designs:
            c.add("settings", None, "designs", name, _listing(designs) + " (from contract_designs)")
        elif designs[name].service in seen:
            c.add("settings", None, "designs", name,
                  f"one design per service; {seen[designs[name].service]!r} already applies to "
                  f"{designs[name].service!r}")
        else:
            seen[designs[name].service] = name
    if inst.settings.objective == "max_outcome":
        if inst.settings.objective_indicator not in c.names("indicators"):
            c.add("settings", None, "objective_indicator", inst.settings.objective_indicator,
                  "an indicator to maximise, " + _listing(c.names("indicators")))
        if not inst.budget:
            c.add("budget", None, "year", "no rows",
                  "a budget for each year when maximising an outcome within a budget")


def _check_coverage(c: _Checker) -> None:
    """Rows that must exist for every combination: demand and workforce."""
    inst = c.instance
    demand = {(d.locality, d.cohort) for d in inst.demand}
    for loc in inst.localities:
        for cohort in inst.cohorts:
            if (loc.name, cohort.name) not in demand:
                c.add("demand", None, "people", "no row",
                      f"a demand row for locality {loc.name!r} and cohort {cohort.name!r} "
                      "(enter 0 people if there is none)")
    staffed = {(w.locality, w.role) for w in inst.workforce}
    for loc in inst.localities:
        for role in inst.roles:
            if (loc.name, role.name) not in staffed:
                c.add("workforce", None, "staff0", "no row",
                      f"a workforce row for locality {loc.name!r} and role {role.name!r} "
                      "(enter 0 staff if there are none)")
    routed = {s.pathway for s in inst.stages} | {d.pathway for d in inst.destinations}
    for i, p in enumerate(inst.pathways):
        if p.name not in routed:
            c.add("pathways", i, "name", p.name,
                  "at least one stage or destination for the pathway")


def _check_rate_targets(c: _Checker) -> None:
    """A target per 100,000 population counts the population of every locality it covers:
    without one stated, a locality would count as no one and the target would ask for
    nobody (met by any plan, without a word)."""
    localities = c.instance.localities
    for t in c.instance.targets:
        if t.basis != "population":
            continue
        covered = set(t.localities) or {loc.name for loc in localities}
        for i, loc in enumerate(localities):
            if loc.name in covered and loc.population is None:
                c.add("localities", i, "population", None,
                      f"the population that target {t.name!r} counts per 100,000")


def _check_packages(c: _Checker) -> None:
    """Package sizes: given where the setting's package varies, consistent where it is fixed."""
    fixed = {s.name: s.package for s in c.instance.services if s.kind == "long_term"}

    def need(table: str, i: int, service: str, package: Amount | None, what: str) -> None:
        if service not in fixed:
            return
        given = fixed[service]
        if given is None and package is None:
            c.add(table, i, "package", None,
                  f"{what} package in {service!r}'s units per person (the service has no "
                  "fixed package)")
        if given is not None and package is not None and package.value != given.value:
            c.add(table, i, "package", package.value,
                  f"empty or {given.value} (the service's fixed package)")

    for i, d in enumerate(c.instance.destinations):
        need("destinations", i, d.service, d.package, "the")
    for i, row in enumerate(c.instance.caseload0):
        need("caseload0", i, row.service, row.package, "the average")
    for i, m in enumerate(c.instance.moves):
        need("moves", i, m.to_service, m.package, "the new")
        if m.from_service in fixed and fixed[m.from_service] is None:
            c.add("moves", i, "from_service", m.from_service,
                  "a setting with a fixed package (beds, places), so a move frees known capacity")
        if m.from_service == m.to_service:
            c.add("moves", i, "to_service", m.to_service, "a setting other than from_service")


def _check_pathway_shares(c: _Checker) -> None:
    totals: defaultdict[tuple[str, str | None], float] = defaultdict(float)
    for d in c.instance.destinations:
        totals[d.pathway, d.band] += d.share.value
    for (pathway, band), total in totals.items():
        if total > 1 + _SHARE_TOLERANCE:
            which = f"pathway {pathway!r}" + (f" in band {band!r}" if band else "")
            c.add("destinations", None, "share", round(total, 6),
                  f"destination shares of {which} adding up to at most 1")


def _check_indicators(c: _Checker) -> None:
    for i, k in enumerate(c.instance.indicators):
        if k.derived == "enters" and not k.services:
            c.add("indicators", i, "services", [], "the long-term settings the indicator counts")
