"""Load report years through the year × province partitions:
`python -m gx_pipeline.defs.spread 2020 [2021 …]`.

For each year: a run of page_routes, then one run per province with pages (at most --runs at a
time), then a run of gx_warehouse and its tally check. With GX_CELERY_BROKER set, every run uses
the celery executor and its steps run on whichever celery worker takes them; before anything
starts, the workers are asked to answer, so a broker that is down or a queue nobody serves fails
at once with the reason instead of a run waiting forever. The runs are recorded in the instance
of DAGSTER_HOME, which the workers must share (docs/DEPLOY.md).
"""

import argparse
import multiprocessing
import os
import sys
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor

import dagster as dg

from gx_pipeline.defs.executors import BROKER_ENV, celery_config
from gx_pipeline.defs.home import local_instance
from gx_pipeline.defs.provinces import default_store_url
from gx_pipeline.warehouse.lake import Lake

#: seconds the workers have to answer the ping
PING_TIMEOUT_S = 5.0


class NoWorkers(RuntimeError):
    """The broker cannot be reached, or no celery worker answers on it."""


def require_workers(broker: str, timeout: float = PING_TIMEOUT_S) -> list[str]:
    """The names of the celery workers that answer on `broker`; NoWorkers when none can."""
    from dagster_celery.make_app import make_app

    app = make_app(
        {
            "broker": broker,
            "backend": broker,
            **{k: v for k, v in celery_config(broker)["config_source"].items()},
        }
    )
    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=timeout)
        answers = app.control.ping(timeout=timeout)
    except Exception as err:
        raise NoWorkers(f"the celery broker {broker} cannot be reached: {err}") from err
    finally:
        app.close()
    if not answers:
        raise NoWorkers(
            f"no celery worker answers on {broker} within {timeout:.0f} s: start them with "
            "`dagster-celery worker start -A dagster_celery.app -y <config>` (docs/DEPLOY.md)"
        )
    return sorted(name for answer in answers for name in answer)


def _run(
    job: Callable[[], dg.JobDefinition],
    instance: dg.DagsterInstance,
    key: str | dg.MultiPartitionKey,
) -> dg.DagsterRun:
    with dg.execute_job(
        dg.reconstructable(job), instance=instance, tags=_partition_tags(key)
    ) as result:
        return result.dagster_run


def _partition_tags(key: str | dg.MultiPartitionKey) -> dict[str, str]:
    tags = {"dagster/partition": str(key)}
    if isinstance(key, dg.MultiPartitionKey):
        tags.update({f"dagster/partition/{d}": k for d, k in key.keys_by_dimension.items()})
    return tags


def _province_run(year: int, province: str) -> str | None:
    """One province's run (in a worker process of spread_year); why it failed, None if not."""
    from gx_pipeline import definitions_provinces as location

    key = dg.MultiPartitionKey({"year": str(year), "province": province})
    with local_instance() as instance:
        run = _run(location.province_job, instance, key)
    return None if run.is_success else f"run {run.run_id} {run.status.value}"


def spread_year(year: int, instance: dg.DagsterInstance, runs: int = 4) -> dict[str, object]:
    """Load one year through its partitions; raise when a run fails. Returns what ran."""
    from gx_pipeline import definitions_provinces as location

    started = time.monotonic()
    run = _run(location.routes_job, instance, str(year))
    if not run.is_success:
        raise RuntimeError(f"page_routes {year}: run {run.run_id} {run.status.value}")
    provinces = sorted(set(Lake(default_store_url()).read_routes(year)["province"]))
    # each province's run from its own process: execute_job is not safe to call from threads
    # of one process (runs started that way waited forever, NOT_STARTED)
    spawn = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=max(1, runs), mp_context=spawn) as pool:
        done = list(pool.map(_province_run, [year] * len(provinces), provinces))
    failed = [f"{p}: {outcome}" for p, outcome in zip(provinces, done, strict=True) if outcome]
    if failed:
        raise RuntimeError(f"province partitions of {year} failed: {'; '.join(failed)}")
    run = _run(location.assemble_job, instance, str(year))
    if not run.is_success:
        raise RuntimeError(f"gx_warehouse {year}: run {run.run_id} {run.status.value}")
    return {"year": year, "provinces": provinces, "seconds": time.monotonic() - started}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m gx_pipeline.defs.spread")
    parser.add_argument("years", nargs="+", type=int)
    parser.add_argument("--runs", type=int, default=4, help="province runs at a time")
    args = parser.parse_args(argv)
    broker = os.environ.get(BROKER_ENV)
    try:
        if broker:
            print(f"celery workers: {', '.join(require_workers(broker))}", flush=True)
        instance = local_instance()
        for year in args.years:
            out = spread_year(year, instance, args.runs)
            print(
                f"{year}: {len(out['provinces'])} province partitions, {out['seconds']:.1f} s",
                flush=True,
            )
    except (NoWorkers, RuntimeError, FileNotFoundError) as err:
        print(f"gx spread: {err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
