"""The editors' admin: reports with their sections and the standard tables as the official grid."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.urls import path
from django.utils.html import format_html_join
from import_export.admin import ImportExportMixin
from import_export.formats.base_formats import CSV, XLSX

from reports import format as fmt
from reports.admin.document_import import DocumentImportViews
from reports.admin.resources import ReportResource, TableCellResource
from reports.models import FreeTable, Publisher, Region, Report, Section
from reports.selectors.editors import provinces_with_reports
from reports.services.reports import (
    report_confirm_cells,
    report_publish,
    report_save,
    report_withdraw,
    reports_delete,
)


def cell_field_name(table: str, row: str, column: str) -> str:
    return f"cell__{table}__{row}__{column}"


# The union of both editions' codes: switching a report's edition keeps the form's fields valid.
ALL_CELL_CODES = fmt.editor_codes()


class ReportAdminForm(forms.ModelForm):
    confirm_recognised = forms.BooleanField(
        required=False,
        label="我已对照原件逐格核对了文字识别(OCR)读出的全部单元格",
        help_text="标黄的单元格由扫描件识别而来;改过的单元格保存后自动视为已核对。",
    )

    class Meta:
        model = Report
        fields = "__all__"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        values = {}
        if self.instance.pk:
            values = self.instance.cells.values_dict()
        self.stored_values = values
        for table, row, column in ALL_CELL_CODES:
            self.fields[cell_field_name(table, row, column)] = forms.DecimalField(
                required=False,
                max_digits=24,
                decimal_places=fmt.MAX_DECIMALS,
                label=f"{table}.{row}.{column}",
                initial=fmt.format_value(values.get((table, row, column)), fmt.code_kind((table, row, column))),
                widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 6, "class": "cell-input"}),
            )

    def clean(self):
        cleaned = super().clean()
        edition = cleaned.get("edition") or self.instance.edition
        tables = fmt.tables_for(edition)
        for table, row, column in ALL_CELL_CODES:
            value = cleaned.get(cell_field_name(table, row, column))
            if value is None or table not in tables or not tables[table].has(row, column):
                continue
            problem = fmt.number_error(value, tables[table].column(row, column))
            if problem:
                self.add_error(
                    cell_field_name(table, row, column), f"{tables[table].cell_label(row, column)}: {problem}"
                )
        return cleaned

    def changed_cells(self) -> list[tuple[str, str, str]]:
        """The cells whose number the editor changed in this form (a blank is not 0)."""
        return [
            code
            for code in ALL_CELL_CODES
            if self.cleaned_data.get(cell_field_name(*code)) != self.stored_values.get(code)
        ]

    def cell_values(self, edition: str) -> dict:
        """The grid's numbers for ``edition``; an empty input is a blank cell, not 0."""
        tables = fmt.tables_for(edition)
        return {
            (t, r, c): self.cleaned_data.get(cell_field_name(t, r, c))
            for (t, r, c) in ALL_CELL_CODES
            if t in tables and tables[t].has(r, c)
        }


class SectionInline(admin.StackedInline):
    model = Section
    extra = 0
    fields = (("position", "number", "heading"), "body")
    ordering = ("position", "id")


class FreeTableInline(admin.StackedInline):
    model = FreeTable
    extra = 0
    fields = (("position", "caption", "header_rows"), "rows")
    classes = ("collapse",)


class ProvinceFilter(admin.SimpleListFilter):
    title = "省份"
    parameter_name = "province"

    def lookups(self, request, model_admin):
        return [(r.code, r.name) for r in provinces_with_reports()]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.in_region(self.value())
        return queryset


@admin.register(Report)
class ReportAdmin(ImportExportMixin, admin.ModelAdmin):
    form = ReportAdminForm
    change_form_template = "admin/reports/report/change_form.html"
    # "导入报告" (documents, with a preview) next to import-export's spreadsheet 导入/导出.
    change_list_template = "admin/reports/report/change_list.html"
    resource_classes = (ReportResource, TableCellResource)
    formats = (CSV, XLSX)
    # The resources log what they change themselves (cells are rewritten per report by a service).
    skip_admin_log = True
    list_display = (
        "title",
        "year",
        "region_name",
        "kind",
        "status",
        "checks_column",
        "published_on",
    )
    list_filter = ("year", "kind", "status", ProvinceFilter)
    search_fields = ("title", "publisher__name")
    list_select_related = ("region", "publisher")
    autocomplete_fields = ("publisher", "region")
    readonly_fields = ("created_at", "updated_at", "import_warnings_list")
    date_hierarchy = "published_on"
    inlines = (SectionInline, FreeTableInline)
    actions = ("publish_reports", "withdraw_reports")
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "title",
                    ("kind", "edition", "year"),
                    ("publisher", "region"),
                    "status",
                )
            },
        ),
        (
            "信息属性",
            {
                "fields": (
                    ("index_no", "document_no"),
                    ("written_on", "published_on"),
                    "source_url",
                    "original_file",
                )
            },
        ),
        ("导入提示", {"fields": ("import_warnings_list",)}),
        ("记录", {"fields": (("created_at", "updated_at"),), "classes": ("collapse",)}),
    )

    @admin.display(description="导入时的提示")
    def import_warnings_list(self, obj):
        if not obj or not obj.import_warnings:
            return "无"
        return format_html_join("", "<p>• {}</p>", ((w,) for w in obj.import_warnings))

    @admin.display(description="所属地区", ordering="region__code")
    def region_name(self, obj):
        return obj.region.full_name

    @admin.display(description="校验", ordering="checks_failed")
    def checks_column(self, obj):
        if obj.checks_failed:
            return f"✗ {obj.checks_failed} 项不符"
        # Nothing to check is not the same as passing: old-format reports and lost tables.
        return "✓" if obj.has_cells else "—"

    def delete_model(self, request, obj):
        reports_delete(reports=[obj])

    def delete_queryset(self, request, queryset):
        reports_delete(reports=list(queryset))

    def get_queryset(self, request):
        return super().get_queryset(request).with_has_cells()

    def get_urls(self):
        views = DocumentImportViews(self)
        wrap = self.admin_site.admin_view
        return [
            path("import-documents/", wrap(views.upload), name="reports_report_import_documents"),
            path("import-documents/<str:token>/", wrap(views.preview), name="reports_report_import_preview"),
            *super().get_urls(),
        ]

    def save_model(self, request, obj, form, change):
        # Saved with its sections, free tables and numbers in save_related: one write, one check.
        pass

    def save_related(self, request, form, formsets, change):
        report = form.instance
        parts = {}
        for formset in formsets:
            # commit=False writes nothing; it records what changed for the admin's change message.
            formset.save(commit=False)  # not the ORM: commit=False writes nothing
            kept = [f for f in formset.forms if f not in formset.deleted_forms and (f.instance.pk or f.has_changed())]
            parts[formset.model] = [f.instance for f in kept]
        results = report_save(
            report=report,
            sections=parts.get(Section),
            free_tables=parts.get(FreeTable),
            values=form.cell_values(report.edition),
        )
        if form.cleaned_data.get("confirm_recognised"):
            report_confirm_cells(report=report)
        elif report.unconfirmed_cells:
            report_confirm_cells(report=report, cells=form.changed_cells())
        for result in results:
            if not result.ok:
                cells = "、".join(fmt.tables_for(report.edition)[t].cell_label(r, c) for t, r, c in result.cells)
                self.message_user(
                    request,
                    f"{result.detail}。涉及单元格:{cells}。已保存,请核对。",
                    messages.WARNING,
                )

    def render_change_form(self, request, context, *args, obj=None, **kwargs):
        form = context["adminform"].form
        edition = (obj.edition if obj else None) or form.initial.get("edition") or fmt.EDITION_2021
        if form.is_bound and form.data.get("edition") in fmt.EDITIONS:
            edition = form.data["edition"]
        context["cell_tables"] = [(t, fmt.layout_grid(t)) for t in fmt.tables_for(edition).values()]
        context["cell_form"] = form
        context["unconfirmed"] = {".".join(code) for code in (obj.unconfirmed_cells if obj else [])}
        return super().render_change_form(request, context, *args, obj=obj, **kwargs)

    @admin.action(description="发布所选报告")
    def publish_reports(self, request, queryset):
        self._apply(request, queryset, report_publish, "已发布")

    @admin.action(description="撤回所选报告")
    def withdraw_reports(self, request, queryset):
        self._apply(request, queryset, report_withdraw, "已撤回")

    def _apply(self, request, queryset, service, done):
        ok = 0
        for report in queryset.select_related("publisher"):
            try:
                service(report=report)
                ok += 1
            except ValidationError as e:
                self.message_user(request, f"{report.title}:{'; '.join(e.messages)}", messages.ERROR)
        if ok:
            self.message_user(request, f"{done} {ok} 份报告。", messages.SUCCESS)


@admin.register(Publisher)
class PublisherAdmin(admin.ModelAdmin):
    list_display = ("name", "region", "kind", "report_count")
    list_filter = ("kind",)
    search_fields = ("name", "region__name")
    autocomplete_fields = ("region",)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("region").annotate(n_reports=Count("reports"))

    @admin.display(description="报告数", ordering="n_reports")
    def report_count(self, obj):
        return obj.n_reports


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "level", "path_names")
    list_filter = ("level",)
    search_fields = ("code", "name")
    readonly_fields = ("code", "name", "level", "parent", "path_names")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
