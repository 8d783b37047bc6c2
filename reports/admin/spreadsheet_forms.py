"""The spreadsheet export page in Chinese: each column to choose is named in Chinese, with the name it
carries in the file (the long form's headers are the open-data format's and stay as they are).

django-import-export titles a column by its field name ("Region Code"); ``ReportAdmin`` hands it
this form instead (``export_form_class``).
"""

from __future__ import annotations

from import_export.forms import SelectableFieldsExportForm

# The spreadsheets' columns (both sheets), as an editor calls them.
COLUMN_LABELS = {
    "id": "报告编号",
    "report_id": "报告编号",
    "kind": "类别",
    "edition": "格式版本",
    "year": "年度",
    "title": "标题",
    "publisher": "发布机构",
    "region_code": "地区代码",
    "index_no": "索引号",
    "document_no": "文号",
    "written_on": "成文日期",
    "published_on": "发布日期",
    "status": "状态",
    "source_url": "来源网址",
    "checks_failed": "未通过的校验",
    "table": "表格代码",
    "row": "行代码",
    "column": "列代码",
    "value": "数值",
}


def column_label(column_name: str) -> str:
    """A column as the export page lists it: 地区代码(region_code)."""
    label = COLUMN_LABELS.get(column_name)
    return f"{label}({column_name})" if label else column_name


class SpreadsheetExportForm(SelectableFieldsExportForm):
    """The export form with every column named in Chinese."""

    def _get_field_label(self, resource, field_name: str) -> str:
        field = resource.fields.get(field_name)
        return column_label(field.column_name if field else field_name)
