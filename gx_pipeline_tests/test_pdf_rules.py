"""PDF reports whose tables are not drawn as a full grid read where rows and columns are certain.

Agencies print the report from Word or WPS with the table's borders as their template left
them: no rules at all, a 三线表 (a rule over the table, one under the header, one under its
end), rules between the rows only, a frame only, or shaded header cells. No rule stands down
between the columns, so the table is read from its text: a number stands under its column by
where it is on the page, and on its row by the line it is on. The fixtures in fixtures/rules
were printed by headless Chromium and by LibreOffice from generated reports
(`python -m gx_pipeline.pagegen.rules gx_pipeline_tests/fixtures/rules`): the national tables
with blank cells that no text draws, numbers right-aligned or centred, labels wrapped by
narrow cells, tables across page breaks.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gx_pipeline.documents import pdf
from gx_pipeline.documents.pdf import _Char
from gx_pipeline.parsing import parse_bytes, parse_file
from gx_pipeline.parsing.tokens import CELL, text_tokens
from gx_pipeline.scoring import score_report

RULES = Path(__file__).parent / "fixtures" / "rules"
PAGES = sorted((RULES / "pages").glob("*.pdf"))
#: the cells each fixture reads at least: all but those whose row or column is not certain
#: (and, in text laid out by spaces, the empty cells a cell merged from a number may cover)
READ_AT_LEAST = {
    "gen-2023-rules-none-pdf-center.pdf": 83,
    # their headers written a character or two a line are read across (section 三's lines
    # run together into one, each column's characters interleaved: 科机构研, 社益会公组织)
    "gen-2020-rules-threeline-pdf-right.pdf": 142,
    "gen-2022-rules-none-lopdf-right.pdf": 200,
    "gen-2019-rules-threeline-lopdf-center.pdf": 198,
}


def _chars(text: str, x: float, top: float = 0.0, width: float = 10.0) -> list[_Char]:
    """A run of characters set solid from x, 10 points high (digits half as wide)."""
    out = []
    for ch in text:
        w = width / 2 if ch.isascii() else width
        out.append(_Char(ch, x, top, x + w, top + 10))
        x += w
    return out


def test_the_fixtures_cover_both_printers_and_rule_layouts() -> None:
    names = " ".join(p.name for p in PAGES)
    assert "-pdf-" in names and "-lopdf-" in names
    assert "-rules-none-" in names and "-rules-threeline-" in names
    assert set(READ_AT_LEAST) == {p.name for p in PAGES}
    assert all(p.stat().st_size < 150_000 for p in PAGES)


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.name)
def test_a_table_without_rules_down_is_read_where_rows_and_columns_are_certain(
    path: Path,
) -> None:
    truth = json.loads((RULES / "truth" / f"{path.stem}.json").read_text("utf-8"))
    report = parse_file(path)
    got = score_report(truth, report.to_json())
    assert got.wrong == ()
    assert got.extra == 0
    assert got.correct >= READ_AT_LEAST[path.name], (got.correct, got.cells)


def test_rows_whose_labels_wander_between_them_are_withheld_and_said() -> None:
    # Chromium centres a wrapped label in its row: its lines stand above and below the row's
    # numbers, beside the lines of the rows around it; where a line's labels run into one
    # another, which row its numbers belong to is not told, and they are not read
    report = parse_file(RULES / "pages" / "gen-2023-rules-none-pdf-center.pdf")
    assert any("which row a line's numbers belong to is not certain" in p for p in report.problems)
    assert "cells_unplaced" in report.flags


def test_two_values_a_gap_apart_are_two_cells() -> None:
    # right-aligned in narrow columns, the 0 of one cell and the — of the next stand less than
    # a character apart; a label that fills its cell stands half a character from its value
    line = _chars("行政规范性文件", 0) + _chars("3", 78) + _chars("0", 120) + _chars("—", 129)
    pieces = [p for p in pdf._line_text(line).split("   ") if p.strip()]
    assert [p.strip() for p in pieces] == ["行政规范性文件", "3", "0", "—"]
    # a number in a sentence keeps its single space
    assert pdf._line_text(_chars("共", 0) + _chars("5", 12.5) + _chars("件", 20)) == "共 5 件"
    # an enumeration set in a narrow cell stays with its words
    assert "   " not in pdf._line_text(_chars("4.", 0) + _chars("保护", 15))


def test_values_stand_at_their_columns_so_blank_cells_keep_their_place() -> None:
    unit = pdf.UNIT
    full = pdf._line_text(_chars("规章", 0) + _chars("1", 100) + _chars("2", 150), unit=unit)
    blank = pdf._line_text(_chars("规范性文件", 0) + _chars("7", 150), unit=unit)
    assert full.index("2") == blank.index("7") == round(150 / unit)
    # a row whose first cells are blank: its first value stands at its column too
    assert pdf._line_text(_chars("7", 150), unit=unit).index("7") == round(150 / unit)


def test_a_table_row_opening_a_page_is_not_cut_as_a_running_header() -> None:
    row = _chars("三、本(一)予以公开", 0) + _chars("0", 200) + _chars("0", 330) + _chars("0", 460)
    assert pdf._gaps(row) == []
    header = _chars("2024/3/9", 0) + _chars("某某县人民政府", 200) + _chars("1/3", 460)
    assert len(pdf._gaps(header)) == 3


def _row_and_wraps(*wrapped: tuple[str, str]) -> list[list[_Char]]:
    """A row line (group label, row label, two values) and the lines its narrow label cells
    wrapped below it, top-aligned as Word sets a cell."""
    lines = [_chars(wrapped[0][0], 0) + _chars(wrapped[0][1], 40) + _chars("0", 120)]
    lines[0] += _chars("5", 160)
    for n, (group, label) in enumerate(wrapped[1:], start=1):
        line = (_chars(group, 0, 14 * n) if group else []) + _chars(label, 40, 14 * n)
        lines.append(line)
    return lines


def test_a_label_its_cell_wrapped_is_joined_to_its_row_where_the_words_say_so() -> None:
    lines = _row_and_wraps(("（三）", "1.属于"), ("不予公", "国家秘"), ("开", "密"))
    kept, tails = pdf._wrapped_labels(lines, set())
    assert len(kept) == 1
    text = pdf._line_text(kept[0], tails=tails)
    assert text.startswith("（三）不予公开") and "1.属于国家秘密" in text
    # pieces that complete no label of the template stay lines of their own
    lines = _row_and_wraps(("", "1.属于"), ("", "某某事项"))
    kept, tails = pdf._wrapped_labels(lines, set())
    assert len(kept) == 2 and not tails


def test_an_enumeration_alone_in_a_laid_out_row_is_its_label_not_a_cell() -> None:
    tokens = text_tokens("                    4.     0     0     1\n")
    cells = [t.text for t in tokens if t.kind == CELL]
    assert cells == ["4.", "0", "0", "1"]
    assert [t.x is None for t in tokens if t.kind == CELL] == [True, False, False, False]


def test_a_laid_out_appeals_row_with_blank_cells_is_not_read_as_its_last_ones_empty() -> None:
    # text laid out by spaces draws no blank cell anywhere in the row: eleven values of
    # fifteen are not the first eleven
    row = "0       0       0       1       1                               0       0       0"
    row += "       0       0       0"
    text = (
        "某某县人民政府2022年政府信息公开工作年度报告\n四、政府信息公开行政复议、行政诉讼情况\n"
        "行政复议                                行政诉讼\n"
        "结果维持 结果纠正 其他结果 尚未审结 总计\n"
        + row
        + "\n五、存在的主要问题及改进情况\n无。\n"
    )
    report = parse_bytes(text.encode(), "report.txt")
    assert not [c for c in report.cells if c.section == "appeals"]
    assert any(p.startswith("appeals: 11 value cells") for p in report.problems)
