"""A whole manifest through the fetcher into the archive: resumable, interruptible, counted.

The archive's log is the run state. Without `refresh`, an address with a successful record is
done and skipped, so a run stopped by a crash or Ctrl-C picks up where it left off; failed
addresses are tried again. With `refresh`, every address is re-checked with a conditional
request, so an unchanged page costs a 304.
"""

from __future__ import annotations

import dataclasses
import hashlib
import threading
from collections import Counter, defaultdict, deque
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

from gx_pipeline.documents import page_kind
from gx_pipeline.fetch.archive import FAILED, FETCHED, UNCHANGED, Archive, FetchRecord, now
from gx_pipeline.fetch.attachments import ATTACHMENT_KINDS, notice_attachment
from gx_pipeline.fetch.charset import detect_charsets
from gx_pipeline.fetch.client import Fetcher, FetchFailed, FetchSettings, ServedPage, Validators
from gx_pipeline.fetch.error_pages import not_the_report
from gx_pipeline.fetch.hosts import Stopped, host_key
from gx_pipeline.fetch.index_pages import further_pages, report_links
from gx_pipeline.fetch.manifest import ManifestRow, read_manifest

#: called in the calling thread after each address: (record, addresses done, addresses to do)
Progress = Callable[[FetchRecord, int, int], None]


@dataclass(frozen=True)
class FetchSummary:
    #: archived a new content: first fetch of the address, or the page changed
    fetched: int
    #: re-checked and the same as archived (304, or the same bytes from a server without validators)
    unchanged: int
    #: addresses that needed more than one try, whatever their outcome
    retried: int
    failed: int
    #: already archived, so not requested at all (no refresh)
    skipped: int
    #: fetched addresses that already had an older version: edits since the last check
    changed: int
    #: (address, reason) per failed address, attached reports included
    failures: tuple[tuple[str, str], ...] = ()
    #: reports attached to notice pages, archived beside their page (fetched or unchanged)
    attachments: int = 0

    @property
    def total(self) -> int:
        return self.fetched + self.unchanged + self.failed + self.skipped


def fetch_manifest(
    manifest: str | Path | Sequence[ManifestRow],
    archive_dir: str | Path,
    settings: FetchSettings | None = None,
    progress: Progress | None = None,
) -> FetchSummary:
    """Archive every address of `manifest` (a CSV path or rows) into `archive_dir`.

    If `progress` raises (or Ctrl-C arrives), the run stops: requests in flight finish or give
    up, everything archived so far stays, and the exception propagates.
    """
    settings = settings or FetchSettings()
    rows = read_manifest(manifest) if isinstance(manifest, (str, Path)) else list(manifest)
    archive = Archive(archive_dir)
    archive.lock()
    try:
        return _run(rows, archive, settings, progress)
    finally:
        archive.unlock()


def _run(
    rows: list[ManifestRow], archive: Archive, settings: FetchSettings, progress: Progress | None
) -> FetchSummary:
    latest = archive.latest_successes()
    todo = [row for row in rows if settings.refresh or not _done(row.address, latest)]
    skipped = len(rows) - len(todo)
    counts = {FETCHED: 0, UNCHANGED: 0, FAILED: 0}
    retried = changed = attachments = 0
    failures: list[tuple[str, str]] = []
    stop = threading.Event()
    with Fetcher(settings, stop) as fetcher, ThreadPoolExecutor(settings.concurrency) as pool:
        futures: list[Future[tuple[FetchRecord, FetchRecord | None] | None]] = [
            pool.submit(_fetch_one, row, fetcher, archive, latest)
            for row in _spread_over_hosts(todo)
        ]
        try:
            for done, future in enumerate(as_completed(futures), start=1):
                fetched = future.result()
                if fetched is None:
                    continue
                record, file = fetched
                if file is not None:
                    attachments += file.succeeded
                    if not file.succeeded:
                        failures.append((file.address, file.reason or "unknown"))
                counts[record.outcome] += 1
                retried += record.attempts > 1
                if record.outcome == FETCHED and record.address in latest:
                    changed += 1
                if record.outcome == FAILED:
                    failures.append((record.address, record.reason or "unknown"))
                if progress is not None:
                    progress(record, done, len(todo))
        except BaseException:
            stop.set()
            for future in futures:
                future.cancel()
            raise
    return FetchSummary(
        fetched=counts[FETCHED],
        unchanged=counts[UNCHANGED],
        retried=retried,
        failed=counts[FAILED],
        skipped=skipped,
        changed=changed,
        failures=tuple(failures),
        attachments=attachments,
    )


def _done(address: str, latest: Mapping[str, FetchRecord]) -> bool:
    """Archived, and so is the report it attaches if it is a notice page (a run stopped between
    the two asks for the page again)."""
    record = latest.get(address)
    return record is not None and (record.attachment is None or record.attachment in latest)


def _spread_over_hosts(rows: Iterable[ManifestRow]) -> list[ManifestRow]:
    """Round-robin over hosts, so workers are not all queued behind one site's slots."""
    by_host: dict[str, deque[ManifestRow]] = defaultdict(deque)
    for row in rows:
        by_host[host_key(row.address)].append(row)
    spread: list[ManifestRow] = []
    queues = list(by_host.values())
    while queues:
        spread.extend(queue.popleft() for queue in queues)
        queues = [queue for queue in queues if queue]
    return spread


def _fetch_one(
    row: ManifestRow, fetcher: Fetcher, archive: Archive, latest: Mapping[str, FetchRecord]
) -> tuple[FetchRecord, FetchRecord | None] | None:
    """Fetch one address and append its record, then, when it is a notice page, the report it
    attaches and that record; None when the run stopped first."""
    record = _fetch(row, fetcher, archive, latest.get(row.address))
    if record is None or not record.succeeded:
        if record is not None:
            archive.append(record)
        return None if record is None else (record, None)
    attached = notice_attachment(
        archive.read(record.sha256 or ""), record.final_address or row.address, record.content_type
    )
    record = dataclasses.replace(record, attachment=attached)
    archive.append(record)
    if attached is None:
        return record, None
    # the same fetcher: address checks, robots.txt, size caps, deadlines, host politeness
    file = _fetch(
        ManifestRow(attached, row.agency, row.year), fetcher, archive, latest.get(attached)
    )
    if file is None:
        return record, None
    file = _only_documents(dataclasses.replace(file, attachment_of=row.address), archive)
    archive.append(file)
    return record, file


def _only_documents(record: FetchRecord, archive: Archive) -> FetchRecord:
    """An attachment that is not a PDF or Word file (an error page served with 200, a login
    form) is not the report: a failed fetch with that reason."""
    if not record.succeeded:
        return record
    kind = page_kind(archive.read(record.sha256 or ""))
    if kind in ATTACHMENT_KINDS:
        return record
    return dataclasses.replace(
        record,
        outcome=FAILED,
        reason=f"the attached report is not a PDF or Word file but {kind} "
        f"({record.content_type or 'no Content-Type'})",
    )


def _fetch(
    row: ManifestRow, fetcher: Fetcher, archive: Archive, previous: FetchRecord | None
) -> FetchRecord | None:
    """One address fetched and its body archived: its record, not yet appended; None when the
    run stopped first."""
    if fetcher.stop.is_set():
        return None
    validators = Validators(previous.etag, previous.last_modified) if previous else None
    base = {"address": row.address, "agency": row.agency, "year": row.year}
    try:
        page = fetcher.get(row.address, validators)
    except Stopped:
        return None
    except FetchFailed as exc:
        return FetchRecord(
            **base, outcome=FAILED, fetched_at=now(), attempts=exc.attempts, reason=exc.reason
        )
    except Exception as exc:  # noqa: BLE001 - one odd page must not end a 10,000-address run
        return FetchRecord(
            **base, outcome=FAILED, fetched_at=now(), reason=f"{type(exc).__name__}: {exc}"
        )
    return _record_page(row, page, archive, previous)


def _record_page(
    row: ManifestRow, page: ServedPage, archive: Archive, previous: FetchRecord | None
) -> FetchRecord:
    base = {"address": row.address, "agency": row.agency, "year": row.year}
    common = {
        "fetched_at": now(),
        "final_address": page.final_address,
        "status": page.status,
        "attempts": page.attempts,
    }
    if page.body is None:  # 304 Not Modified
        if previous is None:
            return FetchRecord(
                **base, **common, outcome=FAILED, reason="304 for a page never archived"
            )
        return dataclasses.replace(
            previous,
            **base,
            **common,
            outcome=UNCHANGED,
            etag=page.etag or previous.etag,
            last_modified=page.last_modified or previous.last_modified,
            reason=None,
        )
    archived = (
        archive.read(previous.sha256)
        if previous is not None
        and previous.sha256 is not None
        and previous.sha256 != hashlib.sha256(page.body).hexdigest()
        else None
    )
    instead = not_the_report(page.body, page.final_address, page.content_type, archived)
    if instead is not None:
        # not archived: a re-check keeps the version it has, a first fetch is asked for again
        kept = "the archived version is kept" if previous is not None else "nothing archived"
        return FetchRecord(
            **base,
            **common,
            outcome=FAILED,
            size=len(page.body),
            content_type=page.content_type,
            reason=f"HTTP {page.status} but {instead}: not the report; {kept}",
        )
    sha256 = archive.store(page.body)
    charsets = detect_charsets(page.body, page.content_type)
    same = previous is not None and previous.sha256 == sha256
    return FetchRecord(
        **base,
        **common,
        outcome=UNCHANGED if same else FETCHED,
        sha256=sha256,
        size=len(page.body),
        etag=page.etag,
        last_modified=page.last_modified,
        content_type=page.content_type,
        header_charset=charsets.header,
        meta_charset=charsets.meta,
        encoding=charsets.sniffed,
    )


#: the pages of one list read at most (its first and the later ones it links): a report column
#: holds 10-20 links a page and reports since 2008, two or three pages
MAX_LIST_PAGES = 20


@dataclass(frozen=True)
class ListPages:
    """What fetching agencies' list pages, their later pages followed, came to."""

    #: every page fetched: the lists' first pages, then the later pages followed
    summary: FetchSummary
    #: the pages to read report links on: the lists given and the later pages found
    pages: tuple[ManifestRow, ...]
    #: later pages followed, over all lists
    followed: int
    #: lists with later pages beyond `max_pages`: (the list's address, later pages it links
    #: that were not read: at least that many, a page linking only its next)
    cut_short: tuple[tuple[str, int], ...]
    max_pages: int = MAX_LIST_PAGES

    def notes(self) -> list[str]:
        """What was read of the lists beyond their first pages, in lines for a person."""
        lines = [f"later pages of the lists read: {self.followed}"] if self.followed else []
        lines += [
            f"{address}: only its first {self.max_pages} pages were read; {left} later "
            "pages it links were not (their reports are not in the list of reports found)"
            for address, left in self.cut_short
        ]
        return lines


def fetch_index_pages(
    lists: Sequence[ManifestRow],
    archive_dir: str | Path,
    settings: FetchSettings | None = None,
    progress: Progress | None = None,
    max_pages: int = MAX_LIST_PAGES,
) -> ListPages:
    """Archive agencies' list pages and the later pages of each list they link (下一页,
    index_1.html, …; on the same site, in the list's folder, see `further_pages`), up to
    `max_pages` a list; the later pages carry their list's agency and year."""
    summary = fetch_manifest(lists, archive_dir, settings, progress)
    archive = Archive(archive_dir)
    list_of = {row.address: row.address for row in lists}
    read = Counter(row.address for row in lists)
    left: Counter[str] = Counter()
    pages, frontier = list(lists), list(lists)
    while frontier:
        latest = archive.latest_successes()
        more: list[ManifestRow] = []
        for row in frontier:
            record = latest.get(row.address)
            if record is None or record.sha256 is None:
                continue
            body = archive.read(record.sha256)
            for address in further_pages(body, record.final_address or row.address):
                first = list_of[row.address]
                if address in list_of:
                    continue
                if read[first] >= max_pages:
                    left[first] += 1
                    continue
                list_of[address] = first
                read[first] += 1
                more.append(ManifestRow(address, row.agency, row.year))
        if more:
            summary = _added(summary, fetch_manifest(more, archive_dir, settings, progress))
        pages += more
        frontier = more
    cut_short = tuple(sorted(left.items()))
    return ListPages(summary, tuple(pages), len(pages) - len(lists), cut_short, max_pages)


def _added(one: FetchSummary, other: FetchSummary) -> FetchSummary:
    """Two fetch runs' counts as one."""
    return FetchSummary(
        *(getattr(one, f.name) + getattr(other, f.name) for f in dataclasses.fields(FetchSummary))
    )


def manifest_from_index_pages(
    index_pages: Sequence[ManifestRow],
    archive_dir: str | Path,
    years: Collection[int] | None = None,
) -> list[ManifestRow]:
    """Report rows found on list pages already archived (fetch them first with fetch_manifest),
    only those of report `years` when given.

    A list page's agency, if the manifest gave one, names the reports whose links do not.
    """
    archive = Archive(archive_dir)
    latest = archive.latest_successes()
    found: dict[str, ManifestRow] = {}
    for page in index_pages:
        record = latest.get(page.address)
        if record is None or record.sha256 is None:
            continue
        for row in report_links(
            archive.read(record.sha256), record.final_address or page.address, page.agency
        ):
            if years is None or row.year in years:
                found.setdefault(row.address, row)
    return list(found.values())
