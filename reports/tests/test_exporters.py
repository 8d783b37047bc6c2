"""Downloads of a report (PDF, Word, Excel, CSV, JSON), their cache, and bulk open data.

Every test opens the file it downloads and checks its content against the stored numbers.
"""

import csv
import io
import json
from decimal import Decimal
from pathlib import Path
from urllib.parse import quote

import pytest
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from docx import Document
from docx.oxml.ns import qn
from openpyxl import load_workbook
from pypdf import PdfReader

from reports import format as fmt
from reports.exporters.common import LONG_HEADER, download_filename, title_lines
from reports.models import Report
from reports.services.reports import report_set_sections, report_set_values
from reports.tests.conftest import balanced_values, seed

pytestmark = pytest.mark.django_db

HUMAN_NAME = "清镇市人民政府办公室-2023年政府信息公开工作年度报告"
PARTS = tuple((p.number, p.heading, f"{p.heading}的正文。") for p in fmt.PARTS)


@pytest.fixture(autouse=True)
def fresh_storage(settings):
    """Each test starts with an empty file store (Django resets storages when STORAGES changes)."""
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"}}


@pytest.fixture
def full_report(make_report):
    """A 2021-format report with the six parts and every table cell filled."""
    return make_report(values=balanced_values(), sections=PARTS)


def get(client, url, **headers):
    response = client.get(url, **headers)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response, body


def download(client, report, ext):
    response, body = get(client, f"/reports/{report.pk}/download.{ext}")
    assert response.status_code == 200, body[:300]
    return response, body


def csv_rows(body: bytes) -> list[list[str]]:
    assert body.startswith("\ufeff".encode()), "UTF-8 with BOM, so that Excel reads the Chinese"
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def long_values(rows) -> dict[str, str]:
    return {f"{r[3]}.{r[4]}.{r[5]}": r[6] for r in rows[1:]}


def pdf_text(body: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)


def pdf_fonts(body: bytes) -> dict[str, list[str]]:
    """Base font name -> the /FontFile* streams embedded for it, over all pages."""
    fonts = {}
    for page in PdfReader(io.BytesIO(body)).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            target = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            descriptor = target["/FontDescriptor"].get_object()
            fonts[str(font["/BaseFont"])] = [k for k in ("/FontFile", "/FontFile2", "/FontFile3") if k in descriptor]
    return fonts


# --- Per report ------------------------------------------------------------------------------


def test_pdf_is_a4_with_extractable_chinese_tables_and_an_embedded_cjk_font(client, full_report):
    """The PDF has the title, parts and table numbers as text, A4 pages, page numbers and an embedded CJK font."""
    response, body = download(client, full_report, "pdf")
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f"attachment; filename=\"report-{full_report.pk}.pdf\"; filename*=UTF-8''{quote(HUMAN_NAME + '.pdf')}"
    )
    reader = PdfReader(io.BytesIO(body))
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4 in points
    text = pdf_text(body).replace(" ", "")
    for line in title_lines(full_report.title, full_report.publisher.name):
        assert line in text
    for number, heading, body_text in PARTS:
        assert f"{number}、{heading}" in text and body_text in text
    for table in fmt.tables_for(fmt.EDITION_2021).values():
        assert table.all_rows()[0].label in text
    assert "6858.05" in text and "64" in text
    assert "—1—" in text  # the page number of GB/T 9704
    fonts = pdf_fonts(body)
    cjk = {name: files for name, files in fonts.items() if "CJK" in name}
    assert cjk and all(files for files in cjk.values()), fonts


def test_print_html_repeats_table_heads_and_sets_column_widths(client, full_report):
    """The HTML the PDF is made from: thead as table-header-group, the official spans, a colgroup."""
    html = client.get(f"/reports/{full_report.pk}/print/").content.decode()
    assert "thead { display: table-header-group; }" in html
    assert '<th scope="rowgroup" rowspan="22">三、本年度办理结果</th>' in html
    assert html.count("<colgroup>") == 3
    assert "@bottom-center" in html and "A4" in html


def test_docx_has_headings_paragraphs_and_tables_with_merged_cells(client, full_report):
    """Word: the six parts as headings, the three tables as Word tables in the official grid."""
    response, body = download(client, full_report, "docx")
    assert HUMAN_NAME in response["Content-Disposition"] or quote(HUMAN_NAME) in response["Content-Disposition"]
    doc = Document(io.BytesIO(body))
    section = doc.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert "PAGE" in section.footer._element.xml
    headings = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert headings == [f"{n}、{h}" for n, h, _ in PARTS]
    assert "总体情况的正文。" in [p.text for p in doc.paragraphs]
    assert doc.paragraphs[0].text.replace("\n", "") == full_report.title

    proactive, applications, review = doc.tables
    texts = {c.text for row in proactive.rows for c in row.cells}
    assert {"6858.05", "64", "第二十条第(一)项"} <= texts

    t = applications
    # The corner spans 3 × 3; 申请人情况 spans the 7 applicant columns; 法人或其他组织 spans 5.
    assert t.cell(0, 0)._tc is t.cell(2, 2)._tc
    assert t.cell(0, 3).text == "申请人情况" and t.cell(0, 3)._tc.grid_span == 7
    assert t.cell(1, 4).text == "法人或其他组织" and t.cell(1, 4)._tc.grid_span == 5
    # 三、本年度办理结果 runs down 22 rows (vMerge), 自然人 down two head rows.
    assert t.cell(5, 0).text == "三、本年度办理结果" and t.cell(5, 0)._tc is t.cell(26, 0)._tc
    assert t.cell(1, 3)._tc is t.cell(2, 3)._tc
    assert 'w:vMerge w:val="restart"' in t._tbl.xml
    received = next(row for row in t.rows if row.cells[0].text == fmt.APPLICATIONS_2021.row("received").label)
    assert [c.text for c in received.cells[3:]] == ["10", "2", "0", "0", "0", "0", "12"]
    # The head rows repeat on every page.
    assert all(t.rows[i]._tr.trPr.find(qn("w:tblHeader")) is not None for i in range(3))

    assert review.cell(0, 0).text == "行政复议" and review.cell(0, 0)._tc.grid_span == 5
    assert review.cell(0, 5).text == "行政诉讼" and review.cell(0, 5)._tc.grid_span == 10


def test_xlsx_has_a_sheet_per_table_in_the_official_layout_and_the_long_form(client, full_report):
    """Excel: one sheet per standard table with merged cells and real numbers, plus the long form."""
    _, body = download(client, full_report, "xlsx")
    wb = load_workbook(io.BytesIO(body))
    tables = fmt.tables_for(fmt.EDITION_2021)
    assert wb.sheetnames == [t.caption for t in tables.values()] + ["长表"]

    ws = wb[tables["applications"].caption]
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert {"A3:C5", "D3:J3", "E4:I4", "D4:D5", "J4:J5", "A8:A29"} <= merged
    assert ws["A8"].value == "三、本年度办理结果"
    assert ws["A6"].value == tables["applications"].row("received").label
    assert [ws.cell(6, c).value for c in range(4, 11)] == [10, 2, 0, 0, 0, 0, 12]
    assert isinstance(ws["J6"].value, int)

    ws = wb[tables["proactive"].caption]
    values = [c.value for row in ws.iter_rows() for c in row]
    assert 6858.05 in values and 64 in values

    long = [list(r) for r in wb["长表"].iter_rows(values_only=True)]
    assert tuple(long[0]) == LONG_HEADER
    by_code = {f"{r[3]}.{r[4]}.{r[5]}": r[6] for r in long[1:]}
    assert by_code["proactive.fees.amount"] == 6858.05
    assert by_code["applications.received.total"] == 12
    assert len(long) - 1 == len(fmt.all_codes(fmt.EDITION_2021))


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


def test_json_download_is_exactly_the_open_data_format(client, full_report):
    """The .json file is the FORMAT.md object: the API's JSON without its "downloads" links."""
    response, body = download(client, full_report, "json")
    data = json.loads(body)
    api = json.loads(client.get(f"/api/reports/{full_report.pk}/").content)
    assert api.pop("downloads")
    assert data == api
    assert data["tables"]["proactive"]["fees"] == {"amount": "6858.05"}
    assert data["tables"]["applications"]["received"]["total"] == 12
    assert "downloads" not in data


def test_unknown_formats_and_unpublished_reports_are_not_found(client, admin_client, make_report):
    """Only the five formats, only public reports; editors may download a draft to check it."""
    report = make_report()
    draft = make_report(status="draft", year=2022)
    assert client.get(f"/reports/{report.pk}/download.exe").status_code == 404
    assert client.get(f"/reports/{draft.pk}/download.csv").status_code == 404
    assert client.get(f"/reports/{draft.pk}/print/").status_code == 404
    assert admin_client.get(f"/reports/{draft.pk}/download.csv").status_code == 200


def test_old_format_report_without_tables_downloads_its_text(client, make_report):
    """A 2008-format report has no standard tables: Word holds its text, Excel an empty long form."""
    report = make_report(year=2013, sections=(("一", "概述", "2013年,我市认真贯彻落实《条例》。"),))
    _, body = download(client, report, "docx")
    doc = Document(io.BytesIO(body))
    assert not doc.tables and "2013年,我市认真贯彻落实《条例》。" in [p.text for p in doc.paragraphs]
    _, body = download(client, report, "xlsx")
    assert load_workbook(io.BytesIO(body)).sheetnames == ["长表"]
    _, body = download(client, report, "csv")
    assert csv_rows(body) == [list(LONG_HEADER)]


@pytest.mark.parametrize(
    ("publisher", "title", "expected"),
    [
        ("清镇市人民政府办公室", "清镇市人民政府办公室2023年政府信息公开工作年度报告", HUMAN_NAME + ".pdf"),
        (
            "威海市文登区人民政府",
            "2022年政府信息公开工作年度报告",
            "威海市文登区人民政府-2022年政府信息公开工作年度报告.pdf",
        ),
        ("某局", "某局关于A/B:“*”的报告", "某局-关于A_B_“_”的报告.pdf"),
    ],
)
def test_download_names_are_for_people(make_report, publisher, title, expected):
    """publisher-title, without the publisher repeated, without characters file systems refuse."""
    report = make_report(publisher=publisher, title=title)
    assert download_filename(report, "pdf") == expected


# --- The cache -------------------------------------------------------------------------------


@pytest.fixture
def count_renders(monkeypatch):
    """How often each format was rendered (a cache hit renders nothing)."""
    from reports.exporters import csv_long, docx

    calls = {"csv": 0, "docx": 0}
    for ext, module, name in (("csv", csv_long, "render_csv"), ("docx", docx, "render_docx")):
        original = getattr(module, name)

        def counted(data, _ext=ext, _original=original):
            calls[_ext] += 1
            return _original(data)

        monkeypatch.setattr(module, name, counted)
    return calls


def test_a_download_is_generated_once_and_then_served_from_the_store(client, full_report, count_renders):
    """The second request reads the stored file; a conditional request gets 304."""
    first, body1 = download(client, full_report, "docx")
    second, body2 = download(client, full_report, "docx")
    assert count_renders["docx"] == 1 and body1 == body2
    _, files = default_storage.listdir(f"downloads/{full_report.pk}")
    assert files == [first["ETag"].strip('"').rsplit("-", 1)[0] + ".docx"]
    response = client.get(f"/reports/{full_report.pk}/download.docx", HTTP_IF_NONE_MATCH=first["ETag"])
    assert response.status_code == 304
    assert count_renders["docx"] == 1


def test_editing_cells_gives_a_new_download_although_updated_at_is_unchanged(client, full_report, count_renders):
    """report_set_values rewrites cells with bulk writes (updated_at stays): the content hash still sees it."""
    _, before = download(client, full_report, "csv")
    stamp = Report.objects.get(pk=full_report.pk).updated_at
    values = balanced_values()
    values[("proactive", "fees", "amount")] = Decimal("7000.50")
    report_set_values(report=full_report, values=values)
    assert Report.objects.get(pk=full_report.pk).updated_at == stamp
    _, after = download(client, full_report, "csv")
    assert count_renders["csv"] == 2 and before != after
    assert long_values(csv_rows(after))["proactive.fees.amount"] == "7000.50"
    _, files = default_storage.listdir(f"downloads/{full_report.pk}")
    assert len([f for f in files if f.endswith(".csv")]) == 1, "the stale file is removed"


def test_editing_a_section_gives_a_new_pdf(client, make_report):
    """After report_set_sections the next PDF has the new text, not the cached old one."""
    from reports.importers import ParsedSection

    report = make_report(sections=(("一", "总体情况", "旧的正文。"),))
    _, before = download(client, report, "pdf")
    assert "旧的正文" in pdf_text(before)
    report_set_sections(report=report, sections=[ParsedSection("一", "总体情况", "新的正文。")])
    _, after = download(client, report, "pdf")
    text = pdf_text(after)
    assert "新的正文" in text and "旧的正文" not in text


# --- Bulk open data --------------------------------------------------------------------------


@pytest.fixture
def three_reports(make_report):
    values = balanced_values()
    return [
        make_report(values=values),  # 清镇市 520181, 2023
        make_report(region="520100", publisher="贵阳市人民政府", year=2023, values=values),
        make_report(region="440800", publisher="湛江市人民政府", year=2023, values=values),
        make_report(region="520100", publisher="贵阳市人民政府", year=2022, values=values),
        make_report(region="520100", publisher="贵阳市人民政府办公厅", year=2023, status="draft", values=values),
    ]


def test_bulk_csv_has_every_matching_published_report_and_no_others(
    client, three_reports, django_assert_max_num_queries
):
    """/reports/export.csv?region=520000&year=2023: the list's filters, streamed, a few queries in all."""
    qingzhen, guiyang = three_reports[0], three_reports[1]
    with django_assert_max_num_queries(4):
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


def test_export_command_writes_the_same_data(three_reports, tmp_path):
    """manage.py export_reports: CSV and JSON Lines to stdout or a file, XLSX to a file."""
    out = io.StringIO()
    call_command("export_reports", "--format", "csv", "--region", "520000", "--year", "2023", stdout=out)
    rows = csv_rows(out.getvalue().encode())
    assert len({r[0] for r in rows[1:]}) == 2

    target = tmp_path / "all.jsonl"
    call_command("export_reports", "--format", "json", "--output", str(target))
    assert len(target.read_text(encoding="utf-8").splitlines()) == 4

    target = tmp_path / "guangdong.xlsx"
    call_command("export_reports", "--format", "xlsx", "--region", "440000", "--output", str(target))
    wb = load_workbook(target)
    assert [r[2] for r in wb["报告"].iter_rows(min_row=2, values_only=True)] == ["湛江市人民政府"]

    with pytest.raises(CommandError, match="--year"):
        call_command("export_reports", "--year", "abc", stdout=io.StringIO())


# --- A real published report ---------------------------------------------------------------


@pytest.mark.skipif(
    not (Path(__file__).resolve().parents[1] / "importers" / "text.py").exists(), reason="no text importer"
)
def test_downloads_of_an_imported_seed_report_carry_its_published_numbers(client):
    """清镇市 2023 (seed 004): 收费 6858.05 万元, 本年新收申请 290 件 in CSV, Excel and JSON."""
    call_command("import_reports", str(seed("004")), "--publish", stdout=io.StringIO())
    report = Report.objects.get(publisher__name="清镇市人民政府办公室", year=2023)
    _, body = download(client, report, "csv")
    by_code = long_values(csv_rows(body))
    assert by_code["proactive.fees.amount"] == "6858.05"
    assert by_code["applications.received.total"] == "290"
    assert by_code["applications.received.natural_person"] == "286"
    _, body = download(client, report, "xlsx")
    ws = load_workbook(io.BytesIO(body))[fmt.APPLICATIONS_2021.caption]
    assert [ws.cell(6, c).value for c in (4, 5, 10)] == [286, 4, 290]
    _, body = download(client, report, "json")
    assert json.loads(body)["tables"]["proactive"]["fees"]["amount"] == "6858.05"
