"""The catalogue of hostile, mistaken and suspicious input (issue 13; docs/errors.md, the
sections after "On the command line"), each class run through the command a person runs.

Every case asserts the exit code (2 for input refused, 1 for a plan that cannot be trusted),
the words a person needs (the file, field or option, what was expected), no traceback, and
that no file outside the output folder changed: the instance, its tables and anything beside
them are exactly as they were."""

from __future__ import annotations

import hashlib
import json
import sys
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import openpyxl
import pytest
import yaml
from typer.testing import CliRunner

import optimiser.verify
from models.sourced import documents_folder
from optimiser.cli import app
from optimiser.io import save_instance, write_yaml
from tests.builders import ROOT, S
from tests.io_helpers import worked_example, worked_example_data

WORKED = ROOT / "instances" / "examples" / "worked-example" / "instance.yaml"
APPRAISAL = ROOT / "instances" / "appraisals" / "lancashire-contracts.yaml"
SECRET = "SECRET-FIRST-LINE"


@dataclass(frozen=True)
class Case:
    """One class: how to make it in a folder (returning the command's arguments, with
    ``{out}`` for the output path), the exit code and what the message must say."""

    title: str
    make: Callable[[Path], list[str]]
    code: int
    shows: tuple[str, ...]
    needs_documents: bool = False


def _yaml(folder: Path, data: dict, name: str = "instance.yaml") -> Path:
    path = folder / name
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def _changed(change: Callable[[dict], object], command: str = "validate") -> Callable:
    def make(folder: Path) -> list[str]:
        data = worked_example_data()
        change(data)
        return [command, str(_yaml(folder, data))]
    return make


def _raw(text: str) -> Callable:
    """An instance whose demand value is written as ``text`` in the YAML itself."""
    def make(folder: Path) -> list[str]:
        path = _yaml(folder, worked_example_data())
        source = path.read_text(encoding="utf-8")
        assert "value: 100\n" in source
        path.write_text(source.replace("value: 100\n", f"value: {text}\n", 1), encoding="utf-8")
        return ["validate", str(path)]
    return make


def _csv_demand(cell: str) -> Callable:
    def make(folder: Path) -> list[str]:
        path = folder / "instance.yaml"
        write_yaml(worked_example(), path, csv_tables=("demand",))
        lines = (folder / "demand.csv").read_text().splitlines()
        header = lines[0].split(",")
        row = lines[1].split(",")
        row[header.index("people")] = cell
        (folder / "demand.csv").write_text("\n".join([lines[0], ",".join(row)]) + "\n")
        return ["validate", str(path)]
    return make


def _workbook(change: Callable[[Path], None]) -> Callable:
    def make(folder: Path) -> list[str]:
        path = folder / "instance.xlsx"
        save_instance(worked_example(), path)
        change(path)
        return ["validate", str(path)]
    return make


def _cell_true(path: Path) -> None:
    book = openpyxl.load_workbook(path)
    book["demand"]["C2"] = True
    book.save(path)


def _far_cell(path: Path) -> None:
    book = openpyxl.load_workbook(path)
    book["demand"]["XFD1048576"] = 1
    book.save(path)


def _truncated_sheet(path: Path) -> None:
    with zipfile.ZipFile(path) as book:
        parts = [(info, book.read(info)) for info in book.infolist()]
    with zipfile.ZipFile(path, "w") as book:
        for info, content in parts:
            if info.filename.startswith("xl/worksheets/"):
                content = content[: len(content) // 2]
            book.writestr(info, content)


def _outside(folder: Path) -> list[str]:
    (folder / "elsewhere").mkdir()
    (folder / "elsewhere" / "x.csv").write_text(f"{SECRET},x\n1,2\n")
    (folder / "area").mkdir()
    data = worked_example_data()
    data["demand"] = "../elsewhere/x.csv"
    return ["validate", str(_yaml(folder / "area", data))]


def _text(name: str, text: str, command: str = "validate") -> Callable:
    def make(folder: Path) -> list[str]:
        (folder / name).write_text(text)
        return [command, str(folder / name)]
    return make


BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 9)}]\n" for i in range(8))


def _appraisal(change: Callable[[str], str]) -> Callable:
    """Lancashire's appraisal, changed, in the folder (its base still the shipped one)."""
    def make(folder: Path) -> list[str]:
        text = APPRAISAL.read_text().replace("base: ../", f"base: {APPRAISAL.parent}/../", 1)
        (folder / "appraisal.yaml").write_text(change(text))
        return ["appraise", str(folder / "appraisal.yaml"), "--out", "{out}"]
    return make


def _big_grid(text: str) -> str:
    dims = "\n".join(
        f"    - name: d{d}\n      levels:\n" + "".join(
            f"        - name: l{n}\n          changes: []\n" for n in range(10))
        for d in range(6))
    return text + f"grid:\n  dimensions:\n{dims}\n"


def _repeated_key(text: str) -> str:
    return text.replace("name: ", "name: first\nname: ", 1)


def _folder_with(files: dict[str, str], *, manifest: bool = False) -> Callable:
    def make(folder: Path) -> list[str]:
        out = folder / "plan"
        out.mkdir()
        for name, content in files.items():
            (out / name).write_text(content)
        return ["solve", str(WORKED), "--out", str(out), "--force"]
    return make


def _instance_beside(folder: Path) -> list[str]:
    path = _yaml(folder, worked_example_data())
    return ["solve", str(path), "--out", str(folder), "--force"]


def _existing_workbook(folder: Path) -> list[str]:
    (folder / "filled.xlsx").write_bytes(b"a filled-in workbook")
    return ["template", "--out", str(folder / "filled.xlsx")]


def _under_a_file(folder: Path) -> list[str]:
    (folder / "a-file").write_text("not a folder")
    return ["solve", str(WORKED), "--out", str(folder / "a-file" / "plan")]


def _document_line(source: str) -> Callable:
    return _changed(lambda d: d["stages"][0]["weeks"].update(source=source))


CASES = [
    # --- Numbers that are not numbers ---------------------------------------------------------
    Case("A yes/no value where a number belongs", _raw("yes"), 2,
         ("field people.value", "found 'yes'", "a number")),
    Case("A true/false value where a number belongs", _raw("true"), 2,
         ("field people.value", "found true (a yes/no value, not a number)")),
    Case("A YAML 1.1 number such as 1:40 or 1_000", _raw("1:40"), 2,
         ("field people.value", "found '1:40'", "such as 12, -3.5 or 4.2e6")),
    Case("A spreadsheet TRUE in a number column", _workbook(_cell_true), 2,
         ("sheet demand, row 2", "field people", "found true")),
    Case("A CSV number with an underscore or a comma", _csv_demand("1_00"), 2,
         ("demand.csv, row 2", "field people", "found '1_00'")),
    # --- Duplicates ------------------------------------------------------------------------
    Case("A row given twice", _changed(lambda d: d["stages"].append(d["stages"][0])), 2,
         ("table stages, item 1", "table stages, item 2", "each pathway and service once in "
          "stages (given in 2 rows")),
    Case("A key given twice in an appraisal file", _appraisal(_repeated_key), 2,
         ("appraisal.yaml, line", "the field given a second time")),
    # --- Sources -----------------------------------------------------------------------------
    Case("A cited line beyond the end of its document",
         _document_line("001_4550ef852cabf2d2.txt:99999999"), 2,
         ("field weeks", "a line of 001_4550ef852cabf2d2.txt, which has"),
         needs_documents=True),
    Case("A cited document that does not exist",
         _document_line("999_0000000000000000.txt:5"), 2,
         ("field weeks", "999_0000000000000000.txt is not one of them"),
         needs_documents=True),
    Case("A line number of 0, or a range that runs backwards",
         _document_line("001_4550ef852cabf2d2.txt:12-3"), 2,
         ("field weeks.source", "a range of lines that runs forwards")),
    # --- Extreme figures ---------------------------------------------------------------------
    Case("A figure beyond its sane range",
         _changed(lambda d: d["demand"][0]["people"].update(value=1e30)), 2,
         ("table demand, item 1", "field people", "found 1e+30",
          "at most 100 million people")),
    Case("A target level below 0 or above all of new need",
         _changed(lambda d: d.update(targets=[{
             "name": "t", "indicator": "independent", "sense": "at_least",
             "level": S(1.5)}])), 2,
         ("table targets, item 1", "field level", "a share of new need from 0 to 1")),
    # --- Names in outputs --------------------------------------------------------------------
    Case("A name that a spreadsheet would run as a formula, or that breaks a table",
         _changed(lambda d: d["localities"][0].update(label='=HYPERLINK("http://x")')), 2,
         ("table localities, item 1", "field label", "run it as a formula")),
    # --- Reading outside the instance's folder -----------------------------------------------
    Case("A table file outside the instance's folder", _outside, 2,
         ("table demand", "outside the instance's folder", "--allow-outside")),
    # --- Hostile files -----------------------------------------------------------------------
    Case("YAML aliases that expand without end (an alias bomb)",
         _text("instance.yaml", BOMB), 2, ("aliases expanding to more than",)),
    Case("A YAML value that contains itself, or nesting too deep",
         _text("instance.yaml", "x: &r [*r]\n"), 2, ("a value containing itself",)),
    Case("A damaged workbook (a part cut short)", _workbook(_truncated_sheet), 2,
         ("instance.xlsx", "a damaged workbook")),
    Case("A workbook cell far beyond its table (XFD1048576)", _workbook(_far_cell), 2,
         ("sheet demand", "row 1,048,576, column 16,384", "at most 1,000,000 rows")),
    Case("A CSV cell over 128 KB", _csv_demand("9" * 200_000), 2,
         ("demand.csv", "each cell at most 128 KB")),
    Case("An appraisal with more options than --max-options", _appraisal(_big_grid), 2,
         ("options; expected at most 1,000 options", "--max-options")),
    # --- The command line and output paths ---------------------------------------------------
    Case("A negative or nan time or iteration limit",
         lambda folder: ["solve", str(WORKED), "--out", "{out}", "--time-limit", "nan"], 2,
         ("--time-limit: found nan",)),
    Case("A --scheduler that is not a Dask scheduler",
         lambda folder: ["appraise", str(APPRAISAL), "--out", "{out}", "--scheduler",
                         "http://example"], 2,
         ("--scheduler: 'http://example' is not an address",)),
    Case("An output folder holding files the tool did not write",
         _folder_with({"thesis.docx": "a year of work"}), 2,
         ("did not write (thesis.docx)", "nothing of yours is lost")),
    Case("An output folder holding the instance", _instance_beside, 2,
         ("an input of this run",)),
    Case("An output file that exists, without --force", _existing_workbook, 2,
         ("filled.xlsx already exists", "--force")),
    Case("An output path under a file, or that cannot be written", _under_a_file, 2,
         ("a-file",)),
]


def _digests(folder: Path, out: Path | None) -> dict[str, str]:
    """Every file below ``folder`` except those in ``out``."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*"))
            if p.is_file() and (out is None or out not in (p, *p.parents))}


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.title)
def test_each_class_is_refused_clearly_and_nothing_outside_the_output_changes(tmp_path, case):
    if case.needs_documents and documents_folder() is None:
        pytest.skip("the source documents are not at hand (CARE_SOURCES)")
    args = case.make(tmp_path)
    out = tmp_path / "out-folder"
    args = [arg.replace("{out}", str(out)) for arg in args]
    before = _digests(tmp_path, out)

    result = CliRunner().invoke(app, args)

    assert result.exit_code == case.code, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert "Traceback" not in result.output
    for part in case.shows:
        assert part in result.stderr, (part, result.stderr)
    assert SECRET not in result.output, "a file outside the instance's folder was quoted"
    assert _digests(tmp_path, out) == before


def test_a_plan_highs_calls_optimal_but_breaks_the_rows_is_exit_1(tmp_path, monkeypatch):
    """The check against the model's own rows (optimiser.verify), reached by letting huge
    limits through to HiGHS's scaling as they were before: exit 1, saying what to do."""
    monkeypatch.setattr(optimiser.verify, "NO_LIMIT", np.inf)
    monkeypatch.setattr(sys.modules["optimiser.solve"], "NO_LIMIT", np.inf)
    out = tmp_path / "plan"
    before = _digests(ROOT / "instances" / "examples", None)
    result = CliRunner().invoke(app, [
        "solve", str(WORKED), "--out", str(out), "--set", "services[reablement].startup=1e15",
        "--set", "services[home_care].startup=1e15"])
    assert result.exit_code == 1, result.output
    assert "not shown as a plan" in result.stderr and "--method" in result.stderr
    assert json.loads((out / "summary.json").read_text())["status"] == "unverified"
    assert _digests(ROOT / "instances" / "examples", None) == before


def test_a_real_dask_scheduler_passes_the_check():
    from dask.distributed import LocalCluster

    from optimiser.appraisal.probe import check_scheduler

    with LocalCluster(n_workers=0, processes=False, protocol="tcp://", host="127.0.0.1",
                      dashboard_address=None) as cluster:
        check_scheduler(cluster.scheduler_address)


def test_docs_errors_lists_every_class():
    text = (ROOT / "docs" / "errors.md").read_text(encoding="utf-8")
    for case in CASES:
        assert f"| {case.title} | exit {case.code}: " in text, case.title
