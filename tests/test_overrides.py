"""Scenario overrides (``optimiser solve --set``, :mod:`models.overrides`): an override makes
the same instance as editing the file, is recorded with its source, and a bad one exits 2
naming the table and field.

Hand-worked figures on MODEL.md's worked example: at a reablement price of £30,000 a
place-year, a person reabled costs £30,000 × 6/52 + £908.96 × 0.55 × 10 = £8,460.82 against
£11,816.48 straight to home care, so the plan still reables the 60 it may:
60 × £8,460.82 + 40 × £11,816.48 = £980,308.31."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from models.overrides import (
    DEFAULT_SOURCE,
    OverrideError,
    apply_overrides,
    overridden,
    parse_override,
)
from optimiser.cli import app
from tests.io_helpers import (
    WORKED_EXAMPLE,
    rich_instance,
    worked_example,
    worked_example_data,
    write_data,
)

SOURCE = "assumption: a dearer reablement provider's quote, for the test"
DEARER = 30_000 * 6 / 52 + 908.96 * 0.55 * 10


def _solve(*args: str):
    return CliRunner().invoke(app, ["solve", *args])


def test_set_gives_the_objective_editing_the_file_gives(tmp_path):
    data = worked_example_data()
    data["services"][0]["price_capacity"] = {"value": 30000, "source": SOURCE}
    edited = write_data(tmp_path, data, "edited.yaml")
    by_file = _solve(str(edited), "--out", str(tmp_path / "file"))
    by_set = _solve(str(WORKED_EXAMPLE), "--out", str(tmp_path / "set"),
                    "--set", "services[reablement].price_capacity=30000", "--source", SOURCE)
    assert by_file.exit_code == 0 and by_set.exit_code == 0, by_set.output
    from_file = json.loads((tmp_path / "file" / "summary.json").read_text())
    from_set = json.loads((tmp_path / "set" / "summary.json").read_text())
    assert from_set["objective"] == from_file["objective"]
    assert from_set["objective"] == pytest.approx(60 * DEARER + 40 * 908.96 * 13, rel=1e-9)


def test_each_override_is_recorded_with_its_source(tmp_path):
    out = tmp_path / "plan"
    result = _solve(str(WORKED_EXAMPLE), "--out", str(out),
                    "--set", "services[reablement].price_capacity=30000", "--source", SOURCE,
                    "--set", "cohorts[*].growth=0.03", "--source", "assumption: the high "
                    "demographic growth path")
    assert result.exit_code == 0, result.output
    summary = json.loads((out / "summary.json").read_text())
    assert summary["overrides"] == [
        {"set": "services[reablement].price_capacity=30000", "source": SOURCE},
        {"set": "cohorts[*].growth=0.03",
         "source": "assumption: the high demographic growth path"},
    ]
    text = (out / "summary.md").read_text()
    assert f"`services[reablement].price_capacity=30000` ({SOURCE})" in text


def test_an_override_without_a_source_says_so(tmp_path):
    out = tmp_path / "plan"
    result = _solve(str(WORKED_EXAMPLE), "--out", str(out), "--set",
                    "settings.unmet_penalty=200000")
    assert result.exit_code == 0, result.output
    summary = json.loads((out / "summary.json").read_text())
    assert summary["overrides"] == [{"set": "settings.unmet_penalty=200000",
                                     "source": DEFAULT_SOURCE}]


def test_without_overrides_the_summary_is_unchanged(tmp_path):
    out = tmp_path / "plan"
    assert _solve(str(WORKED_EXAMPLE), "--out", str(out)).exit_code == 0
    assert "overrides" not in json.loads((out / "summary.json").read_text())
    assert "Changed for this solve" not in (out / "summary.md").read_text()


@pytest.mark.parametrize(("change", "message"), [
    ("servics[reablement].price_capacity=1",
     "servics[reablement].price_capacity=1: table: found 'servics'; expected one of settings, "
     "localities"),
    ("services[reablement].pric=1", "services.pric: found field 'pric'; expected a field of "
     "services: one of name, label"),
    ("services[reablment].price_capacity=1", "services.name: found 'reablment'; expected one "
     "of home_care, reablement (did you mean 'reablement'?)"),
    ("services[reablement].occupancy=1.5", "services[reablement].occupancy: found 1.5; "
     "expected less than or equal to 1"),
    ("demand[Example,older_hospital,low,x].people=1",
     "demand[Example,older_hospital,low,x]: found 'x'; expected at most 3 key values "
     "(locality, cohort, band)"),
    ("settings.discount_rate=high", "settings.discount_rate: found 'high'; expected a number"),
    ("price=1", "syntax: found 'price=1'; expected table[row].field=value"),
])
def test_a_bad_override_exits_2_naming_the_table_and_field(tmp_path, change, message):
    out = tmp_path / "plan"
    result = _solve(str(WORKED_EXAMPLE), "--out", str(out), "--set", change)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert result.stderr.startswith(f"Cannot make the change: --set {change}")
    assert message in " ".join(result.stderr.split()), result.stderr
    assert not out.exists()


@pytest.mark.parametrize(("options", "message"), [
    (("--set", "settings.unmet_penalty=1", "--source", "my guess"),
     "source: found 'my guess'; expected a document line"),
    (("--source", SOURCE), "--source: found a source but no --set"),
    (("--set", "settings.unmet_penalty=1", "--set", "settings.discount_rate=0", "--source",
      SOURCE, "--source", SOURCE, "--source", SOURCE), "found 3 sources for 2 --set changes"),
])
def test_a_bad_source_exits_2(tmp_path, options, message):
    result = _solve(str(WORKED_EXAMPLE), "--out", str(tmp_path / "plan"), *options)
    assert result.exit_code == 2, result.output
    assert message in " ".join(result.stderr.split())


def test_rows_chosen_by_key_field_or_any_of_several_values():
    base = worked_example()
    by_key = overridden(base, "demand[Example,older_hospital].people=120", source=SOURCE)
    by_field = overridden(base, "demand[cohort=older_hospital].people=120", source=SOURCE)
    assert by_key == by_field
    assert by_key.demand[0].people.value == 120 and by_key.demand[0].people.source == SOURCE
    both = overridden(base, "services[reablement|home_care].occupancy=0.9", source=SOURCE)
    assert [s.occupancy.value for s in both.services] == [0.9, 0.9]
    every = overridden(base, "services[*].occupancy=0.8", source=SOURCE)
    assert [s.occupancy.value for s in every.services] == [0.8, 0.8]


def test_scaling_keeps_the_figures_own_source():
    base = worked_example()
    scaled = overridden(base, "demand[*].people*=1.1", source="assumption: ten per cent "
                        "more new need")
    people = scaled.demand[0].people
    assert people.value == pytest.approx(110)
    assert people.source == ("assumption: MODEL.md's worked example, 100 people, × 1.1 (ten "
                             "per cent more new need)")


def test_words_lists_and_empty_values():
    base = worked_example()
    assert overridden(base, "services[reablement].unit='place a week'").services[0].unit == \
        "place a week"
    label = overridden(base, "cohorts[older_hospital].label=Older people").cohorts[0].label
    assert label == "Older people"
    assert overridden(rich_instance(), "settings.designs=[]").settings.designs == []
    chosen = overridden(base, "settings.objective_indicator=independent")
    assert chosen.settings.objective_indicator == "independent"
    assert overridden(chosen, "settings.objective_indicator=null") == base
    assert overridden(base, "cohorts[*].label=''").cohorts[0].label == ""
    with pytest.raises(OverrideError, match="settings.designs: found 'paid_by_outcome'; "
                       "expected a name defined first"):
        overridden(base, "settings.designs=[paid_by_outcome]")


def test_overrides_apply_in_order_and_leave_the_base_unchanged():
    base = worked_example()
    changes = [parse_override("services[reablement].price_capacity=30000", SOURCE),
               parse_override("services[reablement].price_capacity*=2", SOURCE)]
    assert apply_overrides(base, changes).services[0].price_capacity.value == 60000
    assert base.services[0].price_capacity.value == 26000
