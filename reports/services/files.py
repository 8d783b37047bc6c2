"""What the file storage holds, and removing what nothing needs any more (``manage.py prune_files``).

Every file goes through Django's default storage — a local folder (``DJANGO_MEDIA_ROOT``) or
S3-compatible object storage (``GOVOPEN_S3_BUCKET``, govopen/storage.py) — never a path on disk, so
every app server and worker sees the same files. By top-level folder:

- ``originals/<year>/``: uploaded documents, each referenced by ``Report.original_file`` and served
  only through the permission check of reports/web/files.py;
- ``downloads/<report id>/<fingerprint>.<ext>``: generated files (services/downloads.py), a cache;
- ``opendata/``: the whole-site open-data files (services/dumps.py), which prune themselves;
- ``imports/<token>/``: documents waiting between the admin's import preview and its confirmation
  (admin/import_batch.py), never served.

:func:`files_prune` removes originals no report references, downloads that are not the current file
of a public report, and import uploads nobody confirmed or abandoned. Each kind has a grace period,
so that nothing is taken from under a write in progress (an import stores its original before its
transaction commits the report).
"""

from __future__ import annotations

import contextlib
import datetime
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage, default_storage
from django.utils import timezone

from reports.models import Report
from reports.selectors.reports import report_page
from reports.services.downloads import DOWNLOAD_DIR, fingerprint

ORIGINALS_DIR = "originals"
IMPORT_UPLOAD_DIR = "imports"
# An import batch's manifests (one, or two for a moment while it is rewritten), named by the time written.
MANIFEST_DIR = "manifest"
# An original that no report references is kept this long (an import writes it before its report).
ORIGINAL_GRACE = datetime.timedelta(days=1)
# An import batch untouched this long was forgotten: the editor uploads again.
IMPORT_UPLOAD_TTL = datetime.timedelta(days=1)
# A download that is no longer current is kept this long by default (``--download-days``).
DOWNLOAD_KEEP_DAYS = 7

ORPHANED_ORIGINAL = "无报告引用的原始文件"
STALE_DOWNLOAD = "过期的下载文件"
ABANDONED_IMPORT = "未完成的导入上传"


@dataclass(frozen=True)
class StoredFile:
    """A file the prune removes (or would remove, in a dry run)."""

    name: str
    size: int
    reason: str


# --- Walking the storage ---------------------------------------------------------------------------


def storage_files(folder: str) -> list[str]:
    """Every file under ``folder`` of the default storage, sorted; none if the folder does not exist."""
    found: list[str] = []

    def walk(path: str) -> None:
        try:
            dirs, files = default_storage.listdir(path)
        except FileNotFoundError:
            return
        found.extend(f"{path}/{f}" for f in files)
        for d in dirs:
            walk(f"{path}/{d}")

    walk(folder.rstrip("/"))
    return sorted(found)


def storage_folders(folder: str) -> list[str]:
    """The names of the folders directly under ``folder``."""
    try:
        return sorted(default_storage.listdir(folder)[0])
    except FileNotFoundError:
        return []


def storage_delete_folder(folder: str) -> None:
    """Delete every file under ``folder`` (and the folder itself where folders exist)."""
    for name in storage_files(folder):
        with contextlib.suppress(FileNotFoundError):
            default_storage.delete(name)
    drop_empty_folders(folder)


def drop_empty_folders(folder: str) -> None:
    """Remove the empty directories left under ``folder`` on a local file system. Object storage
    has no directories (a "folder" is a prefix of names), and its backends have no ``path()``."""
    if not isinstance(default_storage, FileSystemStorage):
        return
    root = Path(default_storage.path(folder))
    if not root.is_dir():
        return
    for path in [*sorted((p for p in root.rglob("*") if p.is_dir()), reverse=True), root]:
        with contextlib.suppress(OSError):  # not empty: a file arrived meanwhile
            path.rmdir()


def _modified(name: str) -> datetime.datetime | None:
    try:
        return default_storage.get_modified_time(name)
    except (FileNotFoundError, NotImplementedError):
        return None


def _size(name: str) -> int:
    try:
        return default_storage.size(name)
    except FileNotFoundError:
        return 0


# --- Import uploads --------------------------------------------------------------------------------


def import_batch_last_active(folder: str) -> datetime.datetime | None:
    """When an import batch was last written: its newest manifest's name, else its newest file."""
    try:
        _, manifests = default_storage.listdir(f"{folder}/{MANIFEST_DIR}")
    except FileNotFoundError:
        manifests = []
    stamps = [int(m.split(".", 1)[0]) for m in manifests if m.split(".", 1)[0].isdigit()]
    if stamps:
        return datetime.datetime.fromtimestamp(max(stamps) / 1e9, tz=datetime.UTC)
    times = [t for t in map(_modified, storage_files(folder)) if t is not None]
    return max(times) if times else None


def _abandoned_imports(now: datetime.datetime) -> list[tuple[str, list[str]]]:
    """(folder, its files) of each import batch untouched for IMPORT_UPLOAD_TTL."""
    found = []
    for token in storage_folders(IMPORT_UPLOAD_DIR):
        folder = f"{IMPORT_UPLOAD_DIR}/{token}"
        last = import_batch_last_active(folder)
        if last is None or last < now - IMPORT_UPLOAD_TTL:
            found.append((folder, storage_files(folder)))
    return found


def import_uploads_prune(*, now: datetime.datetime | None = None) -> int:
    """Remove the import batches nobody confirmed or abandoned within a day; returns how many."""
    abandoned = _abandoned_imports(now or timezone.now())
    for folder, _ in abandoned:
        storage_delete_folder(folder)
    return len(abandoned)


# --- The prune -------------------------------------------------------------------------------------


def _orphaned_originals(now: datetime.datetime) -> list[str]:
    referenced = set(Report.objects.exclude(original_file="").values_list("original_file", flat=True))
    cutoff = now - ORIGINAL_GRACE
    return [
        name for name in storage_files(ORIGINALS_DIR) if name not in referenced and (_modified(name) or now) < cutoff
    ]


def _stale_downloads(now: datetime.datetime, keep_days: float) -> list[str]:
    """Files under downloads/ older than ``keep_days`` that are not the current file of a public
    report. The current fingerprint is the one made for ``GOVOPEN_SITE_URL`` (set in production);
    only the folders holding an old file cost a look at their report."""
    cutoff = now - datetime.timedelta(days=keep_days)
    stale = []
    for folder in storage_folders(DOWNLOAD_DIR):
        files = storage_files(f"{DOWNLOAD_DIR}/{folder}")
        old = [name for name in files if (_modified(name) or now) < cutoff]
        if not old:
            continue
        page = report_page(pk=int(folder), base_url=settings.GOVOPEN_SITE_URL) if folder.isdigit() else None
        current = fingerprint(page) if page is not None else None
        stale.extend(name for name in old if Path(name).stem != current)
    # Files lying directly in downloads/ were never made by this code.
    try:
        stale.extend(
            f"{DOWNLOAD_DIR}/{name}"
            for name in default_storage.listdir(DOWNLOAD_DIR)[1]
            if (_modified(f"{DOWNLOAD_DIR}/{name}") or now) < cutoff
        )
    except FileNotFoundError:
        pass
    return stale


def files_prune(
    *, dry_run: bool = False, download_days: float = DOWNLOAD_KEEP_DAYS, now: datetime.datetime | None = None
) -> list[StoredFile]:
    """Remove orphaned originals (no report references them, older than a day), stale downloads
    (not the current file of a public report, older than ``download_days``) and abandoned import
    uploads (untouched for a day); returns them with their sizes. ``dry_run`` only lists them.
    Running it again right after finds nothing."""
    now = now or timezone.now()
    found = [StoredFile(name, _size(name), ORPHANED_ORIGINAL) for name in _orphaned_originals(now)]
    found += [StoredFile(name, _size(name), STALE_DOWNLOAD) for name in _stale_downloads(now, download_days)]
    abandoned = _abandoned_imports(now)
    found += [StoredFile(name, _size(name), ABANDONED_IMPORT) for _, files in abandoned for name in files]
    if dry_run:
        return found
    for item in found:
        with contextlib.suppress(FileNotFoundError):
            default_storage.delete(item.name)
    for folder in {str(Path(f.name).parent) for f in found if f.reason != ABANDONED_IMPORT}:
        drop_empty_folders(folder)
    for folder, _ in abandoned:
        drop_empty_folders(folder)
    return found
