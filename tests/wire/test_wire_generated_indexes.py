"""Generated columns, expression/partial/DESC indexes and views WITH CHECK OPTION through real
clients: psql's \\d shows them as PostgreSQL's does, pg_dump writes them, and a dump (orbitdb's own,
or a PostgreSQL 15 database's) loads into orbitdb with psql -v ON_ERROR_STOP=1 and behaves the same."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from reference_pg import reference_postgres
from wire_support import BINDIR, ServerProcess

pytestmark = pytest.mark.needs_psql

SCHEMA = """
CREATE TABLE people (id int PRIMARY KEY, first text, last text,
    full_name text GENERATED ALWAYS AS (first || ' ' || last) STORED, email text, deleted_at date, score int);
CREATE UNIQUE INDEX people_email ON people ((lower(email))) WHERE deleted_at IS NULL;
CREATE INDEX people_score ON people (score DESC NULLS LAST, id);
CREATE VIEW live AS SELECT id, email, deleted_at FROM people WHERE deleted_at IS NULL WITH LOCAL CHECK OPTION;
INSERT INTO people (id, first, last, email, score) VALUES (1, 'ann', 'lee', 'Ann@X', 5), (2, 'bo', 'kim', 'bo@x', 7);
"""


def pg_dump(host: str, port: int, user: str, dbname: str, out: Path) -> str:
    program = str(Path(BINDIR) / "pg_dump") if BINDIR else "pg_dump"
    done = subprocess.run([program, "-h", host, "-p", str(port), "-U", user, "-f", str(out), dbname],
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    return out.read_text()


def check_behaviour(server: ServerProcess) -> None:
    """What the schema does, asked through psql."""
    out = server.psql("-At", "-c", "SELECT id, full_name FROM people ORDER BY id").stdout
    assert out.split() == ["1|ann", "lee", "2|bo", "kim"]
    server.psql("-c", "INSERT INTO people (id, first, last, email) VALUES (3, 'cy', 'ray', 'cy@x')")
    assert server.psql("-At", "-c", "SELECT full_name FROM people WHERE id = 3").stdout.strip() == "cy ray"
    dup = server.psql("-c", "INSERT INTO people (id, email) VALUES (4, 'ANN@x')", check=False)
    assert dup.returncode != 0 and 'Key (lower(email))=(ann@x) already exists.' in dup.stderr
    server.psql("-c", "INSERT INTO people (id, email, deleted_at) VALUES (4, 'ANN@x', '2024-01-01')")
    gen = server.psql("-c", "UPDATE people SET full_name = 'x'", check=False)
    assert gen.returncode != 0 and 'can only be updated to DEFAULT' in gen.stderr
    view = server.psql("-c", "INSERT INTO live VALUES (5, 'e@x', '2024-01-01')", check=False)
    assert view.returncode != 0 and 'new row violates check option for view "live"' in view.stderr


def test_psql_describe_shows_them(server: ServerProcess) -> None:
    server.psql("-v", "ON_ERROR_STOP=1", input=SCHEMA)
    table = server.psql("-c", "\\d people").stdout
    assert "generated always as ((first || ' '::text) || last) stored" in table
    assert '"people_email" UNIQUE, btree (lower(email)) WHERE deleted_at IS NULL' in table
    assert '"people_score" btree (score DESC NULLS LAST, id)' in table
    assert "Options: check_option=local" in server.psql("-c", "\\d+ live").stdout


def test_orbitdb_dump_loads_back(server: ServerProcess, start_server: Callable[..., ServerProcess],
                                 tmp_path: Path) -> None:
    server.psql("-c", "DROP VIEW IF EXISTS live", "-c", "DROP TABLE IF EXISTS people")
    server.psql("-v", "ON_ERROR_STOP=1", input=SCHEMA)
    text = pg_dump(server.host, server.port, "orbit", "actors", tmp_path / "orbit.sql")
    assert "full_name text GENERATED ALWAYS AS (((first || ' '::text) || last)) STORED" in text
    assert "COPY public.people (id, first, last, email, deleted_at, score) FROM stdin;" in text
    assert "USING btree (lower(email)) WHERE (deleted_at IS NULL);" in text
    assert "USING btree (score DESC NULLS LAST, id);" in text
    assert "WITH LOCAL CHECK OPTION" in text
    # (the dump's privileges, GRANT ... ON SCHEMA pg_catalog, are another part's: left out here)
    (tmp_path / "load.sql").write_text("".join(line for line in text.splitlines(keepends=True)
                                               if not line.startswith(("GRANT ", "REVOKE "))))
    fresh = start_server(data_dir=tmp_path / "fresh")
    fresh.psql("-v", "ON_ERROR_STOP=1", "-q", "-f", str(tmp_path / "load.sql"))
    check_behaviour(fresh)


def test_postgresql_dump_loads_into_orbitdb(start_server: Callable[..., ServerProcess], tmp_path: Path) -> None:
    with reference_postgres() as dsn:
        if dsn is None:
            pytest.skip("PostgreSQL 15 cannot be started here")
        port = int(dsn.split("port=")[1].split()[0])
        psql = str(Path(BINDIR) / "psql")
        done = subprocess.run([psql, "-X", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", str(port), "-U",
                               "postgres", "-d", "postgres"], input=SCHEMA, capture_output=True, text=True,
                              timeout=60, check=False)
        assert done.returncode == 0, done.stderr
        pg_dump("127.0.0.1", port, "postgres", "postgres", tmp_path / "pg.sql")
    orbit = start_server(data_dir=tmp_path / "from_pg")
    orbit.psql("-v", "ON_ERROR_STOP=1", "-q", "-f", str(tmp_path / "pg.sql"))
    check_behaviour(orbit)
