"""Background jobs wait in the database queue and a worker runs them (reports/services/tasks.py).

The other tests run jobs inline (the immediate backend, govopen/test_settings.py); these switch to
the database backend that production uses and run ``manage.py db_worker --batch``, on SQLite and
on PostgreSQL alike.
"""

import datetime
import signal

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from reports.models import ReportStat, StatisticsRefresh
from reports.services.downloads import downloads_prerender_task
from reports.services.reports import report_publish
from reports.services.statistics import stats_refresh_pending_task
from reports.services.tasks import enqueue_once
from reports.tests.conftest import balanced_values

pytestmark = pytest.mark.django_db


@pytest.fixture
def database_queue(settings, monkeypatch):
    """The database backend; the worker keeps the test's connection (Django's test client does the same
    for requests) and the test process keeps its signal handlers."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    monkeypatch.setattr("django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None)
    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    yield
    for sig, handler in handlers.items():
        signal.signal(sig, handler)


def run_worker():
    call_command("db_worker", batch=True, reload=False, startup_delay=False, interval=0, verbosity=0)


def test_publishing_queues_jobs_that_the_worker_runs(
    database_queue, make_report, client, django_capture_on_commit_callbacks
):
    """Publishing queues the statistics, the report's files and (deferred) the whole-site files;
    nothing changes until the worker has run what is due."""
    report = make_report(values=balanced_values(), status="draft")
    with django_capture_on_commit_callbacks(execute=True):
        report_publish(report=report)
    queued = {job.task_path.rsplit(".", 1)[1]: job for job in DBTaskResult.objects.all()}
    assert sorted(queued) == ["downloads_prerender_task", "dumps_build_task", "stats_refresh_pending_task"]
    assert {job.status for job in queued.values()} == {TaskResultStatus.READY}
    assert queued["dumps_build_task"].run_after > timezone.now() + datetime.timedelta(minutes=9)
    assert not ReportStat.objects.filter(pk=report.pk).exists()
    health = client.get("/healthz").json()
    assert health["status"] == "ok" and isinstance(health["tasks"]["oldest_waiting_seconds"], int)

    run_worker()
    statuses = dict(DBTaskResult.objects.values_list("task_path", "status"))
    assert statuses == {
        "reports.services.downloads.downloads_prerender_task": TaskResultStatus.SUCCESSFUL,
        "reports.services.statistics.stats_refresh_pending_task": TaskResultStatus.SUCCESSFUL,
        "reports.services.dumps.dumps_build_task": TaskResultStatus.READY,  # not due yet
    }
    assert ReportStat.objects.filter(pk=report.pk).exists()
    assert not StatisticsRefresh.objects.exists()
    assert client.get("/healthz").json()["tasks"] == {"oldest_waiting_seconds": None}

    # A second publication within the delay shares the waiting build.
    other = make_report(publisher="清镇市教育局", values=balanced_values(), status="draft")
    with django_capture_on_commit_callbacks(execute=True):
        report_publish(report=other)
    assert DBTaskResult.objects.filter(task_path="reports.services.dumps.dumps_build_task").count() == 1


def test_a_job_already_waiting_is_not_queued_again(database_queue):
    """Ten changes before the worker comes round make one statistics job, which drains them all."""
    assert enqueue_once(stats_refresh_pending_task) is True
    assert enqueue_once(stats_refresh_pending_task) is False
    assert DBTaskResult.objects.count() == 1
    run_worker()
    assert enqueue_once(stats_refresh_pending_task) is True  # the earlier one has run: a new one is needed
    assert DBTaskResult.objects.filter(status=TaskResultStatus.READY).count() == 1


def test_a_failed_job_is_recorded_the_worker_goes_on_and_the_outbox_keeps_its_rows(
    database_queue, make_report, monkeypatch
):
    """A statistics job that fails loses nothing: its rows wait for the next job."""
    from reports.services import statistics

    report = make_report(values=balanced_values())
    ReportStat.objects.all().delete()
    StatisticsRefresh.objects.create(report_id=report.pk)

    def broken(**kwargs):
        raise RuntimeError("disk full")

    real = statistics.stats_refresh_pending
    monkeypatch.setattr(statistics, "stats_refresh_pending", broken)
    stats_refresh_pending_task.using(priority=10).enqueue()
    downloads_prerender_task.enqueue(report.pk)
    run_worker()
    failed, done = DBTaskResult.objects.order_by("-priority")
    assert failed.status == TaskResultStatus.FAILED and "disk full" in failed.traceback
    assert done.status == TaskResultStatus.SUCCESSFUL
    assert StatisticsRefresh.objects.filter(report_id=report.pk).exists()

    monkeypatch.setattr(statistics, "stats_refresh_pending", real)
    enqueue_once(stats_refresh_pending_task)
    run_worker()
    assert not StatisticsRefresh.objects.exists()
    assert ReportStat.objects.filter(pk=report.pk).exists()
