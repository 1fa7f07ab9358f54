"""Headers written a character a line, read across.

A table's narrow columns (section 四's fifteen outcome columns, section 三's applicant columns)
wrap their headings one or two characters a line. A PDF without ruled cells, and a text copy
of such a table, give the header as lines across the columns: the first line holds the first
piece of every column's heading, the next line the next piece, and so on (结 结 其 尚 总 /
果 果 他 未 计 / 维 纠 结 审 / 持 正 果 结). A shorter heading (总计) ends early, or stands
centred, or at the bottom, so a line may hold fewer pieces than there are columns, and which
column a short line leaves out the line does not say; where the table's groups stand at
different heights (行政复议's headings under its caption, 行政诉讼's under two captions), one
line holds the pieces of several groups.

The header is read by every reading of its lines: each line's pieces put, in their order, in
columns left to right, each column's pieces on lines one after another, each column spelling
a heading, each group of columns naming its headings once. The order of the headings is taken
only where every such reading gives the same one; a heading misread (维特) spells none, so no
reading takes it, and a header no reading fits is not read.
"""

from __future__ import annotations

from collections.abc import Sequence

#: readings looked at before giving up (a header of fifteen columns is read in a few thousand
#: steps; one that takes more is not read)
_STEPS = 200_000


class _TooMany(Exception):
    pass


def read_across(
    lines: Sequence[Sequence[str]],
    headings: Sequence[str],
    columns: int,
    group: int,
    any_order: bool = False,
) -> list[tuple[str, ...]]:
    """The orders of `columns` headings that the header's `lines` (each line's pieces, left to
    right) spell read down the columns, each group of `group` columns naming each of its
    headings at most once. A column may take nothing on a line between two of its pieces (a
    PDF splits a line of the header where its groups stand at slightly different heights).
    At most two orders are looked for (two: the header does not tell); none where none fits
    or the readings are too many to look at. `any_order`: each column's pieces spell its
    heading with their characters in any order (a PDF's lines run together, each column's
    characters interleaved by where they stand: 科机构研)."""
    key = _characters if any_order else _as_written
    prefixes = {key(part) for h in headings for part in (_subsets(h) if any_order else _heads(h))}
    whole = {key(h): h for h in headings}
    text = [""] * columns
    found: dict[tuple[str, ...], None] = {}
    steps = [0]

    def place(i: int, p: int, c: int) -> None:
        steps[0] += 1
        if steps[0] > _STEPS:
            raise _TooMany
        if i == len(lines):
            if not all(key(t) in whole for t in text):
                return
            order = tuple(whole[key(t)] for t in text)
            if all(len(set(order[k : k + group])) == group for k in range(0, columns, group)):
                found.setdefault(order)
            return
        pieces = lines[i]
        if p == len(pieces):
            place(i + 1, 0, 0)
            return
        # each piece of a line in a column right of the line's piece before it
        for k in range(c, columns - (len(pieces) - p) + 1):
            was = text[k]
            if key(was + pieces[p]) not in prefixes:
                continue
            text[k] = was + pieces[p]
            place(i, p + 1, k + 1)
            text[k] = was
            if len(found) > 1:
                return

    try:
        place(0, 0, 0)
    except _TooMany:
        return []
    return list(found)


def _as_written(text: str) -> str:
    return text


def _characters(text: str) -> str:
    return "".join(sorted(text))


def _heads(heading: str) -> list[str]:
    return [heading[:k] for k in range(1, len(heading) + 1)]


def _subsets(heading: str) -> set[str]:
    """Every choice of the heading's characters (a column's pieces read so far, in any
    order): a heading has at most a few characters."""
    return {
        "".join(c for k, c in enumerate(heading) if mask >> k & 1)
        for mask in range(1, 1 << len(heading))
    }
