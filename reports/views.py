"""Public pages: thin views that validate input, call one selector, render."""

from django.conf import settings
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from reports import selectors
from reports.filters import ReportFilter
from reports.models import Region, ReportKind

# The four first-level entries of a 政府信息公开 column (国办公开办函〔2019〕61号).
COLUMN_ENTRIES = (
    ("政府信息公开指南", ReportKind.GUIDE, "公开方式、申请渠道和办理流程"),
    ("政府信息公开制度", ReportKind.WORK_PLAN, "政务公开工作要点及相关制度文件"),
    ("法定主动公开内容", ReportKind.OTHER, "依法应当主动公开的其他政府信息"),
    ("政府信息公开工作年度报告", ReportKind.ANNUAL_REPORT, "各级行政机关的年度报告"),
)


def _filter_data(request):
    """The query string, with ``region`` taken from the deepest region chooser filled in."""
    data = request.GET.copy()
    regions = [r for r in data.getlist("region") if r.strip()]
    if regions:
        data.setlist("region", [regions[-1].strip()])
    elif "region" in data:
        del data["region"]
    return data


@require_GET
def home(request):
    latest = selectors.report_list_public()[:10]
    return render(
        request,
        "reports/home.html",
        {
            "entries": COLUMN_ENTRIES,
            "latest": latest,
            "overview": selectors.annual_report_overview(),
            "provinces": selectors.region_children(None),
        },
    )


@require_GET
def report_list(request):
    data = _filter_data(request)
    filterset = ReportFilter(data, queryset=selectors.report_list_public())
    errors = []
    if filterset.is_valid():
        qs = filterset.qs
    else:
        errors = [f"{filterset.form.fields[f].label}: {m}" for f, ms in filterset.errors.items() for m in ms]
        qs = filterset.queryset.none()
    paginator = Paginator(qs, settings.GOVOPEN_PAGE_SIZE)
    page_number = request.GET.get("page") or 1
    try:
        page = paginator.page(page_number)
    except (PageNotAnInteger, EmptyPage):
        errors.append(f"页码“{page_number}”无效,已显示第一页。")
        page = paginator.page(1)
    region = None
    code = data.get("region")
    if code and "region" not in filterset.errors:
        region = Region.objects.select_related("parent__parent").filter(code=code).first()
    chain = selectors.region_chain(region)
    choosers = _region_choosers(chain)
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
        },
    )


def _region_choosers(chain):
    """The province → prefecture → county <select>s, each shown once its parent is chosen."""
    choosers = []
    for depth in range(3):
        if depth > len(chain):
            break
        options = list(selectors.region_children(chain[depth - 1].code if depth else None))
        if not options:
            break
        selected = chain[depth].code if depth < len(chain) else ""
        choosers.append(
            {
                "options": options,
                "selected": selected,
                "placeholder": CHOOSER_PLACEHOLDERS[depth],
            }
        )
    return choosers


CHOOSER_PLACEHOLDERS = ("全部省份", "全部市(州)", "全部县(市、区)")


@require_GET
def report_detail(request, pk):
    preview = request.user.is_authenticated and request.user.is_staff
    report = selectors.report_get_public(pk=pk, preview=preview)
    tables, checks = selectors.report_tables(report)
    sections = list(report.sections.all())
    numbers = {s.number for s in sections}
    return render(
        request,
        "reports/report_detail.html",
        {
            "report": report,
            "tables": tables,
            "checks": checks,
            "failed_checks": [c for c in checks if not c.ok],
            "sections": sections,
            "tables_after": [t for t in tables if t.table.number not in numbers],
            "free_tables": list(report.free_tables.all()),
        },
    )


@require_GET
def region_children(request):
    """Regions under ``parent`` for the region choosers (JSON)."""
    parent = request.GET.get("parent", "")
    if parent and not (len(parent) == 6 and parent.isdigit()):
        return JsonResponse({"error": "parent 应为六位行政区划代码"}, status=400)
    if parent and not Region.objects.filter(code=parent).exists():
        raise Http404("地区不存在")
    regions = selectors.region_children(parent or None)
    return JsonResponse(
        {
            "parent": parent or None,
            "regions": [{"code": r.code, "name": r.name} for r in regions],
        },
        json_dumps_params={"ensure_ascii": False},
    )
