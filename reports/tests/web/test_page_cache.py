"""The public page cache (reports/web/http.py PublicPageCacheMiddleware) and its invalidation
(reports/services/page_cache.py). Tests roll back instead of committing, so each change runs inside
``django_capture_on_commit_callbacks(execute=True)``: the invalidation happens as on a commit."""

import pytest
from django.core.cache import cache

from reports.models import Publisher, Report
from reports.services.reports import report_publish, report_withdraw

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache(settings):
    settings.GOVOPEN_PAGE_CACHE_SECONDS = 600
    cache.clear()
    yield
    cache.clear()


def get(client, url="/reports/", **kwargs):
    response = client.get(url, **kwargs)
    assert response.status_code == 200
    return response, response.get("X-Page-Cache")


def test_a_public_page_is_served_from_the_cache_the_second_time(client, make_report):
    make_report(title="甲县2023年报告")
    first, state1 = get(client)
    second, state2 = get(client)
    assert (state1, state2) == ("miss", "hit")
    assert second.content == first.content and "甲县2023年报告" in second.content.decode()
    # The outer middleware still apply: validators and caching headers on a hit.
    assert second["ETag"] == first["ETag"] and "public" in second["Cache-Control"]
    assert client.get("/reports/", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304


def test_publishing_withdrawing_and_renaming_retire_the_cached_pages(
    client, make_report, django_capture_on_commit_callbacks
):
    shown = make_report(title="甲县2023年报告")
    draft = make_report(publisher="乙县人民政府", title="乙县2023年报告", status="draft", published_on=None)
    get(client)
    assert get(client)[1] == "hit"

    # A draft's edit shows nowhere: the cache stays.
    with django_capture_on_commit_callbacks(execute=True):
        draft.title = "乙县2023年报告(修改)"
        draft.save()
    assert get(client)[1] == "hit"

    with django_capture_on_commit_callbacks(execute=True):
        report_publish(report=draft)
    page, state = get(client)
    assert state == "miss" and "乙县2023年报告(修改)" in page.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        report_withdraw(report=Report.objects.get(pk=shown.pk), reason="重复发布")
    page, state = get(client)
    assert state == "miss" and "甲县2023年报告" not in page.content.decode()

    get(client)
    with django_capture_on_commit_callbacks(execute=True):
        publisher = Publisher.objects.get(name="乙县人民政府")
        publisher.name = "乙县人民政府办公室"
        publisher.save()
    page, state = get(client)
    assert state == "miss" and "乙县人民政府办公室" in page.content.decode()


def test_a_rolled_back_change_leaves_the_cache_alone(client, make_report, django_capture_on_commit_callbacks):
    make_report()
    get(client)
    with django_capture_on_commit_callbacks(execute=False):
        publisher = Publisher.objects.get()
        publisher.name = "改名"
        publisher.save()
    assert get(client)[1] == "hit"


def test_display_modes_have_their_own_entries(client, make_report):
    make_report(title="甲县2023年政府信息公开工作年度报告")
    simplified = get(client)[0].content.decode()
    client.cookies["govopen_script"] = "hant"
    traditional, state = get(client)
    assert (
        state == "miss"
        and "管理後臺" in traditional.content.decode()
        and "管理后台" not in traditional.content.decode()
    )
    assert get(client)[1] == "hit"
    del client.cookies["govopen_script"]
    assert get(client)[0].content.decode() == simplified


def test_signed_in_accounts_the_admin_and_head(client, admin_client, make_report):
    make_report()
    assert get(admin_client)[1] is None  # a session cookie: never cached, never served from the cache
    assert admin_client.get("/admin/").get("X-Page-Cache") is None
    get(client)
    head = client.head("/reports/")
    assert head.status_code == 200 and head["X-Page-Cache"] == "hit" and head.content == b""


def test_what_is_not_cached(client, make_report):
    report = make_report()
    # An error page, a download (attachment) and a switch that sets a cookie are never stored.
    assert client.get("/reports/999999/").status_code == 404
    assert client.get("/reports/999999/").get("X-Page-Cache") is None
    csv = client.get(f"/reports/{report.pk}/download.csv")
    assert csv.status_code == 200 and csv.get("X-Page-Cache") is None
    assert client.get(f"/reports/{report.pk}/download.csv").get("X-Page-Cache") is None


def test_a_statistics_refresh_retires_the_statistics_pages(client, make_report, django_capture_on_commit_callbacks):
    from reports.services.page_cache import public_generation
    from reports.services.statistics import stats_refresh_report

    report = make_report()
    get(client, "/statistics/")
    assert get(client, "/statistics/")[1] == "hit"
    before = public_generation()
    with django_capture_on_commit_callbacks(execute=True):
        stats_refresh_report(report.pk)
    assert public_generation() == before + 1
    assert get(client, "/statistics/")[1] == "miss"


def test_compressed_and_plain_answers_are_kept_apart(client, make_report):
    import gzip

    make_report(title="甲县2023年报告")
    plain = get(client)[0]
    zipped, state = get(client, HTTP_ACCEPT_ENCODING="gzip")
    assert state == "miss" and zipped["Content-Encoding"] == "gzip"
    again, state = get(client, HTTP_ACCEPT_ENCODING="gzip")
    assert state == "hit" and again["Content-Encoding"] == "gzip"
    assert gzip.decompress(again.content) == plain.content
    assert int(again["Content-Length"]) == len(again.content)
    assert "Content-Security-Policy" in again and "Content-Encoding" not in get(client)[0]


def test_a_revalidation_that_misses_is_stored_and_answered_304(client, make_report):
    """Clients that always revalidate must not bypass the cache: the miss stores the page and the
    answer is still 304 when their copy is current (200 with the page when it is not)."""
    make_report()
    etag = client.get("/reports/")["ETag"]
    cache.clear()
    first = client.get("/reports/", HTTP_IF_NONE_MATCH=etag)
    assert first.status_code == 304 and first["X-Page-Cache"] == "miss" and first["ETag"] == etag
    second = client.get("/reports/", HTTP_IF_NONE_MATCH=etag)
    assert second.status_code == 304 and second["X-Page-Cache"] == "hit"
    stale = client.get("/reports/", HTTP_IF_NONE_MATCH='"something-else"')
    assert stale.status_code == 200 and stale["X-Page-Cache"] == "hit" and stale.content
