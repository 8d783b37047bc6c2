"""Reading a PDF with a text layer: lines and tables rebuilt from where each character stands.

pdfplumber (on pdfminer.six) gives every character with its position and every ruling line. From
them this module rebuilds:

- **tables** from their ruling lines (pdfplumber's table finder): each cell's box gives its
  rowspan/colspan, so a vertical group label (三、本年度办理结果 set one character per line) or a
  wrapped row label is one merged cell, exactly as in a Word or HTML table; the grid goes to the
  same reader (:mod:`reports.importers.grids`) as theirs, and a table cut by a page break is read
  as its two parts;
- **paragraphs** from the text outside the tables: lines wrapped at the right margin are joined,
  a new paragraph starts where a line is indented or the previous one stops short; page numbers
  (``- 3 -``, ``第3页``, ``3/6``) and lines repeated at the top or bottom of most pages are dropped.

Tables printed without ruling lines stay in the text, where the flattened-table reader
(:mod:`reports.importers.cells`) finds labels followed by their numbers.

A PDF without a text layer (a scan) is read by OCR (:mod:`reports.importers.ocr`) into the same
lines and grids, and every cell read that way is marked for the editor to confirm. Cost is
bounded: at most ``MAX_PAGES`` pages are read, and the file size is limited by the caller.
"""

from __future__ import annotations

import functools
import io
import re
import statistics
from collections import Counter
from dataclasses import dataclass

from reports.format.values import is_value
from reports.importers.grids import RawTable, grid_from_boxes, join_cell_parts, normalised_document
from reports.importers.labels import vocabulary
from reports.importers.normalize import label_key, normalize_text, strip_numbering
from reports.importers.parsed import ParsedReport, UnreadableDocument

PDF_MAGIC = b"%PDF"
MAX_PAGES = 100  # an annual report has 5–40 pages; reading a page with tables costs about 0.2 s
MIN_CHARS_PER_PAGE = 20  # fewer characters than this on every page: a scan, not a text PDF
_PAGE_NUMBER = re.compile(
    r"^\s*(?:[-—–－‐]\s*\d{1,4}\s*[-—–－‐]|第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?|\d{1,4}\s*/\s*\d{1,4}"
    r"|[·•]?\s*\d{1,4}\s*[·•]?)\s*$"
)
_HEADING = re.compile(r"^(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[）)]|\d+[.、．]\D)")
_DIGITS = re.compile(r"\d+")
# A glyph the font maps to no character: pdfminer writes (cid:123); private-use code points likewise.
_DIGIT_PART = re.compile(r"^[\d.,，]+$")
_UNMAPPED = re.compile(r"^(?:\(cid:\d+\)|[\ue000-\uf8ff\ufffd])$")
# Spaces the text extraction puts where glyphs of two fonts meet (2024 年, 第 711 号, 结 果): Chinese
# text has none between a Chinese character and anything else.
_CJK = "\u3400-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef"
_ARTIFACT_SPACE = re.compile(rf"(?<=[{_CJK}])[ \t]+(?=[{_CJK}0-9A-Za-z%])|(?<=[0-9A-Za-z%])[ \t]+(?=[{_CJK}])")


@dataclass
class PageLine:
    text: str
    x0: float
    x1: float
    top: float
    page: int


def parse_pdf(
    data: bytes,
    *,
    filename: str = "",
    year: int | None = None,
    kind: str | None = None,
    region_code: str | None = None,
) -> ParsedReport:
    """Read one PDF. Options given by the caller override what the document says."""
    from reports.importers.text import parse_lines

    if not data.startswith(PDF_MAGIC):
        raise UnreadableDocument("不是有效的 PDF 文件")
    pages, scanned = _read_pages(data)
    lines, raw_tables = normalised_document(_assemble(pages), clean=lambda text: _ARTIFACT_SPACE.sub("", text))
    if not lines:
        if scanned:
            raise UnreadableDocument(
                "这是扫描件 PDF(没有文字层),文字识别也没有读出任何文字:请上传带文字的 PDF、Word 或网页版本"
            )
        raise UnreadableDocument("PDF 中没有可读的正文")
    report = parse_lines(lines, filename=filename, year=year, kind=kind, region_code=region_code, raw_tables=raw_tables)
    if scanned:
        report.source_format = "pdf-ocr"
        _mark_recognised(report)
    else:
        report.source_format = "pdf"
        _flag_tables_without_rules(report, raw_tables)
    return report


def _mark_recognised(report: ParsedReport) -> None:
    """Every cell of a scan's tables was read by OCR, blanks and cells not found included (a faint 0
    reads as nothing): all of them wait for the editor to confirm them against the scan."""
    from reports import format as fmt

    tables = {code[0] for code in report.values}
    report.unconfirmed = {code for code in fmt.all_codes(report.edition) if code[0] in tables}
    report.warnings.insert(
        0,
        "这是扫描件 PDF,正文和表格由文字识别(OCR)读出:识别可能出错,"
        f"表格中的 {len(report.unconfirmed)} 个单元格已标为待核对,请逐格对照原件确认后再提交",
    )


def _flag_tables_without_rules(report: ParsedReport, raw_tables: list[RawTable]) -> None:
    """A table printed without ruling lines is read from the order of its words, where a wrapped label
    or an empty cell can move a number to a neighbouring cell: every such table is flagged."""
    from reports import format as fmt
    from reports.importers.cells import table_name
    from reports.importers.text import sort_tables

    ruled, _ = sort_tables(raw_tables)
    tables = fmt.tables_for(report.edition)
    for code in sorted({c[0] for c, v in report.values.items() if v is not None} - set(ruled)):
        if code in tables:
            report.warnings.append(
                f"{table_name(tables[code])}在 PDF 中没有表格线,数字是按文字顺序读取的,请逐格对照原文核对"
            )


def _open(data: bytes):
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFSyntaxError
    from pdfplumber.utils.exceptions import PdfminerException

    try:
        pdf = pdfplumber.open(io.BytesIO(data))
        pages = pdf.pages  # parses the page tree: a broken file fails here
    except (PdfminerException, PDFSyntaxError, PDFEncryptionError, PDFPasswordIncorrect) as exc:
        cause = exc.args[0] if isinstance(exc, PdfminerException) and exc.args else exc
        if isinstance(cause, (PDFEncryptionError, PDFPasswordIncorrect)):
            raise UnreadableDocument("PDF 文件已加密(需要密码),无法读取:请上传未加密的版本") from None
        raise UnreadableDocument("PDF 文件已损坏,无法读取") from None
    except Exception as exc:  # noqa: BLE001 - pdfminer raises many kinds of errors on broken files
        raise UnreadableDocument(f"PDF 文件已损坏,无法读取({type(exc).__name__})") from None
    if not pages:
        raise UnreadableDocument("PDF 文件没有页面")
    if len(pages) > MAX_PAGES:
        raise UnreadableDocument(f"PDF 有 {len(pages)} 页,超过 {MAX_PAGES} 页的上限:一份年度报告不会这么长")
    return pdf


def _read_pages(data: bytes) -> tuple[list, bool]:
    """Each page as (lines, [(top, grid)], width), and whether they were read by OCR (a scan)."""
    pdf = _open(data)
    try:
        pages = []
        chars = unmapped = 0
        for number, page in enumerate(pdf.pages):
            try:
                # Only a page with ruling lines can hold a ruled table (and find_tables is the slow part).
                found = page.find_tables() if (page.lines or page.rects or page.curves) else []
                tables = [t for t in found if len(t.rows) >= 1 and len(t.rows[0].cells) >= 2]
                outside = page
                for table in tables:
                    outside = outside.outside_bbox(_clipped(table.bbox, page.bbox))
                lines = [
                    PageLine(line["text"], line["x0"], line["x1"], line["top"], number)
                    for line in outside.extract_text_lines(return_chars=False)
                    if line["text"].strip()
                ]
                grids = [(table.bbox[1], _table_grid(table)) for table in tables]
            except Exception as exc:  # noqa: BLE001 - a damaged page stream
                raise UnreadableDocument(f"PDF 第 {number + 1} 页无法读取({type(exc).__name__})") from None
            chars += len(page.chars)
            unmapped += sum(1 for c in page.chars if _UNMAPPED.match(c["text"]))
            pages.append((lines, grids, page.width))
    finally:
        pdf.close()
    if chars < MIN_CHARS_PER_PAGE * len(pages):
        return _read_scan(data, len(pages)), True
    if unmapped > chars * 0.3:
        raise UnreadableDocument(
            "PDF 的文字无法提取(字体缺少字符编码表,读出来是乱码):请上传 Word、网页或另存的 PDF 版本"
        )
    return pages, False


def _read_scan(data: bytes, page_count: int) -> list:
    import hashlib

    import pypdfium2

    from reports.importers import ocr

    try:
        document = pypdfium2.PdfDocument(data)
    except pypdfium2.PdfiumError:
        raise UnreadableDocument("PDF 文件已损坏,无法读取") from None
    try:
        return ocr.read_scan(document, page_count=page_count, key=hashlib.sha256(data).hexdigest())
    finally:
        document.close()


def _assemble(pages: list) -> list:
    """Lines (str) and table grids, in reading order over all pages."""
    repeated = _repeated_margins([lines for lines, _, _ in pages])
    out: list = []
    carry = False  # the last paragraph ran to the right margin at the foot of its page
    for lines, grids, _ in pages:
        lines = [line for line in lines if not _PAGE_NUMBER.match(line.text) and _margin_key(line) not in repeated]
        paragraphs = _paragraphs(lines)
        # Tables and paragraphs by their place on the page.
        placed = [(p.top, 0, p) for p in paragraphs] + [(top, 1, grid) for top, grid in grids if grid]
        first_on_page = True
        ordered = [item for _, _, item in sorted(placed, key=lambda p: (p[0], p[1]))]
        for position, item in enumerate(ordered):
            if not isinstance(item, _Paragraph) and len(item) == 1 and 0 < position < len(ordered) - 1:
                # A one-row box in the middle of a page is a frame, not a table; at the top or foot
                # of a page it is part of a table a page break cut.
                cells = {origin: text for text, origin in item[0] if origin is not None and text.strip()}
                out.append("，".join(cells.values()))
                carry = first_on_page = False
                continue
            if isinstance(item, _Paragraph):
                if carry and item.flush_start and out and isinstance(out[-1], str):
                    out[-1] = join_cell_parts((out[-1], item.text))  # a paragraph that goes on over the page
                else:
                    out.append(item.text)
                carry = item.open_end
            else:
                if first_on_page and out and not isinstance(out[-1], str):
                    item = _continue_split_row(out[-1], item)  # a table that goes on over the page
                if item:
                    out.append(item)
                carry = False
            first_on_page = False
    return out


def _continue_split_row(previous: list, grid: list) -> list:
    """When a page break cut a table row in two (``1.属`` / ``于国家秘密``, ``55`` / ``9``), the first
    row of the table on the new page is the rest of the previous page's last row: join them cell by
    cell and return the rest of the new part.

    The rows are one when the last row's own label is cut short (it names no label of the format),
    or the new row's label is no label of the format, or neither row has a label (table 四's one
    row of numbers). A repeated header row and another number of columns are left alone.
    """
    if not previous or not grid or len(previous[-1]) != len(grid[0]):
        return grid
    if all(not text.strip() for text, _ in grid[0]):
        return _without_first_row(grid)
    last_row = len(previous) - 1
    last = previous[-1]
    header = {text for row in previous[:3] for text, _ in row if text.strip()}
    new_labels = _own_labels(grid[0], 0)
    if any(text in header for text in new_labels):
        return grid
    # The row label is the label cell nearest the numbers; group labels to its left may well go on
    # over the page ((四)无 / 法提供) while the rows themselves are whole.
    old_leaf = _own_labels(last, last_row)[-1:]
    new_leaf = new_labels[-1:]
    cut = (old_leaf and not _is_label(old_leaf[0])) or (new_leaf and not _is_label(new_leaf[0]))
    if not (cut or (not old_leaf and not new_leaf)):
        return grid
    joined = []
    for (before, origin), (after, after_origin) in zip(last, grid[0], strict=True):
        if after_origin is None or after_origin[0] != 0 or not after.strip() or after == before:
            joined.append((before, origin))
        elif before.isdigit() and after.isdigit():
            joined.append((before + after, origin))  # a number wrapped in its cell: 55 / 9 is 559
        else:
            joined.append((join_cell_parts((before, after)), origin))
    previous[-1] = joined
    return _without_first_row(grid)


def _without_first_row(grid: list) -> list:
    """The grid's rows after the first, their cells' origins counted from the new first row."""
    return [
        [(text, None if origin is None else (max(origin[0] - 1, 0), origin[1])) for text, origin in row]
        for row in grid[1:]
    ]


def _own_labels(row: list, index: int) -> list[str]:
    """The label texts that start in this row (not a group label merged from the rows above)."""
    return [
        text.strip()
        for text, origin in row
        if origin is not None and origin[0] == index and text.strip() and not is_value(text.strip())
    ]


@functools.lru_cache(maxsize=1)
def _format_labels() -> frozenset[str]:
    from reports import format as fmt

    keys: set[str] = set()
    for edition in (fmt.EDITION_2021, fmt.EDITION_2019):
        for table in fmt.tables_for(edition).values():
            keys |= vocabulary(table)
    return frozenset(keys)


def _is_label(text: str) -> bool:
    key = label_key(normalize_text(text))
    rest = strip_numbering(key)
    return len(rest) >= 2 and (key in _format_labels() or rest in _format_labels())


def _clipped(box, page_box):
    """A table's box cut to the page (a table may run past the page's edge)."""
    x0, top, x1, bottom = box
    px0, ptop, px1, pbottom = page_box
    return (max(x0, px0), max(top, ptop), min(x1, px1), min(bottom, pbottom))


def _table_grid(table) -> list[list[tuple[str, tuple[int, int] | None]]]:
    """The table's cells on a rectangle: every slot of a merged cell points at the cell's first slot."""
    texts = table.extract()
    boxes = []
    for r, row in enumerate(table.rows):
        for c, box in enumerate(row.cells):
            if box:
                parts = (texts[r][c] or "").split("\n")
                # A number wrapped in a narrow cell (17 / 5) is one number.
                digits = len(parts) > 1 and all(_DIGIT_PART.match(p) for p in parts)
                boxes.append((box, "".join(parts) if digits else join_cell_parts(parts)))
    return grid_from_boxes(boxes, tolerance=2.0)  # points


def _margin_key(line: PageLine) -> str:
    return _DIGITS.sub("#", line.text.strip())


def _repeated_margins(pages: list[list[PageLine]]) -> set[str]:
    """Header and footer lines: the first or last line of most pages, digits aside."""
    if len(pages) < 3:
        return set()
    counts: Counter[str] = Counter()
    for lines in pages:
        ends = {_margin_key(line) for line in (lines[:1] + lines[-1:])}
        counts.update(ends)
    return {key for key, n in counts.items() if n >= max(3, len(pages) * 0.6)}


@dataclass
class _Paragraph:
    text: str
    top: float
    flush_start: bool  # its first line starts at the left margin (no indent): it may continue one before
    open_end: bool  # its last line runs to the right margin: it may go on after


def _paragraphs(lines: list[PageLine]) -> list[_Paragraph]:
    """The paragraphs of a page: lines that run to the right margin continue on the next line,
    unless that one is indented or starts like a heading."""
    if not lines:
        return []
    right = max(line.x1 for line in lines)
    left = min(line.x0 for line in lines)
    sizes = [(line.x1 - line.x0) / max(len(line.text), 1) for line in lines if len(line.text) > 5]
    char = statistics.median(sizes) if sizes else 10.0

    def full(line: PageLine) -> bool:
        return line.x1 >= right - 1.5 * char

    def flush(line: PageLine) -> bool:
        return line.x0 <= left + 0.8 * char and not _HEADING.match(line.text.strip())

    groups: list[list[PageLine]] = []
    for line in lines:
        if groups and full(groups[-1][-1]) and flush(line):
            groups[-1].append(line)
        else:
            groups.append([line])
    return [_Paragraph(_joined(g), g[0].top, flush(g[0]), full(g[-1])) for g in groups]


def _joined(lines: list[PageLine]) -> str:
    return join_cell_parts(line.text.strip() for line in lines)
