"""Reads of the editors' admin (not public: drafts included)."""

from __future__ import annotations

from django.db.models import QuerySet

from reports.models import Publisher, Region, Report, TableCell
from reports.regions.codes import province_of


def provinces_with_reports() -> QuerySet:
    """The provinces that hold at least one report, in code order (the admin's 省份 filter)."""
    codes = {province_of(code) for code in Report.objects.values_list("region_id", flat=True).distinct()}
    return Region.objects.filter(code__in=codes).order_by("code")


def cells_for_export(reports: QuerySet | None = None) -> QuerySet:
    """The table cells of ``reports`` (all when None), with their report, for the spreadsheet export."""
    qs = TableCell.objects.all() if reports is None else TableCell.objects.filter(report__in=reports.values("pk"))
    return qs.select_related("report")


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
