"""The database part of a backup: its engine's own copy, row counts per model, applied migrations.

SQLite is copied with its online backup API and PostgreSQL with ``pg_dump --format=custom``; both
are consistent while the site runs, and the counts are taken in the same state as the copy.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
from pathlib import Path

from django.apps import apps
from django.db import connection, transaction
from django.db.backends.postgresql.client import DatabaseClient
from django.db.migrations.loader import MigrationLoader

from reports.services.backup.manifest import BackupError

# Where Debian installs the PostgreSQL binaries, one folder per major version.
PG_LIB = Path("/usr/lib/postgresql")


def counted_tables() -> dict[str, str]:
    """Model label -> table, for every concrete model with a table of its own (M2M tables included)."""
    tables = {}
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.managed and not meta.proxy and meta.db_table not in tables.values():
            tables[meta.label] = meta.db_table
    return dict(sorted(tables.items()))


def count_rows(cursor, existing: set[str]) -> dict[str, int]:
    """Rows per model label, for the models whose table exists, read through a DB-API cursor."""
    counts = {}
    for label, table in counted_tables().items():
        if table in existing:
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608 - model tables
            counts[label] = cursor.fetchone()[0]
    return counts


def applied_migrations(cursor, existing: set[str]) -> list[str]:
    if "django_migrations" not in existing:
        return []
    cursor.execute("SELECT app, name FROM django_migrations")
    return sorted(f"{app}.{name}" for app, name in cursor.fetchall())


def known_migrations() -> set[str]:
    """The migrations this version of the code has on disk."""
    return {f"{app}.{name}" for app, name in MigrationLoader(None, ignore_no_migrations=True).disk_migrations}


# --- The database: SQLite ------------------------------------------------------------------------


def sqlite_dump(path: Path) -> tuple[dict, list[str], str]:
    connection.ensure_connection()
    copy = sqlite3.connect(path)
    try:
        # One state of the database, copied page by page while the site goes on; counted in the copy.
        connection.connection.backup(copy)
        cursor = copy.cursor()
        existing = {row[0] for row in cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        return count_rows(cursor, existing), applied_migrations(cursor, existing), f"SQLite {sqlite3.sqlite_version}"
    finally:
        copy.close()


def sqlite_load(path: Path) -> None:
    source = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        connection.ensure_connection()
        # The backup API replaces every page of the live database in one write transaction.
        source.backup(connection.connection)
    except sqlite3.Error as e:
        raise BackupError(f"SQLite 恢复失败:{e}") from None
    finally:
        source.close()


# --- The database: PostgreSQL --------------------------------------------------------------------


def _version_key(folder: Path) -> tuple:
    return tuple(int(p) if p.isdigit() else 0 for p in folder.parent.name.split("."))


def pg_binary(name: str) -> str:
    """pg_dump or pg_restore: in ``$PGBIN``, else the newest ``/usr/lib/postgresql/*/bin`` (as
    scripts/pg-cluster.sh looks for the server), else on the PATH."""
    folders = [Path(os.environ["PGBIN"])] if os.environ.get("PGBIN") else []
    folders += sorted(PG_LIB.glob("*/bin"), key=_version_key, reverse=True)
    for folder in folders:
        if os.access(folder / name, os.X_OK):
            return str(folder / name)
    found = shutil.which(name)
    if found:
        return found
    raise BackupError(
        f"找不到 {name}:请安装与数据库服务器同版本或更新的 PostgreSQL 客户端"
        "(Debian:apt-get install postgresql-client),或用环境变量 PGBIN 指定其所在目录。"
    )


def _pg_env() -> dict[str, str]:
    """libpq's environment for the tools: the connection of ``default`` (password never on the command line)."""
    settings_dict = connection.settings_dict
    _, extra = DatabaseClient.settings_to_cmd_args_env(settings_dict, [])
    env = {**os.environ, **(extra or {})}
    for key, var in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("NAME", "PGDATABASE")):
        if settings_dict.get(key):
            env[var] = str(settings_dict[key])
    return env


def _run(args: list[str], what: str) -> str:
    try:
        done = subprocess.run(args, env=_pg_env(), capture_output=True, text=True, check=False)  # noqa: S603
    except OSError as e:
        raise BackupError(f"{what} 无法运行:{e}") from None
    if done.returncode != 0:
        detail = "\n".join(done.stderr.strip().splitlines()[-8:])
        raise BackupError(f"{what} 失败(退出码 {done.returncode}):\n{detail}")
    return done.stdout


def pg_dump(path: Path) -> tuple[dict, list[str], str]:
    pg_dump = pg_binary("pg_dump")
    tool = _run([pg_dump, "--version"], "pg_dump").strip()
    # pg_dump reads the snapshot this transaction exports: the dump and the counts are one state.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        existing = set(connection.introspection.table_names(cursor))
        counts, migrations = count_rows(cursor, existing), applied_migrations(cursor, existing)
        _run([pg_dump, "--format=custom", "--no-password", f"--snapshot={snapshot}", f"--file={path}"], "pg_dump")
    return counts, migrations, tool


# A dump's table of contents lists extensions ("2; 3079 16385 EXTENSION - pg_trgm owner") and their comments.
_TOC_EXTENSION = re.compile(r"^\s*\d+;\s+\d+\s+\d+\s+(?:EXTENSION|COMMENT\s+-\s+EXTENSION)\s+(?:-\s+)?(\S+)")


def pg_load(path: Path) -> None:
    pg_restore = pg_binary("pg_restore")
    toc = _run([pg_restore, "--list", str(path)], "pg_restore --list")
    extensions = sorted({m.group(1) for line in toc.splitlines() if (m := _TOC_EXTENSION.match(line))})
    # Extensions are made here as the migrations make them (CREATE … IF NOT EXISTS), not dropped and
    # made again by pg_restore: the application's role may use an extension it does not own.
    with connection.cursor() as cursor:
        for name in extensions:
            cursor.execute(f"CREATE EXTENSION IF NOT EXISTS {connection.ops.quote_name(name)}")
    with tempfile.NamedTemporaryFile("w", suffix=".list", delete=False) as listing:
        listing.write("\n".join(line for line in toc.splitlines() if not _TOC_EXTENSION.match(line)))
    # pg_restore drops and re-creates the tables: this process holds no lock on them meanwhile.
    connection.close()
    try:
        _run(
            [
                pg_restore,
                "--clean",
                "--if-exists",
                "--single-transaction",
                "--exit-on-error",
                "--no-owner",
                "--no-privileges",
                "--no-password",
                f"--use-list={listing.name}",
                f"--dbname={connection.settings_dict['NAME']}",
                str(path),
            ],
            "pg_restore",
        )
    finally:
        os.unlink(listing.name)
