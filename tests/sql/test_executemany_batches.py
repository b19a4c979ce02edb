"""executemany of INSERT ... VALUES ($1, ...) writes its rows in batches (one unique check in the
engine, one write per batch); it must answer exactly as running the statement once per row does:
the same rows, the same error for the same row (a duplicate key in the batch or in the table, a
NULL in a NOT NULL column, a CHECK, a foreign key, a value out of range), in autocommit mode, in a
transaction block, after a savepoint, with the transaction's own earlier writes. Each case runs on
two fresh databases, executemany with batches and executemany with batches turned off (the
statement run once per row, as before batches), and compares."""

from __future__ import annotations

import random
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import orbitdb
from orbitdb.sql.exec.dml import CompiledInsert
from orbitdb.storage.tables import TableAccess

SCHEMA = [
    "CREATE TABLE parent (id int PRIMARY KEY)",
    "INSERT INTO parent SELECT g FROM generate_series(0, 49) g",
    ("CREATE TABLE t (id int PRIMARY KEY, k int NOT NULL, tag text UNIQUE, amount numeric(6,2), "
     "p int REFERENCES parent (id), flag boolean DEFAULT true, CHECK (k >= 0))"),
    "CREATE INDEX t_k ON t (k)",
    "CREATE TABLE plain (a int, b text)",  # no primary key: hidden row ids
]
INSERT_T = "INSERT INTO t (id, k, tag, amount, p) VALUES (%s, %s, %s, %s, %s)"
INSERT_PLAIN = "INSERT INTO plain VALUES (%s, %s)"


def good_row(i: int) -> tuple[Any, ...]:
    return (i, i % 7, f"tag{i}", Decimal(i % 1000) / 4, i % 50)


FAULTS = {
    "duplicate id in the batch": lambda rows, n: rows.__setitem__(n, (rows[0][0],) + rows[n][1:]),
    "duplicate tag in the batch": lambda rows, n: rows.__setitem__(n, rows[n][:2] + (rows[1][2],) + rows[n][3:]),
    "id already stored": lambda rows, n: rows.__setitem__(n, (-1,) + rows[n][1:]),
    "tag already stored": lambda rows, n: rows.__setitem__(n, rows[n][:2] + ("stored",) + rows[n][3:]),
    "NULL k": lambda rows, n: rows.__setitem__(n, (rows[n][0], None) + rows[n][2:]),
    "check fails": lambda rows, n: rows.__setitem__(n, (rows[n][0], -5) + rows[n][2:]),
    "missing parent": lambda rows, n: rows.__setitem__(n, rows[n][:4] + (999,)),
    "amount too large": lambda rows, n: rows.__setitem__(n, rows[n][:3] + (Decimal("12345.6"),) + rows[n][4:]),
    "id out of int range": lambda rows, n: rows.__setitem__(n, (2**40,) + rows[n][1:]),
    "text where an int goes": lambda rows, n: rows.__setitem__(n, (rows[n][0], "seven") + rows[n][2:]),
    "NUL in text": lambda rows, n: rows.__setitem__(n, rows[n][:2] + ("a\x00b",) + rows[n][3:]),
}


def run(path: Path, block: str, rows: list[tuple[Any, ...]], sql: str = INSERT_T
        ) -> tuple[str | None, str | None, list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """(SQLSTATE, message and detail of the error or None, t's rows, plain's rows)."""
    conn = orbitdb.connect(str(path))
    conn.autocommit = True
    cur = conn.cursor()
    for stmt in SCHEMA:
        cur.execute(stmt)
    cur.execute("INSERT INTO t (id, k, tag) VALUES (-1, 0, 'stored')")
    error: tuple[str | None, str | None] = (None, None)
    if block != "autocommit":
        cur.execute("BEGIN")
        cur.execute("INSERT INTO t (id, k, tag) VALUES (-2, 1, 'own write')")
        if block == "savepoint":
            cur.execute("SAVEPOINT s")
    try:
        cur.executemany(sql, rows)
    except orbitdb.Error as e:
        error = (e.sqlstate, f"{e} | {getattr(e, 'detail', None)}")
    if block == "savepoint":
        cur.execute("ROLLBACK TO SAVEPOINT s" if error[0] else "RELEASE SAVEPOINT s")
        cur.execute("COMMIT")
    elif block == "block":
        cur.execute("COMMIT")  # ROLLBACK after an error
    t_rows = cur.execute("SELECT id, k, tag, amount, p, flag FROM t ORDER BY id").fetchall()
    plain_rows = cur.execute("SELECT a, b FROM plain ORDER BY a, b").fetchall()
    through_index = cur.execute("SELECT count(*) FROM t WHERE k = 3").fetchone()
    assert through_index == (sum(1 for r in t_rows if r[1] == 3),)
    conn.close()
    return error[0], error[1], t_rows, plain_rows


def compare(tmp_path: Path, name: str, block: str, rows: list[tuple[Any, ...]], sql: str = INSERT_T) -> None:
    batched = run(tmp_path / f"{name}-batched", block, rows, sql)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(CompiledInsert, "run_many", lambda self, ctx, param_rows, types: 0)
        one_by_one = run(tmp_path / f"{name}-each", block, rows, sql)
    assert batched == one_by_one


@pytest.mark.parametrize("block", ["autocommit", "block", "savepoint"])
def test_clean_batches_insert_every_row(tmp_path: Path, block: str, monkeypatch: pytest.MonkeyPatch) -> None:
    batched: list[int] = []
    insert_many = TableAccess.insert_many

    def counted(self: TableAccess, *args: Any) -> int:
        first_conflict = insert_many(self, *args)
        batched.append(len(args[1]) if first_conflict < 0 else 0)
        return first_conflict

    monkeypatch.setattr(TableAccess, "insert_many", counted)
    compare(tmp_path, "clean", block, [good_row(i) for i in range(5000)])  # more than one batch
    assert sum(batched) == 5000  # the batches took every row
    compare(tmp_path, "plain", block, [(i % 13, f"b{i}") for i in range(300)], INSERT_PLAIN)
    assert sum(batched) == 5300


@pytest.mark.parametrize("seed", range(12))
def test_faults_give_the_error_of_the_row_that_has_it(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    block = ["autocommit", "block", "savepoint"][seed % 3]
    rows = [good_row(i) for i in range(rng.choice([30, 300, 4200]))]
    for fault in rng.sample(sorted(FAULTS), 2):
        FAULTS[fault](rows, rng.randrange(2, len(rows)))
    compare(tmp_path, f"faults{seed}", block, rows)


def test_mixed_parameter_types_in_a_column(tmp_path: Path) -> None:
    # the first row decides the parameter types; later rows bring other Python types
    rows = [(1, 1, None, None, None), (2, "2", "x", 3, 4), (3, 3.0, "y", 1.5, None), (4, True, "z", "2.25", 1)]
    compare(tmp_path, "mixed", "autocommit", rows)
