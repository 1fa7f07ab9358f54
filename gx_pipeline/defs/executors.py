"""The executor of the year × province code location: in one process by default, the celery
executor (dagster-celery) when GX_CELERY_BROKER names a broker, e.g. redis://host:6379/0.

Celery settings beyond dagster-celery's defaults, and why:
- task_acks_late + task_reject_on_worker_lost: a step whose worker process dies is put back on
  the queue and run again by a worker (the steps replace their partition's files, so running
  one twice leaves the same rows), instead of being lost with the run waiting for it forever;
- broker_connection_timeout and few transport retries: a broker that is down fails the run's
  first step submission within seconds, with the broker's address in the error.
"""

from __future__ import annotations

import os

import dagster as dg

BROKER_ENV = "GX_CELERY_BROKER"
BACKEND_ENV = "GX_CELERY_BACKEND"

CELERY_SETTINGS: dict[str, object] = {
    "task_acks_late": True,
    "task_reject_on_worker_lost": True,
    "broker_connection_timeout": 3,
    "broker_connection_retry_on_startup": False,
    "broker_transport_options": {"max_retries": 2, "interval_start": 0, "interval_step": 0.5},
    "redis_socket_connect_timeout": 3,
}


def celery_config(broker: str, backend: str | None = None) -> dict[str, object]:
    """The celery executor's config (also the worker's: `dagster-celery worker start -y`)."""
    return {"broker": broker, "backend": backend or broker, "config_source": CELERY_SETTINGS}


def executor_from_env() -> dg.ExecutorDefinition:
    broker = os.environ.get(BROKER_ENV)
    if not broker:
        return dg.in_process_executor
    from dagster_celery import celery_executor

    return celery_executor.configured(
        celery_config(broker, os.environ.get(BACKEND_ENV)), name="celery"
    )
