"""A real `dagster dev` on loopback for the webserver and browser tests, shared by both.

Loaded as a pytest plugin (`-p gx_pipeline_tests.dagster_ui` in pyproject's addopts), so the
session fixture `dagster_ui` starts one server for both test modules, on a free port, with a temporary DAGSTER_HOME and GX_DATA_DIR, and stopped by
process group at the end. `dagster dev` rather than `dagster-webserver` alone: queued runs need
the daemon's run coordinator.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Page

REPO = Path(__file__).resolve().parents[1]
LOCATION = "gx_pipeline"
REPOSITORY = "__repository__"

#: The same limits as `make dagster-home` writes, plus a 1 s dequeue interval (default 5 s) so
#: queued runs start promptly in a test.
DAGSTER_YAML = """\
concurrency:
  runs:
    max_concurrent_runs: 4
    tag_concurrency_limits:
      - key: dagster/partition
        value:
          applyLimitPerUniqueValue: true
        limit: 1
  pools:
    default_limit: 1
run_coordinator:
  module: dagster._core.run_coordinator
  class: QueuedRunCoordinator
  config:
    dequeue_interval_seconds: 1
telemetry:
  enabled: false
"""

LAUNCH_BACKFILL = """
mutation($params: LaunchBackfillParams!) {
  launchPartitionBackfill(backfillParams: $params) {
    __typename
    ... on LaunchBackfillSuccess { backfillId launchedRunIds }
    ... on PythonError { message stack }
    ... on Error { message }
  }
}
"""

RUNS = """
query($ids: [String!]) {
  runsOrError(filter: {runIds: $ids}) {
    __typename
    ... on Runs { results { runId status tags { key value } } }
  }
}
"""

RUN_EVENTS = """
query($runId: ID!) {
  logsForRun(runId: $runId, limit: 1000) {
    __typename
    ... on EventConnection { events { __typename ... on MessageEvent { message stepKey } } }
  }
}
"""

ASSET_NODES = """
{
  assetNodes {
    assetKey { path }
    description
    groupName
    kinds
    owners { ... on TeamAssetOwner { team } ... on UserAssetOwner { email } }
    opVersion
    assetChecksOrError { ... on AssetChecks { checks { name description } } }
  }
}
"""

CHECK_EXECUTIONS = """
query($key: AssetKeyInput!, $check: String!) {
  assetCheckExecutions(assetKey: $key, checkName: $check, limit: 20) {
    runId
    status
    partition
    evaluation {
      success
      severity
      partition
      metadataEntries {
        __typename
        label
        ... on MarkdownMetadataEntry { mdStr }
        ... on JsonMetadataEntry { jsonString }
        ... on IntMetadataEntry { intValue }
      }
    }
  }
}
"""

RUNS_TAGGED = """
query($key: String!, $value: String!) {
  runsOrError(filter: {tags: [{key: $key, value: $value}]}) {
    __typename
    ... on Runs { results { runId status creationTime startTime endTime tags { key value } } }
  }
}
"""

SENSOR = """
query($selector: SensorSelector!) {
  sensorOrError(sensorSelector: $selector) {
    __typename
    ... on Sensor { id sensorState { status ticks(limit: 1) { status timestamp } } }
  }
}
"""

STOP_SENSOR = """
mutation($id: String!) {
  stopSensor(id: $id) {
    __typename
    ... on StopSensorMutationResult { instigationState { status } }
    ... on PythonError { message }
  }
}
"""

START_SENSOR = """
mutation($selector: SensorSelector!) {
  startSensor(sensorSelector: $selector) {
    __typename
    ... on Sensor { sensorState { status } }
    ... on PythonError { message }
  }
}
"""

OBSERVATIONS = """
query($key: AssetKeyInput!, $partitions: [String!]) {
  assetOrError(assetKey: $key) {
    ... on Asset {
      assetObservations(partitions: $partitions) {
        partition
        description
        metadataEntries { label ... on TextMetadataEntry { text } }
      }
    }
  }
}
"""

TERMINAL = {"SUCCESS", "FAILURE", "CANCELED"}

BUNDLED_RAW = REPO / "data" / "raw"
# not imported from conftest: this module is loaded as a plugin (-p) before conftest
FIXTURES = Path(__file__).parent / "fixtures"
SEED = FIXTURES / "seed" / "000_1722c90fa512988b.txt"
REALDEV_PAGES = FIXTURES / "realdev" / "pages"
PASSING_2020 = ("107_qianjiang_zhouji_street_2020.txt", "108_haidong_hualong_qunke_center_2020.txt")
PASSING_2021 = "gen-2021-01-trs.html"
#: a generated page whose requests.balance does not hold
FAILING_2021 = "gen-2021-04-pipe.txt"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class DagsterUI:
    """A running `dagster dev` and its GraphQL endpoint."""

    url: str
    home: Path
    data_dir: Path
    process: subprocess.Popen
    log: Path
    backfills: list[dict] = field(default_factory=list)

    def graphql(self, query: str, variables: dict | None = None) -> dict:
        response = httpx.post(
            f"{self.url}/graphql", json={"query": query, "variables": variables or {}}, timeout=60
        )
        response.raise_for_status()
        body = response.json()
        assert "errors" not in body, body["errors"]
        return body["data"]

    def launch_year_backfill(self, years: list[str]) -> dict:
        """A backfill of gx_yearly_job, one run per year, as the UI's "Materialize" dialog
        launches it. forceSynchronousSubmission creates the runs right away instead of on the
        backfill daemon's next 30 s tick; they still go through the run queue."""
        params = {
            "selector": {
                "partitionSetName": "gx_yearly_job_partition_set",
                "repositorySelector": {
                    "repositoryLocationName": LOCATION,
                    "repositoryName": REPOSITORY,
                },
            },
            "partitionNames": years,
            "forceSynchronousSubmission": True,
        }
        result = self.graphql(LAUNCH_BACKFILL, {"params": params})["launchPartitionBackfill"]
        assert result["__typename"] == "LaunchBackfillSuccess", result
        return result

    def runs(self, run_ids: list[str]) -> list[dict]:
        data = self.graphql(RUNS, {"ids": run_ids})["runsOrError"]
        return data["results"]

    def wait_for_runs(self, run_ids: list[str], timeout: float = 120) -> tuple[list[dict], set]:
        """Poll until every run is finished; also return every status seen on the way."""
        seen: set[str] = set()
        deadline = time.monotonic() + timeout
        while True:
            runs = self.runs(run_ids)
            seen |= {r["status"] for r in runs}
            if runs and all(r["status"] in TERMINAL for r in runs):
                return runs, seen
            if time.monotonic() > deadline or self.process.poll() is not None:
                raise AssertionError(f"runs not finished: {runs}\n{self.tail_log()}")
            time.sleep(0.5)

    def check_executions(self, asset: str, check: str) -> list[dict]:
        return self.graphql(CHECK_EXECUTIONS, {"key": {"path": [asset]}, "check": check})[
            "assetCheckExecutions"
        ]

    def run_events(self, run_id: str) -> list[dict]:
        return self.graphql(RUN_EVENTS, {"runId": run_id})["logsForRun"]["events"]

    def asset_nodes(self) -> list[dict]:
        return self.graphql(ASSET_NODES)["assetNodes"]

    def runs_tagged(self, key: str, value: str) -> list[dict]:
        """Runs with the tag key=value, oldest first."""
        runs = self.graphql(RUNS_TAGGED, {"key": key, "value": value})["runsOrError"]["results"]
        return sorted(runs, key=lambda r: r["creationTime"])

    def _sensor_selector(self, name: str) -> dict:
        return {
            "repositoryLocationName": LOCATION,
            "repositoryName": REPOSITORY,
            "sensorName": name,
        }

    def sensor_status(self, name: str) -> str:
        sensor = self.graphql(SENSOR, {"selector": self._sensor_selector(name)})["sensorOrError"]
        return sensor["sensorState"]["status"]

    def stop_sensor(self, name: str, timeout: float = 60) -> None:
        """What the UI's switch does to a sensor; returns once a look that began before the
        switch (and may still launch a run) has ended."""
        sensor = self.graphql(SENSOR, {"selector": self._sensor_selector(name)})["sensorOrError"]
        result = self.graphql(STOP_SENSOR, {"id": sensor["id"]})["stopSensor"]
        assert result["instigationState"]["status"] == "STOPPED", result
        # the daemon may have read the sensor as running just before the switch and record its
        # look's tick only now (seconds later on a loaded machine): give it time to show
        time.sleep(3)
        deadline = time.monotonic() + timeout
        while True:
            state = self.graphql(SENSOR, {"selector": self._sensor_selector(name)})
            ticks = state["sensorOrError"]["sensorState"]["ticks"]
            if not ticks or ticks[0]["status"] != "STARTED":
                return
            assert time.monotonic() < deadline, ticks
            time.sleep(0.5)

    def start_sensor(self, name: str) -> None:
        result = self.graphql(START_SENSOR, {"selector": self._sensor_selector(name)})
        assert result["startSensor"]["sensorState"]["status"] == "RUNNING", result

    def observations(self, asset: str, partitions: list[str]) -> list[dict]:
        data = self.graphql(OBSERVATIONS, {"key": {"path": [asset]}, "partitions": partitions})
        return data["assetOrError"]["assetObservations"]

    def backfill_run_ids(self) -> list[str]:
        return [run_id for b in self.backfills for run_id in b["launchedRunIds"]]

    def tail_log(self, n: int = 60) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-n:])


def _dagster_bin() -> str:
    return str(Path(sys.executable).parent / "dagster")


def populate_test_years(data_dir: Path) -> None:
    """2020: three reports that satisfy every identity; 2021: one that does, one that does not."""
    for year, source in [
        (2020, SEED),
        *((2020, REALDEV_PAGES / name) for name in PASSING_2020),
        *((2021, BUNDLED_RAW / "2021" / name) for name in (PASSING_2021, FAILING_2021)),
    ]:
        (data_dir / "raw" / str(year)).mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, data_dir / "raw" / str(year) / source.name)


def start(
    tmp: Path,
    populate=populate_test_years,
    timeout: float = 90,
    env: dict[str, str] | None = None,
    prepare: Callable[[Path, Path], None] | None = None,
) -> DagsterUI:
    """`dagster dev` over tmp/dagster_home and tmp/data (filled by `populate(data_dir)`, then
    `prepare(home, data_dir)` before the server starts), with `env` added to its environment."""
    home = tmp / "dagster_home"
    home.mkdir(parents=True)
    (home / "dagster.yaml").write_text(DAGSTER_YAML)
    data_dir = tmp / "data"
    (data_dir / "raw").mkdir(parents=True)
    populate(data_dir)
    if prepare is not None:
        prepare(home, data_dir)
    port = free_port()
    env = {**os.environ, **(env or {}), "DAGSTER_HOME": str(home), "GX_DATA_DIR": str(data_dir)}
    log = tmp / "dagster-dev.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [_dagster_bin(), "dev", "-w", "workspace.yaml", "-h", "127.0.0.1", "-p", str(port)],
            cwd=REPO,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: stop() ends the code server too
        )
    ui = DagsterUI(f"http://127.0.0.1:{port}", home, data_dir, process, log)
    deadline = time.monotonic() + timeout
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"dagster dev exited:\n{ui.tail_log()}")
        try:
            data = ui.graphql(
                "{ workspaceOrError { ... on Workspace { locationEntries { name "
                "locationOrLoadError { __typename } } } } }"
            )
            entries = data["workspaceOrError"]["locationEntries"]
            if entries and entries[0]["locationOrLoadError"]["__typename"] == "RepositoryLocation":
                return ui
        except (httpx.HTTPError, AssertionError, KeyError, TypeError):
            pass
        if time.monotonic() > deadline:
            stop(ui)
            raise RuntimeError(f"dagster dev did not come up:\n{ui.tail_log()}")
        time.sleep(0.5)


def stop(ui: DagsterUI) -> None:
    if ui.process.poll() is None:
        os.killpg(ui.process.pid, signal.SIGTERM)
        try:
            ui.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(ui.process.pid, signal.SIGKILL)
            ui.process.wait()


@pytest.fixture(scope="session")
def dagster_ui(tmp_path_factory) -> DagsterUI:
    """`dagster dev` over a temporary data dir, with two backfills of 2020-2021 launched back
    to back and finished: what a user does after a parser fix. The automation is stopped here
    (it would load the years first); test_automation.py has a server of its own with it on."""
    ui = start(tmp_path_factory.mktemp("dagster_ui"), env={"GX_AUTOMATION": "stopped"})
    try:
        for _ in range(2):
            ui.backfills.append(ui.launch_year_backfill(["2020", "2021"]))
        yield ui
    finally:
        stop(ui)
        if os.environ.get("GX_KEEP_UI_LOG"):
            shutil.copy(ui.log, REPO / "dagster-dev-test.log")


# --- the browser side: headless Chromium through playwright (its own browser download does not
# work offline; the Debian chromium does) ---

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    # without these Chromium tries to reach Google's servers and stalls
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str | None:
    found = shutil.which("chromium") or (CHROMIUM if Path(CHROMIUM).exists() else None)
    return found


@pytest.fixture(scope="module")
def browser():
    """Headless Chromium for a browser test module: fails in CI without it, skips elsewhere."""
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is in the dev extra")
    executable = chromium_path()
    if executable is None:
        if os.environ.get("CI"):
            pytest.fail("no chromium in CI: .ci/run installs it (apt-get install -y chromium)")
        pytest.skip("no chromium on this machine: apt-get install -y chromium")
    with sync_api.sync_playwright() as p:
        launched = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def shots(tmp_path) -> Path:
    """Where screenshots go: $GX_SCREENSHOT_DIR (docs/img refreshes the README's), else
    tmp_path."""
    target = Path(os.environ.get("GX_SCREENSHOT_DIR") or tmp_path)
    target.mkdir(parents=True, exist_ok=True)
    return target


def dismiss_welcome(page: Page) -> None:
    """A fresh browser profile gets Dagster's "Join the community" dialog once; skip it."""
    skip = page.get_by_role("button", name="Skip")
    try:
        skip.wait_for(timeout=3000)
    except Exception:  # noqa: BLE001 - playwright's TimeoutError: no dialog this time
        return
    skip.click()


def open_asset_graph(page: Page, ui_url: str) -> None:
    page.goto(f"{ui_url}/locations/{LOCATION}/asset-groups/gx")
    dismiss_welcome(page)
    for name in ("raw_report_inventory", "parsed_reports", "validated_frames", "gx_warehouse"):
        page.get_by_text(name, exact=True).first.wait_for(timeout=30000)
    # the nodes fill in their partition and check status after the graph is drawn
    page.get_by_text("partitions").first.wait_for(timeout=30000)
    page.wait_for_timeout(1500)


def open_chart(page: Page, ui_url: str, year: str) -> dict:
    """The warehouse asset's partition page with the requests_by_outcome markdown opened;
    returns the chart image's rendered size."""
    page.goto(f"{ui_url}/assets/gx_warehouse?view=partitions&partition={year}")
    row = page.locator("tr", has_text="requests_by_outcome")
    row.wait_for(timeout=30000)  # the welcome dialog, if any, is up by then
    dismiss_welcome(page)
    row.get_by_text("[Show Markdown]").click(timeout=30000)
    image = page.locator("img[src^='data:image/png']").first
    image.wait_for(timeout=15000)
    page.wait_for_timeout(500)
    return image.evaluate(
        "i => ({width: i.naturalWidth, height: i.naturalHeight, done: i.complete})"
    )
