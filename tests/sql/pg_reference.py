"""A real PostgreSQL 15 and a real `orbitdb serve` for the tests of tests/sql that compare with
PostgreSQL or load a pg_dump: the compat suite's PgServer (tests/compat/compat_harness.py) and
the wire tests' ServerProcess (tests/wire/wire_support.py), plus PostgreSQL's client programs."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parents[1]
for sub in ("compat", "wire"):
    if str(TESTS / sub) not in sys.path:
        sys.path.insert(0, str(TESTS / sub))

from compat_harness import PG_BINDIR, PgServer, running
from wire_support import ServerProcess

__all__ = ["PG_BINDIR", "PgServer", "ServerProcess", "dump_database", "pg_program", "psql_file", "reference_pg"]


def pg_program(name: str) -> str:
    path = PG_BINDIR / name
    if not path.exists():
        pytest.skip(f"PostgreSQL 15 program {path} is not installed")
    return str(path)


@pytest.fixture(scope="module")
def reference_pg() -> Iterator[PgServer]:
    """A throwaway PostgreSQL 15 cluster for the module (skips when it cannot be started)."""
    yield from running(PgServer(), "this module")


def _pg_env() -> dict[str, str]:
    return dict(os.environ, PGCONNECT_TIMEOUT="10", PGOPTIONS="")


def run_pg(args: list[str], timeout: float = 300) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(args, capture_output=True, text=True, env=_pg_env(), timeout=timeout, check=False)
    if result.returncode != 0:
        raise AssertionError(f"{' '.join(args)} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    return result


def dump_database(server: PgServer, dbname: str, out: Path) -> Path:
    """A plain-format pg_dump of the database, as `pg_dump db > file` writes it."""
    run_pg([pg_program("pg_dump"), "-h", "127.0.0.1", "-p", str(server.port), "-U", "postgres", "-f", str(out),
            dbname])
    return out


def psql_file(server: ServerProcess, path: Path, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    """Loads a SQL file into orbitdb as a restore does: psql -v ON_ERROR_STOP=1 -f (failing the test
    on the first error)."""
    return run_pg([pg_program("psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", server.host, "-p",
                   str(server.port), "-U", "orbit", "-d", "actors", "-f", str(path)], timeout=timeout)
