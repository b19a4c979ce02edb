"""Keys: the Cython encoder writes the same bytes as the Python encoder that wrote the keys of
existing databases, and bytewise order of encoded keys is SQL order of the values."""

from __future__ import annotations

import datetime
import itertools
import math
import uuid
from decimal import Decimal
from typing import Any

import reference_keycodec as reference
from hypothesis import given, settings
from hypothesis import strategies as st
from values import (
    AWARE_TS,
    BY_KIND,
    DATE,
    FINITE_DECIMAL_28,
    FLOAT,
    HUGE_INT,
    INT64,
    INTERVAL,
    NAIVE_TS,
    TEXT,
    TEXT_WITH_SURROGATES,
    TIME,
    TIMETZ,
    UUID,
)

from orbitdb.storage.interval import Interval
from orbitdb.storage.jsonnull import JSON_NULL
from orbitdb.storage.keycodec import TAG_NULL, encode_key, encode_value


class Tagged:
    """A type the encoder does not know: keyed by its repr, as always."""

    def __repr__(self) -> str:
        return "Tagged\x00<x>"


SCALARS = (st.none() | INT64 | HUGE_INT | TEXT_WITH_SURROGATES | st.booleans() | FLOAT
           | BY_KIND["numeric"] | st.binary() | NAIVE_TS | AWARE_TS | DATE | TIME | TIMETZ | UUID | INTERVAL
           | st.just(JSON_NULL) | st.just(Tagged()) | st.builds(dict, a=INT64))
ANY_VALUE = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=4) | st.tuples(inner, inner), max_leaves=10)

EDGES = [None, 0, -1, 1, 2**63 - 1, -(2**63), 2**64, -(2**64) - 5, 2**200, "", "\x00", "a\x00b", "\udc80",
         "é", True, False, 0.0, -0.0, math.nan, -math.nan, math.inf, -math.inf, 5e-324, Decimal("NaN"),
         Decimal("sNaN"), Decimal("Infinity"), Decimal("-Infinity"), Decimal(0), Decimal("-0"), Decimal("1E+999"),
         Decimal("-1.5E-999"), Decimal(10**40 // 9), b"", b"\x00", b"\x00\xff\x00", datetime.datetime(1, 1, 1),
         datetime.datetime(9999, 12, 31, 23, 59, 59, 999999),
         datetime.datetime(1, 1, 1, 12, tzinfo=datetime.timezone(datetime.timedelta(hours=5))),
         datetime.date(1, 1, 1), datetime.date(9999, 12, 31), datetime.time(0), datetime.time(23, 59, 59, 999999),
         uuid.UUID(int=0), uuid.UUID(int=2**128 - 1), [], [None], [[1, None], [None]], (1, "a"), JSON_NULL,
         Interval(), Interval(-1, 2**40, 3), Tagged()]


def test_edge_values_encode_as_the_reference_does() -> None:
    for v in EDGES:
        assert encode_value(v) == reference.encode_value(v), repr(v)
    assert encode_key(EDGES) == reference.encode_key(EDGES)
    assert encode_key(iter(EDGES)) == reference.encode_key(EDGES)


@settings(max_examples=600, deadline=None)
@given(ANY_VALUE)
def test_any_value_encodes_as_the_reference_does(v: Any) -> None:
    assert encode_value(v) == reference.encode_value(v)


@settings(max_examples=300, deadline=None)
@given(st.lists(ANY_VALUE, max_size=6))
def test_keys_encode_as_the_reference_does(values: list[Any]) -> None:
    assert encode_key(values) == reference.encode_key(values)
    assert encode_key(tuple(values)) == reference.encode_key(values)


def test_errors_are_the_reference_errors() -> None:
    class NoOffset(datetime.tzinfo):
        def utcoffset(self, dt: datetime.datetime | None) -> None:
            return None

    v = datetime.datetime(2020, 1, 1, tzinfo=NoOffset())
    for encoder in (encode_value, reference.encode_value):
        try:
            encoder(v)
        except TypeError as exc:
            assert "offset" in str(exc)
        else:
            raise AssertionError("a datetime with an unknown offset has no key")


# -- order: sorting by key is sorting under SQL semantics (NULLS LAST, NaN above every number) --

def _float_order(v: float) -> tuple[int, float]:
    return (1, 0.0) if math.isnan(v) else (0, v)


def _numeric_order(v: Decimal) -> tuple[int, Decimal]:
    return (1, Decimal(0)) if v.is_nan() else (0, v)


def _array_order(element: Any) -> Any:
    def order(v: list[Any]) -> list[Any]:
        return [(1,) if x is None else (0, order(x) if isinstance(x, list) else element(x)) for x in v]

    return order


def _identity(v: Any) -> Any:
    return v


ORDERED: dict[str, tuple[st.SearchStrategy[Any], Any]] = {
    "int": (INT64, _identity),
    "float": (FLOAT, _float_order),
    "bool": (st.booleans(), _identity),
    "text": (TEXT, lambda v: v.encode()),  # the C collation: code point order
    "bytes": (st.binary(), _identity),
    "numeric": (FINITE_DECIMAL_28 | st.sampled_from([Decimal("NaN"), Decimal("Infinity"), Decimal("-Infinity")]),
                _numeric_order),
    "date": (DATE, _identity),
    "ts": (NAIVE_TS, _identity),
    "tstz": (AWARE_TS, _identity),  # instants
    "time": (TIME, _identity),
    # within ±2**63 microseconds (292,000 years) when a month counts 30 days: the key's range
    "interval": (st.builds(Interval, st.integers(-120_000, 120_000), st.integers(-3_650_000, 3_650_000),
                           st.integers(-(10**15), 10**15)), _identity),
    "uuid": (UUID, _identity),
    # one-dimensional (PostgreSQL compares arrays of other shapes by their dimensions too)
    "array:int": (st.lists(st.none() | INT64, max_size=5), _array_order(_identity)),
    "array:text": (st.lists(st.none() | TEXT, max_size=5), _array_order(lambda v: v.encode())),
}


def _sql_sort_key(order: Any) -> Any:
    return lambda v: (1,) if v is None else (0, order(v))


def _check_order(values: list[Any], order: Any) -> None:
    sql = _sql_sort_key(order)
    by_key = sorted(values, key=encode_value)
    for a, b in itertools.pairwise(by_key):
        assert sql(a) <= sql(b), (a, b)
        # equal in SQL exactly when the keys are equal (a key identifies its value)
        assert (sql(a) == sql(b)) == (encode_value(a) == encode_value(b)), (a, b)


def _order_test(kind: str) -> Any:
    values, order = ORDERED[kind]

    @settings(max_examples=150, deadline=None)
    @given(st.lists(st.none() | values, min_size=2, max_size=12))
    def test(vals: list[Any]) -> None:
        _check_order(vals, order)

    test.__name__ = f"test_key_order_is_sql_order_{kind.replace(':', '_')}"
    return test


for _kind in ORDERED:
    globals()[f"test_key_order_is_sql_order_{_kind.replace(':', '_')}"] = _order_test(_kind)


def test_nulls_sort_last_and_nan_highest() -> None:
    assert encode_value(None) == TAG_NULL
    assert encode_value(math.nan) > encode_value(math.inf) > encode_value(1e308)
    assert encode_value(None) > encode_value(math.nan)
    assert encode_value(Decimal("NaN")) > encode_value(Decimal("Infinity")) > encode_value(Decimal("1E+300"))
    assert encode_value(-0.0) == encode_value(0.0)
    assert encode_value(Decimal("-0")) == encode_value(Decimal("0.000"))
    assert encode_value(Interval(1, 0, 0)) == encode_value(Interval(0, 30, 0))  # a month is 30 days


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.none() | TEXT, st.none() | INT64), min_size=2, max_size=12))
def test_composite_keys_sort_column_by_column(rows: list[tuple[str | None, int | None]]) -> None:
    def sql(row: tuple[str | None, int | None]) -> Any:
        return tuple((1,) if v is None else (0, v.encode() if isinstance(v, str) else v) for v in row)

    by_key = sorted(rows, key=lambda r: encode_key(r))
    assert [sql(r) for r in by_key] == sorted(sql(r) for r in rows)


def test_text_prefix_sorts_first_and_nul_is_escaped() -> None:
    assert encode_value("ab") < encode_value("ab\x00") < encode_value("ab\x01") < encode_value("abc")
    assert encode_value(b"a\x00") == b"\x05a\x00\xff\x00\x01"



def test_numeric_keys_do_not_depend_on_the_callers_decimal_context() -> None:
    import decimal

    long_values = [Decimal("1234567890123456789012345678901234567890.5000"), Decimal("-7.10000000000000000000000000000001")]
    with decimal.localcontext(decimal.Context(prec=200)):
        wide = [encode_value(v) for v in long_values]
    with decimal.localcontext(decimal.Context(prec=5)):
        narrow = [encode_value(v) for v in long_values]
    assert narrow == wide
    assert encode_value(Decimal("1.50")) == encode_value(Decimal("1.5"))
