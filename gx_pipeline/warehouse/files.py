"""The working file and the published copy.

The pipeline writes one working file (`.work/warehouse.duckdb`) that only it opens, and after
each successful write publishes a copy for analysts (`warehouse.duckdb`) with one rename: an
analyst session holding that file open (even read-only, which DuckDB treats as a lock) never
blocks a run, and keeps its snapshot until it reconnects.

Both files are kept in DuckDB's storage format of STORAGE_VERSION, not in the newest one the
pinned duckdb writes: analysts open the published copy with the DuckDB they have (the CLI from
the package registry, DBeaver's driver, R), and a 1.x client refuses a file in duckdb 2.0's own
format. A new working file is created in that format; one in a newer format (made before, or by
another tool) is rewritten once, so that publishing stays a plain copy of the file.

What a kill, a crash or an analyst can leave behind is handled here, on every connection:

- the working file is seeded from the published copy through a temporary file renamed into
  place, and opened and checked (DuckDB opens it, and the file is as long as its own header
  says); a file that is not a usable DuckDB file is rebuilt from the published copy. A lock
  held by another process is waited for; "not a valid DuckDB file" is not a lock.
- temporary copies left by a process that died are removed.
- the published copy is read-only (mode 0444: DuckDB refuses a read-write connection to it for
  every user but root). A read-write session that gets in anyway survives: while it holds the
  file, the file is not replaced (the publish waits for the next write), and a file it changed
  is kept beside the new one, never deleted, with its WAL.
- the working file written by another process (a session opened on `.work/` instead of the
  published copy): each connection records the file as it closed it (`<name>.closed.json`),
  and the next one (or a publish) that finds it otherwise (a WAL beside it, other headers) moves
  it aside as `<name>.changed-<time>` with its WAL and starts again from the published copy,
  saying so; its rows are never loaded or published as the pipeline's. When the published copy
  is not the file as the pipeline left it (a load not yet published), the run is refused
  (WorkingFileChanged), naming the file and what to do. A WAL without its working file (the
  file deleted or moved without it) is kept aside as `<name>.orphaned-<time>.wal`, never
  replayed into the file made again.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import shutil
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import duckdb

from gx_pipeline.diskspace import DiskFull, is_disk_full
from gx_pipeline.diskspace import named_when_full as _named_when_full
from gx_pipeline.machine import duckdb_settings, process_alive, process_said

try:
    import fcntl
except ImportError:  # not POSIX: no byte-range locks to ask
    fcntl = None  # type: ignore[assignment]

log = logging.getLogger(__name__)

T = TypeVar("T")

#: The storage format of the working file and the published copy: DuckDB 1.1 and every later
#: version read it. DuckDB 1.0 does not, whatever the version named here: it cannot read the
#: primary-key indexes duckdb 2.0 writes, even as "v1.0.0" (which also compresses less).
#: Checked by the tests with the newest DuckDB CLI of the package registry (duckdb-cli).
STORAGE_VERSION = "v1.1.0"

#: what DuckDB says when the file is not a database it can use (as opposed to a lock or a
#: permission problem, which rebuilding would not cure)
_DAMAGED = re.compile(
    r"not a valid DuckDB database file|Could not read enough bytes|Corrupt|corrupt"
    r"|replaying WAL|WAL does not match|checksum",
)
_LOCKED = re.compile(r"Could not set lock|Conflicting lock")
#: the process DuckDB names as the holder of a file's lock
_HOLDER = re.compile(r"\(PID (\d+)\)")


#: the file DuckDB names when it could not set its lock
_LOCKED_FILE = re.compile(r'lock on file "([^"]+)"')


def lock_holder(text: str) -> tuple[str, int | None] | None:
    """(the file, the pid holding its lock if named) of DuckDB's error `text` when it says
    another process holds a DuckDB file's lock; None for any other error."""
    if not _LOCKED.search(text):
        return None
    file, holder = _LOCKED_FILE.search(text), _HOLDER.search(text)
    return (file.group(1) if file else "the file", int(holder.group(1)) if holder else None)


#: how a wait for another process's lock on a warehouse file begins (gx run relays the lines
#: that begin so from a step's log to the terminal: gx_pipeline.defs.runner)
WAIT_NOTE = "waiting for the warehouse file "
#: how often a wait for a warehouse file held by another process is said again
HELD_SAID_S = 15.0


def held_said(text: str, waited: float, limit: float) -> str:
    """What a wait for a warehouse file held by another process is waiting on, in one line:
    the file, the holder (its pid and command line, when DuckDB's error `text` names it), how
    long so far, and the limit after which the wait ends in an error."""
    file, pid = lock_holder(text) or ("the file", None)
    who = process_said(pid) if pid is not None else "another process (DuckDB did not say which)"
    so_far = f"{waited:.0f} s so far, " if waited >= 1 else ""
    way_out = f"; close that session or `kill {pid}`" if pid is not None else ""
    return (
        f"{WAIT_NOTE}{file}: {who} has it open (DuckDB locks the file for any connection, "
        f"read-only ones too); {so_far}at most {limit:g} s, then this attempt fails naming the "
        f"file{way_out}"
    )


def _say_on_stderr(line: str) -> None:
    print(f"gx: {line}", file=sys.stderr, flush=True)


def cannot_open(database: str | Path, err: BaseException, *, writing: bool = False) -> str:
    """Why DuckDB could not open the warehouse file `database` (`err`), in one line that names
    the file and the cause a reader can act on: missing, not a DuckDB file (or damaged), held by
    another process (its pid), not readable. A read-only open is refused only by a writer; an
    open `writing` (a run's load) is refused by any session on the file, read-only ones too,
    so it blames no writer."""
    path = Path(database)
    text = str(err).strip()
    first = text.splitlines()[0] if text else type(err).__name__
    if (held := lock_holder(text)) is not None:
        who = f" (process {held[1]})" if held[1] is not None else ""
        if writing:
            cause = (
                f"another process holds it{who}: a run loading a year, or a session on it "
                "(the DuckDB CLI, a notebook), read-only ones too: DuckDB locks the file "
                "against writers for any connection; run again when it has closed"
            )
        else:
            cause = (
                f"a writer holds it{who}: a run loading a year, or a session that opened it "
                "read-write; run again when it has finished"
            )
    elif path.is_symlink() and not path.exists():
        cause = _link_to_nothing(path)
    elif not path.exists():
        cause = "no such file"
    elif path.is_dir():
        cause = "a folder, not a warehouse file"
    elif _DAMAGED.search(text):
        cause = f"not a DuckDB database file, or a damaged one ({first})"
    elif isinstance(err, PermissionError) or "Permission denied" in text:
        cause = "not readable by this user (permission denied)"
    else:
        cause = first
    return f"{path} cannot be opened: {cause}"


def _link_to_nothing(path: Path) -> str:
    """The cause said of a symbolic link whose target (or its folder) is not there."""
    return f"a link to {os.readlink(path)}, which is not there (a volume not mounted?)"


#: the analysts' copy: readable by everyone, writable by no one
PUBLISHED_MODE = 0o444


class WorkFolderUnwritable(OSError):
    """The working file's folder cannot be written: DuckDB cannot open the file read-write."""


def unwritable_folder(folder: Path, err: BaseException | None = None) -> str | None:
    """Why the working file's `folder` cannot be written (a read-only mount, no permission),
    in one line that names the folder and what to do; None when it can be. `err`: DuckDB's
    error on opening the file in it, whose cause ("Read-only file system") is said as such."""
    text = str(err or "")
    if not folder.is_dir():
        return None
    if "Read-only file system" in text or os.statvfs(folder).f_flag & os.ST_RDONLY:
        why = "a read-only file system"
    elif not os.access(folder, os.W_OK | os.X_OK):
        why = "no permission for this user"
    elif "Permission denied" in text:
        why = "permission denied"
    else:
        return None
    return (
        f"the working folder {folder} cannot be written ({why}): gx run keeps the working "
        "warehouse there. Make it writable for this user (remount read-write, chown), or point "
        "GX_DATA_DIR at a data folder gx run may write"
    )


class WorkingFileChanged(RuntimeError):
    """Another process wrote the working file, and the published copy is not the file as the
    pipeline left it: the run refuses to load or publish the rows no load wrote."""


class WarehouseDamaged(RuntimeError):
    """The working file cannot be used, and rebuilding it from the published copy failed."""


@dataclass(frozen=True)
class Published:
    """What publish() did: `replaced` the analysts' copy, or why not; a changed copy kept."""

    replaced: bool
    note: str = ""
    kept: Path | None = None


@dataclass(frozen=True)
class WarehouseFiles:
    #: the working file only the pipeline opens
    database: Path
    #: the analyst-facing copy, replaced atomically after each successful write; None: no copy
    publish_to: Path | None = None
    #: DuckDB allows one writer process; wait this long for another one to let go of the file
    lock_timeout_s: float = 60.0
    #: where a wait for another process's lock is said, at once and every HELD_SAID_S (a
    #: Dagster step's log; default: stderr and this module's logger)
    say: Callable[[str], None] | None = field(default=None, compare=False, repr=False)

    def _waiting(self, err: BaseException, since: float, said: float | None) -> float | None:
        """Say what the open waits on when it is first held, then every HELD_SAID_S; the
        time it was last said. Raises `err` when lock_timeout_s has passed."""
        now = time.monotonic()
        say = self.say or _say_on_stderr
        if now - since >= self.lock_timeout_s:
            file, _ = lock_holder(str(err)) or (self.database, None)
            say(f"{WAIT_NOTE}{file}: still held after {self.lock_timeout_s:g} s, given up")
            raise err
        if said is not None and now - said < HELD_SAID_S:
            return said
        say(held_said(str(err), now - since, self.lock_timeout_s))
        return now

    @contextmanager
    def connect(self, publish: bool = True) -> Iterator[duckdb.DuckDBPyConnection]:
        """A read-write connection to the working file; closed whatever happens. When the body
        ends without an exception (and `publish`), the file is checkpointed and published."""
        self.database.parent.mkdir(parents=True, exist_ok=True)
        remove_stale_copies(self.database)
        spill = self.spill_folder
        with _named_when_full(self.database, "the working warehouse"), _spill_said(spill):
            self._seed_from_published()
            conn = self._open()
            # the file's lock is this process's now: no one else spills next to it
            remove_dead_spill_files(spill)
            if not in_storage_format(conn):
                conn = self._rewrite_in_storage_format(conn)
        try:
            with _named_when_full(self.database, "the working warehouse"), _spill_said(spill):
                yield conn
                # everything in the main file, no WAL beside it: the copy below is then complete
                conn.execute("checkpoint")
        finally:
            conn.close()
            self._record_closed()
        if publish:
            self.publish()

    @property
    def spill_folder(self) -> Path:
        """Where DuckDB writes what a query holds past its memory limit (the load's key check
        and joins, on a large year): next to the working file, on the data folder's disk
        (DuckDB's default, set explicitly so the cleanup below finds it)."""
        return Path(f"{self.database}.tmp")

    def _open(self) -> duckdb.DuckDBPyConnection:
        # a file this creates is in STORAGE_VERSION's format; an existing one keeps its own
        config = {**_config(), "temp_directory": str(self.spill_folder)}
        rebuilt = set_aside = False
        while True:
            try:
                conn = self._when_free(lambda: duckdb.connect(str(self.database), config=config))
            except duckdb.Error as err:
                if (why := unwritable_folder(self.database.parent, err)) is not None:
                    raise WorkFolderUnwritable(why) from err
                # a WAL that cannot be replayed for want of room is not damage: rebuilding
                # would throw away the working file for the same full disk
                if rebuilt or not _DAMAGED.search(str(err)) or is_disk_full(err):
                    raise
                self._rebuild(str(err))
                rebuilt = True
                continue
            damage = _damage(conn, self.database)
            # the lock is this process's: no one writes the file between this look and the load
            outside = None if damage or set_aside else self._written_outside()
            if damage is None and outside is None:
                # written from now on: until this connection's close records the file again, a
                # kill leaves the load's own WAL, which is no one else's
                self._closed_record.unlink(missing_ok=True)
                return conn
            conn.close()
            if outside is not None:
                self._set_aside(outside)
                set_aside = True
                continue
            if rebuilt:
                raise WarehouseDamaged(f"{self.database}: {damage}, even after a rebuild")
            self._rebuild(damage)
            rebuilt = True

    def _rewrite_in_storage_format(
        self, conn: duckdb.DuckDBPyConnection
    ) -> duckdb.DuckDBPyConnection:
        """Rewrite the working file (open on `conn`, so no one else writes it meanwhile) in
        STORAGE_VERSION's format under a temporary name, rename it into place and reopen it."""
        tmp = self.database.with_name(f".{self.database.name}.{os.getpid()}.format.tmp")
        try:
            tmp.unlink(missing_ok=True)
            copy_database(conn, tmp)
        except BaseException:
            conn.close()
            tmp.unlink(missing_ok=True)
            raise
        conn.close()
        os.replace(tmp, self.database)
        # the rewrite holds what a WAL beside the old file held; replayed on it, it would corrupt
        Path(f"{self.database}.wal").unlink(missing_ok=True)
        return self._open()

    def _rebuild(self, why: str) -> None:
        """Replace an unusable working file by a copy of the published one (or nothing)."""
        log.warning(
            "the working warehouse %s is damaged (%s): rebuilt from %s",
            self.database,
            why,
            self.publish_to,
        )
        self.database.unlink(missing_ok=True)
        Path(f"{self.database}.wal").unlink(missing_ok=True)
        self._closed_record.unlink(missing_ok=True)
        self._seed_from_published()

    def publish(self) -> Published:
        """Copy the working file next to `publish_to` and rename it into place (atomic on one
        file system). A session holding the old file keeps reading its old copy; the next
        connection sees the new one. Costs one copy of the file per write."""
        if self.publish_to is None or not self.database.exists():
            return Published(False, "nothing to publish")
        target = self.publish_to
        if target.is_symlink():
            # the analysts' file is where the link points (a shared volume): renamed over, the
            # link would become a regular file and the shared file stay as it was
            target = Path(os.path.realpath(target))
            if not target.parent.is_dir():
                note = (
                    f"{self.publish_to} is {_link_to_nothing(self.publish_to)}: not published; "
                    "the next write publishes once it is"
                )
                return self._not_published(note)
        target.parent.mkdir(parents=True, exist_ok=True)
        remove_stale_copies(target)
        with _hold_for_reading(target) as held:
            if not held:
                note = (
                    f"{target} is open read-write in another process: not replaced, so that "
                    "session keeps its file; the next write publishes"
                )
                return self._not_published(note)
            kept = self._keep_if_changed(target)
            if (outside := self._written_outside()) is not None:
                self._set_aside(outside)
            tmp = target.with_name(f".{target.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp")
            try:
                with _named_when_full(
                    target, "a new analysts' copy (the published file is left as it was)", False
                ):
                    self._copy_for_analysts(tmp)
                    os.chmod(tmp, PUBLISHED_MODE)
                    _fsync(tmp)
                os.replace(tmp, target)
            except BaseException:
                tmp.unlink(missing_ok=True)
                raise
            _fsync_folder(target.parent)
        self._record_published(target)
        self._unpublished_record.unlink(missing_ok=True)
        note = f"the copy changed by a read-write session is kept as {kept}" if kept else ""
        return Published(True, note, kept)

    @property
    def _closed_record(self) -> Path:
        return self.database.with_name(f"{self.database.name}.closed.json")

    def _record_closed(self) -> None:
        """Record the working file as this process's connection left it (closed, so
        checkpointed: no WAL), for the next connection to tell another process's writes. A WAL
        left by a close that could not checkpoint (a full disk) is the pipeline's own: nothing
        is recorded, and the next connection replays it as before."""
        try:
            if Path(f"{self.database}.wal").exists() or not self.database.exists():
                self._closed_record.unlink(missing_ok=True)
                return
            self._closed_record.write_text(json.dumps(_stamp(self.database)), encoding="utf-8")
        except OSError as err:  # a full disk: the write stands, only this look is lost
            log.warning("could not record how %s was left: %s", self.database, err)
            with suppress(OSError):
                self._closed_record.unlink(missing_ok=True)

    def _written_outside(self) -> str | None:
        """How another process wrote the working file since the pipeline's connection last
        closed it (an analyst's session on `.work/`): a WAL beside it, whose rows DuckDB would
        replay into the next load and the publish copy out as loaded, or a file whose size or
        DuckDB headers moved (a session that checkpointed). None when it is as left, or when
        there is no record to compare (a new file, a run killed with its own WAL)."""
        try:
            record = json.loads(self._closed_record.read_text(encoding="utf-8"))
            if not isinstance(record, dict) or not self.database.exists():
                return None
            wal = Path(f"{self.database}.wal")
            if wal.exists():
                return (
                    f"a WAL of {wal.stat().st_size:,} bytes beside it holds writes not checkpointed"
                )
            now = _stamp(self.database, with_head=False)
            if record.get("size") == now["size"] and (
                record.get("mtime_ns") == now["mtime_ns"]
                or record.get("head") == _head_digest(self.database)
            ):
                return None
            if self._is_last_published():
                return None
        except (OSError, ValueError):
            return None
        return "the file was written and checkpointed"

    def _is_last_published(self) -> bool:
        """Whether the working file is the one the pipeline last published (its size and
        DuckDB's headers): a load by a gx that keeps no `.closed.json` (an older checkout or
        install run on the same data folder) is the pipeline's, not another process's write."""
        try:
            published = json.loads(self._published_record.read_text(encoding="utf-8"))
            return (
                isinstance(published, dict)
                and published.get("size") == self.database.stat().st_size
                and published.get("head") == _head_digest(self.database)
            )
        except (OSError, ValueError):
            return False

    def _set_aside(self, how: str) -> None:
        """Move the working file another process wrote (`how`) aside, with its WAL, as
        `<name>.changed-<time>`, and start again from the published copy, which is the file as
        the pipeline left it: the rows no load wrote are kept there, never published. When the
        published copy is not that (it lags, it is gone, there is none), raise
        WorkingFileChanged instead: starting from it would lose loads."""
        work = self.database
        try:
            record = json.loads(self._closed_record.read_text(encoding="utf-8"))
            target = self.publish_to
            same = (
                target is not None
                and target.exists()
                and record.get("size") == target.stat().st_size
                and record.get("head") == _head_digest(target)
            )
        except (OSError, ValueError, AttributeError):
            same = False
        said = (
            f"{work} was written by another process since gx last closed it ({how}): a "
            "session on the working file (`.work/` is the pipeline's; analysts open the "
            "published copy read-only)"
        )
        if not same:
            raise WorkingFileChanged(
                f"{said}. Its rows would be published as loaded, and the published copy "
                f"{self.publish_to} is not the file as gx left it, so nothing was run. Move the "
                f"file aside (with its .wal) to keep those rows and run again (the years are "
                f"loaded again), or delete {self._closed_record} to publish them as they are"
            )
        kept = work.with_name(f"{work.name}.changed-{time.strftime('%Y%m%dT%H%M%S')}")
        # the WAL first: a kill between the two renames leaves the file without it (as the
        # pipeline left it, or checkpointed by the session: found so again), never a WAL
        # without its file
        wal = Path(f"{work}.wal")
        if wal.exists():
            os.replace(wal, Path(f"{kept}.wal"))
        os.replace(work, kept)
        self._closed_record.unlink(missing_ok=True)
        note = (
            f"{said}: kept as {kept}, not loaded or published; the working file is made again "
            f"from {self.publish_to}"
        )
        log.warning(note)
        (self.say or _say_on_stderr)(note)
        self._seed_from_published()

    def _keep_orphaned_wal(self) -> None:
        """Move aside a WAL left where the working file is missing (the file deleted or moved
        without it, a kill between the renames of a set-aside): DuckDB would replay it into the
        file made next, from the published copy or empty, and its rows (an analyst's, or a
        killed load's that no publish holds) would be published as loaded. Kept as
        `<name>.orphaned-<time>.wal`, said."""
        wal = Path(f"{self.database}.wal")
        if not wal.exists():
            return
        kept = self.database.with_name(
            f"{self.database.name}.orphaned-{time.strftime('%Y%m%dT%H%M%S')}.wal"
        )
        os.replace(wal, kept)
        note = (
            f"the WAL {wal} was left without its working file {self.database}: kept as {kept}, not "
            "replayed into the working file made again, so its writes are neither loaded nor "
            "published"
        )
        log.warning(note)
        (self.say or _say_on_stderr)(note)

    def _copy_for_analysts(self, tmp: Path) -> None:
        """Write the analysts' copy of the (checkpointed) working file to `tmp`: the file's
        bytes when it is in STORAGE_VERSION's format (as connect() keeps it), else a rewrite in
        that format (a working file no connect() has opened since it was made). Another
        process holding the file (a summary's read of it) is waited for, as connect() does."""
        if self._when_free(lambda: file_in_storage_format(self.database)):
            shutil.copyfile(self.database, tmp)
            return

        def rewrite() -> None:
            tmp.unlink(missing_ok=True)  # DuckDB creates the file; an empty one is no database
            conn = duckdb.connect()
            try:
                conn.execute("attach ? as working (read_only)", [str(self.database)])
                copy_database(conn, tmp, source="working")
            finally:
                conn.close()

        self._when_free(rewrite)

    def _when_free(self, use: Callable[[], T]) -> T:
        """use() of the working file, tried again while another process holds its lock, for
        at most lock_timeout_s."""
        since, said = time.monotonic(), None
        delay = 0.1
        while True:
            try:
                return use()
            except duckdb.Error as err:
                if not _LOCKED.search(str(err)):
                    raise
                said = self._waiting(err, since, said)
            time.sleep(delay)
            delay = min(delay * 2, 5.0)

    def _not_published(self, note: str) -> Published:
        """The working file's writes stay out of the analysts' copy: recorded, so that `gx
        status` says the copy is behind and the next `gx run` publishes it, though it loads no
        year (a session that closed leaves no one to tell, and no write may come for weeks)."""
        log.warning(note)
        self.mark_unpublished(note)
        return Published(False, note)

    def mark_unpublished(self, why: str) -> None:
        """Record that the working file holds a write the analysts' copy lacks, until publish()
        replaces the copy: set as soon as a load commits, so that a process killed before its
        publish (or a publish that fails) leaves the record, not a silently older copy."""
        if self.publish_to is None:
            return
        try:  # the earliest write not published is when the copy fell behind; why is the latest
            when = json.loads(self._unpublished_record.read_text(encoding="utf-8"))["when"]
        except (OSError, ValueError, KeyError, TypeError):
            when = time.strftime("%Y-%m-%d %H:%M:%S")
        record = {"when": when, "why": why}
        try:
            self._unpublished_record.write_text(json.dumps(record), encoding="utf-8")
        except OSError as err:  # a full disk: the load stands, only this record is missing
            log.warning("could not record that %s is not published: %s", self.publish_to, err)

    def behind(self) -> str:
        """Why the analysts' copy is older than the working file ("" when it is not): a write
        that publish() had to leave unpublished, and since then none published."""
        if self.publish_to is None:
            return ""
        try:
            text = self._unpublished_record.read_text(encoding="utf-8")
        except OSError:
            return ""
        try:  # a record cut short by a full disk or a kill still says the copy is behind
            record = json.loads(text)
        except ValueError:
            record = {}
        if not isinstance(record, dict):
            record = {}
        return (
            f"{self.publish_to} is behind the working warehouse {self.database}: what was "
            f"written from {record.get('when', '?')} on is not in it ({record.get('why', '?')})"
        )

    @property
    def _unpublished_record(self) -> Path:
        return self.database.with_name(f"{self.database.name}.unpublished.json")

    @property
    def _published_record(self) -> Path:
        return self.database.with_name(f"{self.database.name}.published.json")

    def _record_published(self, target: Path) -> None:
        self._published_record.write_text(json.dumps(_stamp(target)), encoding="utf-8")

    def _keep_if_changed(self, target: Path) -> Path | None:
        """Rename the published copy aside (with its WAL) when someone wrote to it since it
        was published: the rows a read-write session committed there are not deleted.

        Unchanged: the file published (same inode, size and modification time), or a copy of
        it that kept its size, modification time and DuckDB's headers (a data folder copied
        with `cp -a`, `rsync -a`: new inodes). A DuckDB session that changes the file writes
        a new database header (each checkpoint counts up an iteration in it) or leaves a WAL;
        any writer moves the modification time."""
        if not target.exists():
            return None
        changed = Path(f"{target}.wal").exists()
        try:
            record = json.loads(self._published_record.read_text(encoding="utf-8"))
            now = _stamp(target, with_head=False)
            same_file = all(record.get(k) == v for k, v in now.items())
            copied = (
                record.get("size") == now["size"]
                and record.get("mtime_ns") == now["mtime_ns"]
                and record.get("head") is not None
                and record["head"] == _head_digest(target)
            )
            changed = changed or not (same_file or copied)
        except (OSError, ValueError):
            pass  # never published from here (a fresh working folder): nothing to compare
        if not changed:
            return None
        wal = Path(f"{target}.wal")
        kept = target.with_name(f"{target.name}.changed-{time.strftime('%Y%m%dT%H%M%S')}")
        os.replace(target, kept)
        if wal.exists():
            os.replace(wal, Path(f"{kept}.wal"))
        log.warning("%s was changed after it was published: kept as %s", target, kept)
        return kept

    def _seed_from_published(self) -> None:
        """Start a missing working file from the published copy, so years loaded before (or by
        an older layout of the data folder) are kept; a copy of an outdated schema that cannot
        be brought up to date is dropped and the years are loaded afresh.

        The copy is made under a temporary name, checked, and renamed into place: a kill
        during the copy leaves a temporary file (removed by the next run), never a truncated
        working file."""
        work = self.database
        if work.exists():
            return
        self._keep_orphaned_wal()
        if self.publish_to is None or not self.publish_to.exists():
            return
        from gx_pipeline.warehouse.schema import ensure_schema, schema_is_current

        tmp = work.with_name(f".{work.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.seed.tmp")
        try:
            with _named_when_full(
                work, "the working warehouse (a copy of the published one)", False
            ):
                shutil.copyfile(self.publish_to, tmp)
            os.chmod(tmp, 0o644)  # the published copy is read-only
            try:
                conn = duckdb.connect(str(tmp), config=_config())
                try:
                    usable = _damage(conn, tmp) is None
                    if usable:
                        ensure_schema(conn)  # brings a copy made by an older version up to date
                        usable = schema_is_current(conn)
                        conn.execute("checkpoint")
                finally:
                    conn.close()
            except duckdb.Error as err:
                log.warning("the published warehouse %s is not usable: %s", self.publish_to, err)
                usable = False
            if usable:
                _fsync(tmp)
                os.replace(tmp, work)
                # the working file is the published one now: the writes it lacked are gone,
                # and how the pipeline left the file before is no one's
                self._unpublished_record.unlink(missing_ok=True)
                self._closed_record.unlink(missing_ok=True)
        finally:
            tmp.unlink(missing_ok=True)
            Path(f"{tmp}.wal").unlink(missing_ok=True)


#: DuckDB's cap on its spill files (max_temp_directory_size: by default 90% of the room the
#: disk had when the spill folder was first used), reached; DuckDB calls it "Out of Memory"
_SPILL_CAP = re.compile(r"failed to offload data block.*max_temp_directory_size", re.DOTALL)
_SPILLED = "DuckDB's spill files (what a query holds past the memory limit)"
#: DuckDB's names for its spill files: duckdb_temp_<pid>_<n>_storage_<size>-<i>.tmp and
#: duckdb_temp_<pid>_<n>_owner (1.x: duckdb_temp_storage-<i>.tmp, duckdb_temp_block-<id>.block)
_SPILL_FILE = re.compile(r"duckdb_temp_(?:(\d+)_)?")


@contextmanager
def _spill_said(folder: Path) -> Iterator[None]:
    """A query whose spill files found no room raises DiskFull naming the spill folder: DuckDB
    says "Out of Memory Error: failed to offload data block" when its cap (the disk's room)
    is reached, which would send a user after memory, not disk space."""
    try:
        yield
    except duckdb.Error as err:
        text = str(err)
        if _SPILL_CAP.search(text) or (is_disk_full(err) and str(folder) in text):
            raise DiskFull(folder, _SPILLED) from err
        raise


def remove_dead_spill_files(folder: Path) -> list[Path]:
    """Remove the spill files other processes left in `folder` (call with the database's lock
    held: no other process then uses it). DuckDB removes its own at close; a process killed
    mid-spill (kill -9, the out-of-memory killer) leaves them, up to the size of a national
    year's sorts, and each kill adds its own. An empty folder goes too."""
    removed = []
    with suppress(OSError):
        for path in folder.iterdir():
            found = _SPILL_FILE.match(path.name)
            if found is None or (found[1] is not None and int(found[1]) == os.getpid()):
                continue
            with suppress(OSError):
                path.unlink()
                removed.append(path)
        folder.rmdir()  # only when empty: DuckDB makes it again when it spills
    return removed


def _config() -> dict[str, str | int]:
    """The pipeline's connection settings: the storage format of a file it creates, and memory
    and threads from the machine."""
    return {"storage_compatibility_version": STORAGE_VERSION, **duckdb_settings()}


def _damage(conn: duckdb.DuckDBPyConnection, path: Path) -> str | None:
    """Why an open database file cannot be trusted, or None. A file cut short (a copy killed
    half-way) may still open when its catalogue sits early in the file: the blocks DuckDB has
    in use then do not fit in the file. (Free blocks do not count: DuckDB cuts trailing free
    blocks off the file.)"""
    try:
        ((_, _, block_size, _, used_blocks, *_),) = conn.execute("pragma database_size").fetchall()
    except duckdb.Error as err:
        return f"cannot be read: {err}"
    size = path.stat().st_size
    if size < block_size * used_blocks:
        return f"cut short: {size:,} bytes, but {used_blocks} blocks of {block_size:,} in use"
    return None


def remove_stale_copies(path: Path) -> list[Path]:
    """Remove the temporary copies of `path` (`.<name>.<pid>.<token>[.seed].tmp`) whose process
    is gone, and those of an older naming without a pid; return what was removed."""
    removed = []
    for tmp in path.parent.glob(f".{path.name}.*.tmp"):
        pid = tmp.name[len(path.name) + 2 :].split(".", 1)[0]
        if pid.isdigit() and (int(pid) == os.getpid() or process_alive(int(pid))):
            continue
        with suppress(OSError):
            tmp.unlink()
            Path(f"{tmp}.wal").unlink(missing_ok=True)
            removed.append(tmp)
    return removed


@contextmanager
def _hold_for_reading(target: Path) -> Iterator[bool]:
    """Hold a shared lock on the published file while it is replaced: DuckDB takes an exclusive
    lock for a read-write connection, so none can start on the old file meanwhile, and one
    already open makes this yield False (the file is then left alone)."""
    if fcntl is None or not target.exists():
        yield True
        return
    try:
        handle = target.open("rb")
    except OSError:
        yield True
        return
    with handle:
        try:
            fcntl.lockf(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except OSError:
            yield False
            return
        yield True


#: DuckDB's main header and its two database headers (one written at each checkpoint, with
#: the checkpoint's iteration, block count and catalogue pointer): 4 KiB each, at the start
_HEADERS_BYTES = 3 * 4096


def _head_digest(path: Path) -> str:
    with path.open("rb") as fh:
        return hashlib.sha256(fh.read(_HEADERS_BYTES)).hexdigest()


def _stamp(path: Path, with_head: bool = True) -> dict[str, int | str]:
    """What identifies the published file as published: its inode, size, modification time
    and (`with_head`) the digest of DuckDB's headers, which tells a copy of it (new inode)
    from another file."""
    info = path.stat()
    stamp: dict[str, int | str] = {
        "ino": info.st_ino,
        "size": info.st_size,
        "mtime_ns": info.st_mtime_ns,
    }
    if with_head:
        stamp["head"] = _head_digest(path)
    return stamp


def _fsync(path: Path) -> None:
    with path.open("rb") as f:
        os.fsync(f.fileno())


def _fsync_folder(folder: Path) -> None:
    if not hasattr(os, "O_DIRECTORY"):
        return
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.strip("v+").split("."))


def in_storage_format(conn: duckdb.DuckDBPyConnection, database: str | None = None) -> bool:
    """Whether `database` (default: the connection's own) is stored in a format DuckDB of
    STORAGE_VERSION reads. DuckDB tags each attached file with the oldest version that reads
    its format (e.g. "v1.0.0+", "v2.0.0+")."""
    rows = conn.execute(
        "select tags['storage_version'] from duckdb_databases() "
        "where database_name = coalesce(?, current_database())",
        [database],
    ).fetchall()
    if not rows or not rows[0][0]:
        return False
    ((tag,),) = rows
    return _version(tag) <= _version(STORAGE_VERSION)


def file_in_storage_format(path: Path) -> bool:
    """in_storage_format() of a closed database file, opened read-only for the question."""
    conn = duckdb.connect()
    try:
        conn.execute("attach ? as probe (read_only)", [str(path)])
        return in_storage_format(conn, "probe")
    finally:
        conn.close()


def copy_database(conn: duckdb.DuckDBPyConnection, target: Path, source: str | None = None) -> None:
    """Write the database `source` (default: the connection's own) as a new file `target` in
    STORAGE_VERSION's format: every table with its rows and constraints, every view and macro,
    every comment (COPY FROM DATABASE). The file is written compactly, without free blocks."""
    if source is None:
        ((source,),) = conn.execute("select current_database()").fetchall()
    conn.execute(f"attach ? as gx_copy (storage_version '{STORAGE_VERSION}')", [str(target)])
    try:
        # database names come from DuckDB's catalogue or this module, never from input
        conn.execute(f'copy from database "{source}" to gx_copy')
        conn.execute("checkpoint gx_copy")
    finally:
        conn.execute("detach gx_copy")


def published_behind(database: str | Path) -> str:
    """WarehouseFiles.behind() of the data folder's, when `database` is its analysts' copy ("" for
    any other file): what `gx export` and `gx release` say before they copy a file without the
    last load (a citable release one load short, with nothing said)."""
    from gx_pipeline.datadir import DataDir

    layout = DataDir.default()
    try:
        same = Path(database).resolve() == layout.published_database.resolve()
    except OSError:
        return ""
    if not same:
        return ""
    behind = WarehouseFiles(layout.work_database, layout.published_database).behind()
    return f"{behind}: `gx run` publishes it" if behind else ""
