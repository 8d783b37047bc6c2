"""Zip archives, read safely: a batch of documents in one upload, and the container of a .docx.

Nothing is extracted to disk. Before a single member is inflated, the central directory is
checked: how many members, how large they say they are in total, and how much each one claims
to inflate (a zip bomb is a tiny member that inflates a thousandfold). Members are then read
with a bound, so that an archive that lies about its sizes cannot get past the limit either.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import PurePosixPath

from reports.importers.parsed import UnreadableDocument

ZIP_MAGIC = b"PK\x03\x04"
MAX_MEMBERS = 5000
# Text and XML compress about 5 to 20 times; a thousandfold member is a bomb. Small members may
# compress better than this (a run of zeros), so the ratio is only checked above a size.
MAX_RATIO = 200
RATIO_CHECKED_ABOVE = 1024 * 1024
# Files an archive carries that are nobody's document.
_JUNK_PREFIXES = ("__MACOSX/", ".")
_JUNK_NAMES = {"thumbs.db", "desktop.ini", ".ds_store"}


@dataclass
class Member:
    """One document of an upload: its name (``batch.zip/2023/报告.docx``) and bytes, or why not."""

    name: str
    data: bytes | None
    error: str = ""


def _mb(n: int) -> str:
    return f"{n / 1048576:.1f} MB"


def open_checked(data: bytes, *, max_inflated: int, what: str = "压缩包") -> zipfile.ZipFile:
    """Open a zip after checking its directory against the limits; UnreadableDocument names the problem."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise UnreadableDocument(f"{what}已损坏,无法打开") from exc
    if len(infos) > MAX_MEMBERS:
        raise UnreadableDocument(f"{what}包含 {len(infos)} 个文件,超过上限 {MAX_MEMBERS} 个")
    total = sum(i.file_size for i in infos)
    if total > max_inflated:
        raise UnreadableDocument(f"{what}解压后共 {_mb(total)},超过上限 {_mb(max_inflated)}")
    for info in infos:
        if info.flag_bits & 0x1:
            raise UnreadableDocument(f"{what}已加密(“{member_name(info)}”),无法读取")
        if info.file_size > RATIO_CHECKED_ABOVE and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise UnreadableDocument(
                f"{what}中的“{member_name(info)}”压缩比异常({info.file_size // max(info.compress_size, 1)}:1),"
                "疑似压缩炸弹,已拒绝"
            )
    return archive


def read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int, what: str = "压缩包") -> bytes:
    """A member's bytes, refusing one that inflates past ``limit`` whatever its header says."""
    try:
        with archive.open(info) as f:
            data = f.read(limit + 1)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError) as exc:
        raise UnreadableDocument(f"{what}中的“{member_name(info)}”已损坏,无法读取") from exc
    if len(data) > limit:
        raise UnreadableDocument(f"{what}中的“{member_name(info)}”解压后超过上限 {_mb(limit)}")
    return data


def member_name(info: zipfile.ZipInfo) -> str:
    """A member's name as its author wrote it: Chinese Windows tools store GBK without the UTF-8 flag."""
    name = info.filename
    if not info.flag_bits & 0x800:
        raw = name.encode("cp437", errors="replace")
        for encoding in ("utf-8", "gb18030"):
            try:
                return raw.decode(encoding)
            except UnicodeDecodeError:
                continue
    return name


def is_junk(name: str) -> bool:
    path = PurePosixPath(name)
    return (
        name.startswith(_JUNK_PREFIXES)
        or any(part.startswith(".") for part in path.parts)
        or path.name.lower() in _JUNK_NAMES
        or path.name.startswith("~$")  # Word's lock file
    )


def iter_zip(filename: str, data: bytes, *, max_bytes: int, max_inflated: int, suffixes: set[str]) -> Iterator[Member]:
    """The documents of a zip, each with its bytes or the reason it cannot be read."""
    archive = open_checked(data, max_inflated=max_inflated)
    remaining = max_inflated
    found = False
    for info in archive.infolist():
        name = member_name(info)
        if info.is_dir() or is_junk(name):
            continue
        found = True
        shown = f"{filename}/{name}"
        suffix = PurePosixPath(name).suffix.lower()
        if suffix == ".zip":
            yield Member(shown, None, "压缩包中的压缩包不予展开,请先解开再上传")
            continue
        if suffix not in suffixes:
            yield Member(shown, None, f"不支持的文件类型“{suffix or '无扩展名'}”")
            continue
        if info.file_size > max_bytes:
            yield Member(shown, None, f"文件过大:{_mb(info.file_size)},上限为 {_mb(max_bytes)}")
            continue
        try:
            content = read_member(archive, info, min(max_bytes, remaining))
        except UnreadableDocument as exc:
            yield Member(shown, None, str(exc))
            continue
        remaining -= len(content)
        yield Member(shown, content)
    if not found:
        raise UnreadableDocument("压缩包中没有文件")
