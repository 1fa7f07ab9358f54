"""A full disk, said as such: which file could not be written, on which file system, how much
is free there now, and what to do.

A national year stages gigabytes of Parquet and holds two copies of the warehouse, so a run can
fill the disk at any write: a staged part (pyarrow says "Error writing bytes to file", no
path), the working file or its WAL (DuckDB names the file, but after a failed checkpoint only
"database has been invalidated"), the analysts' copy or the seed copy (`shutil` names nothing),
Dagster's run records under $DAGSTER_HOME (SQLite says "disk I/O error"). Each of these is
turned into one DiskFull error that names the path and the step, so the run says why it failed.
"""

from __future__ import annotations

import errno
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

#: what the libraries say when a write found no room: the OS (ENOSPC, EDQUOT), DuckDB, SQLite
_FULL_TEXT = re.compile(
    r"No space left on device|Disk quota exceeded|database or disk is full|errno 28\b",
    re.IGNORECASE,
)
#: DuckDB names the file it failed on: `Could not write file "/…/warehouse.duckdb.wal": …`
_QUOTED_PATH = re.compile(r'file "([^"]+)"', re.IGNORECASE)
#: SQLite says "disk I/O error" when its journal cannot grow: a full disk when there is
#: (almost) no room left on the file system of its database
_IO_ERROR_TEXT = re.compile(r"disk I/O error", re.IGNORECASE)
NEARLY_FULL_BYTES = 64 * 2**20
#: what to do, said after the file that could not be written (the pipeline's data folders)
RUN_AGAIN = "Free space there (or point GX_DATA_DIR / DAGSTER_HOME at a larger disk) and run again"


class DiskFull(OSError):
    """A write failed because the file system it went to is full (or over quota)."""

    def __init__(self, path: str | os.PathLike[str], what: str, remedy: str = RUN_AGAIN) -> None:
        self.path = Path(path)
        self.what = what
        super().__init__(errno.ENOSPC, describe(self.path, what, remedy), str(path))

    def __str__(self) -> str:
        return self.strerror or ""


def describe(path: Path, what: str, remedy: str = RUN_AGAIN) -> str:
    """One line: the disk is full, what could not be written where, the room left there, and
    `remedy`."""
    place = _existing(path)
    try:
        stats = os.statvfs(place)
    except OSError:
        room = ""
    else:
        free, total = stats.f_bavail * stats.f_frsize, stats.f_blocks * stats.f_frsize
        room = f" ({_size(free)} free of {_size(total)} on {_mount_point(place)})"
    return f"the disk is full: {what} could not be written to {path}{room}. {remedy}"


def is_disk_full(err: BaseException) -> bool:
    """Whether `err`, or an error it was raised from or during, is a write that found no room."""
    return any(_says_full(e) for e in _chain(err))


def explain(
    err: BaseException,
    where: str | os.PathLike[str],
    what: str,
    named: bool = True,
    remedy: str = RUN_AGAIN,
) -> DiskFull | None:
    """`err` as a DiskFull (None when it is not about a full disk): the DiskFull already in its
    chain, else one naming the file the error names (with `named`: DuckDB's WAL, say), or
    `where` (when it names none, or a copy's source or temporary file would mislead)."""
    chain = list(_chain(err))
    for e in chain:
        if isinstance(e, DiskFull):
            return e
    if not any(_says_full(e) for e in chain) and not (
        any(_IO_ERROR_TEXT.search(str(e)) for e in chain) and nearly_full(Path(where))
    ):
        return None
    for e in chain if named else ():
        path = getattr(e, "filename", None) or _quoted_path(str(e))
        if path:
            return DiskFull(path, what, remedy)
    return DiskFull(where, what, remedy)


@contextmanager
def named_when_full(
    path: str | os.PathLike[str], what: str, named: bool = True, remedy: str = RUN_AGAIN
) -> Iterator[None]:
    """A write in the block that finds the disk full raises DiskFull naming `path` (with
    `named`, the file the error names: DuckDB's WAL, say) and what was written; other errors
    pass as they are."""
    try:
        yield
    except Exception as err:
        full = explain(err, path, what, named, remedy)
        if full is None or full is err:
            raise
        raise full from err


def explain_text(text: str, where: str | os.PathLike[str], what: str) -> str | None:
    """describe() for an error known only by its text (a failed step's record): the file it
    names, else `where`; None when the text is not about a full disk."""
    if not _FULL_TEXT.search(text):
        return None
    return describe(Path(_quoted_path(text) or _os_filename(text) or where), what)


def _os_filename(text: str) -> str | None:
    """The file of an OSError's text: `[Errno 28] No space left on device: '/a/b'`."""
    found = re.search(r"\] [^\n]*?: '([^'\n]+)'", text)
    return found.group(1) if found else None


def nearly_full(path: Path, below: int = NEARLY_FULL_BYTES) -> bool:
    """Whether the file system holding `path` has less than `below` bytes left to write."""
    try:
        stats = os.statvfs(_existing(path))
    except OSError:
        return False
    return stats.f_bavail * stats.f_frsize < below


def _says_full(err: BaseException) -> bool:
    if isinstance(err, OSError) and err.errno in (errno.ENOSPC, errno.EDQUOT):
        return True
    return bool(_FULL_TEXT.search(str(err)))


def _chain(err: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    todo: list[BaseException | None] = [err]
    while todo:
        e = todo.pop()
        if e is None or id(e) in seen:
            continue
        seen.add(id(e))
        yield e
        todo.extend((e.__cause__, e.__context__))


def _quoted_path(text: str) -> str | None:
    found = _QUOTED_PATH.search(text)
    return found.group(1) if found else None


def _existing(path: Path) -> Path:
    """`path`, or its nearest folder that exists (the file may not have been created)."""
    path = Path(path).absolute()
    while not path.exists() and path != path.parent:
        path = path.parent
    return path


def _mount_point(path: Path) -> Path:
    path = path.resolve()
    while not os.path.ismount(path) and path != path.parent:
        path = path.parent
    return path


def _size(n: float) -> str:
    unit = "bytes"
    for unit in ("bytes", "KB", "MB", "GB", "TB"):
        if n < 1024 or unit == "TB":
            break
        n /= 1024
    return f"{n:,.0f} bytes" if unit == "bytes" else f"{n:,.1f} {unit}"


def append_whole(fd: int, data: bytes) -> None:
    """Append `data` to the file open for appending at `fd` and fsync it, all of it or none: a
    write the disk fills part-way through returns short without an error, so the rest is
    written until it fails, and then what was written is cut off again (a log line left half
    would glue the next one to it)."""
    end = os.fstat(fd).st_size
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        os.fsync(fd)
    except BaseException:
        with suppress(OSError):
            os.ftruncate(fd, end)
        raise
