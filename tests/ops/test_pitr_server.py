"""Point-in-time recovery of a server's data directory: `[persistence] wal_archive_dir` in the
server's configuration, a hot backup carrying that configuration, and `orbitdb restore --as-of`
finding the archive through it; each database is brought to the same time from its own archive
directory and holds exactly what was committed then."""

from __future__ import annotations

import datetime
import os
import time
from pathlib import Path

import psycopg
from ops_support import dsn_of, orbitdb_command

import orbitdb
from orbitdb.ops.backup import run_backup


def insert(dsn: str, start: int, stop: int) -> None:
    with psycopg.connect(dsn, autocommit=True) as conn:
        for i in range(start, stop):  # one commit each: several WAL files fill and are archived
            conn.execute("INSERT INTO t VALUES (%s, repeat('x', 1500))", (i,))


def test_server_restore_as_of_a_time_between_commits(tmp_path: Path, start_server) -> None:
    config = tmp_path / "orbit.toml"
    config.write_text(f'[persistence]\nwal_archive_dir = "{tmp_path / "wal"}"\n\n'
                      "[persistence.rocksdb]\nwrite_buffer_size = 4096\n")
    server = start_server(tmp_path / "data", config)
    with psycopg.connect(dsn_of(server), autocommit=True) as conn:
        conn.execute("CREATE DATABASE second")
        conn.execute("CREATE TABLE t (a int PRIMARY KEY, b text)")
    with psycopg.connect(dsn_of(server, "second"), autocommit=True) as conn:
        conn.execute("CREATE TABLE t (a int PRIMARY KEY, b text)")
    for database in ("actors", "second"):
        insert(dsn_of(server, database), 0, 8)
    run_backup(str(tmp_path / "data"), str(tmp_path / "b.tar"), ("orbit.toml", config.read_text()), None)
    for database in ("actors", "second"):
        insert(dsn_of(server, database), 8, 20)
    time.sleep(0.01)
    target = datetime.datetime.now(datetime.timezone.utc).isoformat()
    time.sleep(0.01)
    for database in ("actors", "second"):
        insert(dsn_of(server, database), 20, 40)  # the archive reaches well past the target
    server.stop()
    assert len(os.listdir(tmp_path / "wal")) == 2  # a directory per database

    restored_dir = tmp_path / "restored"
    done = orbitdb_command("restore", str(tmp_path / "b.tar"), "--data-dir", str(restored_dir), "--as-of", target)
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("replayed") == 2
    for database in ("actors", "second"):
        conn = orbitdb.connect(str(restored_dir), database=database)
        try:
            cur = conn.cursor()
            cur.execute("SELECT count(*), min(a), max(a) FROM t")
            assert cur.fetchall() == [(20, 0, 19)]
        finally:
            conn.close()
