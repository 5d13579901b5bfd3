"""The hourly run of the whole pipeline."""

from dagster import (
    AssetSelection,
    DefaultScheduleStatus,
    ScheduleDefinition,
    build_schedule_from_partitioned_job,
    define_asset_job,
)

from dagster_project.keys import BRONZE_GROUP, SILVER_GROUP

PIPELINE_JOB_NAME = "kline_pipeline_job"
# The closing update of the hour's last minute arrives just after the hour, in a file the engine
# rolls by its age bound (engine.roll_max_age_seconds, 300 by default) and then uploads: minute 10
# leaves that file time to reach S3 before ext-to-bronze reads it.
MINUTE_OF_HOUR = 10


def build_hourly_schedule() -> ScheduleDefinition:
    """At minute 10 of every hour, runs the whole pipeline job for the hour that just ended.

    The job takes its hourly partitions from the assets it selects.
    """
    job = define_asset_job(
        PIPELINE_JOB_NAME,
        selection=AssetSelection.groups(BRONZE_GROUP, SILVER_GROUP),
        description="Loads one hour of captured candles into bronze, fills the gaps from REST, merges silver.",
    )
    # Running from the start: `make run` is the pipeline, not a demo of it.
    return build_schedule_from_partitioned_job(
        job, minute_of_hour=MINUTE_OF_HOUR, default_status=DefaultScheduleStatus.RUNNING
    )
