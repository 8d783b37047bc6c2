"""Uploaded originals (原始文件): served through a permission check, never as a public folder.

A report's original is public once the report is published; before that only the accounts that may
see the report (its editors and reviewers) can fetch it. The generated downloads in the same
storage are served by reports/web/downloads.py, never by their path.
"""

from __future__ import annotations

from pathlib import PurePath

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.views.decorators.http import require_safe

from reports.selectors.reports import reports_with_original


@require_safe
def original_file(request, name: str):
    user = request.user if request.user.is_authenticated else None
    allowed = any(
        report.is_public or (user is not None and user.has_perm("reports.view_report", report))
        for report in reports_with_original(name)
    )
    if not allowed:
        raise Http404("没有这个文件,或它所属的报告尚未公开")
    try:
        handle = default_storage.open(name)
    except (FileNotFoundError, OSError):
        raise Http404("文件已不存在") from None
    return FileResponse(handle, as_attachment=True, filename=PurePath(name).name)
