"""AS OF SYSTEM TIME over the wire with psycopg 3 (extended protocol: the clause is taken out at
Parse, the statement compiled against the catalog of its time) and psql (simple protocol): reads
of the past against a model of the table's states, across a restart and a kill -9 of the server,
and the refusals with their SQLSTATEs. orbitdb's own feature: PostgreSQL has none to compare."""

from __future__ import annotations

import datetime
import random
import time
from pathlib import Path

import psycopg
import pytest

pytestmark = pytest.mark.orbitdb_only

UTC = datetime.timezone.utc


def _config(tmp_path: Path) -> Path:
    path = tmp_path / "orbit.toml"
    path.write_text("[persistence]\nhistory_retention_seconds = 600\n\n[persistence.rocksdb]\n"
                    "write_buffer_size = 32768\n")
    return path


def _history(conn: psycopg.Connection, rng: random.Random, steps: int, state: dict[int, int],
             moments: list[tuple[str, dict[int, int]]]) -> None:
    for step in range(steps):
        key = rng.randrange(15)
        if key in state and rng.random() < 0.3:
            conn.execute("DELETE FROM kv WHERE k = %s", (key,))
            del state[key]
        else:
            conn.execute("INSERT INTO kv VALUES (%s, %s) ON CONFLICT (k) DO UPDATE SET v = excluded.v",
                         (key, step))
            state[key] = step
        if step % 4 == 0:
            time.sleep(0.001)
            moments.append((datetime.datetime.now(UTC).isoformat(), dict(state)))
            time.sleep(0.001)


def _check(conn: psycopg.Connection, rng: random.Random, moments: list[tuple[str, dict[int, int]]]) -> None:
    for when, expected in rng.sample(moments, min(15, len(moments))):
        rows = conn.execute(f"SELECT k, v FROM kv AS OF SYSTEM TIME '{when}' ORDER BY k").fetchall()
        assert rows == sorted(expected.items())


def test_psycopg_reads_the_past_across_restart_and_kill(start_server, tmp_path: Path) -> None:
    rng = random.Random(1606)
    config = _config(tmp_path)
    server = start_server(["--config", str(config)])
    state: dict[int, int] = {}
    moments: list[tuple[str, dict[int, int]]] = []
    with psycopg.connect(server.dsn, autocommit=True) as conn:
        conn.execute("CREATE TABLE kv (k int PRIMARY KEY, v int)")
        _history(conn, rng, 120, state, moments)
        _check(conn, rng, moments)
        # a parameter-less Parse/Bind/Execute and a prepared statement run twice
        when, expected = moments[len(moments) // 2]
        for _ in range(2):
            got = conn.execute(f"SELECT count(*) FROM kv AS OF SYSTEM TIME '{when}'", prepare=True).fetchone()
            assert got == (len(expected),)
    server.stop()
    server = start_server(["--config", str(config)], data_dir=tmp_path / "data")
    with psycopg.connect(server.dsn, autocommit=True) as conn:
        _check(conn, rng, moments)
        _history(conn, rng, 60, state, moments)
    server.kill()
    server = start_server(["--config", str(config)], data_dir=tmp_path / "data")
    with psycopg.connect(server.dsn, autocommit=True) as conn:
        _check(conn, rng, moments)
        assert conn.execute("SELECT k, v FROM kv ORDER BY k").fetchall() == sorted(state.items())


def test_transactions_and_refusals(start_server, tmp_path: Path) -> None:
    server = start_server(["--config", str(_config(tmp_path))])
    with psycopg.connect(server.dsn) as conn:  # psycopg's default: a transaction per block of work
        conn.execute("CREATE TABLE t (id int PRIMARY KEY, v text)")
        conn.execute("INSERT INTO t VALUES (1, 'old')")
        conn.commit()
        time.sleep(0.002)
        when = datetime.datetime.now(UTC).isoformat()
        time.sleep(0.002)
        conn.execute("UPDATE t SET v = 'new'")
        conn.execute("DROP TABLE t")
        conn.commit()
        # psycopg's BEGIN, then the statement with the clause: it sets the transaction's time
        assert conn.execute(f"SELECT v FROM t AS OF SYSTEM TIME '{when}'").fetchall() == [("old",)]
        assert conn.execute("SELECT v FROM t WHERE id = 1").fetchall() == [("old",)]
        with pytest.raises(psycopg.errors.ReadOnlySqlTransaction):
            conn.execute("INSERT INTO t VALUES (2, 'x')")
        conn.rollback()
        with pytest.raises(psycopg.errors.UndefinedTable):
            conn.execute("SELECT v FROM t")
        conn.rollback()
    with psycopg.connect(server.dsn, autocommit=True) as conn:
        conn.execute(f"BEGIN READ ONLY AS OF SYSTEM TIME '{when}'")
        assert conn.execute("SELECT v FROM t").fetchall() == [("old",)]
        with pytest.raises(psycopg.errors.ReadOnlySqlTransaction):
            conn.execute("UPDATE t SET v = 'x'")
        conn.execute("ROLLBACK")
        for literal, error in (("-2h", psycopg.errors.SnapshotTooOld),
                               ("2999-01-01 00:00:00+00", psycopg.errors.InvalidParameterValue),
                               ("soon", psycopg.errors.InvalidDatetimeFormat)):
            with pytest.raises(error):
                conn.execute(f"SELECT 1 AS OF SYSTEM TIME '{literal}'")


@pytest.mark.needs_psql
def test_psql_simple_protocol(start_server, tmp_path: Path) -> None:
    server = start_server(["--config", str(_config(tmp_path))])
    with psycopg.connect(server.dsn, autocommit=True) as conn:
        conn.execute("CREATE TABLE t (v int)")
        conn.execute("INSERT INTO t VALUES (1)")
        time.sleep(0.002)
        when = datetime.datetime.now(UTC).isoformat()
        time.sleep(0.002)
        conn.execute("INSERT INTO t VALUES (2)")
    out = server.psql("-At", "-c", f"SELECT sum(v) FROM t AS OF SYSTEM TIME '{when}'")
    assert out.stdout.strip() == "1"
    refused = server.psql("-At", "-c", "SELECT 1 AS OF SYSTEM TIME '-2h'", check=False,
                          env={"PGOPTIONS": "", "PSQL_PAGER": ""})
    assert refused.returncode != 0 and "outside the retained history" in refused.stderr
