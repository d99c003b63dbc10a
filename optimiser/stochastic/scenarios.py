"""Futures as the model sees them: each scenario's prepared data and probability, the
decisions committed now (block capacity and recruitment in the first ``commit_years``
years), and the average future the expected-value plan is made for."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from models import Instance
from models.scenarios import scenario_instances
from optimiser.prepare import Prepared, TargetRow, prepare


@dataclass(frozen=True)
class Future:
    """One scenario: its name, label, probability and prepared data."""

    name: str
    label: str
    probability: float
    data: Prepared


@dataclass(frozen=True)
class Risk:
    """The objective: expected cost, plus ``weight`` × CVaR at ``level`` when weight > 0."""

    weight: float = 0.0
    level: float = 0.0

    def of(self, costs: list[float], probabilities: list[float]) -> float:
        """The objective's value for a distribution of costs: E[cost] + weight × CVaR."""
        expected = sum(p * c for p, c in zip(probabilities, costs, strict=True))
        if self.weight <= 0:
            return expected
        return expected + self.weight * cvar(costs, probabilities, self.level)


def cvar(costs: list[float], probabilities: list[float], level: float) -> float:
    """CVaR_α of a discrete cost: the least value of η + E[(cost - η)+] / (1 - α), which is
    reached at one of the costs (Rockafellar and Uryasev's linear form)."""
    def value(eta: float) -> float:
        excess = sum(p * max(c - eta, 0.0) for p, c in zip(probabilities, costs, strict=True))
        return eta + excess / (1.0 - level)
    return min(value(eta) for eta in costs)


def futures(instance: Instance) -> list[Future]:
    """Every scenario of the instance, prepared, in the table's order."""
    labels = {s.name: s.label or s.name.replace("_", " ") for s in instance.scenarios}
    return [Future(name, labels[name], probability, prepare(future))
            for name, (probability, future) in scenario_instances(instance).items()]


def risk_of(instance: Instance) -> Risk:
    settings = instance.settings
    if settings.risk_weight is None or settings.risk_weight.value <= 0:
        return Risk()
    assert settings.risk_level is not None, "validation asks for a level with a weight"
    return Risk(settings.risk_weight.value, settings.risk_level.value)


def commit_years(data: Prepared, years: int) -> list[str]:
    """The planning years whose decisions are made now."""
    return data.years[:years]


def average(futures: list[Future]) -> Prepared:
    """The average future: every figure at its probability-weighted mean over the scenarios
    (a figure a scenario does not have counts as 0 there); names and structure as in the
    first scenario, with any caseload a scenario can reach."""
    first = futures[0].data
    weights = [f.probability for f in futures]
    changes: dict[str, Any] = {}
    for spec in dataclasses.fields(Prepared):
        values = [getattr(f.data, spec.name) for f in futures]
        sample = values[0]
        if isinstance(sample, float) and not isinstance(sample, bool):
            changes[spec.name] = sum(w * v for w, v in zip(weights, values, strict=True))
        elif isinstance(sample, dict) and all(
                isinstance(v, float | int) for d in values for v in d.values()):
            keys = list(dict.fromkeys(k for d in values for k in d))
            changes[spec.name] = {k: sum(w * d.get(k, 0.0) for w, d in zip(weights, values,
                                                                           strict=True))
                                  for k in keys}
    changes["caseload_keys"] = sorted({k for f in futures for k in f.data.caseload_keys},
                                      key=_order(first.caseload_keys))
    changes["targets"] = _average_targets(futures, weights)
    return dataclasses.replace(first, **changes)


def _order(keys: list) -> Callable[[tuple], tuple]:
    position = {k: i for i, k in enumerate(keys)}
    return lambda k: (position.get(k, len(position)), k)


def _average_targets(futures: list[Future], weights: list[float]) -> list[TargetRow]:
    levels: dict[tuple, float] = {}
    rows: dict[tuple, TargetRow] = {}
    for future, weight in zip(futures, weights, strict=True):
        for row in future.data.targets:
            rows.setdefault(row.key, row)
            levels[row.key] = levels.get(row.key, 0.0) + weight * row.level
    return [dataclasses.replace(row, level=levels[key]) for key, row in rows.items()]
