"""Every public read of reports starts here, from ``Report.objects.published()``."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Prefetch, QuerySet
from django.http import Http404

from reports import format as fmt
from reports.models import Region, Report, ReportKind, Section

PUBLIC_LIST_RELATED = ("publisher", "region")


def report_list_public() -> QuerySet:
    """Published reports, newest first, with what a list row shows."""
    return Report.objects.published().select_related(*PUBLIC_LIST_RELATED).newest_first()


def _with_content(qs: QuerySet) -> QuerySet:
    return qs.select_related(*PUBLIC_LIST_RELATED).prefetch_related(
        Prefetch("sections", queryset=Section.objects.order_by("position", "id")),
        "cells",
        "free_tables",
    )


def report_get_public(*, pk: int, preview: bool = False) -> Report:
    """A published report with its content; drafts too when ``preview`` (editors)."""
    qs = Report.objects.all() if preview else Report.objects.published()
    try:
        return _with_content(qs).get(pk=pk)
    except Report.DoesNotExist:
        raise Http404("报告不存在或未公开") from None


def report_values(report: Report) -> dict[tuple[str, str, str], object]:
    """The standard-table numbers of a report (from prefetched cells)."""
    return {(c.table, c.row, c.column): c.value for c in report.cells.all()}


@dataclass
class RenderedTable:
    table: fmt.Table
    grid: fmt.Grid
    values: dict
    checks: list
    bad_cells: set
    has_data: bool


def report_tables(report: Report) -> tuple[list[RenderedTable], list[fmt.CheckResult]]:
    """The report's standard tables laid out in the official grid, with the rule results."""
    values = report_values(report)
    checks = fmt.check(report.edition, values) if report.kind == ReportKind.ANNUAL_REPORT else []
    out = []
    for table in report.tables_format.values():
        table_checks = [c for c in checks if c.rule.startswith(table.code + ".")]
        bad = {(r, c) for ch in table_checks for (_, r, c) in ch.cells}
        t_values = {(r, c): v for (t, r, c), v in values.items() if t == table.code}
        out.append(
            RenderedTable(
                table,
                fmt.layout_grid(table),
                t_values,
                table_checks,
                bad,
                any(v is not None for v in t_values.values()),
            )
        )
    return out, checks


def region_children(code: str | None) -> QuerySet:
    """Regions directly under ``code`` (provinces when None)."""
    if not code:
        return Region.objects.provinces()
    return Region.objects.filter(parent_id=code).order_by("code")


def region_chain(region: Region | None) -> list[Region]:
    """The region and its ancestors, province first."""
    chain = []
    while region is not None:
        chain.append(region)
        region = region.parent
    return list(reversed(chain))


@dataclass
class Overview:
    years: list[int]
    rows: list[tuple[Region, list[tuple[int, int]], int]]


def annual_report_overview(*, years: int = 6) -> Overview:
    """Published annual reports counted per province and year (the newest ``years`` years)."""
    counts = Report.objects.published().annual().exclude(year=None).values("region_id", "year").annotate(n=Count("id"))
    by_province: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    all_years = set()
    for row in counts:
        by_province[row["region_id"][:2] + "0000"][row["year"]] += row["n"]
        all_years.add(row["year"])
    year_list = sorted(all_years, reverse=True)[:years]
    provinces = Region.objects.in_bulk(list(by_province))
    rows = []
    for code in sorted(by_province):
        per_year = [(y, by_province[code].get(y, 0)) for y in year_list]
        rows.append((provinces[code], per_year, sum(n for _, n in per_year)))
    return Overview(year_list, rows)
