"""Contract designs under uncertainty: each way of buying a service planned as a two-stage
plan over the same futures, compared by expected cost, CVaR and the spread of cost, with who
bears the risk.

A future may change what a design delivers (its independence or volume effect), because that
is what a commissioner does not know when signing. Who bears the risk shows in what the
council pays for in each future:

* block capacity it commissioned but no one used (under a block contract the council pays
  for places whether or not they are filled);
* outcome payments (under payment by results it pays for outcomes achieved, so it pays less
  when the contract delivers less).
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from models import Instance, Option, apply_option
from models.appraisal import ContractChange
from optimiser.io.atomic import atomic_path
from optimiser.solve import SolveOptions
from optimiser.stochastic.run import StochasticSolution, solve_stochastic
from optimiser.stochastic.scenarios import cvar

CVAR_LEVEL = 0.8
"""The CVaR reported: the average cost of the worst fifth of futures."""


@dataclass(frozen=True)
class DesignOutcome:
    """One way of buying the service, planned across the futures."""

    design: str
    label: str
    solution: StochasticSolution

    def _each(self, payment: str) -> list[float]:
        """Discounted £ of one kind of payment for the service, in each future."""
        return [_payments(self.solution.plans[f.name].tables, payment, self.service)
                for f in self.solution.futures]

    @property
    def service(self) -> str:
        return self.solution.details["service"]

    def row(self) -> dict:
        s = self.solution
        p = s.probabilities
        unused = [_unused_block(s.plans[f.name].tables, self.service) for f in s.futures]
        outcomes = self._each("outcomes")
        return {
            "design": self.design, "label": self.label,
            "expected_cost": s.expected_cost,
            f"cvar_{CVAR_LEVEL:g}": cvar(s.costs, p, CVAR_LEVEL),
            "lowest_cost": min(s.costs), "highest_cost": max(s.costs),
            "spread": max(s.costs) - min(s.costs),
            "standard_deviation": statistics.pstdev(s.costs) if len(s.costs) > 1 else 0.0,
            "expected_unused_block_payment": sum(a * b for a, b in zip(p, unused, strict=True)),
            "expected_outcome_payment": sum(a * b for a, b in zip(p, outcomes, strict=True)),
            "outcome_payment_range": max(outcomes) - min(outcomes),
        }


def _payments(tables: dict[str, pd.DataFrame], payment: str, service: str) -> float:
    costs = tables["costs"]
    rows = costs[(costs["payment"] == payment) & (costs["service"] == service)]
    return float(rows["discounted_cost"].sum())


def _unused_block(tables: dict[str, pd.DataFrame], service: str) -> float:
    """Discounted block payments for the service's capacity that no one used."""
    costs, capacity = tables["costs"], tables["capacity"]
    block = costs[(costs["payment"] == "block") & (costs["service"] == service)]
    used = capacity[capacity["service"] == service][["locality", "year", "utilisation"]]
    joined = block.merge(used, on=["locality", "year"], how="left").fillna({"utilisation": 0})
    return float((joined["discounted_cost"] * (1 - joined["utilisation"]).clip(lower=0)).sum())


def designs_of(instance: Instance, service: str) -> list[tuple[str | None, str]]:
    """The ways of buying the service the instance offers: its base contract, then each
    contract design for it (name, label)."""
    label = next(s.label or s.name for s in instance.services if s.name == service)
    return [(None, f"{label}: base contract")] + [
        (d.name, d.label or d.name) for d in instance.contract_designs if d.service == service]


def compare_designs(instance: Instance, service: str,
                    options: SolveOptions = SolveOptions()) -> list[DesignOutcome]:
    """Each way of buying the service, planned as a two-stage plan over the futures."""
    outcomes = []
    for design, label in designs_of(instance, service):
        option = Option(name=design or "base", changes=[ContractChange(service=service,
                                                                       design=design)])
        solution = solve_stochastic(apply_option(instance, option), options,
                                    with_measures=False)
        solution.details["service"] = service
        outcomes.append(DesignOutcome(design or "base contract", label, solution))
    return outcomes


def comparison_table(outcomes: list[DesignOutcome]) -> pd.DataFrame:
    return pd.DataFrame([o.row() for o in outcomes if o.solution.optimal])


def costs_by_future(outcomes: list[DesignOutcome]) -> pd.DataFrame:
    rows = [{"design": o.design, "scenario": f.name, "probability": f.probability,
             "cost": cost}
            for o in outcomes if o.solution.optimal
            for f, cost in zip(o.solution.futures, o.solution.costs, strict=True)]
    return pd.DataFrame(rows)


def markdown(instance: Instance, service: str, outcomes: list[DesignOutcome]) -> str:
    table = comparison_table(outcomes)
    missing = [o for o in outcomes if not o.solution.optimal]
    lines = [f"# Ways of buying {service} under uncertainty: {instance.name}", "",
             f"Each way of buying the service is planned as a two-stage plan over the same "
             f"{len(instance.scenarios)} futures (what is committed now holds in all of them). "
             "Costs are discounted £ with the unmet-need penalty.", "",
             table.drop(columns=["label"]).to_markdown(index=False, floatfmt=",.0f")
             if not table.empty else "_No design could be planned._", ""]
    lines += [
        "## Who bears the risk", "",
        "- **Block**: the council pays for the capacity it commissioned whether or not it is "
        "used (`expected_unused_block_payment`). If need or the service's effect falls "
        "short, the council carries the cost of the empty places.",
        "- **Payment by results**: the council pays for outcomes achieved "
        "(`expected_outcome_payment`); when the contract delivers less, it pays less "
        "(`outcome_payment_range` is how far that payment moves between futures), and the "
        "provider carries the shortfall.",
        "- **Time and task**: the council pays for hours delivered; it carries the risk of "
        "need, the provider that of filling its rota.", "",
        f"`cvar_{CVAR_LEVEL:g}` is the average cost of the worst {1 - CVAR_LEVEL:.0%} of "
        "futures (by probability); `spread` the highest cost less the lowest.", "",
    ]
    lines += [f"- {o.label}: no plan ({o.solution.message})" for o in missing]
    return "\n".join(lines)


def write_comparison(instance: Instance, service: str, outcomes: list[DesignOutcome],
                     out_dir: Path) -> list[Path]:
    """designs.csv, costs_by_future.csv, designs.md and designs.html in ``out_dir``."""
    import plotly.express as px

    out_dir.mkdir(parents=True, exist_ok=True)
    files = {
        "designs.csv": comparison_table(outcomes).to_csv(index=False),
        "costs_by_future.csv": costs_by_future(outcomes).to_csv(index=False),
        "designs.md": markdown(instance, service, outcomes),
    }
    by_future = costs_by_future(outcomes)
    if not by_future.empty:
        figure = px.bar(by_future, x="scenario", y="cost", color="design", barmode="group",
                        title=f"{instance.name}: cost in each future by way of buying "
                              f"{service}", labels={"cost": "Discounted cost (£)",
                                                    "scenario": "Future"})
        files["designs.html"] = figure.to_html(include_plotlyjs=True, full_html=True,
                                               div_id="designs-by-future")
    written = []
    for name, content in files.items():
        with atomic_path(out_dir / name) as tmp:
            tmp.write_text(content, encoding="utf-8")
        written.append(out_dir / name)
    return written
