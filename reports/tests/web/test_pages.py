import json
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from reports.tests.conftest import balanced_values

pytestmark = pytest.mark.django_db


def titles(response):
    return [r.title for r in response.context["page"].object_list]


def test_home_shows_the_four_entries_latest_and_overview(client, make_report):
    """The landing page mirrors a 政府信息公开 column: four entries, newest reports, year × region counts."""
    make_report()
    make_report(region="440800", publisher="湛江市人民政府", year=2022)
    response = client.get("/")
    html = response.content.decode()
    for entry in (
        "政府信息公开指南",
        "政府信息公开制度",
        "法定主动公开内容",
        "政府信息公开工作年度报告",
    ):
        assert entry in html
    assert "清镇市人民政府办公室2023年政府信息公开工作年度报告" in html
    overview = response.context["overview"]
    assert overview.years == [2023, 2022]
    assert {(r.name, tuple(counts), total) for r, counts, total in overview.rows} == {
        ("贵州省", ((2023, 1), (2022, 0)), 1),
        ("广东省", ((2023, 0), (2022, 1)), 1),
    }


def test_region_filter_includes_sub_regions(client, make_report):
    """region=520000 finds a county report of 贵州; a prefecture code finds its counties' reports."""
    make_report()  # 清镇市 520181
    make_report(region="440800", publisher="湛江市人民政府")
    make_report(region="440803", publisher="湛江市霞山区人民政府")
    assert titles(client.get("/reports/?region=520000")) == ["清镇市人民政府办公室2023年政府信息公开工作年度报告"]
    assert len(titles(client.get("/reports/?region=440800"))) == 2
    assert len(titles(client.get("/reports/?region=440803"))) == 1
    # The deepest of the province → prefecture → county choosers wins.
    assert len(titles(client.get("/reports/?region=440000&region=440800&region="))) == 2


def test_year_kind_and_keyword_filters(client, make_report):
    """year, kind and q narrow the list; q matches Chinese words in the text; 繁體 queries work."""
    make_report(year=2023, sections=(("一", "总体情况", "全年受理依申请公开件292件。"),))
    make_report(
        year=2022,
        publisher="清镇市人民政府",
        sections=(("一", "总体情况", "主动公开信息9704条。"),),
    )
    make_report(
        kind="work_plan",
        year=2015,
        title="2015年政务公开工作要点",
        publisher="湛江市人民政府办公室",
        region="440800",
        sections=(("一", "全面推进政务公开", "深入推进重点领域信息公开。"),),
    )
    assert len(titles(client.get("/reports/?year=2023"))) == 1
    assert titles(client.get("/reports/?kind=work_plan")) == ["2015年政务公开工作要点"]
    assert titles(client.get("/reports/?q=依申请")) == ["清镇市人民政府办公室2023年政府信息公开工作年度报告"]
    assert titles(client.get("/reports/?q=依申請")) == ["清镇市人民政府办公室2023年政府信息公开工作年度报告"]
    assert titles(client.get("/reports/?q=主动公开 9704")) == ["清镇市人民政府2022年政府信息公开工作年度报告"]
    assert titles(client.get("/reports/?q=不存在的词")) == []


def test_list_is_newest_first_and_paginated(client, make_report, settings):
    import datetime

    settings.GOVOPEN_PAGE_SIZE = 2
    for i, year in enumerate((2019, 2020, 2021)):
        make_report(year=year, published_on=datetime.date(year + 1, 1, 10 + i))
    response = client.get("/reports/")
    assert [r.year for r in response.context["page"].object_list] == [2021, 2020]
    assert [r.year for r in client.get("/reports/?page=2").context["page"].object_list] == [2019]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("year=abc", "年度"),
        ("region=999999", "地区代码“999999”不存在"),
        ("region=12ab", "格式不正确"),
        ("kind=nonsense", "类别"),
        ("publisher=99999", "发布机构"),
        ("page=zz", "页码"),
        ("page=999", "页码"),
    ],
)
def test_bad_parameters_give_a_message_not_an_error(client, make_report, query, message):
    """Malformed or unknown parameters are explained on the page (status 200, never 500)."""
    make_report()
    response = client.get("/reports/?" + query)
    assert response.status_code == 200
    assert message in " ".join(response.context["errors"])


def test_drafts_and_withdrawn_reports_are_not_public(client, make_report, admin_client):
    """Only published reports are listed, shown and served as JSON; editors may preview drafts; a
    withdrawn report's URL answers 410 Gone with when and why."""
    draft = make_report(status="draft")
    withdrawn = make_report(status="withdrawn", year=2022)
    withdrawn.withdrawn_reason = "数据统计口径有误"
    withdrawn.withdrawn_at = timezone.now()
    withdrawn.save()
    assert titles(client.get("/reports/")) == []
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.get(f"/api/reports/{draft.pk}/").status_code == 404
    gone = client.get(withdrawn.get_absolute_url())
    assert gone.status_code == 410 and "数据统计口径有误" in gone.content.decode() and "已撤回" in gone.content.decode()
    assert client.get(f"/api/reports/{withdrawn.pk}/").status_code == 410
    assert client.get(f"/reports/{withdrawn.pk}/download.pdf").status_code == 410
    assert "预览" in admin_client.get(draft.get_absolute_url()).content.decode()


def test_report_page_lays_out_tables_officially(client, make_report):
    """The report page has the metadata box, sections and the three tables with spans, captions and scopes."""
    values = balanced_values()
    values[("applications", "received", "natural_person")] = Decimal(11)  # breaks two rules
    report = make_report(
        values=values,
        sections=(
            ("一", "总体情况", "(一)主动公开方面\n全年发布信息。"),
            ("二", "主动公开政府信息情况", ""),
            ("三", "收到和处理政府信息公开申请情况", ""),
            ("四", "政府信息公开行政复议、行政诉讼情况", ""),
        ),
    )
    html = client.get(report.get_absolute_url()).content.decode()
    for label in (
        "索引号",
        "发布机构",
        "成文日期",
        "发布日期",
        "所属地区",
        "贵州省 › 贵阳市 › 清镇市",
        "2023年度",
    ):
        assert label in html
    assert '<caption id="table-applications-cap">三、收到和处理政府信息公开申请情况</caption>' in html
    plain = re.sub(r' (?:id|headers)="[^"]*"', "", html)  # the markup that names each number's headers
    assert '<th scope="col" rowspan="3" colspan="3">(本列数据的勾稽关系为' in plain
    assert '<th scope="colgroup" colspan="5">法人或其他组织</th>' in plain
    assert '<th scope="rowgroup" rowspan="22">三、本年度办理结果</th>' in plain
    assert '<td data-code="proactive.fees.amount" colspan="3">6858.05</td>' in plain
    assert '<td data-code="proactive.normative_documents.in_force">64</td>' in plain
    assert "<h3>(一)主动公开方面</h3>" in html
    assert "申请表: 本年新收+上年结转 ≠ 办理结果总计+结转下年度 (自然人列: 12 ≠ 11)" in html
    assert 'class="bad"' in html


def test_report_page_query_count_does_not_grow(client, make_report, django_assert_max_num_queries):
    """Sections and cells are fetched in bulk: a big report costs the same queries as a small one
    (seven: the report, sections, free tables, cells, last year's report, its cells, corrections)."""
    small = make_report(sections=(("一", "总体情况", "x"),))
    big = make_report(
        year=2022,
        values=balanced_values(),
        sections=[(str(i), f"第{i}部分", "正文\n" * 20) for i in range(30)],
    )
    for report in (small, big):
        with django_assert_max_num_queries(7):
            assert client.get(report.get_absolute_url()).status_code == 200


def test_home_query_count_does_not_grow(client, make_report, django_assert_max_num_queries):
    """Three queries whatever the number of reports: the latest reports, the provinces (read once
    for the overview and the chooser), the overview's counts."""
    for year in range(2015, 2025):
        make_report(year=year)
    with django_assert_max_num_queries(3):
        assert client.get("/").status_code == 200


def test_list_query_count_does_not_grow(client, make_report, django_assert_max_num_queries):
    for year in range(2010, 2025):
        make_report(year=year)
    with django_assert_max_num_queries(6):
        client.get("/reports/?region=520000")


def test_open_data_json_is_the_twin_of_the_page(client, make_report):
    """/api/reports/<id>/ has FORMAT.md's fields, every cell, null for blanks, decimals as strings."""
    values = balanced_values()
    values[("applications", "received", "research")] = None
    report = make_report(values=values)
    data = json.loads(client.get(f"/api/reports/{report.pk}/").content)
    assert data["id"] == report.pk and data["format"] == "2021" and data["year"] == 2023
    assert data["url"].endswith(f"/reports/{report.pk}/")
    assert data["region"] == {
        "code": "520181",
        "name": "清镇市",
        "path": ["贵州省", "贵阳市", "清镇市"],
    }
    assert data["tables"]["proactive"]["fees"] == {"amount": "6858.05"}
    assert data["tables"]["proactive"]["normative_documents"]["in_force"] == 64
    assert data["tables"]["applications"]["received"]["total"] == 12
    assert data["tables"]["applications"]["received"]["research"] is None
    assert len(data["tables"]["applications"]) == 25
    assert data["sections"][0] == {
        "number": "一",
        "heading": "总体情况",
        "text": "2023年,我市依申请公开工作……",
    }
    assert {c["rule"] for c in data["checks"]} >= {
        "applications.balance",
        "review_litigation.totals",
    }


def test_region_children_endpoint(client, db):
    """The choosers load the regions under a code; bad codes are a 400 or 404."""
    data = client.get(reverse("reports:region_children") + "?parent=520100").json()
    assert {"code": "520181", "name": "清镇市"} in data["regions"]
    assert client.get(reverse("reports:region_children") + "?parent=abc").status_code == 400
    assert client.get(reverse("reports:region_children") + "?parent=999999").status_code == 404


def test_old_format_report_shows_free_tables_and_no_standard_tables(client, make_report):
    """A 2008-format report has no standard grid; its 附表 is shown as a plain table, its text escaped."""
    from reports.models import FreeTable

    report = make_report(year=2013, sections=(("一", "概述", "<script>alert(1)</script>全年公开信息。"),))
    FreeTable.objects.create(report=report, caption="附表:依申请公开情况", rows=[["项目", "数量"], ["申请", "6"]])
    html = client.get(report.get_absolute_url()).content.decode()
    assert "<caption>附表:依申请公开情况</caption>" in html
    assert '<th scope="col">项目</th>' in html and "<td>6</td>" in html
    assert "cell-grid" not in html and "data-code" not in html
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html


def test_year_range_filter_for_links_from_the_statistics(client, make_report):
    """year_from/year_to select a range of years (the statistics link a multi-year figure so)."""
    for year in (2019, 2021, 2023):
        make_report(year=year)
    response = client.get("/reports/?year_from=2020&year_to=2023")
    assert sorted(r.year for r in response.context["page"].object_list) == [2021, 2023]
    assert "年度范围:2020—2023" in response.content.decode()
    bad = client.get("/reports/?year_from=20x0")
    assert bad.status_code == 200 and "起始年度" in " ".join(bad.context["errors"])


def test_report_page_names_breaks_with_last_years_report(client, make_report):
    """A body's 上年结转 that is not its previous report's 结转下年度 is named on the page, as printed."""
    make_report(year=2022, values={("applications", "carried_forward", "natural_person"): Decimal(3)})
    report = make_report(year=2023, values={("applications", "carried_over", "natural_person"): Decimal(5)})
    html = client.get(f"/reports/{report.pk}/").content.decode()
    assert "与上年报告不衔接" in html and "自然人列: 本年 5 ≠ 上年 3" in html


def test_a_report_without_tables_says_so_in_one_line_not_empty_grids(client, make_report):
    report = make_report(values=None)
    html = client.get(report.get_absolute_url()).content.decode()
    assert 'id="no-tables"' in html and "没有统计表格" in html
    assert '<table class="official">' not in html


def test_a_missing_table_is_named_in_a_line_beside_the_tables_that_are_there(client, make_report):
    values = {k: v for k, v in balanced_values().items() if k[0] != "review_litigation"}
    html = client.get(make_report(values=values).get_absolute_url()).content.decode()
    assert html.count('<table class="official">') == 2
    assert "四、政府信息公开行政复议、行政诉讼情况</strong>:本报告未提供此表数据" in html


def test_a_huge_free_table_is_shown_in_part_with_a_note(client, make_report):
    """A page stays fast whatever a table holds: 5,000 × 64 cells show as 200 × 30, and say so."""
    from reports.models import FreeTable

    report = make_report()
    FreeTable.objects.create(
        report=report,
        position=0,
        caption="附表",
        header_rows=1,
        rows=[[f"{r}-{c}" for c in range(64)] for r in range(5000)],
    )
    html = client.get(report.get_absolute_url()).content.decode()
    assert "199-29" in html and "200-0" not in html and "0-30" not in html
    assert "此表共 5000 行、64 列,页面只显示前 200 行、30 列" in html
