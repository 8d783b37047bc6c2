"""Choose the importer for a file by its content and name; enforce the size limit."""

from __future__ import annotations

from pathlib import PurePath

from reports.importers.base import ImportError_, ParsedReport

TEXT_SUFFIXES = {".txt", ".text", ""}
SUPPORTED_SUFFIXES = TEXT_SUFFIXES


def parse_document(
    filename: str,
    data: bytes,
    *,
    max_bytes: int,
    year: int | None = None,
    kind: str | None = None,
    region_code: str | None = None,
) -> ParsedReport:
    """Read one document's bytes into a ParsedReport, or raise ImportError_ naming the problem."""
    suffix = PurePath(filename).suffix.lower()
    if len(data) > max_bytes:
        raise ImportError_(f"文件过大:{len(data) / 1048576:.1f} MB,上限为 {max_bytes / 1048576:.0f} MB。")
    if suffix not in SUPPORTED_SUFFIXES:
        raise ImportError_(
            f"不支持的文件类型“{suffix}”:可导入 {', '.join(sorted(s for s in SUPPORTED_SUFFIXES if s))}。"
        )
    from reports.importers.text import parse_text

    return parse_text(data, filename=filename, year=year, kind=kind, region_code=region_code)
