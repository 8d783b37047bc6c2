"""PDFs with a text layer: tables from ruling lines, paragraphs from positions (reports/importers/pdf.py)."""

import functools
import io
import json
from decimal import Decimal

import pytest
from PIL import Image
from pypdf import PdfWriter

from reports import format as fmt
from reports.exporters.pdf import render_pdf
from reports.importers.dispatch import parse_document
from reports.importers.parsed import UnreadableDocument
from reports.importers.pdf import MAX_PAGES
from reports.importers.text import PUBLISHED_ON_UNKNOWN
from reports.selectors.reports import report_page
from reports.tests.conftest import FIXTURES, PARTS

REAL = FIXTURES / "real"
MAX = 20 * 1024 * 1024


def _read(name: str, data: bytes):
    return parse_document(name, data, max_bytes=MAX)


@functools.lru_cache(maxsize=1)
def huaian():
    return _read("huaian-2024.pdf", (REAL / "huaian-2024.pdf").read_bytes())


def expected_cells(name: str) -> dict:
    tables = json.loads((REAL / name).read_text(encoding="utf-8"))["tables"]
    return {
        (t, r, c): Decimal(str(v)) for t, rows in tables.items() for r, cols in rows.items() for c, v in cols.items()
    }


def test_real_city_report_reads_every_cell_exactly():
    """淮安市 2024 (a WPS PDF): region, year and format from the text, all 200 numbers exact, none invented."""
    report = huaian()
    assert (report.region_code, report.year, report.edition, report.kind) == ("320800", 2024, "2021", "annual_report")
    assert report.title == "淮安市人民政府2024年政府信息公开工作年度报告"
    assert report.publisher == "淮安市人民政府"
    want = expected_cells("huaian-2024.json")
    assert len(want) == 200
    assert {code: report.values.get(code) for code in want} == want
    assert {code for code, v in report.values.items() if v is not None} == set(want)
    assert report.source_format == "pdf" and report.warnings == [PUBLISHED_ON_UNKNOWN]


def test_real_report_text_is_paragraphs_without_page_furniture():
    """Wrapped lines are joined (also across a page break); page numbers and spacing artefacts are gone."""
    report = huaian()
    assert [s.number for s in report.sections] == ["", "一", "二", "三", "四", "五", "六"]
    text = "\n".join(s.body for s in report.sections)
    assert "- 1 -" not in text and "- 5 -" not in text
    assert "还有一些需要加强和改进的地方。" in report.sections[5].body  # the page breaks after 改进的
    assert "全市共受理政府信息公开申请3119件" in text
    assert report.written_on is None and report.published_on is None  # the PDF states neither: none invented


def distinct_values(edition: str) -> dict:
    """A different number in every cell (counts 1, 2, 3 …; amounts with decimals), so a shift shows."""
    values = {}
    for i, code in enumerate(fmt.all_codes(edition), start=1):
        values[code] = Decimal(f"{i * 7}.25") if fmt.code_kind(code) == fmt.AMOUNT else Decimal(i * 3)
    return values


@pytest.mark.parametrize(("year", "edition"), [(2023, fmt.EDITION_2021), (2020, fmt.EDITION_2019)])
def test_a_pdf_made_by_this_site_reads_back_exactly(make_report, year, edition):
    """Our own PDF download (ruled tables, merged cells, table 四 side by side) imports cell for cell."""
    values = distinct_values(edition)
    report = make_report(year=year, values=values, sections=PARTS)
    data = render_pdf(report_page(pk=report.pk))
    parsed = _read("download.pdf", data)
    assert (parsed.region_code, parsed.year, parsed.edition) == ("520181", year, edition)
    assert parsed.values == values
    assert [s.heading for s in parsed.sections if s.number] == [p.heading for p in fmt.PARTS]


def _encrypted() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.encrypt("secret")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _scan() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (595, 842), "white").save(out, "PDF")
    return out.getvalue()


def _pages(n: int) -> bytes:
    writer = PdfWriter()
    for _ in range(n):
        writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _unmapped_glyphs() -> bytes:
    """A PDF whose font (a CID font, Identity-H) has no ToUnicode map: pdfminer reads (cid:257)…,
    as it does from PDFs some office suites write with subset Chinese fonts."""
    content = b"BT /F1 12 Tf 50 800 Td " + b" ".join(b"<01010202030304040505> Tj 0 -14 Td" for _ in range(40)) + b" ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >>"
        b" /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type0 /BaseFont /Song /Encoding /Identity-H /DescendantFonts [<< /Type /Font"
        b" /Subtype /CIDFontType2 /BaseFont /Song /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity)"
        b" /Supplement 0 >> /FontDescriptor << /Type /FontDescriptor /FontName /Song /Flags 4"
        b" /FontBBox [0 0 1000 1000] /ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 700 /StemV 80 >> >>] >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    return out + b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (_unmapped_glyphs(), "字体缺少字符编码表"),
        (b"%PDF-1.4\n%garbage", "PDF 文件已损坏"),
        (b"%PDF-1.7\n" + b"\x00" * 5000, "PDF 文件已损坏"),
        (_encrypted(), "PDF 文件已加密"),
        (_scan(), "扫描件"),
        (_pages(MAX_PAGES + 1), f"超过 {MAX_PAGES} 页"),
    ],
)
def test_bad_pdfs_are_refused_with_the_cause(data, message):
    """Corrupt, encrypted, scanned and absurdly long PDFs each get a message a person understands."""
    with pytest.raises(UnreadableDocument) as exc:
        _read("bad.pdf", data)
    assert message in str(exc.value)


def test_a_pdf_named_otherwise_is_read_as_pdf_and_a_non_pdf_named_pdf_is_refused():
    """The bytes decide: a PDF saved as .txt is read; a text saved as .pdf is named as not a PDF."""
    assert _read("report.txt", (REAL / "huaian-2024.pdf").read_bytes()).region_code == "320800"
    with pytest.raises(UnreadableDocument, match="不是有效的 PDF 文件"):
        _read("report.pdf", "淮安市人民政府2024年政府信息公开工作年度报告".encode())


def test_a_pdf_table_without_ruling_lines_is_flagged_for_checking():
    """Without ruling lines a number may land in a neighbour's cell: the table is named for the editor."""
    from weasyprint import HTML

    from reports.tests.layouts import document, sample_values

    page = document(fmt.EDITION_2021, sample_values(fmt.EDITION_2021), "html", year=2022).decode()
    page = page.replace("border='1'", "").replace("<head>", "<head><style>td{border:none}</style>")
    report = _read("borderless.pdf", HTML(string=page).write_pdf())
    assert report.region_code == "512022"
    assert any("在 PDF 中没有表格线" in w for w in report.warnings)


def _grid(*rows, start=0):
    """Rows of texts as a slot grid, each cell its own origin."""
    return [[(text, (r, c)) for c, text in enumerate(row)] for r, row in enumerate(rows, start)]


@pytest.mark.parametrize(
    ("last", "first", "joined"),
    [
        (["1.属", "44", "45"], ["于国家秘密", "", ""], ["1.属于国家秘密", "44", "45"]),  # label cut by the page
        (["4.", "44", "45"], ["无正当理由大量反复申请", "8", "1"], ["4. 无正当理由大量反复申请", "448", "451"]),
        (["55", "60", "63"], ["9", "1", "4"], ["559", "601", "634"]),  # numbers wrapped in table 四
    ],
)
def test_a_row_cut_by_a_page_break_is_joined(last, first, joined):
    """The first row on the new page is the rest of the row the page break cut (PDF from an office program)."""
    from reports.importers.pdf import _continue_split_row

    previous = _grid(["表头", "甲", "乙"], last)
    rest = _continue_split_row(previous, _grid(first, ["3.补正后申请内容仍不明确", "1", "2"]))
    assert [text for text, _ in previous[-1]] == joined
    assert rest == _grid(["3.补正后申请内容仍不明确", "1", "2"])


@pytest.mark.parametrize(
    ("last", "first"),
    [
        (["规章", "4", "7"], ["行政规范性文件", "13", "16"]),  # two whole rows
        (["(四)无", "1.本机关不掌握相关政府信息", "746"], ["法提供", "2.没有现成信息需要另行制作", "11"]),
    ],
)
def test_whole_rows_on_both_sides_of_a_page_break_stay_apart(last, first):
    """A group label going on over the page ((四)无 / 法提供) does not join two whole rows."""
    from reports.importers.pdf import _continue_split_row

    previous = _grid(["表头", "甲", "乙"], last)
    assert _continue_split_row(previous, _grid(first)) == _grid(first)
    assert [text for text, _ in previous[-1]] == last


def test_a_one_row_box_between_paragraphs_is_text_not_a_table():
    """A framed note in the middle of a page (one row of cells) is read as text, not kept as a 附表."""
    from weasyprint import HTML

    page = (
        "<html><head><meta charset='utf-8'><style>td{border:1px solid #000}</style></head><body>"
        "<p>乐至县人民政府2022年政府信息公开工作年度报告</p><p>一、总体情况</p><p>2022年,我县认真落实《条例》。</p>"
        "<table><tr><td>注:本节数据截至12月31日</td><td>单位:件</td></tr></table>"
        "<p>二、主动公开政府信息情况</p><p>本年主动公开信息。</p></body></html>"
    )
    report = _read("boxed.pdf", HTML(string=page).write_pdf())
    assert report.free_tables == []
    body = "\n".join(s.body for s in report.sections)
    assert "本节数据截至12月31日" in body and "单位" in body
