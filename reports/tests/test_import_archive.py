import io
import json
import zipfile
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from reports.importers.archive import iter_zip
from reports.importers.dispatch import SUPPORTED_SUFFIXES, iter_documents, parse_document
from reports.importers.parsed import UnreadableDocument
from reports.models import Report
from reports.tests.conftest import SEEDS, seed

FIXTURES = Path(__file__).resolve().parent / "fixtures"
MAX = 20 * 1024 * 1024


def make_zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in files.items():
            z.writestr(name, data)
    return buffer.getvalue()


def gbk_named_zip(name: str, data: bytes) -> bytes:
    """What Chinese Windows tools write: a GBK name without the UTF-8 flag."""
    buffer = io.BytesIO()
    placeholder = "x" * len(name.encode("gbk"))
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as z:
        z.writestr(placeholder, data)
    raw = bytearray(buffer.getvalue().replace(placeholder.encode(), name.encode("gbk")))
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = raw.find(signature)
        raw[at + offset + 1] &= 0xFF ^ 0x08  # bit 11 (0x800) lives in the flag's second byte
    return bytes(raw)


def test_zip_members_come_out_one_by_one_with_their_errors():
    data = make_zip(
        {
            "2023/004.txt": seed("004").read_bytes(),
            "2023/portal.html": (FIXTURES / "seed004_portal.html").read_bytes(),
            "__MACOSX/2023/._004.txt": b"junk",
            "2023/~$report.docx": b"lock",
            "2023/inner.zip": make_zip({"a.txt": b"x"}),
            "2023/scan.pdf": b"%PDF",
        }
    )
    members = list(iter_documents("batch.zip", data, max_bytes=MAX))
    assert [(m.name, m.error) for m in members] == [
        ("batch.zip/2023/004.txt", ""),
        ("batch.zip/2023/portal.html", ""),
        ("batch.zip/2023/inner.zip", "压缩包中的压缩包不予展开,请先解开再上传"),
        ("batch.zip/2023/scan.pdf", "不支持的文件类型“.pdf”"),
    ]
    assert members[0].data == seed("004").read_bytes()


def test_gbk_member_names_are_decoded():
    data = gbk_named_zip("清镇市/报告.txt", b"abc")
    (member,) = iter_zip("b.zip", data, max_bytes=MAX, max_inflated=MAX, suffixes=SUPPORTED_SUFFIXES)
    assert member.name == "b.zip/清镇市/报告.txt" and member.data == b"abc"


def test_zip_bomb_is_refused_before_inflating():
    """A member that claims to inflate a thousandfold, or a total past the limit, is refused up front."""
    data = make_zip({"bomb.txt": b"0" * (50 * 1024 * 1024)})
    assert len(data) < 200 * 1024
    with pytest.raises(UnreadableDocument, match="压缩炸弹|超过上限"):
        list(iter_documents("bomb.zip", data, max_bytes=MAX))
    with pytest.raises(UnreadableDocument, match="超过上限"):
        list(iter_documents("bomb.zip", data, max_bytes=1024 * 1024))


def test_a_zip_that_lies_about_sizes_is_cut_off():
    """A member whose header understates its size is read with a bound and refused."""
    payload = b"x" * (3 * 1024 * 1024)
    data = bytearray(make_zip({"big.txt": payload}))
    # Rewrite the declared uncompressed size (local header offset 22, central directory offset 24).
    true_size = len(payload).to_bytes(4, "little")
    data = bytes(data).replace(true_size, (1000).to_bytes(4, "little"))
    (member,) = iter_zip("lie.zip", data, max_bytes=2 * 1024 * 1024, max_inflated=MAX, suffixes=SUPPORTED_SUFFIXES)
    assert member.data is None
    assert "损坏" in member.error or "超过上限" in member.error


@pytest.mark.parametrize(("data", "message"), [(b"PK\x03\x04broken", "已损坏"), (b"not a zip", "不是有效的 zip")])
def test_broken_zips_are_named(data, message):
    with pytest.raises(UnreadableDocument, match=message):
        for member in iter_documents("x.zip", data, max_bytes=MAX):
            parse_document(member.name, member.data, max_bytes=MAX)


# --- The command on directories and zips ------------------------------------------------------


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
