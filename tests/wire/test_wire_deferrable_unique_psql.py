"""DEFERRABLE unique and primary key constraints as psql shows them: `\\d` of a table that has them
prints the same lines on orbitdb as on PostgreSQL 15."""

from __future__ import annotations

import os
import subprocess

import pytest
from wire_support import BINDIR, ServerProcess

pytestmark = pytest.mark.needs_psql

SCHEMA = """
CREATE TABLE seat (row_no int, seat_no int, holder text, code text, rank int, a int, b int,
    CONSTRAINT seat_pkey PRIMARY KEY (row_no, seat_no) DEFERRABLE INITIALLY DEFERRED,
    CONSTRAINT seat_code_key UNIQUE (code) DEFERRABLE,
    CONSTRAINT seat_rank_key UNIQUE (rank),
    CONSTRAINT seat_ab_key UNIQUE NULLS NOT DISTINCT (a, b) INITIALLY DEFERRED);
"""


def _psql(dsn: str, *args: str, input: str | None = None) -> str:
    program = os.path.join(BINDIR, "psql") if BINDIR else "psql"
    done = subprocess.run([program, "-X", "-v", "ON_ERROR_STOP=1", "-d", dsn, *args], input=input,
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_psql_describe_matches_postgresql(server: ServerProcess, reference: str) -> None:
    _psql(server.dsn, "-q", input="DROP TABLE IF EXISTS seat;" + SCHEMA)
    _psql(reference, "-q", input="DROP TABLE IF EXISTS seat;" + SCHEMA)
    ours = _psql(server.dsn, "-c", "\\d seat")
    assert '"seat_pkey" PRIMARY KEY, btree (row_no, seat_no) DEFERRABLE INITIALLY DEFERRED' in ours
    assert '"seat_code_key" UNIQUE CONSTRAINT, btree (code) DEFERRABLE' in ours
    assert ours == _psql(reference, "-c", "\\d seat")
    ours = _psql(server.dsn, "-c", "\\d seat_pkey")
    assert ours == _psql(reference, "-c", "\\d seat_pkey")
