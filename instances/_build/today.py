"""Today's caseload and capacity, worked out from today's practice so that a plan starts
from today.

Today's flows are the first planning year's new need routed at each pathway's
``today_share``. Each long-term caseload is the one those flows keep growing at the cohort's
rate, after leavers and today's moves:

    caseload0 = (people entering a year + moved in - moved out) ÷ (leave + growth),

so that next year's caseload, ``(1 - leave) caseload0 + entering ± moves``, is
``(1 + growth) caseload0``. Today's capacity is what the first planning year needs at
today's practice: those caseloads' packages and the short-term episodes, at each service's
occupancy. ``tests/test_instances.py`` solves each instance with its pathways held at
today's shares and checks the first year's capacity is today's.
"""

from __future__ import annotations

from collections import defaultdict

from figures import (
    CARE_HOME_ADMISSIONS,
    HOME_CARE_HOURS,
    HOSPITAL_SHARE,
    LD_COMMUNITY,
    LD_RESIDENTIAL,
    REABLEMENT_AVOIDS,
    SHORT_TERM_MORE,
    fmt,
)

WEEKS = 52
OLDER = (f"older adults' new need routed at today's shares (need from {SHORT_TERM_MORE.cite}, "
         f"{CARE_HOME_ADMISSIONS.cite}, {HOSPITAL_SHARE.cite})")
LD = (f"adults with learning disabilities' new need routed at today's mix ({LD_COMMUNITY.cite}, "
      f"{LD_RESIDENTIAL.cite})")
LONG_TERM_SOURCE = {"home_care": OLDER, "residential": OLDER, "nursing": OLDER,
                    "supported_living": LD, "residential_ld": LD}


def _value(x: dict | None, default: float = 1.0) -> float:
    return default if x is None else x["value"]


Group = tuple[str, str | None]
"""A need group: (cohort, band), the band None for a cohort without bands."""


def _groups(cohorts: list[str], bands: list[dict]) -> dict[Group, float]:
    """Every need group with its share of the cohort's people."""
    split = defaultdict(list)
    for b in bands:
        split[b["cohort"]].append((b["name"], b["share"]["value"]))
    return {(c, band): share for c in cohorts
            for band, share in (split[c] or [(None, 1.0)])}


def _for_band(rows: list[dict], band: str | None) -> list[dict]:
    """A table's rows that hold in a band: its own where it has any, else those naming none."""
    own = [r for r in rows if band is not None and r.get("band") == band]
    return own or [r for r in rows if r.get("band") is None]


def _steady(groups: dict[Group, float], settings: list[str], entering, entering_units,
            leaves, worsening, moves, growth, fixed) -> dict[tuple[Group, str], tuple]:
    """Today's caseload and care units of every (group, setting) that today's flows keep
    growing at the cohort's rate: with C the caseload a year before the first planning year,
    (leave + moving on + growth) C = entering + arriving by deterioration and moves - moved
    out. Deterioration and moves link settings, so this is solved by repeated substitution
    (the rates are small, so it settles in a few rounds)."""
    people: dict[tuple[Group, str], float] = defaultdict(float)
    units: dict[tuple[Group, str], float] = defaultdict(float)
    keys = {(g, s) for g in groups for s in settings
            if entering.get((g, s)) or any(w["to_service"] == s for w in worsening.get(g, []))
            or any(m["to_service"] == s for m in moves.get(g, []))}
    text: dict[tuple[Group, str], str] = {}
    for _ in range(200):
        before = dict(people)
        for g in groups:
            for s in settings:
                if (g, s) not in keys:
                    continue
                cohort = g[0]
                out = leaves.get((g, s), 0.0) + sum(w["rate"] for w in worsening.get(g, [])
                                                   if w["from_service"] == s) + growth[cohort]
                arrive_p = arrive_u = 0.0
                parts = []
                for w in worsening.get(g, []):
                    if w["to_service"] == s:
                        n = w["rate"] * people[g, w["from_service"]]
                        arrive_p += n
                        arrive_u += n * _value(w.get("package"), fixed[s])
                        parts.append(f" + {fmt(round(n, 2))} moving on from {w['from_service']} "
                                     f"({fmt(w['rate'])} a year)")
                moved_out = 0.0
                for m in moves.get(g, []):
                    if m["to_service"] == s:
                        n = m["out"].get(g, 0.0)
                        arrive_p += n
                        arrive_u += n * _value(m.get("package"), fixed[s])
                        parts.append(f" + {fmt(round(n, 2))} moved in from {m['from_service']}")
                    if m["from_service"] == s:
                        cap = m.get("max_per_year")
                        rate = m["suitable"]["value"]
                        free = (entering.get((g, s), 0.0) + arrive_p) / (out + rate)
                        n = rate * free
                        if cap is not None and n > cap["value"] * groups[g]:
                            n = cap["value"] * groups[g]
                        m["out"][g] = n
                        moved_out += n
                        parts.append(f" - {fmt(round(n, 2))} moving to {m['to_service']} "
                                     f"(today's practice: {fmt(rate)} of the caseload"
                                     + (f", at most {fmt(cap['value'])}" if cap else "") + ")")
                e, eu = entering.get((g, s), 0.0), entering_units.get((g, s), 0.0)
                people[g, s] = (e + arrive_p - moved_out) / out
                units[g, s] = (eu + arrive_u - moved_out * fixed[s]) / out
                text[g, s] = (f"{fmt(round(e, 1))} entering a year" + "".join(parts), out)
        if all(abs(people[k] - before.get(k, 0.0)) < 1e-9 for k in people):
            break
    return {k: (people[k], units[k], *text[k]) for k in people if people[k] > 0}


def today_rows(places: list, demand: list[dict], pathways: list[dict], stages: list[dict],
               destinations: list[dict], leave: list[dict], moves: list[dict],
               svcs: list[dict], growth: dict[str, float], bands: list[dict] | None = None,
               deterioration: list[dict] | None = None) -> tuple[list[dict], list[dict]]:
    """(caseload0, capacity0) rows consistent with today's practice: caseloads for each need
    band of a cohort with bands."""
    share = {p["name"]: p["today_share"]["value"] for p in pathways}
    cohort_of = {p["name"]: p["cohort"] for p in pathways}
    occ = {s["name"]: s["occupancy"]["value"] for s in svcs}
    fixed = {s["name"]: _value(s.get("package"), 0.0) for s in svcs}
    groups = _groups(list(growth), bands or [])
    by_cohort: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for r in leave:
        by_cohort[r["cohort"], r["service"]].append(r)
    leaves = {(g, s): row["share"]["value"] for (c, s), rows in by_cohort.items()
              for g in groups if g[0] == c for row in _for_band(rows, g[1])}
    worse_rows: dict[tuple[str, str, str], list[dict]] = defaultdict(list)
    for r in deterioration or []:
        worse_rows[r["cohort"], r["from_service"], r["to_service"]].append(r)
    worsening: dict[Group, list[dict]] = defaultdict(list)
    for (c, src, dst), rows in worse_rows.items():
        for g in groups:
            if g[0] == c:
                for row in _for_band(rows, g[1]):
                    worsening[g].append({"from_service": src, "to_service": dst,
                                         "rate": row["rate"]["value"],
                                         "package": row.get("package")})
    dest_rows: dict[str, list[dict]] = defaultdict(list)
    for dest in destinations:
        dest_rows[dest["pathway"]].append(dest)
    short = [s["name"] for s in svcs if s["kind"] == "short_term"]
    long = [s["name"] for s in svcs if s["kind"] == "long_term"]
    caseload_rows: list[dict] = []
    capacity_rows: list[dict] = []
    for place in places:
        need = {d["cohort"]: d["people"]["value"] for d in demand
                if d["locality"] == place.name}
        routed = {(p, g): need[g[0]] * weight * share[p] for p in share
                  for g, weight in groups.items() if g[0] == cohort_of[p]}
        entering: dict[tuple[Group, str], float] = defaultdict(float)
        entering_units: dict[tuple[Group, str], float] = defaultdict(float)
        for (p, g), n in routed.items():
            for dest in _for_band(dest_rows[p], g[1]):
                svc = dest["service"]
                entering[g, svc] += n * dest["share"]["value"]
                entering_units[g, svc] += (n * dest["share"]["value"]
                                           * _value(dest.get("package"), fixed[svc]))
        group_moves: dict[Group, list[dict]] = defaultdict(list)
        for mv in moves:
            for g in groups:
                if g[0] == mv["cohort"]:
                    group_moves[g].append({**mv, "out": {}})
        steady = _steady(groups, long, entering, entering_units, leaves, worsening,
                         group_moves, growth, fixed)
        for (g, svc), (c0, u0, text, out) in sorted(
                steady.items(), key=lambda kv: (kv[0][0][0], kv[0][0][1] or "", kv[0][1])):
            cohort, band = g
            rate = growth[cohort]
            row = {"locality": place.name, "cohort": cohort, "service": svc}
            if band is not None:
                row["band"] = band
            row["people"] = {"value": round(c0, 1), "source": (
                f"derived: the caseload today's flows keep growing at {fmt(rate)} a year: "
                f"({text}; {LONG_TERM_SOURCE[svc]}, the demand and pathway rows) ÷ "
                f"({fmt(round(out - rate, 4))} leaving or moving on + {fmt(round(rate, 4))} "
                f"growth) = {fmt(round(c0, 1))}")}
            if not fixed[svc]:
                pkg = u0 / c0
                row["package"] = {"value": round(pkg, 4), "source": (
                    f"derived: the average package of those entering at today's shares "
                    f"({fmt(HOME_CARE_HOURS.value)} hours on average straight to home care, "
                    f"{HOME_CARE_HOURS.cite}; less after reablement, {REABLEMENT_AVOIDS.cite}) = "
                    f"{fmt(round(u0, 1))} ÷ {fmt(round(c0, 1))} = {fmt(round(pkg, 4))} "
                    f"hours a week")}
            caseload_rows.append(row)
        for svc in short:
            parts, use = [], 0.0
            for st in stages:
                if st["service"] != svc:
                    continue
                n = sum(v for (p, _), v in routed.items() if p == st["pathway"])
                if not n:
                    continue
                n *= st["share"]["value"]
                use += n * st["weeks"]["value"] / WEEKS * st["intensity"]["value"]
                parts.append(f"{fmt(round(n, 1))} people on {st['pathway']} × "
                             f"{fmt(st['weeks']['value'])} weeks ÷ 52")
            units0 = use / occ[svc]
            capacity_rows.append({"locality": place.name, "service": svc, "units": {
                "value": round(units0, 2), "source": (
                    f"derived: the first planning year's use at today's shares "
                    f"({' + '.join(parts) or 'none'}) ÷ {fmt(occ[svc])} occupancy = "
                    f"{fmt(round(units0, 2))}; today's shares from {SHORT_TERM_MORE.cite}")}})
        for svc in long:
            rows = _year_one_units(steady, svc, growth)
            units0 = sum(u for _, u in rows) / occ[svc]
            what = " + ".join(f"{fmt(round(u, 1))} ({c})" for c, u in rows)
            capacity_rows.append({"locality": place.name, "service": svc, "units": {
                "value": round(units0, 2), "source": (
                    f"derived: what today's caseload needs in the first planning year, grown "
                    f"one year ({what or 'none'}) ÷ {fmt(occ[svc])} occupancy = "
                    f"{fmt(round(units0, 2))}; caseloads from {LONG_TERM_SOURCE[svc]}")}})
    return caseload_rows, capacity_rows


def _year_one_units(steady, svc: str, growth: dict[str, float]) -> list[tuple[str, float]]:
    """Care units of a setting in the first planning year, by cohort: today's grown one year
    at the cohort's rate (the steady state)."""
    by_cohort: dict[str, float] = defaultdict(float)
    for (g, s), (_, u0, _, _) in steady.items():
        if s == svc:
            by_cohort[g[0]] += u0 * (1 + growth[g[0]])
    return sorted(by_cohort.items())
