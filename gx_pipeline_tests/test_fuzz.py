"""Property and fuzz tests of the parser.

- Round trip: random report values, drawn into a page by the page generator's renderers, parse
  back exactly (every cell the page shows), in every style that does not lose data.
- Robustness: mutated, truncated, binary, empty and huge inputs never raise anything but
  `ParseError`; whatever comes back is a well-formed Report in the contract's codes.

Hypothesis runs derandomized (the same examples every run) with no deadline.
"""

from __future__ import annotations

import json
import random
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gx_pipeline import contract
from gx_pipeline.pagegen import STYLES, make_page, render_html, render_text
from gx_pipeline.pagegen.layout import (
    LayoutOptions,
    ValueFormat,
    build_document,
    keyed_cells,
    section_tables,
)
from gx_pipeline.pagegen.metadata import make_meta
from gx_pipeline.pagegen.values import BLANK_MODES
from gx_pipeline.parsing import ParseError, parse_bytes
from gx_pipeline.report import Report

FIXTURES = Path(__file__).parent / "fixtures"
FUZZ = settings(
    derandomize=True,
    deadline=None,
    max_examples=120,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    database=None,
)

#: styles whose page keeps every truth cell (truncated and images lose data on purpose)
LOSSLESS = tuple(s for s in STYLES if s not in ("truncated", "images"))
#: (template, report year): late adopters keep the 2019 format after 2020
FORMATS = (
    ("2019", 2019),
    ("2019", 2020),
    ("2019", 2022),
    ("2019", 2024),
    ("2021", 2021),
    ("2021", 2023),
    ("2021", 2025),
)


def _values(report: Report) -> dict[tuple[str, str, str], object]:
    return {(c.section, c.row, c.col): c.value for c in report.cells}


def _assert_well_formed(report: Report) -> None:
    """A Report in the contract's codes that serialises to JSON."""
    assert isinstance(report, Report)
    json.dumps(report.to_json(), ensure_ascii=False)
    assert report.template in (None, *contract.TEMPLATES)
    assert all(isinstance(p, str) and p for p in report.problems)
    if report.template is not None:
        allowed = {
            (s, r.code, c.code)
            for s in contract.SECTIONS
            for r in contract.rows(report.template, s)
            for c in r.columns
        }
        for c in report.cells:
            assert (c.section, c.row, c.col) in allowed, c
    for c in report.cells:
        assert c.value is None or isinstance(c.value, (int, float)), c
    keys = [(c.section, c.row, c.col) for c in report.cells]
    assert len(keys) == len(set(keys)), "a cell emitted twice"


# --- round trip: the page generator's own pages --------------------------------------------------


@FUZZ
@given(
    seed=st.integers(0, 2**32 - 1),
    style=st.sampled_from(LOSSLESS),
    fmt=st.sampled_from(FORMATS),
    blank_mode=st.sampled_from(BLANK_MODES),
)
def test_generated_pages_of_every_lossless_style_parse_back_exactly(seed, style, fmt, blank_mode):
    template, year = fmt
    page = make_page(
        random.Random(seed),
        index=seed % 10_000,
        style=style,
        year=year,
        template=template,
        blank_mode=blank_mode,
    )
    got = parse_bytes(page.data, page.truth.source)
    assert got.template == page.truth.template
    values = _values(got)
    wrong = {
        (c.section, c.row, c.col): (c.value, values.get((c.section, c.row, c.col), "MISSING"))
        for c in page.truth.cells
        if values.get((c.section, c.row, c.col), "MISSING") != c.value
    }
    assert not wrong, f"{page.truth.defects}: (truth, parsed) {wrong}"
    assert got.year == page.truth.year
    assert got.agency == page.truth.agency


# --- round trip: arbitrary numbers for every template cell ------------------------------------------


def _keys(template: str) -> list[tuple[str, str, str]]:
    return [
        (s, r.code, c.code)
        for s in contract.SECTIONS
        for r in contract.rows(template, s)
        for c in r.columns
    ]


def _value_strategy(key: tuple[str, str, str]):
    if key in contract.AMOUNT_CELLS:
        # 万元 with up to two decimals; whole amounts stay int as the parser returns them
        return st.integers(0, 10**8).map(lambda c: c // 100 if c % 100 == 0 else c / 100)
    if key[2] in contract.SIGNED_COLUMNS:
        return st.integers(-9999, 9999)
    return st.one_of(st.integers(0, 999), st.integers(0, 10**6), st.none())


_RENDERERS = {
    "trs": lambda doc, rng: render_html.trs_page(doc, rng).encode("utf-8"),
    "trs-nospan-gbk": lambda doc, rng: render_html.trs_page(doc, rng, spans=False).encode("gbk"),
    "simple-gb18030-no-meta": lambda doc, rng: render_html.simple_page(
        doc, rng, meta_charset=None
    ).encode("gb18030"),
    "word": lambda doc, rng: render_html.word_page(doc).encode("utf-8"),
    "pipe": lambda doc, rng: render_text.pipe_rows(doc, rng).encode("utf-8"),
    "celllines": lambda doc, rng: render_text.cell_lines(doc, rng).encode("utf-8"),
    "blanklines": lambda doc, rng: render_text.blank_lines(doc, rng).encode("utf-8"),
    "flipbook": lambda doc, rng: render_text.flipbook(doc, rng).encode("utf-8"),
}


@st.composite
def _reports(draw):
    template, year = draw(st.sampled_from(FORMATS))
    keys = _keys(template)
    values = dict(zip(keys, draw(st.tuples(*(_value_strategy(k) for k in keys))), strict=True))
    return template, year, values


@FUZZ
@given(
    report=_reports(),
    renderer=st.sampled_from(sorted(_RENDERERS)),
    layout=st.sampled_from(("plain", "split", "onetable")),
    seed=st.integers(0, 2**16),
)
def test_random_numbers_in_every_template_cell_parse_back_exactly(report, renderer, layout, seed):
    template, year, values = report
    rng = random.Random(seed)
    opts = LayoutOptions(template=template, year=year, fmt=ValueFormat(null_text="—"))
    tables = section_tables(opts, values, split_proactive=layout == "split")
    doc = build_document(rng, make_meta(rng, year), tables, values, one_table=layout == "onetable")
    data = _RENDERERS[renderer](doc, rng)
    got = parse_bytes(data, f"random.{renderer}")
    assert got.template == template
    parsed = _values(got)
    shown = [key for key, _ in keyed_cells(doc)]
    assert len(shown) >= 40
    wrong = {
        k: (values[k], parsed.get(k, "MISSING"))
        for k in shown
        if parsed.get(k, "MISSING") != values[k]
    }
    assert not wrong, f"(written, parsed) {wrong}"
    assert all(got.complete.values()), got.complete


# --- robustness: mutated pages ---------------------------------------------------------------------


def _bases() -> list[bytes]:
    pages = [
        (FIXTURES / "seed" / "000_1722c90fa512988b.txt").read_bytes(),
        (FIXTURES / "seed" / "000_1722c90fa512988b.html").read_bytes(),
        (FIXTURES / "realdev" / "pages" / "113_xian_lintong_qinling_2022.txt").read_bytes(),
    ]
    hazards = FIXTURES / "hazards"
    for name in (
        "flipbook_text.txt",
        "word_exported_html.html",
        "traditional_chinese_mirror.html",
        "no_rowspan_colspan.html",
    ):
        pages.append((hazards / name).read_bytes())
    for style in ("trs", "celllines", "onetable"):
        pages.append(
            make_page(random.Random(7), index=1, style=style, year=2021, template="2021").data
        )
    return pages


BASES = _bases()
_INSERTS = (
    b"<td>",
    b"</td>",
    b"</table>",
    b"<table>",
    b"<tr>",
    b"</tr>",
    b"|",
    b"||||",
    b"\x00",
    b"\n",
    b'<td colspan="99999">',
    b'<td rowspan="-3">',
    b"&nbsp;",
    b"<!--",
    b"<br>",
    b"\xff\xfe",
    "（六）其他处理".encode(),
    "（七）总计".encode(),
    b"-417",
    "三、收到和处理政府信息公开申请情况\n".encode(),
    b"]]>",
    b"<![CDATA[",
    b"\r",
)

_mutation = st.one_of(
    st.tuples(st.just("flip"), st.floats(0, 1), st.integers(0, 255)),
    st.tuples(st.just("delete"), st.floats(0, 1), st.integers(1, 400)),
    st.tuples(st.just("insert"), st.floats(0, 1), st.sampled_from(_INSERTS)),
    st.tuples(st.just("truncate"), st.floats(0, 1), st.none()),
    st.tuples(st.just("duplicate"), st.floats(0, 1), st.integers(1, 3000)),
    st.tuples(st.just("junk"), st.floats(0, 1), st.binary(min_size=1, max_size=64)),
)


def _mutate(data: bytes, mutations) -> bytes:
    buf = bytearray(data)
    for kind, where, arg in mutations:
        i = int(where * len(buf)) if buf else 0
        if kind == "flip" and buf:
            buf[min(i, len(buf) - 1)] ^= arg or 1
        elif kind == "delete":
            del buf[i : i + arg]
        elif kind in ("insert", "junk"):
            buf[i:i] = arg
        elif kind == "truncate":
            del buf[i:]
        elif kind == "duplicate":
            buf[i:i] = buf[i : i + arg]
    return bytes(buf)


def _parse_or_parse_error(data: bytes, source: str) -> Report | None:
    try:
        report = parse_bytes(data, source)
    except ParseError as exc:
        assert exc.source == source and exc.reason
        return None
    _assert_well_formed(report)
    return report


@FUZZ
@given(
    base=st.sampled_from(range(len(BASES))),
    mutations=st.lists(_mutation, min_size=1, max_size=8),
)
def test_mutated_pages_give_a_report_or_a_parse_error_and_nothing_else(base, mutations):
    _parse_or_parse_error(_mutate(BASES[base], mutations), f"mutated-{base}.html")


@settings(derandomize=True, deadline=None, max_examples=80, database=None)
@given(st.binary(max_size=4096))
def test_binary_junk_gives_a_report_or_a_parse_error(data):
    _parse_or_parse_error(data, "junk.bin")


@settings(derandomize=True, deadline=None, max_examples=80, database=None)
@given(st.text(max_size=2000))
def test_arbitrary_text_gives_a_report_or_a_parse_error(text):
    _parse_or_parse_error(text.encode("utf-8", errors="surrogatepass"), "text.txt")


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b" ",
        b"\n\n",
        b"\x00",
        b"\xef\xbb\xbf",
        b"<html></html>",
        b"<table></table>",
        b"|",
        "　".encode(),
    ],
)
def test_empty_and_near_empty_inputs(data):
    _parse_or_parse_error(data, "empty.html")


@pytest.mark.parametrize("k", range(0, 100, 7))
def test_every_truncation_point_of_the_seed_page(k):
    data = (FIXTURES / "seed" / "000_1722c90fa512988b.html").read_bytes()
    cut = data[: len(data) * k // 100]
    report = _parse_or_parse_error(cut, "seed-cut.html")
    if report is not None and report.template is not None:
        assert not all(report.complete.values()) or k == 0 or len(cut) == len(data)


# --- robustness: huge pages -----------------------------------------------------------------------


def _timed(data: bytes, source: str) -> tuple[Report | None, float]:
    start = time.perf_counter()
    report = _parse_or_parse_error(data, source)
    elapsed = time.perf_counter() - start
    print(f"{source}: {len(data) / 1e6:.1f} MB parsed in {elapsed:.2f} s")
    return report, elapsed


def test_huge_html_page_of_repeated_table_rows_finishes():
    seed = (FIXTURES / "seed" / "000_1722c90fa512988b.html").read_bytes().decode("gb18030")
    start = seed.index("<tr>")
    end = seed.index("</table>", start)
    rows = seed[start:end]
    body = rows * (8_000_000 // len(rows.encode("utf-8")))
    page = seed[:start] + body + seed[end:]
    report, elapsed = _timed(page.encode("utf-8"), "huge-rows.html")
    assert elapsed < 120
    assert report is not None


def test_huge_text_copy_of_repeated_pipe_rows_finishes():
    seed = (FIXTURES / "seed" / "000_1722c90fa512988b.txt").read_bytes()
    data = seed * (6_000_000 // len(seed))
    _, elapsed = _timed(data, "huge-rows.txt")
    assert elapsed < 120


def _nested(depth: int) -> bytes:
    seed = (FIXTURES / "seed" / "000_1722c90fa512988b.html").read_bytes().decode("gb18030")
    i = seed.index("<body>") + len("<body>")
    close = "</div>" * depth + "</body>"
    return (seed[:i] + "<div>" * depth + seed[i:].replace("</body>", close)).encode("utf-8")


def test_divs_nested_5000_deep_finish():
    _, elapsed = _timed(_nested(5000), "nested-divs.html")
    assert elapsed < 120


@pytest.mark.parametrize("depth", [300, 5000])
def test_report_inside_divs_nested_deeper_than_libxml2s_limit_is_still_read(depth):
    # libxml2 stops building the tree at depth 256 unless told otherwise; the report is there
    report = parse_bytes(_nested(depth), "nested-divs.html")
    assert report.agency == "襄都区科技和工业信息化局"
    assert len(report.cells) == 198
    assert _values(report)[("proactive", "procurement", "amount")] == 422


def test_one_enormous_line_without_breaks_finishes():
    data = ("规章 | 0 | " * 400_000).encode("utf-8")
    _, elapsed = _timed(data, "one-line.txt")
    assert elapsed < 120


@pytest.mark.parametrize(
    "words",
    [
        "本年度新收政府信息公开申请",  # the report's words, no year
        "2021年度本年度新收政府信息公开申请",  # with a year every few words
        "XX区人民政府政府信息公开工作年度报告",  # a title's words without its year
    ],
)
def test_a_page_of_report_words_in_one_line_without_punctuation_finishes(words):
    """A page whose text is one run of report words with no space or punctuation (a text layer
    with its breaks lost): the title search scanned from every character to the line's end,
    minutes for 120,000 characters (hours for a page near the cap)."""
    data = (words * (120_000 // len(words))).encode("utf-8")
    _, elapsed = _timed(data, "one-run.txt")
    assert elapsed < 60
