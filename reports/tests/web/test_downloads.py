"""The download URLs: formats, drafts, old-format reports, imported seeds (reports/web/downloads.py)."""

import io
import json

import pytest
from django.core.management import call_command
from docx import Document
from openpyxl import load_workbook

from reports import format as fmt
from reports.exporters.common import LONG_HEADER
from reports.models import Report
from reports.tests.conftest import csv_rows, download, long_values, seed

pytestmark = pytest.mark.django_db


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


def test_files_name_the_site_from_settings_not_the_requests_host(client, make_report, settings):
    """A download is made once and served to everyone: its links use GOVOPEN_SITE_URL, whatever Host
    the request that made it named."""
    settings.GOVOPEN_SITE_URL = "https://www.example.gov.cn"
    settings.ALLOWED_HOSTS = ["*"]
    report = make_report()
    body = client.get(f"/api/reports/{report.pk}/", HTTP_HOST="evil.example").json()
    assert body["url"] == f"https://www.example.gov.cn/reports/{report.pk}/"
    assert "evil.example" not in json.dumps(body)


def test_originals_are_served_only_for_reports_the_reader_may_see(client, make_report, admin_client):
    from django.core.files.base import ContentFile

    published = make_report()
    draft = make_report(status="draft", year=2022)
    for report, name in ((published, "pub.pdf"), (draft, "draft.pdf")):
        report.original_file.save(name, ContentFile(b"%PDF-1.4 original"), save=True)
    assert client.get(published.original_file.url).status_code == 200
    assert client.get(draft.original_file.url).status_code == 404
    assert admin_client.get(draft.original_file.url).status_code == 200
    assert client.get("/media/originals/../../settings.py").status_code == 404


def test_deleting_a_report_removes_its_original(make_report, django_capture_on_commit_callbacks):
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from reports.services.reports import reports_delete

    report = make_report(status="draft")
    report.original_file.save("gone.pdf", ContentFile(b"%PDF"), save=True)
    name = report.original_file.name
    with django_capture_on_commit_callbacks(execute=True):
        reports_delete(reports=[report])
    assert not default_storage.exists(name)


def test_the_print_page_allows_its_own_style_by_hash(client, full_report):
    """The print page keeps its style inline (WeasyPrint fetches nothing) and its policy allows that one
    <style> by its hash, the same on every request (no nonce: the page is cached and revalidated)."""
    import base64
    import hashlib
    import re

    response = client.get(f"/reports/{full_report.pk}/print/")
    html = response.content.decode()
    style = re.search(r"<style>(.*?)</style>", html, re.S).group(1)
    digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
    header = response["Content-Security-Policy"]
    policy = dict(part.strip().split(" ", 1) for part in header.split(";") if " " in part.strip())
    assert policy["style-src"] == f"'self' 'sha256-{digest}'" and "unsafe-inline" not in header
    assert policy["script-src"] == "'self'" and policy["frame-ancestors"] == "'none'"  # otherwise the site's
    assert html.count("<style") == 1 and "style=" not in html
    assert "#table-applications > colgroup > col:nth-child(1) { width:" in style
    assert client.get(f"/reports/{full_report.pk}/print/")["Content-Security-Policy"] == header
