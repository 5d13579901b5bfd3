"""Assembles the code location: assets from the factories, the job and schedule, the resource.

No sensors: an hour is complete by the clock (the schedule), not by an event; late data is taken
by re-materializing a partition, which the workers make idempotent. With KLINE_DEMO=1 (`make
demo`) the hour under way is a partition too, refreshed every five minutes instead.
"""

import os

from dagster import Definitions, EnvVar, definitions

from dagster_project.assets_bronze_rest_factory import build_bronze_rest_assets
from dagster_project.assets_ext_to_bronze_factory import build_ext_to_bronze_assets
from dagster_project.assets_silver_factory import build_silver_assets
from dagster_project.config import load_pipeline_config, pipeline_config_path
from dagster_project.partitions import hourly_partitions
from dagster_project.resources import DATABASE_URL_ENV, KlineWorkerResource
from dagster_project.schedules import build_demo_schedule, build_hourly_schedule

DEMO_ENV = "KLINE_DEMO"


@definitions
def defs() -> Definitions:
    """Loaded by Dagster when it loads the code location, so pipeline.yaml is read then, not at import."""
    config = load_pipeline_config(pipeline_config_path())
    demo = os.environ.get(DEMO_ENV) == "1"
    partitions_def = hourly_partitions(config, include_current_hour=demo)
    return Definitions(
        assets=[
            *build_ext_to_bronze_assets(config, partitions_def),
            *build_bronze_rest_assets(config, partitions_def),
            *build_silver_assets(config, partitions_def),
        ],
        schedules=[build_demo_schedule() if demo else build_hourly_schedule()],
        resources={"kline_worker": KlineWorkerResource(database_url=EnvVar(DATABASE_URL_ENV))},
    )
