#!/usr/bin/env bash
# Prepares the database (migrations bring the region list), loads the demo reports once, makes
# sure an admin user exists, then serves the site. Settings come from the environment or .env.
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
echo "政府信息公开: http://$HOST:$PORT/    管理后台: http://$HOST:$PORT/admin/"
exec "$PY" manage.py runserver "$HOST:$PORT"
