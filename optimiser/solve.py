"""Solving the model with HiGHS through Pyomo's persistent HiGHS interface (highspy).

The solver reports its own solve time separately from model building, so performance
claims compare like with like. Every way a solve can end is turned into a status a person
can act on; nothing here raises for an infeasible or interrupted solve."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pyomo.environ as pyo
from pyomo.contrib.appsi.base import TerminationCondition
from pyomo.contrib.appsi.solvers import Highs

Method = Literal["choose", "ipm", "simplex"]

_STATUS = {
    TerminationCondition.optimal: "optimal",
    TerminationCondition.infeasible: "infeasible",
    TerminationCondition.unbounded: "unbounded",
    TerminationCondition.infeasibleOrUnbounded: "infeasible",
    TerminationCondition.maxTimeLimit: "time_limit",
    TerminationCondition.maxIterations: "iteration_limit",
    TerminationCondition.objectiveLimit: "objective_limit",
    TerminationCondition.interrupted: "interrupted",
}

MESSAGES = {
    "optimal": "An optimal plan was found.",
    "infeasible": "No plan satisfies every hard limit (targets, market change, workforce, "
                  "budget) at once.",
    "unbounded": "The model is unbounded: some cost can fall without limit, which means a "
                 "price or limit is missing from the instance.",
    "time_limit": "HiGHS reached the time limit before proving a plan optimal. Allow more "
                  "time (--time-limit), or try --method ipm, which is usually faster on large "
                  "instances.",
    "iteration_limit": "HiGHS reached its iteration limit before proving a plan optimal. "
                       "Raise the limit (--iteration-limit), or try the other --method.",
    "objective_limit": "HiGHS stopped at the objective limit.",
    "interrupted": "The solve was interrupted.",
    "error": "HiGHS reported numerical trouble and could not finish. Look for figures of "
             "very different sizes in the instance (a price in pence beside one in millions), "
             "and try the other --method.",
}


@dataclass(frozen=True)
class SolveOptions:
    """How HiGHS is asked to solve."""

    time_limit: float | None = None
    """Seconds HiGHS may spend; None for no limit."""
    threads: int | None = None
    """Threads HiGHS may use; batch runs set 1 per worker."""
    method: Method = "choose"
    """'ipm' (interior point, fastest cold on large models), 'simplex' (hot-starts well) or
    'choose' (HiGHS decides)."""
    iteration_limit: int | None = None
    """Simplex iteration limit; None for HiGHS's default."""


@dataclass
class SolveOutcome:
    """What HiGHS made of the model."""

    status: str
    message: str
    objective: float | None
    highs_seconds: float
    rows: int
    columns: int
    nonzeros: int
    duals: dict = field(default_factory=dict, repr=False)


def highs_options(options: SolveOptions) -> dict:
    """The HiGHS option settings for these solve options."""
    settings: dict = {"log_to_console": False, "output_flag": False, "random_seed": 0}
    if options.method != "choose":
        settings["solver"] = options.method
    if options.threads is not None:
        settings["threads"] = options.threads
    if options.iteration_limit is not None:
        settings["simplex_iteration_limit"] = options.iteration_limit
        settings["ipm_iteration_limit"] = options.iteration_limit
    return settings


LARGE = 1e6
"""HiGHS warns of 'excessively large' bounds and costs above this magnitude."""


def _power_of_two_down(values: np.ndarray) -> int:
    """The power of two that brings the largest finite magnitude among ``values`` to at most
    :data:`LARGE` (0 if it is already)."""
    finite = np.abs(values[np.isfinite(values)])
    largest = float(finite.max(initial=0.0))
    return -math.ceil(math.log2(largest / LARGE)) if largest > LARGE else 0


def user_scaling(highs) -> dict[str, int]:
    """HiGHS's own bound and objective scaling for the model loaded in ``highs``.

    Budgets (£ millions a year) and national capacities (millions of home-care hours a week)
    are row bounds far above one, and an unmet-need penalty may be a large cost. Rather than
    change the model's units, HiGHS is told to scale every bound (or cost) by a power of two,
    as if the model had been written in larger units; it solves that and returns the plan,
    objective and duals in the model's own units (£, people)."""
    lp = highs.getLp()
    bounds = np.concatenate([np.asarray(lp.row_lower_), np.asarray(lp.row_upper_),
                             np.asarray(lp.col_lower_), np.asarray(lp.col_upper_)])
    return {"user_bound_scale": _power_of_two_down(bounds),
            "user_objective_scale": _power_of_two_down(np.asarray(lp.col_cost_))}


class ScaledHighs(Highs):
    """Pyomo's persistent HiGHS interface, setting :func:`user_scaling` for the model as it
    stands just before each run (a re-solve with new figures may need another scale)."""

    def _solve(self, timer):
        self.highs_options = {**self.highs_options, **user_scaling(self._solver_model)}
        return super()._solve(timer)


def make_solver(options: SolveOptions) -> Highs:
    """A persistent HiGHS solver configured with the options; re-usable across re-solves."""
    solver = ScaledHighs()
    solver.config.load_solution = False
    if options.time_limit is not None:
        solver.config.time_limit = options.time_limit
    solver.highs_options = highs_options(options)
    return solver


def solve_model(model: pyo.ConcreteModel, options: SolveOptions = SolveOptions(),
                solver: Highs | None = None) -> SolveOutcome:
    """Solve the model; load the plan and the duals into it when it is optimal."""
    solver = solver or make_solver(options)
    try:
        result = solver.solve(model)
        status = _STATUS.get(result.termination_condition, "error")
    except RuntimeError:
        status = "error"
    highs = solver._solver_model  # the highspy.Highs object Pyomo drives
    outcome = SolveOutcome(
        status=status, message=MESSAGES[status], objective=None,
        highs_seconds=highs.getRunTime() if highs is not None else 0.0,
        rows=highs.getNumRow() if highs is not None else 0,
        columns=highs.getNumCol() if highs is not None else 0,
        nonzeros=highs.getNumNz() if highs is not None else 0,
    )
    if status == "optimal":
        solver.load_vars()
        outcome.objective = pyo.value(model.objective)
        outcome.duals = solver.get_duals()
    return outcome
