"""The scorer counts guesses: numbers the truth does not label, and clean reports that are wrong."""

from __future__ import annotations

import json
from pathlib import Path

from gx_pipeline.scoring import format_summary, score

TRUTH = {
    "source": "a.txt",
    "agency": "某局",
    "year": 2021,
    "published": None,
    "template": "2021",
    "cells": [
        {"section": "proactive", "row": "rules", "col": "issued", "value": 1},
        {"section": "proactive", "row": "rules", "col": "repealed", "value": None},
    ],
    "unlabelled": [{"section": "proactive", "row": "normative_docs"}],
}


def _report(cells: list[tuple[str, str, str, object]], trust: str) -> dict:
    return {
        **{k: TRUTH[k] for k in ("source", "agency", "year", "published", "template")},
        "cells": [{"section": s, "row": r, "col": c, "value": v} for s, r, c, v in cells],
        "problems": [],
        "trust": trust,
        "trust_reasons": [] if trust == "clean" else ["cells_unplaced"],
    }


def _score(tmp_path: Path, report: dict):
    (tmp_path / "a.json").write_text(json.dumps(TRUTH, ensure_ascii=False), encoding="utf-8")
    return score(tmp_path, [report])


def test_extra_counts_numbers_only_and_not_the_cells_the_truth_leaves_out_on_purpose(tmp_path):
    report = _report(
        [
            ("proactive", "rules", "issued", 1),
            ("proactive", "rules", "repealed", None),
            ("proactive", "rules", "in_force", None),  # a null: no number guessed
            ("proactive", "normative_docs", "issued", 4),  # unlabelled on purpose
            ("proactive", "licensing", "decisions", 7),  # a number the truth does not have
        ],
        "needs_review",
    )
    summary = _score(tmp_path, report)
    assert summary.extra == 1
    assert summary.reports[0].extra_cells == (("proactive", "licensing", "decisions"),)
    assert "extra values (numbers the truth does not label): 1" in format_summary(summary)
    assert summary.clean_but_wrong == ()


def test_a_clean_report_with_a_wrong_value_is_counted(tmp_path):
    report = _report(
        [("proactive", "rules", "issued", 2), ("proactive", "rules", "repealed", None)], "clean"
    )
    summary = _score(tmp_path, report)
    assert len(summary.clean_but_wrong) == 1
    assert summary.trust_counts == {"clean": 1}
    assert "clean but wrong: 1 of 1 clean" in format_summary(summary)


def test_a_wrong_value_in_a_report_that_needs_review_is_not_clean_but_wrong(tmp_path):
    report = _report(
        [("proactive", "rules", "issued", 2), ("proactive", "rules", "repealed", None)],
        "needs_review",
    )
    summary = _score(tmp_path, report)
    assert len(summary.wrong) == 1 and summary.clean_but_wrong == ()
    assert summary.reason_counts == {"cells_unplaced": 1}


def test_a_parses_file_that_cannot_be_read_stops_the_score_naming_it(tmp_path, capsys):
    # a mistyped .jsonl of parses, or one cut off mid-line, ended in a Python traceback (exit
    # 1, the status of "nothing compared"): it is named with the cause, exit 2 as for TRUTH_DIR
    from gx_pipeline import cli

    (tmp_path / "truth").mkdir()
    cut = tmp_path / "cut.jsonl"
    cut.write_text('{"source": "a.txt", "cells": [\n', encoding="utf-8")
    latin = tmp_path / "latin.jsonl"
    latin.write_bytes(b'{"source": "\xe9.txt"}\n')
    for name, cause in (
        (tmp_path / "parses.jsonl", "No such file"),
        (cut, "line 1: not JSON"),
        (latin, "not UTF-8"),
    ):
        assert cli.main(["score", str(tmp_path / "truth"), str(name)]) == 2, name
        err = capsys.readouterr().err
        assert err.startswith(f"gx score: {name}: ") and cause in err, err
        assert "Traceback" not in err


def test_a_score_of_nothing_is_no_accuracy_and_fails(tmp_path, capsys):
    # a mistyped truth folder, or pages none of whose names has a truth record, scored
    # "cell accuracy: 0/0 = 100.00%" and exited 0: a perfect score for nothing compared
    from gx_pipeline import cli

    page = tmp_path / "a.txt"
    page.write_text("某局2021年政府信息公开工作年度报告", encoding="utf-8")
    assert cli.main(["score", str(tmp_path / "truht"), str(page)]) == 2
    assert f"gx score: {tmp_path / 'truht'}: no such folder" in capsys.readouterr().err

    (tmp_path / "truth").mkdir()
    (tmp_path / "truth" / "b.json").write_text(json.dumps({**TRUTH, "source": "b.txt"}))
    assert cli.main(["score", str(tmp_path / "truth"), str(page)]) == 1
    out = capsys.readouterr()
    assert "cell accuracy: 0/0 (no cell scored)" in out.out
    assert "gx score: no page had a truth record to compare with" in out.err
