"""Public reads for the statistics pages, the comparison and the statistics API.

Everything is read from the derived tables (ReportStat, RegionYearStat), which hold published
annual reports only, so what the public may see is the same as ``Report.objects.published()``.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import urlencode

from django.db.models import F, Q

from reports import format as fmt
from reports.format.measures import (
    MEASURE_BY_KEY,
    MEASURES,
    OUTCOME_MEASURES,
)
from reports.models import Publisher, Region, RegionYearStat, ReportKind, ReportStat
from reports.regions.codes import COUNTRY_CODE, code_prefix
from reports.selectors.links import page_url
from reports.selectors.regions import region_ancestors, region_tree
from reports.selectors.reports import RenderedTable
from reports.selectors.statistics.aggregate import Agg, measure_aggregates

ALL, OWN = RegionYearStat.Scope.ALL, RegionYearStat.Scope.OWN
FIRST_TABLE_YEAR = 2019  # the first year with the standard tables (2019 edition)
PUBLISHER_LIMIT = 50
FAILING_LIMIT = 100
# What the failing table shows (not the reports' text, which select_related would read whole).
FAILING_FIELDS = ("year", "region_code", "checks_failed", "report__title", "publisher__name")
TREND_MEASURES = ("received", "handled", "review", "litigation")
# The breakdown tables leave out the 结果纠正 measures (shown per year in the review table).
BREAKDOWN_MEASURES = tuple(m.key for m in MEASURES if not m.key.endswith("_corrected"))
REVIEW_MEASURES = ("review", "review_corrected", "litigation", "litigation_corrected")
SORT_KEYS = ("name", "reports", "failed", *(m.key for m in MEASURES))
LEVEL_NAMES = {1: "省(自治区、直辖市)", 2: "市(州)", 3: "县(市、区)"}


def scope_filter(code: str) -> Q:
    """ReportStat rows of the region ``code`` and everything under it (all rows for the country)."""
    return Q() if code == COUNTRY_CODE else Q(region_code__startswith=code_prefix(code))


def available_years() -> list[int]:
    """Years with at least one counted report anywhere, newest last."""
    return sorted(
        RegionYearStat.objects.filter(region_code=COUNTRY_CODE, scope=ALL).values_list("year", flat=True).distinct()
    )


def default_year_range(years: list[int], *, span: int = 5) -> tuple[int, int]:
    """The newest ``span`` years with data since the standard tables exist."""
    recent = [y for y in years if y >= FIRST_TABLE_YEAR] or years
    year_to = recent[-1] if recent else datetime.date.today().year - 1
    return max(year_to - span + 1, recent[0] if recent else year_to), year_to


def list_url(**params) -> str:
    """The public report list filtered to the reports behind a figure (a range of years as year_from/year_to)."""
    if params.get("year_from") is not None and params.get("year_from") == params.get("year_to"):
        params["year"] = params.pop("year_from")
        params.pop("year_to")
    query = {"kind": ReportKind.ANNUAL_REPORT, **{k: v for k, v in params.items() if v not in (None, "")}}
    return f"{page_url('reports:list')}?{urlencode(query)}"


def edition_note() -> str:
    """How codes of the two editions are summed (shown on every statistics page)."""
    other_2019 = fmt.plain_label(fmt.APPLICATIONS_2019.row("other").label)
    proactive = fmt.PROACTIVE_2019.caption
    return (
        f"{fmt.EDITION_LABELS[fmt.EDITION_2019]}的报告与{fmt.EDITION_LABELS[fmt.EDITION_2021]}的报告大部分项目相同,"
        f"但“{proactive}”表的项目不同,办理结果中的“{other_2019}”只有一行。"
        "各项目按代码原样合计:某项只计入含有该项的报告;报告中空白的单元格不计入,也不按0计。"
        f"{fmt.EDITION_LABELS[fmt.EDITION_2008]}的报告没有统一表格,只计入报告数。"
    )


# --- One region (or the country) over a range of years -----------------------------------


@dataclass
class Breakdown:
    key: str
    name: str
    agg: Agg
    detail: str = ""
    href_params: dict = field(default_factory=dict)
    select: tuple[str, str] | None = None
    own: bool = False


@dataclass
class ScopeStatistics:
    code: str
    region: Region | None
    chain: list[Region]
    year_from: int
    year_to: int
    per_year: dict[int, Agg]
    total: Agg
    children: list[Breakdown]
    publishers: list[Breakdown]
    publishers_total: int
    failing: list[ReportStat]
    failing_total: int
    sort: str = "received"
    order: str = "desc"
    psort: str = "received"
    porder: str = "desc"

    @property
    def name(self) -> str:
        return self.region.name if self.region else "全国"

    @property
    def years(self) -> list[int]:
        return list(range(self.year_from, self.year_to + 1))

    @property
    def single_year(self) -> int | None:
        return self.year_from if self.year_from == self.year_to else None

    @property
    def region_param(self) -> str:
        return "" if self.code == COUNTRY_CODE else self.code

    @property
    def children_label(self) -> str:
        """What the regions directly under this one are: 市(州), 县(市、区), or both (省直管县)."""
        tree = region_tree()
        levels = sorted({tree.nodes[c].level for c in tree.children_of(self.code)})
        return "及".join(LEVEL_NAMES[level] for level in levels) or "下级地区"

    @property
    def cards(self) -> list[tuple[str, str, str]]:
        """The headline figures over the whole range: (label, value, what it is built from)."""
        t = self.total
        out = [("年度报告", f"{fmt.display_number(t.reports)} 份", f"其中 {t.failed} 份未通过勾稽关系校验")]
        for key in ("received", "review", "litigation"):
            fig = t.measure(key)
            if fig:
                out.append(
                    (MEASURE_BY_KEY[key].label, f"{fmt.display_number(fig.total)} 件", f"{fig.reports} 份报告填报")
                )
        figs = [t.measure(m.key) for m in OUTCOME_MEASURES]
        whole = sum(f.total for f in figs if f)
        if whole:
            shown = list(OUTCOME_MEASURES[:2])
            part = sum(t.measure(m.key).total for m in shown if t.measure(m.key))
            out.insert(
                2,
                ("、".join(m.label for m in shown), f"{part / whole * 100:.1f}%", "占六类办理结果之和"),
            )
        return out

    @property
    def editions_present(self) -> list[str]:
        return [e for e in fmt.EDITIONS if self.total.editions.get(e)]

    def grids(self) -> list[tuple[str, int, list]]:
        """The official tables per edition, each cell the sum over the range (for the page)."""
        out = []
        for edition in self.editions_present:
            tables = fmt.tables_for(edition)
            if not tables:
                continue
            rendered = []
            for table in tables.values():
                values = {}
                for row, column in table.cells():
                    fig = self.total.figure(f"{table.code}.{row}.{column}", edition)
                    if fig is not None:
                        values[(row, column)] = Decimal(fig.total)
                rendered.append(RenderedTable(table, fmt.layout_grid(table), values, [], set(), bool(values)))
            out.append((fmt.EDITION_LABELS[edition], self.total.editions[edition], rendered))
        return out


def region_rows(codes: list[str], years: list[int], scope: str, *, figures: bool = True) -> dict[str, dict[int, Agg]]:
    fields = ["region_code", "year", "reports", "failed", "editions", "measures"] + (["figures"] if figures else [])
    out: dict[str, dict[int, Agg]] = {}
    rows = RegionYearStat.objects.filter(region_code__in=codes, year__in=years, scope=scope).values(*fields)
    for row in rows:
        code, year = row.pop("region_code"), row.pop("year")
        out.setdefault(code, {})[year] = Agg.from_fields(**row)
    return out


def _sort_key(key: str):
    if key == "name":
        return lambda b: b.key
    if key == "reports":
        return lambda b: b.agg.reports
    if key == "failed":
        return lambda b: b.agg.failed
    return lambda b: b.agg.measure(key).total if b.agg.measure(key) else -1


def sort_breakdown(rows: list[Breakdown], key: str, order: str) -> list[Breakdown]:
    own = [r for r in rows if r.own]
    rest = sorted((r for r in rows if not r.own), key=_sort_key(key), reverse=(order == "desc"))
    return rest + own


def scope_statistics(
    *,
    region: Region | None,
    year_from: int,
    year_to: int,
    sort: str = "received",
    order: str = "desc",
    psort: str = "received",
    porder: str = "desc",
    publisher_limit: int | None = PUBLISHER_LIMIT,
) -> ScopeStatistics:
    """Sums, breakdowns and failing reports of a region (None: the country) over a range of years.

    Only the first ``publisher_limit`` publishers in the ``psort`` order are read (None: all).
    """
    tree = region_tree()
    code = region.code if region else COUNTRY_CODE
    years = list(range(year_from, year_to + 1))
    own_rows = region_rows([code], years, ALL).get(code, {})
    per_year = {y: own_rows.get(y, Agg()) for y in years}
    total = Agg.total(per_year.values())

    children = []
    child_codes = tree.children_of(code)
    single = year_from if year_from == year_to else None
    if child_codes:
        child_rows = region_rows(child_codes, years, ALL, figures=False)
        for child in child_codes:
            if child in child_rows:
                children.append(
                    Breakdown(
                        child,
                        tree.name(child),
                        Agg.total(child_rows[child].values()),
                        href_params={"region": child, "year_from": year_from, "year_to": year_to},
                        select=("region", child),
                    )
                )
        if code != COUNTRY_CODE:
            own = region_rows([code], years, OWN, figures=False).get(code)
            if own:
                children.append(Breakdown(code, f"{tree.name(code)}本级", Agg.total(own.values()), own=True))

    scope_q = scope_filter(code) & Q(year__gte=year_from, year__lte=year_to)
    publishers, publishers_total = publisher_breakdown(
        scope_q, psort, porder, limit=publisher_limit, single=single, years=(year_from, year_to)
    )
    failing_qs = ReportStat.objects.filter(scope_q, checks_failed__gt=0)
    failing = list(
        failing_qs.select_related("report", "publisher")
        .only(*FAILING_FIELDS)
        .order_by("-year", "region_code", "report_id")[:FAILING_LIMIT]
    )
    return ScopeStatistics(
        code=code,
        region=region,
        chain=region_ancestors(region),
        year_from=year_from,
        year_to=year_to,
        per_year=per_year,
        total=total,
        children=sort_breakdown(children, sort, order),
        publishers=publishers,
        publishers_total=publishers_total,
        failing=failing,
        failing_total=len(failing) if len(failing) < FAILING_LIMIT else failing_qs.count(),
        sort=sort,
        order=order,
        psort=psort,
        porder=porder,
    )


def publisher_breakdown(
    scope_q: Q, sort: str, order: str, *, limit: int | None, single: int | None, years: tuple[int, int] | None = None
) -> tuple[list[Breakdown], int]:
    """Publishers of the scope with their counts and measures, sorted and cut in the database.

    With a ``limit``, a first GROUP BY computes only the sort key and keeps the first ``limit``
    publishers; all measures are then summed for those alone. The country page thus aggregates
    one column over its ~70,000 rows, not 38.
    """
    scoped = ReportStat.objects.filter(scope_q)
    descending = order == "desc"
    if sort == "name":
        ordering = [F(k).desc() if descending else F(k).asc() for k in ("publisher__region_id", "publisher__name")]
        key_qs = scoped.values("publisher_id", "publisher__region_id", "publisher__name").distinct()
    else:
        aggregates = measure_aggregates()
        column = {"reports": "n_reports", "failed": "n_failed"}.get(sort, f"s_{sort}")
        key = F(column).desc(nulls_last=True) if descending else F(column).asc(nulls_last=True)
        ordering = [key, F("publisher_id").asc()]
        key_qs = scoped.values("publisher_id").annotate(**{column: aggregates[column]})
    chosen = list(key_qs.order_by(*ordering).values_list("publisher_id", flat=True)[:limit] if limit else [])
    rows_qs = scoped.values("publisher_id").annotate(**measure_aggregates()).order_by(*ordering)
    if limit:
        rows_qs = rows_qs.filter(publisher_id__in=chosen)
    rows = list(rows_qs)  # ordering by publisher__name adds it to the GROUP BY: still one row per publisher
    total = len(rows) if limit is None or len(rows) < limit else scoped.values("publisher_id").distinct().count()
    out = []
    for row in rows:
        agg = Agg(reports=row["n_reports"], failed=row["n_failed"])
        for m in MEASURES:
            if row[f"n_{m.key}"]:
                agg.measures[m.key] = [int(row[f"s_{m.key}"]), row[f"n_{m.key}"], row[f"f_{m.key}"]]
        pid = row["publisher_id"]
        out.append(
            Breakdown(
                str(pid),
                "",
                agg,
                href_params={"publisher": pid, "year_from": years[0], "year_to": years[1]}
                if years
                else {"publisher": pid, "year": single},
                select=("publisher", str(pid)),
            )
        )
    return out, total


def name_publishers(rows: list[Breakdown], tree, scope: str = "") -> list[Breakdown]:
    missing = [int(r.key) for r in rows if not r.name]
    if missing:
        names = {p.pk: p for p in Publisher.objects.filter(pk__in=missing).only("pk", "name", "region_id")}
        for r in rows:
            p = names.get(int(r.key))
            if p is not None and not r.name:
                r.name, r.detail = p.name, tree.name_within(p.region_id, scope)
    return rows


# --- The statistics API ------------------------------------------------------------------------


def statistics_api_data(*, region: Region | None, year_from: int, year_to: int) -> dict:
    """Per year: the number of reports and the sum of every code with the reports behind it."""
    code = region.code if region else COUNTRY_CODE
    years = list(range(year_from, year_to + 1))
    rows = region_rows([code], years, ALL).get(code, {})
    out_years = []
    for y in years:
        agg = rows.get(y, Agg())
        values = {}
        for c in fmt.union_codes():
            key = ".".join(c)
            fig = agg.figure(key)
            if fig is not None:
                values[key] = {
                    "sum": fmt.json_number(fig.total, fmt.code_kind(c)),
                    "reports": fig.reports,
                    "reports_failing_checks": fig.failing,
                }
        out_years.append(
            {
                "year": y,
                "reports": agg.reports,
                "reports_failing_checks": agg.failed,
                "editions": {e: agg.editions[e] for e in fmt.EDITIONS if agg.editions.get(e)},
                "values": values,
            }
        )
    tree = region_tree()
    return {
        "region": ({"code": region.code, "name": region.name, "path": region.path} if region else None),
        "scope": tree.full_name(code),
        "year_from": year_from,
        "year_to": year_to,
        "counted": "已发布的政府信息公开工作年度报告(含下级地区)",
        "note": edition_note(),
        "years": out_years,
    }
