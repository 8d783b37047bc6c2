"""Public reads for the API's report lists: what the open-data JSON of many reports needs, and no more.

The page's read model (selectors/reports.py ``ReportPage``) lays every standard table out in the
official grid for the HTML page; the JSON of a list of reports needs only the sections, the numbers
and the rule results. :class:`OpenDataPage` carries those, under the same names, so
``exporters/opendata.report_open_data`` makes the same JSON from either.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from reports import format as fmt
from reports.models import Report, ReportKind, ReportNumbers, Section
from reports.selectors.links import report_url


@dataclass
class OpenDataPage:
    """A published report as its open-data JSON shows it (the fields of ``ReportPage`` it reads)."""

    report: Report  # with publisher and region
    sections: list[Section]
    values: dict[tuple[str, str, str], Decimal]  # a blank cell has no entry
    base_url: str = ""
    checks: list[fmt.CheckResult] = field(default_factory=list)

    def __post_init__(self):
        # The same rules as the page's (selectors/reports.py rendered_tables), run once.
        if self.report.kind == ReportKind.ANNUAL_REPORT:
            self.checks = fmt.check(self.report.edition, self.values)

    @property
    def page_url(self) -> str:
        return self.base_url + report_url("reports:detail", self.report.pk)


def report_open_pages(reports: list[Report], *, base_url: str = "") -> list[OpenDataPage]:
    """Open-data read models of many reports (loaded with publisher and region): two queries in all."""
    ids = [r.pk for r in reports]
    sections: dict[int, list[Section]] = defaultdict(list)
    for s in Section.objects.filter(report_id__in=ids).order_by("report_id", "position", "id"):
        sections[s.report_id].append(s)
    values = ReportNumbers.objects.filter(report_id__in=ids).values_by_report()
    return [OpenDataPage(r, sections[r.pk], values.get(r.pk, {}), base_url=base_url) for r in reports]
