"""Discovery: Atom feeds of new reports, sitemap.xml, and the report page's tags for search engines."""

import datetime
import re
import xml.etree.ElementTree as ET

import pytest

from reports.models import ReportKind

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@pytest.fixture
def reports(make_report):
    return {
        "qingzhen": make_report(published_on=datetime.date(2024, 1, 31)),  # 520181
        "guiyang": make_report(region="520100", publisher="贵阳市人民政府", published_on=datetime.date(2024, 3, 30)),
        "zhanjiang": make_report(region="440800", publisher="湛江市人民政府", published_on=datetime.date(2024, 2, 1)),
        "draft": make_report(region="520100", publisher="贵阳市人民政府办公厅", status="draft"),
    }


def entries(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    return feed, [
        (e.findtext(f"{ATOM}title"), e.find(f"{ATOM}link").get("href"), e.findtext(f"{ATOM}published"))
        for e in feed.findall(f"{ATOM}entry")
    ]


def test_feed_lists_published_reports_newest_first(client, reports):
    feed, items = entries(client, "/feeds/reports.atom")
    assert [title for title, _, _ in items] == [
        reports["guiyang"].title,
        reports["zhanjiang"].title,
        reports["qingzhen"].title,
    ]
    assert items[0][1] == f"http://testserver/reports/{reports['guiyang'].pk}/"
    assert items[0][2].startswith("2024-03-30")
    entry = feed.find(f"{ATOM}entry")
    assert entry.find(f"{ATOM}author").findtext(f"{ATOM}name") == "贵阳市人民政府"
    assert "贵阳市人民政府发布的政府信息公开工作年度报告" in entry.findtext(f"{ATOM}summary")


def test_region_feed_includes_sub_regions_only(client, reports):
    """/feeds/regions/520000.atom: 贵州 reports at every level below, nothing from 广东."""
    feed, items = entries(client, "/feeds/regions/520000.atom")
    assert {t for t, _, _ in items} == {reports["guiyang"].title, reports["qingzhen"].title}
    assert "贵州省" in feed.findtext(f"{ATOM}title")
    _, items = entries(client, "/feeds/regions/520181.atom")
    assert [t for t, _, _ in items] == [reports["qingzhen"].title]
    assert client.get("/feeds/regions/999999.atom").status_code == 404
    assert client.get("/feeds/regions/abc.atom").status_code == 404


def test_sitemap_has_published_reports_and_list_pages(client, reports):
    index = ET.fromstring(client.get("/sitemap.xml").content)
    sections = [loc.text for loc in index.iter(f"{SITEMAP}loc")]
    assert sections == ["http://testserver/sitemap-reports.xml", "http://testserver/sitemap-lists.xml"]
    urls = [loc.text for loc in ET.fromstring(client.get(sections[0]).content).iter(f"{SITEMAP}loc")]
    assert sorted(urls) == sorted(
        f"http://testserver/reports/{reports[k].pk}/" for k in ("qingzhen", "guiyang", "zhanjiang")
    )
    lists = [loc.text for loc in ET.fromstring(client.get(sections[1]).content).iter(f"{SITEMAP}loc")]
    assert "http://testserver/reports/" in lists and "http://testserver/" in lists
    assert all(f"http://testserver/reports/?kind={k}" in lists for k in ReportKind.values)


def test_report_page_describes_itself_for_search_engines_and_link_previews(client, reports):
    report = reports["qingzhen"]
    html = client.get(report.get_absolute_url()).content.decode()

    def meta(attr, name):
        match = re.search(rf'<meta {attr}="{re.escape(name)}" content="([^"]*)">', html)
        return match and match.group(1)

    description = "清镇市人民政府办公室发布的政府信息公开工作年度报告(2023年度)。"
    assert meta("name", "description") == description
    assert meta("property", "og:description") == description
    assert meta("property", "og:title") == report.title
    assert meta("property", "og:type") == "article"
    canonical = f"http://testserver/reports/{report.pk}/"
    assert f'<link rel="canonical" href="{canonical}">' in html
    assert meta("property", "og:url") == canonical
    assert f'href="/feeds/regions/{report.region_id}.atom"' in html
