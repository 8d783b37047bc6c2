"""CSV: the long form of FORMAT.md (reports/exporters/csv_long.py)."""

import pytest

from reports import format as fmt
from reports.exporters.common import LONG_HEADER
from reports.tests.conftest import balanced_values, csv_rows, download, long_values

pytestmark = pytest.mark.django_db


def test_csv_is_the_long_form_with_bom_and_no_rows_for_blank_cells(client, make_report):
    """CSV: report_id, year, region_code, table, row, column, value; amounts as decimals; blanks absent."""
    values = balanced_values()
    values[("applications", "received", "research")] = None
    report = make_report(values=values)
    response, body = download(client, report, "csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = csv_rows(body)
    assert tuple(rows[0]) == LONG_HEADER
    assert rows[1][:3] == [str(report.pk), "2023", "520181"]
    by_code = long_values(rows)
    assert by_code["proactive.fees.amount"] == "6858.05"
    assert by_code["applications.received.total"] == "12"
    assert by_code["proactive.normative_documents.in_force"] == "64"
    assert "applications.received.research" not in by_code
    assert len(by_code) == len(rows) - 1 == sum(v is not None for v in values.values())
    # Reading order of the format: table 二 first, then 三 and 四.
    assert [r[3] for r in rows[1:]] == sorted((r[3] for r in rows[1:]), key=fmt.TABLE_CODES.index)


def test_csv_names_each_number_in_chinese_beside_its_codes(client, make_report):
    """After the format's seven columns, the table's, row's and column's Chinese names."""
    report = make_report(values=balanced_values())
    _, body = download(client, report, "csv")
    rows = csv_rows(body)
    assert rows[0][7:] == ["table_name", "row_name", "column_name"]
    named = {tuple(r[3:6]): r[7:] for r in rows[1:]}
    assert named[("applications", "received", "natural_person")] == [
        "表三(收到和处理政府信息公开申请情况)",
        "一、本年新收政府信息公开申请数量",
        "申请人情况 自然人",
    ]
    bulk = client.get("/reports/export.csv")
    assert bulk.status_code == 200
    body = b"".join(bulk.streaming_content) if bulk.streaming else bulk.content
    assert "表三(收到和处理政府信息公开申请情况)" in body.decode("utf-8-sig")
