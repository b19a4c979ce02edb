"""con.iterdump(): a pg_dump-compatible script, loaded into PostgreSQL 15 with psql and into a
fresh orbitdb statement by statement, each giving back the same rows."""

from __future__ import annotations

import subprocess
from pathlib import Path

import psycopg2
import pytest
from reference_pg import reference_postgres

import orbitdb

SCHEMA = [
    "CREATE SCHEMA app",
    "CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy')",
    "CREATE DOMAIN posint AS int CHECK (VALUE > 0)",
    "CREATE TYPE pair AS (x int, y text)",
    "CREATE FUNCTION add1(x int) RETURNS int LANGUAGE sql AS 'SELECT x + 1'",
    ("CREATE FUNCTION stamp() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN NEW.note := coalesce(NEW.note, 'trg'); "
    "RETURN NEW; END$$"),
    ("CREATE TABLE app.people (id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text NOT NULL UNIQUE, "
    "mood mood DEFAULT 'ok', born date, tags text[], doc jsonb, n posint, score numeric(10,2) CHECK (score >= 0), "
    "big bigint, raw bytea, at timestamptz, f float8, p pair, shout text GENERATED ALWAYS AS (upper(name)) STORED)"),
    ("CREATE TABLE pets (id serial PRIMARY KEY, owner int REFERENCES app.people (id) ON DELETE CASCADE, "
    "name varchar(20), note text)"),
    "CREATE INDEX pets_name_desc ON pets (name DESC NULLS LAST)",
    "CREATE INDEX pets_lower ON pets (lower(name))",
    "CREATE TRIGGER pets_note BEFORE INSERT ON pets FOR EACH ROW EXECUTE FUNCTION stamp()",
    "CREATE VIEW app.born_early AS SELECT id, name FROM app.people WHERE born < '2000-01-01'",
    "CREATE TABLE readings_top (at int, v text) PARTITION BY LIST (v)",  # made before its parent
    "CREATE TABLE readings_top_a PARTITION OF readings_top FOR VALUES IN ('r1000')",
    "CREATE TABLE readings_top_other PARTITION OF readings_top DEFAULT",
    "CREATE TABLE readings (at int, v text) PARTITION BY RANGE (at)",
    "CREATE TABLE readings_low PARTITION OF readings FOR VALUES FROM (0) TO (100)",
    "CREATE TABLE readings_high PARTITION OF readings FOR VALUES FROM (100) TO (1000)",
    "ALTER TABLE readings ATTACH PARTITION readings_top FOR VALUES FROM (1000) TO (2000)",
    "CREATE SEQUENCE tickets START 5 INCREMENT 3 MAXVALUE 1000 CYCLE",
    'CREATE TABLE "Odd Name" ("select" int, "Mixed" text)',
    ("INSERT INTO app.people (name, born, tags, doc, n, score, big, raw, at, f, p) VALUES "
    "('a''b', '1990-01-01', '{x,\"y z\",NULL}', '{\"k\": [1, null], \"s\": \"\\\\n\"}', 3, 1.5, 9000000000, "
    "'\\x00ff5c', '2024-05-06 07:08:09.123456+00', 0.1, ROW(1, 'p q')), "
    "('ten', NULL, '{}', 'null', NULL, NULL, NULL, '', NULL, 'NaN', NULL)"),
    "INSERT INTO pets (owner, name) VALUES (1, 'rex'), (NULL, E'tab\\there'), (2, 'back\\slash')",
    "INSERT INTO pets (owner, name, note) VALUES (1, 'quote''s', 'given')",
    "INSERT INTO readings SELECT g, 'r' || g FROM generate_series(1, 250) g",
    "INSERT INTO readings VALUES (1000, 'r1000'), (1500, 'r1500')",
    "SELECT nextval('tickets'), nextval('tickets')",
    "INSERT INTO \"Odd Name\" VALUES (1, 'it''s')",
]
TABLES = {"app.people": "id", "pets": "id", "readings": "at", '"Odd Name"': '"select"'}


def contents(cur: object) -> dict[str, list[tuple]]:
    out = {}
    for table, key in TABLES.items():
        cur.execute(f"SELECT t::text FROM {table} t ORDER BY {key}")  # type: ignore[attr-defined]
        out[table] = cur.fetchall()  # type: ignore[attr-defined]
    cur.execute("SELECT last_value, is_called FROM tickets")  # type: ignore[attr-defined]
    out["tickets"] = cur.fetchall()  # type: ignore[attr-defined]
    cur.execute("SELECT name FROM app.born_early ORDER BY id")  # type: ignore[attr-defined]
    out["view"] = cur.fetchall()  # type: ignore[attr-defined]
    return out


@pytest.fixture
def source(tmp_path: Path) -> orbitdb.Connection:
    con = orbitdb.connect(tmp_path / "src")
    for sql in SCHEMA:
        con.execute(sql)
    con.commit()
    return con


def test_loads_into_a_fresh_orbitdb(source: orbitdb.Connection, tmp_path: Path) -> None:
    script = list(source.iterdump())
    assert all(s.endswith(";") for s in script)
    copy = orbitdb.connect(tmp_path / "copy")
    for statement in script:
        copy.execute(statement)
    copy.commit()
    assert contents(copy.cursor()) == contents(source.cursor())
    # what the schema does came along: constraints, defaults, identity, triggers, sequences
    with pytest.raises(orbitdb.IntegrityError):
        copy.execute("INSERT INTO app.people (name) VALUES ('ten')")
    copy.rollback()
    with pytest.raises(orbitdb.IntegrityError):
        copy.execute("INSERT INTO pets (owner, name) VALUES (99, 'nobody''s')")
    copy.rollback()
    # (the failed inserts took values of the sequences, as in PostgreSQL)
    assert copy.execute("INSERT INTO app.people (name) VALUES ('new') RETURNING id, mood, shout").fetchone() == (
        4, "ok", "NEW")
    assert copy.execute("INSERT INTO pets (name) VALUES ('x') RETURNING id, note").fetchone() == (6, "trg")
    assert copy.execute("SELECT nextval('tickets'), add1(1)").fetchone() == (11, 2)
    copy.commit()
    copy.close()
    source.close()


@pytest.mark.needs_psql
def test_loads_into_postgresql_with_psql(source: orbitdb.Connection, tmp_path: Path) -> None:
    with reference_postgres() as dsn:
        if dsn is None:
            pytest.skip("no PostgreSQL 15 could be started here")
        script = tmp_path / "dump.sql"
        script.write_text("\n".join(source.iterdump()) + "\n")
        loaded = subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-f", str(script), dsn],
                                check=False, capture_output=True, text=True, timeout=120)
        assert loaded.returncode == 0, loaded.stderr
        assert "ERROR" not in loaded.stderr
        pg = psycopg2.connect(dsn)
        assert contents(pg.cursor()) == contents(source.cursor())
        cur = pg.cursor()
        cur.execute("INSERT INTO pets (name) VALUES ('x') RETURNING id, note")
        assert cur.fetchone() == (5, "trg")
        cur.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'pets_name_desc'")
        assert cur.fetchone() == ("CREATE INDEX pets_name_desc ON public.pets USING btree (name DESC NULLS LAST)",)
        pg.close()
    source.close()


def test_one_consistent_state_while_others_commit(source: orbitdb.Connection, tmp_path: Path) -> None:
    dump = source.iterdump()
    first = next(dump)  # the dump's transaction has begun
    source.execute("INSERT INTO \"Odd Name\" VALUES (2, 'later')")
    source.execute("DELETE FROM pets WHERE id = 1")
    source.commit()
    source.execute("INSERT INTO \"Odd Name\" VALUES (3, 'uncommitted')")  # never in a dump
    script = [first, *dump]
    source.rollback()
    copy = orbitdb.connect(tmp_path / "copy")
    for statement in script:
        copy.execute(statement)
    copy.commit()
    assert copy.execute('SELECT "select" FROM "Odd Name"').fetchall() == [(1,)]
    assert copy.execute("SELECT count(*) FROM pets").fetchone() == (4,)
    copy.close()
    source.close()
