"""Instances and corrupted copies of them for the input/output tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from models import Amount, Budget, ContractDesign, Factor, Instance, OutcomePrice, Target
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
    )


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
