"""An instance as one YAML file, any of whose tables may instead name a CSV file beside it
(``demand: demand.csv``)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from models import TABLES, Instance
from optimiser.io.atomic import atomic_path
from optimiser.io.csv_io import read_csv_table, write_csv_table
from optimiser.io.errors import (
    InputError,
    InputProblem,
    collecting,
    file_problem,
    raise_any,
)
from optimiser.io.origins import Origins, RawInstance, Steps
from optimiser.io.text import read_text
from optimiser.io.yaml_safe import load_with_nodes

EXPECTED = "a YAML text file (UTF-8) describing an instance: name, years, settings and tables"
SYNTAX_HINT = ("valid YAML: check the indentation, and put text containing ':' or '#' "
               "in quotes")
CSV_SUFFIX = ".csv"
NEVER_FOLD = 1_000_000
"""A line width no value reaches: a figure and its source stay on one line."""


@dataclass(frozen=True)
class YamlOrigin:
    """A YAML file, with the node tree it was parsed from to find each value's line."""

    file: str
    root: yaml.Node

    def locate(self, entry: str, row: int | None, path: Steps) -> str:
        parts = []
        if row is not None:
            parts.append(f"{_entry_label(entry)}, item {row + 1}")
        elif entry in TABLES:
            parts.append(_entry_label(entry))
        node = self._node_at([entry, *([] if row is None else [row]), *path])
        if node is not None:
            parts.append(f"line {node.start_mark.line + 1}")
        return ", ".join(parts)

    def field_name(self, entry: str, path: Steps) -> str:
        names = [step for step in path if isinstance(step, str)]
        return ".".join(names if entry in TABLES else [entry, *names])

    def _node_at(self, steps: list[str | int]) -> yaml.Node | None:
        """The deepest node on the way to ``steps``; None if even the first is absent."""
        node = self.root
        found: yaml.Node | None = None
        for step in steps:
            child = _child(node, step)
            if child is None:
                break
            node = found = child
        return found


def _entry_label(entry: str) -> str:
    return f"table {entry}" if entry in TABLES else entry


def _child(node: yaml.Node, step: str | int) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        return next((value for key, value in node.value if key.value == step), None)
    if isinstance(node, yaml.SequenceNode) and isinstance(step, int) and step < len(node.value):
        return node.value[step]
    return None


def read_yaml(path: Path | str) -> RawInstance:
    """An instance's data from a YAML file and the CSV files it names, not yet validated."""
    path = Path(path)
    root, data = _parse(path)
    origins = Origins(main=YamlOrigin(str(path), root))
    problems = [repeated(path, key) for key in repeated_keys(root)]
    for table in TABLES:
        if isinstance(data.get(table), str) and data[table].endswith(CSV_SUFFIX):
            with collecting(problems):
                data[table], origins.tables[table] = read_csv_table(path.parent / data[table],
                                                                    table)
    raise_any(problems)
    return RawInstance(data, origins)


def _parse(path: Path) -> tuple[yaml.Node, dict[str, Any]]:
    """The file's node tree (for line numbers) and its data."""
    try:
        root, data = load_with_nodes(read_text(path, EXPECTED))
    except yaml.YAMLError as error:
        raise _syntax_problem(path, error) from None
    if root is None:
        raise file_problem(path, "an empty file", EXPECTED)
    if not isinstance(data, dict):
        raise file_problem(path, f"{_kind(data)} at the top level", EXPECTED, "line 1")
    return root, data


def _syntax_problem(path: Path, error: yaml.YAMLError) -> InputError:
    mark = getattr(error, "problem_mark", None)
    where = "" if mark is None else f"line {mark.line + 1}, column {mark.column + 1}"
    said = [getattr(error, "context", None), getattr(error, "problem", None)]
    problem = ", ".join(part for part in said if part) or str(error).splitlines()[0]
    return file_problem(path, f"a YAML syntax error ({problem})", SYNTAX_HINT, where)


def _kind(data: object) -> str:
    kinds: dict[type, str] = {list: "a list", str: "text"}
    return kinds.get(type(data), "a single value")


def repeated_keys(node: yaml.Node) -> Iterator[yaml.ScalarNode]:
    """Keys given twice in one mapping, anywhere: YAML silently keeps only the last."""
    if isinstance(node, yaml.MappingNode):
        seen = set()
        for key, value in node.value:
            if key.value in seen:
                yield key
            seen.add(key.value)
            yield from repeated_keys(value)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            yield from repeated_keys(item)


def repeated(path: Path, key: yaml.ScalarNode) -> InputProblem:
    return InputProblem(str(path), f"line {key.start_mark.line + 1}", key.value,
                        "the field given a second time",
                        "each field once (YAML would keep only the last)")


class _Dumper(yaml.SafeDumper):
    """Readable YAML: lists indented under their key, no anchors."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        return super().increase_indent(flow, False)

    def ignore_aliases(self, data: Any) -> bool:
        return True


class _Figure(dict):
    """A sourced value, written on one line: {value: 17.48, source: "..."}."""


class _Quoted(str):
    """Text always in double quotes: sources are easier to read without YAML's doubled ''."""


def _represent_figure(dumper: yaml.SafeDumper, figure: _Figure) -> yaml.Node:
    quoted = {**figure, "source": _Quoted(figure["source"])}
    return dumper.represent_mapping("tag:yaml.org,2002:map", quoted, flow_style=True)


def _represent_quoted(dumper: yaml.SafeDumper, text: _Quoted) -> yaml.Node:
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style='"')


def _represent_float(dumper: yaml.SafeDumper, number: float) -> yaml.Node:
    # 100 rather than 100.0: it reads back as the same float, and reads better.
    if number.is_integer() and abs(number) < 2**53:
        return dumper.represent_int(int(number))
    return dumper.represent_float(number)


def _represent_list(dumper: yaml.SafeDumper, items: list[Any]) -> yaml.Node:
    # A list of names on one line ([2026/27, 2027/28]); a list of rows one row at a time.
    flow = not any(isinstance(item, dict | list) for item in items)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", items, flow_style=flow)


_Dumper.add_representer(_Figure, _represent_figure)
_Dumper.add_representer(_Quoted, _represent_quoted)
_Dumper.add_representer(float, _represent_float)
_Dumper.add_representer(list, _represent_list)


def _figures_in_flow(data: Any) -> Any:
    """``data`` with every sourced value marked to be written on one line."""
    if isinstance(data, dict):
        if data.keys() == {"value", "source"}:
            return _Figure(data)
        return {key: _figures_in_flow(value) for key, value in data.items()}
    if isinstance(data, list):
        return [_figures_in_flow(item) for item in data]
    return data


def write_yaml(instance: Instance, path: Path | str, csv_tables: Iterable[str] = ()) -> None:
    """Write an instance as YAML, leaving out fields at their defaults; each table named in
    ``csv_tables`` goes to ``<table>.csv`` beside it, and the YAML names that file."""
    path = Path(path)
    data = instance.model_dump(exclude_defaults=True)
    for table in csv_tables:
        if table not in TABLES:
            raise ValueError(f"{table!r} is not a table; expected one of {', '.join(TABLES)}")
        write_csv_table(instance.table(table), table, path.parent / f"{table}{CSV_SUFFIX}")
        data[table] = f"{table}{CSV_SUFFIX}"
    ordered = {name: data[name] for name in Instance.model_fields if name in data}
    text = yaml.dump(_figures_in_flow(ordered), Dumper=_Dumper, sort_keys=False,
                     allow_unicode=True, width=NEVER_FOLD)
    with atomic_path(path) as temporary:
        temporary.write_text(text, encoding="utf-8")
