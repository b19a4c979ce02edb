"""The drivers' and tools' own test suites that orbitdb is held to: where each comes from (a PyPI
sdist at a pinned version), how it is pointed at a server, its fast subset (the default CI run)
and its whole (`-m slow`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django_suite import run_django
from endpoints import Endpoint


@dataclass(frozen=True)
class Suite:
    name: str
    package: str  # on PyPI
    version: str
    full: tuple[str, ...]  # pytest targets, relative to the sdist's root
    fast: tuple[str, ...]  # the subset the default CI run takes
    environment: Callable[[Endpoint], dict[str, str]]
    arguments: Callable[[Endpoint], list[str]] = field(default=lambda endpoint: [])
    seconds_per_test: int = 60  # a test that hangs longer fails, and the run goes on
    seconds_in_all: int = 3600
    # python -P: the sdist's own package folder (asyncpg/ beside tests/) must not shadow the installed driver
    safe_path: bool = False
    # a suite whose runner is not pytest: (suite, sdist root, endpoint, full, workdir, extra
    # arguments) -> test id -> passed/failed/skipped; None runs pytest over `full` / `fast`
    runner: Callable[[Suite, Path, Endpoint, bool, Path, list[str]], dict[str, str]] | None = None


def _psycopg2_environment(endpoint: Endpoint) -> dict[str, str]:
    return {
        "PSYCOPG2_TESTDB": endpoint.dbname,
        "PSYCOPG2_TESTDB_HOST": endpoint.host,
        "PSYCOPG2_TESTDB_PORT": str(endpoint.port),
        "PSYCOPG2_TESTDB_USER": endpoint.user,
        "PSYCOPG2_TESTDB_PASSWORD": endpoint.password,
    }


PSYCOPG2 = Suite(
    name="psycopg2",
    package="psycopg2",
    version="2.9.13",
    full=("tests",),
    # sessions, transactions, cancel, COPY, types and the DB-API: about 20 s against orbitdb (the
    # whole, about 45 s, adds async, green, notify and large objects)
    fast=("tests/test_connection.py", "tests/test_cursor.py", "tests/test_transaction.py", "tests/test_cancel.py",
          "tests/test_copy.py", "tests/test_module.py", "tests/test_dates.py", "tests/test_types_basic.py",
          "tests/test_extras_dictcursor.py", "tests/test_fast_executemany.py", "tests/test_sql.py",
          "tests/test_with.py", "tests/test_psycopg2_dbapi20.py", "tests/test_quote.py"),
    environment=_psycopg2_environment,
)



def _asyncpg_environment(endpoint: Endpoint) -> dict[str, str]:
    # asyncpg's _testbase uses the running server named by PGHOST instead of starting its own
    return endpoint.libpq_environment()


def _asyncpg_arguments(endpoint: Endpoint) -> list[str]:
    # fails now and then against PostgreSQL 15 too (a connection of the pool it closes is still
    # being made when the test ends): a list that may only shrink cannot hold a test that flickers
    return ["--deselect", "tests/test_pool.py::TestPool::test_pool_config_persistence"]


ASYNCPG = Suite(
    name="asyncpg",
    package="asyncpg",
    version="0.32.0",
    full=("tests",),
    fast=("tests/test_execute.py", "tests/test_prepare.py", "tests/test_pool.py", "tests/test_transaction.py",
          "tests/test_cursor.py", "tests/test_record.py", "tests/test_connect.py", "tests/test_copy.py"),
    environment=_asyncpg_environment,
    arguments=_asyncpg_arguments,
    safe_path=True,
)


PLUGINS = Path(__file__).resolve().parent / "plugins"  # pytest plugins some suites load with -p


def _sqlalchemy_environment(endpoint: Endpoint) -> dict[str, str]:
    return {"PYTHONPATH": str(PLUGINS)}


def _sqlalchemy_arguments(endpoint: Endpoint) -> list[str]:
    # its pyproject stops a run after 250 failures; the expected-failures file needs them all
    return ["-p", "sqla_suite_setup", f"--dburi={endpoint.url('postgresql+psycopg2')}", "--maxfail=1000000"]


SQLALCHEMY = Suite(
    name="sqlalchemy",
    package="SQLAlchemy",
    version="2.0.59",
    # the PostgreSQL dialect's tests and the ORM's (which run against the --dburi database)
    full=("test/dialect/postgresql", "test/orm"),
    # the catalog queries of reflection; the ORM over orbitdb is in tests/sqlalchemy (default run)
    fast=("test/dialect/postgresql/test_reflection.py",),
    environment=_sqlalchemy_environment,
    arguments=_sqlalchemy_arguments,
)

ALEMBIC = Suite(
    name="alembic",
    package="alembic",
    version="1.20.1",
    # its own tests, with SQLAlchemy's testing plugin: the backend ones run against --dburi
    full=("tests",),
    fast=("tests/test_postgresql.py",),
    environment=_sqlalchemy_environment,
    arguments=_sqlalchemy_arguments,
)


DJANGO = Suite(
    name="django",
    package="Django",
    version="5.2.20",
    # runtests.py labels (apps under the sdist's tests/): the ORM, migrations, transactions, JSONField.
    # Not postgres_tests (ArrayField, HStoreField, ranges): its first migration creates the extensions
    # bloom, btree_gin, btree_gist, citext, hstore, pg_trgm and unaccent, which orbitdb does not provide.
    # Not inspectdb: it introspects every table of the test database, some minutes on orbitdb.
    full=("basic", "queries", "transactions", "transaction_hooks", "migrations", "model_fields", "lookup",
          "expressions", "aggregation", "annotations", "update", "delete", "many_to_one", "many_to_many",
          "select_related", "get_or_create", "bulk_create", "ordering", "backends", "introspection",
          "schema", "db_functions", "model_inheritance", "custom_pk", "fixtures",
          "multiple_database", "indexes", "constraints"),
    # the fast subset has no migrations module: each migration test's DDL took seconds on orbitdb
    # (Django's test database setup migrates contenttypes and auth all the same)
    fast=("basic", "transactions", "model_fields.test_jsonfield", "queries.tests", "aggregation.tests",
          "backends.postgresql"),
    environment=lambda endpoint: {},
    seconds_in_all=3600,
    runner=run_django,
)

SUITES: dict[str, Suite] = {suite.name: suite for suite in (PSYCOPG2, ASYNCPG, SQLALCHEMY, ALEMBIC, DJANGO)}
