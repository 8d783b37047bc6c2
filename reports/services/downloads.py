"""Generated report files, made once per content and kept until the report changes.

Design: a download is stored in the default storage (MEDIA_ROOT in production) as
``downloads/<report id>/<fingerprint>.<ext>``. The fingerprint is a hash of everything the file is
made from (:func:`fingerprint`: the open-data JSON with sections, numbers and rule results, the
free tables, the source link and a hash of the exporters' code and print template).

- Why a content hash and not ``updated_at``: ``report_set_values`` replaces cells and the derived
  fields are written with ``.update()``, neither of which bumps ``Report.updated_at``; section
  edits do not either. A hash of the content cannot go stale.
- Why it is cheap: computing it needs the report as the page reads it (four queries) and a
  SHA-256 over some kilobytes, a few milliseconds; only a miss renders (a PDF takes about a second).
- Why files and not Django's cache: PDFs are hundreds of kilobytes; files survive restarts, are
  shared by all workers and take no cache memory. A new fingerprint replaces the report's older
  files of the same format, so the directory holds one file per report and format.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Callable

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from reports.exporters import common
from reports.exporters.common import FORMATS
from reports.exporters.opendata import render_json, report_open_data
from reports.selectors.reports import ReportPage

logger = logging.getLogger(__name__)
DOWNLOAD_DIR = "downloads"


# Files whose content shapes the generated downloads: a change to any of them (a deploy)
# yields new fingerprints, so no file made by older code is served again.
_RENDERER_FILES = (
    "reports/format/*.py",
    "reports/exporters/*.py",
    "reports/selectors/reports.py",
    "reports/models/report.py",
    "reports/web/templatetags/*.py",
    "templates/reports/report_print.html",
    "templates/reports/_print_table.html",
)


@lru_cache(maxsize=1)
def renderer_version() -> str:
    """A hash of the exporters' code and print template, computed once per process."""
    digest = hashlib.sha256()
    base = Path(settings.BASE_DIR)
    for pattern in _RENDERER_FILES:
        for path in sorted(base.glob(pattern)):
            digest.update(str(path.relative_to(base)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def fingerprint(page: ReportPage) -> str:
    """A content hash of everything a download is made from.

    The report's open-data JSON holds its metadata, sections, every table number and the rule
    results; free tables, the source link and the renderer version are added. Hashing content
    (not ``updated_at``) matters: see the module's docstring.
    """
    payload = {
        "open_data": report_open_data(page),
        "free_tables": [{"caption": t.caption, "header_rows": t.header_rows, "rows": t.rows} for t in page.free_tables],
        "source_url": page.report.source_url,
        "site_name": settings.GOVOPEN_SITE_NAME,
        "renderer": renderer_version(),
    }
    raw = json.dumps(payload, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(raw.encode()).hexdigest()[:32]


def _render(ext: str) -> Callable[[ReportPage], bytes]:
    # Imported on use: each format pulls in its own library (WeasyPrint, python-docx, openpyxl).
    if ext == "pdf":
        from reports.exporters.pdf import render_pdf

        return render_pdf
    if ext == "docx":
        from reports.exporters.docx import render_docx

        return render_docx
    if ext == "xlsx":
        from reports.exporters.xlsx import render_xlsx

        return render_xlsx
    if ext == "csv":
        from reports.exporters.csv_long import render_csv

        return render_csv
    if ext == "json":
        return lambda page: render_json(report_open_data(page))
    raise ValueError(f"unknown download format: {ext}")


@dataclass
class Download:
    """A generated file ready to be served."""

    name: str  # storage name
    fingerprint: str
    ext: str
    filename: str  # for people
    fallback: str  # ASCII
    generated: bool  # made by this call (a cache miss)

    @property
    def content_type(self) -> str:
        return FORMATS[self.ext][0]

    def open(self):
        return default_storage.open(self.name, "rb")


def storage_name(report_pk: int, fingerprint: str, ext: str) -> str:
    return f"{DOWNLOAD_DIR}/{report_pk}/{fingerprint}.{ext}"


def _remove_stale(report_pk: int, keep: str, ext: str) -> None:
    """Delete the report's files of format ``ext`` other than ``keep``."""
    folder = f"{DOWNLOAD_DIR}/{report_pk}"
    try:
        _, files = default_storage.listdir(folder)
    except FileNotFoundError:
        return
    for name in files:
        path = f"{folder}/{name}"
        if name.endswith(f".{ext}") and path != keep:
            default_storage.delete(path)


def report_download(page: ReportPage, ext: str, *, fp: str | None = None) -> Download:
    """The file of ``page``'s report in format ``ext``, generated only when its content changed.

    ``fp`` is the page's :func:`fingerprint` when the caller has it already.
    """
    if ext not in FORMATS:
        raise ValueError(f"unknown download format: {ext}")
    report = page.report
    fp = fp or fingerprint(page)
    name = storage_name(report.pk, fp, ext)
    generated = False
    if not default_storage.exists(name):
        content = _render(ext)(page)
        saved = default_storage.save(name, ContentFile(content))
        if saved != name:
            # Another worker stored the same content first; keep one copy.
            default_storage.delete(saved)
        _remove_stale(report.pk, name, ext)
        generated = True
        logger.info("generated %s", name)
    return Download(
        name=name,
        fingerprint=fp,
        ext=ext,
        filename=common.download_filename(report, ext),
        fallback=common.ascii_filename(report, ext),
        generated=generated,
    )
