"""Parsing a year's pages on every core (no Dagster here).

Parsing is ~90% of a page's cost and pages are independent, so worker processes parse batches of
pages while the run's own process builds the rows. Results come back in the order of the pages.
A small year parses in the run's own process: starting the workers costs about a second.

A worker that dies (a crash inside a C library on some page) does not cost the year: the
batch is parsed again page by page in fresh workers, and the page that kills its worker goes to
quarantine with that reason. So does a worker that stops giving results: stopped (SIGSTOP, a
debugger), or stuck inside C code, where a page's time limit (a signal) cannot reach it.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import multiprocessing
import multiprocessing.context
import multiprocessing.forkserver
import multiprocessing.process
import multiprocessing.util
import os
import signal
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import CancelledError, Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from types import TracebackType
from typing import Any, BinaryIO, Self

from gx_pipeline.documents import page_kind, word
from gx_pipeline.machine import available_cores, process_alive
from gx_pipeline.parsing import PARSER_VERSION, ParseError, parse_bytes
from gx_pipeline.staging.inventory import MAX_PAGE_BYTES, open_file
from gx_pipeline.staging.parts import COLLECT_EVERY
from gx_pipeline.staging.tables import LoadedReport, Quarantined, RawFile

Outcome = LoadedReport | Quarantined

#: below this many pages one process parses them
POOL_MIN_PAGES = 200
#: pages a worker takes at a time: few round trips, and the work still shared evenly
CHUNK_PAGES = 25
WORKER_DIED = "the parser's worker process died on this page (a crash below Python)"
#: how often a worker looks whether the run that started it is still there
WATCH_INTERVAL_S = 0.5
#: how long past a page's time limit the workers may finish no page while the run waits for
#: one: reading and hashing a page of 32 MiB, sending its rows back, a machine under load
STALL_GRACE_S = 60.0


def stalled(seconds: float) -> str:
    return (
        f"the parser's worker process finished no page in {seconds:g} s, this one in hand "
        "(stopped, or stuck below Python where the page's time limit cannot reach): killed, "
        "the page not read"
    )


def too_large(max_bytes: int, size: int) -> str:
    return (
        f"larger than the cap of {max_bytes:,} bytes for a page ({size:,} bytes): hashed in "
        "blocks, not parsed (ParseConfig.max_page_bytes raises the cap)"
    )


def changed_since_inventory(hashed: str | None, now: str) -> str:
    return (
        f"the file changed after the inventory hashed it (sha256 {(hashed or '?')[:12]}…, now "
        f"{now[:12]}…): not parsed; run the year again to read it"
    )


#: how long the parser may take over one page before the page goes to quarantine: a page of
#: 32 MiB (the size cap) takes a few seconds; longer than LibreOffice's conversion of a .doc
#: may take (documents.word.CONVERT_TIMEOUT), whose own reason is the more precise
PAGE_SECONDS = 180.0
#: how the quarantine reason of a page the parser did not finish in time starts
TOO_SLOW = "the parser did not finish this page in"


def too_slow(seconds: float) -> str:
    return (
        f"{TOO_SLOW} {seconds:g} s (a page that makes it run away, or a parser defect): not "
        "read; ParseConfig.page_seconds raises the limit"
    )


class PageTimeout(BaseException):
    """Raised into a parse that ran past its time (a BaseException: the parser's own `except
    Exception` must not swallow it)."""


@contextlib.contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise PageTimeout in the block after `seconds` (a SIGALRM timer: regular expressions and
    Python code are interrupted; a call into C returns first). Only in a process's main thread,
    where signals arrive; elsewhere the block runs without a limit. A timer already set (a
    caller's own deadline) is set again afterwards with what is left of it."""
    if seconds <= 0 or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expired(signum: int, frame: object) -> None:
        raise PageTimeout

    previous = signal.signal(signal.SIGALRM, expired)
    outer, _ = signal.setitimer(signal.ITIMER_REAL, seconds)
    start = time.monotonic()
    try:
        yield
    finally:
        try:
            signal.setitimer(signal.ITIMER_REAL, 0)
        finally:  # the timer may fire as the block ends: the caller's handler comes back anyway
            signal.signal(signal.SIGALRM, previous)
            if outer > 0:
                # the caller's timer goes on; one due while the block ran fires right away
                left = outer - (time.monotonic() - start)
                signal.setitimer(signal.ITIMER_REAL, max(left, 1e-6))


def read_at_most(f: BinaryIO, limit: int) -> bytes:
    """What f.read(limit) reads (up to `limit` bytes, fewer at the end of the file), without
    asking for `limit` bytes at once: Python makes a buffer of the size asked for before it
    reads, 32 MiB for a page of ~90 KB (0.07 against 0.02 ms a page). The file's size now is
    asked for first, and a file that grew since is read on to the limit."""
    size = os.fstat(f.fileno()).st_size
    data = f.read(min(size + 1, limit))
    if size + 1 < limit and len(data) == size + 1:  # it grew: read on, as f.read(limit) would
        data += f.read(limit - len(data))
    return data


def parse_raw(
    raw: RawFile, max_bytes: int = MAX_PAGE_BYTES, max_seconds: float = PAGE_SECONDS
) -> Outcome:
    """One raw page: its report, or why it goes to quarantine. Never raises for a page.

    At most `max_bytes` (+1) are read: a file that grew past the cap since the inventory
    measured it is quarantined, not read whole. A page the parser has not finished after
    `max_seconds` is quarantined saying so (0: no limit)."""
    try:
        with open_file(Path(raw.path)) as f:
            data = read_at_most(f, max_bytes + 1)
    except OSError as err:
        return Quarantined(raw, "parse", f"cannot read the file: {err.strerror or err}")
    if len(data) > max_bytes:
        return Quarantined(raw, "parse", too_large(max_bytes, raw.size))
    # the file may have been rewritten since the inventory hashed it (a fetch landing a newer
    # copy, a hand): its report would carry the old bytes' sha256, its report_id and proof of
    # source, beside figures read from other bytes. ~0.08 ms a page
    sha256 = hashlib.sha256(data).hexdigest()
    if sha256 != raw.raw_sha256:
        return Quarantined(raw, "parse", changed_since_inventory(raw.raw_sha256, sha256))
    try:
        with time_limit(max_seconds):
            report = parse_bytes(data, raw.source, sha256)
    except PageTimeout:
        return Quarantined(raw, "parse", too_slow(max_seconds))
    except ParseError as err:
        return Quarantined(raw, "parse", err.reason)
    except Exception as err:  # noqa: BLE001 (a parser bug on one page must not block the year)
        return Quarantined(raw, "parse", f"parser error: {type(err).__name__}: {err}")
    if not report.cells:
        return Quarantined(raw, "parse", "; ".join(report.problems) or "no readable tables")
    loaded = LoadedReport(raw, report, PARSER_VERSION, page_kind(data))
    _ = loaded.fingerprint  # computed here, in the worker, and sent back with the report
    return loaded


class PageParser:
    """Parses batches of raw pages, in `workers` processes (0: one per core) when there are at
    least `min_pages` pages in all, else in this process. Use it as a context manager.

    `page_seconds` is the time limit `parse` puts on a page (0: none). While the run waits for
    a result and the workers finish no page for that long and `stall_grace_s` more, the
    workers are killed: the pages in hand are parsed again one by one in fresh workers, and a
    page whose worker stalls again is quarantined (see stalled())."""

    def __init__(
        self,
        pages: int,
        workers: int = 0,
        min_pages: int = POOL_MIN_PAGES,
        parse: Callable[[RawFile], Outcome] = parse_raw,
        page_seconds: float = PAGE_SECONDS,
        stall_grace_s: float = STALL_GRACE_S,
    ) -> None:
        self.workers = workers or available_cores()
        self.parallel = self.workers > 1 and pages >= min_pages
        self.parse = parse
        #: no page finished for this long: the workers are stuck (None: waited for at any length)
        self.stall_s = page_seconds + stall_grace_s if page_seconds > 0 else None
        #: why the pages were parsed in this process after all, if they were
        self.fallback: str | None = None
        #: how many times the workers were killed for finishing no page (stall_s)
        self.stalls = 0
        self._pool: ProcessPoolExecutor | None = None
        #: pages the current pool's workers have finished (shared with them)
        self._pages_done: Any = None
        #: every worker process its pools made (see _end_workers)
        self._made: list[multiprocessing.process.BaseProcess] = []
        #: whether this parser counts among the forkserver's users (see _release_forkserver)
        self._forkserver_used = False

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        pool, self._pool = self._pool, None
        ended = False
        try:
            if pool is not None and kind is None:
                pool.shutdown(cancel_futures=True)
            ended = kind is None
        finally:
            if not ended:
                # interrupted (Ctrl-C, SIGTERM, SIGHUP) or failed, in the parse or in the
                # shutdown: the chunks in hand are of no use
                _end_workers(pool, self._made)
        if self._forkserver_used:
            self._forkserver_used = False
            _release_forkserver()

    def map(self, raws: Sequence[RawFile]) -> list[Outcome]:
        """The outcome of each page, in order."""
        return next(self.map_batches([raws]))

    def map_batches(self, batches: Iterable[Sequence[RawFile]]) -> Iterator[list[Outcome]]:
        """The outcomes of each batch, in order. With workers, the next batch is already being
        parsed while the caller handles this one (two batches in memory at most)."""
        batches = iter(batches)
        if self.parallel:
            try:
                self._workers()
            except WorkersUnavailable as err:
                self.parallel = False
                self.fallback = f"worker processes could not start ({err}); parsed in this process"
        if not self.parallel:
            for batch in batches:
                yield [self.parse(raw) for raw in batch]
            return
        pending: tuple[Sequence[RawFile], list[Future]] | None = None
        for batch in batches:
            submitted = (batch, self._submit(batch))
            if pending is not None:
                yield self._collect(*pending)
            pending = submitted
        if pending is not None:
            yield self._collect(*pending)

    def _submit(self, batch: Sequence[RawFile]) -> list[Future]:
        try:
            pool = self._workers()
            return [
                pool.submit(_parse_chunk, self.parse, batch[i : i + CHUNK_PAGES])
                for i in range(0, len(batch), CHUNK_PAGES)
            ]
        except (BrokenProcessPool, WorkersUnavailable):
            self._pool = None
            return []

    def _collect(self, batch: Sequence[RawFile], futures: list[Future]) -> list[Outcome]:
        try:
            if len(futures) * CHUNK_PAGES >= len(batch):
                return [outcome for future in futures for outcome in self._result(future)]
        except (BrokenProcessPool, CancelledError):
            # (cancelled: sent to a pool killed since, see _result)
            self._pool = None
        except WorkerStalled:
            pass
        # a worker died or stalled (or the pool was down): page by page, to find the page
        return [self._alone(raw) for raw in batch]

    def _alone(self, raw: RawFile) -> Outcome:
        try:
            return self._result(self._workers().submit(_parse_chunk, self.parse, [raw]))[0]
        except BrokenProcessPool:
            self._pool = None
            return Quarantined(raw, "parse", WORKER_DIED)
        except WorkerStalled:
            return Quarantined(raw, "parse", stalled(self.stall_s or 0))
        except WorkersUnavailable:
            return self.parse(raw)  # no worker starts any more: this process it is

    def _result(self, future: Future) -> Any:
        """The future's result, waiting while the workers finish pages. When they finish none
        for `stall_s` (a worker stopped, or stuck in C code where its page's time limit cannot
        interrupt it), the pool's workers are killed and WorkerStalled raised: waiting on would
        hold the year for good, saying nothing."""
        pages_done = self._pages_done
        if self.stall_s is None or pages_done is None:
            return future.result()
        seen, since = pages_done.value, time.monotonic()
        while True:
            try:
                return future.result(timeout=min(1.0, self.stall_s))
            except TimeoutError:
                done = pages_done.value
                if done != seen:
                    seen, since = done, time.monotonic()
                elif time.monotonic() - since >= self.stall_s:
                    break
        self.stalls += 1
        pool, self._pool = self._pool, None
        _end_workers(pool, self._made)
        raise WorkerStalled

    def _workers(self) -> ProcessPoolExecutor:
        if self._pool is None:
            # forkserver, not fork: a Dagster step process has threads, and forking a process
            # with threads can deadlock the child
            try:
                context = multiprocessing.get_context("forkserver")
            except ValueError as err:  # a platform without it (Windows)
                raise WorkersUnavailable(f"no forkserver here: {err}") from err
            context.set_forkserver_preload(["gx_pipeline.staging.pool"])
            if not self._forkserver_used:
                # counted before the pool starts one: an interrupt during the start still lets
                # it go as the parser ends
                with _FORKSERVER_USERS_LOCK:
                    _FORKSERVER_USERS[0] += 1
                    self._forkserver_used = True
            pages_done = context.Value("q", 0)
            pool = ProcessPoolExecutor(
                self.workers,
                mp_context=_Noting(context, self._made),
                initializer=_start_worker,
                initargs=(os.getpid(), pages_done),
            )
            try:
                pool.submit(_ready).result()
                self._pool, self._pages_done = pool, pages_done
            except (BrokenProcessPool, OSError) as err:
                _end_workers(pool, self._made)
                raise WorkersUnavailable(f"{type(err).__name__}: {err}") from err
            except BaseException:
                # interrupted as the workers start (Ctrl-C, SIGTERM, the terminal's SIGHUP):
                # the pool is not the parser's yet, so its exit would not end it
                _end_workers(pool, self._made)
                raise
        return self._pool


class _Noting:
    """A multiprocessing context that notes each process made from it in `made`, and is the
    context it wraps otherwise. A pool notes its worker only after the worker started, and
    an interrupt that lands in between (a signal handler raising: Ctrl-C, SIGTERM, SIGHUP)
    leaves a worker the pool does not know of and so never stops; multiprocessing waits for
    every child it started at the process's exit, and for that one waited for good."""

    def __init__(self, context: multiprocessing.context.BaseContext, made: list) -> None:
        self._context = context
        self._made = made

    def Process(self, *args: Any, **kwargs: Any) -> multiprocessing.process.BaseProcess:
        # the ones that ended are let go: each holds two descriptors while it is kept (a year
        # whose pages kill their workers starts a pool per such page)
        self._made[:] = [made for made in self._made if _running(made)]
        process = self._context.Process(*args, **kwargs)
        self._made.append(process)
        return process

    def __getattr__(self, name: str) -> Any:
        return getattr(self._context, name)


def _end_workers(
    pool: ProcessPoolExecutor | None, made: list[multiprocessing.process.BaseProcess]
) -> None:
    """Kill every worker the parser's pools started that still runs (`made`, see _Noting:
    also one the pool never noted) and let the pool go without waiting.

    Waiting for busy workers to finish their chunks, a second interrupt (Ctrl-C twice,
    SIGTERM twice) broke off the shutdown part-way: the workers, never told to stop, waited
    for work, and the process waited for them at its exit, for good (after printing its
    summary). The pool's shutdown also wakes its thread, which then ends on the killed
    workers: Python waits for that thread at the exit too, and one an interrupt kept from
    being noted for the exit waited for work that never came."""
    for worker in list(made):
        if _running(worker):
            with contextlib.suppress(OSError, ValueError):
                worker.kill()
    if pool is not None:
        # a worker killed as it wrote a result (a chunk's, larger than a pipe holds) left the
        # pool's thread reading the rest of that message, and Python waits for that thread at
        # the exit. Its workers gone, this process holds the pipe's last writing end: closed,
        # the read ends (end of file), the pool counts itself broken and its thread ends (the
        # shutdown lets go of the queue, so it is taken first)
        results = getattr(pool, "_result_queue", None)
        pool.shutdown(wait=False, cancel_futures=True)
        writer = getattr(results, "_writer", None)
        if writer is not None:
            with contextlib.suppress(OSError):
                writer.close()


def _running(process: multiprocessing.process.BaseProcess) -> bool:
    """Started and not yet seen to end (its exit status not read)."""
    try:
        return process.is_alive()
    except (OSError, ValueError):  # closed
        return False


#: pools of this process that use the forkserver
_FORKSERVER_USERS = [0]
_FORKSERVER_USERS_LOCK = threading.Lock()


def _release_forkserver() -> None:
    """Let the forkserver go once no pool of this process uses it. It holds the preloaded
    parser (~110 MB) and would otherwise stay beside the run through the validation and the
    load, the year's peak; the next parse starts one again (~0.3 s).

    Its "alive" pipe is closed, as multiprocessing's own (private) stop does, but the server is
    not waited for: it exits once its last worker has, and a worker of a broken pool may be
    stuck writing a result nobody reads (it ends with the run, see _watch_run). Waiting for it
    hung the run. A thread reaps it whenever it exits. A Python whose forkserver lacks these
    attributes keeps its server running."""
    with _FORKSERVER_USERS_LOCK:
        _FORKSERVER_USERS[0] = max(0, _FORKSERVER_USERS[0] - 1)
        if _FORKSERVER_USERS[0]:
            return
        server = getattr(multiprocessing.forkserver, "_forkserver", None)
        names = ("_lock", "_forkserver_pid", "_forkserver_alive_fd", "_forkserver_address")
        if server is None or not all(hasattr(server, name) for name in names):
            return
        with server._lock:
            pid, alive = server._forkserver_pid, server._forkserver_alive_fd
            if pid is None or alive is None:
                return
            server._forkserver_pid = server._forkserver_alive_fd = None
            address, server._forkserver_address = server._forkserver_address, None
            os.close(alive)
        if address and not multiprocessing.util.is_abstract_socket_namespace(address):
            with contextlib.suppress(OSError):
                os.unlink(address)
        threading.Thread(target=_reap, args=(pid,), name="gx-reap-forkserver", daemon=True).start()


def _reap(pid: int) -> None:
    with contextlib.suppress(ChildProcessError, OSError):
        os.waitpid(pid, 0)


class WorkersUnavailable(RuntimeError):
    """No worker process could be started (e.g. the main module cannot be imported again)."""


class WorkerStalled(RuntimeError):
    """The workers finished no page for longer than a page may take; they were killed."""


#: in a worker: the count of pages its pool's workers finished (see PageParser._result)
_PAGES_DONE: list[Any] = [None]


def _ready() -> bool:
    return True


def _start_worker(run_pid: int, pages_done: Any = None) -> None:
    """In each worker, once: end on SIGTERM, collect garbage less often and watch the run
    (_watch_run).

    A run started with SIGTERM ignored (a supervisor's or a job shell's setting) passes that on
    to its workers, and a pool that breaks ends its other workers with SIGTERM and waits for
    them: a worker stuck sending a result that nobody reads would wait for the run to end while
    the run waited for it, and the process hung at its exit.

    A worker only parses, and the reports it builds hold no reference cycles: with Python's
    default thresholds the collector walks the chunk's reports again and again (~4% of a
    worker's time on portal pages); the run's own process does the same in parse_into
    (staging.parts.fewer_collections)."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _PAGES_DONE[0] = pages_done
    gc.set_threshold(max(COLLECT_EVERY, gc.get_threshold()[0]), *gc.get_threshold()[1:])
    _watch_run(run_pid)


def _watch_run(run_pid: int) -> None:
    """In each worker: end the worker when the process that started the pool is gone.

    A run killed with SIGKILL cannot shut its pool down, and a worker waiting for its next
    chunk would wait forever (it holds the task queue's write end itself, so it never sees
    end-of-file). The forkserver the worker was forked from exits with the run, so the
    worker's parent changes; the run's pid is checked too (a zombie counts as gone)."""
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent and process_alive(run_pid):
            time.sleep(WATCH_INTERVAL_S)
        word.end_conversions()  # LibreOffice converting a .doc for this worker goes too
        os._exit(1)

    threading.Thread(target=watch, name="gx-watch-run", daemon=True).start()


def _parse_chunk(parse: Callable[[RawFile], Outcome], raws: Sequence[RawFile]) -> list[Outcome]:
    outcomes = []
    pages_done = _PAGES_DONE[0]
    for raw in raws:
        outcomes.append(parse(raw))
        if pages_done is not None:
            with pages_done.get_lock():
                pages_done.value += 1
    return outcomes
