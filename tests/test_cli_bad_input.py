"""The catalogue of bad input (docs/errors.md), through the command a person runs: every
class of mistake gives exit code 2, a message naming the file, the place in it and the field,
and never a traceback.

The exact wording of each message is tested where it is made (tests/test_io_errors.py);
here each class is run end to end through ``optimiser validate`` and ``optimiser solve``, and
the catalogue in docs/errors.md is checked to list exactly these classes."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from typer.testing import CliRunner

from optimiser.cli import app
from optimiser.io import save_instance, write_yaml
from tests.builders import ROOT
from tests.io_helpers import worked_example, worked_example_data, write_data

ERRORS_DOC = ROOT / "docs" / "errors.md"
BAD_INPUT = 2


@dataclass(frozen=True)
class Case:
    """One class of mistake: how to make it, and what the message must name."""

    title: str
    """The mistake, as docs/errors.md lists it."""
    make: Callable[[Path], Path]
    """Write a bad instance in a folder; return the file to give the command."""
    shows: tuple[str, ...]
    """Parts of the message a person needs: the place, the field, what was expected."""


def _corrupt(change: Callable[[dict[str, Any]], object]) -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        data = worked_example_data()
        change(data)
        return write_data(folder, data)
    return make


def _text(content: str | bytes, name: str = "instance.yaml") -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        path = folder / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        return path
    return make


def _csv(change: Callable[[list[str]], list[str]] | None) -> Callable[[Path], Path]:
    """The worked example with its demand table in demand.csv, whose lines are changed (or
    which is deleted, for ``None``)."""
    def make(folder: Path) -> Path:
        path = folder / "instance.yaml"
        write_yaml(worked_example(), path, csv_tables=("demand",))
        csv = folder / "demand.csv"
        if change is None:
            csv.unlink()
        else:
            lines = csv.read_text(encoding="utf-8").splitlines()
            csv.write_text("\n".join(change(lines)) + "\n", encoding="utf-8")
        return path
    return make


def _workbook(change: Callable[[openpyxl.Workbook], object]) -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        path = folder / "instance.xlsx"
        save_instance(worked_example(), path)
        book = openpyxl.load_workbook(path)
        change(book)
        book.save(path)
        return path
    return make


def _drop_column(lines: list[str], column: str) -> list[str]:
    header = lines[0].split(",")
    keep = [i for i, name in enumerate(header) if name != column]
    return [",".join(cells[i] for i in keep) for cells in (line.split(",") for line in lines)]


def _set_cell(lines: list[str], column: str, value: str) -> list[str]:
    header = lines[0].split(",")
    cells = lines[1].split(",")
    cells[header.index(column)] = value
    return [lines[0], ",".join(cells), *lines[2:]]


def _over_full_deterioration(data: dict[str, Any]) -> None:
    """Half of home care leaves each year and 60% is said to move to a care home."""
    why = "assumption: a deterioration rate"
    data["services"].append({**data["services"][1], "name": "residential", "unit": "bed",
                             "package": {"value": 1, "source": why}})
    data["leave"] = [{"cohort": "older_hospital", "service": "home_care",
                      "share": {"value": 0.5, "source": why}}]
    data["deterioration"] = [{"cohort": "older_hospital", "from_service": "home_care",
                              "to_service": "residential", "rate": {"value": 0.6, "source": why}}]


def _stay_of_no_days(data: dict[str, Any]) -> None:
    figure = {"source": "assumption: a figure for the test"}
    data["short_term_variability"] = [{
        "service": "reablement", "locality": "Example", "wait_share": {"value": 0.1, **figure},
        "mean_stay_days": {"value": 0, **figure}}]


def _over_full_destinations(data: dict[str, Any]) -> None:
    data["destinations"][1]["share"]["value"] = 0.8
    data["destinations"].append({
        "pathway": "reablement_first", "service": "residential",
        "share": {"value": 0.5, "source": "assumption: a share that makes the total over one"}})
    data["services"].append({**data["services"][1], "name": "residential", "unit": "bed",
                             "package": {"value": 1, "source": "assumption: one bed a person"}})


CASES = [
    Case("A required field is missing",
         _corrupt(lambda d: d["demand"][0].pop("people")),
         ("table demand, item 1", "field people", "found nothing")),
    Case("A field the table does not have (a misspelt name)",
         _corrupt(lambda d: d["services"][0].update(colour="blue")),
         ("table services, item 1", "field colour", "check the spelling")),
    Case("A table the instance does not have",
         _corrupt(lambda d: d.update(demnad=[])),
         ("field demnad", "demand, services")),
    Case("Text where a number belongs",
         _corrupt(lambda d: d["demand"][0]["people"].update(value="lots")),
         ("table demand, item 1", "field people.value", "found 'lots'", "a number")),
    Case("A word that is not one of the choices",
         _corrupt(lambda d: d["services"][0].update(kind="sometimes")),
         ("field kind", "one of 'short_term' or 'long_term'")),
    Case("A plain number where a figure and its source belong",
         _corrupt(lambda d: d["demand"][0].update(people=12)),
         ("field people", "a number and its source")),
    Case("A negative figure",
         _corrupt(lambda d: d["demand"][0]["people"].update(value=-3)),
         ("table demand, item 1", "field people.value", "found -3", "≥ 0")),
    Case("A figure that is not a number (NaN)",
         _corrupt(lambda d: d["demand"][0]["people"].update(value=float("nan"))),
         ("field people.value", "found nan", "a finite number")),
    Case("An infinite figure",
         _corrupt(lambda d: d["demand"][0]["people"].update(value=float("inf"))),
         ("field people.value", "found inf", "a finite number")),
    Case("A share outside 0 to 1 (45 for 45%)",
         _corrupt(lambda d: d["pathways"][1]["suitable"].update(value=60)),
         ("table pathways, item 2", "field suitable.value", "found 60", "write 45% as 0.45")),
    Case("More than a year's weeks in a stage",
         _corrupt(lambda d: d["stages"][0]["weeks"].update(value=60)),
         ("table stages, item 1", "field weeks.value", "≤ 52")),
    Case("A length of stay of no days",
         _corrupt(_stay_of_no_days),
         ("table short_term_variability, item 1", "locality=Example",
          "field mean_stay_days.value", "found 0", "> 0")),
    Case("A pathway's destination shares add up to more than 1",
         _corrupt(_over_full_destinations),
         ("table destinations", "field share", "found 1.3", "adding up to at most 1")),
    Case("A figure without a source",
         _corrupt(lambda d: d["demand"][0]["people"].pop("source")),
         ("field people.source", "found nothing")),
    Case("A source that cites nothing",
         _corrupt(lambda d: d["stages"][0]["weeks"].update(source="my head")),
         ("field weeks.source", "found 'my head'", "001_4550ef852cabf2d2.txt:867")),
    Case("An unknown locality",
         _corrupt(lambda d: d["demand"][0].update(locality="Blaby")),
         ("table demand, item 1", "field locality", "found 'Blaby'", "one of: Example")),
    Case("An unknown service, or one of the wrong kind",
         _corrupt(lambda d: d["stages"][0].update(service="home_care")),
         ("table stages, item 1", "field service", "found 'home_care'",
          "short-term services")),
    Case("An outcome payment for a long-term service (it would be paid for nobody)",
         _corrupt(lambda d: d.update(outcome_prices=[{
             "service": "home_care", "indicator": "independent",
             "price": {"value": 1000, "source": "assumption: a payment per person"}}])),
         ("table outcome_prices, item 1", "field service", "found 'home_care'",
          "short-term services")),
    Case("A target per 100,000 population over a locality with no population",
         _corrupt(lambda d: d.update(targets=[{
             "name": "independence_rate", "indicator": "independent", "sense": "at_least",
             "basis": "population",
             "level": {"value": 36, "source": "assumption: a rate per 100,000"}}])),
         ("table localities, item 1", "field population", "found None",
          "the population that target 'independence_rate' counts per 100,000")),
    Case("An unknown cohort",
         _corrupt(lambda d: d["pathways"][0].update(cohort="older_people")),
         ("table pathways, item 1", "field cohort", "found 'older_people'",
          "one of: older_hospital")),
    Case("An unknown workforce role",
         _corrupt(lambda d: d.update(staffing=[{
             "service": "reablement", "role": "therapist",
             "fte_per_unit": {"value": 1, "source": "assumption: one therapist a place"}}])),
         ("table staffing, item 1", "field role", "found 'therapist'")),
    Case("A name used twice",
         _corrupt(lambda d: d["services"].append(d["services"][0])),
         ("table services", "field name", "each name once in services")),
    Case("Years out of order",
         _corrupt(lambda d: d.update(years=["2027/28", "2026/27"])),
         ("years, item 2", "found '2026/27'", "consecutive and in order")),
    Case("A need band the cohort does not have",
         _corrupt(lambda d: d["demand"][0].update(band="severe")),
         ("table demand, item 1", "field band", "found 'severe'",
          "'older_hospital' has no bands")),
    Case("Band shares that do not add up to 1",
         _corrupt(lambda d: d.update(bands=[
             {"cohort": "older_hospital", "name": band,
              "share": {"value": 0.4, "source": "assumption: a split by need"}}
             for band in ("low", "high")])),
         ("table bands", "field share", "found 0.8", "adding up to 1")),
    Case("More people deteriorating and leaving than there are",
         _corrupt(_over_full_deterioration),
         ("table deterioration", "field rate", "no more than everyone can move on")),
    Case("A setting no one leaves, with the end-of-horizon tail",
         _corrupt(lambda d: d["settings"].update(end_of_horizon=True)),
         ("table leave", "a leave share above 0", "settings.end_of_horizon")),
    Case("A price year without its inflation",
         _corrupt(lambda d: d["settings"].update(price_year="2019/20")),
         ("field settings.price_inflation", "yearly care-cost inflation")),
    Case("A row missing for a locality and cohort",
         _corrupt(lambda d: d["cohorts"].append({**d["cohorts"][0], "name": "ld"})),
         ("table demand", "a demand row for locality 'Example' and cohort 'ld'")),
    Case("An empty file", _text(""), ("found an empty file",)),
    Case("A binary file", _text(bytes(range(256))), ("found binary (non-text) content",)),
    Case("A YAML syntax error", _text("name: example\ndescription: see: here\n"),
         ("line 2, column 17", "a YAML syntax error", "check the indentation")),
    Case("A file that is not a YAML file or a workbook", _text("{}", "instance.json"),
         ("found the suffix '.json'", ".yaml, .yml or .xlsx")),
    Case("A file that does not exist", lambda folder: folder / "nowhere.yaml",
         ("nowhere.yaml", "found no such file")),
    Case("A CSV table missing a column",
         _csv(lambda lines: _drop_column(lines, "people_source")),
         ("demand.csv, row 1", "field people_source", "no such column")),
    Case("A stray text cell in a CSV number column",
         _csv(lambda lines: _set_cell(lines, "people", "about 100")),
         ("demand.csv, row 2", "field people", "found 'about 100'", "a number")),
    Case("A CSV table the YAML names but that is not there", _csv(None),
         ("demand.csv", "found no such file")),
    Case("A workbook missing a sheet",
         _workbook(lambda book: book.remove(book["demand"])),
         ("sheet demand", "no such sheet", "it is required")),
    Case("A workbook sheet missing a column",
         _workbook(lambda book: book["demand"].delete_cols(4)),
         ("sheet demand, row 1", "field people_source", "no such column")),
    Case("A stray text cell in a workbook number column",
         _workbook(lambda book: setattr(book["demand"]["C2"], "value", "about 100")),
         ("sheet demand, row 2", "field people", "found 'about 100'")),
    Case("A file that is not really a workbook", _text("name: x\n", "instance.xlsx"),
         ("not an Excel workbook",)),
]


def _run(*args: str):
    return CliRunner().invoke(app, list(args))


def _assert_bad_input(result, path: Path, case: Case) -> None:
    assert result.exit_code == BAD_INPUT, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    message = result.stderr
    assert message.startswith("The instance cannot be used.")
    assert str(path.parent) in message
    for part in case.shows:
        assert part in message, (part, message)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.title)
def test_validate_refuses_bad_input_with_a_message(tmp_path, case):
    path = case.make(tmp_path)
    _assert_bad_input(_run("validate", str(path)), path, case)


@pytest.mark.parametrize("case", CASES[::4], ids=lambda c: c.title)
def test_solve_refuses_bad_input_before_writing_anything(tmp_path, case):
    path = case.make(tmp_path)
    out = tmp_path / "plan"
    _assert_bad_input(_run("solve", str(path), "--out", str(out)), path, case)
    assert not out.exists()


def test_the_catalogue_lists_exactly_these_mistakes():
    """docs/errors.md has one row per class of mistake tested here, in the same words."""
    text = ERRORS_DOC.read_text(encoding="utf-8")
    listed = re.findall(r"^\| (.+?) \| `", text, flags=re.MULTILINE)
    assert listed == [case.title for case in CASES] + [title for title, _ in COMMAND_CASES]


# --- Mistakes in the command itself ---------------------------------------------------------

WORKED = ROOT / "instances" / "examples" / "worked-example" / "instance.yaml"
COMMAND_CASES = [
    ("An unknown solver method", ("--method", "fastest")),
    ("An indicator to maximise that the instance does not have", ("--maximise", "happiness")),
    ("A change (--set) to a table, row or field the instance does not have",
     ("--set", "services[reablment].price_capacity=30000")),
    ("A change (--set) that leaves a figure out of range",
     ("--set", "services[reablement].occupancy=1.5")),
]


@pytest.mark.parametrize(("title", "options"), COMMAND_CASES, ids=[c[0] for c in COMMAND_CASES])
def test_solve_refuses_bad_options(tmp_path, title, options):
    result = _run("solve", str(WORKED), "--out", str(tmp_path / "plan"), *options)
    assert result.exit_code == BAD_INPUT, result.output
    assert "Traceback" not in result.output and "pydantic" not in result.output
    assert options[1] in result.stderr
