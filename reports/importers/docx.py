"""The Word importer (.docx): paragraphs into lines, Word tables (merged cells too) into grids.

A .docx is a zip: its directory and inflated size are checked (see archive.py) before its
main part is read, with python-docx's XML classes. Paragraphs become the text lines and tables become grids, in the order
they stand in the body, and :func:`reports.importers.text.parse_lines` does the rest, as for a
web page. Merged cells: ``w:gridSpan`` spreads a cell over several grid columns, ``w:vMerge``
continues the cell above (the first cell of the merge carries the text).
"""

from __future__ import annotations

from docx.oxml.ns import qn
from docx.oxml.parser import parse_xml
from lxml import etree

from reports.importers.archive import ZIP_MAGIC, open_checked, read_member
from reports.importers.grids import MAX_TABLE_COLUMNS, MAX_TABLE_ROWS, join_cell_parts, normalised_document, too_large
from reports.importers.parsed import ParsedReport, UnreadableDocument
from reports.importers.text import parse_lines

_P, _TBL, _TR, _TC, _SDT, _SDT_CONTENT = (qn(t) for t in ("w:p", "w:tbl", "w:tr", "w:tc", "w:sdt", "w:sdtContent"))
_T, _TAB, _BR, _CR = (qn(t) for t in ("w:t", "w:tab", "w:br", "w:cr"))
_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_DELETED = qn("w:del")


def _paragraph_text(p) -> str:
    """A paragraph's text: runs, hyperlinks and insertions; deletions and duplicate fallbacks left out."""
    out: list[str] = []

    def visit(el):
        for child in el:
            tag = child.tag
            if tag == _T:
                out.append(child.text or "")
            elif tag == _TAB:
                out.append(" ")
            elif tag in (_BR, _CR):
                out.append("\n")
            elif tag in (_FALLBACK, _DELETED) or not isinstance(tag, str):
                continue
            else:
                visit(child)

    visit(p)
    return "".join(out)


def _body_items(parent):
    """Paragraphs and tables of the body in order, looking inside content controls (w:sdt)."""
    for el in parent:
        if el.tag in (_P, _TBL):
            yield el
        elif el.tag == _SDT:
            content = el.find(_SDT_CONTENT)
            if content is not None:
                yield from _body_items(content)


def _cell_text(tc) -> str:
    parts = []
    for el in tc.iter(_P):
        parts.extend(_paragraph_text(el).split("\n"))
    return join_cell_parts(parts)


def _int_attr(el, path: str, default: int) -> int:
    found = el.find(path)
    if found is None:
        return default
    try:
        return int(found.get(qn("w:val")) or default)
    except ValueError:
        return default


def _table_grid(tbl) -> list[list[tuple[str, tuple[int, int] | None]]]:
    """The table as rows of (text, origin) per grid column, merges expanded."""
    rows: list[dict[int, tuple[str, tuple[int, int]]]] = []
    for r, tr in enumerate(tbl.iterchildren(_TR)):
        if r >= MAX_TABLE_ROWS:
            raise too_large()
        slots: dict[int, tuple[str, tuple[int, int]]] = {}
        column = max(0, _int_attr(tr, f"{qn('w:trPr')}/{qn('w:gridBefore')}", 0))
        for tc in tr.iterchildren(_TC):
            span = max(1, _int_attr(tc, f"{qn('w:tcPr')}/{qn('w:gridSpan')}", 1))
            # Spans are whatever the file declares (gridBefore=1000000): checked before use.
            if column + span > MAX_TABLE_COLUMNS:
                raise too_large()
            vmerge = tc.find(f"{qn('w:tcPr')}/{qn('w:vMerge')}")
            above = rows[-1].get(column) if rows else None
            if vmerge is not None and vmerge.get(qn("w:val")) in (None, "continue") and above is not None:
                text, origin = above
            else:
                text, origin = _cell_text(tc), (r, column)
            for c in range(column, column + span):
                slots[c] = (text, origin)
            column += span
        rows.append(slots)
    width = max((max(s) + 1 for s in rows if s), default=0)
    return [[row.get(c, ("", None)) for c in range(width)] for row in rows]


_OFFICE_DOCUMENT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"


def _document_body(data: bytes, max_inflated: int):
    """The w:body of the main document part, read with python-docx's XML classes.

    Only the main part is inflated (after the archive's directory passed the checks), with a
    bound: styles, fonts and images play no part in the text, and opening the whole package
    with ``docx.Document`` costs more than reading the text itself on a bulk import.
    """
    archive = open_checked(data, max_inflated=max_inflated, what="Word 文档")
    try:
        names = set(archive.namelist())
        target = "word/document.xml"
        if "_rels/.rels" in names:
            rels = etree.fromstring(read_member(archive, archive.getinfo("_rels/.rels"), 1 << 20, "Word 文档"))
            for rel in rels:
                if rel.get("Type") == _OFFICE_DOCUMENT and rel.get("Target"):
                    target = rel.get("Target").lstrip("/")
        if target not in names:
            raise UnreadableDocument("无法读取 Word 文档(缺少正文部分,文件损坏或不是 .docx 格式)")
        xml = read_member(archive, archive.getinfo(target), max_inflated, "Word 文档")
        body = parse_xml(xml).find(qn("w:body"))
    except (KeyError, ValueError, etree.XMLSyntaxError) as exc:
        raise UnreadableDocument("无法读取 Word 文档(文件损坏,或不是 .docx 格式)") from exc
    if body is None:
        raise UnreadableDocument("无法读取 Word 文档(正文为空)")
    return body


def parse_docx(
    data: bytes,
    *,
    max_inflated: int,
    filename: str = "",
    year: int | None = None,
    kind: str | None = None,
    region_code: str | None = None,
) -> ParsedReport:
    """Read one Word document. Options given by the caller override what the document says."""
    if not data:
        raise UnreadableDocument("文件为空")
    if not data.startswith(ZIP_MAGIC):
        raise UnreadableDocument("不是有效的 Word 文档(.docx)")
    body = _document_body(data, max_inflated)

    items = (_paragraph_text(el) if el.tag == _P else _table_grid(el) for el in _body_items(body))
    lines, raw_tables = normalised_document(items)
    if not lines and not raw_tables:
        raise UnreadableDocument("Word 文档中没有文字")
    if not lines:
        raise UnreadableDocument("Word 文档只有表格,没有正文")
    report = parse_lines(lines, filename=filename, year=year, kind=kind, region_code=region_code, raw_tables=raw_tables)
    report.source_format = "docx"
    return report
