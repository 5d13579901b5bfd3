"""The one partitioning of every asset: hourly UTC windows from partitions.start on."""

from dagster import HourlyPartitionsDefinition

from dagster_project.config import PipelineConfig


def hourly_partitions(config: PipelineConfig) -> HourlyPartitionsDefinition:
    """Keys look like 2026-11-24-10:00; a key's window is [10:00, 11:00) UTC."""
    return HourlyPartitionsDefinition(start_date=config.partitions_start, timezone="UTC")
