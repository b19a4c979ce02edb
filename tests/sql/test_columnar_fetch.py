"""cursor.fetchnumpy(), fetchdf() and fetch_arrow_table(): the same values as fetchall(), typed
columns, NULLs as masks, and a clear ImportError naming the extra when pandas or pyarrow is
missing."""

from __future__ import annotations

import builtins
import datetime
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import numpy as np
import pytest

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
