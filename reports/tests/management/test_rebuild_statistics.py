"""manage.py rebuild_statistics (reports/management/commands/rebuild_statistics.py)."""

import io

import pytest

from reports.models import RegionYearStat
from reports.regions.codes import COUNTRY_CODE
from reports.tests.conftest import received_sum

pytestmark = pytest.mark.django_db


def test_rebuild_command(fixture_reports):
    from django.core.management import call_command

    out = io.StringIO()
    RegionYearStat.objects.all().delete()
    call_command("rebuild_statistics", stdout=out)
    assert "已汇总 5 份年度报告" in out.getvalue()
    assert received_sum(COUNTRY_CODE, 2022) == 49
