"""The read-only JSON API (documented at /api/): reports in the open-data format and the region tree.

Only published reports are served. An invalid parameter is answered with 400 and a JSON body that
names it: ``{"error": "年度应为四位数字,如 2023。", "parameter": "year"}``; a client over the API's
rate limit gets 429 with Retry-After in the same format (reports/web/limits.py). The same API is
described for programs at /api/openapi.json (reports/web/openapi.py).
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from reports import format as fmt
from reports.exporters.bulk import BULK_FORMATS
from reports.exporters.common import FORMATS
from reports.exporters.opendata import report_open_data
from reports.models import Region, ReportKind
from reports.regions.codes import is_code
from reports.selectors.filters import ParameterError, ReportFilter, reports_matching
from reports.selectors.open_data import report_open_pages
from reports.selectors.regions import region_children, region_find
from reports.selectors.reports import report_example_id, report_page, report_withdrawal
from reports.web.downloads import base_url, download_urls
from reports.web.limits import describe, rate_limited, rate_of

PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
MAX_OFFSET = 10_000  # deepest report a page number reaches; deeper, the cursor


def _json(data, status: int = 200) -> JsonResponse:
    return JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False, "separators": (",", ":")})


def _error(parameter: str | None, message: str, status: int = 400) -> JsonResponse:
    return _json({"error": message, "parameter": parameter}, status=status)


def too_many_requests(request, message: str) -> JsonResponse:
    """The API's answer over its rate limit (reports/web/limits.py adds Retry-After): its JSON error."""
    return _error(None, message, status=429)


api_limited = rate_limited("api", refuse=too_many_requests)


def _positive_int(params, name: str, default: int, maximum: int | None = None) -> int:
    raw = params.get(name, "").strip()
    if not raw:
        return default
    if not (raw.isascii() and raw.isdigit()) or int(raw) < 1:
        raise ParameterError(name, f"{name} 应为正整数。")
    value = int(raw)
    if maximum is not None and value > maximum:
        raise ParameterError(name, f"{name} 不能大于 {maximum}。")
    return value


def report_json(page, request) -> dict:
    """A report in the open-data format with the links of its downloads."""
    return report_open_data(page, downloads=download_urls(page.report, base_url=page.base_url))


@require_safe
@api_limited
def report_list(request):
    """Published reports matching the list page's filters, a page at a time.

    Two ways to page: ``page`` numbers (newest publication first, with the total; at most
    MAX_OFFSET reports deep, as an offset costs the rows it skips), or ``cursor`` (the order the
    reports were added, newest first; every page costs the same however deep, and a report
    published meanwhile does not shift the pages — the way to harvest everything).
    """
    try:
        qs = reports_matching(request.GET)
        page_size = _positive_int(request.GET, "page_size", PAGE_SIZE, MAX_PAGE_SIZE)
        if "cursor" in request.GET:
            return _cursor_page(request, qs, page_size)
        page_number = _positive_int(request.GET, "page", 1)
    except ParameterError as e:
        return _error(e.parameter, e.message)
    if (page_number - 1) * page_size >= MAX_OFFSET:
        return _error("page", f"page 过深:按页码最多翻到第 {MAX_OFFSET} 条,更深请用 cursor 参数(见接口说明)。")
    paginator = Paginator(qs, page_size)
    if page_number > max(paginator.num_pages, 1):
        return _error("page", f"page 超出范围:共 {paginator.num_pages} 页。")
    page = paginator.page(page_number)
    reports = list(page.object_list)
    return _json(
        {
            "count": paginator.count,
            "page": page.number,
            "page_size": page_size,
            "num_pages": paginator.num_pages,
            "next": _link(request, page=page.next_page_number()) if page.has_next() else None,
            "previous": _link(request, page=page.previous_page_number()) if page.has_previous() else None,
            "results": [report_json(p, request) for p in report_open_pages(reports, base_url=base_url(request))],
        }
    )


def _cursor_page(request, qs, page_size: int):
    """The page after ``cursor`` (empty: the first page), by id descending: the primary key's index
    gives each page in the same time whatever its depth."""
    raw = request.GET.get("cursor", "").strip()
    if raw:
        if not (raw.isascii() and raw.isdigit()):
            raise ParameterError("cursor", "cursor 无效:请使用上一页返回的 next 地址。")
        qs = qs.filter(pk__lt=int(raw))
    reports = list(qs.order_by("-pk")[: page_size + 1])
    more = len(reports) > page_size
    reports = reports[:page_size]
    return _json(
        {
            "page_size": page_size,
            "next": _link(request, cursor=str(reports[-1].pk)) if more else None,
            "results": [report_json(p, request) for p in report_open_pages(reports, base_url=base_url(request))],
        }
    )


def _link(request, **changes) -> str:
    params = request.GET.copy()
    for name in ("page", "cursor"):
        params.pop(name, None)
    for name, value in changes.items():
        params[name] = value
    return request.build_absolute_uri(f"{request.path}?{params.urlencode()}")


@require_safe
@api_limited
def report_detail(request, pk: int):
    """One published report in the open-data format, with "downloads"."""
    page = report_page(pk=pk, base_url=base_url(request))
    if page is None:
        withdrawn = report_withdrawal(pk)
        if withdrawn is not None:
            return _error(
                None, f"报告已于 {withdrawn.withdrawn_at:%Y-%m-%d} 撤回:{withdrawn.withdrawn_reason}", status=410
            )
        return _error(None, "报告不存在或未公开。", status=404)
    return _json(report_json(page, request))


def _region_json(region: Region, request) -> dict:
    root = base_url(request)
    children = None
    if region.level < Region.Level.COUNTY:
        children = root + reverse("reports:api_regions") + f"?parent={region.code}"
    return {
        "code": region.code,
        "name": region.name,
        "level": region.level,
        "path": region.path,
        "children_url": children,
        "reports_url": root + reverse("reports:api_reports") + f"?region={region.code}",
    }


@require_safe
@api_limited
def region_list(request):
    """Provinces, or the regions directly under ``parent``."""
    code = request.GET.get("parent", "").strip()
    parent = None
    if code:
        if not is_code(code):
            return _error("parent", f"地区代码“{code}”格式不正确,应为六位数字。")
        parent = region_find(code)
        if parent is None:
            return _error("parent", f"地区代码“{code}”不存在。")
    regions = region_children(code or None)
    results = [_region_json(r, request) for r in regions]
    return _json(
        {
            "parent": _region_json(parent, request) if parent else None,
            "count": len(results),
            "results": results,
        }
    )


# --- The documentation page --------------------------------------------------------------


def _label(path: tuple[str, ...]) -> str:
    return " › ".join(path)


def format_reference() -> list[dict]:
    """The table codes of each edition, read from reports/format.py (never written by hand)."""
    editions = []
    for edition in (fmt.EDITION_2021, fmt.EDITION_2019):
        tables = []
        for table in fmt.tables_for(edition).values():
            groups = []
            if table.blocks:
                for block in table.blocks:
                    groups.append(
                        {
                            "heading": block.heading,
                            "rows": [(r.code, _label(r.path)) for r in block.rows],
                            "columns": [(c.code, _label(c.path), c.kind) for c in block.columns],
                        }
                    )
            else:
                groups.append(
                    {
                        "heading": "",
                        "rows": [(r.code, _label(r.path)) for r in table.rows],
                        "columns": [(c.code, _label(c.path), c.kind) for c in table.columns],
                    }
                )
            tables.append({"table": table, "groups": groups, "rules": table.rules})
        editions.append({"code": edition, "label": fmt.EDITION_LABELS[edition], "tables": tables})
    return editions


def _example_error() -> dict:
    """The answer to ``?year=abc``, as the filters word it."""
    message = ReportFilter.base_filters["year"].extra["error_messages"]["invalid"]
    return {"error": message, "parameter": "year"}


@require_safe
def api_docs(request):
    root = base_url(request)
    example = report_example_id()
    return render(
        request,
        "reports/api_docs.html",
        {
            "root": root,
            "example_id": example or 1,
            "editions": format_reference(),
            "amount": fmt.AMOUNT,
            "year_rules": fmt.YEAR_RULES,
            "kinds": ReportKind.choices,
            "formats": FORMATS,
            "bulk_formats": BULK_FORMATS,
            "max_page_size": MAX_PAGE_SIZE,
            "max_offset": f"{MAX_OFFSET:,}",
            "page_size": PAGE_SIZE,
            "example_error": _example_error(),
            "api_limit": describe(rate_of("api")) if rate_of("api") else None,
        },
    )
