from decimal import Decimal

import pytest
import tablib
from django.core.files.uploadedfile import SimpleUploadedFile

from reports.admin.resources import ReportResource, TableCellResource
from reports.models import Report
from reports.tests.conftest import balanced_values

pytestmark = pytest.mark.django_db

HEADERS = ["report_id", "year", "region_code", "table", "row", "column", "value"]


def cells_of(report):
    return {(c.table, c.row, c.column): c.value for c in report.cells.all()}


def export_cells(*reports) -> tablib.Dataset:
    return TableCellResource().export(queryset=Report.objects.filter(pk__in=[r.pk for r in reports]))


def test_long_form_round_trip_without_loss(make_report):
    """Export, import the same sheet: nothing changes; edit one value: only that cell changes and checks rerun."""
    report = make_report(values=balanced_values())
    before = cells_of(report)
    dataset = export_cells(report)
    assert dataset.headers == HEADERS
    assert len(dataset) == len(before)
    assert dataset[0] == (str(report.pk), 2023, "520181", "proactive", "rules", "issued", "0")
    assert (str(report.pk), 2023, "520181", "proactive", "fees", "amount", "6858.05") in list(dataset)

    result = TableCellResource().import_data(tablib.Dataset(*dataset, headers=dataset.headers), dry_run=False)
    assert not result.has_errors() and not result.has_validation_errors()
    assert result.totals["update"] == 0 and result.totals["new"] == 0
    assert cells_of(report) == before

    rows = [list(r) for r in dataset]
    for r in rows:
        if r[3:6] == ["applications", "received", "natural_person"]:
            r[6] = "1,011"
    result = TableCellResource().import_data(tablib.Dataset(*rows, headers=HEADERS), dry_run=False)
    assert not result.has_validation_errors() and result.totals["update"] == 1
    after = cells_of(report)
    assert after[("applications", "received", "natural_person")] == Decimal(1011)
    assert {k: v for k, v in after.items() if k != ("applications", "received", "natural_person")} == {
        k: v for k, v in before.items() if k != ("applications", "received", "natural_person")
    }
    report.refresh_from_db()
    assert report.checks_failed == 2  # balance and row totals now break


def test_blank_value_blanks_a_cell_and_new_cells_are_added(make_report):
    report = make_report(values={("applications", "received", "total"): Decimal(5)})
    rows = [
        [report.pk, 2023, "520181", "applications", "received", "total", ""],
        [report.pk, "", "", "proactive", "fees", "amount", "12.5"],
    ]
    result = TableCellResource().import_data(tablib.Dataset(*rows, headers=HEADERS), dry_run=False)
    assert not result.has_validation_errors()
    assert cells_of(report) == {("proactive", "fees", "amount"): Decimal("12.5")}


def test_bad_rows_are_named_and_nothing_is_written(make_report):
    """Unknown code, non-number, report not found, wrong year: each row's error names the bad value."""
    report = make_report(values=balanced_values())
    before = cells_of(report)
    rows = [
        [report.pk, 2023, "520181", "applications", "received", "natural_person", "99"],  # fine on its own
        [report.pk, 2023, "520181", "applications", "recieved", "total", "1"],
        [report.pk, 2023, "520181", "applications", "granted", "total", "十二"],
        [999999, 2023, "520181", "applications", "granted", "total", "1"],
        [report.pk, 2022, "520181", "applications", "granted", "total", "1"],
        [report.pk, 2023, "520181", "proactive", "rules", "issued", "1.5"],
        [report.pk, 2023, "520181", "proactiv", "rules", "issued", "1"],
    ]
    result = TableCellResource().import_data(tablib.Dataset(*rows, headers=HEADERS), dry_run=False)
    errors = {row.number: row.error_dict for row in result.invalid_rows}
    assert sorted(errors) == [2, 3, 4, 5, 6, 7]
    assert "applications.recieved.total" in errors[2]["row"][0]
    assert errors[3]["value"] == ["“十二”不是数字"]
    assert errors[4]["report_id"] == ["报告 999999 不存在"]
    assert "“2022”与报告" in errors[5]["year"][0]
    assert errors[6]["value"] == ["“1.5”应为整数"]
    assert "未知的表格代码“proactiv”" in errors[7]["table"][0]
    assert cells_of(report) == before  # the good row is not written either


def test_report_sheet_round_trip_and_correction(make_report):
    """The metadata sheet: export, correct a title and a publisher, import through the services."""
    report = make_report(status="draft")
    dataset = ReportResource().export(queryset=Report.objects.all())
    assert dataset.headers[:5] == ["id", "kind", "edition", "year", "title"]
    result = ReportResource().import_data(tablib.Dataset(*dataset, headers=dataset.headers), dry_run=False)
    assert not result.has_validation_errors() and result.totals["update"] == 0
    row = dict(zip(dataset.headers, dataset[0], strict=True))
    row.update(title="清镇市人民政府办公室2023年政府信息公开工作年度报告(更正)", publisher="清镇市人民政府")
    result = ReportResource().import_data(tablib.Dataset(list(row.values()), headers=list(row)), dry_run=False)
    assert not result.has_validation_errors(), [r.error_dict for r in result.invalid_rows]
    report.refresh_from_db()
    assert report.title.endswith("(更正)") and report.publisher.name == "清镇市人民政府"
    assert report.status == "draft"  # status is not imported: publishing goes through its own action
    assert "(更正)" in report.search_text

    row.update(region_code="999999")
    result = ReportResource().import_data(tablib.Dataset(list(row.values()), headers=list(row)), dry_run=False)
    assert result.invalid_rows[0].error_dict["region_code"] == ["地区代码“999999”不在行政区划代码表中"]


def test_admin_export_then_import_a_csv(admin_client, make_report):
    """Through the admin: export the long form as CSV, change a number, import with preview and confirm."""
    report = make_report(values=balanced_values())
    response = admin_client.post(
        "/admin/reports/report/export/",
        {"format": "0", "resource": "1", **{f"tablecellresource_{f}": "on" for f in HEADERS}},
    )
    assert response.status_code == 200, response.content.decode()[:500]
    csv = response.content.decode("utf-8-sig")
    assert csv.splitlines()[0] == ",".join(HEADERS)
    csv = csv.replace("applications,received,natural_person,10", "applications,received,natural_person,12")
    response = admin_client.post(
        "/admin/reports/report/import/",
        {"format": "0", "resource": "1", "import_file": SimpleUploadedFile("cells.csv", csv.encode())},
    )
    assert response.status_code == 200
    confirm = response.context["confirm_form"]
    assert cells_of(report)[("applications", "received", "natural_person")] == 10  # preview only
    response = admin_client.post("/admin/reports/report/process_import/", {**confirm.initial})
    assert response.status_code == 302
    assert cells_of(report)[("applications", "received", "natural_person")] == 12


def test_admin_import_shows_row_errors(admin_client, make_report):
    report = make_report(values=balanced_values())
    csv = ",".join(HEADERS) + f"\n{report.pk},2023,520181,applications,granted,total,abc\n"
    response = admin_client.post(
        "/admin/reports/report/import/",
        {"format": "0", "resource": "1", "import_file": SimpleUploadedFile("cells.csv", csv.encode())},
    )
    html = response.content.decode()
    assert "“abc”不是数字" in html
    assert "confirm_form" not in response.context or response.context.get("confirm_form") is None


def test_xlsx_round_trip_keeps_every_number(make_report):
    """The long form through an XLSX file and back: the same numbers, nothing changed."""
    report = make_report(values=balanced_values())
    before = cells_of(report)
    xlsx = export_cells(report).export("xlsx")
    dataset = tablib.Dataset().load(xlsx, format="xlsx")
    result = TableCellResource().import_data(dataset, dry_run=False)
    assert not result.has_errors() and not result.has_validation_errors()
    assert result.totals["update"] == 0 and cells_of(report) == before
