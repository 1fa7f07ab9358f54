"""Families whose requests tables read numbers wrong under a flag (a flag does not make a
wrong number right): a 小计 column the template lacks beside 自然人 drawn two columns wide,
copied as Markdown; a table drawing only some applicant columns with a 备注 of numbers after
总计, copied as Markdown; the same table with a blank cell before each row's values, copied
by a browser or as TAB rows with empty end cells trimmed. Each drawn over several pages and
both format versions; no number may be read wrong, and a number not read is flagged."""

from __future__ import annotations

import random

import pytest

from gx_pipeline.pagegen import render_text
from gx_pipeline.parsing import parse_bytes
from gx_pipeline_tests import stacked_hazards as S
from gx_pipeline_tests import test_condensed_applicants as CA
from gx_pipeline_tests.test_generated_hazards import FORMATS, _document
from gx_pipeline_tests.test_header_columns import COPIES, SUBS, _flagged, _judged


def _outcome(got, truth: dict) -> tuple[dict, dict]:
    wrong, missing = _judged(got, truth)
    missing = {k: v for k, v in missing.items() if v is not None}
    return wrong, missing


@pytest.mark.parametrize("rendering", ("md-repeat", "md-blank", "pipe", "tabs"))
def test_a_subtotal_column_beside_natural_person_two_wide_reads_no_value_a_column_off(
    rendering: str,
):
    """自然人 drawn two columns wide (a span, or an empty heading cell beside it) and a 小计
    after the group's five: a Markdown copy of the whole grid writes 自然人 | 自然人 (or
    自然人 | 空) in the header and each row's cell under the second, a copy or a blank. The
    second position was judged only where the seven headings stand together, not with the
    小计 among them, and each value after 自然人 was read a column right (74 cells of 40
    md-repeat pages, wrong with a flag). The copy under the doubled heading is left out
    where the 小计 stands among the headings too; a row of more cells than the header's
    columns with a figure past them (自然人 | 空) gives none."""
    for k in range(10):
        rng = random.Random(f"subtotal-two-wide:{rendering}:{k}")
        template, year = rng.choice(FORMATS)
        pair = ("小计 column", "自然人 two wide")
        got, doc, values = _stacked(rng, template, year, pair, rendering)
        outcome, wrong, _ = S.judge(got, doc, values)
        assert outcome in ("right", "withheld+flag"), (k, template, sorted(wrong.items())[:4])


def _stacked(rng: random.Random, template: str, year: int, names: tuple, rendering: str):
    data, name, doc, values = S.stacked_page(rng, template, year, names, rendering)
    return parse_bytes(data, name), doc, values


def _read(doc, rendering: str, rng: random.Random):
    renderings = {
        **COPIES,
        "tabs-trimmed": lambda doc, rng: (render_text.tab_rows(doc, rng), ".txt"),
        "firefox": lambda doc, rng: (render_text.browser_copy(doc, rng), ".txt"),
    }
    text, ext = renderings[rendering](doc, rng)
    return parse_bytes(text.encode("utf-8"), f"page{ext}")


@pytest.mark.parametrize("grouped", (True, False), ids=("grouped", "flat"))
def test_numbers_after_total_beside_kept_columns_in_a_markdown_grid_are_read_under_headings(
    grouped: bool,
):
    """A table drawing only some applicant columns and a 备注 of numbers after 总计, copied as
    a Markdown grid whose merged cells leave their covered positions blank: a row under a
    label merged across has those blanks in front of its values. With 备注's cells left out,
    the rows were measured by the template's seven and one blank taken for 自然人's cell:
    each value a column right (自然人's under 商业企业; 23 cells of 40 grouped pages). The
    header names the columns and 总计 last: a row whose 总计 is written stands in them, the
    blanks before are its label's, and each value is read under its heading."""
    rng = random.Random(f"condensed-remarks-md-blank-{grouped}")
    read = 0
    for k in range(40):
        template, year = rng.choice(FORMATS)
        doc, values = _document(rng, template, year)
        kept = tuple(h for h in SUBS if rng.random() < 0.4)[:4] or (rng.choice(SUBS),)
        shaped = CA._remarks_with_numbers(rng)
        doc, truth = CA._condensed_page(doc, values, kept, grouped, shaped)
        got = _read(doc, "md-blank", rng)
        wrong, missing = _outcome(got, truth)
        assert not wrong, (k, template, year, kept, sorted(wrong.items())[:4])
        assert _flagged(got), (kept, got.problems)  # the columns left out are not on the page
        read += sum(1 for key, v in truth.items() if v is not None and key not in missing)
    assert read > 0


@pytest.mark.parametrize("rendering", ("tabs-trimmed", "firefox"))
@pytest.mark.parametrize("grouped", (True, False), ids=("grouped", "flat"))
def test_a_row_trimmed_of_its_blank_total_beside_rows_read_from_their_end_gives_no_value(
    rendering: str, grouped: bool
):
    """A table drawing only some applicant columns and a blank cell before each row's values,
    copied as TAB rows whose empty end cells are trimmed (a browser's copy): a row whose 总计
    is blank lost it and shows as many cells as the columns, its first the blank before the
    values. Beside the rows read from their end (longer, ending in a number), it was read
    from its first cell: each value a column left, 商业企业's 0 under 总计 (7 to 20 cells of
    40 pages a copy). Such a row tells no place: the rows are not read by their ends."""
    for k in range(24):
        rng = random.Random(f"condensed-blank-before-trimmed:{rendering}:{grouped}:{k}")
        template, year = rng.choice(FORMATS)
        doc, values = _document(rng, template, year)
        kept = tuple(h for h in SUBS if rng.random() < 0.4)[:4] or (rng.choice(SUBS),)
        doc, truth = CA._condensed_page(doc, values, kept, grouped, CA._blank_before_values)
        got = _read(doc, rendering, rng)
        wrong, _ = _outcome(got, truth)
        assert not wrong, (k, template, year, kept, sorted(wrong.items())[:4])
        assert _flagged(got), (kept, got.problems)
