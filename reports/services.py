"""Every write to reports goes through here (views, admin, commands call these)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Mapping

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import connections, router, transaction
from django.utils import timezone

from reports import format as fmt
from reports.importers import ImportError_, ParsedReport
from reports.models import (
    FreeTable,
    Publisher,
    Region,
    Report,
    ReportKind,
    ReportStatus,
    Section,
    TableCell,
)
from reports.statistics import stats_refresh_report, stats_refresh_reports

Values = Mapping[tuple[str, str, str], Decimal | None]


def region_get(*, code: str) -> Region:
    """The region with GB/T 2260 ``code``, or a ValidationError that names it."""
    code = (code or "").strip()
    if not (len(code) == 6 and code.isdigit()):
        raise ValidationError(f"地区代码“{code}”格式不正确,应为六位数字的行政区划代码,如 440800。")
    try:
        return Region.objects.get(code=code)
    except Region.DoesNotExist:
        raise ValidationError(f"地区代码“{code}”不存在:不在行政区划代码表中。") from None


def publisher_get_or_create(*, name: str, region: Region) -> Publisher:
    """The publisher called ``name`` in ``region``, created on first use."""
    name = name.strip()
    if not name:
        raise ValidationError("发布机构名称不能为空。")
    publisher, _ = Publisher.objects.get_or_create(
        name=name, region=region, defaults={"kind": Publisher.kind_for_name(name)}
    )
    return publisher


def report_values_validate(*, edition: str, values: Values) -> None:
    """Every code must belong to the edition's tables; amounts and counts must be sane."""
    errors = fmt.value_errors(edition, values)
    if errors:
        raise ValidationError(errors)


def _search_text(report: Report, sections) -> str:
    return "\n".join([report.title, report.publisher.name] + [f"{s.heading}\n{s.body}" for s in sections])


def _checks_failed(report: Report, values: Values) -> int:
    """How many consistency rules the report's numbers break (only annual reports have the tables)."""
    if report.kind != ReportKind.ANNUAL_REPORT:
        return 0
    return fmt.failed_count(report.edition, values)


def report_refresh_derived(*, report: Report, sections=None, values: Values | None = None) -> Report:
    """Recompute the stored search text and the number of failed consistency rules.

    A caller that has just written the sections and values may hand them over (saves two queries).
    """
    if sections is None:
        sections = list(report.sections.all())
    if values is None:
        values = {(t, r, c): v for t, r, c, v in report.cells.values_list("table", "row", "column", "value")}
    report.search_text = _search_text(report, sections)
    report.checks_failed = _checks_failed(report, values)
    Report.objects.filter(pk=report.pk).update(search_text=report.search_text, checks_failed=report.checks_failed)
    stats_refresh_report(report.pk)
    return report


@transaction.atomic
def report_set_values(*, report: Report, values: Values) -> list[fmt.CheckResult]:
    """Replace the standard-table numbers of a report; returns the consistency checks."""
    report_values_validate(edition=report.edition, values=values)
    report.cells.all().delete()
    _cells_create(report, values)
    report_refresh_derived(report=report)
    return fmt.check(report.edition, values)


def _cells_create(report: Report, values: Values) -> None:
    # A blank cell is stored as no row at all: absence reads back as None, never as 0.
    cells = [(t, r, c, v) for (t, r, c), v in values.items() if v is not None]
    if not cells:
        return
    connection = connections[router.db_for_write(TableCell)]
    if connection.vendor != "postgresql":
        TableCell.objects.bulk_create(
            TableCell(report=report, table=t, row=r, column=c, value=v) for t, r, c, v in cells
        )
        return
    # On PostgreSQL one INSERT … SELECT FROM UNNEST of seven arrays: building 200 model instances
    # per report was the costliest part of a bulk import (bench/bench_import.py). Same rows as
    # bulk_create would write.
    meta = TableCell._meta
    quote = connection.ops.quote_name
    columns = ", ".join(quote(meta.get_field(f).column) for f in ("report", "table", "row", "column", "value"))
    stamps = ", ".join(quote(meta.get_field(f).column) for f in ("created_at", "updated_at"))
    now = timezone.now()
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({columns}, {stamps}) "  # noqa: S608 - names from the model
        "SELECT u.*, %s, %s FROM UNNEST(%s::bigint[], %s::varchar[], %s::varchar[], %s::varchar[], %s::numeric[]) AS u"
    )
    report_ids, tables, rows, cols, numbers = zip(*((report.pk, t, r, c, v) for t, r, c, v in cells), strict=True)
    with connection.cursor() as cursor:
        cursor.execute(sql, [now, now, list(report_ids), list(tables), list(rows), list(cols), list(numbers)])


@transaction.atomic
def report_set_sections(*, report: Report, sections) -> None:
    """Replace the sections of a report with (number, heading, body) items."""
    report.sections.all().delete()
    Section.objects.bulk_create(
        Section(report=report, position=i, number=s.number, heading=s.heading, body=s.body)
        for i, s in enumerate(sections)
    )
    report_refresh_derived(report=report)


def _check_publishable(report: Report) -> None:
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
    report.status = ReportStatus.PUBLISHED
    if report.published_on is None and date_today:
        report.published_on = timezone.localdate()
    report.full_clean()
    report.save()
    stats_refresh_report(report.pk)
    return report


@transaction.atomic
def report_withdraw(*, report: Report) -> Report:
    """Take a report off the public site (kept, not deleted)."""
    report.status = ReportStatus.WITHDRAWN
    report.full_clean()
    report.save()
    stats_refresh_report(report.pk)
    return report


@transaction.atomic
def reports_delete(*, reports) -> int:
    """Delete reports with everything they hold, and take them out of the statistics."""
    ids = [r.pk for r in reports]
    Report.objects.filter(pk__in=ids).delete()
    stats_refresh_reports(ids)
    return len(ids)


def report_find_existing(*, publisher: Publisher, year: int | None, kind: str) -> Report | None:
    """The report already stored for the same publisher, year and kind, if any."""
    if year is None:
        return None
    return Report.objects.filter(publisher=publisher, year=year, kind=kind).order_by("-id").first()


@transaction.atomic
def report_import(
    *,
    parsed: ParsedReport,
    region_code: str | None = None,
    year: int | None = None,
    kind: str | None = None,
    publisher_name: str | None = None,
    publish: bool = False,
    replace: bool = False,
    original_name: str = "",
    original_bytes: bytes | None = None,
    source_url: str = "",
) -> tuple[Report, bool]:
    """Write one parsed document as a report, all or nothing; returns (report, replaced).

    Options given by the editor win over what the text says. A report of the same publisher,
    year and kind is replaced only when ``replace`` is set; otherwise the import fails.
    """
    code = region_code or parsed.region_code
    if not code:
        raise ImportError_("无法确定所属地区:文中未找到可识别的地名,请指定地区代码(--region)。")
    try:
        region = region_get(code=code)
    except ValidationError as e:
        raise ImportError_(e.messages[0]) from None
    name = publisher_name or parsed.publisher
    if not name:
        raise ImportError_("无法确定发布机构:文中未找到发布机构名称。")
    kind = kind or parsed.kind
    if kind not in ReportKind.values:
        raise ImportError_(f"未知的报告类别“{kind}”,可选:{', '.join(ReportKind.values)}。")
    year = year or parsed.year
    edition = parsed.edition
    if kind == ReportKind.ANNUAL_REPORT and year:
        edition = parsed.edition if parsed.values else fmt.edition_for_year(year)
    publisher = publisher_get_or_create(name=name, region=region)

    replaced = False
    existing = report_find_existing(publisher=publisher, year=year, kind=kind)
    if existing is not None:
        if not replace:
            raise ImportError_(
                f"已存在同一发布机构、年度和类别的报告(编号 {existing.pk}:{existing.title}),未重复导入。"
            )
        replaced_pk = existing.pk
        existing.delete()
        stats_refresh_report(replaced_pk)
        replaced = True

    title = parsed.title or f"{name}{year or ''}年{ReportKind(kind).label}"
    report = Report(
        kind=kind,
        edition=edition,
        year=year,
        title=title[:300],
        publisher=publisher,
        region=region,
        index_no=parsed.index_no,
        document_no=parsed.document_no,
        written_on=parsed.written_on,
        # Archives rarely state 发布日期 apart from the signature date: take 成文日期 then.
        published_on=parsed.published_on or parsed.written_on,
        source_url=source_url,
        status=ReportStatus.DRAFT,
    )
    try:
        # Publisher and region are the rows just fetched or created above, so checking that they
        # exist would cost two queries per document of a bulk import for nothing; the one
        # constraint on them (one *published* report per publisher and year) is checked by
        # report_publish, and this report is a draft until then.
        # The year's range is checked by the field's validators; the one-published-report rule
        # is checked on publishing. Skipping constraint validation saves three queries a document.
        report.full_clean(exclude=["publisher", "region"], validate_constraints=False)
    except ValidationError as e:
        raise ImportError_("; ".join(e.messages)) from None
    if original_bytes is not None:
        report.original_file.save(original_name or "original.txt", ContentFile(original_bytes), save=False)
    # Search text and failed checks are known before the save: no second write (bulk imports).
    report.search_text = _search_text(report, parsed.sections)
    report.checks_failed = _checks_failed(report, parsed.values)
    report.save()
    Section.objects.bulk_create(
        Section(report=report, position=i, number=s.number, heading=s.heading, body=s.body)
        for i, s in enumerate(parsed.sections)
    )
    FreeTable.objects.bulk_create(
        FreeTable(
            report=report,
            position=i,
            caption=t.caption,
            header_rows=t.header_rows,
            rows=t.rows,
        )
        for i, t in enumerate(parsed.free_tables)
    )
    if parsed.values:
        try:
            report_values_validate(edition=edition, values=parsed.values)
        except ValidationError as e:
            raise ImportError_("; ".join(e.messages)) from None
        _cells_create(report, parsed.values)
    if publish:
        try:
            # An archived document's 发布日期 is not today: leave it unknown rather than invent it.
            report_publish(report=report, date_today=False)
        except ValidationError as e:
            raise ImportError_("; ".join(e.messages)) from None
    return report, replaced


@transaction.atomic
def report_save(*, report: Report) -> Report:
    """Validate and save a report's own fields (editors' admin form)."""
    if report.is_public:
        _check_publishable(report)
    report.full_clean(validate_constraints=False)
    report.save()
    if report.pk:
        report_refresh_derived(report=report)
    return report


# --- Batches: the admin upload, import_reports and spreadsheets share these ---------------------

IMPORTED, REPLACED, SKIPPED = "imported", "replaced", "skipped"
ON_EXISTING = ("fail", "replace", "skip")


@dataclass(frozen=True)
class ImportOutcome:
    report: Report
    status: str  # imported, replaced or skipped


def report_existing_for(
    *,
    parsed: ParsedReport,
    region_code: str | None = None,
    year: int | None = None,
    kind: str | None = None,
    publisher_name: str | None = None,
) -> Report | None:
    """The stored report a parsed document would clash with (same publisher, year and kind), if any."""
    code = region_code or parsed.region_code
    name = (publisher_name or parsed.publisher or "").strip()
    year = year or parsed.year
    if not (code and name and year):
        return None
    publisher = Publisher.objects.filter(name=name, region_id=code).first()
    if publisher is None:
        return None
    return report_find_existing(publisher=publisher, year=year, kind=kind or parsed.kind)


def report_import_document(*, parsed: ParsedReport, on_existing: str = "fail", **options) -> ImportOutcome:
    """Import one parsed document all or nothing; a report already there is refused, replaced or skipped.

    ``options`` are those of :func:`report_import` (region_code, year, kind, publisher_name …).
    """
    if on_existing not in ON_EXISTING:
        raise ValueError(on_existing)
    if on_existing == "skip":
        keys = ("region_code", "year", "kind", "publisher_name")
        existing = report_existing_for(parsed=parsed, **{k: options.get(k) for k in keys})
        if existing is not None:
            return ImportOutcome(existing, SKIPPED)
    report, replaced = report_import(parsed=parsed, replace=on_existing == "replace", **options)
    return ImportOutcome(report, REPLACED if replaced else IMPORTED)


@transaction.atomic
def report_update_values(*, report: Report, values: Values) -> list[fmt.CheckResult]:
    """Change some standard-table numbers of a report (None blanks a cell), keep the rest; rechecks."""
    current = {(c.table, c.row, c.column): c.value for c in report.cells.all()}
    current.update(values)
    return report_set_values(report=report, values=current)
