"""Formula injection: a text that starts like a formula is written as text in every spreadsheet
(reports/exporters/common.py: csv_text, sheet_row, keep_text)."""

import io

import pytest
from openpyxl import load_workbook

from reports.exporters.common import csv_text
from reports.tests.conftest import balanced_values, download

pytestmark = pytest.mark.django_db

EVIL = '=HYPERLINK("http://evil.example","点我")'


def _formula_cells(body: bytes) -> list[str]:
    book = load_workbook(io.BytesIO(body))
    return [c.coordinate for ws in book.worksheets for row in ws.iter_rows() for c in row if c.data_type == "f"]


def test_a_title_that_starts_like_a_formula_stays_text_in_the_report_xlsx(client, make_report):
    report = make_report(title=EVIL, values=balanced_values())
    _, body = download(client, report, "xlsx")
    assert _formula_cells(body) == []
    book = load_workbook(io.BytesIO(body))
    assert book.worksheets[0]["A1"].value == EVIL


def test_the_bulk_xlsx_keeps_formula_like_titles_as_text(client, make_report):
    make_report(title=EVIL, values=balanced_values())
    response = client.get("/reports/export.xlsx")
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert _formula_cells(body) == []


@pytest.mark.parametrize(
    ("text", "written"), [("=1+1", "'=1+1"), ("+86", "'+86"), ("@SUM(A1)", "'@SUM(A1)"), ("清镇市", "清镇市")]
)
def test_csv_text_defuses_formulas(text, written):
    assert csv_text(text) == written
