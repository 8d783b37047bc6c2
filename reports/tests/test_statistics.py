"""Statistics across regions and years: sums, breakdowns, comparison, API and downloads."""

import csv
import datetime
import io
import json
from decimal import Decimal

import pytest
from django.db.models import Q
from openpyxl import load_workbook

from reports import format as fmt
from reports.format.measures import MEASURES, OUTCOME_MEASURES
from reports.models import RegionYearStat, Report, ReportStat, ReportStatus, TableCell
from reports.regions.codes import COUNTRY_CODE
from reports.selectors.statistics.scope import scope_filter, scope_statistics
from reports.selectors.statistics.scope_tables import scope_tables
from reports.services.statistics import stats_rebuild, stats_refresh_report
from reports.tests.conftest import balanced_values

pytestmark = pytest.mark.django_db

D = Decimal


def small_values(received: int, granted: int) -> dict:
    """A consistent applications table with natural persons only; every other cell left blank."""
    v = {}
    for row, n in (("received", received), ("granted", granted), ("handled_total", granted)):
        v[("applications", row, "natural_person")] = D(n)
        v[("applications", row, "total")] = D(n)
    v[("applications", "carried_forward", "natural_person")] = D(received - granted)
    v[("applications", "carried_forward", "total")] = D(received - granted)
    return v


def broken_values() -> dict:
    """Balanced numbers except that 本年新收 总计 says 13 where the columns add up to 12."""
    v = balanced_values()
    v[("applications", "received", "total")] = D(13)
    return v


@pytest.fixture
def counted(make_report):
    """make_report, then the statistics hook services call after a write."""

    def make(**kw):
        report = make_report(**kw)
        stats_refresh_report(report.pk)
        return report

    return make


@pytest.fixture
def fixture_reports(counted, make_report):
    """Reports spanning two provinces, three levels and two years, with blanks and a broken table.

    440803 霞山区 2022: balanced_values (received 12, granted 7, partly 3, handled 10, carried over 1)
    440802 赤坎区 2022: small_values(5, 5): only natural persons and totals filled, the rest blank
    440000 广东省本级 2022: small_values(20, 15)
    440800 湛江市 2023: broken_values (received total 13 ≠ 10 + 2): fails applications.row_totals
    520181 清镇市 2022: balanced_values
    Not counted: a draft, a withdrawn report, a work plan, an annual report without year.
    """
    reports = {
        "xiashan": counted(region="440803", publisher="湛江市霞山区人民政府", year=2022, values=balanced_values()),
        "chikan": counted(
            region="440802", publisher="湛江市赤坎区人民政府办公室", year=2022, values=small_values(5, 5)
        ),
        "province": counted(region="440000", publisher="广东省人民政府办公厅", year=2022, values=small_values(20, 15)),
        "city": counted(region="440800", publisher="湛江市人民政府", year=2023, values=broken_values()),
        "qingzhen": counted(region="520181", publisher="清镇市人民政府", year=2022, values=balanced_values()),
    }
    counted(region="440803", publisher="湛江市霞山区教育局", year=2022, status="draft", values=balanced_values())
    counted(region="440803", publisher="湛江市霞山区卫健局", year=2022, status="withdrawn", values=balanced_values())
    counted(region="440803", publisher="湛江市霞山区人民政府", year=2022, kind="work_plan", values=balanced_values())
    return reports


def fig(agg, code):
    f = agg.figure(code)
    return (f.total, f.reports, f.failing) if f else None


def test_sums_by_region_and_year_match_hand_computed_values(fixture_reports):
    """A province sums its prefectures, counties and own bodies; blanks are not reports "with data"."""
    s = scope_statistics(region=_region("440000"), year_from=2022, year_to=2023)
    y22, y23 = s.per_year[2022], s.per_year[2023]
    assert (y22.reports, y22.failed) == (3, 0)
    assert (y23.reports, y23.failed) == (1, 1)
    # 12 (霞山) + 5 (赤坎) + 20 (省本级); every one of the three filled the cell.
    assert fig(y22, "applications.received.total") == (37, 3, 0)
    # Only 霞山 filled 上年结转 and 商业企业; the two small tables left them blank (not 0).
    assert fig(y22, "applications.carried_over.total") == (1, 1, 0)
    assert fig(y22, "applications.received.commercial") == (2, 1, 0)
    # The broken report still counts, and says so.
    assert fig(y23, "applications.received.total") == (13, 1, 1)
    assert fig(s.total, "applications.received.total") == (50, 4, 1)
    assert fig(y22, "proactive.fees.amount") == (D("6858.05"), 1, 0)
    # Headline measures: 不予公开 sums its eight rows; a report with all of them blank is not counted.
    assert y22.measure("granted").total == 7 + 5 + 15
    assert (y22.measure("withheld").total, y22.measure("withheld").reports) == (0, 1)


def test_country_city_and_county_scopes(fixture_reports):
    country = scope_statistics(region=None, year_from=2022, year_to=2022)
    assert country.total.reports == 4
    assert fig(country.total, "applications.received.total") == (12 + 5 + 20 + 12, 4, 0)
    city = scope_statistics(region=_region("440800"), year_from=2022, year_to=2023)
    assert [y.reports for y in city.per_year.values()] == [2, 1]
    county = scope_statistics(region=_region("440802"), year_from=2022, year_to=2022)
    assert fig(county.total, "applications.granted.total") == (5, 1, 0)
    assert county.children == []


def test_breakdown_by_child_region_and_publisher(fixture_reports):
    """A province lists its cities and its own bodies; a city its counties; rows sort by any measure."""
    s = scope_statistics(region=_region("440000"), year_from=2022, year_to=2023, sort="received", order="desc")
    assert [(b.name, b.agg.reports, b.agg.measure("received").total) for b in s.children] == [
        ("湛江市", 3, 12 + 5 + 13),
        ("广东省本级", 1, 20),
    ]
    city = scope_statistics(region=_region("440800"), year_from=2022, year_to=2023, sort="received", order="asc")
    assert [(b.key, b.agg.measure("received").total) for b in city.children] == [
        ("440802", 5),
        ("440803", 12),
        ("440800", 13),  # 湛江市本级 comes last whatever the order
    ]
    table = next(t for t in scope_tables(s) if t.slug == "publishers")
    assert [r.label for r in table.rows] == [
        "广东省人民政府办公厅",
        "湛江市人民政府",
        "湛江市霞山区人民政府",
        "湛江市赤坎区人民政府办公室",
    ]
    assert [r.cells[2].value for r in table.rows] == [20, 13, 12, 5]


def test_publisher_breakdown_is_cut_and_sorted_in_the_database(fixture_reports):
    """Only the first publishers in the chosen order are read; the total still counts them all."""
    from reports.selectors.statistics.scope import publisher_breakdown

    scope = scope_filter("440000") & Q(year__gte=2022, year__lte=2023)
    rows, total = publisher_breakdown(scope, "received", "asc", limit=2, single=None)
    assert total == 4
    assert [b.agg.measure("received").total for b in rows] == [5, 12]
    assert rows[1].agg.measure("granted").total == 7
    rows, total = publisher_breakdown(scope, "name", "asc", limit=None, single=None)
    assert (total, len(rows)) == (4, 4)
    assert [b.agg.reports for b in rows] == [1, 1, 1, 1]
    rows, _ = publisher_breakdown(scope, "failed", "desc", limit=1, single=2023)
    city = fixture_reports["city"]
    assert (rows[0].agg.failed, rows[0].href_params) == (1, {"publisher": city.publisher_id, "year": 2023})


def test_failing_reports_are_listed(fixture_reports):
    s = scope_statistics(region=_region("440000"), year_from=2022, year_to=2023)
    assert [st.report_id for st in s.failing] == [fixture_reports["city"].pk]


def test_hook_follows_withdraw_move_and_delete(fixture_reports):
    """Withdrawing, moving to another region and deleting a report change the sums at every level."""
    xiashan = fixture_reports["xiashan"]
    Report.objects.filter(pk=xiashan.pk).update(status=ReportStatus.WITHDRAWN)
    stats_refresh_report(xiashan.pk)
    assert _received("440803", 2022) is None
    assert _received("440800", 2022) == 5
    assert _received(COUNTRY_CODE, 2022) == 5 + 20 + 12
    Report.objects.filter(pk=xiashan.pk).update(status=ReportStatus.PUBLISHED, region="520181")
    stats_refresh_report(xiashan.pk)
    assert _received("520100", 2022) == 24
    assert _received("440800", 2022) == 5
    qingzhen = fixture_reports["qingzhen"].pk
    Report.objects.filter(pk=qingzhen).delete()
    stats_refresh_report(qingzhen)
    assert _received("520000", 2022) == 12
    assert not ReportStat.objects.filter(pk=qingzhen).exists()


def test_hook_follows_changed_values(fixture_reports):
    chikan = fixture_reports["chikan"]
    TableCell.objects.filter(report=chikan, row="received", column="total").update(value=7)
    stats_refresh_report(chikan.pk)
    assert _received("440000", 2022) == 12 + 7 + 20


def test_rebuild_gives_the_same_rows_as_the_hook(fixture_reports):
    before = _all_rows()
    RegionYearStat.objects.all().delete()
    ReportStat.objects.all().delete()
    assert stats_rebuild() == (5, len(before))
    assert _all_rows() == before


def test_measures_come_from_format_groups():
    """Outcome measures are the label groups of format.py and cover every outcome row of both editions."""
    assert [m.label for m in OUTCOME_MEASURES] == [
        "予以公开",
        "部分公开",
        "不予公开",
        "无法提供",
        "不予处理",
        "其他处理",
    ]
    covered = {c[1] for m in OUTCOME_MEASURES for c in m.codes}
    assert covered == set(fmt.OUTCOME_ROWS["2021"]) | set(fmt.OUTCOME_ROWS["2019"])
    for m in MEASURES:
        assert ReportStat._meta.get_field(m.key)


# --- pages, API, downloads --------------------------------------------------------------------


def test_statistics_page_shows_sums_and_links(client, fixture_reports, django_assert_max_num_queries):
    with django_assert_max_num_queries(20):
        response = client.get("/statistics/?region=440000&year_from=2022&year_to=2023")
    assert response.status_code == 200
    html = response.content.decode()
    assert "广东省" in html and "湛江市" in html
    assert "未通过勾稽关系校验" in html
    assert fixture_reports["city"].title in html
    # The city's figure links to the reports behind it.
    assert "/reports/?kind=annual_report&amp;region=440800" in html
    assert "<svg" in html and "<table" in html


def test_statistics_page_rejects_bad_parameters(client, db):
    for query, word in (
        ("region=99", "region"),
        ("region=990000", "region"),
        ("year_from=abc", "year_from"),
        ("year_from=2024&year_to=2020", "year_from"),
        ("sort=nonsense", "sort"),
    ):
        response = client.get(f"/statistics/?{query}")
        assert response.status_code == 400, query
        assert "参数有误" in response.content.decode()
        api = client.get(f"/api/statistics/?{query}")
        assert api.status_code == 400
        assert api.json()["parameter"] == word


def test_api_gives_per_year_sums_with_report_counts(client, fixture_reports):
    response = client.get("/api/statistics/?region=440800&year_from=2022&year_to=2023")
    assert response.status_code == 200
    data = response.json()
    assert data["region"]["code"] == "440800"
    y22, y23 = data["years"]
    assert (y22["year"], y22["reports"], y22["reports_failing_checks"]) == (2022, 2, 0)
    assert y22["values"]["applications.received.total"] == {"sum": 17, "reports": 2, "reports_failing_checks": 0}
    assert y22["values"]["applications.carried_over.total"] == {"sum": 1, "reports": 1, "reports_failing_checks": 0}
    assert y22["values"]["proactive.fees.amount"]["sum"] == "6858.05"
    assert y23["values"]["applications.received.total"] == {"sum": 13, "reports": 1, "reports_failing_checks": 1}
    assert json.dumps(data, ensure_ascii=False)


def test_api_for_the_country_and_an_empty_year(client, fixture_reports):
    data = client.get("/api/statistics/?year_from=2021&year_to=2022").json()
    assert data["region"] is None
    assert data["years"][0] == {
        "year": 2021,
        "reports": 0,
        "reports_failing_checks": 0,
        "editions": {},
        "values": {},
    }
    assert data["years"][1]["values"]["applications.received.total"]["sum"] == 49


def test_downloads_hold_what_the_page_shows(client, fixture_reports):
    response = client.get("/statistics/download/?region=440800&year_from=2022&year_to=2023&part=children&format=csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    header = rows[0]
    assert header[:6] == [
        "地区",
        "报告数",
        "未通过校验",
        "本年新收政府信息公开申请数量",
        "本年新收政府信息公开申请数量(报告数)",
        "本年新收政府信息公开申请数量(其中未通过校验)",
    ]
    received = header.index("本年新收政府信息公开申请数量")
    assert {r[0]: r[received : received + 3] for r in rows[1:]} == {
        "霞山区": ["12", "1", "0"],
        "赤坎区": ["5", "1", "0"],
        "湛江市本级": ["13", "1", "1"],
    }

    response = client.get("/statistics/download/?region=440800&year_from=2022&year_to=2023&format=xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert {"各年度概况", "按下级地区", "按发布机构", "全部表格项目逐年合计", "未通过校验的报告"} <= set(
        book.sheetnames
    )
    sheet = book["按下级地区"]
    assert sheet["A1"].value.startswith("湛江市按县(市、区)")
    assert scope_statistics(region=_region("440000"), year_from=2022, year_to=2022).children_label == "市(州)"
    assert scope_statistics(region=_region("110000"), year_from=2022, year_to=2022).children_label == "县(市、区)"
    assert scope_statistics(region=None, year_from=2022, year_to=2022).children_label == "省(自治区、直辖市)"
    names = [row[0] for row in sheet.iter_rows(values_only=True)]
    assert {"霞山区", "赤坎区", "湛江市本级"} <= set(names)


def test_compare_puts_regions_and_publishers_side_by_side(client, fixture_reports, django_assert_max_num_queries):
    publisher = fixture_reports["qingzhen"].publisher_id
    with django_assert_max_num_queries(20):
        response = client.get(
            f"/statistics/compare/?region=440800&region=520181&publisher={publisher}&year_from=2022&year_to=2023"
        )
    assert response.status_code == 200
    comparison = response.context["comparison"]
    assert [e.name for e in comparison.entities] == ["湛江市", "清镇市", "清镇市人民政府"]
    assert [e.total.measure("received").total for e in comparison.entities] == [30, 12, 12]
    assert [e.per_year[2023].reports for e in comparison.entities] == [1, 0, 0]
    bad = client.get("/statistics/compare/?region=440800&publisher=999999")
    assert bad.status_code == 400


def _region(code):
    from reports.models import Region

    return Region.objects.get(code=code)


def _received(code, year):
    row = RegionYearStat.objects.filter(region_code=code, year=year, scope="all").first()
    if row is None:
        return None
    return sum(codes.get("applications.received.total", [0])[0] for codes in row.figures.values())


def _all_rows():
    return sorted(
        (
            r.region_code,
            r.year,
            r.scope,
            r.reports,
            r.failed,
            json.dumps(r.measures, sort_keys=True),
            json.dumps(r.figures, sort_keys=True),
        )
        for r in RegionYearStat.objects.all()
    )


def test_published_on_is_kept(fixture_reports):
    assert ReportStat.objects.get(pk=fixture_reports["city"].pk).published_on == datetime.date(2024, 1, 31)


def test_rebuild_command(fixture_reports):
    from django.core.management import call_command

    out = io.StringIO()
    RegionYearStat.objects.all().delete()
    call_command("rebuild_statistics", stdout=out)
    assert "已汇总 5 份年度报告" in out.getvalue()
    assert _received(COUNTRY_CODE, 2022) == 49


def test_editions_are_summed_code_by_code(client, counted):
    """A 2019-format report has its own codes (applications.other, proactive.*.made); each code counts its reports."""
    v19 = balanced_values(fmt.EDITION_2019)
    # balanced_values puts two 2021-only codes into every edition; a 2019 report cannot have them.
    v19 = {k: v for k, v in v19.items() if fmt.TABLES["2019"][k[0]].has(k[1], k[2])}
    v19[("applications", "granted", "natural_person")] = D(4)
    v19[("applications", "granted", "total")] = D(5)
    v19[("applications", "other", "natural_person")] = D(2)
    v19[("applications", "other", "total")] = D(2)
    v19[("proactive", "normative_documents", "published_total")] = D(30)
    counted(region="440803", publisher="湛江市霞山区人民政府", year=2020, values=v19)
    v21 = balanced_values()
    v21[("applications", "granted", "natural_person")] = D(5)
    v21[("applications", "granted", "total")] = D(6)
    v21[("applications", "other_misc", "natural_person")] = D(1)
    v21[("applications", "other_misc", "total")] = D(1)
    counted(region="440803", publisher="湛江市霞山区人民政府", year=2021, values=v21)
    data = client.get("/api/statistics/?region=440800&year_from=2020&year_to=2021").json()
    y20, y21 = (y["values"] for y in data["years"])
    assert y20["applications.other.total"] == {"sum": 2, "reports": 1, "reports_failing_checks": 0}
    assert "applications.other_misc.total" not in y20
    assert y21["applications.other_misc.total"]["sum"] == 1
    assert "applications.other.total" not in y21
    assert y20["proactive.normative_documents.published_total"]["sum"] == 30
    assert "proactive.normative_documents.in_force" not in y20
    assert y21["proactive.normative_documents.in_force"]["sum"] == 64
    assert [y["editions"] for y in data["years"]] == [{"2019": 1}, {"2021": 1}]
    # The 其他处理 measure takes the 2019 row and the 2021 rows alike.
    s = scope_statistics(region=_region("440800"), year_from=2020, year_to=2021)
    assert [s.per_year[y].measure("other").total for y in (2020, 2021)] == [2, 1]
    assert [label for label, _, _ in s.grids()] == [fmt.EDITION_LABELS["2021"], fmt.EDITION_LABELS["2019"]]
    html = client.get("/statistics/?region=440800&year_from=2020&year_to=2021").content.decode()
    assert fmt.EDITION_LABELS["2019"] in html


def test_a_region_without_reports_says_so(client, fixture_reports):
    response = client.get("/statistics/?region=110000&year_from=2022&year_to=2023")
    assert response.status_code == 200
    assert "北京市在2022—2023年度没有已发布的政府信息公开工作年度报告" in response.content.decode()


def test_figures_over_several_years_link_to_exactly_those_years():
    """A figure summed over 2021–2023 opens the list for 2021–2023; a single year opens that year."""
    from reports.selectors.statistics.scope import list_url

    assert list_url(region="440800", year_from=2021, year_to=2023) == (
        "/reports/?kind=annual_report&region=440800&year_from=2021&year_to=2023"
    )
    assert list_url(publisher=7, year_from=2022, year_to=2022) == "/reports/?kind=annual_report&publisher=7&year=2022"
