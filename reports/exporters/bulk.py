"""Bulk open data: every report a list or search selects, as CSV, XLSX or JSON Lines.

Built to export 100,000 reports without holding them in memory: reports are read with
``.iterator(chunk_size=…)`` (a server-side cursor on PostgreSQL), their cells fetched once per
chunk (one query per chunk, not per report), and the output produced as it is read — CSV and JSON
Lines as a stream of lines, XLSX through openpyxl's write-only mode into a temporary file.
"""

from __future__ import annotations

import datetime
import json
import tempfile
from decimal import Decimal
from typing import IO, Iterator

from django.db.models import QuerySet
from django.urls import reverse
from openpyxl import Workbook

from reports import format as fmt
from reports.exporters.common import LONG_HEADER, code_order, long_rows, sheet_row
from reports.exporters.csv_long import BOM, csv_lines
from reports.exporters.opendata import report_open_data
from reports.models import ReportKind
from reports.selectors.reports import report_chunks, report_page_chunks

# Reports per chunk: a full report has about 200 numbers, so a chunk holds some 100,000 cells;
# it also keeps ``IN (…)`` lists within SQLite's limits.
CHUNK_SIZE = 500
BULK_FORMATS = {
    "csv": ("text/csv; charset=utf-8", "CSV"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "Excel"),
    "jsonl": ("application/x-ndjson; charset=utf-8", "JSON Lines"),
}
XLSX_MAX_ROWS = 1_048_576  # rows of an Excel sheet; the long form continues on a new sheet
REPORT_HEADER = (
    "report_id",
    "title",
    "publisher",
    "region_code",
    "region",
    "year",
    "kind",
    "format",
    "published_on",
    "url",
    "checks_failed",
)


def long_form_rows(qs: QuerySet, chunk_size: int = CHUNK_SIZE) -> Iterator[tuple]:
    """The long-form rows of every report of ``qs``, report by report in list order."""
    for chunk, cells in report_chunks(qs, chunk_size):
        for pk, year, region_id, edition, *_ in chunk:
            yield from long_rows(pk, year, region_id, edition, cells.get(pk, ()))


# --- Writers -----------------------------------------------------------------------------


def buffered(lines: Iterator[str], size: int = 64 * 1024) -> Iterator[str]:
    """Lines joined into pieces of about ``size`` characters: one write per piece, not per line."""
    buffer, length = [], 0
    for line in lines:
        buffer.append(line)
        length += len(line)
        if length >= size:
            yield "".join(buffer)
            buffer, length = [], 0
    if buffer:
        yield "".join(buffer)


def csv_stream(qs: QuerySet, chunk_size: int = CHUNK_SIZE) -> Iterator[str]:
    """The long-form CSV of ``qs``, line by line, opening with a byte-order mark for Excel."""
    yield BOM
    yield from csv_lines(long_form_rows(qs, chunk_size))


def jsonl_stream(qs: QuerySet, *, base_url: str = "", chunk_size: int = CHUNK_SIZE) -> Iterator[str]:
    """One open-data JSON object (shared/FORMAT.md) per line, per report of ``qs``."""
    for pages in report_page_chunks(qs, base_url=base_url, chunk_size=chunk_size):
        for page in pages:
            yield json.dumps(report_open_data(page), ensure_ascii=False) + "\n"


def _iso(value) -> str | None:
    return value.isoformat() if isinstance(value, datetime.date) else None


def write_xlsx(qs: QuerySet, out: IO[bytes], *, base_url: str = "", chunk_size: int = CHUNK_SIZE) -> None:
    """A workbook of ``qs``: a sheet of the reports and the long form (continued past Excel's row limit)."""
    wb = Workbook(write_only=True)
    reports_ws = wb.create_sheet("报告")
    reports_ws.append(REPORT_HEADER)
    long_sheets = 1
    long_ws = wb.create_sheet("长表")
    long_ws.append(LONG_HEADER)
    long_count = 1
    kinds = dict(ReportKind.choices)
    for chunk, cells in report_chunks(qs, chunk_size):
        for pk, year, region_id, edition, title, publisher, region, kind, published_on, failed in chunk:
            url = base_url + reverse("reports:detail", args=[pk])
            reports_ws.append(
                sheet_row(
                    reports_ws,
                    [
                        pk,
                        title,
                        publisher,
                        region_id,
                        region,
                        year,
                        kinds.get(kind, kind),
                        edition,
                        _iso(published_on),
                        url,
                        failed,
                    ],
                )
            )
            order = code_order(edition)
            for row in long_rows(pk, year, region_id, edition, cells.get(pk, ())):
                if long_count >= XLSX_MAX_ROWS:
                    long_sheets += 1
                    long_ws = wb.create_sheet(f"长表{long_sheets}")
                    long_ws.append(LONG_HEADER)
                    long_count = 1
                kind_of = order[(row[3], row[4], row[5])][1]
                long_ws.append([row[0], row[1] or None, *row[2:6], fmt.spreadsheet_number(Decimal(row[6]), kind_of)])
                long_count += 1
    wb.save(out)  # not the ORM: the workbook


def xlsx_tempfile(qs: QuerySet, *, base_url: str = "", chunk_size: int = CHUNK_SIZE) -> IO[bytes]:
    """The workbook written to an anonymous temporary file (removed when closed), rewound."""
    tmp = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - handed to the response, closed there
    write_xlsx(qs, tmp, base_url=base_url, chunk_size=chunk_size)
    tmp.seek(0)
    return tmp


def write_csv(qs: QuerySet, out: IO[str], chunk_size: int = CHUNK_SIZE) -> None:
    out.writelines(csv_stream(qs, chunk_size))


def write_jsonl(qs: QuerySet, out: IO[str], *, base_url: str = "", chunk_size: int = CHUNK_SIZE) -> None:
    out.writelines(jsonl_stream(qs, base_url=base_url, chunk_size=chunk_size))
