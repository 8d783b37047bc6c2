"""The whole-site open-data files (reports/services/dumps.py): a page listing them with size and date, and the files."""

from __future__ import annotations

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.views.decorators.http import require_safe

from reports.services.dumps import dumps_current
from reports.web.downloads import content_disposition
from reports.web.limits import rate_limited


@require_safe
def opendata_page(request):
    too_many = request.GET.get("too_many", "")
    return render(
        request,
        "reports/opendata.html",
        {"dumps": dumps_current(), "too_many": int(too_many) if too_many.isdigit() else None},
    )


@require_safe
@rate_limited("exports")
def opendata_file(request, ext: str):
    dumps = dumps_current()
    file = dumps.files.get(ext) if dumps else None
    if file is None:
        raise Http404("全站开放数据文件尚未生成")
    try:
        handle = default_storage.open(file.name, "rb")
    except (FileNotFoundError, OSError):
        raise Http404("文件已不存在") from None
    content_type = "application/gzip" if file.filename.endswith(".gz") else "application/octet-stream"
    if ext == "xlsx":
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    response = FileResponse(handle, content_type=content_type)
    response["Content-Disposition"] = content_disposition(file.filename, file.filename)
    # A new build has new names; a link to "the current file" must be revalidated.
    response["Cache-Control"] = "public, no-cache"
    return response
