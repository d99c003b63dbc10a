"""The building blocks every shipped instance shares: national rates per head scaled to a
locality's population, the services, the pathways open to each cohort, the workforce.

Each number is produced together with its source: a document line, ``derived:`` with the
arithmetic shown, or ``assumption:`` with the reason. ``build.py`` assembles instances from
these and writes them as YAML.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from figures import (
    CARE_HOME_ADMISSIONS,
    CARE_HOME_WEEK,
    DISABILITY_GROWTH,
    DIVERSION_OFFSET,
    DIVERTIBLE,
    FROM_HOSPITAL,
    HOME_CARE_HOURS,
    HOME_CARE_OLDER,
    HOME_CARE_RATE,
    HOSPITAL_SHARE,
    LD_COMMUNITY,
    LD_COULD_MOVE,
    LD_HOURS_CUT,
    LD_HOURS_OFFSET,
    LD_MOVE_OFFSET,
    LD_RESIDENTIAL,
    LEICS_LD_MOVED_SHARE,
    OLDER_GROWTH_ENGLAND,
    PACKAGE_WEEKS,
    REABLEMENT_AVOIDS,
    REABLEMENT_ROI,
    REABLEMENT_SPREAD,
    REABLEMENT_TWICE,
    REABLEMENT_WEEKS_MAX,
    REABLEMENT_WEEKS_MIN,
    SHORT_TERM_MORE,
    SHORT_TERM_RISE,
    TURNOVER_COUNCIL,
    TURNOVER_INDEPENDENT,
    Fig,
    fmt,
)

YEARS = ["2026/27", "2027/28", "2028/29", "2029/30", "2030/31"]
WEEKS = 52


def S(value: float, source: str, digits: int = 4) -> dict:
    """A sourced value as written in the YAML."""
    return {"value": round(float(value), digits), "source": source}


def A(value: float, reason: str, digits: int = 4) -> dict:
    return S(value, f"assumption: {reason}", digits)


def Dv(value: float, arithmetic: str, digits: int = 4) -> dict:
    return S(value, f"derived: {arithmetic}", digits)


def F(fig: Fig) -> dict:
    return S(fig.value, fig.cite)


# --- England's population: the scaling base --------------------------------------------------
ENGLAND_POP = 56_300_000
ENGLAND_POP_NOTE = ("England's population, about 56.3 million (ONS mid-2019 estimate, the "
                    "same ONS series the document cites at 001_4550ef852cabf2d2.txt:398; the "
                    "documents do not state it)")
BASE_YEARS = 7
"""Years from the documents' base year (2019/20, 001:149, 001:153) to the first planning
year (2026/27)."""

# --- national new need for formal care, older adults -------------------------------------------
NOW_SHORT_TERM = SHORT_TERM_MORE.value / SHORT_TERM_RISE.value  # 225,000
OLDER_NEED = NOW_SHORT_TERM + SHORT_TERM_MORE.value + CARE_HOME_ADMISSIONS.value  # 375,000
OLDER_NEED_TEXT = (
    f"older adults with a new need for formal care in England a year = "
    f"{fmt(SHORT_TERM_MORE.value)} ÷ {fmt(SHORT_TERM_RISE.value)} now in short-term services "
    f"+ {fmt(SHORT_TERM_MORE.value)} more who could benefit ({SHORT_TERM_MORE.cite}) + "
    f"{fmt(CARE_HOME_ADMISSIONS.value)} care-home admissions ({CARE_HOME_ADMISSIONS.cite}) = "
    f"{fmt(OLDER_NEED)}"
)
HOSP_NEED = OLDER_NEED * HOSPITAL_SHARE.value  # 131,250
COMM_NEED = OLDER_NEED - HOSP_NEED  # 243,750
HOSP_CARE_HOME = CARE_HOME_ADMISSIONS.value * FROM_HOSPITAL.value  # 20,000
COMM_CARE_HOME = CARE_HOME_ADMISSIONS.value - HOSP_CARE_HOME  # 40,000
SHORT_TERM_SHARE = NOW_SHORT_TERM / OLDER_NEED  # 0.6
HOME_SHARE_OF_SHORT_TERM = 0.75

# --- national stocks, learning disability ------------------------------------------------------
LD_STOCK = LD_COMMUNITY.value + LD_RESIDENTIAL.value
LEAVE_SL = 0.04
LEAVE_LD_RES = LEAVE_SL
LD_LEAVE_AVG = (LD_COMMUNITY.value * LEAVE_SL + LD_RESIDENTIAL.value * LEAVE_LD_RES) / LD_STOCK
LD_GROWTH = (1 + DISABILITY_GROWTH.value) ** (1 / 25) - 1
LD_NEED = LD_STOCK * (LD_LEAVE_AVG + LD_GROWTH)

# --- reablement, the documents' relationships ----------------------------------------------------
REAB_WEEKS = (REABLEMENT_WEEKS_MIN.value + REABLEMENT_WEEKS_MAX.value) / 2  # 4
REAB_OCCUPANCY = 0.85
EPISODE_COST = REABLEMENT_AVOIDS.value / REABLEMENT_ROI.value  # 1,242.86
REAB_PRICE = EPISODE_COST / REAB_WEEKS * WEEKS * REAB_OCCUPANCY
AVOIDED_HOURS = REABLEMENT_AVOIDS.value / (PACKAGE_WEEKS.value * HOME_CARE_RATE.value)  # 6.91
INDEPENDENT_AFTER = 0.45
HOME_CARE_PRICE = HOME_CARE_RATE.value * WEEKS
HOME_CARE_LEAVE = WEEKS / PACKAGE_WEEKS.value

# --- long-term prices ------------------------------------------------------------------------
RES_PRICE = CARE_HOME_WEEK.value * WEEKS
NURSING_WEEK = 850
SL_WEEK = LD_HOURS_OFFSET.value / LD_HOURS_CUT.value / LD_COMMUNITY.value / WEEKS
MOVE_SAVING_WEEK = LD_MOVE_OFFSET.value / (LD_RESIDENTIAL.value * LD_COULD_MOVE.value) / WEEKS
LD_RES_WEEK = SL_WEEK + MOVE_SAVING_WEEK

CARE_HOME_RESIDENTIAL_SPLIT = 0.6
LEAVE_RES = 1 / 3
LEAVE_NURSING = 0.5


@dataclass
class Place:
    """A locality: its population (with source) and how it differs from England's average."""

    name: str
    label: str
    population: dict
    cost_factor: dict
    older_weight: dict | None = None
    """Multiplier on older adults' need per head (age structure); 1 when not given."""
    ld_weight: dict | None = None
    community_weight: dict | None = None
    """Multiplier on older adults' community-front-door need (e.g. a stronger front door)."""

    def share(self) -> float:
        return self.population["value"] / ENGLAND_POP

    def share_text(self) -> str:
        return (f"× {fmt(self.population['value'])} / {fmt(ENGLAND_POP)} (the locality's "
                f"population over England's)")


@dataclass
class Options:
    """What varies between instances."""

    older_growth: Fig
    suitable: dict[str, dict] = field(default_factory=dict)
    """Pathway -> suitability limit replacing today's practice (a best-practice variant)."""
    today: dict[str, dict] = field(default_factory=dict)
    """Pathway -> today's share where an area's own practice differs from the national one."""
    ld_move_is_today: bool = True
    """Whether ``ld_move_suitable`` is today's practice; if not (a best-practice variant),
    today's caseloads are worked out at the national practice of today."""
    d2a_weeks: dict | None = None
    ld_move_suitable: dict | None = None
    ld_move_max: dict | None = None
    older_moves: list[dict] = field(default_factory=list)
    reablement_label: str = "Home reablement"
    d2a_label: str = "Discharge-to-assess and bed-based reablement beds"


def growth_text(fig: Fig, years: int) -> str:
    return (f" × (1 + {fmt(fig.value)})^{years} (growth a year, {fig.cite}, from 2019/20 to "
            f"{2019 + years}/{(20 + years) % 100:02d})")


def older_growth_factor(fig: Fig, years: int) -> float:
    return (1 + fig.value) ** years


def weight(place: Place, attr: str) -> tuple[float, str]:
    w = getattr(place, attr)
    if w is None:
        return 1.0, ""
    return w["value"], f" × {fmt(w['value'])} ({w['source'].removeprefix('derived: ')})"


# --- the four older cohorts: where people go today --------------------------------------------
HOSP_CH = HOSP_CARE_HOME / HOSP_NEED  # 0.1524 of hospital need enters a care home
COMM_CH = COMM_CARE_HOME / COMM_NEED  # 0.1641 of community need
HOSP_D2A = SHORT_TERM_SHARE * (1 - HOME_SHARE_OF_SHORT_TERM)  # 0.15 to short-term beds
HOSP_BED = HOSP_CH + HOSP_D2A  # hospital need leaving to a bed today
D2A_HOME_SHARE = 0.45
"""Share going home with care after a short-term bed with reabling (an assumption)."""
ST_TEXT = (f"{fmt(NOW_SHORT_TERM)} of {fmt(OLDER_NEED)} older adults with a new need get a "
           f"short-term service now = {fmt(SHORT_TERM_SHARE)} ({SHORT_TERM_MORE.cite})")
HOSP_CH_TEXT = (f"{fmt(HOSP_CARE_HOME)} care-home admissions from hospital (60,000 × 1/3, "
                f"{FROM_HOSPITAL.cite}) ÷ {fmt(HOSP_NEED)} (375,000 × 35%, "
                f"{HOSPITAL_SHARE.cite}) = {fmt(HOSP_CH)}")
COMM_CH_TEXT = (f"{fmt(COMM_CARE_HOME)} care-home admissions from the community (60,000 × "
                f"2/3, {CARE_HOME_ADMISSIONS.cite}) ÷ {fmt(COMM_NEED)} (375,000 × 65%, "
                f"{HOSPITAL_SHARE.cite}) = {fmt(COMM_CH)}")
D2A_TEXT = (f"{fmt(HOSP_D2A)} to short-term beds ({fmt(SHORT_TERM_SHARE)} in short-term "
            f"services, {SHORT_TERM_MORE.cite}, × 1/4 in beds, an assumption: three in four "
            f"short-term services after hospital are at home)")

OLDER_COHORTS = [
    # name, label, route, share of the route's need, its text
    ("older_hospital", "Older adults leaving hospital able to go home", "hospital",
     1 - HOSP_BED, f"1 - {fmt(HOSP_CH)} to care homes ({HOSP_CH_TEXT}) - {D2A_TEXT} = "
     f"{fmt(1 - HOSP_BED)}"),
    ("older_hospital_bed", "Older adults leaving hospital to a bed today (short-term or care "
     "home)", "hospital", HOSP_BED,
     f"{fmt(HOSP_CH)} to care homes ({HOSP_CH_TEXT}) + {D2A_TEXT} = {fmt(HOSP_BED)}"),
    ("older_community", "Older adults from the community front door able to stay at home",
     "community", 1 - COMM_CH, f"1 - {COMM_CH_TEXT} = {fmt(1 - COMM_CH)}"),
    ("older_community_care_home", "Older adults from the community assessed today as needing "
     "a care home", "community", COMM_CH, COMM_CH_TEXT),
]


def demand_rows(places: list[Place], opt: Options) -> list[dict]:
    rows = []
    og = older_growth_factor(opt.older_growth, BASE_YEARS)
    lg = (1 + LD_GROWTH) ** BASE_YEARS
    for p in places:
        ow, ow_text = weight(p, "older_weight")
        cw, cw_text = weight(p, "community_weight")
        lw, lw_text = weight(p, "ld_weight")
        for cohort, _, route, share, share_text in OLDER_COHORTS:
            if route == "hospital":
                base, route_text, w, w_text = HOSP_NEED, (
                    f"× {fmt(HOSPITAL_SHARE.value)} from hospital ({HOSPITAL_SHARE.cite}) = "
                    f"{fmt(HOSP_NEED)}"), ow, ow_text
            else:
                base, route_text, w, w_text = COMM_NEED, (
                    f"× (1 - {fmt(HOSPITAL_SHARE.value)}) from the community "
                    f"({HOSPITAL_SHARE.cite}) = {fmt(COMM_NEED)}"), ow * cw, ow_text + cw_text
            onward_text = ""
            if cohort == "older_community_care_home":
                onward, why = from_home_care()
                share *= 1 - onward / COMM_CARE_HOME
                onward_text = (f" × (1 - {fmt(round(onward))} ÷ {fmt(COMM_CARE_HOME)}: of the "
                               f"community's care-home admissions, those who come from home "
                               f"care as their needs grow are not new need ({why}))")
            n = base * share * p.share() * og * w
            rows.append({"locality": p.name, "cohort": cohort, "people": Dv(
                n, f"{OLDER_NEED_TEXT}, {route_text}; × {fmt(round(share, 4))} ({share_text}"
                f"{onward_text}) {p.share_text()}{growth_text(opt.older_growth, BASE_YEARS)}"
                f"{w_text} = {fmt(round(n, 1))}", 1)})
        ld = LD_NEED * p.share() * lg * lw
        rows.append({"locality": p.name, "cohort": "ld", "people": Dv(
            ld, f"working-age adults with learning disabilities with a new need in England a "
            f"year = ({fmt(LD_COMMUNITY.value)} in the community ({LD_COMMUNITY.cite}) + "
            f"{fmt(LD_RESIDENTIAL.value)} in residential homes ({LD_RESIDENTIAL.cite})) × "
            f"({fmt(LD_LEAVE_AVG)} leaving a year (the caseload-weighted leave rates) + "
            f"{fmt(LD_GROWTH)} growth a year (1.67^(1/25) - 1, {DISABILITY_GROWTH.cite})) = "
            f"{fmt(round(LD_NEED))} {p.share_text()} × (1 + {fmt(LD_GROWTH)})^{BASE_YEARS} "
            f"(to 2026/27){lw_text} = {fmt(round(ld, 1))}", 1)})
    return rows


def cohorts(opt: Options) -> list[dict]:
    return [
        *({"name": name, "label": label, "growth": F(opt.older_growth)}
          for name, label, *_ in OLDER_COHORTS),
        {"name": "ld", "label": "Working-age adults with learning disabilities",
         "growth": Dv(LD_GROWTH, f"(1 + {fmt(DISABILITY_GROWTH.value)})^(1/25) - 1: people with "
                      f"disabilities +67% between 2015 and 2040 ({DISABILITY_GROWTH.cite})")},
    ]


def services(opt: Options) -> list[dict]:
    def market(grow: float, shrink: float, startup: float, why: str) -> dict:
        return {
            "grow_max": A(grow, f"{why}; the documents give no market-growth limit"),
            "shrink_max": A(shrink, "contracts and people's continuity of care limit how fast "
                            "capacity can be given up; the documents give no figure"),
            "startup": A(startup, "a small allowance so a service can be started where none "
                         "is commissioned today"),
        }

    reab_price = Dv(
        REAB_PRICE,
        f"one episode costs £{fmt(REABLEMENT_AVOIDS.value)} ÷ {fmt(REABLEMENT_ROI.value)} = "
        f"£{fmt(EPISODE_COST)} (reablement avoids £8,700 of long-term care at seven times its "
        f"cost, {REABLEMENT_AVOIDS.cite}); an episode lasts {fmt(REAB_WEEKS)} weeks (midpoint of "
        f"2-6 weeks, {REABLEMENT_WEEKS_MAX.cite}) at {fmt(REAB_OCCUPANCY)} occupancy, so a "
        f"place-year costs £{fmt(EPISODE_COST)} ÷ {fmt(REAB_WEEKS)} × 52 × "
        f"{fmt(REAB_OCCUPANCY)} = £{fmt(round(REAB_PRICE, 2))}", 2)
    return [
        {"name": "reablement", "label": opt.reablement_label, "kind": "short_term",
         "unit": "place",
         "occupancy": A(REAB_OCCUPANCY, "a reablement place stands empty between episodes; "
                        "85% use is taken as typical of a well-run service"),
         "price_capacity": reab_price,
         "price_use": A(0, "bought as a block of places, no spot payment"),
         **market(0.3, 0.2, 2, "reablement teams can recruit and grow faster than care "
                  "markets; 30% a year taken")},
        {"name": "d2a_bed", "label": opt.d2a_label, "kind": "short_term", "unit": "bed",
         "occupancy": A(0.9, "short-term beds turn over between people; 90% use taken"),
         "price_capacity": Dv(RES_PRICE, f"£{fmt(CARE_HOME_WEEK.value)} a week × 52 "
                              f"({CARE_HOME_WEEK.cite}): the bed is bought from a care home at "
                              f"the care-home rate; the reabling wrap-around is the reablement "
                              f"workers' time (staffing)", 2),
         "price_use": A(0, "bought as a block of beds, no spot payment"),
         **market(0.2, 0.2, 1, "care homes can offer some more short-term beds each year")},
        {"name": "home_care", "label": "Home care (domiciliary care)", "kind": "long_term",
         "unit": "hour per week",
         "occupancy": A(0.95, "some commissioned hours go unused (hospital stays, cancelled "
                        "visits); 95% use taken"),
         "price_capacity": Dv(HOME_CARE_PRICE, f"£{fmt(HOME_CARE_RATE.value)} an hour all-up "
                              f"({HOME_CARE_RATE.cite}) × 52 weeks", 2),
         "price_use": A(0, "bought as a block of hours, no spot payment"),
         **market(0.25, 0.2, 50, "home-care markets are fragile (providers exiting, "
                  "000_9e956c6a8d6c89c1.txt:350), but hours can be added faster than beds; "
                  "25% a year taken")},
        {"name": "supported_living", "label": "Supported living and Shared Lives",
         "kind": "long_term", "unit": "place",
         "occupancy": A(0.95, "a vacancy is held while the next tenant is matched; 95% taken"),
         "price_capacity": Dv(SL_WEEK * WEEKS, f"net spend on community support for adults "
                              f"with learning disabilities £{fmt(LD_HOURS_OFFSET.value)} ÷ "
                              f"{fmt(LD_HOURS_CUT.value)} ({LD_HOURS_OFFSET.cite}) ÷ "
                              f"{fmt(LD_COMMUNITY.value)} people ({LD_COMMUNITY.cite}) = "
                              f"£{fmt(round(SL_WEEK * WEEKS, 2))} a person a year "
                              f"(£{fmt(round(SL_WEEK, 2))} a week)", 2),
         "price_use": A(0, "bought as a block of places, no spot payment"),
         "package": A(1, "one place a person"),
         **market(0.1, 0.1, 2, "new supported-living schemes take time to build; 10% a "
                  "year taken")},
        {"name": "residential", "label": "Residential care-home beds (older adults)",
         "kind": "long_term", "unit": "bed",
         "occupancy": A(0.92, "care homes never run full (under-occupancy, "
                        "001_4550ef852cabf2d2.txt:394); 92% taken"),
         "price_capacity": Dv(RES_PRICE, f"£{fmt(CARE_HOME_WEEK.value)} a week × 52 "
                              f"({CARE_HOME_WEEK.cite}; the document says 'over £650', so "
                              f"this is a floor)", 2),
         "price_use": A(0, "bought as a block of beds, no spot payment"),
         "package": A(1, "one bed a person"),
         **market(0.1, 0.1, 1, "new care homes take years to build, but spare beds exist "
                  "(under-occupancy, 001_4550ef852cabf2d2.txt:394); 10% a year taken")},
        {"name": "nursing", "label": "Nursing-home beds (older adults)", "kind": "long_term",
         "unit": "bed",
         "occupancy": A(0.92, "as residential beds"),
         "price_capacity": A(NURSING_WEEK * WEEKS, "£850 a week × 52: the documents give no "
                             "nursing price; taken as about 30% above the £650 care-home bed "
                             "(001_4550ef852cabf2d2.txt:1114) for registered nursing", 2),
         "price_use": A(0, "bought as a block of beds, no spot payment"),
         "package": A(1, "one bed a person"),
         **market(0.1, 0.1, 1, "new nursing homes take years to build, but spare beds "
                  "exist; 10% a year taken")},
        {"name": "residential_ld", "label": "Residential care for adults with learning "
         "disabilities", "kind": "long_term", "unit": "bed",
         "occupancy": A(0.95, "small homes with stable residents; 95% taken"),
         "price_capacity": Dv(LD_RES_WEEK * WEEKS, f"the supported-living cost "
                              f"£{fmt(round(SL_WEEK, 2))} a week plus the saving per move "
                              f"£{fmt(LD_MOVE_OFFSET.value)} ÷ ({fmt(LD_RESIDENTIAL.value)} × "
                              f"{fmt(LD_COULD_MOVE.value)}) ÷ 52 = "
                              f"£{fmt(round(MOVE_SAVING_WEEK, 2))} a week ({LD_MOVE_OFFSET.cite}"
                              f"), × 52 = £{fmt(round(LD_RES_WEEK * WEEKS, 2))}; built from "
                              f"{LD_HOURS_OFFSET.cite} and {LD_COMMUNITY.cite}", 2),
         "price_use": A(0, "bought as a block of beds, no spot payment"),
         "package": A(1, "one bed a person"),
         **market(0.05, 0.1, 1, "residential LD capacity is being reduced nationally, not "
                  "grown; 5% a year taken")},
    ]


# --- need bands: older adults able to go home, by the size of the package they would need ----
BANDED_COHORTS = ("older_hospital", "older_community")
"""The cohorts split by level of need: those able to go (or stay) home, whose home-care
package and gain from reablement depend on how much help they need."""
BAND_SPLIT = ("assumption: 40% of older adults able to go home have low needs, 40% moderate "
              "and 20% high, so that the average package is the documents' 13 hours a week "
              "(0.4 × 7 + 0.4 × 13 + 0.2 × 25 = 13, 000_9e956c6a8d6c89c1.txt:280); the "
              "documents give no distribution of package sizes")


@dataclass(frozen=True)
class NeedBand:
    """A level of need: its share of a cohort and the home-care package it needs."""

    name: str
    label: str
    share: float
    hours: dict
    """Hours a week of home care without reablement (the band's 'start need', 001:908)."""


BANDS = [
    NeedBand("low", "Low", 0.4, A(7, "a low-need package of about 7 hours a week: the average "
             "council home-care package in 2000, 6.7 hours, before councils focused on higher "
             "needs (000_9e956c6a8d6c89c1.txt:280)")),
    NeedBand("moderate", "Moderate", 0.4, F(HOME_CARE_HOURS)),
    NeedBand("high", "High", 0.2, A(25, "a high-need package of about 25 hours a week: just "
             "under the 28 hours a week below which one council counts a package as small "
             "(001_4550ef852cabf2d2.txt:743); Joe went home with 31.5 hours "
             "(001_4550ef852cabf2d2.txt:922)")),
]
MEAN_HOURS = sum(b.share * b.hours["value"] for b in BANDS)
assert abs(MEAN_HOURS - HOME_CARE_HOURS.value) < 1e-9, "the bands must average 13 hours"


def band_rows() -> list[dict]:
    return [{"cohort": cohort, "name": b.name, "label": f"{b.label} need", "share": {
        "value": b.share, "source": BAND_SPLIT}} for cohort in BANDED_COHORTS for b in BANDS]


# Reablement takes the same share off every band's start need: the documents measure a
# service's effectiveness as end need against start need (001:908), and value the average
# person's gain at £8,700 of 13-hour home care (001:862, 000:280).
AVOIDED_SHARE = AVOIDED_HOURS / HOME_CARE_HOURS.value
AVOIDED_TEXT = (f"reablement avoids £{fmt(REABLEMENT_AVOIDS.value)} of home care over "
                f"{fmt(PACKAGE_WEEKS.value)} weeks at £{fmt(HOME_CARE_RATE.value)} an hour "
                f"({REABLEMENT_AVOIDS.cite}, {PACKAGE_WEEKS.cite}), "
                f"{fmt(round(AVOIDED_HOURS, 4))} hours a week of the average "
                f"{fmt(HOME_CARE_HOURS.value)}-hour start need ({HOME_CARE_HOURS.cite}), a "
                f"{fmt(round(AVOIDED_SHARE, 4))} share; effectiveness is end need against start "
                f"need ({REABLEMENT_SPREAD.cite}), so every band loses the same share of its "
                f"start need and the bands' average is the documents' £8,700")


def reablement_destinations(pathway: str) -> list[dict]:
    rows = []
    for b in BANDS:
        hours = b.hours["value"]
        package = hours * (1 - AVOIDED_SHARE) / (1 - INDEPENDENT_AFTER)
        rows.append({
            "pathway": pathway, "service": "home_care", "band": b.name,
            "share": A(1 - INDEPENDENT_AFTER, "45% leave reablement independent: the documents "
                       "give 79% with lower support or none after a short-term service "
                       "(000_9e956c6a8d6c89c1.txt:926-928) but not the share with none; a bit "
                       "over half of that is taken (as MODEL.md's worked example), in every "
                       "band"),
            "package": Dv(package, f"{AVOIDED_TEXT}; from this band's {fmt(hours)}-hour start "
                          f"need the 55% who still need care need {fmt(hours)} × (1 - "
                          f"{fmt(round(AVOIDED_SHARE, 4))}) ÷ 0.55 = {fmt(round(package, 4))} "
                          f"hours"),
        })
    return rows


# --- reablement offered more widely: people with less potential to regain independence ----
WIDER_WEEKS = REABLEMENT_WEEKS_MAX.value
WIDER_AVOIDED_HOURS = AVOIDED_HOURS / REABLEMENT_SPREAD.value
WIDER_INDEPENDENT = INDEPENDENT_AFTER / REABLEMENT_SPREAD.value
"""In the moderate band (the documents' 13 hours)."""
WIDER_TEXT = (f"the people today's service does not reach gain least: the least effective "
              f"reablement service adds a fifth of the value of the most effective "
              f"({REABLEMENT_SPREAD.cite}), taken as the gain for them")


def wider_reablement_destinations(pathway: str) -> list[dict]:
    """A fifth of the documents' gain, the same hours in every band: a larger share of a small
    package, so more of those with low needs leave independent."""
    rows = []
    for b in BANDS:
        hours = b.hours["value"]
        independent = WIDER_INDEPENDENT * HOME_CARE_HOURS.value / hours
        package = (hours - WIDER_AVOIDED_HOURS) / (1 - independent)
        rows.append({
            "pathway": pathway, "service": "home_care", "band": b.name,
            "share": Dv(1 - independent, (
                f"{WIDER_TEXT}: {fmt(INDEPENDENT_AFTER)} independent (as today's reablement) ÷ "
                f"{fmt(REABLEMENT_SPREAD.value)} = {fmt(WIDER_INDEPENDENT)} with a "
                f"{fmt(HOME_CARE_HOURS.value)}-hour start need ({HOME_CARE_HOURS.cite}); the same "
                f"hours avoided free more people of a smaller package: × "
                f"{fmt(HOME_CARE_HOURS.value)} ÷ {fmt(hours)} = {fmt(round(independent, 4))} "
                f"independent, so {fmt(round(1 - independent, 4))} still need care")),
            "package": Dv(package, (
                f"{WIDER_TEXT}: {fmt(round(AVOIDED_HOURS, 4))} hours a week avoided "
                f"(£{fmt(REABLEMENT_AVOIDS.value)} over {fmt(PACKAGE_WEEKS.value)} weeks at "
                f"£{fmt(HOME_CARE_RATE.value)}, {REABLEMENT_AVOIDS.cite}) ÷ "
                f"{fmt(REABLEMENT_SPREAD.value)} = {fmt(round(WIDER_AVOIDED_HOURS, 4))} in every "
                f"band; from this band's {fmt(hours)}-hour start need those still needing care "
                f"need ({fmt(hours)} - {fmt(round(WIDER_AVOIDED_HOURS, 4))}) ÷ "
                f"{fmt(round(1 - independent, 4))} = {fmt(round(package, 4))} hours")),
        })
    return rows


def straight_home_care_destinations(pathway: str) -> list[dict]:
    return [{"pathway": pathway, "service": "home_care", "band": b.name,
             "share": A(1, "everyone on this pathway goes home with a package of care"),
             "package": b.hours} for b in BANDS]


DIVERTED_SAVING_WEEK = (DIVERSION_OFFSET.value
                        / (CARE_HOME_ADMISSIONS.value * DIVERTIBLE.value) / WEEKS)
DIVERTED_HOURS = (CARE_HOME_WEEK.value - DIVERTED_SAVING_WEEK) / HOME_CARE_RATE.value


def diverted_home_care_destination(pathway: str) -> dict:
    """People assessed for a care home but supported at home: the documents value this as
    the care-home cost less an upper-quartile home-care package (001:634), which gives the
    package's size."""
    return {"pathway": pathway, "service": "home_care",
            "share": A(1, "everyone on this pathway goes home with a package of care"),
            "package": Dv(DIVERTED_HOURS, (
                f"an upper-quartile package: the documents value each person supported at "
                f"home instead of a care home at the care-home cost less an upper-quartile "
                f"home-care package (001_4550ef852cabf2d2.txt:634), "
                f"£{fmt(DIVERSION_OFFSET.value)} a year ÷ ({fmt(CARE_HOME_ADMISSIONS.value)} × "
                f"{fmt(DIVERTIBLE.value)}) people ({DIVERSION_OFFSET.cite}) ÷ 52 = "
                f"£{fmt(round(DIVERTED_SAVING_WEEK, 2))} a week; (£{fmt(CARE_HOME_WEEK.value)} "
                f"a care-home week, {CARE_HOME_WEEK.cite}, - £"
                f"{fmt(round(DIVERTED_SAVING_WEEK, 2))}) ÷ £{fmt(HOME_CARE_RATE.value)} an hour "
                f"({HOME_CARE_RATE.cite}) = {fmt(round(DIVERTED_HOURS, 2))} hours a week"))}




def care_home_destinations(pathway: str) -> list[dict]:
    return [
        {"pathway": pathway, "service": "residential",
         "share": A(CARE_HOME_RESIDENTIAL_SPLIT, "60% of care-home admissions are to residential "
                    "and 40% to nursing beds; the documents do not split the 60,000 a year "
                    "(001_4550ef852cabf2d2.txt:627)")},
        {"pathway": pathway, "service": "nursing",
         "share": A(1 - CARE_HOME_RESIDENTIAL_SPLIT, "the other 40% of care-home admissions "
                    "(see residential)")},
    ]


def _today(value: float, text: str) -> dict:
    return Dv(value, f"today's practice: {text}")


def pathways_block(opt: Options) -> dict[str, list[dict]]:
    """Pathways, stages and destinations. Suitability limits are *today's practice*: the share
    of each cohort routed this way now ('perceived demand', 001:2083). In the cohorts able
    to go home, straight-to-home-care takes whoever is not reabled; in the cohorts going to a
    bed, the care home takes whoever gets neither a short-term bed nor care at home.

    Every pathway also states its ``today_share``: the share of the cohort routed that way
    now. Today's capacity, caseload and staff are what those shares need, whatever limits a
    variant relaxes."""
    hosp_reab = SHORT_TERM_SHARE * HOME_SHARE_OF_SHORT_TERM / (1 - HOSP_BED)
    comm_reab = SHORT_TERM_SHARE / (1 - COMM_CH)
    d2a = HOSP_D2A / HOSP_BED
    ld_res_in = LD_RESIDENTIAL.value * (LEAVE_LD_RES + LD_GROWTH + LEICS_LD_MOVED_SHARE.value)
    ld_sl = 1 - ld_res_in / LD_NEED
    d2a_weeks = opt.d2a_weeks or A(4, "the documents give no national length of stay in "
                                   "discharge-to-assess beds; four weeks, as home reablement")
    not_today = ("not offered today: people assessed as needing a care home are not supported "
                 "at home instead (today's practice; at least 18% could be, "
                 "001_4550ef852cabf2d2.txt:627)")
    hosp_text = (f"{ST_TEXT}; × 3/4 at home (assumption: three in four short-term services "
                 f"after hospital are home reablement) = "
                 f"{fmt(SHORT_TERM_SHARE * HOME_SHARE_OF_SHORT_TERM)} of hospital need, ÷ the "
                 f"{fmt(1 - HOSP_BED)} of it able to go home ({HOSP_CH_TEXT}; {fmt(HOSP_D2A)} to "
                 f"short-term beds) = {fmt(hosp_reab)}")
    comm_text = (f"{ST_TEXT}, ÷ the {fmt(1 - COMM_CH)} of community need able to stay at home "
                 f"(1 - {COMM_CH_TEXT}) = {fmt(comm_reab)}")
    d2a_text = (f"{D2A_TEXT} ÷ the {fmt(HOSP_BED)} of hospital need leaving to a bed "
                f"({HOSP_CH_TEXT}) = {fmt(d2a)}")
    ld_text = (f"the share that keeps today's caseloads where the documents put them: "
               f"{fmt(LD_RESIDENTIAL.value)} in residential homes ({LD_RESIDENTIAL.cite}) need "
               f"{fmt(round(ld_res_in))} entrants a year to replace {fmt(LEAVE_LD_RES)} leaving, "
               f"{fmt(LEICS_LD_MOVED_SHARE.value)} moving to supported living "
               f"({LEICS_LD_MOVED_SHARE.cite}) and {fmt(round(LD_GROWTH, 4))} growth; of "
               f"{fmt(round(LD_NEED))} new need a year, the rest, 1 - "
               f"{fmt(round(ld_res_in))} ÷ {fmt(round(LD_NEED))} = {fmt(round(ld_sl, 4))}, go to "
               f"supported living (which with those moves keeps {fmt(LD_COMMUNITY.value)}, "
               f"{LD_COMMUNITY.cite}, growing)")

    def wider(reach: float, text: str) -> dict:
        share = min(reach, 1 - reach)
        return Dv(share, f"almost twice as many people could benefit from reablement as get "
                  f"it ({REABLEMENT_TWICE.cite}): as many again as today's {fmt(reach)} "
                  f"({text}), at most the {fmt(1 - reach)} not reabled today = {fmt(share)}")

    none_today = A(0, "not offered today")
    pathways = [
        {"name": "hosp_reablement", "cohort": "older_hospital",
         "label": "Home first: home reablement, then home care if still needed",
         "suitable": _today(hosp_reab, hosp_text), "today_share": _today(hosp_reab, hosp_text)},
        {"name": "hosp_reablement_wider", "cohort": "older_hospital",
         "label": "Home reablement offered more widely, to people with less potential to "
         "regain independence", "suitable": wider(hosp_reab, hosp_text),
         "today_share": none_today},
        {"name": "hosp_home_care", "cohort": "older_hospital",
         "label": "Straight home with a long-term home-care package",
         "suitable": A(1, "home care is open to everyone able to go home; it takes whoever is "
                       "not reabled"),
         "today_share": _today(1 - hosp_reab, f"everyone not reabled: 1 - {fmt(hosp_reab)} "
                                 f"({SHORT_TERM_MORE.cite})")},
        {"name": "hosp_d2a_bed", "cohort": "older_hospital_bed",
         "label": "Discharge to assess in a short-term bed with reablement",
         "suitable": _today(d2a, d2a_text), "today_share": _today(d2a, d2a_text)},
        {"name": "hosp_diverted_home", "cohort": "older_hospital_bed",
         "label": "Home with a home-care package instead of a bed",
         "suitable": A(0, not_today), "today_share": A(0, not_today)},
        {"name": "hosp_care_home", "cohort": "older_hospital_bed",
         "label": "Straight to a permanent care-home bed",
         "suitable": A(1, "a care home can meet the needs of anyone assessed as needing one"),
         "today_share": _today(1 - d2a, f"everyone not in a short-term bed: 1 - {fmt(d2a)} "
                                 f"({SHORT_TERM_MORE.cite})")},
        {"name": "comm_reablement", "cohort": "older_community",
         "label": "Reablement first, then home care if still needed",
         "suitable": _today(comm_reab, comm_text), "today_share": _today(comm_reab, comm_text)},
        {"name": "comm_reablement_wider", "cohort": "older_community",
         "label": "Reablement offered more widely, to people with less potential to regain "
         "independence", "suitable": wider(comm_reab, comm_text), "today_share": none_today},
        {"name": "comm_home_care", "cohort": "older_community",
         "label": "Straight to a long-term home-care package",
         "suitable": A(1, "home care is open to everyone able to stay at home; it takes whoever "
                       "is not reabled"),
         "today_share": _today(1 - comm_reab, f"everyone not reabled: 1 - {fmt(comm_reab)} "
                                 f"({SHORT_TERM_MORE.cite})")},
        {"name": "comm_diverted_home", "cohort": "older_community_care_home",
         "label": "Home with a home-care package instead of a care home",
         "suitable": A(0, not_today), "today_share": A(0, not_today)},
        {"name": "comm_care_home", "cohort": "older_community_care_home",
         "label": "A permanent care-home bed",
         "suitable": A(1, "a care home can meet the needs of anyone assessed as needing one"),
         "today_share": A(1, "everyone assessed as needing a care home enters one today")},
        {"name": "ld_supported_living", "cohort": "ld",
         "label": "Supported living or Shared Lives",
         "suitable": _today(ld_sl, ld_text), "today_share": _today(ld_sl, ld_text)},
        {"name": "ld_residential", "cohort": "ld",
         "label": "Residential care",
         "suitable": A(1, "a residential home can meet anyone's needs; it takes whoever "
                       "supported living does not"),
         "today_share": _today(1 - ld_sl, f"everyone not in supported living: 1 - "
                               f"{fmt(ld_sl)} ({LD_COMMUNITY.cite})")},
    ]
    for p in pathways:
        if p["name"] in opt.suitable:
            p["suitable"] = opt.suitable[p["name"]]
        if p["name"] in opt.today:
            p["today_share"] = opt.today[p["name"]]
    reablement_weeks = Dv(REAB_WEEKS, f"midpoint of 2-6 weeks ({REABLEMENT_WEEKS_MAX.cite})")
    wider_weeks = Dv(WIDER_WEEKS, f"{WIDER_TEXT}; their episodes take longest, the top of 2-6 "
                     f"weeks ({REABLEMENT_WEEKS_MAX.cite})")
    stages = [
        {"pathway": pathway, "service": "reablement",
         "share": A(1, "everyone on the pathway starts home reablement"),
         "weeks": weeks, "intensity": A(1, "one reablement place a person while reabled")}
        for pathway, weeks in (("hosp_reablement", reablement_weeks),
                               ("hosp_reablement_wider", wider_weeks))
    ] + [
        {"pathway": "hosp_d2a_bed", "service": "d2a_bed",
         "share": A(1, "everyone on the pathway is discharged to a short-term bed"),
         "weeks": d2a_weeks,
         "intensity": A(1, "one bed a person")},
    ] + [
        {"pathway": pathway, "service": "reablement",
         "share": A(1, "everyone on the pathway starts home reablement"),
         "weeks": weeks, "intensity": A(1, "one reablement place a person while reabled")}
        for pathway, weeks in (("comm_reablement", reablement_weeks),
                               ("comm_reablement_wider", wider_weeks))
    ]
    destinations = [
        *reablement_destinations("hosp_reablement"),
        *wider_reablement_destinations("hosp_reablement_wider"),
        *straight_home_care_destinations("hosp_home_care"),
        {"pathway": "hosp_d2a_bed", "service": "home_care",
         "share": A(D2A_HOME_SHARE, "after a short-term bed with reabling, 45% go home with "
                    "care; the documents give no split"),
         "package": F(HOME_CARE_HOURS)},
        {"pathway": "hosp_d2a_bed", "service": "residential",
         "share": A(0.15, "a quarter need a permanent care home (15% residential, 10% nursing): "
                    "about half the 45% seen after short-term beds without reabling "
                    "(001_4550ef852cabf2d2.txt:2107)")},
        {"pathway": "hosp_d2a_bed", "service": "nursing",
         "share": A(0.10, "see the residential share of this pathway")},
        diverted_home_care_destination("hosp_diverted_home"),
        *care_home_destinations("hosp_care_home"),
        *reablement_destinations("comm_reablement"),
        *wider_reablement_destinations("comm_reablement_wider"),
        *straight_home_care_destinations("comm_home_care"),
        diverted_home_care_destination("comm_diverted_home"),
        *care_home_destinations("comm_care_home"),
        {"pathway": "ld_supported_living", "service": "supported_living",
         "share": A(1, "everyone on the pathway moves into supported living or Shared Lives")},
        {"pathway": "ld_residential", "service": "residential_ld",
         "share": A(1, "everyone on the pathway moves into a residential home")},
    ]
    return {"pathways": pathways, "stages": stages, "destinations": destinations}


# --- deterioration: people whose needs grow move on to a care home --------------------------
TO_CARE_HOME = {"low": 0.015, "moderate": 0.03, "high": 0.06}
"""Share of a band's home-care caseload moving to a care home each year."""
TO_CARE_HOME_TEXT = (
    "the documents give no rate at which people in home care move to a care home; 3% a year "
    "taken for moderate needs (about one in twenty-four of the 52/72 of packages ending each "
    "year, 001_4550ef852cabf2d2.txt:867), half that for low and twice for high needs (their "
    "care needs grow in 38 weeks or so even with support, 001_4550ef852cabf2d2.txt:745; "
    "almost half of one provider's reviews increased a package, "
    "001_4550ef852cabf2d2.txt:1015)")
BED_COHORT_BAND = "high"
"""People assessed for a bed and cared for at home instead move on as those with high needs."""
TO_NURSING = 0.05
TO_NURSING_TEXT = ("a twentieth of residents of residential care homes a year come to need a "
                   "nursing bed (part of the third who leave a year, an average three-year "
                   "stay); the documents give no rate")
HOME_CARE_COHORTS = ("older_hospital", "older_community", "older_hospital_bed",
                     "older_community_care_home")
BED_COHORTS = ("older_hospital_bed", "older_community_care_home")


def _split_text(rate: float, which: str) -> str:
    share = CARE_HOME_RESIDENTIAL_SPLIT if which == "residential" else 1 - \
        CARE_HOME_RESIDENTIAL_SPLIT
    return (f"{fmt(rate)} a year to a care home ({TO_CARE_HOME_TEXT}) × {fmt(share)} to "
            f"{which} beds (60% of care-home admissions are to residential beds, 40% to "
            f"nursing, an assumption as for new admissions) = {fmt(round(rate * share, 4))}")


def _to_care_home(cohort: str) -> list[tuple[str | None, float]]:
    """(band, yearly rate to a care home) for a cohort's home-care caseload."""
    if cohort in BANDED_COHORTS:
        return [(b.name, TO_CARE_HOME[b.name]) for b in BANDS]
    return [(None, TO_CARE_HOME[BED_COHORT_BAND])]


def from_home_care() -> tuple[float, str]:
    """Care-home admissions a year in England (2019/20) of people already in home care, at
    today's practice and the deterioration rates, with the arithmetic. They are among the
    documents' 60,000 admissions (001:627), so the community's new need for a care home is
    that much smaller: deterioration adds no admissions the documents do not count."""
    hosp_reab = SHORT_TERM_SHARE * HOME_SHARE_OF_SHORT_TERM / (1 - HOSP_BED)
    comm_reab = SHORT_TERM_SHARE / (1 - COMM_CH)
    stay = HOME_CARE_LEAVE + OLDER_GROWTH_ENGLAND.value
    total = 0.0
    for need, reab in ((HOSP_NEED * (1 - HOSP_BED), hosp_reab),
                       (COMM_NEED * (1 - COMM_CH), comm_reab)):
        entering = need * (reab * (1 - INDEPENDENT_AFTER) + 1 - reab)
        total += sum(entering * b.share * TO_CARE_HOME[b.name] for b in BANDS) / stay
    after_beds = HOSP_NEED * HOSP_D2A * D2A_HOME_SHARE
    total += after_beds * TO_CARE_HOME[BED_COHORT_BAND] / stay
    return total, (
        f"today's home-care caseload, people entering a year at today's shares ÷ "
        f"({fmt(round(HOME_CARE_LEAVE, 4))} ending + {fmt(OLDER_GROWTH_ENGLAND.value)} growth, "
        f"{PACKAGE_WEEKS.cite}, {OLDER_GROWTH_ENGLAND.cite}), × the deterioration rates to a "
        f"care home ({', '.join(f'{fmt(r)} {n}' for n, r in TO_CARE_HOME.items())} need; "
        f"{fmt(TO_CARE_HOME[BED_COHORT_BAND])} after a short-term bed) = "
        f"{fmt(round(total))} a year")


def deterioration_rows() -> list[dict]:
    rows = []
    for cohort in HOME_CARE_COHORTS:
        for band, rate in _to_care_home(cohort):
            for to, share in (("residential", CARE_HOME_RESIDENTIAL_SPLIT),
                              ("nursing", 1 - CARE_HOME_RESIDENTIAL_SPLIT)):
                row = {"cohort": cohort, "from_service": "home_care", "to_service": to,
                       "rate": A(rate * share, _split_text(rate, to))}
                if band is not None:
                    row["band"] = band
                elif cohort in BED_COHORTS:
                    row["rate"]["source"] += (" (assessed for a bed, so with high needs: "
                                              f"{fmt(TO_CARE_HOME[BED_COHORT_BAND])} a year)")
                rows.append(row)
    rows += [{"cohort": cohort, "from_service": "residential", "to_service": "nursing",
              "rate": A(TO_NURSING, TO_NURSING_TEXT)} for cohort in HOME_CARE_COHORTS]
    return rows


def leave_rows() -> list[dict]:
    """Leaving a setting other than by deterioration: a home-care package still lasts 72 weeks
    and a residential stay three years, with those moving on to a care home or a nursing bed
    counted among the setting's leavers."""
    rows = []
    for cohort in HOME_CARE_COHORTS:
        for band, rate in _to_care_home(cohort):
            share = HOME_CARE_LEAVE - rate
            row = {"cohort": cohort, "service": "home_care", "share": Dv(share, (
                f"52 ÷ {fmt(PACKAGE_WEEKS.value)}: a long-term package lasts "
                f"{fmt(PACKAGE_WEEKS.value)} weeks on average ({PACKAGE_WEEKS.cite}), less the "
                f"{fmt(rate)} a year who move on to a care home (the deterioration rows) = "
                f"{fmt(round(share, 4))}"))}
            if band is not None:
                row["band"] = band
            rows.append(row)
    for cohort in HOME_CARE_COHORTS:  # every older cohort can reach a care home
        rows += [
            {"cohort": cohort, "service": "residential",
             "share": A(LEAVE_RES - TO_NURSING, f"people live in care homes for 'several years' "
                        f"(001_4550ef852cabf2d2.txt:1114); an average stay of three years "
                        f"taken, 1/3 leaving a year, less the {fmt(TO_NURSING)} who move on to "
                        f"a nursing bed (the deterioration rows)")},
            {"cohort": cohort, "service": "nursing",
             "share": A(LEAVE_NURSING, "nursing-home residents are frailer; an average stay "
                        "of two years taken (the documents give none)")},
        ]
    rows += [
        {"cohort": "ld", "service": "supported_living",
         "share": A(LEAVE_SL, "working-age adults with learning disabilities stay supported "
                    "for decades; 4% a year leave (death, moving on), the documents give none")},
        {"cohort": "ld", "service": "residential_ld",
         "share": A(LEAVE_LD_RES, "4% a year leave residential homes other than by a planned "
                    "move (death, moving on), as from supported living: the same people, so the "
                    "setting does not change how long they need support; the documents give "
                    "none")},
    ]
    return rows


# --- workforce --------------------------------------------------------------------------------
CARE_HOURS_PER_FTE = 22.5
STAFFING = [
    ("home_care", "care_worker", 1 / CARE_HOURS_PER_FTE, "a full-time care worker delivers "
     "about 22.5 contact hours a week (37.5 paid hours, 60% in people's homes, the rest "
     "travel, which rural counties find longer: 000_9e956c6a8d6c89c1.txt:294); the documents "
     "give no productivity figure"),
    ("supported_living", "care_worker", 0.7, "shared 24-hour support in supported living, "
     "about 0.7 FTE support worker a place; the documents give none"),
    ("residential", "care_worker", 0.8, "care homes staff about 0.8 FTE care worker a bed "
     "across 24 hours; the documents give none"),
    ("nursing", "care_worker", 0.8, "as residential beds"),
    ("nursing", "nurse", 0.2, "a registered nurse on every shift, about 0.2 FTE a bed; the "
     "documents give none"),
    ("residential_ld", "care_worker", 1.2, "small LD homes staff more heavily than older "
     "adults' homes, about 1.2 FTE a bed; the documents give none"),
    ("d2a_bed", "care_worker", 0.8, "the bed's care staff, as a residential bed"),
    ("d2a_bed", "reablement_worker", 0.2, "the reabling wrap-around (therapy and reablement "
     "support, 001_4550ef852cabf2d2.txt:2105-2109) about 0.2 FTE a bed"),
    ("reablement", "reablement_worker", 0.4, "about 10 contact hours a week a person in "
     "reablement (between a 13-hour package, 000_9e956c6a8d6c89c1.txt:280, and Joe's 31.5 "
     "hours at the start, 001_4550ef852cabf2d2.txt:922) at 25 contact hours per FTE"),
]

CARE_WORKER_HIRE_COST = A(2000, "advertising, checks, induction and Care Certificate training, "
                          "about £2,000 a recruit; the documents give no figure")
"""Recruiting one care worker: the same assumption in every instance."""

ROLES = [
    {"name": "care_worker", "label": "Care and support workers (independent sector)",
     "turnover": F(TURNOVER_INDEPENDENT), "hire_cost": CARE_WORKER_HIRE_COST},
    {"name": "reablement_worker", "label": "Reablement workers and therapists (council "
     "in-house team)", "turnover": F(TURNOVER_COUNCIL),
     "hire_cost": A(3000, "council recruitment and reablement training, about £3,000 a recruit; "
                    "the documents give no figure")},
    {"name": "nurse", "label": "Registered nurses in nursing homes",
     "turnover": Dv(TURNOVER_INDEPENDENT.value, f"as independent-sector care staff, about 30% "
                    f"({TURNOVER_INDEPENDENT.cite}); the documents give no nurse figure"),
     "hire_cost": A(6000, "nurse recruitment (often agency or overseas), about £6,000; the "
                    "documents give no figure")},
]
SKILLS_FOR_CARE = ("Skills for Care, The state of the adult social care sector and workforce "
                   "in England (2023): filled posts grew by about 1% in 2022/23 after falling "
                   "in 2021/22, with about one post in ten vacant")
HIRE_HEADROOM = {
    "care_worker": (0.05, f"independent-sector employers already struggle to replace leavers "
                    f"(turnover about 30%, 001_4550ef852cabf2d2.txt:1862; recruitment "
                    f"challenging across the country, 000_9e956c6a8d6c89c1.txt:643); growth "
                    f"beyond replacement is taken as half the vacancy rate, 5% a year "
                    f"({SKILLS_FOR_CARE})"),
    "reablement_worker": (0.10, "council teams recruit more easily than providers (turnover "
                          "13%, 001_4550ef852cabf2d2.txt:1901) but compete with the NHS for a "
                          "regional scarcity of therapists (001_4550ef852cabf2d2.txt:1901); "
                          "growth beyond replacement taken as 10% a year"),
    "nurse": (0.05, f"registered nurses are scarce nationally; growth beyond replacement "
              f"taken as care workers' 5% a year, which just keeps up with today's practice as "
              f"need grows 2% a year ({SKILLS_FOR_CARE})"),
}
"""Role -> (most the workforce can grow in a year beyond replacing leavers, the reason)."""


def workforce_rows(places: list[Place], cap0: list[dict]) -> list[dict]:
    rows = []
    turnover = {r["name"]: r["turnover"]["value"] for r in ROLES}
    for p in places:
        caps = {c["service"]: c["units"]["value"] for c in cap0 if c["locality"] == p.name}
        for role in ("care_worker", "reablement_worker", "nurse"):
            parts, total = [], 0.0
            for svc, r, fte, _ in STAFFING:
                if r == role and svc in caps:
                    total += fte * caps[svc]
                    parts.append(f"{fmt(round(fte, 4))} × {fmt(caps[svc])} {svc}")
            headroom, why = HIRE_HEADROOM[role]
            hire = total * (turnover[role] + headroom)
            rows.append({
                "locality": p.name, "role": role,
                "staff0": Dv(total, f"staff needed for today's capacity: {' + '.join(parts)} = "
                             f"{fmt(round(total, 1))} FTE (capacity derived from "
                             f"{HOME_CARE_OLDER.cite} and {CARE_HOME_ADMISSIONS.cite})", 1),
                "hire_max": A(hire, f"recruitment can replace leavers "
                              f"({fmt(turnover[role])} a year) and grow the workforce by "
                              f"{fmt(headroom)}: {why}; {fmt(round(total, 1))} × "
                              f"({fmt(turnover[role])} + {fmt(headroom)}) = "
                              f"{fmt(round(hire, 2))} FTE a year", 2),
            })
    return rows


def staffing_rows() -> list[dict]:
    return [{"service": s, "role": r, "fte_per_unit": A(v, why, 5)}
            for s, r, v, why in STAFFING]


def indicators() -> list[dict]:
    return [
        {"name": "independent", "label": "Independent (no long-term package) after the "
         "pathway", "derived": "independent"},
        {"name": "care_home_admissions", "label": "Permanent admissions to residential and "
         "nursing care", "derived": "enters",
         "services": ["residential", "nursing", "residential_ld"], "better": "lower"},
        {"name": "most_independent_setting", "label": "Adults with learning disabilities in "
         "supported living or Shared Lives", "derived": "enters",
         "services": ["supported_living"]},
    ]


def ld_moves(opt: Options) -> list[dict]:
    """LD residential to supported living. Default: current practice, the realised 4% of the
    residential caseload a year (001:1031), no absolute limit."""
    suitable = opt.ld_move_suitable or Dv(
        LEICS_LD_MOVED_SHARE.value, f"current practice: only {fmt(LEICS_LD_MOVED_SHARE.value)} "
        f"of reviews lead to a move ({LEICS_LD_MOVED_SHARE.cite}), although up to "
        f"{fmt(LD_COULD_MOVE.value)} could move ({LD_COULD_MOVE.cite})")
    today = suitable if opt.ld_move_is_today else Dv(
        LEICS_LD_MOVED_SHARE.value, f"today's practice: only {fmt(LEICS_LD_MOVED_SHARE.value)} "
        f"of reviews lead to a move ({LEICS_LD_MOVED_SHARE.cite})")
    row = {"cohort": "ld", "from_service": "residential_ld", "to_service": "supported_living",
           "suitable": suitable, "today_share": today}
    if opt.ld_move_max is not None:
        row["max_per_year"] = opt.ld_move_max
    return [row]


def best_practice(opt_ld_years: int = 5) -> tuple[dict[str, dict], dict]:
    """Best-practice pathway and LD move limits: what the documents say could happen if
    every person got the service a multi-disciplinary review would choose.

    Reablement reaches 40% more older people (001:611), up to everyone able to go home; at
    least 18% of those assessed as needing a care home go home with care instead (001:627);
    up to 43% of adults with learning disabilities in residential homes move (001:646)."""
    rise = SHORT_TERM_RISE.value
    div = DIVERTIBLE.value
    hosp_now = SHORT_TERM_SHARE * HOME_SHARE_OF_SHORT_TERM / (1 - HOSP_BED)
    comm_now = SHORT_TERM_SHARE / (1 - COMM_CH)
    out: dict[str, dict] = {}
    for name, now in (("hosp_reablement", hosp_now), ("comm_reablement", comm_now)):
        best = min(1.0, now * (1 + rise))
        out[name] = Dv(best, f"best practice: today's {fmt(now)} × (1 + {fmt(rise)}): 40% more "
                       f"older people could benefit from short-term services "
                       f"({SHORT_TERM_RISE.cite}), at most everyone able to go home = "
                       f"{fmt(best)}")
    out["hosp_diverted_home"] = Dv(div * HOSP_CH / HOSP_BED, (
        f"best practice: at least {fmt(div)} of care-home admissions could be supported more "
        f"independently ({DIVERTIBLE.cite}); of hospital need leaving to a bed, {fmt(HOSP_CH)} "
        f"of {fmt(HOSP_BED)} go to care homes ({HOSP_CH_TEXT}), so {fmt(div)} × "
        f"{fmt(HOSP_CH)} ÷ {fmt(HOSP_BED)} = {fmt(div * HOSP_CH / HOSP_BED)}"))
    out["comm_diverted_home"] = Dv(div, (
        f"best practice: at least {fmt(div)} of care-home admissions could be supported more "
        f"independently, for example in their own home ({DIVERTIBLE.cite})"))
    move = Dv(LD_COULD_MOVE.value / opt_ld_years,
              f"best practice: up to {fmt(LD_COULD_MOVE.value)} of adults with learning "
              f"disabilities in residential homes could move ({LD_COULD_MOVE.cite}), spread "
              f"over the {opt_ld_years} planning years = "
              f"{fmt(LD_COULD_MOVE.value / opt_ld_years)} a year")
    return out, move
