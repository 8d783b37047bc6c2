from reports.models.publisher import Publisher
from reports.models.region import Region
from reports.models.report import Report, ReportKind, ReportStatus, Section
from reports.models.tables import FreeTable, TableCell

__all__ = [
    "FreeTable",
    "Publisher",
    "Region",
    "Report",
    "ReportKind",
    "ReportStatus",
    "Section",
    "TableCell",
]
