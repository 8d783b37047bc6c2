"""The tables of a scope's statistics page, built from :class:`ScopeStatistics` (what is shown, charted and downloaded)."""

from __future__ import annotations

from reports import format as fmt
from reports.format.measures import (
    APPLICANT_CODES,
    MEASURES,
    OUTCOME_MEASURES,
    code_label,
)
from reports.selectors.links import report_url
from reports.selectors.regions import region_tree
from reports.selectors.statistics.aggregate import Agg, Figure
from reports.selectors.statistics.datatable import Cell, Column, DataTable, Row
from reports.selectors.statistics.scope import (
    BREAKDOWN_MEASURES,
    REVIEW_MEASURES,
    TREND_MEASURES,
    Breakdown,
    ScopeStatistics,
    list_url,
    name_publishers,
)

# --- Tables of the statistics page ---------------------------------------------------------


def measure_col(key: str, **kw) -> Column:
    m = next(m for m in MEASURES if m.key == key)
    return Column(m.key, m.label, **kw)


def fig_cell(fig: Figure | None, base: int | None, href: str = "", kind: str = fmt.INTEGER) -> Cell:
    return Cell(figure=fig, base=base, href=href if fig else "", kind=kind)


def count_figure(n: int, failing: int = 0) -> Figure:
    return Figure(n, n, failing)


def years_table(s: ScopeStatistics) -> DataTable:
    cols = [Column("reports", "报告数", count=True), Column("failed", "其中未通过勾稽校验", count=True)] + [
        measure_col(k) for k in TREND_MEASURES
    ]
    rows = []
    for year, agg in [*s.per_year.items(), (None, s.total)]:
        href = list_url(region=s.region_param, year=year) if year else ""
        cells = [
            fig_cell(count_figure(agg.reports, agg.failed), None, href),
            fig_cell(count_figure(agg.failed, agg.failed), None),
        ] + [fig_cell(agg.measure(k), agg.reports, href) for k in TREND_MEASURES]
        rows.append(Row(f"{year}年度" if year else "合计", cells, total=year is None, key=str(year or "")))
    return DataTable("years", f"{s.name}各年度概况", "年度", cols, rows)


def share_cells(agg: Agg, measures, href: str) -> list[Cell]:
    figs = [agg.measure(m.key) for m in measures]
    whole = sum(f.total for f in figs if f)
    return [
        Cell(figure=f, base=agg.reports, href=href if f else "", share=(f.total / whole if f and whole else None))
        for f in figs
    ]


def outcomes_table(s: ScopeStatistics) -> DataTable:
    cols = [Column(m.key, m.label, share=True) for m in OUTCOME_MEASURES]
    rows = [
        Row(
            f"{year}年度" if year else "合计",
            share_cells(agg, OUTCOME_MEASURES, list_url(region=s.region_param, year=year) if year else ""),
            total=year is None,
            key=str(year or ""),
        )
        for year, agg in [*s.per_year.items(), (None, s.total)]
    ]
    return DataTable(
        "outcomes",
        f"{fmt.plain_label(fmt.APPLICATIONS_2021.row('granted').path[0])}构成(申请件数及占比)",
        "年度",
        cols,
        rows,
        note="占比为该项占六类办理结果之和的比例。",
    )


def applicants_table(s: ScopeStatistics) -> DataTable:
    # The 法人或其他组织 columns keep their spanning header as a note under the label.
    cols = [
        Column(c.code, fmt.plain_label(c.label), detail=c.path[1] if len(c.path) > 2 else "")
        for c in fmt.APPLICANT_COLUMNS
    ]
    rows = []
    for year, agg in [*s.per_year.items(), (None, s.total)]:
        cells = [fig_cell(agg.figure(".".join(code)), agg.reports) for code in APPLICANT_CODES]
        rows.append(Row(f"{year}年度" if year else "合计", cells, total=year is None, key=str(year or "")))
    received = fmt.plain_label(fmt.APPLICATIONS_2021.row("received").label)
    return DataTable("applicants", f"{received}(按{fmt.APPLICANT_COLUMNS[0].path[0]})", "年度", cols, rows)


def review_table(s: ScopeStatistics) -> DataTable:
    cols = [measure_col(k) for k in REVIEW_MEASURES]
    rows = []
    for year, agg in [*s.per_year.items(), (None, s.total)]:
        href = list_url(region=s.region_param, year=year) if year else ""
        cells = [fig_cell(agg.measure(k), agg.reports, href) for k in REVIEW_MEASURES]
        rows.append(Row(f"{year}年度" if year else "合计", cells, total=year is None, key=str(year or "")))
    return DataTable("review", fmt.REVIEW_LITIGATION.caption, "年度", cols, rows)


def codes_table_of(
    s: ScopeStatistics, slug: str, caption: str, codes, note: str = "", *, short: bool = False
) -> DataTable:
    cols = [
        Column(str(y), f"{y}年度", detail=reports_detail(agg), href=list_url(region=s.region_param, year=y))
        for y, agg in s.per_year.items()
    ] + [Column("total", "合计", detail=reports_detail(s.total))]
    rows = []
    for code in codes:
        key = ".".join(code)
        kind = fmt.code_kind(code)
        cells = [fig_cell(agg.figure(key), agg.reports, "", kind) for agg in s.per_year.values()]
        cells.append(fig_cell(s.total.figure(key), s.total.reports, "", kind))
        if any(c.figure for c in cells):
            rows.append(Row(code_label(code, short=short), cells, detail=key, key=key))
    return DataTable(slug, caption, "项目", cols, rows, note=note)


def reports_detail(agg: Agg) -> str:
    return f"{agg.reports}份报告" + (f",{agg.failed}份未通过校验" if agg.failed else "")


def proactive_table(s: ScopeStatistics) -> DataTable:
    codes = [c for c in fmt.union_codes() if c[0] == "proactive"]
    return codes_table_of(
        s,
        "proactive",
        fmt.PROACTIVE_2021.caption,
        codes,
        note="2019年版与2021年版格式的主动公开项目不同,各按其代码合计;金额单位为万元。",
        short=True,
    )


def codes_table(s: ScopeStatistics) -> DataTable:
    return codes_table_of(s, "codes", "全部表格项目逐年合计", fmt.union_codes())


def breakdown_table(s: ScopeStatistics, slug: str, rows: list[Breakdown], sort: str, order: str) -> DataTable:
    is_children = slug == "children"
    cols = [
        Column("reports", "报告数", sortable=True, count=True),
        Column("failed", "未通过校验", sortable=True, count=True),
    ] + [measure_col(k, sortable=True) for k in BREAKDOWN_MEASURES]
    total = len(rows) if is_children else s.publishers_total
    if not is_children:
        name_publishers(rows, region_tree(), s.code)
    out_rows = []
    for b in rows:
        href = list_url(**b.href_params) if b.href_params else ""
        cells = [
            fig_cell(count_figure(b.agg.reports, b.agg.failed), None, href),
            fig_cell(count_figure(b.agg.failed, b.agg.failed), None),
        ] + [fig_cell(b.agg.measure(k), b.agg.reports, href) for k in BREAKDOWN_MEASURES]
        out_rows.append(Row(b.name, cells, href=href, detail=b.detail, select=b.select, key=b.key, rank=not b.own))
    caption = f"按{s.children_label}" if is_children else "按发布机构"
    return DataTable(
        slug,
        f"{s.name}{caption}({s.year_from}—{s.year_to}年度合计)" if s.year_from != s.year_to else f"{s.name}{caption}",
        "地区" if is_children else "发布机构",
        cols,
        out_rows,
        sort=sort,
        order=order,
        sort_param="sort" if is_children else "psort",
        order_param="order" if is_children else "porder",
        total_rows=total,
        truncated=len(rows) < total,
        unit="个",
    )


def failing_table(s: ScopeStatistics) -> DataTable:
    cols = [
        Column("year", "年度", text=True),
        Column("region", "地区", text=True),
        Column("publisher", "发布机构", text=True),
        Column("checks", "未通过的规则数", count=True),
    ]
    tree = region_tree()
    rows = []
    for st in s.failing:
        cells = [
            Cell(text=str(st.year)),
            Cell(text=tree.name_within(st.region_code, s.code)),
            Cell(text=st.publisher.name),
            Cell(figure=Figure(st.checks_failed, 1, 1)),
        ]
        rows.append(Row(st.report.title, cells, href=report_url("reports:detail", st.report_id), key=str(st.report_id)))
    return DataTable(
        "failing",
        "未通过勾稽关系校验的报告",
        "报告",
        cols,
        rows,
        total_rows=s.failing_total,
        truncated=s.failing_total > len(rows),
        unit="份",
    )


def scope_tables(s: ScopeStatistics, *, failing: bool = True) -> list[DataTable]:
    """Every table of the statistics page of a scope, in page order."""
    out = [
        years_table(s),
        outcomes_table(s),
        applicants_table(s),
        review_table(s),
        proactive_table(s),
        codes_table(s),
    ]
    if s.children:
        out.append(breakdown_table(s, "children", s.children, s.sort, s.order))
    out.append(breakdown_table(s, "publishers", s.publishers, s.psort, s.porder))
    if failing:
        out.append(failing_table(s))
    return out
