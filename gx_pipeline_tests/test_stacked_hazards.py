"""Hazards of different families stacked on one page (stacked_hazards): each is read alone
by the rules its family's tests hold; together, no number may be read under a row or column
it does not stand in without the page being flagged, and a number not read leaves it flagged.
"""

from __future__ import annotations

import random

import pytest

from gx_pipeline.parsing import parse_bytes
from gx_pipeline_tests import stacked_hazards as S
from gx_pipeline_tests.test_generated_hazards import FORMATS


def _judged(seed: str, names: tuple[str, ...], rendering: str) -> tuple[str, dict]:
    rng = random.Random(seed)
    template, year = rng.choice(FORMATS)
    data, name, doc, values = S.stacked_page(rng, template, year, names, rendering)
    got = parse_bytes(data, name)
    outcome, wrong, missing = S.judge(got, doc, values)
    return outcome, wrong or missing


def _swept(
    names: tuple[str, ...], rendering: str, tag: str, count: int
) -> list[tuple[int, str, dict]]:
    """(k, outcome, wrong numbers) of `count` pages of a pair of hazards: the first four
    those of the pairs' sweep (seeded so), the rest seeded by `tag`."""
    out = []
    for k in range(count):
        seed = f"cp43-pairs:{names}:{rendering}:{k}" if k < 4 else f"{tag}:{k}"
        rng = random.Random(seed)
        template, year = rng.choice(FORMATS)
        data, name, doc, values = S.stacked_page(rng, template, year, names, rendering)
        outcome, wrong, _ = S.judge(parse_bytes(data, name), doc, values)
        out.append((k, outcome, wrong))
    return out


@pytest.mark.parametrize("rendering", ["trs", "word"])
@pytest.mark.parametrize("above", ["title row", "unit row"])
def test_a_column_after_the_total_drawn_down_beside_a_row_above_the_header_takes_no_value(
    above: str, rendering: str
):
    """A web page's requests table opening with a row over its header (the section's title,
    a unit) and a column after 总计 (备注, 上年总计, 同比增减) whose heading is drawn down beside
    that row over the whole header: the heading stands in the row above 申请人情况's, so the
    columns after 总计 were looked for in vain there; the header's words put it first, its
    cells' spans last, and a row with a blank behind 总计 was read from the right, each value
    a column left (其他 read as 总计's), unflagged. Its cells are no value of the row: no
    number is read a column off, flagged or not. (Before: 6 of these 96 pages read numbers a
    column off, flagged only for other rows; 66 were withheld. Now all 96 are read.)"""
    for k in range(24):
        names = (above, "remarks after 总计", *(("footnote marks",) if k % 3 == 0 else ()))
        outcome, off = _judged(f"drawn-from-above:{above}:{rendering}:{k}", names, rendering)
        assert outcome in ("right", "withheld+flag"), (k, outcome, off)


@pytest.mark.parametrize("rendering", ["md-repeat", "md-blank"])
@pytest.mark.parametrize("also", [None, "header <br>", "rows in another order", "序号 column"])
def test_a_grid_copy_of_one_table_of_all_sections_reads_columns_under_their_headings(
    also: str | None, rendering: str
):
    """A converter's grid copy of one table holding all three sections: the grid is as wide
    as 四's fifteen columns, the requests rows blank past 总计, headings and values. Those
    positions were taken for the header's last columns, which then named none of the seven,
    and the values were read in the header's words' order (naming 自然人 and 总计 twice, so in
    the template's): two of the group's columns drawn the other way round were read each under
    the other's heading, unflagged (9 of these 64 pages; now none)."""
    for k in range(8):
        names = tuple(n for n in ("one table", "two columns swapped", also) if n)
        outcome, off = _judged(f"one-grid:{also}:{rendering}:{k}", names, rendering)
        assert outcome not in ("wrong-unsaid", "withheld-unsaid"), (k, outcome, off)


@pytest.mark.parametrize("web", [True, False], ids=["web", "copy"])
def test_two_or_three_hazards_of_different_families_give_no_number_unsaid(web: bool):
    """Pages with two or three hazards drawn from different families (columns, rows, values,
    header, tables, markup) in each rendering: no number is read otherwise than the page
    shows it without a flag, and a number not read leaves the page flagged."""
    for k in range(60 if web else 40):
        seed = f"stacked:{web}:{k}"
        names, rendering, got, doc, values = S.read_stacked(seed, web=web, count=2 + k % 2)
        outcome, wrong, missing = S.judge(got, doc, values)
        assert outcome not in ("wrong-unsaid", "withheld-unsaid"), (
            names,
            rendering,
            wrong,
            missing,
        )


@pytest.mark.parametrize(
    "names",
    [("one table", "序号 column"), ("小计 column",), ("one table", "小计 column")],
    ids=["serial-one-table", "subtotal", "subtotal-one-table"],
)
def test_a_grid_copy_naming_headings_twice_in_another_order_reads_no_column_unsaid(
    names: tuple[str, ...],
):
    """A converter's grid copy (merged headings written into each position they cover, 自然人
    and 总计 down the header's rows) whose header its grid reading does not place (a 序号
    column before the labels of a table holding every section, a 小计 column among the
    applicants'), two of the group's columns drawn the other way round: read as the header's
    words, it names 自然人 and 总计 twice, and such a header was taken to tell no order, its
    values read in the template's: on 15 of these 60 pages a number was wrong, on one with
    nothing said, on 14 flagged only for something else. The columns whose
    place the header's first namings and the template's disagree on give no number, said."""
    for k in range(20):
        seed = f"named-twice:{names}:{k}"
        outcome, off = _judged(seed, (*names, "two columns swapped"), "md-repeat")
        assert outcome not in ("wrong-unsaid", "withheld-unsaid"), (k, outcome, off)


@pytest.mark.parametrize(
    "also", [None, "two columns swapped", "header <br>", "四 before 三", "negative signs"]
)
def test_a_grid_copy_writing_covered_positions_blank_with_its_total_left_blank_reads_no_row_a_column_off(
    also: str | None,
):
    """A converter's Markdown copy of the whole grid writing a merged cell once and the
    positions it covers empty (pdfplumber's), its requests table's 总计 left blank: a row under
    a label merged over two columns (（一）予以公开 beside 三、本年度办理结果's covered cell) has
    a blank in front of its values and a blank last cell, a cell more than the columns. Read
    from its first cell, the label's covered position was 自然人's and every number a column
    to the right (自然人's under 商业企业, the last under 总计): 14 of 3,000 stacked pages read
    so, flagged only for other rows. Such a row is read where the table's full rows put the
    columns, or not at all."""
    for k in range(12):
        names = tuple(n for n in ("总计 left blank", also) if n)
        outcome, off = _judged(f"blank-total-grid:{also}:{k}", names, "md-blank")
        assert outcome in ("right", "withheld+flag"), (k, outcome, off)


@pytest.mark.parametrize("rendering", ["trs", "trs-nospan", "word", "md-repeat", "pipe"])
@pytest.mark.parametrize("above", ["title row", "unit row"])
def test_a_subtotal_heading_drawn_in_the_total_row_gives_no_total_that_is_not_the_sum(
    above: str, rendering: str
):
    """A requests table (a web page, a converter's grid copy, the seed's copy) with a row over
    its header (a title, a unit) and a 小计 column after the group's five whose heading is
    drawn in the header row of 总计, behind it, while its cells stand before 总计's: read by
    the header, the group's subtotal was taken for 总计 and the real total, under 小计 (or a
    column behind 总计), left out: on about half of these pages, flagged only as a column the
    template lacks and a failed identity. A 总计 that is not the sum of the applicants' (nor
    that with the left-out column's) beside a left-out cell that is: no column is certain, and
    the table gives no number."""
    for k in range(10):
        outcome, off = _judged(
            f"subtotal-above:{above}:{rendering}:{k}", (above, "小计 column"), rendering
        )
        assert outcome in ("right", "withheld+flag"), (k, outcome, off)


@pytest.mark.parametrize("kind", ["column after 总计", "remarks after 总计"])
@pytest.mark.parametrize("rendering", ["trs-nospan", "trs"])
def test_a_heading_beside_a_title_row_in_a_table_without_spans_places_no_row_a_column_off(
    kind: str, rendering: str
):
    """A web page drawn without spans (no colspan, no rowspan: the title row's cell covers
    one column), its requests table opening with a title row and a column after 总计 whose
    heading (备注, 说明, 上年总计, 上年结转, 同比增减) stands beside the title: nothing places
    that column. 上年结转 there was read as the row 二、上年结转's label, the header lost; the
    others left rows of one cell more than the columns, a blank first cell and 无 or / last read
    as a merged label's position in front and each value read a column left (其他's under 总计's):
    10 of 40 such pages wrong. A heading beside a cell of words that names no row is the
    header's, and a row of more cells than columns under such a heading gives no value."""
    names = (kind, "title row", *(("no colspans",) if rendering == "trs" else ()))
    for k in range(12):
        outcome, off = _judged(f"beside-title:{kind}:{rendering}:{k}", names, rendering)
        assert outcome in ("right", "withheld+flag"), (k, outcome, off)


@pytest.mark.parametrize("rendering", ["trs", "word", "pipe", "tabs", "md-repeat"])
def test_a_misprinted_total_beside_a_subtotal_column_withholds_no_other_row(rendering: str):
    """A requests table with a 小计 column after the group's five, and one row whose 总计 the
    report misprints (its applicants' sum one or ten off). Where a row's 总计 is the sum and
    its 小计 is not (自然人 not 0), the 小计 column is placed by its heading: the misprint is
    the report's, not a column read a place off (which leaves the real total under the
    left-out heading on every row). Its table gave no number (7 of 10 pages); now only the
    pages whose 小计 equals every row's sum (no 自然人 anywhere) are withheld."""
    for k in range(8):
        rng = random.Random(f"misprinted-total:{rendering}:{k}")
        template, year = rng.choice(FORMATS)
        names = ("小计 column", "总计 misprinted")
        data, name, doc, values = S.stacked_page(rng, template, year, names, rendering)
        got = parse_bytes(data, name)
        outcome, wrong, missing = S.judge(got, doc, values)
        assert outcome in ("right", "withheld+flag"), (k, outcome, wrong)
        if any(
            v for (sec, _, col), v in values.items() if (sec, col) == ("requests", "natural_person")
        ):
            # (other rows may be withheld for their own reasons: blanks a copy leaves)
            assert not any("neither the sum" in p for p in got.problems), (k, missing)


@pytest.mark.parametrize("rendering", ["md-repeat", "md-blank"])
def test_a_grid_copy_of_one_table_with_a_heading_two_columns_wide_reads_no_column_off(
    rendering: str,
):
    """A converter's grid copy of one table holding all three sections, 自然人 drawn two
    columns wide: the requests rows are blank past 总计 (the grid is as wide as 四's fifteen
    columns), and the second position under 自然人 is its copy or a blank. That position was
    left in where the row was longer than the header's columns, so every row was read a column
    off: 商业企业 blank, 总计 read from 其他. Where the numbers were all 0 nothing told: a
    figure withheld with no flag (4 of 60 md-repeat pages), else wrong and flagged."""
    for k in range(24):
        outcome, off = _judged(
            f"one-grid-np-wide:{rendering}:{k}", ("one table", "自然人 two wide"), rendering
        )
        assert outcome in ("right", "withheld+flag"), (k, outcome, off)


@pytest.mark.parametrize("after", ["remarks after 总计", "column after 总计"])
def test_a_grid_copy_with_a_column_after_the_total_and_a_heading_two_columns_wide_drops_no_total(
    after: str,
):
    """A converter's grid copy (merged cells copied into every position) of a requests table
    with 自然人 drawn two columns wide and a column behind 总计 (备注, 上年数): the cells behind
    总计 were counted from a row of the template's seven columns, not eight, so 总计's cell
    was left out in the column's stead and the column's cell (—, 无) read as 总计: a total
    withheld with no flag, or wrong (7 and 4 of 80 pages)."""
    for k in range(20):
        outcome, off = _judged(
            f"after-total-np-wide:{after}:{k}", (after, "自然人 two wide"), "md-repeat"
        )
        assert outcome in ("right", "withheld+flag"), (k, outcome, off)


@pytest.mark.parametrize("rendering", [c for c in S.COPIES if c != "md-blank"])
def test_a_row_one_cell_short_with_a_column_after_the_total_is_not_read_from_the_left(
    rendering: str,
):
    """A requests table with a column of numbers after 总计 (上年总计) and its 总计 left blank,
    copied by a tool that may lose an empty cell (a blank line between cells read as the gap
    between two): a row then has the template's seven cells, as one whose cell behind 总计 was
    not written has, and read so, the figure behind 总计 went under it (the rows' sums broken,
    flagged for that alone). A row of as many cells as the columns, under a header with
    columns after 总计, whose last is not the sum of the others, is not read; where such rows
    show the copy loses cells, a row of 0s (or of / read as 0) with 0 behind 总计 reads its
    0s and not its 总计: its sums bear out any reading, and read, its blank 总计 was 0."""
    names = ("column after 总计", "总计 left blank")
    for k in range(10):
        outcome, cells = _judged(f"short-row-after-total:{rendering}:{k}", names, rendering)
        assert outcome in ("right", "withheld+flag"), (k, outcome, cells)
    # (the pages the pairs' sweep read a 0 for a blank 总计 on)
    for k, outcome, wrong in _swept(names, rendering, "", 4):
        assert outcome in ("right", "withheld+flag"), (k, outcome, wrong)


@pytest.mark.parametrize("also", ["column after 总计", "remarks after 总计", "one table"])
def test_a_grid_copy_writing_covered_positions_blank_wider_than_its_columns_reads_no_row_a_column_off(
    also: str,
):
    """A converter's Markdown copy writing a merged cell once and the positions it covers
    empty (pdfplumber's), its 总计 left blank, in a table wider than the requests table's
    columns: a column drawn after 总计 (占比 of 72%, 备注), or one table of all sections whose
    other columns stand blank in the requests rows. A row under a label merged over two
    columns has a blank in front of its values, a blank 总计 and blank cells behind: the
    spare cells were taken for all behind, read from its first cell, every number a column
    right and 0 or the column's figure under the blank 总计 (21 of 5,040 stacked pages).
    Such a row is read where its positions under the header's columns put it, or not at all."""
    names = tuple(sorted({"总计 left blank", also}))
    for k, outcome, wrong in _swept(names, "md-blank", f"wide-blank-total:{also}", 12):
        assert outcome in ("right", "withheld+flag"), (k, outcome, wrong)


@pytest.mark.parametrize("rendering", ["pipe", "tabs", "md-repeat"])
def test_a_mark_behind_the_total_named_in_a_title_row_is_no_total(rendering: str):
    """A column after 总计 (备注 of 无, 含网上申请) whose heading stands in a title row above the
    header, not beside 申请人情况: the column is not known. A text copy writing a merged
    cell once, the positions it covers behind a row's cells, then has rows blank in front
    (自然人 left blank) and behind, which read as a merged label's blank in front: every
    number went a column left, 总计's under 其他, and 无 under 总计 (4 cells of 4 pages, with
    a flag). A row that read so puts a mark under 总计 beside its applicants' numbers is not
    read."""
    names = ("column after 总计", "title row")
    for k, outcome, wrong in _swept(names, rendering, f"title-after:{rendering}", 16):
        assert outcome in ("right", "withheld+flag"), (k, outcome, wrong)


@pytest.mark.parametrize(
    "also",
    [
        None,
        "fullwidth",
        "header <br>",
        "header spaces",
        "rows in another order",
        "two columns swapped",
    ],
)
def test_a_cell_a_line_grid_copy_with_a_heading_two_columns_wide_places_no_row_by_its_neighbours(
    also: str | None,
):
    """A copy writing a cell a line that writes every grid position of its value rows, its
    header's 自然人 drawn two columns wide (the second blank in every row) and its header's
    covered positions as fillers at the rows' ends: a row with numbers at both ends shows a
    cell more than the columns. A row blank at both ends (不予公开's parts, only 总计 filled)
    was placed by the positions of the rows beside it, counted with the template's columns:
    its 总计 went under 其他 (1 to 5 cells on 6 of 24 pages, with a flag)."""
    names = tuple(sorted({"自然人 two wide", *([also] if also else [])}))
    for k, outcome, wrong in _swept(names, "celllines", f"np-wide-lines:{also}", 12):
        assert outcome in ("right", "withheld+flag"), (k, outcome, wrong)


@pytest.mark.parametrize("also", [None, "negative signs", "fullwidth", "footnote marks"])
def test_a_cell_a_line_grid_copy_with_a_row_that_lost_its_label_places_no_row_by_its_neighbours(
    also: str | None,
):
    """A copy writing a cell a line and every grid position of its value rows, a row of which
    lost its label: its cells run on in the row above, a row of twice the columns' cells or
    more. The rows of a group blank at both ends were placed by the positions of the rows
    beside them as the template orders them, which the lost label broke: 总计's 0 went under
    其他 (3 cells of 4 pages, with a flag)."""
    names = tuple(sorted({"row without label", *([also] if also else [])}))
    for k, outcome, wrong in _swept(names, "celllines", f"lost-label-lines:{also}", 12):
        assert outcome in ("right", "withheld+flag"), (k, outcome, wrong)
