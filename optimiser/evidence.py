"""The evidence table: every number in an instance, its unit and where it came from.

A reviewer checks a plan by checking its inputs. :func:`evidence_table` lists every sourced
figure of an instance, one row each, with a readable path to it
(``services[home_care].price_capacity``), its unit, and its source: a document line
(``001_4550ef852cabf2d2.txt:867``), ``derived: <arithmetic>`` or ``assumption: <reason>``.
:func:`write_evidence` writes the table as ``evidence.csv`` and ``evidence.md``; where the
source documents are at hand, the Markdown also quotes each cited line.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
from pydantic import BaseModel

from models import TABLES, Band, Instance, Sourced, Target, cited_lines
from models.sourced import documents_folder

COLUMNS = ["parameter", "value", "unit", "source"]

_KEYS = ("locality", "cohort", "band", "pathway", "service", "role", "indicator", "design",
         "from_service", "to_service", "year", "month")
"""Fields that identify a row, in the order they are shown in a parameter path."""

_UNITS: dict[tuple[str, str], str] = {
    ("settings", "discount_rate"): "share a year",
    ("settings", "unmet_penalty"): "£ per person whose need is unmet",
    ("localities", "cost_factor"): "multiplier on prices",
    ("localities", "population"): "people",
    ("cohorts", "growth"): "share a year",
    ("demand", "people"): "people with a new need in the first planning year",
    ("services", "occupancy"): "share of capacity",
    ("services", "price_capacity"): "£ per {unit} a year",
    ("services", "price_use"): "£ per {unit} used a year",
    ("services", "grow_max"): "share of last year's capacity",
    ("services", "shrink_max"): "share of last year's capacity",
    ("services", "startup"): "{unit}",
    ("services", "package"): "{unit} per person",
    ("capacity0", "units"): "{unit}",
    ("caseload0", "people"): "people",
    ("caseload0", "package"): "{unit} per person",
    ("leave", "share"): "share of the caseload a year",
    ("roles", "turnover"): "share of staff a year",
    ("roles", "hire_cost"): "£ per recruit",
    ("staffing", "fte_per_unit"): "FTE per {unit}",
    ("workforce", "staff0"): "FTE",
    ("workforce", "hire_max"): "FTE a year",
    ("pathways", "suitable"): "share of the cohort's new need",
    ("pathways", "today_share"): "share of the cohort's new need",
    ("stages", "share"): "share of the pathway's people",
    ("stages", "weeks"): "weeks per person",
    ("stages", "intensity"): "{unit} per person-week",
    ("destinations", "share"): "share of the pathway's people",
    ("destinations", "package"): "{unit} per person",
    ("pathway_outcomes", "share"): "share of the pathway's people",
    ("outcome_prices", "price"): "£ per person achieving the indicator",
    ("moves", "suitable"): "share of the setting's caseload a year",
    ("moves", "today_share"): "share of the setting's caseload a year",
    ("moves", "max_per_year"): "people a year per locality",
    ("moves", "package"): "{unit} per person",
    ("budget", "amount"): "£ a year",
    ("contract_designs", "price_capacity"): "£ per {unit} a year",
    ("contract_designs", "price_use"): "£ per {unit} used a year",
    ("contract_designs", "weeks_factor"): "multiplier on weeks",
    ("contract_designs", "package_factor"): "multiplier on packages",
    ("contract_designs", "independence_factor"): "multiplier on the share independent",
    ("contract_designs", "suitable_factor"): "multiplier on suitability",
    ("short_term_variability", "arrival_dispersion"): "variance of arrivals over their mean",
    ("short_term_variability", "stay_cv"): "coefficient of variation of the stay",
    ("short_term_variability", "mean_stay_days"): "days, mean length of stay",
    ("short_term_variability", "wait_share"): "largest share of people who wait",
    ("short_term_variability", "mean_wait_days"): "days, mean wait",
    ("short_term_variability", "delay_price"): "£ a day waited",
    ("short_term_variability", "units_per_person"): "{unit} per person",
    ("arrival_profile", "factor"): "arrivals relative to a flat month",
    ("services", "price_spot"): "£ per {unit} bought at short notice a year",
    ("roles", "agency_premium"): "£ per agency FTE a year over an employed one",
    ("settings", "risk_weight"): "weight on the CVaR of cost",
    ("settings", "risk_level"): "CVaR level (share of futures)",
    ("scenarios", "probability"): "probability of the future",
    ("settings", "price_inflation"): "share a year",
    ("cohorts", "unmet_penalty"): "£ per person whose need is unmet",
    ("bands", "share"): "share of the cohort's people",
    ("band_suitability", "suitable"): "share of the band's new need",
    ("bands", "unmet_penalty"): "£ per person whose need is unmet",
    ("deterioration", "rate"): "share of the caseload a year",
    ("deterioration", "package"): "{unit} per person",
    ("hire_limits", "hire_max"): "FTE a year",
}


def _row_key(row: BaseModel) -> str:
    if isinstance(row, Band):  # band names repeat from cohort to cohort
        return f"{row.cohort}/{row.name}"
    if "name" in type(row).model_fields:
        return str(row.name)  # type: ignore[attr-defined]
    parts = []
    for key in _KEYS:
        value = getattr(row, key, None)
        if value is not None and key in type(row).model_fields:
            parts.append(str(value))
    return ",".join(parts)


def _unit(instance: Instance, table: str, field: str, row: BaseModel | None) -> str:
    template = _UNITS.get((table, field))
    if template is None:
        if table == "targets" and isinstance(row, Target):
            return ("per 100,000 population" if row.basis == "population"
                    else "share of the new need")
        return ""
    if "{unit}" not in template or row is None:
        return template
    services = {s.name: s for s in instance.services}
    name: str | None = (getattr(row, "to_service", None)
                        if table in ("moves", "deterioration") else
                        getattr(row, "service", None) or getattr(row, "name", None))
    service = None if name is None else services.get(name)
    return template.format(unit=service.unit if service else "unit")


def _walk(instance: Instance) -> Iterator[tuple[str, str, str, Sourced, BaseModel | None]]:
    """(table, parameter path, field, value, row) for every sourced figure, in table order."""
    for field in type(instance.settings).model_fields:
        value = getattr(instance.settings, field)
        if isinstance(value, Sourced):
            yield "settings", f"settings.{field}", field, value, None
    for table in TABLES:
        for row in instance.table(table):
            key = _row_key(row)
            for field in type(row).model_fields:
                value = getattr(row, field)
                if isinstance(value, Sourced):
                    yield table, f"{table}[{key}].{field}", field, value, row


def evidence_table(instance: Instance) -> pd.DataFrame:
    """Every sourced figure of the instance: ``parameter``, ``value``, ``unit``, ``source``."""
    rows = [
        {"parameter": path, "value": value.value, "unit": _unit(instance, table, field, row),
         "source": value.source}
        for table, path, field, value, row in _walk(instance)
    ]
    return pd.DataFrame(rows, columns=COLUMNS)


def source_kind(source: str) -> str:
    """'document', 'derived', 'publication' or 'assumption'."""
    if source.startswith("derived:"):
        return "derived"
    if source.startswith("ref:"):
        return "publication"
    if source.startswith("assumption:"):
        return "assumption"
    return "document"


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _number(value: float) -> str:
    if abs(value - round(value)) < 1e-9:
        return f"{round(value):,}"
    return f"{value:,.4f}".rstrip("0").rstrip(".")


def _quotes(table: pd.DataFrame, documents: Path) -> list[str]:
    """The text of every document line the table cites, once each."""
    cited: dict[tuple[str, int], None] = {}
    for source in table["source"]:
        for doc, first, last in cited_lines(source):
            for line in range(first, last + 1):
                cited[doc, line] = None
    lines = ["", "## The document lines cited", "",
             "| document line | text (first 300 characters) |", "|---|---|"]
    cache: dict[str, list[str]] = {}
    for doc, line in sorted(cited):
        path = documents / doc
        if doc not in cache:
            cache[doc] = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
        text = cache[doc][line - 1] if 0 < line <= len(cache[doc]) else "(line not found)"
        text = re.sub(r"\s+", " ", text).strip()
        lines.append(f"| {doc}:{line} | {_cell(text[:300])} |")
    return lines


def evidence_markdown(instance: Instance, table: pd.DataFrame | None = None,
                      documents: Path | None = None) -> str:
    """The evidence table as Markdown, with counts by kind of source."""
    table = evidence_table(instance) if table is None else table
    kinds = table["source"].map(source_kind).value_counts()
    out = [
        f"# Evidence: {instance.name}",
        "",
        instance.description.strip(),
        "",
        f"{len(table)} figures: {kinds.get('document', 0)} taken from a document line, "
        f"{kinds.get('derived', 0)} derived by arithmetic from document figures, "
        f"{kinds.get('assumption', 0)} assumptions where the documents are silent. A document "
        "source is `FILE:LINE` (1-based line of the file in the seed documents).",
        "",
        "| parameter | value | unit | source |",
        "|---|---:|---|---|",
    ]
    out += [
        f"| `{_cell(parameter)}` | {_number(value)} | {_cell(unit)} | {_cell(source)} |"
        for parameter, value, unit, source in zip(
            table["parameter"], table["value"], table["unit"], table["source"], strict=True)
    ]
    if documents is not None and documents.is_dir():
        out += _quotes(table, documents)
    return "\n".join(out) + "\n"


def default_documents() -> Path | None:
    """The source documents folder (``CARE_SOURCES``, default ``../shared/seeds`` beside the
    repository), if present."""
    return documents_folder()


def write_evidence(instance: Instance, out_dir: Path | str,
                   documents: Path | None = None) -> tuple[Path, Path]:
    """Write ``evidence.csv`` and ``evidence.md`` into ``out_dir``; return their paths.

    ``documents`` is the folder of source documents whose cited lines the Markdown quotes
    (default: :func:`models.sourced.documents_folder`, when it exists)."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    table = evidence_table(instance)
    csv_path, md_path = out / "evidence.csv", out / "evidence.md"
    table.to_csv(csv_path, index=False)
    md_path.write_text(
        evidence_markdown(instance, table, documents or default_documents()), encoding="utf-8")
    return csv_path, md_path
