"""Choose the importer for a file by its content and name; enforce the size limits.

The name says what an editor expects; the bytes decide: a ``.txt`` that is really a saved web
page is read as one, a ``.doc`` renamed ``.docx`` is refused with the right advice.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import PurePath

from reports.importers.archive import ZIP_MAGIC, Member, iter_zip
from reports.importers.office import OFFICE_SUFFIXES  # read through LibreOffice
from reports.importers.opendata import JSON_LINES_SUFFIXES, JSON_SUFFIXES, iter_json_lines  # the site's open data
from reports.importers.parsed import ParsedReport, UnreadableDocument

TEXT_SUFFIXES = {".txt", ".text", ""}
HTML_SUFFIXES = {".html", ".htm", ".shtml", ".xhtml"}
DOCX_SUFFIXES = {".docx"}
PDF_SUFFIXES = {".pdf"}
# OFD (GB/T 33190), the national fixed-layout format: named and refused (no reliable reader exists).
OFD_SUFFIXES = {".ofd"}
ARCHIVE_SUFFIXES = {".zip"}
# Documents, one report each.
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | DOCX_SUFFIXES | PDF_SUFFIXES | OFFICE_SUFFIXES | JSON_SUFFIXES
# What may be uploaded or named on the command line: documents, zips of documents, JSON Lines of reports.
UPLOAD_SUFFIXES = SUPPORTED_SUFFIXES | ARCHIVE_SUFFIXES | OFD_SUFFIXES | JSON_LINES_SUFFIXES
SHEET_WITHOUT_TEXT = (
    "这个表格文件里没有报告正文,无法作为一份报告导入:请上传报告全文(Word、PDF 或网页);"
    "只更新表格数字时,可在报告列表用“导入”的长表格式(CSV/XLSX)"
)
# An archive (or a .docx, itself a zip) may inflate to this many times the upload limit.
INFLATE_FACTOR = 10


def _mb(n: int) -> str:
    return f"{n / 1048576:.1f} MB"


def _shown_suffixes() -> str:
    return ", ".join(sorted(s for s in UPLOAD_SUFFIXES if s))


def sniff(filename: str, data: bytes) -> str:
    """What a file is: ``text``, ``html``, ``docx``, ``pdf``, ``office`` (for LibreOffice), ``json`` (the
    site's open data) or ``zip``; UnreadableDocument for what cannot be read."""
    from reports.importers.html import looks_like_html
    from reports.importers.office import is_office
    from reports.importers.pdf import PDF_MAGIC

    suffix = PurePath(filename).suffix.lower()
    if suffix in JSON_SUFFIXES:
        return "json"
    if is_office(data):  # before zips: an OpenDocument file is a zip too
        return "office"
    if suffix in OFD_SUFFIXES or (data.startswith(ZIP_MAGIC) and b"OFD.xml" in data[:4096]):
        raise UnreadableDocument("这是 OFD 版式文件,暂不能读取:请上传同一报告的 PDF、Word 或网页版本")
    if data.startswith(ZIP_MAGIC):
        if suffix in DOCX_SUFFIXES or b"word/document.xml" in data[:65536] or b"[Content_Types].xml" in data[:512]:
            return "docx" if suffix not in ARCHIVE_SUFFIXES else "zip"
        return "zip"
    if suffix in ARCHIVE_SUFFIXES:
        raise UnreadableDocument("不是有效的 zip 压缩包")
    if data.startswith(PDF_MAGIC):
        return "pdf"
    if suffix in PDF_SUFFIXES:
        raise UnreadableDocument("不是有效的 PDF 文件")
    if suffix in DOCX_SUFFIXES:
        raise UnreadableDocument("不是有效的 Word 文档(.docx)")
    if looks_like_html(data):
        return "html"
    return "text"


def parse_document(
    filename: str,
    data: bytes,
    *,
    max_bytes: int,
    year: int | None = None,
    kind: str | None = None,
    region_code: str | None = None,
    max_inflated: int | None = None,
) -> ParsedReport:
    """Read one document's bytes into a ParsedReport, or raise UnreadableDocument naming the problem."""
    suffix = PurePath(filename).suffix.lower()
    if len(data) > max_bytes:
        raise UnreadableDocument(f"文件过大:{_mb(len(data))},上限为 {max_bytes / 1048576:.0f} MB。")
    if suffix not in UPLOAD_SUFFIXES:
        raise UnreadableDocument(f"不支持的文件类型“{suffix}”:可导入 {_shown_suffixes()}。")
    if suffix in JSON_LINES_SUFFIXES:
        raise UnreadableDocument("这是 JSON Lines 文件(每行一份报告):请用批量导入")
    kind_of_file = sniff(filename, data) if data.strip() or suffix in JSON_SUFFIXES else "text"
    options = {"filename": filename, "year": year, "kind": kind, "region_code": region_code}
    if kind_of_file == "zip":
        raise UnreadableDocument("这是压缩包:请用批量导入(每个文件一份报告)")
    from reports.importers.text import flag_dates_out_of_order, note_missing_publication_date

    if kind_of_file == "office":
        from reports.importers.office import convert

        kind_of_file, data = convert(filename, data)
        converted_from = PurePath(filename).suffix.lower().lstrip(".") or "office"
    else:
        converted_from = ""
    if kind_of_file == "docx":
        from reports.importers.docx import parse_docx

        report = parse_docx(data, max_inflated=max_inflated or INFLATE_FACTOR * max_bytes, **options)
    elif kind_of_file == "json":
        from reports.importers.opendata import parse_open_data

        report = parse_open_data(data, **options)
    elif kind_of_file == "pdf":
        from reports.importers.pdf import parse_pdf

        report = parse_pdf(data, **options)
    elif kind_of_file == "html":
        from reports.importers.html import parse_html

        try:
            report = parse_html(data, **options)
        except UnreadableDocument:
            if converted_from:  # a spreadsheet turned into a page: tables and no text
                raise UnreadableDocument(SHEET_WITHOUT_TEXT) from None
            raise
    else:
        from reports.importers.text import parse_text

        report = parse_text(data, **options)
    if converted_from:
        report.source_format = converted_from
    note_missing_publication_date(report)
    flag_dates_out_of_order(report)
    return report


def iter_documents(filename: str, data: bytes, *, max_bytes: int, max_inflated: int | None = None) -> Iterator[Member]:
    """The documents of one upload: the file itself, each document inside a zip, or each report of a
    JSON Lines file (the bulk open-data export).

    A zip that cannot be opened, or that would inflate past the limit, raises UnreadableDocument; a
    member that cannot be read comes back with its error, and the others go on.
    """
    suffix = PurePath(filename).suffix.lower()
    if suffix in JSON_LINES_SUFFIXES:
        # Many reports in one file: bounded like the documents of a zip together, each line like one document.
        limit = max_inflated or INFLATE_FACTOR * max_bytes
        if len(data) > limit:
            raise UnreadableDocument(f"JSON Lines 文件过大:{_mb(len(data))},上限为 {_mb(limit)}。")
        yield from iter_json_lines(filename, data, max_bytes=max_bytes)
        return
    if data.startswith(ZIP_MAGIC) and (suffix in ARCHIVE_SUFFIXES or sniff(filename, data) == "zip"):
        if len(data) > max_bytes:
            raise UnreadableDocument(f"压缩包过大:{_mb(len(data))},上限为 {max_bytes / 1048576:.0f} MB。")
        yield from iter_zip(
            filename,
            data,
            max_bytes=max_bytes,
            max_inflated=max_inflated or INFLATE_FACTOR * max_bytes,
            suffixes=SUPPORTED_SUFFIXES,
        )
        return
    yield Member(filename, data)
