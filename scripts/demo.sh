#!/usr/bin/env bash
# `make demo`: the whole pipeline offline on five venues. The exchange simulator plays Binance,
# Coinbase, Kraken, Bybit and OKX on local ports (log: .demo/simulator.log); then scripts/run.sh
# runs the engine on BTC and ETH of every venue and Dagster, whose sensor loads each hour
# again as the engine's files finish (`make run`'s definitions, unchanged). Binance and Kraken send nothing for three
# minutes a little after the start (the simulator's gap), and bronze-rest heals those minutes
# from their REST APIs. Everything lives in .demo/ and in the databases kline_demo and
# kline_demo_dagster, apart from `make run`'s. Ctrl-C stops everything.
#
# Overrides (scripts/measure-freshness.py runs a demo of its own with them): KLINE_DEMO_DIR,
# KLINE_DEMO_BASE_PORT (venues on base..base+4, admin on base+99), KLINE_DEMO_DATABASE_URL,
# KLINE_DEMO_DAGSTER_DATABASE_URL, DAGSTER_PORT, KLINE_DEMO_GAP=off, and KLINE_DEMO_PAIRS=n (scripts/soak.py):
# n synthetic pairs per venue (P000..P<n-1> against the venue's quote) instead of BTC and ETH; the
# simulator lists any pair it is asked for, and Binance's and Bybit's are named in canonical:.
#
#   scripts/demo.sh [--config-only]    (--config-only: write .demo/pipeline.yaml and stop; tests use it)
set -euo pipefail
cd "$(dirname "$0")/.."
root="$(pwd)"
demo="${KLINE_DEMO_DIR:-$root/.demo}"
base_port="${KLINE_DEMO_BASE_PORT:-18100}"
admin_port=$((base_port + 99))
admin="http://127.0.0.1:$admin_port"
mkdir -p "$demo"

# Checked here: an exit inside the $(pairs ...) below would only leave that subshell.
if [[ -n "${KLINE_DEMO_PAIRS:-}" && ! "$KLINE_DEMO_PAIRS" =~ ^[1-9][0-9]{0,2}$ ]]; then
  echo "KLINE_DEMO_PAIRS must be 1-999, not '$KLINE_DEMO_PAIRS'" >&2
  exit 2
fi

# The pairs line of one venue: BTC and ETH, or KLINE_DEMO_PAIRS synthetic bases (P000, P001, ...)
# written as the venue writes them; concatenated symbols also get their canonical pair.
pairs() {
  local separator="$1" quote="$2" n="${KLINE_DEMO_PAIRS:-}" bases=() symbols=() canonical=() i
  if [[ -z "$n" ]]; then
    bases=(BTC ETH)
  else
    for ((i = 0; i < n; i++)); do bases+=("$(printf 'P%03d' "$i")"); done
  fi
  for base in "${bases[@]}"; do
    symbols+=("$base$separator$quote")
    [[ -n "$separator" || -z "$n" ]] || canonical+=("$base$quote: $base-$quote")
  done
  local IFS=,
  echo "pairs: [${symbols[*]}]"
  [[ ${#canonical[@]} -eq 0 ]] || echo "    canonical: {${canonical[*]}}"
}

write_config() {
  url() { echo "$1_url: $2://127.0.0.1:$((base_port + $3))"; }
  local hour
  hour="$(date -u -d '-2 hour' +%Y-%m-%dT%H:00:00Z)"
  cat > "$demo/pipeline.yaml" <<YAML
# Written by scripts/demo.sh: every venue points at the local exchange simulator.
exchanges:
  binance:
    $(url ws ws 0)
    $(url rest http 0)
    $(pairs '' USDT)
  coinbase:
    $(url ws ws 1)
    $(url rest http 1)
    $(pairs - USD)
  kraken:
    $(url ws ws 2)
    $(url rest http 2)
    $(pairs / USD)
  bybit:
    $(url ws ws 3)
    $(url rest http 3)
    $(pairs '' USDT)
  okx:
    $(url ws ws 4)
    $(url rest http 4)
    $(pairs - USDT)
storage:
  local_dir: bronze
  dead_letter_dir: dead-letter
  s3: {enabled: false}
partitions: {start: "$hour"}
YAML
}

if [[ "${1:-}" == "--config-only" ]]; then
  write_config
  echo "$demo/pipeline.yaml"
  exit 0
elif [[ $# -gt 0 ]]; then
  echo "usage: $0 [--config-only]" >&2
  exit 2
fi

bin/exchange-simulator --base-port "$base_port" --admin-port "$admin_port" >>"$demo/simulator.log" 2>&1 &
simulator_pid=$!
trap 'echo "stopping the exchange simulator ($simulator_pid)"; kill -TERM "$simulator_pid" 2>/dev/null; wait "$simulator_pid" 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  curl -sf "$admin/now" >/dev/null 2>&1 && break
  kill -0 "$simulator_pid" 2>/dev/null || { echo "the exchange simulator did not start; see $demo/simulator.log" >&2; exit 1; }
  sleep 0.2
done
curl -sf "$admin/now" >/dev/null || { echo "the exchange simulator's admin API does not answer on $admin" >&2; exit 1; }
echo "exchange simulator up (pid $simulator_pid; venues on ports $base_port-$((base_port + 4)), admin $admin)"

write_config

# The gap: minutes +3..+5 from now, on Binance and Kraken (KLINE_DEMO_GAP=off leaves it out).
now=$(date -u +%s)
if [[ "${KLINE_DEMO_GAP:-on}" != "off" ]]; then
  gap_from="$(date -u -d "@$(( (now / 60 + 3) * 60 ))" +%Y-%m-%dT%H:%M:%SZ)"
  gap_to="$(date -u -d "@$(( (now / 60 + 6) * 60 ))" +%Y-%m-%dT%H:%M:%SZ)"
  for venue in binance kraken; do
    curl -sf -X POST "$admin/venues/$venue/faults?gap_from=$gap_from&gap_to=$gap_to" >/dev/null
  done
  echo "binance and kraken will send nothing for the minutes $gap_from .. $gap_to (exclusive); REST heals them"
fi

KLINE_DATABASE_URL="${KLINE_DEMO_DATABASE_URL:-$(env -u KLINE_DATABASE_URL scripts/ensure-postgres.sh --database kline_demo)}"
KLINE_DAGSTER_DATABASE_URL="${KLINE_DEMO_DAGSTER_DATABASE_URL:-$(env -u KLINE_DATABASE_URL scripts/ensure-postgres.sh --database kline_demo_dagster)}"
export KLINE_DATABASE_URL KLINE_DAGSTER_DATABASE_URL KLINE_PIPELINE_CONFIG="$demo/pipeline.yaml" \
  KLINE_RUN_DIR="$demo" DAGSTER_HOME="$demo/dagster_home"
scripts/run.sh
