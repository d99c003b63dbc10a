"""The headroom benchmark (``make bench``, mode ``headroom``): the 300-locality synthetic
plan with every short-term service held to a waiting standard.

* The headroom re-solve (the tangents moved to the first plan's loads, same HiGHS model, last
  basis) should take at most :data:`RESOLVE_LIMIT` times the first solve's HiGHS time.
* ``optimiser simulate`` on the plan, 20 runs on the local worker processes: seconds per run
  and per simulated person."""

from __future__ import annotations

import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from models import Instance
from optimiser.pipeline import solve
from optimiser.report import write_outputs
from optimiser.simulation.run import read_specs, simulate_plan
from optimiser.synthetic import synthetic_instance

RESOLVE_LIMIT = 1.2
STANDARD = {"value": 0.1, "source": "assumption: a benchmark standard, one person in ten waits"}


@dataclass
class HeadroomRow:
    localities: int
    years: int
    highs_first: float
    highs_resolve: float
    simulate_localities: int
    simulate_years: int
    runs: int
    simulate_seconds: float
    people: int

    @property
    def resolve_ratio(self) -> float:
        return self.highs_resolve / self.highs_first if self.highs_first else 0.0

    @property
    def seconds_per_run(self) -> float:
        return self.simulate_seconds / self.runs

    @property
    def microseconds_per_person(self) -> float:
        return 1e6 * self.simulate_seconds / self.people if self.people else 0.0


def with_standards(instance: Instance) -> Instance:
    """The instance with every short-term service held to at most 10% waiting. A standard
    keeps a margin of places wherever the service is commissioned, so the limits on how
    fast short-term services can grow and be staffed are lifted (else a locality whose market
    or workforce cannot provide the margin has no plan), and the budgets and outcome targets
    the extra places could put out of reach are dropped: the benchmark times the re-solve
    and the simulation, not those limits."""
    short = {s.name for s in instance.services if s.kind == "short_term"}
    rows = [{"service": s, "wait_share": STANDARD} for s in sorted(short)]
    lifted = {"startup": 1e6, "grow_max": 1e3}
    services = [s.model_copy(update={k: getattr(s, k).model_copy(update={"value": v})
                                     for k, v in lifted.items()}) if s.name in short else s
                for s in instance.services]
    staffing = [r for r in instance.staffing if r.service not in short]
    return instance.updated(short_term_variability=rows, budget=[], targets=[],
                            services=services, staffing=staffing)


def measure_headroom(localities: int, years: int, simulate_localities: int,
                     simulate_years: int, runs: int, executor, seed: int = 0) -> HeadroomRow:
    """Time the headroom re-solve at ``localities × years`` and the simulation of the plan at
    ``simulate_localities × simulate_years``, ``runs`` runs on ``executor``."""
    solution = solve(with_standards(synthetic_instance(localities, years, seed=seed)))
    assert solution.optimal, solution.message
    first, resolve = solution.timings["highs"], solution.timings["highs_headroom"]
    plan = solve(with_standards(synthetic_instance(simulate_localities, simulate_years,
                                                   seed=seed)))
    with tempfile.TemporaryDirectory() as folder:
        write_outputs(plan, Path(folder))
        specs = read_specs(Path(folder))
    start = time.perf_counter()
    per_run = simulate_plan(specs, runs, seed, executor)
    seconds = time.perf_counter() - start
    return HeadroomRow(localities, years, first, resolve, simulate_localities, simulate_years,
                       runs, seconds, int(per_run["people"].sum()))


def headroom_checks(row: HeadroomRow) -> list[tuple[str, bool | None, str]]:
    """The re-solve's target, met or not."""
    return [(f"headroom re-solve <= {RESOLVE_LIMIT}x first HiGHS solve",
             row.resolve_ratio <= RESOLVE_LIMIT,
             f"{row.highs_resolve:.3f} s / {row.highs_first:.3f} s = {row.resolve_ratio:.2f}"
             f" at {row.localities}x{row.years}")]


def simulation_line(row: HeadroomRow) -> str:
    """The simulation's speed in one line."""
    return (f"optimiser simulate: {row.seconds_per_run:.2f} s a run, "
            f"{row.microseconds_per_person:.0f} µs a simulated person ({row.people:,} people "
            f"over {row.runs} runs of {row.simulate_localities}x{row.simulate_years}, "
            f"{row.simulate_seconds:.1f} s on the local worker processes)")
