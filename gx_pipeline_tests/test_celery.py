"""A year spread over two celery workers with a real Redis broker on loopback (make test-celery,
run by .ci/run after make test; redis-server from `make broker-deps`): it must load exactly the
rows one machine loads, and fail at once, never hang, when the broker is down or a worker dies.
"""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import duckdb
import pytest
import yaml

from gx_pipeline.datadir import REPO_ROOT
from gx_pipeline.defs.executors import celery_config
from gx_pipeline.defs.home import ensure_home
from gx_pipeline.warehouse.lake import year_digests
from gx_pipeline_tests.conftest import materialize_year

pytestmark = pytest.mark.celery

BUNDLED = REPO_ROOT / "data"
#: the bundled year with the most pages and provinces
YEAR = 2020
VENV_BIN = Path(sys.executable).parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _copy_year(root: Path, year: int) -> Path:
    (root / "raw").mkdir(parents=True)
    shutil.copytree(BUNDLED / "raw" / str(year), root / "raw" / str(year))
    shutil.copytree(BUNDLED / "truth", root / "truth")
    return root


@dataclass
class Cluster:
    env: dict[str, str]
    home: Path
    data: Path
    workers: dict[str, subprocess.Popen]

    def spread(self, *years: int, timeout: float = 600) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "gx_pipeline.defs.spread", *map(str, years), "--runs", "2"],
            check=False,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )


def _stop(proc: subprocess.Popen) -> None:
    """End a process this test started, with its own process group (the worker's pool)."""
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=15)


@pytest.fixture
def cluster(tmp_path: Path) -> Iterator[Cluster]:
    """redis-server on a free loopback port and two dagster-celery workers sharing one
    DAGSTER_HOME, data folder and storage location; every process ended afterwards."""
    server = shutil.which("redis-server")
    if server is None:
        pytest.fail("redis-server is not installed: run `make broker-deps` (Debian's package)")
    port = _free_port()
    broker = f"redis://127.0.0.1:{port}/0"
    home = _initialized_home(tmp_path / "home")
    data = _copy_year(tmp_path / "data", YEAR)
    config = tmp_path / "celery.yaml"
    config.write_text(yaml.safe_dump({"execution": {"config": celery_config(broker)}}))
    env = {
        **os.environ,
        "PATH": f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        "DAGSTER_HOME": str(home),
        "GX_DATA_DIR": str(data),
        "GX_LAKE_URL": str(tmp_path / "lake"),
        "GX_CELERY_BROKER": broker,
    }
    procs: dict[str, subprocess.Popen] = {}
    log = (tmp_path / "redis.log").open("w")
    procs["redis"] = subprocess.Popen(
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        for name in ("w1", "w2"):
            procs[name] = subprocess.Popen(
                [
                    str(VENV_BIN / "dagster-celery"),
                    *("worker", "start", "-A", "dagster_celery.app", "-y", str(config)),
                    *("-n", name, "--", "--concurrency=1"),
                ],
                env=env,
                stdout=(tmp_path / f"{name}.log").open("w"),
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        _wait_for_workers(broker, {"w1", "w2"})
        yield Cluster(env, home, data, {n: procs[n] for n in ("w1", "w2")})
    finally:
        for proc in procs.values():
            _stop(proc)
        log.close()


def _initialized_home(path: Path) -> Path:
    """A DAGSTER_HOME whose SQLite storage exists before any process opens it: processes that
    create it at the same time leave two alembic heads, and every later open fails."""
    home = ensure_home(path)
    with dg.DagsterInstance.from_config(str(home)) as instance:
        instance.get_runs(limit=1)
    return home


def _wait_for_workers(broker: str, names: set[str], timeout: float = 120) -> None:
    from gx_pipeline.defs.spread import NoWorkers, require_workers

    deadline = time.monotonic() + timeout
    while True:
        try:
            if {n.split("@")[0] for n in require_workers(broker, timeout=2)} >= names:
                return
        except NoWorkers:
            pass
        if time.monotonic() > deadline:
            pytest.fail(f"the celery workers {sorted(names)} did not answer in {timeout:.0f} s")
        time.sleep(1)


def _digests(data: Path, year: int) -> dict[str, tuple[int, str]]:
    conn = duckdb.connect(str(data / "warehouse.duckdb"), read_only=True)
    try:
        return year_digests(conn, year)
    finally:
        conn.close()


def _steps_by_worker(home: Path) -> dict[str, list[str]]:
    """Which celery worker ran which steps, from the runs' event logs."""
    out: dict[str, list[str]] = {}
    with dg.DagsterInstance.from_config(str(home)) as instance:
        for run in instance.get_runs():
            for record in instance.all_logs(run.run_id, of_type=dg.DagsterEventType.ENGINE_EVENT):
                event = record.dagster_event
                metadata = event.engine_event_data.metadata if event else {}
                worker = metadata.get("Celery worker")
                if worker is not None:
                    out.setdefault(worker.value.split("@")[0], []).append(
                        f"{run.tags.get('dagster/partition')}:{event.step_key}"
                    )
    return out


def test_a_year_over_two_celery_workers_loads_exactly_the_rows_of_one_machine(
    cluster: Cluster, tmp_path: Path
):
    single = _copy_year(tmp_path / "single", YEAR)
    assert materialize_year(single, YEAR).success
    started = time.monotonic()
    done = cluster.spread(YEAR)
    seconds = time.monotonic() - started
    assert done.returncode == 0, done.stderr[-3000:]
    want, got = _digests(single, YEAR), _digests(cluster.data, YEAR)
    assert want["dim_report"][0] > 0 and want["fact_requests"][0] > 0
    assert got == want
    ran = _steps_by_worker(cluster.home)
    assert set(ran) == {"w1", "w2"}, ran  # both workers ran steps
    assert sum(len(v) for v in ran.values()) == len(
        [s for v in ran.values() for s in v]
    )  # counted once each
    rows = sum(n for n, _ in got.values())
    print(
        f"\n{YEAR}: {rows} rows in {len(got)} tables equal to one machine's; spread run "
        f"{seconds:.1f} s; steps per worker: { {w: len(s) for w, s in ran.items()} }"
    )


def _env_without_workers(tmp_path: Path, port: int) -> tuple[dict[str, str], Path]:
    """The environment of a spread or a run over a copy of the bundled year, broker on `port`."""
    data = _copy_year(tmp_path / "data", YEAR)
    env = {
        **os.environ,
        "DAGSTER_HOME": str(_initialized_home(tmp_path / "home")),
        "GX_DATA_DIR": str(data),
        "GX_LAKE_URL": str(tmp_path / "lake"),
        "GX_CELERY_BROKER": f"redis://127.0.0.1:{port}/0",
    }
    return env, data


def _spread_alone(env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "gx_pipeline.defs.spread", str(YEAR)],
        check=False,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_broker_that_is_down_fails_at_once_with_its_address(tmp_path: Path):
    port = _free_port()  # nothing listens there
    env, data = _env_without_workers(tmp_path, port)
    started = time.monotonic()
    done = _spread_alone(env)
    assert done.returncode == 1
    assert f"redis://127.0.0.1:{port}/0 cannot be reached" in done.stderr
    assert time.monotonic() - started < 60
    assert not (data / "warehouse.duckdb").exists()


def test_a_run_whose_broker_is_down_fails_instead_of_waiting(tmp_path: Path):
    """Without the ping in front (a run launched from the UI): the executor's own submission
    fails the run within seconds."""
    port = _free_port()
    env, _ = _env_without_workers(tmp_path, port)
    script = (
        "import dagster as dg\n"
        "from gx_pipeline.definitions_provinces import routes_job\n"
        "with dg.DagsterInstance.get() as i, dg.execute_job(dg.reconstructable(routes_job), "
        f"instance=i, tags={{'dagster/partition': '{YEAR}'}}, raise_on_error=False) as r:\n"
        "    print('success' if r.success else 'failed')\n"
    )
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-c", script],
        check=False,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.stdout.strip().splitlines()[-1] == "failed", done.stderr[-2000:]
    assert time.monotonic() - started < 120


#: a page of the bundled data the quick look routes to 湖北省, copied into a province big
#: enough that its step runs for seconds
COPIED = BUNDLED / "raw" / "2020" / "106_xiaogan_govoffice_2020.txt"
COPIES = 300


def _copies(root: Path, year: int) -> None:
    folder = root / "raw" / str(year)
    folder.mkdir(parents=True, exist_ok=True)
    page = COPIED.read_bytes()
    for i in range(COPIES):
        # distinct bytes: parsed each, loaded once (the others are copies of one report)
        (folder / f"copy-{i:04d}.txt").write_bytes(page + f"\n<!-- {i} -->\n".encode())


def test_a_worker_killed_mid_step_costs_the_step_not_the_rows(cluster: Cluster, tmp_path: Path):
    from dagster_celery.make_app import make_app

    year = YEAR + 1
    single = tmp_path / "single"
    (single / "raw").mkdir(parents=True)
    _copies(single, year)
    assert materialize_year(single, year).success
    _copies(cluster.data, year)
    spread = subprocess.Popen(
        [sys.executable, "-m", "gx_pipeline.defs.spread", str(year), "--runs", "2"],
        env=cluster.env,
        stdout=(tmp_path / "spread.log").open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    broker = cluster.env["GX_CELERY_BROKER"]
    app = make_app({"broker": broker, "backend": broker})
    killed = None
    try:
        deadline = time.monotonic() + 300
        while killed is None and spread.poll() is None and time.monotonic() < deadline:
            for worker, tasks in (app.control.inspect(timeout=1).active() or {}).items():
                for task in tasks:
                    if "province_facts" in str(task.get("kwargs")):
                        time.sleep(1)  # well inside the parse of 300 pages
                        os.kill(task["worker_pid"], signal.SIGKILL)
                        killed = (worker, task["worker_pid"])
                        break
                if killed:
                    break
            time.sleep(0.2)
        assert killed is not None, "no province step was seen running"
        assert spread.wait(timeout=600) == 0, (tmp_path / "spread.log").read_text()[-3000:]
    finally:
        app.close()
        _stop(spread)
    assert all(w.poll() is None for w in cluster.workers.values())  # the workers live on
    assert _digests(cluster.data, year) == _digests(single, year)
    print(
        f"\nkilled the pool process {killed[1]} of {killed[0]} mid-step; the year loaded the same rows"
    )


def test_a_broker_nobody_serves_fails_at_once_instead_of_waiting(tmp_path: Path):
    """Redis up, no worker: a run's steps would wait in the queue forever (dagster-celery has
    no step timeout), so spread refuses to start."""
    server = shutil.which("redis-server")
    if server is None:
        pytest.fail("redis-server is not installed: run `make broker-deps` (Debian's package)")
    port = _free_port()
    redis = subprocess.Popen(
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        env, data = _env_without_workers(tmp_path, port)
        started = time.monotonic()
        done = _spread_alone(env)
    finally:
        _stop(redis)
    assert done.returncode == 1
    assert f"no celery worker answers on redis://127.0.0.1:{port}/0" in done.stderr
    assert time.monotonic() - started < 60
    assert not (data / "warehouse.duckdb").exists()
