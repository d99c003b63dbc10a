"""The two-stage plan's deterministic equivalent stated as one Pyomo model: every future's
model a sub-block, the decisions committed now variables of the top model tied to each
future's copy by non-anticipativity rows, the objective the expected cost plus λ × CVaR.

This is how the formulation was first written (MODEL.md 12). The optimiser assembles the
same LP from each future's compiled arrays (optimiser/stochastic/deterministic_equivalent.py);
tests/test_stochastic.py checks that both reach the same optimum."""

from __future__ import annotations

import pyomo.environ as pyo
from pyomo.common.gc_manager import PauseGC

from optimiser.model import build_model
from optimiser.stochastic.scenarios import Future, Risk, commit_years


def reference_equivalent(futures: list[Future], years: int,
                         risk: Risk = Risk()) -> pyo.ConcreteModel:
    """The two-stage plan as one Pyomo model."""
    with PauseGC():
        m = pyo.ConcreteModel(name="two-stage plan")
        committed = commit_years(futures[0].data, years)
        m.SCENARIOS = pyo.Set(initialize=[f.name for f in futures], ordered=True)
        m.probability = pyo.Param(m.SCENARIOS,
                                  initialize={f.name: f.probability for f in futures})
        m.scenario = pyo.Block(m.SCENARIOS)
        for future in futures:
            block = m.scenario[future.name]
            block.transfer_attributes_from(build_model(future.data))
            block.objective.deactivate()
        first = m.scenario[futures[0].name]
        m.COMMIT_CAPACITY = pyo.Set(initialize=[k for k in first.capacity
                                                if k[2] in committed], dimen=3)
        m.COMMIT_HIRE = pyo.Set(initialize=[k for k in first.hire if k[2] in committed],
                                dimen=3)
        m.commit_capacity = pyo.Var(m.COMMIT_CAPACITY, within=pyo.NonNegativeReals)
        m.commit_hire = pyo.Var(m.COMMIT_HIRE, within=pyo.NonNegativeReals)
        m.nonanticipative_capacity = pyo.Constraint(
            m.SCENARIOS, m.COMMIT_CAPACITY,
            rule=lambda m, w, *k: m.scenario[w].capacity[k] == m.commit_capacity[k])
        m.nonanticipative_hire = pyo.Constraint(
            m.SCENARIOS, m.COMMIT_HIRE,
            rule=lambda m, w, *k: m.scenario[w].hire[k] == m.commit_hire[k])
        m.scenario_cost = pyo.Expression(
            m.SCENARIOS, rule=lambda m, w: m.scenario[w].objective.expr)
        expected = sum(m.probability[w] * m.scenario_cost[w] for w in m.SCENARIOS)
        if risk.weight <= 0:
            m.objective = pyo.Objective(expr=expected)
            return m
        m.var_level = pyo.Var(within=pyo.Reals)
        m.excess = pyo.Var(m.SCENARIOS, within=pyo.NonNegativeReals)
        m.cvar_excess = pyo.Constraint(
            m.SCENARIOS,
            rule=lambda m, w: m.excess[w] >= m.scenario_cost[w] - m.var_level)
        cvar = m.var_level + sum(m.probability[w] * m.excess[w]
                                 for w in m.SCENARIOS) / (1.0 - risk.level)
        m.objective = pyo.Objective(expr=expected + risk.weight * cvar)
        return m
