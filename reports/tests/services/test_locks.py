"""Locks that hold across app servers (reports/services/locks.py): an advisory lock on PostgreSQL,
a lock file on SQLite. The suite runs on both databases, so both kinds are tested."""

import threading

import pytest
from django.db import connection, connections

from reports.services.locks import cluster_lock, lock_key

pytestmark = pytest.mark.django_db


def test_a_held_lock_is_refused_to_another_holder_and_free_once_released():
    with cluster_lock("report-1", wait=0) as first:
        assert first
        with cluster_lock("report-1", wait=0) as second:
            assert not second, "a second holder (another request, another server) is refused"
        with cluster_lock("report-2", wait=0) as other:
            assert other, "another name is another lock"
    with cluster_lock("report-1", wait=0) as again:
        assert again


def test_a_waiter_gives_up_after_its_wait_and_gets_the_lock_once_it_is_released():
    released = threading.Event()
    holding = threading.Event()

    def hold():
        with cluster_lock("busy", wait=0) as held:
            assert held
            holding.set()
            released.wait(10)
        connections.close_all()  # this thread's connections

    holder = threading.Thread(target=hold)
    holder.start()
    assert holding.wait(10)
    with cluster_lock("busy", wait=0.2) as held:
        assert not held
    released.set()
    with cluster_lock("busy", wait=10) as held:
        assert held
    holder.join()


def test_an_error_in_the_block_releases_the_lock():
    with pytest.raises(RuntimeError), cluster_lock("failing", wait=0):
        raise RuntimeError("render failed")
    with cluster_lock("failing", wait=0) as held:
        assert held


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL advisory locks")
def test_on_postgresql_a_lock_taken_elsewhere_is_seen_and_goes_with_its_holders_connection():
    """Another server's session holding the lock keeps it from here; when that session ends (its
    worker killed mid-render), the lock is free, with no expiry to wait for."""
    elsewhere = connections.create_connection("default")
    try:
        with elsewhere.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s)", [lock_key("render:downloads/1/x.pdf")])
        with cluster_lock("render:downloads/1/x.pdf", wait=0) as held:
            assert not held
    finally:
        elsewhere.close()
    with cluster_lock("render:downloads/1/x.pdf", wait=0) as held:
        assert held
