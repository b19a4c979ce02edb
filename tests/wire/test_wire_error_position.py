"""Error positions on the wire: the ErrorResponse's P field for syntax errors and for errors about
a relation, column, function, type or input literal named in the statement, as psql shows them
(LINE n: ... and a caret) next to PostgreSQL 15's output for the same script."""

from __future__ import annotations

import subprocess
from pathlib import Path

import psycopg2
import pytest
from reference_pg import reference_postgres
from wire_support import BINDIR

pytestmark = pytest.mark.needs_psql

SCRIPT = """\
CREATE TABLE pos_t (id int, name text);
SELECT 1 frm pos_t;
SELECT * FROM nosuch;
SELECT * FROM public.nosuch;
SELECT nosuchcol FROM pos_t;
SELECT t.nosuchcol FROM pos_t t;
SELECT x.id FROM pos_t t;
SELECT count(nosuchcol) FROM pos_t;
SELECT "NoSuch" FROM pos_t;
SELECT id FROM pos_t ORDER BY nosuchcol;
UPDATE pos_t SET nosuchcol = 1;
INSERT INTO nosuch VALUES (1);
SELECT nosuchfn(1);
SELECT nosuchfn();
SELECT abs('x'::text);
SELECT 1::nosuchtype;
SELECT CAST(1 AS nosuchtype);
CREATE TABLE pos_u (a nosuchtype);
SELECT 'abc'::int;
SELECT date '2024-13-01';
SELECT interval '1000000000 years';
SELECT * FROM (SELECT 1 a) s JOIN nosuch n ON true;
SELECT 1 +;
SELECT 1 +
  ;
SELECT name,
       nosuchcol
  FROM pos_t;
SELECT 'a' || ;
SELEKT 1;
"""


def _psql(host: str, port: int, user: str, dbname: str, script: Path) -> str:
    out = subprocess.run(
        [str(Path(BINDIR or "") / "psql"), "-X", "-h", host, "-p", str(port), "-U", user, "-d", dbname,
         "-f", str(script)], capture_output=True, text=True, timeout=60, check=False)
    return out.stderr


def test_psql_error_lines_and_carets_match_postgres(server, tmp_path: Path) -> None:
    script = tmp_path / "positions.sql"
    script.write_text(SCRIPT)
    with reference_postgres() as dsn:
        if dsn is None:
            pytest.skip("PostgreSQL 15 is not available")
        params = dict(p.split("=", 1) for p in dsn.split())
        want = _psql(params["host"], int(params["port"]), params.get("user", "postgres"),
                     params.get("dbname", "postgres"), script)
    got = _psql(server.host, server.port, "orbit", "actors", script)
    assert got.splitlines() == want.splitlines()
    assert got.count("^") >= 20


def test_position_is_counted_in_the_whole_message(server) -> None:
    conn = psycopg2.connect(server.dsn)
    conn.autocommit = True
    cur = conn.cursor()
    for sql, position in [("SELECT 1; SELECT * FROM nosuch", 25), ("SELECT 1; SELECT (1", 20),
                          ("SELECT 1;\n  SELECT nosuchfn(2);", 20), ("SELECT 1 +  -- comment", 23),
                          ("/* c */ SELECT nosuch", 16), ("-- c\nSELECT nosuch", 13)]:
        with pytest.raises(psycopg2.Error) as caught:
            cur.execute(sql)
        assert caught.value.diag.statement_position == str(position), sql
    conn.close()
