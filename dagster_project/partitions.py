"""The one partitioning of every asset: hourly UTC windows from partitions.start on."""

from dagster import HourlyPartitionsDefinition

from dagster_project.config import PipelineConfig


def hourly_partitions(config: PipelineConfig) -> HourlyPartitionsDefinition:
    """Keys look like 2026-11-24-10:00; a key's window is [10:00, 11:00) UTC.

    The hour still under way is a partition too (end_offset=1): the freshness sensor loads it as
    its files finish, and the workers treat its minutes that are not over yet as not missing.
    """
    return HourlyPartitionsDefinition(start_date=config.partitions_start, timezone="UTC", end_offset=1)
