"""GET /healthz (govopen/health.py): django-health-check's database, cache and storage checks and the
task-queue check, as the JSON 200/503 that load balancers read."""

import contextlib
import datetime

import pytest
from django.core.cache.backends.locmem import LocMemCache
from django.core.files.storage import InMemoryStorage
from django.db import OperationalError, connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from reports.services.statistics import stats_refresh_pending_task

pytestmark = pytest.mark.django_db

ALL_OK = {"database": "ok", "cache": "ok", "storage": "ok", "tasks": "ok"}


class FullDiskStorage(InMemoryStorage):
    def _save(self, name, content):
        raise OSError(28, "No space left on device")


class UnreachableCache(LocMemCache):
    def set(self, *args, **kwargs):
        raise ConnectionError("cache server 10.9.8.7 unreachable")


def test_a_healthy_site_answers_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": ALL_OK, "tasks": {"oldest_waiting_seconds": None}}
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    assert client.head("/healthz").status_code == 200


def test_an_unreachable_database_answers_503_without_saying_where_it_is(client, monkeypatch):
    @contextlib.contextmanager
    def refused():
        raise OperationalError('connection to server at "10.1.2.3", port 5432 failed: Connection refused')
        yield  # pragma: no cover

    monkeypatch.setattr(connection, "temporary_connection", refused)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["status"] == "error" and response.json()["checks"]["database"] == "error"
    assert b"10.1.2.3" not in response.content


@pytest.mark.parametrize(
    "setting, name, check",
    [
        ("STORAGES", {"default": {"BACKEND": f"{__name__}.FullDiskStorage"}}, "storage"),
        ("CACHES", {"default": {"BACKEND": f"{__name__}.UnreachableCache"}}, "cache"),
    ],
)
def test_a_failing_storage_or_cache_answers_503(client, settings, setting, name, check):
    setattr(settings, setting, {**getattr(settings, setting), **name})
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"] == {**ALL_OK, check: "error"}
    assert b"10.9.8.7" not in response.content


def test_no_cache_to_check_with_the_dummy_backend(client, settings):
    settings.CACHES = {**settings.CACHES, "default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json()["checks"]["cache"] == "off"


def test_a_job_waiting_too_long_is_a_warning_not_a_failure(client, settings):
    """No worker for an hour: the server still serves readers (200), the answer says "warning"."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    stats_refresh_pending_task.enqueue()
    DBTaskResult.objects.update(enqueued_at=timezone.now() - datetime.timedelta(hours=1))

    settings.GOVOPEN_HEALTH_TASK_WAIT_SECONDS = 7200
    body = client.get("/healthz").json()
    assert body["status"] == "ok" and 3590 <= body["tasks"]["oldest_waiting_seconds"] <= 3700

    settings.GOVOPEN_HEALTH_TASK_WAIT_SECONDS = 900
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "warning" and response.json()["checks"] == {**ALL_OK, "tasks": "warning"}
