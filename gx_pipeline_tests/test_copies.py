"""Text copies made by tools (web archives, reader mode, PDF-to-Markdown converters, pdftotext and
OCR, pages under a wrong charset): each page of fixtures/copies read against its truth.

A cell the truth leaves out (its column cannot be known from the copy) must not come back as a
number; a page the truth expects to need review must say so."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gx_pipeline.parsing import parse_file
from gx_pipeline.trust import assess
from gx_pipeline_tests.truth_pages import assert_reads_like_its_truth

COPIES = Path(__file__).parent / "fixtures" / "copies"
PAGES = sorted(
    p
    for p in COPIES.rglob("*")
    if p.suffix in (".txt", ".md", ".html")
    and p.with_suffix(".json").exists()
    and p.parent.name != "unforeseen"
)
UNFORESEEN = sorted(p for p in (COPIES / "unforeseen").iterdir() if p.suffix != ".json")


def _truth(page: Path) -> dict:
    return json.loads(page.with_suffix(".json").read_text("utf-8"))


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.stem)
def test_copy_reads_exactly_and_guesses_no_number(page: Path):
    got, truth = assert_reads_like_its_truth(page, null_extras=True)
    for flag in truth.get("expect_flags", ()):
        assert any(p.startswith(flag) for p in got.problems), flag
    if "expect_trust" in truth:
        assert assess(got).status == truth["expect_trust"], assess(got).reasons


def test_the_families_each_have_several_pages():
    families = {p.parent.name for p in PAGES}
    for family in ("sepline", "barend", "merged", "mdpdf", "layout"):
        assert family in families
        assert sum(1 for p in PAGES if p.parent.name == family) >= 3, family


def test_a_separator_line_is_not_a_blank_cell():
    page = COPIES / "sepline" / "sep_02_reader_mode_separator_after_last_2019.txt"
    text = page.read_text("utf-8")
    assert "规章\n|\n" in text  # the dialect: cells on lines of their own, bars between them
    got = {(c.row, c.col): c.value for c in parse_file(page).cells if c.section == "proactive"}
    expected = {
        (c["row"], c["col"]): c["value"]
        for c in _truth(page)["cells"]
        if c["section"] == "proactive"
    }
    assert got == expected
    assert None not in got.values()  # every cell of this page holds a number


@pytest.mark.parametrize("page", UNFORESEEN, ids=lambda p: p.stem)
def test_a_form_not_designed_for_gives_nulls_and_needs_review_never_a_wrong_number(page: Path):
    truth = _truth(page)
    got = parse_file(page)
    values = {(c.section, c.row, c.col): c.value for c in got.cells}
    expected = {(c["section"], c["row"], c["col"]): c["value"] for c in truth["cells"]}
    wrong = {
        k: (v, values[k])
        for k, v in expected.items()
        if values.get(k) is not None and values[k] != v
    }
    assert wrong == {}
    assert {k: v for k, v in values.items() if k not in expected and v is not None} == {}
    missed = [k for k, v in expected.items() if values.get(k) is None and v is not None]
    missed += [k for k in expected if k not in values]
    if missed:
        assert assess(got).status == "needs_review"
    if assess(got).status == "clean":
        for field in ("agency", "year", "published", "template"):
            assert getattr(got, field) == truth[field], field
