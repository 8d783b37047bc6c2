"""Rate limits per client (reports/web/limits.py): over a limit, 429 with Retry-After (a page, or the
API's JSON error); other clients, signed-in staff and the health check are not held back; the page
cache neither stores a 429 nor counts its hits."""

import pytest
from django.core.cache import cache
from django.urls import URLPattern, URLResolver, get_resolver
from django_ratelimit import core as ratelimit_core

pytestmark = pytest.mark.django_db

LIMITS = {"search": "3/m", "downloads": "3/m", "exports": "2/m", "api": "3/m"}


class Clock:
    """django-ratelimit counts in fixed windows of the wall clock: held still here, so that no window
    ends in the middle of a test, and moved on to end one."""

    def __init__(self, now: float):
        self.now = now

    def time(self) -> float:
        return self.now


@pytest.fixture(autouse=True)
def clock(settings, monkeypatch):
    settings.RATELIMIT_ENABLE = True
    settings.GOVOPEN_RATE_LIMITS = LIMITS
    cache.clear()
    held = Clock(1_750_000_000.0)
    monkeypatch.setattr(ratelimit_core, "time", held)
    yield held
    cache.clear()


def search(client, word, **meta):
    return client.get("/reports/", {"q": word}, **meta)


def test_searching_over_the_limit_answers_429_with_retry_after(client, clock, make_report):
    make_report()
    assert [search(client, f"报告{i}").status_code for i in range(3)] == [200, 200, 200]
    refused = search(client, "报告")
    assert refused.status_code == 429
    wait = int(refused["Retry-After"])
    assert 1 <= wait <= 60
    page = refused.content.decode()
    assert refused["Content-Type"].startswith("text/html")
    assert "搜索过于频繁:每个网络地址每分钟 3 次" in page and f"请在 {wait} 秒后再试" in page
    assert "no-store" in refused["Cache-Control"]

    # Browsing the list (no keyword) is not counted; another address has its own count.
    assert client.get("/reports/").status_code == 200
    assert search(client, "报告", REMOTE_ADDR="10.0.0.2").status_code == 200

    # Retry-After tells the truth: a second early the client is still refused, then served.
    clock.now += wait - 1
    assert search(client, "报告").status_code == 429
    clock.now += 1
    assert search(client, "报告").status_code == 200


def test_the_api_answers_429_in_its_json_error_format(client, full_report):
    """The API's endpoints share one count per client."""
    for url in ("/api/reports/", "/api/regions/", "/api/statistics/"):
        assert client.get(url).status_code == 200
    refused = client.get(f"/api/reports/{full_report.pk}/")
    assert refused.status_code == 429 and refused["Content-Type"] == "application/json"
    body = refused.json()
    assert body["parameter"] is None
    assert body["error"].startswith("调用数据接口过于频繁:每个网络地址每分钟 3 次")
    assert body["error"].endswith(f"请在 {refused['Retry-After']} 秒后再试。")
    assert client.get("/api/reports/", REMOTE_ADDR="10.0.0.2").status_code == 200


def test_downloads_and_exports_are_counted_apart(client, full_report):
    assert [client.get("/reports/export.csv").status_code for _ in range(2)] == [200, 200]
    assert client.get("/reports/export.csv").status_code == 429
    # The other exports share the count: statistics downloads and the whole-site files.
    assert client.get("/statistics/download/", {"format": "xlsx"}).status_code == 429
    assert client.get("/opendata/reports.csv.gz").status_code == 429
    # A report's own files are counted apart.
    download = f"/reports/{full_report.pk}/download.csv"
    assert [client.get(download).status_code for _ in range(3)] == [200, 200, 200]
    assert client.get(f"/reports/{full_report.pk}/print/").status_code == 429


def test_signed_in_staff_are_not_limited(admin_client, make_report):
    make_report()
    assert {search(admin_client, f"报告{i}").status_code for i in range(6)} == {200}
    assert {admin_client.get("/api/reports/").status_code for _ in range(6)} == {200}


def test_behind_a_trusted_proxy_each_forwarded_client_has_its_own_count(client, settings):
    proxy = {"REMOTE_ADDR": "10.0.0.1"}
    for _ in range(3):
        client.get("/api/regions/", HTTP_X_FORWARDED_FOR="203.0.113.5", **proxy)
    # Without GOVOPEN_TRUSTED_PROXY the header is anyone's to write: the proxy's address counts.
    assert client.get("/api/regions/", HTTP_X_FORWARDED_FOR="203.0.113.6", **proxy).status_code == 429

    settings.GOVOPEN_TRUSTED_PROXY = True
    for _ in range(3):
        assert client.get("/api/regions/", HTTP_X_FORWARDED_FOR="203.0.113.5, 10.0.0.1", **proxy).status_code == 200
    assert client.get("/api/regions/", HTTP_X_FORWARDED_FOR="203.0.113.5", **proxy).status_code == 429
    assert client.get("/api/regions/", HTTP_X_FORWARDED_FOR="203.0.113.6", **proxy).status_code == 200
    # A forwarded value that is no address falls back to the connection's.
    assert client.get("/api/regions/", HTTP_X_FORWARDED_FOR="unknown", **proxy).status_code == 429


def test_an_ipv6_client_is_counted_by_its_64_block(client):
    for _ in range(3):
        client.get("/api/regions/", REMOTE_ADDR="2001:db8:0:1::1")
    assert client.get("/api/regions/", REMOTE_ADDR="2001:db8:0:1::2").status_code == 429
    assert client.get("/api/regions/", REMOTE_ADDR="2001:db8:0:2::1").status_code == 200


def test_the_health_check_is_never_limited(client, settings):
    settings.GOVOPEN_RATE_LIMITS = dict.fromkeys(LIMITS, "1/m")
    assert {client.get("/healthz").status_code for _ in range(3)} == {200}


def _limited_routes(patterns=None, prefix="/") -> dict[str, str]:
    found = {}
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            found |= _limited_routes(entry.url_patterns, route)
        elif isinstance(entry, URLPattern) and getattr(entry.callback, "rate_limit_scope", None):
            found[route] = entry.callback.rate_limit_scope
    return found


def test_exactly_the_costly_answers_are_limited():
    """Search, downloads, exports and the API; never /healthz, pages, feeds or static files (which
    whitenoise answers before any view)."""
    assert _limited_routes() == {
        "/reports/": "search",  # with a keyword only
        "/reports/<int:pk>/download.<str:ext>": "downloads",
        "/reports/<int:pk>/print/": "downloads",
        "/reports/export.<str:ext>": "exports",
        "/opendata/reports.<str:ext>": "exports",
        "/statistics/download/": "exports",
        "/statistics/compare/download/": "exports",
        "/compliance/download/": "exports",
        "/api/reports/": "api",
        "/api/reports/<int:pk>/": "api",
        "/api/regions/": "api",
        "/api/statistics/": "api",
    }


def test_a_429_is_never_cached_and_cached_pages_are_not_counted(client, settings, make_report):
    settings.GOVOPEN_PAGE_CACHE_SECONDS = 600
    make_report()
    assert search(client, "甲").get("X-Page-Cache") == "miss"
    assert {search(client, "甲").get("X-Page-Cache") for _ in range(5)} == {"hit"}  # not counted
    assert search(client, "乙").status_code == 200 and search(client, "丙").status_code == 200
    refused = search(client, "丁")
    assert refused.status_code == 429 and "X-Page-Cache" not in refused

    other = search(client, "丁", REMOTE_ADDR="10.0.0.2")
    assert other.status_code == 200 and other["X-Page-Cache"] == "miss"
    # A page already cached is still served to the client over its limit.
    assert search(client, "甲").status_code == 200
