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
    fast=("tests/test_connection.py", "tests/test_cursor.py", "tests/test_transaction.py"),
    environment=_psycopg2_environment,
)

DJANGO = Suite(
    name="django",
    package="Django",
    version="5.2.20",
    # runtests.py labels (apps under the sdist's tests/): the ORM, migrations, transactions, JSONField.
    # Not postgres_tests (ArrayField, HStoreField, ranges): its first migration creates the extensions
    # bloom, btree_gin, btree_gist, citext, hstore, pg_trgm and unaccent, which orbitdb does not provide.
    # Not constraints: its models declare a UNIQUE ... DEFERRABLE constraint (orbitdb defers foreign keys only),
    # and one table Django cannot create stops the whole run. Not inspectdb: it introspects every table of
    # the test database, some minutes on orbitdb.
    full=("basic", "queries", "transactions", "transaction_hooks", "migrations", "model_fields", "lookup",
          "expressions", "aggregation", "annotations", "update", "delete", "many_to_one", "many_to_many",
          "select_related", "get_or_create", "bulk_create", "ordering", "backends", "introspection",
          "schema", "db_functions", "model_inheritance", "custom_pk", "fixtures",
          "multiple_database", "indexes"),
    # the fast subset has no migrations module: each migration test's DDL took seconds on orbitdb
    # (Django's test database setup migrates contenttypes and auth all the same)
    fast=("basic", "transactions", "model_fields.test_jsonfield", "queries.tests", "aggregation.tests",
          "backends.postgresql"),
    environment=lambda endpoint: {},
    seconds_in_all=3600,
    runner=run_django,
)

SUITES: dict[str, Suite] = {suite.name: suite for suite in (PSYCOPG2, DJANGO)}
