"""Copies of a page made by everyday tools, generated from pages whose numbers are known: a
browser's select-all and copy (Firefox, Chrome), Word's 'save as plain text', a WeChat
article, a Traditional Chinese mirror, text whose only separators are ideographic or no-break
spaces, lines wrapped by a mail client or a terminal, labels set vertically.

Each family is drawn over both format versions; a number the copy leaves uncertain may be
withheld (the report then needs review), never read wrong without a flag."""

from __future__ import annotations

import random

import opencc
import pytest

from gx_pipeline.pagegen import render_text
from gx_pipeline.pagegen.layout import Document, Table
from gx_pipeline.parsing import parse_bytes
from gx_pipeline.trust import assess
from gx_pipeline_tests.test_generated_hazards import FORMATS, _differences, _document


def _traditional(doc: Document, rng: random.Random) -> str:
    """A mirror site's Traditional Chinese copy (處理決定, 總計, 申請人情況, 駁回), with the
    report's title, or last year's, injected above it or among its lines."""
    convert = opencc.OpenCC(rng.choice(["s2t", "s2tw", "s2hk"])).convert
    copy = rng.choice([render_text.browser_copy(doc, rng), render_text.pipe_rows(doc, rng)])
    lines = convert(copy).split("\n")
    title = doc.meta.title
    injected = convert(
        rng.choice(
            [title, f"相关阅读：{title.replace(str(doc.meta.year), str(doc.meta.year - 1))}"]
        )
    )
    lines.insert(rng.choice([0, rng.randrange(3, len(lines)), len(lines)]), injected)
    return "\n".join(lines)


FAMILIES = {
    "firefox": lambda doc, rng: render_text.browser_copy(doc, rng, browser="firefox"),
    "chrome": lambda doc, rng: render_text.browser_copy(doc, rng, browser="chrome"),
    "wechat": render_text.wechat_article,
    "word": render_text.word_plain_text,
    "traditional": _traditional,
    "ideographic spaces": lambda doc, rng: render_text.separated_rows(
        doc, rng, separator=rng.choice(["\u3000", "\u3000\u3000"])
    ),
    "no-break spaces": lambda doc, rng: render_text.separated_rows(
        doc, rng, separator=rng.choice(["\u00a0", "\u00a0\u00a0", " \u00a0"])
    ),
    "terminal at 40": lambda doc, rng: render_text.wrapped(render_text.browser_copy(doc, rng), 40),
    "terminal at 80": lambda doc, rng: render_text.wrapped(render_text.browser_copy(doc, rng), 80),
    "mail at 40": lambda doc, rng: render_text.wrapped(
        render_text.spaced_rows(doc, rng), 40, at="mail"
    ),
    "mail at 80": lambda doc, rng: render_text.wrapped(
        render_text.spaced_rows(doc, rng), 80, at="mail"
    ),
    "vertical labels": render_text.vertical_labels,
    "vertical headers": lambda doc, rng: render_text.vertical_labels(doc, rng, headers=True),
}


def _wrong(text: str, doc: Document, values: dict) -> tuple[dict, bool]:
    """The cells read wrong (a number other than the page's, or where it shows none), the
    report's agency and year where they are not the page's, and whether the report says it
    needs review."""
    got = parse_bytes(text.encode("utf-8"), "page.txt")
    wrong = {
        k: v for k, v in _differences(got, doc, values).items() if v[1] not in ("absent", None)
    }
    for field, truth in (("agency", doc.meta.agency), ("year", doc.meta.year)):
        if getattr(got, field) not in (truth, None):
            wrong[field] = (truth, getattr(got, field))
    return wrong, assess(got).status == "needs_review"


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_a_tool_copy_gives_no_wrong_number_without_a_flag(family: str):
    for k in range(24):
        template, year = FORMATS[k % len(FORMATS)]
        rng = random.Random(f"tool-copy:{family}:{k}")
        doc, values = _document(rng, template, year)
        wrong, flagged = _wrong(FAMILIES[family](doc, rng), doc, values)
        assert flagged or wrong == {}, (k, template, year)


# --- a line wrapped inside the row's last number ----------------------------------------------


def _row_lines(text: str, doc: Document) -> list[int]:
    """The lines of `text` that are value rows ending in a figure of two characters or more."""
    ends = {
        render_text._flat(row[-1].text)
        for block in doc.blocks
        if isinstance(block, Table)
        for row in block.rows
        if row[-1].key is not None
    }
    return [
        i
        for i, line in enumerate(text.split("\n"))
        if len(line.split()) > 1 and line.split()[-1] in ends and len(line.split()[-1]) > 1
    ]


@pytest.mark.parametrize("copy", ["spaced", "tab", "no-break spaces"])
def test_a_line_wrapped_inside_its_last_number_does_not_give_the_numbers_head(copy: str):
    """A mail client or a terminal breaks a row's line at a width, which may fall inside its
    last number (行政许可  41  -38  8 / 8 for 88): the row shows every cell, the last one
    the number's head, and the tail stands on a line of its own with no label. That line is
    no row of its own; the row's last number is not known, so it is not read, and the report
    says so."""
    render = {
        "spaced": render_text.spaced_rows,
        "tab": render_text.tab_rows,
        "no-break spaces": lambda doc, rng: render_text.separated_rows(
            doc, rng, separator="\u00a0\u00a0"
        ),
    }[copy]
    cut_rows = 0
    for k in range(20):
        template, year = FORMATS[k % len(FORMATS)]
        rng = random.Random(f"wrapped-number:{copy}:{k}")
        doc, values = _document(rng, template, year, blanks="none")
        lines = render(doc, rng).split("\n")
        rows = _row_lines("\n".join(lines), doc)
        if not rows:
            continue
        at = rng.choice(rows)
        line = lines[at]
        cut = len(line) - rng.randrange(1, len(line.split()[-1]))
        lines[at : at + 1] = [line[:cut], line[cut:]]
        cut_rows += 1
        wrong, flagged = _wrong("\n".join(lines), doc, values)
        assert wrong == {}, (k, line[:cut], line[cut:])
        assert flagged, k
    assert cut_rows >= 15


# --- the editor's invisible characters inside labels and numbers ------------------------------


@pytest.mark.parametrize("char", render_text.INVISIBLE)
def test_an_invisible_character_inside_a_label_or_a_number_is_read_through(char: str):
    """A WeChat or web editor leaves zero-width spaces, non-joiners, BOMs, soft hyphens and
    word joiners inside words and figures, where nobody sees them: 信息\u00ad内容 is 信息内容,
    1\u200c2 in one cell is 12 (a cell's separator is a TAB or a line, which they are not)."""
    for k in range(20):
        template, year = FORMATS[k % len(FORMATS)]
        rng = random.Random(f"invisible:{ord(char)}:{k}")
        doc, values = _document(rng, template, year)
        lines = []
        for line in render_text.tab_rows(doc, rng, trimmed=False).split("\n"):
            cells = line.split("\t")
            for i, cell in enumerate(cells):
                if len(cell) > 1 and rng.random() < 0.5:
                    at = rng.randrange(1, len(cell))
                    cells[i] = cell[:at] + char + cell[at:]
            lines.append("\t".join(cells))
        got = parse_bytes("\n".join(lines).encode("utf-8"), "page.txt")
        assert _differences(got, doc, values) == {}, k


# --- lines of figures after a row that are no wrapped tail of its number ----------------------


def _read(text: str) -> dict:
    return {
        (c.section, c.row, c.col): c.value
        for c in parse_bytes(text.encode("utf-8"), "page.txt").cells
    }


def _with_lines(lines: list[str], after: dict[int, str]) -> str:
    return "\n".join(x for i, line in enumerate(lines) for x in (line, after.get(i)) if x)


#: copies of a row a line, and what parts their cells
_ROW_COPIES = {"spaced": (render_text.spaced_rows, "  "), "tab": (render_text.tab_rows, "\t")}


def _row_copies(copy: str, seed: str):
    """20 pages over both formats, every cell drawn: (k, rng, doc, the copy's text)."""
    for k in range(20):
        template, year = FORMATS[k % len(FORMATS)]
        rng = random.Random(f"{seed}:{copy}:{k}")
        doc, _ = _document(rng, template, year, blanks="none")
        yield k, rng, doc, _ROW_COPIES[copy][0](doc, rng)


@pytest.mark.parametrize("copy", sorted(_ROW_COPIES))
def test_running_numbers_on_lines_of_their_own_are_no_wrapped_tails(copy: str):
    """A copy whose table numbers its rows (序号) writes each row's number on a line of its
    own before the row (a narrow first column copied as a paragraph): 1 / 行政许可 3 5 / 2 /
    行政处罚 7 0 / 3 / …. Each number after a row opens a line with a figure after a row
    ending in one, as the tail of a number wrapped at a width does, but numbers running 1, 2,
    3 … are the rows' numbers, not tails: every cell is read as the copy without them reads
    it."""
    for k, _, _, text in _row_copies(copy, "running-numbers"):
        lines = text.split("\n")
        rows = [
            at
            for at, line in enumerate(lines)
            if len(line.split()) > 1 and line.split()[-1].isdigit() and line[:1] > "~"
        ]
        numbered = _with_lines(lines, {at - 1: str(n) for n, at in enumerate(rows, start=1)})
        assert _read(numbered) == _read(text), k


@pytest.mark.parametrize("copy", sorted(_ROW_COPIES))
def test_a_line_of_figures_after_a_full_row_is_no_wrapped_tail(copy: str):
    """A line of several figures with no label after a row that shows every one of its
    columns (a subtotal row whose label the copy lost, figures of a note): a line broken
    inside the row's last number would leave its tail and nothing more (or the row's later
    cells, which a full row has none of), so it is no tail, and the row's last number is
    read."""
    separator = _ROW_COPIES[copy][1]
    for k, rng, doc, text in _row_copies(copy, "figures-after-a-row"):
        lines = text.split("\n")
        at = rng.choice(_row_lines(text, doc))
        figures = separator.join(str(rng.randrange(100)) for _ in range(rng.randint(2, 6)))
        assert _read(_with_lines(lines, {at: figures})) == _read(text), (k, lines[at], figures)


@pytest.mark.parametrize("copy", sorted(_ROW_COPIES))
def test_a_soft_hyphen_where_a_minus_stands_is_not_dropped(copy: str):
    """A hyphen glyph a PDF's font maps to U+00AD, or a converter's soft hyphen for a minus
    sign, copied before a figure of 本年增/减 (-51 as \u00ad51): a soft hyphen inside a word is
    nothing, but one that opens a figure stands where its minus sign would. Dropped, -51 was
    read 51 with no flag; the figure is not known, so it is not read."""
    negative = 0
    for k in range(20):
        rng = random.Random(f"soft-minus:{copy}:{k}")
        doc, values = _document(rng, "2019", FORMATS[k % 3][1], blanks="none")
        lines = [
            "\t".join(c[:1].replace("-", "\u00ad") + c[1:] for c in line.split("\t"))
            for line in _ROW_COPIES[copy][0](doc, rng).split("\n")
        ]
        if copy == "spaced":
            lines = [line.replace("  -", "  \u00ad") for line in lines]
        negative += sum(line.count("\u00ad") for line in lines)
        wrong, _ = _wrong("\n".join(lines), doc, values)
        assert wrong == {}, k
    assert negative >= 10


def test_a_soft_hyphen_before_a_count_is_an_editors_mark():
    """Where a column cannot be negative (every count and amount: the 2021 format has no
    本年增/减), a soft hyphen that opens a figure is no minus sign but the editor's invisible
    mark, read through."""
    for k, _, _, text in _row_copies("tab", "soft-hyphen-count"):
        marked = "\n".join(
            "\t".join(
                "\u00ad" + c if i and c.isdigit() and "增/减" not in text else c
                for i, c in enumerate(line.split("\t"))
            )
            for line in text.split("\n")
        )
        assert _read(marked) == _read(text), k


# --- a column heading split over two lines ----------------------------------------------------


def test_a_heading_split_over_two_lines_reads_no_number_under_a_heading_it_does_not_name():
    """A terminal or a mail client breaks a block's header line inside a heading (本年增/ on
    one line, 减 on the next): neither piece is a heading, so the header names fewer columns
    than the block has. A row with fewer cells than columns (a copy drops a row's blank end
    cells: here its last) is not read by the headings the header still names: the column the
    split heading stood for may hold any of its cells."""
    split = 0
    for k in range(40):
        template, year = FORMATS[k % len(FORMATS)]
        rng = random.Random(f"split-heading:{k}")
        doc, values = _document(rng, template, year, blanks="none")
        lines = []
        under_split = False
        for line in render_text.browser_copy(doc, rng, browser="firefox").split("\n"):
            cells = line.split("\t")
            if cells[0] == "信息内容" and len(cells) > 2:
                i = rng.randrange(1, len(cells))
                at = len("\t".join(cells[:i])) + 1 + rng.randrange(1, len(cells[i]))
                lines += [line[:at], line[at:]]
                split += 1
                under_split = True
                continue
            if under_split and len(cells) > 2 and rng.random() < 0.5:
                # the row's last cell blank on the page: the copy writes nothing for it
                line = "\t".join(cells[:-1])
            under_split = under_split and not line.startswith(("第", "三、"))
            lines.append(line)
        wrong, _ = _wrong("\n".join(lines), doc, values)
        assert wrong == {}, (k, wrong)
    assert split >= 100


# --- a row's line broken at one of its TABs ---------------------------------------------------


def test_a_line_broken_at_a_tab_gives_no_row_another_rows_numbers():
    """A terminal breaks a TAB copy's long line where a TAB does not fit, the TAB left at the
    end of the first piece or carried to the start of the next: a row's label alone on a line
    and its numbers on the next (申请\\t / 0\\t0…, or 申请 / \\t0\\t0…), or a row's numbers
    cut in two (…0\\t0\\t / 0\\t0). The numbers line after a row that ends in a TAB is that
    row's tail as much as another label's numbers: no row takes numbers that may be
    another's."""
    broken = 0
    for k in range(40):
        template, year = FORMATS[k % len(FORMATS)]
        rng = random.Random(f"broken-at-tab:{k}")
        doc, values = _document(rng, template, year)
        lines = []
        for line in render_text.browser_copy(doc, rng, browser="firefox").split("\n"):
            tabs = [i for i, ch in enumerate(line) if ch == "\t"]
            if len(tabs) < 5 or rng.random() < 0.6:
                lines.append(line)
                continue
            at = rng.choice(tabs) + rng.randrange(2)
            lines += [line[:at], line[at:]]
            broken += 1
        wrong, _ = _wrong("\n".join(lines), doc, values)
        assert wrong == {}, (k, wrong)
    assert broken >= 200


def test_section_4s_row_broken_at_a_tab_reads_no_number_a_column_off():
    """Section 四's one row of fifteen numbers, zeros left blank, broken by a terminal at one
    of its TABs: the TAB left at the break reads as one empty field too many, and with an
    empty field in front of the row (a blank first cell) nothing tells which of the two is
    no cell; dropping the first moves every number after the break a column."""
    for k in range(40):
        template, year = FORMATS[k % len(FORMATS)]
        rng = random.Random(f"section-4-broken-at-tab:{k}")
        doc, values = _document(rng, template, year, blanks="zeros_blank")
        lines = []
        for line in render_text.browser_copy(doc, rng, browser="firefox").split("\n"):
            tabs = [i for i, ch in enumerate(line) if ch == "\t"]
            if len(tabs) < 11 or any("\u4e00" <= ch <= "\u9fff" for ch in line):
                lines.append(line)
                continue
            at = rng.choice(tabs) + rng.randrange(2)
            lines += [line[:at], line[at:]]
        wrong, _ = _wrong("\n".join(lines), doc, values)
        assert wrong == {}, (k, wrong)


@pytest.mark.parametrize("copy", ["firefox", "word"])
def test_rows_cut_at_any_character_give_no_row_another_rows_numbers(copy: str):
    """A terminal breaks a TAB copy's lines at any character: inside a label (its numbers
    then on the next line), at a TAB, inside a number. A line of numbers after a row's cut
    line may be that row's rest as well as the numbers of a label alone on the line after it:
    none is read where which it is is not certain."""
    render = {
        "firefox": lambda doc, rng: render_text.browser_copy(doc, rng, browser="firefox"),
        "word": lambda doc, rng: render_text.word_plain_text(doc, rng).replace("\r\n", "\n"),
    }[copy]
    for k in range({"firefox": 80, "word": 240}[copy]):
        template, year = FORMATS[k % len(FORMATS)]
        rng = random.Random(f"cut-anywhere:{copy}:{k}")
        doc, values = _document(rng, template, year)
        lines = []
        for line in render(doc, rng).split("\n"):
            if line[-1:].isdigit() and len(line) > 3 and rng.random() < 0.4:
                at = rng.randrange(1, len(line))
                lines += [line[:at], line[at:]]
            else:
                lines.append(line)
        wrong, _ = _wrong("\n".join(lines), doc, values)
        assert wrong == {}, (k, wrong)


@pytest.mark.parametrize("copy", ["spaced", "tab"])
def test_section_4s_row_wrapped_inside_its_last_number_does_not_give_the_numbers_head(copy: str):
    """Section 四's one row of fifteen numbers, its line broken inside its last number, the
    total of litigation after review (… 11  13 / 4 for 134, its pending cases ten more): the
    line after it is the number's tail, so the row's last number is not read (as a row's of
    the other sections is not), though the group's sums hold no more."""
    render = {"spaced": render_text.spaced_rows, "tab": render_text.tab_rows}[copy]
    separator = {"spaced": "  ", "tab": "\t"}[copy]
    pending = ("appeals", "litigation_after_review", "pending")
    total = ("appeals", "litigation_after_review", "total")
    for k in range(30):
        template, year = FORMATS[k % len(FORMATS)]
        rng = random.Random(f"section-4-wrapped-number:{copy}:{k}")
        doc, values = _document(rng, template, year, blanks="none")
        lines = render(doc, rng).split("\n")
        at = next(i for i, line in enumerate(lines) if len(line.split(separator)) == 15)
        values = {**values, pending: values[pending] + 10, total: values[total] + 10}
        cells = lines[at].split(separator)
        cells[-2:] = [str(values[pending]), str(values[total])]
        line = separator.join(cells)
        cut = len(line) - rng.randrange(1, len(cells[-1]))
        lines[at : at + 1] = [line[:cut], line[cut:]]
        wrong, flagged = _wrong("\n".join(lines), doc, values)
        assert wrong == {}, (k, line[:cut], line[cut:])
        assert flagged, k


def test_a_one_number_row_wrapped_inside_its_number_reads_neither_piece():
    """A row of one number (2021's 行政事业性收费  816.92) in a copy whose separators are
    no-break spaces, its line broken inside the number: the head (816.) runs into the label,
    which still names the row, and the tail (92) stands alone on the next line, where it
    looks like the row's number written under its label. Neither piece is the number."""
    for k in range(20):
        rng = random.Random(f"one-number-row-wrapped:{k}")
        doc, values = _document(rng, "2021", 2021 + k % 5, blanks="none")
        lines = render_text.separated_rows(doc, rng, separator="\u00a0\u00a0").split("\n")
        at = next(i for i, line in enumerate(lines) if line.startswith("行政事业性收费"))
        number = lines[at].split("\u00a0")[-1]
        if len(number) < 2:
            continue
        cut = len(lines[at]) - rng.randrange(1, len(number))
        lines[at : at + 1] = [lines[at][:cut], lines[at][cut:]]
        wrong, flagged = _wrong("\n".join(lines), doc, values)
        assert wrong == {}, (k, lines[at], lines[at + 1])
        assert flagged, k
