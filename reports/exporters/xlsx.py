"""Excel (.xlsx): one sheet per standard table in the official layout, plus the long form.

Table sheets repeat the printed grid (merged cells from ``format.layout_grid``) with real numbers
in the value cells (counts as integers, 万元 amounts as decimals), so sums can be checked in
Excel; the long-form sheet is the CSV of shared/FORMAT.md, one row per number.
"""

from __future__ import annotations

import datetime
import io
import math

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from reports import format as fmt
from reports.exporters.common import LONG_HEADER, code_order, column_weights, keep_text, report_long_rows
from reports.selectors.reports import ReportPage

LONG_SHEET = "长表"
# Characters a sheet name may not hold (its length limit is 31).
_SHEET_FORBIDDEN = str.maketrans(dict.fromkeys("[]:*?/\\", "_"))
_THIN = Side(style="thin", color="000000")
BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
BOLD = Font(bold=True)
TITLE = Font(bold=True, size=14)
NUMBER_FORMATS = {fmt.INTEGER: "0", fmt.AMOUNT: "0.00"}


def sheet_title(text: str) -> str:
    return text.translate(_SHEET_FORBIDDEN)[:31]


def write_grid(ws, grid: fmt.Grid, values: dict, *, top: int = 1) -> int:
    """Draw a table's official grid from row ``top``; returns the first row below it."""
    placed, n_rows, width = fmt.place_grid(grid)
    for p in placed:
        c = p.cell
        row, col = top + p.row, 1 + p.col
        if c.rowspan > 1 or c.colspan > 1:
            ws.merge_cells(start_row=row, start_column=col, end_row=row + c.rowspan - 1, end_column=col + c.colspan - 1)
            # A merged range shows the borders of all its cells.
            for r in range(row, row + c.rowspan):
                for k in range(col, col + c.colspan):
                    ws.cell(r, k).border = BORDER
        cell = ws.cell(row, col)
        cell.border = BORDER
        if c.header:
            cell.value = c.text
            cell.alignment = LEFT if (not p.header_row and c.scope == "row") else CENTER
            if p.header_row:
                cell.font = BOLD
        else:
            cell.value = fmt.spreadsheet_number(values.get(c.code), c.kind)
            cell.number_format = NUMBER_FORMATS[c.kind]
            cell.alignment = CENTER
    widths = [max(8.0, w * 2.6) for w in column_weights(placed, width)]
    for i, w in enumerate(widths):
        ws.column_dimensions[get_column_letter(i + 1)].width = w
    # Spreadsheets do not grow rows for wrapped text on their own: give each row the lines its
    # longest one-row label needs (a CJK character is about two width units).
    lines = [1] * n_rows
    for p in placed:
        if p.cell.header and p.cell.rowspan == 1 and p.cell.text:
            span = sum(widths[p.col : p.col + p.cell.colspan]) - 1
            lines[p.row] = max(lines[p.row], math.ceil(len(p.cell.text) * 2 / span))
    for i, n in enumerate(lines):
        ws.row_dimensions[top + i].height = 15 * n + 3
    return top + n_rows


def render_xlsx(data: ReportPage) -> bytes:
    """The report's tables as a workbook: the official grids and the long form."""
    report = data.report
    wb = Workbook()
    wb.remove(wb.active)
    for t in data.tables:
        ws = wb.create_sheet(sheet_title(t.table.caption))
        _, _, width = fmt.place_grid(t.grid)
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
        keep_text(ws.cell(1, 1, report.title)).font = TITLE
        ws.cell(1, 1).alignment = CENTER
        ws.row_dimensions[1].height = 36
        ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=width)
        ws.cell(2, 1, t.table.caption).font = BOLD
        top = 3
        write_grid(ws, t.grid, t.values, top=top)
        ws.freeze_panes = ws.cell(top + len(t.grid.head), 1)
        ws.print_title_rows = f"{top}:{top + len(t.grid.head) - 1}" if t.grid.head else None
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.fitToWidth = 1
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.page_setup.fitToHeight = 0
    for i, ft in enumerate(data.free_tables, start=1):
        ws = wb.create_sheet(sheet_title(ft.caption or f"附表{i}"))
        for r, row in enumerate(ft.rows or [], start=1):
            for k, text in enumerate(row, start=1):
                cell = keep_text(ws.cell(r, k, text))
                cell.border = BORDER
                cell.alignment = CENTER
                if r <= ft.header_rows:
                    cell.font = BOLD

    ws = wb.create_sheet(LONG_SHEET)
    ws.append(LONG_HEADER)
    order = code_order(report.edition)
    for row in report_long_rows(data):
        code = (row[3], row[4], row[5])
        ws.append([row[0], row[1] or None, *row[2:6], fmt.spreadsheet_number(data.values[code], order[code][1])])
    for cell in ws[1]:
        cell.font = BOLD
    ws.freeze_panes = "A2"
    for letter, width in zip("ABCDEFG", (10, 8, 12, 18, 30, 16, 12), strict=True):
        ws.column_dimensions[letter].width = width

    wb.properties.title = report.title
    wb.properties.creator = report.publisher.name
    wb.properties.subject = report.get_kind_display()
    date = report.written_on or report.published_on or datetime.date(2000, 1, 1)
    wb.properties.created = wb.properties.modified = datetime.datetime.combine(date, datetime.time())
    out = io.BytesIO()
    wb.save(out)  # not the ORM: the workbook
    return out.getvalue()
