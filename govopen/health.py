"""GET /healthz: is this process up and can it reach its database? For load balancers and monitors.

Also how long the oldest background job due to run has waited (``tasks.oldest_waiting_seconds``,
null when none waits): a number that keeps growing means no worker is running. It never turns the
answer into an error: the site serves readers without a worker.
"""

from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe


@never_cache
@require_safe
def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # noqa: BLE001 - any database failure means "not healthy"
        return JsonResponse({"status": "error", "database": type(exc).__name__}, status=503)
    return JsonResponse({"status": "ok", "database": "ok", "tasks": _tasks()})


def _tasks() -> dict:
    from reports.services.tasks import oldest_waiting_seconds

    try:
        waited = oldest_waiting_seconds()
    except Exception as exc:  # noqa: BLE001 - e.g. the queue's table not migrated yet
        return {"error": type(exc).__name__}
    return {"oldest_waiting_seconds": None if waited is None else round(waited)}
