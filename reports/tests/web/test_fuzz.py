"""Public URLs with hostile parameters answer 200, 302 or 4xx with a message — never a 500."""

import pytest

pytestmark = pytest.mark.django_db

PATHS = (
    "/reports/",
    "/statistics/",
    "/statistics/compare/",
    "/statistics/compare/download/",
    "/statistics/download/",
    "/compliance/",
    "/compliance/download/",
    "/api/reports/",
    "/api/statistics/",
    "/regions/children/",
)
PARAMS = ("q", "page", "year", "year_from", "region", "kind", "publisher", "sort", "format", "parent", "add_region")
VALUES = ("²", "\x00", "9" * 30, "<script>", "a" * 3000, "１２")


@pytest.mark.parametrize("path", PATHS)
def test_no_parameter_value_makes_a_public_page_fail(client, fixture_reports, path):
    failures = []
    for name in PARAMS:
        for value in VALUES:
            response = client.get(path, {name: value})
            if response.status_code >= 500:
                failures.append((name, value[:20], response.status_code))
    assert failures == []
