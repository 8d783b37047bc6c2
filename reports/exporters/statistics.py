"""Downloads of the statistics pages: one table as CSV, or every table of a page as XLSX.

Both are written from the same DataTable objects the page shows. Each figure comes with the
number of reports behind it and how many of those fail a consistency rule.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Font

from reports.exporters.common import csv_text, sheet_row
from reports.selectors.statistics.datatable import DataTable

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHEET_TITLES = {
    "years": "各年度概况",
    "outcomes": "办理结果构成",
    "applicants": "申请人类型",
    "review": "复议诉讼",
    "proactive": "主动公开",
    "codes": "全部表格项目逐年合计",
    "children": "按下级地区",
    "publishers": "按发布机构",
    "failing": "未通过校验的报告",
    "across": "与上年不衔接",
    "summary": "合计",
    "missing": "未发布年度报告的机构",
    "late": "逾期发布",
    "similar": "与上年高度相似",
    "incomplete": "缺少部分或表格",
}
_BAD_SHEET_CHARS = str.maketrans(dict.fromkeys("[]:*?/\\", "_"))


def _cell(value):
    if isinstance(value, Decimal):
        return format(value, "f")
    return "" if value is None else value


def table_csv(table: DataTable) -> bytes:
    """One table as CSV (UTF-8 with BOM, so spreadsheet programs read the Chinese right)."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    writer.writerow(table.export_header())
    for row in table.export_rows():
        writer.writerow([csv_text(_cell(v)) for v in row])
    return buffer.getvalue().encode("utf-8")


def sheet_title(table: DataTable, used: set[str]) -> str:
    base = SHEET_TITLES.get(table.slug.split("-")[0], table.caption)
    if table.slug.startswith("year-"):
        base = table.caption
    title = base.translate(_BAD_SHEET_CHARS)[:31]
    n = 2
    while title in used:
        title = f"{base[:28]}({n})"
        n += 1
    used.add(title)
    return title


def tables_xlsx(tables: list[DataTable], heading: list[str]) -> bytes:
    """Every table as a sheet, with the page's heading lines (scope, years, what is counted) on top."""
    book = Workbook()
    book.remove(book.active)
    used: set[str] = set()
    for table in tables:
        ws = book.create_sheet(sheet_title(table, used))
        ws.append([table.caption])
        ws["A1"].font = Font(bold=True)
        for line in heading + ([table.note] if table.note else []):
            ws.append([line])
        ws.append([])
        ws.append(table.export_header())
        for cell in ws[ws.max_row]:
            cell.font = Font(bold=True)
        for row in table.export_rows():
            ws.append(sheet_row(ws, ["" if v is None else v for v in row]))
        ws.column_dimensions["A"].width = 36
    buffer = io.BytesIO()
    book.save(buffer)  # not the ORM: the workbook
    return buffer.getvalue()
