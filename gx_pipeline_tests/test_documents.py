"""Reports published as PDF and Word files read like their web pages.

The pairs in fixtures/documents were made by real tools from generated pages
(`python -m gx_pipeline.pagegen.bundle --pairs gx_pipeline_tests/fixtures/documents`): headless
Chromium's print-to-PDF in several layouts (tables across page breaks, landscape, header rows
repeated on each page, one-character-per-line headers, the browser's running header and
footer), python-docx, LibreOffice's .doc, and an image-only scan.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile
from pathlib import Path

import pytest

from gx_pipeline import documents
from gx_pipeline.documents import grid
from gx_pipeline.parsing import ParseError, parse_bytes, parse_file
from gx_pipeline.scoring import score
from gx_pipeline.staging.pool import parse_raw
from gx_pipeline.staging.tables import Quarantined, RawFile
from gx_pipeline_tests.conftest import processes_naming

PAIRS = Path(__file__).parent / "fixtures" / "documents"
REDTEAM = Path(__file__).parent / "fixtures" / "redteam"
PAGES = sorted((PAIRS / "pages").iterdir())
#: LibreOffice's print of vertical text: glyphs drawn over one another, partly unreadable
GARBLED = [p for p in PAGES if "-lopdf-vertical" in p.name]
DOCUMENTS = [
    p
    for p in PAGES
    if p.suffix in (".pdf", ".docx", ".doc") and "-scan-" not in p.name and p not in GARBLED
]
SCANS = [p for p in PAGES if "-scan-" in p.name]


def _web_page(document: Path) -> Path:
    stem = re.split(r"-(?:pdf|lopdf|docx|doc|scan)-", document.name)[0]
    return PAIRS / "pages" / f"{stem}.html"


def _cells(path: Path) -> dict[tuple[str, str, str], object]:
    if path.suffix == ".doc":
        _needs_libreoffice()
    return {(c.section, c.row, c.col): c.value for c in parse_file(path).cells}


def _needs_libreoffice() -> None:
    import os

    from gx_pipeline.documents.word import converter

    if converter() is None:
        if os.environ.get("CI"):
            pytest.fail("no LibreOffice in CI: .ci/run installs it (make system-deps)")
        pytest.skip("LibreOffice is not installed (make system-deps): a .doc cannot be read")


def test_the_fixtures_cover_every_kind_and_layout() -> None:
    names = " ".join(p.name for p in PAGES)
    for kind in ("-pdf-", "-lopdf-", "-docx-", "-doc-", "-scan-"):
        assert kind in names
    for layout in ("portrait", "landscape", "repeat", "vertical", "footer"):
        assert f"-pdf-{layout}" in names


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: p.name)
def test_a_document_gives_the_cells_of_its_web_page(path: Path) -> None:
    web = _cells(_web_page(path))
    got = _cells(path)
    assert len(web) >= 190
    assert got == web


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: p.name)
def test_a_document_scores_every_cell_and_its_metadata(path: Path) -> None:
    if path.suffix == ".doc":
        _needs_libreoffice()
    summary = score(PAIRS / "truth", [parse_file(path).to_json()])
    (report,) = summary.reports
    assert report.cells >= 190
    assert report.correct == report.cells
    assert not report.wrong and not report.missing
    assert all(report.meta_ok.values()), report.meta_ok


def test_a_libreoffice_row_cut_by_a_page_break_is_one_row_or_not_read() -> None:
    # LibreOffice lets a row break across pages: the lines of its label that fit end the page,
    # the rest opens the next page as a row of its own over blank cells, which read as a row
    # named by its core would take those blanks as its values
    cut = [p for p in DOCUMENTS if "-lopdf-" in p.name]
    assert len(cut) >= 3
    for path in cut:
        report = parse_file(path)
        assert _cells(path) == _cells(_web_page(path)), path.name
        assert report.cells


def test_text_drawn_over_other_text_is_not_read_and_nothing_is_wrong() -> None:
    (path,) = GARBLED
    web = _cells(_web_page(path))
    report = parse_file(path)
    got = {(c.section, c.row, c.col): c.value for c in report.cells}
    assert {k: v for k, v in got.items() if web.get(k) != v} == {}
    assert len(got) < len(web)  # the tables with stacked glyphs are left out...
    assert any("drawn over one another" in p for p in report.problems)  # ...saying so


def test_a_number_wrapped_by_a_narrow_cell_is_one_number() -> None:
    from gx_pipeline.documents.pdf import _cell_text, _Char

    def chars(text: str, x: float, top: float) -> list[_Char]:
        return [_Char(ch, x + 6 * k, top, x + 6 * k + 5.5, top + 10) for k, ch in enumerate(text)]

    # `14` fills a 16-point cell, so the 3 went to the next line: 143
    assert _cell_text(chars("14", 2, 0) + chars("3", 2, 12), 0, 16) == "143"
    # a wide cell had room for the 3: a line break someone typed, two numbers
    assert _cell_text(chars("14", 2, 0) + chars("3", 2, 12), 0, 60) == "14 3"


def test_the_document_kind_is_told_by_the_bytes_not_the_name(tmp_path: Path) -> None:
    pdf = next(p for p in DOCUMENTS if p.suffix == ".pdf")
    disguised = tmp_path / "report.html"
    disguised.write_bytes(pdf.read_bytes())
    assert _cells(disguised) == _cells(pdf)
    page = _web_page(pdf)
    named_pdf = tmp_path / "report.pdf"
    named_pdf.write_bytes(page.read_bytes())
    assert _cells(named_pdf) == _cells(page)
    assert documents.page_kind(pdf.read_bytes()) == "pdf"
    assert documents.page_kind(page.read_bytes()) == "html"
    assert documents.page_kind("一、总体情况\n规章 | 1 | 2 |\n".encode()) == "text"
    docx = next(p for p in DOCUMENTS if p.suffix == ".docx")
    assert documents.page_kind(docx.read_bytes()) == "docx"


def test_pdf_cells_are_located_by_page_and_line() -> None:
    path = next(p for p in DOCUMENTS if p.name.endswith("-pdf-repeat.pdf"))
    report = parse_file(path)
    pages = {c.table for c in report.cells}
    assert min(pages) >= 1 and len(pages) >= 2  # the tables run over several pages
    assert all(c.tr and c.tr < 200 and c.td for c in report.cells)


def test_word_cells_are_located_by_table_row_and_cell() -> None:
    import docx

    path = next(p for p in DOCUMENTS if p.suffix == ".docx")
    tables = docx.Document(str(path)).tables
    for cell in parse_file(path).cells:
        tr = tables[cell.table - 1]._tbl.tr_lst[cell.tr - 1]
        text = "".join(
            p.text for p in tr.tc_lst[cell.td - 1].iter() if hasattr(p, "text") and p.text
        )
        assert cell.raw.replace(" ", "") in text.replace(" ", "")


@pytest.mark.parametrize("path", SCANS, ids=lambda p: p.name)
def test_a_scan_is_refused_with_its_reason_and_quarantined(path: Path) -> None:
    with pytest.raises(ParseError, match="a scan: .* no text layer"):
        parse_file(path)
    data = path.read_bytes()
    raw = RawFile(path.name, str(path), hashlib.sha256(data).hexdigest(), len(data), True)
    outcome = parse_raw(raw)
    assert isinstance(outcome, Quarantined)
    assert "a scan" in outcome.reason


def test_a_damaged_pdf_or_word_file_is_a_parse_error_naming_it() -> None:
    pdf = next(p for p in DOCUMENTS if p.suffix == ".pdf").read_bytes()
    with pytest.raises(ParseError, match="PDF cannot be opened"):
        parse_bytes(pdf[: len(pdf) // 3][:200], "cut.pdf")
    docx = next(p for p in DOCUMENTS if p.suffix == ".docx").read_bytes()
    with pytest.raises(ParseError):
        parse_bytes(docx[:3000] + b"\0" * 100, "cut.docx")


def test_a_word_file_cut_off_is_a_damaged_word_file_not_binary_content() -> None:
    # a download stopped part-way (HAZARDS.md: a truncated download): the zip's directory, at
    # its end, is gone, so it was no .docx and was read as a page: "binary content (NUL
    # bytes), not a page", or "no tables" when the cut left no NUL byte
    for path in (p for p in DOCUMENTS if p.suffix == ".docx"):
        docx = path.read_bytes()
        for tenth in range(1, 10):
            cut = docx[: len(docx) * tenth // 10]
            assert documents.kind_of(cut) == "docx", (path.name, tenth)
            with pytest.raises(ParseError, match="the Word file is damaged: cut off"):
                parse_bytes(cut, "cut.docx")
    # a zip of other parts (a spreadsheet) cut off stays no Word file
    sheet = b"PK\x03\x04" + b"\0" * 22 + (14).to_bytes(2, "little") + b"\0\0xl/sheet1.xml"
    assert documents.kind_of(sheet + b"\0" * 50) is None


def test_a_doc_without_libreoffice_is_refused_with_the_reason(monkeypatch) -> None:
    from gx_pipeline.documents import word

    monkeypatch.setattr(word, "converter", lambda: None)
    doc = next(p for p in DOCUMENTS if p.suffix == ".doc")
    with pytest.raises(ParseError, match="needs LibreOffice"):
        parse_file(doc)
    with pytest.raises(ParseError, match="not a Word document"):
        parse_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "sheet.xls")


def test_grid_a_merged_cell_is_one_cell_at_its_top_row() -> None:
    # a 2x2 grid whose left column is one cell spanning both rows
    edges = [
        grid.Edge(True, 0, 0, 100),
        grid.Edge(True, 10, 50, 100),
        grid.Edge(True, 20, 0, 100),
        grid.Edge(False, 0, 0, 20),
        grid.Edge(False, 50, 0, 20),
        grid.Edge(False, 100, 0, 20),
    ]
    (table,) = grid.find_tables(edges)
    assert [(c.row, c.col, c.x0, c.top, c.x1, c.bottom) for c in table.cells] == [
        (0, 0, 0, 0, 50, 20),
        (0, 1, 50, 0, 100, 10),
        (1, 0, 50, 10, 100, 20),
    ]


def test_grid_a_table_cut_by_the_page_end_is_closed() -> None:
    # vertical borders that stop at the page's end with no border across: the cut row is kept
    edges = [
        grid.Edge(True, 0, 0, 100),
        grid.Edge(True, 10, 0, 100),
        grid.Edge(False, 0, 0, 30),
        grid.Edge(False, 50, 0, 30),
        grid.Edge(False, 100, 0, 30),
    ]
    (table,) = grid.find_tables(edges)
    assert sorted((c.top, c.bottom) for c in table.cells) == [(0, 10), (0, 10), (10, 30), (10, 30)]


def test_truths_of_the_pairs_say_what_the_documents_are() -> None:
    for path in DOCUMENTS:
        truth = json.loads((PAIRS / "truth" / f"{path.stem}.json").read_text(encoding="utf-8"))
        assert truth["source"] == path.name


def test_gx_sample_writes_documents_that_read_back_exactly(tmp_path: Path) -> None:
    import os

    from gx_pipeline.pagegen import sample
    from gx_pipeline.pagegen.documents import chromium

    if chromium() is None:
        if os.environ.get("CI"):
            pytest.fail("no chromium in CI: .ci/run installs it")
        pytest.skip("no chromium on this machine: make system-deps")
    paths = sample(2, 13, tmp_path, documents=("pdf", "docx", "scan"))
    made = [p for p in paths if p.suffix in (".pdf", ".docx")]
    assert len(made) >= 5
    reports = []
    for p in paths:
        try:
            reports.append(parse_file(p).to_json())
        except ParseError as exc:
            reports.append({"source": p.name, "error": exc.reason, "cells": []})
    summary = score(tmp_path / "truth", reports)
    assert summary.correct == summary.cells > 600
    assert not any(r.wrong for r in summary.reports)


def test_cut_rows_join_only_when_the_words_say_so() -> None:
    from gx_pipeline.documents import cut

    def row(*texts: str) -> list[cut.Piece]:
        return [cut.Piece(t, 40.0 * k, 40.0 * k + 40) for k, t in enumerate(texts)]

    # the label's rest completes the template's wording: one row, values from above
    decision, where = cut.decide(row("二、上年结转政", "0", "0"), row("府信息公开申请数量", "", ""))
    assert (decision, where) == (cut.JOIN, [0, 1, 2])
    # header words above, values below: a header row and a row of values
    assert cut.decide(row("结果维持", "总计"), row("0", "3"))[0] == cut.TWO_ROWS
    # values on both sides of the break in one column: two rows
    assert cut.decide(row("1.属于国家秘密", "2"), row("2.其他法律", "5"))[0] == cut.TWO_ROWS
    # a heading over a piece that names nothing, a value under an empty cell: no telling
    assert cut.decide(row("三、本年度办理结果", ""), row("情况", "7"))[0] == cut.UNCERTAIN
    # other borders: another table
    assert cut.decide(row("a", "b"), [cut.Piece("c", 3, 90)])[0] == cut.TWO_ROWS


def test_the_bundled_documents_read_back_exactly() -> None:
    data = Path(__file__).resolve().parents[1] / "data"
    bundled = sorted(data.glob("raw/*/gen-*-doc*"))
    assert {p.suffix for p in bundled} >= {".pdf", ".docx"}
    for path in bundled:
        truth = data / "truth" / path.parent.name
        try:
            reports = [parse_file(path).to_json()]
        except ParseError as exc:
            reports = [{"source": path.name, "error": exc.reason, "cells": []}]
        (report,) = score(truth, reports).reports
        assert not report.wrong and not report.missing, path.name
        assert report.correct == report.cells, path.name


def _with_document_xml(docx: bytes, edit) -> bytes:
    """The Word file with its word/document.xml passed through `edit` (text to text)."""
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(docx)) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "word/document.xml":
                data = edit(data.decode("utf-8")).encode("utf-8")
            dst.writestr(item, data)
    return out.getvalue()


@pytest.mark.parametrize("off", ['w:val="0"', 'w:val="false"', 'w:val="off"'])
@pytest.mark.parametrize("mark", ["vanish", "specVanish"])
def test_hidden_text_turned_off_is_shown_text(mark: str, off: str):
    """w:vanish (and w:specVanish) with its value off is Word's way of saying the text is not
    hidden (a style hides it, the run shows it again): it reads as if the mark were not there.
    Left out, a digit so marked was dropped and its neighbours closed up into another number."""
    docx = (REDTEAM / "r12_w03_hidden_text_old_numbers_2019.docx").read_bytes()
    hidden = parse_bytes(docx, "hidden.docx")
    shown = parse_bytes(_with_document_xml(docx, lambda x: x.replace("<w:vanish/>", "")), "a.docx")
    turned_off = parse_bytes(
        _with_document_xml(docx, lambda x: x.replace("<w:vanish/>", f"<w:{mark} {off}/>")),
        "b.docx",
    )
    assert shown.cells != hidden.cells  # the fixture's hidden text holds numbers
    assert turned_off.cells == shown.cells


def test_a_conversion_that_overruns_leaves_no_libreoffice_behind(monkeypatch, tmp_path):
    """LibreOffice converts in soffice.bin, a child of the process started (oosplash): a timeout
    that ended only that process left soffice.bin running, for good on a file that hangs it."""
    import tempfile

    from gx_pipeline.documents import word

    _needs_libreoffice()
    monkeypatch.setattr(word, "CONVERT_TIMEOUT", 0.5)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    doc = next(p for p in DOCUMENTS if p.suffix == ".doc")
    with pytest.raises(word.DocumentError, match="did not convert the Word file within"):
        word.read_doc(doc.read_bytes(), doc.name)
    assert processes_naming(str(tmp_path)) == []


def _fake_office(folder: Path, script: str) -> Path:
    """A `soffice` first on PATH that runs `script` (sh) instead of converting."""
    folder.mkdir(parents=True, exist_ok=True)
    soffice = folder / "soffice"
    soffice.write_text("#!/bin/sh\n" + script + "\n")
    soffice.chmod(0o755)
    return folder


_DOC = b"\xd0\xcf\x11\xe0" + "WordDocument".encode("utf-16-le")


def test_an_interrupted_conversion_ends_its_libreoffice(monkeypatch, tmp_path):
    """Ctrl-C or the page's time limit during a conversion: its processes go too (they were
    left running, out of reach of the worker's clean-up)."""
    import os
    import signal

    from gx_pipeline.documents import word

    fake = _fake_office(tmp_path / "office-hangs", "sleep 300")
    monkeypatch.setenv("PATH", f"{fake}{os.pathsep}{os.environ['PATH']}")

    class Stop(Exception):
        pass

    def stop(*_):
        raise Stop

    previous = signal.signal(signal.SIGALRM, stop)
    signal.alarm(2)
    try:
        with pytest.raises(Stop):
            word.read_doc(_DOC, "hangs.doc")
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    assert _gone_soon(str(fake))


def _gone_soon(marker: str) -> bool:
    import time

    deadline = time.monotonic() + 5
    while processes_naming(marker) and time.monotonic() < deadline:
        time.sleep(0.1)
    return not processes_naming(marker)


def test_a_process_that_left_the_conversions_group_ends_with_the_conversion(monkeypatch, tmp_path):
    """A process of the conversion that left its group (setsid) is ended with it: killing the
    group left it running for good."""
    import os

    from gx_pipeline.documents import word

    fake = _fake_office(tmp_path / "office-escapes", "setsid sleep 92.31 &\nsleep 300")
    monkeypatch.setenv("PATH", f"{fake}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setattr(word, "CONVERT_TIMEOUT", 1)
    try:
        with pytest.raises(word.DocumentError, match="did not convert the Word file within 1 s"):
            word.read_doc(_DOC, "escapes.doc")
        assert _gone_soon("92.31")
    finally:
        for pid in processes_naming("92.31"):
            os.kill(pid, 9)


def test_a_conversion_whose_converting_process_was_killed_is_ended_by_the_next_run(
    tmp_path, monkeypatch
):
    """kill -9 of the process converting a .doc (a `gx run` parsing a small year in its own
    process): its LibreOffice, and what left its group, outlived it (`timeout` ends the group
    after the conversion's limit, never what left it), with its temporary folder. The next
    `gx run` ends them and removes the folder."""
    import os
    import subprocess
    import sys
    import tempfile
    import time

    from gx_pipeline.documents import word

    fake = _fake_office(tmp_path / "office-orphan", "setsid sleep 93.11 &\nexec sleep 93.12")
    env = {**os.environ, "PATH": f"{fake}{os.pathsep}{os.environ['PATH']}"}
    # the conversion and this test's own look at it take a pid namespace of their own (a made-up
    # one): a `gx run` of another test running beside this one ends orphaned conversions of its
    # namespace, and would end these before this test looks at them
    namespace = "7"
    code = (
        "from gx_pipeline.documents import word\n"
        f"word._pid_namespace = lambda: {namespace!r}\n"
        f"word.read_doc({_DOC!r}, 'orphan.doc')\n"
    )
    monkeypatch.setattr(word, "_pid_namespace", lambda: namespace)
    converting = subprocess.Popen([sys.executable, "-c", code], env=env)
    try:
        deadline = time.monotonic() + 30
        while len(processes_naming("93.1")) < 2:
            assert time.monotonic() < deadline, "the conversion never started"
            time.sleep(0.1)
        converting.kill()
        converting.wait()
        time.sleep(0.5)
        assert len(processes_naming("93.1")) == 2  # both outlived it
        folders = list(Path(tempfile.gettempdir()).glob(f"gx-doc-{converting.pid}-*"))
        assert len(folders) == 1

        left = set(processes_naming("93.1"))
        assert left <= set(word.end_orphaned_conversions())  # `timeout` too, where installed
        assert _gone_soon("93.1")
        assert not folders[0].exists()
    finally:
        converting.kill()
        for pid in processes_naming("93.1"):
            os.kill(pid, 9)


def test_a_live_conversion_in_another_pid_namespace_is_not_ended_as_orphaned(tmp_path):
    """A `gx run` in a container (another pid namespace: the Dagster UI's runs in Docker, say)
    converting while one on the host starts: its mark names its converting process by the
    container's pid, which on the host is another process or none. Judged from the host, the
    live conversion was killed (the page then unreadable) and its temporary folder removed."""
    import os
    import shutil
    import subprocess
    import sys
    import tempfile
    import time

    from gx_pipeline.documents import word

    unshare = shutil.which("unshare")
    made = unshare and subprocess.run(
        [unshare, "--pid", "--fork", "--mount-proc", "true"], capture_output=True, check=False
    )
    if not made or made.returncode:
        pytest.skip("no pid namespace can be made here")
    fake = _fake_office(tmp_path / "office-contained", "exec sleep 94.21")
    env = {**os.environ, "PATH": f"{fake}{os.pathsep}{os.environ['PATH']}"}
    code = f"from gx_pipeline.documents import word\nword.read_doc({_DOC!r}, 'contained.doc')\n"
    contained = subprocess.Popen(
        [unshare, "--pid", "--fork", "--mount-proc", "--kill-child", sys.executable, "-c", code],
        env=env,
    )
    try:
        deadline = time.monotonic() + 30
        while not processes_naming("94.21"):
            assert time.monotonic() < deadline, "the conversion never started"
            time.sleep(0.1)
        before = set(Path(tempfile.gettempdir()).glob("gx-doc-*"))
        assert word.end_orphaned_conversions() == []
        time.sleep(0.3)
        assert processes_naming("94.21"), "the live conversion was killed"
        assert set(Path(tempfile.gettempdir()).glob("gx-doc-*")) >= before
    finally:
        contained.kill()
        contained.wait()
        for pid in processes_naming("94.21"):
            os.kill(pid, 9)


def test_a_conversion_whose_child_left_its_group_does_not_hang_the_parse(monkeypatch, tmp_path):
    """A process that left the conversion's group (setsid) holding its output open: the
    overrun is still reported at once (the parse waited for the end of that output, for good)."""
    import os
    import subprocess
    import sys

    fake = _fake_office(tmp_path / "office-escapes", "setsid sleep 91.7 &\nsleep 300")
    env = {**os.environ, "PATH": f"{fake}{os.pathsep}{os.environ['PATH']}"}
    code = (
        "from gx_pipeline.documents import word\n"
        "word.CONVERT_TIMEOUT = 1\n"
        f"try:\n    word.read_doc({_DOC!r}, 'escapes.doc')\n"
        "except word.DocumentError as err:\n    print(err)\n"
    )
    try:
        done = subprocess.run(
            [sys.executable, "-c", code],
            env=env,
            capture_output=True,
            text=True,
            timeout=45,
            check=False,
        )
    finally:
        subprocess.run(["pkill", "-f", "sleep 91.7"], check=False)
    assert "did not convert the Word file within 1 s" in done.stdout, done.stderr


def test_conversion_folders_named_the_old_way_are_removed_once_no_conversion_can_use_them(
    tmp_path, monkeypatch
):
    """Folders of conversions named before they carried their owner's pid namespace
    (`gx-doc-<pid>-<start>-…`), or any owner (`gx-doc-…`), did not match the pattern of those
    removed and stayed in /tmp for good. One untouched for longer than a conversion can last is
    removed whatever its name; a fresh one, and a live process's, stay."""
    import os
    import tempfile
    import time

    from gx_pipeline.documents import word

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    hour_ago = time.time() - 3600
    old = {"gx-doc-4194000-123456-k2j3h4x_", "gx-doc-q8r7s6t5"}
    fresh = {"gx-doc-4194001-123456-abcdefgh", "gx-doc-m1n2b3v4", f"gx-doc-{word._owner()}-zz9"}
    for name in old | fresh:
        (tmp_path / name).mkdir()
        (tmp_path / name / "in.doc").write_bytes(b"")
    for name in old:
        os.utime(tmp_path / name, (hour_ago, hour_ago))

    word.end_orphaned_conversions()

    assert {p.name for p in tmp_path.iterdir()} == fresh


def test_the_sweep_leaves_folders_a_conversion_did_not_make(tmp_path, monkeypatch):
    """The temporary directory is shared: a folder another user made there, or one of ours that
    only begins like a conversion's (gx-doc-notes-2024), untouched for an hour, was removed with
    everything in it (as root, whoever's). Only the folders a conversion names, of this user,
    are removed."""
    import os
    import tempfile
    import time

    from gx_pipeline.documents import word

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    hour_ago = time.time() - 3600
    ours = "gx-doc-4194000-123456-k2j3h4x_"
    not_a_conversions = {"gx-doc-notes-2024", "gx-doc-drafts", "gx-doc-4194000-123456-my-thesis"}
    others = "gx-doc-q8r7s6t5"
    for name in {ours, others} | not_a_conversions:
        (tmp_path / name).mkdir()
        (tmp_path / name / "chapter.txt").write_text("mine")
        os.utime(tmp_path / name, (hour_ago, hour_ago))
    if os.getuid() == 0:  # only root can make a folder another user's
        os.chown(tmp_path / others, 65534, 65534)

    word.end_orphaned_conversions()

    left = {p.name for p in tmp_path.iterdir()}
    assert ours not in left
    assert left >= not_a_conversions
    if os.getuid() == 0:
        assert others in left


def test_the_folder_of_a_live_conversion_stays_however_long_ago_it_was_touched(
    tmp_path, monkeypatch
):
    """A conversion's time limit is counted on the monotonic clock, which stands still while a
    laptop sleeps; the folder's age is wall-clock time. A conversion that slept an hour (or a
    clock set forward) had its folder removed by another gx run's sweep, as left over, while it
    still converted into it. A folder whose owner is known running stays."""
    import os
    import tempfile
    import time

    from gx_pipeline.documents import word

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    live = tmp_path / f"gx-doc-{word._owner()}-k2j3h4x_"
    live.mkdir()
    (live / "report.doc").write_bytes(b"")
    hour_ago = time.time() - 3600
    os.utime(live, (hour_ago, hour_ago))

    word.end_orphaned_conversions()

    assert live.is_dir()


def _zip_of(names: list[str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        for name in names:
            z.writestr(name, "<x/>")
    return buffer.getvalue()


def test_a_spreadsheet_or_an_archive_given_as_a_report_is_named_for_what_it_is() -> None:
    # a site's attachment list links the report's tables as .xlsx, or the whole year as .zip;
    # both were refused as "binary content (NUL bytes), not a page", which names neither
    cases = {
        "sheet.xlsx": (
            ["[Content_Types].xml", "xl/workbook.xml", "xl/worksheets/sheet1.xml"],
            "a spreadsheet (.xlsx), not read",
        ),
        "slides.pptx": (
            ["[Content_Types].xml", "ppt/presentation.xml"],
            "a presentation (.pptx), not read",
        ),
        "reports.zip": (["2022年报告.pdf", "2022年报告.html"], "a zip archive of 2 files"),
    }
    for name, (parts, said) in cases.items():
        data = _zip_of(parts)
        with pytest.raises(ParseError, match=re.escape(said)):
            parse_bytes(data, name)
        # cut off (its directory gone), a spreadsheet is still named by its parts' headers
        if name.endswith("x"):
            with pytest.raises(ParseError, match=re.escape(said.split(",")[0])):
                parse_bytes(data[: len(data) * 2 // 3], name)


def _zip(parts: list[tuple[str, bytes]], method: int = 8) -> bytes:
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", method) as z:
        for name, data in parts:
            z.writestr(name, data)
    return out.getvalue()


def _parts(docx: bytes) -> list[tuple[str, bytes]]:
    import io
    import zipfile

    with zipfile.ZipFile(io.BytesIO(docx)) as z:
        return [(name, z.read(name)) for name in z.namelist()]


def test_a_word_file_whose_main_part_has_another_name_is_read() -> None:
    # the main part is whatever the package's relationships name (word/document2.xml, as some
    # editors save it): a good Word file was refused as "binary content (NUL bytes)"
    docx = next(p for p in DOCUMENTS if p.suffix == ".docx").read_bytes()
    renamed = []
    for name, data in _parts(docx):
        if name in ("_rels/.rels", "[Content_Types].xml"):
            data = data.replace(b"word/document.xml", b"word/document2.xml")
        renamed.append((name.replace("word/document.xml", "word/document2.xml"), data))
    assert "word/document2.xml" in dict(renamed)
    again = _zip(renamed)
    assert documents.kind_of(again) == "docx"
    assert parse_bytes(again, "r.docx").cells == parse_bytes(docx, "r.docx").cells


def test_a_zip_holding_a_word_file_cut_off_is_no_word_file() -> None:
    # a site's attachments packed in a zip, stored, the download stopped part-way: the Word
    # file's own part names show through, but the zip is no Word file; nor is a spreadsheet
    # holding one (an embedded document), cut off
    docx = next(p for p in DOCUMENTS if p.suffix == ".docx").read_bytes()
    packed = _zip([("report.docx", docx)], method=0)
    sheet = _zip(
        [("[Content_Types].xml", b"<Types/>"), ("xl/workbook.xml", b"<w/>" * 40)]
        + [("xl/embeddings/a.docx", docx)],
        method=0,
    )
    for whole in (packed, sheet):
        for tenth in range(1, 10):
            assert documents.kind_of(whole[: len(whole) * tenth // 10]) is None, tenth
    # the Word file's parts in another order, cut off, is still a Word file cut off
    turned = _zip(list(reversed(_parts(docx))))
    for tenth in range(1, 10):
        assert documents.kind_of(turned[: len(turned) * tenth // 10]) == "docx", tenth


def test_a_word_file_followed_by_other_bytes_is_not_said_to_be_cut_off() -> None:
    # its directory is there, followed by more than a zip comment's room of other bytes (a
    # page appended by a server): it is damaged, not cut off
    docx = next(p for p in DOCUMENTS if p.suffix == ".docx").read_bytes()
    with pytest.raises(ParseError, match="the Word file is damaged") as err:
        parse_bytes(docx + b"<html>" * 12_000, "r.docx")
    assert "cut off" not in str(err.value)
