"""The Dagster UI in headless Chromium: the asset graph draws, and the chart in the warehouse
asset's metadata renders as an image (Dagster's markdown keeps a data: URI image).

Screenshots go to $GX_SCREENSHOT_DIR (e.g. docs/img to refresh the README's), else tmp_path.
`.ci/run` installs Chromium; outside CI the test skips when there is none.
"""

import pytest

from gx_pipeline_tests.dagster_ui import (
    DagsterUI,
    dismiss_welcome,
    open_asset_graph,
    open_chart,
)

playwright = pytest.importorskip("playwright.sync_api", reason="playwright is in the dev extra")


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1600, "height": 1000})
    yield context.new_page()
    context.close()


def test_asset_graph_shows_the_four_assets(dagster_ui: DagsterUI, page, shots):
    dagster_ui.wait_for_runs(dagster_ui.backfill_run_ids())
    open_asset_graph(page, dagster_ui.url)
    page.screenshot(path=shots / "asset-graph.png")
    assert (shots / "asset-graph.png").stat().st_size > 10_000


def test_requests_chart_renders_in_the_warehouse_metadata(dagster_ui: DagsterUI, page, shots):
    dagster_ui.wait_for_runs(dagster_ui.backfill_run_ids())
    image = open_chart(page, dagster_ui.url, "2020")
    page.screenshot(path=shots / "chart.png")
    assert image["done"] and image["width"] > 300 and image["height"] > 150


def test_columns_of_the_warehouse_show_with_their_comments(dagster_ui: DagsterUI, page, shots):
    dagster_ui.wait_for_runs(dagster_ui.backfill_run_ids())
    page.goto(f"{dagster_ui.url}/assets/gx_warehouse")
    columns = page.get_by_text("Columns", exact=True).first
    columns.wait_for(timeout=30000)
    dismiss_welcome(page)
    # dim_report's columns from dagster/column_schema, each with its DDL comment
    page.get_by_text("trust_status", exact=True).first.wait_for(timeout=15000)
    page.get_by_text("sha256 of the raw file bytes, hex.").first.wait_for(timeout=15000)
    page.screenshot(path=shots / "columns.png", full_page=True)
