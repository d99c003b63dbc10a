"""A workbook as commissioners keep it: a notes sheet, names with stray spaces or capitals,
sheets renamed 'Demand'; and ``optimiser convert`` between a workbook and YAML. Each solves
to the plan of the instance it came from (the worked example's £952,616)."""

from __future__ import annotations

import openpyxl
import pytest
from typer.testing import CliRunner

import optimiser
from optimiser import InputNote
from optimiser.cli import app
from optimiser.io import load_instance, save_instance
from tests.builders import ROOT
from tests.io_helpers import WORKED_EXAMPLE, only_problem, problems, worked_example
from tests.test_io_errors import edit_workbook

DEFAULT = ROOT / "instances" / "default" / "instance.yaml"


def _run(*args: object):
    return CliRunner().invoke(app, [str(arg) for arg in args])


@pytest.fixture
def workbook(tmp_path):
    path = tmp_path / "instance.xlsx"
    save_instance(worked_example(), path)
    return path


def _as_kept(book: openpyxl.Workbook) -> None:
    """A commissioner's edits: a notes sheet, a renamed sheet, names typed loosely."""
    book.create_sheet("Notes")["A1"] = "Figures agreed at the March board."
    book["demand"].title = " Demand"
    book[" Demand"]["A2"] = "example "  # the locality, Example
    book["services"]["A2"] = " reablement"
    book["stages"]["B2"] = "Reablement"  # the service of the reablement stage


def test_a_kept_workbook_solves_with_a_note_of_what_was_tidied(workbook):
    edit_workbook(workbook, _as_kept)
    result = _run("solve", workbook, "--out", workbook.parent / "plan")
    assert result.exit_code == 0, result.output
    assert "total cost £952,616" in result.stdout
    notes = " ".join(result.stderr.split())
    assert "Note: Sheets ignored, not part of an instance: 'Notes'." in notes
    assert ("Note: 3 names read ignoring spaces at the ends or capitals: ' reablement' as "
            "'reablement', 'example ' as 'Example', 'Reablement' as 'reablement'.") in notes


def test_the_api_gives_the_notes_as_warnings(workbook):
    edit_workbook(workbook, _as_kept)
    with pytest.warns(InputNote) as caught:
        instance = optimiser.load(workbook)
    assert [str(w.message).split(":")[0] for w in caught] == [
        "Sheets ignored, not part of an instance",
        "3 names read ignoring spaces at the ends or capitals"]
    assert instance == worked_example()


def test_an_unknown_name_suggests_the_nearest(workbook):
    edit_workbook(workbook, lambda book: setattr(book["demand"]["B2"], "value", "older_hospitl"))
    problem, missing = problems(workbook)  # and so older_hospital has no demand row
    assert (problem.field, problem.found) == ("cohort", "'older_hospitl'")
    assert missing.found == "'no row'"
    assert problem.expected == ("one of: older_hospital (from cohorts) (did you mean "
                                "'older_hospital'?)")


def test_a_missing_demand_row_says_to_enter_0(workbook):
    edit_workbook(workbook, lambda book: book["cohorts"].append(
        ["ld", "Adults with learning disabilities", 0.0, "assumption: no growth, for a test"]))
    problem = only_problem(workbook)
    assert problem.expected == ("a demand row for locality 'Example' and cohort 'ld' (enter "
                                "0 people if there is none)")


def test_two_sheets_for_one_table_are_refused(workbook):
    def twice(book):
        book.copy_worksheet(book["demand"]).title = "Demand "
    edit_workbook(workbook, twice)
    problem = only_problem(workbook)
    assert (problem.location, problem.found) == (
        "sheet Demand ", "a second sheet for demand (besides 'demand')")


@pytest.mark.parametrize("instance", [WORKED_EXAMPLE, DEFAULT], ids=["worked", "default"])
def test_convert_round_trip_solves_to_the_same_objective(tmp_path, instance):
    workbook, back = tmp_path / "instance.xlsx", tmp_path / "back.yaml"
    assert _run("convert", instance, "--to", workbook).exit_code == 0
    result = _run("convert", workbook, "--to", back)
    assert result.exit_code == 0, result.output
    assert load_instance(back) == load_instance(workbook) == load_instance(instance)
    objective = optimiser.solve(instance, ranging=False).objective
    assert optimiser.solve(workbook, ranging=False).objective == objective
    assert optimiser.solve(back, ranging=False).objective == objective


def test_convert_never_overwrites_without_force(tmp_path):
    target = tmp_path / "instance.xlsx"
    target.write_text("a file of someone's")
    result = _run("convert", WORKED_EXAMPLE, "--to", target)
    assert result.exit_code == 2 and "already exists" in result.stderr
    assert target.read_text() == "a file of someone's"
    assert _run("convert", WORKED_EXAMPLE, "--to", target, "--force").exit_code == 0
    assert load_instance(target) == worked_example()
    refused = _run("convert", WORKED_EXAMPLE, "--to", tmp_path / "instance.csv")
    assert refused.exit_code == 2 and "should end in .xlsx or .yaml" in refused.stderr


def _lists(sheet) -> dict[str, str]:
    """A sheet's drop-down lists: the column (or cell) each covers, and its source."""
    return {str(rule.sqref).split(":")[0].rstrip("0123456789") if ":" in str(rule.sqref)
            else str(rule.sqref): rule.formula1 for rule in sheet.data_validations.dataValidation}


def test_the_template_offers_names_words_and_units_and_notes_every_heading(tmp_path):
    path = tmp_path / "template.xlsx"
    assert _run("template", "--out", path).exit_code == 0
    book = openpyxl.load_workbook(path)
    assert _lists(book["demand"]) == {"A": "=localities!$A$2:$A$2000",
                                      "B": "=cohorts!$A$2:$A$2000"}
    assert _lists(book["services"]) == {"C": '"short_term,long_term"',
                                        "D": '"place,bed,hour per week"'}
    assert _lists(book["moves"])["B"] == "=services!$A$2:$A$2000"  # from_service
    settings = book["settings"]
    row = next(c.row for (c,) in settings.iter_rows(max_col=1) if c.value == "objective")
    assert _lists(settings)[f"B{row}"] == '"min_cost,max_outcome"'
    for table in ("demand", "services", "targets"):
        headings = [cell for cell in book[table][1] if cell.value]
        assert all(cell.comment is not None for cell in headings), table
    assert book["demand"]["C1"].comment.text.startswith(
        "People of the cohort with a new need in the first planning year.")
    assert book["demand"]["A1"].comment.text.endswith(
        "A name from the localities sheet (choose from the list).")
