import io
import zipfile
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from reports.models import Report
from reports.tests.conftest import FIXTURES, make_zip, seed, stored_values

pytestmark = pytest.mark.django_db

UPLOAD_URL = "/admin/reports/report/import-documents/"


@pytest.fixture
def waiting_uploads():
    """The files of uploaded batches waiting in the storage (each test's own, in memory)."""
    from reports.services.files import IMPORT_UPLOAD_DIR, storage_files

    return lambda: storage_files(IMPORT_UPLOAD_DIR)


def upload(client, *files):
    """Upload (name, bytes) pairs; returns the preview page's URL."""
    response = client.post(UPLOAD_URL, {"files": [SimpleUploadedFile(name, data) for name, data in files]})
    assert response.status_code == 302, response.content.decode()[:2000]
    return response["Location"]


def fixture(name):
    return name, (FIXTURES / name).read_bytes()


def form_data(response, changes=None):
    """The preview's correction forms as posted back: what was detected, with ``changes`` (doc index -> fields)."""
    data = {}
    for p in response.context["previews"]:
        if p.form is None:
            continue
        values = {k: p.form.initial.get(k) for k in ("region_code", "year", "kind", "publisher", "action")}
        values.update((changes or {}).get(p.index, {}))
        data.update({f"doc{p.index}-{k}": "" if v is None else v for k, v in values.items()})
    return data


def test_upload_preview_correct_confirm_makes_drafts(admin_client, waiting_uploads):
    """Upload a web page and a Word file; the preview shows what was read; a correction is applied; confirm makes drafts."""
    preview_url = upload(admin_client, fixture("seed004_portal.html"), fixture("seed003_appendix.docx"))
    assert Report.objects.count() == 0  # nothing is written before confirming
    response = admin_client.get(preview_url)
    html = response.content.decode()
    assert response.status_code == 200
    page, word = response.context["previews"]
    # The web page: detected metadata, its tables as the official grid, the rules' results.
    assert (page.kind, page.edition, page.year, page.publisher) == (
        "annual_report",
        "2021",
        2023,
        "清镇市人民政府办公室",
    )
    assert page.region.code == "520181" and page.parsed.source_format == "html"
    assert "清镇市人民政府办公室2023年政府信息公开工作年度报告" in html
    assert "11520181009488766K/2024-00012" in html
    assert 'data-code="proactive.licensing.decisions">39908</td>' in html
    assert 'data-code="applications.received.natural_person">286</td>' in html
    assert 'class="blank" data-code="applications.withheld_enforcement_files.total"></td>' in html
    assert "✓ 本年新收+上年结转 = 办理结果总计+结转下年度" in html
    assert '<table class="cell-grid" id="preview-0-applications">' in html
    # The Word file: an old-format report with its 附表 as a free table.
    assert (word.kind, word.edition, word.year, word.region.code) == ("annual_report", "2008", 2013, "445300")
    assert "附表:2013年云浮市政府信息公开情况统计表" in html
    assert "正文未写明发布机构,根据正文推断为“云浮市人民政府”,请核对" in html

    # Correct the Word file's region to a district and its publisher, and look again.
    changes = {1: {"region_code": "445302", "publisher": "云浮市云城区人民政府"}}
    response = admin_client.post(preview_url, {**form_data(response, changes), "_refresh": "1"})
    assert response.status_code == 302 and Report.objects.count() == 0
    response = admin_client.get(preview_url)
    word = response.context["previews"][1]
    assert (word.region.code, word.publisher) == ("445302", "云浮市云城区人民政府")

    response = admin_client.post(preview_url, {**form_data(response), "_confirm": "1"})
    assert response.status_code == 302 and "status__exact=draft" in response["Location"]
    page_report = Report.objects.get(region_id="520181")
    word_report = Report.objects.get(region_id="445302")
    assert {page_report.status, word_report.status} == {"draft"}
    assert word_report.publisher.name == "云浮市云城区人民政府"
    assert page_report.index_no == "11520181009488766K/2024-00012"
    values = stored_values(page_report)
    assert values[("proactive", "licensing", "decisions")] == Decimal(39908)
    assert page_report.checks_failed == 0
    assert word_report.free_tables.get().caption == "附表:2013年云浮市政府信息公开情况统计表"
    assert waiting_uploads() == []  # the batch's files are gone
    assert admin_client.get(preview_url).status_code == 404


def test_a_document_already_present_must_be_replaced_or_skipped(admin_client, make_report):
    """A report of the same publisher, year and kind is shown; importing it again needs 替换 or 跳过."""
    existing = make_report(status="draft")
    preview_url = upload(admin_client, fixture("seed004.docx"))
    response = admin_client.get(preview_url)
    (p,) = response.context["previews"]
    assert p.existing == existing and "已存在" in response.content.decode()
    assert p.form.initial["action"] == "skip"

    response = admin_client.post(preview_url, {**form_data(response, {0: {"action": "import"}}), "_confirm": "1"})
    assert response.status_code == 200
    assert "请选择替换或跳过" in response.content.decode()
    assert Report.objects.count() == 1 and len(stored_values(existing)) == 0

    response = admin_client.post(preview_url, {**form_data(response, {0: {"action": "skip"}}), "_confirm": "1"})
    assert response.status_code == 302
    assert list(Report.objects.all()) == [existing]

    preview_url = upload(admin_client, fixture("seed004.docx"))
    response = admin_client.get(preview_url)
    admin_client.post(preview_url, {**form_data(response, {0: {"action": "replace"}}), "_confirm": "1"})
    (report,) = Report.objects.all()
    assert report.pk != existing.pk and len(stored_values(report)) == 186 and report.status == "draft"


def test_a_zip_batch_goes_on_past_a_bad_file(admin_client):
    """A zip with a good document, an empty one and a PDF: the bad ones are named, the good one imports."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("报告/004.txt", seed("004").read_bytes())
        z.writestr("报告/empty.txt", b"")
        z.writestr("报告/scan.pdf", b"%PDF-1.4")
    preview_url = upload(admin_client, ("batch.zip", buffer.getvalue()))
    response = admin_client.get(preview_url)
    good, empty, pdf = response.context["previews"]
    assert good.name == "batch.zip/报告/004.txt" and good.error == ""
    assert "文件为空" in empty.error and "PDF 文件已损坏" in pdf.error
    html = response.content.decode()
    assert "batch.zip/报告/empty.txt" in html and "文件为空" in html
    admin_client.post(preview_url, {**form_data(response), "_confirm": "1"})
    (report,) = Report.objects.all()
    assert report.original_file.name.endswith(".txt") and len(stored_values(report)) == 200


def test_an_ambiguous_region_is_asked_for_not_guessed(admin_client):
    """新华区 without a city: the preview asks for the region and lists the candidates; confirm waits for it."""
    text = "新华区人民政府2023年政府信息公开工作年度报告\n一、总体情况\n2023年,新华区人民政府认真落实《条例》。\n"
    preview_url = upload(admin_client, ("xinhua.txt", text.encode()))
    response = admin_client.get(preview_url)
    (p,) = response.context["previews"]
    assert p.region is None and "130105" in dict(p.candidates)
    response = admin_client.post(preview_url, {**form_data(response), "_confirm": "1"})
    assert response.status_code == 200 and Report.objects.count() == 0
    assert "未能确定所属地区" in response.content.decode()
    response = admin_client.post(preview_url, {**form_data(response, {0: {"region_code": "130105"}}), "_confirm": "1"})
    assert response.status_code == 302
    assert Report.objects.get().region_id == "130105"


def test_abandon_writes_nothing_and_removes_the_upload(admin_client, waiting_uploads):
    preview_url = upload(admin_client, fixture("report2019.html"))
    assert waiting_uploads()  # the document and its manifest wait in the storage
    response = admin_client.post(preview_url, {"_abandon": "1"})
    assert response.status_code == 302
    assert Report.objects.count() == 0 and waiting_uploads() == []


def test_another_editor_cannot_open_a_batch(admin_client, client, django_user_model):
    """The batch token belongs to the uploading session."""
    preview_url = upload(admin_client, fixture("report2019.html"))
    other = django_user_model.objects.create_superuser("other", "o@example.com", "pw")
    client.force_login(other)
    assert client.get(preview_url).status_code == 404


def test_upload_page_and_list_button(admin_client):
    """The report list has 导入报告; the upload page takes several files."""
    html = admin_client.get("/admin/reports/report/").content.decode()
    assert f'href="{UPLOAD_URL}"' in html and "导入报告" in html
    html = admin_client.get(UPLOAD_URL).content.decode()
    assert 'type="file"' in html and "multiple" in html


def test_page_markup_and_scripts_never_reach_the_public_page(admin_client, client):
    """A page with <script> and onclick imports as plain text; the published report page has none of it."""
    preview_url = upload(admin_client, fixture("script_injection.html"))
    response = admin_client.get(preview_url)
    admin_client.post(preview_url, {**form_data(response), "_confirm": "1"})
    report = Report.objects.get()
    body = "\n".join(s.body for s in report.sections.all())
    assert "alert(1)" not in body and "onclick" not in body and "alert(5)" not in body
    assert "<script>alert(3)</script>" in body  # text the page showed, kept as text
    report.status = "published"
    report.save()
    html = client.get(report.get_absolute_url()).content.decode()
    assert "&lt;script&gt;alert(3)&lt;/script&gt;" in html
    assert "<script>alert" not in html and "onclick" not in html and "onerror" not in html


def test_a_pdf_is_previewed_and_imported_like_any_document(admin_client):
    """The real 淮安市 PDF through the admin: preview names the format, region and year; confirm stores 200 numbers."""
    data = (FIXTURES / "real" / "huaian-2024.pdf").read_bytes()
    preview_url = upload(admin_client, ("huaian-2024.pdf", data))
    response = admin_client.get(preview_url)
    (p,) = response.context["previews"]
    assert p.error == "" and p.source_label == "PDF" and p.region.code == "320800" and p.year == 2024
    admin_client.post(preview_url, {**form_data(response), "_confirm": "1"})
    report = Report.objects.get()
    assert report.original_file.name.endswith(".pdf") and len(stored_values(report)) == 200


def test_the_preview_names_breaks_with_last_years_report(admin_client, make_report):
    """Importing 2023 when 2022 is published: 上年结转 is compared with last year's 结转下年度."""
    from decimal import Decimal

    make_report(
        region="520181",
        publisher="清镇市人民政府办公室",
        year=2022,
        values={("applications", "carried_forward", "natural_person"): Decimal(999)},
    )
    preview_url = upload(admin_client, ("004.txt", seed("004").read_bytes()))
    html = admin_client.get(preview_url).content.decode()
    assert "上年结转与上一年度的结转下年度不符" in html and "上年 999" in html


def test_a_scan_is_imported_with_its_cells_to_confirm_before_publishing(admin_client):
    """A scanned PDF: the preview says it was read by OCR; the draft cannot be published until the
    editor confirms the recognised cells; a cell the editor corrects counts as checked."""
    from reports.services.reports import report_publish
    from reports.tests.admin.test_reports import change_form_data
    from reports.tests.importers.test_ocr import huaian_scan

    preview_url = upload(admin_client, ("scan.pdf", huaian_scan()))
    response = admin_client.get(preview_url)
    (p,) = response.context["previews"]
    assert p.error == "" and p.source_label.startswith("扫描件 PDF") and p.region.code == "320800"
    assert 'class=" unconfirmed"' in response.content.decode() or "unconfirmed" in response.content.decode()
    admin_client.post(preview_url, {**form_data(response), "_confirm": "1"})
    report = Report.objects.get()
    assert len(report.unconfirmed_cells) >= 200
    with pytest.raises(ValidationError, match="未经核对"):
        report_publish(report=report)

    url = f"/admin/reports/report/{report.pk}/change/"
    html = admin_client.get(url).content.decode()
    assert 'id="ocr-confirm"' in html and "unconfirmed" in html
    cells = stored_values(report)
    corrected = ("applications", "received", "natural_person")
    data = change_form_data(report, {**cells, corrected: Decimal(5)})
    admin_client.post(url, data)
    report.refresh_from_db()
    assert list(corrected) not in report.unconfirmed_cells and len(report.unconfirmed_cells) >= 199

    admin_client.post(url, {**data, "confirm_recognised": "on"})
    report.refresh_from_db()
    assert report.unconfirmed_cells == []
    assert 'id="ocr-confirm"' not in admin_client.get(url).content.decode()
    report_publish(report=report)


NUMERALS = "零一二三四五六七八九"


def small_report(n: int) -> bytes:
    """A short annual report of its own publisher (清镇市第零零七工作局 …): detected whole, no tables."""
    name = "清镇市第" + "".join(NUMERALS[int(d)] for d in f"{n:03d}") + "工作局"
    return f"{name}2023年政府信息公开工作年度报告\n一、总体情况\n2023年,{name}认真落实《条例》。\n".encode()


def test_a_batch_of_a_thousand_documents_is_previewed_by_page_and_imported_in_steps(admin_client, waiting_uploads):
    """1,000 documents in one zip: each preview page shows 50 (its form stays far below Django's 1,000
    fields), corrections made on a page are kept, and confirming imports them in steps; the one
    document without a region waits for the editor, then imports too."""
    files = {f"批量/{n:03d}.txt": small_report(n) for n in range(999)}
    files["批量/xinhua.txt"] = (
        "新华区人民政府2023年政府信息公开工作年度报告\n一、总体情况\n新华区认真落实《条例》。\n".encode()
    )
    preview_url = upload(admin_client, ("batch.zip", make_zip(files)))

    response = admin_client.get(preview_url)
    html = response.content.decode()
    assert [p.index for p in response.context["previews"]] == list(range(50))
    assert len(response.context["pages"]) == 20 and "共 1000 个文件" in html
    assert html.count('name="') < 400  # 50 documents × 5 corrections, the token and the buttons

    # A correction on page 3, then to page 4 by its button: the correction is kept in the batch.
    response = admin_client.get(f"{preview_url}?page=3")
    assert response.context["previews"][0].index == 100
    data = {**form_data(response, {100: {"year": "2022"}}), "page": "3", "_page": "4"}
    response = admin_client.post(preview_url, data)
    assert response.status_code == 302 and response["Location"].endswith("?page=4")
    assert admin_client.get(f"{preview_url}?page=3").context["previews"][0].form.initial["year"] == 2022

    # Confirm from page 20: every step imports up to 100 documents and asks for the next.
    response = admin_client.get(f"{preview_url}?page=20")
    response = admin_client.post(preview_url, {**form_data(response), "page": "20", "_confirm": "1"})
    steps = 1
    while "import-continue-form" in response.content.decode():
        response = admin_client.post(preview_url, {"_continue": "1"})
        steps += 1
    assert steps == 10 and response.status_code == 200
    assert Report.objects.count() == 999
    assert Report.objects.get(publisher__name="清镇市第一零零工作局").year == 2022
    (waiting,) = response.context["previews"]
    assert waiting.name == "batch.zip/批量/xinhua.txt"
    assert "未能确定所属地区" in response.content.decode() and "还有 1 个文件需要补充信息" in response.content.decode()

    data = form_data(response, {waiting.index: {"region_code": "130105"}})
    response = admin_client.post(preview_url, {**data, "page": "1", "_confirm": "1"})
    assert response.status_code == 302 and "status__exact=draft" in response["Location"]
    assert Report.objects.count() == 1000 and Report.objects.filter(region_id="130105").exists()
    assert waiting_uploads() == []


def test_a_second_click_does_not_import_a_document_twice(admin_client):
    """While a step holds the batch, another request for it imports nothing and shows the progress."""
    from reports.admin.import_batch import Batch

    preview_url = upload(admin_client, ("a.txt", small_report(1)))
    token = preview_url.rstrip("/").rsplit("/", 1)[-1]
    response = admin_client.get(preview_url)
    batch = Batch.load(response.wsgi_request, token)
    with batch.lock() as held:
        assert held
        response = admin_client.post(preview_url, {**form_data(response), "_confirm": "1"})
        assert "import-continue-form" in response.content.decode() and Report.objects.count() == 0
    response = admin_client.post(preview_url, {"_continue": "1"})
    assert response.status_code == 302 and Report.objects.count() == 1


def test_a_manifest_cut_short_gives_way_to_the_one_before(admin_client, waiting_uploads):
    """The batch lives in the storage every server shares: each manifest is a file of its own, and a
    newer one that did not finish writing (its request died) leaves the last whole one in force."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from reports.admin.import_batch import Batch

    preview_url = upload(admin_client, ("a.txt", small_report(1)))
    token = preview_url.rstrip("/").rsplit("/", 1)[-1]
    manifests = [name for name in waiting_uploads() if "/manifest/" in name]
    assert len(manifests) == 1 and all(name.startswith(f"imports/{token}/") for name in waiting_uploads())
    default_storage.save(f"imports/{token}/manifest/{'9' * 20}.json", ContentFile(b'{"documents": [{"na'))
    response = admin_client.get(preview_url)
    assert response.status_code == 200
    batch = Batch.load(response.wsgi_request, token)
    assert [d["name"] for d in batch.documents] == ["a.txt"]
