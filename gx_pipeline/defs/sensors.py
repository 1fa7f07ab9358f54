"""New pages picked up: a sensor that runs a report year when files under data/raw/<year>/ change.

The cursor is a JSON map year -> fingerprint of the year's files (relative name, size, mtime).
A year whose fingerprint differs from the cursor gets one run of gx_yearly_job for that year
only; the run key is year + fingerprint, so the same state of a folder is never loaded twice.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import dagster as dg

from gx_pipeline.defs.partitions import yearly_partitions
from gx_pipeline.defs.resources import RawPages
from gx_pipeline.defs.schedules import gx_yearly_job
from gx_pipeline.staging.inventory import raw_files


def year_fingerprint(year_dir: Path) -> str:
    """Hash of (relative name, size, mtime) of every non-hidden file under `year_dir`, the files
    raw_report_inventory would list. Cheap: no file is read."""
    entries = []
    for path in raw_files(year_dir):
        stat = path.stat()
        entries.append(
            f"{path.relative_to(year_dir).as_posix()}\t{stat.st_size}\t{stat.st_mtime_ns}"
        )
    return hashlib.sha256("\n".join(entries).encode("utf-8")).hexdigest()[:16]


def raw_fingerprints(raw_dir: Path, years: list[str]) -> dict[str, str]:
    """Fingerprint of each report year that has a folder under `raw_dir`."""
    return {y: year_fingerprint(raw_dir / y) for y in years if (raw_dir / y).is_dir()}


@dg.sensor(
    job=gx_yearly_job,
    minimum_interval_seconds=60,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Runs gx_yearly_job for a report year when files under data/raw/<year>/ are "
    "added, changed or removed. The first evaluation records the folders as they are.",
)
def raw_pages_sensor(
    context: dg.SensorEvaluationContext, raw_pages: RawPages
) -> dg.SensorResult | dg.SkipReason:
    years = yearly_partitions.get_partition_keys()
    current = raw_fingerprints(raw_pages.raw_dir, years)
    if context.cursor is None:
        # a sensor switched on over an existing landing folder must not reload every year:
        # that is what a backfill is for
        context.update_cursor(json.dumps(current, sort_keys=True))
        return dg.SkipReason(f"recorded the raw folders of {len(current)} years; watching")
    seen: dict[str, str] = json.loads(context.cursor)
    changed = sorted(y for y, fp in current.items() if seen.get(y) != fp)
    if not changed:
        return dg.SkipReason("no new or changed raw pages")
    context.log.info(
        f"raw pages changed for {', '.join(changed)} in {os.fspath(raw_pages.raw_dir)}"
    )
    context.update_cursor(json.dumps(current, sort_keys=True))
    return dg.SensorResult(
        run_requests=[
            dg.RunRequest(
                partition_key=year,
                run_key=f"{year}:{current[year]}",
                tags={"gx/trigger": "raw_pages_sensor"},
            )
            for year in changed
        ]
    )
