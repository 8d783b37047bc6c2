"""What the format modules share: the formats, file names, the long form, column widths, title lines.

All five per-report formats (PDF, DOCX, XLSX, CSV, JSON) are fed by the same read model,
:class:`reports.selectors.reports.ReportPage`, the one the page is rendered from, so a download never
disagrees with the page.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterable

from openpyxl.cell import WriteOnlyCell

from reports import format as fmt
from reports.models import Report
from reports.selectors.reports import ReportPage

# Download formats: extension -> (MIME type, label, what it is for), in the order links are shown.
FORMATS = {
    "pdf": ("application/pdf", "PDF", "版式文件,适合阅读和打印"),
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "Word",
        "可编辑的文档,表格为 Word 表格",
    ),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "Excel", "三张表格和长表数据"),
    "csv": ("text/csv; charset=utf-8", "CSV", "长表数据,每个数字一行"),
    "json": ("application/json; charset=utf-8", "JSON", "开放数据格式"),
}
# The long (CSV) form of shared/FORMAT.md: one row per number.
# The long form of shared/FORMAT.md, then the Chinese names of the table, row and column for people
# (after the seven columns of the format, so that readers of the format find them where it says).
LONG_HEADER = (
    "report_id",
    "year",
    "region_code",
    "table",
    "row",
    "column",
    "value",
    "table_name",
    "row_name",
    "column_name",
)

_UNSAFE_IN_FILENAME = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')


# --- File names --------------------------------------------------------------------------


def download_filename(report: Report, ext: str) -> str:
    """A name for people: ``清镇市人民政府办公室-2023年政府信息公开工作年度报告.pdf``."""
    publisher = report.publisher.name.strip()
    title = report.title.strip()
    if publisher and title.startswith(publisher):
        title = title[len(publisher) :].lstrip(" -—_·")
    stem = f"{publisher}-{title}" if publisher and title else (title or publisher)
    stem = _UNSAFE_IN_FILENAME.sub("_", stem).strip(" .") or f"report-{report.pk}"
    return f"{stem[:150]}.{ext}"


def ascii_filename(report: Report, ext: str) -> str:
    """The fallback name for clients that cannot read RFC 6266 ``filename*``."""
    return f"report-{report.pk}.{ext}"


# --- Values ------------------------------------------------------------------------------


@lru_cache(maxsize=None)
def code_order(edition: str) -> dict[tuple[str, str, str], tuple[int, str]]:
    """Each (table, row, column) code of an edition -> (reading position, column kind)."""
    return {code: (i, fmt.code_kind(code)) for i, code in enumerate(fmt.all_codes(edition))}


@lru_cache(maxsize=None)
def cell_names(edition: str) -> dict[tuple[str, str, str], tuple[str, str, str]]:
    """Each code of an edition -> the Chinese names of its table, row and column."""
    tables = fmt.tables_for(edition)
    return {(t, r, c): tables[t].cell_names(r, c) for t, r, c in fmt.all_codes(edition)}


def long_rows(
    report_id: int,
    year: int | None,
    region_code: str,
    edition: str,
    cells: Iterable[tuple[tuple[str, str, str], object]],
) -> list[tuple]:
    """The long-form rows of one report from its ((table, row, column), value) pairs, in reading order.

    A blank cell has no number, so it has no row (absence is null, never 0). Cells that are not
    codes of the report's edition cannot be stored (services validate them) and are skipped.
    """
    order = code_order(edition)
    names = cell_names(edition)
    rows = []
    for code, value in cells:
        pos = order.get(code)
        if pos is None or value is None:
            continue
        rows.append(
            (pos[0], (report_id, year or "", region_code, *code, fmt.format_value(value, pos[1]), *names[code]))
        )
    rows.sort(key=lambda r: r[0])
    return [r for _, r in rows]


def report_long_rows(page: ReportPage) -> list[tuple]:
    report = page.report
    return long_rows(report.pk, report.year, report.region_id, report.edition, page.values.items())


# --- Helpers ------------------------------------------------------------------------------


def column_weights(placed: list[fmt.PlacedCell], width: int) -> list[int]:
    """Relative column widths of a placed grid, from the text it must hold.

    A tall label (三、本年度办理结果 spans 22 rows) may wrap to a narrow band; a head label may take
    two lines; a number needs about three characters. Cells spanning columns do not count.
    """
    weights = [2] * width
    for p in placed:
        c = p.cell
        if c.colspan != 1:
            continue
        if not c.header:
            w = 3
        elif p.header_row:
            w = min(max(-(-len(c.text) // 2), 2), 6)
        else:
            w = min(max(-(-len(c.text) // max(c.rowspan, 1)), 2), 14)
        weights[p.col] = max(weights[p.col], w)
    return weights


_YEAR = re.compile(r"(?:19|20)\d\d年(?:度)?")


def _text_width(text: str) -> float:
    """Width in full-width characters (ASCII digits and letters are half as wide)."""
    return sum(0.5 if ord(ch) < 128 else 1 for ch in text)


def title_lines(title: str, publisher: str = "", per_line: int = 20) -> list[str]:
    """A long title cut into lines at a natural place (GB/T 9704: 回行时要做到词意完整、排列对称).

    Candidate cuts are after the publisher's name and after a year (``2023年``); the most even
    cut whose lines fit wins; with none, the title is left to the renderer to wrap.
    """
    if _text_width(title) <= per_line:
        return [title]
    cuts = set()
    if publisher and title.startswith(publisher):
        cuts.add(len(publisher))
    cuts.update(m.end() for m in _YEAR.finditer(title))
    best = None
    for cut in cuts:
        first, second = title[:cut], title[cut:]
        if not first or not second or max(_text_width(first), _text_width(second)) > per_line:
            continue
        score = abs(_text_width(first) - _text_width(second))
        if best is None or score < best[0]:
            best = (score, [first, second])
    return best[1] if best else [title]


# --- Text that a spreadsheet program would run (formula injection) ------------------------

# A CSV cell starting with one of these is a formula to Excel and LibreOffice (OWASP "CSV injection").
CSV_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_text(value):
    """A text for a CSV cell that no spreadsheet program runs: a leading ' when it would start a
    formula. Numbers are left alone (−1 stays −1): only texts are passed here."""
    if isinstance(value, str) and value.startswith(CSV_FORMULA_START):
        return "'" + value
    return value


def sheet_row(ws, values) -> list:
    """A row for ``ws.append``: a text that starts with "=" stays a text (openpyxl would write it as a
    formula); everything else as given."""
    return [_text_cell(ws, v) if isinstance(v, str) and v.startswith("=") else v for v in values]


def _text_cell(ws, value: str):
    cell = WriteOnlyCell(ws, value=value)
    cell.data_type = "s"
    return cell


def keep_text(cell):
    """A cell written with ``ws.cell(r, k, text)`` stays a text even when the text starts with "="."""
    if cell.data_type == "f":
        cell.data_type = "s"
    return cell
