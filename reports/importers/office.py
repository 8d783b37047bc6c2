"""Old and other office formats (.doc, .wps, .rtf, .odt, .xls, .et, .ods) read through LibreOffice.

LibreOffice (Debian ``libreoffice-writer-nogui``, ``libreoffice-calc-nogui``) converts the file in
a private temporary directory, with a private user profile, a time limit and a cap on how many
conversions run at once on the machine; the result is read by the existing readers: text
documents become ``.docx`` (:mod:`reports.importers.docx`), spreadsheets become a web page
(:mod:`reports.importers.html`). Nothing of the conversion outlives the call.

Kingsoft WPS files (.wps, .et) are Word and Excel binaries under another name: they are handed to
LibreOffice as ``.doc`` and ``.xls``.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path, PurePath

from reports.importers.parsed import UnreadableDocument

WRITER_SUFFIXES = {".doc": ".doc", ".wps": ".doc", ".rtf": ".rtf", ".odt": ".odt", ".wpt": ".doc", ".dot": ".doc"}
CALC_SUFFIXES = {".xls": ".xls", ".et": ".xls", ".ods": ".ods"}
OFFICE_SUFFIXES = set(WRITER_SUFFIXES) | set(CALC_SUFFIXES)
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .doc, .xls, .wps, .et: the old binary Office formats
RTF_MAGIC = b"{\\rtf"
ODF_MIMETYPE = b"mimetypeapplication/vnd.oasis.opendocument."

TIMEOUT_SECONDS = int(os.environ.get("GOVOPEN_OFFICE_TIMEOUT", "60"))
# Conversions running at once on this machine (each LibreOffice takes some 200 MB); more wait.
MAX_RUNNING = int(os.environ.get("GOVOPEN_OFFICE_CONCURRENCY", "2"))
_NOT_INSTALLED = "服务器未安装 LibreOffice,无法读取{what}:请另存为 .docx 后导入,或请管理员安装 libreoffice-writer-nogui"


def is_office(data: bytes) -> bool:
    """Old Office binaries, RTF and OpenDocument files (all need LibreOffice)."""
    return data.startswith((OLE_MAGIC, RTF_MAGIC)) or ODF_MIMETYPE in data[30:90]


def is_spreadsheet(filename: str, data: bytes) -> bool:
    suffix = PurePath(filename).suffix.lower()
    return suffix in CALC_SUFFIXES or b"opendocument.spreadsheet" in data[30:100]


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert(filename: str, data: bytes) -> tuple[str, bytes]:
    """The file converted by LibreOffice: ("docx", bytes) for text documents, ("html", bytes) for sheets."""
    spreadsheet = is_spreadsheet(filename, data)
    suffix = PurePath(filename).suffix.lower()
    what = f"“{suffix or '无扩展名'}”文件"
    program = soffice()
    if program is None:
        raise UnreadableDocument(_NOT_INSTALLED.format(what=what))
    if spreadsheet:
        source_suffix, target, result_suffix = CALC_SUFFIXES.get(suffix, ".xls"), "html:HTML (StarCalc)", ".html"
    else:
        source_suffix, target, result_suffix = WRITER_SUFFIXES.get(suffix, ".doc"), "docx:MS Word 2007 XML", ".docx"
    if data.startswith(RTF_MAGIC):
        source_suffix = ".rtf"
    elif ODF_MIMETYPE in data[30:90]:
        source_suffix = ".ods" if spreadsheet else ".odt"
    with (
        tempfile.TemporaryDirectory(prefix="govopen-office-") as work,
        machine_slot("office", MAX_RUNNING, TIMEOUT_SECONDS),
    ):
        folder = Path(work)
        source = folder / f"document{source_suffix}"
        source.write_bytes(data)
        command = [
            program,
            "--headless",
            "--norestore",
            "--nologo",
            "--nodefault",
            "--nolockcheck",
            f"-env:UserInstallation={(folder / 'profile').as_uri()}",
            "--convert-to",
            target,
            "--outdir",
            str(folder / "out"),
            str(source),
        ]
        _run(command, what, home=folder)
        result = folder / "out" / f"document{result_suffix}"
        if not result.exists() or not result.stat().st_size:
            raise UnreadableDocument(f"LibreOffice 无法打开这个{what}(文件损坏,或不是它声称的格式)")
        return ("html" if spreadsheet else "docx"), result.read_bytes()


def _run(command: list[str], what: str, *, home: Path) -> None:
    # A process group of its own: on timeout the whole of LibreOffice goes, not just the launcher.
    process = subprocess.Popen(  # noqa: S603 - a fixed program and arguments, no shell
        command,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
        env={**os.environ, "HOME": str(home)},
    )
    try:
        process.wait(timeout=TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        raise UnreadableDocument(f"转换{what}超时({TIMEOUT_SECONDS} 秒),文件可能过大或已损坏") from None


@contextlib.contextmanager
def machine_slot(name: str, max_running: int, timeout: float):
    """One of ``max_running`` machine-wide slots for a costly child program (lock files), waited
    for up to ``timeout`` seconds. Per machine on purpose, with several app servers too: the slots
    bound the CPU and memory of the machine the program runs on."""
    folder = Path(tempfile.gettempdir()) / f"govopen-{name}-slots"
    folder.mkdir(exist_ok=True)
    deadline = time.monotonic() + timeout
    while True:
        for i in range(max(max_running, 1)):
            handle = open(folder / f"slot-{i}.lock", "w")  # noqa: SIM115 - held for the conversion
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                handle.close()
                continue
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)
                handle.close()
            return
        if time.monotonic() > deadline:
            raise UnreadableDocument("服务器正忙于转换其他文件,请稍后再试")
        time.sleep(0.2)
