"""Domains (CREATE DOMAIN): NOT NULL, CHECK and DEFAULT enforced on every INSERT, UPDATE, COPY
and cast with PostgreSQL's errors; ALTER DOMAIN checks the rows already stored; DROP DOMAIN
refuses while a column uses it."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from usertype_fixtures import autocommit_db
from usertype_fixtures import fails as _fails
from usertype_fixtures import rows as _all

import orbitdb


@pytest.fixture
def cur(tmp_path: Path) -> Any:
    c = autocommit_db(tmp_path / "db").cursor()
    c.execute("CREATE DOMAIN posint AS integer CHECK (VALUE > 0)")
    c.execute("CREATE DOMAIN email AS text CONSTRAINT email_at CHECK (VALUE LIKE '%@%')")
    c.execute("CREATE DOMAIN code AS varchar(4) NOT NULL DEFAULT 'none'")
    c.execute("CREATE TABLE account (id posint PRIMARY KEY, mail email, c code, qty posint)")
    c.execute("INSERT INTO account VALUES (1, 'a@x', 'ab', 5)")
    return c


def test_insert_checks_every_domain_constraint(cur: Any) -> None:
    msg = _fails(cur, "INSERT INTO account VALUES (0, 'b@x', 'ab', 5)", "23514")
    assert msg.startswith('value for domain posint violates check constraint "posint_check"')
    msg = _fails(cur, "INSERT INTO account VALUES (2, 'nomail', 'ab', 5)", "23514")
    assert 'violates check constraint "email_at"' in msg
    msg = _fails(cur, "INSERT INTO account VALUES (3, 'c@x', NULL, 5)", "23502")
    assert msg.startswith("domain code does not allow null values")
    _fails(cur, "INSERT INTO account VALUES (4, 'd@x', 'toolong', 5)", "22001")  # the base type's length
    cur.execute("INSERT INTO account (id, mail) VALUES (5, 'e@x')")  # the domain's default
    cur.execute("INSERT INTO account (id, mail, qty) VALUES (6, 'f@x', NULL)")  # NULL passes a CHECK
    assert _all(cur, "SELECT id, c, qty FROM account ORDER BY id") == [(1, "ab", 5), (5, "none", None),
                                                                        (6, "none", None)]


def test_update_and_insert_select_are_checked(cur: Any) -> None:
    _fails(cur, "UPDATE account SET qty = -1 WHERE id = 1", "23514")
    cur.execute("UPDATE account SET qty = qty + 1")
    assert _all(cur, "SELECT qty FROM account") == [(6,)]
    cur.execute("CREATE TABLE nums (v posint)")
    cur.execute("INSERT INTO nums SELECT g FROM generate_series(1, 3) g")
    _fails(cur, "INSERT INTO nums SELECT g FROM generate_series(-1, 1) g", "23514")
    assert _all(cur, "SELECT count(*) FROM nums") == [(3,)]


def test_copy_from_is_checked(cur: Any) -> None:
    cur.execute("CREATE TABLE nums (v posint)")
    cur.copy_expert("COPY nums FROM STDIN", io.StringIO("1\n2\n"))
    assert _all(cur, "SELECT count(*) FROM nums") == [(2,)]
    with pytest.raises(orbitdb.Error) as info:
        cur.copy_expert("COPY nums FROM STDIN", io.StringIO("3\n-4\n"))
    assert info.value.sqlstate == "23514"
    assert _all(cur, "SELECT count(*) FROM nums") == [(2,)]


def test_casts_are_checked(cur: Any) -> None:
    assert _all(cur, "SELECT 5::posint, '7'::posint + 1, NULL::posint") == [(5, 8, None)]
    _fails(cur, "SELECT (-5)::posint", "23514")
    _fails(cur, "SELECT NULL::code", "23502")
    _fails(cur, "SELECT 'xy'::email", "23514")
    cur.execute("CREATE DOMAIN small AS posint CHECK (VALUE < 10)")  # a domain over a domain
    assert _all(cur, "SELECT 5::small") == [(5,)]
    assert "small_check" in _fails(cur, "SELECT 50::small", "23514")
    assert "posint_check" in _fails(cur, "SELECT 0::small", "23514")  # the base domain's first


def test_alter_domain_checks_existing_rows(cur: Any) -> None:
    cur.execute("ALTER DOMAIN posint ADD CONSTRAINT under_100 CHECK (VALUE < 100)")
    _fails(cur, "INSERT INTO account VALUES (100, 'g@x', 'ab', 1)", "23514")
    msg = _fails(cur, "ALTER DOMAIN posint ADD CONSTRAINT under_3 CHECK (VALUE < 3)", "23514")
    assert 'column "qty" of table "account" contains values that violate the new constraint' in msg
    cur.execute("ALTER DOMAIN posint ADD CONSTRAINT under_3 CHECK (VALUE < 3) NOT VALID")  # not checked now
    cur.execute("ALTER DOMAIN posint DROP CONSTRAINT under_3")
    cur.execute("ALTER DOMAIN posint DROP CONSTRAINT under_100")
    cur.execute("INSERT INTO account VALUES (100, 'g@x', 'ab', 1)")
    _fails(cur, "ALTER DOMAIN posint DROP CONSTRAINT nosuch", "42704")
    cur.execute("ALTER DOMAIN posint DROP CONSTRAINT IF EXISTS nosuch")
    cur.execute("INSERT INTO account (id) VALUES (7)")
    _fails(cur, "ALTER DOMAIN email SET NOT NULL", "23502")
    cur.execute("ALTER DOMAIN email SET DEFAULT 'nobody@x'")
    cur.execute("INSERT INTO account (id) VALUES (8)")
    assert _all(cur, "SELECT mail FROM account WHERE id = 8") == [("nobody@x",)]
    cur.execute("ALTER DOMAIN email DROP DEFAULT")
    cur.execute("ALTER DOMAIN code DROP NOT NULL")
    cur.execute("INSERT INTO account (id, c) VALUES (9, NULL)")
    cur.execute("ALTER DOMAIN posint RENAME CONSTRAINT posint_check TO positive")
    assert "positive" in _fails(cur, "SELECT 0::posint", "23514")


def test_catalog_rows_and_definitions(cur: Any) -> None:
    assert _all(cur, "SELECT typtype, format_type(typbasetype, typtypmod), typnotnull, typdefault FROM pg_type "
                     "WHERE typname = 'code'") == [("d", "character varying(4)", True, "'none'::character varying")]
    assert _all(cur, "SELECT conname, contypid::regtype::text, pg_get_constraintdef(oid) FROM pg_constraint "
                     "WHERE contypid = 'email'::regtype") == [("email_at", "email", "CHECK ((VALUE ~~ '%@%'::text))")]
    assert _all(cur, "SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute "
                     "WHERE attrelid = 'account'::regclass AND attnum > 0 ORDER BY attnum") == [
        ("id", "posint"), ("mail", "email"), ("c", "code"), ("qty", "posint")]


def test_drop_domain(cur: Any) -> None:
    msg = _fails(cur, "DROP DOMAIN posint", "2BP01")
    assert "cannot drop domain posint because other objects depend on it" in msg
    cur.execute("CREATE DOMAIN unused AS int")
    cur.execute("DROP DOMAIN unused")
    _fails(cur, "DROP DOMAIN unused", "42704")
    cur.execute("DROP DOMAIN IF EXISTS unused")
    cur.execute("DROP TABLE account")
    cur.execute("DROP DOMAIN posint, email, code")
    _fails(cur, "SELECT 1::posint", "42704")


def test_create_domain_errors(cur: Any) -> None:
    _fails(cur, "CREATE DOMAIN posint AS int", "42710")
    _fails(cur, "CREATE DOMAIN bad AS int CHECK (VALUE + 1)", "42804")
    _fails(cur, "CREATE DOMAIN bad AS nosuchtype", "42704")
    _fails(cur, "CREATE DOMAIN bad AS int CHECK (nosuch > 0)", "42703")
    _fails(cur, "CREATE DOMAIN bad AS int NULL NOT NULL", "42601")


def test_add_column_of_a_domain_type(cur: Any) -> None:
    cur.execute("CREATE DOMAIN nn AS int NOT NULL")
    cur.execute("CREATE DOMAIN one AS int NOT NULL DEFAULT 1 CHECK (VALUE > 0)")
    cur.execute("CREATE TABLE empty (a int)")
    cur.execute("ALTER TABLE empty ADD COLUMN b nn")  # no rows: nothing to check
    cur.execute("ALTER TABLE account ADD COLUMN o one")  # existing rows take the domain's default
    assert _all(cur, "SELECT o FROM account") == [(1,)]
    _fails(cur, "ALTER TABLE account ADD COLUMN b nn", "23502")
    _fails(cur, "ALTER TABLE account ADD COLUMN b one DEFAULT -5", "23514")
    cur.execute("ALTER TABLE account ADD COLUMN b one DEFAULT 7")
    assert _all(cur, "SELECT o, b FROM account") == [(1, 7)]
    cur.execute("ALTER TABLE account ALTER COLUMN qty TYPE bigint")
    cur.execute("ALTER TABLE account ALTER COLUMN qty TYPE posint USING qty::int")
    _fails(cur, "ALTER TABLE account ALTER COLUMN qty TYPE one USING -qty", "23514")
