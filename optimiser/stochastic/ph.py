"""The two-stage plan by progressive hedging, with mpi-sppy (Pyomo's stochastic programming
library): for many futures, where one deterministic equivalent grows too large.

Each future's plan is the commissioning model (:func:`optimiser.model.build_model`) on its own.
Progressive hedging solves them apart, again and again, each time charging every future for
straying from the average of the commitments (a price W and a proximal term ρ, linearised so
every solve stays an LP for HiGHS), until the futures agree on what to commit now. mpi-sppy
spreads the futures over MPI ranks when run under ``mpiexec -n K`` (on one machine, or across
several with a host file), and runs them in one process otherwise.

ρ for each commitment is proportional to its cost in the objective (block price × locality
cost factor × discount, or the cost of a recruit), so a place and a recruit are pulled
together at the same relative speed.

Installed with the optional extra: ``pip install -e '.[stochastic]'`` (mpi-sppy, mpi4py and
the MPICH library from PyPI).
"""

from __future__ import annotations

import contextlib
import io
import time
from dataclasses import dataclass

from optimiser.model import build_model
from optimiser.solve import SolveOptions
from optimiser.stochastic.deterministic_equivalent import first_stage
from optimiser.stochastic.measures import Commitment, carried_out
from optimiser.stochastic.scenarios import Future, commit_years

SOLVER = "highs"
"""Pyomo's HiGHS interface, which mpi-sppy drives for each future's LP. Not the project's
direct route (:class:`optimiser.solve.DirectHighs`): mpi-sppy adds rows and variables to each
future's model between solves (the linearised proximal term's cuts) and fixes and frees the
commitments, which the direct route does not follow; docs/uncertainty.md says what an
adapter would need."""


@dataclass(frozen=True)
class HedgingSettings:
    """How hard progressive hedging works before it stops."""

    rho_factor: float = 0.01
    """ρ for each commitment, as a multiple of its cost in the objective. On the England
    instance with nine futures, 25 iterations end 0.012% above the deterministic
    equivalent's optimum with 0.01 and 0.032% with 0.1; on an earlier build of that instance
    (1 December 2026) 0.078% with 0.01, 0.099% with 0.03, 0.19% with 0.1 (over the 0.1% the
    test allows) and 0.29% with 0.3."""
    iterations: int = 25
    """The most iterations (each solves every future once). On the England instance with
    nine futures, 25 iterations bring the expected cost within 0.1% of the deterministic
    equivalent's (tests/test_stochastic_ph.py); more bring it closer."""
    convergence: float = 1e-5
    """Stop when the futures' commitments differ from their average by less than this (mean
    absolute difference)."""


@dataclass(frozen=True)
class HedgingResult:
    commitment: Commitment
    iterations: int
    convergence: float
    lower_bound: float
    """The expected cost of the futures planned apart (a bound below the plan's cost)."""
    seconds: float
    ranks: int

    def details(self) -> dict:
        return {"ph_iterations": self.iterations, "ph_convergence": self.convergence,
                "ph_lower_bound": self.lower_bound, "ph_seconds": round(self.seconds, 3),
                "mpi_ranks": self.ranks}


def mpi_rank() -> int:
    """This process's MPI rank (0 without MPI, or in a single process)."""
    try:
        from mpi4py import MPI
    except ImportError:
        return 0
    return MPI.COMM_WORLD.Get_rank()


def solve_ph(futures: list[Future], years: int, options: SolveOptions,
             settings: HedgingSettings = HedgingSettings()) -> HedgingResult:
    """The commitments progressive hedging agrees on, with how it got there."""
    with contextlib.redirect_stdout(io.StringIO()):  # mpi-sppy's timing lines
        import mpisppy.utils.sputils as sputils
    sputils.disable_tictoc_output()  # into a /dev/null it opens: closed again when done
    try:
        return _hedge(futures, years, options, settings)
    finally:
        sputils.reenable_tictoc_output()


def _hedge(futures: list[Future], years: int, options: SolveOptions,
           settings: HedgingSettings) -> HedgingResult:
    """Progressive hedging itself, mpi-sppy's timing lines discarded by :func:`solve_ph`."""
    import mpisppy.utils.sputils as sputils
    from mpisppy.opt.ph import PH

    by_name = {f.name: f for f in futures}
    committed = commit_years(futures[0].data, years)

    def scenario_creator(name: str):
        future = by_name[name]
        model = build_model(future.data)
        variables = [var for _, _, var in first_stage(model, committed)]
        sputils.attach_root_node(model, 0.0, variables)
        model._mpisppy_probability = future.probability
        return model

    def rho_setter(model) -> list[tuple[int, float]]:
        return [(id(var), settings.rho_factor * max(cost, 1e-6))
                for (_, _, var), cost in zip(first_stage(model, committed),
                                             first_stage_costs(model, committed), strict=True)]

    solver_options = {} if options.time_limit is None else {"time_limit": options.time_limit}
    settings_for_ph = {
        "solver_name": SOLVER, "PHIterLimit": settings.iterations, "defaultPHrho": 1.0,
        "convthresh": settings.convergence, "verbose": False, "display_progress": False,
        "display_timing": False, "linearize_proximal_terms": True,
        "proximal_linearization_tolerance": 1e-3,
        "iter0_solver_options": solver_options, "iterk_solver_options": solver_options}
    with contextlib.redirect_stdout(io.StringIO()):  # its announcements, on every rank
        ph = PH(settings_for_ph, [f.name for f in futures], scenario_creator,
                rho_setter=rho_setter)
    start = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()):
        convergence, _, bound = ph.ph_main()
    seconds = time.perf_counter() - start
    scenario = next(iter(ph.local_scenarios.values()))
    index = scenario._mpisppy_data.varid_to_nonant_index
    xbars = scenario._mpisppy_model.xbars
    values = {(name, key): max(0.0, float(xbars[index[id(var)]].value))
              for name, key, var in first_stage(scenario, committed)}
    # The average of the futures' commitments, as every future can carry it out.
    commitment = carried_out(Commitment(values), futures)
    return HedgingResult(commitment, ph._PHIter, float(convergence), float(bound),
                         seconds, ph.n_proc)


def first_stage_costs(model, years: list[str]) -> list[float]:
    """Each commitment's coefficient in the objective (£ per unit)."""
    d = model.data
    costs = []
    for name, key, _ in first_stage(model, years):
        locality, item, year = key
        if name == "capacity":
            costs.append(d.price_capacity[item] * d.cost_factor[locality] * d.discount[year])
        else:
            costs.append(d.hire_cost[item] * d.discount[year])
    return costs
