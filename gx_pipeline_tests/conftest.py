"""Shared fixtures: a temporary data dir (raw pages + warehouse) and a helper that runs a year."""

import hashlib
import os
import shutil
import signal
import tempfile
import threading
import warnings
import zlib
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import dagster as dg
import duckdb
import pytest
from dagster._core.definitions.schedule_definition import ScheduleExecutionData

from gx_pipeline.fetch import FetchSettings

REPO = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures"
SEED = FIXTURES / "seed" / "000_1722c90fa512988b.txt"
REALDEV_PAGES = FIXTURES / "realdev" / "pages"

# partitioned asset checks are a Preview API in Dagster 1.13 (see checks.py)
warnings.filterwarnings("ignore", category=dg.PreviewWarning)
warnings.filterwarnings("ignore", category=dg.BetaWarning)


@pytest.fixture(autouse=True)
def no_local_dagster_home(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Tests never record runs in the developer's instance (`make` exports DAGSTER_HOME, and
    `gx run` falls back to the repository's .dagster_home): each test gets its own."""
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / ".dagster_home"))


@pytest.fixture(autouse=True)
def no_private_targets_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """A developer's GX_FETCH_ALLOW_PRIVATE=1 must not decide the tests of the address check:
    a test that fetches from loopback sets it (or passes allow_private) itself."""
    monkeypatch.delenv("GX_FETCH_ALLOW_PRIVATE", raising=False)


@pytest.fixture
def stop_signals_at_default() -> Iterator[None]:
    """Ctrl-C, SIGTERM and SIGHUP taken as usual by the test and by the processes it starts.

    A command started with `&` by a non-interactive shell (`make test &`, a CI step's
    background job) inherits SIGINT ignored, `nohup` SIGHUP, and exec keeps an ignored signal
    ignored; `gx run` and `gx fetch` rightly honour that, so a test of what a stop signal does
    would fail for the wrong reason. A handler installed here is reset to the default in a
    child at exec, so children start with all three at their defaults."""
    defaults = {
        signal.SIGINT: signal.default_int_handler,
        signal.SIGTERM: signal.SIG_DFL,
        signal.SIGHUP: signal.SIG_DFL,
    }
    previous = {
        s: signal.signal(s, handler)
        for s, handler in defaults.items()
        if signal.getsignal(s) is signal.SIG_IGN
    }
    try:
        yield
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    root = tmp_path / "data"
    (root / "raw").mkdir(parents=True)
    return root


#: Dagster's SQLite storage syncs every event to disk; on tmpfs a run records in half the time
_MEMORY_DISK = "/dev/shm" if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK) else None


@pytest.fixture
def instance() -> Iterator[dg.DagsterInstance]:
    """A persistent Dagster instance in a temporary DAGSTER_HOME (set while the test runs), as
    `make ui` keeps one in .dagster_home: runs, materializations and sensor state."""
    with (
        tempfile.TemporaryDirectory(prefix="gx-dagster-home-", dir=_MEMORY_DISK) as home,
        dg.instance_for_test(temp_dir=home) as dagster_instance,
    ):
        yield dagster_instance


def put_page(data_dir: Path, year: int, name: str, content: bytes | str | Path) -> Path:
    """Write a raw page into data/raw/<year>/name."""
    target = data_dir / "raw" / str(year) / name
    target.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, Path):
        shutil.copyfile(content, target)
    elif isinstance(content, str):
        target.write_text(content, encoding="utf-8")
    else:
        target.write_bytes(content)
    return target


def pid_of_a_process_gone() -> int:
    """The pid of a process that has ended (a run killed with it, say)."""
    import subprocess
    import sys

    ended = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    return int(ended.stdout)


def materialize_year(
    data_dir: Path,
    year: int,
    run_config: dict | None = None,
    instance: dg.DagsterInstance | None = None,
) -> dg.ExecuteInProcessResult:
    from gx_pipeline.definitions import ASSETS, CHECKS
    from gx_pipeline.defs.resources import default_resources

    return dg.materialize(
        [*ASSETS, *CHECKS],
        partition_key=str(year),
        resources=default_resources(data_dir),
        instance=instance or dg.DagsterInstance.ephemeral(),
        raise_on_error=False,
        run_config=run_config,
    )


def schedule_tick(
    schedule: dg.ScheduleDefinition,
    instance: dg.DagsterInstance,
    data_dir: Path,
    when: datetime,
    repository_def: dg.RepositoryDefinition | None = None,
) -> ScheduleExecutionData:
    """One tick of `schedule` at `when` over `data_dir`, as the daemon evaluates it."""
    from gx_pipeline.defs.resources import RawPages

    # closed after the tick: the context opens its own handle on the instance, which would
    # otherwise stay current after the instance's temporary home is gone
    with dg.build_schedule_context(
        instance=instance,
        scheduled_execution_time=when,
        repository_def=repository_def,
        resources={"raw_pages": RawPages(data_dir=str(data_dir))},
    ) as context:
        return schedule.evaluate_tick(context)


@pytest.fixture(scope="session")
def bundled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The warehouse `make run` builds from the bundled data/raw (every year, in order), built
    once for the whole test run: read it only (read_only=True); a test that loads again works
    on a copy of its data folder (warehouse.duckdb's parent: raw/, truth/)."""
    data = tmp_path_factory.mktemp("bundled") / "data"
    shutil.copytree(REPO / "data" / "raw", data / "raw")
    if (REPO / "data" / "truth").is_dir():
        shutil.copytree(REPO / "data" / "truth", data / "truth")
    for year in sorted(int(p.name) for p in (data / "raw").iterdir() if p.name.isdigit()):
        materialize_year(data, year)  # a failing tally check is expected for some years
    return data / "warehouse.duckdb"


def query(data_dir: Path, sql: str, params: list | None = None) -> list[tuple]:
    # close before the next materialize: DuckDB refuses a second connection to the same file
    # with a different configuration in one process
    conn = duckdb.connect(str(data_dir / "warehouse.duckdb"), read_only=True)
    try:
        return conn.execute(sql, params or []).fetchall()
    finally:
        conn.close()


#: fetch settings for a server on loopback: no delay, short timeouts, one try
LOOPBACK_FETCH = FetchSettings(
    concurrency=8,
    per_host=8,
    delay=0.0,
    connect_timeout=2.0,
    read_timeout=2.0,
    total_timeout=10.0,
    attempts=1,
    allow_private=True,
)


class ReportSite:
    """A web server on 127.0.0.1 serving `pages` (path -> bytes) with an ETag per content, so
    the fetcher's re-check gets a 304 for an unchanged page and the new bytes for an edited one.
    Any other path is a 404 (robots.txt too: everything allowed)."""

    def __init__(self) -> None:
        self.pages: dict[str, bytes] = {}
        self.hits: Counter[str] = Counter()
        self.base = ""

    def url(self, path: str) -> str:
        return self.base + path

    def handler(self) -> type[BaseHTTPRequestHandler]:
        site = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                site.hits[self.path] += 1  # one increment: atomic under the GIL
                body = site.pages.get(self.path)
                if body is None:
                    self.send_response(404)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                etag = f'"{hashlib.sha256(body).hexdigest()[:16]}"'
                if self.headers.get("If-None-Match") == etag:
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.send_header("ETag", etag)
                self.end_headers()
                self.wfile.write(body)

        return Handler


@contextmanager
def loopback_server(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    """An HTTP server on 127.0.0.1 (a free port) in a thread; yields its base address."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def report_site() -> Iterator[ReportSite]:
    site = ReportSite()
    with loopback_server(site.handler()) as base:
        site.base = base
        yield site


def killed_at(module: str, step: str, call: str, *args: object) -> int:
    """Run `module.call(*args)` in a process of its own that dies (os._exit, as under kill -9:
    no cleanup, no finally) the moment it reaches `module.step`; its exit status."""
    import subprocess
    import sys

    script = (
        "import importlib, os, sys\n"
        f"module = importlib.import_module({module!r})\n"
        f"setattr(module, {step!r}, lambda *a, **k: os._exit(9))\n"
        f"getattr(module, {call!r})(*sys.argv[1:])\n"
    )
    return subprocess.run([sys.executable, "-c", script, *map(str, args)], check=False).returncode


def processes_naming(text: str) -> list[int]:
    """Live processes whose command line holds `text` (a test's own folder)."""
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            if text in cmdline.read_bytes().decode(errors="replace"):
                found.append(int(cmdline.parent.name))
        except OSError:
            continue
    return found


#: the test modules on a session fixture built once per test process (`dagster dev` with its
#: backfills, the bundled warehouse): `make test` runs the tests in two processes (pytest-xdist,
#: `--dist loadfile`, each module in one of them but SPLIT_MODULES'), and runs the modules of
#: each fixture together
SHARED_FIXTURES = {
    "dagster_ui": ("test_browser.py", "test_webserver.py"),
    "bundled": ("test_agency_series.py", "test_readme_queries.py"),
}

#: modules of many slow tests (each a real `gx run` or more) that share no fixture wider than
#: a test's: in one process, test_run.py alone took longer than the rest of a process's share
#: of the suite. Their tests go out in this many parts, each part to whichever process is free
SPLIT_MODULES = {"test_run.py": 4}


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log):
    """`--dist loadfile`, but the modules of one of SHARED_FIXTURES go to the same process."""
    if config.getoption("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadFileScheduling

    together = {module: name for name, modules in SHARED_FIXTURES.items() for module in modules}

    class SharedFixtureScheduling(LoadFileScheduling):
        def _split_scope(self, nodeid: str) -> str:
            path, _, name = nodeid.partition("::")
            module = Path(path).name
            if module in SPLIT_MODULES:
                # (a test's parameters stay together: they share its function's name)
                test = name.split("[", 1)[0]
                return f"{path}#{zlib.crc32(test.encode()) % SPLIT_MODULES[module]}"
            return together.get(module, path)

    return SharedFixtureScheduling(config, log)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A module that uses a fixture of SHARED_FIXTURES and is not listed there still passes,
    but builds that fixture again in the other process: say so."""
    for item in items:
        for name, modules in SHARED_FIXTURES.items():
            if name in item.fixturenames and Path(item.nodeid.split("::")[0]).name not in modules:
                warnings.warn(
                    pytest.PytestWarning(f"{item.nodeid} uses {name}: add it to SHARED_FIXTURES"),
                    stacklevel=1,
                )
                return
