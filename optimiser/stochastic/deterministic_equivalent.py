"""The deterministic equivalent of the two-stage plan: one LP holding every future's plan.

Each scenario's plan is the commissioning model of :func:`optimiser.model.build_model`, built
on the scenario's data and placed as a sub-block ``scenario[name]`` of one model, its own
objective switched off. The decisions committed now (block capacity and recruitment in the
first ``commit_years`` years) are variables of the top model, and non-anticipativity rows tie
every scenario's copy to them: the same contracts are signed and the same people recruited
whichever future comes. The objective is the expected cost, plus λ × CVaR_α of the cost in
its linear form (η + E[u] / (1 - α), u_ω ≥ cost_ω - η, u_ω ≥ 0) when a risk weight is set.
"""

from __future__ import annotations

from typing import Any

import pyomo.environ as pyo
from pyomo.common.gc_manager import PauseGC

from optimiser.model import build_model
from optimiser.stochastic.scenarios import Future, Risk, commit_years


def first_stage(model: pyo.Block, years: list[str]) -> list[tuple[str, tuple, Any]]:
    """A scenario model's decisions committed now: block capacity and recruitment in
    ``years``, as (variable name, index, variable), in the same order in every scenario."""
    wanted = set(years)
    return [(name, key, var) for name in ("capacity", "hire")
            for key, var in getattr(model, name).items() if key[2] in wanted]


def build_deterministic_equivalent(futures: list[Future], years: int,
                                   risk: Risk = Risk()) -> pyo.ConcreteModel:
    """The two-stage plan as one LP: every scenario's model, tied together now."""
    with PauseGC():
        return _declare(futures, years, risk)


def _declare(futures: list[Future], years: int, risk: Risk) -> pyo.ConcreteModel:
    m = pyo.ConcreteModel(name="two-stage plan")
    committed = commit_years(futures[0].data, years)
    m.SCENARIOS = pyo.Set(initialize=[f.name for f in futures], ordered=True,
                          doc="possible futures")
    m.probability = pyo.Param(m.SCENARIOS, initialize={f.name: f.probability for f in futures})
    m.scenario = pyo.Block(m.SCENARIOS)
    for future in futures:
        block = m.scenario[future.name]
        block.transfer_attributes_from(build_model(future.data))
        block.objective.deactivate()
    first = m.scenario[futures[0].name]
    m.COMMIT_CAPACITY = pyo.Set(initialize=[k for k in first.capacity if k[2] in committed],
                                dimen=3)
    m.COMMIT_HIRE = pyo.Set(initialize=[k for k in first.hire if k[2] in committed], dimen=3)
    nonneg = pyo.NonNegativeReals
    m.commit_capacity = pyo.Var(m.COMMIT_CAPACITY, within=nonneg,
                                doc="block capacity commissioned now")
    m.commit_hire = pyo.Var(m.COMMIT_HIRE, within=nonneg, doc="staff recruited now (FTE)")
    m.nonanticipative_capacity = pyo.Constraint(m.SCENARIOS, m.COMMIT_CAPACITY,
                                                rule=nonanticipative_capacity)
    m.nonanticipative_hire = pyo.Constraint(m.SCENARIOS, m.COMMIT_HIRE,
                                            rule=nonanticipative_hire)
    m.scenario_cost = pyo.Expression(m.SCENARIOS, rule=scenario_cost)
    m.expected_cost = pyo.Expression(rule=expected_cost)
    if risk.weight > 0:
        m.var_level = pyo.Var(within=pyo.Reals, doc="η: the cost level CVaR is measured above")
        m.excess = pyo.Var(m.SCENARIOS, within=nonneg, doc="cost above η in a future")
        m.cvar_excess = pyo.Constraint(m.SCENARIOS, rule=cvar_excess)
        m.cvar = pyo.Expression(expr=m.var_level + sum(
            m.probability[w] * m.excess[w] for w in m.SCENARIOS) / (1.0 - risk.level))
        m.objective = pyo.Objective(expr=m.expected_cost + risk.weight * m.cvar)
    else:
        m.objective = pyo.Objective(expr=m.expected_cost)
    return m


def nonanticipative_capacity(m, scenario, locality, service, year):
    r"""capacity_{l,s,t,\omega} = commit\_capacity_{l,s,t} for t in the commit years.

    The block contracts signed now are the same whichever future comes."""
    return m.scenario[scenario].capacity[locality, service, year] == \
        m.commit_capacity[locality, service, year]


def nonanticipative_hire(m, scenario, locality, role, year):
    r"""hire_{l,w,t,\omega} = commit\_hire_{l,w,t} for t in the commit years.

    The recruitment started now is the same whichever future comes."""
    return m.scenario[scenario].hire[locality, role, year] == m.commit_hire[locality, role, year]


def scenario_cost(m, scenario):
    """The discounted cost (with the unmet-need penalty) of the plan in one future."""
    return m.scenario[scenario].objective.expr


def expected_cost(m):
    r"""\sum_\omega \pi_\omega cost_\omega: the cost of the plan averaged over the futures."""
    return sum(m.probability[w] * m.scenario_cost[w] for w in m.SCENARIOS)


def cvar_excess(m, scenario):
    r"""u_\omega \ge cost_\omega - \eta.

    How far the cost in a future lies above η: CVaR averages the worst futures' excess."""
    return m.excess[scenario] >= m.scenario_cost[scenario] - m.var_level


def fix_first_stage(m: pyo.ConcreteModel, capacity: dict, hire: dict) -> None:
    """Commit the given plan now (the average-scenario plan, for VSS)."""
    for key, var in m.commit_capacity.items():
        var.fix(capacity[key])
    for key, var in m.commit_hire.items():
        var.fix(hire[key])


def free_first_stage(m: pyo.ConcreteModel) -> None:
    m.commit_capacity.unfix()
    m.commit_hire.unfix()
