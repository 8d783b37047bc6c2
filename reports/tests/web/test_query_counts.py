"""Every public page asks the database a fixed number of questions, however many reports there are:
counted with a few reports, then again with four times as many."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reports.tests.conftest import balanced_values

pytestmark = pytest.mark.django_db

PAGES = (
    "/",
    "/reports/",
    "/reports/?region=520000",
    "/reports/?year=2023&kind=annual_report",
    "/reports/?q=依申请",
    "/reports/?page=2",
    "/reports/{pk}/",
    "/reports/{pk}/print/",
    "/reports/{pk}/download.csv",
    "/reports/{pk}/download.json",
    "/api/",
    "/api/openapi.json",
    "/api/reports/",
    "/api/reports/?cursor=",
    "/api/reports/{pk}/",
    "/api/regions/?parent=520000",
    "/api/statistics/?region=520000",
    "/regions/children/?parent=520000",
    "/statistics/",
    "/statistics/?region=520000",
    "/statistics/compare/?region=520000&region=440000",
    "/compliance/",
    "/compliance/?region=520000",
    "/opendata/",
    "/feeds/reports.atom",
    "/feeds/regions/520000.atom",
    "/robots.txt",
    "/sitemap.xml",
)
COUNTIES = ("520181", "520102", "440803", "440802")


def add_reports(make_report, start: int, n: int):
    reports = []
    for i in range(start, start + n):
        county = COUNTIES[i % len(COUNTIES)]
        reports.append(
            make_report(
                region=county,
                publisher=f"第{i}号机关",
                year=2019 + i % 5,
                values=balanced_values() if i % 5 >= 2 else None,
                sections=(("一", "总体情况", f"依申请公开工作第{i}项。"),),
            )
        )
    return reports


def counts(client, pk: int) -> dict[str, int]:
    out = {}
    for page in PAGES:
        url = page.format(pk=pk)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, url
        out[url] = len(queries)
    return out


def test_no_public_page_asks_more_questions_as_reports_are_added(client, make_report):
    first = add_reports(make_report, 0, 5)[0]
    few = counts(client, first.pk)
    add_reports(make_report, 5, 20)
    many = counts(client, first.pk)
    grown = {url: (few[url], many[url]) for url in few if many[url] > few[url]}
    assert not grown, f"query count grew with the reports: {grown}"
    assert max(many.values()) <= 30, many
