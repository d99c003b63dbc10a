"""Output folders never lose a person's files (optimiser.io.outdir): written aside, swapped in
only on success, only the tool's own files deleted, inputs and links respected."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from optimiser.cli import app
from optimiser.io.outdir import (
    MANIFEST,
    STAGING,
    OutputError,
    check_output_file,
    staged_output,
    written_by_tool,
)
from tests.builders import ROOT

WORKED = ROOT / "instances" / "examples" / "worked-example" / "instance.yaml"
INFEASIBLE = ROOT / "instances" / "examples" / "infeasible-market-growth" / "instance.yaml"


def _digests(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _write(folder: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text)


def test_a_new_folder_gets_the_files_and_a_manifest_of_them(tmp_path):
    out = tmp_path / "plan"
    with staged_output(out) as staged:
        assert staged.path.parent == tmp_path and not out.exists()
        _write(staged.path, {"a.csv": "1", "tables/b.parquet": "2"})
    assert _digests(out).keys() == {"a.csv", "tables/b.parquet", MANIFEST}
    assert written_by_tool(out) == {"a.csv", "tables/b.parquet"}
    assert [p.name for p in tmp_path.iterdir()] == ["plan"]


def test_force_replaces_the_earlier_outputs_whole(tmp_path):
    out = tmp_path / "plan"
    with staged_output(out) as staged:
        _write(staged.path, {"a.csv": "old", "gone.csv": "old"})
    with staged_output(out, force=True) as staged:
        assert staged.holds_outputs
        _write(staged.path, {"a.csv": "new"})
    assert (out / "a.csv").read_text() == "new" and not (out / "gone.csv").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["plan"]


def test_a_failure_in_the_block_leaves_the_earlier_outputs(tmp_path):
    out = tmp_path / "plan"
    with staged_output(out) as staged:
        _write(staged.path, {"a.csv": "old"})
    before = _digests(tmp_path)
    with pytest.raises(RuntimeError), staged_output(out, force=True) as staged:
        _write(staged.path, {"a.csv": "half"})
        raise RuntimeError("the writer failed")
    assert _digests(tmp_path) == before


def test_keep_old_discards_the_new_outputs(tmp_path):
    out = tmp_path / "plan"
    with staged_output(out) as staged:
        _write(staged.path, {"a.csv": "old"})
    with staged_output(out, force=True) as staged:
        _write(staged.path, {"a.csv": "new"})
        staged.keep_old()
    assert (out / "a.csv").read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["plan"]


@pytest.mark.parametrize("force", [False, True])
def test_a_folder_with_files_the_tool_did_not_write_is_refused(tmp_path, force):
    out = tmp_path / "plan"
    out.mkdir()
    (out / "thesis.docx").write_text("mine")
    with pytest.raises(OutputError, match="thesis.docx"):
        with staged_output(out, force=force):
            pass
    assert _digests(tmp_path) == {"plan/thesis.docx": hashlib.sha256(b"mine").hexdigest()}


def test_a_forged_manifest_entry_outside_the_folder_deletes_nothing_outside(tmp_path):
    """Only names inside the folder count: ``../x`` in a manifest is not a file of it."""
    out, keep = tmp_path / "plan", tmp_path / "keep.txt"
    keep.write_text("mine")
    with staged_output(out) as staged:
        _write(staged.path, {"a.csv": "old"})
    (out / MANIFEST).write_text(json.dumps({"files": ["a.csv", "../keep.txt"]}))
    with staged_output(out, force=True) as staged:
        _write(staged.path, {"a.csv": "new"})
    assert keep.read_text() == "mine"


def test_a_symlinked_folder_is_written_through_and_the_link_kept(tmp_path):
    real, link = tmp_path / "real", tmp_path / "link"
    real.mkdir()
    link.symlink_to(real)
    with staged_output(link) as staged:
        _write(staged.path, {"a.csv": "1"})
    assert link.is_symlink() and (real / "a.csv").read_text() == "1"


@pytest.mark.parametrize("where", [".", "..", "sub/.."])
def test_a_folder_holding_an_input_is_refused(tmp_path, where):
    instance = tmp_path / "area" / "instance.yaml"
    _write(tmp_path, {"area/instance.yaml": "x", "area/sub/keep": "y"})
    with pytest.raises(OutputError, match="an input of this run"):
        with staged_output(instance.parent / where, force=True, inputs=[instance]):
            pass


def test_an_output_file_is_not_replaced_without_force_nor_written_under_a_wrong_name(
        tmp_path):
    book = tmp_path / "t.xlsx"
    book.write_text("filled in")
    with pytest.raises(OutputError, match="already exists"):
        check_output_file(book, suffixes=[".xlsx"])
    check_output_file(book, force=True, suffixes=[".xlsx"])
    with pytest.raises(OutputError, match="should end in .xlsx"):
        check_output_file(tmp_path / "t.yaml", suffixes=[".xlsx"])
    with pytest.raises(OutputError, match="is a folder"):
        check_output_file(tmp_path, suffixes=[])


def test_an_unwritable_place_is_named(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(OutputError, match=str(blocker / "plan")):
        with staged_output(blocker / "plan"):
            pass


# --- Through the command line -----------------------------------------------------------------

def test_an_infeasible_solve_keeps_the_earlier_plan(tmp_path):
    out = tmp_path / "plan"
    assert CliRunner().invoke(app, ["solve", str(WORKED), "--out", str(out)]).exit_code == 0
    before = _digests(tmp_path)

    result = CliRunner().invoke(app, ["solve", str(INFEASIBLE), "--out", str(out), "--force"])

    assert result.exit_code == 1
    assert "earlier outputs in" in result.stderr and "unchanged" in result.stderr
    assert _digests(tmp_path) == before


_SLOW_WRITER = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    import optimiser.report.files as report
    from optimiser.cli import app

    marker = Path(sys.argv[1])

    def stall(solution, workbook):
        marker.write_text("writing")
        time.sleep(60)

    report.write_workbook = stall
    sys.argv = ["optimiser", *sys.argv[2:]]
    app()
""")


def test_kill_9_while_writing_leaves_the_earlier_outputs(tmp_path):
    """The process is killed (SIGKILL, no clean-up at all) half-way through writing the new
    outputs: the earlier ones are exactly as they were."""
    out = tmp_path / "plan"
    assert CliRunner().invoke(app, ["solve", str(WORKED), "--out", str(out)]).exit_code == 0
    before = _digests(out)
    marker = tmp_path / "marker"
    process = subprocess.Popen(
        [sys.executable, "-c", _SLOW_WRITER, str(marker), "solve", str(WORKED), "--out",
         str(out), "--force"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 120
        while not marker.exists():
            assert process.poll() is None, process.communicate()[1]
            assert time.monotonic() < deadline, "the solve never reached the writer"
            time.sleep(0.05)
    finally:
        if process.poll() is None:
            os.kill(process.pid, signal.SIGKILL)
        process.wait()
    assert process.returncode == -signal.SIGKILL
    assert _digests(out) == before
    left = [p for p in tmp_path.iterdir() if p.name.startswith(".plan.partial-")]
    assert len(left) == 1 and (left[0] / STAGING).is_file()
    assert _cli("solve", WORKED, "--out", out, "--force").exit_code == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["marker", "plan"]


def _dead_pid() -> int:
    """The id of a process that has finished (and been reaped)."""
    finished = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                              capture_output=True, text=True, check=True)
    return int(finished.stdout)


def _staging(folder: Path, marker: dict | None) -> Path:
    """A folder like one a killed run leaves: a half-written file, and the marker if given."""
    _write(folder, {"capacity.csv": "half"})
    if marker is not None:
        (folder / STAGING).write_text(json.dumps(marker))
    return folder


def test_a_killed_runs_staging_folder_is_removed_and_nothing_else(tmp_path):
    """Beside the target: the staging folder of a run that died (its marker names a process
    no longer running on this machine) goes; look-alikes stay: no marker, a marker naming a
    live process or another machine, another target's staging folder, a name off the
    pattern, and a link to a dead run's folder (the folder it names stays too)."""
    host, dead = socket.gethostname(), _dead_pid()
    stale = _staging(tmp_path / ".plan.partial-0123456789ab", {"pid": dead, "host": host})
    kept = [
        _staging(tmp_path / ".plan.partial-aaaaaaaaaaaa", None),
        _staging(tmp_path / ".plan.partial-bbbbbbbbbbbb", {"pid": os.getppid(), "host": host}),
        _staging(tmp_path / ".plan.partial-cccccccccccc", {"pid": dead, "host": host + "-x"}),
        _staging(tmp_path / ".plan.partial-dddddddddddd", {"pid": str(dead), "host": host}),
        _staging(tmp_path / ".other.partial-0123456789ab", {"pid": dead, "host": host}),
        _staging(tmp_path / ".plan.partial-my-notes", {"pid": dead, "host": host}),
        _staging(tmp_path / "elsewhere", {"pid": dead, "host": host}),
    ]
    (tmp_path / ".plan.partial-eeeeeeeeeeee").symlink_to(tmp_path / "elsewhere")
    before = _digests(tmp_path)
    with staged_output(tmp_path / "plan") as staged:
        _write(staged.path, {"a.csv": "new"})
    assert not stale.exists()
    assert all(folder.is_dir() for folder in kept)
    assert (tmp_path / ".plan.partial-eeeeeeeeeeee").is_symlink()
    after = _digests(tmp_path)
    assert {k: v for k, v in before.items() if not k.startswith(stale.name)} == \
        {k: v for k, v in after.items() if not k.startswith("plan/")}


def test_the_marker_is_in_the_folder_being_written_and_not_in_the_outputs(tmp_path):
    """While the block runs the staging folder names this process; the outputs do not carry
    the marker, so it never stands in the way of a later --force."""
    with staged_output(tmp_path / "plan") as staged:
        marker = json.loads((staged.path / STAGING).read_text())
        assert marker == {"pid": os.getpid(), "host": socket.gethostname()}
    assert not (tmp_path / "plan" / STAGING).exists()
    assert STAGING not in written_by_tool(tmp_path / "plan")


def _cli(*args: object):
    return CliRunner().invoke(app, [str(arg) for arg in args])


def test_template_never_replaces_a_workbook_without_force_nor_writes_one_as_yaml(tmp_path):
    book = tmp_path / "filled.xlsx"
    book.write_bytes(b"a commissioner's filled-in workbook")
    before = _digests(tmp_path)

    kept = _cli("template", "--out", book)
    misnamed = _cli("template", "--out", tmp_path / "t.yaml")

    assert kept.exit_code == 2 and "already exists" in kept.stderr and "--force" in kept.stderr
    assert misnamed.exit_code == 2 and "should end in .xlsx" in misnamed.stderr
    assert _digests(tmp_path) == before
    assert _cli("template", "--out", book, "--force").exit_code == 0
    assert book.read_bytes().startswith(b"PK")


def test_evidence_never_replaces_an_edited_table(tmp_path):
    out = tmp_path / "ev"
    assert _cli("evidence", WORKED, "--out", out).exit_code == 0
    (out / "evidence.csv").write_text("edited by hand")
    (out / MANIFEST).unlink()  # as if from a run before manifests: nothing known to be ours
    before = _digests(tmp_path)

    for force in ([], ["--force"]):
        result = _cli("evidence", WORKED, "--out", out, *force)
        assert result.exit_code == 2, result.output
    assert _digests(tmp_path) == before


def test_export_never_replaces_a_file_without_force(tmp_path):
    model = tmp_path / "model.mps"
    model.write_text("mine")
    result = _cli("export", WORKED, "--mps", model)
    assert result.exit_code == 2 and "already exists" in result.stderr
    assert model.read_text() == "mine"
    assert _cli("export", WORKED, "--mps", model, "--force").exit_code == 0


@pytest.mark.parametrize("command", [
    ["template", "--out", "{blocked}/t.xlsx"],
    ["evidence", WORKED, "--out", "{blocked}/ev"],
    ["export", WORKED, "--lp", "{blocked}/m.lp"],
    ["frontier", WORKED, "--outcome", "independent", "--out", "{blocked}/f"],
    ["solve", WORKED, "--out", "{blocked}/plan"],
])
def test_an_output_under_a_file_is_refused_naming_the_path(tmp_path, command):
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    result = _cli(*(str(part).format(blocked=blocked) for part in command))
    assert result.exit_code == 2, result.output
    assert str(blocked) in result.stderr and "Traceback" not in result.output
    assert _digests(tmp_path) == {"a-file": hashlib.sha256(b"not a folder").hexdigest()}
