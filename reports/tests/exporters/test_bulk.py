"""Bulk open data: every report a list selects as CSV, XLSX or JSON Lines (reports/exporters/bulk.py)."""

import io
import json
from urllib.parse import quote

import pytest
from openpyxl import load_workbook

from reports import format as fmt
from reports.exporters.common import LONG_HEADER
from reports.models import Report
from reports.tests.conftest import csv_rows, download, get

pytestmark = pytest.mark.django_db


def test_bulk_csv_has_every_matching_published_report_and_no_others(
    client, three_reports, django_assert_max_num_queries
):
    """/reports/export.csv?region=520000&year=2023: the list's filters, streamed, a few queries in all
    (one of them the count checked against GOVOPEN_EXPORT_MAX_REPORTS)."""
    qingzhen, guiyang = three_reports[0], three_reports[1]
    with django_assert_max_num_queries(5):
        response, body = get(client, "/reports/export.csv?region=520000&year=2023")
    assert response.status_code == 200 and response.streaming
    assert "filename*=UTF-8''" + quote("政府信息公开报告-贵州省-2023年") in response["Content-Disposition"]
    rows = csv_rows(body)
    assert tuple(rows[0]) == LONG_HEADER
    assert {r[0] for r in rows[1:]} == {str(guiyang.pk), str(qingzhen.pk)}
    per_report = len(fmt.all_codes(fmt.EDITION_2021))
    assert len(rows) - 1 == 2 * per_report
    fees = [r for r in rows if r[3:6] == ["proactive", "fees", "amount"]]
    assert [r[6] for r in fees] == ["6858.05", "6858.05"]


def test_bulk_jsonl_is_one_open_data_object_per_line(client, three_reports):
    """JSON Lines: each line is the report's open-data JSON, the same as its own .json download."""
    _, body = get(client, "/reports/export.jsonl?region=520000")
    lines = [json.loads(line) for line in body.decode().splitlines()]
    assert len(lines) == 3
    assert all(item["tables"]["applications"]["received"]["total"] == 12 for item in lines)
    _, single = download(client, Report.objects.get(pk=lines[0]["id"]), "json")
    assert lines[0] == json.loads(single)


def test_bulk_xlsx_has_a_report_sheet_and_the_long_form(client, three_reports):
    """XLSX: a sheet with one row per report and the long form of their numbers."""
    response, body = get(client, "/reports/export.xlsx?year=2023")
    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(body))
    assert wb.sheetnames == ["报告", "长表"]
    reports = list(wb["报告"].iter_rows(values_only=True))
    assert len(reports) == 1 + 3
    assert {r[2] for r in reports[1:]} == {"清镇市人民政府办公室", "贵阳市人民政府", "湛江市人民政府"}
    long = list(wb["长表"].iter_rows(values_only=True))
    assert tuple(long[0]) == LONG_HEADER and len(long) - 1 == 3 * len(fmt.all_codes(fmt.EDITION_2021))
    assert {r[6] for r in long[1:] if r[3:6] == ("proactive", "fees", "amount")} == {6858.05}


def test_bulk_export_with_a_bad_filter_names_the_parameter(client, three_reports):
    """An invalid filter is a 400 with a JSON error that names the parameter; unknown formats are 404."""
    for query, parameter in (("year=abc", "year"), ("region=999999", "region"), ("kind=x", "kind")):
        response = client.get(f"/reports/export.csv?{query}")
        assert response.status_code == 400
        assert response.json()["parameter"] == parameter and response.json()["error"]
    assert client.get("/reports/export.pdf").status_code == 404


def test_list_page_links_the_bulk_downloads_of_its_filters(client, three_reports):
    """The list page offers its own result set for download, with the same filters."""
    html = client.get("/reports/?region=520000&year=2023").content.decode()
    for ext in ("csv", "xlsx", "jsonl"):
        assert f'href="/reports/export.{ext}?region=520000&amp;year=2023"' in html
