"""Reading the three sections out of a token stream.

The reader is label-driven: a row starts at its label and takes the value cells that follow, in
order, checked against the template's column count. Grid positions are not trusted: exporters
drop or add colspans, so values are assigned by their order among the row's value cells (but for
the rows under a value merged down an HTML table whose grid is regular: _merged_down_rows). Rows
that lost their label are placed by their position between the labelled rows around them. Every
such guess, and everything the reader could not place, becomes a `problems` line.

Problem lines start with what they are about: `section.row.col:`, `section.row:` or `section:`.
"""

from __future__ import annotations

import functools
import itertools
import re
import statistics
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace

from gx_pipeline import contract, tally
from gx_pipeline.parsing import labels, transpose
from gx_pipeline.parsing import problems as codes
from gx_pipeline.parsing.grid import lay_out
from gx_pipeline.parsing.problems import Problems
from gx_pipeline.parsing.tokens import CELL, END, LINE, PAD, Token, short_text_cache
from gx_pipeline.parsing.values import (
    NO_CHANGE,
    caption_unit,
    header_unit,
    in_wan,
    is_value_text,
    point_thousands,
    read_value,
    squash,
)
from gx_pipeline.report import Cell

UNKNOWN = "?"
_ALL_HEADER_WORDS = (
    *labels.REQUEST_HEADER_WORDS,
    *labels.APPEAL_HEADER_WORDS,
    *labels.PROACTIVE_HEADER_WORDS,
)
#: a run of appeals values not tied to a row label: the national layout's single 15-cell row
SEQUENCE = "*"


@dataclass
class RawRow:
    section: str
    code: str | None  # a contract row code; None when the row has no label; UNKNOWN/SEQUENCE
    label: str | None = None
    values: list[Token] = field(default_factory=list)
    exact: bool = True
    core: str | None = None
    block: int = 0  # which proactive block (第二十条第（X）项) the row sits in
    hard: bool = False  # the page showed where the row ends
    #: fillers for covered grid positions closed the row (a text copy's pad fields or lines):
    #: how many
    padded: int = 0
    #: lines of fillers closing the row one after another (a tool writing a filler a line
    #: writes several; the seed's copy one line of as many bars as it has fillers)
    pad_lines: int = 0
    #: a row split off the values of the labelled row `source` took beyond its columns
    source: RawRow | None = None
    #: a row whose surplus values were split off: all the values it took
    taken: list[Token] | None = None
    cut: bool = False  # the page ends inside this row
    #: a cell of words (含网上申请, a remark) came after the row's values in its own table row
    #: or line: read as a label, it is none of the row's values and closed the row there
    words_after: bool = False
    #: section 二 drawn on its side (items across, measures down the first column): item labels
    #: side by side in one table row or line (规章 | 行政规范性文件), or numbers on the line of
    #: a measure's heading (本年制发件数 | 5 | 7). No such label is a row waiting for the
    #: numbers of the line before or after it, and no such numbers are a label's
    on_its_side: bool = False


@dataclass
class Scan:
    rows: list[RawRow] = field(default_factory=list)
    #: a browser's TAB copy (a table row a line, cells separated by TABs): it writes no
    #: position a merged cell covers, in place or at its row's end (set by the page reader)
    tab_copy: bool = False
    #: header wording of each proactive block, by block number
    block_headers: dict[int, list[str]] = field(default_factory=dict)
    sections_headed: set[str] = field(default_factory=set)
    #: prose stood under a section heading (a summary written out instead of a table)
    prose_in_sections: bool = False
    #: running numbers of a 序号 column, dropped in front of row labels
    serial_numbers: int = 0
    #: of them, those written before empty cells (the positions the next row's label covers)
    serial_before_blanks: int = 0
    #: the units of amount section 二's captions state ((金额单位:元) above or below its
    #: table, in a block's title), in reading order
    caption_units: list[str] = field(default_factory=list)
    #: tables with a 单位 column (its heading seen), and the unit words dropped after labels
    unit_tables: set[int | None] = field(default_factory=set)
    unit_cells: int = 0
    #: a second report follows the first on the page (its own section 一 after the first's
    #: tables): the heading's text, and the index of its token in the stream
    second_report: str | None = None
    second_report_at: int | None = None
    #: the requests table's header words in reading order (where 总计 stands)
    request_header: list[str] = field(default_factory=list)
    #: the table and row (line) of each of request_header's words
    request_header_at: list[tuple[int | None, int | None]] = field(default_factory=list)
    #: the cell (td) of each of request_header's words: with the table's spans, its column
    request_header_td: list[int | None] = field(default_factory=list)
    #: in text laid out by spaces, the requests header's words and where they stand
    request_header_x: dict[str, float] = field(default_factory=dict)
    #: the requests header row by row as the page draws it, its blank cells as "": where a
    #: heading left blank or misread stands among the others (_unpinned_columns)
    request_header_grid: list[list[str]] = field(default_factory=lambda: [[]])
    #: header words of the requests table met after its rows began (a table split in two,
    #: its header repeated): (table, row, word)
    request_header_later: list[tuple[int | None, int | None, str]] = field(default_factory=list)
    votes: Counter[str] = field(default_factory=Counter)
    problems: Problems = field(default_factory=Problems)
    #: HTML tables with a value cell that spans columns or rows: a row of such a table that
    #: shows fewer cells than columns may have lost any of them, not only its last ones
    spanned_tables: set[int] = field(default_factory=set)
    #: the cells of each of those tables, header and labels too, for laying out its grid
    spanned_cells: dict[int, list[Token]] = field(default_factory=dict)
    #: the page's tokens, looked at again only where a row's reading depends on the whole page
    tokens: list[Token] = field(default_factory=list)
    #: section 四's label words in reading order, each with how many of its value cells came
    #: before it (the header's words come before any, a small table's before its own)
    appeal_words: list[tuple[str, int]] = field(default_factory=list)
    appeal_values: int = 0
    #: characters standing alone in the requests header and in the appeals header (before the
    #: values): pieces of a heading that spell none, which the header's order is read without
    request_header_lost: list[str] = field(default_factory=list)
    appeal_header_lost: list[str] = field(default_factory=list)
    #: words of the appeals header (before the values) that name none of its headings (总口,
    #: 结果纠, 尚末审结: a heading misread whole in its cell), each with how many of
    #: appeal_words came before it and its place in them (as appeal_words' second item)
    appeal_header_unread: list[tuple[int, str, int]] = field(default_factory=list)


def _enumerated(text: str) -> bool:
    n = labels.norm(text)
    return labels.strip_enum(n) != n


def _rest_of_label(row: RawRow, text: str) -> str | None:
    """The part of `text` that is the rest of the row's label, wrapped over two cells or lines:
    all of it; or, in text laid out by spaces where group labels wrap beside the row's own on
    the same lines (三、本年  （四）无法提  2.没有现成信息需要另行 / 度办理结  供  制作), its last
    piece where it continues the label's last (the row's own label stands right of its
    groups'); the pieces before it are the groups' labels. None where it is no such rest."""
    if row.code in (None, UNKNOWN, SEQUENCE) or not row.label:
        return None
    if labels.completes(row.section, row.code, row.label, text):
        return text
    *groups, last = text.split()
    if groups and labels.completes(row.section, row.code, row.label.split()[-1], last):
        return last
    return None


def _extend_label(row: RawRow, more: str) -> None:
    """The rest of a row's label, wrapped over two cells or lines, joins it."""
    row.label = (row.label or "") + more
    m = labels.match_row(row.section, row.label)
    if m is not None and m.code == row.code:
        row.exact, row.core = m.exact, m.core


@short_text_cache
def _chrome_kind(text: str) -> tuple[str | None, bool]:
    """What a line outside the sections opens: a section (by its heading), a proactive block
    (by its title), or nothing. Cached: a site's menus and footers repeat on all its pages."""
    return labels.heading_section(text), labels.block_title(text) is not None


#: what _chrome_kind tells of most lines outside the sections
_OPENS_NOTHING = (None, False)


@short_text_cache
def _prose(text: str) -> bool:
    """Text inside or between the tables that is prose, no cell: a sentence, figures with
    their units, or a long text that names no row and is not a header written out in one
    piece. Cached: a label is tested on every page of its format."""
    return labels.is_narrative(text) or (
        labels.is_prose_like(text)
        and labels.match_request(text) is None
        and not labels.only_header_words(text, _ALL_HEADER_WORDS)
    )


#: what _value_form tells of a text: no value, a value cell left blank, a value written
_NO_VALUE, _BLANK, _WRITTEN = 0, 1, 2


#: a cell of words and a number after them (本年处理决定数量123件)
_HEADING_THEN_VALUE = re.compile(r"^(?P<words>[^\d]*[^\d\s])\s*(?P<value>\d[\d.,]*\s*\S{0,2})$")
#: a heading's note of its unit at its end ((单位:万元), (万元))
_UNIT_NOTE = re.compile(r"\((?:单位[:：])?[万千]?元\)$")


@short_text_cache
def _value_form(text: str) -> int:
    """Whether a token's text is a value's (is_value_text) and, if so, whether it is written
    or blank: the two questions the reader asks of every value cell, in one look up."""
    if not is_value_text(text):
        return _NO_VALUE
    return _WRITTEN if labels.norm(text) else _BLANK


#: what a count cell may hold around its number that no reading of it takes: about, more
#: than, at least, a full stop, brackets, a unit (约3, 3余, ≥3, 3。, (3), 三件)
_COUNT_MARKS = re.compile(r"[约近逾余多超过以上左右≥≤>＞<＜+＋~～。.．,，()（）\[\]【】件个次项条]")
#: a count in Chinese numerals (三, 十二, 二十五, 零)
_NUMERALS = re.compile(r"^[零〇一二两三四五六七八九十百]{1,4}$")
#: a count whose 0 an OCR or a typist wrote as the letter O (O, 1O, 2O3)
_LETTER_O = re.compile(r"^[0-9]*[Oo][0-9Oo]*$")


@short_text_cache
def _unreadable_count(text: str) -> bool:
    """Whether a cell that is no value (is_value_text) still writes a count, only not in a
    form read as one: a number with marks around it, a count in Chinese numerals, or one whose
    0 is the letter O (1O, 2O3). Taken for a label, it closed its row there, and the row's
    next values stood a column left. Not pieces apart (0 0: two numbers in one cell, two
    columns' values)."""
    if len(text.split()) > 1:
        return False
    rest = _COUNT_MARKS.sub("", squash(text))
    return (
        bool(rest)
        and len(rest) <= 6
        and (rest.isdigit() or bool(_NUMERALS.match(rest)) or bool(_LETTER_O.match(rest)))
    )


#: the heading of a column of units between the row labels and the values
_UNIT_HEADINGS = frozenset({"单位", "计量单位"})
#: the words such a column holds
_UNIT_WORDS = frozenset({"件", "项", "个", "条", "次", "人", "人次", "份", "万元"})


class _Reader:
    def __init__(self, tokens: list[Token], lines_are_values: bool, truncated: bool) -> None:
        self.tokens = tokens
        self.truncated = truncated
        self.lines_are_values = lines_are_values
        self.scan = Scan()
        self.section: str | None = None
        self.row: RawRow | None = None
        self.block = 0
        self.block_has_rows = False
        self.results_seen = False
        #: rows of the requests table have begun (its header is over); its total row was read
        self.request_rows_begun = False
        self.total_seen = False
        #: sections that have a row with values: a heading of one again means a second report
        self.filled: set[str] = set()
        self.last_code: str | None = None
        self.after_header_words = False
        #: the current row is a header row: blank cells in it are covered grid positions
        self.header_row = False
        #: free text came after the last value: a cut file ends in the text, not in a table
        self.text_after_values = False
        #: the last label or heading word of a text copy: its line, and whether it stood bare
        #: (no bar on its line: a copy whose cells were paragraphs)
        self.label_line: int | None = None
        self.bare_label = False
        #: the appeals header's rows end in an empty cell (a table one column wider than its
        #: words): the empty cell after its last word is one more of those, not a value
        self.header_rows_end_empty = False
        #: the table row in which a result group's label ((三)不予公开) stood, last
        self.group_at: tuple[int | None, int | None] | None = None
        #: the field of the last blank cell of the requests header in a text copy's line
        self.blank_td: int | None = None
        #: characters standing one a line in section 二 (a flipbook's header written
        #: downwards: 信 / 息 / 内 / 容 / 本 / 年 / 新 / 制 / 作 …), not yet joined
        self.header_chars: list[str] = []
        #: the table and row of the current row's label
        self.row_at: tuple[int | None, int | None] | None = None
        #: the table row or line of the last section 二 column heading (本年制发件数)
        self.heading_at: tuple[int | None, int | None] | None = None
        #: tables with a 序号 heading, and the last running number dropped
        self.serial_tables: set[int | None] = set()
        self.last_serial = 0
        #: the token read before the current one
        self.before: Token | None = None

    # --- rows -----------------------------------------------------------------------------

    def header_lost(self, section: str | None, text: str) -> None:
        """A piece of a heading that spells none, in the requests or the appeals header."""
        if section == "requests" and not self.request_rows_begun:
            self.scan.request_header_lost.append(text)
        elif section == "appeals" and not self.scan.appeal_values:
            self.scan.appeal_header_lost.append(text)

    def close(self, hard: bool = False, padded: int = 0) -> None:
        if self.row is not None:
            self.row.hard = hard
            self.row.padded = padded
            self.row.pad_lines = 1 if padded else 0
            self.scan.rows.append(self.row)
            self.row = None

    def open(
        self, code: str | None, token: Token | None, exact: bool = True, core: str | None = None
    ) -> None:
        label = token.text if token else None
        row = self.row
        side = (
            self.section == "proactive"
            and row is not None
            and token is not None
            and token.table is not None
            and code not in (None, UNKNOWN, SEQUENCE)
            and row.code not in (None, UNKNOWN, SEQUENCE, code)
            and not row.values
            and self.row_at == (token.table, token.tr)
        )
        if side:
            row.on_its_side = True  # type: ignore[union-attr]
        if row is not None and token is not None and code is not None:
            if row.code == UNKNOWN and not row.values and row.label and code != UNKNOWN:
                # a label wrapped over two cells or lines: its unmatched first part goes first
                label = f"{row.label}{label}"
                self.row = None
            else:
                self.drop_serial_number(token)
        self.close()
        self.header_row = False
        self.group_at = None
        assert self.section is not None
        self.row = RawRow(self.section, code, label, [], exact, core, self.block)
        self.row.on_its_side = side
        self.row_at = (token.table, token.tr) if token is not None else None
        if code not in (None, UNKNOWN, SEQUENCE):
            self.last_code = code
            self.block_has_rows = True
            if self.section == "requests":
                self.request_rows_begun = True
                self.total_seen = self.total_seen or code == "results_total"

    def drop_serial_number(self, token: Token) -> None:
        """A 序号 (running number) cell in front of a label in the same row is not a value. In
        a copy that writes each cell on a line of its own (under a 序号 heading), the number
        on the line before the label is the row's running number: one that stands alone, or
        the one after the last dropped that ends the row above."""
        row = self.row
        if row is None or not row.values or row.values[-1].table is None:
            return
        # a copy of the table's whole grid writes the positions the next row's label covers
        # (三、 merged down over its rows) as empty cells between its running number and it
        at = len(row.values) - 1
        while (
            row.code is not None
            and at > 0
            and not row.values[at].text.strip()
            and row.values[at].td == 1
        ):
            at -= 1
        if at < len(row.values) - 1 - 2 or row.values[at].table is None:
            return
        last = row.values[at]
        number = last.text.strip()
        if not number.isdigit():
            return
        own_lines = (
            token.table in self.serial_tables
            and last.td == token.td == 1
            and last.tr is not None
            and token.tr is not None
            and last.tr < token.tr
        )
        if row.code is None and len(row.values) == 1:
            if (last.table, last.tr) != (token.table, token.tr) and not own_lines:
                return
            self.row = None
        elif (
            own_lines
            and row.code not in (UNKNOWN, SEQUENCE)
            and int(number) == self.last_serial + 1
        ):
            row.values.pop(at)
            self.scan.serial_before_blanks += at < len(row.values)
        else:
            return
        self.scan.serial_numbers += 1
        self.last_serial = int(number)

    def enter(self, section: str) -> None:
        if section != self.section:
            self.close()
            self.section = section

    def new_block(self) -> None:
        self.close()
        self.block += 1
        self.block_has_rows = False

    # --- the walk ---------------------------------------------------------------------------

    def run(self) -> Scan:
        chrome = not self.lines_are_values
        for k, tok in enumerate(self.tokens):
            kind = tok.kind
            self.before = self.tokens[k - 1] if k else None
            if kind == END:
                if (
                    tok.text == PAD
                    and self.row is None
                    and k
                    and self.tokens[k - 1][:2] == (END, PAD)
                    and self.scan.rows
                    and self.scan.rows[-1].pad_lines
                ):
                    self.scan.rows[-1].pad_lines += 1  # another filler line of the row
                self.close(hard=True, padded=tok.td or 0 if tok.text == PAD else 0)
                self.header_row = False
                grid = self.scan.request_header_grid
                if grid[-1] and not self.request_rows_begun:
                    if tok.text == PAD and grid[-1][-1] == "" and (self.blank_td or 0) > 1:
                        # a text copy's row closed by fillers after a space (`总计 | |||`):
                        # the space is no blank cell of the row
                        grid[-1].pop()
                    grid.append([])
                continue
            if kind == LINE:
                text = tok.text
                if self.filled and text[:1] == "一" and labels.is_overview_heading(text):
                    # a section 一 after tables were read: a second report (an attachment,
                    # another year) follows on the same page. A heading of a table section
                    # that repeats (a caption under its table, a page's running header) is no
                    # such sign
                    self.close()
                    self.scan.second_report, self.scan.second_report_at = text, k
                    break
                if chrome and self.section is None and not tok.cut:
                    # most tokens of a portal page: its menus and link lists, read in one step
                    # (a line that opens nothing, the most of them, without chrome_line's call)
                    if _chrome_kind(text) == _OPENS_NOTHING:
                        self.text_after_values = True
                        self.after_header_words, self.header_row = self.header_row, True
                    else:
                        self.chrome_line(text)
                    continue
            self.token(tok)
        self.close()
        if self.truncated and not self.text_after_values:
            last = next((r for r in reversed(self.scan.rows) if r.values), None)
            if last is not None:
                last.cut = True
        return self.scan

    def token(self, tok: Token) -> None:
        text = tok.text  # a line outside the sections went to chrome_line (run)
        kind = tok.kind
        if kind == LINE and len(text) == 1 and self.section == "proactive":
            self.header_chars.append(text)
        elif self.header_chars:
            self.downward_header()
        # (asked only of a section 二 cell: most tokens are none, and the call is saved)
        rest = (
            self.value_after_heading(tok) if kind == CELL and self.section == "proactive" else None
        )
        if rest is not None:
            tok = tok._replace(text=rest)
            text = rest
        # a cell of a row laid out by spaces is a value cell by its place, readable or not
        form = _value_form(text)
        value_like = (form != _NO_VALUE and (kind == CELL or self.lines_are_values)) or (
            tok.x is not None and not labels.has_chinese(text) and not self.unread_heading(tok)
        )
        if tok.cut:
            if self.row is not None:
                self.row.cut = True
            if value_like and self.section is not None:
                where = f"{self.section}.{self.last_code}" if self.last_code else self.section
                self.scan.problems.flag(
                    codes.INCOMPLETE,
                    f"{where}: the page ends inside a cell ({text!r}); that cell is not read",
                )
            if value_like or len(text) < 8:
                if tok.kind == LINE and not value_like:
                    self.text_after_values = True  # cut in words after the table's values
                return
        if not value_like and kind == CELL and self.unreadable_in_row(tok):
            value_like = True  # a count not read: it keeps its place in the row
        if value_like:
            self.value(tok, form == _WRITTEN if form != _NO_VALUE else bool(labels.norm(text)))
            self.text_after_values = False
            return
        if tok.kind == LINE:
            self.text_after_values = True
        if self.section == "proactive" and (unit := caption_unit(text)) is not None:
            self.scan.caption_units.append(unit)
        # headings stand as paragraphs, or as title rows inside one all-sections table
        heading = labels.heading_section(text)
        if heading is not None:
            self.start_heading(heading)
            return
        if tok.kind == LINE and labels.is_end_heading(text):
            self.close()
            self.section = None
            return
        row = self.row
        if (
            row is not None
            and row.values
            and kind == CELL
            and tok.table is not None
            and (tok.table, tok.tr) == (row.values[-1].table, row.values[-1].tr)
        ):
            row.words_after = True
        self.label(tok)

    def value_after_heading(self, tok: Token) -> str | None:
        """The value of a section 二 cell that writes its column's heading before it
        (本年处理决定数量123件), in a block of one column whose header names that heading
        (its unit note aside), first after an item's label: the value, else None."""
        row = self.row
        if (
            self.section != "proactive"
            or tok.kind != CELL
            or row is None
            or row.values
            or row.code in (None, UNKNOWN, SEQUENCE)
        ):
            return None
        m = _HEADING_THEN_VALUE.match(labels.norm(tok.text))
        header = self.scan.block_headers.get(self.block, [])
        headings = [h for h in header if labels.is_proactive_header(h) and h != "信息内容"]
        if m is None or len(headings) != 1 or not is_value_text(m["value"]):
            return None
        named = headings[0]
        return m["value"] if m["words"] in (named, _UNIT_NOTE.sub("", named)) else None

    def unreadable_in_row(self, tok: Token) -> bool:
        """Whether a cell that is no value is a count written in a form not read (约3, 3余,
        三), after a value of its own table row or line, or first in the appeals table's row
        of values: a value cell that cannot be read, which keeps its place (a cell present,
        its value not known), as the row's other cells keep theirs."""
        if tok.table is None or not _unreadable_count(tok.text):
            return False
        row = self.row
        if row is not None and row.values:
            last = row.values[-1]
            return (last.table, last.tr) == (tok.table, tok.tr)
        return (
            self.section == "appeals"
            and row is None
            and bool(self.scan.appeal_words)
            and "appeals" not in self.filled
        )

    def unread_heading(self, tok: Token) -> bool:
        """Whether a piece of a line laid out by spaces is a requests heading not read (□□□□,
        ��: marks, no Chinese) on a header line, not a value cell that cannot be read: the
        line's first piece (a row's first piece is its label, or it has none and its cells
        begin at the second), or one after header words on their line. Taken for a value, it
        opened a row of its own that placed nowhere, and the header lacked a heading with
        nothing to say so."""
        return (
            self.section == "requests"
            and not self.request_rows_begun
            and labels.not_read(tok.text)
            and (tok.td == 1 or (self.row is None and tok.tr == self.label_line))
        )

    def downward_header(self) -> None:
        """The characters a flipbook writes a block's header in, one a line, joined: they
        tell the order of the block's columns as a header row's cells do."""
        text = labels.norm("".join(self.header_chars))
        self.header_chars = []
        if self.section == "proactive" and labels.proactive_column_starts(text) >= 2:
            if self.block_has_rows:  # a header after rows: the next block, without a title
                self.close()
                self.new_block()
            self.scan.block_headers.setdefault(self.block, []).append(text)

    def start_heading(self, heading: str) -> None:
        self.enter(heading)
        self.scan.sections_headed.add(heading)
        self.header_row = True  # a title row's blank cells are its span's positions

    def chrome_line(self, text: str) -> None:
        """A line of an HTML page outside every section (menus, link lists, the intro): only a
        section heading or a proactive block title matters. The same as token() would do with
        it, in fewer calls: on a portal page most tokens are such lines."""
        self.text_after_values = True
        heading, block = _chrome_kind(text)
        if heading is not None:
            self.start_heading(heading)
            return
        # label(): no row is open outside the sections
        self.after_header_words = self.header_row
        self.header_row = True
        if block:
            self.enter("proactive")
            self.new_block()

    def value(self, tok: Token, written: bool) -> None:
        """A value cell; `written`: its text is more than white space and quotes (labels.norm)."""
        section = self.section
        if section is None:
            return
        if (
            section == "requests"
            and not self.request_rows_begun
            and tok.kind == CELL
            and not written
        ):
            self.scan.request_header_grid[-1].append("")  # a header cell left blank, maybe
            self.blank_td = tok.td if tok.table == 0 else None
        if tok.span and tok.table:
            self.scan.spanned_tables.add(tok.table)
        row = self.row
        if row is None and self.header_row:
            if not written and not (
                # the appeals table's value row has no label: in a copy whose cells stand as
                # bare lines, an empty cell (a line of spaces) after the header's last word is
                # that row's first cell; such a copy writes no covered grid position
                self.section == "appeals"
                and self.bare_label
                and tok.table == 0
                and tok.tr != self.label_line
                and not self.header_row_ends_empty()
            ):
                if self.after_group_label(tok):
                    # the label cell of the group's first row, which lost its text: the row
                    # opens, and the empty cells after it are its values
                    self.open(None, None)
                return
            self.header_row = False
        if written:
            self.filled.add(section)
        if section == "appeals":
            self.scan.appeal_values += 1
        if row is not None:
            row.values.append(tok)
            return
        if section == "appeals":
            self.open(SEQUENCE, None)
        else:
            self.open(None, None)
        assert self.row is not None
        if section == "proactive" and tok.table is not None:
            self.row.on_its_side = self.heading_at == (tok.table, tok.tr)
            # a measure's row of numbers is a row of the block: a header after it starts the
            # next block, as after a labelled row
            self.block_has_rows = self.block_has_rows or self.row.on_its_side
        self.row.values.append(tok)

    def after_group_label(self, tok: Token) -> bool:
        """Whether an empty cell follows a result group's label in its table row: the first
        row of the group lost its own label, and this is its label cell. Passed over as a
        header row's blank with the empty values after it, the row's numbers moved to its
        first columns."""
        return (
            self.section == "requests"
            and tok.kind == CELL
            and tok.table is not None
            and self.group_at == (tok.table, tok.tr)
        )

    def header_row_ends_empty(self) -> bool:
        """Whether this empty cell ends the header's last row, as one ended each row before
        it: it is passed over, once; an empty cell after it is the value row's first."""
        ends, self.header_rows_end_empty = self.header_rows_end_empty, False
        return ends

    def unit_cell(self, tok: Token) -> bool:
        """A 单位 column's heading, or its unit word (件, 项, 个, 万元) after a row's label in
        the same row of a table with that heading: the unit of the row's numbers, no label
        and no value. A unit of amount other than 万元 (元, 亿元) is not dropped: read as the
        label's rest, the row gives no values rather than numbers in the wrong unit."""
        if (
            tok.kind not in (CELL, LINE)
            or tok.table is None
            or tok.x is not None  # text laid out by spaces: a label's words stand apart too
            or self.section not in ("proactive", "requests")
        ):
            return False
        n = labels.norm(tok.text)
        if n in _UNIT_HEADINGS:
            self.scan.unit_tables.add(tok.table)
            return True
        row = self.row
        if (
            n in _UNIT_WORDS
            and tok.table in self.scan.unit_tables
            and row is not None
            and row.code not in (None, UNKNOWN, SEQUENCE)
            and not row.values
            # in the label's row, or on a line of its own after it (a copy that writes each
            # cell on a line)
            and (self.row_at == (tok.table, tok.tr) or tok.td == 1)
        ):
            self.scan.unit_cells += 1
            return True
        return False

    def label(self, tok: Token) -> None:
        if self.unit_cell(tok):
            return
        row = self.row
        if (
            row is not None
            and row.code == SEQUENCE
            and len(row.values) == 1
            and not labels.norm(row.values[0].text)
            and labels.is_appeal_header(tok.text)
        ):
            # an empty cell taken for the value row's first, and header words after it: it
            # ended a row of the header
            self.row = None
            self.scan.appeal_values -= 1
            self.header_rows_end_empty = True
        #: this row already holds header words (a 总计 here is a column heading, not （七）)
        self.after_header_words = self.header_row and self.row is None
        self.label_line, self.bare_label = tok.tr, tok.kind == LINE
        was_header = self.header_row
        self.header_row = True  # until a row label says otherwise
        text = tok.text
        row = self.row
        rest = _rest_of_label(row, text) if row is not None and not row.values else None
        if rest is not None and row is not None:
            # the rest of a label wrapped over two cells or lines, even where the rest alone
            # would name the row again by its core (…收费通知 / 要求缴纳费用…)
            _extend_label(row, rest)
            return
        if self.section is None and tok.kind == LINE and not self.lines_are_values:
            # page chrome of an HTML page (menus, link lists, footers): a table's labels are
            # cells, so outside the sections only headings and section starters matter here
            if labels.block_title(text) is not None:
                self.enter("proactive")
                self.new_block()
            return
        n = labels.norm(text)
        if "勾稽" in n or "本列数据" in n or n == "申请人情况":
            self.enter("requests")
            self.close()
            if n == "申请人情况" and not self.request_rows_begun:
                # where it stands tells which side of the headings under it a heading drawn
                # down beside it is (_under_applicants)
                self.header_word(n, tok)
            return
        if self.section == "requests" and not self.request_rows_begun and labels.is_tally_note(n):
            return  # the rest of the 勾稽 note, wrapped over lines
        block = labels.block_title(text)
        if block is not None:
            self.enter("proactive")
            self.new_block()
            return
        if _prose(text):
            self.close()
            if self.section is not None:
                self.scan.prose_in_sections = True
            return
        section = self.section
        if section in ("requests", None) and self.request_label(tok):
            return
        if section in ("proactive", None) and self.proactive_label(tok):
            return
        if section in ("appeals", None) and self.appeal_label(tok):
            return
        # not this section's vocabulary: maybe the next section began without a heading
        if section == "proactive" and self.request_label(tok, switching=True):
            return
        if section in ("proactive", "requests") and self.appeal_label(tok, switching=True):
            return
        if section is None:
            return
        if self.row is None and self.continues_last_label(tok):
            return
        if section == "appeals" and self.wrapped_appeal_heading(tok):
            return
        row = self.row
        if row is not None and not row.values and row.label:
            # a label wrapped over two cells or lines: this is the rest of it
            if row.code not in (None, UNKNOWN, SEQUENCE) and labels.completes(
                row.section, row.code, row.label, text
            ):
                _extend_label(row, text)
                return
            if row.code == UNKNOWN and self.rematch(row.label + text, tok):
                return
        if tok.unspelled:
            self.header_lost(section, text)  # 科研 / 机口: a heading misread
        if len(labels.bare(text)) <= 1:
            self.close()  # a character of a vertical header or label, or a stray mark
            if labels.has_words(text):
                self.header_lost(section, text)
            # between the rows of a table (a group label written downwards) it starts no header
            self.header_row = was_header or not (section == "requests" and self.request_rows_begun)
            return
        if labels.bare(text) in ("序号", "编号") or labels.is_unit_note(text):
            if labels.bare(text) in ("序号", "编号"):
                self.serial_tables.add(tok.table)
            self.close()
            return
        if (
            section == "appeals"
            and "appeals" not in self.filled
            and labels.has_words(text)
            and not labels.in_tally_note(text)
        ):
            at = (len(self.scan.appeal_words), text, self.scan.appeal_values)
            self.scan.appeal_header_unread.append(at)
        if (
            self.section == "requests"
            and len(labels.bare(text)) <= 10
            and self.header_row
            and not self.request_rows_begun
            and not _enumerated(text)  # a row label's first line (一、本年新), not a heading
        ):
            # a header word the template lacks (an extra applicant column such as 个体工商户)
            self.close()
            self.header_word(labels.bare(text), tok)
            return
        self.open(UNKNOWN, tok)

    def continues_last_label(self, tok: Token) -> bool:
        """In a text copy, a label cell that held a line break leaves its rest at the start of
        the next line, with the row's values behind it: that line continues the row the last
        line closed with a label and no values. In text laid out by spaces (pdftotext), a long
        label wraps around its numbers' line: a line of words after it that completes the
        label (or makes an unmatched one name a row) is the label's rest."""
        if tok.table != 0 or tok.td != 1 or not self.scan.rows:
            return False
        last = self.scan.rows[-1]
        if last.values and tok.kind == LINE and last.section == self.section and last.label:
            joined = last.label + tok.text
            if last.code == UNKNOWN:
                m = labels.match_row(self.section, joined)
                if m is None:
                    return False
                last.code, last.label, last.exact, last.core = m.code, joined, m.exact, m.core
                self.last_code = m.code
                return True
            rest = _rest_of_label(last, tok.text)
            if rest is None:
                return False
            _extend_label(last, rest)
            return True
        rest = _rest_of_label(last, tok.text)
        if last.values or last.section != self.section or rest is None:
            return False
        self.scan.rows.pop()
        last.hard = False
        _extend_label(last, rest)
        self.row = last
        return True

    def wrapped_appeal_heading(self, tok: Token) -> bool:
        """A heading of the appeals header wrapped inside its cell (未经复议直 / 接起诉, 行政 /
        复议): its first part was left as a row of no kind, on the line before or as the cell
        before; the two together name the kind of case, a word of the header in its place,
        which tells the order the header draws the kinds in (_appeal_groups). Left in parts,
        a header that draws 复议后起诉 first named only that one, and the order was not told."""
        if "appeals" in self.filled:  # values read: the header is over
            return False
        first = self.row or (self.scan.rows[-1] if self.scan.rows else None)
        if (
            first is None
            or first.section != "appeals"
            or first.code != UNKNOWN
            or not first.label
            or any(labels.norm(t.text) for t in first.values)
        ):
            return False
        joined = first.label + tok.text
        if labels.match_appeal_row(joined) is None:
            return False
        self.first_part_read(first.label)
        if first is self.row:
            self.row = None
        else:
            self.scan.rows.pop()
        return self.appeal_label(tok._replace(text=joined))

    def first_part_read(self, label: str) -> None:
        """A word taken for a heading the appeals header does not name was the first part of
        one wrapped over two cells or lines: it is read, with its rest."""
        unread = self.scan.appeal_header_unread
        if unread and unread[-1][1] == label:
            unread.pop()

    def rematch(self, joined: str, tok: Token) -> bool:
        """Open the row an unplaced first part and this text name together, if any."""
        m = labels.match_row(self.section, joined)
        if m is None:
            return False
        if self.row is not None and self.row.label:
            self.first_part_read(self.row.label)
        self.row = None  # the first part's placeholder row
        self.open(m.code, tok._replace(text=joined), m.exact, m.core)
        return True

    def header_word(self, word: str, tok: Token) -> None:
        """A word of the requests header, in reading order and in its row."""
        self.scan.request_header.append(word)
        self.scan.request_header_at.append((tok.table, tok.tr))
        self.scan.request_header_td.append(tok.td)
        self.scan.request_header_grid[-1].append(word)

    def behind_a_title(self, tok: Token) -> bool:
        """Whether a table cell stands behind another cell of its row that holds words and
        names no row (a title row's 收到和处理政府信息公开申请情况, drawn without its span over the
        columns, and a heading beside it): no row's label, which is its row's first cell."""
        b = self.before
        return (
            tok.kind == CELL
            and b is not None
            and b.kind == CELL
            and (b.table, b.tr) == (tok.table, tok.tr)
            and labels.has_chinese(b.text)
            and labels.match_request(b.text, fuzzy=False) is None
        )

    def request_label(self, tok: Token, switching: bool = False) -> bool:
        text = tok.text
        b = labels.bare(text)
        if self.section == "requests" and not switching:
            if labels.is_results_total(text, self.results_seen, self.total_seen) and not (
                # a 总计 beside header words is the column's heading; （七）总计 never is (a
                # table may draw the total row first, under 三、本年度办理结果)
                self.after_header_words and b == "总计" and not _enumerated(text)
            ):
                row = self.row or (self.scan.rows[-1] if self.scan.rows else None)
                if (
                    row is not None
                    and row.code == "other"
                    and any(labels.norm(t.text) for t in row.values)
                ):
                    # （六）其他处理 with cells of its own right before （七）总计: the 2019 leaf
                    self.scan.votes["2019"] += 2
                self.open("results_total", tok, exact=True, core="总计")
                return True
            copied = self.row is not None and self.row.code == "other.other" and not self.row.values
            if labels.is_other_leaf(text) and (
                self.last_code in ("other", "other.no_correction", "other.fee_unpaid")
                # the label again before the row's cells: a converter's copy of its merged
                # label cell (3.其他 | 3.其他), not the header's 其他
                or copied
            ):
                self.open("other.other", tok, exact=True, core="其他")
                return True
            if labels.is_request_heading(text):
                self.close()
                if not self.request_rows_begun:
                    self.header_word(b, tok)
                    if tok.x is not None:
                        self.scan.request_header_x.setdefault(b, tok.x)
                else:
                    self.scan.request_header_later.append((tok.table, tok.tr, b))
                return True
        m = labels.match_request(text, fuzzy=self.section == "requests")
        if (
            m is not None
            and m.code == "carried_over"
            and not m.exact
            and self.section == "requests"
            and not switching
            and not self.request_rows_begun
            and (
                "申请人情况" in itertools.chain.from_iterable(self.scan.request_header_grid)
                or self.behind_a_title(tok)
            )
            and not _enumerated(text)
        ):
            # 上年结转 among the header's words, before any row: the heading of a column drawn
            # after 总计 (last year's figures carried over), not the row 二、上年结转…. Opened
            # as that row, the header's words after it were read as its cells and the header
            # ended there: the column was not known, and a row blank in its first column was
            # read from the right, its figure there read as 总计
            self.close()
            self.header_word(b, tok)
            return True
        if m is None:
            if self.section == "requests" and labels.is_request_group(text):
                self.drop_serial_number(tok)
                self.close()
                self.group_at = (tok.table, tok.tr) if tok.kind == CELL else None
                return True
            return False
        self.enter("requests")
        if m.code in contract.RESULT_LEAVES["2021"] or m.code == "other":
            self.results_seen = True
        if m.code in ("other.no_correction", "other.fee_unpaid"):
            self.scan.votes["2021"] += 2
        self.open(m.code, tok, m.exact, m.core)
        return True

    def proactive_label(self, tok: Token, switching: bool = False) -> bool:
        text = tok.text
        m = labels.match_proactive(text)
        if m is not None:
            self.enter("proactive")
            if m.code in ("other_services", "procurement"):
                self.scan.votes["2019"] += 1
            if labels.bare(text) == "行政规范性文件":
                self.scan.votes["2021"] += 1
            self.open(m.code, tok, m.exact, m.core)
            return True
        if self.section == "proactive" and (
            labels.is_proactive_header(text)
            # several headings run together (a PDF's text puts one space between long ones)
            or labels.proactive_column_starts(labels.norm(text)) >= 2
        ):
            self.close()
            if self.block_has_rows:  # a header after rows: the next block, without a title
                self.new_block()
            self.scan.block_headers.setdefault(self.block, []).append(labels.norm(text))
            self.heading_at = (tok.table, tok.tr)
            return True
        return False

    def among_appeal_headings(self) -> bool:
        """Whether section 四's header is being read: a heading read last (words made of the
        headings alone, not a sentence naming 行政复议), with no value since. An outcome
        heading's other wording (其他, 维持) names a column only there; a line of the section's
        text that is such a word alone (a list's last item, （三）其他) stands among no
        headings, before the header (after 本年度行政复议、行政诉讼情况如下：) or after the
        values."""
        words = self.scan.appeal_words
        return (
            bool(words)
            and words[-1][1] == self.scan.appeal_values
            and labels.appeal_heading_parts(words[-1][0]) is not None
        )

    def appeal_label(self, tok: Token, switching: bool = False) -> bool:
        text = tok.text
        heading = labels.appeal_outcome_wording(text) if self.section == "appeals" else None
        if heading is not None and self.among_appeal_headings():
            # 维持, 未审结, 總計: the national heading in other words
            self.scan.appeal_words.append((heading, self.scan.appeal_values))
            self.close()
            return True
        kinds = labels.litigation_kinds_in_order(text) if self.section == "appeals" else None
        if kinds is not None:  # the section's text names the litigation tables in order
            self.scan.appeal_words.extend((kind, self.scan.appeal_values) for kind in kinds)
            self.close()
            return True
        code = labels.match_appeal_row(text)
        if code is not None:
            self.enter("appeals")
            self.scan.appeal_words.append((labels.bare(text), self.scan.appeal_values))
            self.open(code, tok)
            return True
        if labels.is_appeal_header(text):
            if switching or self.section is None:
                b = labels.bare(text)
                # 总计 and 行政诉讼 alone are too common to open section 四 by themselves
                if not any(w in b for w in ("结果维持", "结果纠正", "尚未审结", "复议")):
                    return False
            self.enter("appeals")
            self.scan.appeal_words.append((labels.bare(text), self.scan.appeal_values))
            self.close()
            return True
        return False


def scan(tokens: list[Token], lines_are_values: bool, truncated: bool = False) -> Scan:
    """Read the stream into raw rows. `truncated`: the file ends before the page does."""
    s = _Reader(tokens, lines_are_values, truncated).run()
    s.tokens = tokens
    spanned = s.spanned_tables
    if spanned:
        cells = [tok for tok in tokens if tok.table in spanned and tok.kind == CELL]
        if len(spanned) == 1:
            if cells:
                s.spanned_cells[next(iter(spanned))] = cells
        else:
            for tok in cells:
                s.spanned_cells.setdefault(tok.table, []).append(tok)
    return s


# --- template ---------------------------------------------------------------------------------


def block_templates(s: Scan) -> dict[int, str]:
    """The format version each proactive block's column headers belong to, where they tell."""
    # a block on its side puts each measure's line (本年增/减 | 3 | 0) in a block of its own:
    # their headings tell the version together, as one header's would
    side = {r.block for r in s.rows if r.section == "proactive" and r.on_its_side and not r.code}
    runs: dict[int, list[int]] = {}
    for block in sorted(s.block_headers):
        first = next((f for f, run in runs.items() if run[-1] == block - 1), None)
        if block in side and block - 1 in side and first is not None:
            runs[first].append(block)
        else:
            runs[block] = [block]
    out: dict[int, str] = {}
    for run in runs.values():
        headers = [h for b in run for h in s.block_headers[b]]
        votes = Counter(v for h in headers if (v := labels.proactive_header_evidence(h)))
        if votes:
            out.update(dict.fromkeys(run, votes.most_common(1)[0][0]))
        elif any("处理决定" in h for h in headers) and not any(
            "项目" in h or "增" in h for h in headers
        ):
            out.update(dict.fromkeys(run, "2021"))  # only 处理决定数量: the 2021 layout
    return out


def decide_template(s: Scan, year: int | None) -> tuple[str | None, Problems]:
    votes = Counter(s.votes)
    for version in block_templates(s).values():
        votes[version] += 1
    problems = Problems()
    if votes["2019"] != votes["2021"]:
        template = "2019" if votes["2019"] > votes["2021"] else "2021"
        if votes["2019"] and votes["2021"]:
            problems.flag(
                codes.TEMPLATE_GUESSED,
                f"meta.template: the page mixes both format versions "
                f"({votes['2019']} signs of 2019, {votes['2021']} of 2021); read as {template}",
            )
        return template, problems
    if not any(r.code not in (None, UNKNOWN) for r in s.rows):
        return None, problems
    if year is None:
        problems.flag(
            codes.TEMPLATE_GUESSED,
            "meta.template: no heading or row tells the format version, and no year",
        )
        return None, problems
    template = "2019" if year <= 2020 else "2021"
    problems.flag(
        codes.TEMPLATE_GUESSED,
        f"meta.template: no heading or row tells the format version; taken from the year ({year})",
    )
    return template, problems


# --- assembly ---------------------------------------------------------------------------------


@dataclass
class Sections:
    cells: list[Cell]
    problems: Problems
    complete: dict[str, bool]
    found: set[str]


#: the unit of amount of a block whose captions, or a caption and its column header, state
#: different ones: which the numbers are in is not known
_UNITS_DISAGREE = "?"


def _block_units(s: Scan, block_headers: dict[int, list[str]]) -> dict[int, str]:
    """The unit of amount of each proactive block: the one its column header states, or ""
    where the header on the page states none (a block without a header on the page has no
    entry). A caption next to the table ((金额单位:元) above or below it, in a block's title)
    states it for every block whose header does not; a caption that disagrees with another
    or with a header leaves the unit unknown (_UNITS_DISAGREE)."""
    units = {b: header_unit(h) or "" for b, h in block_headers.items()}
    stated = set(s.caption_units)
    if not stated:
        return units
    caption = stated.pop() if len(stated) == 1 else _UNITS_DISAGREE
    blocks = set(units) | {r.block for r in s.rows if r.section == "proactive"}
    return {
        b: caption if not units.get(b) or units[b] == caption else _UNITS_DISAGREE for b in blocks
    }


def assemble(s: Scan, template: str) -> Sections:
    problems = Problems()
    problems.absorb(s.problems)
    if s.second_report:
        problems.append(
            f"page: a second report follows the first (its own {s.second_report!r} after the "
            "first's tables); only the first is read"
        )
    if s.unit_cells:
        problems.append(
            f"page: a 单位 column: {s.unit_cells} unit words after row labels are not values"
        )
    if s.serial_numbers:
        problems.append(
            f"page: a 序号 column: {s.serial_numbers} running numbers in front of row labels "
            "are not values"
        )
    cells: list[Cell] = []
    complete: dict[str, bool] = {}
    found: set[str] = set()
    wrong_blocks = {b for b, v in block_templates(s).items() if v != template}
    proactive, block_headers = _blocks_turned(
        *_rows_per_measure(
            [r for r in s.rows if r.section == "proactive"], s.block_headers, template, problems
        ),
        template,
        problems,
    )
    units = _block_units(s, block_headers)
    cells_left_out = _leaves_cells_out(s.rows, template)
    request_width = {r.code: len(r.columns) for r in contract.rows(template, "requests")}
    serial = s.serial_numbers > 0
    grid_rows = _writes_grid_rows(
        {r.code: r for r in s.rows if r.section == "requests" and r.code in request_width},
        request_width,
        s.request_header_grid,
        serial,
    )
    pad_cells = _fillers_as_cells(s.rows)
    for section in contract.SECTIONS:
        raw = proactive if section == "proactive" else [r for r in s.rows if r.section == section]
        if section == "appeals":
            got, ok = _appeals(
                raw,
                problems,
                s.spanned_tables,
                s.appeal_words,
                s.appeal_header_lost,
                cells_left_out,
                s.appeal_header_unread,
                s.rows,
                serial,
                s.tokens,
                grid_rows or _grid_writes_covered_blank(s.request_header_grid, s.rows, serial),
                s.tab_copy,
                pad_cells,
            )
        elif section == "requests" and s.serial_before_blanks and not grid_rows:
            # a copy of the whole grid that writes the 序号 column too: its header rows below
            # the first open with the column's blank cell, and the header's grid of positions,
            # which leaves the 序号 heading out, does not line up with the value rows
            problems.flag(
                codes.CELLS_UNPLACED,
                "requests: a copy of the table's whole grid with a 序号 column (running numbers "
                "before the empty cells a label merged down covers): which header position "
                "each value stands under is not known, so none is read",
            )
            got, ok = [], False
        else:
            got, ok = _table(
                section,
                raw,
                template,
                wrong_blocks,
                units,
                problems,
                s.request_header,
                s.spanned_tables,
                block_headers,
                s.request_header_x,
                s.request_header_later,
                s.request_header_at,
                s.request_header_lost,
                cells_left_out,
                s.request_header_grid,
                s.spanned_cells,
                s.tab_copy,
                section == "requests" and grid_rows,
                serial,
                pad_cells,
                s.request_header_td,
                s.tokens,
            )
        cells.extend(got)
        if got:
            found.add(section)
        complete[section] = ok
    return Sections(cells, problems, complete, found)


def _blocks_turned(
    raw: list[RawRow], block_headers: dict[int, list[str]], template: str, problems: Problems
) -> tuple[list[RawRow], dict[int, list[str]]]:
    """Section 二 blocks drawn on their side (the items' labels across one header row, each
    measure's heading down the first column with the items' numbers beside it), turned back:
    each item's numbers under a block of its own whose header is the measures' headings in the
    order the page draws them, for the rows' reading to place them (and read the unit) by
    those headings as in a block drawn the national way. Only where the turn is certain: every
    item label bare, as many numbers on each measure's line as items, and the measures'
    headings, one a line, naming each of the items' columns once; elsewhere the rows stay as
    read (their numbers unplaced, the labels without cells). Returns the rows and the blocks'
    headers with the turned blocks'."""
    if not any(r.on_its_side for r in raw):
        return raw, block_headers
    width = {r.code: r.columns for r in contract.rows(template, "proactive")}
    headers = dict(block_headers)
    out: list[RawRow] = []
    i = 0
    while i < len(raw):
        j = i
        while j < len(raw) and raw[j].code in width and not raw[j].values:
            j += 1
        items = raw[i:j]
        summed = (
            j < len(raw)
            and raw[j].code == UNKNOWN
            and labels.bare(raw[j].label or "") in _TOTAL_SYNONYMS
            and not raw[j].values
        )
        k = j + summed
        while k < len(raw) and raw[k].code is None and raw[k].on_its_side:
            k += 1
        measures = _measures_read(items, raw[j + summed : k], summed, headers, width)
        if not items or not measures or not _turns(items, measures, headers, width):
            out.append(raw[i])
            i += 1
            continue
        if summed:
            problems.append(
                "proactive: a block drawn on its side with a 合计 column after its items, the "
                "sum of the items' numbers on every line: left out"
            )
        if len(measures) < k - j - summed:
            problems.append(
                "proactive: a block drawn on its side with a line of a measure the template "
                "lacks: left out, the other lines read by their headings"
            )
        block = max(headers, default=0) + max(r.block for r in raw) + 1
        headers[block] = [headers[m.block][0] for m in measures]
        turned = [
            replace(
                row,
                values=[m.values[n] for m in measures],
                block=block,
                hard=True,
                on_its_side=False,
            )
            for n, row in enumerate(items)
        ]
        out.extend(turned)
        problems.append(
            "proactive: a block drawn on its side ("
            + "/".join(str(r.label) for r in turned)
            + " across, "
            + "/".join(headers[block])
            + " down) read by its headings"
        )
        i = k
    return out, headers


def _rows_per_measure(
    raw: list[RawRow], block_headers: dict[int, list[str]], template: str, problems: Problems
) -> tuple[list[RawRow], dict[int, list[str]]]:
    """Section 二 written a row per item and measure (规章 | 本年新制作数量 | 143件): each
    item's line closed by a measure's heading, which opens a block of its own, and that
    heading's one number ending the line. An item's lines one after another whose headings
    name each of its columns once are read as one row under a block whose header is those
    headings in the page's order, for the rows' reading to place each number (and read its
    unit) by its heading as in a block drawn the national way. Elsewhere (a heading naming no
    column of the item's, or two; a column not named; a line of two numbers) the rows stay
    as read, their numbers unplaced. Returns the rows and the blocks' headers with the new
    blocks'."""
    width = {r.code: r.columns for r in contract.rows(template, "proactive")}

    def pair(i: int) -> bool:
        if i + 1 >= len(raw):
            return False
        item, number = raw[i], raw[i + 1]
        return (
            item.code in width
            and not item.values
            and not item.hard
            and number.code is None
            and len(number.values) == 1
            and number.hard
            and number.block != item.block
            and len(block_headers.get(number.block, [])) == 1
        )

    headers = dict(block_headers)
    out: list[RawRow] = []
    i = 0
    while i < len(raw):
        j = i
        while pair(j) and raw[j].code == raw[i].code:
            j += 2
        lines = [(raw[k], raw[k + 1]) for k in range(i, j, 2)]
        heads = [block_headers[n.block][0] for _, n in lines]
        columns = width.get(raw[i].code, ())
        if (
            not lines
            or len(lines) != len(columns)
            or not all(len(_header_order(columns, [h])) == 1 for h in heads)
            or set(_header_order(columns, heads)) != {c.code for c in columns}
        ):
            out.append(raw[i])
            i += 1
            continue
        block = max(headers, default=0) + max(r.block for r in raw) + 1
        headers[block] = heads
        row = replace(raw[i], values=[n.values[0] for _, n in lines], block=block, hard=True)
        out.append(row)
        problems.append(
            f"proactive: {row.label} written a line per measure ({'/'.join(heads)}); each "
            "number read by its heading"
        )
        i = j
    return out, headers


def _measures_read(
    items: list[RawRow],
    measures: list[RawRow],
    summed: bool,
    block_headers: dict[int, list[str]],
    width: dict[str | None, tuple[contract.Column, ...]],
) -> list[RawRow]:
    """The measures' lines of a block on its side (_blocks_turned) as the items' numbers:
    with a 合计 column after the items (`summed`), each line's last number left out where it
    is the sum of the others on every line; a line whose heading names a measure the items'
    template lacks (本年废止数量 beside a 2019 block's), one heading naming one measure,
    left out where the other lines name each of the items' columns once. Elsewhere the lines
    as they are (`_turns` tells whether they turn)."""
    if summed:
        lines = [_numbers_of(m.values) for m in measures]
        if not measures or not all(
            len(line) == len(items) + 1 and _is_sum(line[:-1], line[-1]) for line in lines
        ):
            return []
        measures = [replace(m, values=m.values[:-1]) for m in measures]
    columns = width.get(items[0].code, ()) if items else ()
    if len(measures) != len(columns) + 1:
        return measures
    heads = [block_headers.get(m.block, []) for m in measures]
    if any(len(h) != 1 for h in heads):
        return measures
    beside = _beside(columns, [h[0] for h in heads])
    if beside is None:
        return measures
    return measures[: beside[0]] + measures[beside[0] + 1 :]


def _is_sum(parts: list[float | None], total: float | None) -> bool:
    """Whether every number is there and `total` is the sum of `parts`."""
    if total is None or any(p is None for p in parts):
        return False
    return abs(sum(p for p in parts if p is not None) - total) < 1e-6


def _numbers_of(cells: list[Token]) -> list[float | None]:
    """Each cell's number (None: blank, or no number)."""
    out: list[float | None] = []
    for t in cells:
        v = read_value(t.text, amount=True)
        out.append(float(v.value) if v is not None and v.value is not None else None)
    return out


def _turns(
    items: list[RawRow],
    measures: list[RawRow],
    block_headers: dict[int, list[str]],
    width: dict[str | None, tuple[contract.Column, ...]],
) -> bool:
    """Whether label rows `items` and the numbers rows `measures` after them are one block on
    its side (_blocks_turned): each measure's line a block of its own, headed by one heading."""
    columns = width[items[0].code]
    if not all(len(block_headers.get(m.block, [])) == 1 for m in measures):
        return False
    headers = [block_headers[m.block][0] for m in measures]
    return (
        (len(items) == 1 or all(r.on_its_side for r in items))
        and all(width[r.code] == columns for r in items)
        and len({m.block for m in measures}) == len(measures) == len(columns)
        and all(len(m.values) == len(items) for m in measures)
        and all(len(_header_order(columns, [h])) == 1 for h in headers)
        and set(_header_order(columns, headers)) == {c.code for c in columns}
    )


def _unnamed_column(
    header: list[str],
    header_at: list[tuple[int | None, int | None]],
    after_total: list[str],
    tokens: list[Token],
) -> bool:
    """Whether a web page's 申请人情况 spans more columns than the template's seven (and the
    columns drawn after 总计) while the header names no heading the template lacks: a
    column among the applicants' drawn with no heading of its own (自然人 two columns wide,
    or an empty heading cell beside it). A row of a cell more than its columns then holds
    that column's blank, somewhere: read as a row whose blank past its last column is a
    covered position, each value after the blank stood a column off, 总计 blank read 0."""
    if "申请人情况" not in header or any(
        w not in (*_UNDER_APPLICANTS, "总计", "申请人情况", *after_total) for w in header
    ):
        return False
    table, tr = header_at[header.index("申请人情况")] if len(header_at) == len(header) else (0, 0)
    if not table:
        return False
    span = next(
        (
            t.colspan
            for t in tokens
            if t.table == table and t.tr == tr and labels.norm(t.text) == "申请人情况"
        ),
        0,
    )
    return span > len(_APPLICANTS) + len(after_total)


def _on_its_side(raw: list[RawRow], width: dict[str, int]) -> bool:
    """Whether the requests table stands on its side: half its rows' labels or more without
    cells of their own (written across a header), and after them a row of more cells than
    twice a row's columns (a kind of applicant's values, one under each label). Its 总计
    applicant's row matches （七）总计 by its label, and read as that row it gave the first
    rows' totals as the applicants' (总计's for 自然人, …)."""
    bare = [i for i, r in enumerate(raw) if r.code in width and not r.values]
    if len(bare) < len(width) // 2:
        return False
    n = max(width.values(), default=0)
    return any(len(r.values) > 2 * n for r in raw[bare[-1] + 1 :])


def _bare_lines(tokens: list[Token]) -> bool:
    """Whether a row's values stand on lines of their own in a text copy, without a bar: no
    separator ties a cell to the row's other cells or marks an empty one, only their order
    does (a copy whose cells were paragraphs, with empty lines between them)."""
    one_a_line = len({t.tr for t in tokens}) == len(tokens)
    return one_a_line and all(t.table == 0 and (t.kind == LINE or not t.text) for t in tokens)


def _cut_row_in_doubt(sequence: list[Token], parts: list[RawRow], drawn: int) -> str | None:
    """Why the cells of the single appeals row before a cut may not stand in the table's first
    columns (None: they do). `drawn`: how many outcome headings the header draws (0: not
    read; fewer than 15: a column left out). A merged cell a copy draws without a trace (a TAB copy writes no field for the
    positions it covers) is not told here."""
    if not _draws_every_cell(sequence):
        return "in a copy that does not draw every blank cell"
    if 0 < drawn < 15:
        # (more are a grid's copies of a heading merged over two header rows)
        return f"under a header of {drawn} outcome headings where the template has 15"
    if any(t.colspan > 1 for t in sequence) or any(p.padded for p in parts):
        return "a cell merged across columns before the cut"
    return None


def _draws_every_cell(cells: list[Token]) -> bool:
    """Whether a copy's row cut off by the end of the page has its cells before the cut in
    the table's first columns as far as blank cells go: the copy draws each blank cell (an
    HTML cell, an empty field between separators), not text laid out by spaces that draws
    none (a PDF's lines, a two-space copy)."""
    return not any(t.x is not None or t.spaced for t in cells)


def _writes_blank_cells(rows: list[RawRow]) -> bool:
    """Whether the copy writes its blank cells: a row shows an empty cell before one with
    text. A copy that shows none may leave every blank cell out, not only a row's last ones."""
    for r in rows:
        seen_blank = False
        for t in r.values:
            if not labels.norm(t.text):
                seen_blank = True
            elif seen_blank:
                return True
    return False


def _leaves_cells_out(rows: list[RawRow], template: str) -> bool:
    """Whether the copy writes its cells as bare lines and leaves empty cells out: a row of it
    read to its end shows numbers in fewer cells than its columns (the archive stores an empty
    paragraph as nothing). In such a copy, the cells of a row cut off by the end of the page
    stand in columns the text does not tell: an empty cell before them may be gone."""
    widths = {
        (section, r.code): len(r.columns)
        for section in ("proactive", "requests")
        for r in contract.rows(template, section)
    }
    return any(
        not r.cut
        and 0 < len(r.values) < widths.get((r.section, r.code or ""), 0)
        and _bare_lines(r.values)
        and _has_number(r.values)
        for r in rows
    )


#: the 2021 sub-rows of （六）其他处理, and the row after them
_OTHER_SUBS = ("other.no_correction", "other.fee_unpaid", "other.other", "results_total")


def _other_group_over_lost_labels(raw: list[RawRow]) -> None:
    """A 2021 row named （六）其他处理 by the group's label drawn down beside its sub-rows, whose
    own label (1.…逾期不补正…) was lost, shows the group's words and no other: its numbers are
    the first sub-row's, not a row of （六）. It is a row without a label (placed by position)
    where it and the unlabelled rows after it are exactly the sub-rows missing before the next
    labelled one; where （六） has a row of its own, one row more stands there. Such a row
    gives no values where it holds the cells of several rows (the position of each is not
    known), rather than （六）'s. A converter that copies merged cells into every row they
    cover shows the group's label beside each sub-row: alone, and as the only label of any
    sub-row (the first or a later one) that lost its own; those rows are unlabelled rows too."""
    codes_seen = {r.code for r in raw}
    for k, r in enumerate(raw):
        if r.code != "other" or not r.values:
            continue
        q = k + 1
        # (a converter that copies merged cells into every row they cover repeats the group's
        # label beside each sub-row: alone, or as the only label of a sub-row that lost its own)
        while q < len(raw) and raw[q].code in (None, "other"):
            q += 1
        if q == len(raw) or raw[q].code not in _OTHER_SUBS[1:]:
            return
        # the sub-rows missing between the labelled ones around it (a converter that copies
        # the group's label into every row shows it beside a later sub-row that lost its own)
        p = k - 1
        while p >= 0 and raw[p].code not in _OTHER_SUBS:
            if raw[p].values and raw[p].code not in (None, "other"):
                break  # a row of another group
            p -= 1  # (a piece of a wrapped label, the group's label alone)
        first = _OTHER_SUBS.index(raw[p].code) + 1 if p >= 0 and raw[p].code in _OTHER_SUBS else 0
        missing = _OTHER_SUBS[first : _OTHER_SUBS.index(raw[q].code or "")]
        # a copy that shows no row ends gives the row the values of the unlabelled rows after
        # it too: one row for each full set of columns
        held = max(1, len(r.values) // len(contract.REQUEST_COLUMNS))
        # the blank cells a grid export writes before a label (the merged group and result
        # columns) stand as rows of their own with no end and no text: no sub-row
        between = [
            x
            for x in raw[k + 1 : q]
            if (x.code is None and (x.hard or any(labels.norm(t.text) for t in x.values)))
            or (x.code == "other" and x.values)
        ]
        if len(between) + held == len(missing) and not codes_seen & set(missing):
            for x in (r, *between):
                x.code = None
        return


_LEFT_OUT = (
    "the page ends inside this row, and the copy leaves empty cells out (its rows show fewer "
    "cells than columns): which columns the cells before the cut stand in is not known; none "
    "is read"
)


def _table(
    section: str,
    raw: list[RawRow],
    template: str,
    wrong_blocks: set[int],
    units: dict[int, str | None],
    problems: Problems,
    header: list[str] | None = None,
    spanned: set[int] | frozenset[int] = frozenset(),
    block_headers: dict[int, list[str]] | None = None,
    header_x: dict[str, float] | None = None,
    header_later: list[tuple[int | None, int | None, str]] | None = None,
    header_at: list[tuple[int | None, int | None]] | None = None,
    header_lost: list[str] | None = None,
    cells_left_out: bool = False,
    header_grid: list[list[str]] | None = None,
    spanned_cells: dict[int, list[Token]] | None = None,
    tab_copy: bool = False,
    grid_rows: bool = False,
    serial: bool = False,
    pad_cells: bool = False,
    header_td: list[int | None] | None = None,
    tokens: list[Token] | None = None,
) -> tuple[list[Cell], bool]:
    """A section's cells, and whether every one is read. `pad_cells`: the copy writes its
    fillers as empty cells past a row's last column (_fillers_as_cells)."""
    template_rows = contract.rows(template, section)
    index = {r.code: i for i, r in enumerate(template_rows)}
    width = {r.code: len(r.columns) for r in template_rows}
    if section == "requests" and _on_its_side(raw, width):
        problems.flag(
            codes.CELLS_UNPLACED,
            "requests: the table is drawn on its side (the rows' labels across its header, a "
            "row of values for each kind of applicant): which row and column each value has "
            "is not read from such a table, so none is read",
        )
        return [], False
    if section == "requests" and template == "2021":
        _other_group_over_lost_labels(raw)
    if section == "requests" and _headings_after_total(header_grid, unheaded=True):
        _words_behind_total(raw, index)

    placed: list[RawRow] = []
    unassigned: set[str] = set()  # rows on the page whose cells could not be assigned
    split_headers = _headers_with_unread_text(raw) if section == "proactive" else set()
    for r in raw:
        if r.code == UNKNOWN:
            shown = "/".join(t.text or "空" for t in r.values[:8])
            if _has_number(r.values):
                problems.flag(
                    codes.CELLS_UNPLACED,
                    f"{section}: row {r.label!r} is not in the template; "
                    f"its values ({shown}) are not assigned",
                )
            elif r.values:
                problems.append(
                    f"{section}: row {r.label!r} is not in the template; "
                    f"its values ({shown}) are not assigned"
                )
            elif section == "proactive" or len(labels.bare(r.label or "")) <= 20:
                problems.append(f"{section}: text {r.label!r} inside the table was not placed")
            continue
        if r.code is not None and r.code not in index:
            if r.values:
                problems.flag(
                    codes.CELLS_UNPLACED,
                    f"{section}.{r.code}: the row belongs to the other format version "
                    f"than this report's ({template}); its values are not assigned",
                )
            continue
        if section == "proactive" and r.block in wrong_blocks and r.code is not None:
            problems.flag(
                codes.CELLS_UNPLACED,
                f"{section}.{r.code}: the block's column headers are not the {template} "
                f"format's; its cells cannot be matched to columns and are not assigned",
            )
            unassigned.add(r.code)
            continue
        if r.code is not None and not r.values:
            if r.cut:
                continue  # the page ends inside this row: already said
            if r.code == "other" and template == "2021":
                continue  # the 2021 （六）其他处理 is a group label over its three sub-rows
            if any(p.code == r.code for p in placed) or any(
                x.code == r.code and x.values for x in raw
            ):
                continue  # a repeated label (merged cells copied into every row)
            problems.flag(
                codes.INCOMPLETE,
                f"{section}.{r.code}: the row has a label ({r.label!r}) but no cells of its own",
            )
            placed.append(r)
            continue
        if not r.exact and r.code is not None:
            problems.flag(
                codes.FUZZY_LABEL,
                f"{section}.{r.code}: label {r.label!r} matched by its core {r.core!r}, "
                "not by the template's wording",
            )
        placed.append(r)
        if not r.hard and r.code is not None:
            placed.extend(_overflow(r, width[r.code]))

    placed = _displaced_labels(section, placed, index, width, template, problems, tab_copy)
    # unlabelled rows take the free template rows between their labelled neighbours
    #: the ones that find none: what they show, and whether they stand after a labelled row
    #: (inside the table, not before its first label) and are no label's lost number
    loose: list[tuple[str, bool]] = []
    #: labelled rows a loose line of a text copy may be the wrapped tail of (their last number
    #: runs on into the loose line's first): what the loose line shows, by the row's code
    tails: dict[str, str] = {}
    #: the lone figures of loose lines in the table's order, each with the row it may be the
    #: wrapped tail of (None where it is none's)
    numbered: list[tuple[str, str | None]] = []
    failed: set[int] = set()  # labelled rows whose split-off surplus found no place
    labelled = {r.code for r in placed if r.code is not None}
    i = 0
    while i < len(placed):
        if placed[i].code is not None:
            i += 1
            continue
        j = i
        while j < len(placed) and placed[j].code is None:
            j += 1
        before = index[placed[i - 1].code] if i > 0 else -1
        after = index[placed[j].code] if j < len(placed) else None
        stop = after if after is not None else before + 1 + (j - i)
        free = [
            template_rows[k].code
            for k in range(before + 1, min(stop, len(template_rows)))
            if template_rows[k].code not in labelled
            and not (template == "2021" and template_rows[k].code == "other")
        ]
        run = placed[i:j]
        if any(r.hard for r in run):
            # where the page shows row ends, a piece with no end and no text is no row: the
            # blank cells a grid export writes before a label (merged group columns)
            rows_of = [r for r in run if r.hard or any(labels.norm(t.text) for t in r.values)]
            for r in run:
                if not any(r is x for x in rows_of):
                    r.code = UNKNOWN
            run = rows_of
        unsure = [
            r
            for r in run
            if not _drop_blank_label_cell(
                r,
                placed[i - 1] if i > 0 else None,
                placed[j] if j < len(placed) else None,
                len(template_rows[index[free[0]]].columns) if free else 0,
            )
        ]
        numeric = [r for r in run if r.hard or any(labels.norm(t.text) for t in r.values)]
        # a run is placed only between labelled rows (or before the first): after the last
        # one, any number of stray rows (a stub table, notes, another table) fits the rows
        # the template has left, so the count proves nothing there
        if (
            len(free) == len(run)
            and numeric
            and after is not None
            and not (tab_copy and i > 0 and _runs_on(placed[i - 1], run[0]))
        ):
            prev_label = placed[i - 1].code if i > 0 else "the start of the table"
            next_label = placed[j].code if j < len(placed) else "the end of the table"
            for r, code in zip(run, free, strict=True):
                r.code = code
                labelled.add(code)
                line = (
                    f"{section}.{code}: a row without a label, placed by its position "
                    f"between {prev_label} and {next_label}"
                )
                if any(r is x for x in unsure):
                    shown = "/".join(t.text or "空" for t in r.values[:12])
                    how = (
                        "are as many as its columns, the first blank"
                        if r.hard
                        else "begin and end blank"
                    )
                    problems.flag(
                        codes.CELLS_UNPLACED,
                        f"{line}; its {len(r.values)} cells ({shown}) {how}, "
                        "and whether the first is its lost label's cell is not known, so none "
                        "is read",
                    )
                    r.values = []
                elif i > 0:
                    # labelled rows on both sides and exactly as many free template rows
                    # between them as rows without labels: the position is unambiguous
                    problems.append(line)
                else:
                    # before the first label nothing bounds the run from above: a stray row
                    # of numbers (a header's, a note's) would fit the count just as well
                    problems.flag(codes.POSITIONAL_ROW, line)
        else:
            for r in run:
                if r.source is not None:
                    failed.add(id(r.source))
                elif _has_number(r.values):
                    shown = "/".join(t.text or "空" for t in r.values[:8])
                    inside = (
                        i > 0
                        and placed[i - 1].code not in (None, UNKNOWN)
                        and not _enumeration_of(r.values, placed[j] if j < len(placed) else None)
                    )
                    loose.append((shown, inside))
                    before_row = placed[i - 1]
                    tail = (
                        inside
                        and r is run[0]
                        and _wrapped_tail(before_row.values, r.values, width[before_row.code])
                    )
                    if tail:
                        tails[before_row.code] = shown
                    if len(r.values) == 1:
                        numbered.append(
                            (r.values[0].text.strip(), before_row.code if tail else None)
                        )
                r.code = UNKNOWN
        i = j
    for r in placed:
        # the rows split off a labelled row's surplus found no place: the row did not hold
        # its values plus rows that lost their labels, and its own values are as uncertain
        if r.source is not None and id(r.source) in failed:
            r.code = UNKNOWN
        elif r.taken is not None and id(r) in failed:
            r.values = r.taken

    cells: list[Cell] = []
    by_code: dict[str, RawRow] = {}
    twice: set[str] = set()  # rows shown twice with other numbers: which is the row's
    for r in placed:
        if r.code in (None, UNKNOWN) or not r.values:
            continue
        if r.code in by_code:
            first = by_code[r.code]
            numbers = [sum(1 for t in x.values if labels.norm(t.text)) for x in (first, r)]
            texts = [[labels.norm(t.text) for t in x.values] for x in (first, r)]
            if all(numbers) and texts[0] != texts[1]:
                # two rows of one label with other numbers (a wrapped label's last words read
                # as the label again, over the numbers of the row after it): either may be the
                # row's, and a row that lost its label may stand behind either
                twice.add(r.code)
                problems.flag(
                    codes.DUPLICATE_ROW,
                    f"{section}.{r.code}: the row appears twice with other numbers "
                    f"({'/'.join(t.text or '空' for t in first.values[:8])}; "
                    f"{'/'.join(t.text or '空' for t in r.values[:8])}); which are its own is "
                    "not known, so none is read",
                )
                continue
            if numbers[1] > numbers[0]:
                by_code[r.code] = r
                problems.append(
                    f"{section}.{r.code}: the row appears twice; the copy with numbers is kept"
                )
            elif numbers[1]:
                line = f"{section}.{r.code}: the row appears twice; the first is kept"
                if [t.text for t in first.values] != [t.text for t in r.values]:
                    problems.flag(codes.DUPLICATE_ROW, line)
                else:
                    problems.append(line)
            continue
        by_code[r.code] = r
    after_withheld: set[str] = set()
    total_unsure: set[str] = set()  # rows whose 总计 is not told (_total_beside_subtotal)

    def cells_of(table: int) -> list[Token]:
        """A web page table's cells, by its number (a text copy's lines are table 0)."""
        return (spanned_cells or {}).get(table) or [
            t for t in tokens or [] if t.table == table and t.kind == CELL
        ]

    if section == "requests" and header:
        header, header_at, header_td, header_grid, total_unsure = _total_beside_subtotal(
            header, header_at, header_td, header_grid, by_code, problems
        )
    after_total = _headings_after_total(header_grid) if section == "requests" else []
    if section == "requests" and not after_total:
        after_total = _drawn_down_from_above(
            header or [], header_at or [], header_td or [], header_grid or [], cells_of
        )
    if (
        section == "requests"
        and not after_total
        and not grid_rows  # (its header's fillers stand for covered positions)
        and any(len(r.values) > width.get(c, len(r.values)) for c, r in by_code.items())
    ):
        # (an empty end cell of a header row that no value row draws a cell under, as a
        # one-table page's wider grid leaves, is no column)
        after_total = _headings_after_total(header_grid, unheaded=True)
    if section == "requests" and not after_total:
        after_withheld = _beside_above_not_placed(
            header_grid or [], header or [], by_code, width, problems
        )
    if after_total:
        shown = _shown_cells(by_code)
        # (a heading the header draws twice side by side has each row's cell under the second,
        # its copy or a blank, still in the row: a position before 总计's, left out later)
        doubled = section == "requests" and _doubled_applicant(header or []) is not None
        # (the header's count of columns, where it tells one, measures its rows)
        named = None if doubled else _applicant_columns_named(header or [], after_total)
        if named is not None and not any(
            len(r.values) >= width.get(c, len(r.values) + 1)
            or any(labels.norm(t.text) for t in r.values[named:])
            for c, r in by_code.items()
        ):
            # (rows narrower than the template's columns, blank behind the header's, are read
            # so as before: their blanks behind 总计 are left out with the header's column)
            named = None
        after_withheld = _cells_after_total(
            by_code,
            {code: w + 1 if doubled else min(w, named or w) for code, w in width.items()},
            len(after_total),
            problems,
            grid_rows,
            header_grid,
            width if named is not None and any(named < w for w in width.values()) else None,
        )
        if named is not None:
            _blanks_before_named(header or [], after_total, named, by_code, after_withheld)
        if after_total != [_NO_HEADING] or after_withheld or _shown_cells(by_code) != shown:
            # (a column with no heading whose cells left out are all blank, or an empty end
            # cell a row of a document's table draws behind its last column, cost nothing and
            # is not said)
            problems.append(
                f"requests: columns drawn after 总计 ({', '.join(after_total)}) hold no "
                "applicant's values; their cells are left out"
            )
        # the header of a table without the columns: its words, their places and its rows
        # (where the headings' columns are laid out, _header_by_columns, each way must give
        # the header's words: the columns' headings are none of them)
        kept = [k for k, w in enumerate(header or []) if w not in after_total]
        if header_at is not None and len(header_at) == len(header or []):
            header_at = [header_at[k] for k in kept]
        if header_td is not None and len(header_td) == len(header or []):
            header_td = [header_td[k] for k in kept]
        header = [(header or [])[k] for k in kept]
    unnamed_column = section == "requests" and _unnamed_column(
        header or [], header_at or [], after_total, tokens or []
    )
    # headings of columns the template lacks among the applicants' (个体工商户, a 小计 of the
    # group): a row's cells past the template's columns may be theirs
    lacked = _lacked_headings(header or []) if section == "requests" else []
    covered = (
        _merged_down_rows(by_code, spanned_cells, header_at or [])
        if section == "requests" and spanned_cells
        else []
    )
    beside = (
        _covered_beside_heading(header_grid or [], by_code, problems)
        if section == "requests"
        else None
    )
    rows_withheld = twice | (
        (beside or set()) | _covered_not_laid_out(by_code, spanned_cells or {}, covered, problems)
        if section == "requests"
        else set()
    )
    rows_withheld |= after_withheld
    rows_withheld |= _align_in_place_blanks(
        section, by_code, width, problems, grid_rows, len(lacked)
    )
    grid_places = (
        _grid_rows_placed(placed, by_code, template_rows)
        if grid_rows and section == "requests"
        else {}
    )
    drawn: tuple[contract.Column, ...] | None = None  # the columns in the page's order
    # columns whose heading is not read and not pinned by others
    columns_withheld: set[str] = set()
    # cells of the requests table whose column is not certain (row code: column codes)
    cells_held: dict[str, set[str]] = {}
    # columns a guessed order of the requests headings leaves open (_order_doubted)
    doubt: set[str] = set()
    # columns withheld because their order is not told, and for nothing else
    order_only: set[str] = set()
    order_open: set[str] = set()  # and those besides withheld for another reason
    # the rows under a header repeated in another order, and the columns it leaves in doubt
    later_rows: set[str] = set()
    later_doubt: set[str] = set()
    placed: list[float] | None = None  # where the requests columns stand in laid-out text
    if section == "requests":
        header, header_at, scrambled, total_floats = _group_read_across(
            header or [], header_at or [], tokens or [], problems
        )
        header = _group_named(_misread_group_words(header, problems))
        # (where the sums put the total last, and 自然人 is the header's first column, the
        # lines' order of the group's headings leaves those two where they are)
        if scrambled:
            scrambled &= _order_doubted(header, by_code, named=False)
        # the columns whose place the header's rows leave a guess (_header_by_columns)
        order_withheld: set[str] = set()
        header, in_columns = _header_by_columns(
            header,
            header_at or [],
            header_td or [],
            [[w for w in row if w not in after_total] for row in header_grid or []],
            cells_of,
            by_code,
            problems,
            order_withheld,
        )
        if not in_columns:
            header = _under_applicants(header, header_at or [])
        header = _header_words(header)
        # (a table of 自然人 | 法人或其他组织 alone has no 总计: none is read)
        held = {*_GROUP_CODES, *(() if "总计" in header else ("total",))}
        if _group_drawn_as_one(header, by_code, rows_withheld, problems, header_x or {}):
            # each row's values now stand in the template's seven columns; the five under
            # the group are not known, and are left out with the columns withheld below
            header, header_grid = list(_APPLICANTS), None
            cells_held.update((code, set(held)) for code in by_code)
        unread = header
        header, guess = _unread_applicant_heading(header, by_code, problems, header_lost or [])
        # a word read as the heading it misreads (_unread_applicant_heading): so in its row
        read_as = {w: h for w, h in zip(unread, header, strict=True) if w != h}
        # text laid out by spaces whose values show where the columns stand: each heading is
        # judged by where it stands over them (_headings_off_their_columns), below
        placed = _placed_columns(header, by_code, width, header_x)
        columns_withheld, grid_order = _unpinned_columns(
            header,
            header_grid or [],
            read_as,
            by_code,
            problems,
            bool(header_lost),
            placed is not None,
        )
        columns_withheld |= _total_not_where_read(
            header, grid_order, by_code, columns_withheld, problems
        )
        # (withheld for their order alone: a row where they all read the same is read, and
        # those withheld besides for another reason read the same too: their places are as
        # open, and a column left alone in doubt always reads the same as itself)
        order_open = order_withheld | scrambled
        order_only = order_open - columns_withheld
        columns_withheld |= order_withheld | scrambled
        # the headings whose columns give no number, which no order read puts anywhere
        unread_withheld = {h for h, c in _CODE_OF_HEADING.items() if c in columns_withheld}
        guessed = placed is None and _unread_order_guessed(
            header, unread_withheld, guess, problems
        )  # (else once the headings are judged by where they stand)
        # (where the grid's header drew the heading beside a covered position, that position
        # is left out already, and a row is a cell shorter than the header's positions)
        _doubled_columns(
            header, by_code, rows_withheld, problems, fillers=beside is None, lacked=lacked
        )
        _blank_column_and_end(by_code, rows_withheld, problems)
        extra = _extra_columns(
            header,
            by_code,
            problems,
            rows_withheld if grid_rows else None,
            in_columns,
            rows_withheld,
            lacked,
            bool(after_total),
        )
        order_only -= extra
        columns_withheld |= extra
        if guessed:
            doubt |= _unread_doubted(header, by_code, columns_withheld)
        if grid_order is not None:
            by_label = dict(zip(_APPLICANTS, contract.REQUEST_COLUMNS, strict=True))
            drawn = tuple(by_label[w] for w in grid_order)
        else:
            # a copy of the whole grid that names each heading once over its column tells the
            # order by columns, whatever its merged cells repeat across its rows (自然人 and
            # 总计 copied down, read in its words' order, name them twice)
            by_columns = _grid_headings(header_grid or [], read_as, by_code)
            if by_columns is None or sorted(by_columns) != sorted(_APPLICANTS):
                by_columns = header
            told = _total_column_first(by_columns, by_code, problems, cells_held)
            drawn = _applicant_columns(
                by_columns,
                by_code,
                problems,
                told,
                header_lost or [],
                unread_withheld,
                settled=bool(cells_held),
                total_floats=total_floats,
                doubt=doubt,
                gone=columns_withheld,
            )
            if drawn is None and not cells_held:
                doubt |= _named_twice_out_of_order(by_columns, by_code, columns_withheld, problems)
        later_rows, later_doubt = _repeated_header(header, header_later or [], by_code, problems)
    complete = True
    centres = _column_centres(list(by_code.values()), width)
    placed = placed if section == "requests" else None
    if section == "requests" and 7 not in centres and header_x:  # no full row at all
        # no row shows all seven: the header's words say where the columns are
        xs = [header_x.get(w) for w in _APPLICANTS]
        if all(x is not None for x in xs) and xs == sorted(xs):  # type: ignore[type-var]
            centres[7] = xs  # type: ignore[assignment]
    if section == "requests" and 7 not in centres:
        # nor do the header's words: the values of all rows together, where they line up
        # under seven columns and nowhere else
        centres[7] = _aligned_columns(list(by_code.values()), 7, header_x)
    if section == "requests" and drawn is None and header_x and (centres.get(7) or placed):
        named = _applicant_order(header or [])
        off = _headings_off_their_columns(header_x, centres.get(7) or placed or [], named, problems)
        order_only -= off
        columns_withheld |= off
    if placed is not None:
        withheld = {h for h, c in _CODE_OF_HEADING.items() if c in columns_withheld}
        if _unread_order_guessed(header or [], withheld, guess, problems):
            doubt |= _unread_doubted(header or [], by_code, columns_withheld)
    said_positions = False
    said_orders: set[int] = set()  # proactive blocks whose header's order of columns was said
    totals_not_drawn = _totals_not_drawn(by_code, centres.get(7)) if section == "requests" else 0
    drawn_short: list[str] = []  # rows that may be drawn a cell short
    # a copy writing a filler a line (several lines closing a row): how many a row has does
    # not tell a row a cell short (a merged value above covering a position) from a blank one
    filler_lines = any(r.pad_lines > 1 for r in by_code.values())
    # a copy writing the positions a merged cell covers empty in their places
    in_place = (
        section == "requests"
        and _draws_covered_blank(header_grid, by_code, serial, len(after_total))
        and not _covers_behind(by_code)
    )
    first_td = _first_column_at(by_code, width) if in_place else None
    # the header is the table's: whether it repeats its merged cells is asked once, not a row
    merges_copied = _repeats_merged(header_grid)
    for trow in template_rows:
        r = by_code.get(trow.code)
        if trow.code in rows_withheld:
            complete = False
            continue
        if r is None:
            if not (template == "2021" and trow.code == "other") and trow.code not in unassigned:
                complete = False
            continue
        n = len(trow.columns)
        columns = drawn or trow.columns
        vals = r.values
        opens_with_a_tab = tab_copy and _opens_with_a_tab(vals)
        if opens_with_a_tab and len(vals) == n + 1:
            # one cell more than the row's columns: the first is the TAB that parted the label
            # from the first number, carried onto the numbers' line by a terminal's break
            vals = vals[1:]
        elif opens_with_a_tab and len(vals) <= n and _long_line_before(vals[0], tokens):
            complete = False
            shown = "/".join(t.text or "空" for t in vals)
            problems.flag(
                codes.CELLS_UNPLACED,
                f"{section}.{trow.code}: the row's numbers ({shown}) stand on a line after its "
                "label that opens with a TAB: the TAB that parted the label from the first "
                "number, carried onto the next line where a terminal broke the label's line, or "
                "a blank first cell; which column each number stands in is not known, so none "
                "is read",
            )
            continue
        # (an HTML table's row stands on no copy's lines: neither test below is made of it)
        lines = _copy_lines(vals)
        apart = _sign_apart(lines) if lines else None
        if apart is not None:
            complete = False
            problems.flag(
                codes.CELLS_UNPLACED,
                f"{section}.{trow.code}: a line {apart!r} among the row's values, which stand "
                "one a line: a negative number written apart from its sign, or a blank cell's "
                "mark and a number; the copy does not tell which, so none of the row's values "
                "is read",
            )
            continue
        footer = _page_footer_line(lines) if lines else None
        if footer is not None:
            problems.flag(
                codes.POSITIONAL_ROW,
                f"{section}.{trow.code}: a line of its own among the row's values reads "
                f"{footer}: it may as well be a PDF page's footer (page of pages) the copy kept "
                "after a row left blank",
            )
        if (
            len(vals) == 1
            and vals[0].kind == LINE
            and vals[0].text.isdigit()
            and (r.label or "").rstrip()[-1:] in _NUMBER_PART
            and (r.label or "").rstrip()[-1:]
        ):
            # the label's line ends in a figure (行政事业性收费  816. / 92): a line wrapped
            # inside the row's number, its head read into the label and its tail alone after it
            complete = False
            problems.flag(
                codes.CELLS_UNPLACED,
                f"{section}.{trow.code}: the row's label ends in a figure ({r.label!r}) and a "
                f"lone figure ({vals[0].text}) stands on the line after it: a line wrapped "
                "inside the row's number, its head and tail apart; it is not read",
            )
            continue
        if (
            len(vals) == 1
            and vals[0].kind == LINE
            and vals[0].text.isdigit()
            and _writes_row_a_line(by_code.values())
        ):
            # a bare whole number, as a page number is (537万元 is none)
            problems.flag(
                codes.POSITIONAL_ROW,
                f"{section}.{trow.code}: the row's number ({vals[0].text}) stands alone on the "
                "line after its label, where the copy writes each row's numbers on its label's "
                "line: it may as well be a page number the copy kept after a row left blank",
            )
        if section == "proactive" and vals:
            headers = tuple((block_headers or {}).get(r.block, []))
            beside = _measure_beside(trow.columns, headers, len(vals))
            if beside is not None:
                k, columns = beside
                vals = vals[:k] + vals[k + 1 :]
                if r.block not in said_orders:
                    said_orders.add(r.block)
                    problems.append(
                        f"proactive: the header of the block of {trow.code} draws a measure "
                        f"the template lacks ({_measure_headings(headers)[k]}); the values "
                        "under it are left out, each other value read under its heading"
                    )
            else:
                columns = _proactive_drawn(trow.columns, headers)
            if columns is None:
                complete = False
                problems.flag(codes.CELLS_UNPLACED, _order_not_named(trow.code, vals))
                continue
            if columns != trow.columns and r.block not in said_orders:
                said_orders.add(r.block)
                problems.append(
                    f"proactive: the header of the block of {trow.code} orders its columns "
                    f"{', '.join(c.code for c in columns)}; each value is read under its heading"
                )
        if vals and len(vals) < n and all(t.x is not None for t in vals):
            # text laid out by spaces draws no blank cell: a value's column is where it stands
            placed_by_x = _by_position(vals, centres.get(n))
            if placed_by_x is not None:
                if not said_positions:
                    problems.append(
                        f"{section}: in rows with blank cells, which the text does not draw, "
                        "values are placed by where they stand under the columns"
                    )
                    said_positions = True
                if r.cut:
                    complete = False
                    problems.flag(
                        codes.INCOMPLETE,
                        f"{section}.{trow.code}: the page ends inside this row; the cells after "
                        "the cut are not on the page",
                    )
                    last = max(k for k, t in enumerate(placed_by_x) if t is not None)
                    placed_by_x = placed_by_x[: last + 1]
                    short = False
                else:
                    short = (
                        columns[-1].code == "total"
                        and placed_by_x[-1] is None
                        and totals_not_drawn < _BLANK_TOTALS_A_HABIT
                    )
                    placed_by_x = [
                        t if t is not None else vals[-1]._replace(text="", td=None)
                        for t in placed_by_x
                    ]
                placed_cells = [
                    _cell(section, trow.code, col.code, tok, units.get(r.block), problems)
                    for col, tok in zip(columns, placed_by_x, strict=False)
                ]
                if short and _may_be_drawn_short(placed_cells):
                    drawn_short.append(trow.code)  # (its blank 总计 read by the sums first)
                cells.extend(placed_cells)
                continue
            if r.cut:
                complete = False
                problems.flag(
                    codes.INCOMPLETE,
                    f"{section}.{trow.code}: the page ends inside this row, and where its "
                    "cells stand is not known; none is read",
                )
                continue
        if r.cut and grid_rows and vals and not vals[0].text.strip():
            # a copy whose value rows write every grid position (_writes_grid_rows): the empty
            # cells in front may be positions the row's label covers or blank values, and a
            # row cut short has no end to count its columns back from (_fit_grid_row)
            complete = False
            lead = next((k for k, t in enumerate(vals) if t.text.strip()), len(vals))
            problems.flag(
                codes.INCOMPLETE,
                f"{section}.{trow.code}: the page ends inside this row, in a copy whose value "
                f"rows write every grid position: whether its {lead} empty cell(s) in front are "
                "positions its label covers or blank values is not known; none is read",
            )
            continue
        if r.cut and len(vals) < n and cells_left_out and _bare_lines(vals):
            complete = False
            problems.flag(codes.CELLS_UNPLACED, f"{section}.{trow.code}: {_LEFT_OUT}")
            continue
        if r.cut and len(vals) < n and tab_copy and _draws_every_cell(vals):
            # a TAB copy writes no position a merged cell covers: a cell merged across before
            # the cut, or down from a row above, leaves the cells after it a column to the
            # left, and a row cut short shows no more cells than such a row
            complete = False
            problems.flag(
                codes.INCOMPLETE,
                f"{section}.{trow.code}: the page ends inside this row, in a copy that leaves a "
                f"merged cell no trace before the cut: which column each of its {len(vals)} "
                "cells stands in is not known; none is read",
            )
            continue
        if r.cut and len(vals) < n:
            # the file ends inside this row: the cells after the cut are not on the page
            complete = False
            problems.flag(
                codes.INCOMPLETE,
                f"{section}.{trow.code}: the page ends inside this row; "
                f"{len(vals)} of {n} cells read, the rest are not on the page",
            )
            for k, tok in enumerate(vals):
                cells.append(
                    _cell(section, trow.code, columns[k].code, tok, units.get(r.block), problems)
                )
            continue
        if (
            len(vals) < n
            and len(vals) + r.padded >= n
            and not any(labels.norm(t.text) for t in vals)
        ):
            # no number in the row, and enough fillers to stand for its blank cells: whichever
            # cells the fillers are, every one of the row's cells is empty, but a position a
            # value merged down from a row above covers holds that value: the columns where
            # the row it comes from shows a number are not known
            held = (
                _columns_a_merge_down_may_fill(r, by_code, n)
                if vals and (pad_cells or filler_lines)
                else set()
            )
            if held:
                complete = False
                _read_blank_row_but(section, trow.code, columns, vals, held, cells, problems)
                continue
            last = vals[-1] if vals else Token(CELL, "", 0)
            td = last.td or 0
            vals = [*vals, *(last._replace(td=td + k) for k in range(1, n - len(vals) + 1))]
        if section == "proactive" and len(vals) < n and r.block not in split_headers:
            named = _named_columns(trow, vals, (block_headers or {}).get(r.block, []))
            if named is not None:
                complete = False
                shown = ", ".join(c for c in named)
                gone = ", ".join(c.code for c in trow.columns if c.code not in named)
                problems.flag(
                    codes.INCOMPLETE,
                    f"{section}.{trow.code}: the block's header names only the columns {shown}, "
                    f"and the row has a cell for each; {gone} is not on the page",
                )
                for code, tok in named.items():
                    cells.append(_cell(section, trow.code, code, tok, units.get(r.block), problems))
                continue
        if (
            section == "requests"
            and drawn is None
            and _merged_before_total(vals, r.padded, n)
            and _totals_filled(by_code, template, trow.code)
        ):
            complete = False
            shown = "/".join(t.text or "空" for t in vals)
            problems.flag(
                codes.CELLS_UNPLACED,
                f"requests.{trow.code}: six numbers and an empty last cell before the row's "
                f"fillers ({shown}), the sixth the sum of the five before it: the total stands "
                "sixth, two value cells were merged on the page; which column each belongs to is "
                "not known, so none is read",
            )
            continue
        if section == "requests" and _blank_row_a_cell_short(vals, r.padded, n, by_code):
            # a value merged down a column from the row above covers one of its cells: in a
            # column where that row is blank the merged cell is blank too, so every column is
            # blank either way but those where that row shows a number
            above = _row_above(r, by_code, n)
            held = [
                col.code
                for col, tok in zip(columns, above.values if above else vals, strict=False)
                if above is None or not _blank(tok)
            ]
            if held:
                complete = False
                problems.flag(
                    codes.CELLS_UNPLACED,
                    f"requests.{trow.code}: {n - 1} empty cells before the row's fillers; the "
                    "table's rows write a space before their fillers, so the row is a cell "
                    "short: a value merged down a column from the row above covers one of its "
                    f"cells, which the row does not tell; {', '.join(held)} (a number in the "
                    "row above) not read, the rest blank either way",
                )
            blank = vals[0]._replace(text="", td=None)
            for col in columns:
                if col.code not in held:
                    cells.append(_cell(section, trow.code, col.code, blank, None, problems))
            continue
        if (
            section == "requests"
            and _space_before_fillers(vals, r.padded, n, by_code)
            and not _totals_left_blank(by_code, template, trow.code, n)
        ):
            complete = False
            shown = "/".join(t.text or "空" for t in vals[:-1])
            line = (
                f"requests.{trow.code}: {n - 1} cells before the row's fillers ({shown}); the "
                "table's rows write a space before their fillers, so the row is a cell short: "
                "a value merged across rows or columns on the page"
            )
            if (
                columns[-1].code == "total"
                and _all_zeros(vals[:-1])
                and all(_all_numbers(x.values[:-1]) for x in by_code.values())
            ):
                # its 总计 left blank, or a cell short and its sixth 0 the total: either way
                # each applicant column is 0 (a value merged into it would make the total
                # more; a blank merged one would leave its first row a blank cell, and the
                # table shows none)
                problems.flag(
                    codes.CELLS_UNPLACED,
                    f"{line} (or its 总计 is left blank); every number is 0, so each applicant "
                    "column is 0 either way; whether the 总计 is blank or 0 is not known, so it "
                    "is not read",
                )
                for col, tok in zip(columns[:-1], vals, strict=False):
                    cells.append(_cell(section, trow.code, col.code, tok, None, problems))
                continue
            problems.flag(
                codes.CELLS_UNPLACED,
                f"{line}, and which column each number belongs to is not known, so none is read",
            )
            continue
        if pad_cells and len(vals) > n and not any(labels.norm(t.text) for t in vals):
            # a blank row of a copy that writes its fillers as empty cells past a row's last
            # column: a cell short under a value merged down, or not, reads blank but there
            held = _columns_a_merge_down_may_fill(r, by_code, n)
            if held:
                complete = False
                _read_blank_row_but(section, trow.code, columns, vals, held, cells, problems)
                continue
        trailing_empty = len(vals) < n and _unspanned_html(vals, spanned)
        if trailing_empty and section == "requests":
            trailing_empty = _short_row_ends_empty(vals, header, by_code, template, trow.code)
        fitted = _fit(
            section,
            trow.code,
            vals,
            n,
            problems,
            trailing_empty,
            # (fillers closing a row that writes every position are its end, not its cells)
            r.hard and not (grid_rows and r.padded),
            grid_in_rows=grid_rows,
            pad_cells=pad_cells,
            grid_place=grid_places.get(trow.code),
            copies_merged=section != "requests" or not header_grid or merges_copied,
            unnamed_column=unnamed_column,
            lacked=lacked,
            covered_in_place=in_place,
            first_td=first_td,
        )
        if fitted is None:
            complete = False
            continue
        for col, tok in zip(columns, fitted, strict=True):
            cells.append(_cell(section, trow.code, col.code, tok, units.get(r.block), problems))
    may_be_covered = (
        _blanks_a_merge_may_cover(
            cells, drawn or contract.REQUEST_COLUMNS, _unread_rows(by_code, cells)
        )
        if section == "requests"
        and not covered
        and (grid_rows or _draws_covered_blank(header_grid, by_code, serial))
        else {}
    )
    if later_doubt:
        under = [c for c in cells if c.row in later_rows]
        for code, cols in _held_in_doubt(under, later_doubt).items():
            cells_held.setdefault(code, set()).update(cols)
    if doubt:
        for code, cols in _held_in_doubt(cells, doubt).items():
            cells_held.setdefault(code, set()).update(cols)
    for code in total_unsure:
        cells_held.setdefault(code, set()).add("total")
    if columns_withheld or any(cells_held.values()):
        complete = False
        # a row whose columns withheld for their order alone all read the same is read
        unsettled = _held_in_doubt(cells, order_only | order_open) if order_only else {}
        cells = [
            c
            for c in cells
            if (c.col not in columns_withheld or (c.col in order_only and c.row not in unsettled))
            and c.col not in cells_held.get(c.row, ())
        ]
    if section == "requests" and drawn is None and cells and merges_copied:
        cells, every_one = _runs_a_sum_contradicts(cells, template, problems)
        complete = complete and every_one
    if section == "requests" and cells and not covered and complete:
        # (a table cut off or short of rows fails its sums for that)
        cells, every_one = _blanks_after_a_contradicted_number(cells, template, problems)
        complete = complete and every_one
    if may_be_covered:
        cells, every_one = _withhold_covered_blanks(cells, may_be_covered, problems)
        complete = complete and every_one
    for code in drawn_short:
        complete = False
        row = [c for c in cells if c.row == code and c.col != "total"]
        # drawn short or not, a row of 0s gives each applicant column a 0: its 总计 is unknown
        zeros = len(row) == 6 and all(c.value == 0 for c in row)
        cells = [c for c in cells if c.row != code or (zeros and c.col != "total")]
        problems.flag(
            codes.CELLS_UNPLACED,
            f"{section}.{code}: the row draws nothing under 总计, which the table draws in its "
            "other rows: a row drawn a cell short (two cells merged into one column) stands its "
            "cells left of their headings, its 总计 under 其他; whether it is one is not known, "
            + (
                "so its 总计 is not read (each other cell is 0 either way)"
                if zeros
                else "so none of its values is read"
            ),
        )
    if covered:
        cells, every_one = _merged_values(
            cells, covered, drawn or contract.REQUEST_COLUMNS, template, problems
        )
        complete = complete and every_one
    if drawn is not None:
        # in the template's order of columns, as every other page's cells are
        at = {c.code: k for k, c in enumerate(contract.REQUEST_COLUMNS)}
        cells.sort(key=lambda c: (index[c.row], at[c.col]))
    if by_code and all(c.value is None for c in cells):
        problems.append(
            f"{section}: every cell is blank: the table has its labels but no numbers "
            "(missing data, not zeros)"
        )
    for code in _running_numbers(numbered):
        del tails[code]
    for code, shown in tails.items():
        last = by_code[code].values[-1] if code in by_code else None
        if last is None:
            continue
        complete = False
        cells = [c for c in cells if not (c.row == code and c.tr == last.tr and c.td == last.td)]
        problems.flag(
            codes.CELLS_UNPLACED,
            f"{section}.{code}: the line after the row opens with a figure ({shown}) and the "
            f"row's line ends in one ({last.text}): a line wrapped inside a number (a mail "
            "client or a terminal breaks lines at a width) leaves its head at the row's end "
            "and its tail on the next line, so the row's last number is not read",
        )
    for shown, inside in loose:
        line = f"{section}: a row without a label ({shown}) could not be placed"
        if complete and cells and not inside:
            # every row of the template is read in full: these figures stand outside the
            # table (loose lines a converter wrote before it), no cell of it is lost
            problems.append(f"{line}; every row of the table is read without it")
        else:
            problems.flag(codes.CELLS_UNPLACED, line)
    if cells and not complete:
        missing_rows = [
            t.code
            for t in template_rows
            if t.code not in by_code
            and t.code not in unassigned
            and not (template == "2021" and t.code == "other")
        ]
        if missing_rows:
            problems.flag(
                codes.INCOMPLETE,
                f"{section}: incomplete: rows not on the page: {', '.join(missing_rows)}",
            )
    return cells, complete and bool(cells)


def _column_centres(rows: list[RawRow], width: dict[str, int]) -> dict[int, list[float] | None]:
    """In text laid out by spaces: where each column stands, by the number of columns, learnt
    from the rows that show a value in every column; None for a number of columns whose full
    rows do not line up. (A row of section 二 with a blank cell is no full row of a block
    with fewer columns: 行政许可's two values stand under 本年增/减 and 处理决定数量, not where
    政府集中采购's two columns do.)"""
    seen: dict[int, list[list[float]]] = {}
    for r in rows:
        if len(r.values) != width.get(r.code or "", len(r.values)):
            continue
        if r.values and r.values[0].x is not None and all(t.x is not None for t in r.values):
            seen.setdefault(len(r.values), []).append([t.x for t in r.values])  # type: ignore[misc]
    out: dict[int, list[float] | None] = {}
    for n, lines in seen.items():
        out[n] = None
        columns = list(zip(*lines, strict=True))
        centres = [statistics.median(col) for col in columns]
        if n < 2 or not all(b - a >= 2 for a, b in itertools.pairwise(centres)):
            continue
        gap = min(b - a for a, b in itertools.pairwise(centres))
        spread = max(abs(x - c) for col, c in zip(columns, centres, strict=True) for x in col)
        if spread <= 0.25 * gap:
            # the full rows' values line up: the text keeps columns (else a value's place
            # says nothing about its column)
            out[n] = centres
    return out


def _placed_columns(
    header: list[str],
    rows: dict[str, RawRow],
    width: dict[str, int],
    header_x: dict[str, float] | None,
) -> list[float] | None:
    """In text laid out by spaces with the header's words where they stand, a header that does
    not name one or two applicant headings and names the others once, in the template's order:
    where the seven requests columns stand, by the rows that show a value in each
    (_column_centres) or by all rows' values together (_aligned_columns). None for any other
    copy or header (one mostly not read, or naming 总计 first, is judged by its words)."""
    order = _applicant_order(header)
    if (
        not header_x
        or not rows
        or not 5 <= len(order) <= 6
        or order != [h for h in _APPLICANTS if h in order]
    ):
        return None
    if not all(t.x is not None for r in rows.values() for t in r.values):
        return None
    values = list(rows.values())
    return _column_centres(values, width).get(7) or _aligned_columns(values, 7, header_x)


def _headings_off_their_columns(
    header_x: dict[str, float], centres: list[float], named: list[str], problems: Problems
) -> set[str]:
    """In text laid out by spaces whose header does not name each applicant column (a heading
    left blank writes nothing): the full rows' values are read in the template's order, right
    only where each heading named stands over its own column. Where one stands over another
    (总计 drawn first and blank: 自然人 over the second column), the columns do not follow the
    template's order: each column whose heading over it is not the template's is withheld,
    said. Where every heading found stands over its own column (the header's words are not
    all found with their places: one missing says nothing), the headings the header does not
    name at all (`named`: those it does) are withheld where two stand side by side in the
    template, which a pair drawn the other way round shows the same."""
    over: dict[int, str] = {}
    gap = min(b - a for a, b in itertools.pairwise(centres))
    for h in _APPLICANTS:
        x = header_x.get(h)
        k = None if x is None else min(range(len(centres)), key=lambda k: abs(centres[k] - x))
        # a heading's place is measured otherwise than a number's (centred, not aligned
        # right): only one that stands near a column's middle says which it is over
        if k is not None and x is not None and abs(centres[k] - x) <= gap / 4:
            over[k] = h
    shown = " | ".join(over.get(k, "（空）") for k in range(len(centres)))
    if len(over) == len(_APPLICANTS) or all(
        over.get(_APPLICANTS.index(h)) == h for h in over.values()
    ):
        # each heading found stands over its own column (where its place is measured near
        # one); a heading the header does not name at all (口口口口, left blank) is pinned in
        # the template's place between named neighbours, but two side by side stand where
        # either can, and a pair drawn the other way round shows the same
        unread = [h for h in _APPLICANTS if h not in header_x and h not in named]
        # where the header draws the group, 自然人 and 总计 stand in the row above the group's
        # five: each is pinned in its row as a header row is (_judge_header_row)
        row = _HEADER_ROWS[2] if _GROUP in header_x else _APPLICANTS
        beside = [
            h
            for k, h in enumerate(row)
            if h in unread and (set(row[max(k - 1, 0) : k]) | set(row[k + 1 : k + 2])) & set(unread)
        ]
        if not beside or len(unread) > 2:
            return set()  # (a header mostly not read is read as a table without one)
        problems.flag(
            codes.CELLS_UNPLACED,
            f"requests: the header does not name {'、'.join(unread)}, and the headings "
            f"{'、'.join(beside)} stand side by side in the template: which of them each of "
            "their columns is, is not known, so none of their values is read",
        )
        return {_CODE_OF_HEADING[h] for h in beside}
    heads = [h for k, h in enumerate(_APPLICANTS) if over.get(k) != h]
    problems.flag(
        codes.CELLS_UNPLACED,
        f"requests: over the columns the header's headings stand as {shown}, not in the "
        f"template's places: which of {'、'.join(heads)} each column without its heading is, "
        "is not known, so none of their values is read",
    )
    return {_CODE_OF_HEADING[h] for h in heads}


def _aligned_columns(rows: list[RawRow], n: int, header_x: dict[str, float]) -> list[float] | None:
    """In text laid out by spaces where no row shows a value in every column (blank cells
    scattered over the table, none drawn): where the n columns stand, from the values of all
    rows together, when they stand in exactly n groups far apart (each group's values closer
    together than a third of the narrowest space between two groups), no row has two values
    in one group, and the header words found stand over their own groups. None otherwise."""
    xs_rows = [
        [t.x for t in r.values if t.x is not None]
        for r in rows
        if r.values and all(t.x is not None for t in r.values)
    ]
    xs = sorted(x for row in xs_rows for x in row)
    if len(xs) < 2 * n:
        return None
    gaps = sorted(range(len(xs) - 1), key=lambda k: xs[k + 1] - xs[k], reverse=True)
    cuts = sorted(gaps[: n - 1])
    groups = [xs[a + 1 : b + 1] for a, b in itertools.pairwise([-1, *cuts, len(xs) - 1])]
    if len(groups) != n or any(not g for g in groups):
        return None
    between = min(xs[k + 1] - xs[k] for k in cuts)
    within = max((xs[k + 1] - xs[k] for k in range(len(xs) - 1) if k not in set(cuts)), default=0.0)
    spread = max(g[-1] - g[0] for g in groups)
    if between < 2 or within * 3 > between or spread * 3 > between:
        return None
    centres = [statistics.median(g) for g in groups]
    for row in xs_rows:
        places = [min(range(n), key=lambda k: abs(centres[k] - x)) for x in row]
        if len(set(places)) != len(places):
            return None
    for k, word in enumerate(_APPLICANTS[:n]):
        x = header_x.get(word)
        if x is not None and min(range(n), key=lambda j: abs(centres[j] - x)) != k:
            return None
    return centres


def _may_be_drawn_short(row: list[Cell]) -> bool:
    """Whether a requests row with nothing under 总计 and a number elsewhere may be a row
    drawn a cell short, the number under 其他 its 总计. Drawn so, two neighbouring cells of one
    text are merged into one: the 总计 is the sum of the others and of that text once more, so
    the number under 其他 exceeds the others' sum by one of the numbers the row shows, or by
    nothing (two blank cells merged). By anything else (less than their sum, or more by a
    number the row does not show), it is no 总计 but 其他's, the 总计 left blank."""
    numbers = [c.value for c in row[:-2] if c.value is not None]
    under_other = row[-2].value
    if under_other is None:
        return bool(numbers)
    over = under_other - sum(numbers)
    return any(abs(over - merged) <= tally.EPSILON for merged in (0, *numbers))


def _totals_not_drawn(rows: dict[str, RawRow], centres: list[float] | None) -> int:
    """How many rows of a requests table laid out by spaces draw nothing under its last
    column (总计) and something under another."""
    out = 0
    for r in rows.values():
        if r.values and len(r.values) < 7 and all(t.x is not None for t in r.values):
            placed = _by_position(r.values, centres)
            out += placed is not None and placed[-1] is None
    return out


def _by_position(vals: list[Token], centres: list[float] | None) -> list[Token | None] | None:
    """The values of a row laid out by spaces, each in the column it stands under; None when a
    value stands between two columns, two in one, or no full row showed where the columns are."""
    if not centres or len(centres) < 2:
        return None
    gap = min(b - a for a, b in itertools.pairwise(centres))
    out: list[Token | None] = [None] * len(centres)
    last = -1
    for t in vals:
        x = t.x if t.x is not None else -1.0
        j = min(range(len(centres)), key=lambda k: abs(centres[k] - x))
        if abs(centres[j] - x) > 0.35 * gap or j <= last:
            return None
        out[j] = t
        last = j
    return out


def _header_order(
    columns: tuple[contract.Column, ...], headers: tuple[str, ...] | list[str], cut: bool = False
) -> list[str | None]:
    """The columns a proactive block's header names, in the order it draws them; with `cut`,
    also a None where a heading starts that names none of them (cut short: 本年新)."""
    named: list[tuple[int, int, str | None]] = []  # (header text, position in it, column)
    for h, text in enumerate(headers):
        at = [
            (p, col.code)
            for col in columns
            if (p := labels.proactive_column_at(text, col.code)) is not None
        ]
        named.extend((h, p, code) for p, code in at)
        if cut:
            starts = labels.proactive_column_start_positions(text)
            for start, end in zip(starts, [*starts[1:], len(text)], strict=False):
                if not any(start <= p < end for p, _ in at):
                    named.append((h, start, None))
    return [code for _, _, code in sorted(named, key=lambda n: n[:2])]


def _headers_with_unread_text(raw: list[RawRow]) -> set[int]:
    """The proactive blocks whose header holds text no heading was read from: words before
    the block's first labelled row that are no label (本年增/ on one line, 减 on the next: a
    terminal or a mail client broke the header's line inside a heading). Such a header names
    fewer columns than the block has, and which of them the split heading stood for is not
    told by the ones it still names."""
    labelled: set[int] = set()
    out: set[int] = set()
    for r in raw:
        if r.code == UNKNOWN and not r.values and r.block not in labelled:
            out.add(r.block)
        elif r.code not in (None, UNKNOWN):
            labelled.add(r.block)
    return out


def _named_columns(
    trow: contract.Row, vals: list[Token], headers: list[str]
) -> dict[str, Token] | None:
    """A proactive row with fewer cells than the template's columns, under a block header that
    names exactly as many of them (a converter lost a column, header and all): its cells, by
    the columns the header names, in order. None when the header does not tell, or holds
    more column headings than it names (`本年新 本年新 对外公开总数量`, headings cut short: the
    row's blank cells may stand under any of them)."""
    order = _header_order(trow.columns, headers)
    template_order = [c.code for c in trow.columns if c.code in order]
    if len(order) != len(vals) or len(set(order)) != len(order) or order != template_order:
        return None
    if sum(labels.proactive_column_starts(text) for text in headers) > len(order):
        return None
    if any(_names_no_column(trow.columns, text) for text in headers):
        # a piece of a heading (一年项目数量, 购项目数量: a line broken inside 上一年项目数量)
        # names no column: the column it stood for may be any the header does not name
        return None
    return dict(zip(order, vals, strict=True))


def _names_no_column(columns: tuple[contract.Column, ...], header: str) -> bool:
    """Whether a text of a proactive block's header is neither the label column's heading
    nor names any of the row's `columns`."""
    return labels.norm(header) != "信息内容" and all(
        labels.proactive_column_at(header, col.code) is None for col in columns
    )


@functools.lru_cache(maxsize=1024)
def _proactive_drawn(
    columns: tuple[contract.Column, ...], headers: tuple[str, ...]
) -> tuple[contract.Column, ...] | None:
    """A proactive row's `columns` in the order its block's header draws them: the template's
    where the header names them in that order, or does not tell (no header, or a heading named
    twice: a header repeated over a page break); the header's own where it names each column
    once in another order (a value is under the heading above it). None where it names some
    in another order and not the others: no value's column is certain."""
    order = _header_order(columns, headers)
    missing = [c.code for c in columns if c.code not in order]
    if len(missing) == 1:
        slots = _header_order(columns, headers, cut=True)
        if len(slots) == len(columns) and slots.count(None) == 1:
            # a heading cut short (本年新) among the named ones: the column they do not name
            order = [code if code is not None else missing[0] for code in slots]
    if len(set(order)) != len(order) or order == [c.code for c in columns if c.code in order]:
        return columns
    if len(order) < len(columns):
        return None
    by_code = {c.code: c for c in columns}
    return tuple(by_code[code] for code in order)


#: every column code of section 二, of either format
_PROACTIVE_CODES = tuple(
    dict.fromkeys(
        c.code for t in contract.TEMPLATES for r in contract.rows(t, "proactive") for c in r.columns
    )
)


def _measure_headings(headers: tuple[str, ...]) -> list[str]:
    """A proactive block's headings of measures (the corner cell, 信息内容, names none)."""
    return [h for h in headers if labels.proactive_column_starts(h)]


def _measure_beside(
    columns: tuple[contract.Column, ...], headers: tuple[str, ...], shown: int
) -> tuple[int, tuple[contract.Column, ...]] | None:
    """A block whose header draws, beside the row's columns, a measure the template lacks (a
    2019 block with 本年废止数量, a column of the 2021 form's), a heading a cell: which of the
    row's `shown` cells stands under it, and the row's columns in the order the header draws
    the others. Only where each heading names one measure, the others name each of the row's
    columns once and the row has a cell under every heading; None elsewhere."""
    heads = _measure_headings(headers)
    if shown != len(heads):
        return None
    return _beside(columns, heads)


def _beside(
    columns: tuple[contract.Column, ...], heads: list[str]
) -> tuple[int, tuple[contract.Column, ...]] | None:
    """Where `heads` (one heading each) name a measure `columns` lack beside each of the
    columns once: its place among them, and the columns in the order the others name them."""
    if len(heads) != len(columns) + 1:
        return None
    own = {c.code: c for c in columns}
    named = []
    for h in heads:
        codes = [c for c in _PROACTIVE_CODES if labels.proactive_column_at(h, c) is not None]
        if labels.proactive_column_starts(h) != 1 or len(codes) != 1:
            return None
        named.append(codes[0])
    extra = [k for k, code in enumerate(named) if code not in own]
    rest = [code for code in named if code in own]
    if len(extra) != 1 or len(set(rest)) != len(columns):
        return None
    return extra[0], tuple(own[code] for code in rest)


def _order_not_named(code: str, vals: list[Token]) -> str:
    shown = "/".join(t.text or "空" for t in vals)
    return (
        f"proactive.{code}: the block's header draws some of the row's columns in another "
        f"order than the template's, and does not name each of them once; which column each "
        f"value ({shown}) belongs to is not known, so none is read"
    )


def _displaced_labels(
    section: str,
    placed: list[RawRow],
    index: dict[str, int],
    width: dict[str, int],
    template: str,
    problems: Problems,
    tab_copy: bool = False,
) -> list[RawRow]:
    """A row of numbers without a label next to a row with a label and no numbers: the label,
    set in a taller cell, was read on its own line, before or after its values (PDF converters).
    Only where no template row is free between the labelled rows around the numbers (else they
    are a row that lost its label, placed by position later). A row with a label-only row on
    each side goes the way the table's other such rows went, when they all went one way."""

    def bare_label(j: int) -> bool:
        # no cell shown: a row whose cells are written blank (— — —) is whole, not a label
        # waiting for its numbers (a group's own row of sums after it is no row of its); so is
        # a table's row that draws its value cells empty (HTML, a Word or PDF table): a lone
        # number beside it is a page number a converter kept as a row
        r = placed[j]
        return (
            r.code is not None
            and r.hard
            and not r.on_its_side
            and j not in taken
            and not any(labels.norm(t.text) or t.table for t in r.values)
        )

    def beside(i: int, step: int) -> int | None:
        """The row next to row i, passing over blank scraps that are no row (the empty cell a
        copy writes in front of a label)."""
        j = i + step
        while 0 <= j < len(placed):
            r = placed[j]
            if r.code is not None or r.hard or _has_number(r.values):
                return j
            j += step
        return None

    def runs_on(i: int) -> bool:
        return tab_copy and i > 0 and _runs_on(placed[i - 1], placed[i])

    candidates: list[int] = []
    if all(r.code is not None for r in placed):
        return placed  # every row has its label
    for i, r in enumerate(placed):
        if r.code is not None or not r.hard or not _has_number(r.values) or r.on_its_side:
            continue
        before = next((x.code for x in reversed(placed[:i]) if x.code is not None), None)
        after = next((x.code for x in placed[i + 1 :] if x.code is not None), None)
        lo = index[before] if before is not None else -1
        hi = index[after] if after is not None else len(index)
        if not any(
            lo < k < hi and not (template == "2021" and c == "other") for c, k in index.items()
        ):
            candidates.append(i)
    pairs: list[tuple[int, int]] = []  # (numbers row, label row)
    taken: set[int] = set()
    changed = True
    while changed:  # a row paired makes its label taken, which may decide a neighbour
        changed = False
        for i in candidates:
            sides = [
                j
                for j in (beside(i, -1), beside(i, 1))
                if j is not None and bare_label(j) and not (j > i and runs_on(i))
            ]
            if len(sides) == 1 and all(i != n for n, _ in pairs):
                pairs.append((i, sides[0]))
                taken.add(sides[0])
                changed = True
    ways = {(label > numbers) - (label < numbers) for numbers, label in pairs}
    guessed = False
    undecided = [i for i in candidates if all(i != n for n, _ in pairs)]
    if undecided and len(ways) == 1:
        way = ways.pop()
        for i in undecided:
            j = beside(i, way)
            if j is not None and bare_label(j) and not (way > 0 and runs_on(i)):
                pairs.append((i, j))
                taken.add(j)
                guessed = True
    drop: set[int] = set()
    for numbers, label in sorted(pairs):
        row, values = placed[label], list(placed[numbers].values)
        n = width[row.code]  # type: ignore[index]
        while len(values) > n and not labels.norm(values[0].text):
            values = values[1:]  # the empty label cells in front of the numbers
        if sum(_has_number([v]) for v in values) > n:
            # more numbers than the row has columns: not the row's line (a table on its side,
            # applicants down its first column, whose header row ends in this label)
            continue
        row.values = values
        drop.add(numbers)
        where = "before" if numbers < label else "after"
        line = (
            f"{section}.{row.code}: the row's numbers stand on the line {where} its label "
            "(a label read on a line of its own)"
        )
        if guessed or _lone_number(values, n):
            # a lone number on a line of its own may as well be a page number the copy kept
            problems.flag(codes.POSITIONAL_ROW, line)
        else:
            problems.append(line)
    return [r for k, r in enumerate(placed) if k not in drop]


def _lone_number(values: list[Token], columns: int) -> bool:
    """Whether a row's cells hold one number and nothing else: written once among blank
    cells, or copied into more positions than the row has columns (a merged cell across the
    table, in a copy that repeats merged cells)."""
    texts = [labels.norm(t.text) for t in values]
    filled = [x for x in texts if x]
    return len(filled) == 1 or len(filled) == len(texts) > columns and len(set(filled)) == 1


#: marks that are a blank cell's on their own and a minus sign in front of a number
_DASHES = frozenset("-－–—−")


def _writes_row_a_line(rows: Iterable[RawRow]) -> bool:
    """Whether the copy writes each row on one line, its label and its numbers after it (a
    flipbook, a two-space or TAB copy, text laid out in columns): a row whose cells are blank
    (or not drawn) is its label alone. Told by most rows with values (a misread `|4` in a copy
    of a cell a line is one field after another, as a row of a line is). Asked only of a row
    whose one value is a bare number on a line of its own, which few rows are."""
    shown_rows = [r for r in rows if r.values]
    on_a_line = [
        r
        for r in shown_rows
        if any(
            t.spaced or t.x is not None or (t.table == 0 and t.kind == CELL and (t.td or 0) > 1)
            for t in r.values
        )
    ]
    return 2 * len(on_a_line) > len(shown_rows)


def _copy_lines(vals: list[Token]) -> dict[int, list[Token]]:
    """A row's values of a text copy by the line they stand on (none for an HTML table's)."""
    lines: dict[int, list[Token]] = {}
    for t in vals:
        if t.table == 0 and t.tr is not None:
            lines.setdefault(t.tr, []).append(t)
    return lines


def _widest(rows: Iterable[RawRow]) -> int:
    """The last field any of the rows' values stands in: a text copy's grid width."""
    return max([t.td or 0 for r in rows for t in r.values], default=0)


def _sign_apart(lines: dict[int, list[Token]]) -> str | None:
    """In a row of a text copy whose values stand on several lines (one a line), a line of
    its own read as two cells, a dash and a whole number (`- 135`): a negative number with a
    space after its sign as much as a blank cell's mark and a number. Its text, or None.
    `lines`: the row's values by line (_copy_lines)."""
    if len(lines) < 2:
        return None  # the row's values on one line: a flipbook's, which separates by spaces
    for line in lines.values():
        texts = [t.text.strip() for t in line]
        if len(texts) == 2 and line[0].td == 1 and texts[0] in _DASHES and texts[1].isdigit():
            return " ".join(texts)
    return None


def _page_footer_line(lines: dict[int, list[Token]]) -> str | None:
    """A line of a text copy among a row's values that reads as a PDF footer's page of pages
    (`3 / 8`): two whole numbers on a line of their own (no label in front), the first not
    above the second, a slash between them. Its text, or None. `lines`: the row's values by
    line (_copy_lines)."""
    for line in lines.values():
        if len(line) != 3 or line[0].td != 1:
            continue
        texts = [labels.norm(t.text) for t in line]
        if (
            texts[1] == "/"
            and texts[0].isdigit()
            and texts[2].isdigit()
            and 0 < int(texts[0]) <= int(texts[2])
        ):
            return " / ".join((texts[0], texts[2]))
    return None


def _has_number(tokens: list[Token]) -> bool:
    """Whether any of the cells holds a number (not only blanks and blank markers): leaving
    such cells out of the facts loses a value."""
    for t in tokens:
        read = read_value(t.text)
        if read is None or read.value is not None:
            return True  # a text that is no value may still be a number the reader missed
    return False


def _unspanned_html(vals: list[Token], spanned: set[int] | frozenset[int]) -> bool:
    """The row's cells are cells of an HTML table where no value cell spans columns or rows:
    each stands in its own column, left to right, so the columns a short row lacks are its last
    ones, which the page leaves empty."""
    return bool(vals) and all(t.table and t.table not in spanned for t in vals)


def _short_row_ends_empty(
    vals: list[Token], header: list[str] | None, rows: dict[str, RawRow], template: str, code: str
) -> bool:
    """Whether a requests row of an HTML table without spanned cells, short of cells, is one
    whose last cells the page does not draw (empty), rather than one whose cells a merge
    joined (a value merged down a column or across two, its span dropped by the exporter:
    every value after it a column left). Only under a header that names the applicant
    columns (a table of the agency's own, 办理结果 | 数量, has one number a row, no 自然人),
    and not where the table fills 总计 on rows of this kind and the row's last cell may be its
    total (blank, or no less than the sum of the numbers before it): a short row's missing
    cells are empty, and its total would not be."""
    if not header or not any(w in _APPLICANTS for w in header):
        return False
    if not any(labels.norm(t.text) for t in vals) or not _totals_filled(rows, template, code):
        return True
    numbers = [v.value for t in vals if (v := read_value(t.text)) is not None]
    last = numbers[-1] if numbers else None
    return last is not None and last < sum(v or 0 for v in numbers[:-1])


def _totals_filled(rows: dict[str, RawRow], template: str, code: str) -> bool:
    """Whether the requests table fills the 总计 column on rows of the kind of row `code` is:
    many agencies leave it blank on every result row and fill it on the others. Told by the
    other rows of that kind (result rows, or the rows around them) that show a seventh cell,
    and where none does, by any row of the table."""
    width = len(contract.REQUEST_COLUMNS)
    leaves = contract.RESULT_LEAVES[template]
    kind = leaves if code in leaves else [c for c in rows if c not in leaves]
    shown = [
        r.values
        for other in kind
        if other != code and (r := rows.get(other)) is not None and len(r.values) >= width
    ]
    filled = [
        bool(labels.norm(v[width - 1].text))
        for v in shown
        if not _merged_before_total(v[:width], 1, width)
    ]
    if filled:
        return any(filled)
    return any(
        other != code and len(r.values) >= width and labels.norm(r.values[width - 1].text)
        for other, r in rows.items()
    )


def _merged_before_total(vals: list[Token], padded: int, n: int) -> bool:
    """Whether a requests row of a pipe copy reads as seven cells only by its last, empty one,
    which may be the first of the fillers after it: in '| 1 | 0 | 3 | 1 | 0 | 5 | |||' the
    space after the sixth cell's bar is a grid position's field as much as an empty cell. When
    the sixth number is the sum of the five before it, with one of them counted twice or not,
    it is the row's total, and two equal cells were merged on the page (0 | 0 or 9 | 9 drawn as
    one): read in order, the total would stand under 其他 and the cells before it one column
    off. (Where the table leaves the total blank on every result row, an empty last cell is
    that, and the sum a coincidence.)"""
    if len(vals) != n or not padded or labels.norm(vals[-1].text):
        return False
    numbers = [read_value(t.text) for t in vals[:-1]]
    if any(v is None or v.value is None for v in numbers):
        return False
    *applicants, last = [v.value for v in numbers if v is not None]
    rest = last - sum(applicants)
    return last > 0 and (rest == 0 or rest in applicants)


def _space_before_fillers(vals: list[Token], padded: int, n: int, rows: dict[str, RawRow]) -> bool:
    """Whether a requests row of a pipe copy shows its n cells only by the space before its
    fillers (`| 3 | 1 | |||`), in a table whose rows write that space: another row closed by
    fillers shows n cells and the empty field of that space after them (`| 3 | 1 | 4 | ||`).
    The row is then a cell short (a value merged down a column, or across two), and read in
    order, every value after the gap would stand a column left."""
    if len(vals) != n or not padded or vals[-1].table != 0 or labels.norm(vals[-1].text):
        return False
    if not any(labels.norm(t.text) for t in vals):
        return False  # no number: _blank_row_a_cell_short
    return _writes_space_before_fillers(rows, vals, n)


def _blank_row_a_cell_short(
    vals: list[Token], padded: int, n: int, rows: dict[str, RawRow]
) -> bool:
    """Whether a requests row of a pipe copy with no number in it is a cell short: n empty
    cells before its fillers, the last of them the space before the fillers, in a table whose
    rows write that space (_space_before_fillers). Read in order, the position a value merged
    down from the row above covers stood as a blank cell."""
    if len(vals) != n or not padded or vals[-1].table != 0:
        return False
    if any(labels.norm(t.text) for t in vals):
        return False
    return _writes_space_before_fillers(rows, vals, n)


def _writes_space_before_fillers(rows: dict[str, RawRow], vals: list[Token], n: int) -> bool:
    """Whether another row of the table closed by fillers shows n cells and the empty field of
    the space before its fillers after them (`| 3 | 1 | 4 | ||`)."""
    return any(
        r.padded and len(r.values) == n + 1 and not labels.norm(r.values[-1].text)
        for r in rows.values()
        if r.values is not vals
    )


def _row_above(row: RawRow, rows: dict[str, RawRow], n: int) -> RawRow | None:
    """In a pipe copy, the nearest row above `row` that shows all n cells, where the rows
    between them are a cell short too and blank (under the same merged cell); None where the
    row above is neither."""
    line = row.values[0].tr or 0
    above = sorted(
        (
            r
            for r in rows.values()
            if r.values and r.values[0].table == 0 and (r.values[0].tr or 0) < line
        ),
        key=lambda r: r.values[0].tr or 0,
    )
    for r in reversed(above):
        if (len(r.values) == n + 1 and not labels.norm(r.values[-1].text)) or (
            len(r.values) == n and not r.padded
        ):
            return r
        if not (len(r.values) == n and r.padded) or any(labels.norm(t.text) for t in r.values):
            # a row a cell short with a figure in it may be where another merged cell begins,
            # in a column it does not tell
            return None
    return None


def _blank(tok: Token) -> bool:
    """Whether a cell is empty or a mark for empty (—, /, 无)."""
    read = read_value(tok.text)
    return read is not None and read.value is None


def _all_zeros(tokens: list[Token]) -> bool:
    """Whether every cell says 0 (no blank among them: a blank is no number)."""
    for t in tokens:
        read = read_value(t.text)
        if read is None or read.value != 0:
            return False
    return bool(tokens)


def _all_numbers(tokens: list[Token]) -> bool:
    """Whether every cell holds a number (none blank, none a blank mark)."""
    for t in tokens:
        read = read_value(t.text)
        if read is None or read.value is None:
            return False
    return True


def _totals_left_blank(rows: dict[str, RawRow], template: str, code: str, n: int) -> bool:
    """Whether the requests table's own habit makes the empty last field of row `code` (n
    cells before a pipe copy's fillers, the last one empty) its 总计 left blank, not the space
    before the fillers of a row a cell short (_space_before_fillers). Told where no other row
    writes anything in the 总计 position: the table never fills it. Or where `code` is a result
    row, every result row on the page ends the same way from the first the template has, and
    their numbers rule a merged cell out. A value merged down a column from the row above
    covers one cell of each row under it, so that each row's sixth number, its total, is the
    sum of the five before it and the one covered value, the same on every row: where two
    rows tell different covered values, or one a value below 0, the sixth number is no total.
    (Where every row's sum agrees with one covered value, a run of 0s or of blanks merged
    down, which it is is not known.)"""
    if not any(
        other != code and len(r.values) >= n and labels.norm(r.values[n - 1].text)
        for other, r in rows.items()
    ):
        return True
    leaves = contract.RESULT_LEAVES[template]
    if code not in leaves or leaves[0] not in rows:
        return False
    shown = [r for c in leaves if (r := rows.get(c)) is not None]
    if not all(
        len(r.values) == n and r.padded and not labels.norm(r.values[-1].text) for r in shown
    ):
        return False
    covered = set()
    for r in shown:
        numbers = [read_value(t.text) for t in r.values[:-1]]
        if all(x is not None and x.value is not None for x in numbers):
            *before, sixth = [x.value for x in numbers if x is not None]
            covered.add(sixth - sum(before))
    return len(covered) > 1 or any(d < 0 for d in covered)


def _shown_values(vals: list[Token]) -> str:
    """A row's first cells as a problem line quotes them (a blank as 空)."""
    return "/".join(t.text or "空" for t in vals[:12])


def _fit(
    section: str,
    code: str,
    vals: list[Token],
    n: int,
    problems: Problems,
    trailing_empty: bool = False,
    ended: bool = True,
    grid_in_rows: bool = False,
    pad_cells: bool = False,
    grid_place: tuple[int, tuple[str, ...]] | None = None,
    copies_merged: bool = True,
    unnamed_column: bool = False,
    lacked: list[str] | None = None,
    covered_in_place: bool = False,
    first_td: int | None = None,
) -> list[Token | None] | None:
    """The row's value cells, one per template column, or None when which column each value
    belongs to is not certain (said in problems, and the row gives no values). `ended`: the
    page shows where the row ends (_align_in_place_blanks has placed its spare cells).

    The cells are taken in order when there are exactly as many as columns; blank cells past
    the last column are covered grid positions; a value repeated past the last column is a
    spanned cell's text written into every position it covers (converters do that), where
    the copy is such a converter's (`copies_merged`: the requests header repeats its merged
    headings too; a header that writes each heading once, over a column drawn beside 自然人's
    whose cells stand blank, left a row whose 其他 and 总计 say the same read from its first
    cell, the blank as 商业企业's and each value after it a column off); with
    `trailing_empty` (see _unspanned_html), the columns a short row lacks are its last ones.
    Anything else does not fit: fewer cells than columns means a merged value cell or a dropped
    one, more means a column the template lacks, and no rule of the layout says which is which.
    With `grid_in_rows` (a cell-a-line copy whose value rows write every grid position, see
    _writes_grid_rows), a row of more cells, or an ended row of as many, is read by
    _fit_grid_row: its covered positions told from its columns where only one place is
    possible (or told by the rows beside it, `grid_place`: _grid_rows_placed), else withheld.
    With `pad_cells` (_fillers_as_cells), blank cells past the last
    column may be fillers of a row a cell short: a row whose last column is blank too is
    withheld (_short_row_padded). `lacked`: the header's headings of columns the template
    lacks (_lacked_headings) left in the rows: a row's spare cells may be theirs, anywhere
    among its cells, and are no covered position or merged copy for certain.
    """
    if (
        lacked
        and len(vals) == n + len(lacked)
        and len({labels.norm(t.text) for t in vals}) == 1
        and _all_numbers(vals)
    ):
        # every column's cell shown, each the same number: each column's, wherever it stands
        # (a row a cell short may leave a blank anywhere)
        return vals[:n]
    if lacked:
        # (a 个体工商户 of 0 beside a 总计 of 0 repeats it; a blank 个体工商户 after 自然人 is a
        # blank in front; neither is told from a merged cell's copy)
        problems.flag(
            codes.CELLS_UNPLACED,
            f"{section}.{code}: {len(vals)} value cells where the template has {n} columns "
            f"({_shown_values(vals)}), under a header that names columns the template lacks "
            f"({'、'.join(lacked)}): which column each belongs to is not known, so none is read",
        )
        return None
    if len(vals) == n and not (grid_in_rows and ended):
        return list(vals)
    shown = _shown_values(vals)
    if len(vals) < n and trailing_empty:
        problems.flag(
            codes.CELLS_ASSUMED_EMPTY,
            f"{section}.{code}: {len(vals)} of {n} cells present; the last {n - len(vals)} "
            "are not drawn on the page and taken as empty",
        )
        return [*vals, *[None] * (n - len(vals))]
    if len(vals) < n:
        problems.flag(
            codes.CELLS_UNPLACED,
            f"{section}.{code}: {len(vals)} value cells where the template has {n} columns "
            f"({shown}); which column each belongs to is not known, so none is read",
        )
        return None
    if grid_in_rows:
        return _fit_grid_row(section, code, vals, n, problems, ended, grid_place)
    if unnamed_column:
        problems.flag(
            codes.CELLS_UNPLACED,
            f"{section}.{code}: {len(vals)} value cells where the template has {n} columns "
            f"({shown}), under a header whose 申请人情况 spans a column more than its headings "
            "name (a heading drawn two columns wide, or one left empty): which column each "
            "belongs to is not known, so none is read",
        )
        return None
    extra = [t for t in vals[n:] if labels.norm(t.text)]
    surplus = len(vals) - n
    if (
        extra
        and not ended
        and not any(labels.norm(t.text) for t in vals[:surplus])
        and any(labels.norm(t.text) for t in vals[surplus:])
    ):
        # as many blank cells in front as the row has too many, and a value past its columns
        # that repeats its last: a merged label cell's covered positions written in place (a
        # cell-a-line copy of the table's whole grid, its last value equal to the one before
        # it by chance) as well as blank values and a merged value cell's text copied behind; a
        # row that shows no end does not tell which
        problems.flag(
            codes.CELLS_UNPLACED,
            f"{section}.{code}: {len(vals)} value cells where the template has {n} columns "
            f"({shown}), the first {surplus} blank: whether they are the label's covered "
            "positions or values is not known, so none is read",
        )
        return None
    if not extra and pad_cells and _short_row_padded(vals, n):
        last = max((k for k, t in enumerate(vals) if labels.norm(t.text)), default=-1)
        problems.flag(
            codes.CELLS_UNPLACED,
            f"{section}.{code}: {last + 1} value cells before {len(vals) - last - 1} empty "
            f"ones where the template has {n} columns ({shown}), in a copy that writes its "
            "fillers as empty cells past a row's last column: the empty cells in its columns "
            "may be blank values or fillers (a value merged down from the row above, or across, "
            "leaves the row a cell short and a filler more); which column each value belongs "
            "to is not known, so none is read",
        )
        return None
    if not extra and first_td is not None and _reads_from_either_end(vals, n):
        placed = [t for t in vals if t.td is not None and first_td <= t.td < first_td + n]
        if [t.td for t in placed] == list(range(first_td, first_td + n)):
            # the copy writes every grid position in its place, and the table's rows of as
            # many cells as columns all start at one position: the row's columns stand there
            return placed
    if not extra and covered_in_place and _reads_from_two_places(vals, n):
        # blank cells past the last column, and as many blank in front: a copy that writes
        # a merged cell once and the positions it covers empty (pdfplumber's Markdown) leaves
        # a merged label's covered position in front of the values and, with 总计 left blank,
        # an empty last cell; a blank value in front and a covered position behind read the
        # same, and the two readings put the numbers a column apart
        problems.flag(
            codes.CELLS_UNPLACED,
            f"{section}.{code}: {len(vals)} value cells where the template has {n} columns "
            f"({shown}), blank at both ends: whether the blank(s) in front are a merged label "
            "cell's covered positions or values, and so which column each number belongs to, "
            "is not known; none is read",
        )
        return None
    if not extra or (
        copies_merged and all(labels.norm(t.text) == labels.norm(vals[n - 1].text) for t in extra)
    ):
        return vals[:n]
    problems.flag(
        codes.CELLS_UNPLACED,
        f"{section}.{code}: {len(vals)} value cells where the template has {n} columns "
        f"({shown}); which column each belongs to is not known, so none is read",
    )
    return None


def _columns_a_merge_down_may_fill(row: RawRow, rows: dict[str, RawRow], n: int) -> set[int]:
    """For a row of a text copy a cell short and blank: the columns where a value merged down
    over it may stand, those where the nearest row above that is not itself short and blank
    (rows under the same merged cell are) shows a number; every column where that row is a
    cell short too with a number in it (where its own merged cell stands is not known)."""
    line = row.values[0].tr or 0
    if row.values[0].table != 0:
        return set()
    above = sorted(
        (
            r
            for r in rows.values()
            if r.values
            and r.values[0].table == 0
            and (r.values[0].tr or 0) < line
            and r.block == row.block
        ),
        key=lambda r: r.values[0].tr or 0,
    )
    for r in reversed(above):
        numbers = [k for k, t in enumerate(r.values[:n]) if labels.norm(t.text)]
        if not numbers:
            continue  # blank: under the same merged cell as well, maybe
        placed = len(r.values) == n or (len(r.values) > n and labels.norm(r.values[n - 1].text))
        return set(numbers) if placed else set(range(n))
    return set()


def _read_blank_row_but(
    section: str,
    code: str,
    columns: tuple[contract.Column, ...],
    vals: list[Token],
    held: set[int],
    cells: list[Cell],
    problems: Problems,
) -> None:
    """A blank row that may be a cell short under a value merged down (see
    _columns_a_merge_down_may_fill): its `held` columns not read, the rest blank either way."""
    shown = ", ".join(columns[k].code for k in sorted(held))
    problems.flag(
        codes.CELLS_UNPLACED,
        f"{section}.{code}: {len(vals)} empty cells where the template has {len(columns)} "
        "columns, in a copy whose fillers do not tell a row a cell short: a value merged down "
        f"from a row above may cover one of its positions; {shown} (a number in that row) not "
        "read, the rest blank either way",
    )
    blank = vals[0]._replace(text="", td=None)
    for k, col in enumerate(columns):
        if k not in held:
            cells.append(_cell(section, code, col.code, blank, None, problems))


def _fillers_as_cells(rows: list[RawRow]) -> bool:
    """Whether a text copy writes its tables a cell a line and their fillers (the grid positions
    a row's merged cells cover, and more past its last column) as lone `|` lines, which read
    as empty cells: every value cell on a line of its own, no value row closed by a line of
    several bars, and a row ending in an empty cell. The seed's copy writes a row's fillers
    as one line (`||`, `|||`), a lone `|` only for a single covered position, so a row a cell
    short there shows a line of bars, not an empty cell more: a copy that closes a value row
    with such a line anywhere groups its fillers."""
    shown = [r for r in rows if r.values and _has_number(r.values)]
    return (
        bool(shown)
        and all(t.table == 0 and t.kind == CELL for r in shown for t in r.values)
        and all(len({t.tr for t in r.values}) == len(r.values) for r in shown)
        and not any(r.padded for r in shown)
        and any(not labels.norm(r.values[-1].text) and len(r.values) > 1 for r in shown)
    )


def _first_column_at(rows: dict[str, RawRow], width: dict[str, int]) -> int | None:
    """Where the first column stands in a text copy that writes every grid position (its td),
    when the table's rows of exactly as many cells as columns all start there; else None."""
    starts = {
        r.values[0].td
        for code, r in rows.items()
        if r.values and len(r.values) == width.get(code) and r.values[0].table == 0
    }
    return starts.pop() if len(starts) == 1 and None not in starts else None


def _reads_from_either_end(vals: list[Token], n: int) -> bool:
    """Whether a row of more cells than columns, its cells past the last column all blank,
    has as many blank cells in front, and its values read from its first cell and from its
    last place a number differently: which end its spare cells stand at, the row does not
    tell."""
    surplus = len(vals) - n
    texts = [labels.norm(t.text) for t in vals]
    if surplus <= 0 or any(texts[n:]) or any(texts[:surplus]):
        return False
    return texts[:n] != texts[surplus:]


def _reads_from_two_places(vals: list[Token], n: int) -> bool:
    """Whether a row of more cells than columns reads as n columns from two places that put
    a number differently, blank cells only in front of each and behind it. In a table written
    wider than the requests table (one table with the other sections, their columns drawn
    blank in its rows), the blank cells behind are more than the blank in front: a merged
    label's covered position in front of the values and a 总计 left blank read the same as a
    blank first value and the 总计 a covered position (_reads_from_either_end)."""
    texts = [labels.norm(t.text) for t in vals]
    readings = {
        tuple(texts[s : s + n])
        for s in range(len(vals) - n + 1)
        if not any(texts[:s]) and not any(texts[s + n :])
    }
    return len(readings) > 1


def _short_row_padded(vals: list[Token], n: int) -> bool:
    """Whether a row of a copy whose fillers read as empty cells (_fillers_as_cells) shows
    more cells than columns, the surplus empty, and its last column empty too. A row a value
    merged down from the row above (or across) covers a position of shows a cell fewer and a
    filler more, so its last column read is a filler and its values stand a column off; a row
    whose last column is blank reads the same. A row whose columns all hold a value has its
    fillers behind them, certain."""
    return (
        len(vals) > n
        and not labels.norm(vals[n - 1].text)
        and any(labels.norm(t.text) for t in vals[:n])
    )


def _writes_grid_rows(
    rows: dict[str, RawRow],
    width: dict[str, int],
    header_grid: list[list[str]] | None,
    serial: bool = False,
) -> bool:
    """Whether the requests table is a cell-a-line copy whose value rows write every grid
    position (a merged label's or value's covered positions as empty cells in place) while
    its header writes none in place: its rows end in fillers (`||`, pad lines, where the
    seed's copy closes its value rows the same way), or it writes no covered position at all.
    A row that shows more cells than columns, the first empty and the last not, has its
    surplus in front, where only positions its label covers stand (the seed's copy writes a
    lone `|` filler after a row's last cell: a surplus behind). The cells of columns drawn
    after 总计 (_headings_after_total) are no surplus: a row of the seed's copy closing on
    its remark (无, /, a figure) and blank in its first column shows more cells than columns
    only by them. A copy whose header writes its merged headings' covered positions in place
    (the table's whole grid, _grid_writes_covered_blank; four empty positions at least
    between two headings, as 法人或其他组织 covers) writes its value rows' so too, whether or
    not a row shows it: read as the seed's copy, a row's last value repeated behind it (the cell
    of the next row's label's covered position blank after it) was taken for a merged
    cell's copy and the row read from its first cell, its label's covered position as a
    blank first column and every value a column off."""
    text_rows = [r for r in rows.values() if r.values]
    # one cell a line (`0 |`, or between separator lines): a pipe row of several cells a line
    # writes a blank cell in front of its values as a blank (`四、结转… |  | 0 | … ||`)
    if any(t.table for r in text_rows for t in r.values) or not _a_cell_a_line(text_rows):
        return False
    if _grid_writes_covered_blank(header_grid, rows.values(), serial) and any(
        b - a > 4 + serial
        for row in header_grid or []
        for a, b in itertools.pairwise(k for k, w in enumerate(row) if w)
    ):
        # (法人或其他组织's covered positions in place, four empty ones before 总计 at least:
        # a heading left blank leaves one)
        return True
    after = len(_headings_after_total(header_grid, unheaded=True))
    return any(
        len(r.values) > width.get(code, len(r.values)) + (0 if r.words_after else after)
        and r.values[-1].text.strip()
        and not r.values[0].text.strip()
        for code, r in rows.items()
    )


def _a_cell_a_line(rows: list[RawRow]) -> bool:
    """Whether each written value cell of the rows stands on a line of its own (a copy writing
    a cell a line, `0 |` or cells between separator lines, numbers no field in a row)."""
    return all(
        len({t.tr for t in shown}) == len(shown)
        for r in rows
        if (shown := [t for t in r.values if t.text.strip()])
    )


def _grid_places(vals: list[Token], n: int) -> range:
    """The numbers of empty cells in front of a row's columns possible in a copy whose value
    rows write every grid position (_fit_grid_row): as many as lead at most, and the surplus
    less as many as close the row at least."""
    surplus = len(vals) - n
    empty = [not t.text.strip() for t in vals]
    lead = next((i for i, e in enumerate(empty) if not e), len(vals))
    trail = next((i for i, e in enumerate(reversed(empty)) if not e), len(vals))
    return range(max(0, surplus - trail), min(surplus, lead) + 1)


def _grid_rows_placed(
    rows: list[RawRow], by_code: dict[str, RawRow], template_rows: Sequence[contract.Row]
) -> dict[str, tuple[int, tuple[str, ...]]]:
    """In a copy whose value rows write every grid position (_writes_grid_rows), the place of
    the rows whose empty cells at both ends leave it open (a blank first and last column),
    told by the rows beside them: code -> (empty cells in front, the row's cells' texts).

    Between a row's label and the next row's stand the positions its label covers (k, in
    front of its columns), its columns and the positions in front of the next row's label
    (after). Where no label opens between two rows (the next in the template, of the same
    group: the rows inside 不予公开, or 一、 and 二、), the positions after the one and in front
    of the other make up the label columns but one: the same sum for every such pair of a
    regular grid, of rows of one kind (the parts of a result group, which stand under two
    labels merged down; the copy's empty lines between a row's end and the next label are
    not always cells, so pairs of other kinds may count otherwise). Pairs whose both rows
    show where their columns start tell the sum of their kind; only where they tell one, two
    pairs at least and none other, is a row of that kind placed by a neighbour whose place is
    known, and only where every neighbour that tells agrees and every pair placed so still
    gives the sum. A row whose end the page shows (a lone bar may have taken its last
    position) is neither placed nor a neighbour that tells: a blank line that may be a lost
    cell leaves the row withheld."""
    group = {r.code: r.group for r in template_rows}
    order = {r.code: i for i, r in enumerate(template_rows)}
    n = {r.code: len(r.columns) for r in template_rows}
    if any(
        (
            len(r.values) > n[code]
            and labels.norm(r.values[0].text)
            and labels.norm(r.values[-1].text)
        )
        or len(r.values) >= 2 * n[code]
        for code, r in by_code.items()
        if code in n
    ):
        # a row with numbers at both ends and more cells than columns (no position a label
        # covers in it) draws a column the template lacks among its own (自然人 two columns
        # wide, its second blank): every row holds it somewhere, and the sums of positions
        # between rows place a row's values a column off. A row of twice its columns' cells
        # or more took the cells of a row whose label was lost (a row without label): the
        # rows beside it are not the template's neighbours
        return {}
    seq: list[RawRow | None] = [
        r
        if r.code in order
        and by_code.get(r.code) is r
        and not (r.hard and not r.padded)  # (fillers closing a row are its end: _fit)
        and len(r.values) >= n[r.code]  # type: ignore[index]
        else None
        for r in rows
    ]
    places = [_grid_places(r.values, n[r.code]) if r else range(0) for r in seq]  # type: ignore[index]

    def beside(i: int) -> bool:
        """Whether rows i and i + 1 stand together with no label opening between them."""
        a, b = seq[i], seq[i + 1]
        return (
            a is not None
            and b is not None
            and order[b.code] == order[a.code] + 1  # type: ignore[index]
            and group[a.code] == group[b.code]  # type: ignore[index]
        )

    def after(i: int, k: int) -> int:
        return len(seq[i].values) - n[seq[i].code] - k  # type: ignore[union-attr, index]

    def kind(i: int) -> str | None:
        """The pair's kind: the rows of a result group's parts (不予公开's…), of 三、, or none."""
        g = group[seq[i].code]  # type: ignore[union-attr, index]
        return g if g in (None, "results") else "part"

    known = {i: p[0] for i, p in enumerate(places) if len(p) == 1}
    pairs = [i for i in range(len(seq) - 1) if beside(i)]
    sums: dict[str | None, set[int]] = {}
    told_by: Counter[str | None] = Counter()
    for i in pairs:
        if i in known and i + 1 in known:
            sums.setdefault(kind(i), set()).add(after(i, known[i]) + known[i + 1])
            told_by[kind(i)] += 1
    total = {g: sum_.pop() for g, sum_ in sums.items() if len(sum_) == 1 and told_by[g] >= 2}
    placed: dict[int, int] = {}
    while True:
        found = {}
        for i, p in enumerate(places):
            if len(p) < 2 or i in known:
                continue
            told = set()
            if i > 0 and beside(i - 1) and i - 1 in known and kind(i) in total:
                told.add(total[kind(i)] - after(i - 1, known[i - 1]))
            if i + 1 < len(seq) and beside(i) and i + 1 in known and kind(i) in total:
                told.add(after(i, 0) - (total[kind(i)] - known[i + 1]))
            if len(told) == 1 and (k := told.pop()) in p:
                found[i] = k
        if not found:
            break
        known |= found
        placed |= found
    if any(
        after(i, known[i]) + known[i + 1] != total.get(kind(i))
        for i in pairs
        if {i, i + 1} <= known.keys() and (i in placed or i + 1 in placed)
    ):
        return {}
    return {
        seq[i].code: (k, tuple(t.text for t in seq[i].values))  # type: ignore[union-attr, misc]
        for i, k in placed.items()
    }


def _fit_grid_row(
    section: str,
    code: str,
    vals: list[Token],
    n: int,
    problems: Problems,
    ended: bool,
    place: tuple[int, tuple[str, ...]] | None = None,
) -> list[Token | None] | None:
    """A row of more cells than columns in a cell-a-line copy whose header rows end in fillers
    for the positions their merged headings cover but whose value rows write every grid
    position, a covered one as an empty cell in place. Between the row's label and the next
    row's stand the positions its label covers (in front), its columns, and the positions the
    next row's labels merged down cover (behind): empty cells, as a blank value may be. The
    columns are the row's cells from k on, where k empty cells lead and the surplus less k
    close the row; read only where one k is possible (or every possible k reads the same),
    else which cells are covered positions and which are blank values is not known. A row
    `ended` by a lone bar (a copy whose rows close so, as the dialect of its lines says) may
    have lost its last position to it: the row is read as well with one more empty cell.
    A row whose empty cells at both ends leave its place open is read where the rows beside
    it tell it (`place`: _grid_rows_placed), its cells as they were then.
    """
    blank = vals[-1]._replace(text="")
    readings: dict[tuple[str, ...], tuple[int, int, list[Token]]] = {}
    for cells in (vals, [*vals, blank]) if ended else (vals,):
        surplus = len(cells) - n
        for k in _grid_places(cells, n):
            readings.setdefault(
                tuple(t.text for t in cells[k : k + n]), (k, surplus - k, cells[k : k + n])
            )
    told = ""
    if len(readings) > 1 and place is not None and not ended:
        k, texts = place
        if texts == tuple(t.text for t in vals):
            readings = {texts[k : k + n]: (k, len(vals) - n - k, vals[k : k + n])}
            told = (
                "; where its blank first and last columns stand is told by the rows of its "
                "group beside it"
            )
    if len(readings) == 1:
        ((before, after, cells),) = readings.values()
        covered = [
            f"{count} empty cell(s) {where} the values are positions {whose} cover{s}"
            for count, where, whose, s in (
                (before, "before", "its label", "s"),
                (after, "after", "the next row's labels", ""),
            )
            if count
        ]
        if covered:  # a row of as many cells as columns, none covered, says nothing
            problems.append(
                f"{section}.{code}: {', '.join(covered)} (the copy writes every grid position "
                f"of its value rows){told}"
            )
        return list(cells)
    shown = "/".join(t.text or "空" for t in vals[:12])
    problems.flag(
        codes.CELLS_UNPLACED,
        f"{section}.{code}: {len(vals)} value cells where the template has {n} columns "
        f"({shown}), in a table whose header writes no position its merged cells cover in "
        "place (fillers at its rows' ends, or none) and whose value rows write every grid "
        "position: which empty cells are covered positions and which are blank values is not "
        "known, so none is read",
    )
    return None


#: a position of a requests row that a value cell of a row above covers: the row, the index of
#: its column among the row's cells, and the merged cell
_Covered = tuple[str, int, Token]


def _merged_down_rows(
    by_code: dict[str, RawRow],
    spanned_cells: dict[int, list[Token]],
    header_at: list[tuple[int | None, int | None]],
) -> list[_Covered]:
    """Requests rows of an HTML table that fall short of cells because a value cell of a row
    above is merged down over them (rowspan), made whole: where the table's grid is regular,
    each such row's cells are put in its grid's columns, a blank cell in each position the
    merged cell covers (`by_code` is updated). Returns those positions, whose value
    _merged_values reads or withholds.

    Regular: the header's rows and every requests row of the table fill the same number of
    grid columns, W; every row's value cells and the covered positions are the last seven
    (its label cells stand before them); and each covered position's cell is a value cell of a
    requests row above, one column wide. Anything else leaves the rows as they are."""
    n = len(contract.REQUEST_COLUMNS)
    tables = {
        r.values[0].table
        for r in by_code.values()
        if 0 < len(r.values) < n and r.values[0].table in spanned_cells
    }
    out: list[_Covered] = []
    for table in tables:
        rows = {code: r for code, r in by_code.items() if r.values and r.values[0].table == table}
        made = _rows_by_grid(rows, spanned_cells[table], {tr for t, tr in header_at if t == table})
        if made is None:
            continue
        for code, (values, covered) in made.items():
            by_code[code] = replace(by_code[code], values=values)
            out.extend((code, k, tok) for k, tok in covered)
    return out


def _rows_by_grid(
    rows: dict[str, RawRow], cells: list[Token], header_trs: set[int | None]
) -> dict[str, tuple[list[Token], list[tuple[int, Token]]]] | None:
    """_merged_down_rows for one table: each short row's cells in its grid's columns and its
    covered positions (index, merged cell); None where the grid is not regular."""
    n = len(contract.REQUEST_COLUMNS)
    trs = {r.values[0].tr for r in rows.values()}
    if (
        not header_trs
        or None in header_trs
        or len(trs) != len(rows)
        or any(t.tr != r.values[0].tr for r in rows.values() for t in r.values)
    ):
        return None  # a row's cells over several lines, or the header in another table
    grid = lay_out(cells)
    if grid is None:
        return None
    width = len(grid.filled.get(next(iter(trs)), ()))
    if width <= n or any(
        grid.filled.get(tr) != set(range(width))
        for tr in trs | header_trs  # type: ignore[operator]
    ):
        return None
    value_cells = {(t.tr, t.td) for r in rows.values() for t in r.values}
    first = width - n
    by_tr: dict[int | None, list[Token]] = {}
    for tok in cells:
        by_tr.setdefault(tok.tr, []).append(tok)
    out: dict[str, tuple[list[Token], list[tuple[int, Token]]]] = {}
    for code, r in rows.items():
        tr = r.values[0].tr
        at: dict[int, Token] = {}
        for tok in by_tr[tr]:
            column = grid.column[(tr, tok.td)]  # type: ignore[index]
            if (tr, tok.td) not in value_cells:
                if column + tok.colspan > first:
                    return None  # a label cell over the value columns
            elif tok.colspan != 1 or column < first:
                return None
            else:
                at[column] = tok
        covered: list[tuple[int, Token]] = []
        for column in range(first, width):
            above = grid.covered_by.get((tr, column))  # type: ignore[arg-type]
            if above is None:
                continue
            if (above.tr, above.td) not in value_cells or above.colspan != 1:
                return None  # a label or heading cell over a value column
            covered.append((column - first, above))
            at[column] = r.values[0]._replace(text="", td=None, span=False, rowspan=1)
        if sorted(at) != list(range(first, width)):
            return None
        if covered:
            out[code] = ([at[c] for c in range(first, width)], covered)
    return out


def _covered_not_laid_out(
    by_code: dict[str, RawRow],
    spanned_cells: dict[int, list[Token]],
    covered: list[_Covered],
    problems: Problems,
) -> set[str]:
    """Requests rows a value cell of a row above is merged down over (its grid says so) that
    _merged_down_rows did not make whole (`covered`: the rows it did): their codes, each said.
    Such a row's own cells do not stand in the columns their order gives: a table whose rows
    run on past the seven value columns with empty cells (a Word table laid out on a wider
    grid, a page's padding cells) has the row still seven cells long or more, every value after
    the merged cell read a column to the left, the last from an empty cell."""
    made = {code for code, _, _ in covered}
    value_cells: set[tuple[int | None, int | None]] | None = None
    withheld: set[str] = set()
    for table, cells in spanned_cells.items():
        rows = {
            code: r
            for code, r in by_code.items()
            if code not in made and r.values and r.values[0].table == table
        }
        if not rows:
            continue
        grid = lay_out(cells)
        if grid is None:
            continue
        if value_cells is None:
            value_cells = {(t.tr, t.td) for r in by_code.values() for t in r.values}
        under = {}
        for (tr, _), tok in grid.covered_by.items():
            if (tok.tr, tok.td) in value_cells:
                under.setdefault(tr, tok)
        for code, r in rows.items():
            tok = under.get(r.values[0].tr)
            if tok is not None:
                withheld.add(code)
                problems.flag(
                    codes.CELLS_UNPLACED,
                    f"requests.{code}: the cell {tok.text or '空'!r} merged down over this row "
                    "from a row above stands in one of its columns, and the row's cells do not "
                    "fill the table's grid as its other rows do: which column each of them is, "
                    "is not certain, so the row gives none",
                )
            elif wide := _merged_across(r.values):
                withheld.add(code)
                problems.flag(
                    codes.CELLS_UNPLACED,
                    f"requests.{code}: the cell {wide.text or '空'!r} is merged across "
                    f"{wide.colspan} columns among the row's values: whether it is each "
                    "column's value or one figure for them, and which columns the cells after "
                    "it stand in, is not certain, so the row gives none",
                )
    return withheld


def _merged_across(values: list[Token]) -> Token | None:
    """A value cell merged across columns (colspan) before the row's last number, in a row
    whose cells up to that number are fewer than the template's columns: its cells after
    the last number are the row's padding to the table's width, or its own blank cells, and
    counted one a column every value after the merged cell went a column to the left. A row
    with a cell for every column up to its last number is read by their order, as a page
    whose exporter adds spans to its data cells is (a colspan="2" that the header's grid does
    not have)."""
    last = max((k for k, t in enumerate(values) if not _blank(t)), default=-1)
    if last + 1 >= len(contract.REQUEST_COLUMNS):
        return None
    return next((t for t in values[: last + 1] if t.colspan > 1), None)


def _merged_values(
    cells: list[Cell],
    covered: list[_Covered],
    columns: tuple[contract.Column, ...],
    template: str,
    problems: Problems,
) -> tuple[list[Cell], bool]:
    """The cells with the positions a value merged down a column covers (their blank cells
    from _merged_down_rows) read or withheld, and whether every one is read.

    A merged cell may be each row's value drawn once (0 0 0 merged into one 0) or one figure
    for the rows together (a 小计 drawn beside them): the page does not tell which. Where the
    value is 0 or blank both readings give each row that value. Else the repeated reading is
    taken only where the tally identities decide it: none that reads the merged cells fails
    with it, and one holds with every cell it reads a number that reads all of them on one side
    (a column's sum: k rows of v, where one figure for them would give v), or each of the rows
    is pinned to v by one that reads no other of them (its row total). Elsewhere neither the
    covered positions nor the row the cell stands in give a value, and the problems say so."""
    under: dict[Token, list[tuple[str, str, str]]] = {}
    for code, k, tok in covered:
        under.setdefault(tok, []).append(("requests", code, columns[k].code))
    read_at = {(c.table, c.tr, c.td): c for c in cells if c.td is not None}
    grid = {(c.section, c.row, c.col): c.value for c in cells}
    # each merged cell's keys: the row it stands in, then the rows it covers
    spans: dict[Token, list[tuple[str, str, str]]] = {}
    for tok, keys in under.items():
        first = read_at.get((tok.table, tok.tr, tok.td))
        if first is None or any(key[2] != first.col for key in keys):
            problems.flag(
                codes.CELLS_UNPLACED,
                f"requests.{keys[0][1]}.{keys[0][2]}: the cell {tok.text!r} merged down over "
                "this row from a row above is not read there, so the rows under it give none",
            )
            continue
        spans[tok] = [("requests", first.row, first.col), *keys]
        for key in keys:
            grid[key] = first.value
    plan = tally.identities(template, any(c.row == "other" for c in cells))
    read: dict[tuple[str, str, str], Cell] = {}
    withheld: set[tuple[str, str, str]] = set()  # and the rows the undecided cells stand in
    for tok, keys in spans.items():
        value = grid[keys[0]]
        others = {k for t, ks in spans.items() if t != tok for k in ks[1:]}
        if _repeated_reading_holds(grid, set(keys), others, value, plan):
            problems.append(
                f"requests.{keys[0][1]}.{keys[0][2]}: the cell {tok.text or '空'!r} is merged "
                f"down over the rows {', '.join(k[1] for k in keys[1:])}; read for each of them"
            )
            read.update(
                (key, Cell(*key, value, tok.text, tok.table, tok.tr, tok.td)) for key in keys[1:]
            )
        else:
            problems.flag(
                codes.CELLS_UNPLACED,
                f"requests.{keys[0][1]}.{keys[0][2]}: the cell {tok.text!r} is merged down over "
                f"the rows {', '.join(k[1] for k in keys[1:])}; whether it is each row's value "
                "or one figure for them together (a 小计), no sum tells, so none of them gives "
                "one",
            )
            withheld.add(keys[0])
    withheld |= {key for keys in under.values() for key in keys} - read.keys()
    out = [read.get((c.section, c.row, c.col), c) for c in cells]
    return [c for c in out if (c.section, c.row, c.col) not in withheld], not withheld


def _repeats_merged(header_grid: list[list[str]] | None) -> bool:
    """Whether the requests header is a copy that writes a merged cell's text into every
    position it covers (法人或其他组织 over five columns written five times: a converter's
    Markdown): two neighbouring cells of a header row say the same."""
    return any(a and a == b for row in header_grid or [] for a, b in itertools.pairwise(row))


def _runs_a_sum_contradicts(
    cells: list[Cell], template: str, problems: Problems
) -> tuple[list[Cell], bool]:
    """The requests cells without those of a run of one number (not 0) down a column, on
    neighbouring rows, that the tally identities contradict, and whether none was left out. A
    copy that writes a merged cell's text into every position it covers (a converter's
    Markdown) draws one figure for the rows together (a 小计 merged down) as each row's: read
    so, every row got the sum. A run is contradicted by an identity that reads it and fails
    whatever its blank cells hold (its side without blanks short of the numbers on the other:
    a 总计 in the run, its results above it in the run too), or by a column's sum that is off
    by the run's number counted once for each row but one (holding with it counted once). Equal
    values the sums do not contradict are read."""
    grid = {(c.section, c.row, c.col): c.value for c in cells}
    sums = []
    for _, _, _, left, right in tally.identities(template, any(c.row == "other" for c in cells)):
        left_sum, left_full = _sum_of(grid, left)
        right_sum, right_full = _sum_of(grid, right)
        diff = left_sum - right_sum
        # blank cells count 0 or more: a side that has them can only grow
        beyond = (right_full and diff > tally.EPSILON) or (left_full and diff < -tally.EPSILON)
        sums.append((set(left), set(right), diff, beyond))
    if all(abs(diff) <= tally.EPSILON for _, _, diff, _ in sums):
        return cells, True
    order = [r.code for r in contract.rows(template, "requests")]
    held: set[tuple[str, str, str]] = set()
    for col in contract.REQUEST_COLUMNS:
        run: list[tuple[str, str, str]] = []
        for code in [*order, None]:
            key = ("requests", code, col.code) if code else None
            value = grid.get(key) if key else None
            if run and value is not None and value == grid[run[0]]:
                run.append(key)  # type: ignore[arg-type]
                continue
            if len(run) > 1 and _run_contradicted(set(run), grid[run[0]] or 0, sums):
                held |= set(run)
                problems.flag(
                    codes.CELLS_UNPLACED,
                    f"requests.{col.code}: the rows {', '.join(k[1] for k in run)} show one "
                    f"number ({grid[run[0]]}) down the column, which the sums contradict: it "
                    "may be one merged figure for the rows together, copied into each; none "
                    "of them is read",
                )
            run = [key] if key is not None and value not in (None, 0) else []
    return [c for c in cells if (c.section, c.row, c.col) not in held], not held


#: more blank 总计 cells than a value merged down the column leaves: the table's own habit
_BLANK_TOTALS_A_HABIT = 4


def _blanks_after_a_contradicted_number(
    cells: list[Cell], template: str, problems: Problems
) -> tuple[list[Cell], bool]:
    """The requests cells without each number whose neighbours after it (down its column, or
    along its row) are drawn blank where a tally identity contradicts it, those blanks with
    it; and whether none was left out.

    A copy that draws a merged cell once and the positions it covers as blank cells (a
    laid-out text copy, a Markdown copy writing covered cells empty) looks like a number with
    blanks after it: the merged figure is each covered row's value (0 0 0 drawn as one 0), or
    one figure for them together (a 小计 drawn beside them), or the blanks are blanks. A table
    that writes blanks as its habit looks the same. The page tells which only where an
    identity that reads the number fails with every cell it reads a number or one of those
    blanks: the number is not its row's alone (a 小计), or the blanks are not empty (a value
    drawn once for them). Then neither the number nor the blanks give a value. A table that
    leaves its 总计 column blank on more rows than a merge covers leaves it so by habit: its
    blank totals are read as blank."""
    if not any(c.value is None and c.raw is not None and not c.raw.strip() for c in cells):
        return cells, True  # no blank drawn: nothing after a number (most tables, no sums)
    grid = {(c.section, c.row, c.col): c for c in cells}
    plan = tally.identities(template, any(c.row == "other" for c in cells))
    failing = []
    for _, _, _, left, right in plan:
        left_sum, _ = _sum_of_cells(grid, left)
        right_sum, _ = _sum_of_cells(grid, right)
        if abs(left_sum - right_sum) > tally.EPSILON:
            failing.append((set(left), set(right), left_sum - right_sum))
    if not failing:
        return cells, True
    rows = [
        r.code
        for r in contract.rows(template, "requests")
        if ("requests", r.code, "total") in grid or any(c.row == r.code for c in cells)
    ]
    columns = [c.code for c in contract.REQUEST_COLUMNS]

    def blank(key: tuple[str, str, str]) -> bool:
        # (a cell the row does not draw, taken as empty by the copy's rule, is said so already)
        c = grid.get(key)
        return c is not None and c.raw is not None and c.value is None and not c.raw.strip()

    def number(key: tuple[str, str, str]) -> bool:
        c = grid.get(key)
        return c is not None and c.value is not None

    habit = sum(blank(("requests", r, "total")) for r in rows) >= _BLANK_TOTALS_A_HABIT
    with_numbers = {c.row for c in cells if c.value is not None}
    runs = []
    for col in columns:
        # down a column: rows that show no number at all are cut off or left empty, not
        # covered by a cell above
        line = [("requests", r, col) for r in rows]
        for k, key in enumerate(line):
            after = list(
                itertools.takewhile(lambda x: blank(x) and x[1] in with_numbers, line[k + 1 :])
            )
            if number(key) and after and not (habit and col == "total"):
                runs.append((key, after))
    for r in rows:
        # along a row: blanks that end it are drawn (a row cut off draws none)
        line = [("requests", r, col) for col in columns]
        for k, key in enumerate(line):
            after = list(itertools.takewhile(blank, line[k + 1 :]))
            if habit:
                after = [x for x in after if x[2] != "total"]
            if k + 1 + len(after) == len(line) and any(grid[x].td is None for x in after):
                continue
            if number(key) and after:
                runs.append((key, after))
    held: set[tuple[str, str, str]] = set()
    for key, after in runs:
        value = grid[key].value or 0
        if any(
            key in left | right and _merge_explains(key, set(after), value, left, right, diff)
            for left, right, diff in failing
        ):
            held |= {key, *after}
            problems.flag(
                codes.CELLS_UNPLACED,
                f"requests.{key[1]}.{key[2]}: the number {grid[key].raw!r} has blank cells after "
                f"it ({', '.join(f'{x[1]}.{x[2]}' for x in after)}) and a sum that reads it "
                "fails: a cell merged over them drawn once (each one's value, or one figure "
                "for them together) or blanks, the page does not tell; none of them is read",
            )
    return [c for c in cells if (c.section, c.row, c.col) not in held], not held


def _draws_covered_blank(
    header_grid: list[list[str]] | None,
    rows: dict[str, RawRow],
    serial: bool = False,
    cut: int = 0,
) -> bool:
    """Whether the requests table is a text copy that writes a merged cell once, where it
    starts, and the grid positions it covers as empty cells in their places: text laid out by
    spaces (no blank cell written, each value where it stands), or a copy of the whole grid
    whose header writes a heading, an empty position and another heading in one row (法人或其他
    组织 |  |  |  |  | 总计: the group written once over its five columns; pdfplumber's,
    camelot's Markdown). An HTML table keeps its spans, and a copy that writes the covered
    positions at a row's end (the seed's) or repeats the merged text leaves none in place.
    `cut`: the cells of columns drawn after 总计 already left out of each row, still in the
    header's grid."""
    if any(t.table for r in rows.values() for t in r.values):
        return False  # an HTML table
    values = [t for r in rows.values() for t in r.values]
    if not values:
        return False
    return any(t.x is not None for t in values) or _grid_writes_covered_blank(
        header_grid, rows.values(), serial, cut
    )


def _covers_behind(rows: dict[str, RawRow]) -> bool:
    """Whether the requests rows of a cell-a-line copy show that it writes the positions a
    merged label covers behind a row, not in front: a row of a cell more than the columns
    that opens with a number and ends blank fits that reading alone (nothing covered stands
    in front of a number), and no such row reads the other way (blank in front, a number at
    its end) or holds numbers at both ends (a column the template lacks). A header's heading
    left blank, between two headings, reads as a merged heading's covered position written
    in its place; the rows tell the copy's way, and a row blank at both ends is read from
    its first cell."""
    n = len(contract.REQUEST_COLUMNS)
    behind = False
    for r in rows.values():
        if len(r.values) <= n:
            continue
        if len(r.values) > n + 1 or any(t.table or t.kind != CELL for t in r.values):
            return False
        if labels.norm(r.values[-1].text):
            return False
        behind = behind or bool(labels.norm(r.values[0].text))
    return behind


def _grid_writes_covered_blank(
    header_grid: list[list[str]] | None,
    rows: Iterable[RawRow],
    serial: bool = False,
    cut: int = 0,
) -> bool:
    """Whether a row of the requests header, as a text copy of the table's whole grid writes
    it (as many positions as the widest requests row), has an empty position between two
    headings: a merged heading written once, the positions it covers empty. (A header whose
    row ends are lost runs its lines into one row, the fillers that end each between them.)
    Under a 序号 heading (`serial`: running numbers in front of the labels) each header row
    below the first opens with the 序号 column's blank cell, which such a run of lines puts
    between two headings (申请人情况 | | 自然人): there a lone empty position tells nothing,
    and a merged heading written once leaves more (申请人情况 covers six or more). Rows whose
    `cut` cells of columns drawn after 总计 were left out are as many positions narrower
    (a 占比 column: its row's blank 总计 then reads as a covered position or as a value)."""
    gapped = [
        row
        for row in header_grid or []
        if any(b - a > 1 + serial for a, b in itertools.pairwise(k for k, w in enumerate(row) if w))
    ]
    if not gapped:
        return False  # (most headers: the rows' values need not be read)
    requests = [r for r in rows if r.section == "requests" and len(r.values) > 1]
    width = _widest(requests)
    # a copy writing a cell a line (`0 |`, or cells between separator lines) numbers no field
    # in a row: its header's positions are its cells, however many a row of it holds
    # (separator lines around an empty cell, or a pad line of bars after a row, may leave
    # empty fields on one line)
    return (bool(requests) and _a_cell_a_line(requests)) or any(
        len(row) in (width, width + cut) for row in gapped
    )


def _unread_rows(by_code: dict[str, RawRow], cells: list[Cell]) -> list[Cell]:
    """A row that shows a number and gives no values (which column each belongs to is not
    known), as a cell in the first column standing for all of them: any of its columns may
    hold a number merged down over the rows below it."""
    read = {c.row for c in cells}
    return [
        Cell(r.section, code, "", 0, None, r.values[0].table, r.values[0].tr, None)
        for code, r in by_code.items()
        if code not in read and r.values and _has_number(r.values)
    ]


def _blanks_a_merge_may_cover(
    cells: list[Cell], columns: tuple[contract.Column, ...], unread: list[Cell] | None = None
) -> dict[tuple[str, str, str], Cell]:
    """In a copy that writes a merged cell once and the positions it covers empty
    (_draws_covered_blank): each empty requests cell that a cell merged from a number may cover,
    and that number's cell. A merged cell covers a rectangle of positions from where it is
    written, down and to the right, every one of them written empty; its value may be each
    position's (0 0 0 written as one 0) or one figure for them together (a 小计), and the
    empties may as well be blank cells, which the sums, counting a blank as 0, cannot tell
    from a 0. Rows in the page's order, columns in the header's. An `unread` row (_unread_rows)
    may hold a number in any column.

    (A row withheld left no cell in the grid: the empty cells under it were read as blanks
    where its merged number covered them.)"""
    by_row: dict[str, dict[str, Cell]] = {}
    for c in cells:
        by_row.setdefault(c.row, {})[c.col] = c
    for u in unread or ():
        by_row[u.row] = {col.code: u._replace(col=col.code) for col in columns}
    order = sorted(
        by_row, key=lambda r: min((c.tr for c in by_row[r].values() if c.tr is not None), default=0)
    )
    codes_ = [c.code for c in columns]

    def empty(c: Cell | None) -> bool:
        return c is not None and c.value is None and c.raw is not None and not c.raw.strip()

    grid = [[by_row[r].get(col) for col in codes_] for r in order]
    width = len(codes_)
    # empty cells from each position rightwards, that one included
    run = [[0] * (width + 1) for _ in grid]
    for i, row in enumerate(grid):
        for j in range(width - 1, -1, -1):
            run[i][j] = run[i][j + 1] + 1 if empty(row[j]) else 0
    out: dict[tuple[str, str, str], Cell] = {}
    for i, row in enumerate(grid):
        for j, c in enumerate(row):
            if c is None or c.value is None:
                continue
            along = run[i][j + 1]
            reach = [(i, j + k) for k in range(1, along + 1)]
            wide = along + 1
            for d in range(i + 1, len(grid)):
                wide = min(wide, run[d][j])
                if not wide:
                    break
                reach.extend((d, j + k) for k in range(wide))
            for a, b in reach:
                x = grid[a][b]
                out.setdefault((x.section, x.row, x.col), c)  # type: ignore[union-attr]
    return out


#: what a number's text is made of where a line may break inside it
_NUMBER_PART = frozenset("0123456789.,，")


def _runs_on(before: RawRow, row: RawRow) -> bool:
    """Whether the numbers of `row`, in a TAB copy, may be the rest of the line of `before`:
    a terminal breaks a long line at a TAB, which stays at the end of the first piece
    (…0\t0\t / 0\t0) or opens the next (申请 / \t0\t0), or inside a number (…\t3 / 4\t0 for
    34). Such numbers are no label's after them, nor a row of their own: they are the row's
    before them, or the numbers of a label alone on that line (a label with no cells, and
    numbers that open with a TAB)."""
    if not before.values:
        # the line's opening empty field may have been set apart already (one field more
        # than the row's columns): its first number then stands second on its line
        first = row.values[0] if row.values else None
        opens = _opens_with_a_tab(row.values) or (
            first is not None and first.table == 0 and first.x is None and first.td == 2
        )
        return before.code not in (None, UNKNOWN) and opens
    if not row.values:
        return False
    last, first = before.values[-1], row.values[0]
    return _wrapped_tail(before.values, row.values) or (
        last.table == 0 == first.table
        and last.tr is not None
        and first.tr == last.tr + 1
        and "" in (last.text.strip(), first.text.strip())
    )


def _opens_with_a_tab(vals: list[Token]) -> bool:
    """Whether a row's numbers stand on a line of a TAB copy after its label's that opens with
    a TAB (an empty first cell, more cells after it on the line)."""
    if len(vals) < 2 or not _has_number(vals):
        return False
    first, second = vals[0], vals[1]
    return (
        first.kind == CELL
        and first.table == 0
        and first.x is None
        and first.td == 1
        and not first.text.strip()
        and second.tr == first.tr
    )


def _empty_at_a_break(sequence: list[Token]) -> bool:
    """Whether a row's fields run over several lines of a TAB copy and one of them ends in an
    empty field, or the next opens with one, where the lines meet: the TAB a terminal's break
    left there reads as an empty field that is no cell."""
    lines: list[list[Token]] = []
    for tok in sequence:
        if tok.table != 0 or tok.x is not None or tok.kind != CELL:
            return False
        if lines and lines[-1][-1].tr == tok.tr:
            lines[-1].append(tok)
        else:
            lines.append([tok])
    return any(
        (len(a) > 1 and not a[-1].text.strip()) or (len(b) > 1 and not b[0].text.strip())
        for a, b in itertools.pairwise(lines)
    )


def _long_line_before(tok: Token, tokens: list[Token] | None) -> bool:
    """Whether the line before `tok`'s holds more than one character: a piece of a line a
    terminal broke where a TAB no longer fit may be short (a label's line broken at its <br>
    before), but a label set vertically, one character a line, leaves the row's numbers after
    a line of one, which no terminal broke."""
    before = [t for t in tokens or [] if t.table == tok.table and t.tr == (tok.tr or 0) - 1]
    return sum(len(t.text.strip()) for t in before) > 1


def _wrapped_tail(row: list[Token], loose: list[Token], columns: int | None = None) -> bool:
    """Whether the loose line `loose` of a text copy may be the tail of `row`'s last number,
    wrapped onto the line after it: the row's line ends in a digit and the next line opens
    with one, or either side of the break is a number's point or thousands comma (881. / 59,
    881 / .59). A line broken at a width parts the row's cells between its two lines, one
    number's head and tail on either side: a loose line with more figures than the row's
    `columns` leave room for (a line of several figures after a row that shows all of its
    own, a subtotal whose label the copy lost) is no such tail; with no `columns` known, any
    such line may be."""
    if not row or not loose or row[-1].table != 0 or loose[0].table != 0:
        return False
    last, first = row[-1], loose[0]
    if last.tr is None or first.tr != last.tr + 1 or first.td not in (None, 0, 1):
        return False
    figures = sum(
        read is not None and read.value is not None
        for read in map(read_value, (t.text for t in (*row, *loose)))
    )
    if columns is not None and len(loose) > 1 and figures - 1 > columns:
        return False
    pair = last.text.rstrip()[-1:] + first.text.lstrip()[:1]
    return len(pair) == 2 and set(pair) <= _NUMBER_PART and any(ch.isdigit() for ch in pair)


#: the fewest numbers running 1, 2, 3 … that are a table's numbering of its rows
_FEWEST_RUNNING = 3


def _running_numbers(numbered: list[tuple[str, str | None]]) -> set[str]:
    """The rows whose wrapped-tail candidates are the rows' own numbers: `numbered` holds the
    lone figures of the table's loose lines in order, each with the row it may be the tail of;
    a run of _FEWEST_RUNNING or more, each one more than the last, is a 序号 column copied as
    a line of its own before each row (1 / 规章 3 5 / 2 / 行政许可 …). Tails of numbers
    wrapped at a width are what the break leaves of each, no count."""
    out: set[str] = set()
    run: list[str | None] = []
    last = None
    for text, code in (*numbered, ("", None)):
        n = int(text) if text.isdigit() and len(text) <= 3 else None
        if n is None or last is None or n != last + 1:
            if len(run) >= _FEWEST_RUNNING:
                out.update(c for c in run if c is not None)
            run = []
        if n is not None:
            run.append(code)
        last = n
    return out


def _enumeration_of(loose: list[Token], after: RawRow | None) -> bool:
    """Whether the loose figure is the number of the label after it, set apart from it (a
    label set vertically, one character a line: 8 / . / 属 / 于 …, or a line broken after
    the number): the label opens with the point or comma its number is written with."""
    return (
        len(loose) == 1
        and loose[0].text.strip().isdigit()
        and after is not None
        and (after.label or "")[:1] in ".．、"
    )


def _withhold_covered_blanks(
    cells: list[Cell], may_be_covered: dict[tuple[str, str, str], Cell], problems: Problems
) -> tuple[list[Cell], bool]:
    """The cells without the empty ones a merged cell may cover (_blanks_a_merge_may_cover)
    that are still read, and whether none was left out; the problems say which and why."""
    by_number: dict[tuple[str, str, str], list[tuple[str, str, str]]] = {}
    for c in cells:
        key = (c.section, c.row, c.col)
        number = may_be_covered.get(key)
        if number is not None:
            by_number.setdefault((number.section, number.row, number.col), []).append(key)
    if not by_number:
        return cells, True
    for (section, row, col), keys in by_number.items():
        number = may_be_covered[keys[0]]
        after = (
            f"the number {number.raw!r}"
            if number.raw is not None
            else "a cell of a row not read, which may hold a number,"
        )
        problems.flag(
            codes.CELLS_UNPLACED,
            f"{section}.{row}.{col}: the copy writes a merged cell once and the positions it "
            f"covers empty, and the empty cells after {after} "
            f"({', '.join(f'{k[1]}.{k[2]}' for k in keys)}) may be such positions (its value "
            "each, or one figure for them together) or blank cells, which the page does not "
            "tell (a sum counts a blank as 0); none of them is read",
        )
    held = {k for keys in by_number.values() for k in keys}
    return [c for c in cells if (c.section, c.row, c.col) not in held], False


def _merge_explains(
    key: tuple[str, str, str], after: set, value: float, left: set, right: set, diff: float
) -> bool:
    """Whether a cell merged over `key` and the blanks `after` it makes a failing identity
    (its sides' sums differ by `diff`) hold: its value each one's (the blanks `value` too), or
    one figure for them together (the number at `key` is its own part of `value`, from 0 to
    all of it, and the blanks hold the rest)."""
    each = diff + value * (len(after & left) - len(after & right))
    if abs(each) <= tally.EPSILON:
        return True
    if after & (left | right):
        return False  # (one figure for them read on one side: the sum is the same)
    sign = 1 if key in left else -1
    own = value - sign * diff
    return -tally.EPSILON <= own <= value + tally.EPSILON


def _sum_of_cells(grid: dict, keys: tuple) -> tuple[float, bool]:
    values = [c.value if (c := grid.get(k)) is not None else None for k in keys]
    return sum(v or 0 for v in values), all(v is not None for v in values)


def _run_contradicted(run: set, value: float, sums: list[tuple[set, set, float, bool]]) -> bool:
    """Whether an identity contradicts reading `value` in each of the run's rows (see
    _runs_a_sum_contradicts)."""
    surplus = value * (len(run) - 1)
    for left, right, diff, beyond in sums:
        if abs(diff) <= tally.EPSILON or not run & (left | right):
            continue
        if beyond:
            return True
        sign = 1 if run <= left else -1 if run <= right else 0
        if sign and abs(diff - sign * surplus) <= tally.EPSILON:
            return True
    return False


def _repeated_reading_holds(
    grid: dict[tuple[str, str, str], float | int | None],
    keys: set[tuple[str, str, str]],
    others: set[tuple[str, str, str]],
    value: float | None,
    plan: tuple[tuple[str, str, str, tuple, tuple], ...],
) -> bool:
    """Whether the tally identities decide that a merged cell's value is each of its rows'
    (`keys`, the grid holding it in each): see _merged_values. `others`: positions other
    merged cells cover, whose reading is not settled; an identity reading them decides
    nothing."""
    decided = value in (0, None)
    pinned: set[tuple[str, str, str]] = set()
    for _, _, _, left, right in plan:
        reads = keys & {*left, *right}
        if not reads:
            continue
        left_sum, left_full = _sum_of(grid, left)
        right_sum, right_full = _sum_of(grid, right)
        holds = abs(left_sum - right_sum) <= tally.EPSILON
        if not holds and left_full and right_full:
            return False  # the repeated reading contradicts the report
        if not holds or not (left_full and right_full) or others & {*left, *right}:
            continue
        if keys <= set(left) or keys <= set(right):
            decided = True
        elif len(reads) == 1:
            pinned |= reads
    return decided or pinned == keys


def _sum_of(grid: dict, keys: tuple) -> tuple[float, bool]:
    values = [grid.get(k) for k in keys]
    return sum(v or 0 for v in values), all(v is not None for v in values)


_APPLICANTS = ("自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计")
_HEADER_NON_COLUMNS = ("申请人情况", "法人或其他组织", "勾稽", "本列数据", "续表")


def _doubled_columns(
    header: list[str],
    rows: dict[str, RawRow],
    withheld: set[str],
    problems: Problems,
    fillers: bool = True,
    lacked: list[str] | tuple[str, ...] = (),
) -> None:
    """A converter that copies a merged cell's text into every grid position it covers shows
    an applicant heading drawn over two columns twice in the header's last row (自然人 |
    自然人 | 商业企业 …): each row's cell under the second is that merged cell's copy or a
    covered blank, not a column. Left out where it is one; where it is neither, the row's
    cells are not certain and it gives none. `fillers`: whether a row may be longer than the
    header's positions, blank past them (a grid as wide as a wider table beside it).
    `lacked`: headings of columns the template lacks (_lacked_headings) that may stand among
    the applicants' (自然人 | 自然人 | 商业企业 … 其他 | 小计 | 总计): their positions count."""
    doubled = _doubled_applicant(header, lacked)
    if doubled is None:
        return
    bottom, k = doubled
    for code, r in rows.items():
        # (a grid copy as wide as another section's table writes the rows blank past 总计:
        # fillers, not cells, and the copy under the doubled heading is there all the same)
        n = len(bottom)
        if code in withheld or len(r.values) < n or len(r.values) > n and not fillers:
            continue
        if any(labels.norm(t.text) for t in r.values[n:]):
            continue
        if _copy_or_blank(r.values, k):
            r.values = r.values[:k] + r.values[k + 1 :]
            continue
        withheld.add(code)
        shown = "/".join(t.text or "空" for t in r.values[:12])
        problems.flag(
            codes.CELLS_UNPLACED,
            f"requests.{code}: {len(r.values)} value cells under a header that draws "
            f"{bottom[k]} over two columns ({shown}), the second neither blank nor a copy of "
            "the first; which column each belongs to is not known, so none is read",
        )
    problems.append(
        f"requests: the header draws {bottom[k]} over two columns; each row's second cell "
        "under it is a copy or a blank, not a column"
    )


def _doubled_applicant(
    header: list[str], lacked: list[str] | tuple[str, ...] = ()
) -> tuple[list[str], int] | None:
    """The applicant headings of a header's last row, as a converter that copies a merged
    cell's text into every grid position it covers writes them, and the place of the second
    of a heading drawn twice side by side (自然人 | 自然人 | 商业企业 …); None where none is.
    `lacked`: headings of columns the template lacks counted among them where they stand
    (a 小计 between 其他 and 总计)."""
    if "商业企业" not in header:
        return None
    inside = {*_APPLICANTS, *lacked}
    end = len(header) - 1 - header[::-1].index("商业企业")
    start = end
    while start > 0 and header[start - 1] in inside:
        start -= 1
    while end + 1 < len(header) and header[end + 1] in inside:
        end += 1
    bottom = header[start : end + 1]
    k = _doubled_heading(bottom, besides="总计")
    if k is None or bottom[k] not in _APPLICANTS or len(set(bottom) - set(lacked)) != 7:
        return None
    return bottom, k


def _blank_column_and_end(rows: dict[str, RawRow], withheld: set[str], problems: Problems) -> None:
    """Every row of more cells than the template's columns, each blank past its last column,
    with another place blank in every one of them too: the blank at the end may be a covered position
    written behind the row, or a 总计 left blank while the other blank is a column drawn among
    the applicants' (自然人 two columns wide, or an empty heading cell behind it; a text copy
    keeps no colspan to tell). Both readings fit every row and put the numbers a column apart:
    none of the rows is read. (A first cell blank in every row is the label's covered
    position, judged where the copy writes them in place: _fit.)"""
    n = len(contract.REQUEST_COLUMNS)
    long = {code: r for code, r in rows.items() if code not in withheld and r.values}
    if len(long) < 2 or any(
        len(r.values) <= n or any(labels.norm(t.text) for t in r.values[n:]) for r in long.values()
    ):
        # (a copy whose rows show a cell too many only where a merged label covers a
        # position, its filler written as a cell, reads its other rows in full)
        return
    if not any(_has_number(r.values) for r in long.values()):
        return
    blank = [
        j for j in range(1, n) if not any(labels.norm(r.values[j].text) for r in long.values())
    ]
    if not blank:
        return
    for code, r in long.items():
        withheld.add(code)
        shown = "/".join(t.text or "空" for t in r.values[:12])
        problems.flag(
            codes.CELLS_UNPLACED,
            f"requests.{code}: {len(r.values)} value cells where the template has {n} columns "
            f"({shown}), blank past the last column and at place {blank[0] + 1} in every such "
            "row: whether the first blank past the columns is a covered position or a 总计 left blank (the other a "
            "column drawn among the applicants') is not known, so none is read",
        )


def _covered_beside_heading(
    grid: list[list[str]], rows: dict[str, RawRow], problems: Problems
) -> set[str] | None:
    """A copy of the table's whole grid that leaves the positions a merged cell covers blank
    (pdfplumber's, camelot's Markdown) draws an applicant heading two grid columns wide as the
    heading and a blank beside it (自然人 | 空 | 法人或其他组织 …), blank in every row of the
    header, while the header names all seven headings elsewhere: each row's cell under that
    blank is the merged value cell's covered position (blank) or its copy, not a column. Left
    out where it is one, before the rows' cells are counted; where it holds another number,
    which column that number is, is not known and the row gives none (its code is returned;
    None where the header draws no such heading). Read by count instead, a row whose last two
    cells are equal (其他 | 总计) took the blank for 商业企业 and moved every value a column
    right."""
    if any(t.table for r in rows.values() for t in r.values):
        return None  # an HTML table: its cells are not a copy's grid positions
    width = _widest(rows.values())
    # (a 小计 or 合计 beside a 总计 the row names is the group's subtotal, no 总计 drawn twice)
    lines = [
        [
            w if w in _TOTAL_SYNONYMS and "总计" in row else _HEADING_SYNONYMS.get(w, w)
            for w in _group_named(row)
        ]
        for row in grid
        if any(w in _APPLICANTS or w == _GROUP for w in _group_named(row))
    ]
    n = len(_APPLICANTS) + 1  # the seven columns and the covered position
    if not lines or width < n or any(len(row) != len(lines[0]) for row in lines):
        return None  # not a copy of the grid, each row a cell for every position
    # a grid as wide as a wider table beside it (one table holding all three sections: 四's
    # fifteen columns) writes its header and rows blank past 总计: fillers, not positions; its
    # header may leave the label cells out in front (勾稽 notes written over them), its first
    # position then the rows' `skip`+1-th
    skip = width - len(lines[0])
    if skip < 0:
        return None
    end = max((c + 1 for row in lines for c, w in enumerate(row) if w), default=0)
    fillers = n <= end < len(lines[0]) and not any(
        labels.norm(t.text) for r in rows.values() for t in r.values if t.td > end + skip
    )
    if fillers:
        width = end
        if any(t.td <= width - n + skip for r in rows.values() for t in r.values):
            # (rows that write a merged label's covered positions blank in front as well as
            # fillers behind are told by _fit, which weighs both ends)
            return None
    elif skip:
        return None  # not a copy of the whole grid, each row a cell for every position
    if any(w in _APPLICANTS or w == _GROUP for row in lines for w in row[: width - n]):
        return None  # a heading left of the value columns: the header does not stand over them
    # each position's heading: the lowest of its cells that is not blank (the group's name
    # stands over its first heading, at the same position)
    lowest = [
        next((row[c] for row in reversed(lines) if row[c]), "") for c in range(width - n, width)
    ]
    covered = [
        k
        for k in range(1, n)
        if lowest[k - 1] in _APPLICANTS
        and lowest[k] in ("", lowest[k - 1])
        and all(row[width - n + k] in ("", row[width - n + k - 1]) for row in lines)
    ]
    if len(covered) != 1:
        return None
    k = covered[0]
    heading = lowest[k - 1]
    if sorted(lowest[:k] + lowest[k + 1 :]) != sorted(_APPLICANTS):
        return None
    # the position in the row, as its cells' td count from 1 (the label's)
    k += width - n + skip
    withheld: set[str] = set()
    for code, r in rows.items():
        at = {t.td: i for i, t in enumerate(r.values)}
        if k + 1 not in at or at.get(k) != at[k + 1] - 1:
            continue
        if _copy_or_blank(r.values, at[k + 1]):
            r.values = [t for t in r.values if t.td != k + 1]
            continue
        why = (
            f"a number under the blank beside {heading}, which the header draws over two "
            "columns: which column each belongs to"
        )
        _withhold("requests", code, r, len(_APPLICANTS), why, problems, withheld)
    problems.append(
        f"requests: the header draws {heading} over two grid columns; each row's cell under "
        "the second is the covered position (blank) or a copy, not a column"
    )
    return withheld


def _doubled_heading(bottom: list[str], besides: str = "") -> int | None:
    """Where a header's last row, copied by a converter into every grid position, draws one
    heading twice side by side (a column two positions wide): the second's place; None where
    no heading, or more than one, is drawn so (`besides`: a heading not counted)."""
    doubled = [
        k for k in range(1, len(bottom)) if bottom[k] == bottom[k - 1] and bottom[k] != besides
    ]
    return doubled[0] if len(doubled) == 1 else None


def _copy_or_blank(values: list[Token], k: int) -> bool:
    """Whether the cell at `k`, under the second position of a doubled heading, is the copy of
    the cell before it or a covered blank, not a column's value."""
    cell = labels.norm(values[k].text)
    return not cell or cell == labels.norm(values[k - 1].text)


def _extra_columns(
    header: list[str],
    rows: dict[str, RawRow],
    problems: Problems,
    grid_rows_withheld: set[str] | None = None,
    in_columns: bool = False,
    rows_withheld: set[str] | None = None,
    unplaced: list[str] | None = None,
    after_total: bool = False,
) -> set[str]:
    """Columns the template lacks (个体工商户 beside 自然人): find their place among the data
    columns from the header and leave their values out, rather than shift every column.
    `grid_rows_withheld`: the table's rows write the positions their labels cover in front
    of their values (_writes_grid_rows), so the extra column's place in a row is not counted
    from its first cell: its rows are added there, none read. `in_columns`: the header is
    its columns' headings from left to right (_header_by_columns), the group word left out.
    `rows_withheld`: gets the rows that give no value (a row ending before an extra column).
    `unplaced`: the headings of columns the template lacks still in the rows (_lacked_headings),
    emptied where their cells are left out here. `after_total`: the header draws columns after
    总计 (备注), whose cells a row may still hold behind its columns.

    A heading of the template the header splits in two (其他企业 | 其他组织 for 其他) is not
    drawn: the rows get a blank cell in its place, and its column is returned, to be
    withheld (the two halves' values are left out as the other columns the template lacks)."""
    extra = [
        w for w in header if w not in _APPLICANTS and not any(n in w for n in _HEADER_NON_COLUMNS)
    ]
    # a flat header (the group's five headings in the row of 自然人 and 总计, no group word
    # over them) names each of the template's seven in its columns' order; a heading of its
    # own there is a column where it names a kind of applicant (个体工商户) or is a 小计 or
    # 合计 beside the 总计 it names, not a heading not read (口口口, 总计's as well as a
    # column's) beside a 总计 read from a 小计, nor a piece of a template heading wrapped or
    # run together (组织机构 of 法人或其他组织)
    flat = set(_APPLICANTS) <= set(header)
    if flat:
        own = _lacked_headings(header)
        flat = all(
            w in own and (_names_applicants(w, header) or w in _TOTAL_SYNONYMS) for w in extra
        )
    if not extra or (_GROUP not in header and not in_columns and not flat):
        return set()
    if "商业企业" not in header:
        return set()
    words = [*header, _GROUP] if in_columns else header  # (the group's words are no column)
    # a heading a converter copies into each grid position its merged cell covers (自然人 and
    # 总计 drawn down the header's rows, read once for each) names one column
    order = list(dict.fromkeys(_header_columns(header)))
    positions = [i for i, w in enumerate(order) if w in extra]
    kept = [w for w in order if w not in extra]
    lacking = [h for h in _APPLICANTS if h not in kept]
    if (
        not positions
        or len(order) != 7 - len(lacking) + len(positions)
        or kept != [h for h in _APPLICANTS if h in kept]
        or (lacking and not all(_names_applicants(order[i], words) for i in positions))
    ):
        return set()
    if lacking and any(
        len(r.values) > len(order)
        and labels.norm(r.values[0].text)
        and _has_number(r.values[len(order) :])
        for r in rows.values()
    ):
        # a row of more cells than the header's headings, written from its first cell on and
        # a number past them: the template's heading the header lacks is drawn (left blank or
        # misread), a column of its own, not split among the headings it lacks
        return set()
    if not any(_names_applicants(w, words) or w in _TOTAL_SYNONYMS for w in extra) and not any(
        len(r.values) >= len(order) and _has_number(r.values[len(order) - 1 :])
        for r in rows.values()
    ):
        # no row fills as many cells as the header has headings: a piece of a wrapped header
        # cell (（本列 / 数据的勾稽关系…) read as a heading, not a column (a text copy's
        # row may end in an empty field before its fillers, which is no cell). A 小计 or 合计
        # beside 总计 is a heading of its own, no such piece: every row short of its cells is
        # a table leaving its last column, 总计, blank (read so, the 小计 was each row's 总计)
        return set()
    if grid_rows_withheld is not None:
        grid_rows_withheld.update(code for code, r in rows.items() if r.values)
        problems.flag(
            codes.CELLS_UNPLACED,
            f"requests: the table has columns the template lacks ({', '.join(extra)}), and its "
            "value rows write the positions their labels cover in front of their values: which "
            "cell of a row stands in such a column is not known, so no row is read",
        )
        return set()
    off_sum: list[str] = []  # rows whose 总计, read so, is not the sum of the applicants'
    placed = 0  # rows whose 总计, read so, tells the columns' places
    blank_off_sum: list[str] = []  # rows whose 总计 is blank and whose applicants' is not 0
    written_totals = False  # whether a row writes its 总计
    unended: list[str] = []  # rows short of the header's columns, an extra column past their end
    overlong: list[str] = []  # rows of more cells than the header's columns, written past them
    # the extra columns that are kinds of applicant (个体工商户): their requests count in 总计,
    # so a row holding one not 0 there has a 总计 the template's six do not sum to
    own_kinds = [i for i in positions if _names_applicants(order[i], words)]
    counted: list[str] = []  # rows holding a number other than 0 in such a column
    for code, r in rows.items():
        # a row's cells stand from the first column on: those it shows of an extra column are
        # left out, also where it shows fewer cells than headings (a total left blank, a blank
        # written among the fillers, a row cut off): read in order, each value after the
        # extra column stood one column to the right. A row showing more cells than headings,
        # the first ones blank and the last written (a grid copy's positions of a label
        # merged across before the values, which end under the last heading): those blanks
        # are no values
        surplus = len(r.values) - len(order)
        if (
            surplus > 0
            and labels.norm(r.values[-1].text)
            and not any(labels.norm(t.text) for t in r.values[:surplus])
        ):
            r.values = r.values[surplus:]
        if (
            not after_total
            and len(r.values) > len(order)
            and labels.norm(r.values[0].text)
            and any(labels.norm(t.text) for t in r.values[len(order) :])
        ):
            # more cells than the header names columns, the first and one past them written
            # (a heading drawn
            # two columns wide whose second position the header leaves without a word, 自然人
            # | 空 | 商业企业 …): read from its first cell, each value after the unnamed
            # position stood a column right of its own, and the extra column's place in the
            # row is not told
            overlong.append(code)
        shown = r.values[: len(order)]
        if r.values and len(shown) < len(order) and max(positions) >= len(shown):
            # a row a cell short whose end falls before a column the template lacks (a 小计
            # after 总计): the cell it does not show is that column's, blank, or a blank of
            # its own a copy keeps no place for (a 总计 left blank between blank lines), and
            # read in order the 小计 was its 总计. Which, the row does not tell
            unended.append(code)
        if (
            not lacking
            and len(shown) == len(order)
            # (a text copy's row may end in an empty field before its fillers, no cell)
            and not any(labels.norm(t.text) for t in r.values[len(order) :])
        ):
            numbers = _numbers(shown, 0.0)
            kept = [v for i, v in enumerate(numbers) if i not in positions]
            more = [numbers[i] for i in positions]
            total = _numbers(shown, None)[max(set(range(len(numbers))) - set(positions))]
            if None not in kept and None not in more:
                # (a kind of applicant the template lacks, 个体工商户, counts in the total)
                six = sum(kept[:-1])  # type: ignore[arg-type]
                if total is None:
                    # a 总计 left blank: no sum to test where the table leaves every row's
                    # blank (filling only the （七）总计 row's, or none), a 0 where others write
                    # theirs (a blank read under 总计 from a column a place off)
                    if kept[-1] not in (six, six + sum(more)):  # type: ignore[arg-type]
                        blank_off_sum.append(code)
                elif kept[-1] not in (six, six + sum(more)):  # type: ignore[arg-type]
                    written_totals = True
                    off_sum.append(code)
                else:
                    written_totals = True
                    if six and (kept[-1] != six or six not in more):
                        # (the applicants' sum, not 0, under 总计 and no left-out cell, or
                        # with the left-out column's: a column a place off gives neither but
                        # by chance)
                        placed += 1
        if any(n for n in _numbers([shown[i] for i in own_kinds if i < len(shown)], None)):
            counted.append(code)
        r.values = [t for i, t in enumerate(r.values) if i not in positions]
        if unplaced is not None:
            unplaced.clear()
        for h in lacking:
            at = _APPLICANTS.index(h)
            if r.values and at <= len(r.values):
                blank = r.values[0]._replace(text="", td=None, x=None)
                r.values = [*r.values[:at], blank, *r.values[at:]]
    problems.flag(
        codes.CELLS_UNPLACED,
        f"requests: the table has columns the template lacks ({', '.join(extra)}); their "
        "values are left out"
        + (
            f"; it does not draw {'、'.join(lacking)} (split among them), whose values are not read"
            if lacking
            else ""
        ),
    )
    if unended and rows_withheld is not None:
        _rows_given_none(
            unended,
            f" show fewer cells than the header's {len(order)} columns and end before "
            f"{', '.join(extra)}: whether the cell a row does not show is such a column's or "
            "a blank of its own is not known",
            rows_withheld,
            problems,
        )
    if overlong and rows_withheld is not None:
        _rows_given_none(
            overlong,
            f" show more cells than the header's {len(order)} columns, a figure past them: "
            f"where {', '.join(extra)} and each of the template's columns stand among them is "
            "not known",
            rows_withheld,
            problems,
        )
    if written_totals:
        off_sum += blank_off_sum
    if off_sum and placed <= len(off_sum):
        # where a heading the template lacks stands is read from the header's words (a
        # heading drawn in a row of its own above 申请人情况 beside a title row, a 小计 drawn
        # in 总计's row behind it while its cells stand before 总计's): read so, a row's 总计
        # is neither the sum of its applicants' nor that with the column's (个体工商户 counted
        # in it), as a column read a place off gives. Rows whose 总计 is that sum while no
        # left-out cell is place the columns when they outnumber those (a column a place off
        # leaves the real total under the left-out heading on every row the applicants' sum
        # tells, and is the sum only by chance): the other rows' totals are then the report's
        # own slips, read as printed (and told by the tally check)
        problems.flag(
            codes.CELLS_UNPLACED,
            f"requests: read with the values under {', '.join(extra)} left out, the 总计 of "
            f"{', '.join(off_sum[:4])} is neither the sum of the applicants' nor that with "
            "its values: where the column the template lacks stands among the values is not "
            "certain, so none is read",
        )
        return {c.code for c in contract.REQUEST_COLUMNS}
    if counted:
        problems.total_counts_left_out.update(counted)
        problems.flag(
            codes.APPLICANTS_OUTSIDE_TEMPLATE,
            f"requests: {', '.join(order[i] for i in own_kinds)}, a kind of applicant the "
            f"template lacks, holds requests in {', '.join(counted[:4])}"
            + (f" and {len(counted) - 4} more" if len(counted) > 4 else "")
            + ", which the rows' 总计 counts: requests.row_total (总计 = the sum of the "
            "template's six applicant columns) is not assessable on those rows",
        )
    return {_CODE_OF_HEADING[h] for h in lacking}


def _total_beside_subtotal(
    header: list[str],
    header_at: list[tuple[int | None, int | None]] | None,
    header_td: list[int | None] | None,
    header_grid: list[list[str]] | None,
    rows: dict[str, RawRow],
    problems: Problems,
) -> tuple[
    list[str],
    list[tuple[int | None, int | None]] | None,
    list[int | None] | None,
    list[list[str]] | None,
    set[str],
]:
    """The requests header with its 总计 heading told where it is empty or not read beside a
    小计 or 合计 of the group: columns 自然人, the group's five in the template's order, the
    subtotal, and one more column headed by nothing or by characters not read (口口, 总�),
    which some row fills (eight cells between its first and last shown). Read as a synonym,
    the subtotal was taken for 总计 and the column after it for none: a row whose last cell
    is blank read its 小计 as 总计. The rows' sums tell: in every row of eight numbers the
    subtotal is the sum of the five and the last the sum of 自然人 and the subtotal, and some
    such row has 自然人 not 0 (where the subtotal cannot be 总计); a row with blank cells
    (as 0) tells as well where its sums hold, and tells nothing where they do not. Where no
    row tells, the two readings give the same 总计 only in a row that shows the same number
    under the subtotal and after it: the header is read so, and the other rows' 总计 is
    withheld (their codes, the last item returned). Where a row of numbers tells another
    reading, the header is left as it was. The header's parallel lists (`header_at`,
    `header_td`) get a place of none for a heading added; a grid's header gets it where the
    rows drawing 自然人 have an empty position after the subtotal's (else the grid is left
    out: None)."""
    unchanged: tuple = (header, header_at, header_td, header_grid, set())
    if "总计" in header:
        return unchanged
    order = _header_columns(header)
    subs = [k for k, w in enumerate(order) if w in _TOTAL_SYNONYMS]
    if len(subs) != 1 or order[: subs[0]] != list(_APPLICANTS[:6]):
        return unchanged
    after = order[subs[0] + 1 :]
    if len(after) > 1 or (after and labels.MISREAD_MARKS.isdisjoint(after[0])):
        return unchanged
    telling = filled = 0
    same: set[str] = set()  # rows whose subtotal and last cell show the same number
    for code, r in rows.items():
        texts = [labels.norm(t.text) for t in r.values]
        start = next((k for k, x in enumerate(texts) if x), len(texts))
        end = len(texts) - next((k for k, x in enumerate(reversed(texts)) if x), len(texts))
        if end - start != len(_APPLICANTS) + 1:
            continue
        filled += 1
        read = [read_value(x) for x in texts[start:end]]
        numbers = [v.value if v is not None else None for v in read]
        if numbers[6] is None or numbers[7] is None:
            continue
        same.update([code] if abs(numbers[6] - numbers[7]) <= tally.EPSILON else [])
        values = [n or 0 for n in numbers]
        if (
            abs(values[6] - sum(values[1:6])) > tally.EPSILON
            or abs(values[7] - values[0] - values[6]) > tally.EPSILON
        ):
            if None not in numbers:
                return unchanged  # the sums tell another reading
            continue
        telling += values[0] != 0
    if not filled:
        return unchanged
    sub = order[subs[0]]
    unsure = set() if telling else set(rows) - same
    told = (
        f"the rows' sums put the group's subtotal under {sub} and the total after it"
        if telling
        else f"no row's sums tell {sub} (the group's subtotal) from 总计, so 总计 is read only "
        f"in a row that shows the same number under both"
    )
    if after:
        problems.append(f"requests: the heading {after[0]!r} after {sub} is read as 总计: {told}")
        header = ["总计" if w == after[0] else w for w in header]
        if header_grid is not None:
            header_grid = [["总计" if w == after[0] else w for w in row] for row in header_grid]
        return header, header_at, header_td, header_grid, unsure
    problems.append(f"requests: the column after {sub} has no heading and is read as 总计: {told}")
    if header_at is not None and len(header_at) == len(header):
        header_at = [*header_at, (None, None)]
    if header_td is not None and len(header_td) == len(header):
        header_td = [*header_td, None]
    if header_grid:
        # the grid's position after the subtotal's is the total's, drawn as 自然人 is (beside
        # the group, down the rows 自然人 stands in)
        at = next((row.index(sub) + 1 for row in header_grid if sub in row), None)
        grid = [list(row) for row in header_grid]
        for row in grid:
            if "自然人" in row and at is not None and len(row) >= at:
                if len(row) == at:
                    row.append("")
                if row[at]:
                    at = None
                    break
                row[at] = "总计"
        drawn = at is not None and any("总计" in row for row in grid)
        header_grid = grid if drawn else None
    return [*header, "总计"], header_at, header_td, header_grid, unsure


def _rows_given_none(found: list[str], why: str, withheld: set[str], problems: Problems) -> None:
    """The requests rows `found` give no value, said once for them (`why` after their codes)."""
    withheld.update(found)
    problems.flag(
        codes.CELLS_UNPLACED,
        f"requests: {', '.join(found[:4])}"
        + (f" and {len(found) - 4} more" if len(found) > 4 else "")
        + why
        + ", so none of them is read",
    )


def _lacked_headings(header: list[str]) -> list[str]:
    """The requests header's headings of columns the template lacks among the applicants':
    a kind of applicant of its own (个体工商户, its requests counted in 总计) or a 小计 or 合计
    beside 总计 (the group's subtotal), or beside a heading whose characters are not read
    (口口口口 may be the 总计 it stands beside)."""
    unread = any(not labels.MISREAD_MARKS.isdisjoint(w) for w in header)
    return [
        w
        for w in dict.fromkeys(header)
        if w not in _APPLICANTS
        and not any(n in w for n in _HEADER_NON_COLUMNS)
        # (a piece of a heading wrapped in its cell, 社会公益 | 组织, is none, nor are headings
        # run together across a laid-out header's lines, 科研机组织机构其他)
        and not any(w in h for h in (*_APPLICANTS, *_HEADER_NON_COLUMNS, *header) if h != w)
        and not any(h[k : k + 2] in w for h in (*_APPLICANTS, _GROUP) for k in range(len(h) - 1))
        and (
            _names_applicants(w, header) or (w in _TOTAL_SYNONYMS and ("总计" in header or unread))
        )
    ]


def _names_applicants(word: str, header: list[str]) -> bool:
    """Whether a heading the template lacks names a kind of applicant by itself, a column for
    certain: words only, and no piece of a template heading the header lacks in full (益组织
    of 社会公益组织 wrapped; 其他组织 beside 法人或其他组织 is a heading of its own)."""
    return (
        labels.names_applicant_kind(word)
        and word == labels.bare(word)
        and not any(word in h and h not in header for h in (*_APPLICANTS, *_HEADER_NON_COLUMNS))
    )


_ORG_COLUMNS = _APPLICANTS[1:6]
_GROUP = "法人或其他组织"
#: the headings of the header's rows under 申请人情况
_UNDER_APPLICANTS = (*_APPLICANTS[:6], _GROUP)


def _group_named(header: list[str]) -> list[str]:
    """The requests header with the group heading in the template's words: agencies write it
    法人或者其他组织, 法人及其他组织, 法人或其它组织…; read as a column of its own, it would put
    the group's five columns after 总计."""
    return [_GROUP if "法人" in w and "组织" in w and w not in _APPLICANTS else w for w in header]


def _narrow_rows(rows: dict[str, RawRow], width: int) -> dict[str, list[Token]] | None:
    """Each row's value cells in a requests table `width` columns wide, narrower than the
    template's: in rows of more cells, a copy of the whole grid draws the positions of the
    label's merged cells first, blank, where a row ends in a number; another copy writes an
    empty field after the row's last cell. None where a row's cells beyond those are not
    blank (a column the header does not name), or where a row read as blanks first ends in a
    blank too: a table drawing a blank cell before each row's values (a label column left
    empty), copied with empty fields after a row's cells, shows rows that end in a number
    (no filler) beside rows with blanks at both ends, whose fields are then one further left
    than the blanks-first reading puts them; the totals check only the rows of numbers. A
    copy of the whole grid, each row's fields at positions of their own ending at the same
    one (Markdown), has no field after a row's last cell: a blank there is its 总计. None
    too where, beside rows read from their end, a row no wider than the columns opens with a
    blank (a blank before its values, and a copy that trims empty end cells lost its last)."""
    grid_copy = any(len(r.values) > width and labels.norm(r.values[-1].text) for r in rows.values())
    drawn = [[t.td for t in r.values] for r in rows.values() if r.values]
    whole_grid = len({tds[-1] for tds in drawn}) == 1 and all(
        len(set(tds)) == len(tds) for tds in drawn
    )
    shown = {}
    for code, r in rows.items():
        extra = r.values[:-width] if grid_copy else r.values[width:]
        if any(labels.norm(t.text) for t in extra):
            return None
        if grid_copy and extra and not whole_grid and not labels.norm(r.values[-1].text):
            return None
        if (
            grid_copy
            and not whole_grid
            and r.values
            and len(r.values) <= width
            and not labels.norm(r.values[0].text)
        ):
            # a row no wider than the columns beside rows read from their end: its blank first
            # cell is the blank the longer rows draw before their values, and a copy that
            # leaves a row's empty end cells out (a TAB copy trimmed) dropped its blank 总计,
            # or it is a value left blank: read from its first cell, each value stood a column
            # left of its own (a blank 总计 read as 商业企业's 0)
            return None
        shown[code] = list(r.values[-width:] if grid_copy else r.values[:width])
    return shown


def _group_drawn_as_one(
    header: list[str],
    rows: dict[str, RawRow],
    withheld: set[str],
    problems: Problems,
    header_x: dict[str, float],
) -> bool:
    """Whether the requests table draws 法人或其他组织 as one column, not its five (自然人 |
    法人或其他组织 | 总计, each row three cells, or 自然人 | 法人或其他组织 without a 总计, two):
    then each row's values are put in the template's seven columns, 自然人 and 总计 in theirs
    and blanks under the five the group's one figure stands for, which are not known (`rows`
    is updated; a row showing another number of cells than the header's is withheld, as which
    column each belongs to is not known). Told where the header names those columns and none
    of the five, no row shows more cells than those, some row shows them all, and every row
    that shows three numbers sums: 自然人 and the group's figure make its 总计. The contract
    has no code for the group's figure: it is never read. In text laid out by spaces, which
    writes no blank cell, each value of the three is put in the column it stands under
    (_group_laid_out); two columns so laid out are not read this way."""
    named = [w for w in header if w in _APPLICANTS or w == _GROUP]
    if named not in (["自然人", _GROUP, "总计"], ["自然人", _GROUP]):
        return False
    width = len(named)
    if any(t.x is not None for r in rows.values() for t in r.values):
        return width == 3 and _group_laid_out(rows, withheld, problems, header_x)
    shown = _narrow_rows(rows, width)
    if shown is None:
        return False
    if any(len(v) > width for v in shown.values()) or not any(
        len(v) == width for v in shown.values()
    ):
        return False
    for values in shown.values():
        read = [read_value(t.text) for t in values]
        numbers = [x.value for x in read if x is not None and x.value is not None]
        if len(numbers) == 3 and abs(numbers[0] + numbers[1] - numbers[2]) > tally.EPSILON:
            return False  # the three are not 自然人, the group and its total
    for code, values in shown.items():
        r = rows[code]
        if len(values) != width:
            why = f"which of {'、'.join(named)} each belongs to"
            _withhold("requests", code, r, len(_APPLICANTS), why, problems, withheld)
            continue
        blank = values[0]._replace(text="", td=None)
        total = values[2] if width == 3 else blank
        r.values = [values[0], *[blank] * len(_ORG_COLUMNS), total]
    problems.flag(
        codes.CELLS_UNPLACED,
        f"requests: the header draws {_GROUP} as one column, not its five "
        f"({'、'.join(_ORG_COLUMNS)}): its figure is theirs together, and which of them holds "
        + (
            "what is not known, so they are not read; 自然人 and 总计 are"
            if width == 3
            else "what is not known, so they are not read, nor is the group's figure (no "
            "column of the template's); 自然人 is, and the table has no 总计"
        ),
    )
    return True


def _group_laid_out(
    rows: dict[str, RawRow], withheld: set[str], problems: Problems, header_x: dict[str, float]
) -> bool:
    """_group_drawn_as_one for text laid out by spaces: the three columns stand where the rows
    that show a value in each put them, or (no row shows three) where the header's three
    words stand; each row's values are put in the column each stands under (a row with a
    value between two columns, or two under one, is withheld). Told where no row shows more
    than three values and every row that shows three sums (自然人 and the group's figure make
    its 总计)."""
    if any(len(r.values) > 3 or any(t.x is None for t in r.values) for r in rows.values()):
        return False
    if any(len(r.values) == 3 for r in rows.values()):
        centres = _column_centres(list(rows.values()), dict.fromkeys(rows, 3)).get(3)
        if centres is None:
            return False
        placed = {code: _by_position(r.values, centres) for code, r in rows.items()}
    else:
        under = _columns_under_words(rows, header_x)
        if under is None:
            return False
        placed = {}
        for code, r in rows.items():
            at: list[Token | None] = [None] * 3
            for t in r.values:
                k = under.get(t.x)  # type: ignore[arg-type]
                if k is None or at[k] is not None:
                    at = []
                    break
                at[k] = t
            placed[code] = at or None
    for values in placed.values():
        read = [read_value(t.text) if t is not None else None for t in values or []]
        numbers = [x.value for x in read if x is not None and x.value is not None]
        if len(numbers) == 3 and abs(numbers[0] + numbers[1] - numbers[2]) > tally.EPSILON:
            return False  # the three are not 自然人, the group and its total
    for code, values in placed.items():
        r = rows[code]
        if values is None:
            why = "where each value stands under 自然人, 法人或其他组织 and 总计"
            _withhold("requests", code, r, len(_APPLICANTS), why, problems, withheld)
            continue
        blank = r.values[0]._replace(text="", td=None, x=None)
        natural, _, total = (t if t is not None else blank for t in values)
        r.values = [natural, *[blank] * len(_ORG_COLUMNS), total]
    problems.flag(
        codes.CELLS_UNPLACED,
        f"requests: the header draws {_GROUP} as one column, not its five "
        f"({'、'.join(_ORG_COLUMNS)}): its figure is theirs together, and which of them holds "
        "what is not known, so they are not read; 自然人 and 总计 are, each by where it stands",
    )
    return True


#: how far apart the middles of one column's values may stand (a digit more moves the middle
#: of a number aligned to the right half a character)
_COLUMN_SPREAD = 3.0


def _columns_under_words(
    rows: dict[str, RawRow], header_x: dict[str, float]
) -> dict[float, int] | None:
    """For _group_laid_out where no row shows three values: the values stand in columns of
    their own (where their middles fall within _COLUMN_SPREAD of each other, the columns
    apart by more), and each such column is put under the header word that stands nearest it
    where that word is at most half as far as the next one (a heading centred over its
    column, a number aligned to its right edge: the words do not stand where the values do,
    only nearest them). Returns each value's middle and the index (0 自然人, 1 the group,
    2 总计) of its column; None where a column is not so told, or two go under one word."""
    heads = [header_x.get(w) for w in ("自然人", _GROUP, "总计")]
    if any(x is None for x in heads) or heads != sorted(heads):  # type: ignore[type-var]
        return None
    xs = sorted({t.x for r in rows.values() for t in r.values if t.x is not None})
    columns: list[list[float]] = []
    for x in xs:
        if columns and x - columns[-1][-1] <= _COLUMN_SPREAD / 2:
            columns[-1].append(x)
        else:
            columns.append([x])
    if any(col[-1] - col[0] > _COLUMN_SPREAD for col in columns):
        return None
    out: dict[float, int] = {}
    last = -1
    for col in columns:
        middle = statistics.median(col)
        near = sorted((abs(middle - h), k) for k, h in enumerate(heads))  # type: ignore[operator]
        (d0, k), (d1, _) = near[0], near[1]
        if 2 * d0 > d1 or k <= last:
            return None
        last = k
        out.update((x, k) for x in col)
    return out


def _header_columns(header: list[str]) -> list[str]:
    """The requests header's column headings from left to right. Read row by row, a header
    with the 法人或其他组织 group gives level 2 (自然人 … 法人或其他组织 … 总计) before the group's
    columns (level 3): these stand where the group word stands among level 2."""
    return list(_columns_of_header(tuple(header)))


def _applicant_order(header: list[str]) -> list[str]:
    """The applicant headings among the header's columns, left to right."""
    return [w for w in _columns_of_header(tuple(header)) if w in _APPLICANTS]


@functools.lru_cache(maxsize=1024)
def _columns_of_header(header: tuple[str, ...]) -> tuple[str, ...]:
    """_header_columns, worked out once for a header: the rules for the requests table ask a
    dozen times for its columns, and a site's pages share their header."""
    subs = [k for k, w in enumerate(header) if w in _ORG_COLUMNS]
    if "法人或其他组织" not in header or not subs:
        return tuple(w for w in header if not any(n in w for n in _HEADER_NON_COLUMNS))
    level3_start = subs[0]
    # level 2 whole (自然人 | 法人或其他组织 | 总计 read): a word not read after it is the
    # group's first heading, not read
    while (
        level3_start > 0
        and labels.not_read(header[level3_start - 1])
        and {"自然人", "法人或其他组织", "总计"} <= set(header[: level3_start - 1])
    ):
        level3_start -= 1
    level2 = header[:level3_start]
    split = level2.index("法人或其他组织") if "法人或其他组织" in level2 else len(level2)
    # a heading of level 2 behind the group drawn down beside it (总计, a 小计 after 总计),
    # which a converter copies into each row its merged cell covers, stands there, not
    # among the group's columns
    behind = {"总计", *level2[split + 1 :]}
    level3 = [w for w in header[level3_start:] if w not in behind]
    order = [w for w in level2[:split] if not any(n in w for n in _HEADER_NON_COLUMNS)]
    order += level3
    order += [w for w in level2[split + 1 :] if not any(n in w for n in _HEADER_NON_COLUMNS)]
    if "总计" in header[level3_start:] and "总计" not in order:
        order.append("总计")
    return tuple(order)


#: other words agencies write for a table's 总计
_TOTAL_SYNONYMS = ("合计", "小计")
#: other words for a heading: 合计 or 小计 for 总计, 其他组织 for the group's 其他
_HEADING_SYNONYMS = {**dict.fromkeys(_TOTAL_SYNONYMS, "总计"), "其他组织": "其他"}


def _header_cells(
    at: list[tuple[int | None, int | None]], cells_of: Callable[[int], list[Token]]
) -> list[Token]:
    """The cells of the web page table the header's words stand in, where they stand in one
    (a text copy's lines are table 0: none)."""
    tables = {t for t, _ in at}
    table = next(iter(tables)) if len(tables) == 1 else None
    return cells_of(table) if table else []


def _header_by_columns(
    header: list[str],
    at: list[tuple[int | None, int | None]],
    tds: list[int | None],
    grid: list[list[str]],
    cells_of: Callable[[int], list[Token]],
    rows: dict[str, RawRow],
    problems: Problems,
    withheld: set[str],
) -> tuple[list[str], bool]:
    """The requests header's headings in the order of their columns, where the header's rows
    read one after another (_columns_of_header) would put them elsewhere: a heading of the
    group drawn down beside it from the group's row (其他 with rowspan=2 beside 法人或其他组织,
    which then spans only the others), a heading the template lacks opening the group's row
    (个体工商户 before 商业企业), a column beside 申请人情况 drawn down all the header's rows
    (备注). Read row by row, such a heading opens the group's columns or closes them wrongly,
    and every value under the group would be read a column off; the sums agree either way
    where 总计 is last.

    Where each heading's column is certain it is read there: in a web page's table laid out
    by its cells' spans (_columns_by_spans), in a copy of the whole grid (a heading over each
    position, _columns_by_positions), or in a text copy that keeps the header's rows where the
    row under the group holds its headings alone (_columns_by_rows). Returned: the headings
    from left to right (the group word and 申请人情况 left out) and True; else the header as
    it was and False. A text copy that does not place a heading drawn beside the group (the
    row under it holds other words, or the rows are not told apart) leaves the order a
    guess: said, and the columns whose place it leaves open go into `withheld`. `cells_of`:
    a web page table's cells, by its number."""
    if _GROUP not in header or not any(w in _ORG_COLUMNS for w in header):
        return header, False
    lines = [
        [_HEADING_SYNONYMS.get(w, w) if w in _TOTAL_SYNONYMS else w for w in _group_named(row) if w]
        for row in grid
    ]
    lines = [row for row in lines if row]
    known = [w for row in lines for w in row] == header
    # each way of placing the headings gives each of the header's words once, or is not taken
    # (a heading it leaves out, or two it puts in one place: the copy is not so laid out)
    words = {w for w in header if not any(n in w for n in _HEADER_NON_COLUMNS)}
    old = list(_columns_of_header(tuple(_header_words(_under_applicants(header, at)))))
    if known and _columns_by_rows(lines, header) == (list(dict.fromkeys(old)), True):
        return header, False  # the rows read as the template's: nothing drawn down
    cells = _header_cells(at, cells_of)
    columns, certain = None, True
    for placed in (
        lambda: (_columns_by_spans(header, at, tds, cells), True),
        lambda: (_columns_by_positions(grid, rows), True) if known else (None, True),
        lambda: _columns_by_rows(lines, header) if known else (None, True),
    ):
        columns, certain = placed()
        if columns is not None and len(columns) == len(words) and set(columns) == words:
            break
        columns = None
    if columns is None:
        if known or not _drawn_beside_group(header):
            return header, False
        open_ = [*_ORG_COLUMNS, "总计"]
    else:
        columns = _header_words(columns)
        if columns == list(dict.fromkeys(old)):
            # (a heading a grid copy writes in each row it is merged down read twice: one)
            return header, False
        if certain:
            problems.append(
                f"requests: the header's rows, read one after another, would order its "
                f"columns {'、'.join(old)}; its cells stand over them as "
                f"{'、'.join(columns)}, and each value is read under its heading"
            )
            return columns, True
        # either order may be wrong, and so may a third: only a first column both agree on
        # (自然人 before the group) stands for certain
        open_ = [h for h in _APPLICANTS if not (old and h == columns[0] == old[0])]
    if not any(r.values for r in rows.values()):
        return header, False
    withheld |= {_CODE_OF_HEADING[h] for h in open_ if h in _CODE_OF_HEADING}
    problems.flag(
        codes.COLUMN_ORDER_GUESSED,
        "requests: the header draws a heading of the group beside 法人或其他组织 or puts "
        "another word among its headings, and the copy does not tell which column each stands "
        f"over; the values of {'、'.join(h for h in _APPLICANTS if h in open_)} are not read",
    )
    return header, False


def _drawn_beside_group(header: list[str]) -> bool:
    """Whether a header read in one piece (its rows not told apart) may hold a heading of the
    group drawn down beside it: one of the group's headings before 总计 after the group word,
    others after 总计 (自然人 | 法人或其他组织 | 其他 | 总计 | 商业企业 …)."""
    if "总计" not in header:
        return False
    g, t = header.index(_GROUP), header.index("总计")
    subs = [k for k, w in enumerate(header) if w in _ORG_COLUMNS]
    return g < t and any(g < k < t for k in subs) and any(k > t for k in subs)


def _columns_by_spans(
    header: list[str],
    at: list[tuple[int | None, int | None]],
    tds: list[int | None],
    cells: list[Token],
) -> list[str] | None:
    """The header's headings in the order of their columns in a web page's table laid out by
    its spans: a heading with no other under it is its column's; None where the header is
    not one table's cells laid out for certain (each word a cell of its own, each of the
    header's rows as wide as the table's widest: a table drawn without its spans lays its
    header's rows out from the left, each as wide as its cells)."""
    if not cells or len(tds) != len(header) or None in tds:
        return None
    grid = lay_out(cells)
    if grid is None:
        return None
    width = max(len(filled) for filled in grid.filled.values())
    if any(len(grid.filled.get(tr or 0, ())) != width for _, tr in at):
        return None
    by_place = {(c.tr, c.td): c for c in cells}
    places = [(tr, td) for (_, tr), td in zip(at, tds, strict=True)]
    if len(set(places)) != len(places) or any(p not in by_place for p in places):
        return None
    spans = []
    for tr, td in places:
        tok = by_place[(tr, td)]
        first = grid.column[(tr, td)]  # type: ignore[index]
        spans.append((tr or 0, first, first + tok.colspan))
    leaves = [
        (first, w)
        for w, (tr, first, end) in zip(header, spans, strict=True)
        if not any(r > tr and f < end and e > first for r, f, e in spans)
    ]
    return [w for _, w in sorted(leaves) if not any(n in w for n in _HEADER_NON_COLUMNS)]


def _columns_by_positions(grid: list[list[str]], rows: dict[str, RawRow]) -> list[str] | None:
    """The header's headings in the order of their columns in a copy of the whole grid (a
    converter's Markdown, a merged cell's text copied into each position it covers): the rows
    with headings are as wide, their last cells (as many as the widest value row's) stand
    over the values and the ones before them are blank (the corner's), and a column's heading
    is the lowest word over it. None where the copy is not such a grid, or a heading stands
    over two columns."""
    headed = [
        [_HEADING_SYNONYMS.get(w, w) if w in _TOTAL_SYNONYMS else w for w in _group_named(row)]
        for row in grid
        if any(w in _APPLICANTS or w == _GROUP for w in _group_named(row))
    ]
    width = max((len(r.values) for r in rows.values()), default=0)
    if (
        len(headed) < 2
        or len({len(row) for row in headed}) != 1
        or len(headed[0]) < width
        or any(w for row in headed for w in row[: len(row) - width])
    ):
        return None
    headed = [row[len(row) - width :] for row in headed]
    columns = []
    for k in range(width):
        words = [row[k] for row in headed if row[k]]
        if not words or any(n in words[-1] for n in _HEADER_NON_COLUMNS):
            return None
        columns.append(words[-1])
    return columns if len(set(columns)) == len(columns) else None


def _columns_by_rows(lines: list[list[str]], header: list[str]) -> tuple[list[str] | None, bool]:
    """The header's headings in the order of their columns in a text copy that keeps the
    header's rows (`lines`, blank cells left out), where such a copy tells it: the group's
    row read left to right, the group word standing for the row under it, and 申请人情况 for
    the group's row. Certain where the row under the group holds the group's headings
    alone (a heading the template lacks naming a kind of applicant is one), or words the group's
    row leaves no other place for (总计 last where nothing stands right of the group); a guess
    where it holds others. (None, False) where the rows are not the header's three."""
    g = next((k for k, row in enumerate(lines) if _GROUP in row), None)
    if g is None or g + 1 >= len(lines) or g + 2 < len(lines):
        return None, False
    if any(len(set(row)) != len(row) for row in lines):
        return None, False  # a grid copy writing a merged cell's word in each position
    if g > 1 or (g == 1 and "申请人情况" not in lines[0]):
        return None, False
    below = lines[g + 1]

    def member(w: str) -> bool:
        return w in _ORG_COLUMNS or (w not in _APPLICANTS and _names_applicants(w, below))

    row = lines[g]
    at = row.index(_GROUP)
    lead = list(itertools.takewhile(lambda w: not member(w), below))
    trail = list(itertools.takewhile(lambda w: not member(w), reversed(below)))[::-1]
    inner = below[len(lead) : len(below) - len(trail)]
    certain = all(member(w) for w in inner) and (not lead or at == 0)
    certain = certain and (not trail or at == len(row) - 1)
    words = [*row[:at], *lead, *inner, *trail, *row[at + 1 :]]
    if g == 1:
        top = lines[0]
        k = top.index("申请人情况")
        words = [*top[:k], *words, *top[k + 1 :]]
    return [w for w in words if not any(n in w for n in _HEADER_NON_COLUMNS)], certain


def _under_applicants(header: list[str], at: list[tuple[int | None, int | None]]) -> list[str]:
    """The header's words with those of the row under 申请人情况 put where it stands. A heading
    drawn down from the first header row (自然人 or 总计 with rowspan=3 beside 申请人情况) is
    read before the headings of the second row, though it stands left or right of all of them:
    申请人情况 | 总计 over 自然人 | 法人或其他组织 is 自然人, 法人或其他组织, 总计."""
    if len(at) != len(header) or "申请人情况" not in header or len(set(at)) < 2:
        return header
    rows: list[list[str]] = []
    for k, w in enumerate(header):
        if k == 0 or at[k] != at[k - 1]:
            rows.append([])
        rows[-1].append(w)
    words, under = rows[0], False  # under: a row already stands under 申请人情况
    for n, row in enumerate(rows[1:], start=1):
        if "法人或其他组织" in words or "申请人情况" not in words or under:
            # the group's columns (or no 申请人情况 to stand under): in the reading order
            return [*words, *(w for r in rows[n:] for w in r)]
        if "申请人情况" in row:
            return header  # the heading twice: not a header row under another
        i = words.index("申请人情况")
        words, under = [*words[: i + 1], *row, *words[i + 1 :]], True
    return words


def _header_words(header: list[str]) -> list[str]:
    """The header's words with a heading wrapped over two cells or lines joined (社会公 | 益组织)
    and a synonym of a heading read as the heading, where the header lacks the heading itself."""
    if all(w in _APPLICANTS or any(n in w for n in _HEADER_NON_COLUMNS) for w in header):
        return header  # the common case: nothing to join or rename
    words: list[str] = []
    for w in header:
        if words and words[-1] not in _APPLICANTS and words[-1] + w in _APPLICANTS:
            words[-1] += w
        else:
            words.append(w)
    # 其他组织 beside another heading of the template's 其他 split (其他企业 | 其他组织) is half
    # of 其他, a column the template lacks, not 其他 itself
    split = [w for w in words if w.startswith("其他") and w not in _APPLICANTS]
    return [
        _HEADING_SYNONYMS[w]
        if w in _HEADING_SYNONYMS and _HEADING_SYNONYMS[w] not in words and len(split) < 2
        else w
        for w in words
    ]


def _misread_group_words(header: list[str], problems: Problems) -> list[str]:
    """The requests header with 申请人情况 or 法人或其他组织 read where a word misreads it (法入或
    其他组织, 申请入情况: as long, most characters the same) and the header lacks it: where the
    header's levels stand is told by these two (_under_applicants, _header_columns)."""
    for group in ("申请人情况", _GROUP):
        if group in header or (
            group == _GROUP and any("法人" in w and "组织" in w for w in header)
        ):
            continue
        like = [w for w in header if len(w) == len(group) and labels.misread_of(w, group)]
        if len(like) == 1 and like[0] not in _APPLICANTS:
            problems.append(f"requests: the header's word {like[0]!r} is read as {group}")
            header = [group if w == like[0] else w for w in header]
    return header


def _unread_applicant_heading(
    header: list[str], rows: dict[str, RawRow], problems: Problems, lost: list[str]
) -> tuple[list[str], str]:
    """The requests header with a heading misread whole in its cell (总口, 口口口口, 商亚企业)
    read as the heading, where that is certain: the header names six of the seven applicant
    columns, one of its column words names none, and no row has more than seven cells. That
    word, where it may be the seventh column's heading misread (_misread_of), is that heading,
    in its place. Where the header holds such words and it is not certain (two words, two
    headings not named, a word of other characters), the order is a guess: the line that says
    so is returned, to be said unless the header's rows place each heading not named
    (_unread_order_guessed)."""
    order = _applicant_order(header)
    missing = [h for h in _APPLICANTS if h not in order]
    if lost or not order or not missing or not any(r.values for r in rows.values()):
        # characters standing alone (_applicant_columns says the order is a guess), a header
        # that names no column (nothing to read an order from), or a heading named twice
        return header, ""
    unread = [
        w
        for w in _header_columns(header)
        # several headings run together (a header line written in one piece), or words of the
        # 勾稽 note, are no misreading
        if w not in _APPLICANTS
        and not labels.only_header_words(w, labels.REQUEST_HEADER_WORDS)
        and not labels.in_tally_note(w)
    ]
    if not unread:
        return header, ""
    if (
        len(unread) == 1
        and len(missing) == 1
        and len(order) == 6
        and not any(len(r.values) > 7 and _has_number(r.values[7:]) for r in rows.values())
        and (labels.misread_of(unread[0], missing[0]) or labels.reworded(unread[0], missing[0]))
    ):
        problems.append(
            f"requests: the header's word {unread[0]!r} names no heading; it stands where only "
            f"{missing[0]} can, and is read as that"
        )
        at = header.index(unread[0])
        return [*header[:at], missing[0], *header[at + 1 :]], ""
    return header, (
        f"requests: the header holds words ({'、'.join(unread[:7])}) that name none of its "
        f"headings, and does not name {'、'.join(missing)}; {_DOUBT_READ}"
    )


def _unread_order_guessed(
    header: list[str],
    withheld: set[str],
    guess: str,
    problems: Problems,
) -> bool:
    """The header's words that name no heading leave the order a guess (`guess`: the line
    _unread_applicant_heading wrote), unless each heading it does not name had its values
    withheld, said (two not read side by side): then no value stands where a guessed order
    puts it, and the line would say what did not happen. (A heading pinned between known
    neighbours is read in the template's place, which its look may not confirm: the guess
    stays said.) Whether it is said."""
    named = _applicant_order(header)
    missing = [h for h in _APPLICANTS if h not in named]
    if guess and not set(missing) <= withheld:
        problems.flag(codes.COLUMN_ORDER_GUESSED, guess)
        return True
    return False


def _unread_doubted(header: list[str], rows: dict[str, RawRow], withheld: set[str]) -> set[str]:
    """The columns an order guessed over words that name no heading leaves open
    (_order_doubted), unless the columns of the headings the header does not name came out
    of the values after all (`withheld`: a column the template lacks in their place, 其他企业 |
    其他组织 for 其他, _extra_columns) and the header names the rest once each, in the
    template's order: then each of those stands where the values are read."""
    # (自然人 and 总计 named twice: a grid copy writing their merged cells in each row)
    named = list(dict.fromkeys(_applicant_order(header)))
    missing = {_CODE_OF_HEADING[h] for h in _APPLICANTS if h not in named}
    if missing and missing <= withheld and named == [h for h in _APPLICANTS if h in named]:
        return set()
    columns = list(dict.fromkeys(_header_columns(header)))
    at = [k for k, w in enumerate(columns) if w in _APPLICANTS]
    unread = [w for w in columns if w not in _APPLICANTS]
    if (len(columns) == len(_APPLICANTS) and at == [_APPLICANTS.index(w) for w in named]) or (
        named == [h for h in _APPLICANTS if h in named]
        and len(columns) >= len(_APPLICANTS) - 1
        and all(_unread_heading(w) for w in unread)
        and not any(len(r.values) > 7 and _has_number(r.values[7:]) for r in rows.values())
    ):
        # each heading it names stands in its own column of seven, or in the template's order
        # beside cells that are marks of characters not read (口口口口) or blank (one blank
        # cell writes nothing in text): the header is the template's with headings not read,
        # whose look does not tell which of them stands where (two pinned apart by known
        # neighbours): only those are in doubt. (自然人 and 总计 alone, the group's words
        # broken past reading and dropped, tell nothing of where the two stand.)
        return missing
    return _order_doubted(header, rows)


#: the rows a requests header draws its headings in, as the template does: the seven in one
#: row, or 自然人 | 法人或其他组织 | 总计 over the group's five
_HEADER_ROWS = (_APPLICANTS, ("自然人", _GROUP, "总计"), _APPLICANTS[1:6])
_CODE_OF_HEADING = dict(zip(_APPLICANTS, (c.code for c in contract.REQUEST_COLUMNS), strict=True))
_GROUP_CODES = tuple(_CODE_OF_HEADING[h] for h in _ORG_COLUMNS)


def _unread_heading(word: str) -> bool:
    """Whether a header cell's word is a heading that cannot be read: blank, or with marks of
    characters not read (口口口口, 科�构). A word of other characters (组织机构, 个体工商户)
    may be a heading's piece or a column the template lacks: the header's words tell those."""
    if word in _APPLICANTS or word == _GROUP:
        return False
    return not word or not labels.MISREAD_MARKS.isdisjoint(word)


def _fits(row: list[str], pattern: tuple[str, ...]) -> tuple[list[str], list[str]] | None:
    """Where the row's cells are the pattern's headings in its places (blank or unread cells
    beyond the pattern at either end, the corner's or a copy's closing bar, left out): the
    headings standing where the row cannot be read, those pinned between known neighbours
    and those side by side with another. None where the cells are not the pattern's."""
    lead = 0
    while len(row) - lead > len(pattern) and _unread_heading(row[lead]):
        lead += 1
    cells = row[lead : lead + len(pattern)]
    if len(cells) != len(pattern) or not all(map(_unread_heading, row[lead + len(pattern) :])):
        return None
    if not all(w == h or _unread_heading(w) for w, h in zip(cells, pattern, strict=True)):
        return None
    # two side by side: each stands where either can, the order of the two is the template's
    # guess (a pair of columns drawn the other way round shows the same)
    holes = [k for k, w in enumerate(cells) if w != pattern[k]]
    beside = [k for k in holes if k - 1 in holes or k + 1 in holes]
    return (
        [pattern[k] for k in holes if k not in beside],
        [pattern[k] for k in beside if pattern[k] != _GROUP],
    )


def _fits_marks_for_several(
    row: list[str], pattern: tuple[str, ...]
) -> tuple[list[str], list[str]] | None:
    """Where the row's one word of marks for characters not read (a copy that writes a
    heading's characters one a line, and lost them: 口口口口口口口口) stands where the pattern has
    more headings than the row has words: how many headings' characters the marks are is not
    known, and they stand for as many as the row lacks, side by side (_fits): the headings
    there are placed by none. None where the row has another number of such words, or the
    pattern does not fit so either."""
    short = len(pattern) - len(row)
    marks = [k for k, w in enumerate(row) if labels.not_read(w)]
    if short <= 0 or len(marks) != 1:
        return None
    at = marks[0]
    return _fits([*row[:at], *[row[at]] * (short + 1), *row[at + 1 :]], pattern)


def _header_rows_of_words(grid: list[list[str]], read_as: dict[str, str]) -> list[list[str]]:
    """The header's rows in the template's words (合计 as 总计, 法人或者其他组织 as the group, a
    word read as the heading it misreads), the corner's words and 申请人情况 left out."""
    return [
        [
            _HEADING_SYNONYMS.get(w, w)
            for w in _group_named([read_as.get(w, w) for w in row])
            if not any(n in w for n in _HEADER_NON_COLUMNS if n != _GROUP)
        ]
        for row in grid
    ]


def _grid_headings(
    grid: list[list[str]], read_as: dict[str, str], rows: dict[str, RawRow]
) -> list[str] | None:
    """The heading over each of the seven value columns where the header is a copy of the
    table's whole grid (a PDF converter's Markdown): each of its rows with a cell for every
    column, a merged cell's text copied into each position it covers (自然人 twice down, the
    group five times across) or those positions left blank. Such a row ends where the value
    rows end, and its last seven cells stand over the seven values the rows are read for. A
    column's heading is the lowest of its cells that names one; a blank below the group, below
    申请人情况 or below nothing is a heading left blank (""), a cell not read is kept as it is.
    (A blank under 自然人 is where 自然人 is merged down: its column is 自然人.) None where the
    header is not such a grid: a row with headings has fewer cells than columns (merged cells
    drawn once) or another number of cells than the widest value row (a copy that leaves a
    row's blank last cells out: its cells do not end where the values do), a heading or the
    group stands left of the seven, another word stands over them, or a heading stands over
    two."""
    lines = [
        [_HEADING_SYNONYMS.get(w, w) for w in _group_named([read_as.get(w, w) for w in row])]
        for row in grid
        if row
    ]
    n = len(_APPLICANTS)
    headed = [r for r in lines if any(w in _APPLICANTS or w == _GROUP for w in r)]
    if not headed:
        return None
    width = _widest(rows.values())
    if width < n:
        return None
    # a table holding several sections is one grid as wide as its widest (四's fifteen
    # columns): the requests rows' positions past 总计 are blank in every row, headings and
    # values, and stand over no column; taken for columns, the seven were read none of them
    # (the values then in the header's words' order, which names 自然人 and 总计 twice: the
    # template's order, whatever the header drew)
    end = _blank_grid_end(lines, headed, rows, width)
    if end:
        lines = [r[: len(r) - end] if len(r) > end else r for r in lines]
        headed = [r[: len(r) - end] for r in headed]
        width -= end
        rows = {
            code: replace(r, values=[t for t in r.values if (t.td or 0) <= width])
            for code, r in rows.items()
        }
    if any(len(r) != width for r in headed) and not _grid_without_corner(headed, rows, width):
        return None
    if any(w in _APPLICANTS or w == _GROUP for r in lines for w in r[:-n]):
        return None
    columns: list[str] = []
    for k in range(n):
        cells = [r[len(r) - n + k] for r in lines if len(r) >= n - k]
        heading = ""
        for depth, w in enumerate(reversed(cells)):
            if w in _APPLICANTS or (w and _unread_heading(w)):
                heading = w
            elif w and (depth == 0 or not any(m in w for m in _HEADER_NON_COLUMNS)):
                return None  # a word that is no heading over a column, or the group over none
            if w:
                break
        columns.append(heading)
    named = [w for w in columns if w in _APPLICANTS]
    if end and sorted(named) != sorted(_APPLICANTS):
        # (a column left blank, heading and values, is no end of the grid: not known)
        return None
    return columns if len(set(named)) == len(named) else None


def _blank_grid_end(
    lines: list[list[str]], headed: list[list[str]], rows: dict[str, RawRow], width: int
) -> int:
    """How many of a grid copy's last positions hold nothing in any row: the header's rows with
    headings are as wide as the value rows, and every one of those rows, and every row of
    the header, is blank there."""
    if any(len(r) != len(headed[0]) for r in headed):
        return 0
    end = 0
    while (
        end < len(headed[0]) - len(_APPLICANTS)
        and all(not r[-1 - end] for r in lines if len(r) == len(headed[0]))
        and not any(t.td == width - end and t.text.strip() for r in rows.values() for t in r.values)
        and all(any(t.td == width - end for t in r.values) for r in rows.values() if r.values)
    ):
        end += 1
    return end


def _grid_lacking_one(
    grid: list[list[str]], read_as: dict[str, str], rows: dict[str, RawRow], problems: Problems
) -> list[str] | None:
    """A copy of the whole grid (_grid_headings) of a table without one of the seven columns:
    its last six columns each under a heading of its own, no heading left of them, and every
    row with values has a cell in each of these six and nothing in any other. Each value is
    read under its heading, where 总计 is not among them or each row with six numbers has the
    sum of the others under it (a header drawn a column off its values does not sum so). A
    row's blank cells left of the six (a merged label's positions) are left out; the header's
    rows may lack the corner's columns (_grid_without_corner). The rows get an empty cell for
    the heading not named, and the headings over the seven cells are returned (the one not
    named last), said. None where the copy is not such a grid."""
    n = len(_APPLICANTS) - 1
    values = [r.values for r in rows.values() if r.values]
    if any(t.table for v in values for t in v):
        return None  # an HTML table: its cells are not a copy's grid positions
    width = _widest(rows.values())
    tds = list(range(width - n + 1, width + 1))
    if (
        not values
        or width <= n
        or any([t.td for t in v if (t.td or 0) in tds] != tds for v in values)
        or any(labels.norm(t.text) for v in values for t in v if (t.td or 0) not in tds)
    ):
        return None
    lines = [
        [_HEADING_SYNONYMS.get(w, w) for w in _group_named([read_as.get(w, w) for w in row])]
        for row in grid
        if row
    ]
    headed = [r for r in lines if any(w in _APPLICANTS or w == _GROUP for w in r)]
    if not headed or any(len(r) not in (width, n) for r in headed):
        return None
    if any(w in _APPLICANTS or w == _GROUP for r in lines for w in r[:-n]):
        return None
    columns = [
        next((r[len(r) - n + k] for r in reversed(lines) if len(r) >= n and r[len(r) - n + k]), "")
        for k in range(n)
    ]
    if not all(w in _APPLICANTS for w in columns) or len(set(columns)) != n:
        return None
    if "总计" in columns:
        at = columns.index("总计")
        for v in values:
            numbers = [read_value(t.text) for t in v if (t.td or 0) in tds]
            if all(x is not None and x.value is not None for x in numbers):
                got = [float(x.value) for x in numbers if x is not None and x.value is not None]
                if abs(2 * got[at] - sum(got)) > 1e-9:
                    return None
    (lacking,) = (h for h in _APPLICANTS if h not in columns)
    for r in rows.values():
        if r.values:
            r.values = [t for t in r.values if (t.td or 0) in tds]
            r.values = [*r.values, r.values[-1]._replace(text="", td=width + 1)]
    problems.flag(
        codes.INCOMPLETE,
        f"requests: the table has no column {lacking}: the header's grid names the six others, "
        f"each over a column of its own ({' | '.join(columns)}), and each value is read under "
        f"its heading; {lacking} is not on the page",
    )
    return [*columns, lacking]


def _grid_without_corner(headed: list[list[str]], rows: dict[str, RawRow], width: int) -> bool:
    """Whether the header's rows with headings are the grid's seven value columns alone, the
    corner's cells gone with its words (the 勾稽 note copied into each position it covers, as
    docling writes it, read as no heading): each such row has seven cells, one draws the group
    over five of them (a row drawn with merged cells once has three), and every row with
    values has seven cells in the grid's last seven columns."""
    n = len(_APPLICANTS)
    return (
        all(len(r) == n for r in headed)
        and any(_GROUP in r for r in headed)
        and all(
            [t.td for t in r.values] == list(range(width - n + 1, width + 1))
            for r in rows.values()
            if r.values
        )
    )


def _unpinned_columns(
    header: list[str],
    grid: list[list[str]],
    read_as: dict[str, str],
    rows: dict[str, RawRow],
    problems: Problems,
    lost: bool = False,
    placed: bool = False,
) -> tuple[set[str], list[str] | None]:
    """The requests columns whose place the header does not tell, where a heading is blank or
    unread: their values are not read; and where a copy of the whole grid puts the headings it
    names elsewhere than the template's places, the heading over each column.

    A blank or unread heading's column rests on its place alone, which is certain where its
    row of the header draws the template's headings in the template's places around it (the
    blank pinned between known neighbours); not where they stand otherwise (a column moved or
    left out beside it), nor where two stand side by side. A header copied as the table's
    whole grid is judged column by column (_grid_headings), and a heading it names is over its
    column wherever it stands (_grid_order); where its lines may have lost blank end cells
    (_grid_rows_clipped), a heading it does not name is placed only beside the group
    (_pinned_beside_group). A copy that does not tell the header's rows apart is judged by its
    words' order. Text laid out by spaces writes nothing for a blank heading, so its words'
    order does not pin one: where its values show where the columns stand (`placed`), each
    heading is judged by where it stands, later (_headings_off_their_columns)."""
    withheld: set[str] = set()
    seen: set[str] = set()  # headings whose cell the header draws, read or not
    lacking = _grid_lacking_one(grid, read_as, rows, problems)
    if lacking is not None:
        return {_CODE_OF_HEADING[lacking[-1]]}, lacking
    columns = _grid_headings(grid, read_as, rows)
    if columns is not None and sorted(columns) == sorted(_APPLICANTS):
        return withheld, None  # each column of the grid under a heading of its own
    order = None if columns is None else _grid_order(columns, rows, problems)
    if order is not None:
        unread = {h for h in _APPLICANTS if h not in columns}
        if _group_row_padded(columns):
            unread |= set(_ORG_COLUMNS)
            problems.flag(
                codes.CELLS_UNPLACED,
                "requests: the group's headings drawn stand at the start of its span, the rest "
                "of it blank: a header row drawn short, its end padded by the copy; where each "
                f"stands is not told, so none of {'、'.join(_ORG_COLUMNS)}'s values is read",
            )
        return {_CODE_OF_HEADING[h] for h in unread}, order
    if placed:
        return withheld, None
    judged = columns is not None and _judge_header_row(
        columns, _HEADER_ROWS[:1], withheld, seen, problems, "the header's grid, column by column"
    )
    # a header that names each of the seven once has no heading left to be blank: its blank
    # cells are the corner's (left blank, drawn as several cells) or covered positions
    named_once = sorted(_applicant_order(header)) == sorted(_APPLICANTS)
    header_rows = [] if judged else _header_rows_of_words(grid, read_as)
    for k, words in enumerate(header_rows):
        if k and _kept_between_blanks(words, header_rows[k - 1], rows):
            seen.update(words[1:-1])
            judged = True
            continue
        words = [w for w in words if w or not named_once]
        judged |= _judge_header_row(words, _HEADER_ROWS, withheld, seen, problems)
    withheld |= _natural_person_after_group(header_rows, withheld, problems)
    if not judged:
        columns = [_HEADING_SYNONYMS.get(w, w) for w in _header_columns(header)]
        _judge_header_row(columns, _HEADER_ROWS[:1], withheld, seen, problems)
    if len(withheld) < len(_APPLICANTS):
        clipped = _grid_rows_clipped(grid, rows)
        if clipped:
            seen |= _pinned_beside_group(grid, rows)
        blanks_drawn = not clipped and (
            any("" in row for row in grid)
            or any(t.table or not labels.norm(t.text) for r in rows.values() for t in r.values)
        )
        withheld |= _headings_not_drawn(header, seen, rows, problems, blanks_drawn and not lost)
    return withheld, None


def _natural_person_after_group(
    header_rows: list[list[str]], withheld: set[str], problems: Problems
) -> set[str]:
    """自然人's column, where a header row draws 法人或其他组织 before it (the group first:
    法人或其他组织 | 自然人 | 总计) and the group's five are withheld, a heading among them not
    read: 自然人 then stands after the five, not first, and the place the template gives it holds
    one of theirs; which of the six columns before 总计 it is, the unread heading leaves open
    (where the five are named, the header's cells place each: _header_by_columns)."""
    if not set(_GROUP_CODES) <= withheld or _CODE_OF_HEADING["自然人"] in withheld:
        return set()
    for words in header_rows:
        named = [w for w in words if w in ("自然人", _GROUP)]
        if named[:2] == [_GROUP, "自然人"]:
            problems.flag(
                codes.CELLS_UNPLACED,
                "requests: a header row draws 法人或其他组织 before 自然人, and the group's "
                "headings are not all read: 自然人's column is not known, its values are not "
                "read",
            )
            return {_CODE_OF_HEADING["自然人"]}
    return set()


def _group_row_padded(columns: list[str]) -> bool:
    """Whether a copy of the whole grid, column by column, names some of the group's headings
    out of the template's places at the start of the group's span and leaves the rest of it
    blank (自然人 | 社会公益组织 | 其他 | 空 | 空 | 空 | 总计): a header row drawing fewer cells
    than the group spans (only the kinds the agency had requests from) whose end the copy
    (Markdown) pads with blanks. The headings then stand left of their columns, and where
    each stands is not told: none of the group's values is read (before: each read under the
    heading drawn over its position, a column or more off, cells_unplaced)."""
    group = columns[1:-1]
    named = len(list(itertools.takewhile(bool, group)))
    return (
        len(columns) == len(_APPLICANTS)
        and [columns[0], columns[-1]] == ["自然人", "总计"]
        and 0 < named < len(group)
        and not any(group[named:])
        and all(w in _ORG_COLUMNS for w in group[:named])
    )


def _kept_between_blanks(words: list[str], above: list[str], rows: dict[str, RawRow]) -> bool:
    """Whether a header row draws the group's kept headings (some of the five, in the
    template's order) between two empty cells, under a row naming 自然人 | 法人或其他组织 | 总计
    once each, over value rows as wide: the empty cells are where 自然人 and 总计 stand (drawn
    in the row above, not down), not headings of the group left blank. Which columns the
    table keeps is then judged by _columns_left_out."""
    inner = words[1:-1]
    if (
        len(words) < 3
        or words[0]
        or words[-1]
        or [w for w in above if w] != ["自然人", _GROUP, "总计"]
        or inner != [h for h in _ORG_COLUMNS if h in inner]
    ):
        return False
    shown = _narrow_rows(rows, len(words))
    return bool(shown) and all(len(v) == len(words) for v in shown.values() if v)


def _grid_order(
    columns: list[str], rows: dict[str, RawRow], problems: Problems
) -> list[str] | None:
    """The heading over each of the seven value columns of a copy of the whole grid
    (_grid_headings) that leaves headings blank or not read and does not draw the others in
    the template's places (a column moved beside a blank one, 总计 drawn first and blank): a
    heading it names stands over its own column, wherever that is, and its values are read
    there; a column whose heading is not read may be any of those the header does not name,
    and its values are not read. The headings not named fill those columns in the template's
    order, only to be withheld. None where the template's places pin the headings not read
    (_judge_header_row), or where a row has other than seven value cells: which of the grid's
    columns a row's cells stand under is not certain then."""
    named = [w for w in columns if w in _APPLICANTS]
    if len(named) == len(columns) or _fits(columns, _APPLICANTS) is not None:
        return None
    if any(r.values and len(r.values) != len(_APPLICANTS) for r in rows.values()):
        return None
    unread = iter([h for h in _APPLICANTS if h not in named])
    order = [w if w in named else next(unread) for w in columns]
    shown = " | ".join(w or "（空）" for w in columns)
    problems.flag(
        codes.CELLS_UNPLACED,
        f"requests: the header's grid, column by column ({shown}), has headings left blank or "
        "not read, and the others do not stand in the template's places around them: each "
        "heading read is over its own column and its values are read there; which of "
        f"{'、'.join(w for w in order if w not in named)} each other column is, is not "
        "known, so none of their values is read",
    )
    return order


def _grid_rows_clipped(grid: list[list[str]], rows: dict[str, RawRow]) -> bool:
    """Whether the header is a text copy of the table's whole grid whose lines may have lost
    blank cells at their ends (a pipe copy without outer bars: ` | | 自然人 | 法人或其他组织 | |`
    reads as a line with bars, its first and last blank cells gone): a row with headings has a
    cell for every column, another fewer. Where such a row stands over the values is not
    known, so a blank cell in it pins no heading."""
    if any(t.table for r in rows.values() for t in r.values):
        return False
    width = _widest(rows.values())
    headed = [len(r) for r in grid if any(w in _APPLICANTS or w == _GROUP for w in _group_named(r))]
    return width in headed and min(headed) < width and any("" in r for r in grid)


def _pinned_beside_group(grid: list[list[str]], rows: dict[str, RawRow]) -> set[str]:
    """In a grid copy whose lines may have lost blank end cells (_grid_rows_clipped), the
    heading left blank beside the group where a row with a cell for every column draws the
    group over the second value column and names the heading at the other side in its place
    (` | | 法人或其他组织 | | | | | 总计`: the blank first column is 自然人's)."""
    width = _widest(rows.values())
    n = len(_APPLICANTS)
    pinned: set[str] = set()
    for row in grid:
        if len(row) != width or width < n:
            continue
        cells = [_HEADING_SYNONYMS.get(w, w) for w in _group_named(row[-n:])]
        if cells[1] != _GROUP or any(cells[2 : n - 1]):
            continue
        ends = (cells[0], cells[-1])
        if ends == ("", _APPLICANTS[-1]):
            pinned.add(_APPLICANTS[0])
        elif ends == (_APPLICANTS[0], ""):
            pinned.add(_APPLICANTS[-1])
    return pinned


def _judge_header_row(
    words: list[str],
    patterns: tuple[tuple[str, ...], ...],
    withheld: set[str],
    seen: set[str],
    problems: Problems,
    what: str = "a header row",
) -> bool:
    """Whether a row of the header holds headings left blank or not read among known ones, and
    it was judged: the columns whose place it does not pin are put in `withheld` (said), the
    headings whose cell it draws in `seen`."""
    named = [w for w in words if w in _APPLICANTS or w == _GROUP]
    holes = [w for w in words if w not in named and _unread_heading(w)]
    if not named or not holes or len(named) + len(holes) < len(words):
        return False  # nothing to place, or a word the rows do not tell (individual columns)
    drawn = [p for p in patterns if set(named) <= set(p)]
    if not drawn:
        return False
    # the corner over the row labels drawn as several empty cells opens the row with blanks
    # beyond its headings' (_fits leaves them out); a row longer than that is no row of the
    # header's but a copy that does not tell them apart, and one whose only blanks were the
    # corner's has no heading to place (自然人 | 自然人 of a converter's doubled heading,
    # _doubled_columns): no row to judge
    widest = max(len(p) for p in drawn)
    while len(words) > widest + 1 and not words[0]:
        words = words[1:]
    if len(words) > widest + 1 or not any(w not in named and _unread_heading(w) for w in words):
        return False
    fits = [f for p in drawn if (f := _fits(words, p)) is not None] or [
        f for p in drawn if (f := _fits_marks_for_several(words, p)) is not None
    ]
    beside: list[str] = []
    if fits:
        held, beside = min(fits, key=lambda f: len(f[1]))
        seen.update(held, beside)
        if not beside:
            return True  # each heading not read is pinned between known neighbours
    # a row of the group's five alone leaves 自然人 and 总计 to the row above it
    group = _HEADER_ROWS[2] in drawn and len(words) <= len(_HEADER_ROWS[2]) + 1
    heads = beside if fits else _HEADER_ROWS[2] if group else _APPLICANTS
    withheld.update(_CODE_OF_HEADING[h] for h in heads)
    seen.update(heads)
    shown = " | ".join(w or "（空）" for w in words)
    why = "side by side" if fits else "and the others do not stand in their places around them"
    problems.flag(
        codes.CELLS_UNPLACED,
        f"requests: {what} ({shown}) has headings left blank or not read, {why}: "
        f"which of {'、'.join(heads)} each of those columns is, is not known, so none of "
        "their values is read",
    )
    return True


def _columns_left_out(
    header: list[str],
    order: list[str],
    rows: dict[str, RawRow],
    blanks_drawn: bool,
    problems: Problems,
) -> bool:
    """Whether the table draws only the applicant columns its header names, each value under
    the heading above it: an agency that had no request from some kinds of applicant leaves
    their columns out (自然人 | 商业企业 | 总计), and a page that draws every cell of a row (an
    HTML table, `blanks_drawn`) with as many cells in each row as the header names headings,
    named once each in the template's order and nothing else named, puts the k-th cell under
    the k-th heading; so does a copy writing empty fields for merged positions after a row's
    cells (bars, a cell a line: _narrow_rows), where each row's 总计 sums its other cells (the
    columns left out held nothing; which fields are fillers is a reading the totals check).
    Each row's values are then laid out in the template's seven columns, the ones left out
    blank (their codes are withheld by the caller: not on the page, said).
    A header naming them in another order, a row of another width, or a heading the header
    does not tell (a word no heading's) leave the place of each value unknown: False."""
    others = [w for w in _header_columns(header) if w not in _APPLICANTS]
    shown = _narrow_rows(rows, len(order)) if order else None
    if (
        not blanks_drawn
        or others
        or not shown
        or order != [h for h in _APPLICANTS if h in order]
        or any(v and len(v) != len(order) for v in shown.values())
        or not any(shown.values())
    ):
        return False
    padded = any(len(rows[code].values) > len(v) for code, v in shown.items())
    if padded and not ("总计" in order and _narrow_rows_sum(shown.values())):
        # a copy's empty fields: which of its cells are the columns' is a reading of where
        # the fillers stand, checked by the totals (the columns left out held nothing)
        return False
    for code, values in shown.items():
        if values:
            under = dict(zip(order, values, strict=True))
            blank = values[0]._replace(text="", td=None)
            rows[code].values = [under.get(h, blank) for h in _APPLICANTS]
    gone = [h for h in _APPLICANTS if h not in order]
    problems.flag(
        codes.INCOMPLETE,
        f"requests: the header names only the applicant columns {'、'.join(order)}, and each "
        f"row has a cell for each: each value is read under its heading; {'、'.join(gone)} "
        "are not on the page",
    )
    return True


def _narrow_rows_sum(rows: Iterable[list[Token]]) -> bool:
    """Whether some row's cells are all numbers, and each such row has its last (总计) the sum
    of the others: the applicant columns a table leaves out held none of its requests."""
    summed = False
    for values in rows:
        read = [read_value(t.text) for t in values]
        numbers = [x.value for x in read if x is not None and x.value is not None]
        if len(numbers) < len(values) or len(values) < 2:
            continue
        if abs(sum(numbers[:-1]) - numbers[-1]) > tally.EPSILON:
            return False
        summed = True
    return summed


def _drawn_cells(values: list[Token]) -> list[Token]:
    """A row's cells from its first not blank to its last (none if all are blank)."""
    drawn = [k for k, t in enumerate(values) if labels.norm(t.text)]
    return values[drawn[0] : drawn[-1] + 1] if drawn else []


def _drawn_spans_left_out(
    header: list[str], order: list[str], rows: dict[str, RawRow], problems: Problems
) -> bool:
    """Whether a table whose header names fewer applicant columns than the template's, in a
    copy writing each grid position of its value rows (blank cells before or after a row's
    values, positions its labels cover), draws every row's values from its first column to
    its last: each row then shows as many cells from its first drawn to its last as the header
    names headings, and each row of numbers has its 总计 the sum of the others (the columns
    left out held nothing). Its cells are then the header's columns in order (read by
    _columns_left_out). A row drawing fewer (a value left blank at either end) leaves open
    which end lacks its cell: False, none read."""
    drawn = {code: _drawn_cells(r.values) for code, r in rows.items()}
    if (
        "总计" not in order
        or any(v and len(v) != len(order) for v in drawn.values())
        or not _narrow_rows_sum(v for v in drawn.values() if v)
    ):
        return False
    kept = {code: r.values for code, r in rows.items()}
    for code, r in rows.items():
        r.values = drawn[code]
    if _columns_left_out(header, order, rows, True, problems):
        return True
    for code, r in rows.items():
        r.values = kept[code]
    return False


def _headings_not_drawn(
    header: list[str],
    seen: set[str],
    rows: dict[str, RawRow],
    problems: Problems,
    blanks_drawn: bool,
) -> set[str]:
    """The requests columns whose place is not known where the header lacks a heading and
    shows no blank or unread cell that pins it: a copy that leaves blank cells out (the
    heading's place is not drawn, and a column moved beside it reads the same), or a table
    without that column (no row has a value in a seventh column: which one it lacks is not
    known, nor where any value belongs, unless the header names each column the rows draw:
    _columns_left_out). A 总计 that the rows' sums put last is in its place.
    A header that lacks more than two headings is read as a table without one would be; a
    page that draws blank cells (an HTML table, a copy with bars) and shows no blank cell for
    the heading has its text elsewhere (glued to markup, damaged), unless the header holds
    characters standing alone that spell no heading (_applicant_columns flags the order)."""
    order = _applicant_order(header)
    missing = [h for h in _APPLICANTS if h not in order]
    if not order or not missing or any(t.x is not None for r in rows.values() for t in r.values):
        return set()  # (text laid out by spaces: a value's column is where it stands)
    width = max(
        (k + 1 for r in rows.values() for k, t in enumerate(r.values) if _has_number([t])),
        default=len(_APPLICANTS),
    )
    # a first cell blank in every row is no applicant's figure (自然人's first of all) but a
    # label column left empty: seven cells under a header naming six are six columns after it
    first_blank = any(r.values for r in rows.values()) and not any(
        labels.norm(r.values[0].text) for r in rows.values() if r.values
    )
    # a copy writing each grid position of its value rows puts blank cells (positions the
    # labels cover) before or after a row's values: where no row's cells from its first drawn
    # to its last span seven (some row drawing any), the seventh position is such a blank, not
    # a column
    span = max((len(_drawn_cells(r.values)) for r in rows.values()), default=0)
    if width < len(_APPLICANTS) or first_blank or 0 < span < len(_APPLICANTS):
        if _columns_left_out(header, order, rows, blanks_drawn, problems) or (
            blanks_drawn
            and not first_blank
            and _drawn_spans_left_out(header, order, rows, problems)
        ):
            return {_CODE_OF_HEADING[h] for h in missing}
        problems.flag(
            codes.CELLS_UNPLACED,
            f"requests: the header does not name {'、'.join(missing)}, and "
            + (
                "every row's first cell is blank, drawn under no heading"
                if first_blank
                else f"no row has a value in more than {width} columns"
                if width < len(_APPLICANTS)
                else f"no row draws more than {span} cells from its first drawn to its last "
                "(the blank cells around them positions its labels cover)"
            )
            + ": the table lacks a column of the template's, which one is not known, so "
            "none is read",
        )
        return set(_CODE_OF_HEADING.values())
    unseen = [h for h in missing if h not in seen]
    others = [w for w in _header_columns(header) if w not in _APPLICANTS]
    if not unseen or len(missing) > 2 or others or blanks_drawn:
        # a header mostly not read (read as a table without one, in the template's order), or
        # words that may be the headings not named (run together, misread: flagged as such)
        return set()
    if unseen == ["总计"] and set(_sum_votes(rows)) == {len(_APPLICANTS) - 1}:
        return set()
    org = _HEADER_ROWS[2]
    heads = (
        org
        if set(unseen) <= set(org) and order[0] == "自然人" and order[-1] == "总计"
        else _APPLICANTS
    )
    # the heading not drawn may stand anywhere among the others (a column moved beside it
    # reads the same), but not after a 总计 the header names last where the sums put the total
    # last in every row that tells: 总计's column is certain
    total_last = "总计" in heads and order[-1] == "总计" and set(_sum_votes(rows)) == {6}
    if total_last:
        heads = tuple(h for h in heads if h != "总计")
    problems.flag(
        codes.CELLS_UNPLACED,
        f"requests: the header does not name {'、'.join(unseen)}, and the page draws no cell "
        "where it stands: which of "
        f"{'、'.join(heads)} each column is, is not known, so none of their values is read"
        + ("; the sums put 总计 last, and its values are read" if total_last else ""),
    )
    return {_CODE_OF_HEADING[h] for h in heads}


def _named_twice_out_of_order(
    header: list[str], rows: dict[str, RawRow], withheld: set[str], problems: Problems
) -> set[str]:
    """The columns not read where a header names a heading twice (a grid copy writing a merged
    heading into each row it spans, 自然人 and 总计 down its rows) and draws the group's five,
    each named once, in another order than the template's (科研机构 and 其他 the other way
    round): _applicant_columns reads such a header as telling no order, and the values went
    in the template's, each of those two under the other's heading with nothing said. The
    group's columns that stand where the template has them are read; the others (returned,
    in doubt) give a number only in a row where they are all the same. (Where 自然人 and 总计 stand the header's repeats do not tell, and a row of
    them scrambled by a converter before the header's rows leaves the group's order as it is.)"""
    order = _applicant_order(header)
    group = [h for h in order if h in _ORG_COLUMNS]
    if (
        len(set(order)) == len(order)
        or sorted(group) != sorted(_ORG_COLUMNS)
        or group == list(_ORG_COLUMNS)
        or not any(r.values for r in rows.values())
    ):
        return set()
    moved = {_CODE_OF_HEADING[h] for h, t in zip(group, _ORG_COLUMNS, strict=True) if h != t}
    moved -= withheld
    if moved:
        problems.flag(
            codes.COLUMN_ORDER_GUESSED,
            f"requests: the header names the applicant columns {'、'.join(order)}: some twice, "
            f"and the group's in another order than the template's; the values of "
            f"{'、'.join(h for h in _ORG_COLUMNS if _CODE_OF_HEADING[h] in moved)} are read only "
            "in a row where they are all the same",
        )
    return moved


def _group_read_across(
    header: list[str],
    header_at: list[tuple[int | None, int | None]],
    tokens: list[Token],
    problems: Problems,
) -> tuple[list[str], list[tuple[int | None, int | None]], set[str], bool]:
    """The requests header with headings written a piece a line over narrow columns read
    across (and the columns whose place a header so written leaves unknown, to withhold; and
    whether 总计 stands where the header's text put it, not where the page draws it).

    Two ways a PDF's text gives such a header: lines of pieces (商业企 科研机 社会公 法律服
    其他 / 业 构 益组织 务机构), read across by transpose.read_across in place of the words the
    lines made together (业构益组织务机构), where every reading gives one order of the five
    under 法人或其他组织; or the lines run together into one, each column's characters
    interleaved (自然人 商企业业 科机构研 社公组会益织 法服机构律务 其他 总计): a word made
    of one heading's characters, in another order, names that heading's column, and a line
    whose words so name all seven tells their order. A line run together that names some of
    them so and not all (商业企 …: a piece of the heading on another line) tells no order:
    the seven columns are withheld, flagged."""
    if len(header) != len(header_at) or not header_at:
        return header, header_at, set(), False
    first, last = header_at[0], header_at[-1]
    lines: dict[int, list[str]] = {}
    for t in tokens:
        if t.kind == END or t.table != first[0] or t.tr is None:
            continue
        if first[1] is not None and last[1] is not None and first[1] <= t.tr <= last[1] + 2:
            lines.setdefault(t.tr, []).extend(t.text.split())
    rows = sorted(lines.items())
    # (a header naming each heading whole is read as it stands)
    down = None if set(_APPLICANTS) <= set(header) else _headings_read_down(rows)
    if down is not None and any(w in _ORG_COLUMNS for w in down[: down.index("自然人")]):
        # 自然人, a cell over the header's two rows as 总计 is, came out after a heading of the
        # group's: its column is not told by the lines, nor by the sums (which place 总计
        # alone), and with it the five's are not known either
        problems.flag(
            codes.COLUMN_ORDER_GUESSED,
            "requests: the header writes each applicant heading down its own lines, 自然人 "
            "after a heading of the group's (" + "、".join(down) + "): which column each "
            "value stands in is not known, none is read",
        )
        return header, header_at, set(_CODE_OF_HEADING.values()), False
    if down is not None:
        problems.append(
            "requests: the header writes each applicant heading down its own lines, a heading "
            "broken where its column is narrow; read down, its lines name each heading once: "
            + "、".join(down)
        )
        kept = [(w, a) for w, a in zip(header, header_at, strict=True) if w == "申请人情况"]
        return [*(w for w, _ in kept), *down], [*(a for _, a in kept), *[last] * 7], set(), True
    for k, (tr, pieces) in enumerate(rows):
        run = _interleaved_headings(pieces)
        if run is None:
            continue
        # the pieces the run's columns wrap onto the lines below it (业 under 商业企) and the
        # last words of the line above that are pieces too (自 over 然人)
        below = [p for _, p in rows[k + 1 :] if all(_HEADING_PART.get(_sorted(w)) for w in p)]
        above = _heading_parts_at_end(rows[k - 1][1]) if k else []
        orders = transpose.read_across([above, run, *below], _APPLICANTS, 7, 7, any_order=True)
        shown = " ".join(run)
        if len(orders) != 1:
            problems.flag(
                codes.COLUMN_ORDER_GUESSED,
                f"requests: the header's line {shown!r} writes the applicant headings with "
                "their characters interleaved (lines of a header written down narrow columns "
                "run together), and its words do not name each heading once: which column "
                "each value stands in is not known, none is read",
            )
            return header, header_at, set(_CODE_OF_HEADING.values()), False
        problems.append(
            f"requests: the header's line {shown!r} writes the applicant headings with their "
            "characters interleaved; each word names its column by its characters: "
            + "、".join(orders[0])
        )
        kept = [(w, a) for w, a in zip(header, header_at, strict=True) if w != _GROUP]
        at = (first[0], tr)
        return [*(w for w, _ in kept), *orders[0]], [*(a for _, a in kept), *[at] * 7], set(), False
    parts = {h[i:j] for h in _ORG_COLUMNS for i in range(len(h)) for j in range(i + 1, len(h) + 1)}
    # the lines' pieces of the columns beside the group written down them too (自 商业企 … 总 /
    # 然 业 … 计 / 人 …, or 自然人 … 总计 where they stand whole, a 序号 column's): kept apart
    # from the group's, each side's characters (自然人 or 总计 named where they are all there);
    # not a line of whole headings or one naming the group (自然人 商业企业 法人或其他组织 总计:
    # a header row drawing a heading down beside the group)
    beside: dict[int, list[str]] = {}
    for tr, pieces in lines.items():
        group = [p for p in pieces if not set(p) <= _BESIDE_GROUP]
        if (
            2 <= len(group) < len(pieces)
            and sum(p not in parts for p in group) <= 1
            and not all(p in _ORG_COLUMNS for p in group)
            and not any(p in (_GROUP, "申请人情况") for p in group)
        ):
            start = pieces.index(group[0])
            end = len(pieces) - pieces[::-1].index(group[-1])
            if all(not set(p) <= _BESIDE_GROUP for p in pieces[start:end]):
                beside[tr] = pieces[:start] + ["|"] + pieces[end:]
                lines[tr] = group
    # lines of the group's headings' pieces, a piece misread among them (业 构 益口织 务机构);
    # not a heading written with a space inside (商业 企业: a cell a line of a text copy)
    across = [
        pieces
        for _, pieces in sorted(lines.items())
        if len(pieces) >= 2
        and sum(p not in parts for p in pieces) <= 1
        and "".join(pieces) not in _APPLICANTS
    ]
    if (
        len(across) < 2
        or sum(p not in parts for pieces in across for p in pieces) > 1
        or all(p in _ORG_COLUMNS for pieces in across for p in pieces)
    ):
        return header, header_at, set(), False
    orders = transpose.read_across(across, _ORG_COLUMNS, len(_ORG_COLUMNS), len(_ORG_COLUMNS))
    joined = {"".join(pieces) for pieces in across}
    if len(orders) != 1:
        shown = " / ".join(" ".join(pieces) for pieces in across)
        problems.flag(
            codes.COLUMN_ORDER_GUESSED,
            f"requests: the header writes the headings under 法人或其他组织 a piece a line "
            f"({shown}), and "
            + (
                "no reading of its lines spells every heading"
                if not orders
                else "its lines read across in more than one order"
            )
            + ": which of those columns each value stands in is not known, none is read",
        )
        return header, header_at, _columns_not_placed(header), False
    # (a header word is a line as the copy wrote it, the other columns' pieces in it)
    joined |= {"".join(pieces).replace("|", "".join(lines[tr])) for tr, pieces in beside.items()}
    # the lines not in the header's words (a copy's lines the header did not take): read where
    # the header names none of the five (申请人情况 / 法人或其他组织 over the lines, or
    # 自然人 | 法人或其他组织 | 总计)
    alone = not any(w in _ORG_COLUMNS for w in header)
    if not any(w in joined for w in header) and not alone:
        return header, header_at, set(), False
    left = _sorted("".join(w for p in beside.values() for w in p[: p.index("|")]))
    right = _sorted("".join(w for p in beside.values() for w in p[p.index("|") + 1 :]))
    # 自然人 and 总计 named so stand either side of 法人或其他组织, as a header of two rows
    # draws them (else either side of the five)
    sides = (
        [h for h in ("自然人",) if left in (_sorted(h), _sorted("序号" + h)) and h not in header],
        [h for h in ("总计",) if right == _sorted(h) and h not in header],
    )
    if _GROUP in header:
        header_sides, named = sides, list(orders[0])
    else:
        header_sides, named = ([], []), [*sides[0], *orders[0], *sides[1]]
    out: list[str] = []
    out_at: list[tuple[int | None, int | None]] = []
    for w, at in zip(header, header_at, strict=True):
        if w in joined:
            if not any(h in out for h in _ORG_COLUMNS):
                out.extend(named)
                out_at.extend([at] * len(named))
            continue
        if w == _GROUP:
            out.extend([*header_sides[0], w, *header_sides[1]])
            out_at.extend([at] * (len(header_sides[0]) + 1 + len(header_sides[1])))
            continue
        out.append(w)
        out_at.append(at)
    if not any(h in out for h in _ORG_COLUMNS):
        out.extend(named)
        out_at.extend([(first[0], max(lines))] * len(named))
    return out, out_at, set(), False


def _headings_read_down(rows: list[tuple[int, list[str]]]) -> list[str] | None:
    """The applicant headings in the order a header of a PDF's text names them when it gives
    each cell's text its own lines, one heading after another, a heading broken where its
    column is narrow (总计商 业 企 / 业 / 科研机 / 构 / 社会公益 / 组织 / 法 律 服 务 / 机构 / 其他):
    the lines before the first with a number, run together, spell the seven headings one
    after another, each once, 法人或其他组织 among them at most once (the header's other
    words, 申请人情况 and the note of the column's sums, stand alone on their own lines). None
    where they do not, or where each heading is a word of its own (a header of rows, which
    the other readings take). 总计 and 自然人, cells over the header's two rows, may come out
    of the PDF before the group's headings: where 总计 stands is told by the sums
    (_applicant_columns)."""
    text = ""
    words: list[str] = []
    for _, pieces in rows:
        line = "".join(pieces)
        if any(c.isdigit() for c in line):
            break
        if line in _HEADER_NON_COLUMNS or any(w in line for w in ("勾稽", "本列数据", "之和")):
            continue
        text += line
        words += pieces
    if all(w in (*_APPLICANTS, _GROUP) for w in words):
        return None  # each heading a word of its own: a header of rows, read as such
    order: list[str] = []
    while text:
        # (the seven headings and 法人或其他组织 begin with different characters: one reading
        # at most; the group's heading is broken down its lines too, and run onto another's)
        word = next((h for h in (*_APPLICANTS, _GROUP) if text.startswith(h)), None)
        if word is None or word in order:
            return None
        order.append(word)
        text = text[len(word) :]
    order = [w for w in order if w != _GROUP]
    return order if len(order) == len(_APPLICANTS) else None


def _sorted(word: str) -> str:
    return "".join(sorted(word))


#: characters of the columns a header written a piece a line puts beside the group's five, on
#: the same lines (自然人, 总计, a 序号 column): none of them in the five's headings
_BESIDE_GROUP = frozenset("自然人总计序号")


#: the applicant headings' characters, any of them in any order (商企业业 → 商业企业)
_HEADING_PART = {
    _sorted("".join(c for k, c in enumerate(h) if mask >> k & 1)): True
    for h in _APPLICANTS
    for mask in range(1, 1 << len(h))
}


def _heading_parts_at_end(pieces: list[str]) -> list[str]:
    """The last words of a line that are applicant headings' characters (some or all of a
    heading's, in any order), or such characters and marks of characters not read (构务法律服口:
    a heading misread, which no reading takes)."""
    run: list[str] = []
    for w in reversed(pieces):
        read = "".join(c for c in w if c not in labels.MISREAD_MARKS)
        if not read or not _HEADING_PART.get(_sorted(read)):
            break
        run.insert(0, w)
    return run


def _interleaved_headings(pieces: list[str]) -> list[str] | None:
    """The words of _heading_parts_at_end where at least three are and one of them writes
    its characters in another order than any heading's (科机构研: two lines of a header run
    together); None otherwise (a line of headings as written is read as such)."""
    run = _heading_parts_at_end(pieces)
    read = ["".join(c for c in w if c not in labels.MISREAD_MARKS) for w in run]
    if len(run) < 3 or all(any(w in h for h in _APPLICANTS) for w in read):
        return None  # (a mark of a character not read is no interleaving: 总口)
    return run


def _applicant_columns(
    header: list[str],
    rows: dict[str, RawRow],
    problems: Problems,
    told: str | None = None,
    lost: list[str] | None = None,
    withheld: set[str] | frozenset[str] = frozenset(),
    settled: bool = False,
    total_floats: bool = False,
    doubt: set[str] | None = None,
    gone: set[str] | frozenset[str] = frozenset(),
) -> tuple[contract.Column, ...] | None:
    """The columns of the requests values in the order the header draws them, when it draws
    the applicant columns in another order than the template's (科研机构 before 商业企业, the
    法人或其他组织 group before 自然人): a value is under the heading above it. None when the
    header is the template's, or does not name each of the seven once (flagged when the
    headings it does name stand in another order than the template's).

    Runs after _extra_columns and _total_column_first: their columns are already out of the
    values or moved to the end (`told`: where a 总计 drawn first stands, as the sums told it,
    "header" where the values were moved, or "template"). `lost`: the
    characters standing alone in the header, which spell none of its headings; they leave the
    order a guess unless each heading the header does not name had its values withheld
    (`withheld`, _unpinned_columns). `settled`: 总计 drawn first over numbers that do not tell
    the order, and only the values both orders read the same are read
    (_total_first_not_told). `total_floats`: 总计 stands where a PDF's text put its cell over the
    header's two rows (_headings_read_down), which tells nothing of its column: where the sums
    put it last, the others are read in the header's order. `doubt`: filled, where the order
    is a guess, with the columns whose place it leaves open (_order_doubted; of characters
    standing alone, those _columns_not_placed names): a value of theirs is read only where
    every order of them reads the same, not in the template's order. `gone`: the columns
    already out of the values (_unread_doubted)."""
    order = _applicant_order(header)
    if lost and sorted(order) != sorted(_APPLICANTS) and any(r.values for r in rows.values()):
        if not set(_APPLICANTS) - set(order) <= withheld:
            _order_not_told("requests", lost, "each applicant column once", problems)
            # (a lost word that is no heading's piece is a column the template lacks, which
            # the header places: _extra_columns)
            pieces = [w for w in lost if any(labels.bare(w) in h for h in _APPLICANTS)]
            if doubt is not None:
                # (nor, where the pieces are the group word's, 法人或其 standing alone where it
                # lost a line, is the order of the headings the header names told: named out
                # of the template's order, or not once each)
                doubt |= _unread_doubted(header, rows, set(gone)) & (
                    _columns_not_placed(header) if pieces else set(_CODE_OF_HEADING.values())
                )
        return None
    if sorted(order) != sorted(_APPLICANTS):
        # a heading named twice: a scrambled or repeated header, whose order tells nothing
        named = list(dict.fromkeys(order))
        if (told or settled) and named[:1] == ["总计"]:
            # the sums put 总计 in its place, or only the values both places read the same are
            # read: the order of the others is the question
            named = [*named[1:], "总计"]
        if (
            len(named) == len(order)
            and named != [w for w in _APPLICANTS if w in named]
            and any(r.values for r in rows.values())
            and not set(_APPLICANTS) <= withheld  # (no value read: none in a guessed order)
        ):
            problems.flag(
                codes.COLUMN_ORDER_GUESSED,
                f"requests: the header names the applicant columns {'、'.join(order)}: another "
                f"order than the template's, but not each of the seven once; {_DOUBT_READ}",
            )
            if doubt is not None:
                doubt |= _order_doubted(header, rows)
        return None
    if order == list(_APPLICANTS):
        return None
    by_label = dict(zip(_APPLICANTS, contract.REQUEST_COLUMNS, strict=True))
    six = [w for w in order if w != "总计"]
    at = order.index("总计")
    if total_floats:
        return _total_placed_by_sums(order, rows, told, problems, doubt)
    if at not in (0, 6):
        # 总计 among the applicant columns: the sums tell whether the numbers follow the header
        votes = _sum_votes(rows)
        agree = votes.pop(at, 0)
        if not agree or votes:
            problems.flag(
                codes.COLUMN_ORDER_GUESSED,
                "requests: the header puts 总计 among the applicant columns, but the numbers do "
                f"not sum that way; {_DOUBT_READ}",
            )
            if doubt is not None:
                doubt |= _order_doubted(header, rows)
            return None
        problems.flag(
            codes.READING_BY_IDENTITY,
            f"requests: the header puts 总计 among the applicant columns and the numbers agree "
            f"({agree} rows sum that way); values are read in the header's order",
        )
        return tuple(by_label[w] for w in order)
    if six == list(_APPLICANTS[:6]) or (at == 0 and settled):
        return None  # (settled: only values both orders read the same are read)
    # 总计 first and the sums did not confirm it (its order of the rest is no evidence either),
    # or 总计 last and rows whose total stands elsewhere: the numbers do not follow the header
    if (at == 0 and told != "header") or (at == 6 and set(_sum_votes(rows)) - {6}):
        problems.flag(
            codes.COLUMN_ORDER_GUESSED,
            f"requests: the header orders the applicant columns {'、'.join(order)}, but the "
            f"sums do not confirm that order; {_DOUBT_READ}",
        )
        if doubt is not None:
            doubt |= _order_doubted(header, rows)
        return None
    problems.append(
        f"requests: the header orders the applicant columns {'、'.join(six)}; each value is "
        "read under its heading"
    )
    return (*(by_label[w] for w in six), by_label["总计"])


#: what a guessed order of the requests columns leaves read (_order_doubted, _held_in_doubt)
_DOUBT_READ = (
    "a value is read only where every order of the columns in doubt reads the same, or where "
    "no order moves its column"
)


def _order_doubted(header: list[str], rows: dict[str, RawRow], named: bool = True) -> set[str]:
    """The requests columns whose place an order of the header's headings that is a guess
    leaves open. The group's five always. 总计 unless the rows' sums put the total last, where
    the template reads it, and no row puts it elsewhere (a total is the sum of the others in
    whatever order they stand). 自然人 unless, besides, it is the header's first column: a
    heading of the group or a word read before it (a PDF's text giving a cell over two rows
    among the group's) leaves its place open too. Where the header names each of the seven
    once, the orders are its own (总计 moved last where the sums put it there) and the
    template's: only the columns they place apart are in doubt (not where `named` is False:
    the header's words are no reading of its order)."""
    last = set(_sum_votes(rows)) == {6}
    order = _applicant_order(header)
    if named and sorted(order) == sorted(_APPLICANTS):
        if last:
            order = [*(h for h in order if h != "总计"), "总计"]
        return {_CODE_OF_HEADING[h] for h, t in zip(order, _APPLICANTS, strict=True) if h != t}
    doubt = set(_GROUP_CODES)
    if not last:
        doubt.add(_CODE_OF_HEADING["总计"])
    if not last or _header_columns(header)[:1] != ["自然人"]:
        doubt.add(_CODE_OF_HEADING["自然人"])
    return doubt


def _held_in_doubt(cells: list[Cell], doubt: set[str]) -> dict[str, set[str]]:
    """The requests cells a guessed order leaves uncertain (row code: column codes): in each
    row, the columns in `doubt` unless every one of them reads the same value (a row of zeros,
    or of equal numbers), which every order of them puts in each."""
    by_row: dict[str, dict[str, object]] = {}
    for c in cells:
        by_row.setdefault(c.row, {})[c.col] = c.value
    held: dict[str, set[str]] = {}
    for row, values in by_row.items():
        if len({repr(values.get(col, "absent")) for col in doubt}) > 1:
            held[row] = set(doubt)
    return held


def _total_placed_by_sums(
    order: list[str],
    rows: dict[str, RawRow],
    told: str | None,
    problems: Problems,
    doubt: set[str] | None,
) -> tuple[contract.Column, ...] | None:
    """The requests columns of a header read down its lines (_headings_read_down), where 总计
    stands where a PDF's text put its cell over the header's two rows, before, among or after
    the others: the others stand in the header's order, 总计 where the sums put it (`told`:
    for a 总计 first, what _total_column_first made of them), last or where the header has
    it. Where they put it neither way only (rows of zeros, of one applicant's requests, or
    sums that hold both ways), a column is read only where both places read the same text in
    it in every row (zeros); the others are in `doubt` (_held_in_doubt), all seven where rows rule
    out both places (总计 drawn at a third)."""
    by_label = dict(zip(_APPLICANTS, contract.REQUEST_COLUMNS, strict=True))
    six = [w for w in order if w != "总计"]
    at = order.index("总计")
    ruled_out = _totals_ruled_out(rows)
    if at == 0:
        # (the values were moved to the template's order where the sums put 总计 first)
        placed = 6 if told in ("header", "template") else None
        said = "first" if told == "header" else "last"
    elif at == 6:
        # (rows whose total stands elsewhere: the numbers do not follow the header)
        placed = None if set(_sum_votes(rows)) - {6} else 6
        said = "last"
    else:
        # a place the rows never rule out, where they rule out the other; else the one place
        # rows vote for (a row whose sums a typing slip broke rules out both)
        votes = _sum_votes(rows)
        placed = next((p for p, q in ((at, 6), (6, at)) if ruled_out[q] and not ruled_out[p]), None)
        if placed is None and len(votes) == 1 and set(votes) <= {at, 6}:
            placed = next(iter(votes))
        said = "last" if placed == 6 else "where the header has it"
    if placed is None:
        last = [*six, "总计"]
        differ = set()
        for r in rows.values():
            texts = [labels.norm(t.text) for t in r.values[:7]]
            texts += [None] * (7 - len(texts))  # (a cell not there differs from any)
            differ |= {h for h in _APPLICANTS if texts[order.index(h)] != texts[last.index(h)]}
        if at == 6 or ruled_out[at] or ruled_out[6]:
            # (no other place to compare with; or rows that rule a place out put 总计 at a
            # third, where neither reading holds)
            differ = set(_APPLICANTS)
        if differ:
            problems.flag(
                codes.COLUMN_ORDER_GUESSED,
                f"requests: the header's lines put the applicant columns so: "
                f"{'、'.join(order)}, and the sums do not tell whether 总计 stands there or "
                f"last: the columns the two places read differently ({'、'.join(sorted(differ))}) "
                "are not read",
            )
            if doubt is not None:
                doubt |= {_CODE_OF_HEADING[h] for h in differ}
        return tuple(by_label[w] for w in order)
    if placed == at and at != 6:
        problems.flag(
            codes.READING_BY_IDENTITY,
            "requests: the header puts 总计 among the applicant columns and the numbers agree "
            f"({ruled_out[6]} rows rule out its standing last); values are read in the header's "
            "order",
        )
        return tuple(by_label[w] for w in order)
    if six == list(_APPLICANTS[:6]):
        return None
    if at != 6:
        problems.flag(
            codes.READING_BY_IDENTITY,
            f"requests: the header puts 总计 before some applicant columns, but the numbers put "
            f"it {said}; the others are read in the header's order",
        )
    return (*(by_label[w] for w in six), by_label["总计"])


def _columns_not_placed(header: list[str]) -> set[str]:
    """The requests columns whose place a header that names not each heading leaves unknown:
    the five under 法人或其他组织 where the header names 自然人 before the group and 总计
    after it (the group's columns stand between them, their order not known), else all."""
    named = [w for w in header if w in ("自然人", _GROUP, "总计")]
    if named == ["自然人", _GROUP, "总计"] and not any(w in _ORG_COLUMNS for w in header):
        return set(_GROUP_CODES)
    return set(_CODE_OF_HEADING.values())


def _order_not_told(
    section: str, lost: list[str], named: str, problems: Problems, pieces: str = "characters"
) -> None:
    """A heading written a character a line whose characters could not be joined again (one
    misread, one lost), or a heading misread whole in its cell (总口, 口口口口: `pieces` is
    "words"): the header's order without it tells nothing of where the values stand, and the
    template's order would be a guess."""
    what = (
        f"characters standing alone ({'、'.join(lost[:12])}) that spell"
        if pieces == "characters"
        else f"words ({'、'.join(lost[:12])}) that name"
    )
    problems.flag(
        codes.COLUMN_ORDER_GUESSED,
        f"{section}: the header holds {what} none of its headings, and does not name {named}; "
        "of the columns whose place it leaves unknown, a value is read only where every order "
        "of them reads the same",
    )


def _repeated_header(
    header: list[str],
    later: list[tuple[int | None, int | None, str]],
    rows: dict[str, RawRow],
    problems: Problems,
) -> tuple[set[str], set[str]]:
    """A header repeated further down (a table split in two) that orders the applicant columns
    otherwise than the first: which order the rows under it follow is a guess. The rows under
    it (row codes: all where a row's place on the page is not known) and the columns the two
    orders place apart (_order_doubted), whose values are read only where every order reads
    the same."""
    first = _applicant_order(header)
    runs: list[list[str]] = []
    starts: list[tuple[int, int]] = []  # where each run stands: its table and row
    last: tuple[int | None, int | None] | None = None
    for table, tr, w in later:
        near = last is not None and last[0] == table and (tr or 0) - (last[1] or 0) <= 1
        if not near:
            runs.append([])
            starts.append((table or 0, tr or 0))
        runs[-1].append(w)
        last = (table, tr)
    for run, at in zip(runs, starts, strict=True):
        order = _applicant_order(_header_words(_group_named(run)))
        if len(set(order)) >= 5 and order != (first or list(_APPLICANTS)):
            problems.flag(
                codes.COLUMN_ORDER_GUESSED,
                f"requests: the header is repeated with the applicant columns {'、'.join(order)}, "
                f"another order than the first's; in the rows under it {_DOUBT_READ}",
            )
            under = {
                code
                for code, r in rows.items()
                if not r.values
                or r.values[0].tr is None
                or ((r.values[0].table or 0), r.values[0].tr) > at
            }
            # (the first's order, or the template's where it names not each once, against
            # the repeated header's)
            mine = first if sorted(first) == sorted(_APPLICANTS) else list(_APPLICANTS)
            if sorted(order) != sorted(_APPLICANTS):
                return under, _order_doubted(run, rows)
            return under, {_CODE_OF_HEADING[h] for h, k in zip(mine, order, strict=True) if h != k}
    return set(), set()


def _total_not_where_read(
    header: list[str],
    order: list[str] | None,
    rows: dict[str, RawRow],
    withheld: set[str],
    problems: Problems,
) -> set[str]:
    """The requests columns whose headings the header does not name (left blank, not read),
    where 总计 is one of them and the rows' sums put the total in another column than the one
    it is read from (`order`: the headings over the columns as read, else the template's): the
    header's places (a blank pinned in its row, 其他 at the group's end and 总计 after it) do
    not hold for the numbers, and which of those headings each such column is, is not
    known."""
    missing = [h for h in _APPLICANTS if h not in _applicant_order(header)]
    if "总计" not in missing or _CODE_OF_HEADING["总计"] in withheld:
        return set()
    at = (order or list(_APPLICANTS)).index("总计")
    votes = _sum_votes(rows, blanks=True)
    if not set(votes) - {at}:
        return set()
    elsewhere = ", ".join(str(k + 1) for k in sorted(set(votes) - {at}))
    problems.flag(
        codes.CELLS_UNPLACED,
        f"requests: the header does not name {'、'.join(missing)}, and the rows' sums put the "
        f"total in column {elsewhere}, not where 总计 would stand ({at + 1}): which of "
        f"{'、'.join(missing)} each of their columns is, is not known, so none of their values "
        "is read",
    )
    return {_CODE_OF_HEADING[h] for h in missing}


def _sum_votes(rows: dict[str, RawRow], blanks: bool = False) -> Counter[int]:
    """Rows where every one of the seven values is there vote for the one position whose value
    is the sum of the others. A row where two positions are (5 0 0 0 0 0 5: the only nonzero
    column beside the total; all zeros) tells nothing and does not vote. With `blanks`, a
    row's blank cells (/, —, empty) count as 0, as an identity counts them."""
    votes: Counter[int] = Counter()
    for r in rows.values():
        numbers = [read_value(t.text) for t in r.values[:7]]
        if len(numbers) < 7 or any(v is None or (v.value is None and not blanks) for v in numbers):
            continue
        v = [float(x.value or 0) for x in numbers if x is not None]
        at = _sum_positions(v)
        if len(at) == 1:
            votes[at[0]] += 1
    return votes


def _sum_positions(numbers: list[float]) -> list[int]:
    """The positions whose number is the sum of all the others."""
    total = sum(numbers)
    return [k for k, x in enumerate(numbers) if abs(2 * x - total) < 1e-9]


def _totals_ruled_out(rows: dict[str, RawRow]) -> Counter[int]:
    """For each of the seven positions, the rows whose number there is not the sum of the
    others: rows that rule out a total standing there (5 0 0 0 0 0 5 rules out all but the
    first and the last; a row of zeros none). Rows where a value is not there do not count."""
    out: Counter[int] = Counter()
    for r in rows.values():
        numbers = [read_value(t.text) for t in r.values[:7]]
        if len(numbers) < 7 or any(v is None or v.value is None for v in numbers):
            continue
        at = _sum_positions([float(v.value) for v in numbers if v and v.value is not None])
        out.update(k for k in range(7) if k not in at)
    return out


def _total_column_first(
    header: list[str], rows: dict[str, RawRow], problems: Problems, held: dict[str, set[str]]
) -> str | None:
    """A requests header may put 总计 before 自然人. Whether the numbers follow it is told by the
    sums: in the template's order the last of the seven is the sum of the first six; in the
    header's order the first is the sum of the rest. Rows where every value is there vote;
    where they do not tell, _total_first_not_told reads what is certain (the cells it leaves
    out go into `held`). The order the sums told: "header" (the values were moved to the
    template's order), "template", or None (no 总计 first, or the sums do not tell)."""
    if "总计" not in header or "自然人" not in header or not any(r.values for r in rows.values()):
        return None
    if header.index("总计") > header.index("自然人"):
        return None
    order = _applicant_order(header)
    if order[0] != "总计":
        return None  # 总计 drawn among the applicants: _applicant_columns reads the sums
    votes = _sum_votes(rows)
    header_order, template_order = votes.pop(0, 0), votes.pop(6, 0)
    if header_order and not template_order and not votes:
        for r in rows.values():
            if len(r.values) >= 7:
                r.values = [*r.values[1:7], r.values[0], *r.values[7:]]
        problems.flag(
            codes.READING_BY_IDENTITY,
            f"requests: the header puts 总计 before 自然人 and the numbers agree ({header_order} "
            "rows sum that way); values are read in the header's order",
        )
        return "header"
    if template_order and not header_order and not votes:
        problems.flag(
            codes.READING_BY_IDENTITY,
            "requests: the header puts 总计 before 自然人, but the numbers follow the template's "
            f"order ({template_order} rows); values are read in the template's order",
        )
        return "template"
    return _total_first_not_told(order, rows, held, problems)


def _total_first_not_told(
    order: list[str], rows: dict[str, RawRow], held: dict[str, set[str]], problems: Problems
) -> str | None:
    """A requests header that puts 总计 first over numbers whose sums vote for neither order.
    A row rules an order out where the total it puts in place is not the sum of the others
    (5 5 0 0 0 0 0: the header's 总计 of 5 sums, the template's 0 does not): where rows rule
    out one order and none the other, the other is read. Where they do not tell, a value is
    read only where both orders read the same text in its column (zeros in a row, a number
    written twice side by side); the others go into `held` (row code: column codes), said.
    The order the sums told, as _total_column_first."""
    if sorted(order) != sorted(_APPLICANTS):
        order = ["总计", *_APPLICANTS[:6]]  # (a heading not named: the rest in their places)
    ruled_out = _totals_ruled_out(rows)
    out = {"header": ruled_out[0], "template": ruled_out[6]}
    if out["template"] and not out["header"]:
        for r in rows.values():
            if len(r.values) >= 7:
                r.values = [*r.values[1:7], r.values[0], *r.values[7:]]
        problems.flag(
            codes.READING_BY_IDENTITY,
            "requests: the header puts 总计 before 自然人, and the sums rule out the template's "
            f"order ({out['template']} rows) and not the header's; values are read in the "
            "header's order",
        )
        return "header"
    if out["header"] and not out["template"]:
        problems.flag(
            codes.READING_BY_IDENTITY,
            "requests: the header puts 总计 before 自然人, but the sums rule out its order "
            f"({out['header']} rows) and not the template's; values are read in the template's "
            "order",
        )
        return "template"
    # rows that rule out both orders put 总计 at a third place (after 自然人, among the group's
    # columns), where what both orders read the same is no more certain than the rest
    neither = bool(out["header"] and out["template"])
    for code, r in rows.items():
        texts = [labels.norm(t.text) for t in r.values]
        if not texts:
            continue
        if len(texts) < 7 or any(texts[7:]) or neither:
            held[code] = {_CODE_OF_HEADING[h] for h in _APPLICANTS}  # cells left out or extra
            continue
        held[code] = {
            _CODE_OF_HEADING[h]
            for h in _APPLICANTS
            if texts[order.index(h)] != texts[_APPLICANTS.index(h)]
        }
    shown = sum(len(v) for v in held.values())
    problems.flag(
        codes.CELLS_UNPLACED,
        (
            "requests: the header puts 总计 before 自然人, and the sums rule out both its order "
            f"({out['header']} rows) and the template's ({out['template']} rows): 总计 stands "
            f"elsewhere, and none of the {shown} values is read"
        )
        if neither
        else (
            "requests: the header puts 总计 before 自然人, and the numbers cannot tell whether "
            "they follow it or the template's order: a value is read only where both orders "
            f"read the same; {shown} values that differ between them are not read"
        ),
    )
    return None


def _repeats_at_end(values: list[Token], extra: int) -> bool:
    """The last `extra` cells write again the text of the cell before them: a merged value
    cell's text copied into every position it covers, as converters do."""
    last = labels.norm(values[-extra - 1].text) if len(values) > extra else ""
    return bool(last) and all(labels.norm(t.text) == last for t in values[-extra:])


def _withhold(
    section: str,
    code: str,
    r: RawRow,
    n: int,
    why: str,
    problems: Problems,
    withheld: set[str],
) -> None:
    """The row gives no values: `why` says what is not known of its cells."""
    shown = "/".join(t.text or "空" for t in r.values[:12])
    problems.flag(
        codes.CELLS_UNPLACED,
        f"{section}.{code}: {len(r.values)} value cells where the template has {n} columns "
        f"({shown}), {why} is not known, so none is read",
    )
    withheld.add(code)


#: how a column drawn after 总计 whose heading is left empty is named in problems
_NO_HEADING = "（无标题）"


def _headings_after_total(header_grid: list[list[str]] | None, unheaded: bool = False) -> list[str]:
    """Headings of columns a page draws after the applicants' (备注, 说明, 上年总计, 同比增减,
    占比): the words of the header's first row behind 申请人情况, drawn down beside it, which
    spans every applicant column up to 总计 (or behind 总计 where that is drawn down there).
    Not an applicant's kind (个体工商户), nor a template heading or a piece of one. With
    `unheaded`: [_NO_HEADING] where one empty cell alone stands there."""
    grid = header_grid or []
    at = next((i for i, row in enumerate(grid) if "申请人情况" in row), None)
    if at is None:
        return []
    top = grid[at]
    # the words read from 申请人情况 on up to the applicants' headings of the rows under it
    # stand in its row, behind it, also where a copy does not tell the header's rows apart
    # (the whole grid a cell a line: the applicants' headings in its row) or ends a row at
    # each line of fillers (申请人情况 | ||| | 备注 | |||: its covered positions where they
    # stand, a row of the header's grid each)
    if any(w in top for w in (*_ORG_COLUMNS, _GROUP)):
        words = [w for w in top if w in _UNDER_APPLICANTS]
        if top.index("申请人情况") > top.index(words[0]):
            return []  # no header row of its own over the applicants' headings
        top = top[: top.index(words[0])]
    elif not top[top.index("申请人情况") + 1 :]:
        for row in grid[at + 1 :]:
            if any(w in _UNDER_APPLICANTS for w in row):
                break
            top = [*top, *row]
    last = max(i for i, w in enumerate(top) if w == "申请人情况" or w in _APPLICANTS)
    after = list(dict.fromkeys(w for w in top[last + 1 :] if w))
    if unheaded and top[last + 1 :] == [""]:
        # one cell behind 申请人情况 with no heading at all, where the row writes none of its
        # covered positions blank (a converter's grid, 申请人情况 over seven columns, leaves
        # six empty behind it): a column drawn after 总计 whose heading was left empty (its
        # cells last year's figures, remarks or blanks). Not taken for one, a row blank in
        # its first column was read from the right, its figure there read as 总计
        return [_NO_HEADING]
    if _not_after_total(after, top):
        # (a heading of the applicants' columns, or the row under 申请人情况 read as one
        # word: 商业企业科研机构社会公益组织…)
        return []
    return after


def _drawn_down_from_above(
    header: list[str],
    at: list[tuple[int | None, int | None]],
    tds: list[int | None],
    header_grid: list[list[str]],
    cells_of: Callable[[int], list[Token]],
) -> list[str]:
    """Headings of columns a web page draws after 总计 from a row above 申请人情况's: a title
    row over the table (收到和处理政府信息公开申请情况, a unit) with 备注 or 上年总计 drawn down
    beside it over the whole header. _headings_after_total looks in 申请人情况's row alone;
    missed, such a column was taken for an applicant's (its heading first in the header's
    words), and a row blank behind 总计 was read from the right, each value a column left (其他
    under 总计's). Only the table's spans place such a heading: where they put it behind 总计
    it is one of those columns; elsewhere (a copy, or spans that do not lay out) the header
    is judged as before, its columns withheld where their place is a guess."""
    above = _headings_above(header_grid, header)
    if not above:
        return []
    columns = _columns_by_spans(header, at, tds, _header_cells(at, cells_of))
    if not columns or "总计" not in columns:
        return []
    behind = columns[columns.index("总计") + 1 :]
    return above if sorted(behind) == sorted(above) else []


def _headings_above(header_grid: list[list[str]], header: list[str]) -> list[str]:
    """The words of the header's rows above 申请人情况's (the grid holds no title or corner
    text) that may head a column drawn down beside them (备注, 上年总计), none of them an
    applicant's heading or a piece of one."""
    grid_at = next((i for i, row in enumerate(header_grid) if "申请人情况" in row), None)
    if not grid_at:
        return []
    above = list(dict.fromkeys(w for row in header_grid[:grid_at] for w in row if w))
    return [] if not above or _not_after_total(above, header) else above


def _beside_above_not_placed(
    header_grid: list[list[str]],
    header: list[str],
    rows: dict[str, RawRow],
    width: dict[str, int],
    problems: Problems,
) -> set[str]:
    """The rows given no value where a heading stands beside a title row above 申请人情况's
    (备注, 上年总计, 说明) and the table's spans do not put it behind 总计 (a page drawn without
    them: _drawn_down_from_above): a row of more cells than columns may have its cell of that
    column last or, a blank merged label's position read as a cell, first; its words (无, /)
    or a blank tell neither, and read from the right each value stood a column left."""
    above = _headings_above(header_grid, header)
    if not above:
        return set()
    over = [
        code
        for code, r in rows.items()
        # (a web page's table: a copy's rows are placed by its header's positions, or the
        # columns behind 总计 are found from its rows, _cells_after_total)
        if r.values and r.values[0].table and len(r.values) > width.get(code, len(r.values))
    ]
    if over:
        problems.flag(
            codes.CELLS_UNPLACED,
            f"requests: {'、'.join(above)} stands beside a row above the header, and the table "
            "does not place its column; which cell of a row of more cells than columns "
            f"stands in it is not known, so those rows ({', '.join(over[:4])}"
            f"{'…' if len(over) > 4 else ''}) give no value",
        )
    return set(over)


def _not_after_total(after: list[str], top: list[str]) -> bool:
    """Whether words read behind the applicants' headings name no column after 总计: an
    applicant's heading or a piece of one, 合计 drawn before 自然人, a heading not read."""
    return any(
        w in _APPLICANTS
        or w in _TOTAL_SYNONYMS  # (合计 drawn before 自然人)
        or not labels.has_chinese(w)  # (□□□□: a heading not read)
        or any(n in w for n in (*_APPLICANTS[:6], *_HEADER_NON_COLUMNS))
        or _names_applicants(w, list(top))
        for w in after
    )


def _words_behind_total(raw: list[RawRow], index: dict[str, int]) -> None:
    """Mark the rows whose cell behind 总计 held words (无, 含网上申请, 52%) read as a label
    that closed the row, in a copy writing a cell a line (each cell a line of its own, so no
    line tells that the words stood in the row): a row of the template not closed by a row
    end and followed by a label that is no row of it. Unmarked, such a row was taken to
    hold its cell behind 总计, and its 总计 was left out for it (_cells_after_total)."""
    for r, nxt in itertools.pairwise(raw):
        if (
            r.code in index
            and r.values
            and not r.hard
            and not r.words_after
            and nxt.code == UNKNOWN
            and all(t.table == 0 and t.kind == CELL for t in r.values)
        ):
            r.words_after = True


def _shown_cells(rows: dict[str, RawRow]) -> int:
    """How many of the rows' cells hold anything."""
    return sum(1 for r in rows.values() for v in r.values if v.text.strip())


def _cells_after_total(
    rows: dict[str, RawRow],
    width: dict[str, int],
    after: int,
    problems: Problems,
    grid_rows: bool = False,
    header_grid: list[list[str]] | None = None,
    template: dict[str, int] | None = None,
) -> set[str]:
    """The cells of `after` columns drawn behind 总计 left out of each row: a remark (无, /,
    含网上申请) or last year's figure there is no value of the row, and a row read from the
    right (its blank applicant cells taken for a merged label's) put 总计's value under 其他.

    A row stands from its first cell, fillers after it, or behind blank cells a merged label
    covers (a grid export): each place that leaves only blanks outside the row's columns and
    the cells after them is a reading. Rows with one reading and spare cells tell the table's
    way; a row that reads several ways takes the table's way, or, where its rows tell none
    (or both), drops only a blank last cell if every reading has blanks behind 总计, and
    gives no values otherwise. Where `width` is the header's count of columns, fewer than the
    `template`'s, blanks behind the columns after 总计 that would leave the row as wide as
    the template's columns go too: a copy's fillers for a merged label's positions, left in,
    made it read as the template's, its 总计 under 其他. In a text copy that may leave rows' empty end cells out (none
    ends in one), a row may also end before its cells behind 总计 or its empty last values:
    one whose values differ by where it ends gives none. Left out, the row's cells are those
    of a table without the columns. With `grid_rows` (_writes_grid_rows) a row's blanks in
    front are its label's covered positions and its blanks behind the next row's, both at
    once: the table's way tells no row how many stand in front, and a row whose values
    differ by where it stands gives none. Returns the rows withheld."""
    readings: dict[str, list[int]] = {}
    ways: set[bool] = set()  # True: blanks in front of the values; False: fillers behind
    # a text copy none of whose rows ends in an empty cell may leave a row's empty end cells
    # out (an editor's trimming): a row may then end before its cells behind 总计, or before
    # its empty last values, and its blanks in front tell no place
    trims = not any(
        r.values and not r.values[-1].table and not r.values[-1].text.strip()
        for r in rows.values()
        if not r.words_after
    ) and any(r.values and not r.values[-1].table for r in rows.values())
    # (a copy whose header rows end in an empty cell, 总计's or the column's covered position
    # under its heading drawn down, a converter's grid, keeps empty end cells: an editor's
    # trimming leaves none in the header either)
    trims = trims and not any(row and not row[-1] for row in header_grid or [])
    # a copy writing a cell a line: a cell of words behind 总计 read as a label (joined to
    # the next row's, 含网上申请四、结转…) may have closed a row that no row end closed, and
    # nothing shows it: the row may end at its last column, its cell behind 总计 not in it
    a_line = all(t.table == 0 and t.kind == CELL for r in rows.values() for t in r.values)
    a_line = a_line and _a_cell_a_line([r for r in rows.values() if r.values])
    ends: dict[str, int] = {}  # such a row's covered positions in front, where it ends so
    for r in rows.values():
        if r.words_after:
            # its cell behind 总计 held words, read as a label that closed the row: it stood
            # after the last value, and the row's values end there as at a row end shown
            last = r.values[-1]
            r.values = [*r.values, last._replace(text="", td=last.td and last.td + 1)]
            r.hard = True
    for code, r in rows.items():
        n = width.get(code)
        if n is None or len(r.values) <= n:
            continue  # a row cut short: the cells behind 总计 not written
        blank = [not labels.norm(t.text) for t in r.values]
        spare = len(r.values) - n - after
        lead = next((i for i, b in enumerate(blank) if not b), len(blank))
        readings[code] = [
            o
            for o in range(max(spare, lead if trims else 0) + 1)
            if all(blank[:o])
            and (all(blank[o + n + after :]) or trims)
            # (the words closed the row: they stood in a column behind 总计, no covered
            # position)
            and (not r.words_after or o + n < len(r.values) <= o + n + after)
        ]
        if len(readings[code]) == 1 and spare > 0 and not trims:
            ways.add(readings[code][0] > 0)
        if a_line and not r.hard and all(blank[: len(r.values) - n]):
            ends[code] = len(r.values) - n
    withheld: set[str] = set()
    # a row of as many cells as the columns, under a header drawing columns after 总计: its
    # cells behind 总计 not written, or an empty cell lost (a copy reading a blank line between
    # cells as the gap between two), its figure behind 总计 then under 总计. Where its last is
    # not the sum of the others, the row does not say which
    zeros: list[str] = []  # such rows of 0s (or marks read as 0), whose sums bear out any reading
    for code, r in rows.items():
        n = width.get(code)
        if n is None or len(r.values) != n or n < 2:
            continue
        numbers = _numbers(r.values, 0.0)
        if None in numbers or abs(sum(numbers[:-1]) - numbers[-1]) <= tally.EPSILON:  # type: ignore[arg-type,operator]
            if None not in numbers and not any(numbers):
                zeros.append(code)
            continue
        why = "under a header with columns after 总计, its last not the sum of the others: whether a cell was lost before it"
        _withhold("requests", code, r, n, why, problems, withheld)
    if withheld:
        # the table's copy loses cells: a row of 0s (or of / read as 0), its 总计 left blank and
        # 0 behind it, reads 0 under 总计 all the same, and its sum tells nothing. Each
        # applicant column is 0 either way (the table's rows lose the blank before their last)
        for code in zeros:
            r = rows[code]
            shown = "/".join(t.text or "空" for t in r.values)
            problems.flag(
                codes.CELLS_UNPLACED,
                f"requests.{code}: {len(r.values)} value cells where the template has "
                f"{width[code]} columns ({shown}), under a header with columns after 总计, in a "
                "table whose rows show a blank cell lost before their last: every number is 0, "
                "so each applicant column is 0 either way; whether its 总计 is blank or 0 is "
                "not known, so it is not read",
            )
            r.values = [*r.values[:-1], r.values[-1]._replace(text="")]
    off_sum: list[str] = []  # rows whose cell behind 总计 is the sum its 总计 is not
    for code, found in readings.items():
        r, n = rows[code], width[code]
        if (
            code in ends
            and len({tuple(t.text for t in r.values[o : o + n]) for o in [*found, ends[code]]}) > 1
        ):
            found = []  # the row's values differ by whether its cell behind 总计 is there
        behind = {tuple(t.text for t in r.values[o + n : o + n + after]) for o in found}
        if (trims or grid_rows or (a_line and not r.hard)) and len(
            {tuple(t.text for t in r.values[o : o + n]) for o in found}
        ) > 1:
            found = []  # the row's values differ by where it ends (or starts)
        elif len(found) > 1 and len(ways) == 1:
            found = [max(found)] if ways == {True} else [o for o in found if o == 0]
        elif len(found) > 1 and all(not any(map(labels.norm, cells)) for cells in behind):
            r.values = r.values[: len(r.values) - after]  # blanks behind 总计 whichever way
            continue
        if len(found) != 1:
            why = "with cells after 总计 in the columns drawn behind it, which cells are the row's"
            _withhold("requests", code, r, n, why, problems, withheld)
            continue
        o = found[0]
        if _sum_behind_total(r.values[o : o + n], r.values[o + n : o + n + after]):
            off_sum.append(code)
        behind_after = r.values[o + n + after :]
        if (
            template
            and o + n + len(behind_after) >= template.get(code, 0)
            and not any(labels.norm(t.text) for t in behind_after)
        ):
            behind_after = []
        r.values = r.values[: o + n] + behind_after
    if off_sum:
        # a 总计 that is not the applicants' sum beside a column behind it that is: the
        # header's 总计 may stand a column off its cells (a 小计 heading drawn behind 总计 in
        # its row while the group's subtotals stand before 总计's cells); no column is certain
        problems.flag(
            codes.CELLS_UNPLACED,
            f"requests: on {', '.join(off_sum[:4])} the cell read under 总计 is not the sum of "
            "the applicants' and a cell of a column drawn behind it is: which is the row's 总计, "
            "and so where the header's headings stand over the cells, is not certain; no row "
            "is read",
        )
        withheld.update(code for code, r in rows.items() if r.values)
    return withheld


def _blanks_before_named(
    header: list[str],
    after_total: list[str],
    named: int,
    rows: dict[str, RawRow],
    withheld: set[str],
) -> None:
    """A requests header naming fewer applicant columns than the template's seven (some of
    the group's left out), 总计 last, and columns after 总计 (备注), copied as a whole grid
    (a converter's Markdown, each row's cells at positions of their own ending at the same
    one): a row under a label merged across has its covered positions blank in front of its
    values. Measured by the template's seven, one such blank was taken for 自然人's cell and
    each value read a column right of its own (自然人's under 商业企业). With the cells after
    总计 left out, the header's columns are the rows' last positions: the blanks before them
    go (a row with a figure there is left as it is)."""
    if named >= len(_APPLICANTS) or _lacked_headings(header):
        return  # (a 小计 read as 总计's synonym is no column left out)
    columns = [w for w in _header_columns([w for w in header if w not in after_total])]
    columns = [w for w in columns if w in _APPLICANTS]
    if len(columns) != named or not columns or columns[-1] != "总计":
        return
    drawn = [[t.td for t in r.values] for c, r in rows.items() if r.values and c not in withheld]
    ends = {tds[-1] for tds in drawn}
    if (
        not drawn
        or len(ends) != 1
        or None in ends
        or any(None in tds or len(set(tds)) != len(tds) for tds in drawn)
    ):
        return
    first = next(iter(ends)) - named  # (the last position before the header's columns)
    for code, r in rows.items():
        before = [t for t in r.values if t.td <= first]  # type: ignore[operator]
        if code in withheld or not before or any(labels.norm(t.text) for t in before):
            continue
        r.values = [t for t in r.values if t.td > first]  # type: ignore[operator]


def _applicant_columns_named(header: list[str], after_total: list[str]) -> int | None:
    """How many applicant columns (自然人, the group's kinds, 总计) a requests header with
    columns drawn after 总计 names, where each of its words is one of those headings (or the
    group's, over its kinds or alone in their place): None where a word is not (a heading not
    read, a kind the template lacks), the count then no measure of the rows. A table drawing
    only some of the group's columns and a 备注 of numbers after 总计 has rows as many cells
    wide as the template's seven columns, or near: measured by the template, 备注's number
    was read as 总计 and each kept value under a heading the page left out."""
    words = [w for w in header if w not in after_total and w != "申请人情况"]
    # (each heading once: a copy of the grid repeats a merged heading in each position)
    named = list(dict.fromkeys(_HEADING_SYNONYMS.get(w, w) for w in words))
    if not named or any(w not in (*_APPLICANTS, _GROUP) for w in named):
        return None
    if _GROUP in named and any(w in _ORG_COLUMNS for w in named):
        named = [w for w in named if w != _GROUP]  # (the group's heading over its kinds)
    return len(named)


def _sum_behind_total(kept: list[Token], behind: list[Token]) -> bool:
    """Whether a requests row's seven cells show numbers throughout, a 总计 (the last) that
    is not the sum of the six before it, and a cell behind it that is."""
    numbers = _numbers(kept, 0.0)
    if len(kept) != 7 or None in numbers:
        return False
    six = sum(numbers[:-1])  # type: ignore[arg-type]
    return numbers[-1] != six and six in _numbers(behind, None)


def _mark_under_total(cells: list[Token]) -> bool:
    """Whether a requests row's last cell, its 总计, holds a mark that is no number (无, —, /)
    or words while a cell before it holds a number other than 0."""
    last = labels.norm(cells[-1].text) if cells else ""
    read = read_value(last) if last else None
    if not last or (read is not None and read.value is not None):
        return False
    return any((x := read_value(t.text)) is not None and x.value for t in cells[:-1])


def _align_in_place_blanks(
    section: str,
    rows: dict[str, RawRow],
    width: dict[str, int],
    problems: Problems,
    grid_rows: bool = False,
    lacked: int = 0,
) -> set[str]:
    """Rows with more cells than columns: where do the spare (blank) cells stand?

    A text copy of the seed's kind puts the positions merged cells cover at the end of the
    line; a grid export (PDF table extractors) leaves them blank in place, right after the
    label. Rows whose spare cells are blank at one end and not at the other tell which; the
    table's majority decides the rows that do not tell.

    A row with blanks in front that make up the surplus and, at its end, cells that repeat
    the one before them (政府集中采购 | 空 | 71.7 | 71.7; 二、上年结转… | 空 | 0 | … | 3 | 3 under a
    总计 merged over two columns) reads two ways: a merged label cell's blank in front, or a
    blank value and a merged value cell's text copied behind. The section's other rows tell:
    blanks in front of rows that end otherwise, or rows with a value first that end in a blank
    or a copied value (in section 二, whose label column is one for every row, also rows with
    no surplus at all). Where they tell both, the row gives no values (its code is returned);
    where they tell neither, section 二 (whose national grid merges value cells and no label
    cell) gives none either, and the requests table (which merges label cells and no value
    cell, its rows of zeros ending in equal cells by themselves) reads the blanks as the
    label's.

    Rows blank at both ends, their blanks more than their surplus, tell nothing: in a table
    that writes covered positions in front of some rows and behind others they give no values;
    where the rows that tell disagree, none of those that do not tell is read by the majority.
    With `grid_rows` (_writes_grid_rows), every value row writes every grid position:
    _fit_grid_row reads each by itself, and the rows that tell decide nothing for the others.
    `lacked`: how many columns the template lacks the header names (_lacked_headings): a row's
    cells in those are no surplus (a blank in front of a row no more cells over than those is
    such a column's, 个体工商户 beside a blank 自然人, not a merged label's).
    """
    if grid_rows:
        return set()  # each row read by itself (_fit_grid_row)
    votes = against = 0
    spare: list[tuple[RawRow, int]] = []
    in_front: list[tuple[str, RawRow, int]] = []
    front = behind = 0  # rows telling where the table's merged cells stand
    covered_behind = False  # a row's surplus is its label's blanks and blanks at its end
    for code, r in rows.items():
        # (a row's cells in the columns the template lacks are no surplus)
        extra = len(r.values) - width[code] - lacked
        if not r.hard or not r.values:
            continue
        if extra == 0 and section == "proactive" and labels.norm(r.values[0].text):
            behind += 1  # the label column holds no blank merged cell in front
        if extra <= 0:
            continue
        repeat = _repeats_at_end(r.values, extra)
        blank = [not labels.norm(t.text) for t in r.values]
        lead_run = next((i for i, b in enumerate(blank) if not b), len(blank))
        trail_run = next((i for i, b in enumerate(reversed(blank)) if not b), len(blank))
        if 1 <= lead_run < len(blank) and lead_run + trail_run == extra:
            # blanks at both ends that make up the surplus exactly: a merged label cell's
            # blank in front, covered positions behind (四、结转… spanning the label columns)
            front += not (trail_run == 0 and repeat)
            covered_behind = covered_behind or trail_run > 0
            in_front.append((code, r, lead_run))
            continue
        lead = any(labels.norm(t.text) for t in r.values[:extra])
        # (a row ending in a blank does not tell that its spare cells stand in front: its
        # last cell may be a covered position behind, 总计 | 空)
        trail = bool(labels.norm(r.values[-1].text))
        # a value first and, at the end, a blank or a copy of the cell before (a merged
        # value cell written into each position, 总计 | 48 | 48): the spare cells are behind
        behind_here = lead and (not trail or _repeats_at_end(r.values, extra))
        votes += (not lead and trail) - behind_here
        against += behind_here
        behind += behind_here
        if not lead:
            spare.append((r, extra))
    withheld: set[str] = set()
    for code, r, lead_run in in_front:
        extra = len(r.values) - width[code] - lacked
        # (section 二's row's cells before the covered positions behind it: a table wider than
        # the section's, several sections in one, writes them after every row's values; the
        # requests rows' zeros end in equal cells by themselves)
        ends = len(r.values) - (extra - lead_run if section == "proactive" else 0)
        ambiguous = _repeats_at_end(r.values[:ends], lead_run)
        if ambiguous and (behind or (section == "proactive" and not front)):
            if behind and not front:
                problems.append(
                    f"{section}.{code}: the last {extra} cell(s) repeat the one before them, "
                    "as the table's rows write a merged value cell; the blank cell(s) in front "
                    "are values, not a merged label cell's"
                )
                continue
            why = (
                "blank in front, repeated at the end: whether the blank belongs to a merged "
                "label cell or is a value"
            )
            _withhold(section, code, r, width[code], why, problems, withheld)
            continue
        if section == "requests" and _mark_under_total(r.values[lead_run : lead_run + width[code]]):
            # read from behind its blank in front, the row puts a mark (无, —) under 总计 while
            # its applicants' cells hold numbers: the mark is a column's behind 总计 (备注 drawn
            # in a title row, not named as a column), the blank in front a blank value
            why = (
                "blank in front and behind, a mark under 总计 beside applicants' numbers if the "
                "blank is a merged label cell's: whether it is that or a value"
            )
            _withhold(section, code, r, width[code], why, problems, withheld)
            continue
        r.values = r.values[lead_run:]
        problems.append(
            f"{section}.{code}: {lead_run} blank cell(s) before the values belong to the "
            "merged label cell, not to the columns"
        )
        votes += 1  # the table writes covered positions in place
    if in_front and (covered_behind or against):
        # the table writes covered positions in front of some rows (merged labels) and
        # behind others (a value column merged over two, 总计 | 空): a row blank at both
        # ends, its blanks more than its surplus, may have its spare cells at either end
        for code, r in rows.items():
            extra = len(r.values) - width[code] - lacked
            if extra <= 0 or not r.hard or any(r is x for _, x, _ in in_front):
                continue
            if labels.norm(r.values[0].text) or labels.norm(r.values[-1].text):
                continue
            if all(not labels.norm(t.text) for t in r.values):
                continue
            why = (
                "blank at both ends, in a table that writes covered positions in front of some "
                "rows and behind others: which column each belongs to"
            )
            _withhold(section, code, r, width[code], why, problems, withheld)
        spare = [(r, extra) for r, extra in spare if r.code not in withheld]
    if votes > 0 and spare and against:
        # rows disagree about where the spare cells stand: the majority is a guess, and the
        # rows that do not tell give no values
        for r, _ in spare:
            if r.code is not None:
                withheld.add(r.code)
        problems.flag(
            codes.CELLS_UNPLACED,
            f"{section}: rows tell both that cells covered by merged cells stand blank in front "
            f"({votes + against} rows) and behind ({against}); the rows that do not tell "
            f"({', '.join(r.code or '?' for r, _ in spare)}) give no values",
        )
    elif votes > 0 and spare:
        for r, extra in spare:
            if r.code is not None and extra >= width[r.code]:
                # as many spare cells as columns: another set of columns beside the row's
                # (上年 beside 本年), not the blanks of a merged label cell in front
                why = "twice its columns' cells or more: which set is the row's"
                _withhold(section, r.code, r, width[r.code], why, problems, withheld)
                continue
            r.values = r.values[extra:]
            texts = [labels.norm(t.text) for t in r.values]
            if r.padded and texts[-1].isdigit() and not any(texts[:-1]):
                # blanks and one whole number last, closed by fillers: as well a row left
                # blank and a page number kept as a row of its own, one cell across the table
                problems.flag(
                    codes.POSITIONAL_ROW,
                    f"{section}.{r.code}: blank cells and one number ({texts[-1]}) closed by "
                    "fillers: it may as well be a page number the copy kept as a row of one "
                    "cell after a row left blank",
                )
        if any(r.code not in withheld for r, _ in spare):
            problems.append(
                f"{section}: cells covered by merged label cells stand blank in place; "
                "values are read from the right of each row"
            )
    return withheld


def _drop_blank_label_cell(r: RawRow, before: RawRow | None, after: RawRow | None, n: int) -> bool:
    """A label cell that lost its text reads as a leading blank value: drop it.

    How many leading cells are label cells is learnt from the labelled neighbour rows of the
    same table, which show how many value cells (with covered-position fillers) a row has there.
    False where the row's cells are not certain: in a copy that shows no row ends, a row with
    a blank first cell and blank cells (or copies of its last) past its columns, which the
    neighbours do not tell, reads as well from its first cell (the blanks after it fillers) as
    from its second (the first its lost label's cell). False too where a row that shows its
    ends has as many cells as columns, the first blank (the label's cell before a value short,
    or a blank value after no label cell).
    """
    if not r.values:
        return True
    if not r.hard:
        # a copy that shows no row ends (a cell a line, without pad lines after full rows):
        # one blank cell more than the row's columns and its neighbours' cells (those of its
        # block: section 二's blocks have other columns), first, is the label cell; read as a
        # value, it moved every value one column right (and the last, equal to the one
        # before it, was taken for a merged cell's repeat)
        widths = [
            len(x.values)
            for x in (before, after)
            if x is not None and x.values and x.block == r.block
        ]
        if (
            len(r.values) == n + 1
            and widths
            and all(w == n for w in widths)
            and not labels.norm(r.values[0].text)
        ):
            r.values = r.values[1:]
            return True
        last = labels.norm(r.values[n - 1].text) if len(r.values) > n else ""
        return (
            len(r.values) <= n
            or bool(labels.norm(r.values[0].text))
            or any(labels.norm(t.text) not in ("", last) for t in r.values[n:])
        )
    if (
        len(r.values) == n
        and not labels.norm(r.values[0].text)
        and any(labels.norm(t.text) for t in r.values[1:])
    ):
        # as many cells as the row has columns, the first blank: the lost label's cell before
        # one value too few (two merged into one cell, or one left out), or a blank first
        # value after a label cell the page does not draw. Read as the second, every value
        # before a merged cell stood a column right (all blank, both readings give nothing)
        return False
    # the first row of a group has one more label cell and one filler fewer: take the longer
    widths = [len(x.values) for x in (before, after) if x is not None and x.hard and x.values]
    expected = max(widths, default=n)
    while len(r.values) > max(expected, n) and not labels.norm(r.values[0].text):
        r.values = r.values[1:]
    return True


def _overflow(r: RawRow, n: int) -> list[RawRow]:
    """Without row ends on the page, a row that took more than its share of values was
    followed by rows that lost their labels: split the surplus off, one row per n values."""
    surplus = r.values[n:]
    if len(surplus) < n or not any(labels.norm(t.text) for t in surplus):
        return []
    r.taken = r.values
    r.values = r.values[:n]
    out = []
    while len(surplus) >= n:
        out.append(RawRow(r.section, None, None, surplus[:n], block=r.block, source=r))
        surplus = surplus[n:]
    if surplus:
        out[-1].values.extend(surplus)
    return out


_APPEAL_CODES = tuple(r.code for r in contract.APPEALS)


#: section 四's column headings (the contract's, 合计/小计 for 总计) and their codes
_OUTCOMES = {c.label: c.code for c in contract.APPEAL_COLUMNS} | dict.fromkeys(
    _TOTAL_SYNONYMS, "total"
)
_TEMPLATE_COLS = tuple(c.code for c in contract.APPEAL_COLUMNS)


#: a word of the appeals header made of several headings written together (a copy that
#: keeps one space between cells and loses it: 结果维持结果纠正其他结果尚未审结总计)
_GLUED_APPEAL_WORDS = re.compile(
    "|".join(sorted(labels.APPEAL_HEADER_WORDS, key=len, reverse=True))
)


def _appeal_words_apart(words: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """The header's words with each one made of headings alone, written together, taken as
    those headings in its order: glued, they name no column and no kind of case, and the
    order they draw is the template's only by a guess."""
    out = []
    for w, seen in words:
        parts = _GLUED_APPEAL_WORDS.findall(w)
        if len(parts) > 1 and "".join(parts) == w:
            out.extend((part, seen) for part in parts)
        else:
            out.append((w, seen))
    return out


def _glued_unread_apart(
    words: list[tuple[str, int]], unread: list[tuple[int, str, int]]
) -> tuple[list[tuple[str, int]], list[tuple[int, str, int]]]:
    """The header's words that name no heading as written but are headings written together,
    some in other words (維持結果糾正其他结果…: labels.appeal_heading_parts), put among the
    header's words as those headings in their places; the other unread words' places moved
    past them."""
    if not unread:
        return words, unread
    out = list(words)
    left: list[tuple[int, str, int]] = []
    added = 0
    for at, text, seen in unread:
        parts = labels.appeal_heading_parts(text)
        if parts is None or len(parts) < 2:  # one word alone (合计: of what, its place tells)
            left.append((at + added, text, seen))
            continue
        out[at + added : at + added] = [(part, seen) for part in parts]
        added += len(parts)
    return out, left


def _appeal_columns(words: list[tuple[str, int]]) -> tuple[str, ...] | None:
    """The order in which the header draws the five outcome columns, where every group's
    headings (a header's rows, or each small table's) draw the same five; None where they
    draw none, or not the same."""
    orders = _appeal_column_orders(words)
    return orders[0] if len(orders) == 1 else None


def _appeal_column_orders(words: list[tuple[str, int]]) -> list[tuple[str, ...]]:
    """The orders in which the header's groups of five outcome headings draw the columns (a
    header row scrambled draws another than the rows under it), each once in the order first
    drawn; none where it draws none, or a group that is not the five."""
    runs: dict[int, list[str]] = {}
    for w, seen in words:
        code = _OUTCOMES.get(w)
        run = runs.setdefault(seen, []) if code is not None else None
        # a heading written twice side by side is one heading a converter copied over the
        # two columns it was drawn across (总计 | 总计): no group draws a column twice
        if run is not None and run[-1:] != [code]:
            run.append(code)
    orders: dict[tuple[str, ...], None] = {}
    for run in runs.values():
        if len(run) % 5:
            return []
        for k in range(0, len(run), 5):
            if len(set(run[k : k + 5])) < 5:
                return []
            orders.setdefault(tuple(run[k : k + 5]))
    return list(orders)


def _appeal_columns_short(words: list[tuple[str, int]]) -> tuple[str, ...] | None:
    """The four outcome columns a header draws in each of the three groups where one of the
    five is left out of every group (no 尚未审结: 结果维持 结果纠正 其他结果 总计, three times,
    the same four in the same order); None otherwise."""
    runs: dict[int, list[str]] = {}
    for w, seen in words:
        code = _OUTCOMES.get(w)
        if code is not None:
            runs.setdefault(seen, []).append(code)
    chunks = [tuple(run[k : k + 4]) for run in runs.values() for k in range(0, len(run), 4)]
    if (
        len(chunks) != 3
        or any(len(run) % 4 for run in runs.values())
        or len(set(chunks)) != 1
        or len(set(chunks[0])) != 4
    ):
        return None
    return chunks[0]


def _appeal_groups(words: list[tuple[str, int]]) -> tuple[str, ...]:
    """The order in which the header draws the three kinds of case: 行政复议 before or after
    行政诉讼, and 未经复议直接起诉 before or after 复议后起诉 (the template's where not told:
    the first of _appeal_group_orders)."""
    return _appeal_group_orders(words)[0]


def _appeal_group_orders(words: list[tuple[str, int]]) -> list[tuple[str, ...]]:
    """The orders in which the header may draw the three kinds of case: one where it names
    both 行政复议 and 行政诉讼 and both kinds of 行政诉讼, more where it leaves a pair unnamed (two
    litigation tables, or a band of ten, with their totals and no 未经复议直接起诉 / 复议后起诉
    over them), the template's first."""
    first: dict[str, int] = {}
    # the heading 行政诉讼 in a cell of its own, where the header draws one, places the kind
    # before any other word naming it: a caption's line over the header (表3：政府信息公开行政
    # 复议、 / 提起行政诉讼情况, a line break in its cell) names the section, not a column
    exact = [i for i, (w, _) in enumerate(words) if labels.bare(w) == "行政诉讼"]
    if exact:
        first["litigation"] = exact[0]
    for i, (w, _) in enumerate(words):
        if "直接起诉" in w:
            first.setdefault("litigation_direct", i)
        elif "复议后起诉" in w:
            first.setdefault("litigation_after_review", i)
        # a caption or corner cell that names both (行政诉讼、行政复议情况) tells no order, nor
        # does a line of one that a line break in its cell left (提起行政诉讼情况, 政诉讼情况统计
        # 表): 行政诉讼 among words of no heading, naming neither kind of it
        rest = w.replace("未经复议直接起诉", "").replace("复议后起诉", "")
        if (
            "诉讼" in w
            and rest == w
            and set(re.sub("行政诉讼|诉讼", "", labels.bare(w))) - _KIND_CHARACTERS
        ):
            continue
        if ("诉讼" in w or "起诉" in w) and "复议" not in rest:
            first.setdefault("litigation", i)
        elif w == "行政复议":
            first.setdefault("review", i)
    # an order is told only by both headings of a pair: a heading the header wraps inside its
    # cell (未经复议直 / 接起诉) names no kind of case, and tells nothing
    lit = ("litigation_direct", "litigation_after_review")
    lits = [lit, lit[::-1]]
    if first.keys() >= set(lit):
        lits = [lits[first[lit[1]] < first[lit[0]]]]
    sides = [False, True]  # litigation's before review's
    if first.keys() >= {"litigation", "review"}:
        sides = [first["litigation"] < first["review"]]
    return [(*pair, "review") if before else ("review", *pair) for before in sides for pair in lits]


def _names_every_column(words: list[tuple[str, int]], single_row: bool) -> bool:
    """Whether the appeals header names each outcome column and, over the single row, each
    kind of case: 行政复议, 行政诉讼 and both kinds of it. 行政诉讼 too: it alone tells whether
    the litigation columns stand before 行政复议's (the row under it names its two kinds only
    after 行政复议, which stands in the row above)."""
    if _appeal_columns(words) is None:
        return False
    named = [w for w, _ in words]
    return not single_row or (
        "行政复议" in named
        and any("诉讼" in w for w in named)
        and any("直接起诉" in w for w in named)
        and any("复议后起诉" in w for w in named)
    )


def _sums_hold(groups: list[list[Token | None]], cols: tuple[str, ...]) -> bool:
    """Whether every group of five, read under `cols`, sums to its total (blank as 0)."""
    t = cols.index("total")
    for group in groups:
        values = [read_value(x.text) if x is not None else None for x in group]
        if any(v is None for v in values):
            continue
        numbers = [float(v.value) if v.value is not None else 0.0 for v in values if v]
        if t not in _sum_positions(numbers):
            return False
    return True


def _appeals(
    raw: list[RawRow],
    problems: Problems,
    spanned: set[int] | frozenset[int] = frozenset(),
    words: list[tuple[str, int]] | None = None,
    lost: list[str] | None = None,
    cells_left_out: bool = False,
    unread: list[tuple[int, str, int]] | None = None,
    page_rows: list[RawRow] | None = None,
    numbered: bool = False,
    page_tokens: list[Token] | None = None,
    covered_blank: bool = False,
    tab_copy: bool = False,
    pad_cells: bool = False,
) -> tuple[list[Cell], bool]:
    """Section 四's cells, and whether every one is read. `covered_blank`: the page is a copy
    that writes a merged cell once and the positions it covers empty (_draws_covered_blank);
    `tab_copy`: a TAB copy, which writes no position a merged cell covers (Scan.tab_copy);
    `pad_cells`: one that writes its fillers as empty cells (_fillers_as_cells)."""
    words, unread = _glued_unread_apart(words or [], unread or [])
    if words and not unread:  # (unread words' places count the words as the page has them)
        words = _appeal_words_apart(words)
    per_row: dict[str, list[Token | None]] = {}
    not_known: set[tuple[str, int]] = set()  # (row, column index) the page does not tell
    parts: list[RawRow] = []  # the rows of values read as the single 15-cell row
    cut = any(r.cut for r in raw)
    for r in raw:
        if r.code in _APPEAL_CODES and not any(labels.norm(t.text) for t in r.values):
            continue  # a header cell followed by the blank positions its span covers
        if r.code in _APPEAL_CODES and 0 < len(r.values) <= 5 and r.code not in per_row:
            per_row[r.code] = list(r.values)
        elif r.code in (SEQUENCE, *_APPEAL_CODES, None) and r.values:
            parts.append(r)
        elif r.code == UNKNOWN and len(r.values) >= 12:
            # a label cell in front of the national layout's single row (数量, 件数, …)
            problems.append(
                f"appeals: the row's label {r.label!r} is not the template's; its "
                f"{len(r.values)} values are read as the table's single row"
            )
            parts.append(r)
        elif r.code == UNKNOWN and _has_number(r.values):
            problems.flag(
                codes.CELLS_UNPLACED,
                f"appeals: row {r.label!r} is not in the template; its values are not assigned",
            )
    if sum(len(p.values) for p in parts) > 15 or cut:
        # blank rows around the single value row: header rows' covered positions (the blank
        # first cells of a grid's last header row); a row the file cuts short may leave them
        # and it fewer than 15 together
        parts = [p for p in parts if any(labels.norm(t.text) for t in p.values)] or parts
    # rows the page shows the ends of, or made of the copy's cells (a cell a line, `0 |`)
    ended = [p for p in parts if p.hard or all(t.kind == CELL for t in p.values)]
    if len(ended) < len(parts) and sum(len(p.values) for p in ended) == 15:
        # and those rows hold the table's 15 cells: a figure on a line of its own (a
        # converter's loose figure before the table) is none of them
        for k, p in enumerate(parts):
            if any(p is e for e in ended) or not _has_number(p.values):
                continue
            shown = "/".join(t.text or "空" for t in p.values[:8])
            row = parts[k - 1] if k else None
            if (
                row is not None
                and any(row is e for e in ended)
                and _wrapped_tail(row.values, p.values)
            ):
                # the figure opens the line after the row's, which ends in one: a line wrapped
                # inside the row's last number, its head at the row's end
                last = row.values[-1]
                row.values = [*row.values[:-1], last._replace(unknown=True)]
                problems.flag(
                    codes.CELLS_UNPLACED,
                    f"appeals: the line after the row opens with a figure ({shown}) and the "
                    f"row's line ends in one ({last.text}): a line wrapped inside a number "
                    "leaves its head at the row's end and its tail on the next line, so the "
                    "row's last number is not read",
                )
                continue
            problems.append(
                f"appeals: a figure outside the table's row ({shown}) is not one of its "
                "cells; the row is read without it"
            )
        parts = ended
    on_side = _appeals_on_side(parts, words or [])
    if on_side is not None:
        per_row.update(on_side)
        parts = []
        problems.append(
            "appeals: the table stands on its side (outcomes as rows, kinds of case as "
            "columns); each value is read by its row's and its column's labels"
        )
    sequence = _doubled_appeal_column(
        [t for p in parts for t in p.values], [w for w, _ in words or []], problems
    )
    if not per_row:
        sequence, unread = _sum_column_left_out(sequence, words or [], unread or [], problems)
    complete = False
    if (
        len(parts) > 1
        and not per_row
        and any(len(p.values) % 5 for p in parts[:-1] if p.hard)
        and not _tables_four_a_group(parts, words or [])
    ):
        # the single row came in pieces, and a piece ends inside a group of five: a merged or
        # dropped cell, or rows of another layout; the columns are not known
        shown = " + ".join(str(len(p.values)) for p in parts)
        problems.flag(
            codes.CELLS_UNPLACED,
            f"appeals: the values come in rows of {shown} cells, which do not split into the "
            "table's groups of five; none is read",
        )
        sequence = []
    single_row = bool(sequence) and not per_row
    # twelve cells under a header of four columns a group: read by it (fifteen are read by the
    # template's order as before: a fifth heading the reader does not know, 小计, is the total)
    short = _appeal_columns_short(words or []) if single_row and len(sequence) == 12 else None
    if short is not None:
        complete = False
        _appeals_four_a_group(
            sequence, short, words or [], cut or bool(lost or unread), per_row, problems
        )
    elif single_row:
        in_template_order = (
            not lost
            and not unread
            and (_appeal_columns(words or []) or _TEMPLATE_COLS) == _TEMPLATE_COLS
            and _appeal_groups(words or []) == _APPEAL_CODES
        )
        complete = _appeals_sequence(
            sequence,
            parts,
            cut,
            per_row,
            problems,
            spanned,
            cells_left_out,
            page_rows,
            numbered,
            not_known if in_template_order else None,
            page_tokens,
            _outcomes_drawn(words or [], len(unread or []) + len(lost or [])),
            tab_copy,
            pad_cells,
        )
    else:
        complete = len(per_row) == 3 and all(len(v) == 5 for v in per_row.values())
        if _has_number(sequence):
            problems.flag(
                codes.CELLS_UNPLACED, "appeals: values outside the labelled rows are not assigned"
            )
        for code, vals in list(per_row.items()):
            if len(vals) < 5 and cut and cells_left_out and _bare_lines(vals):
                del per_row[code]
                problems.flag(codes.CELLS_UNPLACED, f"appeals.{code}: {_LEFT_OUT}")
            elif (
                len(vals) < 5 and cut and not _draws_every_cell([t for t in vals if t is not None])
            ):
                del per_row[code]
                shown = "/".join(t.text or "空" for t in vals if t is not None)
                problems.flag(
                    codes.INCOMPLETE,
                    f"appeals.{code}: the page ends inside the table; {len(vals)} of the row's "
                    f"5 cells ({shown}), in a copy that does not draw every blank cell: which "
                    "column each belongs to is not known, so none is read",
                )
            elif len(vals) < 5 and not cut:
                del per_row[code]
                shown = "/".join(t.text or "空" for t in vals if t is not None)
                problems.flag(
                    codes.CELLS_UNPLACED,
                    f"appeals.{code}: {len(vals)} value cells where the row has 5 columns "
                    f"({shown}); which column each belongs to is not known, so none is read",
                )
    if (
        short is None
        and on_side is None
        and not _reorder_appeals(
            per_row, words or [], single_row, problems, lost or [], unread or []
        )
    ):
        complete = False
    cells: list[Cell] = []
    for code in _APPEAL_CODES:
        if code not in per_row:
            continue
        for k, (tok, col) in enumerate(zip(per_row[code], contract.APPEAL_COLUMNS, strict=False)):
            if (code, k) not in not_known:
                cells.append(_cell("appeals", code, col.code, tok, None, problems))
        if len(per_row[code]) < 5 and cut:
            complete = False
    if covered_blank and single_row and not any(c.table for c in cells):
        # the single row's empty cells after a number: positions a merged cell may cover
        may_be_covered: dict[tuple[str, str, str], Cell] = {}
        number: Cell | None = None
        for c in cells:
            if c.value is not None:
                number = c
            elif number is not None and c.raw is not None and not c.raw.strip():
                may_be_covered[(c.section, c.row, c.col)] = number
            else:
                number = None
        cells, every_one = _withhold_covered_blanks(cells, may_be_covered, problems)
        complete = complete and every_one
    if per_row and not complete and len(per_row) < 3:
        problems.flag(codes.INCOMPLETE, "appeals: incomplete: not every row is on the page")
    return cells, complete and bool(cells)


def _other_cell_left_out(row: list[Token]) -> bool:
    """Whether a row of 16 cells, its first empty, is one whose 15 values are not known: the
    reading without the first cell breaks a group's sum, or leaving out another empty cell
    gives other values whose sums hold (a blank column inside the row, not in front of it).
    (Leaving out a 0 instead may hold as well, a row whose groups have zeros: the first empty
    field is a copy's, `| 3 | 0 |…`, and is taken as such.)"""

    def values(cells: list[Token]) -> tuple | None:
        read = [read_value(t.text) for t in cells]
        return None if any(v is None for v in read) else tuple(v.value for v in read)

    def holds(cells: list[Token]) -> bool:
        return _sums_hold([cells[k : k + 5] for k in (0, 5, 10)], _TEMPLATE_COLS)

    first = row[1:]
    if not holds(first):
        return True
    taken = values(first)
    for k in range(1, 16):
        other = row[:k] + row[k + 1 :]
        if not labels.norm(row[k].text) and holds(other) and values(other) != taken:
            return True
    return False


def _outcomes_drawn(words: list[tuple[str, int]], loose: int) -> int:
    """How many outcome headings (结果维持 …) the appeals header draws, 15 where the `loose`
    words (read as no heading, or characters alone) may be the ones it lacks; 0: none read."""
    drawn = sum(1 for w, _ in words if w in _OUTCOMES)
    return 15 if drawn <= 15 <= drawn + loose else drawn


def _tables_four_a_group(parts: list[RawRow], words: list[tuple[str, int]]) -> bool:
    """Whether the rows of values are 行政复议's and 行政诉讼's own tables (or the header's
    pieces) of four outcome columns a group, no 总计 (_appeal_columns_short): each row holds
    as many values as the headings drawn over it, 行政复议's over its group alone and both
    kinds of 行政诉讼 named over theirs. Where a kind of case is not named over its values,
    which group they are is not known."""
    if _appeal_columns_short(words) is None:
        return False
    over: dict[int, list[str]] = {}
    for w, seen in words:
        over.setdefault(seen, []).append(w)
    seen = 0
    for p in parts:
        heads = over.get(seen, [])
        outcomes = sum(1 for w in heads if w in _OUTCOMES)
        review = "行政复议" in heads
        direct = any("直接起诉" in w for w in heads)
        after = any("复议后起诉" in w for w in heads)
        if outcomes != len(p.values) or not p.hard:
            return False
        if not ((review, direct, after) == (True, False, False) and outcomes == 4) and not (
            (review, direct, after) == (False, True, True) and outcomes == 8
        ):
            return False
        seen += len(p.values)
    return seen == 12


def _appeals_four_a_group(
    sequence: list[Token],
    short: tuple[str, ...],
    words: list[tuple[str, int]],
    doubt: bool,
    per_row: dict[str, list[Token | None]],
    problems: Problems,
) -> None:
    """The single row of twelve cells under a header that draws four outcome columns a group,
    the same four (_appeal_columns_short): each value is read under its heading and the column
    the header leaves out is not on the page; where a cut or a misread heading leaves doubt,
    none is read (the template's fifteen positions, read by the sums, are no reading of it)."""
    gone = "、".join(c.label for c in contract.APPEAL_COLUMNS if c.code not in short)
    shown = "/".join(t.text or "空" for t in sequence)
    if doubt:
        problems.flag(
            codes.CELLS_UNPLACED,
            f"appeals: the header draws four columns a group, no {gone}, and the row has "
            f"{len(sequence)} value cells ({shown}); which column each belongs to is not known, "
            "so none is read",
        )
        return
    orders = _appeal_group_orders(words)
    withheld = []
    for code in _APPEAL_CODES:
        per_row[code] = []
        for c in _TEMPLATE_COLS:
            at = [4 * o.index(code) + short.index(c) for o in orders] if c in short else []
            # the kinds of case not named over their groups: read only where they are alike
            if len({_cell_number(sequence[k]) for k in at}) > 1:
                withheld.append(f"{code}.{c}")
            per_row[code].append(sequence[at[0]] if at and f"{code}.{c}" not in withheld else None)
    if withheld:
        problems.flag(
            codes.COLUMN_ORDER_GUESSED,
            "appeals: the header does not tell the order of its kinds of case, nor do the "
            f"values; {len(withheld)} of them withheld ({'、'.join(withheld[:6])}"
            f"{' …' if len(withheld) > 6 else ''})",
        )
    problems.flag(
        codes.INCOMPLETE,
        f"appeals: the header draws four columns a group, no {gone} ({shown}); each value is "
        f"read under its heading, {gone} is not on the page",
    )


def _appeals_on_side(
    parts: list[RawRow], words: list[tuple[str, int]]
) -> dict[str, list[Token | None]] | None:
    """The table turned on its side: five rows of three values, each row opened by one
    outcome heading, under a header that names 行政复议 and both kinds of 行政诉讼 (in the
    order it draws them). None where the labels do not tell every value's row and column."""
    if len(parts) != 5 or any(len(p.values) != 3 for p in parts):
        return None
    last: dict[int, str] = {}
    for w, seen in words:
        last[seen] = w
    outcomes = []
    for k in range(5):
        w = last.get(3 * k, "")
        outcomes.append(_OUTCOMES.get(w))
    if None in outcomes or len(set(outcomes)) < 5:
        return None
    header = [(w, seen) for w, seen in words if seen == 0][:-1]
    later = [seen for _, seen in words if seen]
    if len(later) != len(set(later)) or set(later) - {3, 6, 9, 12}:
        return None  # other words between the rows than their outcome headings
    named = " ".join(w for w, _ in header)
    if not ("行政复议" in named and "直接起诉" in named and "复议后起诉" in named):
        return None
    groups = _appeal_groups(header)
    per_row: dict[str, list[Token | None]] = {g: [None] * 5 for g in groups}
    for part, code in zip(parts, outcomes, strict=True):
        for g, tok in zip(groups, part.values, strict=True):
            per_row[g][_TEMPLATE_COLS.index(code)] = tok
    return per_row


def _unread_appeal_headings(
    words: list[tuple[str, int]], unread: list[tuple[int, str, int]], single_row: bool
) -> tuple[list[tuple[str, int]], list[str]] | None:
    """A header that does not name every column, with words in it that name no heading (each a
    heading misread whole in its cell: 总口, 结果纠, 尚末审结): the words stand in the places of
    the headings that, put there, make the header name every column (the outcome columns in the
    same order in each group of five, each kind of case once), where exactly one choice of
    headings does, and each word may be its heading misread (_misread_of). The header's words
    with them put there, and the headings; None where no choice or more than one fits, a word is
    of other characters, or the header holds more than three such words."""
    if not unread or len(unread) > 3:
        return None
    fits = []
    for headings in itertools.product(labels.APPEAL_HEADER_WORDS, repeat=len(unread)):
        restored = list(words)
        # from the last: each word's place counts the header's words before it, not the others
        for (at, _, seen), heading in reversed(list(zip(unread, headings, strict=True))):
            restored.insert(at, (heading, seen))
        if _names_every_column(restored, single_row):
            fits.append((restored, list(headings)))
            if len(fits) > 1:
                return None
    if len(fits) != 1:
        return None
    restored, headings = fits[0]
    if not all(
        labels.misread_of(labels.bare(w), h) for (_, w, _), h in zip(unread, headings, strict=True)
    ):
        return None
    return restored, headings


def _reorder_appeals(
    per_row: dict[str, list[Token | None]],
    words: list[tuple[str, int]],
    single_row: bool,
    problems: Problems,
    lost: list[str] | None = None,
    unread: list[tuple[int, str, int]] | None = None,
) -> bool:
    """Put each value under the heading the header draws above it: the outcome columns and,
    in the single row (`single_row`), the kinds of case in the header's order, not the
    template's. `lost`: the characters standing alone in the header; `unread`: its words
    that name no heading, each with how many of `words` stand before it."""
    if not per_row:
        return True
    if lost and not _names_every_column(words, single_row):
        return _appeals_in_orders_allowed(per_row, words, [], single_row, problems, lost)
    if unread and not _names_every_column(words, single_row):
        restored = _unread_appeal_headings(words, unread, single_row)
        if restored is None:
            return _appeals_in_orders_allowed(per_row, words, unread, single_row, problems)
        words, headings = restored
        shown = "、".join(repr(w) for _, w, _ in unread)
        problems.append(
            f"appeals: the header's word {shown} names no heading; it stands where only "
            f"{'、'.join(headings)} can, and is read as that"
            if len(unread) == 1
            else f"appeals: the header's words {shown} name no heading; they stand where only "
            f"{'、'.join(headings)} can, and are read as those"
        )
    told = _appeal_columns(words)
    orders = _appeal_group_orders(words) if single_row else [_APPEAL_CODES]
    if told is None or len(orders) > 1:
        return _appeals_by_values(per_row, told, orders, single_row, problems, words)
    cols, groups = told, orders[0]
    if cols == _TEMPLATE_COLS and groups == _APPEAL_CODES:
        return True
    if any(len(v) != 5 or None in v for v in per_row.values()) or (single_row and len(per_row) < 3):
        # cells taken as empty at the row's end stand in the template's last columns (or a
        # cut left the row's last groups off the page)
        problems.flag(
            codes.CELLS_UNPLACED,
            "appeals: the header draws the columns in another order than the template's and "
            "cells are missing; which column each value belongs to is not known, none is read",
        )
        per_row.clear()
        return False
    if single_row:
        drawn = [per_row[c] for c in _APPEAL_CODES]
        per_row.update(zip(groups, drawn, strict=True))
    rows = list(per_row.values())
    if cols != _TEMPLATE_COLS and not _sums_hold(rows, cols) and _sums_hold(rows, _TEMPLATE_COLS):
        # the sums put 总计 last, which is all they tell: the other four stand in the header's
        # order or the template's, and a value is read only where both read the same
        drawn = (*(c for c in cols if c != "total"), "total")
        withheld = []
        for code, vals in per_row.items():
            differ = [
                _cell_number(v) != _cell_number(vals[drawn.index(c)])
                for c, v in zip(_TEMPLATE_COLS, vals, strict=True)
            ]
            per_row[code] = [None if d else v for d, v in zip(differ, vals, strict=True)]
            withheld += [f"{code}.{c}" for c, d in zip(_TEMPLATE_COLS, differ, strict=True) if d]
        problems.flag(
            codes.COLUMN_ORDER_GUESSED,
            "appeals: the header draws the outcome columns " + "/".join(cols) + " but the "
            "numbers sum only with 总计 last; the others stand in the header's order or the "
            f"template's, and a value is read only where both read the same: {len(withheld)} "
            f"of them withheld ({'、'.join(withheld[:6])}{' …' if len(withheld) > 6 else ''})",
        )
        return True
    problems.append(
        "appeals: the header draws the columns in another order than the template's ("
        + "/".join(groups)
        + " × "
        + "/".join(cols)
        + "); each value is read under its heading"
    )
    for code, vals in per_row.items():
        per_row[code] = [vals[cols.index(c)] for c in _TEMPLATE_COLS]
    return True


#: the characters of the kinds of case's headings (行政复议, 行政诉讼 and its two kinds)
_KIND_CHARACTERS = frozenset("行政复议诉讼未经直接起后")


def _appeals_in_orders_allowed(
    per_row: dict[str, list[Token | None]],
    words: list[tuple[str, int]],
    unread: list[tuple[int, str, int]],
    single_row: bool,
    problems: Problems,
    lost: list[str] | None = None,
) -> bool:
    """Section 四 under a header that does not name every column: words in it that name no
    heading (`unread`, each where it stands: 乡正, 维特, 尚末审结) or characters standing alone
    (`lost`, their places not known: a heading cut to its first character). The template's
    order is no reading of it (the columns may stand in another); a value is read only where
    every order the header allows puts the same one there (_appeals_by_values): the orders
    the unread words make, each put as any heading or none, that name every column, or
    (lost characters) those whose every run of the headings read keeps its order."""
    col_orders: set[tuple[str, ...]] = set()
    group_orders: set[tuple[str, ...]] = set()
    across = _appeal_header_across(words, unread) if single_row else None
    if across is not None:
        if _names_every_column(across, single_row):
            col_orders.add(_appeal_columns(across) or _TEMPLATE_COLS)
            group_orders.update(_appeal_group_orders(across))
    elif unread and len(unread) <= 3:
        for headings in itertools.product((*labels.APPEAL_HEADER_WORDS, ""), repeat=len(unread)):
            restored = list(words)
            for (at, _, seen), heading in reversed(list(zip(unread, headings, strict=True))):
                if heading:
                    restored.insert(at, (heading, seen))
            if _names_every_column(restored, single_row):
                col_orders.add(_appeal_columns(restored) or _TEMPLATE_COLS)
                orders = _appeal_group_orders(restored) if single_row else []
                if "行政诉讼" in headings and not any("诉讼" in w for w, _ in words):
                    # 行政诉讼 named by a word that names no heading as written (a caption's
                    # line over the header, 四、政府信息 / 公开行政复议和行政诉讼情况): it
                    # completes the header, but which side its groups stand on it does not tell
                    orders = [
                        side
                        for order in orders
                        for pair in [tuple(g for g in order if g != "review")]
                        for side in (("review", *pair), (*pair, "review"))
                    ]
                group_orders.update(orders)
    elif not unread:
        runs: dict[int, list[str]] = {}
        for w, seen in words:
            if w in _OUTCOMES:
                runs.setdefault(seen, []).append(_OUTCOMES[w])
        col_orders = {
            order
            for order in itertools.permutations(_TEMPLATE_COLS)
            if all(_subsequence(run, order * 3) for run in runs.values())
        }
        # characters of a kind of case's heading (行政 / 诉口): which side 行政诉讼's groups
        # stand on the words read do not tell (结, 尚, 总 are an outcome heading's only)
        kind = any(ch in _KIND_CHARACTERS for piece in lost or [] for ch in piece)
        for order in _appeal_group_orders(words):
            pair = tuple(g for g in order if g != "review")
            group_orders.update({("review", *pair), (*pair, "review")} if kind else {order})
    pieces = [w for _, w, _ in unread] or list(lost or [])
    shown = "、".join(pieces[:12])
    if not col_orders and (same := _one_number_throughout(per_row)) is not None:
        problems.append(
            f"appeals: the header holds words or characters ({shown}) that name none of its "
            f"headings, but its 15 values are all {same}: every order of the columns puts "
            "that one in each cell, and each is read"
        )
        return True
    if not col_orders:
        problems.flag(
            codes.COLUMN_ORDER_GUESSED,
            f"appeals: the header holds words or characters ({shown}) that name none of its "
            "headings, and no heading put in their places names every column; which column "
            "each value belongs to is not known, none is read",
        )
        per_row.update((code, [None] * 5) for code in per_row)
        return False
    problems.append(
        f"appeals: the header holds words or characters ({shown}) that name none of its "
        f"headings; {len(col_orders)} order(s) of the outcome columns fit the headings read"
    )
    orders = sorted(group_orders, key=lambda g: g != _APPEAL_CODES) or [_APPEAL_CODES]
    return _appeals_by_values(
        per_row, None, orders, single_row, problems, words, sorted(col_orders)
    )


def _appeal_header_across(
    words: list[tuple[str, int]], unread: list[tuple[int, str, int]]
) -> list[tuple[str, int]] | None:
    """The appeals header's words with its outcome headings read across lines (a header
    written a character or two a line over narrow columns: 结 结 其 尚 总 / 果 果 他 未 计 /
    维 纠 结 审 / 持 正 果 结, transpose.read_across), the captions of the kinds of case in
    those lines kept where they stand; None where the unread words are not such a header or
    its readings do not all give one order of the fifteen columns."""
    if len(unread) < 2:
        return None
    kinds = set(labels.APPEAL_HEADER_WORDS) - set(_OUTCOMES)
    lines: list[list[str]] = []
    captions: list[tuple[str, int]] = []
    for _, text, seen in unread:
        pieces = text.split()
        captions.extend((w, seen) for w in pieces if w in kinds)
        pieces = [w for w in pieces if w not in kinds]
        if any(len(w) > 2 for w in pieces):
            return None  # a word of its own, not a heading's piece
        lines.append(pieces)
    # (a group's total headed 合计 or 小计, as a header of whole words may head it)
    headings = [*(c.label for c in contract.APPEAL_COLUMNS), *_TOTAL_SYNONYMS]
    orders = transpose.read_across(lines, headings, 15, len(contract.APPEAL_COLUMNS))
    if len(orders) != 1 or any(
        len({_OUTCOMES[w] for w in orders[0][k : k + 5]}) < 5 for k in range(0, 15, 5)
    ):
        return None  # (two readings, or a group naming its total twice: 总计 and 合计)
    seen = unread[-1][2]
    return _appeal_words_apart([*words, *captions, *((w, seen) for w in orders[0])])


def _one_number_throughout(per_row: dict[str, list[Token | None]]) -> object:
    """The number each of section 四's fifteen cells shows where all show the same one (a
    page of no review or lawsuit: fifteen zeros), else None: every order of the columns and of
    the kinds of case reads that number in every cell, so a header read in no order leaves
    none of them in doubt."""
    cells = [v for vals in per_row.values() for v in vals]
    if len(per_row) != 3 or len(cells) != 15 or any(v is None for v in cells):
        return None
    numbers = {_cell_number(v) for v in cells}
    if len(numbers) != 1:
        return None
    (number,) = numbers
    return number if isinstance(number, int | float) and not isinstance(number, bool) else None


def _subsequence(part: Sequence[str], whole: Sequence[str]) -> bool:
    """Whether `part` stands in `whole` in its order (not necessarily side by side)."""
    it = iter(whole)
    return all(x in it for x in part)


def _appeals_by_values(
    per_row: dict[str, list[Token | None]],
    cols: tuple[str, ...] | None,
    orders: list[tuple[str, ...]],
    single_row: bool,
    problems: Problems,
    words: list[tuple[str, int]],
    allowed: list[tuple[str, ...]] | None = None,
) -> bool:
    """Section 四 where the header does not tell the order: the outcome columns (`cols` None:
    no heading over them, a header line the copy lost, header rows drawing them in different
    orders) or the kinds of case (several `orders`: two litigation tables, or a band of ten,
    with no 未经复议直接起诉 / 复议后起诉 over them). A value is read only where every order the
    page allows (those its header rows draw, else any) puts the same one there: groups alike,
    or five alike in a group (a group of zeros); the sums tell the total column (a group's
    five summing to its total tells no group from another). The others are withheld.
    `per_row` holds the values in the order drawn (the single row's groups as the template's
    codes). Returns whether every value is read."""
    drawn = {code: vals for code, vals in per_row.items() if len(vals) == 5}
    if single_row and len(drawn) < 3:
        orders = orders[:1]  # a cut row: its groups stand where the page draws them
    if cols is not None:
        col_orders = [cols]
    else:
        rows = list(drawn.values())
        allowed = (
            allowed or _appeal_column_orders(words) or list(itertools.permutations(_TEMPLATE_COLS))
        )
        col_orders = [c for c in allowed if _sums_hold(rows, c)] or allowed
    readings: dict[str, list[Token | None]] = {}
    withheld = []
    for code in per_row:
        places = [_APPEAL_CODES[g.index(code)] if single_row else code for g in orders]
        readings[code] = []
        for col in _TEMPLATE_COLS:
            seen = {
                None if place not in drawn else _cell_number(drawn[place][order.index(col)])
                for place in places
                for order in col_orders
            }
            if len(seen) == 1 and places[0] in drawn:
                readings[code].append(drawn[places[0]][col_orders[0].index(col)])
            else:
                withheld.append(f"{code}.{col}")
                readings[code].append(None)
    per_row.update(readings)
    what = "outcome columns" if cols is None else "kinds of case"
    if cols is None and len(orders) > 1:
        what = "kinds of case and outcome columns"
    if withheld:
        problems.flag(
            codes.COLUMN_ORDER_GUESSED,
            f"appeals: the header does not tell the order of its {what}, nor do the values; "
            f"{len(withheld)} of them withheld ({'、'.join(withheld[:6])}"
            f"{' …' if len(withheld) > 6 else ''})",
        )
    else:
        problems.append(
            f"appeals: the header does not tell the order of its {what}; every order the page "
            "allows puts the same value in each cell, and each is read"
        )
    return not withheld


_APPEAL_OUTCOMES = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")


def _doubled_appeal_column(
    sequence: list[Token], words: list[str], problems: Problems
) -> list[Token]:
    """The single row under a header whose last row, copied by a converter into every grid
    position, draws one heading twice side by side (总计 | 总计: a column two positions
    wide): the row's cell under the second is the first's copy or a covered blank, and is
    left out. Where it is neither, the row's cells are not certain: none is read."""
    start = len(words)
    while start > 0 and words[start - 1] in _APPEAL_OUTCOMES:
        start -= 1
    bottom = words[start:]
    k = _doubled_heading(bottom)
    if len(bottom) != 16 or len(sequence) != 16 or k is None:
        return sequence
    if _copy_or_blank(sequence, k):
        problems.append(
            f"appeals: the header draws {bottom[k]} over two columns; the row's second cell "
            "under it is a copy or a blank, not a column"
        )
        return sequence[:k] + sequence[k + 1 :]
    problems.flag(
        codes.CELLS_UNPLACED,
        f"appeals: the header draws {bottom[k]} over two columns, and the row's two cells "
        "under it differ; which column each belongs to is not known, so none is read",
    )
    return []


#: the national header's words in reading order: its top row, the second row (the review
#: group's five drawn down and the two kinds of 行政诉讼), the litigation groups' ten
_NATIONAL_APPEAL_WORDS = (
    "行政复议",
    "行政诉讼",
    *_APPEAL_OUTCOMES,
    "未经复议直接起诉",
    "复议后起诉",
    *_APPEAL_OUTCOMES,
    *_APPEAL_OUTCOMES,
)
#: where a 合计 column of the agency's beside the fifteen stands, by how many of the national
#: header's words come before its heading: before 行政复议 (the first column), between
#: 行政复议 and 行政诉讼 in the top row (after review's five), after 行政诉讼 in the top row,
#: after 复议后起诉 in the litigation band's row, or after every heading (the last column)
_SUM_COLUMN_AT = {0: 0, 1: 5, 2: 15, 9: 15, len(_NATIONAL_APPEAL_WORDS): 15}


def _sum_column_left_out(
    sequence: list[Token],
    words: list[tuple[str, int]],
    unread: list[tuple[int, str, int]],
    problems: Problems,
) -> tuple[list[Token], list[tuple[int, str, int]]]:
    """The single row under the national header with a 合计 (小计) column of the agency's
    beside the fifteen, a sum of all cases or of the litigation band's: its cell is left out
    (it is no column of the template), where the header's words tell which of the sixteen it
    is and the figures bear it out (each group sums to its total, the extra cell to the sum of
    the totals it adds up). Elsewhere the row and the header's unread words are kept as they
    are (16 values where the table has 15: none is read)."""
    heads = [u for u in unread if labels.bare(u[1]) in _TOTAL_SYNONYMS and not u[2]]
    if (
        len(sequence) != 16
        or len(heads) != 1
        or len(unread) != 1
        or tuple(w for w, _ in words) != _NATIONAL_APPEAL_WORDS
        or any(seen for _, seen in words)
        or heads[0][0] not in _SUM_COLUMN_AT
    ):
        return sequence, unread
    k = _SUM_COLUMN_AT[heads[0][0]]
    rest = sequence[:k] + sequence[k + 1 :]
    numbers = [read_value(t.text) for t in sequence]
    if any(v is None or v.value is None for v in numbers):
        return sequence, unread
    values = [float(v.value) for v in numbers if v is not None and v.value is not None]
    extra = values[k]
    totals = [v for i, v in enumerate(values[:k] + values[k + 1 :]) if i % 5 == 4]
    sums = {sum(totals)} | ({sum(totals[1:])} if heads[0][0] == 9 else set())
    groups = [rest[g : g + 5] for g in (0, 5, 10)]
    if extra not in sums or not _sums_hold(groups, _TEMPLATE_COLS):
        return sequence, unread
    problems.append(
        f"appeals: the header draws a {heads[0][1]} column beside the fifteen (the row's "
        f"cell {k + 1}, {sequence[k].text}, the sum of the totals); it is no column of the "
        "table and is left out"
    )
    return rest, []


def _appeals_sequence(
    sequence: list[Token],
    parts: list[RawRow],
    cut: bool,
    per_row: dict[str, list[Token | None]],
    problems: Problems,
    spanned: set[int] | frozenset[int],
    cells_left_out: bool = False,
    page_rows: list[RawRow] | None = None,
    numbered: bool = False,
    not_known: set[tuple[str, int]] | None = None,
    page_tokens: list[Token] | None = None,
    drawn: int = 0,
    tab_copy: bool = False,
    pad_cells: bool = False,
) -> bool:
    """The national layout's single row of 15 values, review then the two litigation groups,
    into `per_row`. Returns whether all 15 were read. `page_rows`: the page's rows, which tell
    whether the copy shows a blank cell somewhere before one with text (_writes_blank_cells),
    looked at only for a short row (None: taken as showing them). `numbered`: the page has a
    序号 column (running numbers in front of row labels). `not_known`: given where the
    header draws the template's order, an HTML row short of cells is laid out by the sums
    (_appeal_cells_by_sums), and the positions they leave open are added to it: a row drawing
    merged cells by their spans, or one of a table with no span at all (an exporter dropped
    them: any cell may be a merged one). `page_tokens`: the page's, which tell that. `drawn`:
    how many outcome headings (结果维持 …) the header draws, 0 where none is read.
    `tab_copy`: a TAB copy, which writes no position a merged cell covers. `pad_cells`: one
    that writes its fillers as empty cells past a row's last column (_fillers_as_cells)."""
    if tab_copy and _empty_at_a_break(sequence):
        shown = "/".join(t.text or "空" for t in sequence[:20])
        problems.flag(
            codes.CELLS_UNPLACED,
            f"appeals: {len(sequence)} fields ({shown}), the row's line broken where an empty "
            "field stands (a terminal breaks a line at a TAB, which then ends the first piece "
            "or opens the next, and reads as an empty field that is no cell; the copy drops a "
            "row's empty end fields, so their count does not tell): which column each value "
            "belongs to is not known, so none is read",
        )
        return False
    drawn_row = sequence
    if (
        len(sequence) > 15
        and not labels.norm(sequence[0].text)
        and not any(labels.norm(t.text) for t in sequence[16:])
    ):
        # an empty field before the row and empty ones after it (a table one column wider
        # than its cells): the fifteen are those whose groups sum to their totals
        ahead, behind = ([w[k : k + 5] for k in (0, 5, 10)] for w in (sequence, sequence[1:]))
        if _sums_hold(behind, _TEMPLATE_COLS) and not _sums_hold(ahead, _TEMPLATE_COLS):
            sequence = sequence[1:16]
    first = labels.norm(sequence[0].text) if sequence else ""
    trimmed = (
        len(sequence) == 15
        and first.isdigit()
        and int(first) > 0
        and parts[-1].hard
        and sequence[0].table == 0
        and labels.norm(sequence[-1].text) != ""
    )
    if (
        numbered
        and (len(sequence) > 15 or trimmed)
        and first.isdigit()
        and not any(labels.norm(t.text) for t in sequence[15:])
    ):
        # a page with a 序号 column: a running number may stand in front of the single row, as
        # a blank position may close it, or the copy drops the row's trailing empty fields (a
        # TAB copy: the number and fourteen cells make fifteen); the sums tell which (read
        # from the number on, every value stood a column right)
        after = [*sequence[1:16], *[sequence[-1]._replace(text="")] * (16 - len(sequence))]
        ahead, behind = ([w[k : k + 5] for k in (0, 5, 10)] for w in (sequence, after))
        if _sums_hold(behind, _TEMPLATE_COLS) and not _sums_hold(ahead, _TEMPLATE_COLS):
            problems.append(
                f"appeals: the row's first cell ({sequence[0].text}) is the 序号 column's; the "
                "sums put the 15 values after it"
            )
            sequence = sequence[1:16]
        elif not _sums_hold(ahead, _TEMPLATE_COLS) or _sums_hold(behind, _TEMPLATE_COLS):
            shown = "/".join(t.text or "空" for t in sequence[:20])
            problems.flag(
                codes.CELLS_UNPLACED,
                f"appeals: {len(sequence)} values where the table has 15 ({shown}) on a page "
                "with a 序号 column"
                + (", in a copy that drops a row's trailing empty fields" if trimmed else "")
                + ": whether the first is its running number is not known, so none is read",
            )
            return False
    while (
        len(sequence) > 15 and not labels.norm(sequence[0].text) and labels.norm(sequence[-1].text)
    ):
        sequence = sequence[1:]  # an empty first field in front of the row (a grid export)
    if (
        len(drawn_row) == 16
        and not labels.norm(drawn_row[0].text)
        and len(sequence) == 15
        and sequence[0] is drawn_row[1]
        and _other_cell_left_out(drawn_row)
    ):
        shown = "/".join(t.text or "空" for t in drawn_row)
        problems.flag(
            codes.CELLS_UNPLACED,
            f"appeals: 16 cells where the table has 15 ({shown}), the first empty: an empty "
            "field in front of the row (a grid export's) or a column the template lacks "
            "inside it; the groups' sums do not tell which cell is no value, so none is read",
        )
        return False
    present = len(sequence)
    if present > 15:
        extra = [t for t in sequence[15:] if labels.norm(t.text)]
        if extra:
            shown = "/".join(t.text or "空" for t in sequence[:20])
            problems.flag(
                codes.CELLS_UNPLACED,
                f"appeals: {present} values where the table has 15 ({shown}); which column "
                "each belongs to is not known, so none is read",
            )
            return False
        if pad_cells and _short_row_padded(sequence, 15):
            shown = "/".join(t.text or "空" for t in sequence[:20])
            problems.flag(
                codes.CELLS_UNPLACED,
                f"appeals: {present} cells where the table has 15 ({shown}), the last column's "
                "and those past it empty, in a copy that writes its fillers as empty cells past "
                "a row's last column: a value merged across leaves the row a cell short and a "
                "filler more; which column each value belongs to is not known, so none is read",
            )
            return False
        sequence = sequence[:15]
    elif present < 15 and cut and cells_left_out and _bare_lines(sequence):
        problems.flag(codes.CELLS_UNPLACED, f"appeals: {_LEFT_OUT}")
        return False
    elif present < 15 and cut and (doubt := _cut_row_in_doubt(sequence, parts, drawn)):
        shown = "/".join(t.text or "空" for t in sequence)
        problems.flag(
            codes.INCOMPLETE,
            f"appeals: the page ends inside the table; {present} of 15 cells before the cut "
            f"({shown}), {doubt}: which column each belongs to is not known, so none is read",
        )
        return False
    elif present < 15 and cut:
        if tab_copy and all(t.table == 0 for t in sequence):
            # a TAB copy writes no position a merged cell covers: a group before the cut is
            # certain where its total is the sum of its four outcomes (a merged cell before it
            # would move its cells; a blank among them sums as a 0, which a blank moved in its
            # place does too, so a group with one is not); the groups after one that is not,
            # and the group the cut is in, are not
            whole = 0
            while whole < present // 5 and _sums_to_its_total(sequence[5 * whole : 5 * whole + 5]):
                whole += 1
            while whole and _merge_moves_groups(sequence, whole):
                whole -= 1
            if 5 * whole < present:
                shown = "/".join(t.text or "空" for t in sequence[5 * whole :])
                problems.flag(
                    codes.INCOMPLETE,
                    f"appeals: the page ends inside the table, in a copy that leaves a merged "
                    f"cell no trace: the {present - 5 * whole} cells after the groups whose "
                    f"totals are their sums ({shown}) may stand a column off; none is read",
                )
                sequence = sequence[: 5 * whole]
                present = len(sequence)
        problems.flag(
            codes.INCOMPLETE,
            f"appeals: the page ends inside the table; {present} of 15 cells read, "
            "the rest are not on the page",
        )
    elif present < 15:
        # a text copy writes no cells after the last non-empty one on a table's last row, and
        # no fillers either (the seed): its missing cells are the row's last ones, empty. A
        # row followed by fillers, or split over several rows, had merged cells instead.
        row = parts[-1]
        last_row = len(parts) == 1 and row.hard and not row.padded and sequence[0].table == 0
        # text laid out by spaces (a PDF's lines, pdftotext -layout, a flipbook's line of
        # values) draws no blank cell anywhere: its missing cells may be any of the row's, not
        # only its last ones
        last_row = last_row and all(t.x is None and not t.spaced for t in sequence)
        # a copy that shows no blank cell anywhere may have left any of them out, not only
        # the row's last ones (a browser copy that drops empty cells)
        last_row = last_row and (page_rows is None or _writes_blank_cells(page_rows))
        if not_known is not None and present >= 11 and len(parts) == 1 and row.hard:
            laid, spans = None, None
            if _unspanned_html(sequence, spanned):
                # where the table draws spans elsewhere (its header's), a merged value cell
                # would have one: the row's missing cells are its last ones, not drawn (the
                # seed), read as below
                table = sequence[0].table
                if not any(t.span and t.table == table for t in page_tokens or ()):
                    laid = _appeal_cells_by_sums(sequence)
            elif all(t.table for t in sequence):
                spans = [t.colspan for t in sequence]
                laid = _appeal_cells_by_sums(sequence, spans)
            if laid is not None:
                return _appeals_laid_out(sequence, laid, per_row, not_known, problems, spans)
        # only the last group's last cells may be missing (review and direct litigation shown
        # in full): fewer cells are merged ones as likely as empty ones
        if (
            present < 11
            or not (last_row or _unspanned_html(sequence, spanned))
            or not _appeal_sums_hold(sequence)
        ):
            shown = "/".join(t.text or "空" for t in sequence)
            problems.flag(
                codes.CELLS_UNPLACED,
                f"appeals: {present} value cells where the table has 15 ({shown}); which column "
                "each belongs to is not known, so none is read",
            )
            return False
        problems.flag(
            codes.CELLS_ASSUMED_EMPTY,
            f"appeals: {present} of 15 cells present; the last {15 - present} are taken as empty",
        )
    for k, code in enumerate(_APPEAL_CODES):
        row_cells = sequence[5 * k : 5 * k + 5]
        if not row_cells and cut:
            break
        per_row[code] = row_cells
    if present < 15 and not cut:
        for code in _APPEAL_CODES:
            per_row[code] = per_row[code] + [None] * (5 - len(per_row[code]))
    return present >= 15


def _appeals_laid_out(
    sequence: list[Token],
    laid: list[Token | None | bool],
    per_row: dict[str, list[Token | None]],
    not_known: set[tuple[str, int]],
    problems: Problems,
    spans: list[int] | None = None,
) -> bool:
    """The single appeals row's cells as _appeal_cells_by_sums laid them out, into `per_row`
    (the columns it leaves open into `not_known`); whether every column is known. With the
    cells' `spans` the columns each cell covers are the page's, and the sums only tell a
    merged value to be each column's (no guess, not flagged); without, the layout is the one
    the sums leave, and flagged so."""
    for g, code in enumerate(_APPEAL_CODES):
        per_row[code] = []
        for c in range(5):
            tok = laid[5 * g + c]
            if tok is True:
                not_known.add((code, c))
            per_row[code].append(None if isinstance(tok, bool) else tok)
    shown = "/".join(t.text or "空" for t in sequence)
    line = f"appeals: {len(sequence)} value cells where the table has 15 ({shown})"
    if not_known:
        open_ = ", ".join(f"{code}.{_TEMPLATE_COLS[c]}" for code, c in sorted(not_known))
        problems.flag(
            codes.CELLS_UNPLACED,
            f"{line}; laid out over the columns every way the page allows (cells merged "
            "across, or the last ones not drawn), the ways under which each group sums to its "
            f"total disagree on {open_}, which give no value",
        )
        return False
    if spans is not None:
        problems.append(
            f"{line}, {'+'.join(map(str, spans))} columns wide; each merged cell's value is "
            "each column's it covers (0 or blank, or the group's sum holds only so)"
        )
        return True
    problems.flag(
        codes.READING_BY_IDENTITY,
        f"{line}; of the ways to lay them out over the columns (cells merged across, or the "
        "last ones not drawn), every one under which each group sums to its total gives each "
        "column the same value",
    )
    return True


def _appeal_cells_by_sums(
    sequence: list[Token], colspans: list[int] | None = None
) -> list[Token | None | bool] | None:
    """The single appeals row's 15 cells where it shows fewer (an HTML row whose exporter
    dropped its spans, or one drawing them: `colspans`, each cell's), by section 四's sums.

    A short row is one whose last cells are not drawn (empty), or whose cells were merged
    across (a colspan): a merged cell stands for the value of each column it covers (0 | 0
    drawn once), or for one figure for them together. Every way of laying the cells out over
    the 15 columns (with `colspans`, only theirs, the columns after them not drawn) is tried,
    with each merged cell read both
    ways; a way holds where each group of five sums to its total (blank as 0; a merged cell
    read as one figure counts once, and never covers a total). A column every way that holds
    gives the same value gets that cell (None: empty); one they disagree on is True (not
    known). None where no way holds."""
    values = [read_value(t.text) for t in sequence]
    if any(v is None for v in values):
        return None
    numbers = [v.value if v is not None else None for v in values]
    if colspans is not None and sum(colspans) > 15:
        return None
    ways = _AppealWays(numbers, colspans)
    first = ways.first()
    if first is None:
        return None
    widths, one = first
    starts = list(itertools.accumulate(widths, initial=0))[:-1]
    cells: list[Token | None | bool] = [None] * 15
    for k, (start, width) in enumerate(zip(starts, widths, strict=True)):
        for c in range(start, start + width):
            # one figure of 0 (or blank) for several columns is 0 (blank) in each
            cells[c] = True if one[k] and numbers[k] else sequence[k]
    seen = ways.readings([_cell_number(t) for t in sequence])
    return [True if _ONE_FIGURE in seen[c] or len(seen[c]) > 1 else cells[c] for c in range(15)]


_State = tuple[int, int, float]  # cells laid out, columns they cover, the open group's sum
#: what a column reads under a merged cell of a number read as one figure (not True: 1 == True)
_ONE_FIGURE = object()


class _AppealWays:
    """The ways of laying the appeals row's cells over the 15 columns under which each group
    of five sums to its total (see _appeal_cells_by_sums). Without `colspans` a cell may cover
    several columns (a merged cell) and the last columns may be empty; a merged cell is read
    as each column's value or as one figure for them (never over a total). A row four cells
    short has ~1,400 ways of laying it out, each merged cell read two ways, and with blank
    groups most of them hold: the ways are not walked one by one but as states (the cells
    laid out, the columns they cover, the sum of the group being laid out), each group
    checked as soon as its five columns are laid out."""

    def __init__(self, numbers: list[float | int | None], colspans: list[int] | None) -> None:
        self.numbers = numbers
        self.colspans = colspans
        self.n = len(numbers)
        if colspans is None:
            self.ends = range(15, self.n - 1, -1)  # fewest columns left empty first
        else:
            self.ends = range(sum(colspans), sum(colspans) - 1, -1)
        self._ok: dict[tuple[int, int, float, int], bool] = {}

    def _steps(self, k: int, col: int, s: float) -> Iterator[tuple[int, bool, _State]]:
        """Each way cell k may be laid out from column `col` with the open group's sum so far
        `s` that holds the groups it completes: (width, read as one figure, next state),
        widest first."""
        if self.colspans is not None:
            widths: Iterable[int] = (self.colspans[k],)
        else:
            widths = range(15 - col - (self.n - k - 1), 0, -1)
        x = self.numbers[k] or 0
        for width in widths:
            end = col + width
            if end > 15:
                continue
            cur, holds = s, True
            for c in range(col, end):
                if c % 5 == 0 and c != col:
                    cur = 0.0
                if c % 5 != 4:
                    cur += x
                elif abs(x - cur) > 1e-9:
                    holds = False
                    break
            if holds:
                yield width, False, (k + 1, end, cur if end % 5 else 0.0)
            if width > 1 and (col % 5) + width <= 4:
                yield width, True, (k + 1, end, s + x)

    def _holds_to(self, state: _State, end: int) -> bool:
        """Whether the cells from `state` on can be laid out ending at column `end` (the
        rest empty) with every group holding."""
        key = (*state, end)
        known = self._ok.get(key)
        if known is None:
            k, col, s = state
            if k == self.n:
                known = col == end and (col == 15 or abs(s) <= 1e-9)
            else:
                known = any(
                    nxt[1] <= end and self._holds_to(nxt, end)
                    for _w, _one, nxt in self._steps(k, col, s)
                )
            self._ok[key] = known
        return known

    def first(self) -> tuple[list[int], list[bool]] | None:
        """The first way that holds in the order of fewest columns left empty, then the
        merged cells' places (the earliest cells widest), then their readings (each cell
        read as each column's value before as one figure)."""
        start: _State = (0, 0, 0.0)
        for end in self.ends:
            if not self._holds_to(start, end):
                continue
            states, widths = {start}, []
            for k in range(self.n):
                best: int | None = None
                following: set[_State] = set()
                for state in states:
                    for width, _one, nxt in self._steps(k, state[1], state[2]):
                        if best is not None and width < best:
                            continue
                        if nxt[1] <= end and self._holds_to(nxt, end):
                            if best is None or width > best:
                                best, following = width, set()
                            following.add(nxt)
                if best is None:  # cannot be: `states` hold to `end`
                    return None
                widths.append(best)
                states = following
            merged = [k for k, w in enumerate(widths) if w > 1]
            for reading in itertools.product((False, True), repeat=len(merged)):
                one = [False] * self.n
                for k, as_one in zip(merged, reading, strict=True):
                    one[k] = as_one
                if self._holds_as(widths, one):
                    return widths, one
        return None

    def _holds_as(self, widths: list[int], one: list[bool]) -> bool:
        """Whether the way of these widths and readings holds."""
        state: _State = (0, 0, 0.0)
        for k, width in enumerate(widths):
            for w, as_one, nxt in self._steps(k, state[1], state[2]):
                if w == width and as_one == one[k]:
                    state = nxt
                    break
            else:
                return False
        _k, col, s = state
        return col == 15 or abs(s) <= 1e-9

    def readings(self, marks: list[object]) -> list[set[object]]:
        """What each column reads under the ways that hold: a cell's mark (its number, None
        for blank or not drawn), _ONE_FIGURE under a merged cell of a number read as one."""
        seen: list[set[object]] = [set() for _ in range(15)]
        for end in self.ends:
            start: _State = (0, 0, 0.0)
            if not self._holds_to(start, end):
                continue
            states, done = [start], {start}
            while states:
                k, col, s = states.pop()
                if k == self.n:
                    for c in range(col, 15):
                        seen[c].add(None)
                    continue
                for width, as_one, nxt in self._steps(k, col, s):
                    if nxt[1] > end or not self._holds_to(nxt, end):
                        continue
                    mark = _ONE_FIGURE if as_one and self.numbers[k] else marks[k]
                    for c in range(col, col + width):
                        seen[c].add(mark)
                    if nxt not in done:
                        done.add(nxt)
                        states.append(nxt)
        return seen


def _cell_number(tok: Token | None | bool) -> object:
    if tok is None or tok is True or tok is False:
        return tok
    read = read_value(tok.text)
    return read.value if read is not None else tok.text


def _sums_to_its_total(group: list[Token]) -> bool:
    """Whether a group of five of the single appeals row shows a number in each cell and its
    total is the sum of its four outcomes."""
    return len(group) == 5 and _group_sums(_numbers(group, None))


def _merge_moves_groups(sequence: list[Token], groups: int) -> bool:
    """Whether a cell merged across (one shown for two to five equal cells) before the end of
    the first `groups` groups of a TAB copy's cut appeals row would make those groups sum to
    their totals with other values than read in order: a group of few requests sums by chance
    with its cells a column off (1 0 0 | 1 2 is 1 0 0 0 1 with a 0 merged over two, the next
    group's 2 moved under its total), so its sum does not tell where its cells stand."""
    # a blank as 0 (a merged blank covers blanks): the more such rows sum, the fewer are read
    values = _numbers(sequence, 0.0)
    size = 5 * groups
    for at in range(size):
        for width in range(2, 6):
            moved = values[:at] + [values[at]] * width + values[at + 1 :]
            if moved[:size] == values[:size]:
                continue
            if all(_group_sums(moved[5 * k : 5 * k + 5]) for k in range(groups)):
                return True
    return False


def _group_sums(group: list[float | None]) -> bool:
    """Whether five numbers (None: not a number) are four outcomes and their total."""
    if len(group) < 5 or None in group:
        return False
    return abs(group[4] - sum(group[:4])) <= 1e-9  # type: ignore[operator,arg-type]


def _appeal_sums_hold(sequence: list[Token]) -> bool:
    """Whether every row of the single appeals row that shows all five cells sums to its
    total (blank as 0), read in order."""
    for k in range(3):
        group = sequence[5 * k : 5 * k + 5]
        if len(group) < 5:
            continue
        if not _group_sums(_numbers(group, 0.0)):
            return False
    return True


def _numbers(group: list[Token], blank: float | None) -> list[float | None]:
    """The cells' numbers; None for a cell that holds no value, `blank` for a blank one."""
    values = [read_value(t.text) for t in group]
    return [None if v is None else blank if v.value is None else float(v.value) for v in values]


#: what _plain_count gives for a count cell it leaves to _cell's rules
_NOT_PLAIN = object()


@functools.lru_cache(maxsize=4096)
def _plain_count(text: str) -> object:
    """The value of a count cell with nothing to say of it: blank, or a whole number not
    below 0 with no unit, no footnote mark and no point that may be a thousands separator
    (read as _cell's rules read it, and none of them says anything); _NOT_PLAIN for any other
    text. Cached: a few texts (0, 1, 2, blank) fill most cells of every page."""
    read = read_value(text)
    if read is None or read.footnote is not None or read.unit is not None or read.sign_unsure:
        return _NOT_PLAIN
    value = read.value
    if value is None or (type(value) is int and value >= 0 and not point_thousands(text)):
        return value
    return _NOT_PLAIN


def _cell(
    section: str,
    row: str,
    col: str,
    tok: Token | None,
    unit: str | None,
    problems: Problems,
) -> Cell:
    """One cell's value. `unit`: the unit of amount its column header states, "" where the
    header on the page states none, None where no header is on the page."""
    if tok is None:
        return Cell(section, row, col, None, None)
    if tok.unknown:
        # its text is not known: U+FFFD stands for it, as for a character a page lost, so it
        # is no blank (a rule reasoning from blanks, after a merged cell, must not read it)
        return Cell(section, row, col, None, "\ufffd", tok.table, tok.tr, tok.td)
    amount = (section, row, col) in contract.AMOUNT_CELLS
    if not amount:
        count = _plain_count(tok.text)
        if count is not _NOT_PLAIN:
            # most cells: the Cell made in C (a NamedTuple's own __new__ is a Python
            # function, and a report has ~200 cells)
            fields = (section, row, col, count, tok.text, tok.table, tok.tr, tok.td)
            return tuple.__new__(Cell, fields)
    read = read_value(tok.text, amount)
    where = f"{section}.{row}.{col}"
    if read is None:
        problems.flag(
            codes.CELLS_UNPLACED, f"{where}: cannot read {tok.text!r} as a value; taken as empty"
        )
        return Cell(section, row, col, None, tok.text, tok.table, tok.tr, tok.td)
    if read.sign_unsure and col in contract.SIGNED_COLUMNS:
        # a soft hyphen before the number where it may be negative: its minus sign (a PDF's
        # hyphen glyph, a converter's soft hyphen) or a mark an editor left, nobody can tell
        problems.flag(
            codes.CELLS_UNPLACED,
            f"{where}: {tok.text!r} opens with a soft hyphen (U+00AD), which may be its minus "
            "sign; taken as empty",
        )
        return Cell(section, row, col, None, tok.text, tok.table, tok.tr, tok.td)
    value = read.value
    if not amount and value is not None and (isinstance(value, float) or point_thousands(tok.text)):
        # a count is whole: 12.1 is a slip, and 1.234 may be 1234 with a European thousands point
        problems.flag(
            codes.CELLS_UNPLACED,
            f"{where}: {tok.text!r} is not a whole number in a count column; taken as empty",
        )
        return Cell(section, row, col, None, tok.text, tok.table, tok.tr, tok.td)
    if read.footnote in NO_CHANGE:
        problems.append(f"{where}: {tok.text!r} (no change) read as 0")
    elif read.footnote:
        problems.append(
            f"{where}: footnote mark {read.footnote!r} after the number in {tok.text!r} is not "
            "part of the value"
        )
    if amount and value is not None and read.unit is None:
        if unit == _UNITS_DISAGREE:
            problems.flag(
                codes.CELLS_UNPLACED,
                f"{where}: bare number {tok.text!r}; the table's captions, or a caption and the "
                "column's header, state different units of amount: not read",
            )
            return Cell(section, row, col, None, tok.text, tok.table, tok.tr, tok.td)
        if unit:
            value = in_wan(value, unit)
        elif value != 0 and (row == "procurement" or unit == ""):
            # the 2019 procurement column states no unit; the 2021 fee column states 万元,
            # unless the page's header leaves it out (本年收费金额: 元 as likely as 万元)
            problems.flag(
                codes.UNIT_ASSUMED,
                f"{where}: bare number {tok.text!r} in a column whose header states no unit; "
                "taken as 万元",
            )
    if isinstance(value, (int, float)) and value < 0 and col not in contract.SIGNED_COLUMNS:
        problems.append(f"{where}: negative value {tok.text!r} in a count column, kept as written")
    if read.unit and not amount and read.unit not in ("件", "条", "个", "项", "次", "份"):
        problems.append(f"{where}: unit {read.unit!r} in a count cell ignored")
    return Cell(section, row, col, value, tok.text, tok.table, tok.tr, tok.td)
