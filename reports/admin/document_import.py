"""The editors' document import in the admin: upload → preview and correct → confirm.

Nothing is written to the database before the editor confirms. The uploaded bytes wait in a
folder of their own under a random token (kept in the editor's session, so one editor cannot
open another's batch); the folder is removed on confirm or abandon, and forgotten batches are
swept after a day. Each document is parsed again for every preview (parsing is fast and pure),
with the editor's corrections (region, year, kind) as the importer's options, and imported on
confirm through the same service as the command line, each document all or nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import PurePath

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html

from reports import format as fmt
from reports.admin.import_batch import Batch
from reports.importers import ParsedReport, UnreadableDocument
from reports.importers.dispatch import UPLOAD_SUFFIXES, parse_document
from reports.models import Region, Report, ReportKind
from reports.regions.names import region_index
from reports.selectors.editors import publisher_id_named
from reports.selectors.regions import region_find
from reports.selectors.reports import previous_year_values
from reports.services import imports

SOURCE_FORMATS = {
    "text": "文本",
    "html": "网页",
    "docx": "Word 文档",
    "pdf": "PDF",
    "pdf-ocr": "扫描件 PDF(经文字识别,数字待核对)",
    "doc": "Word 97-2003 文档(经 LibreOffice 转换)",
    "wps": "WPS 文字文档(经 LibreOffice 转换)",
    "rtf": "RTF 文档(经 LibreOffice 转换)",
    "odt": "OpenDocument 文档(经 LibreOffice 转换)",
    "xls": "Excel 97-2003 表格(经 LibreOffice 转换)",
    "et": "WPS 表格(经 LibreOffice 转换)",
    "ods": "OpenDocument 表格(经 LibreOffice 转换)",
}


# --- Forms ---------------------------------------------------------------------------------------


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": ",".join(sorted(s for s in UPLOAD_SUFFIXES if s))})
        )
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(d, initial) for d in data]
        return [single(data, initial)]


class UploadForm(forms.Form):
    files = MultipleFileField(
        label="文件",
        help_text="可一次选择多个文件:网页(.html/.htm)、Word(.docx)、文本(.txt),或包含它们的 zip 压缩包。",
    )


ACTIONS = (("import", "导入为草稿"), ("replace", "替换已有报告"), ("skip", "跳过,不导入"))


class DocumentForm(forms.Form):
    """The editor's corrections to what was detected in one document."""

    region_code = forms.CharField(
        label="地区代码",
        required=False,
        max_length=6,
        widget=forms.TextInput(attrs={"size": 8, "inputmode": "numeric"}),
    )
    year = forms.IntegerField(
        label="年度",
        required=False,
        min_value=fmt.FIRST_YEAR,
        max_value=fmt.LAST_YEAR,
        widget=forms.NumberInput(attrs={"style": "width:6em"}),
    )
    kind = forms.ChoiceField(label="类别", choices=ReportKind.choices)
    publisher = forms.CharField(
        label="发布机构", required=False, max_length=200, widget=forms.TextInput(attrs={"size": 30})
    )
    action = forms.ChoiceField(label="处理", choices=ACTIONS, initial="import")

    def clean_region_code(self):
        code = self.cleaned_data["region_code"].strip()
        if code and region_find(code) is None:
            raise forms.ValidationError(f"“{code}”不是行政区划代码表中的六位代码")
        return code


# --- One document's preview -------------------------------------------------------------------------


@dataclass
class Preview:
    index: int
    name: str
    error: str = ""
    parsed: ParsedReport | None = None
    form: DocumentForm | None = None
    region: Region | None = None
    publisher: str = ""
    year: int | None = None
    kind: str = ""
    edition: str = ""
    existing: Report | None = None
    tables: list = field(default_factory=list)  # (table, grid, values by (row, column), bad cells)
    checks: list = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # what must be fixed before confirming
    candidates: list[tuple[str, str]] = field(default_factory=list)  # regions of an ambiguous name

    @property
    def prefix(self) -> str:
        return f"doc{self.index}"

    @property
    def kind_label(self) -> str:
        return ReportKind(self.kind).label if self.kind in ReportKind.values else self.kind

    @property
    def source_label(self) -> str:
        return SOURCE_FORMATS.get(self.parsed.source_format, "") if self.parsed else ""

    @property
    def edition_label(self) -> str:
        return fmt.EDITION_LABELS.get(self.edition, "")

    @property
    def region_path(self) -> str:
        return self.region.full_name if self.region else ""

    @property
    def failed_checks(self) -> list:
        return [c for c in self.checks if not c.ok]


def _corrections(document: dict) -> dict:
    c = document.get("corrections") or {}
    return {"region_code": c.get("region_code") or None, "year": c.get("year") or None, "kind": c.get("kind") or None}


def build_preview(batch: Batch, index: int, document: dict, data=None) -> Preview:
    """Parse one document with the editor's corrections and gather everything the preview shows."""
    preview = Preview(index, document["name"], document["error"])
    if preview.error:
        return preview
    options = _corrections(document)
    try:
        parsed = parse_document(
            document["name"], batch.data(document), max_bytes=settings.GOVOPEN_MAX_UPLOAD_BYTES, **options
        )
    except UnreadableDocument as e:
        preview.error = str(e)
        return preview
    except OSError:
        preview.error = "上传的文件已不在服务器上,请重新上传"
        return preview
    preview.parsed = parsed
    corrections = document.get("corrections") or {}
    preview.publisher = (corrections.get("publisher") or parsed.publisher or "").strip()
    preview.year = options["year"] or parsed.year
    preview.kind = options["kind"] or parsed.kind
    code = options["region_code"] or parsed.region_code
    preview.region = region_find(code) if code else None
    preview.edition = parsed.edition
    if preview.kind == ReportKind.ANNUAL_REPORT and preview.year and not parsed.values:
        preview.edition = fmt.edition_for_year(preview.year)
    preview.existing = imports.report_existing_for(
        parsed=parsed,
        region_code=code,
        year=preview.year,
        kind=preview.kind,
        publisher_name=preview.publisher,
    )
    if preview.kind == ReportKind.ANNUAL_REPORT:
        preview.checks = fmt.check(preview.edition, parsed.values)
        publisher_id = publisher_id_named(preview.publisher, code)
        previous = previous_year_values(publisher_id=publisher_id, year=preview.year) if publisher_id else None
        if previous is not None and preview.year:
            preview.checks += fmt.check_across_years(previous, (preview.edition, parsed.values))
        bad = {cell for c in preview.checks if not c.ok for cell in c.cells}
        for table in fmt.tables_for(preview.edition).values():
            values = {(r, c): v for (t, r, c), v in parsed.values.items() if t == table.code}
            if not values:
                continue  # a table the document lacks is named in the warnings, not drawn empty
            cells = {(r, c) for (t, r, c) in bad if t == table.code}
            unconfirmed = {(r, c) for (t, r, c) in parsed.unconfirmed if t == table.code}
            preview.tables.append((table, fmt.layout_grid(table), values, cells, unconfirmed))

    initial = {
        "region_code": code or "",
        "year": preview.year,
        "kind": preview.kind,
        "publisher": preview.publisher,
        "action": corrections.get("action") or ("skip" if preview.existing else "import"),
    }
    preview.form = DocumentForm(data=data, prefix=preview.prefix, initial=initial)
    if not preview.region:
        preview.problems.append("未能确定所属地区:请填写六位行政区划代码")
        preview.candidates = ambiguous_choices(preview)
    if not preview.publisher:
        preview.problems.append("未能识别发布机构:请填写")
    if preview.kind == ReportKind.ANNUAL_REPORT and not preview.year:
        preview.problems.append("未能识别报告年度:请填写")
    return preview


def ambiguous_choices(preview: Preview) -> list[tuple[str, str]]:
    """The regions an ambiguous name could mean, for the editor to choose from: (code, full name)."""
    if preview.parsed is None or preview.region:
        return []
    index = region_index()
    return [(c, index.full_name(c)) for c in preview.parsed.region_candidates if index.knows(c)]


# --- Views ------------------------------------------------------------------------------------------


class DocumentImportViews:
    """The three steps, bound to a ReportAdmin (for its admin site, context and permissions)."""

    def __init__(self, model_admin):
        self.admin = model_admin

    def _context(self, request, **extra):
        opts = self.admin.model._meta
        return {**self.admin.admin_site.each_context(request), "opts": opts, "app_label": opts.app_label, **extra}

    def _changelist(self, query: str = "") -> str:
        return reverse("admin:reports_report_changelist") + query

    def upload(self, request):
        if not request.user.has_perm("reports.import_report"):
            raise Http404
        form = UploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            batch = Batch.create(request, form.cleaned_data["files"])
            return HttpResponseRedirect(reverse("admin:reports_report_import_preview", args=[batch.token]))
        context = self._context(
            request,
            title="导入报告",
            form=form,
            max_mb=settings.GOVOPEN_MAX_UPLOAD_BYTES // 1048576,
        )
        return TemplateResponse(request, "admin/reports/report/import_upload.html", context)

    def preview(self, request, token: str):
        if not request.user.has_perm("reports.import_report"):
            raise Http404
        batch = Batch.load(request, token)
        if request.method == "POST" and "_abandon" in request.POST:
            batch.discard(request)
            messages.info(request, "已放弃本次导入,没有保存任何内容。")
            return HttpResponseRedirect(self._changelist())

        data = request.POST if request.method == "POST" else None
        if data is not None:
            # Corrections first: they are the importer's options, so the preview is parsed with them.
            forms_ok = True
            for i, document in enumerate(batch.documents):
                if document["error"] or f"doc{i}-kind" not in data:
                    continue  # no form was shown: the document cannot be read
                form = DocumentForm(data=data, prefix=f"doc{i}")
                if form.is_valid():
                    document["corrections"] = form.cleaned_data
                else:
                    forms_ok = False
            batch.write_manifest()
            if forms_ok and "_confirm" in data:
                previews = [build_preview(batch, i, d, data) for i, d in enumerate(batch.documents)]
                if self._confirmable(previews):
                    return self._confirm(request, batch, previews)
                return self._render(request, batch, previews)
            if forms_ok:
                return HttpResponseRedirect(request.path)
        previews = [build_preview(batch, i, d, data) for i, d in enumerate(batch.documents)]
        for preview in previews:
            if preview.form is not None and data is not None:
                preview.form.is_valid()
        return self._render(request, batch, previews)

    def _render(self, request, batch, previews):
        context = self._context(
            request,
            title="导入报告:预览与确认",
            batch=batch,
            previews=previews,
            importable=sum(1 for p in previews if p.form is not None),
        )
        return TemplateResponse(request, "admin/reports/report/import_preview.html", context)

    @staticmethod
    def _confirmable(previews: list[Preview]) -> bool:
        """Every document the editor wants imported has what an import needs; errors are put on the forms."""
        ok = True
        for p in previews:
            if p.form is None or not p.form.is_valid():
                continue
            action = p.form.cleaned_data["action"]
            if action == "skip":
                continue
            for problem in p.problems:
                p.form.add_error(None, problem)
                ok = False
            if p.existing is not None and action == "import":
                p.form.add_error(
                    "action", f"已存在同一发布机构、年度和类别的报告(编号 {p.existing.pk}),请选择替换或跳过"
                )
                ok = False
        return ok

    def _confirm(self, request, batch: Batch, previews: list[Preview]):
        counts = {"imported": 0, "replaced": 0, "skipped": 0, "failed": 0}
        for p in previews:
            if p.form is None:
                counts["failed"] += 1
                continue
            c = p.form.cleaned_data
            if c["action"] == "skip":
                counts["skipped"] += 1
                continue
            document = batch.documents[p.index]
            try:
                outcome = imports.report_import_document(
                    parsed=p.parsed,
                    on_existing="replace" if c["action"] == "replace" else "fail",
                    region_code=c["region_code"] or None,
                    year=c["year"],
                    kind=c["kind"],
                    publisher_name=c["publisher"] or None,
                    publish=False,
                    original_name=PurePath(p.name).name,
                    original_bytes=batch.data(document),
                    user=request.user,
                )
            except UnreadableDocument as e:
                counts["failed"] += 1
                messages.error(request, f"{p.name}:{e}")
                continue
            counts[outcome.status] += 1
            report = outcome.report
            url = reverse("admin:reports_report_change", args=[report.pk])
            done = "已替换原报告" if outcome.status == imports.REPLACED else "已导入"
            messages.success(
                request, format_html('{}为草稿:<a href="{}">{}</a>(文件 {})', done, url, report.title, p.name)
            )
        batch.discard(request)
        messages.info(
            request,
            f"导入完成:导入 {counts['imported']},替换 {counts['replaced']},跳过 {counts['skipped']},"
            f"失败 {counts['failed']}。导入的报告是草稿,核对后再发布。",
        )
        return HttpResponseRedirect(self._changelist("?status__exact=draft"))
