"""Report pages as a public web archive stored their text: pipe rows, one cell per line (with
` |`, separator lines, or empty lines between cells), the page's chrome around the report, and
the text often cut off anywhere, mid-table included. Each test writes a small page of one
family in the archive's form and asserts the values a careful reader takes off it, or that a
value whose column the text does not tell is left out and said."""

from __future__ import annotations

import itertools
import re

from gx_pipeline import contract
from gx_pipeline.parsing import parse_bytes
from gx_pipeline.report import Report

REQUESTS_HEAD = [
    "三、收到和处理政府信息公开申请情况",
    "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）",
    "申请人情况",
    "自然人",
    "法人或其他组织",
    "总计",
    "商业企业",
    "科研机构",
    "社会公益组织",
    "法律服务机构",
    "其他",
]
REQUEST_COLUMNS = [c.code for c in contract.REQUEST_COLUMNS]
PROACTIVE_2021_HEAD = [
    "二、主动公开政府信息情况",
    "第二十条第(一)项",
    "信息内容",
    "本年制发件数",
    "本年废止件数",
    "现行有效件数",
]


def read(text: str) -> Report:
    return parse_bytes(text.encode("utf-8"), "excerpt.txt")


def by_column(values: list) -> dict[str, object]:
    """A requests row's values by column, from the first column on."""
    return dict(zip(REQUEST_COLUMNS, values, strict=False))


def requests_values(report: Report, row: str) -> dict[str, object]:
    return {c.col: c.value for c in report.cells if c.section == "requests" and c.row == row}


def blank_line_copy(cells: list[str]) -> str:
    """Cells (and lines of text) on lines of their own with an empty line between them, as the
    archive stores a page whose table cells were paragraphs; an empty cell leaves nothing."""
    return "\n\n".join(c for c in cells if c)


def blank_line_page(*rows: list[str]) -> str:
    """Section 二's first block and section 三's header and `rows` as such a copy."""
    proactive = ["规章", "0", "0", "0", "行政规范性文件", "3", "1", "12"]
    return blank_line_copy(
        [*PROACTIVE_2021_HEAD, *proactive, *REQUESTS_HEAD, *itertools.chain(*rows)]
    )


def test_a_cut_row_of_a_copy_that_leaves_empty_cells_out_is_not_read_in_order():
    # rows with empty cells show fewer numbers than columns (一、本年新收: 5, 2 and the total
    # 7 of seven cells), so the page is a copy that leaves empty cells out; the page then ends
    # inside 二、上年结转, after 10 and a digit of the total: which column 10 stands in is
    # not known
    text = blank_line_page(
        ["一、本年新收政府信息公开申请数量", "5", "", "2", "", "", "", "7"],
        ["二、上年结转政府信息公开申请数量", "", "10", "", "", "", "", "10"],
    )
    got = read(text[:-1])  # cut inside the total, after its first digit
    assert requests_values(got, "carried_over") == {}
    assert any(
        p.startswith("requests.carried_over:") and "leaves empty cells out" in p
        for p in got.problems
    )
    assert not got.complete["requests"]


def test_a_cut_row_of_a_copy_that_writes_every_cell_is_read_up_to_the_cut():
    # the same copy where every cell holds a number: nothing says a cell was left out, so the
    # numbers before the cut stand in the first columns (realdev 113 in pipe rows)
    text = blank_line_page(
        ["一、本年新收政府信息公开申请数量", "5", "0", "2", "0", "0", "0", "7"],
        ["二、上年结转政府信息公开申请数量", "0", "1", "0", "0", "0", "0", "1"],
    )
    got = read(text[: text.rindex("0") + 1])  # cut after the sixth cell, its last character
    assert requests_values(got, "carried_over") == {
        "natural_person": 0,
        "enterprise": 1,
        "research": 0,
        "nonprofit": 0,
        "legal_service": 0,
    }


def pipe_copy(rows: list[list[str]], pads: int = 2) -> str:
    """Rows in the seed's pipe form: cells separated by ` | `, each row closed by ` |` and
    fillers for the grid positions merged cells cover; a one-item row is a line of text."""
    out = []
    for cells in rows:
        if len(cells) == 1:
            out.append(cells[0])
            continue
        out.append(" | ".join(cells) + " |" + (" " + "|" * pads if pads else ""))
    return "\n".join(out)


#: section 二's first block and the requests header, as pipe rows
PIPE_PROACTIVE = [
    ["二、主动公开政府信息情况"],
    ["第二十条第(一)项", ""],
    ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"],
    ["规章", "0", "0", "0"],
]
PIPE_HEAD = [
    *PIPE_PROACTIVE,
    *[[w] for w in REQUESTS_HEAD[:3]],
    ["自然人", "法人或其他组织", "总计"],
    ["商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"],
]


def test_a_label_whose_cell_ends_in_a_line_break_keeps_the_cells_on_the_next_line():
    # the label cell held a line break at its end (a <br> or a paragraph in the cell): the
    # archive writes the label on a line of its own, and the bar that closes the cell opens
    # the next line, before the row's cells. That bar is not an empty first cell
    text = pipe_copy(
        [
            *PIPE_HEAD,
            ["一、本年新收政府信息公开申请数量", "5", "0", "2", "0", "0", "0", "7"],
        ]
    )
    text += "\n二、上年结转政府信息公开申请数量\n| 3 | 1 | 0 | 0 | 0 | 0 | 4 | ||"
    text += "\n三、本年度办理结果 | （一）予以公开\n| 6 | 2 | 0 | 0 | 0 | 0 | 8 | |"
    got = read(text)
    assert requests_values(got, "carried_over") == by_column([3, 1, 0, 0, 0, 0, 4])
    assert requests_values(got, "granted") == by_column([6, 2, 0, 0, 0, 0, 8])
    # cut inside such a row: the cells before the cut stand in the first columns
    got = read(text.split("\n三、本年度")[0][: -len(" | 0 | 4 | ||")])
    assert requests_values(got, "carried_over") == by_column([3, 1, 0, 0])


def test_a_page_cut_after_a_separator_and_its_space_keeps_the_cell_before_it():
    # pipe rows write ' | ' between cells: an excerpt that stops right after a bar, or after
    # the space that follows it, has the cell before the bar whole. Stopping after a number
    # and its space, before the bar, it may not be (12 cut to 1 looks the same)
    row = ["一、本年新收政府信息公开申请数量", "5", "0", "2", "0", "0", "0", "7"]
    text = pipe_copy(
        [
            *PIPE_HEAD,
            row,
        ]
    )
    for end, read_cells in (("| 2 |", 3), ("| 2 | ", 3), ("| 2 | 0 ", 3), ("| 2", 2)):
        got = read(text[: text.index(" | 5 | 0 ") + len(" | 5 | 0 ") - 1] + " " + end)
        assert requests_values(got, "new_received") == dict(
            zip(REQUEST_COLUMNS[:read_cells], [5, 0, 2], strict=False)
        ), end


PAGE_BODY = [
    "根据《中华人民共和国政府信息公开条例》规定，现公布本机关2022年度政府信息公开工作年度报告。",
    "一、总体情况",
    "2022年，我单位严格落实《条例》要求，全年主动公开政府信息163条。",
    "二、主动公开政府信息情况",
    "第二十条第(一)项 | |||",
    "信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数 |",
    "规章 | 0 | 0 | 0 |",
]


def test_an_update_time_is_not_the_publication_date_beside_the_date_line_under_the_title():
    # the article's date line under the title shows the date without a label (2023-01-16
    # 10:07 来源:…); a 更新时间 line the portal adds (before or after it) is a later edit
    for chrome in (
        ["更新时间：2024-05-30  浏览次数：241", "2023-01-16 10:07     来源:宁强县统计局"],
        ["2023-01-16 10:07     来源:宁强县统计局", "更新时间：2024-05-30  浏览次数：241"],
    ):
        got = read("\n".join(["宁强县统计局2022年政府信息公开工作年度报告", *chrome, *PAGE_BODY]))
        assert got.published == "2023-01-16"
        assert (got.agency, got.year) == ("宁强县统计局", 2022)


#: how portals label the date of the article's last edit
EDIT_LINES = (
    "更新时间：2023-02-18",
    "更新时间:2023-02-18 浏览次数：970",
    "修改时间：2023-03-01 10:12",
    "更新日期：2023-02-18",
)
#: the sign-off's date as reports write it: in Arabic numerals, in Chinese ones with 〇 or 零
#: (or a letter O, half or full width, typed for 〇), January as 元月
SIGNED_DATES = (
    "2023年1月16日",
    "二〇二三年一月十六日",
    "二零二三年一月十六日",
    "二O二三年一月十六日",
    "二Ｏ二三年一月十六日",
    "二〇二三年元月十六日",
)


def test_an_update_time_gives_way_to_the_sign_off_date():
    # the portal dates the article by its last edit only; the report's sign-off (with the
    # agency's name or without) dates its publication
    title = "宁强县统计局2022年政府信息公开工作年度报告"
    for edit, signed, name in itertools.product(EDIT_LINES, SIGNED_DATES, (["宁强县统计局"], [])):
        got = read("\n".join([title, edit, *PAGE_BODY, *name, signed]))
        assert got.published == "2023-01-16", (edit, signed, name)
        assert "metadata_guessed" not in got.flags


def test_an_update_time_in_a_metadata_grid_gives_way_to_the_sign_off_date():
    for label, signed in itertools.product(("更新时间：", "修改时间"), SIGNED_DATES):
        grid = (
            f"<table><tr><td>发布机构：</td><td>宁强县统计局</td></tr><tr><td>{label}</td>"
            "<td>2023-02-18</td><td>文号：</td><td></td></tr></table>"
        )
        body = "".join(f"<p>{line}</p>" for line in PAGE_BODY[:-3])
        table = "".join(
            "<tr>" + "".join(f"<td>{c.strip()}</td>" for c in line.split("|")[:4]) + "</tr>"
            for line in PAGE_BODY[-3:]
        )
        page = (
            f"<html><body>{grid}<h1>宁强县统计局2022年政府信息公开工作年度报告</h1>{body}"
            f"<table>{table}</table><p>宁强县统计局</p><p>{signed}</p></body></html>"
        )
        got = parse_bytes(page.encode("utf-8"), "grid.html")
        assert got.published == "2023-01-16", (label, signed)


def test_an_update_time_alone_is_taken_and_said():
    # nothing else dates the page: the edit's date is the nearest to its publication there is
    title = "宁强县统计局2022年政府信息公开工作年度报告"
    for edit in EDIT_LINES:
        got = read("\n".join([title, edit, *PAGE_BODY]))
        assert got.published == re.search(r"20\d\d-\d\d-\d\d", edit).group()
        assert "metadata_guessed" in got.flags
        assert any("only an edit" in p for p in got.problems), got.problems


def test_a_publication_date_beside_an_update_time_stays_the_publication():
    for edit, signed in itertools.product(EDIT_LINES, SIGNED_DATES):
        got = read(
            "\n".join(
                [
                    "宁强县统计局2022年政府信息公开工作年度报告",
                    "发布时间：2023-01-20",
                    edit,
                    *PAGE_BODY,
                    signed,
                ]
            )
        )
        assert got.published == "2023-01-20"
        assert "metadata_guessed" not in got.flags


#: section 二 of a 2021 report down to its fee block, whose header states no unit
FEE_BLOCK = [
    "二、主动公开政府信息情况",
    "第二十条第(一)项 | |||",
    "信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数 |",
    "规章 | 0 | 0 | 0 |",
    "行政规范性文件 | 1 | 0 | 5 |",
    "第二十条第(八)项 | |||",
    "信息内容 | {head} | ||",
    "行政事业性收费 | {cell} |",
]
FEE_AFTER = "三、收到和处理政府信息公开申请情况"
#: where a page writes the unit of its amounts: under the section's heading, in the fee
#: block's title, under the table
CAPTION_AT = {"above": 1, "block": 5, "below": len(FEE_BLOCK)}
CAPTIONS = (
    "（金额单位：{unit}）",
    "单位：{unit}",
    "(单位:{unit})",
    # the units of a block's counts and amounts in one caption (the 2019 procurement block)
    "（金额单位：{unit}，数量单位：个）",
    "数量单位：个；金额单位：{unit}",
    "（单位：个、{unit}）",
)


def fee_page(captions: dict[str, str], head: str = "本年收费金额", cell: str = "12345000") -> str:
    """A text copy of the fee block with `captions` (where → caption) around it."""
    lines = [line.format(head=head, cell=cell) for line in FEE_BLOCK]
    for where, caption in sorted(captions.items(), key=lambda c: -CAPTION_AT[c[0]]):
        k = CAPTION_AT[where]
        if where == "block":
            lines[k] = lines[k].replace("项", "项" + caption, 1)
        else:
            lines.insert(k, caption)
    return "\n".join(["宁强县统计局2022年政府信息公开工作年度报告", *lines, FEE_AFTER])


def fee_html(captions: dict[str, str], head: str = "本年收费金额", cell: str = "12345000") -> str:
    """The same page as a web page: the captions as paragraphs, the block title as a row."""
    title = "第二十条第（八）项" + captions.get("block", "")
    rows = [
        [title],
        ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"],
        ["规章", "0", "0", "0"],
        ["信息内容", head],
        ["行政事业性收费", cell],
    ]
    table = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in rows)
    above = f"<p>{captions['above']}</p>" if "above" in captions else ""
    below = f"<p>{captions['below']}</p>" if "below" in captions else ""
    return (
        "<html><body><h1>宁强县统计局2022年政府信息公开工作年度报告</h1>"
        f"<p>二、主动公开政府信息情况</p>{above}<table>{table}</table>{below}"
        f"<p>{FEE_AFTER}</p></body></html>"
    )


def fee_amount(report: Report) -> object:
    return next(c.value for c in report.cells if (c.row, c.col) == ("fees", "amount"))


def test_a_unit_in_a_caption_next_to_the_table_reads_a_bare_amount():
    # 本年收费金额 states no unit; the page writes it above or below the table or in the
    # block's title: 12345000 元 is 1234.5 万元
    for where, caption, (unit, cell) in itertools.product(
        CAPTION_AT, CAPTIONS, (("元", "12345000"), ("万元", "1234.5"))
    ):
        captions = {where: caption.format(unit=unit)}
        for got in (
            read(fee_page(captions, cell=cell)),
            parse_bytes(fee_html(captions, cell=cell).encode("utf-8"), "fees.html"),
        ):
            assert fee_amount(got) == 1234.5, (where, caption, unit)
            assert "unit_assumed" not in got.flags


def test_captions_or_a_caption_and_a_header_that_disagree_withhold_the_amount():
    for where, other in itertools.permutations(CAPTION_AT, 2):
        two = {where: "（金额单位：元）", other: "（单位：万元）"}
        for got in (read(fee_page(two)), parse_bytes(fee_html(two).encode("utf-8"), "f.html")):
            assert fee_amount(got) is None, two
            assert "cells_unplaced" in got.flags
    for where in CAPTION_AT:
        captions = {where: "（金额单位：元）"}
        for got in (
            read(fee_page(captions, head="本年收费金额（单位：万元）", cell="1234.5")),
            parse_bytes(
                fee_html(captions, head="本年收费金额（单位：万元）", cell="1234.5").encode(),
                "fees.html",
            ),
        ):
            assert fee_amount(got) is None, where
            assert "cells_unplaced" in got.flags
            assert any("caption" in p for p in got.problems), got.problems


def test_a_caption_of_counts_leaves_the_header_s_unit_of_amount():
    for where in CAPTION_AT:
        captions = {where: "（单位：件）"}
        got = read(fee_page(captions, head="本年收费金额（单位：万元）", cell="1234.5"))
        assert fee_amount(got) == 1234.5
        assert "unit_assumed" not in got.flags and "cells_unplaced" not in got.flags


def test_a_related_list_before_an_untitled_report_does_not_name_its_agency():
    # a list of other agencies' reports of the same year before the article (some with their
    # dates, some without); the report's own title names no agency, the date line's 来源 does
    related = [
        "相关阅读:",
        "荷塘区卫生健康局2022年政府信息公开工作年度报告 2023-01-12",
        "佳荣里街道办事处2022年政府信息公开工作年度报告",
        "荷塘区牛塘镇2022年政府信息公开工作年度报告 2023-01-26",
    ]
    title = "2022年政府信息公开工作年度报告"
    for source, agency in (
        ("来源:通州区生态环境局 文字大小:", "通州区生态环境局"),
        ("访问量:713", None),
    ):
        page = [*related, title, f"日期: 2023-02-26 {source}", *PAGE_BODY]
        got = read("\n".join(page))
        assert (got.agency, got.year, got.published) == (agency, 2022, "2023-02-26")


def test_a_title_over_two_lines_names_a_short_agency_on_its_first():
    # the title broken after the agency's name (中村乡 / 2022年政府信息公开工作年度报告), a
    # related list above it: the name on the line above is the agency, however short
    related = [
        "相关文章：",
        "平湖市石桥乡人民政府2022年政府信息公开工作年度报告",
        "威县自然资源局2022年政府信息公开工作年度报告 2023-01-21",
    ]
    for name in ("中村乡", "牛塘镇", "孝感市人民政府办公室"):
        page = [*related, name, "2022年政府信息公开工作年度报告", *PAGE_BODY]
        assert read("\n".join(page)).agency == name


def test_a_pipe_row_with_merged_value_cells_gives_no_values_though_one_cell_short():
    # the seed's form writes a cell ' x |', an empty one ' |', and the grid positions merged
    # cells cover as bars after the row's last cell ('| 0 | ||'). A row whose value cells were
    # merged on the page (0 | 0 drawn as one 0) shows six numbers and a longer run of bars,
    # which reads as seven cells, the last empty, just as a row with an empty total does;
    # when the sixth number is the sum of the five before it, it is the total, and which
    # columns the six stand in is not known. Six numbers that are no such sum, before an
    # empty total, stay where they stand
    for merged in (["1", "0", "3", "1", "0", "5"], ["15", "13", "0", "9", "14", "60"]):
        # 0 | 0 drawn as one 0; 9 | 9 drawn as one 9 (15+13+0+9+9+14 = 60)
        text = pipe_copy([*PIPE_HEAD, ["一、本年新收政府信息公开申请数量", *merged]], 3)
        got = read(text + "\n" + pipe_copy([["二、上年结转政府信息公开申请数量", *"0000000"]]))
        assert requests_values(got, "new_received") == {}
        assert any(p.startswith("requests.new_received:") and "merged" in p for p in got.problems)
        assert requests_values(got, "carried_over") == dict.fromkeys(REQUEST_COLUMNS, 0)
    for row, pads in ((["1", "0", "3", "1", "0", "5", ""], 2), (["1", "0", "3", "1", "0", "2"], 3)):
        got = read(pipe_copy([*PIPE_HEAD, ["一、本年新收政府信息公开申请数量", *row]], pads))
        assert requests_values(got, "new_received") == dict(
            zip(REQUEST_COLUMNS, [1, 0, 3, 1, 0, int(row[5]), None], strict=True)
        )


def test_a_separator_line_copy_cut_within_its_first_rows_is_read_in_its_dialect():
    # cells on lines of their own, a line holding only '|' between two cells, a pad line of
    # bars after each row (web archive, reader mode), the excerpt ending a few rows into
    # section 二: too short to show many separators, but no cell is written 'x |', so a lone
    # bar is a separator, not an empty cell. An empty cell is a second separator
    rows = [
        ["第二十条第(一)项"],
        ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"],
        ["规章", "", "3", "12"],
        ["行政规范性文件", "5", "0", "40"],
    ]
    lines = ["2022年，我单位严格落实《条例》要求。", "二、主动公开政府信息情况"]
    for row in rows:
        lines.append("\n|\n".join(row).replace("|\n\n|", "|\n|"))
        lines.append("|||" if len(row) == 1 else "|")
    text = "\n".join(lines)
    for end, expected in (
        ("12\n|", {"issued": None, "repealed": 3, "in_force": 12}),
        ("3\n|\n1", {"issued": None, "repealed": 3}),
        ("规章\n|\n|\n3", {"issued": None}),
    ):
        got = read(text[: text.index(end) + len(end)])
        values = {c.col: c.value for c in got.cells if c.row == "rules"}
        assert values == expected, end


def short_result_rows(new: str, over: str, granted: str, partially: str) -> str:
    """A pipe copy of the requests table: 一 and 二 with seven numbers, then 予以公开 (its
    group's label beside it) and 部分公开 with six each, the space before their fillers
    making a seventh field. Each row's numbers are given as one string, split at spaces."""
    rows = [
        *PIPE_HEAD,
        ["一、本年新收政府信息公开申请数量", *new.split()],
        ["二、上年结转政府信息公开申请数量", *over.split()],
    ]
    text = pipe_copy(rows)
    text += "\n" + pipe_copy([["三、本年度办理结果", "（一）予以公开", *granted.split()]], 2)
    return text + "\n" + pipe_copy([["（二）部分公开", *partially.split()]], 3)


def test_a_sum_in_a_table_that_leaves_totals_blank_on_its_result_rows_stays_in_its_columns():
    # many agencies leave 总计 blank on every result row: there an empty last cell is that,
    # and a row whose 其他 happens to equal the sum of the five before it is read as written
    got = read(
        short_result_rows("30 0 14 0 0 24 68", "0 0 0 0 0 0 0", "6 0 0 0 0 1", "24 0 14 0 0 38")
    )
    assert requests_values(got, "partially_granted") == by_column([24, 0, 14, 0, 0, 38, None])


def test_result_rows_a_cell_short_whose_sums_fit_one_merged_value_give_no_values():
    # every result row a cell short the same way, but each one's sixth number is the sum of
    # the five before it and 1: 二's 1 under 自然人 merged down over the result rows reads so
    # as well as a total left blank, and which column each number belongs to is not known
    got = read(short_result_rows("5 0 2 0 0 1 8", "1 0 0 0 0 0 1", "2 0 0 0 3 6", "0 0 0 0 2 3"))
    assert requests_values(got, "granted") == {}
    assert requests_values(got, "partially_granted") == {}
    assert "cells_unplaced" in got.flags


def test_result_rows_of_zeros_a_cell_short_read_each_applicant_column_as_0():
    # every result row a cell short the same way, each all 0s: read as a 总计 left blank or as
    # a cell merged down (the sixth 0 the total), each applicant column is 0 either way; only
    # the 总计 (blank, or 0) is not known
    got = read(short_result_rows("5 0 2 0 0 1 8", "1 0 0 0 0 0 1", "0 0 0 0 0 0", "0 0 0 0 0 0"))
    for row in ("granted", "partially_granted"):
        assert requests_values(got, row) == by_column([0] * 6)
    assert "cells_unplaced" in got.flags


APPEALS_HEAD = [
    "四、政府信息公开行政复议、行政诉讼情况",
    "行政复议",
    "行政诉讼",
    *["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"],
    "未经复议直接起诉",
    "复议后起诉",
    *["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] * 2,
]
APPEALS_ROW = ["", "3", "", "1", "4", "2", "", "", "", "2", "", "1", "", "", "1"]


def appeals_values(report: Report) -> dict[tuple[str, str], object]:
    return {(c.row, c.col): c.value for c in report.cells if c.section == "appeals"}


def test_an_empty_first_cell_of_the_appeals_row_after_its_header_is_a_cell():
    # a copy whose cells were paragraphs writes an empty cell as a line of one space; the
    # appeals table's value row has no label, so its first cell follows the header's last
    # word: an empty one there is the row's first cell (行政复议 结果维持), not a grid position
    # the header covers
    cells = [*PROACTIVE_2021_HEAD, "规章", "0", "0", "0", *APPEALS_HEAD]
    cells += [c or " " for c in APPEALS_ROW]
    text = "\n\n".join(cells) + "\n"
    expected = {
        (row, col): int(v) if v else None
        for (row, col), v in zip(
            [(r.code, c.code) for r in contract.APPEALS for c in contract.APPEAL_COLUMNS],
            APPEALS_ROW,
            strict=True,
        )
    }
    assert appeals_values(read(text)) == expected
    # cut inside the sixth cell (the page ends on its last character): the five of 行政复议
    first_six = "\n\n".join(c or " " for c in APPEALS_ROW[:6])
    got = appeals_values(read(text[: text.index(first_six) + len(first_six)]))
    assert got == {k: v for k, v in expected.items() if k[0] == "review"}


def test_appeals_headings_wrapped_in_their_cells_do_not_reorder_the_kinds_of_case():
    # headings written over two lines inside their cells (行政 / 复议, 未经复议直 / 接起诉,
    # 结果 / 纠正): the halves name no kind of case, so they tell no order; the values stay in
    # the template's order (or are not read), never under the other kind of litigation
    head = [
        "四、政府信息公开行政复议、行政诉讼情况",
        "行政\n复议",
        "行政\n诉讼",
        *["结果维持", "结果\n纠正", "其他结果", "尚未审结", "总计"],
        "未经复议直\n接起诉",
        "复议后起诉",
        *["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] * 2,
    ]
    values = ["0", "1", "0", "0", "1", "2", "0", "3", "0", "5", "0", "0", "4", "1", "5"]
    for join in ("\n\n", "\n|\n"):
        lines = [*PROACTIVE_2021_HEAD, "规章", "0", "0", "0", *head, *values]
        got = appeals_values(read(join.join(lines) + "\n||"))
        codes = [(r.code, c.code) for r in contract.APPEALS for c in contract.APPEAL_COLUMNS]
        assert got in ({k: int(v) for k, v in zip(codes, values, strict=True)}, {}), join


def test_a_wrapped_heading_of_an_appeals_header_drawn_in_another_order_keeps_its_place():
    # the header draws 复议后起诉 before 未经复议直接起诉 (or 行政诉讼 before 行政复议), and the
    # heading of the other kind wraps inside its cell: its two parts together name it where it
    # stands, so each value is read under its own kind of case, never under the other
    values = ["0", "1", "0", "0", "1", "2", "0", "3", "0", "5", "0", "0", "4", "1", "5"]
    outcomes = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
    after_first = [
        "行政复议",
        "行政诉讼",
        *outcomes,
        "复议后起诉",
        "未经复议直\n接起诉",
        *outcomes * 2,
    ]
    litigation_first = ["行政诉讼", "行政\n复议", "未经复议直接起诉", "复议后起诉", *outcomes * 3]
    kinds = {
        "after_first": ["review", "litigation_after_review", "litigation_direct"],
        "litigation_first": ["litigation_direct", "litigation_after_review", "review"],
    }
    for (name, head), join in itertools.product(
        {"after_first": after_first, "litigation_first": litigation_first}.items(),
        ("\n\n", "\n|\n", " |\n"),
    ):
        lines = [*PROACTIVE_2021_HEAD, "规章", "0", "0", "0", APPEALS_HEAD[0], *head, *values]
        got = appeals_values(read(join.join(lines) + "\n||"))
        drawn = [(k, c.code) for k in kinds[name] for c in contract.APPEAL_COLUMNS]
        assert got == {k: int(v) for k, v in zip(drawn, values, strict=True)}, (name, join)


def test_a_row_label_wrapped_after_a_few_characters_is_no_header_column():
    # the label cell of 一、本年新收… wraps after its first few characters: '一、本年新' on a
    # line of its own is the start of a row label (it opens with the row's numeral), not a
    # heading of a column the template lacks (the requests header's words come before it)
    text = pipe_copy(PIPE_HEAD)
    text += "\n一、本年新\n收政府信息公开申请数量 | 118 | 221 | 0 | 0 | 0 | 100 | 439 | ||"
    text += "\n二、上年结转政府信息公开申请\n数量 | 2 | 1 | 0 | 0 | 0 | 3 | 6 | ||"
    got = read(text)
    assert requests_values(got, "new_received") == by_column([118, 221, 0, 0, 0, 100, 439])
    assert requests_values(got, "carried_over") == by_column([2, 1, 0, 0, 0, 3, 6])
    assert not any("columns the template lacks" in p for p in got.problems)


def separator_copy(rows: list[list[str]], pads: list[int]) -> str:
    """Cells on lines of their own, a line holding only '|' between two cells, a pad line of
    bars after each row; a copy that drops empty lines leaves nothing for an empty cell, so
    its separators stand next to each other."""
    lines = []
    for row, pad in zip(rows, pads, strict=True):
        lines.append("\n|\n".join(row).replace("\n\n", "\n"))
        lines.append("|" * pad)
    return "\n".join(lines).replace("\n\n", "\n")


def test_empty_first_cells_of_a_row_after_a_pad_line_are_one_separator_each():
    # in a separator-line copy that drops empty lines, a row that opens with empty cells (the
    # appeals row has no label) opens with one separator for each: after the header's pad
    # line, '|' '|' '|' '4' is three empty cells and 4, not two
    head = [
        ["第二十条第(一)项"],
        ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"],
        ["规章", "0", "0", "0"],
        ["行政复议", "行政诉讼"],
        ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计", "未经复议直接起诉", "复议后起诉"],
        ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] * 2,
    ]
    row = ["", "", "", "4", "4", "1", "1", "2", "", "4", "", "", "3", "", "3"]
    lines = separator_copy([*head, row], [3, 1, 1, 13, 8, 5, 1])
    lines = lines.replace("行政复议", "四、政府信息公开行政复议、行政诉讼情况\n行政复议", 1)
    text = "二、主动公开政府信息情况\n" + lines + "\n五、存在的主要问题及改进情况\n"
    codes = [(r.code, c.code) for r in contract.APPEALS for c in contract.APPEAL_COLUMNS]
    expected = {k: int(v) if v else None for k, v in zip(codes, row, strict=True)}
    assert appeals_values(read(text)) == expected
    # cut inside the last cell but one (after its separator, in the next cell's digit)
    cut = read(text[: text.rindex("3")])
    assert appeals_values(cut) in ({k: v for k, v in expected.items() if k != codes[-1]}, {})


def test_a_piece_of_a_wrapped_header_cell_is_no_column_the_template_lacks():
    # the header's corner cell (the 勾稽 note) wrapped after '（本列': the piece stands among
    # the header's words, but no row has a cell for it (each row's seven numbers, then the
    # fillers of the seed's form): no column is left out of the rows
    text = pipe_copy(
        [
            *PIPE_PROACTIVE,
            [REQUESTS_HEAD[0]],
            ["（本列"],
            ["数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", "申请人情况"],
            ["自然人", "法人或其他组织", "总计"],
            ["商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"],
            ["一、本年新收政府信息公开申请数量", "54", "44", "0", "169", "0", "84", "351"],
            ["二、上年结转政府信息公开申请数量", "1", "0", "0", "2", "0", "1", "4"],
        ]
    )
    got = read(text)
    assert requests_values(got, "new_received") == by_column([54, 44, 0, 169, 0, 84, 351])
    assert not any("columns the template lacks" in p for p in got.problems)


def test_a_column_the_template_lacks_is_left_out_where_no_row_fills_the_total():
    # 个体工商户 (or 其他组织) beside 自然人, and the table leaves 总计 blank on every row (the
    # blank among the row's fillers, or written): no row shows a number in as many cells as
    # the header has headings, yet the heading names a kind of applicant; its cells are left
    # out, and every other value stays under its own heading
    new = ["一、本年新收政府信息公开申请数量", "15", "1", "6", "0", "3", "4", "2"]
    over = ["二、上年结转政府信息公开申请数量", "2", "0", "1", "0", "0", "2", "0"]
    for word, blank in itertools.product(("个体工商户", "其他组织"), ("", " |")):
        head = [
            *PIPE_PROACTIVE,
            *[[w] for w in REQUESTS_HEAD[:3]],
            ["自然人", word, "法人或其他组织", "总计"],
            ["商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"],
        ]
        text = pipe_copy(head) + "\n" + pipe_copy([new, over], pads=2 + (not blank))
        text = text.replace("| 2 | ||", "| 2 |" + blank + " ||")
        got = read(text)
        assert requests_values(got, "new_received") in (
            by_column([15, 6, 0, 3, 4, 2, None]),
            by_column([15, 6, 0, 3, 4, 2]),
        ), (word, blank)
        assert requests_values(got, "carried_over") in (
            by_column([2, 1, 0, 0, 2, 0, None]),
            by_column([2, 1, 0, 0, 2, 0]),
        ), (word, blank)
        assert any(f"columns the template lacks ({word})" in p for p in got.problems)


def test_empty_cells_ending_the_appeals_header_rows_are_no_first_value():
    # a copy whose cells were paragraphs, of a table one column wider than its words: each
    # row of the header ends in an empty cell (a line of one space), the value row too. The
    # one after the header's last word is one more of those, not 行政复议 结果维持
    values = ["0", "6", "2", "0", "8", "6", "2", "0", "2", "10", "0", "0", "1", "0", "1"]
    head = [
        "四、政府信息公开行政复议、行政诉讼情况",
        *["行政复议", "行政诉讼", " "],
        *["结果维持", "结果纠正", "其他结果", "尚未审结", "总计", "未经复议直接起诉"],
        *["复议后起诉", " ", *["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] * 2, " "],
    ]
    text = "\n\n".join([*PROACTIVE_2021_HEAD, "规章", "0", "0", "0", *head, *values, " "])
    codes = [(r.code, c.code) for r in contract.APPEALS for c in contract.APPEAL_COLUMNS]
    expected = {k: int(v) for k, v in zip(codes, values, strict=True)}
    assert appeals_values(read(text + "\n")) == expected
    # the value row opening with an empty cell of its own (行政复议 结果维持 blank)
    blank_first = text.replace("\n\n".join([" ", *values[:2]]), "\n\n".join([" ", " ", values[1]]))
    assert appeals_values(read(blank_first + "\n")) == {**expected, ("review", "upheld"): None}
    # cut on the fourth value (the last characters, maybe cut short): the three before it, in
    # their own columns
    first = "\n\n".join(values[:4])
    cut = text[: text.index(first) + len(first)]
    assert appeals_values(read(cut)) == dict(list(expected.items())[:3])


def test_a_related_list_dating_its_entries_below_them_gives_no_publication_date():
    # the portal shows only 更新时间 beside the article; a related list before the title
    # writes each entry's date on the line below it: those are other reports' dates
    related = [
        "相关文章：",
        "冷水滩区农业农村局2022年政府信息公开工作年度报告",
        "2023-01-27",
        "武进区生态环境局2022年政府信息公开工作年度报告",
        "2023-01-25",
    ]
    chrome = ["宁强县统计局2022年政府信息公开工作年度报告", "更新时间：2023-02-18  浏览次数：970"]
    got = read("\n".join([*related, *chrome, *PAGE_BODY]))
    assert got.published == "2023-02-18"
    assert (got.agency, got.year) == ("宁强县统计局", 2022)
