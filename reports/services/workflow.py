"""The review workflow: 草稿 → 待审核 → 已发布 → (已撤回), and revisions of published reports.

Each step checks that ``user`` may take it (the rules of :mod:`reports.selectors.access`), writes
the report, keeps a version and appends to the audit log. A step refused raises PermissionDenied
(not allowed) or ValidationError (not possible now), each with a message for a person.

- :func:`report_submit` — an editor sends a draft for review (OCR-read cells must be confirmed).
- :func:`report_approve` — a reviewer approves: a draft is published; a revision is written into
  the published report it revises, which stays live throughout, and a public 更正记录 lists what
  changed. Nobody approves their own submission unless ``GOVOPEN_ALLOW_SELF_APPROVAL`` is on.
- :func:`report_reject` — a reviewer returns it to the editor with a comment (required).
- :func:`report_revise` — an editor starts a revision of a published report: a draft copy.
- :func:`report_revert` — a draft takes the content of an earlier version (a new version).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from reports.models import (
    AuditAction,
    Correction,
    FreeTable,
    Report,
    ReportNumbers,
    ReportStatus,
    ReportVersion,
    Section,
)
from reports.selectors.versions import report_snapshot, snapshot_diff, snapshot_values
from reports.services.audit import audit
from reports.services.reports import _check_publishable, report_publish, report_save

_NOT_ALLOWED = {
    "submit_report": "您无权提交这份报告审核(不在您的管辖范围,或报告不是草稿)。",
    "review_report": "您无权审核这份报告(不在您的管辖范围,或报告不在待审核状态)。",
    "withdraw_report": "您无权撤回这份报告(不在您的管辖范围,或报告未发布)。",
    "revise_report": "您无权修订这份报告(不在您的管辖范围、报告未发布,或已有修订稿在处理中)。",
    "change_report": "您无权修改这份报告。",
}


def require(user, permission: str, report: Report) -> None:
    if user is None or not user.has_perm(f"reports.{permission}", report):
        raise PermissionDenied(_NOT_ALLOWED.get(permission, "您无权执行这项操作。"))


@transaction.atomic
def report_submit(*, report: Report, user) -> Report:
    require(user, "submit_report", report)
    if report.unconfirmed_cells:
        raise ValidationError(
            f"还有 {len(report.unconfirmed_cells)} 个文字识别读出的单元格未经核对,请核对确认后再提交审核。"
        )
    if not report.change_reason.strip() and report.revision_of_id:
        raise ValidationError("修订已发布的报告,请先填写“更正原因”(审核通过后公开在更正记录中)。")
    report.status = ReportStatus.PENDING
    report.submitted_by = user
    report.submitted_at = timezone.now()
    report.review_comment = ""
    report.save(update_fields=["status", "submitted_by", "submitted_at", "review_comment", "updated_at"])
    audit(AuditAction.SUBMIT, report, user=user)
    return report


def _check_not_own(report: Report, user) -> None:
    if report.submitted_by_id == user.pk and not settings.GOVOPEN_ALLOW_SELF_APPROVAL:
        raise PermissionDenied("不能审核自己提交的报告:请由另一位审核人员审核。")


@transaction.atomic
def report_approve(*, report: Report, user) -> Report:
    """Publish a report sent for review, or write an approved revision into its published report."""
    require(user, "review_report", report)
    _check_not_own(report, user)
    if report.revision_of_id is None:
        report_publish(report=report)
        audit(AuditAction.APPROVE, report, user=user)
        return report
    return _apply_revision(report, user)


def _apply_revision(revision: Report, user) -> Report:
    live = Report.objects.select_for_update().select_related("publisher").get(pk=revision.revision_of_id)
    old = report_snapshot(live)
    for name in ("title", "kind", "edition", "year", "publisher_id", "region_id", "index_no", "document_no"):
        setattr(live, name, getattr(revision, name))
    for name in ("written_on", "source_url", "original_file"):
        setattr(live, name, getattr(revision, name))
    if revision.published_on:
        live.published_on = revision.published_on
    _check_publishable(live)
    report_save(report=live, **_content_of(revision))
    changes = [c for c in snapshot_diff(old, report_snapshot(live)) if c["field"] not in ("状态", "更正原因")]
    if changes or revision.change_reason:
        Correction.objects.create(
            report=live, corrected_at=timezone.now(), reason=revision.change_reason or "更正", changes=changes
        )
    audit(
        AuditAction.APPROVE,
        live,
        user=user,
        changes=changes,
        detail=f"审核通过修订稿(编号 {revision.pk}),原因:{revision.change_reason}",
    )
    revision.delete()  # its content now lives in the published report, its versions in the log
    return live


def _content_of(report: Report) -> dict:
    """A report's sections, free tables and numbers as new, unsaved parts for ``report_save``."""
    return {
        "sections": [
            Section(number=s.number, heading=s.heading, body=s.body, position=s.position) for s in report.sections.all()
        ],
        "free_tables": [
            FreeTable(caption=t.caption, header_rows=t.header_rows, rows=t.rows, position=t.position)
            for t in report.free_tables.all()
        ],
        "values": ReportNumbers.objects.filter(report_id=report.pk).values_dict(),
    }


@transaction.atomic
def report_reject(*, report: Report, user, comment: str) -> Report:
    require(user, "review_report", report)
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError("退回修改必须填写审核意见,说明需要修改什么。")
    report.status = ReportStatus.DRAFT
    report.review_comment = comment[:4000]
    report.save(update_fields=["status", "review_comment", "updated_at"])
    audit(AuditAction.REJECT, report, user=user, detail=comment)
    return report


@transaction.atomic
def report_withdraw_by(*, report: Report, user, reason: str) -> Report:
    from reports.services.reports import report_withdraw

    require(user, "withdraw_report", report)
    return report_withdraw(report=report, reason=reason)


@transaction.atomic
def report_revise(*, report: Report, user) -> Report:
    """A draft copy of a published report, to edit and send for review while the report stays live."""
    require(user, "revise_report", report)
    copy = Report(
        kind=report.kind,
        edition=report.edition,
        year=report.year,
        title=report.title,
        publisher_id=report.publisher_id,
        region_id=report.region_id,
        index_no=report.index_no,
        document_no=report.document_no,
        written_on=report.written_on,
        published_on=report.published_on,
        source_url=report.source_url,
        original_file=report.original_file.name,
        status=ReportStatus.DRAFT,
        revision_of=report,
    )
    report_save(report=copy, **_content_of(report))
    audit(AuditAction.REVISE, report, user=user, detail=f"修订稿编号 {copy.pk}")
    return copy


@transaction.atomic
def report_revert(*, report: Report, version: ReportVersion, user) -> Report:
    """Give a draft the content of an earlier version; kept as a new version (nothing is lost)."""
    require(user, "change_report", report)
    if version.report_id != report.pk:
        raise ValidationError("该版本不属于这份报告。")
    snap = version.snapshot
    meta = snap["meta"]
    for name in ("title", "kind", "edition", "index_no", "document_no", "source_url", "change_reason"):
        setattr(report, name, meta.get(name, ""))
    report.year = int(meta["year"]) if meta.get("year") else None
    report.publisher_id = int(meta["publisher"]) if meta.get("publisher") else report.publisher_id
    report.region_id = meta.get("region") or report.region_id
    report.written_on = meta.get("written_on") or None
    report.published_on = meta.get("published_on") or None
    report_save(
        report=report,
        sections=[
            Section(number=s["number"], heading=s["heading"], body=s["body"], position=i)
            for i, s in enumerate(snap["sections"])
        ],
        free_tables=[
            FreeTable(caption=t["caption"], header_rows=t["header_rows"], rows=t["rows"], position=i)
            for i, t in enumerate(snap["free_tables"])
        ],
        values=snapshot_values(snap),
    )
    audit(AuditAction.REVERT, report, user=user, detail=f"恢复到第 {version.number} 版(改动见同时的“修改”记录)")
    return report
