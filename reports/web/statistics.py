"""Statistics, comparison and compliance pages: validate the query, call one selector, render."""

from __future__ import annotations

from django.http import HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from reports.exporters import statistics as exports
from reports.selectors.regions import region_children, region_choosers
from reports.selectors.statistics import compliance
from reports.selectors.statistics import scope as selectors
from reports.selectors.statistics.compare import compare_statistics
from reports.selectors.statistics.scope import edition_note
from reports.selectors.statistics.scope_tables import scope_tables
from reports.web import statistics_params as params
from reports.web.api import api_limited
from reports.web.limits import rate_limited

CHOOSER_PLACEHOLDERS = ("全国(全部省份)", "全部市(州)", "全部县(市、区)")


def _choosers(region):
    """The province → prefecture → county <select>s of the region form (as on the report list)."""
    return region_choosers(region, CHOOSER_PLACEHOLDERS)


def _year_options(available, *chosen):
    return sorted(set(available) | {y for y in chosen if y}, reverse=True)


def _bad_request(request, template, errors, available, context=None):
    return render(
        request,
        template,
        {
            "errors": errors.messages,
            "choosers": _choosers(None),
            "year_options": _year_options(available),
            **(context or {}),
        },
        status=400,
    )


@require_safe
def statistics_page(request):
    available = selectors.available_years()
    try:
        p = params.scope_params(request.GET, available=available)
    except params.ParamErrors as e:
        return _bad_request(request, "reports/statistics.html", e, available)
    stats = selectors.scope_statistics(**vars(p))
    return render(
        request,
        "reports/statistics.html",
        {
            "stats": stats,
            "tables": {t.slug: t for t in scope_tables(stats)},
            "grids": stats.grids(),
            "choosers": _choosers(p.region),
            "year_options": _year_options(available, p.year_from, p.year_to),
            "note": edition_note(),
        },
    )


def _filename(prefix, code, *parts):
    return "-".join(str(x) for x in (prefix, code or "china", *parts) if x)


@require_safe
@rate_limited("exports")
def statistics_download(request):
    available = selectors.available_years()
    try:
        p = params.scope_params(request.GET, available=available)
    except params.ParamErrors as e:
        return HttpResponseBadRequest("\n".join(e.messages), content_type="text/plain; charset=utf-8")
    stats = selectors.scope_statistics(**vars(p), publisher_limit=None)
    tables = scope_tables(stats)
    heading = [f"范围:{stats.name}(含下级地区)", f"年度:{p.year_from}—{p.year_to}", edition_note()]
    return _download(request, tables, _filename("statistics", stats.region_param, p.year_from, p.year_to), heading)


def _download(request, tables, filename, heading):
    fmt = request.GET.get("format", "xlsx")
    part = request.GET.get("part", "")
    by_slug = {t.slug: t for t in tables}
    if fmt not in ("csv", "xlsx"):
        return HttpResponseBadRequest("参数 format:应为 csv 或 xlsx。", content_type="text/plain; charset=utf-8")
    if part and part not in by_slug or fmt == "csv" and not part:
        return HttpResponseBadRequest(
            f"参数 part:应为以下之一:{'、'.join(by_slug)}。", content_type="text/plain; charset=utf-8"
        )
    if fmt == "csv":
        return _attachment(exports.table_csv(by_slug[part]), "text/csv; charset=utf-8", f"{filename}-{part}.csv")
    chosen = [by_slug[part]] if part else tables
    name = f"{filename}{'-' + part if part else ''}.xlsx"
    return _attachment(exports.tables_xlsx(chosen, heading), exports.XLSX_TYPE, name)


def _attachment(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_safe
@api_limited
def statistics_api(request):
    """The sums of every table code per year for a region (JSON); 400 names a bad parameter."""
    available = selectors.available_years()
    try:
        p = params.scope_params(request.GET, available=available)
    except params.ParamErrors as e:
        return JsonResponse(e.as_json(), status=400, json_dumps_params={"ensure_ascii": False})
    data = selectors.statistics_api_data(region=p.region, year_from=p.year_from, year_to=p.year_to)
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False, "separators": (",", ":")})


@require_safe
def compare_page(request):
    available = selectors.available_years()
    try:
        p = params.compare_params(request.GET, available=available)
    except params.ParamErrors as e:
        return _bad_request(request, "reports/compare.html", e, available)
    comparison = compare_statistics(
        regions=p.regions, publishers=p.publishers, year_from=p.year_from, year_to=p.year_to
    )
    return render(
        request,
        "reports/compare.html",
        {
            "comparison": comparison,
            "tables": comparison.tables(),
            "year_options": _year_options(available, p.year_from, p.year_to),
            "provinces": region_children(None),
            "note": edition_note(),
        },
    )


@require_safe
@rate_limited("exports")
def compare_download(request):
    available = selectors.available_years()
    try:
        p = params.compare_params(request.GET, available=available)
    except params.ParamErrors as e:
        return HttpResponseBadRequest("\n".join(e.messages), content_type="text/plain; charset=utf-8")
    if not (p.regions or p.publishers):
        return HttpResponseBadRequest(
            "没有选择要对比的地区或发布机构:请用 region=六位代码 或 publisher=编号 指定(可重复)。",
            content_type="text/plain; charset=utf-8",
        )
    comparison = compare_statistics(
        regions=p.regions, publishers=p.publishers, year_from=p.year_from, year_to=p.year_to
    )
    heading = [
        "对比:" + "、".join(e.name for e in comparison.entities),
        f"年度:{p.year_from}—{p.year_to}",
        edition_note(),
    ]
    return _download(request, comparison.tables(), _filename("compare", "", p.year_from, p.year_to), heading)


@require_safe
def compliance_page(request):
    available = selectors.available_years()
    try:
        region, year = params.compliance_params(request.GET, default_year=compliance.latest_due_year())
    except params.ParamErrors as e:
        return _bad_request(request, "reports/compliance.html", e, available)
    board = compliance.compliance_board(region=region, year=year)
    return render(
        request,
        "reports/compliance.html",
        {
            "board": board,
            "tables": {t.slug: t for t in board.tables()},
            "choosers": _choosers(region),
            "year_options": _year_options(available, year),
        },
    )


@require_safe
@rate_limited("exports")
def compliance_download(request):
    try:
        region, year = params.compliance_params(request.GET, default_year=compliance.latest_due_year())
    except params.ParamErrors as e:
        return HttpResponseBadRequest("\n".join(e.messages), content_type="text/plain; charset=utf-8")
    board = compliance.compliance_board(region=region, year=year, limit=None)
    heading = [f"范围:{board.name}(含下级地区)", f"年度:{year}", board.rule_text]
    return _download(request, board.tables(), _filename("compliance", region.code if region else "", year), heading)
