"""A report as one document (a snapshot), and the difference of two snapshots in a person's words.

A snapshot holds everything a version keeps: the metadata, the sections, the free tables and every
table number (blank cells left out). It is what :class:`~reports.models.ReportVersion` stores, what
the audit log compares before and after a save, and what a 更正记录 lists. Whitespace at line ends
and line-ending style (CRLF, CR) are normalised away: they are not edits.
"""

from __future__ import annotations

import re

from reports import format as fmt
from reports.models import Report, ReportKind, ReportNumbers, ReportStatus, ReportVersion

# Metadata a version keeps, with the label a person reads.
META_FIELDS = (
    "title",
    "kind",
    "edition",
    "year",
    "publisher",
    "region",
    "index_no",
    "document_no",
    "written_on",
    "published_on",
    "source_url",
    "status",
    "change_reason",
)
_TRAILING_SPACE = re.compile(r"[ \t\u3000]+$", re.M)
_SHOWN_CHARS = 2000


def normalise_text(text: str) -> str:
    """Line endings as LF, no spaces at line ends, no blank lines at either end."""
    return _TRAILING_SPACE.sub("", (text or "").replace("\r\n", "\n").replace("\r", "\n")).strip("\n")


def report_snapshot(report: Report, *, values=None, sections=None, free_tables=None) -> dict:
    """The report as one JSON-able document. Callers that hold the parts hand them over."""
    if sections is None:
        sections = report.sections.all()
    if free_tables is None:
        free_tables = report.free_tables.all()
    if values is None:
        values = ReportNumbers.objects.filter(report_id=report.pk).values_dict()
    meta = {}
    for name in META_FIELDS:
        value = getattr(report, f"{name}_id" if name in ("publisher", "region") else name)
        meta[name] = "" if value is None else str(value)
    meta["publisher_name"] = report.publisher.name if report.publisher_id else ""
    return {
        "meta": meta,
        "sections": [
            {"number": s.number, "heading": s.heading.strip(), "body": normalise_text(s.body)}
            for s in sorted(sections, key=lambda s: (s.position, s.pk or 0))
        ],
        "free_tables": [
            {"caption": t.caption, "header_rows": t.header_rows, "rows": t.rows}
            for t in sorted(free_tables, key=lambda t: (t.position, t.pk or 0))
        ],
        "cells": {
            ".".join(code): fmt.plain_number(value) for code, value in sorted(values.items()) if value is not None
        },
    }


def snapshot_values(snapshot: dict) -> dict:
    """The snapshot's numbers as {(table, row, column): Decimal}."""
    from decimal import Decimal

    return {tuple(code.split(".")): Decimal(value) for code, value in snapshot["cells"].items()}


def _meta_label(name: str) -> str:
    if name == "publisher":
        return "发布机构"
    return str(Report._meta.get_field(name).verbose_name)


def _meta_shown(name: str, value: str, snapshot: dict) -> str:
    if not value:
        return ""
    if name == "kind":
        return ReportKind(value).label if value in ReportKind.values else value
    if name == "status":
        return ReportStatus(value).label if value in ReportStatus.values else value
    if name == "edition":
        return fmt.EDITION_LABELS.get(value, value)
    if name == "publisher":
        return snapshot["meta"].get("publisher_name") or value
    return value


def _cell_label(edition: str, code: str) -> str:
    table, row, column = code.split(".")
    tables = fmt.tables_for(edition)
    if table in tables and tables[table].has(row, column):
        t = tables[table]
        return f"表{t.number} {t.cell_label(row, column)}"
    return code


def _cut(text: str) -> str:
    return text if len(text) <= _SHOWN_CHARS else text[:_SHOWN_CHARS] + "…"


def snapshot_diff(old: dict | None, new: dict) -> list[dict]:
    """What changed from ``old`` to ``new``: [{"field": 中文名, "old": …, "new": …}], in reading order.
    The national format's row and column names name the cells, never their codes."""
    if old is None:
        return []
    out: list[dict] = []
    for name in META_FIELDS:
        a, b = old["meta"].get(name, ""), new["meta"].get(name, "")
        if a != b:
            out.append({"field": _meta_label(name), "old": _meta_shown(name, a, old), "new": _meta_shown(name, b, new)})
    old_sections, new_sections = old["sections"], new["sections"]
    for i in range(max(len(old_sections), len(new_sections))):
        a = old_sections[i] if i < len(old_sections) else None
        b = new_sections[i] if i < len(new_sections) else None
        name = _section_name(b or a, i)
        if a is None or b is None:
            out.append({"field": name, "old": _cut(_section_text(a)), "new": _cut(_section_text(b))})
            continue
        if (a["number"], a["heading"]) != (b["number"], b["heading"]):
            out.append({"field": f"{name} 标题", "old": _section_name(a, i), "new": _section_name(b, i)})
        if a["body"] != b["body"]:
            out.append({"field": f"{name} 正文", "old": _cut(a["body"]), "new": _cut(b["body"])})
    if old["free_tables"] != new["free_tables"]:
        out.append(
            {
                "field": "附表",
                "old": f"{len(old['free_tables'])} 个附表",
                "new": f"{len(new['free_tables'])} 个附表(内容有改动)",
            }
        )
    edition = new["meta"].get("edition") or fmt.EDITION_2021
    order = {".".join(code): i for i, code in enumerate(fmt.all_codes(edition))}
    codes = sorted(set(old["cells"]) | set(new["cells"]), key=lambda c: (order.get(c, len(order)), c))
    for code in codes:
        a, b = old["cells"].get(code, ""), new["cells"].get(code, "")
        if a != b:
            out.append({"field": _cell_label(edition, code), "old": a or "(空白)", "new": b or "(空白)"})
    return out


def _section_name(section: dict | None, index: int) -> str:
    if not section:
        return f"第 {index + 1} 节"
    if section["number"]:
        return f"{section['number']}、{section['heading']}"
    return section["heading"] or "导语"


def _section_text(section: dict | None) -> str:
    if not section:
        return "(无)"
    return f"{_section_name(section, 0)}\n{section['body']}"


def report_versions(report: Report):
    """The report's versions, newest first, with who saved them."""
    return ReportVersion.objects.filter(report=report).select_related("created_by").order_by("-number")


def latest_version(report: Report) -> ReportVersion | None:
    return ReportVersion.objects.filter(report=report).order_by("-number").first()


def version_get(report: Report, number: int) -> ReportVersion | None:
    return ReportVersion.objects.filter(report=report, number=number).first()
