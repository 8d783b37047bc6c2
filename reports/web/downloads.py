"""Downloads: a report's files (PDF, Word, Excel, CSV, JSON), its print HTML, and bulk open data."""

from __future__ import annotations

from urllib.parse import quote

from csp.constants import HEADER
from csp.utils import build_policy
from django.conf import settings
from django.http import FileResponse, Http404, HttpResponse, JsonResponse, StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.views.decorators.http import require_safe

from reports.exporters import bulk
from reports.exporters.common import FORMATS
from reports.models import Report, ReportKind
from reports.selectors.filters import ParameterError, filter_params, reports_matching
from reports.selectors.links import report_url
from reports.selectors.regions import region_find
from reports.selectors.reports import report_page
from reports.services import downloads
from reports.web.display import keep_script
from reports.web.limits import rate_limited
from reports.web.pages import viewer, withdrawn_response


def base_url(request) -> str:
    """``https://host`` for the absolute links inside generated files and the API: the site's address
    from ``GOVOPEN_SITE_URL`` (a file is made once and served to everyone, so it must not carry
    whatever Host a request named); the request's own only when the setting is empty (development)."""
    return settings.GOVOPEN_SITE_URL or request.build_absolute_uri("/").rstrip("/")


def download_urls(report: Report, *, base_url: str = "") -> dict[str, str]:
    """Format -> URL of each download of a report (the links on its page and in its JSON)."""
    return {ext: base_url + report_url("reports:download", report.pk, ext) for ext in FORMATS}


def content_disposition(filename: str, fallback: str, *, inline: bool = False) -> str:
    """``attachment; filename="report-17.pdf"; filename*=UTF-8''%E6%B8%85…``."""
    kind = "inline" if inline else "attachment"
    return f"{kind}; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def _page_or_404(request, pk: int):
    page = report_page(pk=pk, viewer=viewer(request), base_url=base_url(request))
    if page is None:
        withdrawn = withdrawn_response(request, pk)
        if withdrawn is not None:
            return withdrawn
        raise Http404("报告不存在或未公开")
    return page


@require_safe
@rate_limited("downloads")
def report_download(request, pk: int, ext: str):
    """A report in one download format; generated once per content (see reports/services/downloads.py)."""
    if ext not in FORMATS:
        raise Http404("不支持的下载格式")
    page = _page_or_404(request, pk)
    if isinstance(page, HttpResponse):
        return page  # withdrawn: 410
    fp = downloads.fingerprint(page)
    etag = f'"{fp}-{ext}"'
    not_modified = get_conditional_response(request, etag=etag)
    if not_modified is not None:
        return not_modified
    try:
        download = downloads.report_download(page, ext, fp=fp)
    except downloads.RenderBusy:
        response = HttpResponse("这个文件正在生成,请稍后再试。", status=503, content_type="text/plain; charset=utf-8")
        response["Retry-After"] = "10"
        return response
    response = FileResponse(download.open(), content_type=download.content_type)
    response["Content-Disposition"] = content_disposition(download.filename, download.fallback)
    response["ETag"] = etag
    # Revalidated on every use (cheap: a 304 costs the fingerprint only); drafts stay out of shared caches.
    response["Cache-Control"] = "public, no-cache" if page.report.is_public else "private, no-cache"
    return response


@require_safe
@rate_limited("downloads")
def report_print(request, pk: int):
    """The print HTML the PDF is rendered from (A4, official-document layout)."""
    from reports.exporters.pdf import render_print

    page = _page_or_404(request, pk)
    if isinstance(page, HttpResponse):
        return page  # withdrawn: 410
    html, style_source = render_print(page)
    # Like every download, the print page stays in the script it was published in (its style's
    # hash holds only for the text as rendered).
    response = keep_script(HttpResponse(html))
    # The site's policy allows no inline style; this page's one <style> is allowed by its hash. Set
    # as the header itself (CSPMiddleware leaves a header that is there), not as django-csp's
    # per-response attribute, so that it stays with the page in any cache that keeps headers.
    response[HEADER] = build_policy(update={"style-src": [style_source]})
    return response


def _bulk_filename(params) -> str:
    """``政府信息公开报告-贵州省-2023年`` from the filters that are set."""
    parts = ["政府信息公开报告"]
    code = params.get("region")
    if code:
        region = region_find(code)
        if region:
            parts.append(region.name)
    if params.get("year"):
        parts.append(f"{params['year']}年")
    if params.get("kind") in ReportKind.values:
        parts.append(ReportKind(params["kind"]).label)
    return "-".join(parts)


@require_safe
@rate_limited("exports")
def reports_export(request, ext: str):
    """All published reports matching the list's filters, streamed as CSV, JSON Lines or XLSX (up to
    ``GOVOPEN_EXPORT_MAX_REPORTS``; more are sent to the whole-site files)."""
    if ext not in bulk.BULK_FORMATS:
        raise Http404("不支持的导出格式")
    try:
        qs = reports_matching(request.GET)
    except ParameterError as e:
        return JsonResponse(
            {"error": e.message, "parameter": e.parameter}, status=400, json_dumps_params={"ensure_ascii": False}
        )
    matching = qs.count()
    if matching > settings.GOVOPEN_EXPORT_MAX_REPORTS:
        # More than a request should stream: the whole-site files (made in the background) instead,
        # never a file cut short.
        response = HttpResponse(status=303)
        response["Location"] = reverse("reports:opendata") + f"?too_many={matching}"
        return response
    content_type = bulk.BULK_FORMATS[ext][0]
    if ext in ("csv", "jsonl"):
        lines = bulk.csv_stream(qs) if ext == "csv" else bulk.jsonl_stream(qs, base_url=base_url(request))
        response = StreamingHttpResponse((piece.encode() for piece in bulk.buffered(lines)), content_type=content_type)
    else:
        response = FileResponse(bulk.xlsx_tempfile(qs, base_url=base_url(request)), content_type=content_type)
    stamp = timezone.localdate().strftime("%Y%m%d")
    name = f"{_bulk_filename(filter_params(request.GET))}-{stamp}.{ext}"
    response["Content-Disposition"] = content_disposition(name, f"reports-{stamp}.{ext}")
    return response
