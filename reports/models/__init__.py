from reports.models.cells import FreeTable, TableCell
from reports.models.publisher import Publisher
from reports.models.region import Region
from reports.models.report import Report, ReportKind, ReportStatus, Section
from reports.models.stats import RegionYearStat, ReportStat

__all__ = [
    "FreeTable",
    "Publisher",
    "Region",
    "RegionYearStat",
    "Report",
    "ReportKind",
    "ReportStat",
    "ReportStatus",
    "Section",
    "TableCell",
]
