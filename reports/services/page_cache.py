"""The public page cache's invalidation: one generation number for everything the public pages show.

The cache itself is Django's cache framework (``CACHE_URL``, govopen/cache_url.py); the
middleware that reads and fills it is ``reports.web.http.PublicPageCacheMiddleware``. Every cached
page's key holds the current generation, so a new generation retires every page at once; old
entries expire on their own.

The generation lives in the database (``SiteCounter`` ``public-pages``), not in the cache: every
gunicorn worker and every server reads the same number whatever the cache backend — with the
default per-process ``locmem://`` cache, a generation kept in the cache would change only in the
process that made the change, and the others would serve old pages. Reading it is one primary-key
query per request.

When the generation changes — exactly when something a public page shows may have changed:

- a report that is, or was when read, public is saved or deleted (publish, withdraw, a revision
  approved, a delete): ``post_save`` / ``post_delete`` of Report, so no service can forget it; a
  draft's edits change nothing public and leave the cache alone;
- a correction is recorded; a publisher or a region is saved or deleted (their names are on every
  list);
- the statistics tables are refreshed (``reports.services.statistics`` calls
  :func:`public_pages_changed`): the statistics and compliance pages read them.

The number goes up once the transaction commits: a rolled-back change leaves the cache as it was,
and the short ``UPDATE`` never holds a lock across a long import.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import F
from django.db.models.signals import post_delete, post_init, post_save

from reports.models import SiteCounter

GENERATION = "public-pages"
PUBLIC_STATUSES = ("published", "withdrawn")


def public_generation() -> int:
    """The current generation of the public pages."""
    value = SiteCounter.objects.filter(name=GENERATION).values_list("value", flat=True).first()
    return value or 0


def _bump() -> None:
    if not SiteCounter.objects.filter(name=GENERATION).update(value=F("value") + 1):
        SiteCounter.objects.get_or_create(name=GENERATION, defaults={"value": 1})


def public_pages_changed() -> None:
    """Retire every cached public page once the current transaction commits."""
    transaction.on_commit(_bump)


def _report_loaded(sender, instance, **kwargs) -> None:
    # The status as read from the database: a public report saved back to draft still counts.
    instance._loaded_status = instance.__dict__.get("status")


def _report_changed(sender, instance, **kwargs) -> None:
    if instance.status in PUBLIC_STATUSES or getattr(instance, "_loaded_status", None) in PUBLIC_STATUSES:
        public_pages_changed()


def _changed(sender, instance, **kwargs) -> None:
    public_pages_changed()


def connect_signals() -> None:
    from reports.models import Correction, Publisher, Region, Report

    post_init.connect(_report_loaded, sender=Report, dispatch_uid="page_cache_report_loaded")
    post_save.connect(_report_changed, sender=Report, dispatch_uid="page_cache_report_saved")
    post_delete.connect(_report_changed, sender=Report, dispatch_uid="page_cache_report_deleted")
    for model in (Correction, Publisher, Region):
        post_save.connect(_changed, sender=model, dispatch_uid=f"page_cache_{model.__name__}_saved")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"page_cache_{model.__name__}_deleted")
