"""The instance's compute logs (gx_pipeline/defs/compute_logs.py): a run's output is kept for the
UI and reaches the terminal, and the run starts no process that could outlive it."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from gx_pipeline.defs.home import TEMPLATE, ensure_home

_RUN = textwrap.dedent(
    """
    import os, sys
    from pathlib import Path
    import dagster as dg

    def children():
        # the process's children, each with its command line
        pids = [c for t in Path("/proc/self/task").iterdir() for c in (t / "children").read_text().split()]
        return [Path("/proc", pid, "cmdline").read_bytes().replace(b"\\0", b" ").decode() for pid in pids]

    @dg.op
    def speak():
        print("op says hello on stdout", flush=True)
        print("op says hello on stderr", file=sys.stderr, flush=True)
        os.write(2, b"a C library writes to fd 2\\n")
        return children()

    @dg.job
    def job():
        speak()

    with dg.DagsterInstance.get() as instance:
        result = job.execute_in_process(instance=instance)
        seen = result.output_for_node("speak")
        manager = instance.compute_log_manager
        [capture] = [
            e for e in instance.all_logs(result.run_id)
            if e.dagster_event and e.dagster_event.event_type_value == "LOGS_CAPTURED"
        ]
        file_key = capture.dagster_event.event_specific_data.file_key
        key = manager.build_log_key_for_run(result.run_id, file_key)
        data = manager.get_log_data(key)
        print("KEPT-ERR", repr(data.stderr.decode()))
        print("KEPT-OUT", repr(data.stdout.decode()))
        print("COMPLETE", manager.is_capture_complete(key))
        print("CHILDREN", repr(seen))
        print("CLASS", type(manager).__name__)
    """
)


def _run(home: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", _RUN],
        env={"DAGSTER_HOME": str(home), "PATH": "/usr/bin:/bin"},
        check=False,
        capture_output=True,
        text=True,
        timeout=300,
    )


def _said(out: str, word: str) -> str:
    return next(line.split(" ", 1)[1] for line in out.splitlines() if line.startswith(word + " "))


def test_a_run_keeps_its_output_for_the_ui_and_starts_no_process_that_could_outlive_it(tmp_path):
    """Dagster's default copies the captured output to the terminal with `tail -F` processes; a
    run killed with SIGKILL between starting one and its watcher left it running for good."""
    done = _run(ensure_home(tmp_path / "home"))
    assert done.returncode == 0, done.stderr
    assert _said(done.stdout, "CLASS") == "InProcessComputeLogManager"
    assert _said(done.stdout, "CHILDREN") == "[]"
    # the UI's copy: Python's writes and a C library's alike
    kept_err = _said(done.stdout, "KEPT-ERR")
    assert "op says hello on stderr" in kept_err and "a C library writes to fd 2" in kept_err
    assert "op says hello on stdout" in _said(done.stdout, "KEPT-OUT")
    assert _said(done.stdout, "COMPLETE") == "True"
    # and the terminal's, complete when the run returns
    assert "op says hello on stderr" in done.stderr
    assert "a C library writes to fd 2" in done.stderr
    assert "op says hello on stdout" in done.stdout
    # under storage/ of the instance's folder, where Dagster's default puts them
    assert list((tmp_path / "home" / "storage").rglob("*.err"))


def test_a_home_written_before_the_compute_logs_section_gets_it(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    template = TEMPLATE.read_text(encoding="utf-8")
    start = template.index("compute_logs:")
    end = template.index("telemetry:")
    (home / "dagster.yaml").write_text(template[:start] + template[end:], encoding="utf-8")
    ensure_home(home)
    text = (home / "dagster.yaml").read_text(encoding="utf-8")
    assert text.count("compute_logs:") == 1 and text.count("run_monitoring:") == 1
    assert "class: InProcessComputeLogManager" in text.split("# added by gx")[-1]
    ensure_home(home)  # once added, left alone
    assert (home / "dagster.yaml").read_text(encoding="utf-8") == text
    done = _run(home)
    assert done.returncode == 0, done.stderr
    assert _said(done.stdout, "CHILDREN") == "[]"


def test_a_home_with_its_own_compute_logs_keeps_them(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    own = "compute_logs:\n  module: dagster.core.storage.noop_compute_log_manager\n"
    own += "  class: NoOpComputeLogManager\n"
    (home / "dagster.yaml").write_text(own, encoding="utf-8")
    ensure_home(home)
    text = (home / "dagster.yaml").read_text(encoding="utf-8")
    assert text.startswith(own) and "InProcessComputeLogManager" not in text
    assert "run_monitoring:" in text


_CLOSED_STDOUT = textwrap.dedent(
    """
    import os, sys
    from gx_pipeline.defs.compute_logs import captured
    out, err = sys.argv[1], sys.argv[2]
    os.close(1)
    with captured(sys.stdout, out):
        os.write(1, b"kept though stdout was closed\\n")
    try:
        os.fstat(1)
        print("fd 1 left open", file=sys.stderr)
    except OSError:
        print("fd 1 closed again", file=sys.stderr)
    with captured(sys.stderr, err):
        print("stderr kept and copied", file=sys.stderr, flush=True)
    """
)


def test_a_run_whose_stdout_is_closed_keeps_its_output_in_the_file(tmp_path):
    out, err = tmp_path / "logs" / "x.out", tmp_path / "logs" / "x.err"
    done = subprocess.run(
        [sys.executable, "-c", _CLOSED_STDOUT, str(out), str(err)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert out.read_text() == "kept though stdout was closed\n"
    assert err.read_text() == "stderr kept and copied\n"
    assert done.stderr == "fd 1 closed again\nstderr kept and copied\n"


_STUCK_TERMINAL = textwrap.dedent(
    """
    import os, sys, time
    from gx_pipeline.defs.compute_logs import captured
    started = time.monotonic()
    with captured(sys.stderr, sys.argv[1]):
        os.write(2, b"x" * 300_000 + b"\\n")  # more than the pipe holds: its reader waits
    print(f"returned after {time.monotonic() - started:.1f} s", flush=True)
    """
)


def test_a_terminal_that_takes_nothing_does_not_hold_the_run(tmp_path):
    """The terminal's reader stopped (a pager, a stopped process): the capture ends after a
    bounded wait and the run goes on (it waited for the reader, so an interrupt in that wait
    failed a run whose steps had all succeeded); the file holds everything."""
    import select

    log = tmp_path / "logs" / "x.err"
    run = subprocess.Popen(
        [sys.executable, "-c", _STUCK_TERMINAL, str(log)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        ready, _, _ = select.select([run.stdout], [], [], 60)  # stderr is not read meanwhile
        said = run.stdout.readline().decode() if ready else ""
    finally:
        run.stderr.read()  # now the reader takes it
        run.wait(60)
    assert said.startswith("returned after"), "the capture waited for the stopped reader"
    assert log.stat().st_size == 300_001


@pytest.mark.parametrize(
    "written",
    [
        (
            "compute_logs: \n  module: dagster.core.storage.noop_compute_log_manager\n"
            "  class: NoOpComputeLogManager\n"
        ),
        (
            "compute_logs:  # our own\n  module: dagster.core.storage.noop_compute_log_manager\n"
            "  class: NoOpComputeLogManager\n"
        ),
        (
            "compute_logs: {module: dagster.core.storage.noop_compute_log_manager, "
            "class: NoOpComputeLogManager}\n"
        ),
        (
            '"compute_logs":\n  module: dagster.core.storage.noop_compute_log_manager\n'
            "  class: NoOpComputeLogManager\n"
        ),
    ],
    ids=["trailing-space", "comment", "flow", "quoted"],
)
def test_a_compute_logs_section_written_otherwise_is_still_the_users(tmp_path, written):
    """Any spelling of the key YAML reads as `compute_logs` counts (a second section appended
    after it replaced the user's setting: YAML keeps the last)."""
    import yaml

    home = tmp_path / "home"
    home.mkdir()
    (home / "dagster.yaml").write_text(written, encoding="utf-8")
    ensure_home(home)
    data = yaml.safe_load((home / "dagster.yaml").read_text(encoding="utf-8"))
    assert data["compute_logs"]["class"] == "NoOpComputeLogManager"
    assert "run_monitoring" in data
    assert (home / "dagster.yaml").read_text(encoding="utf-8").count("compute_logs") == 1


@pytest.mark.parametrize(
    "written", ["telemetry:\n  enabled: false\n...\n", "{telemetry: {enabled: false}}\n"]
)
def test_a_dagster_yaml_that_cannot_take_a_section_is_left_as_it_is(tmp_path, written):
    """An end-of-document marker or a flow mapping: appending would make the file unreadable."""
    home = tmp_path / "home"
    home.mkdir()
    (home / "dagster.yaml").write_text(written, encoding="utf-8")
    ensure_home(home)
    assert (home / "dagster.yaml").read_text(encoding="utf-8") == written
