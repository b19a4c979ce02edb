"""Backend (server -> client) messages of protocol 3.0, built as bytes."""

from __future__ import annotations

import struct
from collections.abc import Callable, Sequence

from orbitdb.sql.result import Column

_I32 = struct.Struct("!i")
_HEADER = struct.Struct("!ci")


def message(kind: bytes, body: bytes = b"") -> bytes:
    return _HEADER.pack(kind, len(body) + 4) + body


def cstr(text: str) -> bytes:
    return text.encode("utf-8").replace(b"\x00", b"") + b"\x00"


# --- startup and authentication -------------------------------------------------------------------

AUTH_OK = 0
AUTH_CLEARTEXT = 3
AUTH_MD5 = 5
AUTH_SASL = 10
AUTH_SASL_CONTINUE = 11
AUTH_SASL_FINAL = 12


def authentication(code: int, payload: bytes = b"") -> bytes:
    return message(b"R", _I32.pack(code) + payload)


def parameter_status(name: str, value: str) -> bytes:
    return message(b"S", cstr(name) + cstr(value))


def backend_key_data(pid: int, secret: int) -> bytes:
    return message(b"K", struct.pack("!iI", pid, secret))


def negotiate_protocol_version(version: int, unrecognized: Sequence[str]) -> bytes:
    body = struct.pack("!ii", version, len(unrecognized)) + b"".join(cstr(name) for name in unrecognized)
    return message(b"v", body)


def ready_for_query(status: str) -> bytes:
    ready = _READY.get(status)
    return message(b"Z", status.encode("ascii")) if ready is None else ready


_READY = {status: message(b"Z", status.encode("ascii")) for status in "ITE"}


# --- results --------------------------------------------------------------------------------------


def row_description(columns: Sequence[Column], formats: Sequence[int],
                    encode_name: Callable[[str], bytes] | None = None) -> bytes:
    """encode_name: a column name in the client's encoding (None: UTF-8)."""
    parts = [struct.pack("!h", len(columns))]
    for column, fmt in zip(columns, formats):
        parts.append(cstr(column.name) if encode_name is None
                     else encode_name(column.name).replace(b"\x00", b"") + b"\x00")
        parts.append(
            struct.pack(
                "!IhIhih",  # oids are unsigned (a temporary table's are above 2**31)
                column.table_oid,
                column.column_number,
                column.type_oid,
                column.type_size,
                column.type_modifier,
                fmt,
            )
        )
    return message(b"T", b"".join(parts))


def command_complete(tag: str) -> bytes:
    done = _COMPLETES.get(tag)
    if done is None:
        if len(_COMPLETES) >= 1024:
            _COMPLETES.clear()  # row counts vary: the common tags come back at once
        done = _COMPLETES[tag] = message(b"C", cstr(tag))
    return done


_COMPLETES: dict[str, bytes] = {}


EMPTY_QUERY_RESPONSE = message(b"I")
PARSE_COMPLETE = message(b"1")
BIND_COMPLETE = message(b"2")
CLOSE_COMPLETE = message(b"3")
NO_DATA = message(b"n")
PORTAL_SUSPENDED = message(b"s")
COPY_DONE = message(b"c")


def parameter_description(oids: Sequence[int]) -> bytes:
    return message(b"t", struct.pack(f"!H{len(oids)}I", len(oids), *oids))


# --- errors and notices ---------------------------------------------------------------------------


def _fields(fields: Sequence[tuple[bytes, str]]) -> bytes:
    return b"".join(code + cstr(value) for code, value in fields) + b"\x00"


def error_response(fields: Sequence[tuple[bytes, str]]) -> bytes:
    return message(b"E", _fields(fields))


def notice_response(fields: Sequence[tuple[bytes, str]]) -> bytes:
    return message(b"N", _fields(fields))


# --- COPY -----------------------------------------------------------------------------------------


def copy_response(kind: bytes, binary: bool, column_count: int) -> bytes:
    """CopyInResponse (G) or CopyOutResponse (H): overall format and one format per column."""
    fmt = 1 if binary else 0
    return message(kind, struct.pack(f"!bh{column_count}h", fmt, column_count, *([fmt] * column_count)))


def copy_data(data: bytes) -> bytes:
    return _HEADER.pack(b"d", len(data) + 4) + data


def notification_response(pid: int, channel: str, payload: str) -> bytes:
    return message(b"A", _I32.pack(pid) + cstr(channel) + cstr(payload))
