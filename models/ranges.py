"""Figures beyond any English council's or England's own: refused, with the range stated.

A figure of 10^30 people is a typing slip or a hostile file, never a forecast, and as a
figure in the linear programme it breaks the solver's arithmetic (a plan serving nobody at
a cost of 10^35). Each kind of figure has a sane range for its unit, wide enough for a
national instance (England has about 57 million people and spends about £30bn a year on
adult social care):

=============================================  =====================================
kind of figure                                 largest accepted
=============================================  =====================================
people (new need, caseloads, population)       100 million
money (prices, recruitment cost, penalty)      £10 billion per unit or person
capacity today                                 1 billion units
staff in post                                  10 million FTE
units per person or per person-week            10,000 (a package, a stage's use)
staff per unit of capacity                     1,000 FTE
=============================================  =====================================

Limits a council sets (budgets, how fast a market can start or grow, recruitment, moves per
year) may be any figure: a limit above :data:`optimiser.verify.NO_LIMIT` (10^12) is treated
as no limit when solving, and the plan's summary says so. Outcome target levels are shares
from 0 to 1 of new need, or rates from 0 to 100,000 per 100,000 population.

Every figure must also be finite and, except growth rates, at least 0 (the field types in
:mod:`models.sourced`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from models.references import Problem

if TYPE_CHECKING:
    from models.instance import Instance


@dataclass(frozen=True)
class Range:
    """The largest sane figure of one kind, in its unit."""

    largest: float
    words: str
    """The range as a person reads it: 'at most 100 million people'."""


PEOPLE = Range(1e8, "at most 100 million people (England has about 57 million)")
MONEY = Range(1e10, "at most £10 billion a unit or person (England spends about £30bn a "
                    "year on adult social care)")
CAPACITY = Range(1e9, "at most 1 billion units of capacity")
STAFF = Range(1e7, "at most 10 million staff (FTE); England's care workforce is about 1.5 "
                   "million")
PER_PERSON = Range(1e4, "at most 10,000 capacity units per person (or per person-week)")
STAFF_PER_UNIT = Range(1e3, "at most 1,000 staff (FTE) per unit of capacity")

RANGES: dict[tuple[str, str], Range] = {
    ("demand", "people"): PEOPLE,
    ("caseload0", "people"): PEOPLE,
    ("localities", "population"): PEOPLE,
    ("capacity0", "units"): CAPACITY,
    ("services", "price_capacity"): MONEY,
    ("services", "price_use"): MONEY,
    ("contract_designs", "price_capacity"): MONEY,
    ("contract_designs", "price_use"): MONEY,
    ("outcome_prices", "price"): MONEY,
    ("roles", "hire_cost"): MONEY,
    ("services", "package"): PER_PERSON,
    ("caseload0", "package"): PER_PERSON,
    ("destinations", "package"): PER_PERSON,
    ("moves", "package"): PER_PERSON,
    ("stages", "intensity"): PER_PERSON,
    ("workforce", "staff0"): STAFF,
    ("staffing", "fte_per_unit"): STAFF_PER_UNIT,
}
"""(table, field) → its sane range. Fields not listed are limits (any figure) or have a
range in their type (shares, weeks, growth rates, factors)."""
SETTINGS_RANGES: dict[str, Range] = {"unmet_penalty": MONEY}

RATE_BASE = 100_000
"""Rate targets are per 100,000 population."""


def out_of_range(instance: Instance, skip: frozenset[str] = frozenset()) -> list[Problem]:
    """Every figure beyond its sane range, and every target level outside 0-1 (a share) or
    0-100,000 (a rate per 100,000); the tables in ``skip`` (checked already) are left out."""
    problems = []
    for (table, field), sane in RANGES.items():
        if table in skip:
            continue
        for i, row in enumerate(instance.table(table)):
            figure = getattr(row, field)
            if figure is not None and figure.value > sane.largest:
                problems.append(Problem(table, i, field, f"{figure.value:g}", sane.words))
    for field, sane in SETTINGS_RANGES.items() if "settings" not in skip else ():
        figure = getattr(instance.settings, field)
        if figure.value > sane.largest:
            problems.append(Problem("settings", None, field, f"{figure.value:g}", sane.words))
    for i, target in enumerate(instance.targets if "targets" not in skip else ()):
        level = target.level.value
        if target.basis == "demand" and not 0 <= level <= 1:
            problems.append(Problem("targets", i, "level", f"{level:g}",
                                    "a share of new need from 0 to 1 (write 45% as 0.45)"))
        if target.basis == "population" and not 0 <= level <= RATE_BASE:
            problems.append(Problem("targets", i, "level", f"{level:g}",
                                    f"a rate from 0 to {RATE_BASE:,} per {RATE_BASE:,} "
                                    "population"))
    return problems
