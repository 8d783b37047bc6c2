"""GET /healthz, for load balancers and monitors: django-health-check's checks of the database, the
default cache and the file storage, and :class:`TaskQueue` for the background jobs, as JSON.

- 200 ``{"status": "ok", "checks": {"database": "ok", "cache": "ok", "storage": "ok", "tasks": "ok"},
  "tasks": {"oldest_waiting_seconds": null}}``.
- 503, ``"status": "error"``, when the database, the cache or the storage fails: a server that cannot
  read its reports, keep its pages or write a download leaves the rotation.
- 200, ``"status": "warning"``, when the oldest job due has waited longer than
  ``GOVOPEN_HEALTH_TASK_WAIT_SECONDS`` (no worker runs, or it is swamped): readers are served without
  a worker, so the load balancer keeps the server while a monitor raises the alarm.

The answer says only ok, warning or error per check; what went wrong (a host name, an error) goes to
the log, not to anyone who asks. The checks run one after another in the request's own thread. The
library's view runs them on an event loop with a thread per check (a new database connection on
every probe), answers 500 rather than 503, and counts a warning as a failure. A check that hangs
holds the answer: the load balancer's own timeout then reads it as a failure.
"""

from __future__ import annotations

import dataclasses
import inspect
import logging

from asgiref.sync import async_to_sync
from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.dummy import DummyCache
from django.db import DatabaseError
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from health_check import Cache, Database, HealthCheck, Storage
from health_check.exceptions import HealthCheckException, ServiceUnavailable, ServiceWarning

from reports.services.tasks import oldest_waiting_seconds

logger = logging.getLogger(__name__)


@dataclasses.dataclass
class TaskQueue(HealthCheck):
    """The background-job queue (django-tasks-db): a warning, never a failure, when the oldest job due
    has waited more than ``wait_seconds`` for a worker, or the queue cannot be read."""

    wait_seconds: float = 900
    waited: float | None = dataclasses.field(default=None, init=False, repr=False)

    def run(self) -> None:
        try:
            self.waited = oldest_waiting_seconds()
        except DatabaseError as exc:  # e.g. the queue's table not migrated yet
            raise ServiceWarning(f"the queue cannot be read ({type(exc).__name__})") from exc
        if self.waited is not None and self.waited > self.wait_seconds:
            raise ServiceWarning(f"a job has waited {self.waited:.0f} s for a worker")


def _checks() -> dict[str, HealthCheck | None]:
    return {
        "database": Database(),
        # CACHE_URL=dummy:// (debugging) keeps nothing, by design: nothing to check.
        "cache": None if isinstance(caches["default"], DummyCache) else Cache(),
        "storage": Storage(),
        "tasks": TaskQueue(wait_seconds=settings.GOVOPEN_HEALTH_TASK_WAIT_SECONDS),
    }


def _outcome(check: HealthCheck) -> HealthCheckException | None:
    try:
        if inspect.iscoroutinefunction(check.run):
            async_to_sync(check.run)()
        else:
            check.run()
    except HealthCheckException as exc:
        logger.warning("Health check %r: %s", check, exc)
        return exc
    except Exception:  # noqa: BLE001 - whatever breaks a check makes it fail, logged
        logger.exception("Health check %r failed", check)
        return ServiceUnavailable("unknown error")
    return None


def _word(outcome: HealthCheckException | None) -> str:
    if outcome is None:
        return "ok"
    return "warning" if isinstance(outcome, ServiceWarning) else "error"


@never_cache
@require_safe
def healthz(request):
    checks = _checks()
    words = {name: "off" if check is None else _word(_outcome(check)) for name, check in checks.items()}
    status = "error" if "error" in words.values() else "warning" if "warning" in words.values() else "ok"
    waited = checks["tasks"].waited
    return JsonResponse(
        {
            "status": status,
            "checks": words,
            "tasks": {"oldest_waiting_seconds": None if waited is None else round(waited)},
        },
        status=503 if status == "error" else 200,
    )
