#!/usr/bin/env bash
# Runs the whole test suite twice: on SQLite, then on a throwaway PostgreSQL cluster that this
# script creates in a temporary directory, starts on a free local port and removes at the end.
# Usage: scripts/test.sh [pytest args...]
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-.venv/bin/python}

echo "== tests on SQLite"
DATABASE_URL="" "$PY" -m pytest "$@"

PGBIN=${PGBIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}
if [ -z "$PGBIN" ] || [ ! -x "$PGBIN/initdb" ]; then
  echo "PostgreSQL server binaries not found (apt-get install postgresql)" >&2
  exit 1
fi

PGTMP=$(mktemp -d /tmp/govopen-pg.XXXXXX)
chmod 755 "$PGTMP"
PGPORT=$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
# initdb refuses to run as root: run the cluster as an unprivileged user.
if [ "$(id -u)" = 0 ]; then
  id postgres >/dev/null 2>&1 || useradd --system --home-dir "$PGTMP" postgres
  chown postgres "$PGTMP"
  AS=(runuser -u postgres --)
else
  AS=()
fi
stop_cluster() {
  "${AS[@]}" "$PGBIN/pg_ctl" -D "$PGTMP/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$PGTMP"
}
trap stop_cluster EXIT

"${AS[@]}" "$PGBIN/initdb" -D "$PGTMP/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$PGTMP/initdb.log" 2>&1 \
  || { cat "$PGTMP/initdb.log" >&2; exit 1; }
"${AS[@]}" "$PGBIN/pg_ctl" -D "$PGTMP/data" -l "$PGTMP/server.log" -w \
  -o "-p $PGPORT -k $PGTMP -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
  start >/dev/null || { cat "$PGTMP/server.log" >&2; exit 1; }

echo "== tests on PostgreSQL ($("$PGBIN/postgres" --version), port $PGPORT)"
DATABASE_URL="postgres://postgres@127.0.0.1:$PGPORT/postgres" "$PY" -m pytest "$@"
