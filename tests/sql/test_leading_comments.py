"""Comments before a statement's first word: statements read by their words (SET, SHOW, LOCK,
SET CONSTRAINTS, COMMENT ON, CREATE EXTENSION ...) work after them as after blanks."""

from __future__ import annotations

import pytest

import orbitdb

STATEMENTS = [
    "SET search_path = public",
    "SET LOCAL work_mem = '2MB'",
    "SET TIME ZONE 'UTC'",
    "SHOW search_path",
    "RESET work_mem",
    "LOCK TABLE t IN SHARE MODE",
    "SET CONSTRAINTS ALL DEFERRED",
    "COMMENT ON TABLE t IS 'x'",
    "PREPARE p AS SELECT 1",
    "EXPLAIN SELECT 1",
    "SAVEPOINT s",
]


@pytest.mark.parametrize("comment", ["-- a line\n", "/* a /* nested */ block */ ", "-- one\n/* two */\n"])
@pytest.mark.parametrize("statement", STATEMENTS)
def test_statement_after_a_comment(tmp_path, comment: str, statement: str) -> None:
    con = orbitdb.connect(str(tmp_path / "db"))
    cur = con.cursor()
    cur.execute("CREATE TABLE t (a int)")
    cur.execute(comment + statement)
    if statement.startswith("SHOW"):
        assert cur.fetchall() == [('"$user", public',)]
    con.commit()
    con.close()

