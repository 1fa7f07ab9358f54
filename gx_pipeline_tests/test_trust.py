"""The trust status: clean only when nothing about the report needs a person's eyes."""

from gx_pipeline import trust
from gx_pipeline.parsing import parse_file
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
