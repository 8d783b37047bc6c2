"""The derived statistics follow every write and can be rebuilt (reports/services/statistics.py)."""

import datetime
import json

import pytest

from reports.models import RegionYearStat, Report, ReportStat, ReportStatus, TableCell
from reports.regions.codes import COUNTRY_CODE
from reports.services.statistics import stats_rebuild, stats_refresh_report
from reports.tests.conftest import received_sum

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
    TableCell.objects.filter(report=chikan, row="received", column="total").update(value=7)
    stats_refresh_report(chikan.pk)
    assert received_sum("440000", 2022) == 12 + 7 + 20


def test_rebuild_gives_the_same_rows_as_the_hook(fixture_reports):
    before = _all_rows()
    RegionYearStat.objects.all().delete()
    ReportStat.objects.all().delete()
    assert stats_rebuild() == (5, len(before))
    assert _all_rows() == before


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
