"""Public pages: thin views that validate input, call one selector, render."""

from django.conf import settings
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from reports.models import ReportKind
from reports.regions.codes import is_code
from reports.selectors.filters import ReportFilter, filter_params
from reports.selectors.regions import region_children as children_of
from reports.selectors.regions import region_choosers, region_find
from reports.selectors.reports import annual_report_overview, report_list_public, report_page, report_withdrawal
from reports.selectors.search import SORTS, search_query, search_results
from reports.web.limits import rate_limited, searching

# The four first-level entries of a 政府信息公开 column (国办公开办函〔2019〕61号).
COLUMN_ENTRIES = (
    ("政府信息公开指南", ReportKind.GUIDE, "公开方式、申请渠道和办理流程"),
    ("政府信息公开制度", ReportKind.WORK_PLAN, "政务公开工作要点及相关制度文件"),
    ("法定主动公开内容", ReportKind.OTHER, "依法应当主动公开的其他政府信息"),
    ("政府信息公开工作年度报告", ReportKind.ANNUAL_REPORT, "各级行政机关的年度报告"),
)


def viewer(request):
    """The signed-in account, which may see the unpublished reports of its scope on the public URLs
    (to check them before publishing); None for everyone else."""
    return request.user if request.user.is_authenticated else None


def withdrawn_response(request, pk):
    """410 Gone with a page that says the report was withdrawn, when and why; None if it was not."""
    report = report_withdrawal(pk)
    if report is None:
        return None
    return render(request, "reports/withdrawn.html", {"report": report}, status=410)


@require_safe
def home(request):
    latest = report_list_public()[:10]
    provinces = list(children_of(None))
    return render(
        request,
        "reports/home.html",
        {
            "entries": COLUMN_ENTRIES,
            "latest": latest,
            "overview": annual_report_overview(provinces=provinces),
            "provinces": provinces,
        },
    )


@require_safe
@rate_limited("search", when=searching)
def report_list(request):
    data = filter_params(request.GET)
    q = (data.get("q") or "").strip()
    # With a keyword the results are ranked by the search selector, which also counts the facets.
    filterset = ReportFilter(data, queryset=report_list_public(), keyword=not q)
    errors = []
    if filterset.is_valid():
        qs = filterset.qs
    else:
        errors = [f"{filterset.form.fields[f].label}: {m}" for f, ms in filterset.errors.items() for m in ms]
        qs = filterset.queryset.none()
    region = None
    code = data.get("region")
    if code and "region" not in filterset.errors:
        region = region_find(code)
    sort = request.GET.get("sort") if request.GET.get("sort") in SORTS else "relevance"
    results = search_results(qs, q, sort=sort, region_digits=_facet_digits(region)) if q else None
    paginator = Paginator(results if results is not None else qs, settings.GOVOPEN_PAGE_SIZE)
    page_number = request.GET.get("page") or 1
    try:
        page = paginator.page(page_number)
    except (PageNotAnInteger, EmptyPage):
        errors.append(f"页码“{page_number}”无效,已显示第一页。")
        page = paginator.page(1)
    choosers = region_choosers(region, CHOOSER_PLACEHOLDERS)
    params = data.copy()
    params.pop("page", None)
    publisher = filterset.form.cleaned_data.get("publisher") if filterset.is_valid() else None
    return render(
        request,
        "reports/report_list.html",
        {
            "filter": filterset,
            "page": page,
            "errors": errors,
            "region": region,
            "choosers": choosers,
            "querystring": params.urlencode(),
            "publisher": publisher,
            "total": paginator.count,
            "search": results,
            "sort": sort,
            "sort_links": _sort_links(params) if results is not None else (),
            "facets": _facet_links(results, params) if results is not None and paginator.count else (),
        },
    )


FACET_TITLES = (("region", "地区"), ("year", "年度"), ("kind", "类别"), ("publisher", "发布机构"))


def _facet_digits(region) -> int:
    """The region facet counts by the level under the chosen region: provinces, prefectures, counties."""
    if region is None:
        return 2
    return 4 if region.code.endswith("0000") else 6


def _facet_links(results, params) -> list[dict]:
    """Each facet's values as links that narrow the search to them (first page)."""
    facets = []
    for name, title in FACET_TITLES:
        values = []
        for v in results.facets[name]:
            narrowed = params.copy()
            narrowed.setlist(name, [v.value])
            if name == "year":
                narrowed.pop("year_from", None)
                narrowed.pop("year_to", None)
            current = params.get(name) == v.value
            values.append({"label": v.label, "count": v.count, "url": "?" + narrowed.urlencode(), "current": current})
        if values:
            facets.append({"name": name, "title": title, "values": values})
    return facets


def _sort_links(params) -> list[dict]:
    links = []
    for value, label in (("relevance", "按相关度"), ("date", "按发布日期")):
        p = params.copy()
        p.setlist("sort", [value])
        links.append({"value": value, "label": label, "url": "?" + p.urlencode()})
    return links


CHOOSER_PLACEHOLDERS = ("全部省份", "全部市(州)", "全部县(市、区)")


@require_safe
def report_detail(request, pk):
    page = report_page(pk=pk, viewer=viewer(request))
    if page is None:
        withdrawn = withdrawn_response(request, pk)
        if withdrawn is not None:
            return withdrawn
        raise Http404("报告不存在或未公开")
    return render(
        request,
        "reports/report_detail.html",
        {
            "page": page,
            "report": page.report,
            "tables": page.tables if page.has_table_data else [],
            "checks": page.checks,
            "failed_checks": page.failed_checks,
            "sections": page.sections,
            "tables_after": page.tables_after if page.has_table_data else [],
            "free_tables": page.shown_free_tables(),
            # Coming from a search (?q=…), the words it matched are marked in the text.
            "highlight": search_query(request.GET.get("q")).highlight_words,
        },
    )


@require_safe
def region_children(request):
    """Regions under ``parent`` for the region choosers (JSON)."""
    parent = request.GET.get("parent", "")
    if parent and not is_code(parent):
        return JsonResponse({"error": "parent 应为六位行政区划代码"}, status=400)
    if parent and region_find(parent) is None:
        raise Http404("地区不存在")
    regions = children_of(parent or None)
    return JsonResponse(
        {
            "parent": parent or None,
            "regions": [{"code": r.code, "name": r.name} for r in regions],
        },
        json_dumps_params={"ensure_ascii": False},
    )


@require_safe
def robots_txt(request):
    """robots.txt: everything public may be indexed except the admin and the display switches."""
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /display/",
        f"Sitemap: {settings.GOVOPEN_SITE_URL or request.build_absolute_uri('/').rstrip('/')}/sitemap.xml",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
