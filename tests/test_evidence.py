"""The evidence table: one row per sourced figure, readable paths, units, sources."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from models import Sourced
from models.sourced import documents_folder
from optimiser.evidence import COLUMNS, evidence_table, source_kind, write_evidence
from optimiser.io import load_instance

REPO = Path(__file__).resolve().parents[1]
SEEDS = documents_folder()
WORKED = REPO / "instances" / "examples" / "worked-example" / "instance.yaml"
LANCS = REPO / "instances" / "lancashire-reablement" / "instance.yaml"


def _count_sourced(node) -> int:
    from pydantic import BaseModel

    if isinstance(node, Sourced):
        return 1
    if isinstance(node, BaseModel):
        return sum(_count_sourced(getattr(node, f)) for f in type(node).model_fields)
    if isinstance(node, (list, tuple)):
        return sum(_count_sourced(v) for v in node)
    return 0


@pytest.fixture(scope="module")
def worked():
    return load_instance(WORKED)


def test_columns_and_one_row_per_figure(worked):
    table = evidence_table(worked)
    assert list(table.columns) == COLUMNS
    assert len(table) == _count_sourced(worked)
    assert table["parameter"].is_unique


def test_paths_units_and_sources_read_as_a_commissioner_expects(worked):
    table = evidence_table(worked).set_index("parameter")
    row = table.loc["services[home_care].price_capacity"]
    assert row["value"] == pytest.approx(908.96)
    assert row["unit"] == "£ per hour per week a year"
    assert row["source"].startswith("derived:") and "001_4550ef852cabf2d2.txt:867" in row["source"]
    assert table.loc["stages[reablement_first,reablement].weeks", "source"] == \
        "001_4550ef852cabf2d2.txt:875"
    assert table.loc["destinations[straight_to_home_care,home_care].package", "unit"] == \
        "hour per week per person"
    assert table.loc["demand[Example,older_hospital].people", "value"] == 100
    assert table.loc["settings.unmet_penalty", "unit"].startswith("£")


def test_every_row_has_a_unit_and_a_source():
    table = evidence_table(load_instance(LANCS))
    assert (table["unit"] != "").all(), table[table["unit"] == ""]["parameter"].tolist()
    assert table["source"].map(source_kind).isin({"document", "derived", "assumption"}).all()
    row = table.set_index("parameter").loc[
        "contract_designs[outcomes_based].independence_factor"]
    assert row["value"] == pytest.approx(1.15)
    assert "001_4550ef852cabf2d2.txt:2141" in row["source"]


def test_write_evidence_writes_csv_and_markdown(tmp_path, worked):
    csv_path, md_path = write_evidence(worked, tmp_path, documents=SEEDS)
    assert csv_path.name == "evidence.csv" and md_path.name == "evidence.md"
    back = pd.read_csv(csv_path)
    assert list(back.columns) == COLUMNS
    assert len(back) == len(evidence_table(worked))
    md = md_path.read_text(encoding="utf-8")
    assert md.startswith("# Evidence: worked-example")
    assert "| parameter | value | unit | source |" in md
    assert "`services[home_care].price_capacity`" in md
    if SEEDS is not None:
        assert "## The document lines cited" in md
        assert "£17.48 per hour all-up cost" in md


def test_source_kind():
    assert source_kind("001_4550ef852cabf2d2.txt:867") == "document"
    assert source_kind("derived: 8700 / 7 from 001_4550ef852cabf2d2.txt:862") == "derived"
    assert source_kind("assumption: no figure in the documents") == "assumption"


def _is_instance(path: Path) -> bool:
    import yaml

    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return "_build" not in path.parts and isinstance(data, dict) and "years" in data


SHIPPED = sorted(p for p in (REPO / "instances").rglob("*.yaml") if _is_instance(p))


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: str(p.relative_to(REPO / "instances")))
def test_every_shipped_instance_has_a_full_evidence_table(path):
    inst = load_instance(path)
    table = evidence_table(inst)
    assert len(table) == _count_sourced(inst)
    assert table["parameter"].is_unique
    assert (table["unit"] != "").all(), table[table["unit"] == ""]["parameter"].tolist()


def test_evidence_command_writes_both_files(tmp_path):
    from typer.testing import CliRunner

    from optimiser.cli import app

    result = CliRunner().invoke(app, ["evidence", str(LANCS), "--out", str(tmp_path / "ev")])
    assert result.exit_code == 0, result.output
    assert "53 figures" in result.output  # 50, the two pathways' today_share, price inflation
    assert (tmp_path / "ev" / "evidence.csv").exists()
    assert (tmp_path / "ev" / "evidence.md").exists()


def test_evidence_command_bad_input_exits_2(tmp_path):
    from typer.testing import CliRunner

    from optimiser.cli import app

    result = CliRunner().invoke(app, ["evidence", str(tmp_path / "missing.yaml"),
                                      "--out", str(tmp_path / "ev")])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
