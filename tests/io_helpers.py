"""Instances and corrupted copies of them for the input/output tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from models import Amount, Budget, ContractDesign, Factor, Instance, OutcomePrice, Share, Target
from models.sourced import Days
from models.variability import MONTHS, ArrivalMonth, ShortTermVariability
from optimiser.io import InputError, InputProblem, load_instance

WORKED_EXAMPLE = Path(__file__).parents[1] / "instances/examples/worked-example/instance.yaml"
ASSUMED = "assumption: a figure made up for a round-trip test"


def worked_example() -> Instance:
    return load_instance(WORKED_EXAMPLE)


def worked_example_data() -> dict[str, Any]:
    """The worked example as plain data, to corrupt."""
    return yaml.safe_load(WORKED_EXAMPLE.read_text(encoding="utf-8"))


def rich_instance() -> Instance:
    """The worked example with every kind of cell in use: lists of names, empty optional
    figures, a non-default choice, awkward text and a number with no short decimal form."""
    base = worked_example()
    locality, cohort, year = base.localities[0].name, base.cohorts[0].name, base.years[0]
    design = ContractDesign(
        name="paid_by_outcome", service="reablement", label='Outcomes, "bonus" £; per person',
        payment="outcomes", price_use=Amount(value=1 / 3, source=ASSUMED),
        weeks_factor=Factor(value=0.8, source=ASSUMED),
    )
    return base.updated(
        settings=base.settings.model_copy(update={"designs": [design.name]}),
        contract_designs=[design],
        outcome_prices=[OutcomePrice(service="reablement", indicator="independent",
                                     price=Amount(value=250.5, source=ASSUMED))],
        targets=[Target(name="independence", indicator="independent", sense="at_least",
                        level=Amount(value=0.4, source=ASSUMED), cohorts=[cohort],
                        localities=[locality], scope="each_locality", years=[year])],
        budget=[Budget(year=year, amount=Amount(value=1.5e6, source=ASSUMED))],
        short_term_variability=[
            ShortTermVariability(service="reablement", wait_share=Share(value=0.1,
                                 source=ASSUMED)),
            ShortTermVariability(service="reablement", locality=locality,
                                 arrival_dispersion=Factor(value=1.5, source=ASSUMED),
                                 stay_cv=Amount(value=0.7, source=ASSUMED),
                                 stay_shape="lognormal",
                                 mean_stay_days=Days(value=38.5, source=ASSUMED),
                                 delay_price=Amount(value=2000 / 7, source=ASSUMED)),
        ],
        arrival_profile=[ArrivalMonth(service="reablement", month=month,
                                      factor=Factor(value=1.2 if month == "January" else 1.0,
                                                    source=ASSUMED))
                         for month in MONTHS],
    )


def second_wave_instance() -> Instance:
    """The worked example with need bands, band-specific destinations, deterioration,
    recruitment limits by year, a cohort's own penalty and every second-wave setting."""
    data = worked_example_data()
    figure = {"value": 0.5, "source": ASSUMED}
    data["settings"].update({"meet_eligible_need": ["older_hospital"], "end_of_horizon": True,
                             "price_year": "2019/20",
                             "price_inflation": {"value": 0.03, "source": ASSUMED}})
    data["cohorts"][0]["unmet_penalty"] = {"value": 250_000, "source": ASSUMED}
    data["bands"] = [{"cohort": "older_hospital", "name": name, "label": f"{name} need",
                      "share": figure} for name in ("low", "moderate")]
    data["destinations"].append({"pathway": "reablement_first", "service": "home_care",
                                 "band": "low", "share": figure,
                                 "package": {"value": 7, "source": ASSUMED}})
    data["services"].append({"name": "residential", "kind": "long_term", "unit": "bed",
                             **{field: {"value": value, "source": ASSUMED} for field, value in (
                                 ("occupancy", 0.95), ("price_capacity", 33_800),
                                 ("price_use", 0), ("grow_max", 0.1), ("shrink_max", 0.1),
                                 ("startup", 5), ("package", 1))}})
    data["leave"] = [{"cohort": "older_hospital", "service": s, "share": figure}
                     for s in ("home_care", "residential")]
    data["band_suitability"] = [{"pathway": "reablement_first", "band": "moderate",
                                 "suitable": {"value": 0.8, "source": ASSUMED}}]
    data["deterioration"] = [{"cohort": "older_hospital", "from_service": "home_care",
                              "to_service": "residential", "band": "moderate",
                              "rate": {"value": 0.1, "source": ASSUMED}}]
    data["roles"] = [{"name": "care_worker", "turnover": {"value": 0.3, "source": ASSUMED},
                      "hire_cost": {"value": 2000, "source": ASSUMED}}]
    data["workforce"] = [{"locality": "Example", "role": "care_worker",
                          "staff0": {"value": 10, "source": ASSUMED},
                          "hire_max": {"value": 100, "source": ASSUMED}}]
    data["hire_limits"] = [{"locality": "Example", "role": "care_worker", "year": "2026/27",
                            "hire_max": {"value": 40, "source": ASSUMED}}]
    return Instance.model_validate(data)


def write_data(folder: Path, data: dict[str, Any], name: str = "instance.yaml") -> Path:
    """Write instance data (perhaps corrupted) as YAML, one value to a line."""
    path = folder / name
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def line_of(path: Path, text: str) -> int:
    """The line number of the one line of a file containing ``text``."""
    numbers = [n for n, line in enumerate(path.read_text().splitlines(), 1) if text in line]
    assert len(numbers) == 1, f"{text!r} is on lines {numbers}"
    return numbers[0]


def problems(path: Path) -> list[InputProblem]:
    """The problems loading ``path`` reports."""
    with pytest.raises(InputError) as caught:
        load_instance(path)
    return caught.value.problems


def only_problem(path: Path) -> InputProblem:
    (problem,) = problems(path)
    return problem
