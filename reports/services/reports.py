"""Every write to a report goes through here: the admin, the spreadsheet import and commands call these.

One write path: :func:`report_save` stores a report with its sections, free tables and numbers, runs
the format's rules once, stores what is derived from them and queues the statistics refresh once.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from reports import format as fmt
from reports.format import Values
from reports.models import AuditAction, Publisher, Region, Report, ReportKind, ReportNumbers, ReportStatus, Section
from reports.models.cells import numbers_encode
from reports.selectors.versions import latest_version, normalise_text, report_snapshot, snapshot_diff
from reports.services.audit import audit
from reports.services.downloads import downloads_prerender_later
from reports.services.dumps import dumps_build_later
from reports.services.search import search_index_report
from reports.services.statistics import stats_refresh_later
from reports.services.versions import snapshot_before, version_record


def publisher_get_or_create(*, name: str, region: Region) -> Publisher:
    """The publisher called ``name`` in ``region``, created on first use."""
    return publisher_find_or_create(name=name, region=region)[0]


def publisher_find_or_create(*, name: str, region: Region) -> tuple[Publisher, bool]:
    """The publisher called ``name`` in ``region`` and whether it was created just now."""
    name = name.strip()
    if not name:
        raise ValidationError("发布机构名称不能为空。")
    return Publisher.objects.get_or_create(name=name, region=region, defaults={"kind": Publisher.kind_for_name(name)})


def report_values_validate(*, edition: str, values: Values) -> None:
    """Every code must belong to the edition's tables; amounts and counts must be sane (each error names its cell)."""
    errors = fmt.value_errors(edition, values)
    if errors:
        raise ValidationError(errors)


def report_dates_validate(*, report: Report) -> None:
    """发布日期 may not come before 成文日期."""
    error = fmt.date_order_error(report.written_on, report.published_on)
    if error:
        raise ValidationError({"published_on": error})


def search_text(report: Report, sections) -> str:
    """What keyword search reads of a report: title, publisher, headings and text."""
    return "\n".join([report.title, report.publisher.name] + [f"{s.heading}\n{s.body}" for s in sections])


def report_checks(report: Report, values: Values) -> list[fmt.CheckResult]:
    """The rules' results that count against a report (only annual reports have the standard tables)."""
    if report.kind != ReportKind.ANNUAL_REPORT:
        return []
    return fmt.check(report.edition, values)


def report_refresh_derived(*, report: Report, sections=None, values: Values | None = None) -> list[fmt.CheckResult]:
    """Store the search text (and its index) and the failed-rule count, refresh the statistics; returns the rules' results.

    The rules run once, over the numbers of the report's edition whatever its kind (the editor is
    told); only annual reports count failures. A caller that has just written the sections or values
    hands them over (saves the queries).
    """
    if sections is None:
        sections = list(report.sections.all())
    if values is None:
        values = ReportNumbers.objects.filter(report_id=report.pk).values_dict()
    checks = fmt.check(report.edition, values)
    report.search_text = search_text(report, sections)
    report.checks_failed = sum(1 for c in checks if not c.ok) if report.kind == ReportKind.ANNUAL_REPORT else 0
    Report.objects.filter(pk=report.pk).update(search_text=report.search_text, checks_failed=report.checks_failed)
    search_index_report(report=report)
    _report_changed(report)
    return checks


def _report_changed(report: Report) -> None:
    """What follows any change to a report, once it commits: its statistics; its files and the
    whole-site files if the public sees it (or just stopped seeing it)."""
    stats_refresh_later([report.pk])
    if report.is_public:
        downloads_prerender_later(report.pk)
    if report.is_public or report.status == ReportStatus.WITHDRAWN:
        dumps_build_later()


def _sections_replace(report: Report, sections) -> list[Section]:
    report.sections.all().delete()
    return Section.objects.bulk_create(
        Section(report=report, position=i, number=s.number, heading=s.heading, body=normalise_text(s.body))
        for i, s in enumerate(sections)
    )


def _children_sync(report: Report, related, items: list) -> list:
    """Make ``items`` (model instances of a report's sections or free tables) its whole set.

    Rows kept keep their id, position and creation time; new ones are added, missing ones deleted
    (what the admin's inline forms mean). Returns the items in display order (position, id).
    """
    kept = [item for item in items if item.pk]
    related.exclude(pk__in=[item.pk for item in kept]).delete()
    for item in items:
        item.report = report
        item.save()
    return sorted(items, key=lambda item: (item.position, item.pk))


def _values_replace(report: Report, values: Values) -> None:
    report_values_validate(edition=report.edition, values=values)
    values_store(report, values)


@transaction.atomic
def report_save(*, report: Report, sections=None, free_tables=None, values: Values | None = None):
    """Validate and save a report and, when given, its sections, free tables and numbers, as one write.

    ``sections`` and ``free_tables`` are the report's whole sets as model instances (saved ones are
    updated, new ones added, the others deleted); ``values`` replaces the numbers. The rules run
    once and the statistics are refreshed once; returns the rules' results.
    """
    if report.is_public:
        _check_publishable(report)
    if values is not None:
        report_values_validate(edition=report.edition, values=values)
    report_dates_validate(report=report)
    report.full_clean(validate_constraints=False)
    before = snapshot_before(report)
    for section in sections or ():
        section.body = normalise_text(section.body)  # CRLF, trailing spaces: not part of the text
    report.save()
    if sections is not None:
        sections = _children_sync(report, report.sections, sections)
    if free_tables is not None:
        free_tables = _children_sync(report, report.free_tables, free_tables)
    if values is not None:
        values_store(report, values)
    checks = report_refresh_derived(report=report, sections=sections, values=values)
    _record_change(report, before, values=values, sections=sections, free_tables=free_tables)
    return checks


def _record_change(report: Report, before: dict | None, *, action: str | None = None, detail: str = "", **parts):
    """Keep a version and log the change with old and new values — unless nothing changed (a save
    that only turned CRLF into LF, or wrote the same numbers again, is no edit)."""
    after = report_snapshot(report, **parts)
    changes = snapshot_diff(before, after)
    if before is not None and not changes and action is None:
        return
    action = action or (AuditAction.EDIT if before is not None else AuditAction.CREATE)
    if before is not None and latest_version(report) is None:
        version_record(report=report, action="原始", snapshot=before)  # saved before versions were kept
    version_record(report=report, action=AuditAction(action).label, snapshot=after)
    audit(action, report, changes=changes, detail=detail)


def report_confirm_cells(*, report: Report, cells: Iterable[tuple[str, str, str]] | None = None) -> Report:
    """Mark OCR-read cells as checked by the editor: the given ones, or all of them (``None``)."""
    if cells is None:
        remaining = []
    else:
        done = {tuple(code) for code in cells}
        remaining = [code for code in report.unconfirmed_cells if tuple(code) not in done]
    if remaining != report.unconfirmed_cells:
        confirmed = len(report.unconfirmed_cells) - len(remaining)
        report.unconfirmed_cells = remaining
        report.save(update_fields=["unconfirmed_cells", "updated_at"])
        audit(
            AuditAction.CONFIRM_CELLS,
            report,
            detail=f"核对了 {confirmed} 个文字识别读出的单元格,余 {len(remaining)} 个",
        )
    return report


@transaction.atomic
def report_set_values(*, report: Report, values: Values) -> list[fmt.CheckResult]:
    """Replace the standard-table numbers of a report; returns the consistency checks."""
    before = snapshot_before(report)
    _values_replace(report, values)
    checks = report_refresh_derived(report=report, values=values)
    _record_change(report, before, values=values)
    return checks


@transaction.atomic
def report_update_values(*, report: Report, values: Values) -> list[fmt.CheckResult]:
    """Change some standard-table numbers of a report (None blanks a cell), keep the rest; rechecks."""
    current = ReportNumbers.objects.filter(report_id=report.pk).values_dict()
    current.update(values)
    return report_set_values(report=report, values=current)


@transaction.atomic
def report_set_sections(*, report: Report, sections) -> None:
    """Replace the sections of a report with (number, heading, body) items."""
    before = snapshot_before(report)
    sections = _sections_replace(report, sections)
    report_refresh_derived(report=report, sections=sections)
    _record_change(report, before, sections=sections)


def values_store(report: Report, values: Values) -> None:
    """Make ``values`` the numbers of a saved report: one upsert of its one row (none when all are blank)."""
    doc = numbers_encode(values)  # a blank cell is left out: absence reads back as None, never as 0
    if not doc:
        ReportNumbers.objects.filter(report_id=report.pk).delete()
        return
    ReportNumbers.objects.bulk_create(
        [ReportNumbers(report_id=report.pk, values=doc)],
        update_conflicts=True,
        unique_fields=["report"],
        update_fields=["values", "updated_at"],
    )


def _check_publishable(report: Report) -> None:
    if report.unconfirmed_cells:
        raise ValidationError(
            f"还有 {len(report.unconfirmed_cells)} 个由文字识别(OCR)从扫描件读出的单元格未经核对:"
            "请在编辑页对照原件逐格核对,勾选确认后再发布。"
        )
    if report.kind == ReportKind.ANNUAL_REPORT and report.year is not None:
        clash = (
            Report.objects.published()
            .annual()
            .filter(publisher=report.publisher, year=report.year)
            .exclude(pk=report.pk)
            .first()
        )
        if clash:
            raise ValidationError(
                f"{report.publisher.name}{report.year}年度已有已发布的年度报告(编号 {clash.pk}),请先撤回它。"
            )


@transaction.atomic
def report_publish(*, report: Report, date_today: bool = True) -> Report:
    """Make a report public; sets 发布日期 to today when it has none (unless ``date_today`` is off)."""
    _check_publishable(report)
    before = snapshot_before(report)
    report.status = ReportStatus.PUBLISHED
    if report.published_on is None and date_today:
        report.published_on = timezone.localdate()
    report_dates_validate(report=report)
    report.withdrawn_at, report.withdrawn_reason = None, ""
    report.full_clean()
    report.save()
    _report_changed(report)
    _record_change(report, before, action=AuditAction.PUBLISH)
    return report


@transaction.atomic
def report_withdraw(*, report: Report, reason: str) -> Report:
    """Take a report off the public site (kept, not deleted); the public URL then says when and why."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("撤回报告必须填写撤回原因(将向公众说明)。")
    before = snapshot_before(report)
    report.status = ReportStatus.WITHDRAWN
    report.withdrawn_at = timezone.now()
    report.withdrawn_reason = reason[:2000]
    report.full_clean()
    report.save()
    _report_changed(report)
    _record_change(report, before, action=AuditAction.WITHDRAW, detail=reason)
    return report


@transaction.atomic
def reports_delete(*, reports) -> int:
    """Delete reports with everything they hold, and take them out of the statistics."""
    ids = [r.pk for r in reports]
    for report in reports:
        audit(AuditAction.DELETE, report, detail=f"删除报告(状态:{report.get_status_display()})")
    files = {r.original_file.name for r in reports if r.original_file}
    Report.objects.filter(pk__in=ids).delete()
    # The originals no other report holds (a revision shares its report's) go once the delete commits.
    orphans = files - set(Report.objects.filter(original_file__in=files).values_list("original_file", flat=True))
    transaction.on_commit(lambda: _files_delete(orphans))
    stats_refresh_later(ids)
    if any(r.is_public for r in reports):
        dumps_build_later()
    return len(ids)


def _files_delete(names) -> None:
    from django.core.files.storage import default_storage

    for name in names:
        try:
            default_storage.delete(name)
        except OSError:
            pass  # already gone: nothing to keep
