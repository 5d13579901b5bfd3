#!/usr/bin/env bash
# Runs Dagster's official Pipes conformance suite against the Java Pipes client.
#
#   scripts/pipes-conformance.sh [pytest args...]
#
# - The suite is read where it is published beside the repository, ../shared/pipes-conformance
#   (override with PIPES_CONFORMANCE_DIR); from a git worktree elsewhere, beside the main checkout.
#   It is never copied into the project. When it is absent the script says so and exits 0.
# - Its plugin needs pytest < 9 (the project pins 9.2.0), so it runs in a virtualenv of its own,
#   .venv-pipes-conformance/, built from java-workers/pipes-conformance/requirements.txt (every
#   version pinned there) and rebuilt when that file changes.
# - It needs java-workers/target/kline-worker.jar and test-classes (`mvn package`, as `make test`
#   runs before); when they are missing it builds them with `$MVN -pl java-workers -am package -DskipTests`.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# A worktree outside the main checkout's folder finds shared/ beside the main checkout instead.
MAIN_CHECKOUT="$(cd "$(git -C "$ROOT" rev-parse --path-format=absolute --git-common-dir 2>/dev/null || echo "$ROOT/.git")/.." && pwd)"
if [[ -n "${PIPES_CONFORMANCE_DIR:-}" ]]; then
  SUITE_DIR="$PIPES_CONFORMANCE_DIR"
elif [[ -d "$ROOT/../shared/pipes-conformance" ]]; then
  SUITE_DIR="$ROOT/../shared/pipes-conformance"
else
  SUITE_DIR="$MAIN_CHECKOUT/../shared/pipes-conformance"
fi
TEST_DIR="$ROOT/java-workers/pipes-conformance"
VENV="$ROOT/.venv-pipes-conformance"
PYTHON="${PYTHON:-python3}"
MVN="${MVN:-mvn -B -ntp}"

log() { echo "pipes-conformance: $*" >&2; }

SUITE_SRC="$SUITE_DIR/dagster-pipes-tests/src"
if [[ ! -d "$SUITE_SRC/dagster_pipes_tests" ]]; then
  log "SKIPPED: no conformance suite at $SUITE_DIR (expected dagster-pipes-tests/src/dagster_pipes_tests);"
  log "set PIPES_CONFORMANCE_DIR to the folder holding dagster-pipes-tests/ to run it"
  exit 0
fi

TARGET="$ROOT/java-workers/target"
ENTRY_CLASS="$TARGET/test-classes/io/klinepipeline/pipes/conformance/PipesConformanceMain.class"
if [[ ! -f "$TARGET/kline-worker.jar" || ! -f "$ENTRY_CLASS" ]]; then
  log "building java-workers (jar and test classes) first"
  (cd "$ROOT" && $MVN -q -pl java-workers -am package -DskipTests)
fi

REQUIREMENTS="$TEST_DIR/requirements.txt"
STAMP="$VENV/.requirements.sha256"
WANTED="$(sha256sum "$REQUIREMENTS" | cut -d' ' -f1)"
if [[ ! -x "$VENV/bin/python" || "$(cat "$STAMP" 2>/dev/null)" != "$WANTED" ]]; then
  log "creating $VENV from $REQUIREMENTS"
  rm -rf "$VENV"
  "$PYTHON" -m venv "$VENV"
  "$VENV/bin/pip" install -q -r "$REQUIREMENTS"
  echo "$WANTED" > "$STAMP"
fi

cd "$TEST_DIR"
export PIPES_CONFIG_PATH="$TEST_DIR/pipes.toml"
export PYTHONPATH="$SUITE_SRC${PYTHONPATH:+:$PYTHONPATH}"
# The workers' own INFO lines would bury the suite's output; warnings and errors still show.
export KLINE_LOG_LEVEL="${KLINE_LOG_LEVEL:-WARN}"
exec "$VENV/bin/pytest" -q "$@"
