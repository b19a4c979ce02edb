"""The answers the hostile cases expect are PostgreSQL 15's: checked here against a real one."""

from __future__ import annotations

import psycopg2
import pytest
from pg_expectations import EXPECTED


@pytest.fixture(scope="module")
def reference(reference_dsn: str):
    conn = psycopg2.connect(reference_dsn)
    conn.autocommit = True
    yield conn
    conn.close()


@pytest.mark.parametrize("sql", list(EXPECTED), ids=lambda sql: sql[:48])
def test_postgres_answers_what_the_cases_expect(reference, sql: str):
    cur = reference.cursor()
    try:
        cur.execute(sql)
        got = None
    except psycopg2.Error as exc:
        got = exc.pgcode
    assert got == EXPECTED[sql]
