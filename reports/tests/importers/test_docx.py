import functools
import io
import zipfile
from decimal import Decimal

import pytest
from docx import Document

from reports import format as fmt
from reports.importers.dispatch import parse_document
from reports.importers.docx import parse_docx
from reports.importers.parsed import UnreadableDocument
from reports.importers.text import PUBLISHED_ON_UNKNOWN
from reports.tests.conftest import FIXTURES
from reports.tests.importers.test_html import PORTAL_REVIEW
from reports.tests.importers.test_text import SEED_004_NUMBERS
from reports.tests.importers.test_text import parsed as parsed_seed

MAX = 20 * 1024 * 1024


def read(name, **options):
    return parse_document(name, (FIXTURES / name).read_bytes(), max_bytes=MAX, **options)


@functools.cache
def seed004():
    return read("seed004.docx")


@functools.cache
def seed003():
    return read("seed003_appendix.docx")


def test_seed004_docx_metadata_and_sections():
    """Title paragraph, headings and the signature of seed 004 as a Word document."""
    report = seed004()
    assert report.source_format == "docx"
    assert report.title == "清镇市人民政府办公室2023年政府信息公开工作年度报告"
    assert (report.kind, report.edition, report.year, report.region_code) == ("annual_report", "2021", 2023, "520181")
    assert report.written_on == parsed_seed("004").written_on
    assert [(s.number, s.heading, s.body) for s in report.sections] == [
        (s.number, s.heading, s.body) for s in parsed_seed("004").sections
    ]
    assert report.warnings == [PUBLISHED_ON_UNKNOWN]


@pytest.mark.parametrize(("code", "expected"), SEED_004_NUMBERS.items(), ids=[".".join(c) for c in SEED_004_NUMBERS])
def test_seed004_docx_tables_with_merged_cells(code, expected):
    """Word tables with gridSpan and vMerge are read into the table codes."""
    assert seed004().values[code] == Decimal(expected)


def test_seed004_docx_every_cell_and_cut_off_review_headers():
    """Table 四's cut-off headers (结果 / 其他 / 尚未) fall back to the official order; blank rows stay blank."""
    values = seed004().values
    assert set(values) == set(fmt.all_codes("2021"))
    for row, numbers in PORTAL_REVIEW.items():
        assert [values[("review_litigation", row, c)] for c in fmt.REVIEW_OUTCOMES + ("total",)] == numbers
    assert values[("applications", "withheld_enforcement_files", "total")] is None
    assert values[("applications", "withheld_process_information", "natural_person")] is None
    assert all(result.ok for result in fmt.check("2021", values))


def test_seed003_old_format_keeps_its_appendix_as_a_free_table():
    """Seed 003 (2008 format) with a 附表: no table codes, a free table with caption, header and merged rows."""
    report = seed003()
    assert (report.kind, report.edition, report.year, report.region_code) == ("annual_report", "2008", 2013, "445300")
    assert report.values == {}
    assert [(s.number, s.heading) for s in report.sections] == [
        (s.number, s.heading) for s in parsed_seed("003").sections
    ]
    (table,) = report.free_tables
    assert table.caption == "附表:2013年云浮市政府信息公开情况统计表"
    assert table.header_rows == 1
    assert table.rows[0] == ["统计指标", "单位", "统计数"]
    assert table.rows[1] == ["一、主动公开情况", "", ""]
    assert table.rows[2] == ["(一)主动公开政府信息数", "条", "16109"]
    assert table.rows[-1] == ["三、行政复议数量", "件", "0"]
    assert len(table.rows) == 10
    assert "附表" not in report.sections[-1].body  # the caption line left the text


def docx_bytes(build) -> bytes:
    document = Document()
    build(document)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_label_and_numbers_on_one_line_in_a_paragraph():
    """A Word file whose table was pasted as text, one row per line with spaces between cells."""

    def build(d):
        for line in [
            "清镇市人民政府办公室2023年政府信息公开工作年度报告",
            "一、总体情况",
            "2023年,我市依法公开政府信息。",
            "二、主动公开政府信息情况",
            "行政许可\t39,908",
            "行政规范性文件 6 4 64",
            "三、收到和处理政府信息公开申请情况",
            "一、本年新收政府信息公开申请数量 286 4 0 0 0 0 290",
            "四、政府信息公开行政复议、行政诉讼情况",
            "行政复议 1 0 0 0 1",
            "未经复议直接起诉 0 0 0 2 2",
            "复议后起诉 0 1 0 0 1",
        ]:
            d.add_paragraph(line)

    report = parse_docx(docx_bytes(build), max_inflated=MAX)
    assert report.values[("proactive", "licensing", "decisions")] == 39908
    assert [report.values[("proactive", "normative_documents", c)] for c in ("issued", "repealed", "in_force")] == [
        6,
        4,
        64,
    ]
    assert report.values[("applications", "received", "natural_person")] == 286
    assert report.values[("applications", "received", "total")] == 290
    assert [s.body for s in report.sections[1:]] == ["", "", ""]
    for row, numbers in PORTAL_REVIEW.items():
        assert [report.values[("review_litigation", row, c)] for c in fmt.REVIEW_OUTCOMES + ("total",)] == numbers


def test_an_old_word_binary_named_docx_goes_to_libreoffice():
    """The bytes decide: an Office binary called .docx is converted (and a broken one named as such)."""
    with pytest.raises(UnreadableDocument, match="LibreOffice 无法打开"):
        parse_document("report.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, max_bytes=MAX)


def test_broken_docx_is_refused():
    with pytest.raises(UnreadableDocument, match="Word 文档"):
        parse_document("report.docx", b"PK\x03\x04 not really a zip", max_bytes=MAX)


def test_docx_that_inflates_past_the_limit_is_refused_before_reading():
    """A .docx is a zip: a member that inflates a thousandfold is refused before python-docx opens it."""
    data = (FIXTURES / "seed004.docx").read_bytes()
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
        for item in src.infolist():
            out.writestr(item, src.read(item))
        out.writestr("word/media/bomb.bin", b"\0" * (30 * 1024 * 1024))
    with pytest.raises(UnreadableDocument, match="压缩炸弹|超过上限"):
        parse_document("bomb.docx", buffer.getvalue(), max_bytes=MAX)
    with pytest.raises(UnreadableDocument, match="超过上限"):
        parse_document("bomb.docx", buffer.getvalue(), max_bytes=1024 * 1024)


def test_absurd_spans_are_refused_before_anything_is_allocated():
    """gridBefore=1000000 in a Word table: refused by name, not 1.4 GB of padding."""
    source = (FIXTURES / "seed004.docx").read_bytes()
    with zipfile.ZipFile(io.BytesIO(source)) as z:
        parts = {name: z.read(name) for name in z.namelist()}
    xml = parts["word/document.xml"].decode()
    parts["word/document.xml"] = xml.replace(
        "<w:tr>", '<w:tr><w:trPr><w:gridBefore w:val="1000000"/></w:trPr>', 1
    ).encode()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name, data in parts.items():
            z.writestr(name, data)
    with pytest.raises(UnreadableDocument, match="表格过大或合并单元格的跨度异常"):
        parse_document("huge.docx", out.getvalue(), max_bytes=20 << 20)
