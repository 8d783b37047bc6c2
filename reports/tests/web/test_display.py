"""Display modes (reports/web/display.py), error pages, HEAD, robots.txt and the table markup."""

import re

import pytest
from django.core.cache import caches

from reports.tests.conftest import balanced_values

HANT = {"govopen_script": "hant"}


@pytest.fixture
def report(make_report):
    return make_report(values=balanced_values())


def test_traditional_cookie_converts_the_page_and_sets_lang(client, report):
    """With 繁體 chosen the page comes back in Traditional characters, lang zh-Hant, varying on Cookie."""
    client.cookies.load(HANT)
    response = client.get(report.get_absolute_url())
    html = response.content.decode()
    assert '<html lang="zh-Hant"' in html
    assert "政府信息公開工作年度報告" in html
    assert "政府信息公开" not in html
    assert "Cookie" in response["Vary"]
    assert int(response["Content-Length"]) == len(response.content)


def test_simplified_is_the_default_and_the_switch_sets_and_clears_the_cookie(client, report):
    """The page is Simplified by default; the switch link sets a year-long cookie and goes back."""
    html = client.get("/").content.decode()
    assert '<html lang="zh-Hans">' in html
    assert "繁體" in html
    response = client.get("/display/", {"script": "hant", "next": "/reports/?kind=annual_report"})
    assert response.status_code == 303
    assert response["Location"] == "/reports/?kind=annual_report"
    assert response.cookies["govopen_script"].value == "hant"
    assert response.cookies["govopen_script"]["max-age"] == 365 * 24 * 3600
    assert "公開" in client.get("/").content.decode()
    response = client.get("/display/", {"script": "hans", "next": "/"})
    assert response.cookies["govopen_script"].value == ""  # deleted
    assert "政府信息公开" in client.get("/").content.decode()


def test_switch_refuses_to_send_readers_off_the_site(client, db):
    response = client.get("/display/", {"text": "large", "next": "https://evil.example/"})
    assert response["Location"] == "/"
    assert response.cookies["govopen_text"].value == "large"


def test_large_text_and_high_contrast_are_classes_on_html(client, db):
    client.cookies.load({"govopen_text": "large", "govopen_contrast": "high"})
    html = client.get("/").content.decode()
    assert '<html lang="zh-Hans" class="text-large contrast-high">' in html
    assert "标准字号" in html and "标准配色" in html


def test_downloads_and_admin_stay_as_published(client, admin_client, report):
    """A CSV download, the print page and the admin are never converted."""
    client.cookies.load(HANT)
    csv = client.get(f"/reports/{report.pk}/download.csv")
    assert "政府信息公开".encode() in b"".join(csv.streaming_content) if csv.streaming else csv.content
    assert "政府信息公开" in client.get(f"/reports/{report.pk}/print/").content.decode()
    admin_client.cookies.load(HANT)
    assert "内容管理" in admin_client.get("/admin/").content.decode()


def test_converted_pages_are_cached_by_content(client, report):
    """The same page twice is converted once: the cache holds it under its content hash."""
    cache = caches["script"]
    cache.clear()
    client.cookies.load(HANT)
    client.get(report.get_absolute_url())
    client.get(report.get_absolute_url())
    assert len(cache._cache) == 1


def test_not_found_is_a_chinese_page_in_the_site_style(client, db):
    """With DEBUG off (the test settings) an unknown address answers the site's own 404 page."""
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "页面不存在" in html and 'class="masthead"' in html


def test_server_error_page_renders_without_a_request():
    from django.template.loader import get_template

    html = get_template("500.html").render()
    assert "服务暂时不可用" in html and '<html lang="zh-Hans">' in html


@pytest.mark.parametrize("url", ["/", "/reports/", "/statistics/", "/compliance/", "/api/reports/", "/robots.txt"])
def test_head_answers_wherever_get_does(client, db, url):
    response = client.head(url)
    assert response.status_code == 200
    assert response.content == b""


def test_robots_txt_points_at_the_sitemap(client):
    body = client.get("/robots.txt").content.decode()
    assert "Sitemap: http://testserver/sitemap.xml" in body
    assert "Disallow: /admin/" in body


def test_every_page_has_a_canonical_link_and_a_favicon(client, report):
    html = client.get("/reports/", {"kind": "annual_report", "year": ""}).content.decode()
    assert '<link rel="canonical" href="http://testserver/reports/?kind=annual_report">' in html
    assert 'rel="icon" href="/static/favicon.svg"' in html
    detail = client.get(report.get_absolute_url()).content.decode()
    assert detail.count('rel="canonical"') == 1


def test_each_number_names_its_row_and_column_headers(client, report):
    """A screen reader announces the row and column labels of each number: ``headers`` points at them."""
    html = client.get(report.get_absolute_url()).content.decode()
    cell = re.search(r'<td data-code="applications\.received\.natural_person" headers="([^"]+)"', html)
    names = []
    for ref in cell[1].split():
        names.append(re.search(rf'<th id="{ref}"[^>]*>([^<]+)</th>', html)[1])
    assert any("本年新收政府信息公开申请数量" in n for n in names), names
    assert "自然人" in names
