"""The yearly schedule: reports are due by 31 January, so on 1 February load the year before."""

import dagster as dg

from gx_pipeline.partitions import yearly_partitions

gx_yearly_job = dg.define_asset_job(
    "gx_yearly_job",
    selection=dg.AssetSelection.groups("gx"),
    partitions_def=yearly_partitions,
    description="Load one report year: raw pages -> parsed -> validated -> DuckDB, then tally.",
)


@dg.schedule(
    job=gx_yearly_job,
    cron_schedule="0 6 1 2 *",
    execution_timezone="Asia/Shanghai",
    default_status=dg.DefaultScheduleStatus.RUNNING,
)
def gx_yearly_schedule(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
    """Materialize the last complete report year (the tick of 2026-02-01 loads 2025)."""
    # build_schedule_from_partitioned_job cannot take a custom tick time for a custom-cron
    # partitioning, hence this hand-written schedule
    last = yearly_partitions.get_partition_keys(current_time=context.scheduled_execution_time)[-1]
    return dg.RunRequest(run_key=last, partition_key=last)
