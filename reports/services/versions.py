"""Writing versions: each save that changes a report keeps its new state as a ReportVersion."""

from __future__ import annotations

from django.db.models import Max

from reports.models import Report, ReportVersion
from reports.selectors.versions import latest_version, report_snapshot
from reports.services.audit import current_user


def snapshot_before(report: Report) -> dict | None:
    """The report as stored before a write: its last version, or (for a report saved before versions
    were kept) as the database holds it; None for a report not yet saved."""
    if report.pk is None:
        return None
    version = latest_version(report)
    if version is not None:
        return version.snapshot
    stored = Report.objects.select_related("publisher").filter(pk=report.pk).first()
    return report_snapshot(stored) if stored is not None else None


def version_record(
    *, report: Report, action: str, snapshot: dict | None = None, user=None, first: bool = False
) -> ReportVersion | None:
    """Keep the report's current state as a new version, unless it equals the last one. ``first``:
    the report was just created (an import), so there is no earlier version to look up."""
    snapshot = snapshot if snapshot is not None else report_snapshot(report)
    if first:
        number = 1
    else:
        last = latest_version(report)
        if last is not None and last.snapshot == snapshot:
            return None
        number = (ReportVersion.objects.filter(report=report).aggregate(n=Max("number"))["n"] or 0) + 1
    return ReportVersion.objects.create(
        report=report, number=number, action=action, snapshot=snapshot, created_by=user or current_user()
    )
