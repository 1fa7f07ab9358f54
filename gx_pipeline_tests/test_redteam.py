"""Pages made to imitate what real agency sites emit (PDF conversions, browser copies, WeChat
articles, CMS grids, Word and PDF documents), each with the values a careful reader takes off
it."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from gx_pipeline import contract, documents
from gx_pipeline.parsing import parse_bytes, parse_file, sections
from gx_pipeline_tests.truth_pages import assert_reads_like_its_truth

REDTEAM = Path(__file__).parent / "fixtures" / "redteam"
PAGES = sorted(
    p for p in REDTEAM.iterdir() if p.suffix in (".html", ".txt", ".pdf", ".docx", ".doc")
)


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.stem)
def test_realistic_page_reads_exactly(page: Path):
    if documents.kind_of(page.read_bytes()) == "doc":
        _needs_libreoffice()
    if json.loads(page.with_suffix(".json").read_text("utf-8")).get("read_only_some"):
        pytest.skip("a page whose cells cannot all be read: test_only_right_cells_are_read")
    assert_reads_like_its_truth(page)


@pytest.mark.parametrize(
    "page",
    [
        p
        for p in PAGES
        if json.loads(p.with_suffix(".json").read_text("utf-8")).get("read_only_some")
    ],
    ids=lambda p: p.stem,
)
def test_only_right_cells_are_read(page: Path):
    # a page that cannot be read whole: every number emitted is right, and every cell left
    # out is said (its section is not complete)
    truth = json.loads(page.with_suffix(".json").read_text("utf-8"))
    got = parse_file(page)
    expected = {(c["section"], c["row"], c["col"]): c["value"] for c in truth["cells"]}
    values = {(c.section, c.row, c.col): c.value for c in got.cells}
    assert {k: v for k, v in values.items() if v is not None and expected.get(k) != v} == {}
    for section in {k[0] for k in expected if k not in values}:
        assert not got.complete[section], section


def _needs_libreoffice() -> None:
    import os

    from gx_pipeline.documents.word import converter

    if converter() is None:
        if os.environ.get("CI"):
            pytest.fail("no LibreOffice in CI: .ci/run installs it (make system-deps)")
        pytest.skip("LibreOffice is not installed (make system-deps): a .doc cannot be read")


def test_word_merges_written_as_hmerge_are_one_cell_like_gridspan():
    got = parse_file(next(REDTEAM.glob("r12_w07_*.docx")))
    assert not any("merged label cell" in p for p in got.problems)
    assert all(c.value is not None for c in got.cells if c.row == "carried_forward")


def test_word_tracked_changes_read_as_word_shows_them():
    got = parse_file(next(REDTEAM.glob("r12_w01_*.docx")))
    # the deleted stale row held each value + 7: no such row is read, no problems line on it
    assert not any("appears twice" in p or "not in the template" in p for p in got.problems)
    values = {(c.row, c.col): c.value for c in got.cells}
    # revised values: <w:del>7</w:del><w:ins>1</w:ins>, <w:del>6</w:del><w:ins>0</w:ins>
    assert values[("new_received", "other_org")] == 1
    assert values[("withheld.third_party", "research")] == 0


def test_tab_separated_copy_keeps_empty_cells_in_place():
    got = parse_file(REDTEAM / "p24_tab_separated_copy_2021.txt")
    values = {(c.row, c.col): c.value for c in got.cells if c.section == "requests"}
    assert values[("new_received", "total")] == 7
    assert values[("new_received", "research")] is None


def test_label_wrapped_over_two_lines_is_joined_and_not_flagged():
    got = parse_file(REDTEAM / "p22_text_copy_broken_label_cells_2019.txt")
    assert any(c.row == "not_processed.confirmation" for c in got.cells)
    assert not any("not in the template" in p for p in got.problems)


def test_a_second_report_on_the_page_is_said_once_and_not_read():
    (page,) = REDTEAM.glob("p09_*.html")
    problems = parse_file(page).problems
    expected = (
        "page: a second report follows the first (its own '一、总体情况' after the first's "
        "tables); only the first is read"
    )
    assert [p for p in problems if p.startswith("page:")] == [expected]
    assert not any("appears twice" in p for p in problems)


@pytest.mark.parametrize(
    ("stem", "verdict"),
    [
        ("s04_total_column_first_header_and_data_2021", "the numbers agree"),
        ("s05_total_column_first_header_data_standard_2020", "follow the template's order"),
    ],
)
def test_a_header_with_the_total_column_first_is_checked_against_the_sums(stem: str, verdict: str):
    got = parse_file(REDTEAM / f"{stem}.html")
    assert any(
        p.startswith("requests: the header puts 总计 before 自然人") and verdict in p
        for p in got.problems
    )


@pytest.mark.parametrize("stem", ["r13_a01_", "r13_a02_", "r13_a03_", "r13_a06_"])
def test_applicant_columns_drawn_in_another_order_are_read_under_their_headings(stem: str):
    got = parse_file(next(p for p in REDTEAM.glob(f"{stem}*") if p.suffix != ".json"))
    assert any(
        p.startswith("requests: the header orders the applicant columns") for p in got.problems
    )
    # the cells come out in the template's order of columns, as on every other page
    order = [c.code for c in contract.REQUEST_COLUMNS]
    granted = [c.col for c in got.cells if c.row == "granted"]
    assert granted == order


def test_a_total_column_among_the_applicants_is_read_where_the_sums_put_it():
    page = next(REDTEAM.glob("r13_a05_*.html"))
    got = parse_file(page)
    assert "reading_by_identity" in got.flags

    # the same header over numbers in the template's order: the sums do not follow the
    # header, nothing says which order is right, and the template's is taken (and flagged)
    def total_last(row: re.Match) -> str:
        cells = re.findall(r"<td[^>]*>.*?</td>", row.group(0))
        numbers = [c for c in cells if re.fullmatch(r"[\d.]+", re.sub(r"<[^>]+>", "", c))]
        if len(numbers) != 7 or len(cells) < 8:
            return row.group(0)  # not a requests row (proactive, appeals, header)
        labels = cells[: len(cells) - 7]
        # the page's order is 自然人, 总计, then the five: move 总计 to the end
        return "<tr>" + "".join([*labels, numbers[0], *numbers[2:], numbers[1]]) + "</tr>"

    text = re.sub(r"<tr>.*?</tr>", total_last, page.read_text("utf-8"))
    got = parse_bytes(text.encode("utf-8"), page.name)
    assert "column_order_guessed" in got.flags
    truth = json.loads(page.with_suffix(".json").read_text("utf-8"))
    expected = {
        (c["row"], c["col"]): c["value"] for c in truth["cells"] if c["section"] == "requests"
    }
    assert {(c.row, c.col): c.value for c in got.cells if c.section == "requests"} == expected


def test_a_header_whose_order_the_sums_contradict_is_not_followed():
    # labels in another order over numbers in the template's: the sums put the total last
    # though the header puts 总计 first, so the header's order of the rest is no evidence
    got = parse_file(next(REDTEAM.glob("r14_c05_*.html")))
    assert "column_order_guessed" in got.flags
    assert not any("read under its heading" in p for p in got.problems)


def test_a_repeated_header_in_another_order_is_flagged():
    page = next((REDTEAM / "guessed").glob("r14_c07_*.html"))
    got = parse_file(page)
    assert "column_order_guessed" in got.flags
    assert any(p.startswith("requests: the header is repeated") for p in got.problems)
    # the rows under the first header are read right
    truth = json.loads(page.with_suffix(".json").read_text("utf-8"))
    expected = {(c["row"], c["col"]): c["value"] for c in truth["cells"]}
    first = {(c.row, c.col): c.value for c in got.cells if c.row in ("granted", "new_received")}
    assert first == {k: v for k, v in expected.items() if k[0] in ("granted", "new_received")}


@pytest.mark.parametrize(
    ("row1", "row2", "expected"),
    [
        (
            ["申请人情况", "总计"],
            ["自然人", "法人或其他组织"],
            ["自然人", "法人或其他组织", "总计"],
        ),
        (
            ["自然人", "申请人情况", "总计"],
            ["法人或其他组织"],
            ["自然人", "法人或其他组织", "总计"],
        ),
        (
            ["总计", "申请人情况", "自然人"],
            ["法人或其他组织"],
            ["总计", "法人或其他组织", "自然人"],
        ),
        (
            ["申请人情况"],
            ["自然人", "法人或其他组织", "总计"],
            ["自然人", "法人或其他组织", "总计"],
        ),
    ],
)
def test_headings_drawn_down_from_the_first_header_row_stand_beside_the_second(
    row1: list[str], row2: list[str], expected: list[str]
):
    # row 1: 申请人情况 and the headings drawn down beside it; row 2: the headings under it
    at = [(1, 1)] * len(row1) + [(1, 2)] * len(row2)
    got = sections._under_applicants([*row1, *row2], at)
    assert [w for w in got if w != "申请人情况"] == expected


def test_change_written_in_words_is_signed_and_no_change_is_said():
    got = parse_file(next(REDTEAM.glob("u12_*.html")))
    values = {(c.row, c.col): c.value for c in got.cells if c.section == "proactive"}
    assert values[("coercion", "change")] == 0
    assert any(
        p.startswith("proactive.coercion.change:") and "no change" in p for p in got.problems
    )


def test_an_applicant_column_the_template_lacks_is_left_out_and_said():
    got = parse_file(next(REDTEAM.glob("u03_*.html")))
    assert any("个体工商户" in p and "left out" in p for p in got.problems)


def test_a_watermark_at_a_slant_is_left_out_and_said():
    got = parse_file(next(REDTEAM.glob("r12_p01_*.pdf")))
    assert any("at a slant" in p and "仅供参考" in p for p in got.problems)
    assert not any("drawn over one another" in p for p in got.problems)


def test_struck_through_revisions_in_a_pdf_are_left_out_and_said():
    got = parse_file(next(REDTEAM.glob("r12_p05_*.pdf")))
    values = {(c.row, c.col): c.value for c in got.cells}
    assert values[("new_received", "other_org")] == 1  # 7̶1: the 7 is struck through
    assert any("struck through" in p for p in got.problems)


def test_a_table_without_rules_down_is_read_as_lines_not_as_prose():
    page = next(REDTEAM.glob("r12_p06_*.pdf"))
    truth = json.loads(page.with_suffix(".json").read_text("utf-8"))
    got = parse_file(page)
    expected = {(c["section"], c["row"], c["col"]): c["value"] for c in truth["cells"]}
    right = [c for c in got.cells if expected.get((c.section, c.row, c.col), "x") == c.value]
    assert len(right) > len(expected) // 2
    assert not any("written as prose" in p for p in got.problems)


def test_glyphs_without_a_unicode_map_keep_their_place_and_are_said():
    got = parse_file(next(REDTEAM.glob("r12_p07_*.pdf")))
    assert any("no Unicode mapping" in p for p in got.problems)
    assert "encoding_damaged" in got.flags


@pytest.mark.parametrize("struck", ["td", "tr"])
def test_a_cell_or_row_struck_by_its_own_style_keeps_the_grid_in_place(struck: str, tmp_path):
    # a style on the cell or the row itself, not on a span inside it: leaving the element out
    # would move every later cell of the row (or every later row) one place
    page = next(REDTEAM.glob("r12_h03_*.html"))
    html = page.read_text("utf-8")
    row = '<tr><td valign="middle">5.属于三类内部事务信息</td>'
    assert html.count(row) == 1
    if struck == "td":
        html = html.replace(
            row + '<td valign="middle">0</td>',
            row + '<td valign="middle" style="text-decoration: line-through">0</td>',
            1,
        )
    else:
        html = html.replace(row, row.replace("<tr>", '<tr style="text-decoration:line-through">'))
    changed = tmp_path / page.name
    changed.write_text(html, "utf-8")
    truth = json.loads(page.with_suffix(".json").read_text("utf-8"))
    expected = {(c["section"], c["row"], c["col"]): c["value"] for c in truth["cells"]}
    got = parse_file(changed)
    values = {(c.section, c.row, c.col): c.value for c in got.cells}
    wrong = {k: v for k, v in values.items() if v is not None and v != expected.get(k)}
    assert wrong == {}
    struck_row = {k for k in expected if k[1] == "withheld.internal_affairs"}
    assert len(struck_row) == 7
    read = {k for k, v in values.items() if v is not None}
    assert read >= set(expected) - struck_row
    assert len(read & struck_row) == (6 if struck == "td" else 0)


@pytest.mark.parametrize(
    "row",
    [
        # a tag-soup <s>, <strike> or <del> between a row and its cells (an editor's strike over a
        # selection of cells): the browser moves the tag out of the table and shows the cells in
        # place; taken out with its cells it moved the row's later cells one place left
        "<tr><td>a</td><s><td>5</td></s><td>6</td><td>7</td></tr>",
        "<tr><td>a</td><strike><td>5</td><td>6</td></strike><td>7</td></tr>",
        "<tr><td>a</td><del><td>5</td></del><td>6</td><td>7</td></tr>",
    ],
)
def test_a_strike_tag_around_cells_keeps_the_later_cells_in_place(row: str):
    from gx_pipeline.parsing.tokens import html_tokens

    page = f"<html><body><table>{row}<tr><td>b</td><td>1</td><td>2</td><td>3</td></tr></table>"
    tokens, _ = html_tokens(page + "</body></html>")
    cells = {(t.tr, t.td): t.text for t in tokens if t.table}
    assert cells[(1, 4)] == "7"
    assert cells.get((1, 3)) in ("6", "")
    assert cells[(2, 4)] == "3"


def test_a_strike_tag_around_rows_keeps_the_later_rows_in_place():
    from gx_pipeline.parsing.tokens import html_tokens

    rows = "<tr><td>a</td><td>1</td></tr><del><tr><td>b</td><td>2</td></tr></del>"
    rows += "<tr><td>c</td><td>3</td></tr>"
    tokens, _ = html_tokens(f"<html><body><table>{rows}</table></body></html>")
    cells = {(t.tr, t.td): t.text for t in tokens if t.table}
    assert cells[(3, 1)] == "c" and cells[(3, 2)] == "3"


@pytest.mark.parametrize("hazard", ["r12_h01_*.html", "r12_h02_*.html", "r12_h03_*.html"])
def test_struck_text_left_out_of_a_web_page_is_said(hazard: str):
    # as a PDF's struck text is: a researcher sees why a number the page shows was not read
    got = parse_file(next(REDTEAM.glob(hazard)))
    (said,) = [p for p in got.problems if "struck through" in p]
    assert said.startswith("page: text struck through")


def test_a_strike_tag_holding_no_text_is_not_said(tmp_path):
    # CMS templates use an empty <s></s> as an icon or a bullet: nothing is struck
    page = next(REDTEAM.glob("r12_h03_*.html"))
    html = page.read_text("utf-8").replace("line-through", "none")
    html = html.replace("<body>", '<body><ul><li><s class="dot"></s>首页</li></ul>', 1)
    assert '<s class="dot">' in html
    changed = tmp_path / page.name
    changed.write_text(html, "utf-8")
    assert not any("struck" in p for p in parse_file(changed).problems)


@pytest.mark.parametrize("depth", [0, 1, 3])
def test_a_table_inside_a_struck_block_keeps_its_grid_emptied_at_any_depth(depth: int):
    # a block struck through by its style with the table in it, directly or inside plain
    # wrappers: the table's cells were read as shown when the wrapper was a <div> (the table
    # was taken out with it, and the page read again without its wrappers)
    from gx_pipeline.parsing.tokens import html_tokens

    table = "<table><tr><td>a</td><td>5</td></tr><tr><td>b</td><td>6</td></tr></table>"
    inner = "<div>" * depth + table + "</div>" * depth
    page = f'<p>x</p><div style="text-decoration:line-through">{inner}</div>'
    tokens, head = html_tokens(f"<html><body>{page}</body></html>")
    assert [(t.tr, t.td, t.text) for t in tokens if t.table] == [
        (1, 1, ""),
        (1, 2, ""),
        (2, 1, ""),
        (2, 2, ""),
    ]
    assert head.struck == "a 5 b 6"


@pytest.mark.parametrize(
    ("style", "struck"),
    [
        ("TEXT-DECORATION: LINE-THROUGH", True),  # CSS keywords are case-blind; old IE markup
        ("text-decoration: Line-Through", True),
        ("text-decoration:underline line-through", True),
        ("text-decoration-line: line-through", True),
        # Word's own property beside the CSS one (browsers ignore it): the run is not struck
        ("text-decoration:none;text-line-through:none", False),
        ("mso-bidi-font-size:10.5pt;text-line-through:none", False),
        # the last declaration wins
        ("text-decoration:line-through;text-decoration:none", False),
        ("text-decoration-line:line-through;text-decoration:underline", False),
    ],
)
def test_a_style_strikes_when_a_browser_draws_its_line(style: str, struck: bool):
    from gx_pipeline.parsing.tokens import html_tokens

    cell = f'<td><span style="{style}">9</span>6</td>'
    page = f"<html><body><table><tr><td>a</td>{cell}</tr></table></body></html>"
    tokens, head = html_tokens(page)
    assert [t.text for t in tokens if t.table] == ["a", "6" if struck else "96"]
    assert head.struck == ("9" if struck else "")


def test_text_struck_by_a_wrapper_style_stays_out_of_a_page_read_without_its_wrappers():
    # a page nested too deep for libxml2 is read again without its wrappers (<div>, <span>,
    # <font>): the <span> that struck a number went with them, and the old number was read
    from gx_pipeline.parsing.tokens import html_tokens

    cell = '<td><font style="TEXT-DECORATION: line-through">9</font>6</td>'
    cell += "<td><span style='text-decoration:none'>7</span></td>"
    table = f"<table><tr><td>a</td>{cell}</tr></table>"
    page = "<html><body>" + "<div>" * 3000 + table + "</div>" * 3000 + "</body></html>"
    tokens, head = html_tokens(page)
    assert [t.text for t in tokens if t.table] == ["a", "6", "7"]
    assert head.struck == "9"


@pytest.mark.parametrize(
    ("css", "cell", "shown"),
    [
        (".old{text-decoration:line-through}", '<span class="old">9</span>6', "6"),
        ("span.del, .x {color:red; TEXT-DECORATION: LINE-THROUGH}", '<span class="a del">9</span>6', "6"),
        (".box .old {text-decoration-line: line-through}", '<p class="box"><font class="old">9</font>6</p>', "6"),
        ("@media screen { .old {text-decoration:line-through} }", '<span class="old">9</span>6', "6"),
        (".a.b{text-decoration:line-through}", '<span class="b a">9</span>6', "6"),
        # not struck: another class, a later rule, the element's own style, a rule for a tag
        (".old{text-decoration:line-through}", '<span class="older">9</span>6', "96"),
        (".old{text-decoration:line-through} .old{text-decoration:none}", '<span class="old">9</span>6', "96"),
        (".old{text-decoration:line-through}", '<span class="old" style="text-decoration:none">9</span>6', "96"),
        ("div.old{text-decoration:line-through}", '<span class="old">9</span>6', "96"),
        (".a.b{text-decoration:line-through}", '<span class="a">9</span>6', "96"),
        # a rule for a class inside another, on a page where nothing holds it: the browser
        # draws no line (one read was taken for 6 where the page shows 96)
        (".box .old {text-decoration-line: line-through}", '<font class="old">9</font>6', "96"),
        ("/* .old{text-decoration:line-through} */", '<span class="old">9</span>6', "96"),
    ],
)  # fmt: skip
def test_a_style_block_strikes_by_class_as_a_browser_does(css: str, cell: str, shown: str):
    """A rich-text editor or a page's own CSS may strike a corrected number through a class:
    read, the old digit and the new closed up into another number."""
    from gx_pipeline.parsing.tokens import html_tokens

    page = (
        f"<html><head><style>{css}</style></head><body><table><tr><td>a</td><td>{cell}</td>"
        "</tr></table></body></html>"
    )
    tokens, head = html_tokens(page)
    assert [t.text for t in tokens if t.table] == ["a", shown]
    assert head.struck == ("9" if shown == "6" else "")


def test_a_cell_struck_by_class_keeps_the_grid_in_place():
    from gx_pipeline.parsing.tokens import html_tokens

    page = (
        "<html><head><style>td.gone{text-decoration:line-through}</style></head><body><table>"
        '<tr><td>a</td><td class="gone">5</td><td>6</td></tr></table></body></html>'
    )
    tokens, _ = html_tokens(page)
    assert [(t.text, t.td) for t in tokens if t.table] == [("a", 1), ("", 2), ("6", 3)]


def test_text_struck_by_class_stays_out_of_a_page_read_without_its_wrappers():
    from gx_pipeline.parsing.tokens import html_tokens

    css = "<style>.old{text-decoration:line-through}</style>"
    cell = (
        '<td><span class="old">9</span>6</td><td><span class="old" style="color:red">8</span>7</td>'
    )
    table = f"<table><tr><td>a</td>{cell}</tr></table>"
    page = f"<html><head>{css}</head><body>" + "<div>" * 3000 + table + "</div>" * 3000
    tokens, head = html_tokens(page + "</body></html>")
    assert [t.text for t in tokens if t.table] == ["a", "6", "7"]
    assert head.struck == "9 8"


def test_appeals_header_relabelled_over_numbers_in_template_order_is_flagged():
    # 总计 drawn first over numbers whose last cell of each group is the sum of the others:
    # the sums contradict the header, so the template's order is kept and the guess is said
    page = REDTEAM.parent / "hazards" / "appeals_one_row_of_15.html"
    html = page.read_text("utf-8")
    five = "<td>结果维持</td><td>结果纠正</td><td>其他结果</td><td>尚未审结</td><td>总计</td>"
    spanned = five.replace("<td>", '<td rowspan="2">')
    first = "<td>总计</td><td>结果维持</td><td>结果纠正</td><td>其他结果</td><td>尚未审结</td>"
    assert spanned in html and five * 2 in html
    html = html.replace(spanned, first.replace("<td>", '<td rowspan="2">'))
    html = html.replace(five * 2, first * 2)
    got = parse_bytes(html.encode("utf-8"), source=page.name)
    plain = parse_file(page)
    values = {(c.row, c.col): c.value for c in got.cells if c.section == "appeals"}
    assert values == {(c.row, c.col): c.value for c in plain.cells if c.section == "appeals"}
    assert "column_order_guessed" in got.flags


def test_appeals_on_its_side_without_both_kinds_of_litigation_named_is_not_read():
    # the header must name each column: with the litigation columns unnamed, which of the
    # three columns is which kind of case is not known
    page = REDTEAM / "r15_c1_transposed_2022.html"
    html = page.read_text("utf-8").replace("<td>未经复议直接起诉</td><td>复议后起诉</td>", "")
    got = parse_bytes(html.encode("utf-8"), source=page.name)
    assert not [c for c in got.cells if c.section == "appeals" and c.value is not None]
    assert not got.complete["appeals"]


_CAPTIONS = [
    '<tr><td colspan="15">行政诉讼、行政复议情况</td></tr>',  # a caption row naming both
    '<tr><td colspan="15">政府信息公开行政复议、行政诉讼情况</td></tr>',
]


@pytest.mark.parametrize(
    ("page", "head"),
    [
        ("hazards/appeals_one_row_of_15.html", '<tr><td colspan="5">行政复议</td><td colspan="10">行政诉讼</td></tr>'),
        ("redteam/r15_a3_litigation_before_review_2022.html", '<tr><td colspan="10">行政诉讼</td><td colspan="5">行政复议</td></tr>'),
    ],
)  # fmt: skip
@pytest.mark.parametrize("caption", [*_CAPTIONS, "corner"])
def test_an_appeals_caption_naming_both_kinds_of_case_tells_no_order(
    page: str, head: str, caption: str
):
    """A caption row (行政诉讼、行政复议情况) or a corner cell (行政诉讼及复议) names both kinds of
    case: taken for the first 行政诉讼 heading, it put 11 of the 15 values under the wrong kind
    of case, unflagged."""
    path = REDTEAM.parent / page
    html = path.read_text("utf-8")
    assert head in html
    if caption == "corner":
        added = head.replace("<tr>", '<tr><td rowspan="3">行政诉讼及复议</td>', 1)
    else:
        added = caption + head
    got = parse_bytes(html.replace(head, added).encode("utf-8"), source=path.name)
    plain = parse_file(path)
    values = {(c.row, c.col): c.value for c in got.cells if c.section == "appeals"}
    assert values == {(c.row, c.col): c.value for c in plain.cells if c.section == "appeals"}


@pytest.mark.parametrize(
    ("copy", "cells"),
    [
        # a TAB copy: the first and the last heading of a header row drawn narrow
        (
            "自\n然\n人\t法人或其他组织\t总\n计\n商业企业\t科研机构\n",
            [["自然人", "法人或其他组织", "总计"], ["商业企业", "科研机构"]],
        ),
        # 总计 drawn down beside 申请人情况, 自然人 first in the row under it
        (
            "（本列数据）\t申请人情况\t总\n计\n自\n然\n人\t法人或其他组织\n商业企业\t科研机构\n",
            [
                ["（本列数据）", "申请人情况", "总计"],
                ["自然人", "法人或其他组织"],
                ["商业企业", "科研机构"],
            ],
        ),
        # a pipe copy, two characters a line, and a row label: a value keeps its own line
        (
            "自然\n人 | 法人或其他组织 | 总计 ||||\n（\n七\n）\n总\n计 | 3 | 4\n",
            [["自然人", "法人或其他组织", "总计"], ["（七）总计"], ["3", "4"]],
        ),
    ],
)
def test_a_cell_wrapped_a_character_a_line_in_a_copy_is_one_cell_again(
    copy: str, cells: list[list[str]]
):
    """A narrow cell's words written a character a line (自 / 然 / 人): each character was
    dropped as a stray mark, the heading was lost, and the values were read under the wrong
    columns. Joined, the cell stands in the row it starts, with the row's later headings."""
    from gx_pipeline.parsing.tokens import END, text_tokens

    rows: dict[int | None, list[str]] = {}
    for t in text_tokens(copy):
        if t.kind != END:
            rows.setdefault(t.tr, []).append(t.text)
    assert list(rows.values()) == cells


@pytest.mark.parametrize(
    "copy",
    [
        "其\t他\n",  # two cells of one line: a separator stands between them
        "自\n燃\n人\t法人或其他组织\n",  # a misread character: the pieces spell nothing
    ],
)
def test_characters_that_are_not_one_heading_stay_apart(copy: str):
    from gx_pipeline.parsing.tokens import END, text_tokens

    texts = [t.text for t in text_tokens(copy) if t.kind != END]
    assert all(len(t) == 1 for t in texts[:3])


def test_a_row_label_wrapped_a_character_a_line_names_its_row():
    # （七）总计 and the group labels written downwards: the total row was placed by its
    # position, said as a row without a label
    got = parse_file(next(REDTEAM.glob("r16_v05_*.txt")))
    assert not any("without a label" in p for p in got.problems)
    assert got.flags == ()


@pytest.mark.parametrize("stem", ["r16_v10_", "r16_v11_"])
def test_characters_that_spell_no_heading_leave_the_column_order_guessed(stem: str):
    """A heading wrapped a character a line with one character misread (自 / 然 / 口): the
    characters cannot be joined, the header does not name every column, and where its values
    stand is not known. Read in the template's order they were wrong, without a flag. The
    appeals header's characters (总 / 口, 复 / 议 / 后 / 起 / 口) leave its order open too: a value
    is read only where every order its headings allow puts the same one there, the page
    flagged where one is withheld."""
    page = next((REDTEAM / "guessed").glob(f"{stem}*.txt"))
    got = parse_file(page)
    assert any("appeals: the header holds words or characters" in p for p in got.problems)
    appeals = [c.value for c in got.cells if c.section == "appeals"]
    assert None not in appeals or "column_order_guessed" in got.flags
    # and no number is read under a column it may not be: the headings not named have no
    # blank cell that pins them (r16_v10: 127 of 175 requests values were wrong)
    truth = json.loads(page.with_suffix(".json").read_text("utf-8"))
    expected = {(c["section"], c["row"], c["col"]): c["value"] for c in truth["cells"]}
    wrong = {
        (c.section, c.row, c.col): c.value
        for c in got.cells
        if c.section in ("requests", "appeals")
        and c.value is not None
        and c.value != expected[(c.section, c.row, c.col)]
    }
    assert wrong == {}


#: an appeals table drawn with 行政诉讼 before 行政复议: (kind of case, its five values in the
#: order 结果维持 结果纠正 其他结果 尚未审结 总计)
_LITIGATION_FIRST = (
    ("litigation_direct", (1, 2, 0, 1, 4)),
    ("litigation_after_review", (0, 3, 1, 0, 4)),
    ("review", (2, 0, 1, 2, 5)),
)
_OUTCOMES = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")


def _narrow(word: str, width: int, misread: bool) -> str:
    if misread:
        word = word[:-1] + "口"
    return "\n".join(word[k : k + width] for k in range(0, len(word), width))


def _litigation_first_appeals(form: str, width: int, above: str, misread: bool) -> str:
    """Section 四 of a copy (TAB, pipe or one cell a paragraph), its 行政诉讼 heading drawn
    narrow and written `width` characters a line, misread or not, `above` the table a line
    of its own (a unit, a table's number) or nothing."""
    rows = [
        [_narrow("行政诉讼", width, misread), "行政复议"],
        ["未经复议直接起诉", "复议后起诉", *_OUTCOMES],
        [*_OUTCOMES, *_OUTCOMES],
        [str(v) for _, values in _LITIGATION_FIRST for v in values],
    ]
    lines = ["四、政府信息公开行政复议、行政诉讼情况", *([above] if above else [])]
    if form == "paragraphs":
        return "\n\n".join(lines + [cell for row in rows for cell in row]) + "\n\n"
    sep = "\t" if form == "tab" else " | "
    return "\n".join(lines + [sep.join(row) + (" |" if form == "pipe" else "") for row in rows])


@pytest.mark.parametrize("form", ["tab", "pipe", "paragraphs"])
@pytest.mark.parametrize("above", ["", "单位：件", "表三"])
@pytest.mark.parametrize(("width", "misread"), [(1, False), (2, False), (1, True), (2, True)])
def test_litigation_drawn_first_is_read_first_or_its_order_is_flagged(
    form: str, width: int, above: str, misread: bool
):
    """行政诉讼 drawn before 行政复议 and written a character (or two) a line. A line over the
    table (单位：件) kept the characters apart, and a misread one spells nothing: the heading
    was lost, and 行政复议, the only kind of case left in the first row, stood before the
    litigation headings of the row under it; the values were read in that order, without a
    flag. The characters are joined beside such a line; where they spell nothing (行政 / 诉口
    too, two characters a line) a value is read only where the orders left agree on it (the
    values tell 行政复议's group from the others'), and the page is flagged where one is not."""
    base = next(REDTEAM.glob("r16_v01_*.txt")).read_text("utf-8")
    head, rest = base.split("四、政府信息公开行政复议、行政诉讼情况\n")
    tail = rest[rest.index("五、") :]
    page = head + _litigation_first_appeals(form, width, above, misread) + "\n" + tail
    got = parse_bytes(page.encode("utf-8"), "page.txt")
    values = {(c.row, c.col): c.value for c in got.cells if c.section == "appeals"}
    truth = {
        (kind, col): v
        for kind, five in _LITIGATION_FIRST
        for col, v in zip(("upheld", "corrected", "other", "pending", "total"), five, strict=True)
    }
    if misread:  # a value read only where every order the page allows puts it there
        assert {k: v for k, v in values.items() if v is not None and v != truth[k]} == {}
        assert None not in values.values() or "column_order_guessed" in got.flags
    else:
        assert values == truth


@pytest.mark.parametrize(
    ("stem", "last_heading", "wrapped"),
    [
        ("r16_v01_", "\t其他\n一、本年新收", "\t其\n他\n一、\n本年新收"),
        # other_org before legal_service, 法律服务机构 already two characters a line
        ("r16_v07_", "\n机构\n一、本年新收", "\n机构\n一、\n本年新收"),
    ],
)
def test_a_heading_wrapped_before_a_row_number_on_its_own_line_is_joined(
    stem: str, last_heading: str, wrapped: str
):
    """The header's last heading written a character (or two) a line, and the first row
    label's number (一、) on a line of its own before its words: the number, standing between
    the heading's pieces and a label too long to be a piece, kept them apart; the heading was
    lost and the applicant columns were read in the template's order."""
    page = next(REDTEAM.glob(f"{stem}*.txt"))
    text = page.read_text("utf-8")
    assert last_heading in text
    got = parse_bytes(text.replace(last_heading, wrapped).encode("utf-8"), page.name)
    truth = json.loads(page.with_suffix(".json").read_text("utf-8"))
    expected = {
        (c["row"], c["col"]): c["value"] for c in truth["cells"] if c["section"] == "requests"
    }
    assert {(c.row, c.col): c.value for c in got.cells if c.section == "requests"} == expected
    assert "column_order_guessed" not in got.flags


@pytest.mark.parametrize(
    ("heading", "misread"), [("公益\n组织", "公益\n组口"), ("服务\n机构", "服务\n机口")]
)
def test_a_heading_two_characters_a_line_misread_leaves_the_order_guessed(
    heading: str, misread: str
):
    """Applicant headings written two characters a line (社会 / 公益 / 组织) over columns in
    another order than the template's (其他 before 法律服务机构), one character misread: the
    pieces spell no heading, each was read as a header word of its own, the header named the
    other columns only, and the values were read in the template's order without a flag. The
    order is said guessed, and no value stands where the template's order would put it."""
    page = next(REDTEAM.glob("r16_v07_*.txt"))
    text = page.read_text("utf-8")
    assert heading in text
    got = parse_bytes(text.replace(heading, misread, 1).encode("utf-8"), page.name)
    assert "column_order_guessed" in got.flags
    # the lines of pieces read across spell no heading: the five columns under 法人或其他组织
    # are withheld, not read in the template's order (其他 stands before 法律服务机构), but in
    # a row where they all hold one number, which every order of them reads there
    assert any("a piece a line" in p or "standing alone" in p for p in got.problems)
    group = {"enterprise", "research", "nonprofit", "legal_service", "other_org"}
    truth = json.loads(page.with_suffix(".json").read_text("utf-8"))
    expected = {(c["row"], c["col"]): c["value"] for c in truth["cells"]}
    read = [c for c in got.cells if c.col in group and c.value is not None]
    assert all(c.value == expected[(c.row, c.col)] for c in read)
    for row in {c.row for c in read}:
        assert len({expected[(row, col)] for col in group}) == 1, row
    assert len(read) < len([k for k in expected if k[1] in group])


def _misread(stem: str, section: str, damage: tuple[tuple[str, str], ...]) -> tuple[dict, dict]:
    """A fixture's page with headings of one table's header misread whole in their cells
    (`damage`: each heading's text as the page writes it, and what the copy shows instead, at
    its first place in the table), parsed; and the fixture's truth of that table."""
    page = next(p for p in REDTEAM.glob(f"{stem}*") if p.suffix != ".json")
    text = page.read_text("utf-8")
    # the table starts on the line after its section's heading
    heading = "三、收到和处理" if section == "requests" else "四、政府信息公开行政复议"
    start = text.index("\n", text.index(heading))
    head, table = text[:start], text[start:]
    for heading, shown in damage:
        assert heading in table
        table = table.replace(heading, shown, 1)
    got = parse_bytes((head + table).encode("utf-8"), page.name)
    truth = json.loads(page.with_suffix(".json").read_text("utf-8"))
    expected = {(c["row"], c["col"]): c["value"] for c in truth["cells"] if c["section"] == section}
    return got, expected


#: pages whose columns stand in another order than the template's: r16_v07 a TAB copy with
#: headings two characters a line (其他 before 法律服务机构; 行政诉讼 first, 尚未审结 before
#: 其他结果), r16_v08 an HTML page (总计 first in both tables), r16_v06 a pipe copy with
#: headings one character a line (总计 first, 自然人 last)
_READ_BY_PLACE = [
    ("r16_v07_", "requests", (("\t其他\t", "\t口口\t"),)),
    ("r16_v06_", "requests", (("社会公益组织", "社会公益"),)),
    ("r16_v08_", "requests", ((">科研机构<", ">科研机关<"),)),
    ("r16_v08_", "requests", ((">法律服务机构<", ">口口口口口口<"),)),
    ("r16_v06_", "requests", (("商业企业", "商亚企业"),)),
    # the group's heading over the five: where it stands tells the header's levels
    ("r16_v07_", "requests", (("法人或其他组织", "法入或其他组织"),)),
    ("r16_v07_", "appeals", (("结果纠正", "结果纠"),)),
    ("r16_v07_", "appeals", (("行政诉讼", "行政诉口"),)),
    ("r16_v08_", "appeals", ((">其他结果<", ">其池结果<"),)),
    ("r16_v06_", "appeals", (("尚未审结", "□□□□"),)),
    # two in one group of five: the other groups draw the same five in order
    ("r16_v08_", "appeals", ((">结果维持<", ">结果维<"), (">结果纠正<", ">结果纠<"))),
    ("r16_v07_", "appeals", (("行政诉讼", "行政诉口"), ("结果纠正", "结口口口"))),
]


@pytest.mark.parametrize(("stem", "section", "damage"), _READ_BY_PLACE)
def test_a_heading_misread_whole_in_its_cell_is_read_by_its_place(
    stem: str, section: str, damage: tuple[tuple[str, str], ...]
):
    """A heading of a header misread whole in its cell (OCR or copy damage: 口口, 社会公益 cut
    short, 科研机关 for 科研机构, □□□□): the header named the other columns only, and where
    those stood in the template's order the values were read in it, without a flag, though
    the columns stood otherwise. Where only that heading, put in the word's place, makes the
    header name every column (and no row is wider than the table), and the word may be it
    misread, it is read as that heading, and the values under the header's order."""
    got, expected = _misread(stem, section, damage)
    assert {(c.row, c.col): c.value for c in got.cells if c.section == section} == expected
    assert "column_order_guessed" not in got.flags
    words = [repr(shown.strip("<>\t")) for _, shown in damage]
    assert any(
        p.startswith(f"{section}: the header's word") and all(w in p for w in words)
        for p in got.problems
    )


@pytest.mark.parametrize(
    ("stem", "section", "damage"),
    [
        ("r16_v07_", "requests", (("商业企业", "口口口口"), ("\t其他\t", "\t口口\t"))),
        ("r16_v06_", "requests", (("科研机构", "科研"), ("| 其他 |", "| 具他 |"))),
        # both kinds of 行政诉讼: either may stand in either place
        (
            "r16_v07_",
            "appeals",
            (("复议后起诉", "口口口口口"), ("未经\n复议\n直接\n起诉", "口口口口口口口口")),
        ),
        # a word like another heading (总计, read where it stands), where 科研机构 stands: its
        # look and its place disagree on which heading it is
        ("r16_v08_", "requests", ((">科研机构<", ">总口<"),)),
        # a corner word (项目) and 其他's cell empty: the word may stand where no heading does
        ("r16_v07_", "requests", (("\t其他\t", "\t\t"), ("（本列", "项目\t（本列"))),
        # a piece as short as those of the headings written two characters a line: it may be
        # one of theirs (a heading whose pieces spell nothing), not a heading of its own
        ("r16_v07_", "requests", (("商业企业", "商业企"),)),
    ],
)
def test_headings_misread_where_their_places_do_not_tell_leave_the_order_guessed(
    stem: str, section: str, damage: tuple[tuple[str, str], ...]
):
    """Headings misread whole in their cells where more than one choice of headings fits their
    places (two applicant headings; both kinds of 行政诉讼), one word whose look and place
    disagree, or a word of no heading's characters beside an empty heading cell: which heading
    each cell held the header does not tell, and the values were read in the template's order
    without a flag where the headings read stood in it. The order is said guessed; or, where
    the header's rows withhold the values of every heading misread, that is said instead, and
    no line says values were read in an order guessed (none is)."""
    got, _ = _misread(stem, section, damage)
    said = [p for p in got.problems if p.startswith(f"{section}:")]
    if "column_order_guessed" in got.flags:
        assert any(p.startswith(f"{section}: the header holds") for p in said)
        return
    assert section == "requests" and "cells_unplaced" in got.flags, said
    assert not any("template's order" in p for p in said), said
    damaged = {
        code
        for code, heading in zip(
            (c.code for c in contract.REQUEST_COLUMNS), sections._APPLICANTS, strict=True
        )
        if any(heading in before for before, _ in damage)
    }
    read = {c.col for c in got.cells if c.section == section and c.value is not None}
    assert damaged and not damaged & read, (damaged, read)
