from reports.models.access import ROLE_GROUPS, AccountScope, Role
from reports.models.audit import AuditAction, AuditEvent
from reports.models.cells import FreeTable, ReportNumbers
from reports.models.publisher import Publisher
from reports.models.region import Region
from reports.models.report import Correction, Report, ReportKind, ReportStatus, ReportVersion, Section
from reports.models.search import ReportSearch
from reports.models.site import SiteCounter
from reports.models.stats import RegionYearStat, ReportStat, StatisticsRefresh

__all__ = [
    "AccountScope",
    "AuditAction",
    "AuditEvent",
    "Correction",
    "ROLE_GROUPS",
    "ReportVersion",
    "Role",
    "FreeTable",
    "Publisher",
    "Region",
    "RegionYearStat",
    "Report",
    "ReportKind",
    "ReportNumbers",
    "ReportSearch",
    "ReportStat",
    "ReportStatus",
    "Section",
    "SiteCounter",
    "StatisticsRefresh",
]
