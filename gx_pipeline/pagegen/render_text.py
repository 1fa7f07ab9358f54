"""Text renderings of a `Document`: the forms in which copied or extracted pages arrive.

- `pipe_rows`: the seed's text copy: one line per table row, `text |` per cell, the grid
  positions covered by merged cells as bare `|` fillers at the end of the line (none on the
  last row of a table).
- `cell_lines`: one cell per line (`x |`, a lone `|` for an empty cell, a filler line `||`
  after a row with covered positions), like realdev 102/116.
- `blank_lines`: one cell per line without pipes, blocks separated by blank lines, like
  realdev 101/108; a blank cell cannot be drawn here, so styles give it a visible marker.
- `flipbook`: PDF/flipbook text: column headers broken one character per line, a data row as
  one whitespace-separated line, page numbers between pages.
"""

from __future__ import annotations

import random

from gx_pipeline.pagegen.layout import Document, GCell, Para, Table
from gx_pipeline.pagegen.metadata import PageMeta


def _flat(text: str) -> str:
    return text.replace("\n", "").replace("\u00a0", " ").strip()


def _date_line(m: PageMeta) -> str:
    return f"{m.date_label}: {m.published.isoformat()} " if m.date_place != "signoff" else ""


def _covered(table: Table, row: tuple[GCell, ...]) -> int:
    return max(0, table.width - len(row))


def pipe_row(table: Table, row: tuple[GCell, ...], last: bool) -> str:
    line = " ".join(f"{_flat(c.text)} |" if _flat(c.text) else "|" for c in row)
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
            lines.extend(f"{_flat(c.text)} |" if _flat(c.text) else "|" for c in row)
            n = _covered(block, row)
            if n and i < len(block.rows) - 1:
                lines.append("|" * n)
    return "\n".join(lines)


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


def _grid(table: Table, repeat: bool) -> list[list[str]]:
    """The table's grid of positions: a merged cell's text at its first position and, with
    `repeat`, again at every position it covers; blank there otherwise."""
    grid = [[""] * table.width for _ in table.rows]
    taken: set[tuple[int, int]] = set()
    for r, row in enumerate(table.rows):
        c = 0
        for cell in row:
            while (r, c) in taken:
                c += 1
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    taken.add((r + dr, c + dc))
                    if r + dr < len(grid) and c + dc < table.width and (repeat or not dr + dc):
                        grid[r + dr][c + dc] = _flat(cell.text)
            c += cell.colspan
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
