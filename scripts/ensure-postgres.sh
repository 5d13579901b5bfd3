#!/usr/bin/env bash
# Makes sure a PostgreSQL server is reachable and prints its URL (libpq style) on stdout.
#
#   scripts/ensure-postgres.sh [--database NAME]     (NAME defaults to kline)
#
# - KLINE_DATABASE_URL set: print it as it is (nothing is installed, started or created).
# - otherwise: install Debian's PostgreSQL when absent, start the local cluster when it is down,
#   create the role `kline` (password `kline`, CREATEDB CREATEROLE) and the database NAME owned by it, and print
#   postgresql://kline:kline@127.0.0.1:<port>/NAME
# Everything it does is idempotent; messages go to stderr.
set -euo pipefail

DATABASE=kline
if [[ "${1:-}" == "--database" && -n "${2:-}" ]]; then
  DATABASE="$2"
elif [[ $# -gt 0 ]]; then
  echo "usage: $0 [--database NAME]" >&2
  exit 2
fi
[[ "$DATABASE" =~ ^[a-z_][a-z0-9_]*$ ]] || { echo "ensure-postgres: invalid database name '$DATABASE'" >&2; exit 2; }

log() { echo "ensure-postgres: $*" >&2; }

if [[ -n "${KLINE_DATABASE_URL:-}" ]]; then
  echo "$KLINE_DATABASE_URL"
  exit 0
fi

PORT="${KLINE_PG_PORT:-5432}"

as_postgres() {
  if [[ "$(id -un)" == "postgres" ]]; then "$@"; else
    if command -v runuser >/dev/null; then runuser -u postgres -- "$@"; else su postgres -s /bin/sh -c "$(printf '%q ' "$@")"; fi
  fi
}

if ! command -v pg_lsclusters >/dev/null 2>&1 || ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
  if [[ "$(id -u)" != "0" ]]; then
    log "PostgreSQL is not installed and this user cannot install it: install Debian's 'postgresql' package or set KLINE_DATABASE_URL"
    exit 1
  fi
  log "installing Debian's PostgreSQL (apt-get) ..."
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq postgresql >&2
fi

VERSION="$(ls /usr/lib/postgresql | sort -n | tail -1)"
if ! pg_lsclusters -h | awk -v v="$VERSION" '$1 == v && $2 == "main"' | grep -q .; then
  log "creating cluster $VERSION/main on port $PORT"
  pg_createcluster --port "$PORT" "$VERSION" main >&2
fi
CLUSTER_PORT="$(pg_lsclusters -h | awk -v v="$VERSION" '$1 == v && $2 == "main" {print $3}')"
if ! pg_lsclusters -h | awk -v v="$VERSION" '$1 == v && $2 == "main" {print $4}' | grep -q online; then
  log "starting cluster $VERSION/main on port $CLUSTER_PORT"
  # After an unclean stop (a killed machine) the server first syncs its whole data directory; on a
  # loaded machine that outlasts pg_ctl's 60 s, and pg_ctl gives up while the server goes on starting.
  pg_ctlcluster "$VERSION" main start >&2 || log "pg_ctl gave up waiting; waiting on while the server says it is starting up"
fi
# 30 s for a server that does not answer; up to KLINE_PG_START_SECONDS (600) for one that answers it
# is starting up (pg_isready's status 1), as it does all through its crash recovery.
for i in $(seq 1 "${KLINE_PG_START_SECONDS:-600}"); do
  ready=0
  pg_isready -q -h 127.0.0.1 -p "$CLUSTER_PORT" || ready=$?
  [[ $ready == 0 ]] && break
  [[ $ready == 1 || $i -lt 30 ]] || break
  sleep 1
done
pg_isready -q -h 127.0.0.1 -p "$CLUSTER_PORT" || { log "PostgreSQL did not become ready on port $CLUSTER_PORT"; exit 1; }

# The role may create databases (the tests give every test class a database of its own) and roles
# (a test runs the pipeline as a role that owns nothing but the pipeline's schemas). It is the local
# development and test server's role; production's is created by scripts/create-pipeline-role.sql.
as_postgres psql -q -p "$CLUSTER_PORT" -d postgres -v ON_ERROR_STOP=1 >&2 <<'SQL'
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'kline') THEN
    CREATE ROLE kline LOGIN PASSWORD 'kline' CREATEDB CREATEROLE;
  ELSIF NOT (SELECT rolcreaterole FROM pg_roles WHERE rolname = 'kline') THEN
    ALTER ROLE kline CREATEROLE;
  END IF;
END
$$;
SQL
if ! as_postgres psql -tA -p "$CLUSTER_PORT" -d postgres -c "SELECT 1 FROM pg_database WHERE datname = '$DATABASE'" | grep -q 1; then
  as_postgres createdb -p "$CLUSTER_PORT" -O kline "$DATABASE" >&2
fi
echo "postgresql://kline:kline@127.0.0.1:${CLUSTER_PORT}/${DATABASE}"
