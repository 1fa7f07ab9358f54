"""The trust status: clean only when nothing about the report needs a person's eyes; every
parsed report carries one (`gx parse` writes it on every line)."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from gx_pipeline import cli, trust
from gx_pipeline.parsing import parse_bytes, parse_file
from gx_pipeline.parsing.problems import CODES
from gx_pipeline.report import Cell
from gx_pipeline.trust import REASONS, assess
from gx_pipeline_tests.conftest import SEED


def _seed():
    return parse_file(SEED)


def test_a_report_that_contradicts_itself_needs_review():
    report = _seed()
    cells = tuple(
        c._replace(value=5.0)
        if (c.section, c.row, c.col) == ("requests", "carried_forward", "total")
        else c
        for c in report.cells
    )
    verdict = trust.assess(report.__class__(**{**report.__dict__, "cells": cells}))
    assert verdict.status == trust.NEEDS_REVIEW
    assert trust.IDENTITY_FAILS in verdict.reasons


def test_a_report_filed_under_another_year_needs_review():
    report = _seed()
    assert report.year == 2020
    assert trust.YEAR_MISMATCH not in trust.assess(report, folder_year=2020).reasons
    assert trust.YEAR_MISMATCH in trust.assess(report, folder_year=2021).reasons


def test_the_readers_flags_are_reasons_once_each_in_order():
    report = _seed()
    flagged = report.__class__(
        **{**report.__dict__, "flags": ("positional_row", "fuzzy_label", "positional_row")}
    )
    verdict = trust.assess(flagged, folder_year=2021)
    assert verdict.status == trust.NEEDS_REVIEW
    assert verdict.reasons[:3] == ("positional_row", "fuzzy_label", trust.YEAR_MISMATCH)


FIXTURES = Path(__file__).parent / "fixtures"
SEED_TXT = FIXTURES / "seed" / "000_1722c90fa512988b.txt"
CLEAN_PAGE = FIXTURES / "redteam" / "q01_markdown_tables_2021.txt"


def test_a_report_read_by_its_labels_with_sums_that_hold_is_clean():
    report = parse_file(CLEAN_PAGE)
    assert report.flags == ()
    assert assess(report).status == "clean"
    assert assess(report).reasons == ()


def test_the_seed_needs_review_for_its_short_appeals_row_not_its_unlabelled_row():
    # its 8th 不予公开 row lost its label but stands between two labelled rows with exactly
    # one free template row between them: an unambiguous position, said but not a reason
    report = parse_file(SEED_TXT)
    assert any("placed by its position" in line for line in report.problems)
    trust = assess(report)
    assert trust.status == "needs_review"
    assert trust.reasons == ("cells_assumed_empty",)


def test_a_row_without_a_label_before_the_first_labelled_row_needs_review():
    lines = SEED_TXT.read_text(encoding="utf-8").splitlines()
    first = next(i for i, line in enumerate(lines) if line.startswith("一、本年新收"))
    lines[first] = "|" + lines[first].split("|", 1)[1]  # the first requests row loses its label
    page = parse_bytes(("\n".join(lines) + "\n").encode("utf-8"), "first-label-lost.txt")
    placed = [line for line in page.problems if "placed by its position between the start" in line]
    assert placed, page.problems
    assert "positional_row" in assess(page).reasons


def test_flags_are_codes_of_the_catalogue_in_its_order():
    report = parse_file(FIXTURES / "realdev" / "pages" / "113_xian_lintong_qinling_2022.txt")
    assert report.flags
    assert set(report.flags) <= set(CODES)
    assert list(report.flags) == sorted(report.flags, key=CODES.index)
    assert set(REASONS) >= set(CODES)


def test_a_blank_cell_never_makes_an_identity_fail():
    report = parse_file(CLEAN_PAGE)
    cells = tuple(
        Cell(c.section, c.row, c.col, None) if c.row == "granted" else c for c in report.cells
    )
    assert "identity_fails" not in assess(dataclasses.replace(report, cells=cells)).reasons


def test_gx_parse_gives_the_trust_status_on_every_line(capsys: pytest.CaptureFixture[str]):
    assert cli.main(["parse", str(CLEAN_PAGE), str(SEED_TXT)]) == 0
    clean, seed = (json.loads(line) for line in capsys.readouterr().out.splitlines())
    assert (clean["trust"], clean["trust_reasons"]) == ("clean", [])
    assert seed["trust"] == "needs_review"
    assert seed["trust_reasons"] == ["cells_assumed_empty"]
    assert seed["flags"] == seed["trust_reasons"]


def test_gx_parse_goes_on_after_a_file_the_parser_fails_on(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
):
    real = cli.parse_file

    def failing(path):  # a parser bug on one page must not cost the rest of the batch
        if Path(path).name == "bad.txt":
            raise IndexError("list index out of range")
        return real(path)

    monkeypatch.setattr(cli, "parse_file", failing)
    bad = tmp_path / "bad.txt"
    bad.write_text("x", encoding="utf-8")
    assert cli.main(["parse", str(bad), str(CLEAN_PAGE)]) == 1
    out = capsys.readouterr()
    first, second = (json.loads(line) for line in out.out.splitlines())
    assert first["source"] == "bad.txt" and "IndexError" in first["error"]
    assert first["trust"] == "needs_review" and first["trust_reasons"] == ["unreadable"]
    assert second["trust"] == "clean" and second["cells"]
    assert "1 of 2 files could not be read" in out.err


#: words of problem lines that say a guess was made or a value was left out, and the code
#: each must raise
_GUESSES = (
    ("matched by its core", "fuzzy_label"),
    ("placed by its position between the start", "positional_row"),
    ("is not known, so none is read", "cells_unplaced"),
    ("cannot read", "cells_unplaced"),
    ("taken from the year", "template_guessed"),
    ("mixes both format versions", "template_guessed"),
    ("the year before publication", "metadata_guessed"),
    ("the year the text mentions most", "metadata_guessed"),
    ("the opening sentence says", "metadata_guessed"),
    ("does not name the publishing agency", "metadata_missing"),
    ("not on the page", "incomplete"),
    ("the page ends inside", "incomplete"),
    ("incomplete:", "incomplete"),
    ("taken as 万元", "unit_assumed"),
    ("are taken as empty", "cells_assumed_empty"),
    ("taken as empty", "cells_assumed_empty"),
)
_ALL_PAGES = sorted(
    p
    for folder in ("hazards", "redteam", "realdev", "copies", "seed")
    for p in (FIXTURES / folder).rglob("*")
    if p.suffix in (".html", ".txt", ".md")
)


@pytest.mark.parametrize("page", _ALL_PAGES, ids=lambda p: p.stem)
def test_every_problem_line_that_is_a_guess_raises_its_code(page: Path):
    report = parse_file(page)
    for line in report.problems:
        for words, code in _GUESSES:
            if words in line:
                alternatives = {code, "cells_unplaced"} if words == "taken as empty" else {code}
                assert alternatives & set(report.flags), (line, report.flags)
                break
