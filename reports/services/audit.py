"""The change log editors and reviewers read (django.contrib.admin's LogEntry)."""

from __future__ import annotations

from django.contrib.admin.models import LogEntry


def log_actions(*, user, objects, flag: int, message: str) -> None:
    """Record that ``user`` added (ADDITION) or changed (CHANGE) ``objects``; saved objects only."""
    objects = [o for o in objects if o is not None and o.pk]
    if user is None or not getattr(user, "pk", None) or not objects:
        return
    LogEntry.objects.log_actions(user.pk, objects, flag, change_message=message, single_object=len(objects) == 1)
