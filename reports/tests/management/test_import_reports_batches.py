"""manage.py import_reports on zips and directories: summary, progress, parallel parsing."""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from reports.models import Report
from reports.tests.conftest import FIXTURES, SEEDS, make_zip, seed


def run(*args):
    out, err = StringIO(), StringIO()
    ok = True
    try:
        call_command("import_reports", *args, "--json", stdout=out, stderr=err)
    except CommandError:
        ok = False
    return ok, [json.loads(line) for line in out.getvalue().splitlines() if line.strip()], err.getvalue()


@pytest.mark.django_db
def test_command_imports_a_zip_and_a_directory_with_a_summary(tmp_path, settings):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "batch.zip").write_bytes(
        make_zip(
            {
                "a/portal.html": (FIXTURES / "seed004_portal.html").read_bytes(),
                "a/2019.html": (FIXTURES / "report2019.html").read_bytes(),
                "a/empty.txt": b"",
            }
        )
    )
    (tmp_path / "in" / "seed003.docx").write_bytes((FIXTURES / "seed003_appendix.docx").read_bytes())
    ok, results, err = run(str(tmp_path / "in"))
    assert not ok
    assert [(Path(r["file"]).name, r["status"]) for r in results] == [
        ("portal.html", "imported"),
        ("2019.html", "imported"),
        ("empty.txt", "failed"),
        ("seed003.docx", "imported"),
    ]
    assert json.loads(err)["summary"] == {
        "imported": 3,
        "replaced": 0,
        "skipped": 0,
        "failed": 1,
        **{"seconds": json.loads(err)["summary"]["seconds"]},
    }
    assert Report.objects.count() == 3

    ok, results, err = run(str(tmp_path / "in" / "seed003.docx"), "--skip-existing")
    assert ok and results[0]["status"] == "skipped" and Report.objects.count() == 3
    ok, results, _ = run(str(tmp_path / "in" / "seed003.docx"), "--replace")
    assert ok and results[0]["status"] == "replaced" and Report.objects.count() == 3


@pytest.mark.django_db
def test_plain_output_ends_with_a_summary_and_no_progress_in_a_pipe(tmp_path, settings):
    """Without a terminal there is no progress line (no carriage returns), only results and the summary."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    out = StringIO()
    call_command("import_reports", str(SEEDS), stdout=out)
    text = out.getvalue()
    assert "\r" not in text and "\x1b" not in text
    assert text.strip().splitlines()[-1].startswith("完成:导入 5,替换 0,跳过 0,失败 0")
    out = StringIO()
    call_command("import_reports", str(SEEDS), "--skip-existing", stdout=out)
    assert "完成:导入 0,替换 0,跳过 5,失败 0" in out.getvalue()


@pytest.mark.django_db
def test_progress_is_shown_on_a_terminal(tmp_path, settings):
    settings.MEDIA_ROOT = str(tmp_path / "media")

    class Terminal(StringIO):
        def isatty(self):
            return True

    out = Terminal()
    call_command("import_reports", str(seed("004")), stdout=out)
    assert "\r[1/1 个文件] 已处理 1 篇" in out.getvalue()


@pytest.mark.django_db
def test_parallel_parsing_gives_the_same_results_in_order(tmp_path, settings):
    """--jobs 2 parses in worker processes; results come in input order and match a serial run."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    ok, results, _ = run(str(SEEDS), str(FIXTURES / "seed004_portal.html"), "--jobs", "2")
    assert [Path(r["file"]).name[:3] for r in results] == ["000", "001", "002", "003", "004", "see"]
    assert [r["status"] for r in results] == ["imported"] * 5 + ["failed"]  # the page repeats seed 004
    assert "已存在" in results[-1]["error"]
    assert Report.objects.count() == 5
