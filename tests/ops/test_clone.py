"""`orbitdb clone` of a live server's data directory while psycopg writers commit: the clone
opens at one commit of each database, shares the table files by hard links, and then it and the
source diverge independently."""

from __future__ import annotations

import re
import time
from pathlib import Path

import psycopg
from ops_support import Writers, check_ledger, dsn_of, make_ledger, orbitdb_command

import orbitdb


def test_clone_of_a_live_server_opens_and_diverges(tmp_path: Path, start_server, small_config) -> None:
    source = start_server(tmp_path / "data", small_config)
    make_ledger(dsn_of(source))
    with Writers(dsn_of(source)) as writers:
        while writers.committed < 200:
            time.sleep(0.01)
        before = writers.committed
        result = orbitdb_command("clone", str(tmp_path / "data"), str(tmp_path / "clone"))
        after = writers.committed
    assert result.returncode == 0, result.stderr
    # every table a hard link (the source's compactions may have unlinked their names since)
    assert re.search(r"\d+ database\(s\), \d+ tables linked$", result.stdout.strip()), result.stdout

    clone = start_server(tmp_path / "clone", small_config)
    n = check_ledger(dsn_of(clone))
    assert before <= n <= after
    with psycopg.connect(dsn_of(clone), autocommit=True) as conn:
        conn.execute("CREATE TABLE only_in_clone (a int)")
        conn.execute("UPDATE accounts SET balance = balance + 1 WHERE id = 1")
    with psycopg.connect(dsn_of(source), autocommit=True) as conn:
        conn.execute("CREATE TABLE only_in_source (a int)")
        tables = {r[0] for r in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")}
        assert "only_in_source" in tables and "only_in_clone" not in tables
    check_ledger(dsn_of(source))
    with psycopg.connect(dsn_of(clone), autocommit=True) as conn:
        tables = {r[0] for r in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")}
        assert "only_in_clone" in tables and "only_in_source" not in tables
        total = conn.execute("SELECT sum(balance) FROM accounts").fetchone()[0]
    assert total == 20 * 1000 + 1


def test_clone_refuses_a_non_empty_target(tmp_path: Path) -> None:
    orbitdb.connect(str(tmp_path / "db")).close()
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "x").write_text("x")
    result = orbitdb_command("clone", str(tmp_path / "db"), str(tmp_path / "full"))
    assert result.returncode == 1 and "not an empty directory" in result.stderr
    result = orbitdb_command("clone", str(tmp_path / "nothing"), str(tmp_path / "c"))
    assert result.returncode == 1 and not (tmp_path / "c").exists()
