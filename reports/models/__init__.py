from reports.models.publisher import Publisher
from reports.models.region import Region
from reports.models.report import Report, ReportKind, ReportStatus, Section
from reports.models.stats import RegionYearStat, ReportStat
from reports.models.tables import FreeTable, TableCell

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
