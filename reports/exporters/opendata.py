"""The open-data JSON of one report (shared/FORMAT.md), the machine-readable twin of its page."""

from __future__ import annotations

import json

from reports import format as fmt
from reports.models import Report
from reports.selectors.reports import ReportPage


def tables_json(report: Report, values: dict) -> dict:
    """Every table of the report's edition that has data, each cell present (blank is null)."""
    out = {}
    for table in report.tables_format.values():
        if not any(v is not None for (t, _, _), v in values.items() if t == table.code):
            continue
        rows: dict[str, dict] = {}
        for row in table.all_rows():
            rows[row.code] = {
                col.code: fmt.json_number(values.get((table.code, row.code, col.code)), col.kind)
                for col in table.columns_of(row.code)
            }
        out[table.code] = rows
    return out


def report_open_data(page: ReportPage, *, downloads: dict | None = None) -> dict:
    """The FORMAT.md JSON object of a report, from its read model.

    ``downloads`` (format -> URL of the file), when given, is added as the "downloads" key.
    """
    report = page.report
    region = report.region
    data = {
        "id": report.pk,
        "url": page.page_url,
        "kind": report.kind,
        "format": report.edition,
        "year": report.year,
        "title": report.title,
        "publisher": report.publisher.name,
        "region": {"code": region.code, "name": region.name, "path": region.path},
        "index_no": report.index_no or None,
        "document_no": report.document_no or None,
        "written_on": report.written_on.isoformat() if report.written_on else None,
        "published_on": report.published_on.isoformat() if report.published_on else None,
        "sections": [{"number": s.number, "heading": s.heading, "text": s.body} for s in page.sections],
        "tables": tables_json(report, page.values),
        "checks": [c.as_json() for c in page.checks],
    }
    if downloads is not None:
        data["downloads"] = downloads
    return data


def render_json(open_data: dict) -> bytes:
    """The open-data JSON of a report as a downloadable file (UTF-8, indented)."""
    return json.dumps(open_data, ensure_ascii=False, indent=2).encode("utf-8")
