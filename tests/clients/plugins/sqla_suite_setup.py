"""A pytest plugin loaded into SQLAlchemy's and Alembic's own test runs (`-p sqla_suite_setup`; both
use SQLAlchemy's testing plugin and its PostgreSQL provisioning): prepares the
database as SQLAlchemy's README.unittests asks (the schemas test_schema and test_schema_2) and
lets its provisioning create only the extensions the server offers in pg_available_extensions.

SQLAlchemy's PostgreSQL provisioning runs `CREATE EXTENSION IF NOT EXISTS citext` and `hstore`
before the first test and stops the whole run when one is refused; with this plugin the tests that
need a missing extension fail on their own (and are listed in expected/sqlalchemy.txt) while the
others run. Against PostgreSQL 15 both are offered, so nothing changes there."""

from __future__ import annotations

import psycopg2
import pytest

TEST_SCHEMAS = ("test_schema", "test_schema_2")


def _libpq_url(dburi: str) -> str:
    """postgresql+psycopg2://... as the postgresql:// URL libpq reads."""
    scheme, rest = dburi.split("://", 1)
    return "postgresql://" + rest if scheme.startswith("postgresql") else dburi


@pytest.hookimpl(tryfirst=True)
def pytest_sessionstart(session: pytest.Session) -> None:
    dburis = session.config.getoption("dburi", None) or []
    if not dburis:
        return
    connection = psycopg2.connect(_libpq_url(dburis[0]))
    try:
        connection.autocommit = True
        with connection.cursor() as cursor:
            for schema in TEST_SCHEMAS:
                cursor.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
            cursor.execute("SELECT name FROM pg_catalog.pg_available_extensions")
            offered = {row[0] for row in cursor.fetchall()}
    finally:
        connection.close()
    # imported here: SQLAlchemy's conftest has put the sdist's lib/ first on sys.path by now
    from sqlalchemy.dialects.postgresql import provision

    provision._extensions[:] = [entry for entry in provision._extensions if entry[0] in offered]
