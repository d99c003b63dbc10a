"""The order an appraisal's options are solved in: options of one structure together, each
group chained from an option to its nearest neighbour by the figures they change."""

from __future__ import annotations

import pytest

from optimiser.appraisal import load_appraisal
from optimiser.appraisal.order import solving_order
from tests.builders import ROOT

DEFAULT = ROOT / "instances" / "default" / "instance.yaml"
WHY = "assumption: a test of the solving order"


def _scaled(name: str, scale: float, remove_target: bool = False) -> str:
    remove = ("\n      - {table: targets, where: {name: hospital_independence}, remove: true}"
              if remove_target else "")
    return (f"  - name: {name}\n    source: \"{WHY}\"\n    changes:\n"
            f"      - {{table: demand, field: people, scale: {scale}}}{remove}\n")


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    """Demand scaled by 1.3, 1.0, 1.2 (without a target), 1.1, 1.05 (without it), 1.2."""
    options = [("up-30", 1.3, False), ("same", 1.0, False), ("no-target-20", 1.2, True),
               ("up-10", 1.1, False), ("no-target-5", 1.05, True), ("up-20", 1.2, False)]
    path = tmp_path_factory.mktemp("order") / "order.yaml"
    path.write_text(f"name: order\nbase: {DEFAULT}\noptions:\n"
                    + "".join(_scaled(*option) for option in options))
    return load_appraisal(path)


def test_each_group_is_chained_from_nearest_to_nearest(loaded):
    """The options that keep the target come first (the file's first option is one), from
    1.3 down by steps of 0.1; then the two without it, 1.2 then 1.05."""
    order = solving_order(loaded.options, loaded.instances)
    assert order == ["up-30", "up-20", "up-10", "same", "no-target-20", "no-target-5"]


def test_every_option_is_solved_once_whatever_it_changes(loaded):
    """Options changing nothing, or only rows, have no figures to measure: still each once."""
    options = [o.model_copy(update={"changes": []}) for o in loaded.options]
    order = solving_order(options, loaded.instances)
    assert sorted(order) == sorted(o.name for o in loaded.options)
