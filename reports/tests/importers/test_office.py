"""Old and other office formats read through LibreOffice (reports/importers/office.py)."""

import subprocess

import pytest

from reports.importers import office
from reports.importers.dispatch import parse_document
from reports.importers.parsed import UnreadableDocument
from reports.tests.conftest import FIXTURES

MAX = 20 << 20


@pytest.fixture(scope="module")
def converted(tmp_path_factory):
    """seed004.docx saved by LibreOffice as .doc, .odt, .rtf and exported as PDF (as an office would have them)."""
    folder = tmp_path_factory.mktemp("office")
    source = folder / "seed004.docx"
    source.write_bytes((FIXTURES / "seed004.docx").read_bytes())
    profile = (folder / "profile").as_uri()
    out = {}
    for fmt in ("doc", "odt", "rtf", "pdf"):
        subprocess.run(  # noqa: S603
            [
                office.soffice(),
                "--headless",
                f"-env:UserInstallation={profile}",
                "--convert-to",
                fmt,
                "--outdir",
                str(folder),
                str(source),
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )
        out[fmt] = (folder / f"seed004.{fmt}").read_bytes()
    return out


@pytest.fixture(scope="module")
def reference():
    return parse_document("seed004.docx", (FIXTURES / "seed004.docx").read_bytes(), max_bytes=MAX)


@pytest.mark.parametrize(
    ("name", "fmt"), [("seed004.doc", "doc"), ("seed004.odt", "odt"), ("seed004.rtf", "rtf"), ("seed004.wps", "doc")]
)
def test_old_office_files_read_like_the_word_document(converted, reference, name, fmt):
    """.doc, .wps (a Word binary under Kingsoft's name), .odt and .rtf give the .docx's report exactly."""
    report = parse_document(name, converted[fmt], max_bytes=MAX)
    assert (report.region_code, report.year, report.title) == (reference.region_code, reference.year, reference.title)
    assert report.values == reference.values and len(report.values) == 200
    assert [s.heading for s in report.sections] == [s.heading for s in reference.sections]
    assert report.source_format == name.rsplit(".", 1)[1]


def test_a_broken_office_file_is_named(converted):
    """An Office binary LibreOffice cannot open gets a message, not a crash."""
    with pytest.raises(UnreadableDocument, match="LibreOffice 无法打开"):
        parse_document("broken.doc", office.OLE_MAGIC + b"\x00" * 2000, max_bytes=MAX)


def test_without_libreoffice_the_message_says_what_to_do(monkeypatch, converted):
    monkeypatch.setattr(office, "soffice", lambda: None)
    with pytest.raises(UnreadableDocument, match="服务器未安装 LibreOffice.*另存为 .docx"):
        parse_document("seed004.doc", converted["doc"], max_bytes=MAX)


def test_a_conversion_that_hangs_is_stopped(monkeypatch, tmp_path, converted):
    """The time limit kills the converter's whole process group and names the cause."""
    hanging = tmp_path / "soffice"
    hanging.write_text("#!/bin/sh\nsleep 30 &\nsleep 30\n")
    hanging.chmod(0o755)
    monkeypatch.setattr(office, "soffice", lambda: str(hanging))
    monkeypatch.setattr(office, "TIMEOUT_SECONDS", 1)
    with pytest.raises(UnreadableDocument, match="超时"):
        parse_document("seed004.doc", converted["doc"], max_bytes=MAX)
    left = subprocess.run(["pgrep", "-f", str(hanging)], capture_output=True)  # noqa: S603, S607
    assert left.returncode == 1  # nothing of the converter is left running


def test_a_pdf_exported_by_an_office_program_reads_exactly(converted, reference):
    """Word-style ruled tables in an exported PDF: every number, no false alarm from wrapped labels."""
    report = parse_document("seed004.pdf", converted["pdf"], max_bytes=MAX)
    assert report.values == reference.values and len(report.values) == 200
    assert report.region_code == reference.region_code and report.year == reference.year
    assert not [w for w in report.warnings if w.startswith("表")]


def test_a_spreadsheet_without_report_text_is_refused_with_advice(tmp_path):
    """An .xls of the tables alone is no report: the message says what to upload instead."""
    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"])
    book.active.append(["规章", 1, 0, 3])
    book.save(tmp_path / "tables.xlsx")
    profile = (tmp_path / "profile").as_uri()
    subprocess.run(  # noqa: S603
        [
            office.soffice(),
            "--headless",
            f"-env:UserInstallation={profile}",
            "--convert-to",
            "xls",
            "--outdir",
            str(tmp_path),
            str(tmp_path / "tables.xlsx"),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    with pytest.raises(UnreadableDocument, match="没有报告正文.*长表格式"):
        parse_document("tables.xls", (tmp_path / "tables.xls").read_bytes(), max_bytes=MAX)
