"""manage.py enqueue_nightly queues the statistics left pending and a build of the whole-site files."""

from io import StringIO

import pytest
from django.core.management import call_command

from reports.models import ReportStat, StatisticsRefresh
from reports.services.dumps import dumps_current
from reports.tests.conftest import balanced_values

pytestmark = pytest.mark.django_db


def nightly() -> str:
    out = StringIO()
    call_command("enqueue_nightly", stdout=out)
    return out.getvalue()


def test_inline_it_catches_up_the_statistics_and_builds_the_files(make_report):
    report = make_report(values=balanced_values())
    ReportStat.objects.all().delete()
    StatisticsRefresh.objects.create(report_id=report.pk)
    assert "已排入后台任务" in nightly()
    assert not StatisticsRefresh.objects.exists() and ReportStat.objects.filter(pk=report.pk).exists()
    assert dumps_current().reports == 1


def test_with_the_database_queue_a_job_already_waiting_is_not_queued_twice(settings):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    nightly()
    assert "已有一个在等待,未重复排入" in nightly()
    assert DBTaskResult.objects.count() == 2
