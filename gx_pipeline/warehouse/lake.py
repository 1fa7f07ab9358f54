"""The rows of year × province partitions as Parquet files in a storage location, and a year of
the warehouse assembled from them (no Dagster here).

The location is any fsspec URL: a local folder (a path or file:///…), object storage (s3://…,
gs://…, with the matching fsspec package installed), or memory:// in tests. Layout:

    <url>/routes/report_year=<y>/routes.parquet        which province key each entry went to
    <url>/<table>/report_year=<y>/province=<p>/<write>-<part>.parquet
    <url>/manifests/report_year=<y>/province=<p>.json   the files of the partition's last write

A partition is written as new files first, then its manifest (one object, put last) names them,
then the older files are removed: a write killed half-way leaves the manifest of the write
before, and assembly reads only the files a manifest names. Object storage has no atomic
rename of a folder; one object put is atomic there, as a file's rename is here.

Assembly reads the manifests' files with DuckDB (registered fsspec filesystem: any location),
settles what one machine settles over the whole year (copies of one report routed to two
provinces are loaded once, the first by file name, the others quarantined naming it), and
writes a Stage that warehouse.load_year loads in one transaction like a single-machine run.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import duckdb
import fsspec
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from gx_pipeline.parsing import PARSER_VERSION
from gx_pipeline.staging.parts import Stage
from gx_pipeline.staging.tables import near_copy_reason
from gx_pipeline.warehouse.schema import YEAR_TABLES

#: tables of a staged year with a report_id (quarantine has none)
_REPORT_TABLES = tuple(t for t in YEAR_TABLES if t != "quarantine")


class PartitionsMissing(RuntimeError):
    """A province of the year's routes has no complete write, or one from another routing."""


@dataclass(frozen=True)
class Lake:
    """A storage location of partition files (see the module's doc)."""

    url: str

    @cached_property
    def _fs_root(self) -> tuple[fsspec.AbstractFileSystem, str]:
        fs, root = fsspec.core.url_to_fs(self.url)
        return fs, root.rstrip("/")

    @property
    def fs(self) -> fsspec.AbstractFileSystem:
        return self._fs_root[0]

    def path(self, *parts: str) -> str:
        return "/".join([self._fs_root[1], *parts])

    def uri(self, path: str) -> str:
        """`path` as DuckDB reads it: the filesystem's protocol in front (memory://, s3://)."""
        protocol = self.fs.protocol if isinstance(self.fs.protocol, str) else self.fs.protocol[0]
        return path if protocol in ("file", "local") else f"{protocol}://{path.lstrip('/')}"

    # routes ---------------------------------------------------------------------------------

    def routes_path(self, year: int) -> str:
        return self.path("routes", f"report_year={year}", "routes.parquet")

    def write_routes(self, year: int, routes: pd.DataFrame) -> None:
        """Replace the year's routes (columns: seq, province, and the raw file's fields)."""
        self._put_parquet(
            self.routes_path(year), pa.Table.from_pandas(routes, preserve_index=False)
        )

    def read_routes(self, year: int) -> pd.DataFrame:
        path = self.routes_path(year)
        if not self.fs.exists(path):
            raise FileNotFoundError(
                f"no routes for report year {year} at {self.uri(path)}: materialize "
                "page_routes for the year first"
            )
        with self.fs.open(path, "rb") as f:
            return pq.read_table(f).to_pandas()

    # partitions -----------------------------------------------------------------------------

    def manifest_path(self, year: int, province: str) -> str:
        return self.path("manifests", f"report_year={year}", f"province={province}.json")

    def write_partition(
        self, year: int, province: str, stage: Stage | None, routes: pd.DataFrame
    ) -> dict[str, int]:
        """Replace the partition's files with the staged tables (None: an empty partition),
        parsed from `routes` (the year's routes of this province, recorded as a digest);
        returns the rows written per table."""
        write = uuid.uuid4().hex[:12]
        files: dict[str, list[str]] = {}
        rows: dict[str, int] = {}
        for table in YEAR_TABLES:
            files[table], rows[table] = [], 0
            if stage is None or stage.glob(table) is None:
                continue
            folder = self.path(*self._folder(table, year, province))
            self.fs.makedirs(folder, exist_ok=True)
            for part in sorted((Path(stage.path) / table).glob("part-*.parquet")):
                target = f"{folder}/{write}-{part.name}"
                self.fs.put_file(str(part), target)
                files[table].append(target)
                rows[table] += pq.ParquetFile(part).metadata.num_rows
        manifest = {
            "write": write,
            "routes": routes_digest(routes),
            "parser": PARSER_VERSION,
            "files": files,
            "rows": rows,
        }
        self._put_bytes(
            self.manifest_path(year, province), json.dumps(manifest, ensure_ascii=False).encode()
        )
        self._remove_other_writes(year, province, write)
        return rows

    def manifests(self, year: int) -> dict[str, dict]:
        """The last complete write of each province of the year that has one."""
        folder = self.path("manifests", f"report_year={year}")
        if not self.fs.exists(folder):
            return {}
        out = {}
        for path in self.fs.ls(folder, detail=False):
            name = path.rsplit("/", 1)[-1]
            if name.startswith("province=") and name.endswith(".json"):
                with self.fs.open(path, "rb") as f:
                    out[name[len("province=") : -len(".json")]] = json.load(f)
        return out

    def _folder(self, table: str, year: int, province: str) -> tuple[str, ...]:
        return (table, f"report_year={year}", f"province={province}")

    def _remove_other_writes(self, year: int, province: str, keep: str) -> None:
        for table in YEAR_TABLES:
            folder = self.path(*self._folder(table, year, province))
            if not self.fs.exists(folder):
                continue
            for path in self.fs.ls(folder, detail=False):
                if not path.rsplit("/", 1)[-1].startswith(f"{keep}-"):
                    self.fs.rm(path)

    def _put_bytes(self, path: str, data: bytes) -> None:
        parent = path.rsplit("/", 1)[0]
        self.fs.makedirs(parent, exist_ok=True)
        if self.uri(path) == path:  # a local file: written beside, then renamed over
            tmp = f"{path}.{uuid.uuid4().hex[:8]}.tmp"
            Path(tmp).write_bytes(data)
            Path(tmp).replace(path)
        else:  # one object put: atomic on object storage
            with self.fs.open(path, "wb") as f:
                f.write(data)

    def _put_parquet(self, path: str, table: pa.Table) -> None:
        sink = pa.BufferOutputStream()
        pq.write_table(table, sink)
        self._put_bytes(path, sink.getvalue().to_pybytes())

    # assembly -------------------------------------------------------------------------------

    def assemble(self, year: int, out: Stage) -> dict[str, int]:
        """The year's rows from every province's last write, as the Stage `out` (one part per
        table) for warehouse.load_year. Refuses (PartitionsMissing) when a province of the
        year's routes has no write, or its write was made from other routes (loading then would
        drop its pages or load them twice) or by another parser version than this one (the year
        would mix two parsers' rows). Returns the rows staged per table."""
        routes = self.read_routes(year)
        manifests = self.manifests(year)
        needed = {p: routes_digest(rows) for p, rows in routes.groupby("province")}
        missing = sorted(p for p in needed if p not in manifests)
        # a write from other routes: pages moved in or out of the province since, or a
        # province that had pages and has none now (its rows must not be loaded)
        stale = sorted(
            p
            for p, m in manifests.items()
            if (p in needed and m["routes"] != needed[p])
            or (p not in needed and any(m["rows"].values()))
        )
        # a write of another parser (a new version's run failed or skipped the province):
        # its rows beside the others' would be two parsers' reading of one year
        parsers: dict[str, list[str]] = {}
        for p in sorted(needed):
            if p in manifests and p not in stale and manifests[p].get("parser") != PARSER_VERSION:
                parsers.setdefault(manifests[p].get("parser") or "unknown", []).append(p)
        if missing or stale or parsers:
            what = [f"no complete write of province {', '.join(missing)}"] if missing else []
            if stale:
                what.append(f"province {', '.join(stale)} written from older routes of the year")
            what += [
                f"province {', '.join(ps)} written by parser {version}, not {PARSER_VERSION}"
                for version, ps in sorted(parsers.items())
            ]
            raise PartitionsMissing(
                f"report year {year} cannot be assembled: {'; '.join(what)}: materialize "
                "those year × province partitions again"
            )
        files = {
            table: [self.uri(f) for m in manifests.values() for f in m["files"][table]]
            for table in YEAR_TABLES
        }
        conn = duckdb.connect()
        try:
            if self.uri("x") != "x":  # not local: DuckDB reads through fsspec
                conn.register_filesystem(self.fs)
            return _stage_year(conn, year, files, routes, out)
        finally:
            conn.close()


def _stage_year(
    conn: duckdb.DuckDBPyConnection,
    year: int,
    files: Mapping[str, list[str]],
    routes: pd.DataFrame,
    out: Stage,
) -> dict[str, int]:
    conn.register("routes", routes[["seq", "source"]])
    for table, paths in files.items():
        if paths:
            conn.execute(
                f"create temp table {table} as select * from read_parquet(?, "
                "hive_partitioning = false, union_by_name = true)",
                [paths],
            )
    near = _near_copies(conn) if files["dim_report"] else pd.DataFrame()
    rows: dict[str, int] = {}
    for table, paths in files.items():
        if not paths and not (table == "quarantine" and len(near)):
            continue
        folder = Path(out.path) / table
        folder.mkdir(parents=True, exist_ok=True)
        if table == "quarantine":
            frame = conn.execute("select * from quarantine").df() if paths else None
            extra = _quarantine_rows(near, year)
            frame = extra if frame is None else pd.concat([frame, extra], ignore_index=True)
            frame = frame.sort_values(["report_year", "source"], ignore_index=True)
        else:
            frame = conn.execute(
                f"select * from {table} where report_id <> all(?::varchar[])",
                [list(near["report_id"]) if len(near) else []],
            ).df()
        frame.to_parquet(folder / "part-00000.parquet", index=False)
        rows[table] = len(frame)
    return rows


#: reports staged in two provinces with one content fingerprint: all but the first by the
#: inventory's order, as the single-machine parse keeps the first it meets
_NEAR_COPIES = """
with staged as (
    select d.report_id, d.source, d.raw_sha256, d.size, d.generated, d.content_fingerprint, r.seq
    from dim_report d join routes r using (source)
    where d.content_fingerprint is not null
)
select report_id, source, raw_sha256, size,
       -- a copy of a generated page is that synthetic page, whichever copy is kept
       bool_or(generated) over (partition by content_fingerprint) as generated,
       first_value(source) over (partition by content_fingerprint order by seq) as kept,
       row_number() over (partition by content_fingerprint order by seq) as n
from staged
qualify n > 1
order by source
"""


def _near_copies(conn: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The near copies to quarantine; the copy kept of a report of which one copy is a
    generated page is marked generated, as the single machine's parse marks it."""
    near = conn.execute(_NEAR_COPIES).df()
    synthetic = sorted(set(near.loc[near["generated"], "kept"])) if len(near) else []
    conn.execute(
        "update dim_report set generated = true where source in (select unnest(?::varchar[]))",
        [synthetic],
    )
    return near


def _quarantine_rows(near: pd.DataFrame, year: int) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "report_year": [year] * len(near),
            "source": list(near["source"]) if len(near) else [],
            "raw_sha256": list(near["raw_sha256"]) if len(near) else [],
            "size": list(near["size"]) if len(near) else [],
            "stage": ["parse"] * len(near),
            "reason": [near_copy_reason(k) for k in near["kept"]] if len(near) else [],
            "generated": list(near["generated"]) if len(near) else [],
        }
    )


def routes_digest(routes: pd.DataFrame) -> str:
    """What a province's partition was parsed from: its entries, their bytes and route."""
    # not the entries' places in the year (seq): a page added to or removed from another
    # province moves them, and this province's rows stay the same
    rows = routes.sort_values("seq")[["source", "raw_sha256", "size", "refused"]]
    text = rows.astype(str).to_csv(index=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def year_digests(conn: duckdb.DuckDBPyConnection, year: int) -> dict[str, tuple[int, str]]:
    """Each year table's rows of `year` and a sha256 over them in a fixed order: two warehouses
    with equal digests hold the same rows (how a spread run is compared with one machine)."""
    out = {}
    for table in YEAR_TABLES:
        rows = conn.execute(
            f"select * from {table} where report_year = ? order by all", [year]
        ).fetchall()
        out[table] = (len(rows), hashlib.sha256(repr(rows).encode("utf-8")).hexdigest())
    return out
