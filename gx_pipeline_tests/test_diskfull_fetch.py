"""`gx fetch` on a disk that fills up at each of its writes: a page's object (and its temporary
file), the log line, the year folder's copies. Each time: exit status 1, one line that says the
disk is full and names the file, no traceback; the archive holds only whole pages and a log
whose every line reads; once there is room again, the same command archives every page exactly
once.

Each test mounts a small tmpfs (root only; skipped, saying why, elsewhere) and fills it with
filler files at the write under test.
"""

from __future__ import annotations

import dataclasses
import hashlib
import itertools
import json
import threading
import time
from collections import Counter
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from gx_pipeline.fetch import Archive, FetchRecord, main_fetch
from gx_pipeline_tests.conftest import loopback_server
from gx_pipeline_tests.disks import fill, free, small_disk

PAGES = 24
#: a log line longer than a page of memory: its append crosses a block boundary, so a disk
#: that fills mid-line keeps the first part of the line (a torn line) unless the writer undoes it
LONG = "x" * 5000


class Site:
    def __init__(self) -> None:
        self.edition = 1
        #: seconds before each page is served (a run long enough to be killed in)
        self.delay = 0.0
        self.hits: Counter[str] = Counter()
        self.lock = threading.Lock()
        self.base = ""


def _handler(site: Site) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            with site.lock:
                site.hits[self.path] += 1
            time.sleep(site.delay)
            if self.path == "/robots.txt":
                body, kind = b"User-agent: *\n", "text/plain"
            else:
                # ~40 KB a page (twice that from edition 2), each page's bytes its own
                head = f"<html><body><h1>{self.path} edition {site.edition}</h1>"
                body = (head + "<p>年度报告</p>" * 2000 * site.edition + "</body></html>").encode()
                kind = "text/html; charset=utf-8"
            try:
                self.send_response(200)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # a fetch killed mid-page

    return Handler


@pytest.fixture
def site() -> Iterator[Site]:
    with loopback_server(_handler(site := Site())) as site.base:
        yield site


@pytest.fixture
def disk(tmp_path: Path) -> Iterator[Path]:
    with small_disk(tmp_path / "disk", 16) as mounted:
        yield mounted


def _manifest(site: Site, folder: Path, long: bool = False) -> tuple[Path, list[str]]:
    addresses = [f"{site.base}/page/{i}?{LONG if long else ''}" for i in range(PAGES)]
    manifest = folder / "list.csv"
    manifest.write_text(
        "address,year\n" + "".join(f"{a},{2020 + i % 3}\n" for i, a in enumerate(addresses))
    )
    return manifest, addresses


def _fetch(manifest: Path, archive: Path, *more: str) -> int:
    return main_fetch(
        [str(manifest), "--archive", str(archive), "--allow-private", "--delay", "0"]
        + ["--concurrency", "4", "--per-host", "4", "--attempts", "1", *more]
    )


def _fill_at(monkeypatch, name: str, call: int, disk: Path, leave: int = 0) -> list[int]:
    """Fill `disk` just before the `call`-th call of Archive.`name` (any thread); the calls
    made, counted."""
    real = getattr(Archive, name)
    counter = itertools.count(1)
    lock = threading.Lock()
    made: list[int] = []

    def filling(self, *args, **kwargs):
        with lock:
            n = next(counter)
            made.append(n)
            if n == call:
                fill(disk, leave)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Archive, name, filling)
    return made


def _said(err: str) -> list[str]:
    return [line for line in err.splitlines() if line.strip()]


def _whole(archive: Path) -> list[str]:
    """What is wrong with the archive as a reader finds it: a log line that does not read, a
    last line without its end, a temporary file, an object whose bytes are not its name, a
    successful record without its object."""
    problems = []
    log = archive / "fetches.jsonl"
    text = log.read_bytes() if log.exists() else b""
    if text and not text.endswith(b"\n"):
        problems.append(f"the log ends in a torn line: {text[-80:]!r}")
    for number, line in enumerate(text.splitlines(), start=1):
        try:
            json.loads(line)
        except ValueError:
            problems.append(f"log line {number} does not read: {line[:80]!r}")
    problems += [f"a temporary file: {p}" for p in (archive / "tmp").glob("*")]
    for obj in (archive / "objects").rglob("*"):
        if obj.is_file() and hashlib.sha256(obj.read_bytes()).hexdigest() != obj.name:
            problems.append(f"a half-written object: {obj} ({obj.stat().st_size} bytes)")
    for record in Archive(archive).records():
        if record.succeeded and not Archive(archive).has(record.sha256 or ""):
            problems.append(f"a record without its object: {record.address[:60]}")
    return problems


def _archived_once(archive: Path, addresses: list[str]) -> list[str]:
    """Every address archived by exactly one successful record, every object one of them."""
    records = [r for r in Archive(archive).records() if r.succeeded]
    per_address = Counter(r.address for r in records)
    problems = [
        f"{a[:60]}: {per_address[a]} successful records" for a in addresses if per_address[a] != 1
    ]
    objects = [p for p in (archive / "objects").rglob("*") if p.is_file()]
    if len(objects) != len(addresses):
        problems.append(f"{len(objects)} objects for {len(addresses)} pages")
    return problems


@pytest.mark.parametrize(
    ("write", "call", "long"),
    [
        ("store", 1, False),  # the first page: nothing archived yet
        ("store", 9, False),  # a page in the middle of the run
        ("append", 1, True),  # the log's first line
        ("append", 9, True),  # a line in the middle, torn where the disk filled
    ],
)
def test_gx_fetch_on_a_full_disk_says_so_keeps_whole_pages_and_resumes_exactly(
    disk, site, tmp_path, monkeypatch, capsys, write, call, long
):
    archive = disk / "archive"
    manifest, addresses = _manifest(site, tmp_path, long)
    _fill_at(monkeypatch, write, call, disk)
    # the first page: four at once all find the disk full; else one at a time, so
    # the write under test is the first that fails (not another page's, in another thread)
    code = _fetch(manifest, archive, "--concurrency", "4" if (write, call) == ("store", 1) else "1")
    err = capsys.readouterr().err
    said = [line for line in _said(err) if "disk is full" in line]
    named = {"store": f"{archive}/objects/", "append": f"{archive}/fetches.jsonl"}[write]
    with capsys.disabled():
        print(f"\nthe disk full at {write} #{call}: exit {code}; {' | '.join(said)}")
    assert code == 1, err
    assert len(said) == 1 and said[0].startswith("gx fetch: the disk is full: "), err
    assert named in said[0] and "0 bytes free of 16.0 MB" in said[0], said
    assert "Traceback" not in err
    assert _whole(archive) == []
    archived = {r.address for r in Archive(archive).records() if r.succeeded}
    assert len(archived) < PAGES
    # room again: the same command archives what is missing, each page once
    monkeypatch.undo()
    free(disk)
    hits_before = sum(site.hits[f"/page/{i}?{LONG if long else ''}"] for i in range(PAGES))
    assert _fetch(manifest, archive) == 0
    assert _whole(archive) == []
    assert _archived_once(archive, addresses) == []
    # pages already recorded are not asked for again
    hits = sum(site.hits[f"/page/{i}?{LONG if long else ''}"] for i in range(PAGES))
    assert hits - hits_before == PAGES - len(archived)


def test_a_page_written_to_the_year_folder_on_a_full_disk_keeps_the_folder_as_it_was(
    disk, site, tmp_path, capsys
):
    """--export-raw puts each page's latest version in raw/<year>/ and removes its older one:
    on a full disk the older one must stay (the year would lose the report) and no
    half-written copy may be left for the pipeline to read."""
    raw = disk / "raw"
    archive = tmp_path / "archive"  # room for the pages; the year folders are the full disk
    manifest, _ = _manifest(site, tmp_path)
    assert _fetch(manifest, archive, "--export-raw", str(raw)) == 0
    first = sorted(p.relative_to(raw) for p in raw.rglob("*") if p.is_file())
    assert len(first) == PAGES
    site.edition = 2  # every page edited
    fill(disk)
    code = _fetch(manifest, archive, "--refresh", "--export-raw", str(raw))
    err = capsys.readouterr().err
    said = [line for line in _said(err) if "disk is full" in line]
    with capsys.disabled():
        print(f"\nthe disk full at --export-raw: exit {code}; {' | '.join(said)}")
    assert code == 1, err
    assert len(said) == 1 and said[0].startswith("gx fetch: the disk is full: "), err
    assert f"{raw}/20" in said[0], said
    assert "Traceback" not in err
    # each year keeps one whole edition of every report: the old one, or the new one
    files = [p for p in raw.rglob("*") if p.is_file() and not p.name.startswith("filler-")]
    assert not [p for p in files if p.name.endswith(".tmp")]
    assert len(files) == PAGES, sorted(p.name for p in files)
    for path in files:
        assert Archive(archive).has(_sha_of(archive, path)), path
    free(disk)
    assert _fetch(manifest, archive, "--export-raw", str(raw)) == 0
    files = [p for p in raw.rglob("*") if p.is_file()]
    assert len(files) == PAGES
    assert all(b"edition 2" in p.read_bytes() for p in files)


def _sha_of(archive: Path, path: Path) -> str:
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    assert path.name.startswith(sha[:16]), f"{path} is not the whole page it names"
    return sha


def test_a_log_line_torn_by_a_full_disk_is_undone_so_the_next_line_stands_alone(disk, tmp_path):
    """A write that ends part-way (the disk filled inside the line) leaves no part of the line:
    otherwise the next record, appended after room came back, would be glued to it and lost."""
    archive = Archive(disk / "archive")
    archive.lock()
    try:
        record = FetchRecord(
            address="http://a.example/" + LONG, outcome="failed", fetched_at="t", reason="x"
        )
        archive.append(record)
        fill(disk)
        with pytest.raises(OSError) as raised:
            archive.append(record)
        free(disk)
        archive.append(dataclasses.replace(record, address="http://b.example/"))
    finally:
        archive.unlock()
    assert [r.address for r in archive.records()] == [record.address, "http://b.example/"]
    assert str(raised.value).startswith("the disk is full: the fetch log could not be written")


def test_the_raw_archive_asset_on_a_full_disk_fails_saying_so_and_the_next_run_archives_all(
    disk, site, tmp_path, monkeypatch
):
    """The Dagster route (`raw_archive`): the step's failure says the disk is full and names
    the file (what the UI and `gx run` show); the rerun after freeing archives every page
    once and fills page_versions."""
    import dagster as dg
    import duckdb

    from gx_pipeline.defs.fetch_assets import raw_archive
    from gx_pipeline.defs.resources import WebFetcher, default_resources
    from gx_pipeline.defs.runner import _cause

    monkeypatch.setenv("GX_FETCH_ALLOW_PRIVATE", "1")
    data = disk / "data"
    data.mkdir()
    manifest, addresses = _manifest(site, tmp_path)
    (data / "manifest.csv").write_text(manifest.read_text())
    resources = {**default_resources(data), "web_fetcher": WebFetcher(delay=0.0, attempts=1)}
    instance = dg.DagsterInstance.ephemeral()

    def materialize() -> dg.ExecuteInProcessResult:
        return dg.materialize(
            [raw_archive], resources=resources, instance=instance, raise_on_error=False
        )

    fill(disk)
    result = materialize()
    assert not result.success
    (failure,) = [e for e in result.all_events if e.is_step_failure]
    said = _cause(failure, [])
    print(f"\nraw_archive on a full disk: {said}")
    assert said.startswith("the disk is full: a fetched page could not be written to "), said
    assert f"{data}/archive/objects/" in said
    assert _whole(data / "archive") == []
    free(disk)
    assert materialize().success
    assert _whole(data / "archive") == [] and _archived_once(data / "archive", addresses) == []
    conn = duckdb.connect(str(data / "warehouse.duckdb"), read_only=True)
    try:
        assert conn.execute("select count(*) from page_versions").fetchone() == (PAGES,)
    finally:
        conn.close()
