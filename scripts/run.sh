#!/usr/bin/env bash
# `make run`: the main job on embedded defaults. Local PostgreSQL, migrations, the ingestion
# engine in the background (log: .run/engine.log, or $KLINE_RUN_DIR), and Dagster's dev server in the foreground
# (`dg dev`, which runs `dagster dev` for this project: UI on http://127.0.0.1:3000, daemon on). Ctrl-C stops both. Raw events go to storage.local_dir of
# pipeline.yaml (S3 stays off unless pipeline.yaml enables it).
set -euo pipefail
cd "$(dirname "$0")/.."
root="$(pwd)"
config="${KLINE_PIPELINE_CONFIG:-$root/pipeline.yaml}"

KLINE_DATABASE_URL="$(scripts/ensure-postgres.sh)"
# Dagster keeps its runs, events and schedules in PostgreSQL too (dagster-postgres): a database of
# its own on the local server, or the pipeline's database when KLINE_DATABASE_URL points elsewhere.
# It must be a libpq-style URL (postgresql://user:pw@host:port/db).
KLINE_DAGSTER_DATABASE_URL="${KLINE_DAGSTER_DATABASE_URL:-$(scripts/ensure-postgres.sh --database kline_dagster)}"
export KLINE_DATABASE_URL KLINE_DAGSTER_DATABASE_URL KLINE_PIPELINE_CONFIG="$config" \
  KLINE_WORKER_JAR="$root/java-workers/target/kline-worker.jar"

echo "applying migrations to $(echo "$KLINE_DATABASE_URL" | sed -E 's#//[^@]*@#//***@#')"
bin/kline-worker --config "$config" migrate

run_dir="${KLINE_RUN_DIR:-$root/.run}"
mkdir -p "$run_dir"
bin/kline-engine --config "$config" >>"$run_dir/engine.log" 2>&1 &
engine_pid=$!
echo "$engine_pid" > "$run_dir/engine.pid"
trap 'echo "stopping engine ($engine_pid)"; kill -TERM "$engine_pid" 2>/dev/null; wait "$engine_pid" 2>/dev/null || true' EXIT
echo "ingestion engine started (pid $engine_pid, log $run_dir/engine.log)"

# DAGSTER_HOME holds the instance settings (and compute logs); the daemon runs inside dg dev.
export DAGSTER_HOME="${DAGSTER_HOME:-$root/.dagster_home}"
mkdir -p "$DAGSTER_HOME"
# KLINE_MAX_CONCURRENT_RUNS (default 1, below) is for measuring other settings (scripts/soak.py --max-concurrent-runs).
max_concurrent_runs="${KLINE_MAX_CONCURRENT_RUNS:-1}"
[[ "$max_concurrent_runs" =~ ^[1-9][0-9]?$ ]] || { echo "KLINE_MAX_CONCURRENT_RUNS must be 1-99, not '$max_concurrent_runs'" >&2; exit 2; }
# Dagster's own connections commit without waiting for the disk (synchronous_commit=off, these
# connections only: the workers' writes to the warehouse keep waiting for theirs). A crash of the
# server or machine may lose Dagster's last fraction of a second of events, never corrupt them; the
# sensor and the hourly schedule load those hours again, idempotently. A run records several events
# per asset, each its own commit: at 500 streams, waiting for the disk on each one cost minutes a run.
if [[ "$KLINE_DAGSTER_DATABASE_URL" != *options=* ]]; then
  [[ "$KLINE_DAGSTER_DATABASE_URL" == *\?* ]] && separator='&' || separator='?'
  KLINE_DAGSTER_DATABASE_URL="$KLINE_DAGSTER_DATABASE_URL${separator}options=-c%20synchronous_commit%3Doff"
fi
cat > "$DAGSTER_HOME/dagster.yaml" <<YAML
# Written by scripts/run.sh on every start.
# dagster-postgres' storages, the event log over pooled connections (dagster_project/instance_storage.py):
# its own opens a connection per statement, several per event recorded.
run_storage:
  module: dagster_postgres.run_storage
  class: PostgresRunStorage
  config:
    postgres_url:
      env: KLINE_DAGSTER_DATABASE_URL
event_log_storage:
  module: dagster_project.instance_storage
  class: PooledPostgresEventLogStorage
  config:
    postgres_url:
      env: KLINE_DAGSTER_DATABASE_URL
schedule_storage:
  module: dagster_postgres.schedule_storage
  class: PostgresScheduleStorage
  config:
    postgres_url:
      env: KLINE_DAGSTER_DATABASE_URL
telemetry:
  enabled: false
# Steps of one pool run one at a time across all runs: each exchange's REST backfills are a pool
# (rest_<exchange>), so a backfill of many partitions never multiplies the venue's rate limit.
# At most one run at a time: on the 2-vCPU VM, parallel runs only compete for the cores (each is
# a Python run worker plus JVM launches); the sensor asks for one run per hour with new objects,
# so the queue stays short. make soak measured 3 at 500 streams: no run finished sooner (README, The soak).
concurrency:
  pools:
    default_limit: 1
  runs:
    max_concurrent_runs: $max_concurrent_runs
YAML
# dg checks that the project's virtualenv is the active one.
# shellcheck disable=SC1091
source .venv/bin/activate
dg dev -p "${DAGSTER_PORT:-3000}"
