"""Parsing on several cores gives what one process gives, and a dying worker costs one page."""

from __future__ import annotations

import functools
import gc
import hashlib
import os
import pickle
import signal
import subprocess
import threading
import time
from pathlib import Path

import pytest

from gx_pipeline.machine import available_cores
from gx_pipeline.report import Cell
from gx_pipeline.staging.parts import COLLECT_EVERY, fewer_collections
from gx_pipeline.staging.pool import (
    WORKER_DIED,
    PageParser,
    parse_raw,
    read_at_most,
    stalled,
    too_slow,
)
from gx_pipeline.staging.tables import LoadedReport, Quarantined, RawFile
from gx_pipeline_tests.conftest import FIXTURES, processes_naming
from gx_pipeline_tests.stopping import stop_on_marked_page


def _raws(paths: list[Path]) -> list[RawFile]:
    return [
        RawFile(p.name, str(p), hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_size, False)
        for p in paths
    ]


PAGES = _raws(
    [p for p in sorted((FIXTURES / "hazards").iterdir()) if p.suffix in (".html", ".txt")]
    + sorted((FIXTURES / "realdev" / "pages").iterdir())
)


def test_worker_processes_give_the_same_outcomes_in_the_same_order():
    with PageParser(len(PAGES), workers=1) as alone:
        assert not alone.parallel
        serial = alone.map(PAGES)
    with PageParser(len(PAGES), workers=2, min_pages=0) as pool:
        assert pool.parallel
        parallel = pool.map(PAGES[:30]) + pool.map(PAGES[30:])
    assert parallel == serial
    assert sum(isinstance(o, LoadedReport) for o in serial) > 40
    assert any(isinstance(o, Quarantined) for o in serial)  # the no-table pages say why


def test_reports_come_back_from_the_workers_as_the_parser_made_them():
    """A report crosses to the run's process pickled, its cells as plain tuples: they must come
    back as Cells (tuples compare equal to Cells, so == alone does not tell)."""
    with PageParser(len(PAGES), workers=2, min_pages=0) as pool:
        sent = [o for o in pool.map(PAGES) if isinstance(o, LoadedReport)]
    here = [o for o in map(parse_raw, PAGES) if isinstance(o, LoadedReport)]
    assert len(sent) == len(here) > 40
    for a, b in zip(sent, here, strict=True):
        assert {type(c) for c in a.report.cells} == {Cell}
        assert a.report.cells[0].value == a.report.cells[0][3]  # fields by name
        assert a.report.dumps() == b.report.dumps()
        assert pickle.loads(pickle.dumps(b.report)) == b.report


def test_fewer_collections_freezes_what_the_process_holds_and_gives_it_back():
    before = gc.get_threshold()
    frozen = gc.get_freeze_count()
    with fewer_collections():
        assert gc.get_freeze_count() > frozen
        assert gc.get_threshold()[0] >= COLLECT_EVERY
    assert gc.get_freeze_count() == frozen
    assert gc.get_threshold() == before


def test_a_small_year_is_parsed_in_this_process():
    assert not PageParser(50, workers=4).parallel
    assert PageParser(500, workers=4).parallel


def crash_on_marked_page(raw: RawFile) -> LoadedReport | Quarantined:
    """A parse that kills its process on one page, as a crash in a C library would."""
    if raw.source.startswith("null_markers"):
        os._exit(70)
    return parse_raw(raw)


def test_a_page_that_kills_its_worker_is_quarantined_and_the_rest_parse():
    pages = PAGES[:40]
    victim = next(i for i, r in enumerate(pages) if r.source.startswith("null_markers"))
    with PageParser(len(pages), workers=2, min_pages=0, parse=crash_on_marked_page) as pool:
        # the crash is in the first batch; the second was already sent to the dying pool
        cut = victim + 5
        outcomes = [o for batch in pool.map_batches([pages[:cut], pages[cut:]]) for o in batch]
        again = pool.map(pages[:3])  # the pool works again after the crash
    assert outcomes[victim] == Quarantined(pages[victim], "parse", WORKER_DIED)
    with PageParser(len(pages), workers=1) as alone:
        expected = alone.map(pages)
    assert outcomes[:victim] + outcomes[victim + 1 :] == expected[:victim] + expected[victim + 1 :]
    assert again == expected[:3]


def _state(pid: int) -> str:
    """A process's state letter (T: stopped), "" when it is gone."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return ""


@pytest.mark.signals
@pytest.mark.parametrize("always", [False, True], ids=["stopped_once", "stopped_every_time"])
def test_a_worker_that_stops_does_not_hold_the_year(tmp_path, always):
    """A worker stopped mid-chunk gave no result and no error: the run waited for it for good
    (measured: a real `gx run` of 231 pages, one worker sent SIGSTOP, still waiting 150 s later,
    going on only once the worker was sent SIGCONT). Its pages' time limit is a signal in the
    worker itself, which a stopped worker (or one stuck in C code) never handles. Now the run
    kills the workers once they finish no page for the page's limit and a grace, parses the
    pages they had again one by one, and quarantines a page whose worker stops again."""
    pages = PAGES[:40]
    victim = next(i for i, r in enumerate(pages) if r.source.startswith("null_markers"))
    parse = functools.partial(stop_on_marked_page, flags=str(tmp_path), always=always)
    flag = tmp_path / "stopped"

    rescued = []

    def rescue() -> None:  # the code before waited for good: set the worker going after 40 s
        if flag.exists() and _state(int(flag.read_text())) == "T":
            rescued.append(time.monotonic() - start)
            os.kill(int(flag.read_text()), signal.SIGCONT)

    timer = threading.Timer(40, rescue)
    start = time.monotonic()
    timer.start()
    try:
        with PageParser(
            len(pages), workers=2, min_pages=0, parse=parse, page_seconds=1, stall_grace_s=3
        ) as pool:
            outcomes = [o for b in pool.map_batches([pages[:20], pages[20:]]) for o in b]
            stalls = pool.stalls
    finally:
        timer.cancel()
    with PageParser(len(pages), workers=1) as alone:
        expected = alone.map(pages)
    assert not rescued, f"the parse waited for the stopped worker until it was resumed: {rescued}"
    assert stalls == (2 if always else 1)  # always: the chunk, then the page alone
    if always:
        assert outcomes[victim] == Quarantined(pages[victim], "parse", stalled(4))
        outcomes[victim] = expected[victim]
    assert outcomes == expected
    assert _state(int(flag.read_text())) in ("", "Z")  # the stopped worker was killed


def test_a_page_whose_bytes_changed_after_the_inventory_is_quarantined_saying_so(tmp_path):
    """The inventory hashed the file; something (a fetch, a hand) rewrote it before the parse.
    Its report would carry the old bytes' sha256 (its report_id and the researchers' proof of
    the source) with figures read from the new bytes: it goes to quarantine instead, and the
    next run of the year reads it again."""
    seed = (FIXTURES / "seed" / "000_1722c90fa512988b.txt").read_bytes()
    page = tmp_path / "page.txt"
    page.write_bytes(seed)
    (raw,) = _raws([page])
    assert isinstance(parse_raw(raw), LoadedReport)
    page.write_bytes(seed.replace(b"\n", b"\r\n"))  # same figures, other bytes
    outcome = parse_raw(raw)
    assert isinstance(outcome, Quarantined)
    assert outcome.stage == "parse"
    assert "changed after the inventory" in outcome.reason
    assert raw.raw_sha256[:12] in outcome.reason
    assert hashlib.sha256(page.read_bytes()).hexdigest()[:12] in outcome.reason


def _slow_page(folder: Path) -> Path:
    """A page that takes the parser seconds: 1.6 million characters of a title's words in one
    run without its year."""
    page = folder / "slow.txt"
    words = "XX区人民政府政府信息公开工作年度报告"
    page.write_bytes((words * (1_600_000 // len(words))).encode("utf-8"))
    return page


@pytest.mark.parametrize("size", [0, 1, 9, 10, 11, 50])
@pytest.mark.parametrize("grown", [0, 1, 30])
def test_a_page_is_read_as_a_read_of_the_limit_reads_it(tmp_path, monkeypatch, size, grown):
    """read_at_most(f, 11) gives f.read(11), whatever the file's size, also for a file that grew
    after its size was asked for."""
    path = tmp_path / "page.html"
    path.write_bytes(bytes(range(size + grown)))
    with path.open("rb") as f:
        expected = f.read(11)
    real = os.fstat
    monkeypatch.setattr(
        "gx_pipeline.staging.pool.os.fstat",
        lambda fd: os.stat_result((0, 0, 0, 0, 0, 0, size, 0, 0, 0)) if fd > 2 else real(fd),
    )
    with path.open("rb") as f:
        assert read_at_most(f, 11) == expected


def test_a_page_the_parser_does_not_finish_in_time_is_quarantined_and_the_next_parses(tmp_path):
    import signal

    seed = FIXTURES / "seed" / "000_1722c90fa512988b.txt"
    slow, normal = _raws([_slow_page(tmp_path), seed])
    outer = []
    previous = signal.signal(signal.SIGALRM, lambda *_: outer.append("fired"))
    signal.setitimer(signal.ITIMER_REAL, 30)  # a caller's own deadline, which must survive
    try:
        late = parse_raw(slow, max_seconds=0.3)
        after = parse_raw(normal, max_seconds=0.3)
        left, _ = signal.getitimer(signal.ITIMER_REAL)
        handler = signal.getsignal(signal.SIGALRM)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    assert late == Quarantined(slow, "parse", too_slow(0.3))
    assert "did not finish this page in 0.3 s" in late.reason
    assert isinstance(after, LoadedReport)
    assert 25 < left <= 30 and handler is not previous and not outer


def test_worker_processes_quarantine_a_page_they_do_not_finish_in_time(tmp_path):
    seed = FIXTURES / "seed" / "000_1722c90fa512988b.txt"
    pages = _raws([_slow_page(tmp_path), seed])
    limited = functools.partial(parse_raw, max_seconds=0.3)
    with PageParser(2, workers=2, min_pages=0, parse=limited) as pool:
        late, after = pool.map(pages)
    assert late == Quarantined(pages[0], "parse", too_slow(0.3))
    assert isinstance(after, LoadedReport)


def collection_threshold(raw: RawFile) -> Quarantined:
    """Tells the worker's garbage-collection threshold, as the page's quarantine reason."""
    return Quarantined(raw, "parse", str(gc.get_threshold()[0]))


def test_workers_collect_garbage_less_often_than_pythons_default():
    with PageParser(2, workers=2, min_pages=0, parse=collection_threshold) as pool:
        outcomes = pool.map(PAGES[:2])
    assert [int(o.reason) for o in outcomes] == [COLLECT_EVERY, COLLECT_EVERY]


def test_when_no_worker_can_start_the_pages_are_parsed_here(monkeypatch):
    from gx_pipeline.staging import pool as parse_pool

    def no_forkserver(method):
        raise ValueError(f"cannot find context for {method!r}")  # as on Windows

    monkeypatch.setattr(parse_pool.multiprocessing, "get_context", no_forkserver)
    with PageParser(len(PAGES), workers=2, min_pages=0) as pool:
        outcomes = pool.map(PAGES)
    assert not pool.parallel
    assert pool.fallback.startswith("worker processes could not start (no forkserver here")
    with PageParser(len(PAGES), workers=1) as alone:
        assert outcomes == alone.map(PAGES)


@pytest.mark.parametrize(
    ("files", "cap"),
    [
        ({"cpu.max": "max 100000\n"}, None),
        ({"cpu.max": "150000 100000\n"}, 2),
        ({"cpu.max": "100000 100000\n"}, 1),
        ({"cpu/cpu.cfs_quota_us": "400000\n", "cpu/cpu.cfs_period_us": "100000\n"}, 4),
        ({"cpu/cpu.cfs_quota_us": "-1\n", "cpu/cpu.cfs_period_us": "100000\n"}, None),
        ({}, None),
    ],
)
def test_workers_follow_a_containers_cpu_quota(tmp_path, files, cap):
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    cores = len(os.sched_getaffinity(0))
    assert available_cores(tmp_path) == (min(cores, cap) if cap else cores)


def test_a_main_module_the_workers_cannot_import_falls_back_to_this_process():
    """A script piped to `python -` has no file the workers could import as their main module:
    they die on start, and the pages are parsed in the calling process instead."""
    import subprocess
    import sys

    script = (
        "from pathlib import Path\n"
        "from gx_pipeline.staging.pool import PageParser\n"
        "from gx_pipeline.staging.tables import LoadedReport, RawFile\n"
        f"p = Path({str(FIXTURES / 'seed' / '000_1722c90fa512988b.txt')!r})\n"
        "import hashlib\n"
        "raw = RawFile(p.name, str(p), hashlib.sha256(p.read_bytes()).hexdigest(), "
        "p.stat().st_size, False)\n"
        "with PageParser(2, workers=2, min_pages=0) as pool:\n"
        "    (outcome,) = pool.map([raw])\n"
        "print(type(outcome).__name__, len(outcome.report.cells))\n"
        "print(pool.fallback)\n"
    )
    done = subprocess.run(
        [sys.executable, "-"],
        check=False,
        input=script,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=Path(__file__).parents[1],
    )
    assert done.returncode == 0, done.stderr[-2000:]
    first, second = done.stdout.splitlines()[:2]
    assert first.split()[0] == "LoadedReport" and int(first.split()[1]) > 100
    assert second.startswith("worker processes could not start")


def slow_parse(raw: RawFile) -> LoadedReport | Quarantined:
    """A parse that takes a minute: the worker is busy when its run is killed."""
    import time

    time.sleep(60)
    return parse_raw(raw)


_RUN_WITH_WORKERS = """
import os, sys, threading
from gx_pipeline.staging.pool import PageParser
from gx_pipeline_tests.test_parse_pool import PAGES, slow_parse

parser = PageParser(len(PAGES), workers=2, min_pages=0, parse=slow_parse)
with parser:
    batches = parser.map_batches([PAGES[:50]])
    threading.Thread(target=lambda: next(batches), daemon=True).start()
    import time
    while parser._pool is None or len(parser._pool._processes) < 2:
        time.sleep(0.05)
    time.sleep(0.5)  # the workers have their chunks
    print(" ".join(str(p) for p in parser._pool._processes), flush=True)
    time.sleep(300)
"""


def _script(script: str) -> subprocess.Popen[str]:
    """`script` run by Python in the repository's folder, its output piped."""
    import subprocess
    import sys

    return subprocess.Popen(
        [sys.executable, "-c", script],
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).parents[1],
    )


def _assert_ends_after_its_summary(script: str, timeout: float) -> None:
    """`script` (run as _script does) prints "summary" and its process ends within `timeout`
    s (killed otherwise)."""
    run = _script(script)
    try:
        out, _ = run.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        run.kill()
        out, _ = run.communicate()
    assert "summary" in out
    assert run.returncode == 0, "the process hung at its exit"


def _workers_left_after(act, script: str = _RUN_WITH_WORKERS) -> list[int]:
    """Start a run with two busy workers (`script`), `act(run, workers)`, and the workers still
    running 10 s later."""
    import time

    run = _script(script)
    try:
        workers = [int(p) for p in run.stdout.readline().split()]
        assert len(workers) == 2
        act(run, workers)
        deadline = time.monotonic() + 10
        alive = workers
        while alive and time.monotonic() < deadline:
            time.sleep(0.2)
            alive = [p for p in workers if _running(p)]
    finally:
        run.kill()
        run.wait()
    return alive


@pytest.mark.signals
def test_worker_processes_end_when_their_run_is_killed():
    import signal

    def kill(run, workers):
        run.send_signal(signal.SIGKILL)  # no chance to shut its pool down
        run.wait()

    assert _workers_left_after(kill) == [], "worker processes outlived their run"


def converting_parse(raw: RawFile) -> LoadedReport | Quarantined:
    """A parse that waits on LibreOffice converting a .doc (GX_TEST_SOFFICE_DIR holds a
    `soffice` that never ends)."""
    from gx_pipeline.documents import word

    os.environ["PATH"] = os.environ["GX_TEST_SOFFICE_DIR"] + os.pathsep + os.environ["PATH"]
    word.read_doc(b"\xd0\xcf\x11\xe0" + "WordDocument".encode("utf-16-le"), "hangs.doc")
    return parse_raw(raw)


def test_libreoffice_converting_for_a_worker_ends_with_the_run(tmp_path, monkeypatch):
    """A worker converting a .doc when its run is killed: LibreOffice (a process group of its
    own) goes with the worker, not when its conversion ends, which may be never."""
    import signal
    import time

    fake = tmp_path / "fake-office"
    fake.mkdir()
    soffice = fake / "soffice"
    soffice.write_text("#!/bin/sh\nsleep 300\n")  # a child, as oosplash's soffice.bin
    soffice.chmod(0o755)
    monkeypatch.setenv("GX_TEST_SOFFICE_DIR", str(fake))

    def kill(run, workers):
        deadline = time.monotonic() + 60  # the workers import this module first
        while not processes_naming(str(fake)) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert processes_naming(str(fake)), "no conversion started"
        run.send_signal(signal.SIGKILL)
        run.wait()

    script = _RUN_WITH_WORKERS.replace("slow_parse", "converting_parse")
    assert _workers_left_after(kill, script) == []
    deadline = time.monotonic() + 5
    while processes_naming(str(fake)) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert processes_naming(str(fake)) == []


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")


def _children() -> set[int]:
    """This process's children, but multiprocessing's resource tracker (it stays by design)."""
    me = os.getpid()
    out = set()
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
                command = Path(f"/proc/{entry}/cmdline").read_bytes()
            except OSError:
                continue
            state, parent = stat.rsplit(")", 1)[1].split()[:2]
            if int(parent) == me and state != "Z" and b"resource_tracker" not in command:
                out.add(int(entry))
    return out


def _gone(pids: set[int], timeout: float = 10) -> bool:
    deadline = time.monotonic() + timeout
    while _children() & pids:
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads /proc")
def test_no_forkserver_stays_beside_the_run_after_the_parse():
    """The forkserver holds the preloaded parser: left running, it sat beside the validation
    and the load, the year's peak of memory. A second parse starts it again."""
    before = _children()
    for _ in range(2):
        with PageParser(len(PAGES), workers=2, min_pages=0) as pool:
            assert pool.parallel
            assert pool.map(PAGES[:4])
            server = _children() - before
            assert server  # the forkserver (the workers are its children)
        # it exits once its workers have (not waited for: a stuck worker must not hang the run)
        assert _gone(server)


def test_workers_end_on_sigterm_even_when_their_run_was_started_ignoring_it():
    """A run started with SIGTERM ignored (some supervisors and job shells do) passes that to
    its workers. A pool that breaks (a worker died) terminates the others with SIGTERM and
    waits for them; one that ignored it, stuck writing a result nobody reads, waited for the
    run to end while the run waited for it: the process hung at exit."""
    import signal

    def terminate(run, workers):
        for pid in workers:
            os.kill(pid, signal.SIGTERM)

    ignoring = "import signal\nsignal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
    left = _workers_left_after(terminate, ignoring + _RUN_WITH_WORKERS)
    assert left == [], "worker processes ignored SIGTERM"


@pytest.mark.signals
@pytest.mark.usefixtures("stop_signals_at_default")
def test_a_second_interrupt_while_the_workers_are_busy_does_not_hang_the_run_at_exit():
    """SIGTERM (or Ctrl-C) twice during a parse by workers: the second broke off the pool's
    shutdown, which waited for the workers' chunks; the workers, never told to stop, waited
    for work, and the process waited for them at its exit, for good (gx run printed its
    summary and never ended)."""

    script = """
import os, signal, threading, time
from gx_pipeline.staging.pool import PageParser
from gx_pipeline_tests.test_parse_pool import PAGES, slow_parse

parser = PageParser(len(PAGES), workers=2, min_pages=0, parse=slow_parse)

def interrupts():
    while parser._pool is None or len(parser._pool._processes) < 2:
        time.sleep(0.05)
    time.sleep(1)  # the workers have their chunks
    os.kill(os.getpid(), signal.SIGINT)
    time.sleep(1)  # the pool is shutting down
    os.kill(os.getpid(), signal.SIGINT)

threading.Thread(target=interrupts, daemon=True).start()
try:
    try:
        with parser:
            next(parser.map_batches([PAGES[:50]]))
    finally:
        time.sleep(3)  # the second lands in the pool's shutdown, or here
except KeyboardInterrupt:
    pass
print("summary", flush=True)
"""
    _assert_ends_after_its_summary(script, 30)


_INTERRUPTED_AS_A_WORKER_STARTS = """
import hashlib, time
import multiprocessing.process
from concurrent.futures import process as futures
from pathlib import Path
from gx_pipeline.staging.pool import PageParser
from gx_pipeline.staging.tables import RawFile

PAGES = [
    RawFile(p.name, str(p), hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_size, False)
    for p in sorted(Path({pages!r}).iterdir())
]

WHERE = {where!r}
started = []
start = multiprocessing.process.BaseProcess.start
start_thread = futures._ExecutorManagerThread.start

def start_then_interrupt(process):
    start(process)
    started.append(process)
    if WHERE == f"worker {{len(started)}} started":
        raise KeyboardInterrupt  # as a signal handler raises it: the pool has not noted the worker

def thread_started_then_interrupt(thread):
    start_thread(thread)
    if WHERE == "pool's thread started":
        raise KeyboardInterrupt  # waiting for the thread to run: not yet noted for the exit

multiprocessing.process.BaseProcess.start = start_then_interrupt
futures._ExecutorManagerThread.start = thread_started_then_interrupt
kept = None
try:
    with PageParser(len(PAGES), workers=2, min_pages=0) as parser:
        parser.map(PAGES)
except KeyboardInterrupt as err:
    kept = err  # a run's record of the failure may keep the error, and with it the pool
    time.sleep(1)  # the run goes on: the step's failure recorded, the summary
print("summary", len(started), flush=True)
"""


@pytest.mark.signals
@pytest.mark.parametrize("where", ["worker 1 started", "pool's thread started", "worker 2 started"])
def test_an_interrupt_as_a_worker_starts_does_not_hang_the_run_at_exit(where):
    """Ctrl-C, SIGTERM or the terminal's SIGHUP landing in the instant after a worker process
    started and before the pool noted it (or before the pool's thread was noted for the
    process's exit): nothing told that worker to stop, and the process waited for it at its
    exit, for good (multiprocessing joins every child it started; Python joins the pool's
    thread). A `gx run` whose terminal closed as 2021's parse began never ended."""

    pages = str(FIXTURES / "hazards")  # 49 pages: two chunks, so a second worker starts
    _assert_ends_after_its_summary(
        _INTERRUPTED_AS_A_WORKER_STARTS.format(where=where, pages=pages), 60
    )


def half_sent_parse(raw: RawFile) -> LoadedReport | Quarantined:
    """In a worker: the start of a result (its length, a few bytes of it) on the pool's result
    pipe, then nothing, as a worker killed while it writes a result larger than a pipe holds."""
    import multiprocessing.queues
    import struct
    import time

    (results,) = [q for q in gc.get_objects() if isinstance(q, multiprocessing.queues.SimpleQueue)]
    os.write(results._writer.fileno(), struct.pack("!i", 1 << 20) + b"x")
    time.sleep(300)
    return parse_raw(raw)


@pytest.mark.signals
@pytest.mark.usefixtures("stop_signals_at_default")
def test_an_interrupt_while_a_worker_sends_its_result_does_not_hang_the_run_at_exit():
    """Ctrl-C, SIGTERM or SIGHUP during a parse ends the pool by killing its workers. One
    killed as it wrote a chunk's result (~160 KB, more than a pipe holds) left the pool's thread
    reading the rest of that message for good, and Python waited for that thread at the
    exit: `gx run` printed its summary and never ended (3 of 98 signals during a real parse)."""

    script = """
import os, signal, threading, time
from gx_pipeline.staging.pool import PageParser
from gx_pipeline_tests.test_parse_pool import PAGES, half_sent_parse

parser = PageParser(len(PAGES), workers=2, min_pages=0, parse=half_sent_parse)

def interrupt():
    while parser._pool is None or len(parser._pool._processes) < 1:
        time.sleep(0.05)
    time.sleep(2)  # a worker has sent the start of its result
    os.kill(os.getpid(), signal.SIGINT)

threading.Thread(target=interrupt, daemon=True).start()
try:
    with parser:
        next(parser.map_batches([PAGES[:2]]))
except KeyboardInterrupt:
    pass
print("summary", flush=True)
"""
    _assert_ends_after_its_summary(script, 60)
