"""Checks for the second-wave tables and settings (MODEL.md 8-11 and the price base): need
bands, deterioration, the end-of-horizon tail, the duty to meet eligible need and the price
year. Each problem is recorded on the checker of :mod:`models.references`."""

from __future__ import annotations

import re
from collections import defaultdict
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from models.references import Checker

_YEAR = re.compile(r"^(\d{4})(?:/(\d{2}))?$")
_SHARE_TOLERANCE = 1e-6
ALL_COHORTS = "all"
"""The word in ``settings.meet_eligible_need`` that names every cohort."""


def start_of(year: str) -> int | None:
    """The calendar year a planning or price year starts in: 2019 for '2019/20' or '2019'."""
    match = _YEAR.match(year)
    return int(match.group(1)) if match else None


def years_of_inflation(price_year: str, first_year: str) -> int:
    """Years from the price year to the first planning year (3 from '2023/24' to '2026/27'),
    of an instance whose price base was checked when it was read."""
    start, first = start_of(price_year), start_of(first_year)
    assert start is not None and first is not None  # checked when the instance was read
    return first - start


def check_second_wave(c: Checker) -> None:
    """Record every problem with bands, deterioration, the tail, the duty and the price base."""
    _check_bands(c)
    _check_deterioration(c)
    _check_duty(c)
    _check_price_base(c)
    _check_tail(c)


def _bands_of(c: Checker) -> dict[str, set[str]]:
    bands: dict[str, set[str]] = defaultdict(set)
    for band in c.instance.bands:
        bands[band.cohort].add(band.name)
    return bands


def _check_bands(c: Checker) -> None:
    inst = c.instance
    bands = _bands_of(c)
    totals: dict[str, float] = defaultdict(float)
    for band in inst.bands:
        totals[band.cohort] += band.share.value
    for cohort, total in totals.items():
        if abs(total - 1.0) > _SHARE_TOLERANCE:
            c.add("bands", None, "share", round(total, 6),
                  f"the shares of the bands of cohort {cohort!r} adding up to 1")
    cohort_of_pathway = {p.name: p.cohort for p in inst.pathways}
    banded: list[tuple[str, int, str, str | None]] = [
        *(("demand", i, r.cohort, r.band) for i, r in enumerate(inst.demand)),
        *(("caseload0", i, r.cohort, r.band) for i, r in enumerate(inst.caseload0)),
        *(("leave", i, r.cohort, r.band) for i, r in enumerate(inst.leave)),
        *(("pathways", i, r.cohort, r.band) for i, r in enumerate(inst.pathways)),
        *(("deterioration", i, r.cohort, r.band) for i, r in enumerate(inst.deterioration)),
        *(("destinations", i, cohort_of_pathway.get(r.pathway, ""), r.band)
          for i, r in enumerate(inst.destinations)),
        *(("band_suitability", i, cohort_of_pathway.get(r.pathway, ""), r.band)
          for i, r in enumerate(inst.band_suitability)),
    ]
    for table, i, cohort, name in banded:
        if name is not None and name not in bands.get(cohort, set()):
            known = sorted(bands.get(cohort, set()))
            c.add(table, i, "band", name,
                  f"one of the bands of cohort {cohort!r}: {', '.join(known)}" if known else
                  f"empty ({cohort!r} has no bands in the bands table)")
    band_of_pathway = {p.name: p.band for p in inst.pathways}
    for i, row in enumerate(inst.band_suitability):
        own = band_of_pathway.get(row.pathway)
        if own is not None and own != row.band:
            c.add("band_suitability", i, "band", row.band,
                  f"{own!r}, the only band pathway {row.pathway!r} is open to")
    cohorts = {g.name for g in inst.cohorts}
    for i, band in enumerate(inst.bands):
        if f"{band.cohort}/{band.name}" in cohorts:
            c.add("bands", i, "name", band.name,
                  f"a name that does not make {band.cohort}/{band.name}, already a cohort")


def _check_deterioration(c: Checker) -> None:
    inst = c.instance
    fixed = {s.name: s.package for s in inst.services if s.kind == "long_term"}
    for i, row in enumerate(inst.deterioration):
        if row.from_service == row.to_service:
            c.add("deterioration", i, "to_service", row.to_service,
                  "a setting other than from_service")
        if row.to_service in fixed and fixed[row.to_service] is None and row.package is None:
            c.add("deterioration", i, "package", None,
                  f"the new package in {row.to_service!r}'s units per person (the service has "
                  "no fixed package)")
    leave = {(r.cohort, r.band, r.service): r.share.value for r in inst.leave}
    out: dict[tuple, float] = defaultdict(float)
    for row in inst.deterioration:
        out[row.cohort, row.band, row.from_service] += row.rate.value
    for (cohort, band, service), rate in out.items():
        left = leave.get((cohort, band, service), leave.get((cohort, None, service), 0.0))
        if rate + left > 1 + _SHARE_TOLERANCE:
            c.add("deterioration", None, "rate", round(rate, 6),
                  f"at most {1 - left:.6g} for {cohort!r} in {service!r} (with the {left:.6g} "
                  "who leave each year, no more than everyone can move on)")


def _check_duty(c: Checker) -> None:
    cohorts = {g.name for g in c.instance.cohorts} | {ALL_COHORTS}
    for name in c.instance.settings.meet_eligible_need:
        if name not in cohorts:
            c.add("settings", None, "meet_eligible_need", name,
                  f"'all' or a cohort: {', '.join(sorted(cohorts - {ALL_COHORTS}))}")


def _check_price_base(c: Checker) -> None:
    settings = c.instance.settings
    if settings.price_year is None:
        if settings.price_inflation is not None:
            c.add("settings", None, "price_year", None,
                  "the year the prices are in, with price_inflation")
        return
    if settings.price_inflation is None:
        c.add("settings", None, "price_inflation", None,
              "the yearly care-cost inflation that brings prices from price_year to the first "
              "planning year")
    start, first = start_of(settings.price_year), start_of(c.instance.years[0])
    if start is None or first is None:
        c.add("settings", None, "price_year", settings.price_year,
              "a year written like 2019/20, with the planning years written the same way")
    elif start > first:
        c.add("settings", None, "price_year", settings.price_year,
              f"a year no later than the first planning year, {c.instance.years[0]}")


def _check_tail(c: Checker) -> None:
    """With the end-of-horizon tail, every setting a cohort can be in must be left at some
    rate, or its caseload's cost would run on for ever."""
    inst = c.instance
    if not inst.settings.end_of_horizon:
        return
    pathway_cohort = {p.name: p.cohort for p in inst.pathways}
    reached = {(pathway_cohort.get(d.pathway, ""), d.service) for d in inst.destinations}
    reached |= {(r.cohort, r.service) for r in inst.caseload0}
    reached |= {(m.cohort, m.to_service) for m in inst.moves}
    reached |= {(r.cohort, r.to_service) for r in inst.deterioration}
    bands = _bands_of(c)
    leave = {(r.cohort, r.band, r.service): r.share.value for r in inst.leave}
    out: dict[tuple[str, str | None, str], float] = defaultdict(float)
    for r in inst.deterioration:
        out[r.cohort, r.band, r.from_service] += r.rate.value

    def rate(table: dict, cohort: str, band: str | None, service: str) -> float:
        """A band's own rate where it has one, else the cohort's for every band."""
        return table.get((cohort, band, service), table.get((cohort, None, service), 0.0))

    for cohort, service in sorted(reached):
        each: list[str | None] = [*sorted(bands.get(cohort, set()))] or [None]
        for band in each:
            if rate(leave, cohort, band, service) + rate(out, cohort, band, service) <= 0:
                which = f"cohort {cohort!r}" + (f", band {band!r}," if band else "")
                c.add("leave", None, "share", "no row",
                      f"a leave share above 0 for {which} in {service!r} (needed by "
                      "settings.end_of_horizon: the tail counts the caseload's cost until it "
                      "leaves)")
