"""The one partitioning of every asset: hourly UTC windows from partitions.start on."""

from dagster import HourlyPartitionsDefinition

from dagster_project.config import PipelineConfig


def hourly_partitions(config: PipelineConfig, *, include_current_hour: bool = False) -> HourlyPartitionsDefinition:
    """Keys look like 2026-11-24-10:00; a key's window is [10:00, 11:00) UTC.

    The hour still under way is a partition only when asked for (the demo refreshes it every few
    minutes; the workers treat its minutes that are not over yet as not missing).
    """
    return HourlyPartitionsDefinition(
        start_date=config.partitions_start, timezone="UTC", end_offset=1 if include_current_hour else 0
    )
