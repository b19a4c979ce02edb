"""Memory bounded by work_mem: sorts, hash aggregates, DISTINCT, set operations, hash joins, CTEs,
window partitions and recursive working tables move to temporary files past work_mem and give the
same rows as in memory; the files live in the database's pgsql_tmp while the statement runs and
are gone after it, also after an error and a cancel; a UNION recursive query whose seen-set
outgrows hash_mem stops with 53200. Also the statement text's own limits: linear splitting and
tokenising, caches bounded in bytes, parameter numbers."""

from __future__ import annotations

import datetime
import decimal
import os
import random
import threading
import time
import tracemalloc
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pg_reference import reference_pg

import orbitdb
from orbitdb.sql.errors import SqlError
from orbitdb.sql.parse import parser
from orbitdb.sql.spill import StatementSpill, TupleStore, sort_in_memory
from orbitdb.sql.spill.codec import decode_block, encode_block
from orbitdb.sql.spill.files import TEMP_DIR
from orbitdb.sql.spill.sort import ExternalSort, top_sorted
from orbitdb.storage.interval import Interval
from orbitdb.storage.jsonnull import JSON_NULL

__all__ = ["reference_pg"]  # the fixture, imported for pytest

TINY = "64kB"
HUGE = "1GB"


@pytest.fixture
def con(tmp_path: Path) -> Iterator[Any]:
    c = orbitdb.connect(str(tmp_path / "db"))
    c.autocommit = True
    try:
        yield c
    finally:
        c.close()


def _temp_files(c: Any) -> list[str]:
    folder = os.path.join(c.path, TEMP_DIR)
    return sorted(os.listdir(folder)) if os.path.isdir(folder) else []


def _fill(c: Any, rows: int = 6000, seed: int = 7) -> None:
    import random

    rnd = random.Random(seed)
    cur = c.cursor()
    cur.execute("CREATE TABLE t (id int PRIMARY KEY, a int, b text, c numeric, d float8)")
    data = []
    for i in range(rows):
        a = None if rnd.random() < 0.05 else rnd.randint(0, rows // 4)
        b = None if rnd.random() < 0.05 else "".join(rnd.choice("abcxyz") for _ in range(rnd.randint(0, 24)))
        c_ = decimal.Decimal(rnd.randint(-10**6, 10**6)) / 100
        data.append((i, a, b, c_, rnd.random()))
    cur.executemany("INSERT INTO t VALUES (%s, %s, %s, %s, %s)", data)


def _run(c: Any, sql: str, work_mem: str, hash_mult: str = "1") -> list[tuple[Any, ...]]:
    cur = c.cursor()
    cur.execute(f"SET work_mem = '{work_mem}'")
    cur.execute(f"SET hash_mem_multiplier = {hash_mult}")
    cur.execute(sql)
    return cur.fetchall()


def _same(a: list[tuple[Any, ...]], b: list[tuple[Any, ...]], ordered: bool) -> bool:
    return a == b if ordered else sorted(map(repr, a)) == sorted(map(repr, b))


# (query, compare in order?) -- every one spills at 64kB over 6000 rows
SHAPES = [
    ("SELECT a, b, id FROM t ORDER BY a DESC NULLS LAST, b, id", True),
    ("SELECT b FROM t ORDER BY b NULLS FIRST", True),  # ties keep the scan's order
    (("SELECT a, count(*), sum(c), min(b), max(d), avg(c), count(DISTINCT b), "
     "string_agg(b, ',' ORDER BY b, id) FROM t GROUP BY a"), False),
    ("SELECT a % 7, array_agg(DISTINCT a), variance(c), stddev(d) FROM t GROUP BY 1", False),
    ("SELECT count(DISTINCT b), count(DISTINCT a), sum(DISTINCT c) FROM t", False),
    ("SELECT DISTINCT a FROM t", False),
    ("SELECT DISTINCT ON (a) a, b, id FROM t ORDER BY a, b, id", True),
    ("SELECT t1.id, t2.id FROM t t1 JOIN t t2 ON t1.a = t2.a WHERE t1.d < 0.1", False),
    ("SELECT t1.id, t2.id FROM t t1 LEFT JOIN t t2 ON t1.a = t2.a AND t2.d < 0.2", False),
    ("SELECT t1.id, t2.id FROM t t1 FULL JOIN (SELECT * FROM t WHERE d < 0.3) t2 ON t1.a = t2.a AND t1.d < 0.05",
     False),
    ("SELECT t1.id, t2.id FROM (SELECT * FROM t WHERE d < 0.02) t1 JOIN t t2 ON t1.b < t2.b AND t2.d < 0.05",
     False),  # nested loop: the inner rows in a tuple store
    (("SELECT id, row_number() OVER (PARTITION BY a ORDER BY b, id), sum(c) OVER (PARTITION BY a), "
     "lag(b) OVER (ORDER BY d, id), rank() OVER (ORDER BY a) FROM t"), False),
    ("SELECT a FROM t UNION SELECT a + 1 FROM t", False),
    ("SELECT a, b FROM t INTERSECT SELECT a, b FROM t WHERE d < 0.5", False),
    ("SELECT a FROM t EXCEPT ALL SELECT a FROM t WHERE d < 0.5", False),
    ("SELECT b FROM t EXCEPT SELECT b FROM t WHERE d < 0.5", False),
    ("WITH x AS (SELECT * FROM t) SELECT count(*), sum(x1.id) FROM x x1 JOIN x x2 ON x1.a = x2.a", False),
    (("WITH RECURSIVE r(n, s) AS (VALUES (1, 'x') UNION ALL SELECT n + 1, s || 'y' FROM r WHERE n < 3000) "
     "SELECT count(*), sum(n), max(length(s)) FROM r"), False),
    ("SELECT id, b FROM t ORDER BY b DESC, id LIMIT 2500", True),  # a bounded heap past work_mem
]


@pytest.fixture(scope="module")
def filled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    c = orbitdb.connect(str(tmp_path_factory.mktemp("spill") / "db"))
    c.autocommit = True
    _fill(c)
    try:
        yield c
    finally:
        c.close()


@pytest.mark.parametrize(("sql", "ordered"), SHAPES, ids=[q[:40] for q, _ in SHAPES])
def test_tiny_work_mem_gives_the_same_rows(filled: Any, sql: str, ordered: bool) -> None:
    big = _run(filled, sql, HUGE)
    small = _run(filled, sql, TINY)
    assert _same(big, small, ordered)
    assert _temp_files(filled) == []
    # and it did go to disk: with no temporary file allowed, PostgreSQL's 53400
    cur = filled.cursor()
    cur.execute("SET temp_file_limit = 0")
    try:
        with pytest.raises(orbitdb.DatabaseError) as err:
            _run(filled, sql, TINY)
        assert err.value.sqlstate == "53400"
        assert "temporary file size exceeds temp_file_limit (0kB)" in str(err.value)
    finally:
        cur.execute("RESET temp_file_limit")
    assert _temp_files(filled) == []


def _random_rows(rnd: Any, n: int) -> list[tuple[Any, ...]]:
    """n rows of (int or NULL, short text or NULL, int or NULL): many ties, many NULLs."""
    def value() -> Any:
        return None if rnd.random() < 0.1 else rnd.randint(-50, 50)

    def text() -> Any:
        return None if rnd.random() < 0.1 else "".join(rnd.choice("abcAB é") for _ in range(rnd.randint(0, 12)))

    return [(value(), text(), value()) for _ in range(n)]


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(n=st.sampled_from([0, 1, 3, 40]) | st.integers(1000, 2500), seed=st.integers(0, 2**32),
       shape=st.sampled_from(["order", "group", "distinct", "join", "window", "union", "except", "recursive"]),
       desc=st.booleans(), nulls_first=st.booleans())
def test_random_data_spilled_or_not(tmp_path: Path, n: int, seed: int, shape: str, desc: bool,
                                    nulls_first: bool) -> None:
    rows = _random_rows(random.Random(seed), n)
    c = orbitdb.connect(str(tmp_path / f"h{seed}-{n}-{shape}-{desc}-{nulls_first}"))
    c.autocommit = True
    try:
        cur = c.cursor()
        cur.execute("DROP TABLE IF EXISTS h")
        cur.execute("CREATE TABLE h (k serial PRIMARY KEY, x int, s text, y int)")
        if rows:
            cur.executemany("INSERT INTO h (x, s, y) VALUES (%s, %s, %s)", rows)
        order = f"{'DESC' if desc else 'ASC'} NULLS {'FIRST' if nulls_first else 'LAST'}"
        sql, ordered = {
            "order": (f"SELECT x, s, k FROM h ORDER BY s {order}, x {order}", True),
            "group": (("SELECT x, count(*), sum(y), max(s), count(DISTINCT s), "
                      f"string_agg(s, '|' ORDER BY s {order}, k) FROM h GROUP BY x"), False),
            "distinct": ("SELECT DISTINCT s, y FROM h", False),
            "join": ("SELECT a.k, b.k FROM h a LEFT JOIN h b ON a.x = b.y AND a.s = b.s", False),
            "window": ((f"SELECT k, dense_rank() OVER (PARTITION BY x ORDER BY s {order}), "
                       "count(*) OVER (PARTITION BY s) FROM h"), False),
            "union": ("SELECT s FROM h UNION SELECT s || 'z' FROM h", False),
            "except": ("SELECT x, s FROM h EXCEPT SELECT y, s FROM h", False),
            "recursive": (("WITH RECURSIVE r(n, x) AS (SELECT k, x FROM h UNION ALL SELECT n, x + 1 FROM r "
                          "WHERE x < 3) SELECT n, x FROM r"), False),
        }[shape]
        assert _same(_run(c, sql, HUGE), _run(c, sql, TINY), ordered)
        assert _temp_files(c) == []
    finally:
        c.close()


def test_settings_read_as_postgresql(con: Any) -> None:
    cur = con.cursor()
    cur.execute("SHOW work_mem")
    assert cur.fetchone() == ("4MB",)
    cur.execute("SHOW hash_mem_multiplier")
    assert cur.fetchone() == ("2",)
    for value, shown in (("64", "64kB"), ("'1024kB'", "1MB"), ("'1536kB'", "1536kB"), ("'1.5MB'", "1536kB"),
                         ("'4 MB'", "4MB"), ("'2GB'", "2GB")):
        cur.execute(f"SET work_mem = {value}")
        cur.execute("SHOW work_mem")
        assert cur.fetchone() == (shown,)
    # PostgreSQL 15's answers, word for word
    refused = {
        "10": '10 kB is outside the valid range for parameter "work_mem" (64 .. 2147483647)',
        "'1B'": '0 kB is outside the valid range for parameter "work_mem" (64 .. 2147483647)',
        "'3TB'": 'invalid value for parameter "work_mem": "3TB"',
        "'4mb'": 'invalid value for parameter "work_mem": "4mb"',
    }
    for value, message in refused.items():
        with pytest.raises(orbitdb.DatabaseError) as err:
            cur.execute(f"SET work_mem = {value}")
        assert err.value.sqlstate == "22023"
        assert str(err.value) == message
    with pytest.raises(orbitdb.DatabaseError) as err:
        cur.execute("SET hash_mem_multiplier = 0.5")
    assert str(err.value) == '0.5 is outside the valid range for parameter "hash_mem_multiplier" (1 .. 1000)'
    cur.execute("SET hash_mem_multiplier = 1.5")
    cur.execute("SHOW hash_mem_multiplier")
    assert cur.fetchone() == ("1.5",)


def test_temporary_files_exist_while_the_statement_runs(con: Any) -> None:
    _fill(con, 4000)
    seen: list[list[str]] = []
    done = threading.Event()

    def watch() -> None:
        while not done.is_set():
            files = _temp_files(con)
            if files:
                seen.append(files)
            time.sleep(0.005)

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        # the sort's runs are on disk while the rows above it sleep
        rows = _run(con, "SELECT id, pg_sleep(0.001) FROM (SELECT id FROM t ORDER BY b, id) s LIMIT 200", TINY)
    finally:
        done.set()
        watcher.join()
    assert len(rows) == 200
    assert seen and all(name.startswith("pgsql_tmp") for name in seen[0])
    mode = os.stat(os.path.join(con.path, TEMP_DIR)).st_mode & 0o777
    assert mode == 0o700
    assert _temp_files(con) == []


def test_temporary_files_removed_after_an_error(con: Any) -> None:
    _fill(con, 4000)
    with pytest.raises(orbitdb.DatabaseError) as err:
        _run(con, "SELECT 1 / (a - a) FROM (SELECT a FROM t ORDER BY b, id) s", TINY)
    assert err.value.sqlstate == "22012"
    assert _temp_files(con) == []


def test_temporary_files_removed_after_a_cancel(con: Any) -> None:
    _fill(con, 4000)
    cur = con.cursor()
    cur.execute("SET statement_timeout = '300ms'")
    with pytest.raises(orbitdb.DatabaseError) as err:
        _run(con, "SELECT id, pg_sleep(0.01) FROM (SELECT id FROM t ORDER BY b, id) s", TINY)
    assert err.value.sqlstate == "57014"
    assert _temp_files(con) == []
    # a cancel request from another thread, during a hash join's partitions
    cur.execute("SET statement_timeout = 0")
    session = con._session
    threading.Timer(0.3, session.cancel).start()
    with pytest.raises(orbitdb.DatabaseError) as err:
        _run(con, "SELECT count(*) FROM t t1 JOIN t t2 ON t1.a = t2.a JOIN t t3 ON t2.a = t3.a "
                  "WHERE pg_sleep(0.0005) IS NOT NULL", TINY)
    assert err.value.sqlstate == "57014"
    assert _temp_files(con) == []


def test_files_left_by_a_crash_are_swept_at_open(tmp_path: Path) -> None:
    path = str(tmp_path / "db")
    orbitdb.connect(path).close()
    folder = os.path.join(path, TEMP_DIR)
    os.makedirs(folder, exist_ok=True)
    Path(folder, "pgsql_tmp4242.17").write_bytes(b"left behind")
    c = orbitdb.connect(path)
    try:
        assert os.listdir(folder) == []
    finally:
        c.close()


def test_recursive_union_past_hash_mem_is_53200(con: Any) -> None:
    sql = "WITH RECURSIVE r(n) AS (VALUES (1) UNION SELECT n + 1 FROM r WHERE n < 20000) SELECT count(*) FROM r"
    assert _run(con, sql, HUGE) == [(20000,)]
    with pytest.raises(orbitdb.DatabaseError) as err:
        _run(con, sql, TINY)
    assert err.value.sqlstate == "53200"
    assert str(err.value) == "out of memory"
    assert "recursive query" in err.value.detail and "hash_mem_multiplier (64 kB)" in err.value.detail


def test_recursive_union_all_under_a_limit_ends(con: Any) -> None:
    cur = con.cursor()
    cur.execute("WITH RECURSIVE t(n) AS (VALUES (1) UNION ALL SELECT n + 1 FROM t) SELECT * FROM t LIMIT 10")
    assert cur.fetchall() == [(i,) for i in range(1, 11)]
    cur.execute("WITH RECURSIVE t(n) AS (VALUES (1) UNION SELECT n + 1 FROM t) SELECT * FROM t LIMIT 3")
    assert cur.fetchall() == [(1,), (2,), (3,)]


def test_endless_recursive_query_stops_at_statement_timeout(con: Any) -> None:
    cur = con.cursor()
    cur.execute("SET statement_timeout = '500ms'")
    with pytest.raises(orbitdb.DatabaseError) as err:
        cur.execute("WITH RECURSIVE t(n) AS (VALUES (1) UNION ALL SELECT n + 1 FROM t) SELECT count(*) FROM t")
    assert err.value.sqlstate == "57014"


def test_aggregates_as_postgresql(con: Any, reference_pg: Any) -> None:
    """DISTINCT aggregates see their inputs sorted (NULL kept where the aggregate keeps it); float
    variance is Youngs-Cramer's, as PostgreSQL computes it."""
    queries = [
        ("SELECT string_agg(DISTINCT x, ','), array_agg(DISTINCT y), count(DISTINCT x), array_agg(DISTINCT j) "
        "FROM (VALUES ('b', 2, '{\"a\":1}'::jsonb), ('a', 1, '[1]'), ('b', 3, '2'), (NULL, NULL, NULL), "
        "('c', 1, '\"x\"')) t(x, y, j)"),
        ("SELECT variance(v), stddev(v), var_pop(v), stddev_pop(v), var_samp(v) FROM (VALUES (0.1::float8), "
        "(0.7), (1e10), (3.3), (-2.25)) t(v)"),
        "SELECT variance(v), stddev_samp(v) FROM (VALUES (1.5::numeric), (2.25), (7)) t(v)",
        "SELECT variance(v), stddev(v) FROM (VALUES ('nan'::float8), (1)) t(v)",
    ]
    db = reference_pg.create_database("aggs")
    pg = reference_pg.connect(db)
    pg.autocommit = True
    try:
        for sql in queries:
            pcur = pg.cursor()
            pcur.execute(sql)
            want = pcur.fetchall()
            cur = con.cursor()
            cur.execute(sql)
            got = cur.fetchall()
            assert repr(got) == repr(want), sql
    finally:
        pg.close()


# ---- the building blocks


def _spill(tmp_path: Path, work_mem: int = 64 * 1024) -> StatementSpill:
    return StatementSpill(str(tmp_path / TEMP_DIR), "pgsql_tmp1", work_mem, 2 * work_mem, -1)


_SQL_VALUES = st.one_of(
    st.none(), st.booleans(), st.integers(-(2**70), 2**70), st.floats(allow_nan=False),
    st.text(max_size=20), st.binary(max_size=20), st.decimals(allow_nan=True, places=None).filter(
        lambda d: not d.is_snan()),
    st.dates(), st.datetimes(), st.datetimes(timezones=st.just(datetime.timezone.utc)),
    st.times(), st.builds(Interval, st.integers(-100, 100), st.integers(-100, 100), st.integers(-10**9, 10**9)),
    st.uuids(), st.just(JSON_NULL),
    st.recursive(st.one_of(st.none(), st.integers(), st.text(max_size=5)),
                 lambda inner: st.one_of(st.lists(inner, max_size=3),
                                         st.dictionaries(st.text(max_size=4), inner, max_size=3)), max_leaves=6),
)


@settings(max_examples=200, deadline=None)
@given(rows=st.lists(st.lists(_SQL_VALUES, min_size=1, max_size=5).map(tuple), max_size=20))
def test_codec_round_trip(rows: list[tuple[Any, ...]]) -> None:
    back = decode_block(encode_block(rows))
    assert repr(back) == repr(rows)
    assert [tuple(type(v) for v in r) for r in back] == [tuple(type(v) for v in r) for r in rows]


def test_codec_refuses_unknown_types() -> None:
    with pytest.raises(SqlError) as err:
        encode_block([(object(),)])
    assert err.value.sqlstate == "XX000"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(size=st.integers(0, 3000), seed=st.integers(0, 2**32), desc=st.booleans(),
       nulls_first=st.booleans(), n=st.sampled_from([0, 1, 7, 2000]))
def test_external_sort_and_top_n_are_stable(tmp_path: Path, size: int, seed: int, desc: bool, nulls_first: bool,
                                            n: int) -> None:
    rnd = random.Random(seed)
    numbered = [(rnd.choice([None, 1, 2, 3, 2.5]), rnd.choice([None, "a", "b"]), i) for i in range(size)]
    keys = [(lambda r: r[0], desc, nulls_first, None), (lambda r: r[1], not desc, not nulls_first, None)]
    want = sort_in_memory(list(numbered), keys)
    spill = _spill(tmp_path)
    sorter = ExternalSort(spill, keys, 4096)
    sorter.extend(numbered)
    assert list(sorter.sorted()) == want
    assert list(top_sorted(spill, keys, n, numbered)) == want[:n]
    assert os.listdir(tmp_path / TEMP_DIR) == [] if (tmp_path / TEMP_DIR).exists() else True


def test_tuple_store_reads_while_written(tmp_path: Path) -> None:
    store = TupleStore(_spill(tmp_path), 4096)
    reader = store.read(0)
    got = []
    for i in range(5000):
        store.append((i, "x" * (i % 50), decimal.Decimal(i)))
        if i % 3 == 0:
            got.append(next(reader))
    assert store.spilled
    got.extend(reader)
    assert [r[0] for r in got] == list(range(5000))
    assert store[4321] == (4321, "x" * (4321 % 50), decimal.Decimal(4321))
    assert [r[0] for r in store.read(4990)] == list(range(4990, 5000))
    store.close()
    assert os.listdir(tmp_path / TEMP_DIR) == []


# ---- statement text


def test_a_huge_literal_is_split_and_normalised_in_linear_memory() -> None:
    size = 8_000_000
    sql = "SELECT length('" + "a" * size + "'), 'x''y', E'q\\'r' AS e"
    tracemalloc.start()
    try:
        statements = parser.split_statements(sql)
        norm = parser.normalize_literals(statements[0].text)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert [s.kind for s in statements] == ["SELECT"]
    # (escape strings are decoded when statements are split, so E'q\'r' is a plain literal too)
    assert norm is not None and norm.text == "SELECT length($1), $2, $3 AS e"
    assert len(norm.values[0]) == size and norm.values[1:] == ["x'y", "q'r"]
    assert peak < 6 * size  # a few copies of the literal, not a regular expression's stack per character


def test_splitting_respects_quotes_comments_and_nesting() -> None:
    sql = ("select 'a;b' ; /* x; /* y; */ ; */ select E'c\\';d', $$e;f$$, $t$ ; $t$, \"g;\"\"h\";"
           " -- only a comment\n ; (values (1)) ; /* unterminated")
    got = [(s.kind, s.text) for s in parser.split_statements(sql)]
    assert got == [
        ("SELECT", "select 'a;b'"),
        # (an escape string is decoded into a plain literal as the statement is split; the text
        # starts at the first word, after the nested comment)
        ("SELECT", "select 'c'';d', $$e;f$$, $t$ ; $t$, \"g;\"\"h\""),
        ("VALUES", "(values (1))"),
        ("", "/* unterminated"),
    ]


def test_statement_caches_are_bounded_in_bytes(con: Any) -> None:
    cur = con.cursor()
    caches = [parser._split_cached.cache, parser._tokens.cache, parser._parse_cached.cache]
    for i in range(400):
        text = "x" * (i * 40)
        cur.execute(f"SELECT '{text}' AS v{i}, {i} + length('{text}')")
        cur.fetchall()
        cur.execute(f"SELECT {i} AS w{i} WHERE 1 = 0 AND 'y' = '" + "y" * 70_000 + "'")  # too big to cache
    for cache in caches:
        assert cache.held <= cache.budget
        assert all(len(k) <= cache.max_text for k in cache._entries)
    plans = con._session.plan_cache
    assert plans.held <= plans.BUDGET


def test_parameter_numbers_beyond_a_bind(con: Any) -> None:
    cur = con.cursor()
    with pytest.raises(orbitdb.DatabaseError) as err:
        cur.execute("SELECT $100000000")
    assert (err.value.sqlstate, str(err.value)) == ("42P02", "there is no parameter $100000000")
    session = con._session
    with pytest.raises(SqlError) as perr:
        session.prepare("SELECT $100000000")
    assert (perr.value.sqlstate, perr.value.message) == ("42P18", "could not determine data type of parameter $1")
    with pytest.raises(SqlError) as perr:
        session.prepare("SELECT $1::int, $2::text, $70000::int", [23])
    assert perr.value.message == "could not determine data type of parameter $3"


@pytest.mark.parametrize("count", [600, pytest.param(3000, marks=pytest.mark.slow)])
def test_rows_of_every_kind_survive_the_disk(con: Any, count: int) -> None:
    cur = con.cursor()
    cur.execute("CREATE TABLE k (i int, n numeric, ts timestamptz, tt timetz, iv interval, u uuid, j jsonb, "
                "a int[], by bytea, bo bool, d date)")
    rows = [(i, decimal.Decimal(i) / 7, datetime.datetime(2020, 1, 1, tzinfo=datetime.timezone.utc)
             + datetime.timedelta(seconds=i), datetime.time(1, 2, i % 60, tzinfo=datetime.timezone(
                 datetime.timedelta(hours=i % 5))), datetime.timedelta(days=i), uuid.UUID(int=i),
             '{"a": [1, null, "x"]}', [i, None], bytes([i % 256]), i % 2 == 0, datetime.date(2000, 1, 1 + i % 28))
            for i in range(count)]
    cur.executemany("INSERT INTO k VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)", rows)
    sql = "SELECT * FROM k ORDER BY n DESC"
    assert _run(con, sql, TINY) == _run(con, sql, HUGE)
    sql = "SELECT j, a, tt, count(*) FROM k GROUP BY j, a, tt"
    assert _same(_run(con, sql, TINY), _run(con, sql, HUGE), False)
