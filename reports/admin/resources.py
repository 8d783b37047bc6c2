"""django-import-export resources: spreadsheets (CSV, XLSX) of reports and of their table numbers.

Two sheets an editor can export, edit and import back without loss:

* :class:`ReportResource` — one row per report: its metadata (标题, 年度, 发布机构, 地区 …).
* :class:`TableCellResource` — the long form of FORMAT.md, one row per number:
  ``report_id, year, region_code, table, row, column, value``. ``year`` and ``region_code`` say
  which report a row belongs to for people; on import they must agree with the report. The rows
  are generated from each report's stored numbers (one JSON document per report, ReportNumbers)
  and read back into them: a row is a :class:`~reports.selectors.editors.LongFormCell`.

Every row is checked before anything is written, and an error names the row's bad value
(unknown code, not a number, report not found). Numbers are written through
:func:`reports.report_update_values`, one report at a time, which stores them the way
the admin grid does and recomputes the consistency checks; the whole file is one transaction, so
a file with an error changes nothing.
"""

from __future__ import annotations

from collections import defaultdict

from django.contrib.admin.models import ADDITION, CHANGE
from django.core.exceptions import ValidationError
from import_export import fields, instance_loaders, resources, widgets

from reports import format as fmt
from reports.models import Report, ReportStatus
from reports.selectors.access import region_in_scope
from reports.selectors.editors import (
    LongFormCell,
    cells_for_export,
    reports_by_id,
    reports_for_spreadsheet,
    stored_cells,
)
from reports.selectors.regions import region_find
from reports.services.audit import log_actions
from reports.services.reports import (
    publisher_get_or_create,
    report_dates_validate,
    report_save,
    report_update_values,
)

_REFUSED = "您无权修改报告 {pk}:它不在您的管辖范围内,或已提交审核或已发布(已发布的报告请在编辑页“修订”,经审核后生效)"


def _scope_errors(user, row, region_code: str) -> dict[str, str]:
    """What the account may not do with this report row: change a report outside its scope or not a
    draft, create one, or file one under a region outside its scope."""
    errors = {}
    raw_id = str(row.get("id") or "").strip().removesuffix(".0")
    report = reports_by_id([int(raw_id)]).get(int(raw_id)) if raw_id.isascii() and raw_id.isdigit() else None
    if report is not None and not user.has_perm("reports.change_report", report):
        errors["id"] = _REFUSED.format(pk=report.pk)
    elif report is None and not user.has_perm("reports.add_report"):
        errors["id"] = "您无权新建报告"
    if region_code and not region_in_scope(user, region_code):
        errors["region_code"] = f"地区“{region_code}”不在您的管辖范围内"
    return errors


# Reading order of the national format, for a sheet that reads like the report.
_ORDER = {code: i for i, code in enumerate(dict.fromkeys(c for e in fmt.EDITIONS for c in fmt.all_codes(e)))}


def _edition_of(code: tuple[str, str, str]) -> str | None:
    try:
        return fmt.code_table(code)[0]
    except KeyError:
        return None


def require_headers(resource: resources.Resource, dataset) -> None:
    """A sheet without the columns that say which record each row is is refused, in Chinese, before
    any row is read (django-import-export's own message for it cannot be translated)."""
    headers = {str(h).strip() for h in dataset.headers or ()}
    needed = [resource.fields[name].column_name for name in resource.get_import_id_fields()]
    missing = [name for name in needed if name not in headers]
    if missing:
        columns = ", ".join(f.column_name for f in resource.get_import_fields())
        raise ValueError(f"文件的表头缺少这些列:{', '.join(missing)}。请以导出的表格为模板,表头为:{columns}。")


class CellValueWidget(widgets.Widget):
    """A table number: ``39,908``, ``６`` and ``6858.05`` read; blank, — or 无 are a blank cell."""

    def clean(self, value, row=None, **kwargs):
        if value is None:
            return None
        text = str(value).strip()
        if isinstance(value, float) and value.is_integer():
            text = str(int(value))  # spreadsheet programs hand integers over as floats
        try:
            return fmt.parse_value(text)
        except ValueError:
            raise ValueError(f"“{text}”不是数字") from None

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        kind = fmt.code_kind((obj.table, obj.row, obj.column)) if obj is not None else fmt.INTEGER
        return fmt.format_value(value, kind)


class TableCellResource(resources.Resource):
    """The long form: one row per number of the standard tables (a row is a LongFormCell, not a model)."""

    report_id = fields.Field(attribute="report_id", column_name="report_id", widget=widgets.IntegerWidget())
    year = fields.Field(column_name="year", readonly=True)
    region_code = fields.Field(column_name="region_code", readonly=True)
    table = fields.Field(attribute="table", column_name="table")
    row = fields.Field(attribute="row", column_name="row")
    column = fields.Field(attribute="column", column_name="column")
    value = fields.Field(attribute="value", column_name="value", widget=CellValueWidget())

    class Meta:
        instance_loader_class = instance_loaders.BaseInstanceLoader  # get_instance reads self._stored
        name = "表格数值(长表:report_id, year, region_code, table, row, column, value)"
        fields = ("report_id", "year", "region_code", "table", "row", "column", "value")
        import_id_fields = ("report_id", "table", "row", "column")
        clean_model_instances = False
        use_transactions = True
        skip_unchanged = True
        report_skipped = False

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._reports: dict[int, Report] = {}
        self._refused: set[int] = set()
        self._pending: dict[int, dict] = defaultdict(dict)
        self._stored: dict[int, dict] = {}

    @classmethod
    def get_display_name(cls):
        return cls._meta.name  # what the admin's import and export forms list (ModelResource has it)

    # --- export ------------------------------------------------------------------------------

    def dehydrate_year(self, cell):
        return cell.report.year

    def dehydrate_region_code(self, cell):
        return cell.report.region_id

    def export(self, queryset=None, **kwargs):
        """From the report list the admin hands over reports (all when none): export their numbers."""
        if queryset is None or getattr(queryset, "model", None) is Report:
            queryset = cells_for_export(queryset)
        cells = sorted(
            queryset,
            key=lambda c: (c.report_id, _ORDER.get((c.table, c.row, c.column), len(_ORDER))),
        )
        return super().export(queryset=cells, **kwargs)

    # --- import ------------------------------------------------------------------------------

    def before_import(self, dataset, **kwargs):
        require_headers(self, dataset)
        ids = set()
        for value in dataset["report_id"] if "report_id" in (dataset.headers or ()) else ():
            try:
                ids.add(int(float(str(value).strip())))
            except (TypeError, ValueError):
                continue
        self._reports = reports_by_id(ids)
        user = kwargs.get("user")
        if user is not None:
            # Only the drafts of the account's scope take numbers from a sheet: a published report
            # changes through a reviewed revision, never in place.
            self._refused = {pk for pk, r in self._reports.items() if not user.has_perm("reports.change_report", r)}
        self._stored = stored_cells(self._reports)
        self._pending.clear()

    def init_instance(self, row=None):
        return LongFormCell()

    def get_instance(self, instance_loader, row):
        """The stored number of the row's report and cell (None when that cell is not stored: a new row)."""
        try:
            report_id = int(float(str(row.get("report_id") or "").strip()))
        except ValueError:
            return None
        code = tuple(str(row.get(k) or "").strip() for k in ("table", "row", "column"))
        stored = self._stored.get(report_id, {})
        if code not in stored:
            return None
        return LongFormCell(report_id, *code, stored[code])

    def before_import_row(self, row, **kwargs):
        """Check a row against its report's edition; the error names the bad value."""
        errors: dict[str, str | list[str]] = {}
        raw_id = str(row.get("report_id") or "").strip()
        try:
            report = self._reports.get(int(float(raw_id)))
        except ValueError:
            report = None
            errors["report_id"] = f"“{raw_id}”不是报告编号"
        else:
            if report is None:
                errors["report_id"] = f"报告 {raw_id or '(空)'} 不存在"
            elif report.pk in self._refused:
                errors["report_id"] = _REFUSED.format(pk=report.pk)
                report = None
        code = tuple(str(row.get(k) or "").strip() for k in ("table", "row", "column"))
        row.update(dict(zip(("table", "row", "column"), code, strict=True)))
        if report is not None:
            tables = fmt.tables_for(report.edition)
            if code[0] not in tables:
                errors["table"] = f"未知的表格代码“{code[0]}”(可用:{', '.join(tables) or '无'})"
            elif not tables[code[0]].has(code[1], code[2]):
                errors["row"] = (
                    f"“{'.'.join(code)}”不是{fmt.EDITION_LABELS[report.edition]}中的表格项(报告 {report.pk})"
                )
            for key, expected in (("year", report.year), ("region_code", report.region_id)):
                given = str(row.get(key) or "").strip()
                if given and given.removesuffix(".0") != str(expected):
                    errors[key] = (
                        f"“{given}”与报告 {report.pk} 的{'年度' if key == 'year' else '地区代码'}({expected})不符"
                    )
        try:
            value = self.fields["value"].widget.clean(row.get("value"))
        except ValueError as e:
            errors["value"] = str(e)
        else:
            # Named as the services name a cell: table, row and column in Chinese (a row whose report
            # is unknown is checked against the newest edition that has the code).
            edition = report.edition if report is not None else _edition_of(code)
            if edition and "table" not in errors and "row" not in errors:
                problems = fmt.cell_errors(edition, code, value)
                if problems:
                    errors["value"] = problems
        if errors:
            raise ValidationError(errors)

    def skip_row(self, instance, original, row, import_validation_errors=None):
        if import_validation_errors:
            return False
        return original is not None and original.value == instance.value

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        if import_validation_errors:
            raise ValidationError(import_validation_errors)

    def save_instance(self, instance, is_create, row, **kwargs):
        # Numbers are written per report by the service in after_import, not cell by cell.
        self._pending[instance.report_id][(instance.table, instance.row, instance.column)] = instance.value

    def after_import(self, dataset, result, **kwargs):
        if result.has_errors() or result.has_validation_errors() or kwargs.get("dry_run"):
            return
        for report_id, values in self._pending.items():
            report = self._reports[report_id]
            report_update_values(report=report, values=values)
        log_actions(
            user=kwargs.get("user"),
            objects=[self._reports[i] for i in self._pending],
            flag=CHANGE,
            message="通过表格导入更新了表格数值",
        )


class ReportResource(resources.ModelResource):
    """One row per report: the metadata an editor may correct in a spreadsheet."""

    id = fields.Field(attribute="id", column_name="id", widget=widgets.IntegerWidget())
    kind = fields.Field(attribute="kind", column_name="kind")
    edition = fields.Field(attribute="edition", column_name="edition", readonly=True)
    year = fields.Field(attribute="year", column_name="year", widget=widgets.IntegerWidget())
    title = fields.Field(attribute="title", column_name="title")
    publisher = fields.Field(column_name="publisher")
    region_code = fields.Field(attribute="region_id", column_name="region_code")
    index_no = fields.Field(attribute="index_no", column_name="index_no")
    document_no = fields.Field(attribute="document_no", column_name="document_no")
    written_on = fields.Field(attribute="written_on", column_name="written_on", widget=widgets.DateWidget("%Y-%m-%d"))
    published_on = fields.Field(
        attribute="published_on", column_name="published_on", widget=widgets.DateWidget("%Y-%m-%d")
    )
    status = fields.Field(attribute="status", column_name="status", readonly=True)
    source_url = fields.Field(attribute="source_url", column_name="source_url")
    checks_failed = fields.Field(attribute="checks_failed", column_name="checks_failed", readonly=True)

    class Meta:
        model = Report
        name = "报告信息(每份报告一行)"
        fields = (
            "id",
            "kind",
            "edition",
            "year",
            "title",
            "publisher",
            "region_code",
            "index_no",
            "document_no",
            "written_on",
            "published_on",
            "status",
            "source_url",
            "checks_failed",
        )
        import_id_fields = ("id",)
        clean_model_instances = True
        use_transactions = True
        skip_unchanged = True
        report_skipped = False

    def before_import(self, dataset, **kwargs):
        require_headers(self, dataset)
        super().before_import(dataset, **kwargs)

    def dehydrate_publisher(self, report):
        return report.publisher.name

    def get_queryset(self):
        return reports_for_spreadsheet()

    def before_import_row(self, row, **kwargs):
        errors = {}
        code = str(row.get("region_code") or "").strip().removesuffix(".0")
        row["region_code"] = code
        if region_find(code) is None:
            errors["region_code"] = f"地区代码“{code}”不在行政区划代码表中"
        user = kwargs.get("user")
        if user is not None:
            errors.update(_scope_errors(user, row, code))
        if not str(row.get("publisher") or "").strip():
            errors["publisher"] = "发布机构不能为空"
        for key in ("title", "kind", "index_no", "document_no", "source_url"):
            if key in row and row[key] is None:
                row[key] = ""  # an empty spreadsheet cell is an empty text, not NULL
        if errors:
            raise ValidationError(errors)

    def import_instance(self, instance, row, **kwargs):
        super().import_instance(instance, row, **kwargs)
        name = str(row.get("publisher") or "").strip()
        current = instance.publisher if instance.publisher_id else None
        if current is None or current.name != name or current.region_id != instance.region_id:
            region = region_find(instance.region_id)
            instance.publisher = publisher_get_or_create(name=name, region=region)

    def skip_row(self, instance, original, row, import_validation_errors=None):
        if import_validation_errors or original is None or not original.pk:
            return False
        return all(
            getattr(instance, f) == getattr(original, f)
            for f in (
                "kind",
                "year",
                "title",
                "publisher_id",
                "region_id",
                "index_no",
                "document_no",
                "written_on",
                "published_on",
                "source_url",
            )
        )

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        """The model's checks, and the services' own: 发布日期 may not come before 成文日期 (named once,
        whether or not the model checks it too)."""
        errors: dict = {}
        try:
            super().validate_instance(instance, import_validation_errors, validate_unique)
        except ValidationError as e:
            errors = e.update_error_dict(errors)
        try:
            report_dates_validate(report=instance)
        except ValidationError as e:
            named = ValidationError(errors["published_on"]).messages if "published_on" in errors else []
            if not set(e.messages) <= set(named):
                errors = e.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def before_save_instance(self, instance, row, **kwargs):
        if not instance.pk:
            instance.edition = fmt.edition_for_year(instance.year)
            instance.status = ReportStatus.DRAFT

    def do_instance_save(self, instance, is_create):
        report_save(report=instance)

    def after_import(self, dataset, result, **kwargs):
        super().after_import(dataset, result, **kwargs)
        if result.has_errors() or result.has_validation_errors() or kwargs.get("dry_run"):
            return
        for import_type, flag in (("new", ADDITION), ("update", CHANGE)):
            objects = [r.instance for r in result.rows if r.import_type == import_type and r.instance is not None]
            log_actions(user=kwargs.get("user"), objects=objects, flag=flag, message="通过表格导入")
