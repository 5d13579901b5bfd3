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
# The engine rolls its files at the hour and uploads them within seconds; minute 5 leaves margin.
MINUTE_OF_HOUR = 5


def build_hourly_schedule() -> ScheduleDefinition:
    """At minute 5 of every hour, runs the whole pipeline job for the hour that just ended.

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
