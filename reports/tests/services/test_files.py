"""Removing stored files nothing needs (reports/services/files.py, ``manage.py prune_files``), on the
in-memory storage the tests use in place of a folder or a bucket."""

import datetime
import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.utils import timezone

from reports.models import Report
from reports.services import files
from reports.tests.conftest import balanced_values, download

pytestmark = pytest.mark.django_db

SITE = "https://gk.example.gov.cn"
LATER = datetime.timedelta(days=10)


def store(name: str, size: int = 100) -> str:
    saved = default_storage.save(name, ContentFile(b"x" * size))
    assert saved == name
    return saved


@pytest.fixture
def stored(client, make_report, settings):
    """A published report with its original and current CSV, and beside them what nothing needs."""
    settings.GOVOPEN_SITE_URL = SITE
    report = make_report(values=balanced_values())
    Report.objects.filter(pk=report.pk).update(original_file=store("originals/2024/湛江.pdf", 300))
    response, _ = download(client, report, "csv")
    fingerprint = response["ETag"].strip('"').rsplit("-", 1)[0]
    current = f"downloads/{report.pk}/{fingerprint}.csv"
    draft = make_report(status="draft", publisher="草稿机关")
    Report.objects.filter(pk=draft.pk).update(original_file=store("originals/2024/草稿.pdf"))
    return {
        "keep": [
            "originals/2024/湛江.pdf",  # a published report's
            "originals/2024/草稿.pdf",  # a draft's: served only to its editors, but still its original
            current,
        ],
        "orphaned": [store("originals/2023/没有报告.pdf", 1234)],
        "stale": [
            store(f"downloads/{report.pk}/{'0' * 32}.pdf", 2048),  # made before the report changed
            store(f"downloads/{draft.pk}/{'1' * 32}.csv"),  # a draft's, made for its editor
            store(f"downloads/{report.pk + 1000}/{'2' * 32}.pdf"),  # a deleted report's
        ],
        "abandoned": [store("imports/forgotten-batch-token-0001/0000.bin", 500)],
    }


def everything() -> list[str]:
    return [name for folder in ("originals", "downloads", "imports") for name in files.storage_files(folder)]


def test_prune_removes_orphaned_originals_stale_downloads_and_abandoned_imports(stored):
    found = files.files_prune(now=timezone.now() + LATER)
    by_reason = {reason: sorted(f.name for f in found if f.reason == reason) for reason in {f.reason for f in found}}
    assert by_reason == {
        files.ORPHANED_ORIGINAL: stored["orphaned"],
        files.STALE_DOWNLOAD: sorted(stored["stale"]),
        files.ABANDONED_IMPORT: stored["abandoned"],
    }
    assert {f.name: f.size for f in found}["originals/2023/没有报告.pdf"] == 1234
    assert sorted(everything()) == sorted(stored["keep"])
    assert files.files_prune(now=timezone.now() + LATER) == [], "a second run finds nothing"


def test_nothing_recent_is_removed(stored):
    """An original stored a moment ago may belong to an import whose report is not committed yet; a
    batch touched today is still being previewed; a download is kept ``download_days``."""
    assert files.files_prune() == []
    found = files.files_prune(now=timezone.now() + datetime.timedelta(days=3), download_days=7)
    assert sorted((f.name, f.reason) for f in found) == [
        (stored["abandoned"][0], files.ABANDONED_IMPORT),
        (stored["orphaned"][0], files.ORPHANED_ORIGINAL),
    ]


def test_dry_run_lists_with_sizes_and_removes_nothing(stored):
    before = everything()
    out = io.StringIO()
    call_command("prune_files", "--dry-run", "--download-days", "0", stdout=out)
    text = out.getvalue()
    # Everything that is not the current file is listed, the newest downloads included (0 days).
    for name in stored["stale"]:
        assert name in text
    assert "2.0 KB" in text and "未删除任何文件" in text
    assert everything() == before


def test_an_abandoned_batch_is_judged_by_its_newest_manifest(stored):
    """A batch whose editor is still correcting the preview has a fresh manifest, whatever the age
    of its documents."""
    folder = "imports/busy-batch-token-00000001"
    store(f"{folder}/0000.bin")
    stamp = int((timezone.now() + LATER).timestamp() * 1e9)
    store(f"{folder}/manifest/{stamp:020d}.json")
    assert files.import_uploads_prune(now=timezone.now() + LATER) == 1  # only the forgotten batch
    assert files.storage_files(folder) == [f"{folder}/0000.bin", f"{folder}/manifest/{stamp:020d}.json"]


def test_on_a_local_folder_the_emptied_folders_go_too(settings, tmp_path):
    """Object storage has no folders; on a local disk a removed batch leaves no empty directory behind."""
    settings.MEDIA_ROOT = str(tmp_path)
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"}}
    store("imports/old-batch-token-000000001/0000.bin")
    store(f"imports/old-batch-token-000000001/manifest/{1:020d}.json")  # written in 1970
    store("originals/2024/kept.pdf")
    assert files.import_uploads_prune() == 1
    assert [p.relative_to(tmp_path).as_posix() for p in sorted(tmp_path.rglob("*"))] == [
        "imports",
        "originals",
        "originals/2024",
        "originals/2024/kept.pdf",
    ]
