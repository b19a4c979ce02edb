"""LISTEN / NOTIFY / pg_notify over the wire: two real sessions (psycopg2) against `orbitdb serve`;
a notification reaches an idle listener as NotificationResponse, at the sender's COMMIT only,
with the sender's pg_backend_pid(); and the same between embedded connections (con.notifies)."""

from __future__ import annotations

import select
import time
from pathlib import Path

import psycopg2
import psycopg2.errors
import pytest

import orbitdb


def _connect(server) -> psycopg2.extensions.connection:  # type: ignore[no-untyped-def]
    conn = psycopg2.connect(server.dsn)
    conn.autocommit = True
    return conn


def _wait_for(conn: psycopg2.extensions.connection, count: int, seconds: float = 10.0) -> list:
    """Polls an idle connection until it has count notifications (or the time is up)."""
    end = time.monotonic() + seconds
    while len(conn.notifies) < count and time.monotonic() < end:
        if select.select([conn], [], [], max(0.0, end - time.monotonic()))[0]:
            conn.poll()
    return [(n.pid, n.channel, n.payload) for n in conn.notifies]


def _pid(conn: psycopg2.extensions.connection) -> int:
    cur = conn.cursor()
    cur.execute("SELECT pg_backend_pid()")
    return cur.fetchone()[0]


def test_idle_listener_gets_notifications_at_commit(server) -> None:  # type: ignore[no-untyped-def]
    listener, sender = _connect(server), _connect(server)
    try:
        listener.cursor().execute("LISTEN jobs")
        sender_pid = _pid(sender)
        cur = sender.cursor()
        cur.execute("NOTIFY jobs, 'first'")
        assert _wait_for(listener, 1) == [(sender_pid, "jobs", "first")]
        listener.notifies.clear()
        sender.autocommit = False
        cur.execute("NOTIFY jobs, 'in a transaction'")
        cur.execute("SELECT pg_notify('jobs', 'in a transaction')")  # folded into the first
        cur.execute("SELECT pg_notify('other', 'not listened to')")
        cur.execute("NOTIFY jobs")
        assert _wait_for(listener, 1, seconds=0.5) == []  # nothing before the commit
        sender.commit()
        assert _wait_for(listener, 2) == [(sender_pid, "jobs", "in a transaction"), (sender_pid, "jobs", "")]
        listener.notifies.clear()
        cur.execute("NOTIFY jobs, 'rolled back'")
        sender.rollback()
        cur.execute("NOTIFY jobs, 'after'")
        sender.commit()
        assert _wait_for(listener, 1) == [(sender_pid, "jobs", "after")]
    finally:
        listener.close()
        sender.close()


def test_own_notification_comes_with_the_command(server) -> None:  # type: ignore[no-untyped-def]
    conn = _connect(server)
    try:
        cur = conn.cursor()
        cur.execute('LISTEN "Mixed Case"')
        cur.execute("SELECT pg_listening_channels()")
        assert cur.fetchall() == [("Mixed Case",)]
        cur.execute("""NOTIFY "Mixed Case", 'me'""")
        assert [(n.pid, n.channel, n.payload) for n in conn.notifies] == [(_pid(conn), "Mixed Case", "me")]
        cur.execute("UNLISTEN *")
        cur.execute("""NOTIFY "Mixed Case", 'nobody'""")
        assert len(conn.notifies) == 1
    finally:
        conn.close()


def test_listen_in_a_rolled_back_transaction_does_nothing(server) -> None:  # type: ignore[no-untyped-def]
    listener, sender = _connect(server), _connect(server)
    try:
        listener.autocommit = False
        cur = listener.cursor()
        cur.execute("LISTEN never")
        listener.rollback()
        cur.execute("SELECT count(*) FROM pg_listening_channels()")
        assert cur.fetchone() == (0,)
        listener.rollback()
        listener.autocommit = True
        sender.cursor().execute("NOTIFY never, 'x'")
        assert _wait_for(listener, 1, seconds=0.5) == []
    finally:
        listener.close()
        sender.close()


def test_notify_errors(server) -> None:  # type: ignore[no-untyped-def]
    conn = _connect(server)
    try:
        cur = conn.cursor()
        with pytest.raises(psycopg2.errors.InvalidParameterValue, match="payload string too long"):
            cur.execute("SELECT pg_notify('c', repeat('x', 8000))")
        cur.execute("SELECT pg_notify('c', repeat('x', 7999))")
        with pytest.raises(psycopg2.errors.InvalidParameterValue, match="channel name cannot be empty"):
            cur.execute("SELECT pg_notify('', 'x')")
        with pytest.raises(psycopg2.errors.InvalidParameterValue, match="channel name too long"):
            cur.execute("SELECT pg_notify(repeat('c', 64), 'x')")
    finally:
        conn.close()


def test_embedded_connections_notify_each_other(tmp_path: Path) -> None:
    path = str(tmp_path / "db")
    a, b = orbitdb.connect(path), orbitdb.connect(path)
    a.autocommit = b.autocommit = True
    try:
        a.cursor().execute("LISTEN ch")
        cur = b.cursor()
        cur.execute("SELECT pg_backend_pid()")
        pid = cur.fetchone()[0]
        b.autocommit = False
        cur.execute("NOTIFY ch, 'one'")
        assert a.notifies == []
        b.commit()
        assert a.notifies == [orbitdb.Notify(pid, "ch", "one")]
        assert a.poll() == 0
        assert b.notifies == []  # b does not listen
    finally:
        a.close()
        b.close()


def test_listener_in_a_transaction_block_gets_them_when_it_ends(server) -> None:  # type: ignore[no-untyped-def]
    listener, sender = _connect(server), _connect(server)
    try:
        listener.cursor().execute("LISTEN later")
        listener.autocommit = False
        cur = listener.cursor()
        cur.execute("SELECT 1")  # a transaction block is open now
        sender.cursor().execute("NOTIFY later, 'waits'")
        cur.execute("SELECT 2")
        assert listener.notifies == []  # not inside the block
        listener.commit()
        assert _wait_for(listener, 1) == [(_pid(sender), "later", "waits")]
    finally:
        listener.close()
        sender.close()
