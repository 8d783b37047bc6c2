"""The manifest of a backup: what it names, and the checks that a manifest read back is usable."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import PurePosixPath

FORMAT_NAME = "govopen-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
MEDIA = "media/"
DUMP_FILES = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
CHUNK = 1024 * 1024
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


class BackupError(Exception):
    """A backup cannot be made, read, restored or checked; the message names the problem for a person."""


def sha256_of(handle) -> tuple[str, int]:
    """The SHA-256 (hex) and size of what is left to read in a binary file."""
    digest, size = hashlib.sha256(), 0
    while chunk := handle.read(CHUNK):
        digest.update(chunk)
        size += len(chunk)
    return digest.hexdigest(), size


def safe_name(name: str) -> bool:
    """A storage name from a manifest that stays inside the storage (no absolute path, no ``..``)."""
    path = PurePosixPath(name)
    return bool(name) and "\\" not in name and not path.is_absolute() and ".." not in path.parts


def read_manifest(reader) -> dict:
    """The manifest of an opened backup, checked (BackupError naming what is wrong with it)."""
    if not reader.has(MANIFEST):
        raise BackupError(f"备份中没有 {MANIFEST}:这不是站点备份,或备份没有完成。")
    try:
        with reader.open(MANIFEST) as handle:
            manifest = json.loads(handle.read().decode("utf-8"))
    except UnicodeDecodeError:
        raise BackupError(f"{MANIFEST} 已损坏:不是 UTF-8 文本。") from None
    except json.JSONDecodeError as e:
        raise BackupError(f"{MANIFEST} 已损坏:第 {e.lineno} 行第 {e.colno} 列不是有效的 JSON({e.msg})。") from None
    problem = manifest_problem(manifest)
    if problem:
        raise BackupError(f"{MANIFEST} 有误:{problem}")
    return manifest


def manifest_problem(m) -> str | None:
    """What makes a decoded manifest unusable, or None."""
    if not isinstance(m, dict) or m.get("format") != FORMAT_NAME:
        return f"不是本站的备份(format 应为 {FORMAT_NAME})。"
    if m.get("version") != FORMAT_VERSION:
        return f"备份格式版本 {m.get('version')!r} 不受支持:本程序读写版本 {FORMAT_VERSION}。"
    db = m.get("database")
    if not isinstance(db, dict) or db.get("vendor") not in DUMP_FILES or db.get("file") != DUMP_FILES[db["vendor"]]:
        return f"database 应写明数据库类型({'、'.join(DUMP_FILES)})和对应的备份文件。"
    if not isinstance(db.get("sha256"), str) or not _SHA256.match(db["sha256"]):
        return "database.sha256 不是 SHA-256 值。"
    counts = m.get("counts")
    if not isinstance(counts, dict) or not all(isinstance(v, int) and not isinstance(v, bool) for v in counts.values()):
        return "counts 应为“模型: 行数”的对象。"
    migrations = m.get("migrations")
    if not isinstance(migrations, list) or not all(isinstance(x, str) for x in migrations):
        return "migrations 应为迁移名称的列表。"
    files = m.get("files")
    if not isinstance(files, dict):
        return "files 应为“文件名: {sha256, size}”的对象。"
    for name, meta in files.items():
        if not safe_name(name):
            return f"文件名“{name}”不安全(绝对路径或含 ..)。"
        if not isinstance(meta, dict) or not isinstance(meta.get("sha256"), str) or not _SHA256.match(meta["sha256"]):
            return f"文件“{name}”没有有效的 SHA-256。"
    return None
