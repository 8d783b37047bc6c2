"""HTTP around public pages (reports/web/http.py): ETag and 304, Cache-Control, compression."""

import pytest

pytestmark = pytest.mark.django_db


def test_a_public_page_is_cacheable_revalidated_and_compressed(client, make_report):
    report = make_report()
    response = client.get(report.get_absolute_url(), HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 200 and response["Content-Encoding"] == "gzip"
    assert "public" in response["Cache-Control"] and "max-age=60" in response["Cache-Control"]
    assert "Cookie" in response["Vary"]
    etag = response["ETag"]
    again = client.get(report.get_absolute_url(), HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304


def test_signed_in_pages_are_private_and_never_compressed(admin_client, make_report):
    report = make_report(status="draft")
    response = admin_client.get(report.get_absolute_url(), HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 200 and "private" in response["Cache-Control"]
    assert not response.has_header("Content-Encoding")
    admin = admin_client.get("/admin/reports/report/", HTTP_ACCEPT_ENCODING="gzip")
    assert not admin.has_header("Content-Encoding") and "public" not in admin["Cache-Control"]


def test_the_api_sends_compact_json(client, make_report):
    report = make_report()
    body = client.get(f"/api/reports/{report.pk}/").content.decode()
    assert "\n" not in body and '": ' not in body
