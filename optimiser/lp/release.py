"""Letting go of what a single solve no longer needs (``optimiser solve``: no re-solve
follows), so that HiGHS solves and the tables are made beside as little of the Pyomo model
as possible.

A national model's rows are the bulk of its memory (each row's expression, a few Python
objects a nonzero), and once compiled nothing of a single solve reads them again: the plan
check, the tables and the names in messages read the arrays and each row's component and
index (:attr:`LinearProgram.row_blocks`). Nor, once the tables' named expressions are read
as sparse rows, do they read the variables, named expressions or objective. Re-solves (an
appraisal's options, the frontier, ranging, the headroom tangents) re-read rows, and keep
them."""

from __future__ import annotations

import ctypes
import gc

import pyomo.environ as pyo

from optimiser.lp.arrays import LinearProgram
from optimiser.lp.reader import Reader


def release_rows(model: pyo.ConcreteModel, lp: LinearProgram) -> None:
    """Clear every constraint's members from the compiled ``model`` (the components stay,
    empty, so the tables still find each family by name) and what a re-solve re-reads rows
    by; then hand the memory back."""
    for component in model.component_objects(pyo.Constraint, descend_into=True):
        component.clear()
    lp.constraints = ()
    lp.reads_rows, lp.row_terms, lp.bound_forms = {}, {}, {}
    give_back()


def release_model(model: pyo.ConcreteModel, lp: LinearProgram) -> None:
    """Once the result tables' named expressions are read as sparse rows
    (:func:`optimiser.results.prepare_tables`): clear the model's variables' and named
    expressions' members, its objective (a sum over the named expressions) and the reader
    with its index of columns; then hand the memory back. What stays of the model is its
    sets, parameters, data and its empty components, by which the tables find the arrays."""
    _clear_model(model)
    lp.columns, lp.objective, lp.reader = (), None, Reader({})
    give_back()


def _clear_model(model: pyo.ConcreteModel) -> None:
    """Clear the variables' and named expressions' members and delete the objective (in a
    function of its own: nothing of them is left in the caller's names when it collects)."""
    for kind in (pyo.Var, pyo.Expression):
        for component in model.component_objects(kind, descend_into=True):
            component.clear()
    for objective in list(model.component_objects(pyo.Objective, descend_into=True)):
        objective.parent_block().del_component(objective)


def give_back() -> None:
    """Free what is unreachable, and hand the C library's freed pages back to the system
    where it can (glibc's ``malloc_trim``): otherwise they stay counted against the process
    while HiGHS solves, whose own memory is allocated afresh."""
    gc.collect()
    try:
        trim = ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):  # not glibc: the pages stay until the C library reuses them
        return
    trim(0)
