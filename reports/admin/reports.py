"""The editors' admin: reports with their sections and the standard tables as the official grid."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.html import format_html_join
from import_export.admin import ImportExportMixin
from import_export.formats.base_formats import CSV, XLSX
from rules.contrib.admin import ObjectPermissionsModelAdminMixin, ObjectPermissionsStackedInline

from reports import format as fmt
from reports.admin.document_import import DocumentImportViews
from reports.admin.resources import ReportResource, TableCellResource
from reports.admin.spreadsheet_forms import SpreadsheetExportForm
from reports.models import FreeTable, Publisher, Region, Report, Section
from reports.selectors.access import publishers_visible_to, regions_visible_to, reports_visible_to
from reports.selectors.editors import provinces_with_reports, stored_cells
from reports.selectors.versions import report_versions, snapshot_diff, version_get
from reports.services import workflow
from reports.services.reports import report_confirm_cells, report_save, reports_delete


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
            values = stored_cells([self.instance.pk]).get(self.instance.pk, {})
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
        for code in ALL_CELL_CODES:
            value = cleaned.get(cell_field_name(*code))
            if value is None or code[0] not in tables or not tables[code[0]].has(code[1], code[2]):
                continue
            # Named as every write path names a cell (format/values.py): table, row and column.
            for error in fmt.cell_errors(edition, code, value):
                self.add_error(cell_field_name(*code), error)
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


class SectionInline(ObjectPermissionsStackedInline):
    model = Section
    extra = 0
    fields = (("position", "number", "heading"), "body")
    ordering = ("position", "id")


class FreeTableInline(ObjectPermissionsStackedInline):
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
class ReportAdmin(ObjectPermissionsModelAdminMixin, ImportExportMixin, admin.ModelAdmin):
    form = ReportAdminForm
    change_form_template = "admin/reports/report/change_form.html"
    # "导入报告" (documents, with a preview) next to import-export's spreadsheet 导入/导出.
    change_list_template = "admin/reports/report/change_list.html"
    resource_classes = (ReportResource, TableCellResource)
    formats = (CSV, XLSX)
    export_form_class = SpreadsheetExportForm
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
    readonly_fields = ("status", "created_at", "updated_at", "import_warnings_list", "workflow_state")
    date_hierarchy = "published_on"
    inlines = (SectionInline, FreeTableInline)
    actions = ("submit_reports", "approve_reports")
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "title",
                    ("kind", "edition", "year"),
                    ("publisher", "region"),
                    "status",
                    "change_reason",
                )
            },
        ),
        ("审核", {"fields": ("workflow_state",)}),
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

    @admin.display(description="审核情况")
    def workflow_state(self, obj):
        if not obj:
            return "新建的报告保存后为草稿,编辑完成后提交审核。"
        lines = [f"状态:{obj.get_status_display()}"]
        if obj.revision_of_id:
            lines.append(f"这是已发布报告(编号 {obj.revision_of_id})的修订稿:审核通过后替换公开的版本并公布更正记录。")
        if obj.submitted_at:
            lines.append(f"提交审核:{obj.submitted_by or '—'},{obj.submitted_at:%Y-%m-%d %H:%M}")
        if obj.review_comment:
            lines.append(f"审核意见(退回修改):{obj.review_comment}")
        if obj.withdrawn_reason:
            lines.append(f"撤回原因:{obj.withdrawn_reason}")
        return format_html_join("", "<p>{}</p>", ((line,) for line in lines))

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
        return reports_visible_to(request.user, super().get_queryset(request).with_has_cells())

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # The choices an editor may pick (and the POST may name): their scope's publishers and regions.
        if db_field.name == "publisher":
            kwargs["queryset"] = publishers_visible_to(request.user)
        elif db_field.name == "region":
            kwargs["queryset"] = regions_visible_to(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_import_permission(self, request):
        return request.user.has_perm("reports.import_report")

    def has_export_permission(self, request):
        return request.user.has_perm("reports.view_report")

    def get_urls(self):
        views = DocumentImportViews(self)
        wrap = self.admin_site.admin_view
        return [
            path("import-documents/", wrap(views.upload), name="reports_report_import_documents"),
            path("import-documents/<str:token>/", wrap(views.preview), name="reports_report_import_preview"),
            path("<path:object_id>/workflow/<str:step>/", wrap(self.workflow_view), name="reports_report_workflow"),
            path("<path:object_id>/compare/", wrap(self.compare_view), name="reports_report_compare"),
            *super().get_urls(),
        ]

    # --- the review workflow -------------------------------------------------------------------

    STEPS = {
        "submit": lambda report, user, text: workflow.report_submit(report=report, user=user),
        "approve": lambda report, user, text: workflow.report_approve(report=report, user=user),
        "reject": lambda report, user, text: workflow.report_reject(report=report, user=user, comment=text),
        "withdraw": lambda report, user, text: workflow.report_withdraw_by(report=report, user=user, reason=text),
        "revise": lambda report, user, text: workflow.report_revise(report=report, user=user),
    }
    STEP_DONE = {
        "submit": "已提交审核。",
        "approve": "审核通过,已发布。",
        "reject": "已退回修改,编辑会看到审核意见。",
        "withdraw": "已撤回,公众访问该报告时将看到撤回说明。",
        "revise": "已创建修订稿:修改后提交审核,通过后替换公开的版本。",
        "revert": "已恢复到所选版本(保存为新版本)。",
    }

    def _visible(self, request, object_id) -> Report:
        report = self.get_queryset(request).filter(pk=object_id).select_related("publisher").first()
        if report is None:
            raise Http404("没有这份报告,或它不在您的管辖范围内。")
        return report

    def workflow_view(self, request, object_id, step):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        return _workflow_post(self, request, object_id, step)

    def compare_view(self, request, object_id):
        """Two versions side by side, in the national format's Chinese names."""
        report = self._visible(request, object_id)
        versions = list(report_versions(report))
        try:
            a = int(request.GET.get("a") or (versions[1].number if len(versions) > 1 else 0))
            b = int(request.GET.get("b") or (versions[0].number if versions else 0))
        except ValueError:
            a = b = 0
        old, new = version_get(report, a), version_get(report, b)
        changes = snapshot_diff(old.snapshot, new.snapshot) if old and new else []
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"版本比较:{report.title}",
            "report": report,
            "versions": versions,
            "old": old,
            "new": new,
            "changes": changes,
            "can_revert": request.user.has_perm("reports.change_report", report),
        }
        return render(request, "admin/reports/report/compare.html", context)

    def history_view(self, request, object_id, extra_context=None):
        """The report's versions (every save that changed it) with the difference between any two."""
        self._visible(request, object_id)
        return HttpResponseRedirect(reverse("admin:reports_report_compare", args=[object_id]))

    def log_addition(self, request, obj, message):
        pass  # the audit log and the versions record every write (services); LogEntry would repeat them

    def log_change(self, request, obj, message):
        pass

    def log_deletions(self, request, queryset):
        pass

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
        context["grid_editable"] = self.has_change_permission(request, obj) if obj else self.has_add_permission(request)
        if obj is not None:
            user = request.user
            context["workflow_steps"] = [
                (step, label, needs_text)
                for step, perm, label, needs_text in (
                    ("submit", "submit_report", "提交审核", ""),
                    ("approve", "review_report", "审核通过并发布", ""),
                    ("reject", "review_report", "退回修改", "审核意见(必填,编辑会看到)"),
                    ("withdraw", "withdraw_report", "撤回", "撤回原因(必填,向公众说明)"),
                    ("revise", "revise_report", "修订(创建修订稿)", ""),
                )
                if user.has_perm(f"reports.{perm}", obj)
            ]
        return super().render_change_form(request, context, *args, obj=obj, **kwargs)

    @admin.action(description="提交所选报告审核")
    def submit_reports(self, request, queryset):
        self._apply(request, queryset, "submit")

    @admin.action(description="审核通过并发布所选报告")
    def approve_reports(self, request, queryset):
        self._apply(request, queryset, "approve")

    def _apply(self, request, queryset, step):
        ok = 0
        for report in queryset.select_related("publisher"):
            try:
                self.STEPS[step](report, request.user, "")
                ok += 1
            except (ValidationError, PermissionDenied) as e:
                problem = "; ".join(e.messages) if isinstance(e, ValidationError) else str(e)
                self.message_user(request, f"{report.title}:{problem}", messages.ERROR)
        if ok:
            self.message_user(request, f"{ok} 份报告{self.STEP_DONE[step]}", messages.SUCCESS)


def _workflow_post(model_admin: ReportAdmin, request, object_id, step):
    """One step of the workflow on one report, from the buttons of its change page (POST, CSRF)."""
    report = model_admin._visible(request, object_id)
    text = request.POST.get("text", "")
    target = report
    try:
        if step == "revert":
            version = version_get(report, int(request.POST.get("version") or 0))
            if version is None:
                raise ValidationError("没有这个版本。")
            workflow.report_revert(report=report, version=version, user=request.user)
        elif step in model_admin.STEPS:
            result = model_admin.STEPS[step](report, request.user, text)
            target = result if step in ("revise", "approve") else report
        else:
            raise Http404("未知的操作")
    except PermissionDenied as e:
        model_admin.message_user(request, str(e) or "您无权执行这项操作。", messages.ERROR)
    except (ValidationError, ValueError) as e:
        problem = "; ".join(e.messages) if isinstance(e, ValidationError) else "版本号无效"
        model_admin.message_user(request, problem, messages.ERROR)
    else:
        model_admin.message_user(request, model_admin.STEP_DONE[step], messages.SUCCESS)
    return HttpResponseRedirect(reverse("admin:reports_report_change", args=[target.pk]))


@admin.register(Publisher)
class PublisherAdmin(admin.ModelAdmin):
    list_display = ("name", "region", "kind", "report_count")
    list_filter = ("kind",)
    search_fields = ("name", "region__name")
    autocomplete_fields = ("region",)

    def get_queryset(self, request):
        qs = (
            super().get_queryset(request).select_related("region").annotate(n_reports=Count("reports")).order_by("name")
        )
        return publishers_visible_to(request.user, qs)

    @admin.display(description="报告数", ordering="n_reports")
    def report_count(self, obj):
        return obj.n_reports


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "level", "path_names")
    list_filter = ("level",)
    search_fields = ("code", "name")
    readonly_fields = ("code", "name", "level", "parent", "path_names")

    def get_queryset(self, request):
        return regions_visible_to(request.user, super().get_queryset(request))

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
