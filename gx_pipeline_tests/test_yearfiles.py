"""The inventory as compact Parquet rows: every RawFile comes back as it went in, in order and
in batches of the asked size, at a small fixed cost a page."""

from __future__ import annotations

import dataclasses
import hashlib
import os
import pickle
import random
from pathlib import Path

import pytest

from gx_pipeline.staging.tables import RawFile
from gx_pipeline.staging.yearfiles import YearFiles


def _files(n: int, seed: int = 1) -> list[RawFile]:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        name = f"2025/gen-{i:06d}-{rng.getrandbits(64):016x}.html"
        sha = hashlib.sha256(f"{i % 997 if i % 5 == 0 else i}".encode()).hexdigest()
        kind = i % 7
        out.append(
            RawFile(
                source=name,
                path=f"/data/raw/{name}" if kind else os.fsdecode(b"/data/raw/2025/\xb1\xa8.html"),
                raw_sha256=None if kind == 3 else sha,
                size=rng.randrange(1, 200_000) if kind != 4 else 40 * 2**20,
                generated=bool(i % 2),
                refused="a socket, not a file: not read" if kind == 3 else None,
                note="file name: not valid UTF-8" if kind == 0 else None,
                address=f"https://www.example.gov.cn/{i}.html" if kind == 5 else None,
                page_address=f"https://www.example.gov.cn/{i}.html" if kind == 5 else None,
            )
        )
    return out


def test_every_row_comes_back_in_order_in_batches_of_the_size_asked():
    files = _files(9_001)
    year = pickle.loads(pickle.dumps(YearFiles.of(files)))  # as the IO manager stores it
    batches = list(year.batches(500))
    assert [len(b) for b in batches] == [500] * 18 + [1]  # across the row groups of 4,096
    assert [raw for batch in batches for raw in batch] == files  # surrogates in paths too
    assert (len(year), year.readable, year.not_read) == (9_001, 9_001 - 1_286, 1_286)
    assert year.size == sum(f.size for f in files)
    assert year.generated == sum(f.generated for f in files)
    # the data version is what it was when the inventory was one list
    lines = "\n".join(f"{f.source} {f.raw_sha256} {f.refused}" for f in files)
    assert year.digest == hashlib.sha256(lines.encode()).hexdigest()


def test_a_year_without_entries_is_one_empty_batch():
    year = YearFiles.of([])
    assert (len(year), list(year.batches(500))) == (0, [[]])


def test_the_shared_sha256_are_those_of_files_the_parse_reads():
    files = _files(3_000)
    max_bytes = 32 * 2**20
    read = [f for f in files if f.refused is None and f.size <= max_bytes]
    shas = [f.raw_sha256 for f in read]
    expected = {s for s in shas if shas.count(s) > 1}
    assert expected  # the sample has copies
    assert YearFiles.of(files).same_bytes(max_bytes) == expected
    # an oversize or refused file is no first copy: with nothing read, nothing is shared
    assert YearFiles.of([f for f in files if f not in read]).same_bytes(max_bytes) == set()


def test_a_page_costs_tens_of_bytes_not_a_python_object():
    """A national year is 100,000+ pages: the inventory as RawFile objects cost ~1.3 KB a page
    in the run's process; as Parquet it must stay near the bytes of its unique text."""
    files = _files(20_000)
    year = YearFiles.of(files)
    as_list = len(pickle.dumps(files))
    assert len(pickle.dumps(year)) / len(files) < 120, len(pickle.dumps(year)) / len(files)
    assert len(pickle.dumps(year)) < as_list / 3


def test_an_inventory_stored_as_a_list_by_the_previous_code_is_parsed(data_dir, instance):
    """A DAGSTER_HOME whose inventory was materialized before the inventory became YearFiles
    holds a pickled list of RawFile; materializing parsed_reports and what follows (the UI's
    selection, a re-execution from a failed step) loads that list: the same rows come out."""
    import dagster as dg

    from gx_pipeline.definitions import build_definitions
    from gx_pipeline_tests.conftest import FIXTURES, put_page, query

    for name in ("a.html", "b.html", "copy.html"):
        put_page(data_dir, 2021, name, FIXTURES / "seed" / "000_1722c90fa512988b.html")
    put_page(data_dir, 2021, "c.part", b"<html>")
    job = build_definitions(data_dir).resolve_job_def("gx_yearly_job")
    assert job.execute_in_process(instance=instance, partition_key="2021").success
    tables = "select source, stage, reason from quarantine union all select source, null, null from dim_report order by 1"
    before = query(data_dir, tables)
    stored = Path(instance.storage_directory()) / "raw_report_inventory" / "2021"
    files = pickle.loads(stored.read_bytes())
    stored.write_bytes(pickle.dumps([raw for batch in files.batches(500) for raw in batch]))
    after_inventory = [
        dg.AssetKey(k) for k in ("parsed_reports", "validated_frames", "gx_warehouse")
    ]
    result = job.execute_in_process(
        instance=instance,
        partition_key="2021",
        asset_selection=after_inventory,
        raise_on_error=False,
    )
    assert result.success, [e.message for e in result.all_events if e.is_failure]
    assert query(data_dir, tables) == before
    assert len(before) == 4


def test_an_address_that_is_not_unicode_text_names_its_file():
    """A fetch log edited by hand can hold a lone surrogate ("\\udc80" in JSON): the inventory
    fails naming the file and the field, not with a bare UnicodeEncodeError."""
    files = _files(10)
    bad = dataclasses.replace(files[6], address="https://www.example.gov.cn/\udc80.html")
    with pytest.raises(ValueError, match=f"{bad.source}: its address .* not valid Unicode"):
        YearFiles.of([*files[:6], bad, *files[7:]])
