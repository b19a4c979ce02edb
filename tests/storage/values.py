"""Hypothesis strategies for the Python values the SQL layer stores, by storage kind."""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st

from orbitdb.storage.interval import Interval
from orbitdb.storage.jsonnull import JSON_NULL

INT64 = st.integers(min_value=-(2**63), max_value=2**63 - 1)
HUGE_INT = st.integers(min_value=-(2**200), max_value=2**200)
TEXT = st.text(alphabet=st.characters(codec="utf-8"))  # any code point but surrogates, NUL included
TEXT_WITH_SURROGATES = st.text()
FLOAT = st.floats(allow_nan=True, allow_infinity=True)
DECIMAL = st.decimals(allow_nan=True, allow_infinity=True, places=None) | st.sampled_from(
    [Decimal("-0"), Decimal("0E-10"), Decimal("1E+100"), Decimal("-1E-100"), Decimal("12345678901234567890.1234567")]
)
FINITE_DECIMAL_28 = st.decimals(allow_nan=False, allow_infinity=False, min_value=Decimal("-1e20"),
                                max_value=Decimal("1e20"), places=6)
ZONES = st.sampled_from([datetime.timezone.utc, datetime.timezone(datetime.timedelta(hours=5, minutes=30)),
                         datetime.timezone(datetime.timedelta(hours=-8)),
                         datetime.timezone(datetime.timedelta(seconds=-3661))])
NAIVE_TS = st.datetimes()
UTC_TS = st.datetimes(timezones=st.just(datetime.timezone.utc),
                      min_value=datetime.datetime(1, 1, 2), max_value=datetime.datetime(9999, 12, 30))
AWARE_TS = st.datetimes(timezones=ZONES, min_value=datetime.datetime(1, 1, 2),
                        max_value=datetime.datetime(9999, 12, 30))
DATE = st.dates()
TIME = st.times()
TIMETZ = st.times(timezones=ZONES)
INTERVAL = st.builds(Interval, st.integers(-(2**31), 2**31 - 1), st.integers(-(2**31), 2**31 - 1), INT64)
UUID = st.builds(uuid.UUID, int=st.integers(0, 2**128 - 1))
JSON_SCALAR = (st.none() | st.just(JSON_NULL) | st.booleans() | st.integers(-(2**70), 2**70) | TEXT
               | st.decimals(allow_nan=False, allow_infinity=False, places=None))
JSON = st.recursive(JSON_SCALAR, lambda inner: st.lists(inner, max_size=4)
                    | st.dictionaries(TEXT, inner, max_size=4), max_leaves=12)

# storage kind -> values of it (as the SQL layer hands them to storage)
BY_KIND: dict[str, st.SearchStrategy[Any]] = {
    "int": INT64 | HUGE_INT,
    "float": FLOAT,
    "bool": st.booleans(),
    "text": TEXT_WITH_SURROGATES,
    "bytes": st.binary(),
    "numeric": DECIMAL,
    "date": DATE,
    "ts": NAIVE_TS,
    "tstz": UTC_TS | AWARE_TS,
    "time": TIME,
    "timetz": TIMETZ,
    "interval": INTERVAL,
    "uuid": UUID,
    "json": JSON,
}
KINDS = sorted(BY_KIND)


def array_of(elements: st.SearchStrategy[Any]) -> st.SearchStrategy[list[Any]]:
    """Arrays with NULLs, one or two levels deep."""
    flat = st.lists(st.none() | elements, max_size=5)
    return flat | st.lists(st.none() | flat, max_size=3)


def values_of(kind: str) -> st.SearchStrategy[Any]:
    if kind.startswith("array:"):
        return array_of(values_of(kind[6:]))
    return BY_KIND[kind]


ALL_KINDS = KINDS + ["array:" + k for k in KINDS]
