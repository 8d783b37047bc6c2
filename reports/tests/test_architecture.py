"""The layers of reports/ hold: reads and writes happen where the code map says (README, "Code map").

import-linter (``make lint``) checks which package imports which; these tests check what the
imports cannot show: ORM queries in the thin layers, writes outside services, HTTP below web/admin.
"""

import re
from pathlib import Path

import pytest

REPORTS = Path(__file__).resolve().parent.parent
# A line that is not an ORM write although it reads like one (a workbook's save) says so.
NOT_ORM = "# not the ORM"


def _sources(*packages: str, exclude: tuple[str, ...] = ()) -> list[Path]:
    files = []
    for package in packages:
        base = REPORTS / package
        files.extend([base] if base.suffix == ".py" else sorted(base.rglob("*.py")))
    return [f for f in files if not any(part in exclude for part in f.relative_to(REPORTS).parts)]


def _offending(files: list[Path], pattern: re.Pattern) -> list[str]:
    out = []
    for path in files:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            code = line.split("#", 1)[0] if NOT_ORM not in line else ""
            if pattern.search(code):
                name = path.relative_to(REPORTS) if path.is_relative_to(REPORTS) else path.name
                out.append(f"{name}:{number}: {line.strip()}")
    return out


def test_sources_are_found():
    """The checks below read real files (a wrong path would make them pass on nothing)."""
    assert len(_sources("web")) >= 8
    assert len(_sources("admin")) >= 3
    assert len(_sources("services")) >= 4


def test_web_and_admin_make_no_queries_of_their_own():
    """Pages, template tags and the admin ask selectors and services; they never write ``.objects.``."""
    assert _offending(_sources("web", "admin"), re.compile(r"\.objects\b")) == []


ORM_WRITE = re.compile(r"\.(save|delete|bulk_create|bulk_update|update_or_create|get_or_create)\(|\.objects\.create\(")


def test_only_services_write():
    """Every write goes through services (and migrations); a save elsewhere is a second write path."""
    files = _sources(".", exclude=("services", "migrations", "tests"))
    assert _offending(files, ORM_WRITE) == []


@pytest.mark.parametrize("package", ["services", "selectors", "exporters", "models", "format", "importers", "regions"])
def test_only_web_and_admin_speak_http(package):
    """Below web and admin nothing raises Http404 or builds a response: they return data or None."""
    pattern = re.compile(r"^\s*(from|import) django\.(http|shortcuts|template\.response)\b")
    assert _offending(_sources(package), pattern) == []


def test_the_check_finds_a_write(tmp_path):
    """The write check is not blind: it flags the forms it looks for."""
    sample = tmp_path / "sample.py"
    sample.write_text("report.save()\nRegion.objects.create(code='1')\nwb.save(out)  # not the ORM\n", encoding="utf-8")
    found = _offending([sample], ORM_WRITE)
    assert [line.split(": ", 1)[1] for line in found] == ["report.save()", "Region.objects.create(code='1')"]


def test_files_go_through_the_storage_api():
    """Originals, downloads and pending imports are read and written through ``default_storage``, which
    may be object storage every server shares: no code names MEDIA_ROOT, and only the tidy-up of empty
    local folders in services/files.py asks a storage for a path (object storage has none)."""
    files = _sources(".", exclude=("tests", "migrations"))
    assert _offending(files, re.compile(r"(?<!DJANGO_)MEDIA_ROOT")) == []
    path_calls = _offending(files, re.compile(r"storage\.path\("))
    assert [line.split(":", 1)[0] for line in path_calls] == ["services/files.py"]
