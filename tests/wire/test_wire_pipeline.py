"""An extended-protocol pipeline is one implicit transaction up to Sync, and a multi-statement
simple Query one implicit transaction: an error rolls back what ran before it, a BEGIN inside
takes it into a block, a COMMIT or ROLLBACK inside ends it with a warning. Every scenario runs on
orbitdb and on a real PostgreSQL 15; the messages and the table afterwards must be the same.
Then the drivers that pipeline: psycopg 3's pipeline mode and executemany, asyncpg's executemany."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from pgproto import FLUSH, SYNC, RawClient, bind, error_fields, execute, parse, query
from wire_support import needs_psycopg3, psycopg

try:
    import asyncpg
except ImportError:  # pragma: no cover - asyncpg is in the test extras
    asyncpg = None


def _fields(dsn: str) -> dict[str, str]:
    return dict(part.split("=", 1) for part in dsn.split())


def _raw(target) -> RawClient:
    if isinstance(target, str):
        f = _fields(target)
        client = RawClient(f["host"], int(f["port"]))
        client.startup({"user": f["user"], "database": f["dbname"]})
    else:
        client = RawClient(target.host, target.port)
        client.startup()
    return client


def _summary(messages: list[tuple[str, bytes]]) -> list[str]:
    """The messages as comparable text: kinds, tags, SQLSTATEs, notices and row values."""
    out = []
    for kind, body in messages:
        if kind in "EN":
            f = error_fields(body)
            out.append(f"{kind}:{f.get('S')}:{f.get('C')}:{f.get('M')}")
        elif kind == "C":
            out.append("C:" + body.rstrip(b"\0").decode())
        elif kind == "Z":
            out.append("Z:" + body.decode())
        elif kind == "D":
            out.append("D:" + body[6:].decode())
        elif kind in "T":
            out.append("T")
        else:
            out.append(kind)
    return out


def _ins(table: str, value: int | str) -> bytes:
    return parse(f"INSERT INTO {table} VALUES ($1)") + bind(params=(str(value).encode(),)) + execute()


def _stmt(sql: str) -> bytes:
    return parse(sql) + bind() + execute()


def _simple(sql: str) -> bytes:
    return query(sql)


# (name, messages built from a table name, how many ReadyForQuery to read)
SCENARIOS = [
    ("error in the middle rolls back", lambda t: _ins(t, 1) + _ins(t, 2) + _ins(t, 1) + _ins(t, 4) + SYNC, 1),
    ("no error commits at sync", lambda t: _ins(t, 1) + _ins(t, 2) + SYNC, 1),
    ("each sync ends a transaction", lambda t: _ins(t, 1) + SYNC + _ins(t, 2) + _ins(t, 2) + SYNC, 2),
    ("commit inside warns and commits", lambda t: _ins(t, 1) + _stmt("COMMIT") + _ins(t, 2) + _ins(t, 2) + SYNC, 1),
    ("rollback inside warns and rolls back", lambda t: _ins(t, 1) + _stmt("ROLLBACK") + _ins(t, 2) + SYNC, 1),
    (
        "begin inside takes the earlier statements in",
        lambda t: _ins(t, 1) + _stmt("BEGIN") + _ins(t, 2) + SYNC + _simple("ROLLBACK"),
        2,
    ),
    (
        "begin inside then an error leaves the block aborted",
        lambda t: _ins(t, 1) + _stmt("BEGIN") + _ins(t, 2) + _ins(t, 2) + SYNC + _simple("SELECT 1") + _simple("ROLLBACK"),
        3,
    ),
    (
        "begin and commit inside, then an error",
        lambda t: _ins(t, 1) + _stmt("BEGIN") + _ins(t, 2) + _stmt("COMMIT") + _ins(t, 3) + _ins(t, 3) + SYNC,
        1,
    ),
    ("savepoint outside a block fails", lambda t: _ins(t, 1) + _stmt("SAVEPOINT a") + _ins(t, 2) + SYNC, 1),
    (
        "inside an explicit block an error aborts the block",
        lambda t: _simple("BEGIN") + _ins(t, 1) + _ins(t, 1) + SYNC + _simple("ROLLBACK"),
        3,
    ),
    ("a failing parameter rolls back", lambda t: _ins(t, 1) + _ins(t, "x") + _ins(t, 3) + SYNC, 1),
    ("a later statement sees an earlier one", lambda t: _ins(t, 1) + _stmt(f"SELECT count(*) FROM {t}") + SYNC, 1),
    (
        "a suspended portal, then more statements",
        lambda t: parse("SELECT g FROM generate_series(1, 3) g") + bind() + execute("", 1) + _ins(t, 1) + SYNC,
        1,
    ),
    (
        "a plain SET is undone with the pipeline",
        lambda t: _stmt("SET work_mem = '3MB'") + _ins(t, 1) + _ins(t, 1) + SYNC + _simple("SHOW work_mem"),
        2,
    ),
    (
        "a Query after pipelined messages fails: both roll back",
        lambda t: _ins(t, 1) + _simple(f"INSERT INTO {t} VALUES (1)") + SYNC,
        2,
    ),
    (
        "a Query after pipelined messages ends their transaction",
        lambda t: _ins(t, 1) + _simple(f"INSERT INTO {t} VALUES (2)") + _ins(t, 2) + SYNC,
        2,
    ),
    ("simple: an error rolls back the message", lambda t: _simple(f"INSERT INTO {t} VALUES (1); INSERT INTO {t} VALUES (1)"), 1),
    (
        "simple: commit inside, then an error",
        lambda t: _simple(f"INSERT INTO {t} VALUES (1); COMMIT; INSERT INTO {t} VALUES (2); SELECT 1/0"),
        1,
    ),
    (
        "simple: begin inside, then an error",
        lambda t: _simple(f"INSERT INTO {t} VALUES (1); BEGIN; INSERT INTO {t} VALUES (2); SELECT 1/0")
        + _simple("ROLLBACK"),
        2,
    ),
    (
        "simple: begin, commit, then an error",
        lambda t: _simple(f"BEGIN; INSERT INTO {t} VALUES (1); COMMIT; INSERT INTO {t} VALUES (2); SELECT 1/0"),
        1,
    ),
    ("simple: rollback inside", lambda t: _simple(f"INSERT INTO {t} VALUES (1); ROLLBACK; INSERT INTO {t} VALUES (2)"), 1),
    ("simple: savepoint outside a block", lambda t: _simple(f"INSERT INTO {t} VALUES (1); SAVEPOINT a"), 1),
    (
        "simple: a block's commit inside, then an error",
        lambda t: _simple("BEGIN") + _simple(f"INSERT INTO {t} VALUES (1); COMMIT; INSERT INTO {t} VALUES (2); SELECT 1/0"),
        2,
    ),
    (
        "simple: a SET is undone with the message",
        lambda t: _simple("SET work_mem = '5MB'; SELECT 1/0") + _simple("SHOW work_mem"),
        2,
    ),
]


def _run_scenario(target, table: str, build, syncs: int) -> list[list[str]]:
    client = _raw(target)
    try:
        client.send(query(f"CREATE TABLE {table} (id int PRIMARY KEY)"))
        client.read_until("Z")
        client.send(build(table))
        answers = [_summary(client.read_until("Z")) for _ in range(syncs)]
        client.send(query(f"SELECT id FROM {table} ORDER BY id"))
        answers.append(_summary(client.read_until("Z")))
        return answers
    finally:
        client.close()


@pytest.mark.parametrize("name,build,syncs", SCENARIOS, ids=[s[0] for s in SCENARIOS])
def test_raw_protocol_matches_postgres(server, reference, name, build, syncs):
    table = "p_" + uuid.uuid4().hex[:8]
    ours = _run_scenario(server, table, build, syncs)
    theirs = _run_scenario(reference, table, build, syncs)
    if name == "a failing parameter rolls back":
        # PostgreSQL converts parameters at Bind, orbitdb at Execute: only BindComplete differs
        ours = [[m for m in answer if m != "2" or i != 0] for i, answer in enumerate(ours)]
        theirs = [[m for m in answer if m != "2" or i != 0] for i, answer in enumerate(theirs)]
    assert ours == theirs


def test_twenty_one_rows_with_a_duplicate_at_eleven_leave_none(server):
    table = "p_" + uuid.uuid4().hex[:8]
    client = _raw(server)
    try:
        client.send(query(f"CREATE TABLE {table} (id int PRIMARY KEY)"))
        client.read_until("Z")
        ids = list(range(1, 11)) + [5] + list(range(12, 22))
        client.send(b"".join(_ins(table, i) for i in ids) + SYNC)
        answer = _summary(client.read_until("Z"))
        assert answer.count("C:INSERT 0 1") == 10 and answer[-2].startswith("E:ERROR:23505") and answer[-1] == "Z:I"
        client.send(query(f"SELECT count(*) FROM {table}"))
        assert "D:0" in _summary(client.read_until("Z"))
    finally:
        client.close()


def test_flush_does_not_end_the_pipeline(server):
    table = "p_" + uuid.uuid4().hex[:8]
    client = _raw(server)
    other = _raw(server)
    try:
        client.send(query(f"CREATE TABLE {table} (id int PRIMARY KEY)"))
        client.read_until("Z")
        client.send(_ins(table, 1) + FLUSH)
        assert _summary([client.read(), client.read(), client.read()]) == ["1", "2", "C:INSERT 0 1"]
        other.send(query(f"SELECT count(*) FROM {table}"))
        assert "D:0" in _summary(other.read_until("Z"))  # not committed before Sync
        client.send(SYNC)
        assert _summary(client.read_until("Z")) == ["Z:I"]
        other.send(query(f"SELECT count(*) FROM {table}"))
        assert "D:1" in _summary(other.read_until("Z"))
    finally:
        client.close()
        other.close()


def _psycopg_pipeline(dsn: str) -> tuple[list[int], str]:
    table = "p_" + uuid.uuid4().hex[:8]
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f"CREATE TABLE {table} (id int PRIMARY KEY, note text)")
        sqlstate = ""
        try:
            with conn.pipeline():
                for i in (1, 2, 3, 2, 5):
                    conn.execute(f"INSERT INTO {table} VALUES (%s, %s)", (i, f"row {i}"))
        except psycopg.errors.UniqueViolation as exc:
            sqlstate = exc.sqlstate or ""
        ids = [r[0] for r in conn.execute(f"SELECT id FROM {table} ORDER BY id").fetchall()]
        with conn.pipeline():
            conn.execute(f"INSERT INTO {table} VALUES (%s, %s)", (10, "ok"))
            conn.execute(f"INSERT INTO {table} VALUES (%s, %s)", (11, "ok"))
        ids += [r[0] for r in conn.execute(f"SELECT id FROM {table} ORDER BY id").fetchall()]
        return ids, sqlstate


@needs_psycopg3
def test_psycopg3_pipeline_with_an_error_in_the_middle(server, reference):
    ours, theirs = _psycopg_pipeline(server.dsn), _psycopg_pipeline(reference)
    assert ours == theirs
    assert ours == ([10, 11], "23505")


def _psycopg_executemany(dsn: str) -> list[object]:
    table = "p_" + uuid.uuid4().hex[:8]
    out: list[object] = []
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f"CREATE TABLE {table} (id int PRIMARY KEY)")
        rows = [(i,) for i in range(1, 11)] + [(5,)] + [(i,) for i in range(12, 22)]
        with conn.cursor() as cur:
            try:
                cur.executemany(f"INSERT INTO {table} VALUES (%s)", rows)
            except psycopg.errors.UniqueViolation as exc:
                out.append(exc.sqlstate)
            out.append(conn.execute(f"SELECT count(*) FROM {table}").fetchone())
            cur.executemany(f"INSERT INTO {table} VALUES (%s)", [(i,) for i in range(1, 22)])
            out.append(conn.execute(f"SELECT count(*) FROM {table}").fetchone())
    return out


@needs_psycopg3
def test_psycopg3_executemany_is_all_or_nothing(server, reference):
    ours, theirs = _psycopg_executemany(server.dsn), _psycopg_executemany(reference)
    assert ours == theirs
    assert ours == ["23505", (0,), (21,)]


async def _asyncpg_executemany(host: str, port: int, user: str, database: str) -> list[object]:
    table = "p_" + uuid.uuid4().hex[:8]
    conn = await asyncpg.connect(host=host, port=port, user=user, database=database)
    out: list[object] = []
    try:
        await conn.execute(f"CREATE TABLE {table} (id int PRIMARY KEY, note text)")
        rows = [(i, f"row {i}") for i in range(1, 11)] + [(5, "again")] + [(i, "") for i in range(12, 22)]
        try:
            await conn.executemany(f"INSERT INTO {table} VALUES ($1, $2)", rows)
        except asyncpg.UniqueViolationError as exc:
            out.append(exc.sqlstate)
        out.append(await conn.fetchval(f"SELECT count(*) FROM {table}"))
        await conn.executemany(f"INSERT INTO {table} VALUES ($1, $2)", [(i, "ok") for i in range(1, 22)])
        out.append(await conn.fetchval(f"SELECT count(*) FROM {table}"))
        async with conn.transaction():  # inside an explicit block the error aborts the block
            await conn.execute(f"INSERT INTO {table} VALUES (100, 'in block')")
            try:
                async with conn.transaction():  # a savepoint
                    await conn.executemany(f"INSERT INTO {table} VALUES ($1, $2)", [(101, ""), (1, "dup")])
            except asyncpg.UniqueViolationError as exc:
                out.append(exc.sqlstate)
        out.append(await conn.fetchval(f"SELECT count(*) FROM {table}"))
    finally:
        await conn.close()
    return out


@pytest.mark.skipif(asyncpg is None, reason="asyncpg is not installed")
def test_asyncpg_executemany_is_all_or_nothing(server, reference):
    f = _fields(reference)
    theirs = asyncio.run(_asyncpg_executemany(f["host"], int(f["port"]), f["user"], f["dbname"]))
    ours = asyncio.run(_asyncpg_executemany(server.host, server.port, "orbit", "actors"))
    assert ours == theirs
    assert ours == ["23505", 0, 21, "23505", 22]
