"""Two simulated plans of the same instance side by side (for docs/variability.md): the
places each commissions, the waits the simulation finds, and the cost of each with its
delays priced.

    python -m optimiser.simulation.compare AVERAGE_PLAN HEADROOM_PLAN

Each folder is one written by ``optimiser solve --simulate``."""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

from optimiser.results import spending
from optimiser.simulation.run import RESULTS_FILE


def plan_table(folder: Path) -> pd.DataFrame:
    """Per service and year, over the localities: places, spend and the simulated waits."""
    simulated = pd.read_csv(folder / RESULTS_FILE)
    costs = pd.read_csv(folder / "costs.csv")
    spend = spending(costs).groupby(["service", "year"])["cost"].sum()
    people = simulated["people"]
    table = simulated.assign(
        waited=simulated["share_waited"] * people,
        waited_low=simulated["share_waited_low"] * people,
        waited_high=simulated["share_waited_high"] * people,
        wait_days=simulated["mean_wait_days"] * people,
    ).groupby(["service", "year"]).agg(
        places=("places", "sum"), people=("people", "sum"), waited=("waited", "sum"),
        waited_low=("waited_low", "sum"), waited_high=("waited_high", "sum"),
        wait_days=("wait_days", "sum"), delayed_days=("delayed_days", "sum"),
        delay_cost=("delay_cost", "sum"),
        delay_cost_low=("delay_cost_low", "sum"), delay_cost_high=("delay_cost_high", "sum"))
    table["spend"] = spend.reindex(table.index).fillna(0.0)
    return table


def comparison(average: Path, headroom: Path) -> str:
    """The two plans as Markdown tables: by service in the first year, and in total."""
    plans = {"average": plan_table(average), "headroom": plan_table(headroom)}
    first = plans["average"].index.get_level_values("year")[0]
    rows = []
    for service in plans["average"].index.get_level_values("service").unique():
        for name, plan in plans.items():
            r = plan.loc[(service, first)]
            rows.append({
                "service": service, "plan": name, "places": f"{r['places']:.0f}",
                "people": f"{r['people']:,.0f}",
                "share who waited": f"{r['waited'] / r['people']:.0%} "
                                    f"({r['waited_low'] / r['people']:.0%}-"
                                    f"{r['waited_high'] / r['people']:.0%})",
                "mean wait, days": f"{r['wait_days'] / r['people']:.1f}",
                "delayed days": f"{r['delayed_days']:,.0f}",
                "spend £": f"{r['spend']:,.0f}",
                "delay cost £": f"{r['delay_cost']:,.0f}",
                "spend + delays £": f"{r['spend'] + r['delay_cost']:,.0f}",
            })
    totals = []
    for name, plan in plans.items():
        totals.append({
            "plan": name,
            "places (first year)": f"{plan.xs(first, level='year')['places'].sum():.0f}",
            "spend £": f"{plan['spend'].sum():,.0f}",
            "delayed days": f"{plan['delayed_days'].sum():,.0f}",
            "delay cost £": f"{plan['delay_cost'].sum():,.0f} "
                            f"({plan['delay_cost_low'].sum():,.0f}-"
                            f"{plan['delay_cost_high'].sum():,.0f})",
            "spend + delays £": f"{plan['spend'].sum() + plan['delay_cost'].sum():,.0f}",
        })
    return "\n".join([
        f"By service, {first}, all localities (95% confidence intervals over runs):", "",
        pd.DataFrame(rows).to_markdown(index=False), "",
        "Over the planning years (undiscounted):", "",
        pd.DataFrame(totals).to_markdown(index=False), ""])


if __name__ == "__main__":
    print(comparison(Path(sys.argv[1]), Path(sys.argv[2])))
