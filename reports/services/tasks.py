"""Background work: jobs queued on django-tasks, the backport of Django 6's ``django.tasks``.

The jobs are tasks defined beside the service they run (``stats_refresh_pending_task`` in
statistics.py, ``downloads_prerender_task`` in downloads.py, ``dumps_build_task`` in dumps.py). With
the database backend (the default) they wait in a table for ``manage.py db_worker``; with
``GOVOPEN_TASKS_INLINE=1`` (and in tests) the immediate backend runs them in the process that queues
them. Moving to Django 6's own framework is a change of imports (``django_tasks`` → ``django.tasks``).

Every job is idempotent and whatever it must not lose is in the database before it is queued (the
statistics outbox, the reports themselves), so a job queued twice or lost with a dead worker costs
time, never data.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db import DatabaseBackend
from django_tasks_db.models import DBTaskResult

if TYPE_CHECKING:
    from django_tasks.base import Task


def _waiting(task: Task, args: tuple, *, due_now: bool) -> bool:
    """Whether the database queue holds the same job not yet started (the immediate backend has no queue);
    with ``due_now``, only one due to run now counts (a deferred one would come too late)."""
    backend = task.get_backend()
    if not isinstance(backend, DatabaseBackend):
        return False
    wanted = {"args": list(args), "kwargs": {}}
    queued = DBTaskResult.objects.ready() if due_now else DBTaskResult.objects.filter(status=TaskResultStatus.READY)
    queued = queued.filter(backend_name=backend.alias, task_path=task.module_path).values_list("args_kwargs", flat=True)
    return any(item == wanted for item in queued[:100])


def enqueue_once(task: Task, *args, delay: datetime.timedelta | None = None) -> bool:
    """Queue ``task(*args)`` unless the same job is already waiting; returns whether it was queued.

    A job waiting has not started, so it will see everything committed before this call: a second
    one would only repeat it. ``delay`` (where the backend can defer) lets a burst of changes share
    one run.
    """
    if _waiting(task, args, due_now=delay is None):
        return False
    if delay is not None and task.get_backend().supports_defer:
        task = task.using(run_after=timezone.now() + delay)
    task.enqueue(*args)
    return True


def enqueue_on_commit(task: Task, *args, delay: datetime.timedelta | None = None) -> None:
    """Queue ``task(*args)`` once the current transaction commits (at once outside one), at most once.

    A failure to queue is logged, not raised: the change is committed and what the job would do
    is recorded where the next run finds it.
    """
    transaction.on_commit(lambda: enqueue_once(task, *args, delay=delay), robust=True)


def oldest_waiting_seconds() -> float | None:
    """Seconds the oldest job due to run has waited in the database queue (None: nothing waits)."""
    oldest = DBTaskResult.objects.ready().order_by("enqueued_at").values_list("enqueued_at", "run_after").first()
    if oldest is None:
        return None
    enqueued_at, run_after = oldest
    # A deferred job waits from when it was due, not from when it was queued.
    since = enqueued_at if run_after.year == 9999 else max(enqueued_at, run_after)
    return max(0.0, (timezone.now() - since).total_seconds())
