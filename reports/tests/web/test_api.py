"""The read-only JSON API: reports (list and detail) in the open-data format, regions, the docs page."""

import re

import pytest

from reports import format as fmt
from reports.exporters.common import FORMATS
from reports.models import Region
from reports.tests.conftest import balanced_values

pytestmark = pytest.mark.django_db


@pytest.fixture
def reports(make_report):
    """Published reports in 贵州 (2023, 2022) and 广东 (2023), and a draft."""
    return {
        "qingzhen": make_report(values=balanced_values()),
        "guiyang": make_report(region="520100", publisher="贵阳市人民政府", year=2022),
        "zhanjiang": make_report(region="440800", publisher="湛江市人民政府"),
        "draft": make_report(region="520100", publisher="贵阳市人民政府办公厅", status="draft"),
    }


def test_list_filters_like_the_list_page_and_serves_open_data(client, reports):
    """region (with sub-regions), year, kind and q select reports; each item is the open-data JSON."""
    data = client.get("/api/reports/?region=520000").json()
    assert data["count"] == 2 and data["next"] is None and data["previous"] is None
    assert [r["id"] for r in data["results"]] == [reports["qingzhen"].pk, reports["guiyang"].pk]
    item = data["results"][0]
    assert item["tables"]["proactive"]["fees"] == {"amount": "6858.05"}
    assert item["tables"]["applications"]["received"]["total"] == 12
    assert item["region"]["path"] == ["贵州省", "贵阳市", "清镇市"]
    assert set(item["downloads"]) == set(FORMATS)
    assert client.get("/api/reports/?region=520000&year=2022").json()["count"] == 1
    assert client.get("/api/reports/?kind=work_plan").json()["count"] == 0
    assert client.get("/api/reports/?q=湛江").json()["results"][0]["publisher"] == "湛江市人民政府"


def test_list_pages_with_next_and_previous(client, reports):
    first = client.get("/api/reports/?page_size=2").json()
    assert first["count"] == 3 and first["num_pages"] == 2 and len(first["results"]) == 2
    assert first["next"].endswith("page_size=2&page=2") and first["previous"] is None
    second = client.get(first["next"]).json()
    assert len(second["results"]) == 1 and second["next"] is None and second["previous"]
    ids = {r["id"] for r in first["results"] + second["results"]}
    assert reports["draft"].pk not in ids


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("year=abc", "year"),
        ("region=12ab", "region"),
        ("region=999999", "region"),
        ("kind=nonsense", "kind"),
        ("publisher=99999", "publisher"),
        ("page=0", "page"),
        ("page=²", "page"),
        ("page=x", "page"),
        ("page=9", "page"),
        ("page_size=101", "page_size"),
        ("page_size=-1", "page_size"),
    ],
)
def test_invalid_parameters_give_400_naming_the_parameter(client, reports, query, parameter):
    response = client.get(f"/api/reports/?{query}")
    assert response.status_code == 400
    body = response.json()
    assert body["parameter"] == parameter and body["error"]


def test_page_size_up_to_100_is_allowed(client, reports):
    assert client.get("/api/reports/?page_size=100").status_code == 200


def test_list_query_count_does_not_grow_with_the_page(client, make_report, django_assert_max_num_queries):
    """Sections and cells of a page are fetched in bulk."""
    for year in range(2010, 2030):
        make_report(year=year, values=balanced_values() if year >= 2021 else None)
    with django_assert_max_num_queries(5):
        data = client.get("/api/reports/?page_size=100").json()
    assert len(data["results"]) == 20


def test_detail_has_the_download_links_of_the_page(client, reports):
    """/api/reports/<id>/ gains "downloads": the very links the report page shows."""
    report = reports["qingzhen"]
    data = client.get(f"/api/reports/{report.pk}/").json()
    assert set(data["downloads"]) == {"pdf", "docx", "xlsx", "csv", "json"}
    html = client.get(report.get_absolute_url()).content.decode()
    block = re.search(r'<div class="downloads".*?</div>', html, re.S).group(0)
    page_links = re.findall(r'href="([^"]+/download\.\w+)"', block)
    assert [f"http://testserver{link}" for link in page_links] == list(data["downloads"].values())
    for ext, url in data["downloads"].items():
        assert client.get(url).status_code == 200, ext


def test_detail_of_a_draft_or_missing_report_is_a_json_404(client, reports):
    for pk in (reports["draft"].pk, 999999):
        response = client.get(f"/api/reports/{pk}/")
        assert response.status_code == 404 and response.json()["error"]


def test_regions_tree(client, db):
    """Provinces first; ?parent= gives the children, each with its path and the URL of its own children."""
    provinces = client.get("/api/regions/").json()
    assert provinces["parent"] is None
    assert {"code": "520000", "name": "贵州省"}.items() <= next(
        r for r in provinces["results"] if r["code"] == "520000"
    ).items()
    assert provinces["count"] == Region.objects.provinces().count()

    guizhou = client.get("/api/regions/?parent=520000").json()
    assert guizhou["parent"]["name"] == "贵州省"
    guiyang = next(r for r in guizhou["results"] if r["code"] == "520100")
    assert guiyang["level"] == 2 and guiyang["path"] == ["贵州省", "贵阳市"]
    assert guiyang["children_url"] == "http://testserver/api/regions/?parent=520100"
    counties = client.get(guiyang["children_url"]).json()["results"]
    qingzhen = next(r for r in counties if r["code"] == "520181")
    assert qingzhen["level"] == 3 and qingzhen["children_url"] is None
    assert qingzhen["reports_url"] == "http://testserver/api/reports/?region=520181"


@pytest.mark.parametrize("parent", ["52", "abcdef", "999999"])
def test_regions_with_a_bad_parent_give_400(client, db, parent):
    response = client.get(f"/api/regions/?parent={parent}")
    assert response.status_code == 400 and response.json()["parameter"] == "parent"


def test_docs_page_lists_every_table_code_of_the_format(client, reports):
    """/api/ documents the endpoints with curl examples and every code of format.py (not hand-written)."""
    html = client.get("/api/").content.decode()
    assert "curl 'http://testserver/api/reports/?region=520000" in html
    assert "curl 'http://testserver/api/regions/?parent=520000'" in html
    assert "http://testserver/reports/export.csv" in html
    for edition in (fmt.EDITION_2021, fmt.EDITION_2019):
        for table in fmt.tables_for(edition).values():
            assert f"<code>{table.code}</code>" in html
            for row in table.all_rows():
                assert f"<code>{row.code}</code>" in html
                for column in table.columns_of(row.code):
                    assert f"<code>{column.code}</code> {' › '.join(column.path)}" in html
    for rule in fmt.RULES:
        assert f"<code>{rule}</code>" in html


def test_cursor_pages_walk_every_report_once_by_id(client, reports, make_report):
    """cursor= starts a walk by id descending; next links continue it; no report twice or missed,
    and the filters still apply."""
    first = client.get("/api/reports/?page_size=2&cursor=").json()
    assert "count" not in first and len(first["results"]) == 2 and "cursor=" in first["next"]
    # A report published during the walk does not shift the pages after the cursor.
    make_report(region="440800", publisher="湛江市赤坎区人民政府")
    second = client.get(first["next"]).json()
    assert second["next"] is None
    ids = [r["id"] for r in first["results"] + second["results"]]
    public = sorted((reports[k].pk for k in ("qingzhen", "guiyang", "zhanjiang")), reverse=True)
    assert ids == public
    only = client.get("/api/reports/?region=520000&cursor=").json()
    assert [r["id"] for r in only["results"]] == sorted([reports["qingzhen"].pk, reports["guiyang"].pk], reverse=True)


@pytest.mark.parametrize("cursor", ["abc", "-1", "1.5", "²"])
def test_a_bad_cursor_is_a_400_naming_it(client, reports, cursor):
    response = client.get("/api/reports/", {"cursor": cursor})
    assert response.status_code == 400 and response.json()["parameter"] == "cursor"


def test_page_numbers_stop_at_the_offset_limit(client, reports, monkeypatch):
    from reports.web import api

    monkeypatch.setattr(api, "MAX_OFFSET", 2)
    assert client.get("/api/reports/?page_size=1&page=2").status_code == 200
    deep = client.get("/api/reports/?page_size=1&page=3")
    assert deep.status_code == 400 and "cursor" in deep.json()["error"]
