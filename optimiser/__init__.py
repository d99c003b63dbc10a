"""Commissioning optimiser: the Pyomo model, solving with HiGHS, results, reports and CLI.

The Python API (docs/python.md)::

    import optimiser
    plan = optimiser.solve(optimiser.load("instances/default/instance.yaml"))
    print(plan.summary())

(``optimiser.solve`` is the API's function; the module of that name, HiGHS's side of the
solve, is imported as ``from optimiser.solve import ...``.)
"""

from optimiser.api import Appraised, InputNote, Plan, appraise, compare, load, solve

__all__ = ["Appraised", "InputNote", "Plan", "appraise", "compare", "load", "solve"]
