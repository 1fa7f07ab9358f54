"""gx review in headless Chromium, as a reviewer uses it: open a flagged report from the queue,
see the flag's cells highlighted on the archived page, confirm one flag, dismiss another, record
a correction, and find the decisions in the warehouse after the year runs again. And a page
that carries every kind of attack (and an agency name written as HTML and Markdown) runs
nothing and fetches nothing.

Screenshots go to $GX_SCREENSHOT_DIR (docs/img refreshes the README's), else tmp_path.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from gx_pipeline.warehouse.files import WarehouseFiles
from gx_pipeline_tests.conftest import SEED, materialize_year, query
from gx_pipeline_tests.review_fixtures import (
    ATTACKER,
    FAILING_HTML_2020,
    FAILING_HTML_2023,
    HOSTILE_AGENCY,
    copy_page,
    hostile_page,
    review_server,
)

playwright = pytest.importorskip("playwright.sync_api", reason="playwright is in the dev extra")

HIGHLIGHT = "rgb(204, 0, 0)"  # the outline of a highlighted cell (render.page_document)


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("review") / "data"
    copy_page(FAILING_HTML_2020, root, 2020)
    copy_page(SEED, root, 2020)
    hostile = root / "raw" / "2023" / "gen-2023-04-hostile.html"
    hostile.parent.mkdir(parents=True)
    hostile.write_bytes(hostile_page(FAILING_HTML_2023))
    for year in (2020, 2023):
        materialize_year(root, year)  # both fail their tally check: the pages contradict themselves
    return root


@pytest.fixture(scope="module")
def app(data_dir: Path):
    with review_server(data_dir) as url:
        yield url


@pytest.fixture
def page(browser, app: str):
    """A page that may load the application's own addresses only: any other request is
    recorded and refused."""
    context = browser.new_context(viewport={"width": 1600, "height": 1000})
    outside: list[str] = []

    def route(r):
        if r.request.url.startswith(app + "/"):
            r.continue_()
        else:
            outside.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    tab = context.new_page()
    tab.outside = outside  # type: ignore[attr-defined]
    yield tab
    context.close()


def _report(data_dir: Path, name: str) -> tuple[str, str]:
    ((rid, agency),) = query(
        data_dir, "select report_id, agency from dim_report where source like ?", [f"%{name}"]
    )
    return rid, agency


def _locs(data_dir: Path, rid: str, col: str) -> set[str]:
    rows = query(
        data_dir,
        "select source_table, source_tr, source_td from fact_requests where report_id = ? "
        "and col = ? and row in ('new_received', 'carried_over', 'results_total', "
        "'carried_forward')",
        [rid, col],
    )
    return {f"{t}.{r}.{c}" for t, r, c in rows}


def _decide(page, note: str, button: str) -> None:
    form = page.locator("#decide")
    form.locator("textarea[name=note]").fill(note)
    form.locator(f"#{button}").click()
    page.wait_for_load_state()


def test_a_reviewer_confirms_dismisses_and_corrects_looking_at_the_page(
    app: str, page, data_dir: Path, shots: Path
):
    rid, agency = _report(data_dir, "gen-2020-01-trs.html")
    page.goto(f"{app}/?year=2020")
    page.locator("#queue").wait_for()
    assert page.locator("#queue tbody tr").count() == 2  # the generated page and the seed
    page.screenshot(path=shots / "review-queue.png", full_page=True)

    page.get_by_role("link", name=agency).click()
    page.locator('#flags a[data-flag="tally:requests.balance:enterprise"]').click()
    page.locator("#identity").wait_for()
    assert page.locator("#difference").inner_text() != "0"
    frame = page.frame_locator("#page")
    wanted = _locs(data_dir, rid, "enterprise")
    assert len(wanted) == 4
    for loc in wanted:
        cell = frame.locator(f'[data-gx-loc="{loc}"]')
        cell.wait_for()
        assert cell.evaluate("el => getComputedStyle(el).outlineColor") == HIGHLIGHT
    # a cell of another column is not highlighted
    other = next(iter(_locs(data_dir, rid, "total")))
    assert (
        frame.locator(f'[data-gx-loc="{other}"]').evaluate(
            "el => getComputedStyle(el).outlineColor"
        )
        != HIGHLIGHT
    )
    assert page.locator("td.marked").count() == 4  # and in the parsed tables beside it
    page.screenshot(path=shots / "review-report.png")

    _decide(page, "本年新收 + 上年结转 ≠ 总计 + 结转 on the page itself", "confirm")
    assert page.locator("#decision").inner_text().startswith("confirm by 测试员")
    page.locator('#flags a[data-flag="trust:metadata_guessed:"]').click()
    _decide(page, "the title states 2020: the year was read, not guessed", "dismiss")
    page.locator('#flags a[data-flag="tally:requests.balance:enterprise"]').click()
    correct = page.locator("#correct")
    correct.locator("select[name=cell]").select_option("requests.new_received.enterprise")
    correct.locator("input[name=value]").fill("7")
    correct.locator("textarea[name=note]").fill("the page prints 7 in this cell")
    correct.locator("#record-correction").click()
    page.wait_for_load_state()
    assert page.locator("#history tbody tr").count() == 3
    statuses = {
        page.locator("#flags a").nth(i).get_attribute("data-flag"): page.locator(
            "#flags [data-status]"
        )
        .nth(i)
        .inner_text()
        for i in range(page.locator("#flags a").count())
    }
    assert statuses["tally:requests.balance:enterprise"] == "confirmed"
    assert statuses["trust:metadata_guessed:"] == "dismissed"
    assert statuses["tally:requests.balance:total"] == "open"
    assert page.outside == []  # type: ignore[attr-defined]

    # the year runs again: the decisions are in the warehouse, as made
    materialize_year(data_dir, 2020)
    assert query(
        data_dir,
        "select action, reviewer, attachment from review_status order by action",
    ) == [
        ("confirm", "测试员", "current"),
        ("correct", "测试员", "current"),
        ("dismiss", "测试员", "current"),
    ]
    assert query(
        data_dir,
        "select value, published_value <> value, corrected_by from facts_corrected "
        "where report_id = ? and row = 'new_received' and col = 'enterprise'",
        [rid],
    ) == [(7.0, True, "测试员")]
    assert query(
        data_dir,
        "select confirmed_flags, dismissed_flags, open_flags, corrected_cells, review "
        "from report_quality where report_id = ?",
        [rid],
    ) == [(1, 1, 2, 1, "open")]  # open: one flag not decided and the late publication
    assert query(data_dir, "select flag from parser_defects") == [("metadata_guessed",)]


def test_a_hostile_page_and_agency_name_run_nothing_and_fetch_nothing(
    app: str, page, data_dir: Path
):
    rid, _ = _report(data_dir, "gen-2023-04-hostile.html")
    work = data_dir / ".work" / "warehouse.duckdb"
    # through the pipeline's own connection: a write into the working file from outside it is
    # set aside, not published (warehouse/files.py)
    with WarehouseFiles(work, data_dir / "warehouse.duckdb").connect() as conn:
        conn.execute("update dim_report set agency = ? where report_id = ?", [HOSTILE_AGENCY, rid])
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))

    page.goto(f"{app}/?year=2023")
    page.locator("#queue").wait_for()
    link = page.locator(f'a[href="/report/{rid}"]')
    assert link.inner_text() == HOSTILE_AGENCY  # the name as text, nothing of it as markup
    link.click()
    assert page.locator("#agency").inner_text().startswith(HOSTILE_AGENCY)
    assert page.locator("#agency img, #agency script, #agency a").count() == 0
    frame = page.frame_locator("#page")
    frame.locator("table").first.wait_for()
    # what the attacks would have done, had anything of them run or loaded
    inner = page.frame(url=lambda u: "/page/" in u)
    assert inner is not None
    # no link (the javascript: one is text now), script, frame, form or remote image is left
    assert frame.locator("a, script, iframe, object, embed, form, img[src^='http']").count() == 0
    frame.locator("td").first.click()  # a cell's onclick
    frame.locator("p", has_text="说明").hover()  # an onmouseover
    page.wait_for_timeout(500)
    assert page.evaluate("document.body.dataset.pwned") is None
    assert page.evaluate("document.getElementById('page').contentDocument") is None
    assert page.url.startswith(app + "/report/")  # no refresh, no navigation away
    assert "/page/" in inner.url and ATTACKER not in inner.url
    assert dialogs == []
    assert page.outside == []  # type: ignore[attr-defined]
    assert not (data_dir / "reviews.jsonl").exists() or all(
        rid not in line for line in (data_dir / "reviews.jsonl").read_text().splitlines()
    )
