"""Which options get their full results tables (``--detail``): by default only the option
the report draws, whose Parquet tables read back as the plan's own tables; with ``none``,
none, and the report says why it draws no plan; a rerun rewrites nothing."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pandas as pd
import pytest

from optimiser.appraisal import load_appraisal, run_appraisal, write_outputs
from optimiser.appraisal.runner import WORKER_OPTIONS
from optimiser.appraisal.store import Store
from optimiser.io import load_instance
from optimiser.pipeline import solve
from tests.builders import ROOT

DEFAULT = ROOT / "instances" / "default" / "instance.yaml"

PRICES = f"""\
name: prices
base: {DEFAULT}
grid:
  dimensions:
    - name: price
      levels:
        - name: dear
          source: "assumption: block prices a tenth dearer, for a test of the detail written"
          changes: [{{table: services, field: price_capacity, scale: 1.1}}]
        - name: today
        - name: cheap
          source: "assumption: block prices a tenth cheaper, for a test of the detail written"
          changes: [{{table: services, field: price_capacity, scale: 0.9}}]
"""
CHEAP = "price=cheap"
"""The cheapest option; it meets every person's need, so the report draws it."""


@pytest.fixture(scope="module")
def prices(tmp_path_factory):
    path = tmp_path_factory.mktemp("detail") / "prices.yaml"
    path.write_text(PRICES)
    return load_appraisal(path)


def _run(loaded, out, detail):
    with ThreadPoolExecutor(1) as executor:
        return run_appraisal(loaded, out, executor, detail=detail)


def _files(out):
    return {option.name: sorted(p.name for p in option.iterdir())
            for option in (out / "options").iterdir()}


def test_by_default_only_the_option_the_report_draws_has_its_tables(prices, tmp_path):
    summary = _run(prices, tmp_path, "best")
    assert summary.detailed == [CHEAP]
    files = _files(tmp_path)
    assert files["price=dear"] == files["price=today"] == ["result.json"]
    assert {"result.json", "report.html", "capacity.parquet", "costs.parquet",
            "shadow_prices.parquet"} <= set(files[CHEAP])
    table, _ = write_outputs(prices, tmp_path)
    assert table.sort_values("total_cost")["option"].iloc[0] == CHEAP
    report = (tmp_path / "report.html").read_text()
    assert "under &#x27;price=cheap&#x27;" in report and "are not in its folder" not in report
    assert "href='options/price=cheap/report.html'" in report

    alone = solve(prices.instances[CHEAP], WORKER_OPTIONS, ranging=False)
    store = Store(tmp_path)
    assert {f"{name}.parquet" for name in alone.tables} <= set(files[CHEAP])
    # The default instance has more than one cheapest plan (need bands with equal costs), and
    # the option's re-solve starts from another basis than a fresh solve: the stored tables
    # are the same tables, row for row, and cost the same, though the plan may differ.
    for name, frame in alone.tables.items():
        stored = store.table(CHEAP, name)
        keys = [c for c in frame.columns if frame[c].dtype == object and c != "why"]
        pd.testing.assert_frame_equal(stored[keys], frame[keys], obj=name)
        assert list(stored.columns) == list(frame.columns), name
    assert store.table(CHEAP, "costs")["discounted_cost"].sum() == pytest.approx(
        alone.tables["costs"]["discounted_cost"].sum(), rel=1e-9)


def test_a_rerun_rewrites_nothing(prices, tmp_path):
    _run(prices, tmp_path, "best")
    before = {p: p.stat().st_mtime_ns for p in (tmp_path / "options").rglob("*")}
    again = _run(prices, tmp_path, "best")
    assert again.solved == [] and again.detailed == [] and again.skipped == 3
    assert {p: p.stat().st_mtime_ns for p in (tmp_path / "options").rglob("*")} == before


def test_with_no_detail_the_report_says_why_it_draws_no_plan(prices, tmp_path):
    summary = _run(prices, tmp_path, "none")
    assert summary.detailed == [] and len(summary.solved) == 3
    assert all(names == ["result.json"] for names in _files(tmp_path).values())
    table, _ = write_outputs(prices, tmp_path)
    assert (table["status"] == "optimal").all()
    report = (tmp_path / "report.html").read_text()
    assert "The results tables of &#x27;price=cheap&#x27; are not in its folder (--detail " \
        "none)" in report
    later = _run(prices, tmp_path, "best")  # asked for later, the detail is added
    assert later.solved == [] and later.detailed == [CHEAP]
    assert Store(tmp_path).table(CHEAP, "capacity") is not None


def test_stored_tables_read_back_as_written(tmp_path):
    alone = solve(load_instance(DEFAULT), WORKER_OPTIONS, ranging=False)
    store = Store(tmp_path)
    store.write("alone", {"status": alone.status}, alone.tables)
    for name, frame in alone.tables.items():
        pd.testing.assert_frame_equal(store.table("alone", name), frame, check_dtype=False,
                                      obj=name)
