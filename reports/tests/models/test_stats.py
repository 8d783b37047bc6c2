"""The derived statistics' model (reports/models/stats.py)."""

from reports.format.measures import MEASURES
from reports.models import ReportStat


def test_every_measure_has_its_column_and_the_covering_index_holds_them_all():
    keys = [m.key for m in MEASURES]
    for key in keys:
        ReportStat._meta.get_field(key)
    index = next(i for i in ReportStat._meta.indexes if i.name == "reportstat_year_measures")
    assert set(keys) <= set(index.include)
