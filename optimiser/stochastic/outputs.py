"""The files of a two-stage plan: what to commit now, each future's plan, the cost in each
future, EVPI and VSS with their definitions, and a chart of cost by future.

* ``summary.md``: the plan in words for a board paper; ``summary.json`` for scripts;
* ``commit_now.csv``: the here-and-now plan (block capacity and recruitment committed now);
* ``scenario_costs.csv``: each future's probability and cost under the two-stage plan, the
  average-future plan and perfect foresight;
* ``uncertainty.html``: cost by future for the two-stage plan against the average-future
  plan (Plotly, its JavaScript embedded: it opens offline);
* ``scenarios/<name>/``: each future's whole plan, as ``optimiser solve`` writes one.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from models.appraisal import folder_name
from optimiser.io.atomic import atomic_path
from optimiser.report import write_outputs
from optimiser.stochastic.run import StochasticSolution

DEFINITIONS = (
    "- **Expected cost**: the cost in each future weighted by its probability.\n"
    "- **EVPI** (expected value of perfect information): the two-stage plan's expected cost "
    "minus the expected cost if each future were known before committing (wait and see). "
    "What a perfect forecast would be worth.\n"
    "- **VSS** (value of the stochastic solution): the expected cost of committing now what "
    "the plan made for the average future commits, minus the two-stage plan's. What "
    "planning for the spread of futures saves over planning for the average."
)


def _money(value: float) -> str:
    return f"£{value:,.0f}"


def scenario_costs(solution: StochasticSolution) -> pd.DataFrame:
    """Each future's probability and its cost under each way of planning."""
    frame = pd.DataFrame({
        "scenario": [f.name for f in solution.futures],
        "label": [f.label for f in solution.futures],
        "probability": solution.probabilities,
        "two_stage_plan": solution.costs,
    })
    if solution.measures is not None:
        frame["average_future_plan"] = solution.measures.average_commitment_costs
        frame["perfect_foresight"] = solution.measures.wait_and_see_costs
    return frame


def _commit_summary(commit: pd.DataFrame) -> pd.DataFrame:
    if commit.empty:
        return commit
    return commit.groupby(["decision", "item", "unit", "year"], as_index=False,
                          sort=False).agg(amount=("amount", "sum"))


def markdown_summary(solution: StochasticSolution) -> str:
    """The two-stage plan in words: what to commit now, what each future costs, and what
    hedging and a perfect forecast are worth."""
    lines = [f"# Two-stage plan: {solution.instance}", ""]
    if not solution.optimal:
        return "\n".join(lines + [f"**No plan:** {solution.message}", ""])
    years = ", ".join(solution.commit_years)
    lines += [
        f"Solved by the {solution.method} over {len(solution.futures)} futures. The plan "
        f"commits block capacity and recruitment for {years} now, the same in every future; "
        "every later decision waits until the future is known.", "",
        f"Expected cost: **{_money(solution.expected_cost)}**.",
    ]
    if solution.risk.weight > 0:
        lines.append(f"Objective: expected cost plus {solution.risk.weight:g} × CVaR at level "
                     f"{solution.risk.level:g} (the average cost of the worst "
                     f"{1 - solution.risk.level:.0%} of futures) = "
                     f"**{_money(solution.objective or 0.0)}**.")
    lines += ["", f"## What to commit now ({years}, all localities)", "",
              _table(_commit_summary(solution.commit)), "",
              "## Cost in each future (£, discounted, with the unmet-need penalty)", "",
              _table(scenario_costs(solution).assign(probability=[
                  f"{p:.1%}" for p in solution.probabilities]), ",.0f"), ""]
    m = solution.measures
    if m is not None:
        lines += [
            "## What uncertainty costs, and what hedging is worth", "",
            f"- EVPI: **{_money(m.evpi)}** ({_money(m.recourse)} - {_money(m.wait_and_see)})",
            f"- VSS: **{_money(m.vss)}** ({_money(m.average_commitment)} - "
            f"{_money(m.recourse)})", "", DEFINITIONS, "",
            "What the plan for the average future would commit now:", "",
            _table(_commit_summary(solution.average_commit)), "",
        ]
    elif solution.measures_note:
        lines += [solution.measures_note, ""]
    lines += ["Each future's full plan: `scenarios/<name>/summary.md`. The chart: "
              "`uncertainty.html`.", ""]
    return "\n".join(lines)


def _table(frame: pd.DataFrame, floatfmt: str = ",.1f") -> str:
    return "_None._" if frame.empty else frame.to_markdown(index=False, floatfmt=floatfmt)


def summary_json(solution: StochasticSolution) -> dict:
    summary: dict = {
        "instance": solution.instance, "status": solution.status, "message": solution.message,
        "method": solution.method, "objective": solution.objective,
        "commit_years": solution.commit_years, "size": solution.size,
    }
    if solution.optimal:
        summary["expected_cost"] = solution.expected_cost
        summary["scenarios"] = scenario_costs(solution).to_dict("records")
    if solution.measures is not None:
        summary |= {"evpi": solution.measures.evpi, "vss": solution.measures.vss,
                    "wait_and_see": solution.measures.wait_and_see,
                    "average_commitment": solution.measures.average_commitment}
    if solution.measures_note:
        summary["measures_note"] = solution.measures_note
    if solution.details:
        summary["details"] = solution.details
    return summary


def cost_figure(solution: StochasticSolution):
    """Cost in each future: the two-stage plan beside the average-future plan."""
    import plotly.graph_objects as go

    costs = scenario_costs(solution)
    labels = [f"{label} ({p:.0%})" for label, p in zip(costs["label"], costs["probability"],
                                                       strict=True)]
    figure = go.Figure()
    figure.add_bar(name="Two-stage plan (commits for every future)", x=labels,
                   y=costs["two_stage_plan"])
    if "average_future_plan" in costs:
        figure.add_bar(name="Plan for the average future", x=labels,
                       y=costs["average_future_plan"])
        figure.add_bar(name="Perfect foresight (for comparison)", x=labels,
                       y=costs["perfect_foresight"])
    figure.update_layout(
        title=f"{solution.instance}: cost in each future", barmode="group",
        yaxis_title="Discounted cost with the unmet-need penalty (£)",
        xaxis_title="Future (probability)", template="plotly_white")
    return figure


def write_stochastic_outputs(solution: StochasticSolution, out_dir: Path) -> list[Path]:
    """Write every file of a two-stage plan into ``out_dir``; return the files written."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []

    def text(name: str, content: str) -> None:
        with atomic_path(out_dir / name) as tmp:
            tmp.write_text(content, encoding="utf-8")
        written.append(out_dir / name)

    text("summary.md", markdown_summary(solution))
    text("summary.json", json.dumps(summary_json(solution), indent=2) + "\n")
    text("timings.json", json.dumps({"instance": solution.instance, "seconds": {
        k: round(v, 4) for k, v in solution.timings.items()}}, indent=2) + "\n")
    if not solution.optimal:
        return written
    text("commit_now.csv", solution.commit.to_csv(index=False))
    text("scenario_costs.csv", scenario_costs(solution).to_csv(index=False))
    if solution.measures is not None:
        text("average_future_commit.csv", solution.average_commit.to_csv(index=False))
    text("uncertainty.html", cost_figure(solution).to_html(
        include_plotlyjs=True, full_html=True, div_id="cost-by-future"))
    for future in solution.futures:
        written += write_outputs(solution.plans[future.name],
                                 out_dir / "scenarios" / folder_name(future.name))
    return written
