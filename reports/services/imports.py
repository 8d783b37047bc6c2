"""The one import pipeline: a parsed document written as a draft report, all or nothing.

The admin's document upload, ``manage.py import_reports`` and any batch call
:func:`report_import_document`; the importers (``reports.importers``) only parse.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction

from reports import format as fmt
from reports.importers import ParsedReport, UnreadableDocument
from reports.models import AuditAction, FreeTable, Publisher, Region, Report, ReportKind, ReportStatus, Section
from reports.selectors.access import region_in_scope
from reports.selectors.regions import region_get
from reports.selectors.versions import report_snapshot
from reports.services.audit import audit
from reports.services.reports import (
    publisher_find_or_create,
    report_checks,
    report_dates_validate,
    report_publish,
    report_values_validate,
    search_text,
    values_store,
)
from reports.services.search import search_index_report
from reports.services.statistics import stats_refresh_later
from reports.services.versions import version_record


class ImportLookups:
    """Regions and publishers already read during one batch (``import_reports``), so that each is
    queried once per run instead of once per document.

    Small lookup dicts of rows, never document content; a publisher is remembered only once the
    transaction that read or created it has committed (a rolled-back one may not exist). Bounded:
    past ``limit`` entries the dict starts over.
    """

    # Past this many regions read one by one, the batch spans many places: read them all at once
    # (a few thousand small rows, one query) rather than one query per document.
    REGIONS_ONE_BY_ONE = 16

    def __init__(self, limit: int = 10_000):
        self.limit = limit
        self._regions: dict[str, Region] = {}
        self._regions_all = False
        self._publishers: dict[tuple[str, str], Publisher] = {}

    def region(self, code: str) -> Region:
        """The region with ``code`` (region_get: a ValidationError for an unknown or malformed code)."""
        region = self._regions.get(code)
        if region is None and not self._regions_all and len(self._regions) >= self.REGIONS_ONE_BY_ONE:
            self._load_regions()
            region = self._regions.get(code)
        if region is None:
            region = region_get(code=code)
            if len(self._regions) >= self.limit:
                self._regions.clear()
            self._regions[code] = region
        return region

    def _load_regions(self) -> None:
        regions = {r.code: r for r in Region.objects.all()}
        if len(regions) > self.limit:
            return  # not a small table after all: keep reading them one by one
        for region in regions.values():
            if region.parent_id:
                # Linked in memory, as region_get's select_related would: no query for an ancestor.
                region.parent = regions[region.parent_id]
        self._regions = regions
        self._regions_all = True

    def publisher(self, name: str, region: Region) -> tuple[Publisher, bool]:
        """The publisher ``name`` in ``region`` and whether it was created just now (in this transaction)."""
        key = (name.strip(), region.code)
        publisher = self._publishers.get(key)
        if publisher is not None:
            return publisher, False
        publisher, created = publisher_find_or_create(name=name, region=region)
        transaction.on_commit(lambda: self._remember(key, publisher))
        return publisher, created

    def publisher_stored(self, name: str, region_code: str) -> Publisher | None:
        """The stored publisher ``name`` in ``region_code``, or None (a miss is not remembered)."""
        key = (name, region_code)
        publisher = self._publishers.get(key)
        if publisher is None:
            publisher = Publisher.objects.filter(name=name, region_id=region_code).first()
            if publisher is not None:
                self._remember(key, publisher)
        return publisher

    def _remember(self, key: tuple[str, str], publisher: Publisher) -> None:
        if len(self._publishers) >= self.limit:
            self._publishers.clear()
        self._publishers[key] = publisher


def report_find_existing(*, publisher: Publisher, year: int | None, kind: str) -> Report | None:
    """The report already stored for the same publisher, year and kind, if any."""
    if year is None:
        return None
    return Report.objects.filter(publisher=publisher, year=year, kind=kind).order_by("-id").first()


@transaction.atomic
def report_import(*, parsed: ParsedReport, **options) -> tuple[Report, bool]:
    """Write one parsed document as a report, all or nothing; returns (report, replaced).

    Options given by the editor win over what the text says. A report of the same publisher,
    year and kind is replaced only when ``replace`` is set; otherwise the import fails.
    """
    return _report_import(parsed=parsed, **options)


def _report_import(
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
    lookups: ImportLookups | None = None,
) -> tuple[Report, bool]:
    # The caller holds the transaction (report_import, or report_import_document with its version
    # and audit event in the same one).
    lookups = lookups or ImportLookups()
    code = region_code or parsed.region_code
    if not code:
        raise UnreadableDocument("无法确定所属地区:文中未找到可识别的地名,请指定地区代码(--region)。")
    try:
        region = lookups.region(code.strip())
    except ValidationError as e:
        raise UnreadableDocument(e.messages[0]) from None
    name = publisher_name or parsed.publisher
    if not name:
        raise UnreadableDocument("无法确定发布机构:文中未找到发布机构名称。")
    kind = kind or parsed.kind
    if kind not in ReportKind.values:
        raise UnreadableDocument(f"未知的报告类别“{kind}”,可选:{', '.join(ReportKind.values)}。")
    year = year or parsed.year
    edition = parsed.edition
    if kind == ReportKind.ANNUAL_REPORT and year:
        edition = parsed.edition if parsed.values else fmt.edition_for_year(year)
    publisher, new_publisher = lookups.publisher(name, region)

    replaced = False
    # A publisher created just now, in this transaction, has no report yet: no query for one.
    existing = None if new_publisher else report_find_existing(publisher=publisher, year=year, kind=kind)
    if existing is not None:
        if not replace:
            raise UnreadableDocument(
                f"已存在同一发布机构、年度和类别的报告(编号 {existing.pk}:{existing.title}),未重复导入。"
            )
        replaced_pk = existing.pk
        existing.delete()
        stats_refresh_later([replaced_pk])
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
        # Never invented: a document that states no 发布日期 leaves it empty for the editor (the
        # signature's 成文日期 is another date, and taking it would hide late publication).
        published_on=parsed.published_on,
        source_url=source_url,
        status=ReportStatus.DRAFT,
        import_warnings=list(parsed.warnings),
        unconfirmed_cells=sorted([list(code) for code in parsed.unconfirmed]),
    )
    try:
        # Publisher and region are the rows just fetched or created above, so checking that they
        # exist would cost two queries per document of a bulk import for nothing; the one
        # constraint on them (one *published* report per publisher and year) is checked by
        # report_publish, and this report is a draft until then.
        # The year's range is checked by the field's validators; the one-published-report rule
        # is checked on publishing. Skipping constraint validation saves three queries a document.
        report.full_clean(exclude=["publisher", "region"], validate_constraints=False)
        report_dates_validate(report=report)
    except ValidationError as e:
        raise UnreadableDocument("; ".join(e.messages)) from None
    if parsed.values:
        try:
            report_values_validate(edition=edition, values=parsed.values)
        except ValidationError as e:
            raise UnreadableDocument("; ".join(e.messages)) from None
    if original_bytes is not None:
        report.original_file.save(original_name or "original.txt", ContentFile(original_bytes), save=False)
        # Nothing of a failed import stays behind: the database rolls back, the file goes below.
    try:
        return _import_write(report, parsed, publish=publish, replaced=replaced)
    except BaseException:
        if report.original_file:
            report.original_file.delete(save=False)
        raise


def _import_write(report: Report, parsed: ParsedReport, *, publish: bool, replaced: bool):
    # Search text and failed checks are known before the save: no second write (bulk imports).
    report.search_text = search_text(report, parsed.sections)
    report.checks_failed = sum(1 for c in report_checks(report, parsed.values) if not c.ok)
    report.save()
    search_index_report(report=report, created=True)
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
        values_store(report, parsed.values)
    if publish:
        try:
            # An archived document's 发布日期 is not today: leave it unknown rather than invent it.
            report_publish(report=report, date_today=False)
        except ValidationError as e:
            raise UnreadableDocument("; ".join(e.messages)) from None
    return report, replaced


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
    lookups: ImportLookups | None = None,
) -> Report | None:
    """The stored report a parsed document would clash with (same publisher, year and kind), if any."""
    code = region_code or parsed.region_code
    name = (publisher_name or parsed.publisher or "").strip()
    year = year or parsed.year
    if not (code and name and year):
        return None
    publisher = (lookups or ImportLookups()).publisher_stored(name, code)
    if publisher is None:
        return None
    return report_find_existing(publisher=publisher, year=year, kind=kind or parsed.kind)


def report_import_document(
    *, parsed: ParsedReport, on_existing: str = "fail", user=None, lookups: ImportLookups | None = None, **options
) -> ImportOutcome:
    """Import one parsed document all or nothing; a report already there is refused, replaced or skipped.

    ``options`` are those of :func:`report_import` (region_code, year, kind, publisher_name …).
    With ``user`` (the admin), the report must fall in the account's scope, and a report it would
    replace must be one the account may change. Every import, and every refusal, is audited with
    the file's name and SHA-256. The report, its first version and its audit event are written in
    one transaction. A batch passes one :class:`ImportLookups` to every call.
    """
    if on_existing not in ON_EXISTING:
        raise ValueError(on_existing)
    lookups = lookups or ImportLookups()
    name = options.get("original_name") or ""
    data = options.get("original_bytes")
    digest = hashlib.sha256(data).hexdigest() if data is not None else ""
    try:
        keys = ("region_code", "year", "kind", "publisher_name")
        existing = None
        if on_existing in ("skip", "replace"):
            existing = report_existing_for(parsed=parsed, lookups=lookups, **{k: options.get(k) for k in keys})
        if on_existing == "skip" and existing is not None:
            return ImportOutcome(existing, SKIPPED)
        if user is not None:
            _check_import_scope(user, options.get("region_code") or parsed.region_code, existing, on_existing)
        with transaction.atomic():
            report, replaced = _report_import(
                parsed=parsed, replace=on_existing == "replace", lookups=lookups, **options
            )
            try:
                _import_record(report, parsed, user=user, name=name, digest=digest, replaced=replaced, **options)
            except BaseException:
                if report.original_file:
                    report.original_file.delete(save=False)
                raise
    except UnreadableDocument as e:
        audit(
            AuditAction.IMPORT_FAILED, user=user, object_type="file", object_repr=name, detail=f"SHA-256 {digest};{e}"
        )
        raise
    return ImportOutcome(report, REPLACED if replaced else IMPORTED)


def _import_record(report: Report, parsed: ParsedReport, *, user, name: str, digest: str, replaced: bool, **options):
    # The first version, from what was just written (no query back): the sections, tables and numbers.
    snapshot = report_snapshot(
        report,
        values=parsed.values,
        sections=[
            Section(number=s.number, heading=s.heading, body=s.body, position=i) for i, s in enumerate(parsed.sections)
        ],
        free_tables=[
            FreeTable(caption=t.caption, header_rows=t.header_rows, rows=t.rows, position=i)
            for i, t in enumerate(parsed.free_tables)
        ],
    )
    # (A published import has its versions already: publishing kept them.)
    version_record(report=report, action="导入", user=user, snapshot=snapshot, first=not options.get("publish"))
    audit(
        AuditAction.IMPORT,
        report,
        user=user,
        detail=f"文件 {name or '(无)'},SHA-256 {digest or '—'},格式 {parsed.source_format},"
        f"结果:{'替换原报告' if replaced else '导入为草稿' if report.status == ReportStatus.DRAFT else '导入并发布'}",
    )


def _check_import_scope(user, region_code: str | None, existing: Report | None, on_existing: str) -> None:
    if not user.has_perm("reports.import_report"):
        raise UnreadableDocument("您无权导入报告。")
    if region_code and not region_in_scope(user, region_code):
        raise UnreadableDocument(f"地区 {region_code} 不在您的管辖范围内,不能导入。")
    if on_existing == "replace" and existing is not None and not user.has_perm("reports.change_report", existing):
        raise UnreadableDocument(
            f"不能替换报告 {existing.pk}:它不在您的管辖范围内,或已提交审核或已发布(请在其编辑页“修订”)。"
        )
