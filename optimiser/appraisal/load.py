"""Reading an appraisal file: the YAML, its base instance and every option applied to it.

Whatever is wrong becomes one :class:`~optimiser.io.InputError` naming the file, the option
(by name, and its line in the file), the field, what was found and what was expected. Every
option is applied and re-validated before anything is solved, so a mistake in option 40 is
reported at once, not after an hour of solving."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

import yaml
from pydantic import ValidationError
from pyomo.common.gc_manager import PauseGC

from models import Instance
from models.appraisal import Appraisal, Option, OptionError, apply_option
from optimiser.io import InputError, InputProblem, load_instance
from optimiser.io.errors import file_problem, raise_any
from optimiser.io.yaml_io import repeated, repeated_keys
from optimiser.io.yaml_safe import load_with_nodes

_NAMED = re.compile(r"^(?P<field>[\w.\[\]]+): found (?P<found>.*?); expected (?P<expected>.*)$",
                    re.DOTALL)
MAX_OPTIONS = 1000
"""Most options an appraisal may have unless ``--max-options`` says more: at about a second an
option, a thousand take a quarter of an hour on a laptop."""
EXPECTED = ("an appraisal file (YAML) with name, base (the instance, relative to this file) "
            "and options and/or a grid")


@dataclass
class LoadedAppraisal:
    """An appraisal ready to run: every option applied to the base and validated."""

    path: Path
    appraisal: Appraisal
    base_path: Path
    base: Instance
    options: list[Option]
    instances: dict[str, Instance]

    def option(self, name: str) -> Option:
        """An option by its name."""
        return self._by_name[name]

    def __post_init__(self) -> None:
        self._by_name = {o.name: o for o in self.options}
        self._base_digest = hashlib.sha256(self.base.model_dump_json().encode("utf-8"))
        self._fingerprints: dict[str, str] = {}

    def fingerprint(self, option: str) -> str:
        """A digest of the base instance and the option's changes: a finished result is
        reused only if the option (and the base instance it rests on) is unchanged. (The
        option's whole instance would say the same, at the cost of writing out each one: 3 s
        for 1,000 options of a 30 × 10 base, before the first could be solved.)"""
        if option not in self._fingerprints:
            digest = self._base_digest.copy()
            digest.update(self.option(option).model_dump_json().encode("utf-8"))
            self._fingerprints[option] = digest.hexdigest()[:20]
        return self._fingerprints[option]


def _node_at(root: yaml.Node | None, steps: tuple) -> yaml.Node | None:
    node, found = root, None
    for step in steps:
        if isinstance(node, yaml.MappingNode):
            node = next((v for k, v in node.value if k.value == step), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(step, int) \
                and step < len(node.value):
            node = node.value[step]
        else:
            node = None
        if node is None:
            break
        found = node
    return found


def _describe_location(data: dict, loc: tuple) -> tuple[str, str]:
    """Turn a pydantic error location into (where in words, field)."""
    parts: list[str] = []
    steps = list(loc)
    field_parts: list[str] = []
    i = 0
    while i < len(steps):
        step = steps[i]
        nxt = steps[i + 1] if i + 1 < len(steps) else None
        if step == "options" and isinstance(nxt, int):
            name = _get(data, ["options", nxt, "name"])
            parts.append(f"option {name!r}" if name else f"options item {nxt + 1}")
            i += 2
        elif step == "dimensions" and isinstance(nxt, int):
            name = _get(data, ["grid", "dimensions", nxt, "name"])
            parts.append(f"grid dimension {name!r}" if name else f"dimension {nxt + 1}")
            dim = nxt
            i += 2
            if i + 1 < len(steps) and steps[i] == "levels" and isinstance(steps[i + 1], int):
                level = _get(data, ["grid", "dimensions", dim, "levels", steps[i + 1], "name"])
                parts.append(f"level {level!r}" if level else f"level {steps[i + 1] + 1}")
                i += 2
        elif step == "changes" and isinstance(nxt, int):
            parts.append(f"changes[{nxt}]")
            i += 2
            if i < len(steps) and steps[i] in ("table", "contract"):
                i += 1  # the union's tag, not a field
        elif step == "grid":
            i += 1
        else:
            field_parts.append(str(step))
            i += 1
    return ", ".join(parts), ".".join(field_parts)


def _get(data, path):
    for step in path:
        try:
            data = data[step]
        except (KeyError, IndexError, TypeError):
            return None
    return data


def _problems_of(path: Path, data: dict, root, error: ValidationError) -> list[InputProblem]:
    problems = []
    for item in error.errors():
        loc = tuple(item["loc"])
        where, field = _describe_location(data, loc)
        node = _node_at(root, loc)
        if node is not None:
            where = ", ".join(p for p in (where, f"line {node.start_mark.line + 1}") if p)
        message = item["msg"].removeprefix("Value error, ")
        found, expected = "", message
        named = _NAMED.match(message)
        if named:
            field = ".".join(p for p in (field, named["field"]) if p)
            found, expected = named["found"], named["expected"]
        elif message.startswith("found ") and "; expected " in message:
            found, expected = message.removeprefix("found ").split("; expected ", 1)
        elif item["type"] == "missing":
            found, expected = "nothing", "a value (this field is required)"
        else:
            found = repr(item.get("input")) if not isinstance(item.get("input"), dict) \
                else "this entry"
        problems.append(InputProblem(str(path), where, field, found, expected))
    return problems


def read_appraisal(path: Path | str) -> tuple[Appraisal, yaml.Node | None]:
    """The validated appraisal file (not yet applied to its base)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise file_problem(path, "no such file", EXPECTED) from None
    except (OSError, UnicodeDecodeError) as problem:
        raise file_problem(path, f"a file that cannot be read ({problem})", EXPECTED) from None
    try:
        root, data = load_with_nodes(text)
    except yaml.YAMLError as problem:
        mark = getattr(problem, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else ""
        raise file_problem(path, f"a YAML syntax error ({getattr(problem, 'problem', '')})",
                           "valid YAML: check the indentation, and put text containing ':' "
                           "or '#' in quotes", where) from None
    if not isinstance(data, dict) or root is None:
        raise file_problem(path, f"a {type(data).__name__}", EXPECTED)
    raise_any([repeated(path, key) for key in repeated_keys(root)])
    try:
        return Appraisal.model_validate(data), root
    except ValidationError as problem:
        raise InputError(_problems_of(path, data, root, problem)) from None


def load_appraisal(path: Path | str, max_options: int = MAX_OPTIONS) -> LoadedAppraisal:
    """Read an appraisal, load its base instance and apply every option to it. An appraisal
    of more than ``max_options`` options is refused before any is made."""
    path = Path(path)
    appraisal, root = read_appraisal(path)
    count = appraisal.count()
    if count > max_options:
        raise file_problem(path, f"{count:,} options", f"at most {max_options:,} options (a "
                           "grid has the product of its dimensions' levels); to run this many, "
                           f"add --max-options {count}")
    base_path = (path.parent / appraisal.base).resolve()
    try:
        base = load_instance(base_path)
    except InputError as problem:
        raise InputError([InputProblem(str(path), "", "base", appraisal.base,
                                       "a valid instance; it has these problems:"),
                          *problem.problems]) from None
    options = appraisal.expanded()
    instances: dict[str, Instance] = {}
    problems: list[InputProblem] = []
    # Every option's instance is kept: Python's cyclic collector, walking them all again and
    # again as they pile up, would take as long as making them.
    with PauseGC():
        for option in options:
            try:
                instances[option.name] = apply_option(base, option)
            except OptionError as problem:
                where = f"option {option.name!r}" + (
                    "" if problem.change is None else f", changes[{problem.change}]")
                problems.append(InputProblem(str(path), where, problem.field, problem.found,
                                             problem.expected))
    if problems:
        raise InputError(problems)
    return LoadedAppraisal(path, appraisal, base_path, base, options, instances)
