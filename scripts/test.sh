#!/usr/bin/env bash
# Runs the whole test suite twice: on SQLite, then on a throwaway PostgreSQL cluster that this
# script creates in a temporary directory, starts on a free local port and removes at the end.
# Usage: scripts/test.sh [pytest args...]
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-.venv/bin/python}

echo "== tests on SQLite"
DATABASE_URL="" "$PY" -m pytest "$@"

# shellcheck source=scripts/pg-cluster.sh
. scripts/pg-cluster.sh
pg_cluster_start || exit 1

echo "== tests on PostgreSQL ($("$PGBIN/postgres" --version), port $PGPORT)"
DATABASE_URL="$PG_DATABASE_URL" "$PY" -m pytest "$@"
