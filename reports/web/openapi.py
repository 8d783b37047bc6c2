"""The API described for programs: an OpenAPI 3.1 document at /api/openapi.json (its page for people
is /api/, templates/reports/api_docs.html).

Built from what the views themselves read rather than written out twice: the list's filters
(``ReportFilter``: names, labels, year bounds, the kinds), the paging constants of reports/web/api.py,
the download formats, the format editions, the region levels and the API's rate limit. The tests check
it against the OpenAPI 3.1 schema, the URLconf and real answers (reports/tests/web/test_openapi.py).
"""

from __future__ import annotations

import django_filters
from django.conf import settings
from django.http import JsonResponse
from django.views.decorators.http import require_safe

from reports import format as fmt
from reports.exporters.common import FORMATS
from reports.models import Region, ReportKind
from reports.selectors.filters import MAX_QUERY_CHARS, ReportFilter
from reports.web.api import MAX_OFFSET, MAX_PAGE_SIZE, PAGE_SIZE
from reports.web.downloads import base_url
from reports.web.limits import describe, rate_of

REGION_CODE = {"type": "string", "pattern": "^[0-9]{6}$"}
URL = {"type": "string", "format": "uri"}


def _nullable(schema: dict) -> dict:
    return {**schema, "type": [schema["type"], "null"]}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _year(filter_: django_filters.Filter | None = None) -> dict:
    extra = filter_.extra if filter_ is not None else {"min_value": fmt.FIRST_YEAR, "max_value": fmt.LAST_YEAR}
    return {"type": "integer", "minimum": extra["min_value"], "maximum": extra["max_value"]}


def _kinds() -> str:
    return ";".join(f"{value} {label}" for value, label in ReportKind.choices)


# What the list's filters mean (their labels come from ReportFilter); a filter added there without a
# line here fails the document's test.
FILTER_NOTES = {
    "q": f"匹配标题和正文,多个词用空格分隔(最多取前 {MAX_QUERY_CHARS} 个字符)",
    "region": "六位行政区划代码,含下级地区",
    "year": "报告年度",
    "year_from": "起始年度(含)",
    "year_to": "截止年度(含)",
    "kind": f"类别:{_kinds()}",
    "publisher": "发布机构编号",
}


def _filter_schema(name: str, filter_: django_filters.Filter) -> dict:
    if isinstance(filter_, django_filters.ModelChoiceFilter):  # before ChoiceFilter, its base class
        return {"type": "integer", "minimum": 1}
    if isinstance(filter_, django_filters.ChoiceFilter):
        return {"type": "string", "enum": [value for value, _ in filter_.extra["choices"]]}
    if isinstance(filter_, django_filters.NumberFilter):  # the list's number filters are all years
        return _year(filter_)
    return REGION_CODE if name == "region" else {"type": "string"}


def _query(name: str, description: str, schema: dict) -> dict:
    return {"name": name, "in": "query", "required": False, "description": description, "schema": schema}


def report_list_parameters() -> list[dict]:
    """The list's filters (those of the list page) and its two ways of paging."""
    filters = [
        _query(name, f"{f.label}:{FILTER_NOTES[name]}", _filter_schema(name, f))
        for name, f in ReportFilter.base_filters.items()
    ]
    return [
        *filters,
        _query(
            "page",
            f"页码,从 1 开始(新发布的在前,附总数);最多翻到第 {MAX_OFFSET} 条,更深请用 cursor",
            {"type": "integer", "minimum": 1, "default": 1},
        ),
        _query(
            "page_size",
            f"每页条数,默认 {PAGE_SIZE},最多 {MAX_PAGE_SIZE}",
            {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE, "default": PAGE_SIZE},
        ),
        _query(
            "cursor",
            "按收录顺序(新收录的在前)逐页取全部报告:第一页传空值,以后沿返回的 next 地址取下一页;"
            "每页耗时相同,取数期间新发布的报告不会使各页错位。不计总数",
            {"type": "string", "pattern": "^[0-9]*$"},
        ),
    ]


def _object(properties: dict, **extra) -> dict:
    """An object with exactly these keys, each always present (null where the schema allows it)."""
    return {
        "type": "object",
        "required": list(properties),
        "properties": properties,
        "additionalProperties": False,
        **extra,
    }


def schemas() -> dict:
    number = {"type": ["integer", "string", "null"], "description": "整数;金额(万元)为十进制字符串;未填为 null"}
    report = _object(
        {
            "id": {"type": "integer"},
            "url": URL,
            "kind": {"type": "string", "enum": ReportKind.values},
            "format": {"type": "string", "enum": list(fmt.EDITIONS), "description": "格式版本"},
            "year": {"type": "integer"},
            "title": {"type": "string"},
            "publisher": {"type": "string"},
            "region": _object({"code": REGION_CODE, "name": {"type": "string"}, "path": _names()}),
            "index_no": _nullable({"type": "string"}),
            "document_no": _nullable({"type": "string"}),
            "written_on": _nullable({"type": "string", "format": "date"}),
            "published_on": _nullable({"type": "string", "format": "date"}),
            "sections": {
                "type": "array",
                "items": _object(
                    {"number": {"type": "string"}, "heading": {"type": "string"}, "text": {"type": "string"}}
                ),
            },
            "tables": {
                "type": "object",
                "description": "表 → 行 → 列 → 数值,编码见 /api/ 的“表格数据编码”",
                "additionalProperties": {
                    "type": "object",
                    "additionalProperties": {"type": "object", "additionalProperties": number},
                },
            },
            "checks": {
                "type": "array",
                "description": "勾稽关系校验结果",
                "items": _object({"rule": {"type": "string"}, "ok": {"type": "boolean"}, "detail": {"type": "string"}}),
            },
            "downloads": _object(dict.fromkeys(FORMATS, URL), description="各格式文件地址"),
        }
    )
    results = {"type": "array", "items": _ref("Report")}
    link = _nullable(URL)
    region_item = _object(
        {
            "code": REGION_CODE,
            "name": {"type": "string"},
            "level": {"type": "integer", "enum": Region.Level.values, "description": "1 省级、2 地级、3 县级"},
            "path": _names(),
            "children_url": _nullable(URL),
            "reports_url": URL,
        }
    )
    figure = _object({"sum": number, "reports": {"type": "integer"}, "reports_failing_checks": {"type": "integer"}})
    year = _object(
        {
            "year": {"type": "integer"},
            "reports": {"type": "integer"},
            "reports_failing_checks": {"type": "integer"},
            "editions": {"type": "object", "additionalProperties": {"type": "integer"}},
            "values": {"type": "object", "description": "编码 表.行.列 → 合计", "additionalProperties": figure},
        }
    )
    return {
        "Report": report,
        "ReportPage": _object(
            {
                "count": {"type": "integer"},
                "page": {"type": "integer"},
                "page_size": {"type": "integer"},
                "num_pages": {"type": "integer"},
                "next": link,
                "previous": link,
                "results": results,
            }
        ),
        "ReportCursorPage": _object({"page_size": {"type": "integer"}, "next": link, "results": results}),
        "Region": region_item,
        "RegionList": _object(
            {
                "parent": {"oneOf": [_ref("Region"), {"type": "null"}]},
                "count": {"type": "integer"},
                "results": {"type": "array", "items": _ref("Region")},
            }
        ),
        "Statistics": _object(
            {
                "region": {
                    "oneOf": [
                        _object({"code": REGION_CODE, "name": {"type": "string"}, "path": _names()}),
                        {"type": "null"},
                    ]
                },
                "scope": {"type": "string"},
                "year_from": {"type": "integer"},
                "year_to": {"type": "integer"},
                "counted": {"type": "string"},
                "note": {"type": "string"},
                "years": {"type": "array", "items": year},
            }
        ),
        "Error": {
            "type": "object",
            "required": ["error", "parameter"],
            "properties": {
                "error": {"type": "string"},
                "parameter": {"type": ["string", "null"], "description": "出错的参数"},
                "errors": {
                    "type": "array",
                    "items": _object({"parameter": {"type": "string"}, "message": {"type": "string"}}),
                },
            },
        },
    }


def _names() -> dict:
    return {"type": "array", "items": {"type": "string"}, "description": "从省级起的各级名称"}


def _answer(description: str, schema: dict) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _operation(summary: str, parameters: list[dict], ok: dict, *errors: str) -> dict:
    responses = {"200": _answer("成功", ok)}
    for status in errors:
        responses[status] = {"$ref": f"#/components/responses/{ERRORS[status][0]}"}
    responses["429"] = {"$ref": "#/components/responses/TooManyRequests"}
    return {"get": {"summary": summary, "parameters": parameters, "responses": responses}}


ERRORS = {
    "400": ("BadParameter", "参数有误:error 说明原因,parameter 指明参数"),
    "404": ("NotFound", "报告不存在或未公开"),
    "410": ("Gone", "报告已撤回:error 说明撤回日期和理由"),
}


def openapi_document(root: str) -> dict:
    """The OpenAPI 3.1 document of the API served at ``root``."""
    limit = rate_of("api")
    responses = {name: _answer(text, _ref("Error")) for name, text in ERRORS.values()}
    responses["TooManyRequests"] = {
        **_answer(f"请求过于频繁(每个网络地址{describe(limit)})" if limit else "请求过于频繁", _ref("Error")),
        "headers": {"Retry-After": {"description": "多少秒后可以再试", "schema": {"type": "integer", "minimum": 1}}},
    }
    year_range = [
        _query("region", "六位行政区划代码,含下级地区;不填为全国", REGION_CODE),
        _query("year_from", "起始年度(含)", _year()),
        _query("year_to", "截止年度(含)", _year()),
    ]
    return {
        "openapi": "3.1.0",
        "info": {
            "title": f"{settings.GOVOPEN_SITE_NAME} 开放数据接口",
            "version": "1",
            "description": "只读接口,无需注册;只提供已发布的报告。说明和表格数据编码见 /api/。",
        },
        "servers": [{"url": root}],
        "paths": {
            "/api/reports/": _operation(
                "报告列表(筛选参数与信息列表页面相同)",
                report_list_parameters(),
                {"oneOf": [_ref("ReportPage"), _ref("ReportCursorPage")]},
                "400",
            ),
            "/api/reports/{id}/": _operation(
                "单份报告(开放数据格式,附各格式下载地址)",
                [{"name": "id", "in": "path", "required": True, "schema": {"type": "integer", "minimum": 1}}],
                _ref("Report"),
                "404",
                "410",
            ),
            "/api/regions/": _operation(
                "行政区划:省级地区,或 parent 的直接下级",
                [_query("parent", "上级地区的六位代码;不填为省级地区", REGION_CODE)],
                _ref("RegionList"),
                "400",
            ),
            "/api/statistics/": _operation(
                "某地区(含下级地区)已发布年度报告各编码的逐年合计",
                year_range,
                _ref("Statistics"),
                "400",
            ),
        },
        "components": {"schemas": schemas(), "responses": responses},
    }


@require_safe
def openapi_json(request):
    return JsonResponse(openapi_document(base_url(request)), json_dumps_params={"ensure_ascii": False})
