"""The one import pipeline (reports/services/imports.py): all or nothing, the original file included."""

import pytest
from django.core.files.storage import default_storage

from reports.importers.dispatch import parse_document
from reports.models import AuditAction, AuditEvent, Report
from reports.services import imports
from reports.services.imports import report_import_document
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
