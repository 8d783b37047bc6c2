"""The one import pipeline (reports/services/imports.py): all or nothing, the original file included."""

import re

import pytest
from django.core.files.storage import default_storage

from reports.importers import UnreadableDocument
from reports.importers.dispatch import parse_document
from reports.models import AuditAction, AuditEvent, Publisher, Region, Report, ReportVersion
from reports.selectors.regions import region_get
from reports.services import imports
from reports.services.imports import ImportLookups, report_import_document
from reports.tests.conftest import seed

pytestmark = pytest.mark.django_db


def _originals() -> list[str]:
    folders, _ = default_storage.listdir("originals") if default_storage.exists("originals") else ([], [])
    return sorted(f for folder in folders for f in default_storage.listdir(f"originals/{folder}")[1])


def test_an_import_that_fails_after_storing_its_file_leaves_nothing_behind(monkeypatch):
    data = seed("004").read_bytes()
    parsed = parse_document("004.txt", data, max_bytes=10**7)

    def broken(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(imports, "values_store", broken)
    with pytest.raises(RuntimeError):
        report_import_document(parsed=parsed, original_name="004.txt", original_bytes=data)
    assert Report.objects.count() == 0 and _originals() == []


def test_an_import_is_audited_with_its_file_name_and_hash():
    data = seed("004").read_bytes()
    parsed = parse_document("004.txt", data, max_bytes=10**7)
    outcome = report_import_document(parsed=parsed, original_name="004.txt", original_bytes=data)
    event = AuditEvent.objects.get(action=AuditAction.IMPORT)
    assert event.object_id == str(outcome.report.pk)
    assert "004.txt" in event.detail and "SHA-256" in event.detail and len(_originals()) == 1


def _seed_004_for(year: int) -> tuple[bytes, object]:
    """Seed 004 as the report of another year (same publisher): a batch of one publisher's reports."""
    text = re.sub(r"2023(?=年|-)", str(year), seed("004").read_text(encoding="utf-8"))
    data = text.encode("utf-8")
    return data, parse_document(f"004-{year}.txt", data, max_bytes=10**7)


def _tables(queries) -> list[str]:
    return [q["sql"] for q in queries]


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("regions_loaded")
def test_a_batch_reads_its_region_and_publisher_once(django_assert_max_num_queries):
    """With one ImportLookups, later documents of a publisher query neither its region nor the publisher again."""
    lookups = ImportLookups()
    data, parsed = _seed_004_for(2021)
    report_import_document(parsed=parsed, original_name="a.txt", original_bytes=data, lookups=lookups)
    for year in (2022, 2023):
        data, parsed = _seed_004_for(year)
        # The clash check, the report, its index, sections, numbers, version and audit event, and
        # the transaction: the same few queries for every further document.
        with django_assert_max_num_queries(9) as captured:
            report_import_document(parsed=parsed, original_name=f"{year}.txt", original_bytes=data, lookups=lookups)
        sql = _tables(captured.captured_queries)
        assert not [q for q in sql if '"reports_region"' in q or 'FROM "reports_publisher"' in q]
    assert Report.objects.filter(publisher__name=parsed.publisher).count() == 3
    assert ReportVersion.objects.count() == 3 and AuditEvent.objects.filter(action=AuditAction.IMPORT).count() == 3


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("regions_loaded")
def test_a_publisher_created_by_a_failed_import_is_not_remembered(monkeypatch):
    """The failed import's publisher is rolled back; the next document of the batch creates it again."""
    lookups = ImportLookups()
    data, parsed = _seed_004_for(2022)
    real_store = imports.values_store

    def broken(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(imports, "values_store", broken)
    with pytest.raises(RuntimeError):
        report_import_document(parsed=parsed, original_name="a.txt", original_bytes=data, lookups=lookups)
    assert Publisher.objects.count() == 0
    monkeypatch.setattr(imports, "values_store", real_store)
    outcome = report_import_document(parsed=parsed, original_name="a.txt", original_bytes=data, lookups=lookups)
    assert Publisher.objects.get() == outcome.report.publisher


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("regions_loaded")
def test_the_report_its_version_and_its_audit_event_are_written_together(monkeypatch):
    """A failure recording the first version leaves no report, no event and no stored file."""

    def broken(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(imports, "version_record", broken)
    data, parsed = _seed_004_for(2023)
    with pytest.raises(RuntimeError):
        report_import_document(parsed=parsed, original_name="004.txt", original_bytes=data)
    assert Report.objects.count() == 0 and AuditEvent.objects.filter(action=AuditAction.IMPORT).count() == 0
    assert _originals() == []


def test_an_import_into_an_unknown_region_fails_with_its_message():
    """The lookups of a batch give the same message as a single import for a code not in the table."""
    data, parsed = _seed_004_for(2023)
    lookups = ImportLookups()
    for code in ("999999", "12ab"):
        with pytest.raises(UnreadableDocument) as single:
            report_import_document(parsed=parsed, original_name="a.txt", original_bytes=data, region_code=code)
        with pytest.raises(UnreadableDocument) as batch:
            report_import_document(
                parsed=parsed, original_name="a.txt", original_bytes=data, region_code=code, lookups=lookups
            )
        assert str(batch.value) == str(single.value)


def test_a_batch_over_many_regions_reads_them_all_at_once(django_assert_num_queries):
    """Past a few regions read one by one, the lookups read the table once; ancestors come along."""
    lookups = ImportLookups()
    codes = list(Region.objects.filter(level=Region.Level.COUNTY).order_by("code").values_list("code", flat=True))
    for code in codes[: ImportLookups.REGIONS_ONE_BY_ONE]:
        lookups.region(code)
    with django_assert_num_queries(1):
        lookups.region(codes[-1])
    with django_assert_num_queries(0):
        regions = [lookups.region(code) for code in codes[-50:]]
        ancestors = [[a.code for a in (r.parent, r.parent.parent) if a is not None] for r in regions]
    assert ancestors == [
        [a.code for a in (r.parent, r.parent.parent) if a] for r in (region_get(code=c) for c in codes[-50:])
    ]
