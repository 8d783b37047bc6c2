from decimal import Decimal

import pytest
import tablib
from django.core.files.uploadedfile import SimpleUploadedFile

from reports.admin.resources import ReportResource, TableCellResource
from reports.models import Report
from reports.tests.conftest import balanced_values, stored_values

pytestmark = pytest.mark.django_db

HEADERS = ["report_id", "year", "region_code", "table", "row", "column", "value"]


def cells_of(report):
    return stored_values(report)


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
    assert errors[6]["value"] == ["表二(主动公开政府信息情况)「规章」行「本年制发件数」列:应为整数,填写的是 1.5"]
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


def test_report_sheet_refuses_a_publication_date_before_the_written_date(make_report):
    """发布日期 before 成文日期 in the metadata sheet is refused on its row; nothing is written."""
    report = make_report(status="draft")
    dataset = ReportResource().export(queryset=Report.objects.all())
    row = dict(zip(dataset.headers, dataset[0], strict=True))
    row.update(written_on="2024-02-01", published_on="2024-01-31")
    result = ReportResource().import_data(tablib.Dataset(list(row.values()), headers=list(row)), dry_run=False)
    assert result.invalid_rows[0].error_dict["published_on"] == [
        "发布日期(2024-01-31)早于成文日期(2024-02-01):报告不能在成文之前发布,请按原文核对两个日期。"
    ]
    report.refresh_from_db()
    assert report.written_on is None

    row.update(written_on="2024-01-31")  # the same day is fine
    result = ReportResource().import_data(tablib.Dataset(list(row.values()), headers=list(row)), dry_run=False)
    assert not result.has_validation_errors()
    report.refresh_from_db()
    assert report.written_on.isoformat() == "2024-01-31"


@pytest.mark.parametrize(
    ("code", "text", "message"),
    [
        (
            ("applications", "withheld_state_secret", "other_org"),
            "-1",
            "表三(收到和处理政府信息公开申请情况)「(三)不予公开 1.属于国家秘密」行「法人或其他组织 其他」列:"
            "不能为负数,填写的是 -1",
        ),
        (
            ("review_litigation", "litigation_after_review", "total"),
            "1000000001",
            "表四(政府信息公开行政复议、行政诉讼情况)「行政诉讼 复议后起诉」行「总计」列:数值过大(超过十亿),"
            "填写的是 1000000001",
        ),
        (
            ("proactive", "fees", "amount"),
            "0.0000001",
            "表二(主动公开政府信息情况)「行政事业性收费」行「本年收费金额(单位:万元)」列:小数位数过多,"
            "填写的是 0.0000001",
        ),
        (
            ("proactive", "fees", "amount"),
            "-5.5",
            "表二(主动公开政府信息情况)「行政事业性收费」行「本年收费金额(单位:万元)」列:不能为负数,填写的是 -5.5",
        ),
    ],
)
def test_impossible_numbers_are_refused_naming_the_cell(make_report, code, text, message):
    """A negative, fractional or absurd count or a malformed amount is refused with the cell's Chinese name."""
    report = make_report(values=balanced_values())
    before = cells_of(report)
    rows = [[report.pk, 2023, "520181", *code, text]]
    result = TableCellResource().import_data(tablib.Dataset(*rows, headers=HEADERS), dry_run=False)
    assert [r.error_dict["value"] for r in result.invalid_rows] == [[message]]
    assert cells_of(report) == before


def test_the_admin_import_names_a_negative_cell(admin_client, make_report):
    """Through the admin's spreadsheet import: −1 is shown as an error of its row, nothing can be confirmed."""
    report = make_report(values=balanced_values())
    csv = ",".join(HEADERS) + f"\n{report.pk},2023,520181,applications,received,natural_person,-1\n"
    response = admin_client.post(
        "/admin/reports/report/import/",
        {"format": "0", "resource": "1", "import_file": SimpleUploadedFile("cells.csv", csv.encode())},
    )
    html = response.content.decode()
    assert "「一、本年新收政府信息公开申请数量」行「申请人情况 自然人」列:不能为负数,填写的是 -1" in html
    assert response.context.get("confirm_form") is None
    assert cells_of(report)[("applications", "received", "natural_person")] == 10


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


def test_a_sheet_without_its_key_columns_is_refused_in_chinese(make_report):
    """A metadata sheet without ``id`` or a long form without ``table``: one message naming the missing
    headers, nothing read."""
    make_report()
    result = ReportResource().import_data(tablib.Dataset(["标题"], headers=["title"]), dry_run=False)
    assert [str(e.error) for e in result.base_errors] == [
        "文件的表头缺少这些列:id。请以导出的表格为模板,表头为:id, kind, edition, year, title, publisher, "
        "region_code, index_no, document_no, written_on, published_on, status, source_url, checks_failed。"
    ]
    rows = [[1, "received", "total", "3"]]
    result = TableCellResource().import_data(tablib.Dataset(*rows, headers=["report_id", "row", "column", "value"]))
    assert [str(e.error) for e in result.base_errors][0].startswith("文件的表头缺少这些列:table。")
