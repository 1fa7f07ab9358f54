"""A flipbook's table row as one line of text: values apart by spaces, its label in front or
not. A line of one piece (prose, a label, a heading, a number) is no such row, whatever
characters it is written in; a line of pieces is read into its label and values, its digits
made ASCII a piece at a time (a footnote's mark after a number is no digit of it)."""

from __future__ import annotations

import random

from gx_pipeline.parsing.tokens import _flat_row

#: one-piece lines: words, a heading with full-width punctuation, full-width digits, a year,
#: a number with a footnote's mark, a circled number, a ligature NFKC spells out
ONE_PIECE = [
    "法规", "规章", "一、总体情况", "（一）主动公开情况", "２０２３", "2023", "3①", "12¹",
    "①", "ﬁ", "本机关：", "单位：件", "总计",
]  # fmt: skip
LABELS = ["规章", "规范性文件", "行政许可", "行政处罚"]


def test_a_line_of_one_piece_is_no_flat_row() -> None:
    rng = random.Random("one-piece")
    for _ in range(200):
        line = "".join(rng.choice(ONE_PIECE) for _ in range(rng.randint(1, 3)))
        assert _flat_row(line) is None, line


def test_a_line_of_pieces_is_read_into_its_label_and_values() -> None:
    rng = random.Random("pieces")
    wide = str.maketrans("0123456789", "０１２３４５６７８９")
    for _ in range(200):
        label = rng.choice(LABELS)
        values = [str(rng.randint(0, 999)) for _ in range(rng.randint(2, 4))]
        written = [v.translate(wide) if rng.random() < 0.3 else v for v in values]
        if rng.random() < 0.3:
            # a footnote's mark: no digit of the number. The piece is left as it is written
            # (NFKC would make ① a digit of it), for the value reader to take the mark off
            written[-1] += "①"
            values[-1] = written[-1]
        spaces = rng.choice([" ", "  ", "\u3000", " \u3000 "])
        assert _flat_row(spaces.join([label, *written])) == (label, values)
