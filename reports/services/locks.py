"""Locks that hold across every app server and worker sharing the database.

Used where two requests must not do the same work at once: the render of a download (the others
wait for it, reports/services/downloads.py) and one confirmation step of an admin import batch (a
second click imports nothing, reports/admin/import_batch.py).

Why the database and not the cache: the database is the one thing every app server necessarily
shares, so no setting can leave the lock quietly per process (``CACHE_URL`` left at ``locmem://``
would), and PostgreSQL's advisory locks end with their holder: a worker killed mid-render (gunicorn's
timeout, a crash, a deploy) leaves no lock behind and there is no expiry to tune against how long a
render takes, unlike ``cache.add`` with a timeout. Django's cache has no compare-and-delete either,
and its file backend's ``add`` is not atomic. No server is added.

- PostgreSQL: ``pg_advisory_xact_lock`` on a 64-bit hash of the name, taken in a transaction of a
  connection of the lock's own. Its own connection keeps the lock apart from whatever the caller's
  connection does (its transactions, an error that aborts one, a second lock in the same thread) and
  makes it safe behind a transaction-pooling PgBouncer; the wait happens in the server
  (``lock_timeout``), not in a polling loop. The cost is one extra connection for as long as the
  lock is held or awaited: only a render that misses the store and an import step take one.
- SQLite: a lock file in the system temp folder (``flock``), as before. A SQLite site runs on one
  machine by construction, so a machine-wide lock is already every server's.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import math
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from django.db import DEFAULT_DB_ALIAS, OperationalError, connections

# PostgreSQL's SQLSTATE for "lock_timeout expired" (lock_not_available).
_LOCK_NOT_AVAILABLE = "55P03"


@contextlib.contextmanager
def cluster_lock(name: str, *, wait: float) -> Iterator[bool]:
    """Hold the lock called ``name`` for the block; yields False if another holder kept it for
    ``wait`` seconds (0: do not wait). Released when the block ends, or when its holder dies."""
    if connections[DEFAULT_DB_ALIAS].vendor == "postgresql":
        lock = _advisory_lock(name, wait)
    else:
        lock = _file_lock(name, wait)
    with lock as held:
        yield held


def lock_key(name: str) -> int:
    """A signed 64-bit key for ``name`` (PostgreSQL's advisory lock keys are bigint)."""
    return int.from_bytes(hashlib.sha256(f"govopen:{name}".encode()).digest()[:8], "big", signed=True)


@contextlib.contextmanager
def _advisory_lock(name: str, wait: float) -> Iterator[bool]:
    connection = connections.create_connection(DEFAULT_DB_ALIAS)
    try:
        connection.set_autocommit(False)  # the lock lasts as long as this transaction
        with connection.cursor() as cursor:
            if wait > 0:
                # lock_timeout 0 would mean "wait for ever": at least a millisecond.
                cursor.execute("SELECT set_config('lock_timeout', %s, true)", [f"{max(1, math.ceil(wait * 1000))}ms"])
                try:
                    cursor.execute("SELECT pg_advisory_xact_lock(%s)", [lock_key(name)])
                    held = True
                except OperationalError as exc:
                    if getattr(exc.__cause__, "sqlstate", None) != _LOCK_NOT_AVAILABLE:
                        raise
                    held = False
            else:
                cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [lock_key(name)])
                held = bool(cursor.fetchone()[0])
        yield held
    finally:
        with contextlib.suppress(Exception):  # the connection is closed next either way
            connection.rollback()  # ends the transaction, and with it the lock
        connection.close()


@contextlib.contextmanager
def _file_lock(name: str, wait: float) -> Iterator[bool]:
    folder = Path(tempfile.gettempdir()) / "govopen-locks"
    folder.mkdir(exist_ok=True)
    path = folder / (hashlib.sha256(name.encode()).hexdigest()[:32] + ".lock")
    deadline = time.monotonic() + wait
    with open(path, "w") as handle:  # noqa: PTH123 - a lock file
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError:
                if time.monotonic() >= deadline:
                    yield False
                    return
                time.sleep(0.1)
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
