"""The hourly run of the whole pipeline."""

from datetime import timedelta

from dagster import (
    AssetSelection,
    DefaultScheduleStatus,
    RunRequest,
    ScheduleDefinition,
    ScheduleEvaluationContext,
    build_schedule_from_partitioned_job,
    define_asset_job,
    schedule,
)

from dagster_project.keys import BRONZE_GROUP, SILVER_GROUP

PIPELINE_JOB_NAME = "kline_pipeline_job"
# The closing update of the hour's last minute arrives just after the hour, in a file the engine
# rolls by its age bound (engine.roll_max_age_seconds, 300 by default) and then uploads: minute 10
# leaves that file time to reach S3 before ext-to-bronze reads it.
MINUTE_OF_HOUR = 10


DEMO_SCHEDULE_NAME = "demo_every_five_minutes"
# The key format of HourlyPartitionsDefinition.
_PARTITION_KEY_FORMAT = "%Y-%m-%d-%H:%M"


def _pipeline_job():  # noqa: ANN202 - dagster does not export the unresolved job type
    """The whole pipeline; it takes its hourly partitions from the assets it selects."""
    return define_asset_job(
        PIPELINE_JOB_NAME,
        selection=AssetSelection.groups(BRONZE_GROUP, SILVER_GROUP),
        description="Loads one hour of captured candles into bronze, fills the gaps from REST, merges silver.",
    )


def build_hourly_schedule() -> ScheduleDefinition:
    """At minute 10 of every hour, runs the whole pipeline job for the hour that just ended."""
    # Running from the start: `make run` is the pipeline, not a demo of it.
    return build_schedule_from_partitioned_job(
        _pipeline_job(), minute_of_hour=MINUTE_OF_HOUR, default_status=DefaultScheduleStatus.RUNNING
    )


def build_demo_schedule() -> ScheduleDefinition:
    """`make demo`: every five minutes, the hour under way (and in the first ten minutes of an
    hour, the hour that just ended, once more), so silver fills while one watches. Needs the
    partitions to include the current hour; re-materializing a partition is idempotent."""

    @schedule(
        name=DEMO_SCHEDULE_NAME,
        job=_pipeline_job(),
        cron_schedule="*/5 * * * *",
        execution_timezone="UTC",
        default_status=DefaultScheduleStatus.RUNNING,
    )
    def _demo(context: ScheduleEvaluationContext) -> list[RunRequest]:
        now = context.scheduled_execution_time
        hour = now.replace(minute=0, second=0, microsecond=0)
        hours = ([hour - timedelta(hours=1)] if now.minute < MINUTE_OF_HOUR else []) + [hour]
        stamp = now.strftime("%Y%m%dT%H%M")
        return [
            RunRequest(run_key=f"{h.strftime(_PARTITION_KEY_FORMAT)}@{stamp}", partition_key=h.strftime(_PARTITION_KEY_FORMAT))
            for h in hours
        ]

    return _demo
