"""Headroom for short-term services (MODEL.md 13): the square-root rule against Erlang C,
the tangent never looser than the rule, seasonal peaks, and priced delays."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from models import Instance
from optimiser.headroom import summary_lines
from optimiser.io import load_instance
from optimiser.pipeline import solve
from optimiser.prepare import prepare
from optimiser.queueing import beta_for_wait_share, correction, wait_probability
from optimiser.report.files import write_tables
from tests.builders import S, build, one_locality, service, worked_example

YEAR = "2026/27"
BED_YEAR = 33_800.0


def erlang_c(servers: int, load: float) -> float:
    """The probability an arrival waits in an M/M/c queue (Erlang C), from the Erlang B
    recursion B(0) = 1, B(k) = r B(k-1) / (k + r B(k-1))."""
    if servers <= load:
        return 1.0
    b = 1.0
    for k in range(1, servers + 1):
        b = load * b / (k + load * b)
    return servers * b / (servers - load * (1 - b))


def erlang_servers(load: float, share: float) -> int:
    """The fewest servers at which at most ``share`` of arrivals wait."""
    c = math.floor(load) + 1
    while erlang_c(c, load) > share:
        c += 1
    return c


def d2a_instance(people: float, weeks: float, *, wait_share: float | None = 0.2,
                 mean_wait: float | None = None, delay_price: float | None = None,
                 years: tuple[str, ...] = (YEAR,), profile: dict[str, float] | None = None,
                 occupancy: float = 1.0, variability: bool = True) -> Instance:
    """One locality whose older adults leaving hospital all go through a discharge-to-assess
    bed for ``weeks``: a load of ``people × weeks / 52`` beds."""
    data = one_locality(list(years), people)
    data["services"] = [service("d2a_bed", "short_term", "bed", BED_YEAR, occupancy=occupancy)]
    data["pathways"] = [{"name": "d2a", "cohort": "older_hospital", "suitable": S(1.0)}]
    data["indicators"] = [{"name": "independent", "derived": "independent"}]
    data["stages"] = [{"pathway": "d2a", "service": "d2a_bed", "share": S(1.0),
                       "weeks": S(weeks), "intensity": S(1.0)}]
    row: dict = {"service": "d2a_bed"}
    if wait_share is not None:
        row["wait_share"] = S(wait_share)
    if mean_wait is not None:
        row["mean_wait_days"] = S(mean_wait)
    if delay_price is not None:
        row["delay_price"] = S(delay_price)
    if variability:
        data["short_term_variability"] = [row]
    if profile:
        data["arrival_profile"] = [{"service": "d2a_bed", "month": month, "factor": S(f)}
                                   for month, f in profile.items()]
    return build(data)


def _places(instance: Instance) -> float:
    solution = solve(instance)
    assert solution.optimal
    return float(solution.tables["capacity"].query("service == 'd2a_bed'")["capacity"].max())


@pytest.mark.parametrize(("people", "weeks", "share"), [
    (520, 2, 0.2), (2600, 2, 0.2), (2600, 4, 0.1), (1300, 2, 0.5), (5200, 1, 0.05)])
def test_headroom_is_within_one_place_of_erlang_c(people, weeks, share):
    """M/M/c: Poisson arrivals, exponential stays, no season. A load of r beds at a standard
    of at most ``share`` waiting: the LP commissions r + beta sqrt(r) beds (beta from
    Halfin–Whitt), within one bed of the fewest servers Erlang C allows."""
    load = people * weeks / 52
    capacity = _places(d2a_instance(people, weeks, wait_share=share))
    assert abs(capacity - erlang_servers(load, share)) <= 1.0
    assert capacity > load


def test_halfin_whitt_beta_inverts_the_waiting_probability():
    for share in (0.05, 0.2, 0.5, 0.8):
        assert wait_probability(beta_for_wait_share(share)) == pytest.approx(share, rel=1e-9)


def test_winter_peak_commissions_more_than_a_flat_year():
    """A fifth more arrivals in January and December (a winter peak): sized to the peak
    month's load, so more beds than the flat year."""
    months = ["January", "February", "March", "April", "May", "June", "July", "August",
              "September", "October", "November", "December"]
    winter = {m: (1.2 if m in ("January", "December") else 1.0) for m in months}
    flat = _places(d2a_instance(2600, 2))
    peaked = _places(d2a_instance(2600, 2, profile=winter))
    peak = 1.2 / (sum(winter.values()) / 12)
    load = 100
    assert peaked > flat
    beta = beta_for_wait_share(0.2)
    assert peaked >= peak * load + beta * math.sqrt(peak * load) + correction(beta) - 1e-6


def _recounted(instance: Instance, *, units_per_person: float = 1.0,
               occupancy: float = 1.0) -> Instance:
    """The same beds counted in units of 1/``units_per_person`` of a bed (each person takes
    that many units, each at that fraction of a bed's price), or as beds of which only
    ``occupancy`` can be filled (each at that fraction of a bed's price)."""
    data = instance.model_dump(mode="json", exclude_defaults=True)
    bed = data["services"][0]
    bed["price_capacity"]["value"] = BED_YEAR / units_per_person * occupancy
    bed["occupancy"]["value"] = occupancy
    data["stages"][0]["intensity"]["value"] = units_per_person
    data["short_term_variability"][0]["units_per_person"] = S(units_per_person)
    return build(data)


@pytest.mark.parametrize(("units_per_person", "occupancy"), [(2.0, 1.0), (1.0, 0.5)])
def test_priced_waits_are_the_same_whatever_the_unit_of_capacity(units_per_person, occupancy):
    """2,600 people a year stay 2 weeks in a discharge-to-assess bed, each day waited priced
    at £285.71. Counted in half-beds (each person takes 2, at half a bed's price) or as beds
    only half of which can be filled (at half a bed's price), the queue is the same: the
    same waits at the same cost, and twice the capacity, at half the price, so the same
    total. (The waits' rows divide by the units a person takes and count only the capacity
    that can be filled.)"""
    base = d2a_instance(2600, 2, wait_share=None, delay_price=2000 / 7)
    recounted = _recounted(base, units_per_person=units_per_person, occupancy=occupancy)
    beds, again = solve(base), solve(recounted)
    assert again.objective == pytest.approx(beds.objective, rel=1e-9)
    delays = [s.tables["costs"].query("payment == 'delay'")["cost"].sum()
              for s in (beds, again)]
    assert delays[0] > 0 and delays[1] == pytest.approx(delays[0], rel=1e-9)
    capacity = [s.tables["capacity"]["capacity"].iloc[0] for s in (beds, again)]
    assert capacity[1] == pytest.approx(2 * capacity[0], rel=1e-9)


def test_the_average_plan_has_no_headroom_without_variability():
    """Without a variability row the plan is sized to the average, as before: capacity =
    load / occupancy."""
    assert _places(d2a_instance(2600, 2, variability=False)) == pytest.approx(100.0)


def test_a_delay_price_buys_headroom_until_a_bed_costs_more_than_the_delays_it_saves():
    """With a price on each day waited and no standard, the plan keeps headroom; a dearer
    delay buys more of it; and the tangent approximation charges the estimated waits."""
    cheap = _places(d2a_instance(2600, 2, wait_share=None, delay_price=5.0))
    dear = _places(d2a_instance(2600, 2, wait_share=None, delay_price=2000 / 7))
    assert 100 < cheap < dear
    solution = solve(d2a_instance(2600, 2, wait_share=None, delay_price=2000 / 7))
    row = solution.tables["headroom"].iloc[0]
    costs = solution.tables["costs"]
    assert row["estimated_delay_cost"] > 0
    # The objective is the bed payments plus the priced wait-days the LP approximated.
    beds = dear * BED_YEAR
    assert solution.objective == pytest.approx(beds + row["estimated_delay_cost"], rel=0.05)
    spend = costs[costs["payment"] != "delay"]["cost"].sum()
    assert spend == pytest.approx(beds, rel=1e-6)
    # The priced delays the LP charged are the costs table's 'delay' rows (not spend).
    delays = costs[costs["payment"] == "delay"]["cost"].sum()
    assert solution.objective == pytest.approx(spend + delays, rel=1e-9)


def test_a_service_with_no_spare_places_says_its_waits_grow_without_limit(tmp_path):
    """MODEL.md's worked example has no waiting standard: reablement is bought for its
    average load, 60 people × 6 weeks / 52 = 6.923 places for 6.923 people, so β = 0. Every
    arrival waits (share 1) and, with no spare place, the queue grows without limit: the days
    waited and the mean wait are left blank with the reason, in the table, its CSV and
    Parquet, and the summary, never as infinity. The IPACS case's services, kept to their
    standards, have spare places and finite waits."""
    solution = solve(build(worked_example()))
    row = solution.tables["headroom"].iloc[0]
    assert row["places"] == pytest.approx(60 * 6 / 52) == row["average_load"]
    assert row["estimated_share_waiting"] == 1.0
    assert math.isnan(row["estimated_wait_days"]) and math.isnan(row["estimated_mean_wait_days"])
    assert row["waits_not_estimated"] == "no spare places: waits grow without limit"
    write_tables(solution, tmp_path)
    csv = pd.read_csv(tmp_path / "headroom.csv", keep_default_na=False).iloc[0]
    assert (csv["estimated_wait_days"], csv["estimated_mean_wait_days"]) == ("", "")
    parquet = pd.read_parquet(tmp_path / "headroom.parquet")
    assert parquet["estimated_wait_days"].isna().all()
    summary = "\n".join(summary_lines(solution.tables, {"reablement": "Home reablement"}))
    assert "| no spare places: waits grow without limit |" in summary
    assert "inf" not in summary and "nan" not in summary

    kept = solve(load_instance(INSTANCES / "ipacs-discharge" / "instance.yaml"))
    table = kept.tables["headroom"]
    assert (table["headroom"] > 0).all() and (table["waits_not_estimated"] == "").all()
    assert np.isfinite(table["estimated_mean_wait_days"].to_numpy()).all()


# --- every shipped instance that states variability -----------------------------------------

INSTANCES = Path(__file__).resolve().parents[1] / "instances"
VARIABLE = sorted(p for p in INSTANCES.rglob("instance.yaml")
                  if "short_term_variability" in p.read_text(encoding="utf-8"))


def test_the_ipacs_case_is_shipped_with_variability():
    assert INSTANCES / "ipacs-discharge" / "instance.yaml" in VARIABLE


@pytest.mark.parametrize("path", VARIABLE, ids=lambda p: p.parent.name)
def test_the_tangent_is_never_looser_than_the_square_root_rule_at_the_final_plan(path):
    """At the plan, every service held to a standard has at least the square-root rule's
    places at its own load: occupancy × capacity / u >= f r + beta sqrt(z f r)
    + (beta^2 + 2)/6, with r = use / u, recomputed here from the capacity table."""
    instance = load_instance(path)
    solution = solve(instance)
    assert solution.optimal
    queues = prepare(instance).variability
    occupancy = {s.name: s.occupancy.value for s in instance.services}
    capacity = solution.tables["capacity"].set_index(["locality", "service", "year"])
    beta = solution.tables["headroom"].set_index(["locality", "service", "year"])["beta"]
    checked = 0
    for (loc, s), queue in queues.queues.items():
        if queue.standard == "none":
            continue
        for year in instance.years:
            row = capacity.loc[(loc, s, year)]
            u = queue.units_per_person
            load, places = row["used"] / u, occupancy[s] * row["capacity"] / u
            b = beta[(loc, s, year)]
            peak = queue.peak * load
            rule = peak + b * math.sqrt(queue.z * peak) + (b * b + 2) / 6
            assert places >= rule - 1e-6 * max(1.0, rule)
            checked += 1
    assert checked > 0


@pytest.mark.parametrize("path", VARIABLE, ids=lambda p: p.parent.name)
def test_a_locality_s_own_length_of_stay_is_the_one_planned_and_simulated(path):
    """Wherever a locality states its own mean stay on a short-term service, the plan's load
    over its arrivals (Little's law, in headroom.csv and the simulation's short_term.csv) is
    that stay, in every year; the IPACS case states one."""
    instance = load_instance(path)
    solution = solve(instance)
    stated = {(loc, s): q.mean_stay_days
              for (loc, s), q in prepare(instance).variability.queues.items()
              if q.mean_stay_days is not None}
    if path.parent.name == "ipacs-discharge":
        assert stated
    for name in ("headroom", "short_term"):
        table = solution.tables[name]
        for (loc, s), days in stated.items():
            rows = table[(table["locality"] == loc) & (table["service"] == s)]
            assert len(rows) == len(instance.years)
            assert rows["mean_stay_days"].to_numpy() == pytest.approx(days, rel=1e-9)


def test_a_winter_peak_commissions_more_than_the_same_case_with_a_flat_year():
    """The IPACS case with its winter peak against the same case with no seasonal profile:
    every short-term service is sized to its busiest month, so more places in all."""
    peaked = load_instance(INSTANCES / "ipacs-discharge" / "instance.yaml")
    flat = peaked.updated(arrival_profile=[])

    def places(instance: Instance) -> pd.Series:
        solution = solve(instance)
        assert solution.optimal
        table = solution.tables["capacity"]
        return table.groupby("service")["capacity"].sum()

    with_peak, without = places(peaked), places(flat)
    assert (with_peak > without + 1e-6).all()


def test_planning_on_the_average_drops_the_headroom():
    """--average (settings.headroom false): the IPACS case commissions exactly the load."""
    instance = load_instance(INSTANCES / "ipacs-discharge" / "instance.yaml")
    average = instance.updated(settings=instance.settings.model_copy(update={"headroom": False}))
    solution = solve(average)
    table = solution.tables["capacity"]
    assert table["capacity"].to_numpy() == pytest.approx(table["used"].to_numpy())
    assert (solution.tables["headroom"]["standard"] == "planned on the average").all()


# --- what a person sees for bad variability inputs ------------------------------------------

def test_a_variability_row_without_a_standard_or_price_is_refused_with_the_reason(tmp_path):
    from tests.io_helpers import problems, write_data

    data = d2a_instance(520, 2).model_dump(mode="json", exclude_defaults=True)
    data["short_term_variability"] = [{"service": "d2a_bed",
                                       "stay_cv": {"value": 0.5, "source": "assumption: a test"
                                                   " figure"}}]
    found = problems(write_data(tmp_path, data))
    assert len(found) == 1
    assert "expected one standard (wait_share or mean_wait_days), a delay_price, or a " \
           "standard and a delay_price together" in str(found[0])


def test_a_profile_missing_months_and_a_long_term_service_are_named(tmp_path):
    from tests.io_helpers import problems, write_data

    data = d2a_instance(520, 2).model_dump(mode="json", exclude_defaults=True)
    data["arrival_profile"] = [{"service": "d2a_bed", "month": "January",
                                "factor": {"value": 1.2, "source": "assumption: a test figure"}}]
    data["short_term_variability"].append({"service": "nowhere", "wait_share": {
        "value": 0.1, "source": "assumption: a test figure"}})
    text = "\n".join(str(p) for p in problems(write_data(tmp_path, data)))
    assert "February, March" in text and "a row for every month of 'd2a_bed'" in text
    assert "'nowhere'" in text and "short-term services" in text


def test_the_re_solve_patches_the_same_highs_model_from_its_last_basis():
    """The default instance with its short-term services held to a 10% standard (and its
    market limits on them lifted, as in the benchmark): the first solve sizes them to the
    average, the re-solve takes the tangents at that plan's loads. They move by changing
    mutable parameters: the second solve re-uses the compiled arrays and the HiGHS object
    (no rebuild) and changes only headroom rows."""
    from optimiser.headroom import refine
    from optimiser.model import build_model
    from optimiser.prepare import prepare
    from optimiser.simulation.bench import with_standards
    from optimiser.solve import DirectHighs

    instance = with_standards(load_instance(INSTANCES / "default" / "instance.yaml"))
    model = build_model(prepare(instance))
    solver = DirectHighs()
    first = solver.solve(model)
    lp, highs = solver.lp, solver.highs
    before = lp.rows.upper.copy(), lp.rows.lower.copy()
    second = refine(model, solver, first)
    assert second.status == "optimal" and solver.solves == 2
    assert solver.lp is lp and solver.highs is highs
    changed = {lp.constraints[r].parent_component().local_name
               for r in range(lp.rows.count)
               if lp.rows.upper[r] != before[0][r] or lp.rows.lower[r] != before[1][r]}
    assert changed <= {"short_term_headroom", "delay_wait_days"} and changed


# --- the diagnosis: a waiting standard that cannot be met --------------------------------------

def test_a_standard_the_market_cannot_staff_is_diagnosed_with_longer_waits_as_a_lever():
    """2,600 people a year leave hospital for two weeks in a discharge-to-assess bed, a load
    of r = 100 beds, all of it owed under the Care Act duty; today's 100 beds can grow by 5
    at most (no growth rate, a start-up of 5). At most 20% may wait: beta = 1.0615
    (Halfin–Whitt's share waiting 0.2), so the plan needs 100 + 10 beta + (beta^2 + 2)/6 =
    111.14 beds, 6.14 more than the 105 the market allows: no plan.

    Either lever alone makes one: the market growing by 6.14 more beds, or 6.14 fewer beds
    kept free. The 5 beds left above the load keep beta' = 0.463 (the root of
    10 b + (b^2 + 2)/6 = 5), at which 53.3% wait: the standard becomes 53.3% rather than
    20%."""
    solution = solve(_short_of_beds(d2a_instance(2600, 2)))
    assert solution.status == "infeasible" and solution.diagnosis is not None
    alternatives = {a.group: a for a in solution.diagnosis.alternatives}
    assert set(alternatives) == {"market", "waiting"}
    (waiting,) = alternatives["waiting"].relaxations
    (market,) = alternatives["market"].relaxations
    beta = beta_for_wait_share(0.2)
    needed = 100 + 10 * beta + correction(beta)
    assert waiting.amount == pytest.approx(needed - 105, rel=1e-6)
    assert market.amount == pytest.approx(needed - 105, rel=1e-6)
    assert waiting.limit == pytest.approx(needed - 100, rel=1e-6)
    assert waiting.words == ("6.2 fewer beds kept free for d2a bed in Example in 2026/27, "
                             "allowing more people to wait for a place: 53.3% rather than 20%")
    assert "Allow more people to wait for a short-term place" in solution.diagnosis.text()
    assert "the waiting standards for short-term places" in solution.diagnosis.explanation[0]


def test_a_mean_wait_the_market_cannot_staff_is_offered_as_a_longer_mean_wait():
    """The same beds held to a mean wait of at most a day. A stay of 2 weeks is 14 days, so
    g(beta) = 1 × √100 / 14 = 0.7143 and beta = 0.6036: the plan needs
    100 + 6.036 + (0.6036² + 2)/6 = 106.43 beds, 1.43 more than the market allows. With the
    5 beds it can have, beta' = 0.4631 (as above) and g(beta') = 1.1507, so the mean wait is
    1 × 1.1507 / 0.7143 = 1.6 days rather than 1."""
    solution = solve(_short_of_beds(d2a_instance(2600, 2, wait_share=None, mean_wait=1.0)))
    assert solution.diagnosis is not None
    (waiting,) = next(a for a in solution.diagnosis.alternatives
                      if a.group == "waiting").relaxations
    assert waiting.amount == pytest.approx(1.4298, abs=1e-3)
    assert waiting.words == ("1.5 fewer beds kept free for d2a bed in Example in 2026/27, "
                             "a longer mean wait for a place: 1.6 days rather than 1")


def test_a_market_that_cannot_grow_at_all_leaves_no_standard_to_offer():
    """Today's 100 beds cannot grow: the standard's whole 11.14 beds of headroom must go, so
    the lever offers no standard at all there, places for the average load, where waits
    grow."""
    solution = solve(_short_of_beds(d2a_instance(2600, 2), growth=0.0))
    assert solution.diagnosis is not None
    (waiting,) = next(a for a in solution.diagnosis.alternatives
                      if a.group == "waiting").relaxations
    beta = beta_for_wait_share(0.2)
    assert waiting.amount == pytest.approx(10 * beta + correction(beta), rel=1e-6)
    assert waiting.words == ("11.2 fewer beds kept free for d2a bed in Example in 2026/27, "
                             "no waiting standard there (places for at most the busiest "
                             "month's average load, so waits grow)")


def _short_of_beds(instance: Instance, growth: float = 5.0) -> Instance:
    """Everyone's need owed under the Care Act duty, and today's 100 beds able to grow by
    ``growth`` at most."""
    bed = instance.services[0]
    return instance.updated(
        services=[bed.model_copy(update={
            "grow_max": bed.grow_max.model_copy(update={"value": 0.0}),
            "startup": bed.startup.model_copy(update={"value": growth})})],
        capacity0=[{"locality": "Example", "service": "d2a_bed",
                    "units": S(100.0)}],
        settings=instance.settings.model_copy(update={"meet_eligible_need": ["older_hospital"]}))


@pytest.mark.parametrize("standard", [{"standard": "wait_share", "level": 0.1},
                                      {"standard": "mean_wait_days", "level": 0.5}])
@pytest.mark.parametrize(("people", "arrivals", "dispersion", "months"), [
    (100.0, 2600.0, 1.0, (1.0,) * 12), (7.5, 300.0, 2.0, (1.2,) + (1.0,) * 11)])
def test_the_headroom_a_row_keeps_is_read_back_from_its_tangent(standard, people, arrivals,
                                                                 dispersion, months):
    """kept() inverts tangent(): the beta and the spread sqrt(z f r0) the row was made with,
    and so the places it keeps above the peak load, beta spread + (beta^2 + 2)/6."""
    from optimiser.headroom import Load, kept, tangent
    from optimiser.variability import Queue

    queue = Queue(dispersion=dispersion, stay_cv=0.8, units_per_person=2.0, months=months,
                  **standard)
    load = Load(people, arrivals)
    found = kept(queue, *tangent(queue, load))
    beta = queue.beta(people, load.stay_days)
    spread = math.sqrt(queue.z * queue.peak * people)
    assert found.beta == pytest.approx(beta, rel=1e-9)
    assert found.spread == pytest.approx(spread, rel=1e-9)
    assert found.people == pytest.approx(beta * spread + correction(beta), rel=1e-9)
    assert found.beta_without(0.0) == pytest.approx(beta, rel=1e-9)
    assert found.beta_without(found.people) == 0.0


# --- length of stay by locality -----------------------------------------------------------------

def two_localities(stays: dict[str, float | None]) -> Instance:
    """3,640 people a year (ten a day in a planning year of 364 days) leave hospital in each
    of two localities for a discharge-to-assess bed; the pathway states two weeks, and a
    locality's variability row may state its own mean stay. At most 20% may wait."""
    data = one_locality([YEAR], 3640)
    data["localities"].append({"name": "Other", "cost_factor": S(1.0)})
    data["demand"].append({"locality": "Other", "cohort": "older_hospital", "people": S(3640)})
    data["services"] = [service("d2a_bed", "short_term", "bed", BED_YEAR)]
    data["pathways"] = [{"name": "d2a", "cohort": "older_hospital", "suitable": S(1.0)}]
    data["indicators"] = [{"name": "independent", "derived": "independent"}]
    data["stages"] = [{"pathway": "d2a", "service": "d2a_bed", "share": S(1.0),
                       "weeks": S(2.0), "intensity": S(1.0)}]
    data["short_term_variability"] = [
        {"service": "d2a_bed", "locality": loc, "wait_share": S(0.2)}
        | ({"mean_stay_days": S(days)} if days is not None else {})
        for loc, days in stays.items()]
    return build(data)


def test_a_longer_stay_in_one_locality_needs_more_places_and_more_headroom():
    """Ten people a day in each locality; Example's people stay 7 days, Other's 14. By
    Little's law the loads are 10 × 7 = 70 and 10 × 14 = 140 beds (the pathway's two weeks
    are replaced by each locality's own stay). At most 20% waiting, beta = 1.0615, so the
    square-root rule gives
    Example: 70 + 1.0615 √70 + (1.0615² + 2)/6 = 70 + 8.881 + 0.521 = 79.40 beds, and
    Other: 140 + 1.0615 √140 + 0.521 = 140 + 12.560 + 0.521 = 153.08 beds:
    headroom of 9.40 and 13.08 beds. The re-solve takes the tangent at these very loads, so
    the plan commissions the rule's places. The reports carry each locality's stay: the
    headroom table and the simulation's input both read 7 and 14 days."""
    solution = solve(two_localities({"Example": 7.0, "Other": 14.0}))
    assert solution.optimal
    beta = beta_for_wait_share(0.2)
    headroom = solution.tables["headroom"].set_index("locality")
    capacity = solution.tables["capacity"].set_index("locality")
    for loc, days in (("Example", 7.0), ("Other", 14.0)):
        load = 10 * days
        rule = load + beta * math.sqrt(load) + correction(beta)
        assert headroom.loc[loc, "average_load"] == pytest.approx(load, rel=1e-9)
        assert headroom.loc[loc, "mean_stay_days"] == pytest.approx(days, rel=1e-9)
        assert capacity.loc[loc, "capacity"] == pytest.approx(rule, rel=1e-6)
        assert headroom.loc[loc, "headroom"] == pytest.approx(rule - load, rel=1e-6)
    assert headroom.loc["Other", "headroom"] - headroom.loc["Example", "headroom"] == \
        pytest.approx(beta * (math.sqrt(140) - math.sqrt(70)), rel=1e-6)
    short_term = solution.tables["short_term"].set_index("locality")
    assert short_term.loc["Example", "mean_stay_days"] == pytest.approx(7.0, rel=1e-9)
    assert short_term.loc["Other", "mean_stay_days"] == pytest.approx(14.0, rel=1e-9)


def test_a_locality_without_its_own_stay_keeps_the_pathways_weeks():
    """Other states no stay: its people stay the pathway's two weeks, a load of
    3,640 × 2 / 52 = 140 beds, the same as a stated stay of 14 days; Example's 7 days change
    nothing there."""
    solution = solve(two_localities({"Example": 7.0, "Other": None}))
    headroom = solution.tables["headroom"].set_index("locality")
    assert headroom.loc["Other", "average_load"] == pytest.approx(3640 * 2 / 52, rel=1e-9)
    assert headroom.loc["Example", "average_load"] == pytest.approx(70.0, rel=1e-9)


def test_a_stay_of_no_days_is_refused_naming_the_file_row_and_field(tmp_path):
    from tests.io_helpers import only_problem, write_data

    data = two_localities({"Example": 7.0, "Other": 14.0}).model_dump(
        mode="json", exclude_defaults=True)
    data["short_term_variability"][1]["mean_stay_days"]["value"] = 0
    path = write_data(tmp_path, data)
    problem = only_problem(path)
    assert problem.file == str(path)
    assert problem.location.startswith("table short_term_variability, item 2, line ")
    assert "locality=Other" in problem.location
    assert (problem.field, problem.found, problem.expected) == (
        "mean_stay_days.value", "0",
        "a number > 0 – a number of days above 0, such as a mean length of stay")


def test_people_of_every_need_band_arrive_at_a_short_term_service():
    """The cohort split into two need bands, 60% and 40%: the pathway is routed once per band
    ('d2a/low', 'd2a/high'), and the people of both bands start an episode on the service,
    so the 2,600 arrivals a year and the two-week stay reach the headroom estimates and the
    simulation."""
    data = d2a_instance(2600, 2).model_dump(mode="json", exclude_defaults=True)
    data["bands"] = [{"cohort": "older_hospital", "name": name, "share": S(share)}
                     for name, share in (("low", 0.6), ("high", 0.4))]
    solution = solve(build(data))
    assert solution.optimal
    short_term = solution.tables["short_term"].iloc[0]
    assert short_term["arrivals"] == pytest.approx(2600, rel=1e-9)
    assert short_term["mean_stay_days"] == pytest.approx(14.0, rel=1e-12)


def test_a_stay_of_four_weeks_is_28_days_in_the_plan_its_headroom_and_the_simulation():
    """2,600 people a year stay four weeks: the LP's load is 2,600 × 4/52 = 200 beds, the
    headroom table and the simulation's input read a stay of 28 days (a planning year is 52
    weeks of 7 days, 364 days; before, 365 × 4/52 = 28.08), and Little's law on the
    simulation's year, 2,600/364 people a day × 28 days, is the same 200 beds."""
    from models.units import DAYS_PER_YEAR
    from optimiser.simulation.queue import DAYS

    solution = solve(d2a_instance(2600, 4))
    assert solution.optimal
    headroom = solution.tables["headroom"].iloc[0]
    short_term = solution.tables["short_term"].iloc[0]
    assert headroom["average_load"] == pytest.approx(2600 * 4 / 52, rel=1e-12)
    assert headroom["mean_stay_days"] == pytest.approx(28.0, rel=1e-12)
    assert short_term["mean_stay_days"] == pytest.approx(28.0, rel=1e-12)
    assert DAYS == DAYS_PER_YEAR == 364
    assert short_term["arrivals"] / DAYS * short_term["mean_stay_days"] == \
        pytest.approx(headroom["average_load"], rel=1e-12)
