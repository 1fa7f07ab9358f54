"""The raw archive: page bytes exactly as served, content-addressed, with a log of every fetch.

    <archive>/objects/ab/abcdef...   the bytes, named by their sha256 (never by the address)
    <archive>/fetches.jsonl          one FetchRecord per fetch attempt, appended, fsynced
    <archive>/tmp/                   half-written objects; os.replace moves them into objects/

Nothing is ever overwritten: a page that changes is a new object next to the old one, and the
version history per address is read back from the log by `versions()`. A crash can leave a
stray temp file or a torn last log line (both removed when the next run takes the archive),
never a half object or a record without its object, because the object is in place before its
record is appended. A full disk leaves neither: the
temp file is removed, the part of a line written before the disk filled is cut off again, and
the write raises DiskFull naming the file.
"""

from __future__ import annotations

import dataclasses
import fcntl
import hashlib
import json
import logging
import os
import re
import threading
import uuid
from collections.abc import Callable, Container, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

from gx_pipeline.diskspace import append_whole, named_when_full
from gx_pipeline.fetch.manifest import report_year
from gx_pipeline.staging.inventory import PLACING

log = logging.getLogger(__name__)

OBJECTS = "objects"
LOG = "fetches.jsonl"
#: a record's sha256 as json.dumps writes it, read without decoding the line
_SHA256_FIELD = re.compile(r'"sha256"\s*:\s*"([0-9a-f]{64})"')
TMP = "tmp"
LOCK = ".lock"

#: what to do when the archive's disk is full: nothing archived is lost, a run resumes
FETCH_AGAIN = (
    "Free space there (or move the archive to a larger disk) and run again: the pages "
    "archived so far are kept"
)

#: the same for a year folder that could not take a page's new edition
PLACE_AGAIN = "Free space there and run again: the year folder keeps the editions it had"

#: the outcomes a FetchRecord can have
FETCHED, UNCHANGED, FAILED = "fetched", "unchanged", "failed"


@dataclass(frozen=True)
class FetchRecord:
    """One fetch of one address, as appended to fetches.jsonl."""

    address: str
    #: fetched (a new object: first fetch or a changed page), unchanged (304 or same bytes), failed
    outcome: str
    fetched_at: str
    final_address: str | None = None
    status: int | None = None
    sha256: str | None = None
    size: int | None = None
    etag: str | None = None
    last_modified: str | None = None
    content_type: str | None = None
    header_charset: str | None = None
    meta_charset: str | None = None
    #: what the bytes decode as (utf-8, then gb18030); None when neither decodes cleanly
    encoding: str | None = None
    attempts: int = 1
    reason: str | None = None
    #: from the manifest row, so the archive alone can place pages into data/raw/<year>/
    agency: str | None = None
    year: int | None = None
    #: on a notice page: the address of the report it attaches, fetched after it
    attachment: str | None = None
    #: on an attached report: the address of the page that links it
    attachment_of: str | None = None

    @property
    def succeeded(self) -> bool:
        return self.outcome in (FETCHED, UNCHANGED) and self.sha256 is not None


@dataclass(frozen=True)
class VersionRow:
    """One distinct content of one address, in the order the archive saw them."""

    address: str
    sha256: str
    size: int | None
    first_seen: str
    last_seen: str
    #: 1 for the first content archived, 2 for the first edit, ...
    version: int
    #: this content replaced an earlier one: the page was edited after it was first archived
    changed_after_first: bool
    #: where the fetch that first got this content ended after redirects, its HTTP status,
    #: Content-Type and what the bytes decode as
    final_address: str | None = None
    status: int | None = None
    content_type: str | None = None
    encoding: str | None = None
    #: agency and report year of the manifest row at the latest fetch of this content
    agency: str | None = None
    year: int | None = None


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


class ArchiveBusy(RuntimeError):
    pass


class Archive:
    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)
        self._log_lock = threading.Lock()
        self._lock_file: int | None = None

    # -- exclusive use ------------------------------------------------------------------------

    def lock(self) -> None:
        """Take the archive for one run; two runs appending to one log would interleave."""
        (self.root / OBJECTS).mkdir(parents=True, exist_ok=True)
        (self.root / TMP).mkdir(exist_ok=True)
        fd = os.open(self.root / LOCK, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise ArchiveBusy(f"another fetch is running on {self.root}") from None
        self._lock_file = fd
        # temp files left by a crashed run are no one's: nothing refers to them
        for stray in (self.root / TMP).iterdir():
            stray.unlink(missing_ok=True)
        self._mend_tail()

    def _mend_tail(self) -> None:
        """End the log on a whole line. A run killed in the middle of an append (kill -9, a
        power cut) leaves the start of its line: cut off (its fetch was never counted; the
        page is asked for again, and its object, already in place, is kept), so the log stays
        one JSON record a line for every reader (jq, pandas). A last line that is a whole
        record short of its newline gets the newline."""
        path = self.root / LOG
        if not path.is_file() or path.stat().st_size == 0 or _ends_with_newline(path):
            return
        with named_when_full(path, "the fetch log", False, FETCH_AGAIN), open(path, "r+b") as fh:
            start = _last_line_start(fh)
            fh.seek(start)
            tail = fh.read()
            try:
                whole = isinstance(json.loads(tail), dict)
            except ValueError:
                whole = False
            if whole:
                fh.seek(0, os.SEEK_END)
                fh.write(b"\n")
            else:
                fh.truncate(start)
                log.warning(
                    "%s ended in a line cut off by a crash (%d bytes): removed, its page is "
                    "fetched again",
                    path,
                    len(tail),
                )
            fh.flush()
            os.fsync(fh.fileno())

    def unlock(self) -> None:
        if self._lock_file is not None:
            os.close(self._lock_file)
            self._lock_file = None

    # -- objects ------------------------------------------------------------------------------

    def object_path(self, sha256: str) -> Path:
        if len(sha256) != 64 or not all(c in "0123456789abcdef" for c in sha256):
            raise ValueError(f"not a sha256: {sha256!r}")
        return self.root / OBJECTS / sha256[:2] / sha256

    def has(self, sha256: str) -> bool:
        return self.object_path(sha256).is_file()

    def store(self, body: bytes) -> str:
        """Put `body` into the archive (once per content) and return its sha256."""
        sha256 = hashlib.sha256(body).hexdigest()
        target = self.object_path(sha256)
        if target.is_file():
            return sha256
        temp = self.root / TMP / uuid.uuid4().hex
        with named_when_full(target, "a fetched page", named=False, remedy=FETCH_AGAIN):
            try:
                target.parent.mkdir(parents=True, exist_ok=True)
                (self.root / TMP).mkdir(exist_ok=True)
                with open(temp, "wb") as fh:
                    fh.write(body)
                    fh.flush()
                    os.fsync(fh.fileno())
                os.replace(temp, target)
            except BaseException:
                temp.unlink(missing_ok=True)
                raise
        return sha256

    def read(self, sha256: str) -> bytes:
        return self.object_path(sha256).read_bytes()

    # -- the log ------------------------------------------------------------------------------

    def append(self, record: FetchRecord) -> None:
        """Add `record` to the log as one whole line (the run holds the archive: `lock` has
        ended the log on a whole line): a write that fails part-way (a full disk) is cut off
        again, so the line is all there or not at all and the next one stands alone."""
        data = (json.dumps(dataclasses.asdict(record), ensure_ascii=False) + "\n").encode()
        path = self.root / LOG
        with self._log_lock, named_when_full(path, "the fetch log", False, FETCH_AGAIN):
            fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
            try:
                append_whole(fd, data)
            finally:
                os.close(fd)

    def records(self, only: Container[str] | None = None) -> Iterator[FetchRecord]:
        """The log's records in order. `only`: just the records of these sha256 (and those
        whose sha256 the line does not show plainly); the others are passed over before their
        JSON is read, which is most of the time a national archive's log costs."""
        path = self.root / LOG
        if not path.exists():
            return
        fields = {f.name for f in dataclasses.fields(FetchRecord)}
        with open(path, encoding="utf-8", errors="replace") as fh:
            for line in fh:
                if only is not None and (m := _SHA256_FIELD.search(line)) and m[1] not in only:
                    continue
                try:
                    data = json.loads(line)
                except json.JSONDecodeError:
                    # the line a run in progress is appending, or one a crash cut off in a log
                    # no run has mended since (Archive.lock does)
                    continue
                yield FetchRecord(**{k: v for k, v in data.items() if k in fields})

    def latest_successes(self) -> dict[str, FetchRecord]:
        """The last successful fetch of each address whose object is still in the archive."""
        latest: dict[str, FetchRecord] = {}
        for record in self.records():
            if record.succeeded:
                latest[record.address] = record
        return {a: r for a, r in latest.items() if self.has(r.sha256 or "")}


def _last_line_start(fh: BinaryIO) -> int:
    """The offset just after the last newline of an open file (0 without one)."""
    end = fh.seek(0, os.SEEK_END)
    while end > 0:
        start = max(0, end - 65536)
        fh.seek(start)
        at = fh.read(end - start).rfind(b"\n")
        if at >= 0:
            return start + at + 1
        end = start
    return 0


def _ends_with_newline(path: Path) -> bool:
    with open(path, "rb") as fh:
        fh.seek(-1, os.SEEK_END)
        return fh.read(1) == b"\n"


def versions(archive_dir: str | Path) -> list[VersionRow]:
    """Every distinct content of every address, for the warehouse's version history.

    A version's last_seen moves on with each re-check that found the same bytes (a 304 or an
    identical body); a different body starts the next version. Rows are ordered by address,
    then version.
    """
    history: dict[str, list[VersionRow]] = {}
    for record in Archive(archive_dir).records():
        if not record.succeeded:
            continue
        rows = history.setdefault(record.address, [])
        if rows and rows[-1].sha256 == record.sha256:
            rows[-1] = dataclasses.replace(
                rows[-1], last_seen=record.fetched_at, agency=record.agency, year=record.year
            )
            continue
        rows.append(
            VersionRow(
                address=record.address,
                sha256=record.sha256 or "",
                size=record.size,
                first_seen=record.fetched_at,
                last_seen=record.fetched_at,
                version=len(rows) + 1,
                changed_after_first=bool(rows),
                final_address=record.final_address,
                status=record.status,
                content_type=record.content_type,
                encoding=record.encoding,
                agency=record.agency,
                year=record.year,
            )
        )
    return [row for address in sorted(history) for row in history[address]]


def provenance(
    archive_dir: str | Path, only: Container[str] | None = None
) -> dict[str, tuple[str, str]]:
    """Where each archived content came from: sha256 -> (the address it was fetched from, the
    address of the report page it is the report of). The two differ for a report attached to a
    notice page; the last fetch that got the bytes wins. Empty without an archive.

    `only`: the sha256 wanted (a year's files): an archive of every year's crawl holds several
    records a page, ~230 MB as one dict at 700,000 records."""
    out: dict[str, tuple[str, str]] = {}
    for record in Archive(archive_dir).records(only):
        if (
            record.succeeded
            and record.sha256 is not None
            and (only is None or record.sha256 in only)
        ):
            out[record.sha256] = (record.address, record.attachment_of or record.address)
    return out


YearOf = Mapping[str, int | None] | Callable[[str], int | None]


def export_to_raw(
    archive_dir: str | Path,
    raw_dir: str | Path,
    year_of: YearOf | None = None,
    on_removed: Callable[[Path], None] | None = None,
) -> list[Path]:
    """Put the latest version of each address with a known report year into raw/<year>/.

    The year comes from `year_of` (a mapping or function of the address) where it knows one,
    else from the manifest row recorded with the fetch. Files are named `<sha256[:16]>.html`
    (`.pdf`, `.docx`, `.doc` for a document); a notice page's attached report takes the page's
    place. An older version of the same address exported earlier is removed, so the year never
    holds two editions of one report, and so is one placed under another year before the
    address's year was corrected. A page's temporary copy left by an export that was killed
    part-way is removed first, each passed to `on_removed` (and logged). Returns the files
    written or already in place.
    """
    archive = Archive(archive_dir)
    recorded_year: dict[str, int] = {}
    shas: dict[str, set[str]] = {}
    attached_to: dict[str, str] = {}
    for record in archive.records():
        if record.attachment_of is not None:
            # an attached report's versions are its page's: the year holds one of them
            attached_to[record.address] = record.attachment_of
            if record.sha256:
                shas.setdefault(record.attachment_of, set()).add(record.sha256)
            continue
        if record.year is not None:
            recorded_year[record.address] = record.year
        if record.sha256:
            shas.setdefault(record.address, set()).add(record.sha256)
    latest = archive.latest_successes()
    if year_of is None:
        given: Callable[[str], int | None] = lambda address: None
    elif callable(year_of):
        given = year_of
    else:
        given = year_of.get
    targets: dict[Path, tuple[str, str]] = {}
    for address, record in sorted(latest.items()):
        if address in attached_to:
            continue  # placed as its page's report, below
        year = report_year(given(address) or recorded_year.get(address))
        if year is None or record.sha256 is None:
            continue
        sha256 = record.sha256
        file = latest.get(record.attachment or "")
        if file is not None and file.sha256 is not None:
            # a notice page: the year holds the report it attaches in its place
            sha256 = file.sha256
        targets[Path(raw_dir) / str(year) / _raw_name(sha256, archive)] = (address, sha256)
    # an edition may be in any year's folder: the address's year was corrected since
    placed = _year_folders(Path(raw_dir))
    for stopped in remove_stopped_copies(placed):
        log.warning("%s: %s", stopped, STOPPED_COPY_REMOVED)
        if on_removed is not None:
            on_removed(stopped)
    for target, (address, sha256) in targets.items():
        if not target.exists():
            _place(archive, sha256, target)
        # mirrors of one report share an object, so only remove what no address still needs;
        # removed once the new edition is in place (a full disk keeps the year's old one)
        for older in shas[address]:
            for suffix in _SUFFIXES.values():
                name = f"{older[:16]}{suffix}"
                for folder, names in placed.items():
                    stale = folder / name
                    if name in names and stale not in targets:
                        stale.unlink(missing_ok=True)
    return sorted(targets)


STOPPED_COPY_REMOVED = (
    "a page's temporary copy left by an export stopped part-way (killed): removed; the page "
    "is placed again from the archive"
)


def remove_stopped_copies(folders: Mapping[Path, set[str]]) -> list[Path]:
    """Remove the temporary copies (PLACING) in the year folders `folders` (folder -> its names)
    whose export no longer runs: its process is gone, or (a name without a pid, written before
    the pid was in it) no export of this version wrote it. Returns those removed."""
    from gx_pipeline.machine import process_alive

    removed = []
    for folder, names in sorted(folders.items()):
        for name in sorted(names):
            match = PLACING.match(name)
            if match is None or (match[1] is not None and process_alive(int(match[1]))):
                continue
            (folder / name).unlink(missing_ok=True)
            names.discard(name)
            removed.append(folder / name)
    return removed


def _year_folders(raw_dir: Path) -> dict[Path, set[str]]:
    """The names in each year folder of `raw_dir` (listed once: a national year holds 100,000)."""
    if not raw_dir.is_dir():
        return {}
    return {
        folder: set(os.listdir(folder))
        for folder in raw_dir.iterdir()
        if folder.name.isdigit() and folder.is_dir()
    }


def _place(archive: Archive, sha256: str, target: Path) -> None:
    """Copy an object into a year folder under a temporary name renamed into place: the year
    never holds part of a page (a `.tmp` file is not read, and is removed on failure; one left
    by a killed export is removed by the next, see remove_stopped_copies)."""
    temp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    with named_when_full(target, "a page for the year folder", False, PLACE_AGAIN):
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            temp.write_bytes(archive.read(sha256))
            _renamed(temp, target)
        except BaseException:
            temp.unlink(missing_ok=True)
            raise


def _renamed(temp: Path, target: Path) -> None:
    """The page's copy takes its name in the year folder (the step a killed export missed)."""
    os.replace(temp, target)


#: a raw file's name ends in its kind, told by its bytes (the reader tells it again the same way)
_SUFFIXES = {"pdf": ".pdf", "docx": ".docx", "doc": ".doc", "html": ".html"}


def _raw_name(sha256: str, archive: Archive) -> str:
    from gx_pipeline.documents import kind_of

    with open(archive.object_path(sha256), "rb") as fh:
        head = fh.read(4096)
    kind = kind_of(head) if not head.startswith(b"PK") else kind_of(archive.read(sha256))
    return f"{sha256[:16]}{_SUFFIXES.get(kind or 'html')}"
