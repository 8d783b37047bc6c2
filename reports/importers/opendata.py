"""The site's own open-data JSON (shared/FORMAT.md) read back: one report object, or JSON Lines of them.

What ``/reports/<id>/download.json``, ``/api/reports/<id>/``, ``/reports/export.jsonl`` and
``manage.py export_reports --format json`` write comes back as a ParsedReport, so the same import
pipeline writes it as any other document. The object states what the text importers must guess
(region code, publisher, year, edition, every cell by its code), so nothing is guessed here: a value
that is not what the format says is refused, naming the field. ``id``, ``url`` and ``checks`` are the
exporting site's and are not read (the rules are checked again on import).
"""

from __future__ import annotations

import datetime
import json
import re
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation

from reports import format as fmt
from reports.importers.archive import Member
from reports.importers.parsed import ParsedReport, ParsedSection, UnreadableDocument

JSON_SUFFIXES = {".json"}
JSON_LINES_SUFFIXES = {".jsonl", ".ndjson"}
_REGION_CODE = re.compile(r"^[0-9]{6}$")
_REQUIRED = ("format", "title", "publisher", "region")


def _fail(message: str) -> UnreadableDocument:
    return UnreadableDocument(f"开放数据 JSON 有误:{message}")


def _text(obj: dict, key: str) -> str:
    value = obj.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise _fail(f"“{key}”应为文字")
    return value


def _date(obj: dict, key: str) -> datetime.date | None:
    value = obj.get(key)
    if value is None:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except (TypeError, ValueError):
        raise _fail(f"“{key}”应为 YYYY-MM-DD 格式的日期,写的是 {value!r}") from None


def _number(value, where: str) -> Decimal | None:
    # Counts are integers and amounts decimal strings (FORMAT.md); a float from another tool is read
    # through its shortest text, so 6858.05 stays 6858.05. Range and decimals are checked by the service.
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise _fail(f"{where} 应为数字或 null,写的是 {value!r}")
    try:
        number = Decimal(repr(value) if isinstance(value, float) else str(value).strip())
    except InvalidOperation:
        raise _fail(f"{where} 不是数字:{value!r}") from None
    if not number.is_finite():
        raise _fail(f"{where} 不是数字:{value!r}")
    return number


def _values(tables) -> dict[tuple[str, str, str], Decimal | None]:
    if tables is None:
        return {}
    if not isinstance(tables, dict):
        raise _fail("“tables”应为对象")
    values = {}
    for table, rows in tables.items():
        if not isinstance(rows, dict):
            raise _fail(f"tables.{table} 应为对象")
        for row, columns in rows.items():
            if not isinstance(columns, dict):
                raise _fail(f"tables.{table}.{row} 应为对象")
            for column, value in columns.items():
                values[(table, row, column)] = _number(value, f"tables.{table}.{row}.{column}")
    return values


def _sections(sections) -> list[ParsedSection]:
    if sections is None:
        return []
    if not isinstance(sections, list) or not all(isinstance(s, dict) for s in sections):
        raise _fail("“sections”应为对象的列表")
    return [ParsedSection(_text(s, "number"), _text(s, "heading"), _text(s, "text")) for s in sections]


def report_from_open_data(obj) -> ParsedReport:
    """The ParsedReport of one open-data object (a dict decoded from JSON)."""
    if not isinstance(obj, dict):
        raise _fail("应为一份报告的 JSON 对象(多份报告请用每行一份的 .jsonl 文件)")
    missing = [key for key in _REQUIRED if key not in obj]
    if missing:
        raise _fail(f"不是本站开放数据格式的报告:缺少 {'、'.join(missing)}")
    edition = obj["format"]
    if edition not in fmt.EDITIONS:
        raise _fail(f"“format”应为 {'、'.join(fmt.EDITIONS)} 之一,写的是 {edition!r}")
    year = obj.get("year")
    if year is not None and (isinstance(year, bool) or not isinstance(year, int)):
        raise _fail(f"“year”应为整数,写的是 {year!r}")
    region = obj["region"]
    code = region.get("code") if isinstance(region, dict) else region
    if not isinstance(code, str) or not _REGION_CODE.match(code):
        raise _fail(f"“region.code”应为六位行政区划代码,写的是 {code!r}")
    return ParsedReport(
        title=_text(obj, "title").strip(),
        kind=_text(obj, "kind") or "annual_report",
        edition=edition,
        year=year,
        publisher=_text(obj, "publisher").strip(),
        region_code=code,
        index_no=_text(obj, "index_no"),
        document_no=_text(obj, "document_no"),
        written_on=_date(obj, "written_on"),
        published_on=_date(obj, "published_on"),
        sections=_sections(obj.get("sections")),
        values=_values(obj.get("tables")),
        source_format="json",
    )


def _decode(data: bytes):
    try:
        return json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise _fail("不是 UTF-8 编码的文本") from None
    except json.JSONDecodeError as e:
        raise _fail(f"不是有效的 JSON(第 {e.lineno} 行第 {e.colno} 列:{e.msg})") from None


def parse_open_data(
    data: bytes,
    *,
    filename: str = "",
    year: int | None = None,
    kind: str | None = None,
    region_code: str | None = None,
) -> ParsedReport:
    """Read one report's open-data JSON. The hints other importers take are not needed (the JSON
    states year, kind and region); what an editor gives still wins, in the import service."""
    return report_from_open_data(_decode(data))


def iter_json_lines(filename: str, data: bytes, *, max_bytes: int) -> Iterator[Member]:
    """The reports of a JSON Lines file (the bulk export), one Member per non-blank line, each named
    ``export.jsonl/第3行.json`` so that it is read as one report's JSON."""
    found = False
    for number, line in enumerate(data.splitlines(), 1):
        if not line.strip():
            continue
        found = True
        name = f"{filename}/第{number}行.json"
        if len(line) > max_bytes:
            yield Member(name, None, f"这一行过长:{len(line)} 字节,上限为 {max_bytes} 字节")
            continue
        yield Member(name, line)
    if not found:
        raise UnreadableDocument("JSON Lines 文件中没有报告")
