"""Assembles the code location: assets from the factories, the job, sensor and schedule, the resource.

Freshness comes from the sensor: each new finished JSONL object re-materializes the exchange/hour
it feeds, the hour under way included (it is a partition). The hourly schedule is the safety net
for the hour that just ended; re-materializing a partition is idempotent, so the two never
conflict. `make demo` runs
these same definitions against the exchange simulator.
"""

from dagster import Definitions, EnvVar, definitions, in_process_executor

from dagster_project.assets_bronze_rest_factory import build_bronze_rest_assets
from dagster_project.assets_ext_to_bronze_factory import build_ext_to_bronze_assets
from dagster_project.assets_silver_factory import build_silver_assets
from dagster_project.config import load_pipeline_config, pipeline_config_path
from dagster_project.engine_silence import build_engine_silence_sensors
from dagster_project.partitions import hourly_partitions
from dagster_project.resources import DATABASE_URL_ENV, KlineWorkerResource
from dagster_project.schedules import build_hourly_schedule, schedule_minute
from dagster_project.sensors import build_freshness_sensor

@definitions
def defs() -> Definitions:
    """Loaded by Dagster when it loads the code location, so pipeline.yaml is read then, not at import."""
    config = load_pipeline_config(pipeline_config_path())
    partitions_def = hourly_partitions(config)
    minute = schedule_minute(config.roll_max_age_seconds)
    return Definitions(
        assets=[
            *build_ext_to_bronze_assets(config, partitions_def),
            *build_bronze_rest_assets(config, partitions_def),
            *build_silver_assets(config, partitions_def),
        ],
        schedules=[build_hourly_schedule(minute)],
        sensors=[build_freshness_sensor(config, partitions_def), *build_engine_silence_sensors(config)],
        resources={"kline_worker": KlineWorkerResource(database_url=EnvVar(DATABASE_URL_ENV))},
        # Steps run one after another in the run's own process: a subprocess per step would add a
        # Python start to every JVM launch, and the 2-vCPU VM gains nothing from running them at once.
        executor=in_process_executor,
    )
