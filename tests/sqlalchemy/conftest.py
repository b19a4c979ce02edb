"""Fixtures of the SQLAlchemy, Alembic and pandas tests: a real `orbitdb serve` and a PostgreSQL 15
to compare with (both from tests/wire), and the embedded dialect registered even where orbitdb is
not installed with its entry points (a source checkout run with PYTHONPATH)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "wire"))

from reference_pg import reference_postgres
from wire_support import ServerProcess

sqlalchemy = pytest.importorskip("sqlalchemy")


def _register_embedded_dialect() -> None:
    from sqlalchemy.dialects import registry
    from sqlalchemy.exc import NoSuchModuleError

    try:
        registry.load("orbitdb")
    except NoSuchModuleError:  # not installed with its entry points: the same class, registered by hand
        registry.register("orbitdb", "orbitdb.sqlalchemy_dialect", "OrbitdbDialect")


_register_embedded_dialect()


@pytest.fixture(scope="module")
def orbitdb_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """postgresql+psycopg2:// URL of a fresh `orbitdb serve` shared by a module's tests."""
    server = ServerProcess(tmp_path_factory.mktemp("sqla") / "data").wait_ready()
    try:
        yield f"postgresql+psycopg2://orbit@{server.host}:{server.port}/actors"
    finally:
        server.stop()


@pytest.fixture(scope="module")
def postgres_url() -> Iterator[str]:
    """The same for a fresh PostgreSQL 15 (the test is skipped where none can be started)."""
    with reference_postgres() as dsn:
        if dsn is None:
            pytest.skip("no PostgreSQL 15 to compare with")
        fields = dict(part.split("=", 1) for part in dsn.split())
        yield f"postgresql+psycopg2://{fields['user']}@{fields['host']}:{fields['port']}/{fields['dbname']}"
