"""cursor.fetchnumpy(), fetchdf() and fetch_arrow_table(): the same values as fetchall(), typed
columns, NULLs as masks, and a clear ImportError naming the extra when pandas or pyarrow is
missing."""

from __future__ import annotations

import builtins
import datetime
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import orbitdb

QUERY = "SELECT id, n, f, b, d, s, m FROM t ORDER BY id"


@pytest.fixture(scope="module")
def cur(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    con = orbitdb.connect(str(tmp_path_factory.mktemp("columnar")))
    con.autocommit = True
    c = con.cursor()
    c.execute("CREATE TABLE t (id int8 PRIMARY KEY, n int4, f float8, b bool, d date, s text, m numeric(6,2))")
    c.execute("INSERT INTO t VALUES (1, 10, 1.5, true, '2024-01-02', 'a', 1.25), "
              "(2, NULL, NULL, NULL, NULL, NULL, NULL), (3, -7, -0.25, false, '1999-12-31', 'ccc', 0)")
    yield c
    con.close()


def test_fetchnumpy_matches_fetchall(cur: Any) -> None:
    cur.execute(QUERY)
    rows = cur.fetchall()
    cur.execute(QUERY)
    arrays = cur.fetchnumpy()
    assert list(arrays) == ["id", "n", "f", "b", "d", "s", "m"]
    assert arrays["id"].dtype == np.int64 and not isinstance(arrays["id"], np.ma.MaskedArray)
    assert arrays["id"].tolist() == [1, 2, 3]
    assert isinstance(arrays["n"], np.ma.MaskedArray) and arrays["n"].dtype == np.int64
    assert arrays["n"].tolist() == [10, None, -7]
    assert arrays["f"].dtype == np.float64 and arrays["f"].tolist() == [1.5, None, -0.25]
    assert arrays["b"].dtype == np.bool_ and arrays["b"].tolist() == [True, None, False]
    assert arrays["d"].dtype == np.dtype("datetime64[D]")
    assert arrays["d"].tolist() == [datetime.date(2024, 1, 2), None, datetime.date(1999, 12, 31)]
    assert arrays["s"].tolist() == ["a", None, "ccc"]
    assert arrays["m"].tolist() == [Decimal("1.25"), None, Decimal("0.00")]
    for i, name in enumerate(arrays):
        assert arrays[name].tolist() == [r[i] for r in rows]


def test_fetchnumpy_after_fetchone_and_of_nothing(cur: Any) -> None:
    cur.execute(QUERY)
    assert cur.fetchone()[0] == 1
    assert cur.fetchnumpy()["id"].tolist() == [2, 3]
    cur.execute("SELECT id, s FROM t WHERE id > 100")
    arrays = cur.fetchnumpy()
    assert {k: v.tolist() for k, v in arrays.items()} == {"id": [], "s": []}
    cur.execute("CREATE TABLE IF NOT EXISTS u (a int)")
    with pytest.raises(orbitdb.ProgrammingError):
        cur.fetchnumpy()


def test_fetchdf(cur: Any) -> None:
    pd = pytest.importorskip("pandas")
    cur.execute(QUERY)
    df = cur.fetchdf()
    assert list(df.columns) == ["id", "n", "f", "b", "d", "s", "m"]
    assert str(df["n"].dtype) == "Int64" and df["n"].isna().tolist() == [False, True, False]
    assert df["id"].tolist() == [1, 2, 3]
    assert df["s"][0] == "a" and pd.isna(df["s"][1])
    assert pd.isna(df["d"][1]) and df["d"][0] == pd.Timestamp("2024-01-02")


def test_fetch_arrow_table(cur: Any) -> None:
    pa = pytest.importorskip("pyarrow")
    cur.execute(QUERY)
    table = cur.fetch_arrow_table()
    assert table.column_names == ["id", "n", "f", "b", "d", "s", "m"]
    assert table.schema.field("n").type == pa.int64()
    assert table.column("n").to_pylist() == [10, None, -7]
    assert table.column("b").to_pylist() == [True, None, False]
    assert table.column("s").to_pylist() == ["a", None, "ccc"]


@pytest.mark.parametrize(("method", "module", "extra"), [("fetchdf", "pandas", "orbitdb[pandas]"),
                                                        ("fetch_arrow_table", "pyarrow", "orbitdb[arrow]")])
def test_missing_optional_package_names_the_extra(cur: Any, monkeypatch: pytest.MonkeyPatch, method: str,
                                                  module: str, extra: str) -> None:
    real_import = builtins.__import__

    def no_such_module(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == module or name.startswith(module + "."):
            raise ImportError(f"No module named {name!r}")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_such_module)
    cur.execute(QUERY)
    with pytest.raises(ImportError, match=extra.replace("[", r"\[").replace("]", r"\]")):
        getattr(cur, method)()


# ---- fetched straight from the batches of the scan (orbitdb/sql/batch/project.py) ----

BATCH_QUERIES = [
    "SELECT * FROM w",
    "SELECT id, a + 1, a * 3, -a, s FROM w",  # (a is small: no overflow)
    "SELECT x2 + x2, x2 * x2 - 7 FROM w",
    "SELECT b - a, b + 1, b * a, a + b FROM w",
    "SELECT f + a, f * f, f - 1, -f, x2 * 1.5e0 FROM w",
    "SELECT id, s, m, d, r, flag FROM w WHERE a > 0 OR b IS NULL",
    "SELECT b, f FROM w WHERE id BETWEEN 20 AND 180 LIMIT 70 OFFSET 5",
    "SELECT a - 2147483647, x2 * 2 FROM w LIMIT 130",
    "SELECT s || 'x', id FROM w",  # no vectorised form: row at a time, the same arrays
]

small_ints = st.one_of(st.none(), st.integers(-300, 300))
wide_row = st.tuples(small_ints, st.one_of(st.none(), st.integers(-2**63, 2**63 - 1), st.integers(-5, 5)),
                               st.one_of(st.none(), st.integers(-2**15, 2**15 - 1)),
                               st.one_of(st.none(), st.floats(allow_nan=False, width=64), st.just(1e308)),
                               st.one_of(st.none(), st.floats(allow_nan=False, width=32)),
                               st.one_of(st.none(), st.text(st.characters(blacklist_characters="\x00"), max_size=3)),
                               st.one_of(st.none(), st.decimals(places=2, min_value=-999, max_value=999)),
                               st.one_of(st.none(), st.dates()), st.one_of(st.none(), st.booleans()))
# past the 100 rows execute() makes, or small
wide_rows = st.one_of(st.lists(wide_row, min_size=120, max_size=260), st.lists(wide_row, max_size=10))


@pytest.fixture
def small_batches(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """Batches of 64 rows and 100 rows made by execute(), so that a few hundred rows take the
    columnar path past a partly used batch; yields the counts of rows fetch_columns gave."""
    import orbitdb.dbapi
    import orbitdb.sql.batch.project
    from orbitdb.sql.exec.rowstream import RowStream

    monkeypatch.setattr(orbitdb.sql.batch.project, "BATCH_ROWS", 64)
    monkeypatch.setattr(orbitdb.dbapi, "PREFETCH_ROWS", 100)
    taken: list[int] = []
    real = RowStream.fetch_columns

    def counted(self: RowStream) -> Any:
        cols = real(self)
        if cols is not None:
            taken.append(len(cols[0][0]))
        return cols
    monkeypatch.setattr(RowStream, "fetch_columns", counted)
    yield taken


def _fill_wide(c: Any, data: list[tuple[Any, ...]]) -> None:
    c.execute("DROP TABLE IF EXISTS w")
    c.execute("CREATE TABLE w (id int4 PRIMARY KEY, a int4, b int8, x2 int2, f float8, r real, s text, "
              "m numeric(5,2), d date, flag bool)")
    if data:
        c.executemany("INSERT INTO w VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                      [(i, *r) for i, r in enumerate(data)])


def _same(a: dict[str, Any], b: dict[str, Any]) -> None:
    assert list(a) == list(b)
    for k, x in a.items():
        y = b[k]
        assert type(x) is type(y) and x.dtype == y.dtype, k
        assert np.ma.getmaskarray(x).tolist() == np.ma.getmaskarray(y).tolist(), k
        xs, ys = np.ma.getdata(x).tolist(), np.ma.getdata(y).tolist()
        assert [repr(v) for v in xs] == [repr(v) for v in ys], k  # -0.0 and 0.0 told apart


def _outcome(c: Any, q: str, fetch: str, skip: int = 0) -> Any:
    try:
        c.execute(q)
        for _ in range(skip):
            c.fetchone()
        return getattr(c, fetch)()
    except orbitdb.Error as e:
        c.connection.rollback()
        return e.sqlstate


def _both_modes(c: Any, q: str, fetch: str, skip: int = 0) -> tuple[Any, Any]:
    c.execute("SET orbitdb.batch_execution = on")
    on = _outcome(c, q, fetch, skip)
    c.execute("SET orbitdb.batch_execution = off")
    off = _outcome(c, q, fetch, skip)
    c.execute("RESET orbitdb.batch_execution")
    return on, off


@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=wide_rows, skip=st.sampled_from([0, 1, 99, 100, 101, 150]))
def test_batch_arrays_equal_row_arrays(tmp_path_factory: pytest.TempPathFactory, small_batches: list[int],
                                       data: list[tuple[Any, ...]], skip: int) -> None:
    con = orbitdb.connect(str(tmp_path_factory.mktemp("wide")))
    c = con.cursor()
    _fill_wide(c, data)
    con.commit()
    for q in BATCH_QUERIES:
        on, off = _both_modes(c, q, "fetchnumpy", skip)
        if isinstance(on, str) or isinstance(off, str):
            assert on == off, q
        else:
            _same(on, off)
        rows_on, rows_off = _both_modes(c, q, "fetchall", skip)
        assert repr(rows_on) == repr(rows_off), q
    if len(data) > 110 and skip < 100:
        assert small_batches  # some arrays came straight from batches
    con.close()


def test_columns_come_from_batches_after_rows_made_before(tmp_path: Path, small_batches: list[int]) -> None:
    con = orbitdb.connect(str(tmp_path / "db"))
    c = con.cursor()
    _fill_wide(c, [(i % 5 or None, i * 10, i % 7, i / 4, i / 8, f"s{i}", None, None, i % 2 == 0) for i in range(300)])
    con.commit()
    c.execute("SELECT id, a + b, f FROM w WHERE id >= 10")
    first = [c.fetchone() for _ in range(3)] + c.fetchmany(50)  # of the 100 rows execute() made
    arrays = c.fetchnumpy()
    assert small_batches == [290 - 100]  # the rest came as columns
    assert [r[0] for r in first] == list(range(10, 63))
    assert arrays["id"].tolist() == list(range(63, 300))
    assert arrays["?column?"].tolist() == [None if i % 5 == 0 else i % 5 + i * 10 for i in range(63, 300)]
    assert c.rowcount == 290 and c.fetchall() == [] and c.fetchone() is None
    con.close()


def test_own_writes_and_repeatable_read_snapshot(tmp_path: Path, small_batches: list[int]) -> None:
    path = str(tmp_path / "db")
    con = orbitdb.connect(path)
    c = con.cursor()
    _fill_wide(c, [(i, i, i, float(i), 0.5, "x", 1, None, True) for i in range(400)])
    con.commit()
    c.execute("DELETE FROM w WHERE id < 50")  # own uncommitted writes: read row at a time
    c.execute("SELECT id, a * 2 FROM w")
    assert c.fetchnumpy()["id"].tolist() == list(range(50, 400))
    con.rollback()
    con.autocommit = True
    c.execute("BEGIN ISOLATION LEVEL REPEATABLE READ")
    c.execute("SELECT count(*) FROM w")  # the snapshot
    other = orbitdb.connect(path)
    oc = other.cursor()
    oc.execute("UPDATE w SET a = -1 WHERE id % 2 = 0")
    oc.execute("DELETE FROM w WHERE id > 300")
    other.commit()
    c.execute("SELECT id, a FROM w")
    arrays = c.fetchnumpy()
    assert arrays["id"].tolist() == list(range(400)) and arrays["a"].tolist() == list(range(400))
    c.execute("COMMIT")
    c.execute("SELECT id, a FROM w")
    arrays = c.fetchnumpy()
    assert arrays["id"].tolist() == list(range(301))
    assert arrays["a"].tolist() == [-1 if i % 2 == 0 else i for i in range(301)]
    assert small_batches == [300, 201]  # the first (own writes) ran row at a time
    other.close()
    con.close()


def test_streamed_statement_reads_the_state_it_started_in(tmp_path: Path, small_batches: list[int]) -> None:
    path = str(tmp_path / "db")
    con = orbitdb.connect(path)
    con.autocommit = True
    c = con.cursor()
    _fill_wide(c, [(i, i, i, float(i), 0.5, "x", 1, None, True) for i in range(400)])
    results = []
    for mode in ("on", "off"):
        c.execute(f"SET orbitdb.batch_execution = {mode}")
        c.execute("SELECT id, a FROM w")
        other = orbitdb.connect(path)
        other.cursor().execute("UPDATE w SET a = a + 1000 WHERE id > 350")
        other.commit()
        other.close()
        results.append({k: v.tolist() for k, v in c.fetchnumpy().items()})
        c.execute("UPDATE w SET a = id")
    assert results[0] == results[1]
    assert small_batches == [300]
    con.close()


def test_errors_and_counters_as_the_row_path(tmp_path: Path, small_batches: list[int]) -> None:
    con = orbitdb.connect(str(tmp_path / "db"))
    con.autocommit = True
    c = con.cursor()
    _fill_wide(c, [(2**31 - 1 if i == 250 else i, 2**62 if i == 260 else i, i, 1e308 if i == 280 else 0.5, 0.5, "x",
                    1, None, True) for i in range(300)])
    for q in ["SELECT a + 1 FROM w", "SELECT b * 2 FROM w", "SELECT f * 10 FROM w", "SELECT -x2 FROM w"]:
        for mode in ("on", "off"):
            c.execute(f"SET orbitdb.batch_execution = {mode}")
            if q.startswith("SELECT -x2"):
                assert len(c.execute(q).fetchnumpy()["?column?"]) == 300
                continue
            c.execute(q)
            with pytest.raises(orbitdb.DataError) as err:
                c.fetchnumpy()
            assert err.value.sqlstate == "22003"
    counts = []
    for mode in ("on", "off"):
        c.execute(f"SET orbitdb.batch_execution = {mode}")
        c.execute("SELECT seq_scan, seq_tup_read FROM pg_stat_user_tables WHERE relname = 'w'")
        before = c.fetchone()
        c.execute("SELECT id, x2 FROM w WHERE x2 > 10")
        c.fetchnumpy()
        c.execute("SELECT seq_scan, seq_tup_read FROM pg_stat_user_tables WHERE relname = 'w'")
        counts.append(tuple(x - y for x, y in zip(c.fetchone(), before)))
    assert counts[0] == counts[1] == (1, 300)
    con.close()


def test_explain_says_whether_a_select_list_runs_on_batches(cur: Any) -> None:
    cur.execute("EXPLAIN SELECT id, n + 1 FROM t WHERE n > 0 LIMIT 5")
    lines = [r[0] for r in cur.fetchall()]
    assert lines[-1] == "        Batch: on"
    cur.execute("EXPLAIN SELECT id, s || 'x' FROM t")
    lines = [r[0] for r in cur.fetchall()]
    assert lines[-1] == "  Batch: off (s || 'x' has no vectorised form)"
    cur.execute("EXPLAIN (COSTS OFF) SELECT id, n + 1 FROM t WHERE n > 0")
    assert not any("Batch" in r[0] for r in cur.fetchall())  # PostgreSQL's lines alone
    cur.execute("SET orbitdb.batch_execution = off")
    cur.execute("EXPLAIN SELECT id, n + 1 FROM t")
    assert not any("Batch" in r[0] for r in cur.fetchall())
    cur.execute("RESET orbitdb.batch_execution")


def test_composite_of_null_fields_is_null_on_batches(tmp_path: Path) -> None:
    """IS NULL of a composite is true when all its fields are NULL: no batch form (the batch's
    mask marks only a NULL composite), for the select list and for count(*) alike."""
    con = orbitdb.connect(str(tmp_path / "db"))
    con.autocommit = True
    c = con.cursor()
    c.execute("CREATE TYPE pair AS (a int, b text)")
    c.execute("CREATE TABLE things (id int PRIMARY KEY, p pair)")
    c.execute("INSERT INTO things VALUES (1, ROW(1, 'x')), (2, NULL), (3, ROW(NULL, NULL))")
    c.execute("SET orbitdb.batch_execution = on")
    assert c.execute("SELECT id FROM things WHERE p IS NULL").fetchall() == [(2,), (3,)]
    assert c.execute("SELECT count(*) FROM things WHERE p IS NULL").fetchall() == [(2,)]
    assert c.execute("SELECT count(*) FROM things WHERE p IS NOT NULL").fetchall() == [(1,)]
    con.close()


def test_a_run_that_leaves_batches_goes_on_row_at_a_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A run whose batch form gives up (a parameter a batch filter cannot compare, or Fallback
    after some batches) hands out every row once, in order, as rows or arrays."""
    from orbitdb.sql.batch import project
    from orbitdb.sql.batch.filters import Fallback

    con = orbitdb.connect(str(tmp_path / "db"))
    con.autocommit = True
    c = con.cursor()
    c.execute("CREATE TABLE t (id int PRIMARY KEY, g int)")
    c.execute("INSERT INTO t SELECT i, i % 10 FROM generate_series(1, 9000) i")
    c.execute("SET orbitdb.batch_execution = on")
    want = [i for i in range(1, 9001) if i % 10 > 2.5]
    assert c.execute("SELECT id, g + 1 FROM t WHERE g > %s", (2.5,)).fetchnumpy()["id"].tolist() == want
    real = project.BatchProjection.parts

    def gives_up(self: Any, ctx: Any) -> Iterator[Any]:
        for i, part in enumerate(real(self, ctx)):
            if i == 2:
                raise Fallback("given up after two batches")
            yield part
    monkeypatch.setattr(project.BatchProjection, "parts", gives_up)
    assert c.execute("SELECT id, g + 1 FROM t").fetchnumpy()["id"].tolist() == list(range(1, 9001))
    assert [r[0] for r in c.execute("SELECT id, g + 1 FROM t").fetchall()] == list(range(1, 9001))
    c.execute("SELECT id FROM t")
    assert [c.fetchone()[0] for _ in range(9000)] == list(range(1, 9001)) and c.fetchone() is None
    con.close()


def test_a_cursor_fetched_over_several_statements_keeps_its_snapshot(tmp_path: Path) -> None:
    """DECLARE ... CURSOR in READ COMMITTED: each FETCH is a statement with a snapshot of its own,
    the cursor's rows stay those of the DECLARE (batches read a snapshot they own), committed
    changes meanwhile or not, as row at a time."""
    path = str(tmp_path / "db")
    con = orbitdb.connect(path)
    c = con.cursor()
    c.execute("CREATE TABLE t (id int PRIMARY KEY, a int)")
    c.execute("INSERT INTO t SELECT i, i FROM generate_series(1, 9000) i")
    con.commit()
    other = orbitdb.connect(path)
    other.autocommit = True
    for mode in ("on", "off"):
        for change_first in (False, True):
            c.execute(f"SET orbitdb.batch_execution = {mode}")
            if change_first:  # a commit between BEGIN's statements: the DECLARE's own snapshot is the newest
                other.cursor().execute("UPDATE t SET a = a + 1 WHERE id = 1")
            c.execute("DECLARE cur CURSOR FOR SELECT id, a * 2 FROM t")
            c.execute("FETCH 5000 FROM cur")
            got = c.fetchall()
            other.cursor().execute("UPDATE t SET a = -1 WHERE id > 8000")
            c.execute("SELECT 1")  # another statement, another snapshot
            c.execute("FETCH ALL FROM cur")
            got += c.fetchall()
            assert [r[0] for r in got] == list(range(1, 9001)), mode
            assert [r[1] for r in got][1:] == [2 * i for i in range(2, 9001)], mode
            con.rollback()
            other.cursor().execute("UPDATE t SET a = id")
    other.close()
    con.close()
