"""Re-solving on a persistent model.

Options of one appraisal mostly differ in figures the model holds as mutable parameters
(demand, prices, recruitment limits, target levels, budgets). For those the Pyomo model is
built once: the parameters are set to the option's values and the same HiGHS object
(:class:`~optimiser.solve.DirectHighs`) changes only the rows and costs that read them and
solves again, starting from the last optimal basis (a hot start). An option that changes anything
else (a contract design's effect on weeks, packages or independence, a pathway's suitability,
a new row) gets a model of its own.

Which case applies is decided by preparing the option's data and comparing it, field by
field, with the data each kept model was built from.
"""

from __future__ import annotations

import dataclasses
import time
from collections import OrderedDict
from dataclasses import dataclass

import pyomo.environ as pyo

from optimiser.families import PARAMETERS
from optimiser.headroom import refine
from optimiser.lp import Values
from optimiser.model import build_model, refresh_data
from optimiser.pipeline import Solution, finish
from optimiser.prepare import Prepared, prepare
from optimiser.solve import DirectHighs, SolveOptions

DESCRIPTIVE: tuple[str, ...] = ("name", "labels", "units")
"""Prepared fields the model's rows never read (names and words for the results)."""

RETRIED = ("error", "unverified")
"""Outcomes of a re-solve that are solved again on a fresh model: a hot start can leave
HiGHS in numerical trouble that a cold solve of the same figures does not meet."""

KEPT_MODELS = 3
"""Models a worker keeps for re-solving; more would hold memory for little gain."""


def resolvable(built: Prepared, wanted: Prepared) -> bool:
    """Whether a model built from ``built`` can solve ``wanted`` by setting its mutable
    parameters alone."""
    held = {p.field: p for p in PARAMETERS.values()}
    for f in dataclasses.fields(Prepared):
        if f.name in DESCRIPTIVE:
            continue
        old, new = getattr(built, f.name), getattr(wanted, f.name)
        parameter = held.get(f.name)
        if (old != new) if parameter is None else (parameter.shape(old) != parameter.shape(new)):
            return False
    return True


Members = dict[str, dict]
"""Each mutable parameter's members by their index, by the parameter's name."""


def parameter_members(model: pyo.ConcreteModel) -> Members:
    """The model's mutable parameters' members (made once for a kept model)."""
    return {p.name: dict(getattr(model, p.name).items()) for p in PARAMETERS.values()}


def set_parameters(model: pyo.ConcreteModel, data: Prepared,
                   members: Members | None = None) -> int:
    """Set the model's mutable parameters to the prepared data's values; return how many
    changed. The model's data is replaced so the results read the new figures. ``members``:
    the model's :func:`parameter_members`, if kept."""
    held = members or parameter_members(model)
    changed = 0
    for parameter in PARAMETERS.values():
        by_index = held[parameter.name]
        for key, value in parameter.values(data).items():
            member = by_index[key]
            if member._value != value:
                # Where ParamData keeps its value: the figures are validated already, so
                # Pyomo's own checks on setting one (a tenth of a re-solve) are not needed.
                member._value = value
                changed += 1
    refresh_data(model, data)
    return changed


@dataclass
class _Kept:
    prepared: Prepared
    model: pyo.ConcreteModel
    solver: DirectHighs
    members: Members


@dataclass
class Solved:
    """A solution, and whether it came from re-solving a kept model."""

    solution: Solution
    resolved: bool
    """True when a kept model was re-solved (parameters set, hot start)."""
    values: Values | None = None
    """The plan as arrays, when it is optimal."""


class PersistentModels:
    """The models one worker keeps, most recently used last."""

    def __init__(self, options: SolveOptions, keep: int = KEPT_MODELS):
        self.options = options
        self.keep = keep
        self.kept: OrderedDict[int, _Kept] = OrderedDict()
        self._next = 0

    def solve(self, instance, detail: bool = True, fresh: bool = False) -> Solved:
        """Solve one instance, re-using a kept model where only mutable figures differ.
        ``detail=False`` makes no result tables for an optimal plan: its arrays
        (``Solved.values``) are all a comparison row needs. A re-solve that HiGHS cannot
        finish (numerical trouble from the last basis) or whose plan fails the check is
        solved once more on a model of its own (``fresh``), which is then kept."""
        start = time.perf_counter()
        data = prepare(instance)
        entry_id = None if fresh else next((i for i, kept in reversed(self.kept.items())
                                            if resolvable(kept.prepared, data)), None)
        timings: dict[str, float] = {}
        if entry_id is None:
            model = build_model(data)
            kept = _Kept(data, model, DirectHighs(self.options), parameter_members(model))
            entry_id, self._next = self._next, self._next + 1
            self.kept[entry_id] = kept
            while len(self.kept) > self.keep:
                self.kept.popitem(last=False)
            resolved = False
            timings["build"] = time.perf_counter() - start
        else:
            kept = self.kept[entry_id]
            self.kept.move_to_end(entry_id)
            set_parameters(kept.model, data, kept.members)
            kept.prepared = data
            resolved = True
            timings["set_parameters"] = time.perf_counter() - start
        solve_start = time.perf_counter()
        try:
            outcome = refine(kept.model, kept.solver,
                             kept.solver.solve(kept.model, load=detail))
        except Exception:
            self.kept.pop(entry_id, None)  # never re-use a model left in an unknown state
            raise
        timings["solve_wall"] = time.perf_counter() - solve_start
        timings["highs"] = outcome.highs_seconds
        if outcome.status not in ("optimal", "infeasible", "unbounded"):
            self.kept.pop(entry_id, None)
        if resolved and outcome.status in RETRIED:
            again = self.solve(instance, detail, fresh=True)
            again.solution.timings["highs"] += outcome.highs_seconds
            return again
        solution = finish(instance.name, kept.model, outcome, timings, options=self.options,
                          tables=detail, solver=kept.solver)
        return Solved(solution, resolved, outcome.values)
