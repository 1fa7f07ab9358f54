"""Text renderings of a `Document`: the forms in which copied or extracted pages arrive.

- `pipe_rows`: the seed's text copy: one line per table row, `text |` per cell, the grid
  positions covered by merged cells as bare `|` fillers at the end of the line (none on the
  last row of a table).
- `cell_lines`: one cell per line (`x |`, a lone `|` for an empty cell, a filler line `||`
  after a row with covered positions), like realdev 102/116.
- `padded_cell_lines`: the seed's cell-a-line copy whose tool writes every filler as a
  line of its own (a lone `|`, `||` or an empty line), and more of them after each value
  row than the grid positions its merged cells cover: blank cells past the row's last column.
- `grid_cell_lines`: one cell per line over each table's whole grid (`x |`, or cells between
  separator lines), a merged cell written once and the positions it covers empty.
- `padded_header_grid_cell_lines`: one cell per line, the header rows with fillers for their
  covered positions (at the row's end or in place) or none, the value rows over the whole
  grid, their covered positions empty cells.
- `blank_lines`: one cell per line without pipes, blocks separated by blank lines, like
  realdev 101/108; a blank cell cannot be drawn here, so styles give it a visible marker.
- `flipbook`: PDF/flipbook text: column headers broken one character per line, a data row as
  one whitespace-separated line, page numbers between pages.
- `tab_rows`: a browser's copy of the page: a table row a line, its cells separated by TABs.
- `spaced_rows`: a reader's plain-text copy: a table row a line, its cells separated by two
  spaces, so a blank cell leaves only spaces.
- Copies made by everyday tools: `browser_copy` (Firefox or Chrome select-all and copy),
  `word_plain_text` (Word's 'save as plain text'), `wechat_article` (a WeChat article's
  text), `separated_rows` (ideographic or no-break spaces as the only separators), `wrapped`
  (any copy's lines broken at a width by a terminal or a mail client), `vertical_labels`
  (labels and headings set vertically, one character a line).
"""

from __future__ import annotations

import random
import re
import unicodedata

from gx_pipeline.pagegen.layout import Document, GCell, Para, Table
from gx_pipeline.pagegen.metadata import PageMeta


def _flat(text: str) -> str:
    return text.replace("\n", "").replace("\u00a0", " ").strip()


def _date_line(m: PageMeta) -> str:
    return f"{m.date_label}: {m.published.isoformat()} " if m.date_place != "signoff" else ""


def _cell_line(text: str) -> str:
    """A cell as a cell-a-line copy writes it: `x |`, a lone `|` when empty."""
    return f"{text} |" if text else "|"


def _covered(table: Table, row: tuple[GCell, ...]) -> int:
    return max(0, table.width - len(row))


def pipe_row(table: Table, row: tuple[GCell, ...], last: bool) -> str:
    line = " ".join(_cell_line(_flat(c.text)) for c in row)
    n = _covered(table, row)
    return line + (" " + "|" * n if n and not last else "")


def pipe_rows(doc: Document, rng: random.Random, *, with_title: bool = True) -> str:
    m = doc.meta
    lines = [
        f"{_date_line(m)}发布机构:{m.publisher} 字体:[大 中 小]",
        "体裁分类:政府信息公开年报 主题分类:综合政务",
    ]
    for block in doc.blocks:
        if isinstance(block, Para):
            if block.kind != "title" or with_title:
                lines.append(block.text)
        else:
            for i, row in enumerate(block.rows):
                lines.append(pipe_row(block, row, i == len(block.rows) - 1))
    lines.append("扫一扫分享到手机端")
    return "\n".join(lines)


def cell_lines(doc: Document, rng: random.Random) -> str:
    m = doc.meta
    grid_date = m.published.isoformat() if m.date_place != "signoff" else ""
    lines = [
        f"索引号: | {m.index_no} | 分类: | |",
        f"发文机关: | {m.publisher} | 发文日期: | {grid_date} |",
        f"名称: | {m.title} |",
        "文号 : |",
    ]
    for block in doc.blocks:
        if isinstance(block, Para):
            lines.append(block.text)
            continue
        for i, row in enumerate(block.rows):
            lines.extend(_cell_line(_flat(c.text)) for c in row)
            n = _covered(block, row)
            if n and i < len(block.rows) - 1:
                lines.append("|" * n)
    return "\n".join(lines)


def padded_cell_lines(
    doc: Document, rng: random.Random, *, fillers: str = "bars", extra: int = 1
) -> str:
    """The seed's cell-a-line copy (`x |` a line, a lone `|` for an empty cell) from a tool
    that writes a row's fillers one a line and pads each value row past its last column: the
    grid positions the row's merged cells cover and `extra` more, each a lone `|` (`bars`),
    a `||` line (`double`) or an empty line (`empty`). A row a value merged down from the
    row above covers one position of shows a cell fewer and a filler more, and a lone `|`
    filler reads as a blank cell: nothing tells the row's blank last cell from a filler."""
    m = doc.meta
    lines = [f"发文机关: | {m.publisher} |", f"名称: | {m.title} |"]
    filler = {"bars": "|", "double": "||", "empty": ""}[fillers]
    for block in doc.blocks:
        if isinstance(block, Para):
            lines.append(block.text)
            continue
        for row in block.rows:
            lines.extend(_cell_line(_flat(c.text)) for c in row)
            n = _covered(block, row)
            if all(c.header for c in row):
                if n:
                    lines.append("|" * n)
            else:
                lines.extend([filler] * (n + extra))
    return "\n".join(lines) + "\n"


def grid_cell_lines(doc: Document, rng: random.Random, *, separators: bool = False) -> str:
    """A cell-a-line copy of each table's whole grid, as a tool that lays the table out
    before writing it makes: every grid position a cell, a merged cell's text where it starts
    and the positions it covers empty (header headings, a label over the label columns, a
    value merged across or down). `x |` a line, a lone `|` for an empty cell; with
    `separators`, each cell on a line between lines of `|` and `||` after each row."""
    m = doc.meta
    lines = [f"发文机关: | {m.publisher} |", f"名称: | {m.title} |"]
    for block in doc.blocks:
        if isinstance(block, Para):
            lines.append(block.text)
            continue
        for row in _grid(block, repeat=False):
            for text in row:
                if separators:
                    lines += [text, "|"]
                else:
                    lines.append(_cell_line(text))
            if separators:
                lines.append("||")
    return "\n".join(lines) + "\n"


def _positions(table: Table) -> list[list[int]]:
    """Each row's grid positions in order: the index of the row's cell that starts there, or
    -1 where a merged cell (of this row or one above) covers it."""
    out: list[list[int]] = []
    for row, starts in zip(table.rows, _columns(table), strict=True):
        by_start = dict(zip(starts, range(len(row)), strict=True))
        out.append([by_start.get(c, -1) for c in range(table.width)])
    return out


def padded_header_grid_cell_lines(
    doc: Document,
    rng: random.Random,
    *,
    fillers: str = "bars",
    at: str = "end",
    row_end: str = "",
    separators: bool = False,
) -> str:
    """A cell-a-line copy (`x |` a line, a lone `|` for an empty cell) whose tool wrote the
    header rows as the page draws them, the grid positions their merged cells cover as
    fillers, but the value rows over the table's whole grid: every position a line, a merged
    label's or value's covered positions empty cells. Nothing on a value row tells a covered
    position from a blank cell; only the header's merged headings do.

    `fillers`: a header row's covered positions as one line of bars (`|||`, one a position;
    a single one a lone `|`, as an empty cell), `||` lines or empty lines (one a position). `at`: the fillers at the
    header row's end, or (`mid`) where the covered positions stand. `row_end`: what closes
    each value row: nothing (the structure), an empty line, or a `||` line. With `separators`,
    each cell a bare line followed by a line of `|` (an empty cell an empty line so)."""
    m = doc.meta
    lines = [f"发文机关: | {m.publisher} |", f"名称: | {m.title} |"]

    def cell(text: str) -> list[str]:
        return [text, "|"] if separators else [_cell_line(text)]

    def filler(n: int) -> list[str]:
        if not n:
            return []
        if fillers == "bars":
            return ["|" * n]
        return ["||" if fillers == "double" else ""] * n

    for block in doc.blocks:
        if isinstance(block, Para):
            lines.append(block.text)
            continue
        grid = _grid(block, repeat=False)
        for row, positions, texts in zip(block.rows, _positions(block), grid, strict=True):
            if not all(c.header for c in row):
                lines.extend(line for text in texts for line in cell(text))
                if row_end:
                    lines.append("" if row_end == "empty" else "||")
                continue
            if at == "mid":
                run = 0
                for i in positions:
                    if i < 0:
                        run += 1
                        continue
                    lines.extend(filler(run))
                    run = 0
                    lines.extend(cell(_flat(row[i].text)))
                lines.extend(filler(run))
            else:
                lines.extend(line for c in row for line in cell(_flat(c.text)))
                lines.extend(filler(_covered(block, row)))
    return "\n".join(lines) + "\n"


def blank_lines(doc: Document, rng: random.Random) -> str:
    m = doc.meta
    out: list[str] = []
    for block in doc.blocks:
        if isinstance(block, Para):
            out.append(block.text)
            if block.kind == "title":
                date = f"日期: {m.published.isoformat()} " if m.date_place != "signoff" else ""
                out.append(f"{date}浏览量:{rng.randint(20, 900)} 来源:{m.publisher} 文字大小:")
            continue
        for row in block.rows:
            for c in row:
                # a cell's own line breaks survive (本年新\n制作数量); blank lines separate cells
                out.append(c.text.replace("\u00a0", " ").rstrip())
    return "\n\n".join(out) + "\n"


def _wrap(text: str, width: int) -> list[str]:
    return [text[i : i + width] for i in range(0, len(text), width)] or [""]


def flipbook(doc: Document, rng: random.Random) -> str:
    m = doc.meta
    page = 1
    out: list[str] = [f"{m.publisher} 政府信息公开年报"]
    for block in doc.blocks:
        if isinstance(block, Para):
            if block.kind == "heading" and block.text.startswith(("二", "四", "五")):
                out.append(f"— {page} —")
                page += 1
            out.extend(
                [block.text]
                if block.kind in ("title", "heading", "signoff")
                else _wrap(block.text, 36)
            )
            continue
        for row in block.rows:
            if any(c.key is not None for c in row):
                out.append(" ".join(_flat(c.text) for c in row if _flat(c.text)))
            elif len(row) == 1 or all(len(_flat(c.text)) > 14 for c in row):
                out.extend(_flat(c.text) for c in row)
            else:
                for c in row:
                    if len(_flat(c.text)) > 14:
                        out.append(_flat(c.text))
                    else:
                        out.extend(ch for ch in _flat(c.text) if not ch.isspace())
    out.append(f"— {page} —")
    return "\n".join(out) + "\n"


def _columns(table: Table) -> list[list[int]]:
    """The grid column each cell of each row starts at (cells merged from above skipped)."""
    taken: set[tuple[int, int]] = set()
    out: list[list[int]] = []
    for r, row in enumerate(table.rows):
        c = 0
        starts = []
        for cell in row:
            while (r, c) in taken:
                c += 1
            starts.append(c)
            taken.update(
                (r + dr, c + dc) for dr in range(cell.rowspan) for dc in range(cell.colspan)
            )
            c += cell.colspan
        out.append(starts)
    return out


def _grid(table: Table, repeat: bool) -> list[list[str]]:
    """The table's grid of positions: a merged cell's text at its first position and, with
    `repeat`, again at every position it covers; blank there otherwise."""
    grid = [[""] * table.width for _ in table.rows]
    for r, (row, starts) in enumerate(zip(table.rows, _columns(table), strict=True)):
        for cell, c in zip(row, starts, strict=True):
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    if r + dr < len(grid) and c + dc < table.width and (repeat or not dr + dc):
                        grid[r + dr][c + dc] = _flat(cell.text)
    return grid


def grid_markdown(doc: Document, rng: random.Random, *, repeat: bool = True) -> str:
    """Markdown a PDF converter writes: headings as `##`, each table a pipe table of its full
    grid, the first row taken for the header (`|---|` after it). With `repeat` (as docling
    writes it), a merged cell's text stands in every grid position it covers; without, those
    positions are blank (pdfplumber, camelot)."""
    out: list[str] = []
    for block in doc.blocks:
        if isinstance(block, Para):
            out.append(
                ("# " if block.kind == "title" else "## " if block.kind == "heading" else "")
                + block.text
            )
            out.append("")
            continue
        for i, row in enumerate(_grid(block, repeat)):
            out.append("| " + " | ".join(row) + " |")
            if i == 0:
                out.append("|" + "---|" * block.width)
        out.append("")
    return "\n".join(out)


def _put(line: str, x: int, text: str) -> str:
    """`text` written at column x of `line` (one space after the line's end at least)."""
    return line + " " * max(x - len(line), 1 if line else 0) + text


def laid_out(
    doc: Document,
    rng: random.Random,
    *,
    numbers_on: str = "first",
    tall_labels: str = "beside",
    page_every: int = 0,
    page_number: str = "- {} -",
    label_widths: tuple[int, ...] | None = None,
    heading_width: int = 0,
) -> str:
    """Text as `pdftotext -layout` writes a printed report: each cell where it stands, columns
    kept by runs of spaces (a CJK character is one column, as the tool counts), blank cells not
    written at all. A row label wraps in its column, its numbers on the row's first, middle or
    last line (`numbers_on`); a label merged down over several rows (（三）不予公开) is written
    once beside the middle one (`tall_labels="beside"`) or one character a line between the
    rows (`"vertical"`). With `page_every`, a page number and a form feed after every that
    many table rows
    (`page_number` its form). `label_widths`: the label columns' widths (drawn otherwise).
    With `heading_width`, a heading over the value columns longer than that wraps onto as many
    lines as it needs (法人或其 | 他组织), each piece centred, the shorter headings on the
    middle lines of the header row's."""
    out: list[str] = []
    label_widths = label_widths or rng.choice(((6, 7, 13), (9, 9, 15), (5, 8, 11), (7, 8, 20)))
    gap = rng.choice((8, 9, 10, 11))
    rows_written = 0
    page = 1
    for block in doc.blocks:
        if isinstance(block, Para):
            text = _flat(block.text)
            if block.kind in ("title", "heading", "signoff"):
                out.append("  " + text)
            else:
                out.extend(
                    ("      " if i == 0 else "  ") + text[i : i + 38]
                    for i in range(0, len(text), 38)
                )
            continue
        starts = _columns(block)
        first_value = min(
            (
                c
                for row, cs in zip(block.rows, starts, strict=True)
                for cell, c in zip(row, cs, strict=True)
                if cell.key
            ),
            default=len(label_widths),
        )
        widths = [*label_widths, *[label_widths[-1]] * first_value][:first_value]
        label_x = [4 + sum(widths[:k]) + 2 * k for k in range(first_value)]
        value_x = [
            4 + sum(widths) + 2 * first_value + k * gap for k in range(block.width - first_value)
        ]
        beside: dict[int, list[tuple[int, int, str]]] = {}  # row -> tall labels written on it
        vertical: list[str] = []
        for r, (row, cs) in enumerate(zip(block.rows, starts, strict=True)):
            if page_every and rows_written and rows_written % page_every == 0:
                out += ["", " " * 30 + page_number.format(page), "\f" + doc.meta.title]
                page += 1
            rows_written += 1
            cells = list(zip(row, cs, strict=True))
            if not any(cell.key for cell, _ in cells):
                out.extend(
                    _laid_out_header(
                        cells, label_x, value_x, widths, first_value, gap, heading_width
                    )
                )
                continue
            labels: list[tuple[int, int, str]] = []  # (x, width, text)
            for cell, c in cells:
                if cell.key or c >= first_value:
                    continue
                end = min(first_value, c + cell.colspan)
                width = sum(widths[c:end]) + 2 * (end - c - 1)
                if cell.rowspan > 1 and tall_labels == "vertical":
                    vertical.extend(_flat(cell.text))
                elif cell.rowspan > 1:
                    beside.setdefault(r + cell.rowspan // 2, []).append(
                        (label_x[c], width, _flat(cell.text))
                    )
                else:
                    labels.append((label_x[c], width, _flat(cell.text)))
            labels += beside.pop(r, [])
            pieces = [
                (x, [t[i : i + w] for i in range(0, len(t), w)] or [""]) for x, w, t in labels
            ]
            height = max((len(p) for _, p in pieces), default=1)
            at = {"first": 0, "middle": (height - 1) // 2, "last": height - 1}[numbers_on]
            for i in range(height):
                line = ""
                for x, p in sorted(pieces):
                    if i < len(p) and p[i]:
                        line = _put(line, x, p[i])
                if i == at:
                    for cell, c in cells:
                        if cell.key and _flat(cell.text):
                            text = _flat(cell.text)
                            line = _put(line, value_x[c - first_value] + gap - len(text), text)
                out.append(line)
                if vertical:
                    out.append(vertical.pop(0))
        out.extend(vertical)
    return "\n".join(out) + "\n"


def _laid_out_header(
    cells: list[tuple[GCell, int]],
    label_x: list[int],
    value_x: list[int],
    widths: list[int],
    first_value: int,
    gap: int,
    heading_width: int = 0,
) -> list[str]:
    """A header or title row laid out: a heading centred over the columns it spans (wrapped
    onto lines of `heading_width` characters where longer); a long text in the label columns
    (the 勾稽关系 note) wrapped there."""
    out: list[str] = []
    # (x, whether the text is centred on x, its lines): a label column's text starts at x
    placed: list[tuple[int, bool, list[str]]] = []
    for cell, c in cells:
        text = _flat(cell.text)
        if not text:
            continue
        if c < first_value:
            width = sum(widths) + 2 * (first_value - 1)
            if len(text) > width:
                out.extend("    " + text[i : i + width] for i in range(0, len(text), width))
            else:
                placed.append((label_x[c], False, [text]))
            continue
        end = min(len(value_x) - 1, c - first_value + cell.colspan - 1)
        centre = (value_x[c - first_value] + value_x[end]) // 2 + gap // 2
        step = heading_width or len(text)
        placed.append((centre, True, [text[i : i + step] for i in range(0, len(text), step)]))
    height = max((len(p) for _, _, p in placed), default=0)
    for i in range(height):
        line = ""
        for x, centred, pieces in placed:
            k = i - (height - len(pieces)) // 2
            if 0 <= k < len(pieces):
                line = _put(line, x - len(pieces[k]) // 2 if centred else x, pieces[k])
        if line:
            out.append(line)
    return out


def _rows_copy(doc: Document, join) -> str:
    m = doc.meta
    date = f"{m.date_label}：{m.published.isoformat()}" if m.date_place != "signoff" else ""
    out = [m.title, date or f"来源：{m.publisher}"]
    for block in doc.blocks:
        if isinstance(block, Para):
            if block.kind != "title":
                out.append(block.text)
            continue
        out.extend(join([_flat(c.text) for c in row]) for row in block.rows)
    return "\n".join(out) + "\n"


def tab_rows(doc: Document, rng: random.Random, *, trimmed: bool = True) -> str:
    """A browser's copy of the page: a table row a line, cells separated by TABs, the grid
    positions merged cells cover not written; `trimmed`, as an editor that strips trailing
    white space keeps it, a row loses its blank end cells."""
    return _rows_copy(doc, lambda cells: "\t".join(cells).rstrip() if trimmed else "\t".join(cells))


def spaced_rows(doc: Document, rng: random.Random) -> str:
    """A reader's plain-text copy: a table row a line, cells separated by two spaces; a blank
    cell leaves only spaces, so a row with blanks shows fewer cells than columns."""
    return _rows_copy(doc, lambda cells: "  ".join(cells).rstrip())


_SPACE_RUN = re.compile(r" {2,}(?=\S)")


def resaved(text: str, *, tab_stops: int = 0, ideographic: int = 0) -> str:
    """Laid-out text as an editor or a converter saves it: with `tab_stops`, runs of spaces
    that reach a stop every that many columns as TABs (`unexpand -a`); with `ideographic`, the
    runs of spaces left (two or more) as ideographic spaces (U+3000), each for that many
    spaces (1, or 2: its width on screen), an odd space left as it is."""
    out = []
    for line in text.split("\n"):
        if tab_stops:
            segments = [line[i : i + tab_stops] for i in range(0, len(line), tab_stops)]
            line = "".join(
                s.rstrip(" ") + "\t" if len(s) == tab_stops and s.endswith("  ") else s
                for s in segments
            )
        if ideographic:
            line = _SPACE_RUN.sub(
                lambda m: "\u3000" * (len(m[0]) // ideographic) + " " * (len(m[0]) % ideographic),
                line,
            )
        out.append(line)
    return "\n".join(out)


# --- copies made by everyday tools: a browser, Word, a WeChat article, a mail client ----------


def _break_inside(text: str, rng: random.Random, brk: str = "\n") -> str:
    """A long label or heading as a cell with a line break (<br>, a second paragraph) in it."""
    if len(text) < 8:
        return text
    k = rng.randrange(3, len(text) - 2)
    return text[:k] + brk + text[k:]


def browser_copy(doc: Document, rng: random.Random, *, browser: str = "firefox") -> str:
    """Select-all and copy of the page in a browser: a table row a line, cells separated by
    TABs, a merged cell one cell and the positions it covers nothing. A line break inside a
    label or heading cell (<br>) breaks the row's line there. Firefox drops the TABs of empty
    cells at a row's end; Chrome keeps them and writes an empty line after some rows."""

    def join(cells: list[str]) -> str:
        cells = [
            c if _FIGURE.fullmatch(c) or rng.random() >= 0.3 else _break_inside(c, rng)
            for c in cells
        ]
        line = "\t".join(cells)
        if browser == "firefox":
            return line.rstrip("\t")
        return line + ("\n" if rng.random() < 0.3 else "")

    return _rows_copy(doc, join)


_FIGURE = re.compile(r"[-+]?[\d.,]*")


def word_plain_text(doc: Document, rng: random.Random) -> str:
    """Word's 'save as plain text' of the report: each table row a line of TAB-separated
    cells, CRLF line ends; a cell merged across is one cell, a cell merged down writes an
    empty cell in each row under it (Word keeps the merged-on cells as cells of their own); a
    cell with two paragraphs writes them on two lines."""
    m = doc.meta
    lines = [m.title, f"{m.date_label}：{m.published.isoformat()}"]
    for block in doc.blocks:
        if isinstance(block, Para):
            if block.kind != "title":
                lines.append(block.text)
            continue
        merged_down: dict[int, int] = {}  # start column -> last row it covers
        for r, (row, starts) in enumerate(zip(block.rows, _columns(block), strict=True)):
            by_start = dict(zip(starts, row, strict=True))
            cells = []
            for c in range(block.width):
                if c in by_start:
                    cell = by_start[c]
                    text = _flat(cell.text)
                    if cell.key is None and rng.random() < 0.25:
                        text = _break_inside(text, rng, "\r\n")
                    cells.append(text)
                    if cell.rowspan > 1:
                        merged_down[c] = r + cell.rowspan - 1
                elif merged_down.get(c, -1) >= r:
                    cells.append("")
            lines.append("\t".join(cells))
    return "\r\n".join(lines) + "\r\n"


#: characters an editor leaves inside words that nobody sees: zero-width space, non-joiner,
#: the byte-order mark as a zero-width no-break space, a soft hyphen, a word joiner
INVISIBLE = ("\u200b", "\u200c", "\ufeff", "\u00ad", "\u2060")
_DECORATIONS = ("▲", "▲点击上方蓝字关注我们", "👇👇👇", "🔥重点来了", "—— END ——")


def wechat_article(doc: Document, rng: random.Random) -> str:
    """A copy of a WeChat public-account article: every cell a line of its own (no bars, no
    TABs), emoji and ▲ decoration lines around and between rows, and the editor's invisible
    characters inside labels and numbers (1\u200b2 shows as 12: it is one cell's)."""
    lines = ["👆点击蓝字 关注我们", doc.meta.title, "▲"]
    for block in doc.blocks:
        if isinstance(block, Para):
            if block.kind != "title":
                lines.append(("📌" if rng.random() < 0.3 else "") + block.text)
            continue
        for row in block.rows:
            for cell in row:
                text = _flat(cell.text)
                if text and rng.random() < 0.3:
                    k = rng.randrange(0, len(text) + 1)
                    text = text[:k] + rng.choice(INVISIBLE) + text[k:]
                lines.append(text)
            if rng.random() < 0.05:
                lines.append(rng.choice(_DECORATIONS))
    lines += ["▲", "—— END ——", "长按识别二维码关注"]
    return "\n".join(lines) + "\n"


def separated_rows(doc: Document, rng: random.Random, *, separator: str) -> str:
    """A copy whose cells are separated only by `separator` (ideographic or no-break spaces):
    a blank cell leaves two separators side by side."""
    return _rows_copy(doc, lambda cells: separator.join(cells).rstrip())


def _screen_width(char: str) -> int:
    return 2 if "\u1100" <= char and unicodedata.east_asian_width(char) in "WF" else 1


def wrapped(text: str, width: int, *, at: str = "terminal") -> str:
    """`text` with its lines broken at `width` screen columns (a Chinese character two, a TAB
    to the next stop of 8): a terminal breaks at the last character that fits, inside a word
    or a number; a mail client (`at="mail"`) at the last space or TAB before it, the break's
    white space dropped."""
    out = []
    for line in text.split("\n"):
        while True:
            column = k = 0
            while k < len(line):
                step = 8 - column % 8 if line[k] == "\t" else _screen_width(line[k])
                if column + step > width:
                    break
                column += step
                k += 1
            if k >= len(line) or k == 0:
                out.append(line)
                break
            if at == "mail":
                space = max(line.rfind(" ", 0, k), line.rfind("\t", 0, k))
                k = space if space > 0 else k
                out.append(line[:k])
                line = line[k:].lstrip(" \t")
            else:
                out.append(line[:k])
                line = line[k:]
    return "\n".join(out)


def vertical_labels(doc: Document, rng: random.Random, *, headers: bool = False) -> str:
    """Text of a page whose row labels (and, with `headers`, header cells) are set vertically:
    one character a line, the row's numbers on a line after them, separated by TABs or
    spaces."""
    m = doc.meta
    lines = [m.title, f"{m.date_label}：{m.published.isoformat()}"]
    separator = rng.choice(["\t", "  ", " "])
    for block in doc.blocks:
        if isinstance(block, Para):
            if block.kind != "title":
                lines.append(block.text)
            continue
        for row in block.rows:
            words = [_flat(c.text) for c in row if c.key is None]
            values = [_flat(c.text) for c in row if c.key is not None]
            if values or headers:
                lines.extend(char for word in words for char in word)
                if values:
                    lines.append(separator.join(values))
            else:
                lines.append(separator.join(words))
    return "\n".join(lines) + "\n"
