"""A single solve's model (``optimiser solve``: no re-solve follows) built, compiled and let
go before HiGHS starts, in a child process where the system can fork.

What a single solve reads once the model is compiled is small beside the model: the arrays
with their way back to the model's components, the tables' solution-free parts, and the
model's sets, parameters and data (:mod:`optimiser.lp.release`). But Python keeps most of
the memory its million small objects held after they are freed (its allocator's arenas stay
while any object in them lives), so a process that built a national model stays about as
large while HiGHS solves. Built in a forked child, the model's memory goes back to the
system when the child exits, and the parent receives only what the solve reads (pickled
through a pipe), beside which HiGHS then solves. Where the system cannot fork (Windows), the
same work runs in the process itself."""

from __future__ import annotations

import os
import pickle
import time
from collections.abc import Callable
from dataclasses import dataclass
from types import FunctionType
from typing import TypeVar

import pyomo.environ as pyo

from models import Instance
from optimiser.lp import LinearProgram, compile_model
from optimiser.lp.release import release_model, release_rows
from optimiser.model import build_model
from optimiser.prepare import prepare
from optimiser.results import prepare_tables
from optimiser.verify import dropped_note, without_huge_limits

T = TypeVar("T")


@dataclass
class Compiled:
    """A model compiled for a single solve, its rows, variables and named expressions let
    go (:mod:`optimiser.lp.release`)."""

    model: pyo.ConcreteModel
    """The model's sets, parameters, data and empty components."""
    lp: LinearProgram
    """The arrays, their way back to the components, and the tables' solution-free parts."""
    notes: list[str]
    """The limits HiGHS is given as no limit, in words (read while the rows were held)."""
    build_seconds: float
    compile_seconds: float
    """Compiling, making the tables' parts and letting the model go."""


def compile_released(instance: Instance,
                     kept: Callable[[pyo.ConcreteModel], bool]) -> Compiled | None:
    """Build the model and, unless ``kept(model)`` (a solve that re-solves or ranges it needs
    it whole: None), compile it, make the tables' solution-free parts and let the rest go."""
    start = time.perf_counter()
    model = build_model(prepare(instance))
    built = time.perf_counter()
    if kept(model):
        return None
    lp = compile_model(model)
    notes = dropped_note(lp, without_huge_limits(lp))  # names rows: before they go
    release_rows(model, lp)
    prepare_tables(model, lp)
    release_model(model, lp)
    return Compiled(model, lp, notes, built - start, time.perf_counter() - built)


def in_child(work: Callable[[], T]) -> T:
    """``work()``'s result (or exception), computed in a forked child process whose memory
    goes back to the system when it exits; in this process where the system cannot fork."""
    if not hasattr(os, "fork"):
        return work()
    read_end, write_end = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover (the child's coverage is not collected)
        _answer(work, read_end, write_end)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as pipe:
        try:
            done, result = pickle.load(pipe)
        except EOFError:
            done, result = False, RuntimeError(
                "building the model stopped before it was done (out of memory?)")
    os.waitpid(child, 0)
    if not done:
        raise result
    return result


def _answer(work: Callable[[], object], read_end: int, write_end: int) -> None:
    """The child's side: send ``(True, result)`` (streamed: a national model's parts are
    hundreds of megabytes) or ``(False, exception)``, then exit without returning into the
    parent's code."""
    try:
        os.close(read_end)
        with os.fdopen(write_end, "wb") as pipe:
            try:
                result = work()
            except BaseException as problem:  # raised again in the parent
                pipe.write(_failure(problem))
            else:
                _Pickler(pipe, protocol=pickle.HIGHEST_PROTOCOL).dump((True, result))
    finally:
        os._exit(0)


class _Pickler(pickle.Pickler):
    """Pickles what a single solve reads: the functions local to the code that built the
    model (rules given as lambdas), which do not pickle, go as None; a model let go is not
    built again."""

    def reducer_override(self, obj):
        if isinstance(obj, FunctionType) and "<locals>" in obj.__qualname__:
            return type(None), ()
        return NotImplemented


def _failure(problem: BaseException) -> bytes:
    """An exception as the parent raises it again: itself, or its words where it does not
    pickle."""
    try:
        return pickle.dumps((False, problem))
    except Exception as unpicklable:
        return pickle.dumps((False, RuntimeError(f"{problem!r} ({unpicklable})")))
