#!/usr/bin/env bash
# What `make test` runs (after `make tools`): every test, arranged so that waiting overlaps work.
#
#   1. Maven builds the jars and test classes once (`package -DskipTests`) while pip installs the
#      virtualenv (`make venv`).
#   2. The JUnit suites (`mvn test`: the same surefire executions, Jazzer's included, that
#      `mvn package` runs, on the classes step 1 built; the jars are not rewritten) run while the
#      pytest tests marked `realtime` run in the background: the micro-batch freshness test spends
#      about five minutes waiting on make demo's pipeline in real time, on jars step 1 built.
#   3. pytest's other tests run while Dagster's Pipes conformance suite runs in the background.
#   What runs beside the realtime tests runs under `nice`: they measure a pipeline against the wall
#   clock (a minute that reaches bronze late is healed from REST first, and the freshness test
#   asserts minutes from the WebSocket), so on a busy CPU the pipeline goes first and the JUnit
#   suites, whose waits are generous, take what it leaves.
#   4. The fault table (scripts/chaos-table.py).
#
# Nothing is skipped or shortened: the same tests with the same assertions as one after the other.
# A failed step stops the run, after the background steps have finished (each is bounded by its own
# timeouts) and their output has been printed; a background step's output is printed when it is
# waited for, framed by its name. Each step's wall time is printed ("make test [123 s]: ...").
# Ctrl-C stops the foreground step at once; a background step goes on to its own end (background jobs
# of a script ignore SIGINT) and stops what it started: the freshness test stops its demo.
#
# Expects KLINE_DATABASE_URL and KLINE_CHROMIUM set (the Makefile's test target sets them); MVN,
# MAKE and VENV as the Makefile passes them.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

MVN="${MVN:-mvn -B -ntp}"
MAKE="${MAKE:-make}"
VENV="${VENV:-.venv}"
LOGS=target/make-test
PYTEST=("$VENV/bin/pytest" -q -p no:cacheprovider)
BESIDE_REALTIME=(nice -n 10)

rm -rf "$LOGS"
mkdir -p "$LOGS"
T0=$(date +%s)
say() { echo "make test [$(($(date +%s) - T0)) s]: $*"; }

declare -A PIDS=() LOG_OF=()

# background NAME COMMAND...: runs COMMAND with its output in $LOGS/NAME.log.
background() {
  local name=$1
  shift
  LOG_OF[$name]="$LOGS/$name.log"
  "$@" > "${LOG_OF[$name]}" 2>&1 &
  PIDS[$name]=$!
  say "$name started in the background (output: ${LOG_OF[$name]})"
}

# await NAME: waits for it, prints its output and returns its exit status.
await() {
  local name=$1 status=0
  wait "${PIDS[$name]}" || status=$?
  unset "PIDS[$name]"
  echo "----- $name: output -----"
  cat "${LOG_OF[$name]}"
  echo "----- $name: end of output -----"
  say "$name finished (exit status $status)"
  return "$status"
}

# A failed step leaves nothing behind: the background steps are waited for and their output shown.
on_exit() {
  local name
  for name in "${!PIDS[@]}"; do
    await "$name" || true
  done
}
trap on_exit EXIT
trap 'trap - EXIT; say "interrupted; still running on their own: ${!PIDS[*]}"; exit 130' INT TERM

say "step 1: build (Maven) and virtualenv (pip) at once"
background venv "$MAKE" --no-print-directory venv
$MVN package -DskipTests
say "jars and test classes built"
await venv

say "step 2: JUnit suites, with pytest's realtime tests beside them"
# Exit status 5 is "no test selected": nothing is marked realtime any more.
background pytest-realtime bash -c '"$@" || { status=$?; [[ $status == 5 ]] || exit $status; }' _ \
  "${PYTEST[@]}" -m realtime --durations=5
"${BESIDE_REALTIME[@]}" $MVN test
say "JUnit suites passed"

say "step 3: pytest's other tests, with the Pipes conformance suite beside them"
background pipes-conformance "${BESIDE_REALTIME[@]}" "$MAKE" --no-print-directory test-pipes-conformance
"${BESIDE_REALTIME[@]}" "${PYTEST[@]}" -m "not realtime" --durations=15
say "pytest's other tests passed"
await pytest-realtime
await pipes-conformance

say "step 4: the fault table"
"$VENV/bin/python" scripts/chaos-table.py
say "every test passed"
