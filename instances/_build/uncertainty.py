"""Write the shipped instances with scenarios:

* instances/england/uncertainty.yaml: the England instance with nine futures (low, central
  and high growth of older adults' new need × constrained, central and expanded care-workforce
  supply) and the recourse a council has once a future arrives: spot purchase above the block
  price, and agency staff at a premium;
* instances/lancashire-reablement/uncertainty.yaml: Lancashire's reablement with three
  futures for what the outcomes-based contract really delivers (nothing extra, half the
  reported effects, the reported effects), and a block contract to compare it with.

    .venv/bin/python instances/_build/uncertainty.py

The instances they start from are left as they are; a test checks the files match the script.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from models import Instance  # noqa: E402
from optimiser.io import load_instance, write_yaml  # noqa: E402

ENGLAND = ROOT / "instances" / "england" / "instance.yaml"
TARGET = ROOT / "instances" / "england" / "uncertainty.yaml"
LANCASHIRE = ROOT / "instances" / "lancashire-reablement" / "instance.yaml"
LANCASHIRE_TARGET = ROOT / "instances" / "lancashire-reablement" / "uncertainty.yaml"

SPOT_MARKUP = 1.25
SPOT_WHY = ("assumption: a place bought at short notice, once the need is known, costs 25% "
            "more than a block place actually used (block price ÷ occupancy × 1.25); the "
            "documents give no spot rates, only that beds are spot purchased when nothing "
            "else can be found at short notice (001_4550ef852cabf2d2.txt:2105)")
AGENCY = {
    "care_worker": (8000.0, "assumption: an agency care worker costs about £7 an hour more "
                    "than an employed one (agency margin and travel), over about 1,150 hours "
                    "worked a year: about £8,000 a year; the documents give no figure"),
    "reablement_worker": (10000.0, "assumption: agency reablement workers and therapists "
                          "cost about £10,000 a year more than the council's own staff; the "
                          "documents give no figure"),
    "nurse": (20000.0, "assumption: agency nurses cost about £20,000 a year more than "
              "employed nurses (agency rates near double); the documents give no figure"),
}
OLDER = ["older_hospital", "older_hospital_bed", "older_community", "older_community_care_home"]
GROWTH = [
    ("low", "Low growth (1.0% a year)", 0.25, 0.01,
     "assumption: a low path: older adults' new need grows 1.0% a year, below England's 1.8% "
     "older-population growth (000_9e956c6a8d6c89c1.txt:284), as prevention at the front "
     "door holds back new need; the documents give no low path"),
    ("central", "Central growth (1.8% a year)", 0.5, None, ""),
    ("high", "High growth (3.5% a year)", 0.25, 0.0348,
     "assumption: a high path: 2 million more people aged over 75 between 2017 and 2027 "
     "(003_ac403029bd3f9857.txt:32) on about 4.9 million over-75s in 2017 (ONS mid-year "
     "estimate; the documents give none) is (6.9 / 4.9)^(1/10) - 1 = 3.5% a year, if new "
     "need grows with the over-75s"),
]
GROWTH_CHANCE = ("assumption: the central path twice as likely as either other; a judgement "
                 "for the worked example, not a forecast")
SUPPLY = [
    ("constrained", "care workers scarce (recruitment 20% lower)", 0.3, 0.8,
     "assumption: recruitment falls 20% short of replacing leavers plus 5% growth, as "
     "home-care recruitment and retention worsen (000_9e956c6a8d6c89c1.txt:577) and "
     "recruitment outside urban centres deteriorates (000_9e956c6a8d6c89c1.txt:643)"),
    ("central", "recruitment as today", 0.5, None, ""),
    ("expanded", "care workers easier to find (recruitment 20% higher)", 0.2, 1.2,
     "assumption: a national recruitment campaign (003_ac403029bd3f9857.txt:41) towards the "
     "500,000 more care workers needed by 2030 (003_ac403029bd3f9857.txt:40) lifts "
     "recruitment 20%"),
]
SUPPLY_CHANCE = ("assumption: scarcity (0.3) judged more likely than a successful campaign "
                 "(0.2) given today's vacancies; a judgement for the worked example")


def _figure(value: float, source: str) -> dict:
    return {"value": value, "source": source}


def scenarios() -> list[dict]:
    """Growth × workforce supply, independent, probabilities multiplied."""
    rows = []
    for g_name, g_label, g_p, growth, g_why in GROWTH:
        for w_name, w_label, w_p, scale, w_why in SUPPLY:
            changes: list[dict] = []
            if growth is not None:
                changes.append({"table": "cohorts", "where": {"name": OLDER}, "field": "growth",
                                "value": growth, "source": g_why})
            if scale is not None:
                changes.append({"table": "workforce",
                                "where": {"role": ["care_worker", "reablement_worker"]},
                                "field": "hire_max", "scale": scale, "source": w_why})
            rows.append({
                "name": f"{g_name}-growth,{w_name}-supply",
                "label": f"{g_label}, {w_label}",
                "probability": _figure(round(g_p * w_p, 6), f"assumption: {g_p} × {w_p}, the "
                                       "chances of the growth path and of the workforce "
                                       "supply, taken as independent (growth: "
                                       f"{GROWTH_CHANCE.removeprefix('assumption: ')}; "
                                       f"supply: {SUPPLY_CHANCE.removeprefix('assumption: ')})"),
                "changes": changes,
            })
    return rows


def build() -> Instance:
    england = load_instance(ENGLAND)
    data = england.model_dump(exclude_defaults=True)
    data["name"] = "england-uncertainty"
    data["description"] = (
        "The England instance (today's practice) planned across nine futures: low, central or "
        "high growth of older adults' new need, and scarce, as-today or easier care-worker "
        "recruitment. Block capacity and recruitment for the first two years are committed "
        "now; later years, spot purchase and agency staff adapt to the future that comes. "
        "docs/uncertainty.md reads the plan.")
    data["settings"]["commit_years"] = 2
    for service in data["services"]:
        price = service["price_capacity"]["value"] / service["occupancy"]["value"] * SPOT_MARKUP
        service["price_spot"] = _figure(round(price, 2), SPOT_WHY)
    for role in data["roles"]:
        premium, why = AGENCY[role["name"]]
        role["agency_premium"] = _figure(premium, why)
    data["scenarios"] = scenarios()
    return Instance.model_validate(data)


EFFECT_WHY = (
    "assumption: what the outcomes-based contract delivers elsewhere is uncertain: the "
    "effects are one council's report over two years (001_4550ef852cabf2d2.txt:2141, "
    "001_4550ef852cabf2d2.txt:912), with no payment rates given "
    "(001_4550ef852cabf2d2.txt:2137); this future takes {share} of the reported extra "
    "independence and volume")
EFFECTS = [  # (name, label, probability, share of the reported extra effect)
    ("no-extra-effect", "The contract delivers no extra independence or volume", 0.25, 0.0),
    ("half-effect", "Half the reported extra independence and volume", 0.25, 0.5),
    ("as-reported", "The effects Lancashire reported", 0.5, 1.0),
]
EFFECT_CHANCE = ("assumption: the reported effects judged as likely as not to carry over "
                 "in full, the rest split evenly between half and none; a judgement for the "
                 "worked comparison, not evidence")


def build_lancashire() -> Instance:
    lancashire = load_instance(LANCASHIRE)
    data = lancashire.model_dump(exclude_defaults=True)
    data["name"] = "lancashire-reablement-uncertainty"
    data["description"] = (
        "Lancashire's reablement (instance.yaml) when it is not known what an outcomes-based "
        "contract will deliver: three futures for its extra independence and volume (none, "
        "half, as reported). Compare the ways of buying reablement with `optimiser designs` "
        "(docs/uncertainty.md): block places (the council pays for places whether used or "
        "not), time and task (pays for hours delivered) and outcomes-based (pays partly for "
        "people left independent).")
    service = next(s for s in data["services"] if s["name"] == "reablement")
    hourly = next(d for d in data["contract_designs"] if d["name"] == "time_and_task")
    data["contract_designs"].insert(0, {
        "name": "block_places", "service": "reablement",
        "label": "Block: reablement hours commissioned in advance, paid whether used or not",
        "payment": "block",
        "price_capacity": _figure(hourly["price_use"]["value"], (
            "derived: the time-and-task rate, £17.48 an hour (001_4550ef852cabf2d2.txt:867) "
            "× 52 weeks, paid for each hour a week commissioned rather than delivered")),
        "price_use": _figure(0.0, "assumption: a block contract pays nothing per hour used"),
    })
    design = next(d for d in data["contract_designs"] if d["name"] == "outcomes_based")
    scenarios = []
    for name, label, probability, share in EFFECTS:
        changes = [
            {"table": "contract_designs", "where": {"name": "outcomes_based"}, "field": field,
             "value": round(1 + share * (design[field]["value"] - 1), 6)}
            for field in ("independence_factor", "suitable_factor")]
        scenarios.append({
            "name": name, "label": label,
            "probability": _figure(probability, EFFECT_CHANCE),
            "source": EFFECT_WHY.format(share=f"{share:.0%}"),
            "changes": changes,
        })
    data["scenarios"] = scenarios
    assert service["kind"] == "short_term"
    return Instance.model_validate(data)


if __name__ == "__main__":
    for instance, target in ((build(), TARGET), (build_lancashire(), LANCASHIRE_TARGET)):
        write_yaml(instance, target)
        print(f"wrote {target.relative_to(ROOT)}")
