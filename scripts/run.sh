#!/usr/bin/env bash
# Prepares the database (migrations bring the region list), loads the demo reports once, makes
# sure an admin user exists, then serves the site with a background worker beside it (stopped with
# the server; none when GOVOPEN_TASKS_INLINE=1 runs the jobs in the server). Settings come from the
# environment or .env.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-.venv/bin/python}
HOST=${1:-127.0.0.1}
PORT=${2:-8000}
if [ -f .env ]; then set -a; . ./.env; set +a; fi

"$PY" manage.py migrate --no-input -v 0
"$PY" manage.py load_demo
"$PY" manage.py ensure_admin
if [ "${DJANGO_DEBUG:-0}" != "1" ]; then "$PY" manage.py collectstatic --no-input -v 0; fi
# Catch up with what a stopped worker left: pending statistics, the open-data dumps.
"$PY" manage.py enqueue_nightly
case "$(printf %s "${GOVOPEN_TASKS_INLINE:-0}" | tr '[:upper:]' '[:lower:]')" in
  1|true|yes|on) ;;
  *)
    "$PY" manage.py db_worker &
    worker=$!
    trap 'kill "$worker" 2>/dev/null; wait "$worker" 2>/dev/null || true' EXIT
    ;;
esac
echo "政府信息公开: http://$HOST:$PORT/    管理后台: http://$HOST:$PORT/admin/"
"$PY" manage.py runserver "$HOST:$PORT"
