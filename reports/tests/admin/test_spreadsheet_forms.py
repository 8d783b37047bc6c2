"""The spreadsheet pages in Chinese (reports/admin/spreadsheet_forms.py, the locale's catalog and the
import page's template)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from import_export.formats.base_formats import CSV, XLSX

from reports.admin.resources import ReportResource, TableCellResource
from reports.admin.spreadsheet_forms import SpreadsheetExportForm

pytestmark = pytest.mark.django_db


def test_every_column_to_export_is_named_in_chinese():
    """Each checkbox names its column in Chinese and with the header it has in the file."""
    form = SpreadsheetExportForm(formats=[CSV, XLSX], resources=[ReportResource, TableCellResource])
    labels = [f.label for name, f in form.fields.items() if getattr(f, "is_selectable_field", False)]
    assert labels[:3] == ["报告编号(id)", "类别(kind)", "格式版本(edition)"]
    assert "地区代码(region_code)" in labels and "发布日期(published_on)" in labels
    assert labels[-7:] == [
        "报告编号(report_id)",
        "年度(year)",
        "地区代码(region_code)",
        "表格代码(table)",
        "行代码(row)",
        "列代码(column)",
        "数值(value)",
    ]


def test_the_library_pages_speak_chinese(admin_client):
    """The strings django-import-export leaves untranslated (表格类型, 全选) come from the project's catalog."""
    html = admin_client.get("/admin/reports/report/export/").content.decode()
    assert "表格类型" in html and "全选" in html
    assert ">Resource" not in html and "Select all" not in html
    html = admin_client.get("/admin/").content.decode()
    assert "模型名称" in html and "Model name" not in html


def test_a_file_with_wrong_headers_is_refused_in_chinese_without_a_traceback(admin_client):
    """Headers that are not the long form's: the editor reads what is missing, not a Python traceback."""
    response = admin_client.post(
        "/admin/reports/report/import/",
        {"format": "0", "resource": "1", "import_file": SimpleUploadedFile("cells.csv", b"a,b\n1,2\n")},
    )
    html = response.content.decode()
    assert "文件的表头缺少这些列:report_id, table, row, column。请以导出的表格为模板" in html
    assert "Traceback" not in html and "import_id_fields" not in html
