"""Scenarios: the possible futures of a two-stage plan (MODEL.md 12).

A scenario is a name, a probability with its source, and changes to the instance written in
the appraisal file's change language (:mod:`models.appraisal`). Checks here run when an
instance is validated: the probabilities add up to 1, every change parses and names real
rows, and each scenario's instance is itself valid and plans the same localities, services,
roles and years (so the decisions committed now are the same decisions in every future).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from models.references import Problem, ReferenceErrors

if TYPE_CHECKING:
    from models.instance import Instance, Scenario

PROBABILITY_TOLERANCE = 1e-6
"""How far the scenarios' probabilities may add up from 1 (rounding in a spreadsheet)."""

_SAID = re.compile(r"^(?:([\w.\[\]]+): )?found (.*?); expected (.*)$", re.S)
"""A change language message: 'field: found X; expected Y'."""

_SETS = ("localities", "services", "roles")
"""Tables whose names index the decisions committed now: a scenario may not change them."""


def check_scenarios(instance: Instance) -> None:
    """Raise :class:`ReferenceErrors` listing every problem with the scenarios and the recourse
    prices a two-stage plan uses."""
    problems = _recourse_problems(instance)
    if instance.scenarios:
        problems += _scenario_problems(instance)
    if problems:
        raise ReferenceErrors(problems)


def _recourse_problems(instance: Instance) -> list[Problem]:
    problems = []
    for i, service in enumerate(instance.services):
        spot = service.price_spot
        if spot is not None and spot.value <= service.price_capacity.value:
            problems.append(Problem(
                "services", i, "price_spot", repr(spot.value),
                f"more than the block price {service.price_capacity.value:g} (spot purchase "
                "is dearer than block capacity)"))
    settings = instance.settings
    if settings.risk_weight is not None and settings.risk_weight.value > 0:
        if settings.risk_level is None:
            problems.append(Problem("settings", None, "risk_level", "nothing",
                                    "a level α (e.g. 0.8) for the CVaR the risk weight prices"))
        elif settings.risk_level.value >= 1:
            problems.append(Problem("settings", None, "risk_level",
                                    repr(settings.risk_level.value), "a share below 1"))
    if settings.commit_years > len(instance.years):
        problems.append(Problem("settings", None, "commit_years", repr(settings.commit_years),
                                f"at most {len(instance.years)} (the planning years)"))
    return problems


def _scenario_problems(instance: Instance) -> list[Problem]:
    problems = []
    names = [s.name for s in instance.scenarios]
    for i, name in enumerate(names):
        if names.index(name) != i:
            problems.append(Problem("scenarios", i, "name", repr(name), "each scenario once"))
    total = sum(s.probability.value for s in instance.scenarios)
    if abs(total - 1.0) > PROBABILITY_TOLERANCE:
        problems.append(Problem(
            "scenarios", None, "probability", f"probabilities adding up to {total:.6g}",
            f"probabilities adding up to 1 (within {PROBABILITY_TOLERANCE:g})"))
    if instance.settings.objective != "min_cost":
        problems.append(Problem("settings", None, "objective", repr(instance.settings.objective),
                                "min_cost with scenarios (the plan minimises expected cost)"))
    base = without_scenarios(instance)
    for i, scenario in enumerate(instance.scenarios):
        try:
            future = _apply(base, scenario)
        except _ScenarioProblem as problem:
            problems.append(Problem("scenarios", i, problem.field, problem.found,
                                    problem.expected))
            continue
        for table in _SETS:
            before = [row.name for row in base.named(table)]
            after = [row.name for row in future.named(table)]
            if before != after:
                problems.append(Problem("scenarios", i, "changes", f"a change to {table}",
                                        f"the same {table} in every scenario (the plan "
                                        "committed now is made for them)"))
        if future.years != base.years:
            problems.append(Problem("scenarios", i, "changes", "a change to years",
                                    "the same planning years in every scenario"))
    return problems


class _ScenarioProblem(ValueError):
    def __init__(self, field: str, found: str, expected: str):
        self.field, self.found, self.expected = field, found, expected
        super().__init__(f"{field}: found {found}; expected {expected}")


def without_scenarios(instance: Instance) -> Instance:
    """The instance as one known future: its own figures, no scenario table."""
    return instance.model_copy(update={"scenarios": []})


def _apply(base: Instance, scenario: Scenario) -> Instance:
    """The base instance with the scenario's changes made, re-validated."""
    from pydantic import TypeAdapter, ValidationError

    from models.appraisal import Change, Choice, Option, OptionError, _with_source, apply_option

    try:
        changes = TypeAdapter(list[Change]).validate_python(scenario.changes)
        choice = Choice(name=scenario.name, source=scenario.source, changes=changes)
    except ValidationError as problem:
        first = problem.errors()[0]
        steps = [str(step) for step in first["loc"] if step not in ("table", "contract")]
        field = "changes" + "".join(f"[{s}]" if s.isdigit() else f".{s}" for s in steps)
        message = first["msg"].removeprefix("Value error, ")
        said = _SAID.match(message)
        if said is None:
            return _raise(field, repr(first.get("input")), message)
        inner, found, expected = said.groups()
        if inner.startswith("changes"):
            field = inner
        elif inner:
            field = f"{field}.{inner}"
        return _raise(field, found, expected)
    try:
        return apply_option(base, Option(name=scenario.name, changes=_with_source(choice)))
    except OptionError as problem:
        field = "changes" if problem.change is None else f"changes[{problem.change}]"
        return _raise(f"{field}.{problem.field}", problem.found, problem.expected)


def _raise(field: str, found: str, expected: str) -> Instance:
    raise _ScenarioProblem(field, found, expected)


def scenario_instances(instance: Instance) -> dict[str, tuple[float, Instance]]:
    """Each scenario's probability and its instance (the base with its changes made)."""
    base = without_scenarios(instance)
    return {s.name: (s.probability.value, _apply(base, s)) for s in instance.scenarios}
