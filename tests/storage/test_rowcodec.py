"""Rows: format 2 round-trips every storage kind and NULL pattern to the same Python values that
format 1 (marshal) gave, one column decodes alone, rows of format 1 are still read, and damaged
bytes raise DataCorrupted (never a crash)."""

from __future__ import annotations

import datetime
import math
import struct
import uuid
from decimal import Decimal
from typing import Any

import format1_codec as old
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from values import ALL_KINDS, values_of

from orbitdb.storage.errors import DataCorrupted, StorageError
from orbitdb.storage.interval import Interval
from orbitdb.storage.jsonnull import JSON_NULL
from orbitdb.storage.rowcodec import FORMAT_V1, FORMAT_V2, RowCodec


def same(a: Any, b: Any) -> bool:
    """Equal values of the same type (NaN equals NaN, -0.0 differs from 0.0)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, float):
        return struct.pack("<d", a) == struct.pack("<d", b) or (math.isnan(a) and math.isnan(b))
    if isinstance(a, Decimal):
        return str(a) == str(b)
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, (datetime.datetime, datetime.time)):
        return a == b and a.tzinfo == b.tzinfo and a.utcoffset() == b.utcoffset()
    if isinstance(a, Interval):
        return (a.months, a.days, a.microseconds) == (b.months, b.days, b.microseconds)
    return bool(a == b)


@st.composite
def layouts_and_rows(draw: st.DrawFn) -> tuple[list[str], tuple[Any, ...]]:
    kinds = draw(st.lists(st.sampled_from(ALL_KINDS), min_size=0, max_size=10))
    row = tuple(draw(st.none() | values_of(k)) for k in kinds)
    return kinds, row


def format1_round_trip(kinds: list[str], row: tuple[Any, ...]) -> tuple[Any, ...]:
    codec = old.RowCodec(kinds)
    return codec.decode(codec.encode(row))  # type: ignore[no-any-return]


@settings(max_examples=300, deadline=None)
@given(layouts_and_rows())
def test_rows_read_back_as_format_1_read_them(case: tuple[list[str], tuple[Any, ...]]) -> None:
    kinds, row = case
    codec = RowCodec(kinds)
    data = codec.encode(row)
    assert data[:1] == FORMAT_V2
    got = codec.decode(data)
    assert same(got, format1_round_trip(kinds, row))
    assert same(codec.decode(bytearray(data)), got) and same(codec.decode(memoryview(data)), got)


@settings(max_examples=200, deadline=None)
@given(layouts_and_rows(), st.data())
def test_decode_columns_agrees_with_decode(case: tuple[list[str], tuple[Any, ...]], data: st.DataObject) -> None:
    kinds, row = case
    codec = RowCodec(kinds)
    stored = codec.encode(row)
    whole = codec.decode(stored)
    slots = data.draw(st.lists(st.integers(0, len(kinds) - 1), max_size=12)) if kinds else []
    assert same(codec.decode_columns(stored, slots), tuple(whole[i] for i in slots))


@settings(max_examples=200, deadline=None)
@given(layouts_and_rows())
def test_format_1_rows_are_still_read(case: tuple[list[str], tuple[Any, ...]]) -> None:
    kinds, row = case
    data = old.RowCodec(kinds).encode(row)
    assert data[:1] == FORMAT_V1
    expected = format1_round_trip(kinds, row)
    codec = RowCodec(kinds)
    assert same(codec.decode(data), expected)
    if kinds:
        assert same(codec.decode_columns(data, [len(kinds) - 1, 0]), (expected[-1], expected[0]))


def test_every_null_pattern() -> None:
    kinds = ["int", "text", "float", "array:int", "json", "bool", "uuid", "numeric", "date"]
    full = (7, "seven", 7.5, [7, None], {"n": 7}, True, uuid.UUID(int=7), Decimal("7.70"), datetime.date(2007, 7, 7))
    codec = RowCodec(kinds)
    for mask in range(1 << len(kinds)):
        row = tuple(None if mask & (1 << i) else v for i, v in enumerate(full))
        assert same(codec.decode(codec.encode(row)), format1_round_trip(kinds, row)), mask


def test_short_rows_take_missing_values() -> None:
    older = RowCodec(["int", "text"])
    data = older.encode((1, "a"))
    newer = RowCodec(["int", "text", "int", "array:text"], [None, None, 42, ["x", None]])
    assert newer.decode(data) == (1, "a", 42, ["x", None])
    assert newer.decode_columns(data, [3, 2, 0]) == (["x", None], 42, 1)
    assert newer.decode(newer.encode((2,))) == (2, None, 42, ["x", None])
    # an explicit NULL is not a missing value
    assert newer.decode(newer.encode((2, None, None))) == (2, None, None, ["x", None])


def test_slots_without_a_column_read_as_null() -> None:
    written = RowCodec(["int", "float", "text"]).encode((1, 2.5, "c"))
    reader = RowCodec(["int", None, "text"])
    assert reader.decode(written) == (1, None, "c")
    assert reader.encode((1, "anything", "c")) == RowCodec(["int", "float", "text"]).encode((1, None, "c"))


def test_a_row_longer_than_the_layout_is_refused() -> None:
    with pytest.raises(ValueError, match="3 values"):
        RowCodec(["int", "int"]).encode((1, 2, 3))


def test_values_of_the_wrong_type_are_refused() -> None:
    for kind, value in [("int", "1"), ("int", 1.5), ("text", 1), ("bool", "t"), ("bytes", "x"), ("date", 1),
                        ("numeric", "1"), ("array:int", 1), ("uuid", "x"), ("ts", 5)]:
        with pytest.raises((TypeError, AttributeError)):
            RowCodec([kind]).encode((value,))
    with pytest.raises(ValueError, match="unknown storage kind"):
        RowCodec(["money"])


def test_out_of_range_values_are_storage_errors() -> None:
    with pytest.raises(StorageError) as info:
        RowCodec(["interval"]).encode((Interval(2**63, 0, 0),))
    assert info.value.sqlstate == "22008"


@pytest.mark.parametrize("size", [0, 1, 255, 256, 65_535, 65_536, 3 << 20])
def test_large_values(size: int) -> None:
    kinds = ["int", "text", "bytes", "array:text", "json"]
    row = (size, "é" * size, bytes(range(256)) * (size // 256) + b"\x00" * (size % 256), ["x" * size, None],
           {"k": "v" * size})
    codec = RowCodec(kinds)
    data = codec.encode(row)
    assert codec.decode(data) == row
    assert codec.decode_columns(data, [4, 0]) == (row[4], size)


def test_wide_rows() -> None:
    kinds = ["int", "text"] * 800
    row = tuple(i if i % 2 == 0 else (None if i % 3 == 0 else str(i)) for i in range(1600))
    codec = RowCodec(kinds)
    assert codec.decode(codec.encode(row)) == row
    assert codec.decode_columns(codec.encode(row), [1599, 0]) == (row[1599], 0)


def test_json_values() -> None:
    codec = RowCodec(["json", "array:json"])
    row = ({"a": JSON_NULL, "b": [1, Decimal("1.10"), "x"], "c": {"d": True}}, [JSON_NULL, None, {"e": 1}])
    got = codec.decode(codec.encode(row))
    assert same(got, row)
    assert codec.decode(codec.encode((JSON_NULL, None)))[0] is JSON_NULL


def test_exact_bytes_of_a_row() -> None:
    """The layout FORMAT.md describes, on one row."""
    codec = RowCodec(["int", "text", "bool", "date"])
    data = codec.encode((1, "ab", None, datetime.date(2000, 1, 2)))
    assert data == bytes([2, 0, 4, 0b0100, 8, 10, 10, 14]) + (1).to_bytes(8, "little") + b"ab" + (1).to_bytes(4, "little")


@settings(max_examples=250, deadline=None)
@given(layouts_and_rows(), st.data())
def test_damaged_rows_raise_data_corrupted(case: tuple[list[str], tuple[Any, ...]], data: st.DataObject) -> None:
    kinds, row = case
    codec = RowCodec(kinds)
    stored = bytearray(codec.encode(row))
    if data.draw(st.booleans()):
        cut = data.draw(st.integers(0, len(stored) - 1))
        stored = stored[:cut]
    else:
        i = data.draw(st.integers(0, len(stored) - 1))
        stored[i] = data.draw(st.integers(0, 255))
    # damage in the header or offsets is DataCorrupted; inside a field's bytes it may give another
    # value, or the error that value's type gives for bad input; anything else fails the test
    try:
        codec.decode(bytes(stored))
        if kinds:
            codec.decode_columns(bytes(stored), [len(kinds) - 1])
    except (DataCorrupted, ValueError, ArithmeticError):
        pass


@settings(max_examples=500, deadline=None)
@given(st.binary(max_size=64))
def test_random_bytes_never_crash(data: bytes) -> None:
    codec = RowCodec(["int", "text", "array:float", "timetz", "interval"])
    try:
        codec.decode(b"\x02" + data)
    except (DataCorrupted, ValueError, ArithmeticError):
        pass
