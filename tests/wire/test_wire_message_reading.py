"""The fast readings of Bind, Describe, Close and Execute bodies (orbitdb/pgwire/frontend.py) give
what the strict, field-by-field reading gives, for well-formed bodies and for any corruption of
them: the same values, or the same protocol error (PostgreSQL's message and SQLSTATE)."""

from __future__ import annotations

import struct
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from orbitdb.pgwire import frontend
from orbitdb.pgwire.errors import ProtocolError

NAMES = st.text(alphabet="ab_1é\u4e2d", max_size=6).map(lambda s: s.encode("utf-8"))
FORMATS = st.lists(st.sampled_from([0, 1, 0, 2, -1]), max_size=4)
PARAMS = st.lists(st.one_of(st.none(), st.binary(max_size=6)), max_size=4)


def _outcome(read: Any, data: bytes, *args: Any) -> Any:
    try:
        return ("ok", read(data, *args))
    except ProtocolError as exc:
        return ("error", exc.sqlstate, exc.message, exc.fatal)


@st.composite
def bind_bodies(draw: Any) -> bytes:
    portal, statement = draw(NAMES), draw(NAMES)
    param_formats, result_formats, params = draw(FORMATS), draw(FORMATS), draw(PARAMS)
    body = portal + b"\x00" + statement + b"\x00"
    body += struct.pack(f"!H{len(param_formats)}h", len(param_formats), *param_formats)
    body += struct.pack("!H", len(params))
    for value in params:
        body += struct.pack("!i", -1) if value is None else struct.pack("!i", len(value)) + value
    body += struct.pack(f"!H{len(result_formats)}h", len(result_formats), *result_formats)
    return body


@st.composite
def corrupted(draw: Any, bodies: Any) -> bytes:
    """A body, maybe cut short, lengthened, or with a byte changed (a bad UTF-8 byte, a wrong count)."""
    body = bytearray(draw(bodies))
    change = draw(st.sampled_from(["none", "cut", "extend", "flip"]))
    if change == "cut" and body:
        del body[draw(st.integers(0, len(body) - 1)):]
    elif change == "extend":
        body += draw(st.binary(min_size=1, max_size=4))
    elif change == "flip" and body:
        body[draw(st.integers(0, len(body) - 1))] = draw(st.sampled_from([0, 0xFF, 0x80, 7, 0x53, 0x50]))
    return bytes(body)


@settings(max_examples=800, deadline=None)
@given(corrupted(bind_bodies()))
def test_bind_reads_as_the_strict_reading(data: bytes) -> None:
    assert _outcome(frontend.parse_bind, data) == _outcome(frontend.strict_bind, data)


@settings(max_examples=400, deadline=None)
@given(corrupted(st.builds(lambda kind, name: kind + name + b"\x00", st.sampled_from([b"S", b"P", b"X"]), NAMES)),
       st.sampled_from(["DESCRIBE", "CLOSE"]))
def test_describe_and_close_read_as_the_strict_reading(data: bytes, what: str) -> None:
    assert (_outcome(frontend.parse_describe_or_close, data, what)
            == _outcome(frontend.strict_describe_or_close, data, what))


@settings(max_examples=400, deadline=None)
@given(corrupted(st.builds(lambda name, rows: name + b"\x00" + struct.pack("!i", rows), NAMES,
                           st.integers(-(2**31), 2**31 - 1))))
def test_execute_reads_as_the_strict_reading(data: bytes) -> None:
    assert _outcome(frontend.parse_execute, data) == _outcome(frontend.strict_execute, data)


def test_a_bind_with_a_bad_format_code_is_refused_as_postgresql_does() -> None:
    body = b"\x00s\x00" + struct.pack("!Hh", 1, 2) + struct.pack("!H", 0) + struct.pack("!H", 0)
    assert _outcome(frontend.parse_bind, body) == ("error", "08P01", "unsupported format code: 2", False)
