"""The documents' figures the shipped instances are built from, each with its line.

Every figure here was checked against the seed text (``sed -n 'Np' FILE``). Instances are
generated from these by ``build.py`` so that a derived number always shows the same
arithmetic on the same cited lines. Nothing here is typed into an instance by hand.
"""

from __future__ import annotations

from dataclasses import dataclass

D0 = "000_9e956c6a8d6c89c1.txt"  # CCN, Delivering Adult Social Care in Challenging Times (2016)
D1 = "001_4550ef852cabf2d2.txt"  # CCN/ACCE/Newton, The Future of Adult Social Care (2021)
D3 = "003_ac403029bd3f9857.txt"  # Leicestershire CC scrutiny report (June 2019)
D4 = "004_82e2fe6d2a2a1cc5.txt"  # Nottinghamshire CC committee report (January 2016)


@dataclass(frozen=True)
class Fig:
    """A document figure: its value, the line it is on, and what it is."""

    value: float
    cite: str
    what: str

    def __str__(self) -> str:
        return f"{fmt(self.value)} ({self.what}, {self.cite})"


def fmt(x: float) -> str:
    """A number as a person would write it in a derivation."""
    if abs(x - round(x)) < 1e-9:
        return f"{round(x):,}"
    if abs(x) >= 100:
        return f"{x:,.2f}".rstrip("0").rstrip(".")
    return f"{x:.4g}"


# --- national volumes (England, 2019/20) -------------------------------------------------
SHORT_TERM_MORE = Fig(90_000, f"{D1}:611", "more older people a year who could benefit from "
                      "short-term services")
SHORT_TERM_RISE = Fig(0.40, f"{D1}:611", "that is a 40% increase")
CARE_HOME_ADMISSIONS = Fig(60_000, f"{D1}:627", "older adults entering a publicly funded care "
                           "home a year")
FROM_HOSPITAL = Fig(1 / 3, f"{D1}:627", "1 in 3 of them from a hospital discharge")
DIVERTIBLE = Fig(0.18, f"{D1}:627", "at least 18% could be supported more independently")
DIVERSION_OFFSET = Fig(178e6, f"{D1}:627", "£ a year offset by supporting them more "
                       "independently (care-home cost less an upper-quartile home-care package, "
                       "001_4550ef852cabf2d2.txt:634)")
HOSPITAL_SHARE = Fig(0.35, f"{D1}:1077", "hospitals' share of older adults' requests")
HOME_CARE_OLDER = Fig(225_000, f"{D1}:658", "older adults in long-term home care")
LD_COMMUNITY = Fig(104_000, f"{D1}:621", "working-age adults with learning disabilities "
                   "supported in the community")
LD_RESIDENTIAL = Fig(27_000, f"{D1}:646", "adults with learning disabilities in residential "
                     "homes")
LD_COULD_MOVE = Fig(0.43, f"{D1}:646", "share who could live in supported living or Shared "
                    "Lives")
LD_MOVE_OFFSET = Fig(74e6, f"{D1}:646", "£ a year offset by those moves")
LD_HOURS_CUT = Fig(0.08, f"{D1}:623", "cut in formal support hours")
LD_HOURS_OFFSET = Fig(261e6, f"{D1}:623", "£ a year offset by that cut")
REABLEMENT_TWICE = Fig(2.0, f"{D1}:906", "almost twice as many people could benefit from "
                       "reablement")
REABLEMENT_SPREAD = Fig(5.0, f"{D1}:908", "the most effective reablement service adds five "
                       "times the value of the least effective")

# --- unit costs and durations --------------------------------------------------------------
HOME_CARE_RATE = Fig(17.48, f"{D1}:867", "£ an hour, all-up cost of home care")
PACKAGE_WEEKS = Fig(72, f"{D1}:867", "weeks, average duration of a long-term package")
REABLEMENT_AVOIDS = Fig(8_700, f"{D1}:862", "£ less long-term care per person after "
                        "reablement")
REABLEMENT_ROI = Fig(7, f"{D1}:862", "return on investment, times the cost")
REABLEMENT_WEEKS_MIN = Fig(2, f"{D1}:875", "weeks, shortest usual reablement")
REABLEMENT_WEEKS_MAX = Fig(6, f"{D1}:875", "weeks, longest usual reablement")
CARE_HOME_WEEK = Fig(650, f"{D1}:1114", "£ a week for a care-home bed (over)")
HOSPITAL_BED_WEEK = Fig(2_000, f"{D1}:1112", "£ a week for a delayed hospital bed (over)")
HOME_CARE_HOURS = Fig(13, f"{D0}:280", "hours a week, average council home-care package")
LOS_CUT = Fig(0.14, f"{D1}:2121", "cut in length of stay in bed-based reablement")
BEDS_NO_REABLING = Fig(0.45, f"{D1}:2107", "short-term beds without reabling: share needing "
                       "permanent bedded care three months on")

# --- workforce ----------------------------------------------------------------------------
TURNOVER_INDEPENDENT = Fig(0.30, f"{D1}:1862", "independent-sector care-worker turnover")
TURNOVER_COUNCIL = Fig(0.13, f"{D1}:1858-1860", "council adult social care staff turnover")

# --- growth -------------------------------------------------------------------------------
OLDER_GROWTH_ENGLAND = Fig(0.018, f"{D0}:284", "older population growth a year, England")
OLDER_GROWTH_COUNTY = Fig(0.020, f"{D0}:284", "older population growth a year, CCN counties")
DISABILITY_GROWTH = Fig(0.67, f"{D3}:33", "growth in people with disabilities 2015-2040")
OVER65_ENGLAND_10Y = Fig(0.23, f"{D1}:366", "over-65s growth 2009-2019, England")
OVER65_COUNTY_10Y = Fig(0.26, f"{D1}:366", "over-65s growth 2009-2019, CCN councils")

# --- places --------------------------------------------------------------------------------
CCN_RESIDENTS = Fig(26_000_000, f"{D1}:49", "residents of CCN member councils")
OVER75_COUNTY = Fig(0.092, f"{D0}:284", "share of population over 75, counties")
OVER75_LONDON = Fig(0.054, f"{D0}:284", "share of population over 75, London")
RUTLAND = Fig(38_000, f"{D3}:80", "population of Rutland ILT site")
LEICESTER_NE = Fig(60_000, f"{D3}:81", "population of Leicester City North and East "
                   "neighbourhood")
FOSSEWAY = Fig(45_000, f"{D3}:82", "population of Hinckley and Bosworth Fosseway "
               "neighbourhood")

# --- Leicestershire (001) ------------------------------------------------------------------
LEICS_LD_COULD = Fig(0.47, f"{D1}:1031", "Leicestershire: share of LD residential reviews "
                     "that could be in supported living")
LEICS_LD_MOVED_SHARE = Fig(0.04, f"{D1}:1031", "Leicestershire: share of reviews leading to "
                           "a move")
LEICS_LD_MOVED = Fig(42, f"{D1}:1033", "Leicestershire: people moved from residential to "
                     "supported living in year one")
LEICS_LD_IDENTIFIED = Fig(158, f"{D1}:1033", "Leicestershire: further candidates identified")
LEICS_OLDER_HALF = Fig(0.5, f"{D1}:1543", "Leicestershire: older adults in residential care "
                       "who could be more independent")
LEICS_FEWER_ADMISSIONS = Fig(150, f"{D1}:1597", "Leicestershire: fewer people a year leaving "
                             "home for residential care")

# --- Nottinghamshire (004) -----------------------------------------------------------------
NOTTS_BUDGET = Fig(206e6, f"{D4}:374", "£ base budget for adult social care")
NOTTS_FRONT_DOOR = Fig(0.70, f"{D4}:275", "contacts resolved at the first point of contact")
TYPICAL_FRONT_DOOR = Fig(0.67, f"{D1}:1237", "enquiries typically resolved without formal "
                         "intervention")
NOTTS_IC_WEEKS = Fig(3, f"{D4}:493", "weeks of therapy in intermediate care beds (up to)")

# --- Lancashire (001) ----------------------------------------------------------------------
LANCS_VOLUME_RISE = Fig(0.64, f"{D1}:912", "rise in appropriate reablement volume")
LANCS_VOLUME_PER_WEEK = Fig(47, f"{D1}:912", "people a week, that rise")
LANCS_OUTCOME_RISE = Fig(0.17, f"{D1}:912", "improvement in outcomes")
LANCS_OUTCOME_POUNDS = Fig(9, f"{D1}:912", "£ per person per week, that improvement")
LANCS_REFERRALS = Fig(2_200, f"{D1}:2141", "more appropriate referrals a year")
LANCS_EFFECTIVE = Fig(0.15, f"{D1}:2141", "more effective at achieving independence")
