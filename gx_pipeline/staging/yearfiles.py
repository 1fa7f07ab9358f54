"""A year's raw files (the inventory) as one compact value: RawFile rows in Parquet bytes.

The inventory is what raw_report_inventory hands the parse, through Dagster's IO manager. As
a list of RawFile objects a national year cost ~1.3 KB a page in the run's process (the
walk's entries, the list, its pickle, the parse's copy of it): ~400 MB at 100,000 pages, and
more with every page. Here the rows are written as they are listed, a batch at a time, into
zstd-compressed Parquet (~60 bytes a page), and the parse reads them back a batch at a time.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import os
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from gx_pipeline.staging.tables import RawFile

_FIELDS = [f.name for f in dataclasses.fields(RawFile)]
SCHEMA = pa.schema(
    [
        ("source", pa.string()),
        # the file system's bytes: a name that is not UTF-8 is a str with surrogates in Python
        ("path", pa.binary()),
        ("raw_sha256", pa.string()),
        ("size", pa.int64()),
        ("generated", pa.bool_()),
        ("refused", pa.string()),
        ("note", pa.string()),
        ("address", pa.string()),
        ("page_address", pa.string()),
    ]
)
assert SCHEMA.names == _FIELDS, "SCHEMA follows RawFile's fields"
#: rows per Parquet row group (and per write)
_GROUP_ROWS = 4096


@dataclass(frozen=True)
class YearFiles:
    """Every entry of a year folder as RawFile rows, in the order they were listed."""

    parquet: bytes
    count: int
    #: entries that are read (refused is None)
    readable: int
    #: sha256 over each entry's "source sha256 refused", one line each: changes with any file
    digest: str
    #: bytes of every entry
    size: int
    #: synthetic pages (RawFile.generated)
    generated: int

    def __len__(self) -> int:
        return self.count

    @property
    def not_read(self) -> int:
        return self.count - self.readable

    @classmethod
    def of(cls, files: Iterable[RawFile]) -> YearFiles:
        writer = YearFilesWriter()
        for raw in files:
            writer.add(raw)
        return writer.close()

    def batches(self, size: int) -> Iterator[list[RawFile]]:
        """The rows in order, `size` at a time (the last batch may be shorter; a year without
        entries is one empty batch)."""
        todo: list[RawFile] = []
        sent = False
        for record in pq.ParquetFile(io.BytesIO(self.parquet)).iter_batches(batch_size=size):
            for row in record.to_pylist():
                row["path"] = os.fsdecode(row["path"])
                todo.append(RawFile(**row))
                if len(todo) == size:
                    yield todo
                    todo, sent = [], True
        if todo or not sent:
            yield todo

    def frame(self) -> pd.DataFrame:
        """The rows as a DataFrame, one column per RawFile field (`path` as the file system's
        bytes: os.fsdecode gives the str back, surrogates and all)."""
        return pq.read_table(io.BytesIO(self.parquet)).to_pandas()

    def shas(self) -> set[str]:
        """The sha256 of every file read."""
        table = pq.read_table(io.BytesIO(self.parquet), columns=["raw_sha256"])
        return set(pc.drop_null(table["raw_sha256"]).to_pylist())

    def with_addresses(self, fetched: Mapping[str, tuple[str, str]]) -> YearFiles:
        """The rows with `address` and `page_address` of each file whose sha256 `fetched` maps
        (gx_pipeline.fetch.provenance); the same rows when it maps none of them."""
        if not fetched:
            return self
        writer = YearFilesWriter()
        for batch in self.batches(_GROUP_ROWS):
            for raw in batch:
                if (where := fetched.get(raw.raw_sha256 or "")) is not None:
                    raw = dataclasses.replace(raw, address=where[0], page_address=where[1])
                writer.add(raw)
        return writer.close()

    def same_bytes(self, max_bytes: int) -> set[str]:
        """The sha256 of each file the parse reads (not refused, at most `max_bytes`) that more
        than one file has: the only ones whose first file the parse needs to remember."""
        table = pq.read_table(io.BytesIO(self.parquet), columns=["raw_sha256", "size", "refused"])
        read = pc.and_(pc.is_null(table["refused"]), pc.less_equal(table["size"], max_bytes))
        shas = pc.drop_null(pc.filter(table["raw_sha256"], read))
        counts = pc.value_counts(shas)
        repeated = pc.filter(counts.field("values"), pc.greater(counts.field("counts"), 1))
        return set(repeated.to_pylist())

    def generated_copies(self, max_bytes: int) -> set[str]:
        """Of same_bytes(max_bytes), the sha256 that a generated file has (gen-…, or its truth
        sidecar says so): each of its copies under another name is the same synthetic page."""
        table = pq.read_table(
            io.BytesIO(self.parquet), columns=["raw_sha256", "size", "refused", "generated"]
        )
        read = pc.and_(pc.is_null(table["refused"]), pc.less_equal(table["size"], max_bytes))
        table = table.filter(pc.and_(read, pc.is_valid(table["raw_sha256"])))
        counts = pc.value_counts(table["raw_sha256"])
        repeated = pc.filter(counts.field("values"), pc.greater(counts.field("counts"), 1))
        chosen = pc.and_(table["generated"], pc.is_in(table["raw_sha256"], value_set=repeated))
        return set(pc.filter(table["raw_sha256"], chosen).to_pylist())


class YearFilesWriter:
    """Builds a YearFiles from RawFile rows added one at a time, holding one row group."""

    def __init__(self) -> None:
        self._sink = pa.BufferOutputStream()
        self._writer = pq.ParquetWriter(self._sink, SCHEMA, compression="zstd")
        self._rows: list[RawFile] = []
        self._digest = hashlib.sha256()
        self._count = self._readable = self._size = self._generated = 0

    def add(self, raw: RawFile) -> None:
        # the same text the data version was the sha256 of when the rows were one joined list
        line = f"{raw.source} {raw.raw_sha256} {raw.refused}"
        self._digest.update((line if self._count == 0 else "\n" + line).encode())
        self._count += 1
        self._readable += raw.refused is None
        self._size += raw.size
        self._generated += raw.generated
        self._rows.append(raw)
        if len(self._rows) == _GROUP_ROWS:
            self._flush()

    def _flush(self) -> None:
        columns = {name: [getattr(r, name) for r in self._rows] for name in _FIELDS}
        columns["path"] = [os.fsencode(path) for path in columns["path"]]
        try:
            table = pa.table(columns, schema=SCHEMA)
        except UnicodeEncodeError as err:
            raise _not_text(self._rows) from err
        self._writer.write_table(table)
        self._rows = []

    def close(self) -> YearFiles:
        if self._rows:
            self._flush()
        self._writer.close()
        parquet = self._sink.getvalue().to_pybytes()
        # the stream's buffer grew by doubling: given back, not kept by Arrow's allocator
        self._sink = None
        pa.default_memory_pool().release_unused()
        return YearFiles(
            parquet=parquet,
            count=self._count,
            readable=self._readable,
            digest=self._digest.hexdigest(),
            size=self._size,
            generated=self._generated,
        )


def _not_text(rows: list[RawFile]) -> ValueError:
    """Which entry holds text that is not Unicode (a lone surrogate, as a hand-edited fetch log
    can hold in an address), in which field."""
    for raw in rows:
        for name in _FIELDS:
            value = getattr(raw, name)
            if name != "path" and isinstance(value, str):
                try:
                    value.encode()
                except UnicodeEncodeError:
                    return ValueError(
                        f"{raw.source}: its {name} {value!r} is not valid Unicode text "
                        "(a lone surrogate); correct where it comes from (for an address, "
                        "data/archive's log) and run the inventory again"
                    )
    return ValueError("an entry of the year holds text that is not valid Unicode")
