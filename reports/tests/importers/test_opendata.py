"""The site's open-data JSON read back (reports/importers/opendata.py), and the round trip through
``export_reports --format json`` and ``import_reports`` into an empty database."""

import datetime
import io
import json
import re
from decimal import Decimal

import pytest
from django.core.management import call_command

from reports import format as fmt
from reports.importers import UnreadableDocument
from reports.importers.dispatch import iter_documents, parse_document
from reports.importers.opendata import iter_json_lines, parse_open_data
from reports.models import Publisher, Report, ReportNumbers
from reports.services.reports import reports_delete
from reports.tests.conftest import PARTS, balanced_values

MAX = 1024 * 1024
# The example of shared/FORMAT.md, "The open-data JSON of one report".
EXAMPLE = {
    "id": 17,
    "url": "https://example.cn/reports/17/",
    "kind": "annual_report",
    "format": "2021",
    "year": 2023,
    "title": "清镇市人民政府办公室2023年政府信息公开工作年度报告",
    "publisher": "清镇市人民政府办公室",
    "region": {"code": "520181", "name": "清镇市", "path": ["贵州省", "贵阳市", "清镇市"]},
    "index_no": None,
    "document_no": None,
    "written_on": "2024-01-31",
    "published_on": "2024-01-31",
    "sections": [{"number": "一", "heading": "总体情况", "text": "2023年,我市……"}],
    "tables": {
        "proactive": {
            "normative_documents": {"issued": 6, "repealed": 4, "in_force": 64},
            "fees": {"amount": "6858.05"},
        },
        "applications": {"received": {"natural_person": 286, "commercial": 4, "research": None, "total": 290}},
    },
    "checks": [{"rule": "applications.balance", "ok": True, "detail": ""}],
}


def raw(obj) -> bytes:
    return json.dumps(obj, ensure_ascii=False).encode()


def test_the_format_example_reads_into_a_parsed_report():
    parsed = parse_open_data(raw(EXAMPLE))

    assert (parsed.title, parsed.kind, parsed.edition, parsed.year) == (EXAMPLE["title"], "annual_report", "2021", 2023)
    assert (parsed.publisher, parsed.region_code, parsed.index_no, parsed.document_no) == (
        "清镇市人民政府办公室",
        "520181",
        "",
        "",
    )
    assert parsed.written_on == parsed.published_on == datetime.date(2024, 1, 31)
    assert [(s.number, s.heading, s.body) for s in parsed.sections] == [("一", "总体情况", "2023年,我市……")]
    assert parsed.values[("proactive", "fees", "amount")] == Decimal("6858.05")
    assert parsed.values[("applications", "received", "total")] == 290
    assert parsed.values[("applications", "received", "research")] is None  # blank stays blank, never 0
    assert len(parsed.values) == 8 and parsed.source_format == "json" and parsed.warnings == []


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"format": "2020"}, "“format”应为 2021、2019、2008 之一,写的是 '2020'"),
        ({"year": "2023"}, "“year”应为整数"),
        ({"region": {"code": "5201"}}, "“region.code”应为六位行政区划代码"),
        ({"published_on": "2024/01/31"}, "“published_on”应为 YYYY-MM-DD 格式的日期"),
        (
            {"tables": {"applications": {"received": {"total": "二百九十"}}}},
            "tables.applications.received.total 不是数字",
        ),
        (
            {"tables": {"applications": {"received": {"total": True}}}},
            "tables.applications.received.total 应为数字或 null",
        ),
        ({"tables": {"applications": []}}, "tables.applications 应为对象"),
        ({"sections": "一、总体情况"}, "“sections”应为对象的列表"),
        ({"title": 17}, "“title”应为文字"),
    ],
)
def test_a_wrong_field_is_named(change, message):
    with pytest.raises(UnreadableDocument, match=re.escape(f"开放数据 JSON 有误:{message}")):
        parse_open_data(raw({**EXAMPLE, **change}))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"{oops", "不是有效的 JSON(第 1 行第 2 列"),
        (b"\xff\xfe", "不是 UTF-8 编码的文本"),
        (b"[]", "应为一份报告的 JSON 对象(多份报告请用每行一份的 .jsonl 文件)"),
        (b'{"title": "x"}', "不是本站开放数据格式的报告:缺少 format、publisher、region"),
    ],
)
def test_what_is_not_a_report_object_is_refused(data, message):
    with pytest.raises(UnreadableDocument, match=re.escape(message)):
        parse_open_data(data)


def test_json_files_go_to_this_importer_and_json_lines_are_split_into_reports():
    """A .json file is one report (the per-report download); a .jsonl file holds one per line (the bulk export)."""
    assert parse_document("17.json", "\ufeff".encode() + raw(EXAMPLE), max_bytes=MAX).source_format == "json"
    lines = raw(EXAMPLE) + b"\n\n" + raw({**EXAMPLE, "year": 2022}) + b"\n"
    members = list(iter_documents("export.jsonl", lines, max_bytes=MAX))
    assert [m.name for m in members] == ["export.jsonl/第1行.json", "export.jsonl/第3行.json"]
    assert [parse_document(m.name, m.data, max_bytes=MAX).year for m in members] == [2023, 2022]
    with pytest.raises(UnreadableDocument, match=re.escape("这是 JSON Lines 文件(每行一份报告):请用批量导入")):
        parse_document("export.jsonl", lines, max_bytes=MAX)
    with pytest.raises(UnreadableDocument, match="JSON Lines 文件中没有报告"):
        list(iter_json_lines("empty.jsonl", b"\n \n", max_bytes=MAX))
    (too_long,) = iter_json_lines("big.jsonl", raw(EXAMPLE), max_bytes=100)
    assert too_long.data is None and "这一行过长" in too_long.error


# --- The round trip -----------------------------------------------------------------------------


def export_objects(path) -> list[dict]:
    """The published reports as export_reports writes them, without what the exporting site assigns."""
    call_command("export_reports", "--format", "json", "--output", str(path))
    objects = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    for obj in objects:
        del obj["id"], obj["url"]
    return sorted(objects, key=lambda o: (o["publisher"], o["kind"], o["year"] or 0))


def published_cells() -> dict:
    """Every stored number of the published reports, by publisher, kind, year and code."""
    return {
        (n.report.publisher.name, n.report.kind, n.report.year, *code): value
        for n in ReportNumbers.objects.filter(report__status="published").select_related("report__publisher")
        for code, value in n.values_dict().items()
    }


@pytest.mark.django_db
def test_exported_json_imports_back_into_an_empty_database_with_the_same_reports_and_numbers(make_report, tmp_path):
    amounts = {**balanced_values(), ("proactive", "fees", "amount"): Decimal("0.092")}
    amounts[("proactive", "licensing", "decisions")] = None  # a blank cell
    v2019 = {code: Decimal(n % 7) for n, code in enumerate(fmt.all_codes(fmt.EDITION_2019))}
    v2019[("proactive", "procurement", "amount")] = Decimal("24252.311082")
    make_report(values=amounts, sections=PARTS)
    make_report(region="520100", publisher="贵阳市人民政府", year=2020, values=v2019, sections=PARTS)
    older = make_report(region="440800", publisher="湛江市人民政府", year=2015, published_on=None)
    Report.objects.filter(pk=older.pk).update(index_no="000014349/2016-00110", document_no="湛府〔2016〕1号")
    make_report(publisher="清镇市人民政府办公室", year=2024, kind="work_plan")
    make_report(region="520100", publisher="贵阳市教育局", status="draft", values=amounts)  # not open data
    before, cells = export_objects(tmp_path / "before.jsonl"), published_cells()
    assert len(before) == 4 and len(cells) > 150

    reports_delete(reports=list(Report.objects.all()))
    Publisher.objects.all().delete()
    out = io.StringIO()
    call_command("import_reports", str(tmp_path / "before.jsonl"), "--publish", stdout=out)

    assert "完成:导入 4,替换 0,跳过 0,失败 0" in out.getvalue()
    assert export_objects(tmp_path / "after.jsonl") == before
    assert published_cells() == cells
