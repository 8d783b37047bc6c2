"""The statistics, comparison pages, their downloads and the statistics API (reports/web/statistics.py)."""

import csv
import io
import json

import pytest
from openpyxl import load_workbook

from reports import format as fmt
from reports.selectors.statistics.scope import scope_statistics
from reports.tests.conftest import D, balanced_values, region_of

pytestmark = pytest.mark.django_db


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
        ("year_from=²⁰²³", "year_from"),
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
    assert scope_statistics(region=region_of("440000"), year_from=2022, year_to=2022).children_label == "市(州)"
    assert scope_statistics(region=region_of("110000"), year_from=2022, year_to=2022).children_label == "县(市、区)"
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


def test_compare_adds_the_deepest_region_chosen_in_the_choosers(client, fixture_reports):
    """The province → prefecture → county choosers (named add_region) add one region: the deepest."""
    response = client.get("/statistics/compare/?region=440800&add_region=520000&add_region=520100&add_region=520181")
    assert [e.name for e in response.context["comparison"].entities] == ["湛江市", "清镇市"]
    html = response.content.decode()
    assert 'class="region-choosers"' in html and 'name="add_region"' in html
    assert "六位行政区划代码" not in html


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
    s = scope_statistics(region=region_of("440800"), year_from=2020, year_to=2021)
    assert [s.per_year[y].measure("other").total for y in (2020, 2021)] == [2, 1]
    assert [label for label, _, _ in s.grids()] == [fmt.EDITION_LABELS["2021"], fmt.EDITION_LABELS["2019"]]
    html = client.get("/statistics/?region=440800&year_from=2020&year_to=2021").content.decode()
    assert fmt.EDITION_LABELS["2019"] in html


def test_a_region_without_reports_says_so(client, fixture_reports):
    response = client.get("/statistics/?region=110000&year_from=2022&year_to=2023")
    assert response.status_code == 200
    assert "北京市在2022—2023年度没有已发布的政府信息公开工作年度报告" in response.content.decode()


def test_compare_download_with_nothing_chosen_is_a_clear_400(client, fixture_reports):
    response = client.get("/statistics/compare/download/?format=xlsx")
    assert response.status_code == 400 and "没有选择要对比的地区或发布机构" in response.content.decode()
