"""con.create_function() and con.create_aggregate(): Python usable from SQL in that connection."""

from __future__ import annotations

import datetime
import decimal
from collections.abc import Iterator

import pytest

import orbitdb


@pytest.fixture
def con(db_path: str) -> Iterator[orbitdb.Connection]:
    c = orbitdb.connect(db_path)
    c.execute("CREATE TABLE m (g int, v numeric, d interval)")
    c.execute("INSERT INTO m VALUES (1, 1.5, '1 day'), (1, 2.5, '2 days'), (2, 10, NULL), (2, NULL, '1 hour')")
    c.commit()
    yield c
    c.close()


def one(con: orbitdb.Connection, sql: str) -> tuple:
    row = con.execute(sql).fetchone()
    assert row is not None
    return row


def test_functions_with_typed_results(con: orbitdb.Connection) -> None:
    def add(a: int, b: int) -> int:
        return a + b

    con.create_function("add2", 2, add)
    con.create_function("hours", 1, lambda d: None if d is None else d.total_seconds() / 3600, returns="float8")
    con.create_function("label", 1, lambda v: f"<{v}>")  # no annotation: text
    assert one(con, "SELECT add2(2, 40), pg_typeof(add2(1, 1))") == (42, "bigint")
    assert con.execute("SELECT hours(d) FROM m WHERE d IS NOT NULL ORDER BY d").fetchall() == [(1.0,), (24.0,), (48.0,)]
    assert one(con, "SELECT label(v), pg_typeof(label(v)) FROM m WHERE g = 2 AND v IS NOT NULL") == ("<10>", "text")
    assert one(con, "SELECT label(NULL)") == ("<None>",)  # called on NULL input, as sqlite3's
    assert con.execute("SELECT v FROM m WHERE add2(g, 1) = 3 ORDER BY v NULLS LAST").fetchall() == [
        (decimal.Decimal(10),), (None,)]


def test_values_reach_python_as_the_dbapi_gives_them(con: orbitdb.Connection) -> None:
    seen: list[object] = []

    def probe(x: object) -> bool:
        seen.append(x)
        return True

    con.create_function("probe", 1, probe)
    con.execute("SELECT probe(interval '2 days'), probe('{\"a\": [1, 2]}'::jsonb), probe(date '2024-02-29'), "
                "probe(1.25::numeric), probe('x')").fetchall()
    assert seen == [datetime.timedelta(days=2), {"a": [1, 2]}, datetime.date(2024, 2, 29),
                    decimal.Decimal("1.25"), "x"]


def test_results_are_cast_to_the_declared_type(con: orbitdb.Connection) -> None:
    con.create_function("big", 0, lambda: 2**40, returns="integer")
    with pytest.raises(orbitdb.DataError) as e:
        con.execute("SELECT big()")
    assert e.value.sqlstate == "22003"
    con.rollback()
    con.create_function("on_day", 0, lambda: "2024-01-02", returns="date")
    assert one(con, "SELECT on_day() + 1") == (datetime.date(2024, 1, 3),)
    con.create_function("nope", 0, lambda: object(), returns="integer")
    with pytest.raises(orbitdb.Error) as e:
        con.execute("SELECT nope()")
    assert e.value.sqlstate == "42804"
    con.rollback()
    with pytest.raises(ValueError, match="returns="):
        con.create_function("bad", 0, lambda: 1, returns="no such type")


def test_errors_raised_in_python(con: orbitdb.Connection) -> None:
    con.create_function("fail", 1, lambda x: 1 / x)
    with pytest.raises(orbitdb.InternalError) as e:
        con.execute("SELECT fail(0)")
    assert e.value.sqlstate == "38000"
    assert "ZeroDivisionError" in str(e.value)
    con.rollback()

    def refuse(x: object) -> None:
        raise orbitdb.errors.for_sqlstate("22023")("not that one", "22023")

    con.create_function("refuse", 1, refuse)
    with pytest.raises(orbitdb.Error) as e:
        con.execute("SELECT refuse(1)")
    assert e.value.sqlstate == "22023"
    con.rollback()


def test_deterministic_and_volatile(con: orbitdb.Connection) -> None:
    calls: list[int] = []

    def counted() -> int:
        calls.append(1)
        return len(calls)

    con.create_function("counted", 0, counted)  # volatile: once per row
    assert [r[0] for r in con.execute("SELECT counted() FROM m").fetchall()] == [1, 2, 3, 4]
    calls.clear()
    con.create_function("counted", 0, counted, deterministic=True)  # constant: once per statement
    assert [r[0] for r in con.execute("SELECT counted() FROM m").fetchall()] == [1, 1, 1, 1]


def test_any_number_of_arguments_overloads_and_removal(con: orbitdb.Connection) -> None:
    con.create_function("total", -1, lambda *xs: sum(x for x in xs if x is not None), returns="bigint")
    con.create_function("total", 1, lambda x: -1, returns="bigint")
    assert one(con, "SELECT total(), total(1, 2, 3), total(5)") == (0, 6, -1)
    con.create_function("total", 1, None)
    assert one(con, "SELECT total(5)") == (5,)
    con.create_function("total", -1, None)
    with pytest.raises(orbitdb.ProgrammingError) as e:
        con.execute("SELECT total(5)")
    assert e.value.sqlstate == "42883"
    con.rollback()
    with pytest.raises(ValueError):
        con.create_function("x", -2, lambda: 1)
    with pytest.raises(TypeError):
        con.create_function("x", 0, 42)  # type: ignore[arg-type]


def test_functions_belong_to_their_connection(con: orbitdb.Connection, db_path: str) -> None:
    con.create_function("mine", 0, lambda: 1, returns="int")
    other = orbitdb.connect(db_path)
    with pytest.raises(orbitdb.ProgrammingError) as e:
        other.execute("SELECT mine()")
    assert e.value.sqlstate == "42883"
    other.close()
    # a view that calls it is stored, and works only where the function is (PostgreSQL would
    # refuse to store it: the function is in no catalog)
    con.execute("CREATE VIEW uses_mine AS SELECT mine() AS x")
    con.commit()
    assert one(con, "SELECT x FROM uses_mine") == (1,)
    other = orbitdb.connect(db_path)
    with pytest.raises(orbitdb.ProgrammingError):
        other.execute("SELECT x FROM uses_mine")
    other.close()


class Median:
    def __init__(self) -> None:
        self.values: list[decimal.Decimal] = []

    def step(self, v: decimal.Decimal | None) -> None:
        if v is not None:
            self.values.append(v)

    def finalize(self) -> decimal.Decimal | None:
        if not self.values:
            return None
        s = sorted(self.values)
        mid = len(s) // 2
        return s[mid] if len(s) % 2 else (s[mid - 1] + s[mid]) / 2


class Joined:
    def __init__(self) -> None:
        self.parts: list[str] = []

    def step(self, a: object, b: object) -> None:
        self.parts.append(f"{a}:{b}")

    def finalize(self) -> str:
        return ",".join(self.parts)


def test_aggregates(con: orbitdb.Connection) -> None:
    con.create_aggregate("median", 1, Median)
    con.create_aggregate("joined", 2, Joined)
    assert con.execute("SELECT g, median(v), count(*) FROM m GROUP BY g ORDER BY g").fetchall() == [
        (1, decimal.Decimal("2.0"), 2), (2, decimal.Decimal(10), 2)]
    assert one(con, "SELECT median(v), pg_typeof(median(v)) FROM m") == (decimal.Decimal("2.5"), "numeric")
    assert one(con, "SELECT median(v) FROM m WHERE false") == (None,)
    assert one(con, "SELECT median(v) FILTER (WHERE g = 1) FROM m") == (decimal.Decimal("2.0"),)
    assert one(con, "SELECT joined(g, v) FROM (SELECT * FROM m ORDER BY v DESC NULLS LAST) s") == (
        "2:10,1:2.5,1:1.5,2:None",)
    assert one(con, "SELECT joined(g, v ORDER BY v DESC NULLS LAST) FROM m") == ("2:10,1:2.5,1:1.5,2:None",)
    assert one(con, "SELECT joined(DISTINCT g, 0 ORDER BY g) FROM m") == ("1:0,2:0",)
    assert con.execute("SELECT g FROM m GROUP BY g HAVING median(v) > 5").fetchall() == [(2,)]
    con.create_aggregate("median", 1, None)
    with pytest.raises(orbitdb.ProgrammingError):
        con.execute("SELECT median(v) FROM m")
    con.rollback()
    with pytest.raises(TypeError):
        con.create_aggregate("x", 1, object)


def test_aggregate_errors(con: orbitdb.Connection) -> None:
    class Broken:
        def step(self, v: object) -> None:
            raise KeyError(v)

        def finalize(self) -> int:
            return 0

    con.create_aggregate("broken", 1, Broken)
    with pytest.raises(orbitdb.InternalError) as e:
        con.execute("SELECT broken(g) FROM m")
    assert e.value.sqlstate == "38000"
    con.rollback()


def test_order_by_after_the_last_argument_of_a_builtin_aggregate(con: orbitdb.Connection) -> None:
    """The same parsing serves built-in aggregates whose ORDER BY follows their last argument."""
    rows = "(VALUES ('b', 1), ('a', 2), ('c', 0)) t(k, v)"
    text = one(con, f"SELECT json_object_agg(k, v ORDER BY v)::text FROM {rows}")[0]
    assert text.index('"c"') < text.index('"b"') < text.index('"a"')
    assert one(con, f"SELECT string_agg(k, ',' ORDER BY k DESC) FROM {rows}") == ("c,b,a",)
