import datetime
from decimal import Decimal
from pathlib import Path

import pytest

from reports import format as fmt
from reports.models import Publisher, Region, Report, Section, TableCell

SEEDS = Path(__file__).resolve().parents[2] / "demo" / "seeds"


def seed(prefix: str) -> Path:
    """The demo copy of a seed document, by its number (000 … 004)."""
    return next(SEEDS.glob(f"{prefix}_*.txt"))


def balanced_values(edition=fmt.EDITION_2021) -> dict:
    """A complete, consistent set of table numbers (every cell filled)."""
    values = {code: Decimal(0) for code in fmt.all_codes(edition)}

    def app(row, natural, commercial=0):
        values[("applications", row, "natural_person")] = Decimal(natural)
        values[("applications", row, "commercial")] = Decimal(commercial)
        values[("applications", row, "total")] = Decimal(natural + commercial)

    app("received", 10, 2)
    app("carried_over", 1)
    app("granted", 6, 1)
    app("partly_granted", 2, 1)
    app("handled_total", 8, 2)
    app("carried_forward", 3)
    values[("proactive", "normative_documents", "in_force")] = Decimal(64)
    values[("proactive", "fees", "amount")] = Decimal("6858.05")
    return values


@pytest.fixture
def make_report(db):
    """Build a report directly in the database (sections and table numbers optional)."""

    def make(
        *,
        region="520181",
        publisher="清镇市人民政府办公室",
        year=2023,
        status="published",
        kind="annual_report",
        title=None,
        sections=(("一", "总体情况", "2023年,我市依申请公开工作……"),),
        values=None,
        published_on=datetime.date(2024, 1, 31),
    ):
        reg = Region.objects.get(code=region)
        pub, _ = Publisher.objects.get_or_create(name=publisher, region=reg)
        report = Report.objects.create(
            kind=kind,
            edition=fmt.edition_for_year(year),
            year=year,
            title=title or f"{publisher}{year}年政府信息公开工作年度报告",
            publisher=pub,
            region=reg,
            status=status,
            published_on=published_on,
        )
        Section.objects.bulk_create(
            Section(report=report, position=i, number=n, heading=h, body=b) for i, (n, h, b) in enumerate(sections)
        )
        if values:
            TableCell.objects.bulk_create(
                TableCell(report=report, table=t, row=r, column=c, value=v)
                for (t, r, c), v in values.items()
                if v is not None
            )
        from reports.services.reports import report_refresh_derived

        report_refresh_derived(report=report)
        return report

    return make
