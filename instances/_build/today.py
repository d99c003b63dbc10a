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


def _move_out(rate: float, cap: float | None, inflow: float, stay_out: float) -> float:
    """People moved out each year at today's practice: ``rate`` of last year's caseload, at
    most ``cap``; solves caseload0 = (inflow - out) / stay_out with out = min(rate x
    caseload0, cap)."""
    free = inflow / (stay_out + rate)
    if cap is None or rate * free <= cap:
        return rate * free
    return cap


def today_rows(places: list, demand: list[dict], pathways: list[dict], stages: list[dict],
               destinations: list[dict], leave: list[dict], moves: list[dict],
               svcs: list[dict], growth: dict[str, float]) -> tuple[list[dict], list[dict]]:
    """(caseload0, capacity0) rows consistent with today's practice."""
    share = {p["name"]: p["today_share"]["value"] for p in pathways}
    cohort_of = {p["name"]: p["cohort"] for p in pathways}
    occ = {s["name"]: s["occupancy"]["value"] for s in svcs}
    fixed = {s["name"]: _value(s.get("package"), 0.0) for s in svcs}
    leaves = {(r["cohort"], r["service"]): r["share"]["value"] for r in leave}
    short = [s["name"] for s in svcs if s["kind"] == "short_term"]
    long = [s["name"] for s in svcs if s["kind"] == "long_term"]
    caseload_rows: list[dict] = []
    capacity_rows: list[dict] = []
    for place in places:
        need = {d["cohort"]: d["people"]["value"] for d in demand
                if d["locality"] == place.name}
        routed = {p: need[cohort_of[p]] * share[p] for p in share}
        people: dict[tuple[str, str], float] = defaultdict(float)
        units: dict[tuple[str, str], float] = defaultdict(float)
        for dest in destinations:
            p, svc = dest["pathway"], dest["service"]
            n = routed[p] * dest["share"]["value"]
            people[cohort_of[p], svc] += n
            units[cohort_of[p], svc] += n * _value(dest.get("package"), fixed[svc])
        caseload0: dict[tuple[str, str], tuple[float, float, str]] = {}
        moved_in: dict[tuple[str, str], list[tuple[float, float]]] = defaultdict(list)
        for mv in moves:  # settings people move out of come first
            key = (mv["cohort"], mv["from_service"])
            g, out_rate = growth[key[0]], leaves.get(key, 0.0)
            cap = mv.get("max_per_year")
            out = _move_out(mv["suitable"]["value"], None if cap is None else cap["value"],
                            people[key], out_rate + g)
            c0 = (people[key] - out) / (out_rate + g)
            caseload0[key] = (c0, c0, (
                f"{fmt(round(people[key], 1))} entering a year - {fmt(round(out, 2))} moving "
                f"to {mv['to_service']} (today's practice: {fmt(mv['suitable']['value'])} of "
                f"the caseload" + (f", at most {fmt(cap['value'])}" if cap else "") + ")"))
            moved_in[mv["cohort"], mv["to_service"]].append(
                (out, _value(mv.get("package"), fixed[mv["to_service"]])))
        for key in sorted(set(people) | set(moved_in)):
            if key in caseload0:
                continue
            extra_p = sum(n for n, _ in moved_in.get(key, []))
            extra_u = sum(n * pkg for n, pkg in moved_in.get(key, []))
            if people[key] + extra_p <= 0:
                continue
            g, out_rate = growth[key[0]], leaves.get(key, 0.0)
            text = f"{fmt(round(people[key], 1))} entering a year" + (
                f" + {fmt(round(extra_p, 2))} moved in" if extra_p else "")
            caseload0[key] = ((people[key] + extra_p) / (out_rate + g),
                              (units[key] + extra_u) / (out_rate + g), text)
        for (cohort, svc), (c0, u0, text) in sorted(caseload0.items()):
            g, out_rate = growth[cohort], leaves.get((cohort, svc), 0.0)
            row = {"locality": place.name, "cohort": cohort, "service": svc, "people": {
                "value": round(c0, 1), "source": (
                    f"derived: the caseload today's flows keep growing at {fmt(g)} a year: "
                    f"({text}; {LONG_TERM_SOURCE[svc]}, the demand and pathway rows) ÷ "
                    f"({fmt(round(out_rate, 4))} leaving + {fmt(round(g, 4))} growth) = "
                    f"{fmt(round(c0, 1))}")}}
            if not fixed[svc]:
                pkg = u0 / c0
                row["package"] = {"value": round(pkg, 4), "source": (
                    f"derived: the average package of those entering at today's shares "
                    f"({fmt(HOME_CARE_HOURS.value)} hours straight to home care, "
                    f"{HOME_CARE_HOURS.cite}; less after reablement, {REABLEMENT_AVOIDS.cite}) = "
                    f"{fmt(round(u0, 1))} ÷ {fmt(round(c0, 1))} = {fmt(round(pkg, 4))} "
                    f"hours a week")}
            caseload_rows.append(row)
        for svc in short:
            parts, use = [], 0.0
            for st in stages:
                if st["service"] != svc or not routed[st["pathway"]]:
                    continue
                n = routed[st["pathway"]] * st["share"]["value"]
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
            rows = [(c, u0 * (1 + growth[c])) for (c, s), (_, u0, _) in caseload0.items()
                    if s == svc]
            units0 = sum(u for _, u in rows) / occ[svc]
            what = " + ".join(f"{fmt(round(u, 1))} ({c})" for c, u in sorted(rows))
            capacity_rows.append({"locality": place.name, "service": svc, "units": {
                "value": round(units0, 2), "source": (
                    f"derived: what today's caseload needs in the first planning year, grown "
                    f"one year ({what or 'none'}) ÷ {fmt(occ[svc])} occupancy = "
                    f"{fmt(round(units0, 2))}; caseloads from {LONG_TERM_SOURCE[svc]}")}})
    return caseload_rows, capacity_rows
