"""Backing up, restoring and checking the running site (see the package's docstring)."""

from __future__ import annotations

import io
import json
from dataclasses import dataclass, field
from pathlib import Path

import django
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from reports.models import AuditEvent, Publisher, Report
from reports.services.backup import database
from reports.services.backup.archive import new_backup, open_backup
from reports.services.backup.manifest import (
    DUMP_FILES,
    FORMAT_NAME,
    FORMAT_VERSION,
    MANIFEST,
    MEDIA,
    BackupError,
    read_manifest,
    sha256_of,
)
from reports.services.downloads import DOWNLOAD_DIR
from reports.services.dumps import DUMP_DIR
from reports.services.files import IMPORT_UPLOAD_DIR

# Top-level folders of the storage that are never backed up: what is made again from the database
# (the download cache, the whole-site open-data files of services/dumps.py) and the uploads waiting
# a day at most for an import's confirmation (admin/import_batch.py).
REBUILT_FOLDERS = (DOWNLOAD_DIR, DUMP_DIR, IMPORT_UPLOAD_DIR)


def stored_files(storage=None) -> list[str]:
    """Every file of the storage (default: ``default_storage``) but the rebuilt folders, sorted."""
    storage = storage or default_storage
    found: list[str] = []

    def walk(folder: str) -> None:
        try:
            dirs, files = storage.listdir(folder)
        except FileNotFoundError:  # MEDIA_ROOT not created yet: nothing stored
            return
        found.extend(f"{folder}/{f}" if folder else f for f in files)
        for d in dirs:
            if not folder and d in REBUILT_FOLDERS:
                continue
            walk(f"{folder}/{d}" if folder else d)

    walk("")
    return sorted(found)


def backup_create(*, target: Path) -> dict:
    """Write a backup of the site to ``target`` (a new or empty directory, or a new ``.tar``); returns the manifest."""
    vendor = connection.vendor
    if vendor not in DUMP_FILES:
        raise BackupError(f"不支持备份 {vendor} 数据库:只支持 PostgreSQL 和 SQLite。")
    if connection.in_atomic_block:
        raise BackupError("备份须在事务之外进行(它自己取一致的数据库快照)。")
    try:
        writer = new_backup(target)
    except OSError as e:
        raise BackupError(f"无法写入 {target}:{e.strerror or e}") from None
    try:
        manifest = _write_backup(writer, vendor)
        writer.finish()
    except BaseException as e:
        writer.abort()
        if isinstance(e, OSError):
            raise BackupError(f"备份失败:{e.strerror or e}({getattr(e, 'filename', '') or target})") from None
        raise
    return manifest


def _write_backup(writer, vendor: str) -> dict:
    started = timezone.now()
    dump = writer.scratch / DUMP_FILES[vendor]
    counts, migrations, tool = (database.sqlite_dump if vendor == "sqlite" else database.pg_dump)(dump)
    sha, size = writer.add_file(DUMP_FILES[vendor], dump)
    # Files after the database: a file uploaded meanwhile is in the backup without its report
    # (harmless), never a report without its file.
    files = {}
    for name in stored_files():
        with default_storage.open(name, "rb") as handle:
            digest, length = writer.add_stream(MEDIA + name, handle, default_storage.size(name))
        files[name] = {"sha256": digest, "size": length}
    manifest = {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "created_at": timezone.localtime(started).isoformat(),
        "django": django.get_version(),
        "database": {"vendor": vendor, "file": DUMP_FILES[vendor], "sha256": sha, "size": size, "tool": tool},
        "migrations": migrations,
        "counts": counts,
        "files": files,
        "not_included": [f"{folder}/" for folder in REBUILT_FOLDERS],
    }
    data = json.dumps(manifest, ensure_ascii=False, indent=2).encode("utf-8")
    writer.add_stream(MANIFEST, io.BytesIO(data), len(data))
    return manifest


def _backup_problems(reader, manifest: dict) -> list[str]:
    """What in the backup differs from its manifest: missing files and changed contents."""
    expected = {manifest["database"]["file"]: manifest["database"]["sha256"]}
    expected.update({MEDIA + name: meta["sha256"] for name, meta in manifest["files"].items()})
    problems = []
    for name, sha in expected.items():
        if not reader.has(name):
            problems.append(f"备份中缺少 {name}")
            continue
        with reader.open(name) as handle:
            if sha256_of(handle)[0] != sha:
                problems.append(f"备份中的 {name} 已被改动(SHA-256 与 manifest 不符)")
    return problems


def backup_verify(*, source: Path) -> list[str]:
    """Check a backup against its own manifest (every file there, every SHA-256 right); the problems found."""
    reader = open_backup(source)
    try:
        return _backup_problems(reader, read_manifest(reader))
    except OSError as e:
        raise BackupError(f"无法读取备份:{e.strerror or e}") from None
    finally:
        reader.close()


def _site_differences(manifest: dict) -> list[str]:
    """What in the running site differs from a manifest: rows per model, and stored files."""
    differences = []
    tables = database.counted_tables()
    with connection.cursor() as cursor:
        existing = set(connection.introspection.table_names(cursor))
        counts = database.count_rows(cursor, existing)
    for label, expected in manifest["counts"].items():
        if label not in tables:
            differences.append(f"{label}:备份中有 {expected} 行,本程序没有这个模型")
        elif label not in counts:
            differences.append(f"{label}:备份中有 {expected} 行,数据库中没有这张表")
        elif counts[label] != expected:
            differences.append(f"{label}:备份中有 {expected} 行,站点有 {counts[label]} 行")
    present = set(stored_files())
    for name, meta in manifest["files"].items():
        if name not in present:
            differences.append(f"文件缺失:{name}")
            continue
        with default_storage.open(name, "rb") as handle:
            if sha256_of(handle)[0] != meta["sha256"]:
                differences.append(f"文件内容与备份不同(SHA-256 不符):{name}")
    differences.extend(f"站点多出备份中没有的文件:{name}" for name in sorted(present - set(manifest["files"])))
    return differences


def backup_check(*, source: Path) -> list[str]:
    """Compare the running site with a backup's manifest (rows per model, SHA-256 of every file); the differences."""
    reader = open_backup(source)
    try:
        manifest = read_manifest(reader)
    finally:
        reader.close()
    return _site_differences(manifest)


@dataclass
class RestoreResult:
    """What a restore did: the backup's manifest and the check of the restored site against it."""

    manifest: dict
    differences: list[str] = field(default_factory=list)  # the check after the restore: empty when it passed
    pending_migrations: list[str] = field(default_factory=list)  # the code's migrations the backup predates


def _target_content() -> list[str]:
    """What the target site already holds that a restore would overwrite."""
    existing = set(connection.introspection.table_names())
    found = []
    for model, unit in (
        (Report, "份报告"),
        (Publisher, "个发布机构"),
        (get_user_model(), "个用户"),
        (AuditEvent, "条审计记录"),
    ):
        if model._meta.db_table in existing:
            n = model._base_manager.count()
            if n:
                found.append(f"{n} {unit}")
    files = stored_files()
    if files:
        found.append(f"{len(files)} 个存储的文件")
    return found


def _check_restorable(manifest: dict) -> None:
    vendor = manifest["database"]["vendor"]
    if vendor != connection.vendor:
        raise BackupError(f"这是 {vendor} 数据库的备份,不能恢复到 {connection.vendor} 数据库。")
    unknown = sorted(set(manifest["migrations"]) - database.known_migrations())
    if unknown:
        raise BackupError(
            f"备份来自更新版本的程序(本程序没有迁移 {'、'.join(unknown[:5])}):请先把程序升级到备份时的版本再恢复。"
        )
    found = _target_content()
    if found:
        raise BackupError(
            f"目标站点不是空的:已有 {'、'.join(found)}。恢复只在空的实例上进行,不会与现有数据合并:"
            "请新建一个空数据库,并清空文件存储(MEDIA 目录),再恢复。"
        )
    if connection.vendor == "postgresql":
        # pg_restore --clean drops the tables the dump has; tables of newer migrations would stay behind.
        newer = sorted(
            set(map(".".join, MigrationRecorder(connection).applied_migrations())) - set(manifest["migrations"])
        )
        if newer:
            raise BackupError(
                f"目标数据库已按更新的程序迁移(备份中没有 {'、'.join(newer[:5])}):"
                "请在新建的空数据库上恢复(不要先运行 migrate),恢复后再运行 migrate。"
            )


def backup_restore(*, source: Path) -> RestoreResult:
    """Restore a backup into this empty site, all or nothing, then check the site against the manifest."""
    reader = open_backup(source)
    try:
        manifest = read_manifest(reader)
        problems = _backup_problems(reader, manifest)
        if problems:
            raise BackupError("备份已损坏,未做任何恢复:\n" + "\n".join(problems))
        _check_restorable(manifest)
        if connection.in_atomic_block:
            raise BackupError("恢复须在事务之外进行。")
        _restore(reader, manifest)
    except OSError as e:
        raise BackupError(f"恢复失败:{e.strerror or e}({getattr(e, 'filename', '') or source})") from None
    finally:
        reader.close()
    ContentType.objects.clear_cache()
    pending = sorted(database.known_migrations() - set(manifest["migrations"]))
    return RestoreResult(manifest, _site_differences(manifest), pending)


def _restore(reader, manifest: dict) -> None:
    written = []
    try:
        # Files first: if the database then fails, they are removed and the site is as empty as before.
        for name in manifest["files"]:
            with reader.open(MEDIA + name) as handle:
                saved = default_storage.save(name, File(handle, name=name))
            written.append(saved)
            if saved != name:
                raise BackupError(f"文件存储把 {name} 存成了 {saved}:目标存储不是空的。")
        with reader.local_path(manifest["database"]["file"]) as path:
            (database.sqlite_load if manifest["database"]["vendor"] == "sqlite" else database.pg_load)(path)
    except BaseException:
        for name in written:
            default_storage.delete(name)
        raise
