"""Generated report files, made once per content and kept until the report changes.

Design: a download is stored in the default storage (MEDIA_ROOT in production) as
``downloads/<report id>/<fingerprint>.<ext>``. The fingerprint is a hash of everything the file is
made from (``exporters.common.fingerprint``: the open-data JSON with sections, numbers and rule
results, the free tables, the source link and a hash of the exporters' code and print template).

- Why a content hash and not ``updated_at``: ``services.report_set_values`` replaces cells and
  ``report_refresh_derived`` writes with ``.update()``, neither of which bumps
  ``Report.updated_at``; section edits do not either. A hash of the content cannot go stale.
- Why it is cheap: computing it needs the report as the page reads it (four queries) and a
  SHA-256 over some kilobytes, a few milliseconds; only a miss renders (a PDF takes about a second).
- Why files and not Django's cache: PDFs are hundreds of kilobytes; files survive restarts, are
  shared by all workers and take no cache memory. A new fingerprint replaces the report's older
  files of the same format, so the directory holds one file per report and format.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Callable

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse

from reports.exporters import common
from reports.exporters.common import FORMATS, ReportExport
from reports.models import Report

logger = logging.getLogger(__name__)
DOWNLOAD_DIR = "downloads"


def _render(ext: str) -> Callable[[ReportExport], bytes]:
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
        from reports.exporters.opendata import render_json

        return lambda data: render_json(data.open_data)
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


def report_download(data: ReportExport, ext: str) -> Download:
    """The file of ``data``'s report in format ``ext``, generated only when its content changed."""
    if ext not in FORMATS:
        raise ValueError(f"unknown download format: {ext}")
    report = data.report
    fp = common.fingerprint(data)
    name = storage_name(report.pk, fp, ext)
    generated = False
    if not default_storage.exists(name):
        content = _render(ext)(data)
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


def download_urls(report: Report, *, base_url: str = "") -> dict[str, str]:
    """Format -> URL of each download of a report (the links on its page and in its JSON)."""
    return {ext: base_url + reverse("reports:download", args=[report.pk, ext]) for ext in FORMATS}
