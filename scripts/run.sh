#!/usr/bin/env bash
# `make run`: the main job on embedded defaults. Local PostgreSQL, migrations, the ingestion
# engine in the background (log: .run/engine.log), and Dagster's dev server in the foreground
# (`dg dev`, which runs `dagster dev` for this project: UI on http://127.0.0.1:3000, daemon on). Ctrl-C stops both. Raw events go to storage.local_dir of
# pipeline.yaml (S3 stays off unless pipeline.yaml enables it).
set -euo pipefail
cd "$(dirname "$0")/.."
root="$(pwd)"
config="${KLINE_PIPELINE_CONFIG:-$root/pipeline.yaml}"

KLINE_DATABASE_URL="$(scripts/ensure-postgres.sh)"
export KLINE_DATABASE_URL KLINE_PIPELINE_CONFIG="$config" KLINE_WORKER_JAR="$root/java-workers/target/kline-worker.jar"

echo "applying migrations to $(echo "$KLINE_DATABASE_URL" | sed -E 's#//[^@]*@#//***@#')"
bin/kline-worker --config "$config" migrate

mkdir -p .run
bin/kline-engine --config "$config" >>.run/engine.log 2>&1 &
engine_pid=$!
echo "$engine_pid" > .run/engine.pid
trap 'echo "stopping engine ($engine_pid)"; kill -TERM "$engine_pid" 2>/dev/null; wait "$engine_pid" 2>/dev/null || true' EXIT
echo "ingestion engine started (pid $engine_pid, log .run/engine.log)"

# Dagster keeps its runs and schedules in a folder of its own; the daemon runs inside dagster dev.
export DAGSTER_HOME="$root/.dagster_home"
mkdir -p "$DAGSTER_HOME"
[[ -f "$DAGSTER_HOME/dagster.yaml" ]] || cat > "$DAGSTER_HOME/dagster.yaml" <<'YAML'
telemetry:
  enabled: false
YAML
# dg checks that the project's virtualenv is the active one.
# shellcheck disable=SC1091
source .venv/bin/activate
dg dev -p "${DAGSTER_PORT:-3000}"
