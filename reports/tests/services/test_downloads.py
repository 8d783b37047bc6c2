"""Generated files are made once per content and replaced when it changes (reports/services/downloads.py)."""

import time
from decimal import Decimal

import pytest
from django.core.files.storage import default_storage

from reports.models import Report
from reports.services import downloads
from reports.services.reports import report_set_sections, report_set_values
from reports.tests.conftest import balanced_values, csv_rows, download, long_values, pdf_text

pytestmark = pytest.mark.django_db


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


def test_one_render_of_a_file_at_a_time_others_wait_then_serve_it(make_report, monkeypatch):
    """While a request renders a file, another asking for it waits and serves the same file."""
    import threading

    from reports.selectors.reports import report_page
    from reports.services import downloads

    report = make_report(values=balanced_values())
    page = report_page(pk=report.pk)
    calls = []
    started = threading.Event()

    def slow(page_):
        calls.append(1)
        started.set()
        time.sleep(0.5)
        return b"rendered"

    monkeypatch.setattr(downloads, "_render", lambda ext: slow)
    results = []
    first = threading.Thread(target=lambda: results.append(downloads.report_download(page, "csv")))
    first.start()
    started.wait(5)
    second = downloads.report_download(page, "csv")
    first.join()
    assert len(calls) == 1 and second.generated is False and second.name == results[0].name


def test_a_request_that_cannot_wait_gets_503_with_retry_after(client, make_report, monkeypatch, settings):
    from reports.selectors.reports import report_page
    from reports.services import downloads

    settings.GOVOPEN_SITE_URL = "https://gk.example.gov.cn"
    report = make_report(values=balanced_values())
    monkeypatch.setattr(downloads, "RENDER_WAIT_SECONDS", 0.2)
    page = report_page(pk=report.pk, base_url=settings.GOVOPEN_SITE_URL)
    name = downloads.storage_name(report.pk, downloads.fingerprint(page), "csv")
    with downloads.render_lock(name) as held:
        assert held
        response = client.get(f"/reports/{report.pk}/download.csv")
    assert response.status_code == 503 and response["Retry-After"] == "10"
    assert client.get(f"/reports/{report.pk}/download.csv").status_code == 200


# --- Made in the background when a report is published ---

SITE = "https://www.example.gov.cn"


def test_publishing_makes_the_files_before_anyone_asks(
    client, make_report, settings, django_capture_on_commit_callbacks
):
    """Once publishing commits, the PDF, Word and Excel files are made; the first reader gets the stored file."""
    from reports.services.reports import report_publish

    settings.GOVOPEN_SITE_URL = SITE
    report = make_report(values=balanced_values(), status="draft")
    with django_capture_on_commit_callbacks(execute=True):
        report_publish(report=report)
    _, files = default_storage.listdir(f"downloads/{report.pk}")
    assert sorted(name.rsplit(".", 1)[1] for name in files) == ["docx", "pdf", "xlsx"]
    response, body = download(client, report, "pdf")
    assert response["ETag"].strip('"').rsplit("-", 1)[0] + ".pdf" in files
    assert "清镇市" in pdf_text(body)
    assert default_storage.listdir(f"downloads/{report.pk}")[1] == files  # served, not made again
    assert downloads.downloads_prerender(report_id=report.pk) == []  # nothing left to make


def test_a_failing_format_is_logged_and_the_others_are_still_made(make_report, settings, monkeypatch, caplog):
    settings.GOVOPEN_SITE_URL = SITE
    report = make_report(values=balanced_values())
    real = downloads._render

    def broken(ext):
        if ext == "pdf":
            raise RuntimeError("no fonts")
        return real(ext)

    monkeypatch.setattr(downloads, "_render", broken)
    assert downloads.downloads_prerender_task.enqueue(report.pk).return_value == ["docx", "xlsx"]
    assert "pre-rendering pdf of report" in caplog.text and "no fonts" in caplog.text


def test_nothing_is_made_for_drafts_or_without_the_site_address(make_report, settings):
    """A file made for another address than readers use would never be served (its fingerprint differs)."""
    report = make_report(values=balanced_values())
    assert downloads.downloads_prerender(report_id=report.pk) == []
    settings.GOVOPEN_SITE_URL = SITE
    draft = make_report(publisher="清镇市教育局", values=balanced_values(), status="draft")
    assert downloads.downloads_prerender(report_id=draft.pk) == []
    assert not default_storage.exists(f"downloads/{draft.pk}")
