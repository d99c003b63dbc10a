"""One function per shipped instance: its localities, and what the documents say about it
that differs from the national picture."""

from __future__ import annotations

import math

from common import (
    CARE_WORKER_HIRE_COST,
    COMM_CARE_HOME,
    ENGLAND_POP,
    ENGLAND_POP_NOTE,
    HOSP_NEED,
    INDEPENDENT_AFTER,
    ROLES,
    SHORT_TERM_SHARE,
    YEARS,
    A,
    Dv,
    F,
    Options,
    Place,
    band_rows,
    best_practice,
    cohorts,
    demand_rows,
    deterioration_rows,
    from_home_care,
    indicators,
    ld_moves,
    leave_rows,
    pathways_block,
    services,
    staffing_rows,
    workforce_rows,
)
from figures import (
    CARE_HOME_ADMISSIONS,
    CCN_RESIDENTS,
    FOSSEWAY,
    HOME_CARE_HOURS,
    LEICESTER_NE,
    LEICS_FEWER_ADMISSIONS,
    LEICS_LD_COULD,
    LEICS_LD_IDENTIFIED,
    LEICS_LD_MOVED,
    LEICS_OLDER_HALF,
    NOTTS_BUDGET,
    NOTTS_FRONT_DOOR,
    NOTTS_IC_WEEKS,
    OLDER_GROWTH_COUNTY,
    OLDER_GROWTH_ENGLAND,
    OVER75_COUNTY,
    OVER75_LONDON,
    RUTLAND,
    SHORT_TERM_MORE,
    TYPICAL_FRONT_DOOR,
    fmt,
)
from penalties import cohort_penalties
from today import today_rows

SETTINGS = {
    "discount_rate": A(0.035, "HM Treasury Green Book discount rate of 3.5% a year; the "
                       "documents give none"),
    "unmet_penalty": A(500_000, "set well above the cost of the dearest pathway over the "
                       "five planning years (a residential place for an adult with learning "
                       "disabilities, about £40,000 a year, for five years) so need is always "
                       "met when capacity and staff allow; unmet need is reported, never "
                       "hidden", 0),
    "end_of_horizon": True,
    "price_year": "2019/20",
    "price_inflation": Dv(0.025, "the midpoint of the 2%-3% a year rise in adult social care "
                          "unit costs (000_9e956c6a8d6c89c1.txt:270), bringing the documents' "
                          "2019/20 prices (001_4550ef852cabf2d2.txt:149) to 2026/27"),
}


def _independence_target() -> list[dict]:
    """Hold today's independence: one floor for each older cohort, at today's practice."""
    d2a_independent = 1 - 0.45 - 0.15 - 0.10
    hosp = SHORT_TERM_SHARE * 0.75 * INDEPENDENT_AFTER + SHORT_TERM_SHARE * 0.25 * d2a_independent
    comm = SHORT_TERM_SHARE * INDEPENDENT_AFTER
    src = (f"short-term shares from {SHORT_TERM_MORE.cite}; 45% independent after reablement; "
           f"set 0.1 percentage point below, so rounding in the file cannot put it out of "
           f"reach")

    def floor(x: float) -> float:
        return round(math.floor(x * 1000) / 1000 - 0.001, 3)

    return [
        {"name": "hospital_independence", "indicator": "independent", "sense": "at_least",
         "level": Dv(floor(hosp), (
             f"hold today's practice: {fmt(SHORT_TERM_SHARE * 0.75)} home reablement × "
             f"{fmt(INDEPENDENT_AFTER)} + {fmt(SHORT_TERM_SHARE * 0.25)} in short-term beds × "
             f"{fmt(d2a_independent)} = {fmt(hosp)} of older adults leaving hospital end "
             f"independent ({src})")),
         "cohorts": ["older_hospital", "older_hospital_bed"], "scope": "area"},
        {"name": "community_independence", "indicator": "independent", "sense": "at_least",
         "level": Dv(floor(comm), (
             f"hold today's practice: {fmt(SHORT_TERM_SHARE)} reablement × "
             f"{fmt(INDEPENDENT_AFTER)} = {fmt(comm)} of older adults from the community end "
             f"independent ({src})")),
         "cohorts": ["older_community", "older_community_care_home"], "scope": "area"},
    ]


def assemble(name: str, description: str, places: list[Place], opt: Options,
             targets: list[dict] | None = None, budget: list[dict] | None = None,
             extra: dict | None = None) -> dict:
    svcs = services(opt)
    demand = demand_rows(places, opt)
    pw = pathways_block(opt)
    leave = leave_rows()
    bands = band_rows()
    worsening = deterioration_rows()
    moves = ld_moves(opt) + opt.older_moves
    today_moves = [{**mv, "suitable": mv["today_share"]} for mv in moves]
    cohort_rows = cohorts(opt)
    cohort_penalties(cohort_rows, pw["pathways"], pw["stages"], pw["destinations"], svcs, leave,
                     bands, worsening)
    growth = {c["name"]: c["growth"]["value"] for c in cohort_rows}
    caseload, cap0 = today_rows(places, demand, pw["pathways"], pw["stages"],
                                pw["destinations"], leave, today_moves,
                                svcs, growth, bands, worsening)
    inst = {
        "name": name,
        "description": description,
        "years": YEARS,
        "settings": dict(SETTINGS),
        "localities": [
            {"name": p.name, "label": p.label, "cost_factor": p.cost_factor,
             "population": p.population} for p in places
        ],
        "cohorts": cohort_rows,
        "demand": demand,
        "services": svcs,
        "capacity0": cap0,
        "caseload0": caseload,
        "leave": leave,
        "roles": ROLES,
        "staffing": staffing_rows(),
        "workforce": workforce_rows(places, cap0),
        "indicators": indicators(),
        **pw,
        "moves": moves,
        "targets": targets or [],
        "budget": budget or [],
        "bands": bands,
        "deterioration": worsening,
    }
    if extra:
        inst.update(extra)
    return inst


def default() -> tuple[dict, str, str]:
    """Three LLR integrated-locality-team early-implementer sites."""
    places = [
        Place("rutland", "Rutland ILT site", F(RUTLAND),
              A(1.05, "a small, rural area: longer travel raises home-care costs "
                "(000_9e956c6a8d6c89c1.txt:294, 631); 5% above average taken")),
        Place("leicester_north_east", "Leicester City North and East neighbourhood",
              F(LEICESTER_NE), A(1.0, "an urban neighbourhood at average prices")),
        Place("hinckley_fosseway", "Hinckley and Bosworth Fosseway neighbourhood",
              F(FOSSEWAY), A(1.0, "a mixed town and rural neighbourhood at average prices")),
    ]
    targets = _independence_target()
    inst = assemble(
        "default",
        "Three Leicester, Leicestershire and Rutland integrated locality team early-implementer "
        "sites (populations about 38,000, 60,000 and 45,000), five planning years. National "
        "volumes and costs from the documents, scaled to each site's population. Pathway "
        "limits are today's practice; the care-home pathway takes whoever the others do not.",
        places, Options(older_growth=OLDER_GROWTH_COUNTY), targets=targets)
    header = (
        "The default instance: `make run` solves it.\n"
        "Three LLR integrated locality team early-implementer sites (003_ac403029bd3f9857.txt:"
        "80-82).\n"
        "Generated by instances/_build/build.py from the documents' figures; every number "
        "carries its source.\n"
        f"Scaling base: {ENGLAND_POP_NOTE}.")
    return inst, header, "default/instance.yaml"


ENGLAND_TYPES = [
    # name, label, population, its source, over-75 share, its source, cost factor, reason
    ("ccn_counties", "County Councils Network members (25 counties and 11 unitaries)",
     CCN_RESIDENTS.value, CCN_RESIDENTS.cite, OVER75_COUNTY.value, OVER75_COUNTY.cite, 1.0,
     "county prices taken as the national average: rural travel adds cost "
     "(000_9e956c6a8d6c89c1.txt:294) but council fees are low (001_4550ef852cabf2d2.txt:376)"),
    ("metropolitan", "Metropolitan districts", 12_044_000,
     "assumption: the 36 metropolitan districts' population, about 12.0 million (ONS "
     "mid-2019 estimates for the six metropolitan counties); the documents give none",
     0.076, "assumption: about 7.6% of metropolitan residents are over 75 (ONS mid-2019); the "
     "documents give counties' and London's shares only", 0.95,
     "dense urban areas: short travel between visits; 5% below average taken"),
    ("london", "London boroughs", 8_962_000,
     "assumption: London's population, about 9.0 million (ONS mid-2019 estimate); the "
     "documents give none", OVER75_LONDON.value, OVER75_LONDON.cite, 1.15,
     "London's market rates and wages are higher (London spends £2,204 a head of 65+ against "
     "counties' £1,306, 000_9e956c6a8d6c89c1.txt:225, partly price); 15% above average taken"),
    ("unitary", "Unitary authorities outside the County Councils Network", None, None,
     0.080, "assumption: about 8.0% of residents of non-CCN unitaries are over 75 (ONS "
     "mid-2019); the documents give counties' and London's shares only", 1.0,
     "a mix of cities and towns at average prices"),
]


def _england_places() -> list[Place]:
    known = sum(t[2] for t in ENGLAND_TYPES if t[2] is not None)
    rows = []
    for name, label, pop, src, s75, s75_src, cf, cf_why in ENGLAND_TYPES:
        if pop is None:
            pop = ENGLAND_POP - known
            src = (f"derived: England's {fmt(ENGLAND_POP)} (assumption, ONS mid-2019) less "
                   f"the other three types ({fmt(CCN_RESIDENTS.value)} in CCN councils, "
                   f"{CCN_RESIDENTS.cite}; 12,044,000 metropolitan and 8,962,000 London, "
                   f"ONS assumptions) = {fmt(pop)}")
        rows.append((name, label, pop, src, s75, s75_src, cf, cf_why))
    mean75 = sum(r[2] * r[4] for r in rows) / ENGLAND_POP
    mean_text = " + ".join(f"{fmt(r[2])} × {fmt(r[4])}" for r in rows)
    places = []
    for name, label, pop, src, s75, s75_src, cf, cf_why in rows:
        w = s75 / mean75
        places.append(Place(
            name, label,
            {"value": float(pop), "source": src},
            A(cf, cf_why),
            older_weight=Dv(w, f"older need per head follows the over-75 share: "
                            f"{fmt(s75)} ({s75_src.removeprefix('assumption: ')}) ÷ the "
                            f"England mean ({mean_text}) ÷ {fmt(ENGLAND_POP)} = "
                            f"{fmt(round(mean75, 5))}; over-75 shares from "
                            f"{OVER75_COUNTY.cite}"),
        ))
    return places


ENGLAND_DESCRIPTION = (
    "England by council type: County Councils Network counties, metropolitan districts, "
    "London boroughs and other unitary authorities. National volumes from the documents "
    "(375,000 older adults a year with a new need, 60,000 care-home admissions, 225,000 in "
    "home care, 104,000 and 27,000 adults with learning disabilities in the community and in "
    "residential homes), split by population and, for older adults, by the over-75 share. ")


def england() -> tuple[dict, str, str]:
    inst = assemble(
        "england", ENGLAND_DESCRIPTION + "Pathway limits are today's practice: the "
        "care-home pathway takes whoever the others do not. best-practice.yaml relaxes them.",
        _england_places(), Options(older_growth=OLDER_GROWTH_ENGLAND),
        targets=_independence_target())
    header = (
        "England by council type, today's practice.\n"
        "Generated by instances/_build/build.py; every number carries its source.\n"
        f"Scaling base: {ENGLAND_POP_NOTE}.")
    return inst, header, "england/instance.yaml"


def england_best_practice() -> tuple[dict, str, str]:
    suitable, move = best_practice()
    inst = assemble(
        "england-best-practice", ENGLAND_DESCRIPTION + "Best practice: reablement offered to "
        "40% more older people (001:611), at least 18% of care-home admissions supported at "
        "home instead (001:627), up to 43% of adults with learning disabilities in residential "
        "homes moved to supported living over the five years (001:646).",
        _england_places(),
        Options(older_growth=OLDER_GROWTH_ENGLAND, suitable=suitable, ld_move_suitable=move,
                ld_move_is_today=False),
        targets=_independence_target())
    header = (
        "England by council type, best practice: the same as instance.yaml except the pathway\n"
        "and move limits (reablement for 40% more, 18% of care-home admissions at home, LD\n"
        "moves up to 43%). Compare the two solves to see what current practice costs.\n"
        "Generated by instances/_build/build.py; every number carries its source.\n"
        f"Scaling base: {ENGLAND_POP_NOTE}.")
    return inst, header, "england/best-practice.yaml"


def _districts(rows: list[tuple[str, str, int, float, str]], county: str) -> list[Place]:
    return [
        Place(name, label,
              A(pop, f"{label}'s population, about {fmt(pop)} (ONS mid-2019 estimate); the "
                f"documents name the district ({where}) but give no population", 0),
              A(cf, "a rural district: longer travel between visits raises home-care costs "
                "(000_9e956c6a8d6c89c1.txt:294, 631); 5% above average taken" if cf > 1 else
                f"prices at the {county} average"))
        for name, label, pop, cf, where in rows
    ]


LEICS_DISTRICTS = [
    ("blaby", "Blaby", 101_400, 1.0, "003_ac403029bd3f9857.txt:85"),
    ("charnwood", "Charnwood", 185_900, 1.0, "003_ac403029bd3f9857.txt:87"),
    ("harborough", "Harborough", 93_800, 1.05, "003_ac403029bd3f9857.txt:86"),
    ("hinckley_bosworth", "Hinckley and Bosworth", 113_700, 1.0, "003_ac403029bd3f9857.txt:82"),
    ("melton", "Melton", 51_100, 1.05, "003_ac403029bd3f9857.txt:84"),
    ("north_west_leicestershire", "North West Leicestershire", 103_600, 1.0,
     "003_ac403029bd3f9857.txt:88"),
    ("oadby_wigston", "Oadby and Wigston", 57_200, 1.0, "003_ac403029bd3f9857.txt:85"),
]


def leicestershire() -> tuple[dict, str, str]:
    places = _districts(LEICS_DISTRICTS, "Leicestershire")
    n = len(places)
    og = (1 + OLDER_GROWTH_COUNTY.value) ** 7
    county_pop = sum(p.population["value"] for p in places)
    onward, _ = from_home_care()
    new_need = COMM_CARE_HOME - onward
    ch_need = new_need * county_pop / ENGLAND_POP * og
    diverted = LEICS_FEWER_ADMISSIONS.value / ch_need
    need_text = (f"the county's older adults newly assessed as needing a care home from the "
                 f"community in 2026/27: {fmt(COMM_CARE_HOME)} a year in England (60,000 × 2/3, "
                 f"{CARE_HOME_ADMISSIONS.cite}) less the {fmt(round(onward))} who come from "
                 f"home care (the demand rows) × {fmt(county_pop)} / 56,300,000 × 1.02^7 "
                 f"({OLDER_GROWTH_COUNTY.cite}) = {fmt(round(ch_need, 1))}")
    suitable = {"comm_diverted_home": Dv(diverted, (
        f"Leicestershire's practice: 150 fewer people a year leave their own homes for "
        f"residential care ({LEICS_FEWER_ADMISSIONS.cite}), ÷ {fmt(round(ch_need, 1))} "
        f"({need_text}) = {fmt(round(diverted, 4))}"))}
    level = math.ceil((1 - diverted) * 1e4) / 1e4
    targets = _independence_target() + [{
        "name": "fewer_admissions_from_home", "indicator": "care_home_admissions",
        "sense": "at_most", "cohorts": ["older_community_care_home"], "scope": "area",
        "level": Dv(level, (
            f"hold the programme's gain of 150 fewer admissions a year from home "
            f"({LEICS_FEWER_ADMISSIONS.cite}): at most 1 - {fmt(round(diverted, 4))} of those "
            f"assessed as needing a care home enter one ({need_text}), = {fmt(level)}")),
    }]
    ld_max = Dv(LEICS_LD_MOVED.value / n, (
        f"{fmt(LEICS_LD_MOVED.value)} adults with learning disabilities moved from residential "
        f"homes to supported living in the programme's first year ({LEICS_LD_MOVED.cite}; "
        f"{fmt(LEICS_LD_IDENTIFIED.value)} more identified), ÷ {n} districts = "
        f"{fmt(LEICS_LD_MOVED.value / n)} a district a year"), 2)
    older_moves = [
        {"cohort": cohort, "from_service": "residential", "to_service": "home_care",
         "suitable": F(LEICS_OLDER_HALF), "today_share": F(LEICS_OLDER_HALF),
         "max_per_year": A(5, "moving someone home from a care home takes a review, a home "
                           "and a package; Leicestershire moved 42 LD adults in a year "
                           "county-wide (001_4550ef852cabf2d2.txt:1033); about five older "
                           "adults a district a year for each route of admission taken"),
         "package": F(HOME_CARE_HOURS)}
        for cohort in ("older_hospital_bed", "older_community_care_home")
    ]
    today = {"comm_diverted_home": suitable["comm_diverted_home"],
             "comm_care_home": Dv(1 - diverted, f"everyone not supported at home instead: 1 - "
                                  f"{fmt(round(diverted, 4))} ({LEICS_FEWER_ADMISSIONS.cite})")}
    opt = Options(
        older_growth=OLDER_GROWTH_COUNTY, suitable=suitable, today=today,
        ld_move_suitable=F(LEICS_LD_COULD), ld_move_max=ld_max, older_moves=older_moves,
        reablement_label="Home First reablement (HART, and Help to Live at Home providers "
        "in the community)",
    )
    inst = assemble(
        "leicestershire",
        "Leicestershire County Council's seven districts, five planning years. National "
        "volumes and costs from the documents, scaled by district population, with the "
        "county's own figures: Home First reablement through HART (003:96); 150 fewer people "
        "a year leaving home for residential care (001:1597), held as a target; adults with "
        "learning disabilities moving from residential homes to supported living (47% could, "
        "42 moved in year one, 001:1031-1033); half of older adults in residential care could "
        "be more independent (001:1543).",
        places, opt, targets=targets)
    header = (
        "Leicestershire by district (003_ac403029bd3f9857.txt:84-88 names them).\n"
        "Generated by instances/_build/build.py; every number carries its source.\n"
        f"Scaling base: {ENGLAND_POP_NOTE}.")
    return inst, header, "leicestershire/instance.yaml"


NOTTS_DISTRICTS = [
    ("ashfield", "Ashfield", 127_200, 1.0, "004_82e2fe6d2a2a1cc5.txt:436"),
    ("bassetlaw", "Bassetlaw", 117_500, 1.05, "004_82e2fe6d2a2a1cc5.txt:475"),
    ("broxtowe", "Broxtowe", 113_300, 1.0, "one of the seven districts, "
     "004_82e2fe6d2a2a1cc5.txt:265"),
    ("gedling", "Gedling", 117_800, 1.0, "one of the seven districts, "
     "004_82e2fe6d2a2a1cc5.txt:265"),
    ("mansfield", "Mansfield", 108_800, 1.0, "004_82e2fe6d2a2a1cc5.txt:451"),
    ("newark_sherwood", "Newark and Sherwood", 122_400, 1.05, "one of the seven districts, "
     "004_82e2fe6d2a2a1cc5.txt:265"),
    ("rushcliffe", "Rushcliffe", 119_200, 1.0, "004_82e2fe6d2a2a1cc5.txt:186"),
]


def nottinghamshire() -> tuple[dict, str, str]:
    places = _districts(NOTTS_DISTRICTS, "Nottinghamshire")
    w = (1 - NOTTS_FRONT_DOOR.value) / (1 - TYPICAL_FRONT_DOOR.value)
    cw = Dv(w, f"Nottinghamshire's front door resolves {fmt(NOTTS_FRONT_DOOR.value)} of "
            f"contacts ({NOTTS_FRONT_DOOR.cite}) against a typical "
            f"{fmt(TYPICAL_FRONT_DOOR.value)} ({TYPICAL_FRONT_DOOR.cite}), so (1 - "
            f"{fmt(NOTTS_FRONT_DOOR.value)}) ÷ (1 - {fmt(TYPICAL_FRONT_DOOR.value)}) = "
            f"{fmt(round(w, 4))} as many go on to need formal care")
    for p in places:
        p.community_weight = cw
    budget = []
    for k, year in enumerate(YEARS):
        n = 10 + k
        amount = NOTTS_BUDGET.value * (1 + 0.045) ** n
        budget.append({"year": year, "amount": Dv(amount, (
            f"£{fmt(NOTTS_BUDGET.value)} base budget for adult social care in 2016/17 "
            f"({NOTTS_BUDGET.cite}) × 1.045^{n}: spending grows 4-5% a year, 2% demand and 2-3% "
            f"unit costs (000_9e956c6a8d6c89c1.txt:270), midpoint 4.5%, to {year}"), 0)})
    opt = Options(
        older_growth=OLDER_GROWTH_COUNTY,
        d2a_weeks=Dv(NOTTS_IC_WEEKS.value, "intermediate care beds give people up to 3 weeks "
                     "of therapy and rehabilitation (004_82e2fe6d2a2a1cc5.txt:492-494)"),
        d2a_label="Transfer to Assess and intermediate care beds (such as James Hince Court)",
    )
    inst = assemble(
        "nottinghamshire",
        "Nottinghamshire County Council's seven districts, five planning years. National "
        "volumes and costs from the documents, scaled by district population, with the "
        "county's own figures: a front door that resolves 70% of contacts (004:275), fewer "
        "of whom go on to need formal care; Transfer to Assess and intermediate care beds of "
        "up to three weeks (004:439, 492-494); and the £206m adult social care base budget "
        "(004:374), grown at the 4-5% a year spending growth counties face (000:270).",
        places, opt, targets=_independence_target(), budget=budget)
    header = (
        "Nottinghamshire by district (004_82e2fe6d2a2a1cc5.txt:265: seven District Councils).\n"
        "Generated by instances/_build/build.py; every number carries its source.\n"
        f"Scaling base: {ENGLAND_POP_NOTE}.")
    return inst, header, "nottinghamshire/instance.yaml"


BUILDERS = {
    "default": default,
    "england": england,
    "england-best-practice": england_best_practice,
    "leicestershire": leicestershire,
    "nottinghamshire": nottinghamshire,
}

__all__ = ["BUILDERS", "HOSP_NEED"]


# --- Lancashire reablement: before and after the outcomes-based contract ---------------------
LANCS_POP = 1_210_000
LANCS_WEEKS = 4.0
TT_SHARE_OF_RATE = 0.8


def lancashire(design: str) -> tuple[dict, str, str]:
    from common import (
        EPISODE_COST,
        HOME_CARE_LEAVE,
        HOME_CARE_PRICE,
        NOW_SHORT_TERM,
        WEEKS,
    )
    from figures import (
        HOME_CARE_OLDER,
        HOME_CARE_RATE,
        LANCS_EFFECTIVE,
        LANCS_OUTCOME_POUNDS,
        LANCS_OUTCOME_RISE,
        LANCS_VOLUME_PER_WEEK,
        LANCS_VOLUME_RISE,
        LOS_CUT,
        PACKAGE_WEEKS,
        REABLEMENT_AVOIDS,
        REABLEMENT_WEEKS_MAX,
        TURNOVER_INDEPENDENT,
    )

    pop = A(LANCS_POP, "Lancashire County Council area's population, about 1.21 million (ONS "
            "mid-2019 estimate); the documents give none", 0)
    share = LANCS_POP / ENGLAND_POP
    share_text = f"× {fmt(LANCS_POP)} / {fmt(ENGLAND_POP)} (Lancashire's population over England's)"
    g = OLDER_GROWTH_COUNTY.value
    home_need = NOW_SHORT_TERM + SHORT_TERM_MORE.value  # 315,000: all who could benefit
    need_text = (f"older adults a year who could benefit from short-term services in England: "
                 f"{fmt(SHORT_TERM_MORE.value)} ÷ 0.4 now + {fmt(SHORT_TERM_MORE.value)} more "
                 f"({SHORT_TERM_MORE.cite}) = {fmt(home_need)}")
    base_need = home_need * share
    demand = base_need * (1 + g) ** 7
    before_week = LANCS_VOLUME_PER_WEEK.value / LANCS_VOLUME_RISE.value
    before_year = before_week * WEEKS
    suitable_tt = before_year / base_need
    outcome_before = LANCS_OUTCOME_POUNDS.value / LANCS_OUTCOME_RISE.value  # £/person/week
    start_need = HOME_CARE_HOURS.value * HOME_CARE_RATE.value  # £/week
    indep = outcome_before / start_need
    outcome_after = outcome_before + LANCS_OUTCOME_POUNDS.value
    indep_after = indep * (1 + LANCS_EFFECTIVE.value)
    package_factor = (start_need - outcome_after) / ((1 - indep_after) * start_need)
    intensity = EPISODE_COST / (LANCS_WEEKS * HOME_CARE_RATE.value)
    tt_price = HOME_CARE_RATE.value * WEEKS
    obc_rate = HOME_CARE_RATE.value * TT_SHARE_OF_RATE
    outcome_price = EPISODE_COST * (1 - TT_SHARE_OF_RATE) / indep
    inflow0 = demand * (suitable_tt * (1 - indep) + 1 - suitable_tt)
    hc0 = inflow0 / (HOME_CARE_LEAVE + g)
    reab_units0 = demand * suitable_tt * LANCS_WEEKS / WEEKS * intensity
    hc_units0 = hc0 * (1 + g) * HOME_CARE_HOURS.value / 0.95
    reab_fte = 1 / 22.5
    staff_care = hc_units0 / 22.5
    staff_reab = reab_units0 / 0.95 * reab_fte

    before_text = (f"{fmt(LANCS_VOLUME_PER_WEEK.value)} more people a week was a "
                   f"{fmt(LANCS_VOLUME_RISE.value)} rise ({LANCS_VOLUME_RISE.cite}), so "
                   f"{fmt(round(before_week, 2))} a week before = {fmt(round(before_year))} a year")
    outcome_text = (f"the outcome (start need less end need) rose "
                    f"£{fmt(LANCS_OUTCOME_POUNDS.value)} a person a week, a "
                    f"{fmt(LANCS_OUTCOME_RISE.value)} improvement "
                    f"({LANCS_OUTCOME_RISE.cite}), so it was £{fmt(round(outcome_before, 2))} "
                    f"before")
    reach = Dv(suitable_tt, (
        f"today's practice, before the contract: {fmt(round(before_year))} people a year "
        f"({before_text}) ÷ {fmt(round(base_need))} who could benefit ({need_text} "
        f"{share_text}) = {fmt(round(suitable_tt, 4))}"))
    inst = {
        "name": "lancashire-reablement" if design == "time_and_task" else
        "lancashire-reablement-outcomes-based",
        "description": (
            "Lancashire County Council's reablement service before and after its "
            "outcomes-based contract (2016-18, 001:2125-2141). One cohort: older adults with a "
            "new need who could benefit from reablement. Two contract designs for the "
            "reablement service: time-and-task (paid by the hour delivered, as before) and "
            "outcomes-based (a lower hourly rate plus a payment for each person left "
            "independent, with the volume, time-to-reable, independence and ongoing-package "
            "effects the documents report). settings.designs selects one."),
        "years": YEARS,
        "settings": {**SETTINGS, "designs": [design]},
        "localities": [{"name": "lancashire", "label": "Lancashire County Council area",
                        "cost_factor": A(1.0, "prices at the national all-up rate"),
                        "population": pop}],
        "cohorts": [{"name": "older", "label": "Older adults with a new need who could "
                     "benefit from reablement (hospital or community)",
                     "growth": F(OLDER_GROWTH_COUNTY)}],
        "demand": [{"locality": "lancashire", "cohort": "older", "people": Dv(demand, (
            f"{need_text} {share_text} × (1 + {fmt(g)})^7 (growth to 2026/27, "
            f"{OLDER_GROWTH_COUNTY.cite}) = {fmt(round(demand, 1))}"), 1)}],
        "services": [
            {"name": "reablement", "label": "Reablement (contracted providers)",
             "kind": "short_term", "unit": "hour per week",
             "occupancy": A(0.95, "hours paid by the hour are bought as used; 95% of the "
                            "market's hours can be used"),
             "price_capacity": A(0, "under time and task nothing is paid for capacity "
                                 "itself"),
             "price_use": Dv(tt_price, f"time and task: the provider is paid by the hour at "
                             f"£{fmt(HOME_CARE_RATE.value)} ({HOME_CARE_RATE.cite}) × 52 "
                             f"weeks", 2),
             "grow_max": A(0.64, "the market grew appropriate volume 64% in two years "
                           "(001_4550ef852cabf2d2.txt:912); up to 64% a year allowed"),
             "shrink_max": A(0.2, "providers' contracts limit how fast hours can be withdrawn; "
                             "the documents give no figure"),
             "startup": A(100, "hours a week that can be added on top of growth")},
            {"name": "home_care", "label": "Home care (domiciliary care)", "kind": "long_term",
             "unit": "hour per week",
             "occupancy": A(0.95, "some commissioned hours go unused (hospital stays, "
                            "cancelled visits); 95% use taken"),
             "price_capacity": Dv(HOME_CARE_PRICE, f"£{fmt(HOME_CARE_RATE.value)} an hour "
                                  f"all-up ({HOME_CARE_RATE.cite}) × 52 weeks", 2),
             "price_use": A(0, "bought as a block of hours, no spot payment"),
             "grow_max": A(0.25, "hours can be added faster than beds; 25% a year taken"),
             "shrink_max": A(0.2, "contracts and continuity of care limit how fast hours can "
                             "be given up"),
             "startup": A(50, "hours a week that can be added on top of growth")},
        ],
        "capacity0": [
            {"locality": "lancashire", "service": "reablement", "units": Dv(reab_units0 / 0.95, (
                f"the first planning year's use at today's practice: "
                f"{fmt(round(before_year))} people a year before the contract ({before_text}) "
                f"grown to 2026/27 at {fmt(g)} ({OLDER_GROWTH_COUNTY.cite}) × {fmt(LANCS_WEEKS)} "
                f"weeks ÷ 52 × {fmt(round(intensity, 4))} hours a week ÷ 0.95 = "
                f"{fmt(round(reab_units0 / 0.95, 1))}"), 1)},
            {"locality": "lancashire", "service": "home_care", "units": Dv(hc_units0, (
                f"what today's caseload needs in the first planning year: "
                f"{fmt(round(hc0, 1))} × (1 + {fmt(g)}) growth × {fmt(HOME_CARE_HOURS.value)} "
                f"hours ({HOME_CARE_HOURS.cite}) ÷ 0.95 = {fmt(round(hc_units0, 1))}"), 1)},
        ],
        "caseload0": [{"locality": "lancashire", "cohort": "older", "service": "home_care",
                       "people": Dv(hc0, (
                           f"the caseload today's practice keeps growing at {fmt(g)} a year: "
                           f"{fmt(round(demand, 1))} people a year in 2026/27 (the demand "
                           f"row) × "
                           f"({fmt(round(suitable_tt, 4))} reabled × {fmt(round(1 - indep, 4))} "
                           f"still needing care + {fmt(round(1 - suitable_tt, 4))} straight to "
                           f"home care) = {fmt(round(inflow0, 1))} starting home care a year, "
                           f"÷ ({fmt(round(HOME_CARE_LEAVE, 4))} leaving a year (72-week "
                           f"packages, {PACKAGE_WEEKS.cite}) + {fmt(g)} growth) = "
                           f"{fmt(round(hc0, 1))}; the "
                           f"national {fmt(HOME_CARE_OLDER.value)} ({HOME_CARE_OLDER.cite}) "
                           f"scaled by population would give fewer, because not everyone who "
                           f"could benefit from reablement would otherwise need long-term "
                           f"care"), 1),
                       "package": F(HOME_CARE_HOURS)}],
        "leave": [{"cohort": "older", "service": "home_care", "share": Dv(HOME_CARE_LEAVE, (
            f"52 ÷ {fmt(PACKAGE_WEEKS.value)}: a long-term package lasts "
            f"{fmt(PACKAGE_WEEKS.value)} weeks on average ({PACKAGE_WEEKS.cite})"))}],
        "roles": [
            {"name": "care_worker", "label": "Home-care workers (independent sector)",
             "turnover": F(TURNOVER_INDEPENDENT),
             "hire_cost": CARE_WORKER_HIRE_COST},
            {"name": "reablement_worker", "label": "Reablement workers (contracted providers)",
             "turnover": Dv(TURNOVER_INDEPENDENT.value, f"independent-sector direct care "
                            f"turnover ({TURNOVER_INDEPENDENT.cite})"),
             "hire_cost": A(3000, "recruitment and reablement training, about £3,000 a "
                            "recruit; the documents give no figure")},
        ],
        "staffing": [
            {"service": "home_care", "role": "care_worker", "fte_per_unit": A(
                round(reab_fte, 5), "a full-time care worker delivers about 22.5 contact hours "
                "a week (37.5 paid, 60% in people's homes); the documents give no figure", 5)},
            {"service": "reablement", "role": "reablement_worker", "fte_per_unit": A(
                round(reab_fte, 5), "as home care: about 22.5 contact hours a week a full-time "
                "worker", 5)},
        ],
        "workforce": [
            {"locality": "lancashire", "role": "care_worker",
             "staff0": Dv(staff_care, f"{fmt(round(hc_units0, 1))} hours a week ÷ 22.5 contact "
                          f"hours per FTE (capacity from {HOME_CARE_OLDER.cite})", 1),
             "hire_max": A(staff_care * 0.45, "recruitment can replace leavers (30% a year) and "
                           "grow the workforce by 15%", 1)},
            {"locality": "lancashire", "role": "reablement_worker",
             "staff0": Dv(staff_reab, f"{fmt(round(reab_units0 / 0.95, 1))} hours a week ÷ "
                          f"22.5 contact hours per FTE (capacity from {LANCS_VOLUME_RISE.cite})",
                          1),
             "hire_max": A(staff_reab * 1.0, "the providers' market doubled appropriate volume "
                           "in two years (001_4550ef852cabf2d2.txt:912); recruiting up to the "
                           "size of today's workforce each year allowed", 1)},
        ],
        "indicators": [
            {"name": "independent", "label": "Independent (no long-term package) after the "
             "pathway", "derived": "independent"},
            {"name": "finished_reablement", "label": "People finishing reablement (Lancashire "
             "metric 1)"},
        ],
        "pathways": [
            {"name": "reablement_first", "cohort": "older",
             "label": "Reablement first, then home care if still needed",
             "suitable": reach, "today_share": reach},
            {"name": "straight_to_home_care", "cohort": "older",
             "label": "Straight to a long-term home-care package",
             "suitable": A(1, "home care is open to everyone in the cohort"),
             "today_share": Dv(1 - suitable_tt, f"today's practice: everyone not reabled, 1 - "
                               f"{fmt(round(suitable_tt, 4))} ({LANCS_VOLUME_RISE.cite})")},
        ],
        "stages": [{"pathway": "reablement_first", "service": "reablement",
                    "share": A(1, "everyone on the pathway starts reablement"),
                    "weeks": Dv(LANCS_WEEKS,
                                f"midpoint of 2-6 weeks ({REABLEMENT_WEEKS_MAX.cite})"),
                    "intensity": Dv(intensity, (
                        f"an episode costs £{fmt(REABLEMENT_AVOIDS.value)} ÷ 7 = "
                        f"£{fmt(round(EPISODE_COST, 2))} ({REABLEMENT_AVOIDS.cite}); at "
                        f"£{fmt(HOME_CARE_RATE.value)} an hour ({HOME_CARE_RATE.cite}) over "
                        f"{fmt(LANCS_WEEKS)} weeks that is {fmt(round(intensity, 4))} hours a "
                        f"week"))}],
        "destinations": [
            {"pathway": "reablement_first", "service": "home_care",
             "share": Dv(1 - indep, (
                 f"{outcome_text}; with a {fmt(HOME_CARE_HOURS.value)}-hour start need at "
                 f"£{fmt(HOME_CARE_RATE.value)} (£{fmt(round(start_need, 2))} a week, "
                 f"{HOME_CARE_HOURS.cite}, {HOME_CARE_RATE.cite}) and no smaller package for "
                 f"those still needing care (Lancashire's packages after reablement were larger "
                 f"than elsewhere, 001_4550ef852cabf2d2.txt:2127), the share independent is "
                 f"{fmt(round(outcome_before, 2))} ÷ {fmt(round(start_need, 2))} = "
                 f"{fmt(round(indep, 4))}, so {fmt(round(1 - indep, 4))} still need care")),
             "package": F(HOME_CARE_HOURS)},
            {"pathway": "straight_to_home_care", "service": "home_care",
             "share": A(1, "everyone on this pathway goes home with a package of care"),
             "package": F(HOME_CARE_HOURS)},
        ],
        "pathway_outcomes": [
            {"pathway": "reablement_first", "indicator": "finished_reablement",
             "share": A(1, "everyone on the pathway finishes a reablement episode")},
        ],
        "outcome_prices": [
            {"service": "reablement", "indicator": "independent", "design": "outcomes_based",
             "price": A(round(outcome_price, 2), (
                 f"the documents give no payment rates (001_4550ef852cabf2d2.txt:2137 says only "
                 f"that performance is averaged over a cohort); set so a provider performing as "
                 f"before earns the same per person: the {fmt(1 - TT_SHARE_OF_RATE)} of an "
                 f"episode's £{fmt(round(EPISODE_COST, 2))} no longer paid by the hour ÷ the "
                 f"{fmt(round(indep, 4))} left independent = £{fmt(round(outcome_price, 2))} a "
                 f"person independent"), 2)},
        ],
        "targets": [],
        "budget": [],
        "contract_designs": [
            {"name": "time_and_task", "service": "reablement",
             "label": "Time and task: paid by the hour delivered (before 2016)",
             "payment": "spot",
             "price_use": Dv(tt_price, f"£{fmt(HOME_CARE_RATE.value)} an hour "
                             f"({HOME_CARE_RATE.cite}) × 52 weeks", 2)},
            {"name": "outcomes_based", "service": "reablement",
             "label": "Outcomes-based: Lancashire's four metrics (2016-18)",
             "payment": "mix",
             "price_use": A(round(obc_rate * WEEKS, 2), (
                 f"the hourly element falls to {fmt(TT_SHARE_OF_RATE)} of "
                 f"£{fmt(HOME_CARE_RATE.value)} = £{fmt(round(obc_rate, 3))} an hour × 52, the "
                 f"rest of the payment rides on outcomes; the documents give no rates "
                 f"(001_4550ef852cabf2d2.txt:2137)"), 2),
             "weeks_factor": Dv(1 - LOS_CUT.value, (
                 f"average time to reable (metric 2, 001_4550ef852cabf2d2.txt:2133) falls: "
                 f"the documents give Lancashire no figure, so a test site's "
                 f"{fmt(LOS_CUT.value)} shorter stays ({LOS_CUT.cite}) is used: 1 - "
                 f"{fmt(LOS_CUT.value)}")),
             "package_factor": Dv(package_factor, (
                 f"average weekly cost of the ongoing package (metric 4): the outcome improved "
                 f"£{fmt(LANCS_OUTCOME_POUNDS.value)} a person a week "
                 f"({LANCS_OUTCOME_POUNDS.cite}) "
                 f"from £{fmt(round(outcome_before, 2))}; with {fmt(round(indep_after, 4))} "
                 f"independent the package of those still needing care is "
                 f"(£{fmt(round(start_need, 2))} - £{fmt(round(outcome_after, 2))}) ÷ ((1 - "
                 f"{fmt(round(indep_after, 4))}) × £{fmt(round(start_need, 2))}) = "
                 f"{fmt(round(package_factor, 4))} of the start need")),
             "independence_factor": Dv(1 + LANCS_EFFECTIVE.value, (
                 f"% independent after reablement (metric 3): 15% more effective at achieving "
                 f"independence ({LANCS_EFFECTIVE.cite})")),
             "suitable_factor": Dv(1 + LANCS_VOLUME_RISE.value, (
                 f"people finishing reablement a week (metric 1): appropriate volume up "
                 f"{fmt(LANCS_VOLUME_RISE.value)} ({LANCS_VOLUME_RISE.cite}); referrals rose "
                 f"{fmt(2200)} a year (001_4550ef852cabf2d2.txt:2141)"))},
        ],
    }
    name = "instance.yaml" if design == "time_and_task" else "outcomes-based.yaml"
    header = (
        f"Lancashire reablement, {design.replace('_', ' ')} design in force "
        f"(settings.designs).\n"
        "Switch designs by editing settings.designs to [time_and_task] or [outcomes_based];\n"
        "instance.yaml and outcomes-based.yaml differ only in that line (and the name).\n"
        "Generated by instances/_build/build.py; every number carries its source.\n"
        f"Scaling base: {ENGLAND_POP_NOTE}.")
    return inst, header, f"lancashire-reablement/{name}"


BUILDERS["lancashire-reablement"] = lambda: lancashire("time_and_task")
BUILDERS["lancashire-reablement-outcomes-based"] = lambda: lancashire("outcomes_based")
