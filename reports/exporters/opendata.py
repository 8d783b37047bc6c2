"""The open-data JSON of one report (shared/FORMAT.md), the machine-readable twin of its page."""

from __future__ import annotations

import json

from reports import format as fmt
from reports.models import Report, ReportKind


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


def report_open_data(report: Report, *, base_url: str = "", downloads: dict | None = None) -> dict:
    """The FORMAT.md JSON object of a report (cells and sections read from prefetched relations).

    ``downloads`` (format -> URL of the file), when given, is added as the "downloads" key.
    """
    values = {(c.table, c.row, c.column): c.value for c in report.cells.all()}
    checks = fmt.check(report.edition, values) if report.kind == ReportKind.ANNUAL_REPORT else []
    region = report.region
    data = {
        "id": report.pk,
        "url": base_url + report.get_absolute_url(),
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
        "sections": [{"number": s.number, "heading": s.heading, "text": s.body} for s in report.sections.all()],
        "tables": tables_json(report, values),
        "checks": [c.as_json() for c in checks],
    }
    if downloads is not None:
        data["downloads"] = downloads
    return data


def render_json(open_data: dict) -> bytes:
    """The open-data JSON of a report as a downloadable file (UTF-8, indented)."""
    return json.dumps(open_data, ensure_ascii=False, indent=2).encode("utf-8")
