"""A migration as a PostgreSQL user makes it: `pg_dumpall --roles-only` and a plain `pg_dump` of a real
PostgreSQL 15 database that uses enums, domains, SQL and PL/pgSQL functions, triggers, generated
columns and grants load into `orbitdb serve` with `psql -v ON_ERROR_STOP=1`, and afterwards the same
statements give the same answers on both (the triggers fire, the domains check, the grants hold)."""

from __future__ import annotations

from pathlib import Path

import pytest
from pg_answers import answers, reference_database, run_tool
from reference_pg import reference_postgres
from wire_support import BINDIR

SCHEMA = r"""
CREATE ROLE app_owner LOGIN;
CREATE ROLE app_reader;
CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
CREATE DOMAIN posint AS integer CHECK (VALUE > 0);
CREATE DOMAIN email AS text CONSTRAINT email_has_at CHECK (VALUE LIKE '%@%');
CREATE TABLE person (
    id serial PRIMARY KEY,
    name text NOT NULL,
    mail email,
    feeling mood NOT NULL DEFAULT 'ok',
    age posint,
    name_upper text GENERATED ALWAYS AS (upper(name)) STORED,
    touched integer NOT NULL DEFAULT 0
);
CREATE TABLE audit (
    id bigserial PRIMARY KEY,
    op text NOT NULL,
    person_id integer,
    old_name text,
    new_name text
);
CREATE FUNCTION touch_person() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.touched := OLD.touched + 1;
    RETURN NEW;
END
$$;
CREATE FUNCTION audit_person() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        INSERT INTO audit (op, person_id, old_name) VALUES (TG_OP, OLD.id, OLD.name);
        RETURN OLD;
    ELSIF TG_OP = 'UPDATE' THEN
        INSERT INTO audit (op, person_id, old_name, new_name) VALUES (TG_OP, NEW.id, OLD.name, NEW.name);
    ELSE
        INSERT INTO audit (op, person_id, new_name) VALUES (TG_OP, NEW.id, NEW.name);
    END IF;
    RETURN NEW;
END
$$;
CREATE FUNCTION mood_score(m mood) RETURNS integer LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE m WHEN 'sad' THEN 0 WHEN 'ok' THEN 1 ELSE 2 END
$$;
CREATE FUNCTION people_feeling(m mood) RETURNS SETOF text LANGUAGE plpgsql STABLE AS $$
DECLARE
    r record;
BEGIN
    FOR r IN SELECT name FROM person WHERE feeling = m ORDER BY id LOOP
        RETURN NEXT r.name;
    END LOOP;
END
$$;
CREATE TRIGGER person_touch BEFORE UPDATE ON person FOR EACH ROW EXECUTE FUNCTION touch_person();
CREATE TRIGGER person_audit AFTER INSERT OR UPDATE OR DELETE ON person
    FOR EACH ROW EXECUTE FUNCTION audit_person();
INSERT INTO person (name, mail, feeling, age) VALUES
    ('ada', 'ada@example.org', 'happy', 36), ('bob', NULL, 'sad', NULL), ('cy', 'cy@example.org', 'ok', 51);
UPDATE person SET age = 37 WHERE name = 'ada';
ALTER TABLE person OWNER TO app_owner;
ALTER TABLE audit OWNER TO app_owner;
GRANT SELECT ON person TO app_reader;
GRANT SELECT (id, op) ON audit TO app_reader;
"""

# the same statements on both servers, after the load; each answer (rows or SQLSTATE) must match
CHECKS = [
    "SELECT id, name, mail, feeling::text, age, name_upper, touched FROM person ORDER BY id",
    "SELECT id, op, person_id, old_name, new_name FROM audit ORDER BY id",
    "SELECT name FROM person ORDER BY feeling, name",
    "SELECT name, mood_score(feeling) FROM person ORDER BY id",
    "SELECT * FROM people_feeling('happy')",
    "INSERT INTO person (name, mail, feeling, age) VALUES ('dee', 'dee@example.org', 'ok', 20)",
    "INSERT INTO person (name, age) VALUES ('eve', 0)",
    "INSERT INTO person (name, mail) VALUES ('fay', 'no-at-sign')",
    "INSERT INTO person (name, feeling) VALUES ('gus', 'angry')",
    "INSERT INTO person (name, name_upper) VALUES ('hal', 'X')",
    "UPDATE person SET name = 'bobby' WHERE name = 'bob'",
    "UPDATE person SET age = age + 1 WHERE age IS NOT NULL",
    "DELETE FROM person WHERE name = 'cy'",
    "SELECT id, name, mail, feeling::text, age, name_upper, touched FROM person ORDER BY id",
    # an UPDATE of several rows visits them in storage order (PostgreSQL's heap order differs): the
    # audit rows it wrote are compared as a set
    "SELECT count(*), max(id) FROM audit",
    "SELECT op, person_id, old_name, new_name FROM audit ORDER BY op, person_id, old_name, new_name",
    "SET ROLE app_reader",
    "SELECT name FROM person ORDER BY id",
    "SELECT id, op FROM audit ORDER BY id",
    "SELECT old_name FROM audit",
    "INSERT INTO person (name) VALUES ('ivy')",
    "RESET ROLE",
]




@pytest.mark.skipif(BINDIR is None, reason="PostgreSQL 15 client tools are not installed")
def test_pg_dump_of_postgres_loads_and_behaves_the_same(server, tmp_path: Path) -> None:
    with reference_postgres() as ref:
        if ref is None:
            pytest.skip("no PostgreSQL 15 server could be started here")
        src = reference_database(ref, "shop", SCHEMA)
        roles = tmp_path / "roles.sql"
        dump = tmp_path / "shop.sql"
        got = run_tool([f"{BINDIR}/pg_dumpall", *src, "--roles-only", "-f", str(roles)])
        assert got.returncode == 0, got.stderr
        got = run_tool([f"{BINDIR}/pg_dump", *src, "-d", "shop", "-f", str(dump)])
        assert got.returncode == 0, got.stderr

        # the roles file creates the bootstrap superuser too, which exists on orbitdb as on any
        # PostgreSQL cluster: that one error is expected (PostgreSQL gives the same)
        made_roles = server.psql("-f", str(roles), check=False)
        errors = [line for line in made_roles.stderr.splitlines() if "ERROR" in line]
        assert all('role "postgres" already exists' in line for line in errors), made_roles.stderr
        restored = server.psql("-v", "ON_ERROR_STOP=1", "-f", str(dump), check=False)
        assert restored.returncode == 0, restored.stderr[-3000:]

        expected = answers(f"{ref} dbname=shop".replace("dbname=postgres ", ""), CHECKS)
        actual = answers(server.dsn, CHECKS)
        for sql, want, have in zip(CHECKS, expected, actual, strict=True):
            assert have == want, f"{sql}\n PostgreSQL: {want}\n orbitdb:    {have}"
