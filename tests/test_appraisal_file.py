"""The appraisal file: options as overrides, grids, contract designs, sources, and the
messages a person sees when something is wrong."""

from __future__ import annotations

import textwrap

import pytest
from pydantic import ValidationError

from models.appraisal import Appraisal, OptionError, _apply_table, apply_option
from models.instance import TABLES, Instance
from models.references import same_tables
from models.sourced import documents_folder
from optimiser.appraisal.load import load_appraisal
from optimiser.io import InputError, load_instance
from tests.builders import WORKED_EXAMPLE

WHY = "assumption: a figure chosen for an appraisal test"


def _base():
    return load_instance(WORKED_EXAMPLE)


def _appraisal(**fields) -> Appraisal:
    return Appraisal.model_validate({"name": "test", "base": str(WORKED_EXAMPLE), **fields})


def _write(tmp_path, text: str):
    path = tmp_path / "appraisal.yaml"
    path.write_text(textwrap.dedent(text).replace("BASE", str(WORKED_EXAMPLE)))
    return path


def test_grid_is_every_combination_in_order():
    grid = {"dimensions": [
        {"name": "growth", "levels": [{"name": "low"}, {"name": "central"}, {"name": "high"}]},
        {"name": "design", "levels": [{"name": "hourly"}, {"name": "outcomes"}]},
    ]}
    options = _appraisal(options=[{"name": "base"}], grid=grid).expanded()
    assert [o.name for o in options] == [
        "base", "growth=low,design=hourly", "growth=low,design=outcomes",
        "growth=central,design=hourly", "growth=central,design=outcomes",
        "growth=high,design=hourly", "growth=high,design=outcomes"]
    assert options[-1].parameters == {"growth": "high", "design": "outcomes"}


def test_value_and_scale_carry_their_sources():
    appraisal = _appraisal(options=[{"name": "more", "source": WHY, "changes": [
        {"table": "demand", "where": {"cohort": "older_hospital"}, "field": "people",
         "value": 120},
        {"table": "services", "where": {"name": "home_care"}, "field": "price_capacity",
         "scale": 1.1, "source": "assumption: a 10% rise in home-care rates"},
    ]}])
    instance = apply_option(_base(), appraisal.expanded()[0])
    assert instance.demand[0].people.value == 120
    assert instance.demand[0].people.source == WHY
    price = next(s for s in instance.services if s.name == "home_care").price_capacity
    assert price.value == pytest.approx(908.96 * 1.1)
    # The scaled figure keeps the document line it rests on and says how it was scaled.
    assert "001_4550ef852cabf2d2.txt:867" in price.source
    assert "× 1.1" in price.source and "10% rise" in price.source


def test_a_number_without_a_source_is_refused():
    with pytest.raises(ValueError, match=r"changes\[0\].source: found nothing; expected a "
                                         "source for demand.people=120"):
        _appraisal(options=[{"name": "more", "changes": [
            {"table": "demand", "field": "people", "value": 120}]}])


def test_where_that_matches_nothing_names_option_and_field():
    appraisal = _appraisal(options=[{"name": "typo", "source": WHY, "changes": [
        {"table": "cohorts", "where": {"name": "older_hosptial"}, "field": "growth",
         "value": 0.03}]}])
    with pytest.raises(OptionError) as caught:
        apply_option(_base(), appraisal.expanded()[0])
    assert str(caught.value) == (
        "option 'typo', changes[0], field where: found {'name': 'older_hosptial'}; expected "
        "at least one row of cohorts to match")


def test_contract_design_replaces_the_one_in_force_for_its_service():
    base = _base()
    designs = [
        {"name": "hourly", "service": "reablement", "payment": "block"},
        {"name": "outcomes", "service": "reablement", "payment": "outcomes",
         "independence_factor": {"value": 1.2, "source": WHY}},
    ]
    base = base.updated(contract_designs=designs,
                        settings=base.settings.model_copy(update={"designs": ["hourly"]}))
    appraisal = _appraisal(options=[
        {"name": "outcomes", "changes": [{"service": "reablement", "design": "outcomes"}]},
        {"name": "base contract", "changes": [{"service": "reablement", "design": None}]},
    ])
    outcomes, plain = (apply_option(base, o) for o in appraisal.expanded())
    assert outcomes.settings.designs == ["outcomes"]
    assert plain.settings.designs == []
    wrong = _appraisal(options=[{"name": "wrong", "changes": [
        {"service": "home_care", "design": "outcomes"}]}])
    with pytest.raises(OptionError, match="a contract design of home_care: none in the "
                                          "instance, or null"):
        apply_option(base, wrong.expanded()[0])


def test_an_option_that_breaks_the_instance_is_reported_by_name(tmp_path):
    path = _write(tmp_path, """\
        name: bad
        base: BASE
        options:
          - name: fine
          - name: too-many
            source: "assumption: a share above one, to test the message"
            changes:
              - {table: pathways, where: {name: reablement_first}, field: suitable, value: 1.5}
        """)
    with pytest.raises(InputError) as caught:
        load_appraisal(path)
    message = str(caught.value)
    assert message.startswith(f"{path}, option 'too-many', field pathways.1.suitable.value: "
                              "found 1.5; expected")


def test_file_errors_name_the_file_option_line_and_field(tmp_path):
    path = _write(tmp_path, """\
        name: bad
        base: BASE
        options:
          - name: fine
          - name: wrong-field
            changes:
              - {table: cohorts, field: groth, value: 0.03, source: "assumption: a typo test"}
        """)
    with pytest.raises(InputError) as caught:
        load_appraisal(path)
    assert str(caught.value) == (
        f"{path}, option 'wrong-field', changes[0], line 7, field field: found 'groth'; "
        "expected one of name, label, growth, unmet_penalty (fields of cohorts)")


def test_base_instance_is_relative_to_the_appraisal_file(tmp_path):
    (tmp_path / "instances").mkdir()
    (tmp_path / "instances" / "base.yaml").write_text(WORKED_EXAMPLE.read_text())
    path = tmp_path / "appraisals" / "a.yaml"
    path.parent.mkdir()
    path.write_text("name: rel\nbase: ../instances/base.yaml\noptions: [{name: base}]\n")
    loaded = load_appraisal(path)
    assert loaded.base.name == "worked-example"
    assert list(loaded.instances) == ["base"]


def test_appraise_command_exits_2_naming_the_problem(tmp_path):
    from typer.testing import CliRunner

    from optimiser.cli import app

    path = _write(tmp_path, """\
        name: bad
        base: BASE
        options:
          - name: x
            changes:
              - {table: settings, field: designs, value: [nonexistent]}
        """)
    result = CliRunner().invoke(app, ["appraise", str(path), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert "The appraisal cannot be run." in result.output
    assert (f"{path}, option 'x', field settings.designs: found 'nonexistent'; expected"
            in " ".join(result.output.split()))
    assert not (tmp_path / "out").exists()


BROKEN_OPTIONS = {
    "figure out of range": [{"table": "demand", "field": "people", "scale": 1e7}],
    "key given twice": [{"table": "demand", "add": [
        {"locality": "Example", "cohort": "older_hospital",
         "people": {"value": 5, "source": WHY}}]}],
    "cited line that does not exist": [{"table": "services", "where": {"name": "reablement"},
                                        "field": "price_capacity", "value": 900.0,
                                        "source": "001_4550ef852cabf2d2.txt:99999999"}],
    "name that is not defined": [{"table": "demand", "add": [
        {"locality": "Example", "cohort": "nobody", "people": {"value": 5, "source": WHY}}]}],
}


@pytest.mark.parametrize("case", BROKEN_OPTIONS)
def test_checks_of_one_table_still_catch_an_option_breaking_it(case):
    """An option's instance skips the checks of one table alone on the tables it leaves as
    the base's rows: on the table it changed, a figure out of range, a key given twice and a
    citation of a missing line are still refused, by the option's name, with the same
    problem as checking every table gives."""
    if case == "cited line that does not exist" and documents_folder() is None:
        pytest.skip("the source documents are not at hand (CARE_SOURCES)")
    base = _base()
    option = _appraisal(options=[{"name": "broken", "source": WHY,
                                  "changes": BROKEN_OPTIONS[case]}]).expanded()[0]
    with pytest.raises(OptionError) as caught:
        apply_option(base, option)
    assert caught.value.option == "broken"
    table = BROKEN_OPTIONS[case][0]["table"]
    assert caught.value.field.startswith(f"{table}[")
    # every table checked afresh, from the option's tables written out: the same problem
    data = base.model_dump(mode="json")
    for index, change in enumerate(option.changes):
        _apply_table(data, change, option.name, index)
    with pytest.raises(ValidationError) as everything:
        Instance.model_validate(data)
    assert caught.value.found in str(everything.value)
    assert caught.value.expected.split(" (and ")[0] in str(everything.value)


def test_an_option_leaves_the_base_rows_it_does_not_change_unchecked_again():
    """Scaling demand: every table but demand (and the settings) is the base's own rows."""
    base = _base()
    option = _appraisal(options=[{"name": "more", "source": WHY, "changes": [
        {"table": "demand", "field": "people", "scale": 1.1}]}]).expanded()[0]
    instance = apply_option(base, option)
    assert same_tables(instance, base) == {*TABLES, "settings"} - {"demand"}
    assert same_tables(instance, None) == frozenset()
    assert instance.demand[0].people.value == pytest.approx(110.0)


def test_a_name_an_option_removes_is_refused_where_an_unchanged_table_uses_it():
    """Removing the reablement service leaves the stages table as the base's rows, checked
    already; the names it may use come from the services the option changed, so its
    reference to reablement is checked again and refused, naming the option and field."""
    option = _appraisal(options=[{"name": "no reablement", "changes": [
        {"table": "services", "where": {"name": "reablement"}, "remove": True}]}]).expanded()[0]
    with pytest.raises(OptionError) as caught:
        apply_option(_base(), option)
    assert (caught.value.option, caught.value.field) == ("no reablement", "stages[0].service")
    assert caught.value.found == "'reablement'"
