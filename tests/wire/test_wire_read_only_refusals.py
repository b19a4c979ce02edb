"""What a read-only transaction refuses, compared with PostgreSQL 15: nextval() and setval() of a
permanent sequence, and row locks (SELECT ... FOR UPDATE / SHARE), 25006 with PostgreSQL's
message; a temporary table is the session's own and may be locked. (orbitdb makes CREATE TEMP
SEQUENCE's sequence a permanent one, a gap of its own, so no temporary sequence is probed.) A transaction AS OF
SYSTEM TIME is read-only by these same rules."""

from __future__ import annotations

import time

import psycopg
import pytest

SETUP = ["DROP TABLE IF EXISTS ro_t", "DROP SEQUENCE IF EXISTS ro_s", "CREATE TABLE ro_t (a int)",
         "INSERT INTO ro_t VALUES (1)", "CREATE SEQUENCE ro_s"]
PROBES = ["SELECT nextval('ro_s')", "SELECT setval('ro_s', 5)", "SELECT a FROM ro_t FOR UPDATE",
          "SELECT a FROM ro_t FOR SHARE", "SELECT a FROM ro_t FOR NO KEY UPDATE", "SELECT a FROM ro_t FOR KEY SHARE",
          "SELECT a FROM ro_tmp_t FOR UPDATE", "SELECT currval('ro_s')"]


def _answers(dsn: str) -> list[tuple[str, str | None, str]]:
    out = []
    with psycopg.connect(dsn, autocommit=True) as conn:
        for sql in SETUP:
            conn.execute(sql)
        conn.execute("CREATE TEMP TABLE ro_tmp_t (a int)")
        for probe in PROBES:
            conn.execute("BEGIN READ ONLY")
            try:
                rows = conn.execute(probe).fetchall()
                out.append((probe, None, repr(rows)))
            except psycopg.Error as e:
                out.append((probe, e.sqlstate, e.diag.message_primary or ""))
            conn.execute("ROLLBACK")
    return out


def test_read_only_refusals_match_postgresql(server, reference: str) -> None:
    ours = _answers(server.dsn)
    theirs = _answers(reference)
    assert ours == theirs
    assert any(state == "25006" for _, state, _ in theirs)


@pytest.mark.orbitdb_only
def test_as_of_system_time_is_read_only_the_same_way(start_server, tmp_path) -> None:
    config = tmp_path / "orbit.toml"
    config.write_text("[persistence]\nhistory_retention_seconds = 60\n")
    server = start_server(["--config", str(config)])
    with psycopg.connect(server.dsn, autocommit=True) as conn:
        for sql in SETUP:
            conn.execute(sql)
        time.sleep(0.01)
        for probe, message in (("SELECT nextval('ro_s')", "cannot execute nextval() in a read-only transaction"),
                               ("SELECT a FROM ro_t FOR UPDATE",
                                "cannot execute SELECT FOR UPDATE in a read-only transaction")):
            conn.execute("BEGIN AS OF SYSTEM TIME '-1ms'")
            with pytest.raises(psycopg.errors.ReadOnlySqlTransaction, match=message.replace("(", r"\(")
                               .replace(")", r"\)")):
                conn.execute(probe)
            conn.execute("ROLLBACK")
