#!/usr/bin/env bash
# A throwaway PostgreSQL cluster in a temporary directory, on a free local port: sourced by
# scripts/test.sh and bench/bench_statistics.py. After `pg_cluster_start`, PG_DATABASE_URL points at
# it and an EXIT trap stops it and removes the directory.
#   PY               the Python that picks a free port (default .venv/bin/python)
#   PGBIN            the server binaries (default: newest /usr/lib/postgresql/*/bin)
#   PG_CLUSTER_OPTS  extra server options, e.g. "-c shared_buffers=1GB" (default none)

pg_cluster_start() {
  local py=${PY:-.venv/bin/python}
  PGBIN=${PGBIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}
  if [ -z "$PGBIN" ] || [ ! -x "$PGBIN/initdb" ]; then
    echo "PostgreSQL server binaries not found (apt-get install postgresql)" >&2
    return 1
  fi
  PGTMP=$(mktemp -d /tmp/govopen-pg.XXXXXX)
  chmod 755 "$PGTMP"
  PGPORT=$("$py" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  # initdb refuses to run as root: run the cluster as an unprivileged user.
  if [ "$(id -u)" = 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --home-dir "$PGTMP" postgres
    chown postgres "$PGTMP"
    AS=(runuser -u postgres --)
  else
    AS=()
  fi
  trap pg_cluster_stop EXIT
  "${AS[@]}" "$PGBIN/initdb" -D "$PGTMP/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$PGTMP/initdb.log" 2>&1 \
    || { cat "$PGTMP/initdb.log" >&2; return 1; }
  "${AS[@]}" "$PGBIN/pg_ctl" -D "$PGTMP/data" -l "$PGTMP/server.log" -w \
    -o "-p $PGPORT -k $PGTMP -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off ${PG_CLUSTER_OPTS:-}" \
    start >/dev/null || { cat "$PGTMP/server.log" >&2; return 1; }
  PG_DATABASE_URL="postgres://postgres@127.0.0.1:$PGPORT/postgres"
  export PG_DATABASE_URL
}

pg_cluster_stop() {
  [ -n "${PGTMP:-}" ] || return 0
  "${AS[@]}" "$PGBIN/pg_ctl" -D "$PGTMP/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$PGTMP"
}
