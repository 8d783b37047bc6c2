"""Reads of the editors' admin (not public: drafts included)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet

from reports.models import Publisher, Region, Report, ReportNumbers
from reports.regions.codes import province_of


def provinces_with_reports() -> QuerySet:
    """The provinces that hold at least one report, in code order (the admin's 省份 filter)."""
    codes = {province_of(code) for code in Report.objects.values_list("region_id", flat=True).distinct()}
    return Region.objects.filter(code__in=codes).order_by("code")


@dataclass
class LongFormCell:
    """One number of the long form (FORMAT.md): a report's cell ``table.row.column`` and its value."""

    report_id: int | None = None
    table: str = ""
    row: str = ""
    column: str = ""
    value: Decimal | None = None
    report: Report | None = None


def cells_for_export(reports: QuerySet | None = None) -> list[LongFormCell]:
    """The numbers of ``reports`` (all when None) in the long form, each with its report, for the
    spreadsheet export: generated from each report's stored numbers, one query for them."""
    numbers = (
        ReportNumbers.objects.all()
        if reports is None
        else ReportNumbers.objects.filter(report__in=reports.values("pk"))
    )
    values = numbers.values_by_report()
    by_id = Report.objects.in_bulk(list(values))
    return [
        LongFormCell(report_id, t, r, c, v, by_id[report_id])
        for report_id, cells in values.items()
        for (t, r, c), v in cells.items()
    ]


def stored_cells(report_ids) -> dict[int, dict]:
    """{report id: {(table, row, column): value}} of the reports' stored numbers (drafts included)."""
    return ReportNumbers.objects.filter(report_id__in=list(report_ids)).values_by_report()


def reports_by_id(ids) -> dict[int, Report]:
    """{id: report} of the reports with these ids (missing ids are left out)."""
    return Report.objects.in_bulk(ids)


def reports_for_spreadsheet() -> QuerySet:
    """Every report with what its spreadsheet row shows."""
    return Report.objects.select_related("publisher", "region")


def publisher_id_named(name: str, region_code: str | None) -> int | None:
    """The id of the publisher called ``name`` in the region, if it is known."""
    if not (name and region_code):
        return None
    return Publisher.objects.filter(name=name, region_id=region_code).values_list("pk", flat=True).first()
