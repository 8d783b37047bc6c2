"""CSV: the long form of shared/FORMAT.md, one row per number.

``report_id, year, region_code, table, row, column, value``: UTF-8 with a byte-order mark so that
Excel opens the Chinese correctly; amounts are decimal strings as in the JSON; a blank cell has
no row. The bulk export (reports/exporters/bulk.py) writes the same rows for many reports.
"""

from __future__ import annotations

import csv
import io
from typing import Iterable

from reports.exporters.common import LONG_HEADER, report_long_rows
from reports.selectors.reports import ReportPage

BOM = "\ufeff"


class _Line:
    """A csv writer target that hands back each written line."""

    def write(self, text: str) -> str:
        return text


def csv_lines(rows: Iterable[tuple], *, header: bool = True) -> Iterable[str]:
    """CSV text line by line (for streaming), the header first."""
    writer = csv.writer(_Line())
    if header:
        yield writer.writerow(LONG_HEADER)
    for row in rows:
        yield writer.writerow(row)


def render_csv(data: ReportPage) -> bytes:
    """The report's numbers in the long form."""
    out = io.StringIO()
    out.write(BOM)
    out.writelines(csv_lines(report_long_rows(data)))
    return out.getvalue().encode("utf-8")
