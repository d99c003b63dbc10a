"""Commissioning optimiser: the Pyomo model, solving with HiGHS, results, reports and CLI."""
