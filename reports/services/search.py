"""The full-text index (``ReportSearch``): written with a report's text, rebuilt by a command.

:func:`search_index_report` is called wherever ``Report.search_text`` is written (one home:
``report_refresh_derived`` and the import pipeline), so the index follows every edit. It holds
every report whatever its status; the public search reads it through ``Report.objects.published()``,
so publishing or withdrawing needs no index write.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction

from reports.models import Report, ReportSearch
from reports.segment import spaced, subwords


def _index_row(report_id: int, title: str, text: str) -> ReportSearch:
    # search_text begins with the title (services.reports.search_text): the body is the rest.
    body = text[len(title) :] if text.startswith(title) else text
    # A title's sub-words go with the title (weight A) after a line break; the body's into parts.
    title_parts = subwords(title)
    return ReportSearch(
        report_id=report_id,
        title=f"{spaced(title)}\n{title_parts}" if title_parts else spaced(title),
        body=spaced(body),
        parts=subwords(body),
    )


def search_index_report(*, report: Report, created: bool = False) -> None:
    """Index (or re-index) one report from its title and ``search_text``; ``created``: the report
    was inserted in this transaction, so it has no row yet (one INSERT instead of a locking read,
    two savepoints and a write: bulk imports)."""
    row = _index_row(report.pk, report.title, report.search_text)
    if created:
        row.save(force_insert=True)
        return
    ReportSearch.objects.update_or_create(
        report_id=report.pk, defaults={"title": row.title, "body": row.body, "parts": row.parts}
    )


def search_index_rebuild(*, batch_size: int = 500, progress: Callable[[int, int], None] | None = None) -> int:
    """Index every report again, ``batch_size`` at a time (bounded memory); returns the count.

    Idempotent: each batch replaces the rows of its reports, and rows of reports that no longer
    exist cannot remain (they are deleted with their report).
    """
    ids = Report.objects.order_by("pk").values_list("pk", flat=True)
    total = ids.count()
    done, last = 0, 0
    while True:
        batch = list(
            Report.objects.filter(pk__gt=last).order_by("pk").values_list("pk", "title", "search_text")[:batch_size]
        )
        if not batch:
            break
        rows = [_index_row(pk, title, text) for pk, title, text in batch]
        with transaction.atomic():
            ReportSearch.objects.filter(report_id__in=[r.report_id for r in rows]).delete()
            ReportSearch.objects.bulk_create(rows)
        done += len(rows)
        last = batch[-1][0]
        if progress:
            progress(done, total)
    return done
