"""executemany of INSERT ... VALUES ($1, ...), INSERT ... SELECT, multi-row VALUES and COPY FROM
write their rows in batches (one unique check in the engine, one write per batch); they must answer
exactly as inserting the rows one by one does:
the same rows, the same error for the same row (a duplicate key in the batch or in the table, a
NULL in a NOT NULL column, a CHECK, a foreign key, a value out of range), in autocommit mode, in a
transaction block, after a savepoint, with the transaction's own earlier writes. Each case runs on
two fresh databases, with batches and with batches turned off (rows inserted one by one, as before
batches), and compares."""

from __future__ import annotations

import random
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import orbitdb
from orbitdb.sql.modify.constraints import TableWriter
from orbitdb.sql.modify.dml import CompiledInsert
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
        if self.table.name in ("t", "plain"):
            batched.append(len(args[1]) if first_conflict < 0 else 0)
        return first_conflict

    monkeypatch.setattr(TableAccess, "insert_many", counted)
    compare(tmp_path, "clean", block, [good_row(i) for i in range(5000)])  # more than one batch
    assert sum(batched) == 5000  # the batches took every row (batches turned off for the reference)
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


STATEMENTS = [
    # each run after the schema, as one statement
    "INSERT INTO t (id, k, tag, p) SELECT g, g % 5, 'g' || g, g % 50 FROM generate_series(1, 9000) g",
    "INSERT INTO t (id, k, tag) SELECT g % 4000, 1, 'g' || g FROM generate_series(1, 9000) g",  # dup id
    "INSERT INTO t (id, k, tag) SELECT g, 1, 'same' FROM generate_series(1, 50) g",  # dup tag
    "INSERT INTO t (id, k) SELECT g, CASE WHEN g = 5000 THEN NULL ELSE 1 END FROM generate_series(1, 9000) g",
    "INSERT INTO t (id, k) SELECT g, CASE WHEN g = 4097 THEN -1 ELSE 1 END FROM generate_series(1, 9000) g",
    "INSERT INTO t (id, k, p) SELECT g, 1, g FROM generate_series(1, 60) g",  # parents 50.. missing
    "INSERT INTO t (id, k, tag) VALUES (1, 1, 'a'), (2, 2, 'b'), (-1, 3, 'c'), (4, 4, 'd')",
    "INSERT INTO t (id, k, tag) VALUES (1, 1, 'a'), (2, 2, 'b'), (3, 3, 'c')",
    "INSERT INTO plain SELECT g, 'x' FROM generate_series(1, 5000) g",
    # each row refers to the one before it: a batch cannot check that, rows one by one can
    "INSERT INTO self_ref SELECT g, CASE WHEN g = 1 THEN NULL ELSE g - 1 END FROM generate_series(1, 100) g",
]


def run_statement(path: Path, block: str, sql: str) -> tuple[Any, ...]:
    conn = orbitdb.connect(str(path))
    conn.autocommit = True
    cur = conn.cursor()
    for stmt in SCHEMA + ["CREATE TABLE self_ref (id int PRIMARY KEY, up int REFERENCES self_ref (id))"]:
        cur.execute(stmt)
    cur.execute("INSERT INTO t (id, k, tag) VALUES (-1, 0, 'stored')")
    if block != "autocommit":
        cur.execute("BEGIN")
    error = None
    try:
        cur.execute(sql)
        error = cur.rowcount
    except orbitdb.Error as e:
        error = (e.sqlstate, str(e), getattr(e, "detail", None))
    if block != "autocommit":
        cur.execute("COMMIT")
    tables = [cur.execute(f"SELECT * FROM {name} ORDER BY 1, 2").fetchall() for name in ("t", "plain", "self_ref")]
    conn.close()
    return error, tables


@pytest.mark.parametrize("number", range(len(STATEMENTS)))
@pytest.mark.parametrize("block", ["autocommit", "block"])
def test_insert_select_and_values_batches_answer_as_rows_one_by_one(tmp_path: Path, number: int, block: str) -> None:
    sql = STATEMENTS[number]
    batched = run_statement(tmp_path / "batched", block, sql)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(CompiledInsert, "_insert_batches", lambda self, ctx, produced: (0, produced))
        one_by_one = run_statement(tmp_path / "each", block, sql)
    assert batched == one_by_one


def copy_lines(n: int, faults: dict[int, str]) -> str:
    lines = [faults.get(i, f"{i}\t{i % 7}\ttag{i}\t{i % 100}.5\t{i % 50}") for i in range(n)]
    return "\n".join(lines) + "\n"


COPIES = {
    "clean": copy_lines(10_000, {}),
    "duplicate before a bad value": copy_lines(10_000, {6000: "7\t1\tx6000\t1\t1", 7000: "7000\tseven\tx\t1\t1"}),
    "bad value before a duplicate": copy_lines(10_000, {3000: "3000\tseven\tx\t1\t1", 6000: "7\t1\tx6000\t1\t1"}),
    "NULL in a NOT NULL column": copy_lines(5000, {4500: "4500\t\\N\tx\t1\t1"}),
    "check fails": copy_lines(5000, {100: "100\t-3\tx\t1\t1"}),
    "missing parent": copy_lines(5000, {4999: "4999\t1\tx\t1\t77"}),
    "missing column": copy_lines(5000, {4100: "4100\t1"}),
}


def run_copy(path: Path, data: str) -> tuple[Any, ...]:
    import io

    conn = orbitdb.connect(str(path))
    conn.autocommit = True
    cur = conn.cursor()
    for stmt in SCHEMA:
        cur.execute(stmt)
    error = None
    try:
        cur.copy_expert("COPY t (id, k, tag, amount, p) FROM STDIN", io.StringIO(data))
        error = cur.rowcount
    except orbitdb.Error as e:
        error = (e.sqlstate, str(e), getattr(e, "detail", None))
    rows = cur.execute("SELECT * FROM t ORDER BY id").fetchall()
    conn.close()
    return error, rows


@pytest.mark.parametrize("case", sorted(COPIES))
def test_copy_from_batches_answer_as_rows_one_by_one(tmp_path: Path, case: str) -> None:
    written: list[int] = []
    insert_batch = TableWriter.insert_batch

    def counted(self: TableWriter, ctx: Any, rows: list[tuple[Any, ...]]) -> bool:
        ok = insert_batch(self, ctx, rows)
        if ok and self.table.name == "t":
            written.append(len(rows))
        return ok

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(TableWriter, "insert_batch", counted)
        batched = run_copy(tmp_path / "batched", COPIES[case])
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(TableWriter, "insert_batch", lambda self, ctx, rows: False)
        one_by_one = run_copy(tmp_path / "each", COPIES[case])
    assert batched == one_by_one
    if case == "clean":
        assert batched[0] == sum(written) == 10_000
