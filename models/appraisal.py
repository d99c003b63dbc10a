"""An option appraisal: one base instance and the options to compare against it.

An appraisal file (YAML) names a base instance and the options, each a list of *changes* to
it. Options are listed one by one, or as a grid: named dimensions (demand growth, contract
design, workforce supply), each with named levels, and every combination of one level per
dimension is an option. A change addresses table rows by their names and key fields::

    # set a figure (it carries its source, like any instance figure)
    - {table: cohorts, where: {name: older_hospital}, field: growth, value: 0.03,
       source: "assumption: the high demographic growth path"}
    # multiply a figure in every matching row (no where: every row of the table)
    - {table: demand, field: people, scale: 1.1, source: "assumption: 10% more new need"}
    # a setting
    - {table: settings, field: unmet_penalty, value: 250000, source: "assumption: ..."}
    # buy a service on a contract design (design: null goes back to the base contract)
    - {service: reablement, design: outcomes_based}
    # add rows (a budget the base instance does not have), or remove rows
    - {table: budget, add: [{year: "2026/27", amount: {value: 9.0e6, source: "..."}}]}
    - {table: targets, where: {name: independence_floor}, remove: true}

A numeric value or scale needs a source: its own, or the ``source`` of the option or grid
level it belongs to (a stated assumption covering all its changes). A scaled figure keeps
its original source and says how it was scaled.

Applying an option returns a re-validated :class:`~models.instance.Instance`: an option can
never produce an instance that would fail validation on its own.
"""

from __future__ import annotations

import itertools
import math
import re
import types
import typing
from typing import Annotated, Any, Union

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    ValidationError,
    model_validator,
)

from models.instance import CHECKED, TABLES, Instance, Settings
from models.references import ReferenceErrors
from models.sourced import Source, Sourced, cited_lines

_SAFE = re.compile(r"[^A-Za-z0-9._=,+-]+")


def folder_name(option: str) -> str:
    """A file-system-safe name for an option's results folder."""
    return _SAFE.sub("_", option).strip("._") or "option"


def row_model(table: str) -> type[BaseModel]:
    """The row model of an instance table (or :class:`Settings` for ``settings``)."""
    if table == "settings":
        return Settings
    annotation = Instance.model_fields[table].annotation
    return typing.get_args(annotation)[0]


def _is_sourced(model: type[BaseModel], field: str) -> bool:
    """Whether a row field holds a sourced figure (value and source)."""
    annotation = model.model_fields[field].annotation
    options = typing.get_args(annotation) if isinstance(
        annotation, types.UnionType) or typing.get_origin(annotation) is Union else (annotation,)
    return any(isinstance(a, type) and issubclass(a, Sourced) for a in options)


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)


class TableChange(Strict):
    """A change to the rows of one instance table, or to the settings."""

    table: str
    """An instance table (cohorts, demand, services, workforce, targets, budget, ...) or
    ``settings``."""
    where: dict[str, str | list[str]] = {}
    """Which rows: field names and the value (or any of a list of values) they must have.
    Empty for every row of the table."""
    field: str | None = None
    """The field to set or scale (with ``value`` or ``scale``)."""
    value: float | str | list[str] | None = None
    """The new value. For a sourced figure, the number (the source goes in ``source``)."""
    scale: float | None = Field(default=None, gt=0)
    """Multiply the field's figure in every matching row by this."""
    add: list[dict[str, Any]] | None = None
    """Rows to add to the table, written as in an instance file."""
    remove: bool = False
    """Remove the matching rows."""
    source: Source | None = None
    """Where a numeric value or scale comes from; defaults to the option's or level's source."""

    @model_validator(mode="after")
    def _one_action(self) -> TableChange:
        actions = [name for name, given in (
            ("value", "value" in self.model_fields_set), ("scale", self.scale is not None),
            ("add", self.add is not None), ("remove", self.remove)) if given]
        if len(actions) != 1:
            raise ValueError(f"found {' and '.join(actions) or 'no action'}; expected exactly "
                             "one of value, scale, add or remove")
        if self.table != "settings" and self.table not in TABLES:
            raise ValueError(f"table: found {self.table!r}; expected settings or one of "
                             f"{', '.join(TABLES)}")
        model = row_model(self.table)
        if self.table == "settings" and (self.where or self.add or self.remove):
            raise ValueError("where: found rows to choose or add; expected only field and value "
                             "(or scale): settings is one row")
        for key in self.where:
            if key not in model.model_fields:
                raise ValueError(f"where: found field {key!r}; expected fields of "
                                 f"{self.table}: {', '.join(model.model_fields)}")
        if actions[0] in ("value", "scale"):
            if self.field not in model.model_fields:
                raise ValueError(f"field: found {self.field!r}; expected one of "
                                 f"{', '.join(model.model_fields)} (fields of {self.table})")
            if self.scale is not None and not _is_sourced(model, self.field):
                raise ValueError(f"scale: found {self.table}.{self.field}, which is not a "
                                 "figure; expected a sourced figure to scale")
        elif self.field is not None:
            raise ValueError(f"field: found {self.field!r}; add and remove take whole rows")
        return self

    @property
    def numeric(self) -> bool:
        """Whether the change sets or scales a figure (so it needs a source)."""
        return self.scale is not None or (
            "value" in self.model_fields_set and isinstance(self.value, int | float)
            and _is_sourced(row_model(self.table), self.field or ""))

    def describe(self) -> str:
        """The change in a few words, for the comparison table."""
        where = ",".join(f"{k}={'|'.join(v) if isinstance(v, list) else v}"
                         for k, v in self.where.items())
        target = f"{self.table}[{where}]" if where else self.table
        if self.scale is not None:
            return f"{target}.{self.field} ×{self.scale:g}"
        if self.add is not None:
            return f"{target} +{len(self.add)} rows"
        if self.remove:
            return f"{target} removed"
        value = self.value if not isinstance(self.value, float) else f"{self.value:g}"
        return f"{target}.{self.field}={value}"


class ContractChange(Strict):
    """Buy a service on one of the instance's contract designs (replacing any design in force
    for that service), or on its base contract (``design: null``)."""

    service: str
    design: str | None
    """A contract design of the service; null for the base contract."""

    def describe(self) -> str:
        return f"{self.service} on {self.design or 'base contract'}"


def _kind(data: Any) -> str:
    if isinstance(data, dict):
        return "contract" if "design" in data else "table"
    return "contract" if isinstance(data, ContractChange) else "table"


Change = Annotated[
    Annotated[TableChange, Tag("table")] | Annotated[ContractChange, Tag("contract")],
    Discriminator(_kind),
]


class Choice(Strict):
    """An option, or one level of a grid dimension: a name and its changes."""

    name: str = Field(min_length=1)
    label: str = ""
    source: Source | None = None
    """A stated assumption (or document line) covering every numeric change without its own."""
    changes: list[Change] = []

    @model_validator(mode="after")
    def _sourced(self) -> Choice:
        for i, change in enumerate(self.changes):
            if isinstance(change, TableChange) and change.numeric and not (
                    change.source or self.source):
                raise ValueError(
                    f"changes[{i}].source: found nothing; expected a source for "
                    f"{change.describe()} (a number needs a source: give one on the change, "
                    f"or on {self.name!r} for all its changes)")
        return self


class Dimension(Strict):
    """One dimension of a grid: a named question with its named answers."""

    name: str = Field(min_length=1, pattern=r"^[A-Za-z0-9_.-]+$")
    label: str = ""
    levels: list[Choice] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique(self) -> Dimension:
        names = [level.name for level in self.levels]
        repeated = sorted({n for n in names if names.count(n) > 1})
        if repeated:
            raise ValueError(f"levels: found {', '.join(repeated)} more than once; expected "
                             "each level once")
        return self


class Grid(Strict):
    """Options as every combination of one level per dimension."""

    dimensions: list[Dimension] = Field(min_length=1)


class ReportSettings(Strict):
    """What the HTML report shows."""

    indicator: str | None = None
    """The outcome indicator on the cost-versus-outcome chart (default: the first)."""
    option: str | None = None
    """The option whose capacity plan is charted (default: the cheapest optimal one)."""


class Option(Strict):
    """One option, ready to apply: its changes in order, each with its source resolved."""

    name: str
    label: str = ""
    parameters: dict[str, str] = {}
    """For a grid option, the level of each dimension."""
    changes: list[Change] = []

    @property
    def folder(self) -> str:
        return folder_name(self.name)

    def describe(self) -> str:
        return "; ".join(c.describe() for c in self.changes) or "base instance as it is"


def _with_source(choice: Choice) -> list:
    return [c.model_copy(update={"source": c.source or choice.source})
            if isinstance(c, TableChange) and c.numeric else c for c in choice.changes]


CHECKED_WHOLE = 100_000
"""Options made to check their names are distinct when the file is read; a larger grid is
counted, not made, and refused unless --max-options allows it."""


class Appraisal(Strict):
    """An appraisal file: a base instance and the options compared against it."""

    name: str = Field(min_length=1)
    description: str = ""
    base: str
    """The base instance, as a path relative to the appraisal file."""
    options: list[Choice] = []
    """Options listed one by one."""
    grid: Grid | None = None
    """Options as a grid of dimensions and levels."""
    report: ReportSettings = ReportSettings()

    @model_validator(mode="after")
    def _options_ok(self) -> Appraisal:
        if self.count() > CHECKED_WHOLE:
            # Too many to make here (a hostile or mistaken grid): the loader refuses it above
            # --max-options, before any option is made.
            return self
        expanded = self.expanded()
        if not expanded:
            raise ValueError("found no options; expected options, a grid, or both")
        names = [o.name for o in expanded]
        folders = [o.folder for o in expanded]
        repeated = sorted({n for n, f in zip(names, folders, strict=True)
                           if names.count(n) > 1 or folders.count(f) > 1})
        if repeated:
            raise ValueError(f"options: found {', '.join(repeated)} more than once (or names "
                             "that differ only in punctuation); expected each option once")
        if self.report.option is not None and self.report.option not in names:
            raise ValueError(f"report.option: found {self.report.option!r}; expected an "
                             f"option name such as {names[0]!r}")
        return self

    def count(self) -> int:
        """How many options :meth:`expanded` gives, without making them."""
        grid = math.prod(len(d.levels) for d in self.grid.dimensions) if self.grid else 0
        return len(self.options) + grid

    def expanded(self) -> list[Option]:
        """Every option: the listed ones, then the grid's combinations in order."""
        result = [Option(name=o.name, label=o.label, changes=_with_source(o))
                  for o in self.options]
        if self.grid is not None:
            dims = self.grid.dimensions
            for levels in itertools.product(*(d.levels for d in dims)):
                result.append(Option(
                    name=",".join(f"{d.name}={lv.name}" for d, lv in zip(dims, levels,
                                                                       strict=True)),
                    label=", ".join(lv.label or lv.name for lv in levels),
                    parameters={d.name: lv.name for d, lv in zip(dims, levels, strict=True)},
                    changes=[c for lv in levels for c in _with_source(lv)],
                ))
        return result

    def dimensions(self) -> list[str]:
        return [d.name for d in self.grid.dimensions] if self.grid else []


class OptionError(ValueError):
    """An option that cannot be applied to the base instance."""

    def __init__(self, option: str, change: int | None, field: str, found: str, expected: str):
        self.option, self.change, self.field = option, change, field
        self.found, self.expected = found, expected
        where = f"option {option!r}" + ("" if change is None else f", changes[{change}]")
        super().__init__(f"{where}, field {field}: found {found}; expected {expected}")


def _matches(row: dict, where: dict[str, str | list[str]]) -> bool:
    for key, wanted in where.items():
        allowed = wanted if isinstance(wanted, list) else [wanted]
        value = row.get(key)
        values = value if isinstance(value, list) else [value]
        if not any(str(v) in allowed for v in values):
            return False
    return True


def _scaled_source(original: str, scale: float, reason: str) -> str:
    """The provenance of a scaled figure: the original source and the scaling's own."""
    if cited_lines(original):
        return f"derived: ({original}) × {scale:g}; scale: {reason}"
    body = original.removeprefix("assumption:").strip()
    reason = reason.removeprefix("assumption:").strip()
    return f"assumption: {body}, × {scale:g} ({reason})"


def _apply_table(data: dict, change: TableChange, option: str, index: int) -> None:
    def fail(field: str, found: str, expected: str) -> OptionError:
        return OptionError(option, index, field, found, expected)

    if change.table == "settings":
        rows = [data["settings"]]
    else:
        rows = data[change.table]
    if change.add is not None:
        rows.extend(change.add)
        return
    chosen = [i for i, row in enumerate(rows) if _matches(row, change.where)]
    if not chosen:
        raise fail("where", repr(change.where), f"at least one row of {change.table} to match")
    if change.remove:
        data[change.table] = [row for i, row in enumerate(rows) if i not in set(chosen)]
        return
    model = row_model(change.table)
    sourced = _is_sourced(model, change.field or "")
    for i in chosen:
        row = rows[i]
        if change.scale is not None:
            old = row.get(change.field)
            if old is None:
                raise fail(change.field or "", "an empty figure",
                           "a figure to scale (set it with value instead)")
            row[change.field] = {"value": old["value"] * change.scale,
                                 "source": _scaled_source(old["source"], change.scale,
                                                          change.source or "")}
        elif sourced and change.value is not None:
            if not isinstance(change.value, int | float):
                raise fail(change.field or "", repr(change.value), "a number")
            row[change.field] = {"value": change.value, "source": change.source}
        else:
            row[change.field] = change.value


def _apply_contract(data: dict, change: ContractChange, option: str, index: int) -> None:
    services = {s["name"] for s in data["services"]}
    if change.service not in services:
        raise OptionError(option, index, "service", repr(change.service),
                          f"one of {', '.join(sorted(services))}")
    designs = {d["name"]: d for d in data["contract_designs"]}
    if change.design is not None:
        design = designs.get(change.design)
        if design is None or design["service"] != change.service:
            offered = sorted(n for n, d in designs.items() if d["service"] == change.service)
            raise OptionError(option, index, "design", repr(change.design),
                              f"a contract design of {change.service}: "
                              f"{', '.join(offered) or 'none in the instance'}, or null")
    settings = data["settings"]
    settings["designs"] = [
        name for name in settings.get("designs", [])
        if designs.get(name, {}).get("service") != change.service
    ] + ([change.design] if change.design else [])


def _changed_fields(option: Option) -> set[str]:
    """The instance's fields an option's changes read or write."""
    fields: set[str] = set()
    for change in option.changes:
        if isinstance(change, ContractChange):
            fields |= {"services", "contract_designs", "settings"}
        else:
            fields.add(change.table)
    return fields


def apply_option(base: Instance, option: Option) -> Instance:
    """The base instance with the option's changes made, re-validated.

    Only the tables the option changes are written out, changed and read back row by row;
    the base's other tables are carried over as the rows already validated (pydantic takes a
    model it is given as it is). The checks across tables (references, coverage, shares)
    run on the whole new instance; the checks of one table alone (keys given once, figures in
    range, cited lines) run on the tables the option changed, the others being the base's
    own rows, checked already. The result is what validating every table would give, in a
    fraction of the time: an appraisal applies every option before solving any."""
    data: dict = {name: getattr(base, name) for name in type(base).model_fields}
    data.update(base.model_dump(mode="json", include=_changed_fields(option)))
    for index, change in enumerate(option.changes):
        if isinstance(change, ContractChange):
            _apply_contract(data, change, option.name, index)
        else:
            _apply_table(data, change, option.name, index)
    try:
        return Instance.model_validate(data, context={CHECKED: base})
    except ValidationError as problems:
        errors = problems.errors()
        first = errors[0]
        cause = first.get("ctx", {}).get("error")
        if isinstance(cause, ReferenceErrors):
            ref = cause.problems[0]
            where = ref.table if ref.row is None else f"{ref.table}[{ref.row}]"
            raise OptionError(option.name, None, f"{where}.{ref.field}", ref.found,
                              ref.expected + _more(len(cause.problems))) from None
        location = ".".join(str(part) for part in first["loc"])
        raise OptionError(option.name, None, location, repr(first.get("input")),
                          first["msg"] + _more(len(errors))) from None


def _more(count: int) -> str:
    return f" (and {count - 1} more problems)" if count > 1 else ""

