"""pg_dump and pg_restore both ways, every format: a database with every kind of object orbitdb keeps
(dump_schema.py) is dumped from orbitdb and restored into PostgreSQL 15, and dumped from PostgreSQL 15
and restored into orbitdb, with `pg_dump -Fp` + `psql -f`, `-Fc` + `pg_restore -d`, `-Fd` +
`pg_restore -j 2 -d` and `-Fc` + `pg_restore -f` + `psql -f`, all with errors fatal. After each
restore: every table's and view's rows equal the source's, a schema-only dump of the restored
database equals one of a database its own server loaded from the schema script (so nothing was
lost or changed on the way), and the same statements get the same answers as on PostgreSQL.
The roles go first, with `pg_dumpall --globals-only`, each way."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg2
import pytest
from dump_schema import CHECKS, CONTENTS, ROLES, SCHEMA
from pg_answers import answers, run_tool
from reference_pg import reference_postgres
from wire_support import BINDIR, ServerProcess

pytestmark = pytest.mark.skipif(BINDIR is None, reason="PostgreSQL 15 client tools are not installed")

ROLE_ROWS = [
    ("SELECT rolname, rolsuper, rolinherit, rolcreaterole, rolcreatedb, rolcanlogin, rolreplication,"
     " rolbypassrls, rolconnlimit, rolconfig FROM pg_roles WHERE rolname !~ '^pg_' ORDER BY 1"),
    ("SELECT r.rolname, m.rolname, a.admin_option FROM pg_auth_members a JOIN pg_roles r ON r.oid = a.roleid"
     " JOIN pg_roles m ON m.oid = a.member WHERE r.rolname !~ '^pg_' ORDER BY 1, 2"),
    "SELECT rolname, rolpassword FROM pg_authid WHERE rolname = 'app_login'",
]


@dataclass
class Side:
    """One server as the client tools reach it."""

    name: str
    host: str
    port: int

    def options(self, dbname: str) -> list[str]:
        return ["-h", self.host, "-p", str(self.port), "-U", "postgres", "-d", dbname]

    def dsn(self, dbname: str) -> str:
        return f"host={self.host} port={self.port} user=postgres dbname={dbname}"

    def psql(self, dbname: str, *args: str, input: str | None = None) -> Any:
        return run_tool([f"{BINDIR}/psql", "-X", "-q", *self.options(dbname), *args], input=input)


@dataclass
class Clusters:
    orbitdb: Side
    postgres: Side
    globals_errors: dict[str, list[str]]  # what loading the other side's globals reported


def _errors(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if "ERROR" in line]


def _exchange_globals(src: Side, dst: Side, tmp: Path) -> list[str]:
    out = tmp / f"globals-{src.name}.sql"
    got = run_tool([f"{BINDIR}/pg_dumpall", *src.options("postgres")[:-2], "-l", "postgres", "--globals-only",
                    "-f", str(out)])
    assert got.returncode == 0, got.stderr
    return _errors(dst.psql("postgres", "-f", str(out)).stderr)


@pytest.fixture(scope="module")
def clusters(server: ServerProcess, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Clusters]:
    with reference_postgres() as ref:
        if ref is None:
            pytest.skip("no PostgreSQL 15 server could be started here")
        params = dict(p.split("=", 1) for p in ref.split())
        orb = Side("orbitdb", server.host, server.port)
        pg = Side("postgres", params["host"], int(params["port"]))
        tmp = tmp_path_factory.mktemp("dump")
        made = orb.psql("postgres", "-v", "ON_ERROR_STOP=1", input=ROLES)
        assert made.returncode == 0, made.stderr
        # the roles made on orbitdb go to PostgreSQL, then all of PostgreSQL's come back
        errors = {"postgres": _exchange_globals(orb, pg, tmp), "orbitdb": _exchange_globals(pg, orb, tmp)}
        for side in (orb, pg):
            made = side.psql("postgres", "-c", "CREATE DATABASE src")
            assert made.returncode == 0, made.stderr
            loaded = side.psql("src", "-v", "ON_ERROR_STOP=1", input=SCHEMA)
            assert loaded.returncode == 0, f"{side.name}: {loaded.stderr}"
        yield Clusters(orb, pg, errors)


def test_globals_only_both_ways(clusters: Clusters) -> None:
    # each side already has its bootstrap superuser (and PostgreSQL the roles orbitdb sent it)
    assert all("already exists" in e for e in clusters.globals_errors["postgres"]), clusters.globals_errors
    assert all("already exists" in e for e in clusters.globals_errors["orbitdb"]), clusters.globals_errors
    want = answers(clusters.postgres.dsn("postgres"), ROLE_ROWS)
    have = answers(clusters.orbitdb.dsn("postgres"), ROLE_ROWS)
    for sql, w, h in zip(ROLE_ROWS, want, have, strict=True):
        assert h == w, f"{sql}\n PostgreSQL: {w}\n orbitdb:    {h}"
    assert ("shop_reader",) in [r[:1] for r in want[0]] and want[2][0][1].startswith("SCRAM-SHA-256$")


def _restore(fmt: str, src: Side, dst: Side, target: str, tmp: Path) -> None:
    """Dumps src's database src in format fmt and restores it into dst's database target."""
    dump = [f"{BINDIR}/pg_dump", *src.options("src")]
    if fmt == "plain":
        steps = [[*dump, "-Fp", "-f", str(tmp / "d.sql")],
                 [f"{BINDIR}/psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", *dst.options(target), "-f", str(tmp / "d.sql")]]
    elif fmt == "custom":
        steps = [[*dump, "-Fc", "-f", str(tmp / "d.dump")],
                 [f"{BINDIR}/pg_restore", "--exit-on-error", *dst.options(target), str(tmp / "d.dump")]]
    elif fmt == "directory":
        steps = [[*dump, "-Fd", "-f", str(tmp / "d.dir")],
                 [f"{BINDIR}/pg_restore", "-j", "2", "--exit-on-error", *dst.options(target), str(tmp / "d.dir")]]
    else:  # an archive turned into a script by pg_restore -f, then run by psql
        steps = [[*dump, "-Fc", "-f", str(tmp / "d.dump")],
                 [f"{BINDIR}/pg_restore", "-f", str(tmp / "r.sql"), str(tmp / "d.dump")],
                 [f"{BINDIR}/psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", *dst.options(target), "-f", str(tmp / "r.sql")]]
    made = dst.psql("postgres", "-c", f"CREATE DATABASE {target}")
    assert made.returncode == 0, made.stderr
    for cmd in steps:
        got = run_tool(cmd)
        assert got.returncode == 0 and not _errors(got.stderr), f"{cmd[0]}: {got.stderr[-3000:]}"


def _schema_dump(side: Side, dbname: str) -> str:
    got = run_tool([f"{BINDIR}/pg_dump", *side.options(dbname), "-s"])
    assert got.returncode == 0, got.stderr
    # the restrict key is random; the rest must match line for line
    return re.sub(r"^\\(un)?restrict \S+$", "", got.stdout, flags=re.MULTILINE)


def _contents(side: Side, dbname: str) -> dict[str, list[tuple[Any, ...]]]:
    con = psycopg2.connect(side.dsn(dbname))
    try:
        cur = con.cursor()
        out = {}
        for table, order in CONTENTS.items():
            cur.execute(f"SELECT * FROM {table} ORDER BY {order}")
            out[table] = cur.fetchall()
        return out
    finally:
        con.close()


FORMATS = ["plain", "custom", "directory", "script"]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("direction", ["orbitdb-to-postgres", "postgres-to-orbitdb"])
def test_dump_and_restore(clusters: Clusters, direction: str, fmt: str, tmp_path: Path) -> None:
    src, dst = ((clusters.orbitdb, clusters.postgres) if direction == "orbitdb-to-postgres"
                else (clusters.postgres, clusters.orbitdb))
    target = f"r_{fmt}"
    _restore(fmt, src, dst, target, tmp_path)

    want, have = _contents(src, "src"), _contents(dst, target)
    for table in CONTENTS:
        assert have[table] == want[table], f"{table}\n {src.name}: {want[table]}\n {dst.name}: {have[table]}"

    # the restored database is what its own server makes of the schema script
    assert _schema_dump(dst, target) == _schema_dump(dst, "src")

    copy = f"c_{direction.replace('-', '_')}_{fmt}"
    made = clusters.postgres.psql("postgres", "-c", f"CREATE DATABASE {copy} TEMPLATE src")
    assert made.returncode == 0, made.stderr
    expected = answers(clusters.postgres.dsn(copy), CHECKS)
    actual = answers(dst.dsn(target), CHECKS)
    for sql, w, h in zip(CHECKS, expected, actual, strict=True):
        assert h == w, f"{sql}\n PostgreSQL: {w}\n {dst.name}: {h}"
