"""PDF: the print HTML rendered by WeasyPrint (reports/exporters/pdf.py)."""

import io
from urllib.parse import quote

import pytest
from pypdf import PdfReader

from reports import format as fmt
from reports.exporters.common import title_lines
from reports.tests.conftest import HUMAN_NAME, PARTS, download, pdf_text

pytestmark = pytest.mark.django_db


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
