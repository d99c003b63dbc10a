"""Nothing lost: outputs are written atomically, an output folder is replaced only with
--force (and never one holding the instance), and input files are never modified."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import optimiser.report.files as report
from optimiser.cli import app
from optimiser.io import save_instance, write_yaml
from optimiser.io.outdir import MANIFEST
from tests.builders import ROOT
from tests.io_helpers import worked_example

WORKED = ROOT / "instances" / "examples" / "worked-example" / "instance.yaml"
INFEASIBLE = ROOT / "instances" / "examples" / "infeasible-market-growth" / "instance.yaml"
BAD_INPUT = 2


def _run(*args: str):
    return CliRunner().invoke(app, [str(arg) for arg in args])


def _digests(folder: Path) -> dict[Path, str]:
    return {path: hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(folder.rglob("*")) if path.is_file()}


# --- The output folder ------------------------------------------------------------------------

def test_an_existing_output_folder_is_not_overwritten_without_force(tmp_path):
    out = tmp_path / "plan"
    out.mkdir()
    (out / "board-paper.docx").write_bytes(b"the commissioner's own notes")
    before = _digests(out)

    result = _run("solve", WORKED, "--out", out)

    assert result.exit_code == BAD_INPUT
    assert "already holds files" in result.stderr and "--force" in result.stderr
    assert _digests(out) == before


def test_force_replaces_the_outputs_an_earlier_run_wrote(tmp_path):
    """A file the earlier run wrote and this one does not (listed in the folder's manifest)
    goes; the rest are replaced."""
    out = tmp_path / "plan"
    assert _run("solve", WORKED, "--out", out).exit_code == 0
    (out / "stale.csv").write_text("from an earlier run")
    manifest = json.loads((out / MANIFEST).read_text())
    (out / MANIFEST).write_text(json.dumps({"files": [*manifest["files"], "stale.csv"]}))

    result = _run("solve", WORKED, "--out", out, "--force")

    assert result.exit_code == 0, result.output
    assert not (out / "stale.csv").exists()
    assert (out / "summary.md").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["plan"], "nothing left beside it"


def test_force_never_deletes_a_file_the_tool_did_not_write(tmp_path):
    out = tmp_path / "plan"
    assert _run("solve", WORKED, "--out", out).exit_code == 0
    (out / "thesis.docx").write_bytes(b"a year of work")
    before = _digests(tmp_path)

    result = _run("solve", WORKED, "--out", out, "--force")

    assert result.exit_code == BAD_INPUT
    assert "did not write (thesis.docx)" in result.stderr
    assert _digests(tmp_path) == before


def test_an_empty_output_folder_is_used_without_force(tmp_path):
    out = tmp_path / "plan"
    out.mkdir()
    assert _run("solve", WORKED, "--out", out).exit_code == 0
    assert (out / "capacity.csv").exists()


def test_an_output_path_that_is_a_file_is_refused(tmp_path):
    out = tmp_path / "plan.csv"
    out.write_text("keep me")
    for force in ([], ["--force"]):
        result = _run("solve", WORKED, "--out", out, *force)
        assert result.exit_code == BAD_INPUT
        assert "is a file, not a folder" in result.stderr
        assert "Traceback" not in result.output
    assert out.read_text() == "keep me"


@pytest.mark.parametrize("where", [".", ".."])
def test_an_output_folder_holding_the_instance_is_refused_even_with_force(tmp_path, where):
    folder = tmp_path / "area"
    folder.mkdir()
    instance = folder / "instance.yaml"
    instance.write_bytes(WORKED.read_bytes())
    before = _digests(tmp_path)

    result = _run("solve", instance, "--out", folder / where, "--force")

    assert result.exit_code == BAD_INPUT
    assert "an input of this run" in result.stderr
    assert _digests(tmp_path) == before


def test_an_output_folder_that_cannot_be_written_is_reported(tmp_path, monkeypatch):
    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied", str(tmp_path / "plan"))

    monkeypatch.setattr("optimiser.report.write_outputs", refuse)
    result = _run("solve", WORKED, "--out", tmp_path / "plan")
    assert result.exit_code == BAD_INPUT
    assert "Cannot write the outputs" in result.stderr and "Permission denied" in result.stderr
    assert not (tmp_path / "plan").exists() and list(tmp_path.iterdir()) == []
    assert "Traceback" not in result.output


# --- Atomic writes ----------------------------------------------------------------------------

@pytest.mark.parametrize("instance", [WORKED, INFEASIBLE], ids=["optimal", "infeasible"])
def test_every_output_is_written_through_an_atomic_rename(tmp_path, monkeypatch, instance):
    """Each file is written to a temporary name beside it and renamed into place, so a reader
    (or a crash) never sees half a file."""
    through = []
    atomic = report.atomic_path

    def recording(path):
        through.append(Path(path).name)
        return atomic(path)

    monkeypatch.setattr(report, "atomic_path", recording)
    out = tmp_path / "plan"
    _run("solve", instance, "--out", out)

    written = sorted(path.name for path in out.iterdir() if path.name != MANIFEST)
    assert sorted(through) == written
    assert "summary.md" in written and "timings.json" in written


def test_a_failure_while_writing_leaves_no_partial_file(tmp_path, monkeypatch):
    """A disk filling up half-way through the workbook: no plan.xlsx, no temporary file left
    behind, exit 2 with the reason, and the outputs of an earlier run untouched."""
    earlier = tmp_path / "earlier"
    assert _run("solve", WORKED, "--out", earlier).exit_code == 0
    before = _digests(earlier)

    def disk_full(solution, workbook):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(report, "write_workbook", disk_full)
    out = tmp_path / "plan"
    result = _run("solve", WORKED, "--out", out)

    assert result.exit_code == BAD_INPUT and "No space left on device" in result.stderr
    assert "Traceback" not in result.output
    assert not out.exists(), "nothing of a failed run is left"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["earlier"]
    assert _digests(earlier) == before


def test_a_full_disk_while_replacing_keeps_the_earlier_outputs(tmp_path, monkeypatch):
    out = tmp_path / "plan"
    assert _run("solve", WORKED, "--out", out).exit_code == 0
    before = _digests(tmp_path)

    def disk_full(solution, workbook):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(report, "write_workbook", disk_full)
    result = _run("solve", WORKED, "--out", out, "--force")

    assert result.exit_code == BAD_INPUT and "No space left on device" in result.stderr
    assert "earlier outputs there, if any, are unchanged" in result.stderr
    assert _digests(tmp_path) == before


# --- Input files ------------------------------------------------------------------------------

@pytest.fixture(params=["yaml", "yaml+csv", "xlsx"])
def instance_file(request, tmp_path) -> Path:
    """The worked example as each kind of input, in a folder of its own."""
    folder = tmp_path / "input"
    folder.mkdir()
    if request.param == "xlsx":
        save_instance(worked_example(), folder / "instance.xlsx")
        return folder / "instance.xlsx"
    tables = ("demand", "services", "stages") if request.param == "yaml+csv" else ()
    write_yaml(worked_example(), folder / "instance.yaml", csv_tables=tables)
    return folder / "instance.yaml"


def test_input_files_are_never_modified(tmp_path, instance_file):
    folder = instance_file.parent
    before = _digests(folder)
    commands = [
        ("validate", instance_file),
        ("solve", instance_file, "--out", tmp_path / "plan"),
        ("solve", instance_file, "--out", tmp_path / "plan", "--force", "--maximise",
         "independent"),
        ("template", "--from", instance_file, "--out", tmp_path / "filled.xlsx"),
    ]
    for command in commands:
        _run(*command)
        assert _digests(folder) == before, command
