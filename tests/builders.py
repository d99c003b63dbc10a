"""Tiny instances for tests, written in a few lines each.

Every figure is a test assumption, so each carries the same stated source."""

from __future__ import annotations

import copy
from pathlib import Path

import yaml

from models import Instance

ROOT = Path(__file__).resolve().parents[1]
WORKED_EXAMPLE = ROOT / "instances" / "examples" / "worked-example" / "instance.yaml"
WHY = "assumption: a figure chosen for a test whose optimum is worked out by hand"


def S(value: float) -> dict:
    """A sourced test figure."""
    return {"value": value, "source": WHY}


def worked_example() -> dict:
    """MODEL.md's worked example, as plain data to adjust."""
    return yaml.safe_load(WORKED_EXAMPLE.read_text())


def service(name: str, kind: str, unit: str, price_capacity: float, *, price_use: float = 0,
            occupancy: float = 1.0, grow_max: float = 100, shrink_max: float = 1.0,
            startup: float = 1e6, package: float | None = None) -> dict:
    row = {"name": name, "kind": kind, "unit": unit, "occupancy": S(occupancy),
           "price_capacity": S(price_capacity), "price_use": S(price_use),
           "grow_max": S(grow_max), "shrink_max": S(shrink_max), "startup": S(startup)}
    if package is not None:
        row["package"] = S(package)
    return row


def one_locality(years: list[str], demand: float, *, penalty: float = 1e5,
                 cohort: str = "older_hospital") -> dict:
    """The frame of a one-locality, one-cohort instance; add services and pathways."""
    return {
        "name": "test", "years": years,
        "settings": {"discount_rate": S(0.0), "unmet_penalty": S(penalty)},
        "localities": [{"name": "Example", "cost_factor": S(1.0)}],
        "cohorts": [{"name": cohort, "growth": S(0.0)}],
        "demand": [{"locality": "Example", "cohort": cohort, "people": S(demand)}],
        "services": [], "pathways": [],
    }


def build(data: dict, **changes) -> Instance:
    """Validate a (copied, adjusted) instance."""
    data = copy.deepcopy(data)
    data.update(changes)
    return Instance.model_validate(data)
