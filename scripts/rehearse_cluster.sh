#!/usr/bin/env bash
# Rehearses the many-machines layout on one machine (README, "Many machines"): a throwaway
# PostgreSQL (scripts/pg-cluster.sh) and Redis, two gunicorn app servers on two ports with the
# production settings and one db_worker, all sharing the database, the cache and one storage folder
# that stands in for the object storage; then scripts/cluster_smoke.py publishes through one server
# and reads through the other, and prune_files looks over the storage. Prints PASS/FAIL lines, exits
# non-zero on a failure, and stops and removes everything it started. Not part of the test suite.
#   scripts/rehearse_cluster.sh          (as root or with sudo: installs redis-server if missing)
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
export PY

# System programs come from Debian packages. The package's own service is kept from starting (the
# policy-rc.d convention): only the throwaway server below runs.
if ! command -v redis-server >/dev/null 2>&1; then
  echo "installing redis-server"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  made_policy=""
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
    $SUDO chmod 755 /usr/sbin/policy-rc.d
    made_policy=1
  fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends redis-server >/dev/null
  if [ -n "$made_policy" ]; then $SUDO rm -f /usr/sbin/policy-rc.d; fi
fi

free_port() { "$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

. scripts/pg-cluster.sh
pg_cluster_start
WORK=$(mktemp -d /tmp/govopen-cluster.XXXXXX)
pids=()
cleanup() {
  local status=$?
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [ "$status" != 0 ] && [ -d "$WORK" ]; then
    for log in "$WORK"/*.log; do echo "--- $(basename "$log") (last lines)"; tail -n 25 "$log"; done
  fi
  rm -rf "$WORK"
  pg_cluster_stop
}
trap cleanup EXIT

REDIS_PORT=$(free_port)
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no --daemonize no \
  --dir "$WORK" >"$WORK/redis.log" 2>&1 &
pids+=($!)

# The production settings, as every server and the worker would have them in one EnvironmentFile.
PORT_A=$(free_port)
PORT_B=$(free_port)
export DATABASE_URL=$PG_DATABASE_URL
export DJANGO_DEBUG=0
export DJANGO_SECRET_KEY="rehearsal-$("$PY" -c 'import secrets; print(secrets.token_urlsafe(40))')"
export DJANGO_ALLOWED_HOSTS=127.0.0.1,localhost
# Plain HTTP on loopback: no proxy in front to end TLS, so no redirect to HTTPS and no secure-only cookies.
export DJANGO_SSL_REDIRECT=0 DJANGO_SECURE_COOKIES=0 DJANGO_HSTS_SECONDS=0
export CACHE_URL="redis://127.0.0.1:$REDIS_PORT/0"
export DJANGO_MEDIA_ROOT="$WORK/media"  # stands in for the object storage (GOVOPEN_S3_BUCKET)
export GOVOPEN_SITE_URL="http://127.0.0.1:$PORT_A"
export GUNICORN_WORKERS=2 GUNICORN_THREADS=2 GUNICORN_ACCESS_LOG=/dev/null
export GOVOPEN_SMOKE_PASSWORD="rehearsal-$("$PY" -c 'import secrets; print(secrets.token_urlsafe(12))')"
mkdir -p "$DJANGO_MEDIA_ROOT"

"$PY" -c "
import sys, time, redis
r = redis.Redis(port=$REDIS_PORT)
for _ in range(100):
    try:
        r.ping(); sys.exit(0)
    except redis.ConnectionError:
        time.sleep(0.1)
sys.exit('redis-server did not start')"
"$PY" manage.py migrate --no-input -v 0
"$PY" manage.py collectstatic --no-input -v 0
"$PY" manage.py create_account editor --role editor --region 440800 --password-env GOVOPEN_SMOKE_PASSWORD >/dev/null
"$PY" manage.py create_account reviewer --role reviewer --region 440800 --password-env GOVOPEN_SMOKE_PASSWORD >/dev/null

# Each "machine" gets a temp folder of its own, as separate machines would: whatever a server kept
# there (and so on one machine only) would be missed by the other one.
mkdir -p "$WORK/tmp-a" "$WORK/tmp-b" "$WORK/tmp-worker"
TMPDIR="$WORK/tmp-a" GUNICORN_BIND="127.0.0.1:$PORT_A" \
  "$PY" -m gunicorn -c python:govopen.gunicorn_conf govopen.wsgi >"$WORK/server-a.log" 2>&1 &
pids+=($!)
TMPDIR="$WORK/tmp-b" GUNICORN_BIND="127.0.0.1:$PORT_B" \
  "$PY" -m gunicorn -c python:govopen.gunicorn_conf govopen.wsgi >"$WORK/server-b.log" 2>&1 &
pids+=($!)
TMPDIR="$WORK/tmp-worker" "$PY" manage.py db_worker >"$WORK/worker.log" 2>&1 &
pids+=($!)
echo "PostgreSQL :$PGPORT  Redis :$REDIS_PORT  server A :$PORT_A  server B :$PORT_B  worker  storage $DJANGO_MEDIA_ROOT"

"$PY" scripts/cluster_smoke.py --a "http://127.0.0.1:$PORT_A" --b "http://127.0.0.1:$PORT_B" \
  --media "$DJANGO_MEDIA_ROOT" --document demo/seeds/000_b20f358befc04e27.txt --editor editor --reviewer reviewer

# What the two servers and the worker left in the storage is all in use: nothing to prune.
prune=$("$PY" manage.py prune_files --dry-run --download-days 0)
echo "$prune"
if grep -q "将删除 0 个文件" <<<"$prune"; then
  echo "PASS prune_files finds nothing to remove in the shared storage"
else
  echo "FAIL prune_files would remove files still in use"
  exit 1
fi
