"""Writing an instance and reading it back gives the same instance, whatever the format."""

from __future__ import annotations

import pandas as pd
import pytest

from models import TABLES, Instance
from optimiser.io import load_instance, save_instance, write_template, write_yaml
from optimiser.io.schema import parameter_fields, row_model
from optimiser.io.tables import columns
from tests.io_helpers import problems, rich_instance, second_wave_instance, worked_example

INSTANCES = {"worked example": worked_example, "rich": rich_instance,
             "second wave": second_wave_instance}


@pytest.fixture(params=INSTANCES.values(), ids=INSTANCES.keys())
def instance(request: pytest.FixtureRequest) -> Instance:
    return request.param()


def test_yaml_to_excel_to_yaml(instance, tmp_path):
    save_instance(instance, tmp_path / "instance.xlsx")
    from_excel = load_instance(tmp_path / "instance.xlsx")
    save_instance(from_excel, tmp_path / "instance.yaml")

    assert from_excel == instance
    assert load_instance(tmp_path / "instance.yaml") == instance


def test_yaml_with_every_table_in_csv(instance, tmp_path):
    write_yaml(instance, tmp_path / "instance.yaml", csv_tables=TABLES)

    assert load_instance(tmp_path / "instance.yaml") == instance
    assert "demand: demand.csv" in (tmp_path / "instance.yaml").read_text()
    assert {path.name for path in tmp_path.glob("*.csv")} == {f"{t}.csv" for t in TABLES}


def test_yaml_with_some_tables_in_csv(instance, tmp_path):
    write_yaml(instance, tmp_path / "instance.yaml", csv_tables=("demand", "services"))

    assert load_instance(tmp_path / "instance.yaml") == instance
    assert sorted(path.name for path in tmp_path.glob("*.csv")) == ["demand.csv",
                                                                    "services.csv"]


def test_yaml_keeps_figures_on_one_line(tmp_path):
    save_instance(worked_example(), tmp_path / "instance.yaml")

    text = (tmp_path / "instance.yaml").read_text()
    assert 'weeks: {value: 6, source: "001_4550ef852cabf2d2.txt:875"}' in text


def test_filled_template_is_the_instance(instance, tmp_path):
    write_template(tmp_path / "filled.xlsx", instance)

    assert load_instance(tmp_path / "filled.xlsx") == instance


def test_empty_template_has_every_sheet_with_its_headings(tmp_path):
    write_template(tmp_path / "template.xlsx")

    sheets = pd.read_excel(tmp_path / "template.xlsx", sheet_name=None)
    assert list(sheets) == ["README", "settings", *TABLES]
    for table in TABLES:
        assert list(sheets[table].columns) == columns(row_model(table).model_fields)
        assert sheets[table].empty
    assert list(sheets["settings"].columns) == ["parameter", "value", "source", "meaning"]
    assert list(sheets["settings"]["parameter"]) == list(parameter_fields())
    assert sheets["settings"]["value"].isna().all()


def test_readme_explains_every_column(tmp_path):
    write_template(tmp_path / "template.xlsx")

    readme = pd.read_excel(tmp_path / "template.xlsx", sheet_name="README", header=None)
    guide = readme.dropna(subset=[1])
    explained = set(zip(guide[0], guide[1], strict=True))
    for table in TABLES:
        for column in columns(row_model(table).model_fields):
            assert (table, column) in explained
    share = guide[(guide[0] == "pathways") & (guide[1] == "suitable")].iloc[0]
    assert share[3] == "A share between 0 and 1 (write 45% as 0.45)."


def test_empty_template_read_back_says_what_is_missing(tmp_path):
    write_template(tmp_path / "template.xlsx")

    missing = {(p.location, p.field) for p in problems(tmp_path / "template.xlsx")}
    assert ("sheet settings, row 2", "name") in missing
    assert ("sheet settings, row 5", "discount_rate") in missing
    assert ("sheet demand", "") in missing
