"""The editors' document import in the admin: upload → preview and correct → confirm.

Nothing is written to the database before the editor confirms. The uploaded bytes wait in the
file storage every app server shares, under a random token (kept in the editor's session, so one
editor cannot open another's batch; reports/admin/import_batch.py); they are removed once every
document is done or on abandon, and forgotten batches are swept after a day. Each document is
parsed again for every preview (parsing is fast and pure), with the editor's corrections (region,
year, kind) as the importer's options, and imported on confirm through the same service as the
command line, each document all or nothing.

A batch may hold a thousand documents: the preview shows them a page at a time (each page posts its
own corrections, which the batch keeps), and confirming imports them in steps of a few seconds, each
step a request of its own that hands over to the next, so that neither a form nor a request grows
with the batch. Documents that still need the editor (no region, an existing report to replace or
skip) wait in the batch while the others are imported.
"""

from __future__ import annotations

import time
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
from reports.admin.import_batch import MAX_DOCUMENTS, Batch
from reports.importers import ParsedReport, UnreadableDocument
from reports.importers.dispatch import UPLOAD_SUFFIXES, parse_document
from reports.models import Region, Report, ReportKind
from reports.regions.names import region_index
from reports.selectors.editors import publisher_id_named
from reports.selectors.regions import region_find
from reports.selectors.reports import previous_year_values
from reports.services import imports

# Files one upload may carry: Django refuses a request with more (DATA_UPLOAD_MAX_NUMBER_FILES,
# 100 by default) before any view runs, so the page says so and checks it in the browser.
MAX_FILES_PER_UPLOAD = getattr(settings, "DATA_UPLOAD_MAX_NUMBER_FILES", None) or 100
# Documents a preview page shows: their five correction fields each stay far below Django's
# DATA_UPLOAD_MAX_NUMBER_FIELDS (1,000), whatever the size of the batch.
PAGE_SIZE = 50
# How much one confirmation step imports before it hands over to the next request: well inside a
# worker's timeout (a PDF takes a fifth of a second, a scan several seconds) and a bounded transaction
# log per request.
STEP_SECONDS = 15.0
STEP_DOCUMENTS = 100
# Up to this many imported documents are each named with a link; a larger batch gets the counts.
NAMED_OUTCOMES = 20

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
        help_text=(
            f"可一次选择多个文件(最多 {MAX_FILES_PER_UPLOAD} 个):网页(.html/.htm)、Word(.docx)、文本(.txt)、PDF 等,"
            f"或包含它们的 zip 压缩包(一批最多 {MAX_DOCUMENTS} 份文档)。文件多时请打包成 zip 上传。"
        ),
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
        widget=forms.NumberInput(attrs={"class": "year-input"}),
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
    choice: dict = field(default_factory=dict)  # the form's values: the editor's corrections, else detected

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


def build_preview(batch: Batch, index: int, document: dict, data=None, *, full: bool = True) -> Preview:
    """Parse one document with the editor's corrections and gather everything the preview shows
    (without ``full``, only what importing it needs: no rules, grids or comparison with last year)."""
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
    if full and preview.kind == ReportKind.ANNUAL_REPORT:
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

    preview.choice = {
        "region_code": code or "",
        "year": preview.year,
        "kind": preview.kind,
        "publisher": preview.publisher,
        "action": corrections.get("action") or ("skip" if preview.existing else "import"),
    }
    preview.form = DocumentForm(data=data, prefix=preview.prefix, initial=preview.choice)
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
            max_files=MAX_FILES_PER_UPLOAD,
            max_documents=MAX_DOCUMENTS,
        )
        return TemplateResponse(request, "admin/reports/report/import_upload.html", context)

    def preview(self, request, token: str):
        if not request.user.has_perm("reports.import_report"):
            raise Http404
        batch = Batch.load(request, token)
        data = request.POST if request.method == "POST" else None
        if data is not None and "_abandon" in data:
            batch.discard(request)
            messages.info(request, "已放弃本次导入,没有保存任何内容。")
            return HttpResponseRedirect(self._changelist())
        if data is not None and "_continue" in data:
            return self._confirm_step(request, batch)

        pending = batch.pending()
        page = _page_number((data or request.GET).get("page"), len(pending))
        shown = pending[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
        if data is not None:
            # Corrections first: they are the importer's options, so the preview is parsed with them.
            if self._save_corrections(batch, shown, data):
                if "_confirm" in data:
                    batch.run = {"next": 0, "counts": dict.fromkeys(COUNTED, 0), "done": [], "failed": []}
                    batch.write_manifest()
                    return self._confirm_step(request, batch)
                target = _page_number(data.get("_page", page), len(pending))
                return HttpResponseRedirect(f"{request.path}?page={target}")
        previews = [build_preview(batch, i, batch.documents[i], data) for i in shown]
        for preview in previews:
            if preview.form is not None and data is not None:
                preview.form.is_valid()
        return self._render(request, batch, previews, page, len(pending))

    @staticmethod
    def _save_corrections(batch: Batch, shown: list[int], data) -> bool:
        """Keep the corrections posted for the documents of this page; False if one form is invalid."""
        ok = True
        for i in shown:
            document = batch.documents[i]
            if document["error"] or f"doc{i}-kind" not in data:
                continue  # no form was shown: the document cannot be read
            form = DocumentForm(data=data, prefix=f"doc{i}")
            if form.is_valid():
                document["corrections"] = form.cleaned_data
            else:
                ok = False
        batch.write_manifest()
        return ok

    def _render(self, request, batch, previews, page: int, pending: int, status: int = 200):
        pages = max(1, -(-pending // PAGE_SIZE))
        context = self._context(
            request,
            title="导入报告:预览与确认",
            batch=batch,
            previews=previews,
            total=len(batch.documents),
            pending=pending,
            done=len(batch.documents) - pending,
            unreadable=sum(1 for i in batch.pending() if batch.documents[i]["error"]),
            page=page,
            page_size=PAGE_SIZE,
            pages=range(1, pages + 1) if pages > 1 else (),
            first=(page - 1) * PAGE_SIZE + 1,
            last=(page - 1) * PAGE_SIZE + len(previews),
        )
        return TemplateResponse(request, "admin/reports/report/import_preview.html", context, status=status)

    # --- Confirming: every document in steps, those that need the editor wait ------------------------

    def _confirm_step(self, request, batch: Batch):
        """Import the batch's documents from where the last step stopped, up to STEP_DOCUMENTS or
        STEP_SECONDS; then hand over to the next step, or finish: go to the drafts, or show what still
        needs the editor."""
        if not batch.run:
            return HttpResponseRedirect(request.path)
        with batch.lock() as held:
            if not held:  # another step of this batch is running (a second click)
                return self._progress(request, batch)
            deadline = time.monotonic() + STEP_SECONDS
            run = batch.run
            handled = 0
            while run["next"] < len(batch.documents) and handled < STEP_DOCUMENTS:
                document = batch.documents[run["next"]]
                run["next"] += 1
                if document.get("outcome"):
                    continue  # done in an earlier round
                self._confirm_one(request, batch, run["next"] - 1)
                handled += 1
                if handled % 25 == 0:
                    batch.write_manifest()  # a step that dies keeps what it recorded
                if time.monotonic() > deadline:
                    break
            batch.write_manifest()
        if run["next"] < len(batch.documents):
            return self._progress(request, batch)
        return self._finish(request, batch)

    def _confirm_one(self, request, batch: Batch, index: int) -> None:
        """Import, skip or fail one document, recording the outcome; leave it waiting if it needs the editor."""
        document = batch.documents[index]
        run = batch.run
        p = build_preview(batch, index, document, full=False)
        c = p.choice
        if p.error:
            outcome = {"status": "failed", "error": p.error}
        elif c["action"] == "skip":
            outcome = {"status": imports.SKIPPED}
        elif p.problems or (p.existing is not None and c["action"] == "import"):
            return  # waits for the editor's correction or choice
        else:
            try:
                result = imports.report_import_document(
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
                outcome = {"status": "failed", "error": str(e)}
            else:
                outcome = {"status": result.status, "report": result.report.pk, "title": result.report.title}
        document["outcome"] = outcome
        run["counts"][outcome["status"]] += 1
        if outcome["status"] == "failed":
            run["failed"].append([p.name, outcome["error"]])
        elif outcome["status"] != imports.SKIPPED and len(run["done"]) < NAMED_OUTCOMES:
            run["done"].append([p.name, outcome["status"], outcome["report"], outcome["title"]])

    def _progress(self, request, batch: Batch):
        """The page between two steps: how far the import is; it asks for the next step itself."""
        context = self._context(
            request,
            title="导入报告:正在导入",
            batch=batch,
            handled=batch.run.get("next", 0),
            total=len(batch.documents),
            counts=batch.run.get("counts", {}),
        )
        return TemplateResponse(request, "admin/reports/report/import_progress.html", context)

    def _finish(self, request, batch: Batch):
        run = batch.run
        for name, status, pk, title in run["done"]:
            url = reverse("admin:reports_report_change", args=[pk])
            done = "已替换原报告" if status == imports.REPLACED else "已导入"
            messages.success(request, format_html('{}为草稿:<a href="{}">{}</a>(文件 {})', done, url, title, name))
        for name, error in run["failed"][:NAMED_OUTCOMES]:
            messages.error(request, f"{name}:{error}")
        if len(run["failed"]) > NAMED_OUTCOMES:
            messages.error(request, f"另有 {len(run['failed']) - NAMED_OUTCOMES} 个文件导入失败。")
        counts = run["counts"]
        summary = (
            f"导入 {counts['imported']},替换 {counts['replaced']},跳过 {counts['skipped']},失败 {counts['failed']}"
        )
        waiting = batch.pending()
        if not waiting:
            batch.discard(request)
            messages.info(request, f"导入完成:{summary}。导入的报告是草稿,核对后再发布。")
            return HttpResponseRedirect(self._changelist("?status__exact=draft"))
        batch.run = {}
        batch.write_manifest()
        if any(counts.values()):
            messages.info(request, f"已处理:{summary}。")
        messages.warning(request, f"还有 {len(waiting)} 个文件需要补充信息或选择处理方式,见下;改好后再点“确认导入”。")
        previews = [build_preview(batch, i, batch.documents[i]) for i in waiting[:PAGE_SIZE]]
        for p in previews:
            if p.form is not None:
                p.form = DocumentForm(data=_as_data(p), prefix=p.prefix, initial=p.choice)
                _name_what_is_missing(p)
        return self._render(request, batch, previews, 1, len(waiting))


COUNTED = ("imported", "replaced", "skipped", "failed")


def _page_number(raw, pending: int) -> int:
    """A page of the pending documents: 1 … the last, whatever was asked for."""
    pages = max(1, -(-pending // PAGE_SIZE))
    try:
        return min(max(1, int(raw)), pages)
    except (TypeError, ValueError):
        return 1


def _as_data(preview: Preview) -> dict:
    """A document's form values as a posted form would carry them."""
    return {f"{preview.prefix}-{k}": "" if v is None else v for k, v in preview.choice.items()}


def _name_what_is_missing(p: Preview) -> None:
    """Put on the form why a document waits: what the import needs, or the choice for a report already there."""
    if not p.form.is_valid() or p.form.cleaned_data["action"] == "skip":
        return
    for problem in p.problems:
        p.form.add_error(None, problem)
    if p.existing is not None and p.form.cleaned_data["action"] == "import":
        p.form.add_error("action", f"已存在同一发布机构、年度和类别的报告(编号 {p.existing.pk}),请选择替换或跳过")
