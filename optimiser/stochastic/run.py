"""The two-stage plan from a validated instance with scenarios to its result tables:
futures → deterministic equivalent (or progressive hedging) → each future's recourse plan
→ EVPI and VSS."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Literal

import pandas as pd
import pyomo.environ as pyo
from pyomo.common.gc_manager import PauseGC

from models import Instance
from optimiser.pipeline import Progress, Solution
from optimiser.results import extract
from optimiser.solve import MESSAGES, DirectHighs, SolveOptions
from optimiser.stochastic.deterministic_equivalent import build_deterministic_equivalent
from optimiser.stochastic.measures import (
    Commitment,
    Measures,
    NoPlan,
    measures,
    solve_future,
)
from optimiser.stochastic.scenarios import Future, Risk, commit_years, futures, risk_of

Method = Literal["de", "ph"]


def _quiet(_: str) -> None:
    """Say nothing."""


@dataclass
class StochasticSolution:
    """A two-stage plan: what to commit now, each future's recourse plan and costs."""

    instance: str
    status: str
    message: str
    method: str
    objective: float | None = None
    risk: Risk = Risk()
    commit_years: list[str] = field(default_factory=list)
    futures: list[Future] = field(default_factory=list)
    costs: list[float] = field(default_factory=list)
    """Each future's cost under the two-stage plan, in the order of ``futures``."""
    commit: pd.DataFrame = field(default_factory=pd.DataFrame)
    """The here-and-now plan: block capacity and recruitment committed now."""
    plans: dict[str, Solution] = field(default_factory=dict)
    """Each future's whole plan (the commitments and its recourse), as a solution."""
    measures: Measures | None = None
    measures_note: str = ""
    """Why EVPI and VSS are missing, when a plan they need could not be made."""
    average_commit: pd.DataFrame = field(default_factory=pd.DataFrame)
    timings: dict[str, float] = field(default_factory=dict)
    size: dict[str, int] = field(default_factory=dict)
    details: dict = field(default_factory=dict)
    """Method-specific facts (progressive hedging's iterations and convergence)."""

    @property
    def optimal(self) -> bool:
        return self.status == "optimal"

    @property
    def probabilities(self) -> list[float]:
        return [f.probability for f in self.futures]

    @property
    def expected_cost(self) -> float:
        return sum(p * c for p, c in zip(self.probabilities, self.costs, strict=True))


def solve_stochastic(instance: Instance, options: SolveOptions = SolveOptions(),
                     progress: Progress = _quiet, method: Method = "de",
                     with_measures: bool = True) -> StochasticSolution:
    """Solve an instance's two-stage plan and, optionally, EVPI and VSS."""
    with PauseGC():
        return _solve(instance, options, progress, method, with_measures)


def _solve(instance: Instance, options: SolveOptions, progress: Progress, method: Method,
           with_measures: bool) -> StochasticSolution:
    start = time.perf_counter()
    progress("preparing the scenarios")
    all_futures = futures(instance)
    risk = risk_of(instance)
    years = instance.settings.commit_years
    committed = commit_years(all_futures[0].data, years)
    solution = StochasticSolution(
        instance=instance.name, status="optimal", message=MESSAGES["optimal"],
        method="progressive hedging" if method == "ph" else "deterministic equivalent",
        risk=risk, commit_years=committed, futures=all_futures)
    solution.timings["prepare"] = time.perf_counter() - start
    try:
        if method == "ph":
            _by_progressive_hedging(solution, options, progress)
        else:
            _by_deterministic_equivalent(solution, options, progress)
    except NoPlan as problem:
        solution.status, solution.message = problem.outcome.status, str(problem)
        return solution
    if with_measures:
        progress("planning each future alone and the average future (EVPI, VSS)")
        start = time.perf_counter()
        assert solution.objective is not None
        try:
            solution.measures, average = measures(all_futures, years, risk,
                                                  solution.objective, options)
            solution.average_commit = _commit_table(average, all_futures[0], committed)
        except NoPlan as problem:
            solution.measures_note = f"EVPI and VSS could not be measured: {problem}."
        solution.timings["measures"] = time.perf_counter() - start
    return solution


def _by_deterministic_equivalent(solution: StochasticSolution, options: SolveOptions,
                                 progress: Progress) -> None:
    progress("building every future's plan in one model")
    equivalent = build_deterministic_equivalent(solution.futures, len(solution.commit_years),
                                                solution.risk)
    solution.timings["build"] = equivalent.build_seconds
    progress("solving with HiGHS")
    start = time.perf_counter()
    outcome = DirectHighs(options).solve_lp(equivalent.lp, equivalent.prepare_tables)
    solution.timings.update(solve_wall=time.perf_counter() - start,
                            highs=outcome.highs_seconds,
                            compile=equivalent.compile_seconds + outcome.compile_seconds)
    solution.size = {"rows": outcome.rows, "columns": outcome.columns,
                     "nonzeros": outcome.nonzeros}
    if outcome.status != "optimal":
        raise NoPlan("the two-stage plan", outcome)
    solution.objective = outcome.objective
    progress("extracting each future's plan")
    start = time.perf_counter()
    assert outcome.values is not None
    x, row_dual, row_value = outcome.values.x, outcome.values.row_dual, outcome.values.row_value
    solution.costs = [block.cost_of(x) for block in equivalent.blocks]
    solution.commit = _commit_table(Commitment(equivalent.commitment(x)),
                                    solution.futures[0], solution.commit_years)
    for block, cost in zip(equivalent.blocks, solution.costs, strict=True):
        values = block.values(x, row_dual, row_value)
        solution.plans[block.future.name] = _plan(solution.instance, block.future,
                                                  block.held.model, cost,
                                                  extract(block.held.model, values))
    solution.timings["extract"] = time.perf_counter() - start


def _by_progressive_hedging(solution: StochasticSolution, options: SolveOptions,
                            progress: Progress) -> None:
    from optimiser.stochastic.ph import solve_ph

    progress("progressive hedging with mpi-sppy")
    start = time.perf_counter()
    result = solve_ph(solution.futures, len(solution.commit_years), options)
    solution.timings["ph"] = time.perf_counter() - start
    solution.details = result.details()
    progress("planning each future around the commitments")
    start = time.perf_counter()
    for future in solution.futures:
        model, outcome = solve_future(future.data, options,
                                      f"the {future.label} future with the commitments fixed",
                                      result.commitment, solution.commit_years)
        assert outcome.values is not None, "an optimal direct solve gives its arrays"
        solution.costs.append(outcome.objective or 0.0)
        solution.plans[future.name] = _plan(solution.instance, future, model,
                                            outcome.objective or 0.0,
                                            extract(model, outcome.values))
    solution.objective = solution.risk.of(solution.costs, solution.probabilities)
    solution.commit = _commit_table(result.commitment, solution.futures[0],
                                    solution.commit_years)
    solution.timings["evaluate"] = time.perf_counter() - start


def _plan(instance: str, future: Future, model: pyo.Block, cost: float,
          tables: dict[str, pd.DataFrame]) -> Solution:
    return Solution(instance=f"{instance}: {future.label}", status="optimal",
                    message=MESSAGES["optimal"], objective=cost, tables=tables, model=model)


def _commit_table(commitment: Commitment, future: Future, years: list[str]) -> pd.DataFrame:
    """The commitments as a table a commissioner reads: what, where, when, how much."""
    data = future.data
    rows = []
    for (decision, (locality, item, year)), value in commitment.values.items():
        if decision == "capacity":
            rows.append({"decision": "block capacity", "locality": locality,
                         "item": data.labels.get(item, item), "year": year,
                         "amount": value, "unit": data.units[item]})
        else:
            rows.append({"decision": "recruitment", "locality": locality,
                         "item": data.labels.get(item, item), "year": year,
                         "amount": value, "unit": "FTE"})
    frame = pd.DataFrame(rows, columns=["decision", "locality", "item", "year", "amount",
                                        "unit"])
    return frame[frame["year"].isin(years)].reset_index(drop=True)
