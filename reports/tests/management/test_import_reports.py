import datetime
import io
import json
import re
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from reports.importers.text import PUBLISHED_ON_UNKNOWN
from reports.models import Report, ReportNumbers, SiteCounter
from reports.services.page_cache import GENERATION
from reports.tests.conftest import SEEDS, seed, stored_values

pytestmark = pytest.mark.django_db


def run_import(*args):
    """Run import_reports --json; returns (exit ok, one result dict per file)."""
    from io import StringIO

    out = StringIO()
    ok = True
    try:
        call_command("import_reports", *args, "--json", stdout=out)
    except CommandError:
        ok = False
    return ok, [json.loads(line) for line in out.getvalue().splitlines() if line.strip()]


def values_of(report):
    return {".".join(code): value for code, value in stored_values(report).items()}


def test_all_five_seeds_import_with_their_metadata():
    """The five seed documents import, each as one report with its kind, year, publisher and region."""
    ok, results = run_import(str(SEEDS), "--publish")
    assert ok and [r["ok"] for r in results] == [True] * 5
    reports = {r["file"].rsplit("/", 1)[-1][:3]: Report.objects.get(pk=r["id"]) for r in results}
    expected = {
        "000": ("annual_report", "2021", 2023, "湛江市人民政府", "440800"),
        "001": ("annual_report", "2021", 2022, "威海市文登区人民政府", "371003"),
        "002": ("work_plan", "2008", 2015, "湛江市人民政府办公室", "440800"),
        "003": ("annual_report", "2008", 2013, "云浮市人民政府", "445300"),
        "004": ("annual_report", "2021", 2023, "清镇市人民政府办公室", "520181"),
    }
    for key, (kind, edition, year, publisher, region) in expected.items():
        r = reports[key]
        assert (r.kind, r.edition, r.year, r.publisher.name, r.region_id) == (kind, edition, year, publisher, region)
        assert r.status == "published"
        assert results[int(key)]["url"] == f"/reports/{r.pk}/"
    assert reports["004"].title == "清镇市人民政府办公室2023年政府信息公开工作年度报告"
    assert [s.number for s in reports["000"].sections.all() if s.number] == ["一", "二", "三", "四", "五", "六"]
    assert "年度报告" in reports["001"].title and "報" not in reports["001"].search_text


def test_seed_004_tables_are_stored_with_every_number():
    """The flattened tables of seed 004 end up as table codes with the exact published numbers."""
    ok, (result,) = run_import(str(seed("004")))
    assert ok and result["warnings"] == [PUBLISHED_ON_UNKNOWN]  # seed 004 states no 发布日期
    values = values_of(Report.objects.get(pk=result["id"]))
    assert values["applications.received.total"] == 290
    assert values["applications.handled_total.total"] == 291
    assert values["applications.received.natural_person"] == 286
    assert values["applications.carried_forward.total"] == 1
    assert values["proactive.normative_documents.in_force"] == 64
    assert values["proactive.fees.amount"] == Decimal("6858.05")
    assert values["proactive.licensing.decisions"] == 39908
    review = [v for k, v in values.items() if k.startswith("review_litigation.")]
    assert len(review) == 15 and set(review) == {0}
    assert Report.objects.get(pk=result["id"]).checks_failed == 0


def test_reports_without_tables_import_and_say_so():
    """Seeds 000 and 001 lost their tables: they import with sections and a warning per table."""
    ok, results = run_import(str(seed("000")), str(seed("001")))
    assert ok
    for result in results:
        assert any("未找到表三" in w for w in result["warnings"])
        assert not ReportNumbers.objects.filter(report_id=result["id"]).exists()


def test_options_override_what_the_text_says():
    ok, (result,) = run_import(str(seed("003")), "--region", "445302", "--year", "2014", "--kind", "other")
    report = Report.objects.get(pk=result["id"])
    assert (report.region_id, report.year, report.kind) == ("445302", 2014, "other")


def test_second_import_is_refused_unless_replace():
    """A document already present (same publisher, year, kind) is not duplicated silently."""
    run_import(str(seed("004")))
    ok, (result,) = run_import(str(seed("004")))
    assert not ok and "已存在" in result["error"]
    assert Report.objects.count() == 1
    ok, (result,) = run_import(str(seed("004")), "--replace")
    assert ok and Report.objects.count() == 1


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.txt", b"", "空"),
        ("binary.txt", b"\x00\x01\x02\xff\xfe" * 100, "二进制"),
        ("report.pdf", b"%PDF-1.4", "PDF 文件已损坏"),
        ("photo.jpg", b"\xff\xd8\xff", "不支持的文件类型"),
        ("noregion.txt", "某单位2023年政府信息公开工作年度报告\n一、总体情况\n无。".encode(), "地区"),
    ],
)
def test_bad_files_fail_with_a_message_and_save_nothing(tmp_path, name, content, message):
    """Bad input is named in the output, the command exits non-zero and nothing is saved."""
    path = tmp_path / name
    path.write_bytes(content)
    ok, (result,) = run_import(str(path))
    assert not ok and result["ok"] is False and message in result["error"]
    assert Report.objects.count() == 0


def test_unknown_region_option_is_refused(tmp_path):
    ok, (result,) = run_import(str(seed("004")), "--region", "999999")
    assert not ok and "999999" in result["error"]
    assert Report.objects.count() == 0


def test_a_failure_in_a_batch_does_not_stop_the_rest(tmp_path):
    (tmp_path / "bad.txt").write_bytes(b"")
    ok, results = run_import(str(tmp_path / "bad.txt"), str(seed("004")))
    assert not ok and [r["ok"] for r in results] == [False, True]
    assert Report.objects.count() == 1


def test_plain_output_names_each_file(capsys):
    from io import StringIO

    out = StringIO()
    call_command("import_reports", str(seed("004")), stdout=out)
    line = out.getvalue().strip()
    assert line.startswith(str(seed("004"))) and "/reports/" in line


def test_imported_and_published_reports_reach_the_statistics(client, django_capture_on_commit_callbacks):
    """Publishing through the import keeps the statistics current; withdrawing and deleting take it out."""
    from reports.services.reports import report_withdraw

    with django_capture_on_commit_callbacks(execute=True):
        ok, (result,) = run_import(str(seed("004")), "--publish")
    (year,) = client.get("/api/statistics/?region=520000&year_from=2023&year_to=2023").json()["years"]
    assert year["reports"] == 1
    assert year["values"]["applications.received.total"]["sum"] == 290
    assert year["values"]["proactive.fees.amount"]["sum"] == "6858.05"
    report = Report.objects.get(pk=result["id"])
    with django_capture_on_commit_callbacks(execute=True):
        report_withdraw(report=report, reason="数据有误")
    (year,) = client.get("/api/statistics/?region=520000&year_from=2023&year_to=2023").json()["years"]
    assert year["reports"] == 0


def test_implausible_year_is_refused():
    ok, (result,) = run_import(str(seed("004")), "--year", "1800")
    assert not ok and "年度应在1990至2100之间" in result["error"]
    assert Report.objects.count() == 0


def test_a_missing_publication_date_is_never_invented(tmp_path):
    """The signature's 成文日期 is kept as such; 发布日期 stays empty for the editor to fill in."""
    path = tmp_path / "signed.txt"
    path.write_text(
        "湛江市教育局2023年政府信息公开工作年度报告\n一、总体情况\n认真落实《条例》。\n湛江市教育局\n2024年1月20日\n",
        encoding="utf-8",
    )
    call_command("import_reports", str(path), "--region", "440800", stdout=io.StringIO())
    report = Report.objects.get()
    assert report.written_on == datetime.date(2024, 1, 20) and report.published_on is None


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("regions_loaded")
def test_queries_per_document_do_not_grow_with_the_batch(tmp_path, settings, django_assert_max_num_queries):
    """One publisher's reports of four years: its region and the publisher are read once for the
    whole run, and every further document costs the same few queries."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    SiteCounter.objects.get_or_create(name=GENERATION)  # as after migrate (a flush removed it)
    text = seed("004").read_text(encoding="utf-8")
    for year in (2020, 2021, 2022, 2023):
        (tmp_path / f"{year}.txt").write_text(re.sub(r"2023(?=年|-)", str(year), text), encoding="utf-8")
    # Each document: its transaction, the clash check (not for a publisher just created), the report,
    # its index, sections, numbers, version and audit event. The first one also reads its region and
    # creates the publisher (the page cache's counter follows); the statistics task runs once, at the end
    # (3 queries, and its lock on PostgreSQL).
    with django_assert_max_num_queries(14 + 3 * 9 + 4) as captured:
        ok, results = run_import(str(tmp_path))
    assert ok and [r["status"] for r in results] == ["imported"] * 4
    sql = [q["sql"] for q in captured.captured_queries]
    assert len([q for q in sql if 'FROM "reports_region"' in q]) == 1
    assert len([q for q in sql if 'FROM "reports_publisher"' in q]) == 1
