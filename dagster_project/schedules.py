"""The hourly run of the whole pipeline: the safety net behind the freshness sensor."""

from datetime import datetime, timedelta

from dagster import (
    AssetSelection,
    DefaultScheduleStatus,
    RunRequest,
    ScheduleDefinition,
    ScheduleEvaluationContext,
    define_asset_job,
    schedule,
)

from dagster_project.keys import BRONZE_GROUP, SILVER_GROUP

PIPELINE_JOB_NAME = "kline_pipeline_job"
HOURLY_SCHEDULE_NAME = "kline_pipeline_job_schedule"
# After the file holding the hour's late closes is finished (the engine's roll age), this long for
# its upload to reach S3 before ext-to-bronze reads it.
UPLOAD_MARGIN_MINUTES = 5
# The key format of HourlyPartitionsDefinition.
_PARTITION_KEY_FORMAT = "%Y-%m-%d-%H:%M"


def schedule_minute(roll_max_age_seconds: int) -> int:
    """The minute of the hour by which the hour that just ended has all its files: the closing
    update of hh:59 arrives just after the hour, in a file the engine finishes by its age bound
    (engine.roll_max_age_seconds, from `kline-worker describe`) and then uploads."""
    return min(59, -(-roll_max_age_seconds // 60) + UPLOAD_MARGIN_MINUTES)


def _pipeline_job():  # noqa: ANN202 - dagster does not export the unresolved job type
    """The whole pipeline; it takes its hourly partitions from the assets it selects."""
    return define_asset_job(
        PIPELINE_JOB_NAME,
        selection=AssetSelection.groups(BRONZE_GROUP, SILVER_GROUP),
        description="Loads one hour of captured candles into bronze, fills the gaps from REST, merges silver.",
    )


def _partition_key(hour: datetime) -> str:
    return hour.strftime(_PARTITION_KEY_FORMAT)


def build_hourly_schedule(minute_of_hour: int) -> ScheduleDefinition:
    """At `minute_of_hour` of every hour, runs the whole pipeline job for the hour that just ended:
    the sensor loaded it file by file; this run is the one that sees the hour complete, and what
    a stopped sensor or daemon would have missed."""

    # Not build_schedule_from_partitioned_job: the partitions include the hour under way, which it
    # would pick as the last partition.
    @schedule(
        name=HOURLY_SCHEDULE_NAME,
        job=_pipeline_job(),
        cron_schedule=f"{minute_of_hour} * * * *",
        execution_timezone="UTC",
        # Running from the start: `make run` is the pipeline, not a demo of it.
        default_status=DefaultScheduleStatus.RUNNING,
    )
    def _hourly(context: ScheduleEvaluationContext) -> RunRequest:
        ended = context.scheduled_execution_time.replace(minute=0, second=0, microsecond=0) - timedelta(hours=1)
        return RunRequest(run_key=_partition_key(ended), partition_key=_partition_key(ended))

    return _hourly
