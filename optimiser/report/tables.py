"""The plan in commissioners' words: the tables that the summary, the workbook and the HTML
report all show, made once from a solution's result tables and its instance.

Names become the instance's labels (a locality's label, never its id); each capacity and
workforce table has a "today" and a "change" column; figures stay exact here and are rounded
only where they are shown in charts and text."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from models import Instance
from optimiser.pipeline import Solution
from optimiser.results import TAIL, price_base, spending
from optimiser.words import lower_first

TOP = 10
"""Rows of each list the summary shows; the full tables are in the workbook and files."""
TOLERANCE = 1e-6
PAYMENTS = {"block": "Block (capacity commissioned)", "spot": "Spot (capacity used)",
            "outcomes": "Outcomes-based", "recruitment": "Recruitment and training"}
"""The payment types of the cost table, in words."""
ASCOF_NOTES = {
    "independent": "Not ASCOF 2B, which counts older people still at home 91 days after "
                   "leaving hospital into reablement (about 78–82% in England): this counts "
                   "all new need, including people who go straight to long-term care, so it "
                   "is much lower.",
    "enters": "ASCOF 2A counts permanent admissions to residential and nursing care per "
              "100,000 population; this is a share of new need.",
}
"""Where an indicator differs from the ASCOF measure of a similar name, and how."""


@dataclass(frozen=True)
class Words:
    """Labels, units and area codes from the instance, to put in place of ids."""

    labels: dict[str, str]
    units: dict[str, str]
    codes: dict[str, str]

    @classmethod
    def of(cls, instance: Instance | None) -> Words:
        if instance is None:
            return cls({}, {}, {})
        labels: dict[str, str] = {}
        for table in ("localities", "cohorts", "services", "roles", "indicators",
                      "pathways", "contract_designs"):
            labels.update({row.name: row.label or row.name.replace("_", " ")
                           for row in instance.named(table)})
        for move in instance.moves:  # named as the model names them
            labels[f"{move.cohort}: {move.from_service} to {move.to_service}"] = (
                f"{labels[move.cohort]}: {labels[move.from_service]} to "
                f"{labels[move.to_service]}")
        return cls(labels, {s.name: s.unit for s in instance.services},
                   {loc.name: loc.code for loc in instance.localities if loc.code})

    def label(self, name: str) -> str:
        return self.labels.get(name, name)

    def column(self, values: pd.Series) -> pd.Series:
        """A column of ids as labels."""
        return values.map(lambda name: self.labels.get(name, name))


@dataclass(frozen=True)
class Headline:
    """The figures a board reads first."""

    objective: float
    """What the optimiser minimised (or maximised): discounted £ with the unmet-need penalty."""
    minimised_cost: bool
    spend_undiscounted: float
    """£ paid out over the planning years, undiscounted."""
    spend_discounted: float
    penalty: float
    """The discounted charge for unmet need inside the objective (not money spent)."""
    tail: float
    """The discounted care after the last year of people still supported then (the
    end-of-horizon tail), inside the objective where the instance asks for it; not spent in
    the plan's years."""
    delays: float
    """The discounted price of the days people wait for a short-term place, inside the
    objective where the instance prices delays; not council spending."""
    unmet_people: float
    first_year: str
    last_year: str
    years: int
    discount_rate: float
    price_base: str | None
    """The prices' base, e.g. '2026/27 prices'."""
    price_words: str
    """The price base in a sentence, with any inflation applied to the instance's prices."""

    @property
    def discounting_difference(self) -> str:
        """The discounted-vs-undiscounted difference, in a sentence."""
        gap = self.spend_undiscounted - self.spend_discounted
        return (f"The undiscounted total adds up each year's spending at {self.first_year} "
                f"prices; the discounted total values later years' spending less (the Green Book's "
                f"{self.discount_rate:.1%} a year), so it is {money(gap)} lower.")


def money(value: float) -> str:
    return f"-£{-value:,.0f}" if value < 0 else f"£{value:,.0f}"


def headline(solution: Solution) -> Headline:
    costs = solution.tables["costs"]
    spend = spending(costs)
    instance = solution.inputs
    years = list(instance.years) if instance else sorted(costs["year"].unique())
    settings = instance.settings if instance else None
    return Headline(
        objective=float(solution.objective or 0.0),
        minimised_cost=solution.maximised is None,
        spend_undiscounted=float(spend["cost"].sum()),
        spend_discounted=float(spend["discounted_cost"].sum()),
        penalty=float(costs.loc[costs["payment"] == "penalty", "discounted_cost"].sum()),
        tail=float(costs.loc[costs["payment"] == TAIL, "discounted_cost"].sum()),
        delays=float(costs.loc[costs["payment"] == "delay", "discounted_cost"].sum()),
        unmet_people=float(solution.tables["unmet"]["unmet"].sum()),
        first_year=years[0] if years else "", last_year=years[-1] if years else "",
        years=len(years), discount_rate=settings.discount_rate.value if settings else 0.0,
        price_base=f"{years[0]} prices" if years else None,
        price_words=price_base(solution.model.data) if solution.model is not None else "",
    )


def cost_by_year(solution: Solution) -> pd.DataFrame:
    """£ paid out each year by payment type (undiscounted), with the year's total
    discounted."""
    costs = solution.tables["costs"]
    spend = spending(costs)
    table = spend.pivot_table(index="year", columns="payment", values="cost", aggfunc="sum",
                              fill_value=0.0)
    table = table[[p for p in PAYMENTS if p in table.columns]]
    table.columns = [PAYMENTS[p] for p in table.columns]
    table["Total (undiscounted)"] = table.sum(axis=1)
    table["Total (discounted)"] = spend.groupby("year")["discounted_cost"].sum()
    return table.reset_index().rename(columns={"year": "Year"})


def cost_by_payment(solution: Solution) -> pd.DataFrame:
    """£ over the planning years by payment type, undiscounted and discounted."""
    costs = solution.tables["costs"]
    spend = spending(costs)
    table = spend.groupby("payment")[["cost", "discounted_cost"]].sum()
    table = table.reindex([p for p in PAYMENTS if p in table.index])
    return pd.DataFrame({"Payment type": [PAYMENTS[p] for p in table.index],
                         "£ undiscounted": table["cost"].to_numpy(),
                         "£ discounted": table["discounted_cost"].to_numpy()})


def _final(solution: Solution) -> str:
    return str(solution.tables["capacity"]["year"].iloc[-1])


def capacity(solution: Solution, words: Words) -> pd.DataFrame:
    """Capacity of each service, all localities together: today, each year, the change."""
    cap = solution.tables["capacity"]
    today = cap.drop_duplicates(["locality", "service"]).groupby(
        "service", sort=False)["capacity_today"].sum()
    by_year = cap.pivot_table(index="service", columns="year", values="capacity",
                              aggfunc="sum", sort=False)
    final = _final(solution)
    table = pd.DataFrame({"Service": words.column(pd.Series(by_year.index)).to_numpy(),
                          "Unit": [words.units.get(s, "") for s in by_year.index],
                          "Today": today.reindex(by_year.index).to_numpy()})
    for year in by_year.columns:
        table[str(year)] = by_year[year].to_numpy()
    table[f"Change by {final}"] = table[final] - table["Today"]
    return table


def capacity_by_locality(solution: Solution, words: Words) -> pd.DataFrame:
    """Capacity of each service in each locality: today, the final year, the change."""
    cap = solution.tables["capacity"]
    final = _final(solution)
    rows = cap[cap["year"] == final]
    table = pd.DataFrame({"Locality": words.column(rows["locality"]).to_numpy(),
                          "Service": words.column(rows["service"]).to_numpy(),
                          "Unit": rows["unit"].to_numpy(),
                          "Today": rows["capacity_today"].to_numpy(),
                          final: rows["capacity"].to_numpy()})
    table["Change"] = table[final] - table["Today"]
    return table


def workforce_by_year(solution: Solution, words: Words) -> pd.DataFrame:
    """Staff (FTE) of each role each year, all localities: needed by the plan, in post, and
    the most that could be in post with every recruit the labour market allows (today's
    staff after turnover plus each year's recruitment limit: the phase-in)."""
    work = solution.tables["workforce"]
    if work.empty:
        return pd.DataFrame(columns=["Role", "Year", "Needed", "In post", "Most recruitable"])
    instance = solution.inputs
    turnover = {r.name: r.turnover.value for r in instance.roles} if instance else {}
    today = {(w.locality, w.role): w.staff0.value for w in instance.workforce} \
        if instance else {}
    # Each (locality, role) a row of a matrix, each year a column: the recurrence runs over
    # the years, every locality at once.
    group = work.groupby(["locality", "role"], sort=False).ngroup().to_numpy()  # first seen
    first = work[["locality", "role"]].drop_duplicates()
    pairs = list(zip(first["locality"], first["role"], strict=True))
    year, _ = pd.factorize(work["year"])
    limits = np.zeros((len(pairs), year.max() + 1))
    limits[group, year] = work["recruitment_limit"].to_numpy()
    keep = np.array([1 - turnover.get(role, 0.0) for _, role in pairs])
    reachable = np.array([today.get(pair, 0.0) for pair in pairs])
    for y in range(limits.shape[1]):
        reachable = limits[:, y] = reachable * keep + limits[:, y]
    most = limits[group, year]
    frame = work.assign(most=most).groupby(["role", "year"], sort=False)[
        ["staff_needed", "staff_in_post", "most"]].sum().reset_index()
    return pd.DataFrame({"Role": words.column(frame["role"]).to_numpy(),
                         "Year": frame["year"].to_numpy(),
                         "Needed": frame["staff_needed"].to_numpy(),
                         "In post": frame["staff_in_post"].to_numpy(),
                         "Most recruitable": frame["most"].to_numpy()})


def workforce(solution: Solution, words: Words) -> pd.DataFrame:
    """Staff of each role, all localities: today, needed and in post in the final year, the
    change, and the recruits over the planning years."""
    work = solution.tables["workforce"]
    final = _final(solution)
    if work.empty:
        return pd.DataFrame(columns=["Role", "Today (FTE)", f"Needed {final}",
                                     f"In post {final}", "Change", "Recruited (all years)",
                                     f"Most recruitable {final}"])
    instance = solution.inputs
    today = pd.Series({w.role: 0.0 for w in instance.workforce} if instance else {})
    for w in instance.workforce if instance else []:
        today[w.role] += w.staff0.value
    by_year = workforce_by_year(solution, words)
    last = by_year[by_year["Year"] == final].reset_index(drop=True)
    roles = work["role"].drop_duplicates().tolist()
    recruited = work.groupby("role", sort=False)["recruited"].sum().reindex(roles)
    table = pd.DataFrame({
        "Role": last["Role"], "Today (FTE)": today.reindex(roles).fillna(0.0).to_numpy(),
        f"Needed {final}": last["Needed"], f"In post {final}": last["In post"]})
    table["Change"] = table[f"In post {final}"] - table["Today (FTE)"]
    table["Recruited (all years)"] = recruited.to_numpy()
    table[f"Most recruitable {final}"] = last["Most recruitable"]
    return table


def localities(solution: Solution, words: Words) -> pd.DataFrame:
    """Each locality over the planning years: need, unmet need, spending, staff."""
    unmet = solution.tables["unmet"].groupby("locality", sort=False)[["demand", "unmet"]].sum()
    costs = solution.tables["costs"]
    spend = spending(costs).groupby("locality", sort=False)[
        ["cost", "discounted_cost"]].sum().reindex(unmet.index).fillna(0.0)
    work = solution.tables["workforce"]
    final = _final(solution)
    staff = work[work["year"] == final].groupby("locality", sort=False)[
        "staff_needed"].sum().reindex(unmet.index).fillna(0.0)
    table = pd.DataFrame({"Locality": words.column(pd.Series(unmet.index)).to_numpy()})
    if words.codes:
        table["ONS area code"] = [words.codes.get(loc, "") for loc in unmet.index]
    table["New need (people)"] = unmet["demand"].to_numpy()
    table["Unmet (people)"] = unmet["unmet"].to_numpy()
    table["£ undiscounted"] = spend["cost"].to_numpy()
    table["£ discounted"] = spend["discounted_cost"].to_numpy()
    table[f"Staff needed {final} (FTE)"] = staff.to_numpy()
    return table


def definition(instance: Instance | None, indicator: str, words: Words) -> str:
    """What an indicator counts, in words."""
    row = next((k for k in instance.indicators if k.name == indicator), None) \
        if instance else None
    if row is None:
        return ""
    if row.derived == "independent":
        return ("Share of people with a new need in the year who end their pathway in no "
                "long-term setting (no care home, home care or supported living).")
    if row.derived == "enters":
        settings = ", ".join(words.label(s) for s in row.services)
        return f"Share of people with a new need in the year who end in {settings}."
    return ("Share of people with a new need in the year achieving it, from each pathway's "
            "stated share (pathway outcomes).")


def ascof_note(instance: Instance | None, indicator: str) -> str:
    """How an indicator differs from the ASCOF measure of a similar name, if one exists."""
    if instance is None:
        return ""
    row = next((k for k in instance.indicators if k.name == indicator), None)
    if row is None:
        return ""
    if row.derived == "enters" and not any(
            "bed" in s.unit for s in instance.services if s.name in row.services):
        return ""
    return ASCOF_NOTES.get(row.derived, "")


def outcomes(solution: Solution, words: Words) -> pd.DataFrame:
    """Each indicator area-wide in the final year and over all years, with its definition."""
    out = solution.tables["outcomes"]
    area = out[out["target"] == ""]
    final = _final(solution)
    instance = solution.inputs
    rows = []
    for indicator, group in area.groupby("indicator", sort=False):
        last = group[group["year"] == final]
        rows.append({
            "Indicator": words.label(str(indicator)),
            f"Share {final}": float(last["achieved_share"].sum()),
            "People (all years)": float(group["achieved_people"].sum()),
            "What it counts": definition(instance, str(indicator), words),
            "Compared with ASCOF": ascof_note(instance, str(indicator)),
        })
    return pd.DataFrame(rows, columns=["Indicator", f"Share {final}", "People (all years)",
                                       "What it counts", "Compared with ASCOF"])


def targets(solution: Solution, words: Words) -> pd.DataFrame:
    """Every outcome target: what it asks, what the plan achieves, met or not."""
    out = solution.tables["outcomes"]
    rows = out[out["target"] != ""]
    instance = solution.inputs
    cohorts = {t.name: t.cohorts for t in instance.targets} if instance else {}
    level = [f"{lvl:.1%}" if basis == "demand" else f"{lvl:,.1f} per 100,000"
             for lvl, basis in zip(rows["level"], rows["basis"], strict=True)]
    return pd.DataFrame({
        "Target": [target_words(words, str(k), cohorts.get(t)) for t, k in
                   zip(rows["target"], rows["indicator"], strict=True)],
        "Where": [("whole area" if g == "area" else words.label(g)) for g in rows["group"]],
        "Year": rows["year"].to_numpy(),
        "Asks": [("at least " if s == "at_least" else "at most ") + lvl
                 for s, lvl in zip(rows["sense"], level, strict=True)],
        "Achieved (share)": rows["achieved_share"].to_numpy(),
        "Achieved (people)": rows["achieved_people"].to_numpy(),
        "Required (people)": rows["required_people"].to_numpy(),
        "Met": ["yes" if met else "NO" for met in rows["met"]],
    })


def target_words(words: Words, indicator: str, cohorts: list[str] | None) -> str:
    """A target as a reader knows it: its indicator, and whose need it counts."""
    whose = "; ".join(words.label(c) for c in cohorts) if cohorts else "all new need"
    return f"{words.label(indicator)}: {whose}"


def unmet(solution: Solution, words: Words) -> pd.DataFrame:
    """Where need is left unmet, largest first, and why."""
    table = solution.tables["unmet"]
    rows = table[table["unmet"] > TOLERANCE].sort_values("unmet", ascending=False, kind="stable")
    return pd.DataFrame({"Locality": words.column(rows["locality"]).to_numpy(),
                         "Cohort": words.column(rows["cohort"]).to_numpy(),
                         "Year": rows["year"].to_numpy(),
                         "Unmet (people)": rows["unmet"].to_numpy(),
                         "Share of need": rows["unmet_share"].to_numpy(),
                         "Why": rows["why"].to_numpy()})


def binding_limits(solution: Solution, top: int | None = None) -> pd.DataFrame:
    """The binding limits with the largest shadow prices (meeting need itself left out: it is
    the price of care, not a limit), largest first; the ``top`` ones only when given."""
    prices = solution.tables["shadow_prices"]
    rows = prices[prices["binding"].astype(bool) & (prices["family"] != "demand_met")
                  & (prices["shadow_price"] > TOLERANCE)]
    if top is not None and len(rows) > top:  # the top ones (and any tied with the last)
        rows = rows[rows["shadow_price"] >= rows["shadow_price"].nlargest(top).iloc[-1]]
    rows = rows.sort_values(["shadow_price", "constraint"], ascending=[False, True])
    if top is not None:
        rows = rows.head(top)
    return pd.DataFrame({"Limit": rows["constraint_label"].to_numpy(),
                         "Value": rows["shadow_price"].to_numpy(),
                         "Unit": rows["unit"].to_numpy()})


def binding_count(solution: Solution) -> int:
    """How many limits bind with a shadow price (meeting need left out)."""
    prices = solution.tables["shadow_prices"]
    return int((prices["binding"].astype(bool) & (prices["family"] != "demand_met")
                & (prices["shadow_price"] > TOLERANCE)).sum())


def limits_meaning(solution: Solution) -> str:
    """What the values of the binding-limits table are: discounted £, or, when the plan
    maximises an outcome, the people achieving it."""
    if solution.maximised:
        return ("The binding limits with the largest shadow prices: the people "
                f"{lower_first(solution.maximised)} that one more unit of each would add (or "
                "take away).")
    return ("The binding limits with the largest shadow prices: what one more unit of each "
            "would save (or cost), in discounted £.")


def what_limits_most(solution: Solution) -> str:
    """The limit worth most to relax, in a sentence with its value (discounted £, or people
    when the plan maximises an outcome)."""
    limits = binding_limits(solution, top=1)
    if limits.empty:
        return ("No limit binds: the plan is the cheapest way to meet the need at the prices "
                "given, and relaxing any single limit would not lower its cost.")
    top = limits.iloc[0]
    value = f"£{top['Value']:,.0f}" if str(top["Unit"]).startswith("£") \
        else f"{top['Value']:,.2f}"
    unit = top["Unit"] if solution.maximised else f"{top['Unit']}, discounted"
    return (f"What limits the plan most: {top['Limit']}, worth {value} ({unit}). "
            f"{binding_count(solution):,} limits bind in all.")


def caseload_by_year(solution: Solution, words: Words) -> pd.DataFrame:
    """People in each long-term setting each year, all localities, beside its capacity."""
    case = solution.tables["caseload"]
    people = case.groupby(["service", "year"], sort=False)["people"].sum()
    cap = solution.tables["capacity"].groupby(["service", "year"], sort=False)[
        "capacity"].sum()
    frame = people.to_frame().join(cap, how="left").reset_index()
    return pd.DataFrame({"Service": words.column(frame["service"]).to_numpy(),
                         "Unit": [words.units.get(s, "") for s in frame["service"]],
                         "Year": frame["year"].to_numpy(),
                         "Caseload (people)": frame["people"].to_numpy(),
                         "Capacity": frame["capacity"].to_numpy()})
