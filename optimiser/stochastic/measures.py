"""What knowing the future, and planning for its uncertainty, are worth.

* RP, the recourse problem: the two-stage plan's objective (expected cost, plus λ × CVaR).
* WS, wait and see: each future planned alone with perfect foresight; the same objective of
  those costs. EVPI = RP - WS: what a perfect forecast would be worth (never negative).
* EV, the expected-value plan: the plan made for the average future (every figure at its
  probability-weighted mean). EEV: its commitments made now, each future then planned as
  well as it can be around them. Recruitment the average plan commits beyond the smallest
  recruitment limit among the futures is capped at it, as the two-stage plan's is (the
  people are not there to hire in that future). VSS = EEV - RP: what planning for the
  spread of futures saves over planning for the average (never negative).

With the commitments fixed, each future's best recourse is found on its own: the objective
only grows with each future's cost, so no future gives up cost for another.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyomo.environ as pyo
from pyomo.common.gc_manager import PauseGC

from optimiser.model import build_model
from optimiser.prepare import Prepared
from optimiser.solve import SolveOptions, SolveOutcome, solve_direct
from optimiser.stochastic.deterministic_equivalent import first_stage
from optimiser.stochastic.scenarios import Future, Risk, average, commit_years


class NoPlan(RuntimeError):
    """A solve the measures need ended without an optimal plan."""

    def __init__(self, what: str, outcome: SolveOutcome):
        self.outcome = outcome
        super().__init__(f"{what}: {outcome.message}")


@dataclass(frozen=True)
class Commitment:
    """The decisions made now: each first-stage variable's value, by the variable's name in
    a scenario model and its index (``("capacity", ("Blaby", "reablement", "2026/27"))``)."""

    values: dict[tuple[str, tuple], float]


def commitment_of(model: pyo.Block, years: list[str]) -> Commitment:
    return Commitment({(name, key): float(var.value or 0.0)
                       for name, key, var in first_stage(model, years)})


def solve_future(data: Prepared, options: SolveOptions, what: str,
                 commitment: Commitment | None = None, years: list[str] | None = None
                 ) -> tuple[pyo.ConcreteModel, SolveOutcome]:
    """One future planned alone, with the commitments fixed if given."""
    with PauseGC():
        model = build_model(data)
        if commitment is not None:
            for name, key, var in first_stage(model, years or []):
                var.fix(commitment.values[name, key])
        outcome = solve_direct(model, options)
    if outcome.status != "optimal":
        raise NoPlan(what, outcome)
    return model, outcome


def carried_out(commitment: Commitment, futures: list[Future]) -> Commitment:
    """A commitment every future can carry out: recruitment planned beyond the smallest
    recruitment limit among the futures is capped at it (the two-stage plan's own
    recruitment never exceeds it, as it must be the same in every future)."""
    values = dict(commitment.values)
    for (name, key), value in commitment.values.items():
        if name == "hire":
            values[name, key] = min([value] + [_hire_limit(f.data, key) for f in futures])
    return Commitment(values)


def _hire_limit(data: Prepared, key: tuple) -> float:
    locality, role, year = key
    limits = data.hire_max
    return limits.get((locality, role, year), limits.get((locality, role), 0.0))


def wait_and_see(futures: list[Future], options: SolveOptions) -> list[float]:
    """Each future's cost when planned with perfect foresight."""
    return [solve_future(f.data, options, f"the {f.label} future planned alone")[1].objective
            or 0.0 for f in futures]


def average_commitment(futures: list[Future], years: int,
                       options: SolveOptions) -> tuple[Commitment, float]:
    """The commitments of the plan made for the average future, and its own cost."""
    data = average(futures)
    model, outcome = solve_future(data, options, "the average future")
    return commitment_of(model, commit_years(data, years)), outcome.objective or 0.0


def costs_with(futures: list[Future], commitment: Commitment, years: int,
               options: SolveOptions) -> list[float]:
    """Each future's cost when the commitments are made now and the rest planned later."""
    return [solve_future(f.data, options, f"the {f.label} future with the commitments fixed",
                         commitment, commit_years(f.data, years))[1].objective or 0.0
            for f in futures]


@dataclass(frozen=True)
class Measures:
    """The standard measures of a two-stage plan, with the figures they come from."""

    recourse: float
    """RP: the two-stage plan's objective."""
    wait_and_see_costs: list[float]
    wait_and_see: float
    average_plan_cost: float
    """EV: the average-future plan's cost in the average future."""
    average_commitment_costs: list[float]
    average_commitment: float
    """EEV: the objective when the average-future plan's commitments are made now."""

    @property
    def evpi(self) -> float:
        return self.recourse - self.wait_and_see

    @property
    def vss(self) -> float:
        return self.average_commitment - self.recourse


def measures(futures: list[Future], years: int, risk: Risk, recourse: float,
             options: SolveOptions) -> tuple[Measures, Commitment]:
    """EVPI and VSS for a two-stage plan whose objective is ``recourse``; also the average
    plan's commitments."""
    probabilities = [f.probability for f in futures]
    ws = wait_and_see(futures, options)
    planned, ev = average_commitment(futures, years, options)
    commitment = carried_out(planned, futures)
    eev = costs_with(futures, commitment, years, options)
    return Measures(recourse, ws, risk.of(ws, probabilities), ev, eev,
                    risk.of(eev, probabilities)), commitment
