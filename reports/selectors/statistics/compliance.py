"""The compliance board: for a region and a year, what a 政务公开办 checks in its area.

* publishers with no published annual report for the year;
* reports published after the deadline of 条例 第四十九条;
* reports whose tables break a consistency rule (勾稽关系), with the rule and the cells;
* reports whose text is nearly the previous year's report of the same publisher;
* 2019/2021-format reports that lack one of the six parts or one of the standard tables.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Exists, Max, OuterRef, Q
from django.utils import timezone

from reports import format as fmt
from reports import similarity
from reports.models import Publisher, Region, Report, ReportStat
from reports.regions.codes import COUNTRY_CODE, code_prefix
from reports.selectors.links import report_url
from reports.selectors.regions import region_tree
from reports.selectors.statistics.aggregate import Figure
from reports.selectors.statistics.datatable import Cell, Column, DataTable, Row
from reports.selectors.statistics.scope import list_url, scope_filter

NEW_REGULATION_FIRST_YEAR = 2019  # 国务院令第711号 took effect on 2019-05-15
LIST_LIMIT = 100
UNDATED = "发布日期不详"


def report_deadline(year: int, publisher_kind: str) -> datetime.date:
    """The last day on which the annual report on ``year`` is on time.

    《中华人民共和国政府信息公开条例》(国务院令第711号, in force since 15 May 2019) 第四十九条:
    departments of governments at county level and above publish the previous year's report by
    31 January; the government's own report (the 主管部门 publishes it) by 31 March. Reports on
    2018 and earlier were due under the 2008 条例 (国务院令第492号) 第三十一条: every organ by 31 March.
    Reports on 2019 were due in 2020, under the new 条例. "By" includes the day itself.
    """
    if year >= NEW_REGULATION_FIRST_YEAR and publisher_kind != Publisher.Kind.GOVERNMENT:
        return datetime.date(year + 1, 1, 31)
    return datetime.date(year + 1, 3, 31)


def deadline_rule_text(year: int) -> str:
    dept = report_deadline(year, Publisher.Kind.DEPARTMENT)
    gov = report_deadline(year, Publisher.Kind.GOVERNMENT)
    if dept == gov:
        return f"{year}年度报告适用2008年《政府信息公开条例》第三十一条:各级行政机关于{_day(gov)}前公布。"
    return (
        f"{year}年度报告适用《政府信息公开条例》(2019年修订)第四十九条:"
        f"{Publisher.Kind.DEPARTMENT.label}于{_day(dept)}前、{Publisher.Kind.GOVERNMENT.label}于"
        f"{_day(gov)}前公布上一年度报告(当日发布不算逾期)。"
    )


def _day(d: datetime.date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def latest_due_year(today: datetime.date | None = None) -> int:
    """The newest year whose reports are all due by ``today``."""
    today = today or timezone.localdate()
    year = today.year - 1
    return year if today > report_deadline(year, Publisher.Kind.GOVERNMENT) else year - 1


@dataclass
class ComplianceBoard:
    code: str
    region: Region | None
    year: int
    today: datetime.date
    expected: int = 0
    published: int = 0
    missing: DataTable | None = None
    late: DataTable | None = None
    undated: int = 0
    late_count: int = 0  # published after the deadline (the undated are counted apart)
    failing: DataTable | None = None
    across_years: DataTable | None = None
    similar: DataTable | None = None
    compared: int = 0
    incomplete: DataTable | None = None
    threshold: float = similarity.THRESHOLD
    counts: dict = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.region.name if self.region else "全国"

    @property
    def deadlines(self) -> list[tuple[str, datetime.date, bool]]:
        return [
            (kind.label, d, self.today > d)
            for kind in (Publisher.Kind.DEPARTMENT, Publisher.Kind.GOVERNMENT)
            for d in [report_deadline(self.year, kind)]
        ]

    @property
    def rule_text(self) -> str:
        return deadline_rule_text(self.year)

    def tables(self) -> list[DataTable]:
        tables = (self.missing, self.late, self.failing, self.across_years, self.similar, self.incomplete)
        return [t for t in tables if t is not None]


def _text(value) -> Cell:
    return Cell(text="" if value is None else str(value))


# What the rows of the board read of a report's statistics, its report and publisher: the report's
# text (search_text, sections' copy) would otherwise be read for every listed report.
ROW_FIELDS = (
    "report_id",
    "publisher_id",
    "region_code",
    "year",
    "edition",
    "checks_failed",
    "published_on",
    "missing_parts",
    "missing_tables",
    "report__title",
    "publisher__name",
    "publisher__kind",
)


def _report_row(st: ReportStat, tree, scope: str, cells: list[Cell]) -> Row:
    return Row(
        st.report.title,
        [_text(tree.name_within(st.region_code, scope)), _text(st.publisher.name), *cells],
        href=report_url("reports:detail", st.report_id),
        key=str(st.report_id),
    )


_REPORT_COLS = [Column("region", "地区", text=True), Column("publisher", "发布机构", text=True)]


def compliance_board(*, region: Region | None, year: int, limit: int | None = LIST_LIMIT) -> ComplianceBoard:
    """The compliance board of a region (None: the country) for the reports on ``year``."""
    code = region.code if region else COUNTRY_CODE
    tree = region_tree()
    board = ComplianceBoard(code, region, year, timezone.localdate())
    in_scope = scope_filter(code)
    year_stats = ReportStat.objects.filter(in_scope, year=year).select_related("report", "publisher").only(*ROW_FIELDS)

    _missing(board, tree, limit)
    _late(board, tree, year_stats, limit)
    _failing(board, tree, year_stats, limit)
    _across_years(board, tree, year_stats, limit)
    _similar(board, tree, year_stats, limit)
    _incomplete(board, tree, year_stats, limit)
    return board


def _missing(board: ComplianceBoard, tree, limit) -> None:
    prefix = "" if board.code == COUNTRY_CODE else code_prefix(board.code)
    publishers = Publisher.objects.filter(region__code__startswith=prefix) if prefix else Publisher.objects.all()
    # Counted and cut in the database: the country has tens of thousands of publishers.
    stats = ReportStat.objects.filter(publisher_id=OuterRef("pk"))
    this_year = stats.filter(year=board.year)
    earlier = stats.filter(year__lt=board.year)
    later = stats.filter(year__gt=board.year)
    # Not published this year, and registered with no report yet or published in an earlier year
    # (a publisher first seen after the year shows no sign it was expected then). Written as "not
    # first seen after the year", the same set: an OR over the subqueries makes PostgreSQL hash every
    # report of the country first; this walks the publishers in order and stops at the limit.
    missing_qs = publishers.filter(~Exists(this_year) & ~(Exists(later) & ~Exists(earlier)))
    published = publishers.filter(Exists(this_year)).count()
    # Counted as what is left: every publisher, less those that published, less those first seen after
    # the year. The same set as missing_qs, but each count is one join the planner prices low (the
    # OR of subqueries is priced high enough for PostgreSQL to JIT-compile it, which costs more).
    first_seen_later = publishers.filter(Exists(later) & ~Exists(stats.filter(year__lte=board.year)))
    missing_total = publishers.count() - published - first_seen_later.count()
    missing = missing_qs.order_by("region_id", "name").values_list("pk", "name", "region_id", "kind")
    missing = list(missing[:limit] if limit else missing)
    # The last year published, for the listed publishers only (not for every missing one before the cut).
    last_years = dict(
        ReportStat.objects.filter(publisher_id__in=[m[0] for m in missing], year__lt=board.year)
        .values("publisher_id")
        .annotate(last=Max("year"))
        .values_list("publisher_id", "last")
        .order_by()
    )
    kinds = dict(Publisher.Kind.choices)
    rows = []
    for pk, name, region_id, kind in missing:
        last = last_years.get(pk)
        deadline = report_deadline(board.year, kind)
        due = "已逾期" if board.today > deadline else "截止日期未到"
        rows.append(
            Row(
                name,
                [
                    _text(tree.name_within(region_id, board.code)),
                    _text(kinds.get(kind, kind)),
                    _text(f"{last}年度" if last else "—"),
                    _text("往年已发布年度报告" if last else "已登记,尚无已发布的年度报告"),
                    _text(f"{deadline:%Y-%m-%d}({due})"),
                ],
                href=list_url(publisher=pk),
                key=str(pk),
            )
        )
    board.expected = published + missing_total
    board.published = published
    board.missing = DataTable(
        "missing",
        f"未发布{board.year}年度报告的机构",
        "发布机构",
        [
            Column("region", "地区", text=True),
            Column("kind", "机关类型", text=True),
            Column("last", "最近一次发布", text=True),
            Column("reason", "列入依据", text=True),
            Column("deadline", "截止日期", text=True),
        ],
        rows,
        note="本站已知的发布机构:编辑登记的机构,以及往年发布过年度报告的机构;首次出现在该年度之后的机构不列入。",
        total_rows=missing_total,
        truncated=len(rows) < missing_total,
        unit="个",
    )


def _late(board: ComplianceBoard, tree, year_stats, limit) -> None:
    gov = Publisher.Kind.GOVERNMENT
    late_q = Q(publisher__kind=gov, published_on__gt=report_deadline(board.year, gov)) | (
        ~Q(publisher__kind=gov) & Q(published_on__gt=report_deadline(board.year, Publisher.Kind.DEPARTMENT))
    )
    late = year_stats.filter(late_q).order_by("-published_on", "region_code", "report_id")
    undated = year_stats.filter(published_on=None).order_by("region_code", "report_id")
    board.undated = undated.count()
    board.late_count = late.count()
    total = board.late_count + board.undated
    # Undated reports first: on time or not is unknown, and nobody is counted on time by default.
    shown = list(undated[:limit] if limit else undated)
    remaining = max(limit - len(shown), 0) if limit else None
    shown += list(late[:remaining] if remaining is not None else late)
    rows = []
    for st in shown:
        deadline = report_deadline(board.year, st.publisher.kind)
        dated = st.published_on is not None
        rows.append(
            _report_row(
                st,
                tree,
                board.code,
                [
                    _text(st.publisher.get_kind_display()),
                    _text(f"{deadline:%Y-%m-%d}"),
                    _text(f"{st.published_on:%Y-%m-%d}" if dated else UNDATED),
                    Cell(figure=Figure((st.published_on - deadline).days, 1, 0)) if dated else Cell(),
                ],
            )
        )
    board.late = DataTable(
        "late",
        "逾期发布的年度报告",
        "报告",
        _REPORT_COLS
        + [
            Column("kind", "机关类型", text=True),
            Column("deadline", "截止日期", text=True),
            Column("published_on", "发布日期", text=True),
            Column("days", "逾期天数", count=True),
        ],
        rows,
        note=f"按发布日期判断;其中 {board.undated} 份报告{UNDATED},列在前面,不算按时发布。"
        if board.undated
        else "按发布日期判断。",
        total_rows=total,
        unit="份",
        truncated=total > len(rows),
    )


def _rule_title(result: dict) -> str:
    """The title of a stored rule result ({"rule": code, …}), from the format; the code if it is gone."""
    rule = fmt.RULES.get(result["rule"])
    return rule.title if rule else result["rule"]


def _failing(board: ComplianceBoard, tree, year_stats, limit) -> None:
    """Reports that fail a consistency rule: the rules' results were stored with the statistics."""
    failing = year_stats.filter(checks_failed__gt=0).order_by("region_code", "report_id")
    total = failing.count()
    rows = []
    listed = failing.only(*ROW_FIELDS, "failures")
    for st in listed[:limit] if limit else listed:
        tables = fmt.tables_for(st.edition)
        for result in st.failures:
            cells = "、".join(tables[t].cell_label(r, c) for t, r, c in result["cells"] if t in tables)
            rows.append(
                _report_row(st, tree, board.code, [_text(_rule_title(result)), _text(result["detail"]), _text(cells)])
            )
    board.failing = DataTable(
        "failing",
        "未通过勾稽关系校验的报告",
        "报告",
        _REPORT_COLS
        + [
            Column("rule", "规则", text=True),
            Column("detail", "不符情况", text=True),
            Column("cells", "涉及单元格", text=True),
        ],
        rows,
        total_rows=total,
        unit="份",
        truncated=bool(limit) and total > limit,
        note="每条不符的规则一行。",
    )
    board.counts["failing"] = total


def _across_years(board: ComplianceBoard, tree, year_stats, limit) -> None:
    """Reports whose numbers do not follow from the same body's report on the year before.

    The comparison is stored with each report's statistics (services.statistics.compare_with_previous)
    and redone when either report changes: the board reads only the rows it lists.
    """
    broken_qs = year_stats.filter(year_checks_failed__gt=0).order_by("region_code", "report_id")
    broken = broken_qs.count()
    rows: list[Row] = []
    listed = 0
    candidates = broken_qs.only(*ROW_FIELDS, "year_checks")
    for st in candidates[:limit] if limit else candidates:
        if limit and len(rows) >= limit:
            break
        listed += 1
        for r in st.year_checks:
            rows.append(_report_row(st, tree, board.code, [_text(_rule_title(r)), _text(r["detail"])]))
    board.across_years = DataTable(
        "across_years",
        "与上一年度报告不衔接的报告",
        "报告",
        _REPORT_COLS + [Column("rule", "规则", text=True), Column("detail", "不符情况", text=True)],
        rows,
        total_rows=broken,
        unit="份",
        truncated=listed < broken,
        note=f"与同一机关{board.year - 1}年度已发布的报告比较;每条不符的规则一行。",
    )
    board.counts["across_years"] = broken


def _similar(board: ComplianceBoard, tree, year_stats, limit) -> None:
    """Reports nearly the same text as the publisher's report on the year before (stored similarity)."""
    compared = year_stats.filter(similarity__isnull=False)
    board.compared = compared.count()
    similar = compared.filter(similarity__gte=board.threshold).order_by("-similarity", "report_id")
    total = similar.count()
    similar = similar.only(*ROW_FIELDS, "similarity", "previous_id")
    shown = list(similar[:limit] if limit else similar)
    previous = (
        Report.objects.published().filter(pk__in=[st.previous_id for st in shown]).only("pk", "title").in_bulk()
        if shown
        else {}
    )
    out = []
    for st in shown:
        prev = previous.get(st.previous_id)
        out.append(
            _report_row(
                st,
                tree,
                board.code,
                [
                    Cell(text=prev.title, href=report_url("reports:detail", prev.pk)) if prev else _text("—"),
                    _text(f"{st.similarity:.2f}"),
                ],
            )
        )
    board.similar = DataTable(
        "similar",
        f"与上年报告高度相似的{board.year}年度报告",
        "报告",
        _REPORT_COLS
        + [Column("previous", f"{board.year - 1}年度报告", text=True), Column("score", "相似度", text=True)],
        out,
        note=(
            f"相似度为两份报告正文三字片段集合的 Jaccard 指数(用 {similarity.SIGNATURE_SIZE} 个最小哈希估计),"
            f"达到 {board.threshold:.2f} 即列入。比较前去掉空白和标点,数字一律视为相同,因此只改了数字的照搬也能发现;"
            f"章节标题和表格数字不参与比较;正文不足 {similarity.MIN_CHARS} 字的报告不比较。"
            f"本次比较了 {board.compared} 对报告。"
        ),
        total_rows=total,
        unit="份",
        truncated=len(shown) < total,
    )


def _incomplete(board: ComplianceBoard, tree, year_stats, limit) -> None:
    qs = (
        year_stats.filter(edition__in=[fmt.EDITION_2019, fmt.EDITION_2021])
        .filter(~Q(missing_parts="") | ~Q(missing_tables=""))
        .order_by("region_code", "report_id")
    )
    total = qs.count()
    parts = {p.number: p for p in fmt.PARTS}
    rows = []
    for st in qs[:limit] if limit else qs:
        tables = fmt.tables_for(st.edition)
        missing_parts = [f"{parts[n].number}、{parts[n].heading}" for n in st.missing_parts.split(",") if n]
        missing_tables = [tables[t].caption for t in st.missing_tables.split(",") if t in tables]
        rows.append(
            _report_row(st, tree, board.code, [_text(";".join(missing_parts)), _text(";".join(missing_tables))])
        )
    board.incomplete = DataTable(
        "incomplete",
        "缺少部分或表格的年度报告",
        "报告",
        _REPORT_COLS + [Column("parts", "缺少的部分", text=True), Column("tables", "缺少的表格", text=True)],
        rows,
        note="按2019年版和2021年版格式,年度报告应有六个部分和三张表格;章节标题按关键词识别,表格以有无数字判断。",
        total_rows=total,
        unit="份",
        truncated=len(rows) < total,
    )
