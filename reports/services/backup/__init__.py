"""Backup and restore of a whole site: the database and every stored file, checked by a manifest.

A backup is a directory, or the same content as one uncompressed ``.tar``::

    manifest.json      format and version, when, the database vendor and its dump file, the applied
                       migrations, row counts per model, SHA-256 and size of every file (written last:
                       a backup without it is unfinished)
    database.sqlite3   SQLite: a copy made with SQLite's online backup API
    database.pgdump    PostgreSQL: ``pg_dump --format=custom``
    media/<name>       every file of the default storage (the uploaded originals), except what is made
                       again from the reports: the download cache (``downloads/``, on first request)
                       and the whole-site open-data files (``opendata/``, by the next build)

``site.py`` backs up, restores and checks (the commands call it), ``database.py`` copies the database
with its engine and counts rows, ``archive.py`` writes and reads the directory or tar, and
``manifest.py`` says what a manifest holds and refuses one that is unusable.

Choices:

- The database is copied by its own engine, not by ``dumpdata``. Both copies are consistent while
  the site runs: SQLite's backup API copies one state of the file, and pg_dump reads the snapshot
  this process exports, the same snapshot the row counts of the manifest are taken in, so the counts
  are exact even under writes. They keep what a serialiser does not (sequences, the full-text index
  structures, constraints, the pg_trgm indexes) and restore at the speed of the engine.
  There is deliberately no ``dumpdata`` fallback when pg_dump is missing: a JSON dump of every row
  is read back whole into memory by ``loaddata`` (some 20 million table cells for 100,000 reports),
  its model-by-model queries see different states of a busy database unless wrapped in one
  repeatable-read transaction, and a backup that silently changes kind is found out on the day it
  is restored. A missing pg_dump is an error naming the package to install. The reports themselves
  also leave as open data (``export_reports --format json``, read back by ``import_reports``), but
  that is publication, not a backup: drafts, accounts, versions and the audit log are not in it.
- Derived data (the search index, the statistics tables) are tables of the dump, taken in the same
  snapshot as the reports, so a restore brings them back consistent and needs no rebuild;
  ``rebuild_search_index`` and ``rebuild_statistics`` are for upgrades that change how they are
  computed. The download cache and the open-data files are not backed up: both are made again from
  the reports (the cache is keyed by a hash of the content, so it can never serve a stale file).
- A restore goes only into an empty instance (no report, publisher, user or audit event, no stored
  file) and never merges: the backup is verified against its manifest first, files are written
  before the database and removed again if the database fails, and the database is replaced in one
  transaction (SQLite's backup API, ``pg_restore --single-transaction``). Then the site is checked
  against the manifest.
"""

from reports.services.backup.database import pg_binary
from reports.services.backup.manifest import DUMP_FILES, BackupError
from reports.services.backup.site import (
    REBUILT_FOLDERS,
    RestoreResult,
    backup_check,
    backup_create,
    backup_restore,
    backup_verify,
    stored_files,
)

__all__ = [
    "DUMP_FILES",
    "REBUILT_FOLDERS",
    "BackupError",
    "RestoreResult",
    "backup_check",
    "backup_create",
    "backup_restore",
    "backup_verify",
    "pg_binary",
    "stored_files",
]
