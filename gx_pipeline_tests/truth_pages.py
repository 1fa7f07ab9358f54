"""Reading a fixture page against the truth JSON beside it (`<stem>.json`)."""

from __future__ import annotations

import json
from pathlib import Path

from gx_pipeline.parsing import parse_file
from gx_pipeline.report import Report


def assert_reads_like_its_truth(page: Path, *, null_extras: bool = False) -> tuple[Report, dict]:
    """The page's metadata and every cell its truth labels come out exactly; and no cell the
    truth does not label, or (with `null_extras`) none that holds a number."""
    truth = json.loads(page.with_suffix(".json").read_text("utf-8"))
    got = parse_file(page)
    for field in ("agency", "year", "published", "template"):
        assert getattr(got, field) == truth[field], field
    values = {(c.section, c.row, c.col): c.value for c in got.cells}
    expected = {(c["section"], c["row"], c["col"]): c["value"] for c in truth["cells"]}
    assert {k: values.get(k, "absent") for k in expected} == expected
    extra = {k: v for k, v in values.items() if k not in expected}
    if null_extras:
        extra = {k: v for k, v in extra.items() if v is not None}
    # nothing the page does not show: no cell invented for a row the page cuts off, and no
    # number put in a column the copy does not tell
    assert extra == {}
    return got, truth
