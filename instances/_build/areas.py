"""One function per shipped instance: its localities, and what the documents say about it
that differs from the national picture."""

from __future__ import annotations

import math

from common import (
    COMM_CARE_HOME,
    COMM_NEED,
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
    best_practice,
    capacity0_rows,
    caseload_rows,
    cohorts,
    demand_rows,
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
    HOSPITAL_SHARE,
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

SETTINGS = {
    "discount_rate": A(0.035, "HM Treasury Green Book discount rate of 3.5% a year; the "
                       "documents give none"),
    "unmet_penalty": A(500_000, "set well above the cost of the dearest pathway over the "
                       "five planning years (a residential place for an adult with learning "
                       "disabilities, about £40,000 a year, for five years) so need is always "
                       "met when capacity and staff allow; unmet need is reported, never "
                       "hidden", 0),
}


def _independence_target() -> list[dict]:
    """Hold today's independence: one floor for each older cohort, at today's practice."""
    d2a_independent = 1 - 0.45 - 0.15 - 0.10
    hosp = SHORT_TERM_SHARE * 0.75 * INDEPENDENT_AFTER + SHORT_TERM_SHARE * 0.25 * d2a_independent
    comm = SHORT_TERM_SHARE * INDEPENDENT_AFTER
    src = f"short-term shares from {SHORT_TERM_MORE.cite}; 45% independent after reablement"
    return [
        {"name": "hospital_independence", "indicator": "independent", "sense": "at_least",
         "level": Dv(math.floor(hosp * 1000) / 1000, (
             f"hold today's practice: {fmt(SHORT_TERM_SHARE * 0.75)} home reablement × "
             f"{fmt(INDEPENDENT_AFTER)} + {fmt(SHORT_TERM_SHARE * 0.25)} in short-term beds × "
             f"{fmt(d2a_independent)} = {fmt(hosp)} of older adults leaving hospital end "
             f"independent ({src})")),
         "cohorts": ["older_hospital"], "scope": "area"},
        {"name": "community_independence", "indicator": "independent", "sense": "at_least",
         "level": Dv(math.floor(comm * 1000) / 1000, (
             f"hold today's practice: {fmt(SHORT_TERM_SHARE)} reablement × "
             f"{fmt(INDEPENDENT_AFTER)} = {fmt(comm)} of older adults from the community end "
             f"independent ({src})")),
         "cohorts": ["older_community"], "scope": "area"},
    ]


def assemble(name: str, description: str, places: list[Place], opt: Options,
             targets: list[dict] | None = None, budget: list[dict] | None = None,
             extra: dict | None = None) -> dict:
    svcs = services(opt)
    demand = demand_rows(places, opt)
    caseload = caseload_rows(places, opt)
    pw = pathways_block(opt)
    cap0 = capacity0_rows(places, demand, caseload, pw["stages"], pw["pathways"], svcs)
    inst = {
        "name": name,
        "description": description,
        "years": YEARS,
        "settings": dict(SETTINGS),
        "localities": [
            {"name": p.name, "label": p.label, "cost_factor": p.cost_factor,
             "population": p.population} for p in places
        ],
        "cohorts": cohorts(opt),
        "demand": demand,
        "services": svcs,
        "capacity0": cap0,
        "caseload0": caseload,
        "leave": leave_rows(),
        "roles": ROLES,
        "staffing": staffing_rows(),
        "workforce": workforce_rows(places, cap0),
        "indicators": indicators(),
        **pw,
        "moves": ld_moves(opt) + opt.older_moves,
        "targets": targets or [],
        "budget": budget or [],
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
        Options(older_growth=OLDER_GROWTH_ENGLAND, suitable=suitable, ld_move_suitable=move),
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
    comm_need = COMM_NEED * county_pop / ENGLAND_POP * og
    comm_ch = COMM_CARE_HOME / COMM_NEED
    comm_home_now = 1 - SHORT_TERM_SHARE - comm_ch
    fewer = LEICS_FEWER_ADMISSIONS.value / comm_need
    home = comm_home_now + fewer
    need_text = (f"the county's older adults with a new need from the community in 2026/27: "
                 f"{fmt(COMM_NEED)} in England (375,000 × 65%, {SHORT_TERM_MORE.cite}, "
                 f"{HOSPITAL_SHARE.cite}) × {fmt(county_pop)} / 56,300,000 × 1.02^7 "
                 f"({OLDER_GROWTH_COUNTY.cite}) = {fmt(round(comm_need))}")
    suitable = {"comm_home_care": Dv(home, (
        f"Leicestershire's practice: the national {fmt(comm_home_now)} (whoever gets neither "
        f"a short-term service nor a care home, {SHORT_TERM_MORE.cite}, "
        f"{CARE_HOME_ADMISSIONS.cite}) + 150 fewer people a year leaving home for "
        f"residential care ({LEICS_FEWER_ADMISSIONS.cite}) ÷ {fmt(round(comm_need))} ({need_text})"
        f" = {fmt(home)}"))}
    ch_level = comm_ch - fewer
    targets = _independence_target() + [{
        "name": "fewer_admissions_from_home", "indicator": "care_home_admissions",
        "sense": "at_most", "cohorts": ["older_community"], "scope": "area",
        "level": Dv(math.ceil(ch_level * 1e4) / 1e4, (
            f"hold the programme's gain: the national care-home share from the community "
            f"{fmt(comm_ch)} (40,000 ÷ 243,750, {CARE_HOME_ADMISSIONS.cite}) less 150 a year "
            f"({LEICS_FEWER_ADMISSIONS.cite}) ÷ {fmt(round(comm_need))} = {fmt(round(ch_level, 4))}"
        )),
    }]
    ld_max = Dv(LEICS_LD_MOVED.value / n, (
        f"{fmt(LEICS_LD_MOVED.value)} adults with learning disabilities moved from residential "
        f"homes to supported living in the programme's first year ({LEICS_LD_MOVED.cite}; "
        f"{fmt(LEICS_LD_IDENTIFIED.value)} more identified), ÷ {n} districts = "
        f"{fmt(LEICS_LD_MOVED.value / n)} a district a year"), 2)
    older_moves = [
        {"cohort": cohort, "from_service": "residential", "to_service": "home_care",
         "suitable": F(LEICS_OLDER_HALF),
         "max_per_year": A(5, "moving someone home from a care home takes a review, a home "
                           "and a package; Leicestershire moved 42 LD adults in a year "
                           "county-wide (001_4550ef852cabf2d2.txt:1033); about five older "
                           "adults a district a year for each route of admission taken"),
         "package": F(HOME_CARE_HOURS)}
        for cohort in ("older_hospital", "older_community")
    ]
    opt = Options(
        older_growth=OLDER_GROWTH_COUNTY, suitable=suitable,
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
