"""The page generator and the scorer: determinism, coverage of styles, truths that add up."""

from __future__ import annotations

import copy
import json
import random
from pathlib import Path

import pytest

from gx_pipeline import tally
from gx_pipeline.pagegen import STYLES, page_for, sample
from gx_pipeline.pagegen.bundle import write_bundle
from gx_pipeline.pagegen.styles import make_page
from gx_pipeline.report import Cell, Report
from gx_pipeline.scoring import format_summary, score

N = 24


@pytest.fixture(scope="module")
def sampled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("gen")
    sample(N, seed=11, out_dir=out)
    return out


def _truths(out: Path) -> list[dict]:
    return [
        json.loads(p.read_text(encoding="utf-8")) for p in sorted((out / "truth").glob("*.json"))
    ]


def _report(truth: dict) -> Report:
    cells = tuple(Cell(c["section"], c["row"], c["col"], c["value"]) for c in truth["cells"])
    return Report(
        truth["source"],
        truth["agency"],
        truth["year"],
        truth["published"],
        truth["template"],
        cells,
    )


def test_same_seed_gives_identical_bytes(sampled: Path, tmp_path: Path) -> None:
    sample(N, seed=11, out_dir=tmp_path)
    for sub in ("pages", "truth"):
        first = sorted((sampled / sub).iterdir())
        second = sorted((tmp_path / sub).iterdir())
        assert [p.name for p in first] == [p.name for p in second]
        for a, b in zip(first, second, strict=True):
            assert a.read_bytes() == b.read_bytes(), a.name


def test_other_seed_gives_other_pages(sampled: Path) -> None:
    assert (
        page_for(12, 0).data != (sampled / "pages").joinpath(page_for(11, 0).filename).read_bytes()
    )


def test_every_style_appears_in_a_24_page_sample(sampled: Path) -> None:
    names = [p.name for p in (sampled / "pages").iterdir()]
    assert all(n.startswith("gen-") for n in names)
    assert {t["style"] for t in _truths(sampled)} == set(STYLES)
    assert {t["template"] for t in _truths(sampled)} >= {"2019", "2021"}


def test_truths_hold_every_identity_they_do_not_list_as_broken(sampled: Path) -> None:
    for truth in _truths(sampled):
        failing = {r.identity for r in tally.evaluate(_report(truth)) if r.status == "fail"}
        assert failing == set(truth["broken_identities"]), truth["source"]


def test_broken_identity_fails_with_every_operand_present() -> None:
    page = make_page(
        random.Random(3),
        index=0,
        style="trs",
        year=2022,
        template="2021",
        break_identity_id="appeals.row_total",
    )
    truth = page.truth.to_json()
    assert truth["broken_identities"] == ["appeals.row_total"]
    statuses = {
        r.status for r in tally.evaluate(_report(truth)) if r.identity == "appeals.row_total"
    }
    assert "fail" in statuses


def test_gbk_styles_do_not_decode_as_utf8(sampled: Path) -> None:
    for truth in _truths(sampled):
        if truth["style"] in ("gbk", "gb18030"):
            data = (sampled / "pages" / truth["source"]).read_bytes()
            with pytest.raises(UnicodeDecodeError):
                data.decode("utf-8")
            assert truth["agency"] in data.decode("gb18030")


def test_truncated_page_truth_stops_before_the_cut() -> None:
    for i in range(8):
        page = make_page(random.Random(i), index=i, style="truncated", year=2021, template="2021")
        truth = page.truth
        cut_section = next(d.split(":")[1] for d in truth.defects if d.startswith("truncated-in"))
        assert truth.complete[cut_section] is False
        assert cut_section in truth.expect_flags
        # a section after the cut has no cells
        order = ("proactive", "requests", "appeals")
        later = order[order.index(cut_section) + 1 :]
        assert not any(c.section in later for c in truth.cells)


def test_images_page_has_no_cells_and_expects_an_error() -> None:
    page = make_page(random.Random(1), index=0, style="images", year=2020, template="2019")
    assert b"<img" in page.data and b"<table" in page.data  # only the layout grid table
    assert page.truth.cells == ()
    assert page.truth.expect_error_contains == "no tables"


def test_unlabelled_row_keeps_its_values_and_must_be_flagged() -> None:
    page = make_page(random.Random(5), index=0, style="unlabelled", year=2020, template="2019")
    code = next(d.split(":", 1)[1] for d in page.truth.defects if d.startswith("unlabelled-row"))
    assert code in page.truth.expect_flags
    section, row = code.split(".", 1)
    assert sum(1 for c in page.truth.cells if (c.section, c.row) == (section, row)) == 7


def test_pipe_text_pads_covered_positions_like_the_seed() -> None:
    page = make_page(random.Random(2), index=0, style="pipe", year=2020, template="2019")
    lines = page.data.decode("utf-8").splitlines()
    head = next(line for line in lines if line.startswith("行政复议 |"))
    assert head.count("|") == 15
    assert any(line.startswith("自然人 | 法人或其他组织 | 总计 | |||||||") for line in lines)


def test_scoring_truth_against_itself_is_perfect(sampled: Path) -> None:
    reports = [
        dict(t, problems=[f"{f}: flagged" for f in t["expect_flags"]]) for t in _truths(sampled)
    ]
    summary = score(sampled / "truth", reports)
    assert len(summary.reports) == N
    assert summary.accuracy == 1.0
    assert summary.wrong == () and summary.missing == ()
    assert summary.flags_found == summary.flags_expected
    assert all(v == N for v in summary.meta_correct.values())
    assert "100.00%" in format_summary(summary)


def test_scoring_counts_a_changed_value_as_wrong(sampled: Path) -> None:
    truths = _truths(sampled)
    reports = copy.deepcopy(truths)
    target = next(r for r in reports if r["cells"])
    target["cells"][0]["value"] = (target["cells"][0]["value"] or 0) + 1
    dropped = target["cells"].pop()
    summary = score(sampled / "truth", reports)
    assert len(summary.wrong) == 1
    assert summary.wrong[0].row == target["cells"][0]["row"]
    assert [(e.section, e.row, e.col) for e in summary.missing] == [
        (dropped["section"], dropped["row"], dropped["col"])
    ]
    assert summary.worst()[0].source == target["source"]
    assert "wrong values: 1" in format_summary(summary)


def test_bundle_writes_pages_and_truths_apart(tmp_path: Path) -> None:
    pages = write_bundle(tmp_path, documents=False)  # the documents: test_documents.py
    assert all(p.parent.parent == tmp_path / "raw" for p in pages)
    truths = [
        json.loads(p.read_text(encoding="utf-8")) for p in (tmp_path / "truth").rglob("gen-*.json")
    ]
    assert sum(1 for t in truths if t["broken_identities"]) >= 2
    assert any(t["style"] == "gbk" for t in truths)
    assert any(t["style"] == "images" for t in truths)
    for p in pages:
        assert (tmp_path / "truth" / p.parent.name / f"{p.stem}.json").exists(), p.name
    assert not list((tmp_path / "raw").rglob("*.json"))
