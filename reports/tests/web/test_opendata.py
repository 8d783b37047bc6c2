"""The whole-site open-data files are listed with size and date and served; a too-large export points to them."""

import gzip

import pytest
from django.utils import timezone

from reports.services.dumps import dumps_build
from reports.tests.conftest import get

pytestmark = pytest.mark.django_db


def test_the_page_lists_the_files_with_size_and_date_and_serves_them(client, three_reports):
    built = dumps_build()
    html = client.get("/opendata/").content.decode()
    assert "共 4 份报告" in html and f"生成于 {timezone.localtime(built.built_at):%Y}年" in html
    for file in built.files.values():
        assert file.filename in html
    assert "KB" in html or "字节" in html
    response, body = get(client, "/opendata/reports.csv")
    assert response.status_code == 200 and response["Content-Type"] == "application/gzip"
    assert built.files["csv"].filename in response["Content-Disposition"]
    assert gzip.decompress(body).decode("utf-8-sig").startswith("report_id,")
    assert len(body) == built.files["csv"].size


def test_before_the_first_build_the_page_says_so_and_the_files_are_not_found(client):
    assert "文件正在生成" in client.get("/opendata/").content.decode()
    assert client.get("/opendata/reports.csv").status_code == 404
    assert client.get("/opendata/reports.exe").status_code == 404


def test_an_export_over_the_cap_points_to_the_whole_site_files_never_a_cut_file(client, three_reports, settings):
    settings.GOVOPEN_EXPORT_MAX_REPORTS = 3
    for ext in ("csv", "jsonl", "xlsx"):
        response = client.get(f"/reports/export.{ext}")
        assert response.status_code == 303 and response["Location"] == "/opendata/?too_many=4"
    assert "您选择的报告有 4 份" in client.get("/opendata/?too_many=4").content.decode()
    response, body = get(client, "/reports/export.csv?region=440000")  # one report: within the cap
    assert response.status_code == 200 and body.decode("utf-8-sig").startswith("report_id,")
