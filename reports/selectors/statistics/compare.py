"""Regions and publishers side by side over a range of years (the comparison page)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from reports import format as fmt
from reports.format.measures import (
    MEASURES,
    OUTCOME_MEASURES,
    code_label,
)
from reports.models import Publisher, Region
from reports.selectors.regions import region_tree
from reports.selectors.statistics.aggregate import Agg, aggregate_reports
from reports.selectors.statistics.datatable import Column, DataTable, Row
from reports.selectors.statistics.scope import ALL, TREND_MEASURES, list_url, region_rows
from reports.selectors.statistics.scope_tables import count_figure, fig_cell, share_cells

# --- Comparison ------------------------------------------------------------------------------


@dataclass
class Entity:
    param: tuple[str, str]  # ("region", "440800") or ("publisher", "12")
    name: str
    detail: str
    per_year: dict[int, Agg]
    total: Agg
    href: str = ""

    @property
    def key(self) -> str:
        return f"{self.param[0]}-{self.param[1]}"


@dataclass
class Comparison:
    entities: list[Entity]
    year_from: int
    year_to: int

    @property
    def years(self) -> list[int]:
        return list(range(self.year_from, self.year_to + 1))

    def tables(self) -> list[DataTable]:
        if not self.entities:
            return []
        return [
            compare_summary_table(self),
            *[compare_year_table(self, key) for key in ("reports", *TREND_MEASURES)],
            compare_outcomes_table(self),
            compare_codes_table(self),
        ]


def compare_statistics(
    *, regions: list[Region], publishers: list[Publisher], year_from: int, year_to: int
) -> Comparison:
    """Regions and publishers side by side over the same years."""
    tree = region_tree()
    years = list(range(year_from, year_to + 1))
    entities = []
    by_region = region_rows([r.code for r in regions], years, ALL)
    for r in regions:
        per_year = {y: by_region.get(r.code, {}).get(y, Agg()) for y in years}
        entities.append(
            Entity(
                ("region", r.code),
                r.name,
                tree.full_name(r.code),
                per_year,
                Agg.total(per_year.values()),
                list_url(region=r.code, year_from=year_from, year_to=year_to),
            )
        )
    for p in publishers:
        by_year = aggregate_reports(Q(publisher_id=p.pk, year__gte=year_from, year__lte=year_to), ("year",))
        per_year = {y: by_year.get((y,), Agg()) for y in years}
        entities.append(
            Entity(
                ("publisher", str(p.pk)),
                p.name,
                tree.full_name(p.region_id),
                per_year,
                Agg.total(per_year.values()),
                list_url(publisher=p.pk, year_from=year_from, year_to=year_to),
            )
        )
    return Comparison(entities, year_from, year_to)


def compare_summary_table(c: Comparison) -> DataTable:
    cols = [Column("reports", "报告数", count=True), Column("failed", "未通过校验", count=True)]
    cols += [Column(m.key, m.label) for m in MEASURES]
    rows = []
    for e in c.entities:
        cells = [
            fig_cell(count_figure(e.total.reports, e.total.failed), None, e.href),
            fig_cell(count_figure(e.total.failed), None),
        ]
        cells += [fig_cell(e.total.measure(m.key), e.total.reports) for m in MEASURES]
        rows.append(Row(e.name, cells, href=e.href, detail=e.detail, key=e.key))
    return DataTable("summary", f"{c.year_from}—{c.year_to}年度合计", "对象", cols, rows)


def compare_year_table(c: Comparison, key: str) -> DataTable:
    label = "报告数" if key == "reports" else next(m.label for m in MEASURES if m.key == key)
    cols = [Column(e.key, e.name, count=key == "reports") for e in c.entities]
    rows = []
    for y in c.years:
        cells = []
        for e in c.entities:
            agg = e.per_year[y]
            fig = count_figure(agg.reports, agg.failed) if key == "reports" else agg.measure(key)
            cells.append(fig_cell(fig, None if key == "reports" else agg.reports))
        rows.append(Row(f"{y}年度", cells, key=str(y)))
    return DataTable(f"year-{key}", f"{label}(逐年)", "年度", cols, rows)


def compare_outcomes_table(c: Comparison) -> DataTable:
    cols = [Column(m.key, m.label, share=True) for m in OUTCOME_MEASURES]
    rows = [Row(e.name, share_cells(e.total, OUTCOME_MEASURES, ""), detail=e.detail, key=e.key) for e in c.entities]
    return DataTable("outcomes", "办理结果构成(合计)", "对象", cols, rows, note="占比为该项占六类办理结果之和的比例。")


def compare_codes_table(c: Comparison) -> DataTable:
    cols = [Column(e.key, e.name) for e in c.entities]
    rows = []
    for code in fmt.union_codes():
        key = ".".join(code)
        kind = fmt.code_kind(code)
        cells = [fig_cell(e.total.figure(key), e.total.reports, "", kind) for e in c.entities]
        if any(cell.figure for cell in cells):
            rows.append(Row(code_label(code), cells, detail=key, key=key))
    return DataTable("codes", "全部表格项目合计", "项目", cols, rows)
