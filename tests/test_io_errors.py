"""Bad input: every problem is reported by file, place, field, what was found and what was
expected, and nothing else escapes from load_instance."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from optimiser.io import (
    InputError,
    InputProblem,
    load_instance,
    save_instance,
    write_yaml,
    yaml_safe,
)
from optimiser.io.errors import MAX_SHOWN
from tests.builders import ROOT
from tests.hypothesis_profiles import examples
from tests.io_helpers import (
    WORKED_EXAMPLE,
    line_of,
    only_problem,
    problems,
    worked_example,
    worked_example_data,
    write_data,
)

NUMBER = "a number (write 45% as 0.45, and leave out £ signs and commas)"
TEXT_FOR_NUMBER = (NUMBER + ": digits with an optional sign, decimal point and exponent, such "
                   "as 12, -3.5 or 4.2e6")
NOT_NEGATIVE = "a number ≥ 0 – a non-negative figure: people, pounds, hours, units of capacity"
YAML_EXPECTED = ("a YAML text file (UTF-8) describing an instance: name, years, settings and "
                 "tables")


def demand_key(data: dict[str, Any]) -> str:
    """How the first demand row is recognised in messages."""
    row = data["demand"][0]
    return f"locality={row['locality']}, cohort={row['cohort']}"


def corrupted(tmp_path: Path, corrupt: Callable[[dict[str, Any]], object]) -> Path:
    """The worked example, corrupted by ``corrupt``, written as YAML."""
    data = worked_example_data()
    corrupt(data)
    return write_data(tmp_path, data)


# --- A field of one row -------------------------------------------------------------------

def test_missing_field(tmp_path):
    path = corrupted(tmp_path, lambda data: data["demand"][0].pop("people"))

    item_line = line_of(path, "demand:") + 1
    assert only_problem(path) == InputProblem(
        str(path), f"table demand, item 1, line {item_line} ({demand_key(worked_example_data())})",
        "people", "nothing", "a number and its source")


def test_unknown_field(tmp_path):
    path = corrupted(tmp_path, lambda data: data["services"][0].update(colour="blue"))

    problem = only_problem(path)
    assert problem.location == f"table services, item 1, line {line_of(path, 'colour')} " \
                               "(name=reablement)"
    assert (problem.field, problem.found) == ("colour", "a field that is not part of it")
    assert problem.expected.startswith("one of name, label, kind, unit, occupancy,")
    assert problem.expected.endswith("(check the spelling)")


def test_unknown_table(tmp_path):
    path = corrupted(tmp_path, lambda data: data.update(demnad=[]))

    problem = only_problem(path)
    assert (problem.location, problem.field) == (f"line {line_of(path, 'demnad')}", "demnad")
    assert "demand, services," in problem.expected


def test_text_in_a_number(tmp_path):
    path = corrupted(tmp_path, lambda data: data["demand"][0]["people"].update(value="lots"))

    problem = only_problem(path)
    assert problem.location.startswith(f"table demand, item 1, line {line_of(path, 'lots')} (")
    assert (problem.field, problem.found, problem.expected) == ("people.value", "'lots'",
                                                                    TEXT_FOR_NUMBER)


def test_word_not_in_the_list(tmp_path):
    path = corrupted(tmp_path, lambda data: data["services"][0].update(kind="sometimes"))

    problem = only_problem(path)
    assert (problem.field, problem.found, problem.expected) == (
        "kind", "'sometimes'", "one of 'short_term' or 'long_term'")


def test_plain_number_where_a_figure_belongs(tmp_path):
    path = corrupted(tmp_path, lambda data: data["demand"][0].update(people=12))

    problem = only_problem(path)
    assert (problem.field, problem.found, problem.expected) == (
        "people", "12", 'a number and its source, written {value: 12, source: "..."}')


def test_negative_figure(tmp_path):
    path = corrupted(tmp_path, lambda data: data["demand"][0]["people"].update(value=-3))

    assert str(only_problem(path)) == (
        f"{path}, table demand, item 1, line {line_of(path, 'value: -3')} "
        f"({demand_key(worked_example_data())}), field people.value: found -3; "
        f"expected {NOT_NEGATIVE}")


@pytest.mark.parametrize("value", [float("nan"), float("inf"), -float("inf")])
def test_not_a_finite_number(tmp_path, value):
    path = corrupted(tmp_path, lambda data: data["demand"][0]["people"].update(value=value))

    problem = only_problem(path)
    assert (problem.field, problem.found, problem.expected) == (
        "people.value", str(value), "a finite number")


def test_share_over_one(tmp_path):
    path = corrupted(tmp_path, lambda data: data["pathways"][0]["suitable"].update(value=1.5))

    problem = only_problem(path)
    assert problem.location.startswith(f"table pathways, item 1, line {line_of(path, '1.5')} ")
    assert (problem.field, problem.found, problem.expected) == (
        "suitable.value", "1.5", "a number ≤ 1 – a share between 0 and 1 (write 45% as 0.45)")


def test_weeks_over_a_year(tmp_path):
    path = corrupted(tmp_path, lambda data: data["stages"][0]["weeks"].update(value=60))

    problem = only_problem(path)
    assert (problem.field, problem.found, problem.expected) == (
        "weeks.value", "60",
        "a number ≤ 52 – a number of weeks within one planning year (0 to 52)")


def test_source_that_cites_nothing(tmp_path):
    path = corrupted(tmp_path, lambda data: data["stages"][0]["weeks"].update(source="my head"))

    problem = only_problem(path)
    assert (problem.field, problem.found) == ("weeks.source", "'my head'")
    assert problem.expected.startswith("a document line such as '001_4550ef852cabf2d2.txt:867'")


@pytest.mark.parametrize(("source", "expected"), [
    ("ref: DHSC", "a reference must name the publication and its table or page (at least a "
                  "few words)"),
    ("assumption:  a guess ", "an assumption must give its reason and basis (at least a few "
                              "words)"),
])
def test_a_worded_source_too_short_to_say_anything(tmp_path, source, expected):
    """A reference or an assumption needs at least ten characters after its prefix (spaces
    around them not counted): each is told what its words must give."""
    path = corrupted(tmp_path, lambda data: data["stages"][0]["weeks"].update(source=source))

    problem = only_problem(path)
    assert (problem.field, problem.found, problem.expected) == (
        "weeks.source", repr(source), expected)


def test_missing_settings(tmp_path):
    path = corrupted(tmp_path, lambda data: data.pop("settings"))

    assert str(only_problem(path)) == (
        f"{path}, field settings: found nothing; expected the fields discount_rate, "
        "unmet_penalty, objective, objective_indicator, designs, headroom, commit_years, "
        "risk_weight, risk_level, meet_eligible_need, end_of_horizon, price_year, "
        "price_inflation")


def test_empty_required_table(tmp_path):
    path = corrupted(tmp_path, lambda data: data.update(demand=[]))

    assert str(only_problem(path)) == (
        f"{path}, table demand, line {line_of(path, 'demand:')}: found 0 rows; "
        "expected at least 1 row")


# --- Across tables --------------------------------------------------------------------------

def test_unknown_locality(tmp_path):
    path = corrupted(tmp_path, lambda data: data["demand"][0].update(locality="Blaby"))
    locality = worked_example().localities[0].name

    unknown, uncovered = problems(path)
    assert unknown == InputProblem(
        str(path), f"table demand, item 1, line {line_of(path, 'Blaby')} "
                   "(locality=Blaby, cohort=older_hospital)",
        "locality", "'Blaby'", f"one of: {locality} (from localities)")
    assert uncovered.field == "people"
    assert uncovered.expected.startswith(f"a demand row for locality {locality!r}")


def test_duplicate_name(tmp_path):
    path = corrupted(tmp_path, lambda data: data["services"].append(data["services"][0]))

    first, second = problems(path)
    assert first.location.startswith("table services, item 1, line ")
    assert second.location.startswith("table services, item 3, line ")
    for problem in (first, second):
        assert (problem.field, problem.found, problem.expected) == (
            "name", "'reablement'", "each name once in services (given in 2 rows, each listed "
            "here)")


def test_years_out_of_order(tmp_path):
    path = corrupted(tmp_path, lambda data: data.update(years=["2027/28", "2026/27"]))

    assert only_problem(path) == InputProblem(
        str(path), f"years, item 2, line {line_of(path, '- 2026/27')}", "years", "'2026/27'",
        "2028/29 (years consecutive and in order)")


def test_year_as_a_number(tmp_path):
    path = corrupted(tmp_path, lambda data: data.update(years=[2026]))

    problem = only_problem(path)
    assert (problem.field, problem.found, problem.expected) == (
        "years", "2026", "text (in YAML, put it in quotes)")


# --- Whole YAML files -----------------------------------------------------------------------

def write_text(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "instance.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("text", ["", "# only a comment\n"])
def test_empty_file(tmp_path, text):
    path = write_text(tmp_path, text)

    assert str(only_problem(path)) == f"{path}: found an empty file; expected {YAML_EXPECTED}"


@pytest.mark.parametrize("content", [bytes(range(256)), b"name: x\0\n"])
def test_binary_file(tmp_path, content):
    path = tmp_path / "instance.yaml"
    path.write_bytes(content)

    assert str(only_problem(path)) == (
        f"{path}: found binary (non-text) content; expected {YAML_EXPECTED}")


def test_yaml_syntax_error(tmp_path):
    path = write_text(tmp_path, "name: example\ndescription: see: here\n")

    problem = only_problem(path)
    assert (problem.file, problem.location) == (str(path), "line 2, column 17")  # the second colon
    assert problem.found == "a YAML syntax error (mapping values are not allowed here)"
    assert problem.expected.startswith("valid YAML: check the indentation")


@pytest.mark.parametrize("text", ["name: example\ndescription: see: here\n", "a: [1, 2\n",
                                  "a:\n\t- 1\n"])
def test_a_file_libyaml_refuses_is_reported_in_pyyamls_words(text):
    """libyaml words its errors differently ("not allowed in this context"): the file is read
    again by PyYAML's own parser, whose error is the one reported."""
    if len(yaml_safe.LOADERS) < 2:
        pytest.skip("PyYAML built without libyaml")
    fast, own = yaml_safe.LOADERS
    with pytest.raises(yaml.YAMLError) as by_libyaml:
        yaml_safe._load(fast(text))
    with pytest.raises(yaml.YAMLError) as by_pyyaml:
        yaml_safe._load(own(text))
    with pytest.raises(yaml.YAMLError) as reported:
        yaml_safe.load_with_nodes(text)
    assert str(reported.value) == str(by_pyyaml.value) != str(by_libyaml.value)


def _tree(node: yaml.Node) -> object:
    """A node tree as plain data: tags, values and the line and column of each node."""
    place = (node.tag, node.start_mark.line, node.start_mark.column)
    if isinstance(node, yaml.ScalarNode):
        return (*place, node.value)
    if isinstance(node, yaml.SequenceNode):
        return (*place, [_tree(item) for item in node.value])
    return (*place, [(_tree(key), _tree(value)) for key, value in node.value])


@pytest.mark.parametrize("path", sorted(ROOT.glob("instances/**/*.yaml")),
                         ids=lambda path: str(path.relative_to(ROOT)))
def test_libyaml_reads_every_shipped_file_as_pyyaml_does(path):
    """The fast parser gives the same data and the same node tree, line for line (the lines
    every message cites), as PyYAML's own."""
    if len(yaml_safe.LOADERS) < 2:
        pytest.skip("PyYAML built without libyaml")
    text = path.read_text(encoding="utf-8-sig")
    (fast_root, fast_data), (own_root, own_data) = (
        yaml_safe._load(loader(text)) for loader in yaml_safe.LOADERS)
    assert fast_data == own_data
    assert _tree(fast_root) == _tree(own_root)


def test_top_level_not_a_mapping(tmp_path):
    path = write_text(tmp_path, "- name: example\n")

    assert str(only_problem(path)) == (
        f"{path}, line 1: found a list at the top level; expected {YAML_EXPECTED}")


def test_field_given_twice(tmp_path):
    text = WORKED_EXAMPLE.read_text(encoding="utf-8") + "name: again\n"
    path = write_text(tmp_path, text)

    assert only_problem(path) == InputProblem(
        str(path), f"line {line_of(path, 'name: again')}", "name",
        "the field given a second time", "each field once (YAML would keep only the last)")


def test_missing_file(tmp_path):
    path = tmp_path / "nowhere.yaml"

    assert str(only_problem(path)) == f"{path}: found no such file; expected {YAML_EXPECTED}"


@pytest.mark.parametrize(("name", "found"), [("instance.json", "the suffix '.json'"),
                                             ("instance", "a name without a suffix")])
def test_unsupported_suffix(tmp_path, name, found):
    path = tmp_path / name
    path.write_text("{}")

    assert str(only_problem(path)) == (
        f"{path}: found {found}; expected an instance file ending .yaml, .yml or .xlsx")


# --- Tables in CSV files --------------------------------------------------------------------

@pytest.fixture
def with_demand_csv(tmp_path: Path) -> Path:
    """The worked example as YAML whose demand table is in demand.csv beside it."""
    write_yaml(worked_example(), tmp_path / "instance.yaml", csv_tables=("demand",))
    return tmp_path / "instance.yaml"


def edit_csv(path: Path, edit: Callable[[pd.DataFrame], object]) -> None:
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    edit(frame)
    frame.to_csv(path, index=False)


def set_csv_cell(path: Path, column: str, value: str) -> None:
    """Set ``column`` in the first row of a CSV file."""
    edit_csv(path, lambda frame: frame.loc.__setitem__((0, column), value))


def test_csv_missing_a_column(with_demand_csv):
    csv = with_demand_csv.parent / "demand.csv"
    edit_csv(csv, lambda frame: frame.pop("people_source"))

    assert only_problem(with_demand_csv) == InputProblem(
        str(csv), "row 1", "people_source", "no such column", "this column (it is required)")


def test_csv_unknown_column(with_demand_csv):
    csv = with_demand_csv.parent / "demand.csv"
    edit_csv(csv, lambda frame: frame.insert(0, "colour", "red"))

    assert only_problem(with_demand_csv) == InputProblem(
        str(csv), "row 1", "colour", "a column this table does not have",
        "one of the columns locality, cohort, people, people_source, band (check the "
        "spelling)")


def test_csv_text_in_a_number_column(with_demand_csv):
    csv = with_demand_csv.parent / "demand.csv"
    set_csv_cell(csv, "people", "about 100")

    assert str(only_problem(with_demand_csv)) == (
        f"{csv}, row 2 ({demand_key(worked_example_data())}), field people: "
        f"found 'about 100'; expected {TEXT_FOR_NUMBER}")


def test_csv_negative_figure_after_blank_lines(with_demand_csv):
    csv = with_demand_csv.parent / "demand.csv"
    header, row = csv.read_text(encoding="utf-8").splitlines()
    people = row.split(",")[2]
    csv.write_text(f"{header}\n\n\n{row.replace(people, '-3', 1)}\n", encoding="utf-8")

    problem = only_problem(with_demand_csv)
    assert (problem.location, problem.field, problem.found, problem.expected) == (
        f"row 4 ({demand_key(worked_example_data())})", "people", "-3", NOT_NEGATIVE)


def test_csv_row_longer_than_its_header(with_demand_csv):
    csv = with_demand_csv.parent / "demand.csv"
    header, row = csv.read_text(encoding="utf-8").splitlines()
    csv.write_text(f"{header}\n{row},extra\n", encoding="utf-8")

    assert only_problem(with_demand_csv) == InputProblem(
        str(csv), "row 2", "", "6 cells", "at most 5, one under each column heading")


def test_csv_file_missing(with_demand_csv):
    (with_demand_csv.parent / "demand.csv").unlink()

    problem = only_problem(with_demand_csv)
    assert (problem.file, problem.found) == (str(with_demand_csv.parent / "demand.csv"),
                                             "no such file")


# --- Workbooks -----------------------------------------------------------------------------

@pytest.fixture
def workbook(tmp_path: Path) -> Path:
    save_instance(worked_example(), tmp_path / "instance.xlsx")
    return tmp_path / "instance.xlsx"


def edit_workbook(path: Path, edit: Callable[[openpyxl.Workbook], object]) -> None:
    book = openpyxl.load_workbook(path)
    edit(book)
    book.save(path)


def set_workbook_cell(path: Path, sheet: str, cell: str, value: object) -> None:
    edit_workbook(path, lambda book: setattr(book[sheet][cell], "value", value))


def test_workbook_missing_a_sheet(workbook):
    edit_workbook(workbook, lambda book: book.remove(book["demand"]))

    assert str(only_problem(workbook)) == (
        f"{workbook}, sheet demand: found no such sheet; "
        "expected a sheet named demand (it is required)")


def test_workbook_with_a_misspelt_sheet(workbook):
    edit_workbook(workbook, lambda book: setattr(book["capacity0"], "title", "capacity"))

    problem = only_problem(workbook)
    assert (problem.location, problem.found) == ("sheet capacity",
                                                 "a sheet this workbook does not use")
    assert problem.expected.startswith("a sheet named capacity0 (did you mean it?")


def test_workbook_problem_in_a_table_whose_sheet_is_left_out(tmp_path):
    base = worked_example()
    maximise = base.settings.model_copy(update={"objective": "max_outcome",
                                                "objective_indicator": "independent"})
    # model_copy skips validation: this instance, maximising within no budget, is invalid.
    save_instance(base.model_copy(update={"settings": maximise}), tmp_path / "instance.xlsx")
    edit_workbook(tmp_path / "instance.xlsx", lambda book: book.remove(book["budget"]))

    problem = only_problem(tmp_path / "instance.xlsx")
    assert (problem.location, problem.field, problem.found) == ("sheet budget", "year",
                                                                "'no rows'")


def test_workbook_negative_figure(workbook):
    set_workbook_cell(workbook, "demand", "C2", -3)

    assert str(only_problem(workbook)) == (
        f"{workbook}, sheet demand, row 2 ({demand_key(worked_example_data())}), "
        f"field people: found -3; expected {NOT_NEGATIVE}")


def test_workbook_setting_out_of_range(workbook):
    set_workbook_cell(workbook, "settings", "B5", 2)

    assert only_problem(workbook) == InputProblem(
        str(workbook), "sheet settings, row 5", "discount_rate.value", "2",
        "a number ≤ 1 – a share between 0 and 1 (write 45% as 0.45)")


def test_workbook_setting_without_source(workbook):
    set_workbook_cell(workbook, "settings", "C5", None)

    problem = only_problem(workbook)
    assert (problem.location, problem.field, problem.found) == (
        "sheet settings, row 5", "discount_rate.source", "nothing")
    assert problem.expected.startswith("its source: a document line (FILE:LINE)")


def test_workbook_unknown_parameter(workbook):
    set_workbook_cell(workbook, "settings", "A5", "discount")

    problem = only_problem(workbook)
    assert (problem.location, problem.field, problem.found) == (
        "sheet settings, row 5", "parameter", "'discount'")
    assert problem.expected.startswith("one of name, description, years, discount_rate")


def test_not_a_workbook(tmp_path):
    path = tmp_path / "instance.xlsx"
    path.write_text("name: not really a workbook\n")

    assert str(only_problem(path)) == (
        f"{path}: found a file that is not an Excel workbook; expected an Excel workbook "
        "(.xlsx) with a settings sheet and one sheet per table")


# --- The message as a whole ---------------------------------------------------------------

def test_message_is_one_line_a_problem_and_fits_a_screen():
    many = [InputProblem("f.csv", f"row {n}", "people", "-1", "a number ≥ 0")
            for n in range(2, MAX_SHOWN + 12)]

    lines = str(InputError(many)).splitlines()
    assert lines[0] == "f.csv, row 2, field people: found -1; expected a number ≥ 0"
    assert len(lines) == MAX_SHOWN + 1
    assert lines[-1] == "... and 10 more problems like these"


@settings(max_examples=examples(150),
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_corruption_gives_an_instance_or_an_input_error(tmp_path, data):
    text = WORKED_EXAMPLE.read_text(encoding="utf-8")
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, min(len(text), start + 30)))
    insert = data.draw(st.text(st.characters(exclude_categories=["Cs"]), max_size=8))
    path = write_text(tmp_path, text[:start] + insert + text[end:])

    try:
        load_instance(path)
    except InputError as error:
        assert str(error)
