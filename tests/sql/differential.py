"""Statements run on a throwaway PostgreSQL 15 and on embedded orbitdb, outcome by outcome, with
the compat suite's comparison (success or SQLSTATE, column names and types, rows)."""

from __future__ import annotations

from pathlib import Path

from pg_reference import PgServer  # first: it puts tests/compat on the path

# isort: split
from compat_harness import (
    OrbitSide,
    PgSide,
    Statement,
    compare_outcomes,
    mark_internal_error,
    statement_shape,
)


def differences(server: PgServer, data_dir: Path, label: str, statements: list[str]) -> list[str]:
    """Each statement whose outcome on orbitdb differs from PostgreSQL's, with both outcomes."""
    pg = PgSide(server.dsn(server.create_database(label)))
    orb = OrbitSide(str(data_dir))
    out = []
    try:
        for n, sql in enumerate(statements, 1):
            want = pg.execute(sql)
            got = mark_internal_error(orb.execute(sql))
            stmt = Statement(file=label, number=n, line=n, sql=sql)
            diffs = compare_outcomes(want, got, stmt, statement_shape(sql))
            if diffs:
                out.append(f"{sql}\n  {'; '.join(diffs)}\n  postgres: {want.short()}\n  orbitdb:  {got.short()}")
    finally:
        pg.close()
        orb.close()
    return out
