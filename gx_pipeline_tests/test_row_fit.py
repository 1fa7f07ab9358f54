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


def _ways_one_by_one(numbers, colspans=None):
    """Section 四's short row laid out the plain way, as a reference: every way of laying the
    cells over the 15 columns tried one by one, each merged cell read both ways, a way
    holding where each group of five sums to its total; what each column reads under the
    ways that hold (a number or None; "one" under a number merged and read as one figure)."""
    import itertools

    n = len(numbers)
    layouts = []
    if colspans is not None:
        layouts.append(list(colspans))
    else:
        for extra_count in range(15 - n + 1):
            for extra in itertools.combinations_with_replacement(range(n), extra_count):
                widths = [1] * n
                for k in extra:
                    widths[k] += 1
                layouts.append(widths)
    seen = [set() for _ in range(15)]
    for widths in layouts:
        starts = list(itertools.accumulate(widths, initial=0))[:-1]
        merged = [k for k, w in enumerate(widths) if w > 1]
        for reading in itertools.product((False, True), repeat=len(merged)):
            one = {k for k, o in zip(merged, reading) if o}
            if any(starts[k] % 5 + widths[k] > 4 for k in one):
                continue
            at, sums = [None] * 15, [0.0] * 3
            for k, (start, width) in enumerate(zip(starts, widths)):
                if k in one:
                    sums[start // 5] += numbers[k] or 0
                    continue
                for c in range(start, start + width):
                    at[c] = numbers[k]
                    if c % 5 != 4:
                        sums[c // 5] += numbers[k] or 0
            if all(abs((at[5 * g + 4] or 0) - sums[g]) <= 1e-9 for g in range(3)):
                for k, (start, width) in enumerate(zip(starts, widths)):
                    for c in range(start, start + width):
                        seen[c].add("one" if k in one and numbers[k] else numbers[k])
                for c in range(sum(widths), 15):
                    seen[c].add(None)
    return seen


def test_a_short_appeals_row_is_laid_out_by_its_sums_as_trying_every_way_would():
    """Section 四's row short of cells (HTML without spans, or drawing merged cells by colspan)
    is laid out by its sums without trying its ways one by one (a row four cells short has
    ~1,400, each merged cell read two ways): on random rows of the families that make such
    rows (equal cells merged, trailing cells not drawn, blank groups, a total that does not
    hold), every column reads what the plain enumeration says: the value every holding way
    agrees on, or not known."""
    import random

    from gx_pipeline.parsing import sections
    from gx_pipeline.parsing.tokens import Token

    rng = random.Random(7)
    checked = 0
    while checked < 300:
        values = []
        for _ in range(3):
            parts = [rng.choice([0, 0, 0, None, 1, 2, 3, 5]) for _ in range(4)]
            total = sum(p or 0 for p in parts) + (1 if rng.random() < 0.1 else 0)
            values += parts + [total if total or rng.random() < 0.5 else None]
        texts = ["" if v is None else str(v) for v in values]
        colspans = None
        if rng.random() < 0.4:
            texts = texts[: -rng.randint(1, 4)]
        else:
            cells, spans, i = [], [], 0
            while i < 15:
                width = 1
                while i + width < 15 and texts[i + width] == texts[i] and width < 3:
                    if rng.random() > 0.6:
                        break
                    width += 1
                cells.append(texts[i])
                spans.append(width)
                i += width
            texts = cells
            colspans = spans if rng.random() < 0.4 else None
        if not 11 <= len(texts) < 15:
            continue
        checked += 1
        sequence = [Token("cell", t, 1, 9, i) for i, t in enumerate(texts)]
        numbers = [None if t == "" else int(t) for t in texts]
        got = sections._appeal_cells_by_sums(sequence, colspans)
        seen = _ways_one_by_one(numbers, colspans)
        if not any(seen):
            assert got is None, texts
            continue
        for c in range(15):
            if "one" in seen[c] or len(seen[c]) > 1:
                assert got[c] is True, (texts, colspans, c)
            else:
                (value,) = seen[c]
                read = None if got[c] is None else sections._cell_number(got[c])
                assert got[c] is not True and read == value, (texts, colspans, c)
