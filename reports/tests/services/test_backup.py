"""Backup and restore (services/backup/ and the backup_site, restore_site, check_backup commands).

They run on whichever database the suite runs on (scripts/test.sh: SQLite, then PostgreSQL). A backup
reads a committed database from outside the test's transaction (pg_dump is another process), and a
restore replaces the database, so the round trips are transactional tests: the database, region list
included, is emptied after each, and the ``site`` fixture loads the regions again first.
"""

import hashlib
import io
import json
import re
import tarfile

import pytest
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder

from reports.models import Region, Report, ReportNumbers, ReportSearch, Section
from reports.regions.central import CENTRAL_ROW
from reports.regions.data import DATA_FILE, read_rows
from reports.services import backup
from reports.services.backup import BackupError, backup_check, backup_create, backup_restore, backup_verify, database
from reports.services.regions import regions_sync
from reports.tests.conftest import PARTS, balanced_values

ORIGINAL = "originals/2024/清镇市2023年报告.txt"
ORIGINAL_BYTES = "2023年,我市依申请公开工作……".encode()
POSTGRESQL_ONLY = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL only (pg_restore into a new database)"
)


def load_regions():
    """The region list as ``migrate`` loads it (a transactional test starts from whatever the last one left)."""
    regions_sync(rows=[*read_rows(DATA_FILE), CENTRAL_ROW])


def empty_site(settings):
    """An instance as a fresh machine has it after ``migrate``: no content, no stored file."""
    call_command("flush", interactive=False, verbosity=0)
    load_regions()
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"}}


def state() -> dict:
    """What a restore must bring back: reports with their sections, numbers and originals, accounts, search."""
    return {
        "reports": sorted(Report.objects.values_list("pk", "title", "status", "year", "published_on", "original_file")),
        "sections": sorted(Section.objects.values_list("report_id", "position", "heading", "body")),
        "numbers": sorted(ReportNumbers.objects.values_list("report_id", "values")),
        "search": sorted(ReportSearch.objects.values_list("report_id", "title")),
        "users": sorted(get_user_model().objects.values_list("username", "password", "is_superuser")),
        "files": {name: default_storage.open(name).read() for name in backup.stored_files()},
    }


@pytest.fixture
def site(transactional_db, make_report):
    """A small site: a published report with every number and an original, a draft, an account, a
    cached download and a whole-site open-data file (neither of which is backed up)."""
    load_regions()
    published = make_report(values=balanced_values(), sections=PARTS)
    make_report(region="520100", publisher="贵阳市人民政府", status="draft")
    stored = default_storage.save(ORIGINAL, ContentFile(ORIGINAL_BYTES))
    Report.objects.filter(pk=published.pk).update(original_file=stored)
    get_user_model().objects.create_user("wang", password="a long test password 1")
    default_storage.save(f"downloads/{published.pk}/0123abcd.pdf", ContentFile(b"%PDF-1.7 cached"))
    default_storage.save("opendata/20250101T000000Z/govopen-reports.csv.gz", ContentFile(b"\x1f\x8b made nightly"))
    return published


@pytest.mark.parametrize("kind", ["directory", "tar"])
def test_backup_then_restore_into_an_empty_site_brings_everything_back(site, make_report, settings, tmp_path, kind):
    """backup_site, wipe, restore_site: every row and every file comes back, and the check passes."""
    target = tmp_path / ("site.tar" if kind == "tar" else "backup")
    out = io.StringIO()
    call_command("backup_site", str(target), stdout=out)
    assert "已备份到" in out.getvalue()
    before = state()

    empty_site(settings)
    assert Report.objects.count() == 0 and backup.stored_files() == []
    out = io.StringIO()
    call_command("restore_site", str(target), stdout=out)

    assert "核对通过" in out.getvalue()
    assert state() == before
    assert get_user_model().objects.get(username="wang").check_password("a long test password 1")
    assert default_storage.open(ORIGINAL).read() == ORIGINAL_BYTES
    call_command("check_backup", str(target), stdout=io.StringIO())
    # The site goes on from the restored state: ids continue after the restored ones (sequences).
    assert make_report(region="440800", publisher="湛江市人民政府").pk > max(r[0] for r in before["reports"])


def test_the_manifest_counts_rows_and_hashes_files_but_not_those_made_again(site, tmp_path):
    manifest = backup_create(target=tmp_path / "b")

    assert manifest["format"] == "govopen-backup" and manifest["version"] == 1
    assert manifest["database"]["vendor"] == connection.vendor
    counts = manifest["counts"]
    assert (counts["reports.Report"], counts["auth.User"], counts["reports.ReportNumbers"]) == (
        2,
        1,
        ReportNumbers.objects.count(),
    )
    assert counts["reports.Region"] == Region.objects.count() > 3000
    assert manifest["files"] == {
        ORIGINAL: {"sha256": hashlib.sha256(ORIGINAL_BYTES).hexdigest(), "size": len(ORIGINAL_BYTES)}
    }
    assert "reports.0001_initial" in manifest["migrations"]
    on_disk = json.loads((tmp_path / "b" / "manifest.json").read_text(encoding="utf-8"))
    assert on_disk == manifest
    assert (tmp_path / "b" / "media" / ORIGINAL).read_bytes() == ORIGINAL_BYTES
    dump = (tmp_path / "b" / manifest["database"]["file"]).read_bytes()
    assert hashlib.sha256(dump).hexdigest() == manifest["database"]["sha256"]
    assert backup_verify(source=tmp_path / "b") == []


def test_the_check_names_a_changed_file_a_missing_one_an_extra_one_and_a_row_count(site, tmp_path):
    """Right after a backup the site matches it; each kind of difference is then named, and the command fails."""
    target = tmp_path / "b.tar"
    backup_create(target=target)
    assert backup_check(source=target) == []

    default_storage.delete(ORIGINAL)
    default_storage.save(ORIGINAL, ContentFile(b"tampered"))
    default_storage.save("originals/2024/extra.txt", ContentFile(b"x"))
    Section.objects.filter(report=site).first().delete()
    sections = len(PARTS) + 1  # and the draft's one section

    assert backup_check(source=target) == [
        f"reports.Section:备份中有 {sections} 行,站点有 {sections - 1} 行",
        f"文件内容与备份不同(SHA-256 不符):{ORIGINAL}",
        "站点多出备份中没有的文件:originals/2024/extra.txt",
    ]
    default_storage.delete(ORIGINAL)
    with pytest.raises(CommandError, match=f"站点与备份有 3 处不一致:(.|\n)*文件缺失:{ORIGINAL}"):
        call_command("check_backup", str(target))


def test_a_tampered_backup_is_refused_before_anything_is_restored(site, settings, tmp_path):
    target = tmp_path / "b"
    backup_create(target=target)
    (target / "media" / ORIGINAL).write_bytes(b"tampered")

    with pytest.raises(CommandError, match=f"备份有 1 处不一致:\n备份中的 media/{ORIGINAL} 已被改动"):
        call_command("check_backup", str(target), "--archive")
    empty_site(settings)
    with pytest.raises(BackupError, match=f"备份已损坏,未做任何恢复:\n备份中的 media/{ORIGINAL} 已被改动"):
        backup_restore(source=target)
    assert Report.objects.count() == 0 and backup.stored_files() == []


def test_restore_refuses_a_site_that_has_content(site, settings, tmp_path):
    """Never a merge: reports or accounts in the target stop the restore, which changes nothing."""
    target = tmp_path / "b"
    backup_create(target=target)
    before = state()
    with pytest.raises(
        CommandError, match="目标站点不是空的:已有 2 份报告、2 个发布机构、1 个用户、1 条审计记录、1 个存储的文件。"
    ):
        call_command("restore_site", str(target))
    assert state() == before

    empty_site(settings)
    get_user_model().objects.create_user("li")
    with pytest.raises(BackupError, match="目标站点不是空的:已有 1 个用户、1 条审计记录。恢复只在空的实例上进行"):
        backup_restore(source=target)
    assert Report.objects.count() == 0 and backup.stored_files() == []


def test_a_failed_database_restore_leaves_no_file_behind(site, settings, tmp_path, monkeypatch):
    target = tmp_path / "b"
    backup_create(target=target)
    empty_site(settings)

    def fail(path):
        raise BackupError("数据库恢复失败(测试)")

    monkeypatch.setattr(database, "sqlite_load" if connection.vendor == "sqlite" else "pg_load", fail)
    with pytest.raises(BackupError, match="测试"):
        backup_restore(source=target)
    assert backup.stored_files() == [] and Report.objects.count() == 0


@POSTGRESQL_ONLY
def test_restore_into_a_newly_created_postgresql_database(site, settings, tmp_path):
    """The README's way on a new machine: createdb, restore_site, then migrate (nothing to do here)."""
    target = tmp_path / "b.tar"
    backup_create(target=target)
    before = state()
    with connection.cursor() as cursor:  # what createdb gives: an empty public schema, no extension
        cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"}}

    result = backup_restore(source=target)

    assert result.differences == [] and result.pending_migrations == []
    assert state() == before
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_extension WHERE extname = 'pg_trgm'")
        assert cursor.fetchone() == (1,)


@POSTGRESQL_ONLY
def test_restore_refuses_a_postgresql_database_migrated_by_newer_code(site, settings, tmp_path):
    target = tmp_path / "b"
    backup_create(target=target)
    empty_site(settings)
    recorder = MigrationRecorder(connection)
    recorder.record_applied("reports", "9999_from_the_future")
    try:
        with pytest.raises(BackupError, match="目标数据库已按更新的程序迁移(.|\n)*reports.9999_from_the_future"):
            backup_restore(source=target)
    finally:
        recorder.record_unapplied("reports", "9999_from_the_future")


def test_backup_refuses_to_overwrite(site, tmp_path):
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "old.txt").write_text("an older backup")
    (tmp_path / "old.tar").write_bytes(b"")
    with pytest.raises(CommandError, match="已存在且不是空目录"):
        call_command("backup_site", str(tmp_path / "full"))
    with pytest.raises(CommandError, match="old.tar 已存在:不会覆盖已有的备份"):
        call_command("backup_site", str(tmp_path / "old.tar"))
    with pytest.raises(CommandError, match="目录 .*nowhere 不存在"):
        call_command("backup_site", str(tmp_path / "nowhere" / "b.tar"))
    assert (tmp_path / "full" / "old.txt").read_text() == "an older backup"


# --- Bad input: a message naming the problem, never a traceback (no database needed) ---------------


def fake_backup(folder, **changes):
    """A backup directory with a valid manifest over a stand-in dump (enough to test refusals)."""
    folder.mkdir()
    vendor = connection.vendor
    dump = b"not really a database"
    (folder / backup.DUMP_FILES[vendor]).write_bytes(dump)
    manifest = {
        "format": "govopen-backup",
        "version": 1,
        "created_at": "2025-01-01T00:00:00+08:00",
        "database": {"vendor": vendor, "file": backup.DUMP_FILES[vendor], "sha256": hashlib.sha256(dump).hexdigest()},
        "migrations": [],
        "counts": {},
        "files": {},
        **changes,
    }
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return folder


def not_a_tar(p):
    (p / "x.tar").write_bytes(b"hello")
    return p / "x.tar"


def empty_folder(p):
    (p / "empty").mkdir()
    return p / "empty"


def broken_manifest(p):
    (fake_backup(p / "b") / "manifest.json").write_text("{oops", encoding="utf-8")
    return p / "b"


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: p / "missing", "找不到备份:.*missing 不存在"),
        (not_a_tar, "既不是备份目录,也不是 tar 文件"),
        (empty_folder, "备份中没有 manifest.json:这不是站点备份,或备份没有完成"),
        (broken_manifest, "manifest.json 已损坏:第 1 行第 2 列不是有效的 JSON"),
        (lambda p: fake_backup(p / "b", version=2), "备份格式版本 2 不受支持:本程序读写版本 1"),
        (lambda p: fake_backup(p / "b", format="other"), "不是本站的备份"),
        (lambda p: fake_backup(p / "b", files={"../etc/passwd": {}}), "文件名“../etc/passwd”不安全"),
        (lambda p: fake_backup(p / "b", counts=[]), "counts 应为"),
    ],
    ids=["missing", "not-a-tar", "no-manifest", "broken-json", "version", "format", "unsafe-name", "counts"],
)
@pytest.mark.parametrize("command", ["restore_site", "check_backup"])
def test_bad_backups_get_a_message_naming_the_problem(db, tmp_path, make, message, command):
    with pytest.raises(CommandError, match=message):
        call_command(command, str(make(tmp_path)))


def test_restore_refuses_a_backup_of_another_database_or_of_newer_code(db, tmp_path):
    other = "postgresql" if connection.vendor == "sqlite" else "sqlite"
    dump = b"x"
    database = {"vendor": other, "file": backup.DUMP_FILES[other], "sha256": hashlib.sha256(dump).hexdigest()}
    folder = fake_backup(tmp_path / "other", database=database)
    (folder / backup.DUMP_FILES[other]).write_bytes(dump)
    with pytest.raises(BackupError, match=f"这是 {other} 数据库的备份,不能恢复到 {connection.vendor} 数据库"):
        backup_restore(source=folder)

    newer = fake_backup(tmp_path / "newer", migrations=["reports.0001_initial", "reports.9999_future"])
    with pytest.raises(BackupError, match=re.escape("备份来自更新版本的程序(本程序没有迁移 reports.9999_future)")):
        backup_restore(source=newer)


def test_a_missing_file_in_a_tar_backup_is_named(db, tmp_path):
    folder = fake_backup(tmp_path / "b", files={ORIGINAL: {"sha256": "0" * 64, "size": 1}})
    target = tmp_path / "b.tar"
    with tarfile.open(target, "w") as tar:
        for path in folder.iterdir():
            tar.add(path, arcname=path.name)
    assert backup_verify(source=target) == [f"备份中缺少 media/{ORIGINAL}"]


def test_a_missing_pg_dump_is_named_with_the_package_to_install(monkeypatch, tmp_path):
    monkeypatch.setattr(database, "PG_LIB", tmp_path)
    monkeypatch.delenv("PGBIN", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(BackupError, match="找不到 pg_dump:请安装.*postgresql-client"):
        backup.pg_binary("pg_dump")
    (tmp_path / "16" / "bin").mkdir(parents=True)
    (tmp_path / "9.6" / "bin").mkdir(parents=True)
    for version in ("16", "9.6"):
        tool = tmp_path / version / "bin" / "pg_dump"
        tool.write_text("#!/bin/sh\n")
        tool.chmod(0o755)
    assert backup.pg_binary("pg_dump") == str(tmp_path / "16" / "bin" / "pg_dump")
