"""The derived statistics follow every write and can be rebuilt (reports/services/statistics.py)."""

import datetime
import json

import pytest

from reports.models import RegionYearStat, Report, ReportStat, ReportStatus, StatisticsRefresh
from reports.regions.codes import COUNTRY_CODE
from reports.services.statistics import (
    stats_rebuild,
    stats_refresh_pending,
    stats_refresh_pending_task,
    stats_refresh_report,
)
from reports.tests.conftest import received_sum, store_values

pytestmark = pytest.mark.django_db


def test_hook_follows_withdraw_move_and_delete(fixture_reports):
    """Withdrawing, moving to another region and deleting a report change the sums at every level."""
    xiashan = fixture_reports["xiashan"]
    Report.objects.filter(pk=xiashan.pk).update(status=ReportStatus.WITHDRAWN)
    stats_refresh_report(xiashan.pk)
    assert received_sum("440803", 2022) is None
    assert received_sum("440800", 2022) == 5
    assert received_sum(COUNTRY_CODE, 2022) == 5 + 20 + 12
    Report.objects.filter(pk=xiashan.pk).update(status=ReportStatus.PUBLISHED, region="520181")
    stats_refresh_report(xiashan.pk)
    assert received_sum("520100", 2022) == 24
    assert received_sum("440800", 2022) == 5
    qingzhen = fixture_reports["qingzhen"].pk
    Report.objects.filter(pk=qingzhen).delete()
    stats_refresh_report(qingzhen)
    assert received_sum("520000", 2022) == 12
    assert not ReportStat.objects.filter(pk=qingzhen).exists()


def test_hook_follows_changed_values(fixture_reports):
    chikan = fixture_reports["chikan"]
    store_values(chikan, {("applications", "received", "total"): 7})
    stats_refresh_report(chikan.pk)
    assert received_sum("440000", 2022) == 12 + 7 + 20


def test_rebuild_gives_the_same_rows_as_the_hook(fixture_reports, make_report):
    # A publisher with a report on each of two years, written newest first: the comparisons too.
    for year in (2023, 2022):
        make_report(region="440803", publisher="霞山区人民政府", year=year, sections=(("一", "总体情况", "同" * 300),))
    before = _all_rows()
    pairs = _pair_rows()
    assert any(previous for _, previous, *_ in pairs)
    RegionYearStat.objects.all().delete()
    ReportStat.objects.all().delete()
    assert stats_rebuild() == (7, len(before))
    assert _all_rows() == before
    assert _pair_rows() == pairs


def _pair_rows():
    return sorted(ReportStat.objects.values_list("report_id", "previous_id", "similarity", "year_checks", "failures"))


def _all_rows():
    return sorted(
        (
            r.region_code,
            r.year,
            r.scope,
            r.reports,
            r.failed,
            json.dumps(r.measures, sort_keys=True),
            json.dumps(r.figures, sort_keys=True),
        )
        for r in RegionYearStat.objects.all()
    )


def test_published_on_is_kept(fixture_reports):
    assert ReportStat.objects.get(pk=fixture_reports["city"].pk).published_on == datetime.date(2024, 1, 31)


# --- The outbox: a StatisticsRefresh row per change, in the change's transaction ---


class Boom(Exception):
    pass


def test_a_change_writes_its_refresh_row_in_its_own_transaction(fixture_reports):
    """The row commits with the change and is rolled back with it: no refresh for a change that never happened."""
    from django.db import transaction

    from reports.services.reports import report_withdraw

    xiashan = fixture_reports["xiashan"]
    with pytest.raises(Boom), transaction.atomic():
        report_withdraw(report=xiashan, reason="数据有误")
        assert StatisticsRefresh.objects.filter(report_id=xiashan.pk).count() == 1
        raise Boom
    assert not StatisticsRefresh.objects.exists()
    assert Report.objects.get(pk=xiashan.pk).status == ReportStatus.PUBLISHED
    report_withdraw(report=Report.objects.get(pk=xiashan.pk), reason="数据有误")
    assert list(StatisticsRefresh.objects.values_list("report_id", flat=True)) == [xiashan.pk]
    assert received_sum("440803", 2022) == 12  # not refreshed until the task runs


def test_the_task_runs_once_the_change_commits(fixture_reports, django_capture_on_commit_callbacks):
    """Withdrawing queues the statistics task on commit; it refreshes the sums and empties the outbox."""
    from reports.services.reports import report_withdraw

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        report_withdraw(report=fixture_reports["xiashan"], reason="数据有误")
        assert received_sum("440803", 2022) == 12
    assert callbacks
    assert received_sum("440803", 2022) is None
    assert received_sum(COUNTRY_CODE, 2022) == 5 + 20 + 12
    assert not StatisticsRefresh.objects.exists()


def test_pending_rows_left_by_a_crash_are_done_by_the_next_run_and_a_second_run_does_nothing(fixture_reports):
    """Rows no task processed (the process died after the commit) wait; the next run does them once."""
    xiashan, chikan = fixture_reports["xiashan"].pk, fixture_reports["chikan"].pk
    expected = _all_rows()
    Report.objects.filter(pk=xiashan).update(status=ReportStatus.WITHDRAWN)
    store_values(chikan, {("applications", "received", "total"): 7})
    StatisticsRefresh.objects.bulk_create(StatisticsRefresh(report_id=pk) for pk in (xiashan, chikan, chikan))
    stats_refresh_pending_task.enqueue()
    assert not StatisticsRefresh.objects.exists()
    assert received_sum("440803", 2022) is None
    assert received_sum("440000", 2022) == 7 + 20
    changed = _all_rows()
    assert changed != expected
    assert stats_refresh_pending() == 0
    assert _all_rows() == changed
    RegionYearStat.objects.all().delete()
    ReportStat.objects.all().delete()
    stats_rebuild()
    assert _all_rows() == changed  # the same sums as a full rebuild


def test_a_deleted_report_leaves_the_statistics_when_its_row_is_processed(fixture_reports):
    from reports.services.reports import reports_delete

    qingzhen = fixture_reports["qingzhen"]
    reports_delete(reports=[qingzhen])
    assert ReportStat.objects.filter(pk=qingzhen.pk).exists()
    assert stats_refresh_pending() == 1
    assert not ReportStat.objects.filter(pk=qingzhen.pk).exists()
    assert received_sum("520000", 2022) is None


def test_rebuild_clears_the_pending_rows(fixture_reports):
    """A rebuild reads every committed change, so the rows pending before it are done."""
    Report.objects.filter(pk=fixture_reports["xiashan"].pk).update(status=ReportStatus.WITHDRAWN)
    StatisticsRefresh.objects.create(report_id=fixture_reports["xiashan"].pk)
    stats_rebuild()
    assert not StatisticsRefresh.objects.exists()
    assert received_sum("440803", 2022) is None


def test_a_bulk_import_queues_one_task_when_it_ends(fixture_reports, django_capture_on_commit_callbacks):
    """Inside stats_deferred each change only writes its row; the block's end queues the task once."""
    from reports.services.statistics import stats_deferred, stats_refresh_later

    ids = [r.pk for r in fixture_reports.values()]
    with django_capture_on_commit_callbacks() as callbacks:
        with stats_deferred():
            for pk in ids:
                stats_refresh_later([pk])
        assert StatisticsRefresh.objects.count() == len(ids)
    assert len(callbacks) == 1
