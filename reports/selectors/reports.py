"""Every public read of reports starts here, from ``Report.objects.published()``.

:class:`ReportPage` is the one read model of a report: the page, every download format (PDF, Word,
Excel, CSV, JSON) and the API are made from it, so none of them can disagree with another.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Iterable, Iterator

from django.db.models import QuerySet

from reports import format as fmt
from reports.models import (
    FreeTable,
    Region,
    RegionYearStat,
    Report,
    ReportKind,
    ReportNumbers,
    ReportStatus,
    Section,
)
from reports.models.cells import numbers_decode

PUBLIC_LIST_RELATED = ("publisher", "region")


def report_list_public() -> QuerySet:
    """Published reports, newest first, with what a list row shows."""
    # Not the search text (the whole report again): no list shows it, and sorting a page of the
    # list would otherwise carry every candidate's text (issue #10).
    return Report.objects.published().select_related(*PUBLIC_LIST_RELATED).defer("search_text").newest_first()


def report_ids_public() -> QuerySet:
    """The ids of published reports in ascending order (sitemaps)."""
    return Report.objects.published().only("pk", "updated_at").order_by("pk")


# --- The read model ----------------------------------------------------------------------------


@dataclass
class RenderedTable:
    """One standard table laid out in the official grid, with its values and rule results."""

    table: fmt.Table
    grid: fmt.Grid
    values: dict  # (row, column) -> value
    checks: list
    bad_cells: set
    has_data: bool


def rendered_tables(report: Report, values: fmt.Values) -> tuple[list[RenderedTable], list[fmt.CheckResult]]:
    """The report's standard tables laid out in the official grid, with the rules' results (run once)."""
    checks = fmt.check(report.edition, values) if report.kind == ReportKind.ANNUAL_REPORT else []
    out = []
    for table in report.tables_format.values():
        table_checks = fmt.checks_of_table(checks, table.code)
        bad = {(r, c) for ch in table_checks for (_, r, c) in ch.cells}
        t_values = {(r, c): v for (t, r, c), v in values.items() if t == table.code}
        has_data = any(v is not None for v in t_values.values())
        out.append(RenderedTable(table, fmt.layout_grid(table), t_values, table_checks, bad, has_data))
    return out, checks


# A free table on a page shows at most this much; the downloads hold the whole table.
PAGE_TABLE_ROWS = 200
PAGE_TABLE_COLUMNS = 30


@dataclass
class ShownTable:
    caption: str
    header_rows: int
    rows: list[list[str]]
    truncated: bool
    total_rows: int
    total_columns: int

    @property
    def shown_columns(self) -> int:
        return min(self.total_columns, PAGE_TABLE_COLUMNS)


@dataclass
class ReportPage:
    """A report as everyone outside the admin sees it, read once."""

    report: Report  # with publisher and region
    sections: list[Section]
    free_tables: list[FreeTable]
    values: dict[tuple[str, str, str], Decimal]  # a blank cell has no entry
    tables: list[RenderedTable] = field(default_factory=list)
    checks: list[fmt.CheckResult] = field(default_factory=list)
    base_url: str = ""  # ``https://host`` for absolute links in files; "" on pages
    # Rules against the same body's report on the year before (上年结转, 现行有效件数); only the page's.
    year_checks: list[fmt.CheckResult] = field(default_factory=list)
    # The public 更正记录 (approved revisions), newest first; only the page reads them.
    corrections: list = field(default_factory=list)

    def __post_init__(self):
        if not self.tables and not self.checks:
            self.tables, self.checks = rendered_tables(self.report, self.values)

    def add_year_checks(self, checks: list[fmt.CheckResult]) -> None:
        """Show the rules across years with the tables they concern (and mark the cells they name)."""
        self.year_checks = checks
        for t in self.tables:
            mine = fmt.checks_of_table(checks, t.table.code)
            t.checks = [*t.checks, *mine]
            t.bad_cells |= {(r, c) for ch in mine for (_, r, c) in ch.cells}

    @property
    def failed_year_checks(self) -> list[fmt.CheckResult]:
        return [c for c in self.year_checks if not c.ok]

    @property
    def page_url(self) -> str:
        return self.base_url + self.report.get_absolute_url()

    @property
    def failed_checks(self) -> list[fmt.CheckResult]:
        return [c for c in self.checks if not c.ok]

    @property
    def numbered_parts(self) -> set[str]:
        return {s.number for s in self.sections if s.number}

    def tables_in(self, number: str) -> list[RenderedTable]:
        """The standard tables printed inside the part ``number`` (二 holds the 主动公开 table)."""
        return [t for t in self.tables if t.table.number == number]

    @property
    def tables_after(self) -> list[RenderedTable]:
        """Tables whose part is missing from the text: shown after the sections."""
        return [t for t in self.tables if t.table.number not in self.numbered_parts]

    def shown_free_tables(self) -> list[ShownTable]:
        """The free tables as a page shows them: at most ``PAGE_TABLE_ROWS`` rows of at most
        ``PAGE_TABLE_COLUMNS`` cells each, so that a huge table cannot make its page slow; the
        downloads hold the whole table."""
        out = []
        for t in self.free_tables:
            rows = t.rows or []
            width = max((len(r) for r in rows), default=0)
            shown = [list(r[:PAGE_TABLE_COLUMNS]) for r in rows[:PAGE_TABLE_ROWS]]
            cut = len(rows) > PAGE_TABLE_ROWS or width > PAGE_TABLE_COLUMNS
            out.append(ShownTable(t.caption, t.header_rows, shown, cut, len(rows), width))
        return out

    @property
    def has_table_data(self) -> bool:
        """Whether any standard table holds a number: a document published without the tables gets
        one line saying so, not three empty grids."""
        return any(t.has_data for t in self.tables)


def report_pages(reports: list[Report], *, base_url: str = "") -> list[ReportPage]:
    """Read models of many reports (loaded with publisher and region): three queries in all."""
    ids = [r.pk for r in reports]
    sections: dict[int, list[Section]] = defaultdict(list)
    for s in Section.objects.filter(report_id__in=ids).order_by("report_id", "position", "id"):
        sections[s.report_id].append(s)
    free_tables: dict[int, list[FreeTable]] = defaultdict(list)
    for t in FreeTable.objects.filter(report_id__in=ids).order_by("report_id", "position", "id"):
        free_tables[t.report_id].append(t)
    values = ReportNumbers.objects.filter(report_id__in=ids).values_by_report()
    return [ReportPage(r, sections[r.pk], free_tables[r.pk], values.get(r.pk, {}), base_url=base_url) for r in reports]


def report_page(*, pk: int, preview: bool = False, viewer=None, base_url: str = "") -> ReportPage | None:
    """The read model of a published report. An unpublished one only for ``preview`` (trusted
    callers) or for a ``viewer`` allowed to see it (an editor or reviewer whose scope holds it).
    None if not found or not allowed."""
    report = Report.objects.select_related(*PUBLIC_LIST_RELATED).defer("search_text").filter(pk=pk).first()
    if report is None:
        return None
    if not (report.is_public or preview or (viewer is not None and viewer.has_perm("reports.view_report", report))):
        return None
    page = report_pages([report], base_url=base_url)[0]
    page.corrections = list(report.corrections.all()) if report.is_public else []
    previous = None
    if report.kind == ReportKind.ANNUAL_REPORT and report.year is not None:
        previous = previous_year_values(publisher_id=report.publisher_id, year=report.year)
    if previous is not None:
        page.add_year_checks(fmt.check_across_years(previous, (report.edition, page.values)))
    return page


def previous_year_values(*, publisher_id: int, year: int) -> tuple[str, dict] | None:
    """(edition, numbers) of the body's published annual report on the year before ``year``, if any."""
    previous = (
        Report.objects.published()
        .annual()
        .filter(publisher_id=publisher_id, year=year - 1)
        .values_list("pk", "edition")
        .first()
    )
    if previous is None:
        return None
    return previous[1], ReportNumbers.objects.filter(report_id=previous[0]).values_dict()


def report_example_id() -> int | None:
    """The id of the newest published report (for examples in the API documentation)."""
    return report_list_public().values_list("pk", flat=True).first()


# --- Many reports, read in chunks (bulk open data) ----------------------------------------------

_ROW_FIELDS = (
    "pk",
    "year",
    "region_id",
    "edition",
    "title",
    "publisher__name",
    "region__name",
    "kind",
    "published_on",
    "checks_failed",
)


def _cells_of(ids: list[int]) -> dict[int, list[tuple]]:
    """((table, row, column), value) pairs by report. The code tuples are shared: 200 numbers of
    each of 500 reports would otherwise hold 300,000 copies of the same few code strings."""
    codes: dict[tuple[str, str, str], tuple[str, str, str]] = {}
    cells: dict[int, list[tuple]] = defaultdict(list)
    rows = ReportNumbers.objects.filter(report_id__in=ids).order_by("report_id").values_list("report_id", "values")
    for report_id, doc in rows.iterator(chunk_size=100):
        cells[report_id] = [(codes.setdefault(code, code), value) for code, value in numbers_decode(doc).items()]
    return cells


def report_chunks(qs: QuerySet, chunk_size: int = 500) -> Iterator[tuple[list[tuple], dict[int, list]]]:
    """(report rows, cells by report id) for each chunk of ``qs``: two queries per chunk."""
    rows = qs.values_list(*_ROW_FIELDS).iterator(chunk_size=chunk_size)
    for chunk in chunked(rows, chunk_size):
        yield chunk, _cells_of([r[0] for r in chunk])


def report_page_chunks(qs: QuerySet, *, base_url: str = "", chunk_size: int = 500) -> Iterator[list[ReportPage]]:
    """The read models of the reports of ``qs``, a chunk at a time (four queries per chunk)."""
    reports = qs.select_related(*PUBLIC_LIST_RELATED).defer("search_text").iterator(chunk_size=chunk_size)
    for chunk in chunked(reports, chunk_size):
        yield report_pages(chunk, base_url=base_url)


def chunked(iterable: Iterable, size: int) -> Iterator[list]:
    """Lists of ``size`` items of ``iterable`` (the last one shorter)."""
    chunk = []
    for item in iterable:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


# --- The home page ---------------------------------------------------------------------------


@dataclass
class Overview:
    years: list[int]
    rows: list[tuple[Region, list[tuple[int, int]], int]]


def annual_report_overview(*, years: int = 6, provinces: Iterable[Region] | None = None) -> Overview:
    """Published annual reports counted per province and year (the newest ``years`` years).

    Read from the statistics rows (``RegionYearStat``, scope ``all``: a province with everything
    under it), already counted: a few dozen rows whatever the number of reports. ``provinces``: the
    province regions when the caller has them already (the home page shows them in a chooser too).
    """
    if provinces is None:
        provinces = Region.objects.provinces()
    provinces = {r.code: r for r in provinces}
    counts = RegionYearStat.objects.filter(
        scope=RegionYearStat.Scope.ALL, region_code__in=list(provinces), reports__gt=0
    ).values_list("region_code", "year", "reports")
    by_province: dict[str, dict[int, int]] = defaultdict(dict)
    for code, year, n in counts:
        by_province[code][year] = n
    year_list = sorted({y for per in by_province.values() for y in per}, reverse=True)[:years]
    rows = []
    for code in sorted(by_province):
        per_year = [(y, by_province[code].get(y, 0)) for y in year_list]
        rows.append((provinces[code], per_year, sum(n for _, n in per_year)))
    return Overview(year_list, rows)


def report_withdrawal(pk: int) -> Report | None:
    """A withdrawn report (its title, when and why), for the page its public URL then shows."""
    return (
        Report.objects.filter(pk=pk, status=ReportStatus.WITHDRAWN)
        .only("pk", "title", "withdrawn_at", "withdrawn_reason", "status")
        .first()
    )


def reports_with_original(name: str) -> list[Report]:
    """The reports whose 原始文件 is the stored file ``name`` (a revision shares its report's)."""
    if not name or name.startswith(("/", "..")) or "/../" in name:
        return []
    return list(Report.objects.filter(original_file=name).select_related("publisher")[:10])
