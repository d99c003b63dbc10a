"""The shipped instances: valid, every figure sourced, every cited line real, and the
documents' own relationships reproduced.

The seed documents are found through the ``CARE_SOURCES`` setting (default
``../shared/seeds`` beside the repository; the CI clone has them there). Without them the
tests of cited lines are skipped, saying so.
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml
from pydantic import BaseModel

from models import Instance, Sourced, cited_lines
from models.sourced import DEFAULT_SOURCES, SOURCES_SETTING, documents_folder
from optimiser.io import load_instance
from optimiser.pipeline import solve
from optimiser.prepare import price_index

REPO = Path(__file__).resolve().parents[1]
INSTANCES = REPO / "instances"
SEEDS = documents_folder()
"""The source documents (CARE_SOURCES, default ../shared/seeds), or None on a fresh clone."""
NO_DOCUMENTS = (f"the source documents are not at hand: set {SOURCES_SETTING} to their folder "
                f"(default {DEFAULT_SOURCES})")


def _is_instance(path: Path) -> bool:
    """An instance file (option-appraisal files beside them have no planning years)."""
    if "_build" in path.parts:
        return False
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return isinstance(data, dict) and "years" in data


ALL_YAML = sorted(p for p in INSTANCES.rglob("*.yaml") if _is_instance(p))
SHIPPED = [p for p in ALL_YAML if "examples" not in p.parts]


def _id(path: Path) -> str:
    return str(path.relative_to(INSTANCES))


@pytest.fixture(scope="module")
def loaded() -> dict[Path, Instance]:
    return {path: load_instance(path) for path in ALL_YAML}


@pytest.fixture(scope="module")
def solved(loaded) -> dict[Path, object]:
    return {path: solve(inst) for path, inst in loaded.items() if path in SHIPPED}


def test_the_shipped_instances_are_there():
    names = {_id(p) for p in SHIPPED}
    for expected in ("default/instance.yaml", "england/instance.yaml",
                     "leicestershire/instance.yaml", "nottinghamshire/instance.yaml",
                     "lancashire-reablement/instance.yaml"):
        assert expected in names


@pytest.mark.parametrize("path", ALL_YAML, ids=_id)
def test_instance_validates(path, loaded):
    assert isinstance(loaded[path], Instance)


# --- every number carries a source --------------------------------------------------------


NOT_FIGURES = {"instance.settings.commit_years"}
"""Numbers that are choices about the plan, not figures about the world: how many years are
committed now."""


def _bare_numbers(node: object, where: str) -> list[str]:
    """Paths in raw YAML where a number stands without a source beside it. A scenario's
    changes are written in the appraisal file's change language, whose numbers carry their
    source on the change or the scenario (validation refuses one without)."""
    if where in NOT_FIGURES:
        return []
    if isinstance(node, dict):
        if "value" in node and "source" in node:
            return [] if isinstance(node["source"], str) and node["source"].strip() else [where]
        found = []
        for key, value in node.items():
            if key == "changes" and ".scenarios[" in where:
                continue
            found += _bare_numbers(value, f"{where}.{key}")
        return found
    if isinstance(node, list):
        found = []
        for i, value in enumerate(node):
            found += _bare_numbers(value, f"{where}[{i}]")
        return found
    if isinstance(node, (int, float)) and not isinstance(node, bool):
        return [where]
    return []


def _model_numbers(node: object, where: str) -> list[str]:
    """Paths in a validated model where a numeric field is not a Sourced value."""
    if isinstance(node, Sourced) or where in NOT_FIGURES:
        return []
    if isinstance(node, BaseModel):
        found = []
        for name in type(node).model_fields:
            found += _model_numbers(getattr(node, name), f"{where}.{name}")
        return found
    if isinstance(node, (list, tuple)):
        found = []
        for i, value in enumerate(node):
            found += _model_numbers(value, f"{where}[{i}]")
        return found
    if isinstance(node, (int, float)) and not isinstance(node, bool):
        return [where]
    return []


def _sources(node: object) -> list[str]:
    if isinstance(node, Sourced):
        return [node.source]
    if isinstance(node, BaseModel):
        return [s for name in type(node).model_fields for s in _sources(getattr(node, name))]
    if isinstance(node, (list, tuple)):
        return [s for value in node for s in _sources(value)]
    return []


@pytest.mark.parametrize("path", ALL_YAML, ids=_id)
def test_every_number_has_a_source(path, loaded):
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert _bare_numbers(raw, "instance") == []
    assert _model_numbers(loaded[path], "instance") == []
    assert _sources(loaded[path]), "an instance with no sourced figures at all"


@pytest.fixture(scope="module")
def seed_lines() -> dict[str, int]:
    if SEEDS is None:
        pytest.skip(NO_DOCUMENTS)
    return {p.name: len(p.read_text(encoding="utf-8").splitlines()) for p in SEEDS.glob("*.txt")}


@pytest.mark.parametrize("path", ALL_YAML, ids=_id)
def test_every_cited_line_exists(path, loaded, seed_lines):
    wrong = []
    for source in _sources(loaded[path]):
        for doc, first, last in cited_lines(source):
            if doc not in seed_lines:
                wrong.append(f"{doc} (no such document) in {source!r}")
            elif not 1 <= first <= last <= seed_lines[doc]:
                wrong.append(f"{doc}:{first}-{last} (the document has {seed_lines[doc]} lines) "
                             f"in {source!r}")
    assert wrong == []


def test_document_sources_quote_the_right_figure(seed_lines):
    """Spot checks: the headline figures are on the lines cited for them."""
    assert SEEDS is not None  # seed_lines skips the test without the documents
    text = {p.name: p.read_text(encoding="utf-8").splitlines() for p in SEEDS.glob("*.txt")}
    checks = {
        ("001_4550ef852cabf2d2.txt", 867): "£17.48",
        ("001_4550ef852cabf2d2.txt", 862): "£8700",
        ("001_4550ef852cabf2d2.txt", 1114): "£650",
        ("001_4550ef852cabf2d2.txt", 1862): "30%",
        ("001_4550ef852cabf2d2.txt", 1860): "13%",
        ("001_4550ef852cabf2d2.txt", 627): "60,000",
        ("001_4550ef852cabf2d2.txt", 646): "27,000",
        ("001_4550ef852cabf2d2.txt", 621): "104,000",
        ("001_4550ef852cabf2d2.txt", 658): "225,000",
        ("001_4550ef852cabf2d2.txt", 912): "47 people per week",
        ("001_4550ef852cabf2d2.txt", 2141): "2,200",
        ("001_4550ef852cabf2d2.txt", 1033): "42 individuals",
        ("001_4550ef852cabf2d2.txt", 1597): "150 fewer",
        ("000_9e956c6a8d6c89c1.txt", 280): "13 hours",
        ("003_ac403029bd3f9857.txt", 80): "38,000",
        ("004_82e2fe6d2a2a1cc5.txt", 374): "£206 million",
        ("004_82e2fe6d2a2a1cc5.txt", 275): "70%",
    }
    for (doc, line), figure in checks.items():
        assert figure in text[doc][line - 1], f"{doc}:{line} should say {figure}"


def test_instances_match_their_build_script():
    """The YAML files are what instances/_build/build.py writes: no figure drifts by hand."""
    sys.path.insert(0, str(INSTANCES / "_build"))
    try:
        import areas  # noqa: PLC0415
        import build  # noqa: PLC0415
    finally:
        sys.path.pop(0)
    for name, builder in areas.BUILDERS.items():
        instance, header, relative = builder()
        on_disk = (INSTANCES / relative).read_text(encoding="utf-8")
        assert on_disk == build.dump(instance, header), (
            f"{relative} differs from what build.py writes for {name!r}; rerun "
            ".venv/bin/python instances/_build/build.py")


# --- the documents' relationships -----------------------------------------------------------


def _pathway_pairs(inst: Instance) -> list[tuple[str, str]]:
    """(reablement pathway, its straight-to-home-care counterpart) in the same cohort."""
    by_cohort: dict[str, dict[str, str]] = {}
    for p in inst.pathways:
        kind = ("reablement" if p.name.endswith("reablement") or p.name == "reablement_first"
                else "home_care" if p.name.endswith("home_care") else None)
        if kind:
            by_cohort.setdefault(p.cohort, {})[kind] = p.name
    return [(d["reablement"], d["home_care"]) for d in by_cohort.values()
            if {"reablement", "home_care"} <= set(d)]


def _band_shares(inst: Instance, cohort: str) -> dict[str | None, float]:
    """Each need band's share of a cohort (None: the whole cohort, when it has no bands)."""
    return {b.name: b.share.value for b in inst.bands if b.cohort == cohort} or {None: 1.0}


def _ongoing_hours(inst: Instance, pathway: str, band: str | None) -> float:
    """Hours a week of home care per person on the pathway, in a band (its own rows, else
    the rows naming none)."""
    rows = [d for d in inst.destinations if d.pathway == pathway and d.service == "home_care"]
    own = [d for d in rows if band is not None and d.band == band]
    return sum(d.share.value * d.package.value for d in own or [d for d in rows if d.band is None])


def _home_care_weeks(inst: Instance, cohort: str, band: str | None) -> float:
    """How long a home-care package lasts: leaving care or moving on to a care home."""
    def of_band(rows):
        own = [r for r in rows if band is not None and r.band == band]
        return own or [r for r in rows if r.band is None]

    leave = of_band([r for r in inst.leave if r.cohort == cohort and r.service == "home_care"])
    onward = of_band([r for r in inst.deterioration
                      if r.cohort == cohort and r.from_service == "home_care"])
    return 52 / (sum(r.share.value for r in leave) + sum(r.rate.value for r in onward))


@pytest.mark.parametrize("name", ["default", "england", "leicestershire", "nottinghamshire"])
def test_reablement_avoids_8700_at_seven_times_its_cost(name, loaded):
    """001:862, 867: reablement leaves £8,700 less long-term care per person, valued over 72
    weeks at £17.48 an hour, a return of seven times the cost of the intervention. With need
    bands this holds for the average person reabled today (the bands' shares: today's
    practice reables the same share of every band), each band's package lasting 72 weeks."""
    inst = loaded[INSTANCES / name / "instance.yaml"]
    services = {s.name: s for s in inst.services}
    home = services["home_care"]
    rate = home.price_capacity.value / 52  # £ an hour
    pairs = _pathway_pairs(inst)
    assert pairs
    for reab, straight in pairs:
        cohort = next(p.cohort for p in inst.pathways if p.name == reab)
        avoided = 0.0
        for band, share in _band_shares(inst, cohort).items():
            weeks = _home_care_weeks(inst, cohort, band)
            assert weeks == pytest.approx(72, rel=1e-3), (cohort, band)
            avoided += share * (_ongoing_hours(inst, straight, band)
                                - _ongoing_hours(inst, reab, band)) * rate * weeks
        assert avoided == pytest.approx(8700, rel=0.05), (reab, avoided)
        episode = sum(
            st.share.value * st.weeks.value * st.intensity.value * (
                services[st.service].price_capacity.value / 52
                / services[st.service].occupancy.value
                + services[st.service].price_use.value / 52)
            for st in inst.stages if st.pathway == reab)
        assert avoided / episode == pytest.approx(7, rel=0.05), (reab, avoided / episode)


@pytest.mark.parametrize("name", ["default/instance.yaml", "england/instance.yaml",
                                  "england/best-practice.yaml"])
def test_document_instances_split_need_into_bands_and_let_it_grow(name, loaded):
    """Issue 9: the older cohorts able to go home are split into low, moderate and high need
    with packages averaging the documents' 13 hours (000:280), reablement's effect differs by
    band, and people in home care move on to care homes (and residents to nursing beds),
    faster the higher their need."""
    inst = loaded[INSTANCES / name]
    for cohort in ("older_hospital", "older_community"):
        shares = _band_shares(inst, cohort)
        assert set(shares) == {"low", "moderate", "high"}
        assert sum(shares.values()) == pytest.approx(1.0)
        straight = next(p.name for p in inst.pathways
                        if p.cohort == cohort and p.name.endswith("_home_care"))
        hours = {b: _ongoing_hours(inst, straight, b) for b in shares}
        assert sum(shares[b] * hours[b] for b in shares) == pytest.approx(13.0)
        reab = next(p.name for p in inst.pathways
                    if p.cohort == cohort and p.name.endswith("reablement"))
        avoided = {b: hours[b] - _ongoing_hours(inst, reab, b) for b in shares}
        assert avoided["low"] < avoided["moderate"] < avoided["high"]
        onward = {b: sum(r.rate.value for r in inst.deterioration
                         if r.cohort == cohort and r.band == b and r.from_service == "home_care")
                  for b in shares}
        assert 0 < onward["low"] < onward["moderate"] < onward["high"]
    settings = {(r.from_service, r.to_service) for r in inst.deterioration}
    assert {("home_care", "residential"), ("home_care", "nursing"),
            ("residential", "nursing")} <= settings


def test_rate_is_the_documents_all_up_home_care_cost(loaded):
    for path in SHIPPED:
        home = next((s for s in loaded[path].services if s.name == "home_care"), None)
        if home is None:  # a case of short-term services alone (ipacs-discharge)
            continue
        assert home.price_capacity.value / 52 == pytest.approx(17.48)


# --- solving ----------------------------------------------------------------------------------


@pytest.mark.parametrize("path", SHIPPED, ids=_id)
def test_instance_solves_to_optimality(path, solved):
    solution = solved[path]
    assert solution.status == "optimal", solution.message
    assert math.isfinite(solution.objective)


@pytest.mark.parametrize("path", SHIPPED, ids=_id)
def test_need_is_met(path, solved):
    """The shipped instances are sized so today's market and workforce can meet need."""
    unmet = solved[path].tables["unmet"]
    assert unmet["unmet"].sum() == pytest.approx(0, abs=1e-6)


def _admissions(solution) -> float:
    out = solution.tables["outcomes"]
    rows = out[(out["indicator"] == "care_home_admissions") & (out["target"].fillna("") == "")]
    return float(rows["achieved_people"].sum())


def _pathway(routed: pd.Series) -> pd.Series:
    """The instance's pathway of each routed pathway (``pathway/band`` in a cohort with need
    bands)."""
    return routed.str.split("/").str[0]


def _flow(solution, suffix: str) -> float:
    flows = solution.tables["flows"]
    return float(flows[_pathway(flows["pathway"]).str.endswith(suffix)]["people"].sum())


def test_england_best_practice_means_fewer_care_homes_and_more_reablement(solved):
    """The discharge review's direction (001:2093-2095): with today's limits relaxed, fewer
    residential and nursing placements, more people home with reablement, at lower cost."""
    now = solved[INSTANCES / "england" / "instance.yaml"]
    best = solved[INSTANCES / "england" / "best-practice.yaml"]
    assert _admissions(best) < 0.95 * _admissions(now)
    assert _flow(best, "reablement") > 1.2 * _flow(now, "reablement")
    assert _flow(best, "care_home") < _flow(now, "care_home")
    assert best.objective < now.objective


def _relaxed(inst: Instance, suffix: str, value) -> Instance:
    pathways = [
        p.model_copy(update={"suitable": p.suitable.model_copy(update={
            "value": value(p.suitable.value)})}) if p.name.endswith(suffix) else p
        for p in inst.pathways
    ]
    return inst.updated(pathways=pathways)


def test_england_more_reablement_replaces_straight_to_home_care(loaded, solved):
    """Relax only the reablement limits ('almost twice as many people could benefit',
    001:906): people who went straight to home care are reabled instead, at lower cost,
    and no more go into care homes."""
    now = solved[INSTANCES / "england" / "instance.yaml"]
    relaxed = solve(_relaxed(loaded[INSTANCES / "england" / "instance.yaml"], "reablement",
                             lambda v: min(1.0, 2 * v)))
    assert relaxed.status == "optimal"
    assert _flow(relaxed, "reablement") > 1.2 * _flow(now, "reablement")
    assert _flow(relaxed, "_home_care") < _flow(now, "_home_care")
    assert _admissions(relaxed) <= _admissions(now) + 1e-6
    assert relaxed.objective < now.objective


def test_england_supporting_people_at_home_means_fewer_care_homes(loaded, solved):
    """Open home care to the 18% of those assessed for a care home who could be supported
    more independently (001:627): admissions fall by about that share."""
    now = solved[INSTANCES / "england" / "instance.yaml"]
    relaxed = solve(_relaxed(loaded[INSTANCES / "england" / "instance.yaml"], "diverted_home",
                             lambda v: 0.18))
    assert relaxed.status == "optimal"
    assert _flow(relaxed, "care_home") < 0.9 * _flow(now, "care_home")
    assert _admissions(relaxed) < _admissions(now)
    assert relaxed.objective < now.objective


def _with_design(inst: Instance, design: str, budget=None, **settings) -> Instance:
    changes: dict = {"settings": inst.settings.model_copy(update={"designs": [design],
                                                                  **settings})}
    if budget is not None:
        changes["budget"] = budget
    return inst.updated(**changes)


def _per_week(solution) -> float:
    flows = solution.tables["flows"]
    years = flows["year"].nunique()
    return float(flows[flows["pathway"] == "reablement_first"]["people"].sum()) / (52 * years)


def test_lancashire_outcomes_based_serves_more_for_the_same_budget(loaded):
    """001:912, 2141: the outcomes-based contract reabled more people a week. Give both
    designs the budget the time-and-task plan spends and maximise people finishing
    reablement: the outcomes-based design serves more."""
    from models import Budget

    base = loaded[INSTANCES / "lancashire-reablement" / "instance.yaml"]
    tt_plan = solve(_with_design(base, "time_and_task"))
    spend = tt_plan.tables["costs"].groupby("year")["cost"].sum()
    budget = [Budget(year=y, amount={"value": float(spend[y]) + 1.0,
                                     "source": "assumption: the time-and-task plan's spend"})
              for y in base.years]
    served = {}
    for design in ("time_and_task", "outcomes_based"):
        inst = _with_design(base, design, budget=budget, objective="max_outcome",
                            objective_indicator="finished_reablement")
        solution = solve(inst)
        assert solution.status == "optimal", solution.message
        served[design] = _per_week(solution)
    assert served["outcomes_based"] > 1.2 * served["time_and_task"]


def test_lancashire_variant_files_differ_only_in_the_design(loaded):
    base = loaded[INSTANCES / "lancashire-reablement" / "instance.yaml"]
    obc = loaded[INSTANCES / "lancashire-reablement" / "outcomes-based.yaml"]
    assert base.settings.designs == ["time_and_task"]
    assert obc.settings.designs == ["outcomes_based"]
    assert _with_design(base, "outcomes_based").model_dump(exclude={"name"}) == \
        obc.model_dump(exclude={"name"})


def test_lancashire_outcomes_based_costs_less_and_reables_more(solved):
    tt = solved[INSTANCES / "lancashire-reablement" / "instance.yaml"]
    obc = solved[INSTANCES / "lancashire-reablement" / "outcomes-based.yaml"]
    assert _per_week(obc) > _per_week(tt)
    assert obc.objective < tt.objective


def test_default_solves_in_seconds(solved):
    solution = solved[INSTANCES / "default" / "instance.yaml"]
    assert sum(solution.timings.values()) < 10


def test_one_more_person_reabled_saves_what_the_documents_say(loaded, solved):
    """The marginal value of reablement in the plan starts from the documents' figure: one
    more person with moderate needs (the documents' 13-hour package) reabled instead of
    going straight to home care saves the £8,700 of home care (001:862; hours bought at 95%
    use, so £8,700 ÷ 0.95) less the £1,243 episode, in the first year, in a locality at
    average prices, here brought to 2026/27 prices by the instance's price index;
    deterioration adds the care-home places those left independent will not need (less
    than a third more). With the cost of care after the last year counted, the value holds
    up to the last year instead of collapsing. Reablement is worth more the higher the
    need: the same share of a larger package."""
    path = INSTANCES / "default" / "instance.yaml"
    prices = solved[path].tables["shadow_prices"]
    index = price_index(loaded[path])

    def value(band: str, year: str) -> float:
        row = prices[(prices["family"] == "pathway_suitable")
                     & (prices["locality"] == "leicester_north_east")
                     & (prices["item"] == f"comm_reablement/{band}") & (prices["year"] == year)]
        assert len(row) == 1, (band, year)
        return float(row["shadow_price"].iloc[0])

    documents = 8700 / 0.95 - 8700 / 7
    first, last = "2026/27", "2030/31"
    assert documents <= value("moderate", first) / index <= 1.3 * documents
    assert value("moderate", last) >= 0.85 * value("moderate", first)
    assert value("low", first) < value("moderate", first) < value("high", first)


def test_england_volumes_sit_within_the_documents_national_totals(loaded, solved):
    """001:153: 261,605 short-term episodes and 838,530 people in long-term care in 2019/20
    (all adults). England's short-term flows in the first year, taken back to 2019/20, are
    within 15% of the episodes; today's long-term caseload (older adults and adults with
    learning disabilities only) is below the long-term total."""
    inst = loaded[INSTANCES / "england" / "instance.yaml"]
    flows = solved[INSTANCES / "england" / "instance.yaml"].tables["flows"]
    short = {st.pathway for st in inst.stages}
    first = flows[(flows["year"] == inst.years[0]) & _pathway(flows["pathway"]).isin(short)]
    growth = next(c.growth.value for c in inst.cohorts if c.name == "older_hospital")
    assert float(first["people"].sum()) / (1 + growth) ** 7 == pytest.approx(261_605, rel=0.15)
    caseload = sum(row.people.value for row in inst.caseload0)
    assert 0.5 * 838_530 < caseload < 838_530
