"""Output folders that never lose a person's files.

A command that writes a folder of outputs (a plan, an evidence table, a frontier) writes them
into a new folder beside the target and puts it in the target's place only when every file is
written: an interrupted, failed or killed run (an infeasible solve, a full disk, kill -9)
leaves the earlier outputs as they were. The tool deletes only files it wrote itself: each
folder it fills carries a manifest (:data:`MANIFEST`) listing them, and a folder holding
anything else (a board paper, the instance's own files) is never replaced, even with
``--force``.

>>> with staged_output(Path("plan"), force=True) as staged:  # doctest: +SKIP
...     write_outputs(solution, staged.path)

The rules, checked before any long work starts (:func:`check_output_folder`):

* an existing folder with files in it is replaced only with ``force``, and only when every
  file in it is listed in its manifest (written by an earlier run);
* a folder that holds (or is inside the folder of) one of the run's inputs is refused;
* a path that is a file, or a folder that cannot be written, is refused, naming the path;
* a symbolic link to a folder stands for that folder (the link is kept).

A run killed with ``kill -9`` while writing leaves its hidden ``.NAME.partial-…`` folder
beside the target. The next run writing to the same target removes such folders, but only its
own: the name fits the tool's pattern, and the folder holds the marker (:data:`STAGING`) the
tool writes when it makes one, naming a process on this machine that is no longer running
(:func:`remove_stale_staging`). Anything else beside the target is left alone.

Single output files (a template workbook, an exported LP) follow the same rule through
:func:`check_output_file` and :func:`optimiser.io.atomic.atomic_path`.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import json
import os
import re
import shutil
import socket
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

MANIFEST = ".optimiser-outputs.json"
"""The file listing, relative to the folder, every file the tool wrote into it."""
STAGING = ".optimiser-staging.json"
"""The marker in a folder being written: the process writing it (``pid``) and its machine
(``host``), so a later run knows the folder for its own and whether its writer still runs.
It is taken out just before the folder is put in the target's place."""
SHOWN = 5
"""Files named in a message about a folder's contents."""


class OutputError(Exception):
    """An output path that cannot be used, in words that name it and say what to do."""


@dataclass
class Staged:
    """A folder being written: write into :attr:`path`; it replaces :attr:`target` when the
    ``with`` block ends without an exception, unless :meth:`keep_old` was called."""

    target: Path
    """The folder the outputs are for (a symbolic link resolved to the folder it names)."""
    path: Path
    """The temporary folder beside the target that the outputs are written into."""
    holds_outputs: bool
    """Whether the target already holds outputs of an earlier run."""
    _keep: bool = field(default=False, repr=False)

    def keep_old(self) -> None:
        """Leave the target as it is and discard what was written (e.g. no plan was found
        and the folder holds an earlier plan)."""
        self._keep = True


def _resolved(path: Path) -> Path:
    """The path a symbolic link points to (followed to the end), or the path itself."""
    return Path(os.path.realpath(path))


def _files(folder: Path) -> list[str]:
    """Every file (and link) below ``folder``, relative to it, sorted."""
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*")
                  if p.is_file() or p.is_symlink())


def written_by_tool(folder: Path) -> set[str]:
    """The files the manifest of ``folder`` says the tool wrote (none if it has no manifest
    or an unreadable one)."""
    try:
        listed = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))["files"]
    except (OSError, ValueError, KeyError, TypeError):
        return set()
    return {name for name in listed if isinstance(name, str)}


def record_written(folder: Path, names: Iterable[str]) -> None:
    """Add files a later command wrote into an output folder (``optimiser simulate`` into a
    plan) to its manifest, so that ``--force`` may replace them like the rest."""
    from optimiser.io.atomic import atomic_path

    listed = sorted(written_by_tool(folder) | set(names))
    with atomic_path(folder / MANIFEST) as tmp:
        tmp.write_text(json.dumps({"files": listed}, indent=1) + "\n", encoding="utf-8")


def _named(names: Iterable[str]) -> str:
    names = list(names)
    shown = ", ".join(names[:SHOWN])
    return shown + (f" and {len(names) - SHOWN} more" if len(names) > SHOWN else "")


def check_output_folder(out: Path, force: bool = False, inputs: Iterable[Path] = ()) -> Path:
    """The folder outputs for ``out`` will be put in (a link resolved), or OutputError saying
    why ``out`` cannot be used. Call it before long work, so a bad ``--out`` fails at once."""
    target = _resolved(out)
    if target.exists() and not target.is_dir():
        raise OutputError(f"--out: {out} is a file, not a folder. Choose a folder for the "
                          "outputs.")
    for given in inputs:
        source = _resolved(given)
        if target == source or target in source.parents:
            raise OutputError(f"--out: the folder {out} holds {given}, an input of this run. "
                              "Choose a folder of its own for the outputs, so the input is "
                              "never overwritten.")
    present = [name for name in _files(target) if name != MANIFEST] if target.is_dir() else []
    if present and not force:
        raise OutputError(f"The output folder {out} already holds files ({_named(present)}). "
                          "Choose another folder, or add --force to replace the outputs an "
                          "earlier run wrote there.")
    foreign = [name for name in present if name not in written_by_tool(target)]
    if foreign:
        raise OutputError(f"The output folder {out} holds files this tool did not write "
                          f"({_named(foreign)}); --force replaces only its own outputs, so "
                          "nothing of yours is lost. Move those files, or choose another "
                          "folder.")
    return target


@contextmanager
def staged_output(out: Path, force: bool = False, inputs: Iterable[Path] = ()
                  ) -> Iterator[Staged]:
    """A temporary folder beside ``out`` to write outputs into, put in ``out``'s place when
    the block succeeds (see the module's rules). OutputError for an ``out`` that cannot be
    used or written, naming it; an exception in the block leaves ``out`` untouched."""
    target = check_output_folder(out, force, inputs)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        remove_stale_staging(target)
        staging = target.parent / f".{target.name}.partial-{uuid.uuid4().hex[:12]}"
        staging.mkdir()
        (staging / STAGING).write_text(
            json.dumps({"pid": os.getpid(), "host": socket.gethostname()}) + "\n",
            encoding="utf-8")
    except OSError as problem:
        raise OutputError(f"--out: cannot write to {out} ({problem.strerror or problem}). "
                          "Choose a folder you can write to.") from None
    staged = Staged(target, staging, target.is_dir() and bool(_files(target)))
    swapped = False
    try:
        yield staged
        if not staged._keep:
            _swap_in(staged, out, force, inputs)
            swapped = True
    except OSError as problem:
        raise OutputError(f"Cannot write the outputs to {out} "
                          f"({problem.strerror or problem}); the earlier outputs there, if "
                          "any, are unchanged.") from None
    finally:
        if not swapped and staging.exists():  # only what this run wrote is in it
            _remove_written(staging, set(_files(staging)))


def _swap_in(staged: Staged, out: Path, force: bool, inputs: Iterable[Path]) -> None:
    """Put the written folder in the target's place; delete the earlier outputs it replaces."""
    (staged.path / STAGING).unlink()
    written = _files(staged.path)
    (staged.path / MANIFEST).write_text(
        json.dumps({"files": written}, indent=1) + "\n", encoding="utf-8")
    target = check_output_folder(out, force, inputs)  # again: it may have changed meanwhile
    if not target.exists():
        os.rename(staged.path, target)
        return
    earlier = written_by_tool(target) | {MANIFEST}
    if _exchange(staged.path, target):
        _remove_written(staged.path, earlier)
        return
    aside = target.parent / f".{target.name}.old-{uuid.uuid4().hex[:12]}"
    os.rename(target, aside)
    os.rename(staged.path, target)
    _remove_written(aside, earlier)


def _running(pid: int) -> bool:
    """Whether a process with this id runs on this machine (one of another user's counts)."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # it exists but is not ours to signal, or the id is out of range
        return True
    return True


def _stale(folder: Path) -> bool:
    """Whether ``folder`` is a staging folder this tool made whose writer has died: a real
    folder (not a link) holding the marker, written on this machine by a process no longer
    running. Anything unreadable or unexpected counts as not stale."""
    if folder.is_symlink() or not folder.is_dir():
        return False
    try:
        marker = json.loads((folder / STAGING).read_text(encoding="utf-8"))
        pid, host = marker["pid"], marker["host"]
    except (OSError, ValueError, KeyError, TypeError):
        return False
    if not isinstance(pid, int) or isinstance(pid, bool) or pid <= 0:
        return False
    return host == socket.gethostname() and not _running(pid)


def remove_stale_staging(target: Path) -> list[Path]:
    """Remove the staging folders of ``target`` that killed runs of this tool left beside it
    (see the module's notes), and return them; every other file and folder stays."""
    if not target.parent.is_dir():
        return []
    pattern = re.compile(rf"\.{re.escape(target.name)}\.partial-[0-9a-f]{{12}}")
    removed = []
    for folder in sorted(target.parent.iterdir()):
        if pattern.fullmatch(folder.name) and _stale(folder):
            try:
                shutil.rmtree(folder)
            except OSError:  # left as it was found: it never stands in this run's way
                continue
            removed.append(folder)
    return removed


def _remove_written(folder: Path, names: set[str]) -> None:
    """Delete the listed files below ``folder``, then the folders left empty; anything else
    stays (and so does ``folder``, if it still holds something)."""
    inside = folder.resolve()
    for name in names:
        path = folder / name
        if inside in path.resolve().parents:  # a forged '../x' is not a file of the folder
            path.unlink(missing_ok=True)
    for sub in sorted((p for p in folder.rglob("*") if p.is_dir() and not p.is_symlink()),
                      key=lambda p: len(p.parts), reverse=True):
        if not any(sub.iterdir()):
            sub.rmdir()
    if not any(folder.iterdir()):
        folder.rmdir()


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(first: Path, second: Path) -> bool:
    """Swap two folders in one step (Linux ``renameat2`` with RENAME_EXCHANGE), so no moment
    passes with neither in place; False where the system cannot, to swap in two renames."""
    name = ctypes.util.find_library("c")
    try:
        renameat2 = ctypes.CDLL(name, use_errno=True).renameat2
    except (OSError, AttributeError, TypeError):
        return False
    result = renameat2(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second),
                       _RENAME_EXCHANGE)
    return result == 0


def check_output_file(path: Path, force: bool = False, suffixes: Iterable[str] = (),
                      option: str = "--out") -> None:
    """Refuse an output file that exists (without ``force``), is a folder, has a suffix other
    than ``suffixes`` (the writer's format), or whose folder cannot be written."""
    wanted = tuple(suffixes)
    if wanted and path.suffix.lower() not in wanted:
        raise OutputError(f"{option}: {path} should end in {' or '.join(wanted)}, the format "
                          "written (a file's name tells other programs how to open it).")
    if path.is_dir():
        raise OutputError(f"{option}: {path} is a folder; give a file name.")
    if path.exists() and not force:
        raise OutputError(f"{path} already exists. Choose another name, or add --force to "
                          "replace it.")
    folder = _resolved(path).parent
    nearest = next((p for p in (folder, *folder.parents) if p.exists()), folder)
    if not nearest.is_dir() or not os.access(nearest, os.W_OK | os.X_OK):
        raise OutputError(f"{option}: cannot write {path}: {nearest} is not a folder you can "
                          "write to.")


__all__ = ["MANIFEST", "STAGING", "OutputError", "Staged", "check_output_file",
           "check_output_folder", "remove_stale_staging", "staged_output", "written_by_tool"]
