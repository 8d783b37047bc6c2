"""Headline measures are sums of format codes (reports/format/measures.py)."""

import pytest

from reports import format as fmt
from reports.format.measures import MEASURES, OUTCOME_MEASURES
from reports.models import ReportStat

pytestmark = pytest.mark.django_db


def test_measures_come_from_format_groups():
    """Outcome measures are the label groups of format.py and cover every outcome row of both editions."""
    assert [m.label for m in OUTCOME_MEASURES] == [
        "予以公开",
        "部分公开",
        "不予公开",
        "无法提供",
        "不予处理",
        "其他处理",
    ]
    covered = {c[1] for m in OUTCOME_MEASURES for c in m.codes}
    assert covered == set(fmt.OUTCOME_ROWS["2021"]) | set(fmt.OUTCOME_ROWS["2019"])
    for m in MEASURES:
        assert ReportStat._meta.get_field(m.key)
