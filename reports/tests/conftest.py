import csv
import datetime
import io
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from pypdf import PdfReader

from reports import format as fmt
from reports.models import Publisher, Region, RegionYearStat, Report, ReportNumbers, Section
from reports.models.cells import numbers_encode
from reports.services.statistics import stats_refresh_pending, stats_refresh_report

SEEDS = Path(__file__).resolve().parents[2] / "demo" / "seeds"


def seed(prefix: str) -> Path:
    """The demo copy of a seed document, by its number (000 … 004)."""
    return next(SEEDS.glob(f"{prefix}_*.txt"))


def stored_values(report) -> dict:
    """The numbers stored for ``report``, as {(table, row, column): value} (blank cells absent)."""
    return ReportNumbers.objects.filter(report_id=getattr(report, "pk", report)).values_dict()


def store_values(report, values: dict) -> None:
    """Change stored numbers in place, behind the services' back (as a direct database edit would)."""
    report_id = getattr(report, "pk", report)
    current = stored_values(report_id)
    current.update(values)
    ReportNumbers.objects.update_or_create(report_id=report_id, defaults={"values": numbers_encode(current)})


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
            store_values(report, values)
        from reports.services.reports import report_refresh_derived

        report_refresh_derived(report=report)
        # What the statistics task does once a write commits (tests never commit).
        stats_refresh_pending()
        return report

    return make


# --- From test_exporters.py ---

HUMAN_NAME = "清镇市人民政府办公室-2023年政府信息公开工作年度报告"


PARTS = tuple((p.number, p.heading, f"{p.heading}的正文。") for p in fmt.PARTS)


@pytest.fixture(autouse=True)
def fresh_storage(settings):
    """Each test starts with an empty file store (Django resets storages when STORAGES changes)."""
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"}}


@pytest.fixture
def full_report(make_report):
    """A 2021-format report with the six parts and every table cell filled."""
    return make_report(values=balanced_values(), sections=PARTS)


def get(client, url, **headers):
    response = client.get(url, **headers)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response, body


def download(client, report, ext):
    response, body = get(client, f"/reports/{report.pk}/download.{ext}")
    assert response.status_code == 200, body[:300]
    return response, body


def csv_rows(body: bytes) -> list[list[str]]:
    assert body.startswith("\ufeff".encode()), "UTF-8 with BOM, so that Excel reads the Chinese"
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def long_values(rows) -> dict[str, str]:
    return {f"{r[3]}.{r[4]}.{r[5]}": r[6] for r in rows[1:]}


def pdf_text(body: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)


@pytest.fixture
def three_reports(make_report):
    values = balanced_values()
    return [
        make_report(values=values),  # 清镇市 520181, 2023
        make_report(region="520100", publisher="贵阳市人民政府", year=2023, values=values),
        make_report(region="440800", publisher="湛江市人民政府", year=2023, values=values),
        make_report(region="520100", publisher="贵阳市人民政府", year=2022, values=values),
        make_report(region="520100", publisher="贵阳市人民政府办公厅", year=2023, status="draft", values=values),
    ]


# --- From test_statistics.py ---

D = Decimal


def small_values(received: int, granted: int) -> dict:
    """A consistent applications table with natural persons only; every other cell left blank."""
    v = {}
    for row, n in (("received", received), ("granted", granted), ("handled_total", granted)):
        v[("applications", row, "natural_person")] = D(n)
        v[("applications", row, "total")] = D(n)
    v[("applications", "carried_forward", "natural_person")] = D(received - granted)
    v[("applications", "carried_forward", "total")] = D(received - granted)
    return v


def broken_values() -> dict:
    """Balanced numbers except that 本年新收 总计 says 13 where the columns add up to 12."""
    v = balanced_values()
    v[("applications", "received", "total")] = D(13)
    return v


@pytest.fixture
def counted(make_report):
    """make_report, then the statistics hook services call after a write."""

    def make(**kw):
        report = make_report(**kw)
        stats_refresh_report(report.pk)
        return report

    return make


@pytest.fixture
def fixture_reports(counted, make_report):
    """Reports spanning two provinces, three levels and two years, with blanks and a broken table.

    440803 霞山区 2022: balanced_values (received 12, granted 7, partly 3, handled 10, carried over 1)
    440802 赤坎区 2022: small_values(5, 5): only natural persons and totals filled, the rest blank
    440000 广东省本级 2022: small_values(20, 15)
    440800 湛江市 2023: broken_values (received total 13 ≠ 10 + 2): fails applications.row_totals
    520181 清镇市 2022: balanced_values
    Not counted: a draft, a withdrawn report, a work plan, an annual report without year.
    """
    reports = {
        "xiashan": counted(region="440803", publisher="湛江市霞山区人民政府", year=2022, values=balanced_values()),
        "chikan": counted(
            region="440802", publisher="湛江市赤坎区人民政府办公室", year=2022, values=small_values(5, 5)
        ),
        "province": counted(region="440000", publisher="广东省人民政府办公厅", year=2022, values=small_values(20, 15)),
        "city": counted(region="440800", publisher="湛江市人民政府", year=2023, values=broken_values()),
        "qingzhen": counted(region="520181", publisher="清镇市人民政府", year=2022, values=balanced_values()),
    }
    counted(region="440803", publisher="湛江市霞山区教育局", year=2022, status="draft", values=balanced_values())
    counted(region="440803", publisher="湛江市霞山区卫健局", year=2022, status="withdrawn", values=balanced_values())
    counted(region="440803", publisher="湛江市霞山区人民政府", year=2022, kind="work_plan", values=balanced_values())
    return reports


def region_of(code):
    from reports.models import Region

    return Region.objects.get(code=code)


def received_sum(code, year):
    row = RegionYearStat.objects.filter(region_code=code, year=year, scope="all").first()
    if row is None:
        return None
    return sum(codes.get("applications.received.total", [0])[0] for codes in row.figures.values())


# --- From test_import_archive.py ---

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def make_zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in files.items():
            z.writestr(name, data)
    return buffer.getvalue()


@pytest.fixture
def regions_loaded():
    """The region list, for a ``transaction=True`` test: the flush after another one empties it, and
    restoring the whole database (``serialized_rollback``) clashes with the content types."""
    from reports.regions import data as regions_data
    from reports.services.regions import regions_sync

    regions_sync(rows=regions_data.read_rows(regions_data.DATA_FILE))
