"""The API's OpenAPI document (reports/web/openapi.py): valid OpenAPI 3.1, every /api/ route of the
URLconf, the parameters the views read with the bounds they enforce, and schemas real answers fit."""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate

from reports.selectors.filters import ReportFilter
from reports.web.api import MAX_PAGE_SIZE

pytestmark = pytest.mark.django_db

# /api/ itself is the documentation page for people and /api/openapi.json the document: not API calls.
NOT_DESCRIBED = {"/api/", "/api/openapi.json"}


def document(client) -> dict:
    response = client.get("/api/openapi.json")
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    return response.json()


def api_routes(patterns=None, prefix="/") -> set[str]:
    """Every route of the URLconf under /api/, written as OpenAPI writes paths (``{id}``)."""
    found = set()
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            found |= api_routes(entry.url_patterns, route)
        elif isinstance(entry, URLPattern) and route.startswith("/api/"):
            found.add(re.sub(r"<int:pk>", "{id}", route))
    return found


def test_the_document_is_valid_openapi_3_1(client):
    spec = document(client)
    validate(spec)  # raises on anything the OpenAPI 3.1 schema does not allow
    assert spec["openapi"] == "3.1.0" and spec["servers"] == [{"url": "http://testserver"}]


def test_every_api_route_is_described(client):
    routes = api_routes()
    assert {"/api/reports/", "/api/reports/{id}/", "/api/regions/", "/api/statistics/"} <= routes
    assert set(document(client)["paths"]) == routes - NOT_DESCRIBED


def test_the_list_documents_every_filter_of_the_list_page(client):
    parameters = document(client)["paths"]["/api/reports/"]["get"]["parameters"]
    assert [p["name"] for p in parameters] == [*ReportFilter.base_filters, "page", "page_size", "cursor"]
    page_size = next(p for p in parameters if p["name"] == "page_size")["schema"]
    assert page_size["maximum"] == MAX_PAGE_SIZE


def _breaking(schema: dict) -> list[str]:
    """Values outside what ``schema`` allows; none for a free string."""
    values = []
    if schema["type"] == "integer" or "enum" in schema or "pattern" in schema:
        values.append("x")
    if "minimum" in schema:
        values.append(str(schema["minimum"] - 1))
    if "maximum" in schema:
        values.append(str(schema["maximum"] + 1))
    return values


def test_each_documented_parameter_is_read_and_bounded_by_its_view(client, make_report):
    """A value outside a parameter's documented schema is refused with 400 naming that parameter:
    the view reads it and enforces the documented bounds."""
    make_report()
    spec = document(client)
    unchecked, wrong = [], []
    for path, item in spec["paths"].items():
        for parameter in item["get"]["parameters"]:
            if parameter["in"] != "query":
                continue
            values = _breaking(parameter["schema"])
            if not values:
                unchecked.append(parameter["name"])
            for value in values:
                response = client.get(path, {parameter["name"]: value})
                if response.status_code != 400 or response.json()["parameter"] != parameter["name"]:
                    wrong.append((path, parameter["name"], value, response.status_code))
            if "maximum" in parameter["schema"]:  # the bound itself is allowed
                response = client.get(path, {parameter["name"]: parameter["schema"]["maximum"]})
                if response.status_code == 400 and response.json()["parameter"] == parameter["name"]:
                    wrong.append((path, parameter["name"], parameter["schema"]["maximum"], 400))
    assert wrong == []
    assert unchecked == ["q"]  # any text is a keyword (longer is cut, not refused)


def _schema(spec: dict, path: str, status: str) -> dict:
    answer = spec["paths"][path]["get"]["responses"][status]
    if "$ref" in answer:
        answer = spec["components"]["responses"][answer["$ref"].rsplit("/", 1)[1]]
    return answer["content"]["application/json"]["schema"]


def _fits(spec: dict, schema: dict, body: dict) -> list[str]:
    # The document's components beside the schema, so that its "#/components/..." references resolve.
    validator = Draft202012Validator(
        {**schema, "components": spec["components"]}, format_checker=Draft202012Validator.FORMAT_CHECKER
    )
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(body)]


def test_real_answers_fit_the_documented_schemas(client, full_report):
    spec = document(client)
    calls = [
        ("/api/reports/", "/api/reports/", "200"),
        ("/api/reports/", "/api/reports/?cursor=", "200"),
        ("/api/reports/", "/api/reports/?year=abc", "400"),
        ("/api/reports/{id}/", f"/api/reports/{full_report.pk}/", "200"),
        ("/api/reports/{id}/", f"/api/reports/{full_report.pk + 1}/", "404"),
        ("/api/regions/", "/api/regions/", "200"),
        ("/api/regions/", "/api/regions/?parent=520000", "200"),
        ("/api/regions/", "/api/regions/?parent=999999", "400"),
        ("/api/statistics/", "/api/statistics/?region=520000&year_from=2023&year_to=2023", "200"),
        ("/api/statistics/", "/api/statistics/?year_from=2023&year_to=2019", "400"),
    ]
    misfits = {}
    for path, url, status in calls:
        response = client.get(url)
        assert str(response.status_code) == status, url
        problems = _fits(spec, _schema(spec, path, status), response.json())
        if problems:
            misfits[url] = problems[:5]
    assert misfits == {}
    assert client.get("/api/reports/").json()["results"][0]["tables"], "a report with numbers was checked"


def test_the_documentation_page_links_the_document(client):
    page = client.get("/api/").content.decode()
    assert 'href="/api/openapi.json"' in page
