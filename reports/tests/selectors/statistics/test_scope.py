"""Sums, breakdowns and failing reports of a region over years (reports/selectors/statistics/scope.py)."""

import pytest
from django.db.models import Q

from reports.selectors.statistics.scope import scope_filter, scope_statistics
from reports.selectors.statistics.scope_tables import scope_tables
from reports.tests.conftest import D, region_of

pytestmark = pytest.mark.django_db


def fig(agg, code):
    f = agg.figure(code)
    return (f.total, f.reports, f.failing) if f else None


def test_sums_by_region_and_year_match_hand_computed_values(fixture_reports):
    """A province sums its prefectures, counties and own bodies; blanks are not reports "with data"."""
    s = scope_statistics(region=region_of("440000"), year_from=2022, year_to=2023)
    y22, y23 = s.per_year[2022], s.per_year[2023]
    assert (y22.reports, y22.failed) == (3, 0)
    assert (y23.reports, y23.failed) == (1, 1)
    # 12 (霞山) + 5 (赤坎) + 20 (省本级); every one of the three filled the cell.
    assert fig(y22, "applications.received.total") == (37, 3, 0)
    # Only 霞山 filled 上年结转 and 商业企业; the two small tables left them blank (not 0).
    assert fig(y22, "applications.carried_over.total") == (1, 1, 0)
    assert fig(y22, "applications.received.commercial") == (2, 1, 0)
    # The broken report still counts, and says so.
    assert fig(y23, "applications.received.total") == (13, 1, 1)
    assert fig(s.total, "applications.received.total") == (50, 4, 1)
    assert fig(y22, "proactive.fees.amount") == (D("6858.05"), 1, 0)
    # Headline measures: 不予公开 sums its eight rows; a report with all of them blank is not counted.
    assert y22.measure("granted").total == 7 + 5 + 15
    assert (y22.measure("withheld").total, y22.measure("withheld").reports) == (0, 1)


def test_country_city_and_county_scopes(fixture_reports):
    country = scope_statistics(region=None, year_from=2022, year_to=2022)
    assert country.total.reports == 4
    assert fig(country.total, "applications.received.total") == (12 + 5 + 20 + 12, 4, 0)
    city = scope_statistics(region=region_of("440800"), year_from=2022, year_to=2023)
    assert [y.reports for y in city.per_year.values()] == [2, 1]
    county = scope_statistics(region=region_of("440802"), year_from=2022, year_to=2022)
    assert fig(county.total, "applications.granted.total") == (5, 1, 0)
    assert county.children == []


def test_breakdown_by_child_region_and_publisher(fixture_reports):
    """A province lists its cities and its own bodies; a city its counties; rows sort by any measure."""
    s = scope_statistics(region=region_of("440000"), year_from=2022, year_to=2023, sort="received", order="desc")
    assert [(b.name, b.agg.reports, b.agg.measure("received").total) for b in s.children] == [
        ("湛江市", 3, 12 + 5 + 13),
        ("广东省本级", 1, 20),
    ]
    city = scope_statistics(region=region_of("440800"), year_from=2022, year_to=2023, sort="received", order="asc")
    assert [(b.key, b.agg.measure("received").total) for b in city.children] == [
        ("440802", 5),
        ("440803", 12),
        ("440800", 13),  # 湛江市本级 comes last whatever the order
    ]
    table = next(t for t in scope_tables(s) if t.slug == "publishers")
    assert [r.label for r in table.rows] == [
        "广东省人民政府办公厅",
        "湛江市人民政府",
        "湛江市霞山区人民政府",
        "湛江市赤坎区人民政府办公室",
    ]
    assert [r.cells[2].value for r in table.rows] == [20, 13, 12, 5]


def test_publisher_breakdown_is_cut_and_sorted_in_the_database(fixture_reports):
    """Only the first publishers in the chosen order are read; the total still counts them all."""
    from reports.selectors.statistics.scope import publisher_breakdown

    scope = scope_filter("440000") & Q(year__gte=2022, year__lte=2023)
    rows, total = publisher_breakdown(scope, "received", "asc", limit=2, single=None)
    assert total == 4
    assert [b.agg.measure("received").total for b in rows] == [5, 12]
    assert rows[1].agg.measure("granted").total == 7
    rows, total = publisher_breakdown(scope, "name", "asc", limit=None, single=None)
    assert (total, len(rows)) == (4, 4)
    assert [b.agg.reports for b in rows] == [1, 1, 1, 1]
    rows, _ = publisher_breakdown(scope, "failed", "desc", limit=1, single=2023)
    city = fixture_reports["city"]
    assert (rows[0].agg.failed, rows[0].href_params) == (1, {"publisher": city.publisher_id, "year": 2023})


def test_failing_reports_are_listed(fixture_reports):
    s = scope_statistics(region=region_of("440000"), year_from=2022, year_to=2023)
    assert [st.report_id for st in s.failing] == [fixture_reports["city"].pk]


def test_figures_over_several_years_link_to_exactly_those_years():
    """A figure summed over 2021–2023 opens the list for 2021–2023; a single year opens that year."""
    from reports.selectors.statistics.scope import list_url

    assert list_url(region="440800", year_from=2021, year_to=2023) == (
        "/reports/?kind=annual_report&region=440800&year_from=2021&year_to=2023"
    )
    assert list_url(publisher=7, year_from=2022, year_to=2022) == "/reports/?kind=annual_report&publisher=7&year=2022"
