"""What this machine gives the pipeline: cores, memory, and whether a process still lives.

A container limited to 2 CPUs and 8 GB still shows every core and all the memory of its host
in os.sched_getaffinity and /proc/meminfo; the cgroup's limits are what count.
"""

from __future__ import annotations

import os
from pathlib import Path

CGROUP = Path("/sys/fs/cgroup")


def available_cores(cgroup: Path = CGROUP) -> int:
    """The cores this process may use: its CPU affinity, capped by a container's CPU quota."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    quota = _cgroup_cpus(cgroup)
    return max(1, min(cores or 1, quota or cores or 1))


def _cgroup_cpus(root: Path) -> int | None:
    """CPUs allowed by the cgroup's quota (v2 cpu.max, v1 cfs_quota_us), None if unlimited."""
    try:
        text = (root / "cpu.max").read_text().split()
        quota, period = (text + ["100000"])[:2]
    except OSError:
        try:
            quota = (root / "cpu" / "cpu.cfs_quota_us").read_text().strip()
            period = (root / "cpu" / "cpu.cfs_period_us").read_text().strip()
        except OSError:
            return None
    if quota in ("max", "-1") or not quota.isdigit() or not period.isdigit() or int(period) == 0:
        return None
    return max(1, -(-int(quota) // int(period)))  # 1.5 CPUs: 2 workers


def available_memory(cgroup: Path = CGROUP, meminfo: Path = Path("/proc/meminfo")) -> int | None:
    """Bytes of memory this process may use: the machine's, capped by a container's limit (v2
    memory.max, v1 memory.limit_in_bytes); None when neither can be read (not Linux)."""
    total = None
    try:
        for line in meminfo.read_text().splitlines():
            if line.startswith("MemTotal:"):
                total = int(line.split()[1]) * 1024
                break
    except (OSError, ValueError, IndexError):
        pass
    limit = None
    for name in ("memory.max", "memory/memory.limit_in_bytes"):
        try:
            text = (cgroup / name).read_text().strip()
        except OSError:
            continue
        # cgroup v1 writes "no limit" as a huge number (9223372036854771712)
        if text.isdigit() and int(text) < 1 << 60:
            limit = int(text)
        break
    known = [n for n in (total, limit) if n]
    return min(known) if known else None


#: DuckDB's memory limit for the pipeline never goes past this: a national year's load fills the
#: buffer pool up to the limit (its joins and aggregates spill past it), so a limit that follows
#: the machine (12 GB here) is a peak that follows the year. Since no table with many rows a
#: report keeps a key's index (an ART is held in memory whole and does not spill: tally_results'
#: took ~400 MB of a 100,000-page load, which ran out of memory under 512 MiB), the load needs
#: no more than this: DuckDB then adds ~450 MB to the run's process, against ~1.1 GB under
#: 1 GiB (make bench-national; the load of a 100,000-page year takes ~20 s either way).
MAX_DUCKDB_MEMORY_MIB = 384


def duckdb_settings(share: float = 0.5) -> dict[str, str | int | bool]:
    """DuckDB's memory_limit and threads for the pipeline's connections, from this machine.

    DuckDB's defaults (80% of the RAM it detects, one thread per core it sees) leave no room
    for the parser's worker processes and this process's own batch of frames; half of the
    memory, at most MAX_DUCKDB_MEMORY_MIB, keeps a year's load and the check within what the
    machine really has. Insertion order is not kept (DuckDB's advice for large loads): every
    query that returns rows in an order says so with ORDER BY."""
    settings: dict[str, str | int | bool] = {
        "threads": available_cores(),
        "preserve_insertion_order": False,
    }
    memory = available_memory()
    if memory:
        settings["memory_limit"] = (
            f"{min(max(int(memory * share) // 2**20, 256), MAX_DUCKDB_MEMORY_MIB)}MiB"
        )
    return settings


def pid_namespace() -> str:
    """This process's pid namespace (the inode of /proc/self/ns/pid), "" where there is none to
    read: a pid names a process only within its namespace (a container has its own)."""
    try:
        return str(os.stat("/proc/self/ns/pid").st_ino)
    except OSError:
        return ""


def process_alive(pid: int, started_before: float | None = None) -> bool:
    """Whether process `pid` runs (a zombie does not). `started_before`: a Unix time the process
    must have started by, so a pid reused by a newer process does not count (Linux only: the
    start time comes from /proc)."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # someone else's process: it exists
    stat = _proc_stat(pid)
    if stat is None:
        return True  # no /proc: the signal test is all there is
    state, start = stat
    if state in ("Z", "X"):
        return False
    return started_before is None or start is None or start <= started_before + 1.0


def process_state(pid: int) -> str | None:
    """The state letter /proc gives process `pid` (R running, S sleeping, T stopped: Ctrl-Z or
    SIGSTOP), None when it is not known (gone, or no /proc)."""
    stat = _proc_stat(pid)
    return stat[0] if stat else None


def command_line(pid: int, width: int = 80) -> str | None:
    """Process `pid`'s command line (cut to `width` characters), None when it is not known."""
    try:
        words = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return None
    text = " ".join(w.decode(errors="replace") for w in words if w)
    return text if len(text) <= width else text[: width - 1] + "…"


def process_said(pid: int) -> str:
    """`process 1234 (`its command line`)`, said stopped (with the command that lets it go on)
    or ended when /proc says so."""
    command = command_line(pid)
    said = f"process {pid}" + (f" (`{command}`)" if command else "")
    state = process_state(pid)
    if state in ("T", "t"):
        said += f", which is stopped (Ctrl-Z or SIGSTOP: `kill -CONT {pid}` lets it go on)"
    elif not process_alive(pid):
        said += ", which has ended"
    return said


def _proc_stat(pid: int) -> tuple[str, float | None] | None:
    """(state, start time as a Unix time) of a process from /proc/<pid>/stat."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # the command name is in parentheses and may itself hold spaces or parentheses
    fields = text[text.rindex(")") + 2 :].split()
    state = fields[0]
    try:
        ticks = int(fields[19])  # field 22 of stat: start time in clock ticks after boot
        boot = next(
            float(line.split()[1])
            for line in Path("/proc/stat").read_text().splitlines()
            if line.startswith("btime ")
        )
        return state, boot + ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError, StopIteration):
        return state, None
