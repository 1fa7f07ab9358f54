"""A number is read only when its row and its column are certain: rows whose value cells do not
fit the template's columns give no values, and say so."""

from __future__ import annotations

from pathlib import Path

from gx_pipeline.parsing import parse_bytes
from gx_pipeline.trust import assess

SEED_TXT = Path(__file__).parent / "fixtures" / "seed" / "000_1722c90fa512988b.txt"
SEED_HTML = SEED_TXT.with_suffix(".html")
NEW_RECEIVED = "一、本年新收政府信息公开申请数量 | 0 | | 0 | | 0 | | 0 | ||"


def _seed_with(old: str, new: str) -> bytes:
    text = SEED_TXT.read_text("utf-8")
    assert old in text
    return text.replace(old, new).encode("utf-8")


def _row(report, section: str, row: str) -> dict[str, object]:
    return {c.col: c.value for c in report.cells if (c.section, c.row) == (section, row)}


def test_a_row_with_merged_value_cells_and_a_pad_run_gives_no_values():
    # two numbers, then fillers: the page merged value cells, and which columns the two 3s
    # stand in is not in the copy
    page = _seed_with(NEW_RECEIVED, "一、本年新收政府信息公开申请数量 | 3 | 3 | ||||||")
    got = parse_bytes(page, "merged.txt")
    assert _row(got, "requests", "new_received") == {}
    assert any(
        p.startswith("requests.new_received:") and "where the template has 7 columns" in p
        for p in got.problems
    )
    assert "cells_unplaced" in got.flags
    assert assess(got).status == "needs_review"
    # the rows around it are read as before
    assert _row(got, "requests", "carried_over")["total"] == 0


def test_a_row_with_more_values_than_columns_gives_none_of_them():
    page = _seed_with(
        NEW_RECEIVED, "一、本年新收政府信息公开申请数量 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 28 |"
    )
    got = parse_bytes(page, "wide.txt")
    assert _row(got, "requests", "new_received") == {}
    assert "cells_unplaced" in got.flags


def test_a_spanned_value_repeated_past_the_last_column_is_its_covered_positions():
    page = _seed_with("政府集中采购 | 6 | 422万元 |", "政府集中采购 | 6 | 422万元 | 422万元 |")
    got = parse_bytes(page, "repeated.txt")
    assert _row(got, "proactive", "procurement") == {"projects": 6, "amount": 422}


def test_an_html_value_cell_spanning_columns_leaves_its_row_unread():
    html = SEED_HTML.read_bytes().decode("gb18030")
    start = html.index("行政许可")
    row_end = html.index("</tr>", start)
    row = html[start:row_end]
    merged = row[: row.index("<td")] + '<td colspan="3">5</td>'
    page = (html[:start] + merged + html[row_end:]).encode("gb18030")
    got = parse_bytes(page, "colspan.html")
    assert _row(got, "proactive", "licensing") == {}
    assert any(p.startswith("proactive.licensing:") for p in got.problems)


def test_the_seed_appeals_row_of_twelve_reads_in_both_forms_and_needs_review():
    for path in (SEED_TXT, SEED_HTML):
        got = parse_bytes(path.read_bytes(), path.name)
        assert _row(got, "appeals", "litigation_after_review") == {
            "upheld": 0,
            "corrected": 0,
            "other": None,
            "pending": None,
            "total": None,
        }
        assert "cells_assumed_empty" in got.flags
        assert assess(got).status == "needs_review"


def test_an_appeals_row_of_twelve_followed_by_fillers_is_not_read():
    last = "0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |"
    got = parse_bytes(_seed_with(last, last + "|||"), "appeals-padded.txt")
    assert not any(c.section == "appeals" for c in got.cells)
    assert "cells_unplaced" in got.flags


def test_an_appeals_row_in_pieces_that_break_a_group_of_five_is_not_read():
    last = "0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |"
    pieces = "1 | 0 | 0 | 1 |\n0 | 0 | 2 | 0 | 2 | 0 | 0 | 0 | 0 | 0 | 0 |"
    got = parse_bytes(_seed_with(last, pieces), "appeals-pieces.txt")
    assert not any(c.section == "appeals" for c in got.cells)
    assert any(p.startswith("appeals: the values come in rows of 4 + 11") for p in got.problems)


def test_rows_that_lost_their_labels_after_the_last_label_are_not_placed_by_count():
    # the label column of the table's last rows is gone (a page break in a PDF copy) and one
    # of those rows too: counting rows from the last label would shift every one of them
    text = SEED_TXT.read_text("utf-8").splitlines()
    start = next(i for i, line in enumerate(text) if line.startswith("2.重复申请"))
    end = next(i for i, line in enumerate(text) if line.startswith("四、结转下年度继续办理"))
    rows = [f"{k} | 0 | 0 | 0 | 0 | 0 | {k} |" for k in range(1, end - start + 1)]
    del rows[1]  # 3.要求提供公开出版物 is not on the page
    page = "\n".join([*text[:start], *rows, *text[end + 1 :]]) + "\n"
    got = parse_bytes(page.encode("utf-8"), "unlabelled-tail.txt")
    after = {"not_processed.duplicate", "not_processed.publication", "not_processed.excessive"}
    after |= {"not_processed.confirmation", "other", "results_total", "carried_forward"}
    assert not [c for c in got.cells if c.row in after and c.value is not None]
    assert "cells_unplaced" in got.flags
