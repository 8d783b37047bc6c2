"""manage.py export_reports writes the bulk open data (reports/management/commands/export_reports.py)."""

import io

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from reports.tests.conftest import csv_rows

pytestmark = pytest.mark.django_db


def test_export_command_writes_the_same_data(three_reports, tmp_path):
    """manage.py export_reports: CSV and JSON Lines to stdout or a file, XLSX to a file."""
    out = io.StringIO()
    call_command("export_reports", "--format", "csv", "--region", "520000", "--year", "2023", stdout=out)
    rows = csv_rows(out.getvalue().encode())
    assert len({r[0] for r in rows[1:]}) == 2

    target = tmp_path / "all.jsonl"
    call_command("export_reports", "--format", "json", "--output", str(target))
    assert len(target.read_text(encoding="utf-8").splitlines()) == 4

    target = tmp_path / "guangdong.xlsx"
    call_command("export_reports", "--format", "xlsx", "--region", "440000", "--output", str(target))
    wb = load_workbook(target)
    assert [r[2] for r in wb["报告"].iter_rows(min_row=2, values_only=True)] == ["湛江市人民政府"]

    with pytest.raises(CommandError, match="--year"):
        call_command("export_reports", "--year", "abc", stdout=io.StringIO())
