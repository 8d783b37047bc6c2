"""The whole-site open-data files: every published report as CSV, JSON Lines and Excel, made in the background.

Whoever wants everything downloads finished files of known size and date, instead of asking the
server to stream the whole site (an export over HTTP that would exceed ``GOVOPEN_EXPORT_MAX_REPORTS``
points here). The content is what ``manage.py export_reports`` and the per-filter exports write
(reports/exporters/bulk.py); CSV and JSON Lines are gzip-compressed (a long form of 100,000 reports
is some twenty million lines), Excel is compressed already.

Built by ``dumps_build_task``: queued ``DUMPS_DELAY`` after a public report changes (one waiting
build at a time, so a morning of publications builds once) and nightly by ``manage.py
enqueue_nightly`` from cron. A build writes ``opendata/<time>/``: the three files, then, last, a
``manifest.json`` with their sizes. The newest folder with a manifest is the current set; the one
before stays (a download begun before a new build finished is not cut off); older ones are deleted.
"""

from __future__ import annotations

import datetime
import gzip
import io
import json
import logging
import tempfile
from dataclasses import dataclass

from django.conf import settings
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django_tasks import task

from reports.exporters import bulk
from reports.selectors.reports import report_list_public
from reports.services.tasks import enqueue_on_commit

logger = logging.getLogger(__name__)
DUMP_DIR = "opendata"
MANIFEST = "manifest.json"
# A build waits this long after the change that queued it, so that changes in a burst share it.
DUMPS_DELAY = datetime.timedelta(minutes=10)
# Format -> file suffix and how people call it.
DUMP_FORMATS = {
    "csv": (".csv.gz", "CSV 长表(gzip 压缩)"),
    "jsonl": (".jsonl.gz", "JSON Lines(gzip 压缩)"),
    "xlsx": (".xlsx", "Excel"),
}


@dataclass(frozen=True)
class DumpFile:
    """One file of the current set."""

    format: str
    name: str  # storage name
    size: int
    label: str

    @property
    def filename(self) -> str:
        return self.name.rsplit("/", 1)[1]


@dataclass(frozen=True)
class Dumps:
    """The current set of whole-site files."""

    built_at: datetime.datetime
    reports: int
    files: dict[str, DumpFile]


def _write_text(name: str, write) -> tuple[str, int]:
    """Store what ``write(out)`` writes to a text stream, gzip-compressed, as ``name``; returns (name, size)."""
    with tempfile.TemporaryFile() as raw:
        with gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as packed:
            text = io.TextIOWrapper(packed, encoding="utf-8", newline="")
            write(text)
            text.flush()
            text.detach()
        raw.seek(0)
        saved = default_storage.save(name, File(raw))
    return saved, default_storage.size(saved)


def _write_xlsx(name: str, qs, base_url: str) -> tuple[str, int]:
    with bulk.xlsx_tempfile(qs, base_url=base_url) as tmp:
        saved = default_storage.save(name, File(tmp))
    return saved, default_storage.size(saved)


def dumps_build() -> Dumps:
    """Write a new set of whole-site files and make it the current one (idempotent: a new set each run)."""
    qs = report_list_public()  # what an export with no filter selects
    base_url = settings.GOVOPEN_SITE_URL
    built_at = timezone.now()
    folder = f"{DUMP_DIR}/{built_at:%Y%m%dT%H%M%S%fZ}"
    stem = f"govopen-reports-{timezone.localtime(built_at):%Y%m%d}"
    reports = qs.count()
    written = {
        "csv": _write_text(f"{folder}/{stem}.csv.gz", lambda out: bulk.write_csv(qs, out)),
        "jsonl": _write_text(f"{folder}/{stem}.jsonl.gz", lambda out: bulk.write_jsonl(qs, out, base_url=base_url)),
        "xlsx": _write_xlsx(f"{folder}/{stem}.xlsx", qs, base_url),
    }
    manifest = {
        "built_at": built_at.isoformat(),
        "reports": reports,
        "files": {fmt: {"name": name, "size": size} for fmt, (name, size) in written.items()},
    }
    default_storage.save(f"{folder}/{MANIFEST}", ContentFile(json.dumps(manifest, ensure_ascii=False).encode()))
    _remove_old(keep=2)
    logger.info("open-data files of %s reports written to %s", reports, folder)
    return _read(manifest)


def _folders() -> list[str]:
    """The build folders, newest first."""
    try:
        folders, _ = default_storage.listdir(DUMP_DIR)
    except FileNotFoundError:
        return []
    return sorted(folders, reverse=True)


def _remove_old(*, keep: int) -> None:
    complete = [f for f in _folders() if default_storage.exists(f"{DUMP_DIR}/{f}/{MANIFEST}")]
    if len(complete) < keep:
        return
    oldest_kept = complete[keep - 1]
    for folder in _folders():
        if folder < oldest_kept:  # older sets, and builds that died before their manifest
            _, files = default_storage.listdir(f"{DUMP_DIR}/{folder}")
            for name in files:
                default_storage.delete(f"{DUMP_DIR}/{folder}/{name}")


def _read(manifest: dict) -> Dumps:
    return Dumps(
        built_at=parse_datetime(manifest["built_at"]),
        reports=manifest["reports"],
        files={
            fmt: DumpFile(format=fmt, name=item["name"], size=item["size"], label=DUMP_FORMATS[fmt][1])
            for fmt, item in manifest["files"].items()
        },
    )


def dumps_current() -> Dumps | None:
    """The newest complete set of whole-site files (None before the first build)."""
    for folder in _folders():
        name = f"{DUMP_DIR}/{folder}/{MANIFEST}"
        if default_storage.exists(name):
            with default_storage.open(name) as handle:
                return _read(json.loads(handle.read()))
    return None


@task()
def dumps_build_task() -> int:
    """The background job of :func:`dumps_build`; returns the number of reports written."""
    return dumps_build().reports


def dumps_build_later() -> None:
    """Rebuild the whole-site files a while after the current transaction commits (one build waits at a time)."""
    enqueue_on_commit(dumps_build_task, delay=DUMPS_DELAY)
