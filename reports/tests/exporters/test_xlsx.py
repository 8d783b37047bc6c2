"""Excel: a sheet per table in the official layout and the long form (reports/exporters/xlsx.py)."""

import io

import pytest
from openpyxl import load_workbook

from reports import format as fmt
from reports.exporters.common import LONG_HEADER
from reports.tests.conftest import download

pytestmark = pytest.mark.django_db


def test_xlsx_has_a_sheet_per_table_in_the_official_layout_and_the_long_form(client, full_report):
    """Excel: one sheet per standard table with merged cells and real numbers, plus the long form."""
    _, body = download(client, full_report, "xlsx")
    wb = load_workbook(io.BytesIO(body))
    tables = fmt.tables_for(fmt.EDITION_2021)
    assert wb.sheetnames == [t.caption for t in tables.values()] + ["长表"]

    ws = wb[tables["applications"].caption]
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert {"A3:C5", "D3:J3", "E4:I4", "D4:D5", "J4:J5", "A8:A29"} <= merged
    assert ws["A8"].value == "三、本年度办理结果"
    assert ws["A6"].value == tables["applications"].row("received").label
    assert [ws.cell(6, c).value for c in range(4, 11)] == [10, 2, 0, 0, 0, 0, 12]
    assert isinstance(ws["J6"].value, int)

    ws = wb[tables["proactive"].caption]
    values = [c.value for row in ws.iter_rows() for c in row]
    assert 6858.05 in values and 64 in values

    long = [list(r) for r in wb["长表"].iter_rows(values_only=True)]
    assert tuple(long[0]) == LONG_HEADER
    by_code = {f"{r[3]}.{r[4]}.{r[5]}": r[6] for r in long[1:]}
    assert by_code["proactive.fees.amount"] == 6858.05
    assert by_code["applications.received.total"] == 12
    assert len(long) - 1 == len(fmt.all_codes(fmt.EDITION_2021))
