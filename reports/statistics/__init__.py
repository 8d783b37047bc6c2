"""Statistics across regions and years, comparisons and the compliance board (issue #5).

Modules: ``measures`` (headline sums defined from reports/format.py), ``aggregate`` (additive
sums), ``refresh`` (keeping ReportStat/RegionYearStat up to date), ``selectors`` (statistics page,
comparison, API), ``compliance`` (the compliance board), ``charts`` (server-side SVG),
``exports`` (CSV/XLSX), ``params`` (query parameters), ``tree`` (the region tree in memory).

Services call :func:`stats_refresh_report` after every write to a report.
"""

from reports.statistics.refresh import stats_deferred, stats_rebuild, stats_refresh_report, stats_refresh_reports

__all__ = ["stats_deferred", "stats_rebuild", "stats_refresh_report", "stats_refresh_reports"]
