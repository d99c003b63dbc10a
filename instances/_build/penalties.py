"""The unmet-need penalty of each cohort: twice the cost of the dearest way of meeting one
person's need in it, until they leave care.

One penalty for everyone made the plan leave first the people whose care costs most (adults
with learning disabilities, who need the most staff). A penalty in proportion to what
meeting a person's need costs weighs every cohort alike: meeting need is always cheaper
than leaving it unmet (with room to spare for a price base or the cost of care after the
last year, when those are switched on), and no cohort is left out first because its care is
dear.
"""

from __future__ import annotations

from figures import CARE_HOME_WEEK, HOME_CARE_RATE, fmt

MULTIPLE = 2
PRICES = f"prices from {HOME_CARE_RATE.cite} and {CARE_HOME_WEEK.cite} (the services table)"


def _years_in(leave: float) -> float:
    """Expected years in a setting for a yearly leave rate, until leaving."""
    return 1 / leave


def cohort_penalties(cohorts: list[dict], pathways: list[dict], stages: list[dict],
                     destinations: list[dict], services: list[dict],
                     leave: list[dict], bands: list[dict] | None = None,
                     deterioration: list[dict] | None = None) -> None:
    """Set ``unmet_penalty`` on each cohort row (from its dearest pathway in its dearest need
    band) and on each need band's row (from the band's own dearest pathway). A home-care
    package lasts until it ends, whether the person leaves care or moves on to a care home
    (the leave and deterioration rows together: 72 weeks)."""
    svc = {s["name"]: s for s in services}
    band_of = {b["cohort"]: [] for b in bands or []}
    for b in bands or []:
        band_of[b["cohort"]].append(b["name"])
    leaves: dict[tuple, float] = {}
    for r in leave:
        leaves[r["cohort"], r.get("band"), r["service"]] = r["share"]["value"]
    for r in deterioration or []:
        key = (r["cohort"], r.get("band"), r["from_service"])
        leaves[key] = leaves.get(key, leaves.get((key[0], None, key[2]), 0.0)) + \
            r["rate"]["value"]

    def unit_year(name: str) -> float:
        s = svc[name]
        return (s["price_capacity"]["value"] / s["occupancy"]["value"]
                + s["price_use"]["value"])

    cost: dict[tuple[str, str | None], tuple[float, str]] = {}
    for p in pathways:
        total = 0.0
        for st in stages:
            if st["pathway"] == p["name"]:
                total += (unit_year(st["service"]) * st["share"]["value"]
                          * st["weeks"]["value"] / 52 * st["intensity"]["value"])
        rows = [d for d in destinations if d["pathway"] == p["name"]]
        for band in band_of.get(p["cohort"], [None]):
            own = [d for d in rows if band is not None and d.get("band") == band]
            in_band = total
            for d in own or [d for d in rows if d.get("band") is None]:
                package = (d.get("package") or svc[d["service"]].get("package"))["value"]
                left = leaves.get((p["cohort"], band, d["service"]),
                                  leaves.get((p["cohort"], None, d["service"]), 0.0))
                in_band += (d["share"]["value"] * package * unit_year(d["service"])
                            * _years_in(left))
            for key in {(p["cohort"], band), (p["cohort"], None)}:
                if in_band > cost.get(key, (0.0, ""))[0]:
                    cost[key] = (in_band, p["name"])
    for row in cohorts:
        row["unmet_penalty"] = _penalty(*cost[row["name"], None], "cohort")
    for row in bands or []:
        row["unmet_penalty"] = _penalty(*cost[row["cohort"], row["name"]], "need band")


def _penalty(total: float, pathway: str, what: str) -> dict:
    penalty = round(MULTIPLE * total, -3)
    return {"value": penalty, "source": (
        f"derived: {MULTIPLE} × £{fmt(round(total))}, the cost of the dearest way of meeting "
        f"one person's need in this {what} until they leave care ({pathway}: its short-term "
        f"stages and the long-term care it leads to, yearly cost ÷ leave rate; {PRICES}) = "
        f"£{fmt(penalty)}: leaving need unmet always costs more than meeting it, and in "
        f"proportion to what meeting it costs, so no one is left out first because their "
        f"care is dear")}
