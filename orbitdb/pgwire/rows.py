"""Encoding result rows as DataRow messages, in text or binary format per column.

A RowEncoder is built per result shape and output style (shapes.py), not per row: it picks each
column's encoding function once, with fast paths for the types most rows hold.
"""

from __future__ import annotations

import struct
from collections.abc import Callable, Sequence
from typing import Any

from orbitdb.pgwire import binary
from orbitdb.pgwire.encodings.codec import UTF8, ClientEncoding
from orbitdb.sql.errors import SqlError
from orbitdb.sql.result import Column
from orbitdb.sql.types.pgtext import OutputStyle, format_text, oids, type_name

_I32 = struct.Struct("!i")
_ROW_HEADER = struct.Struct("!cih")
_NULL = b"\xff\xff\xff\xff"
_TEXT_LIKE = frozenset((oids.TEXT, oids.VARCHAR, oids.BPCHAR, oids.NAME, oids.UNKNOWN))
_INT_LIKE = frozenset((oids.INT2, oids.INT4, oids.INT8, oids.OID))


def _text_encoder(type_oid: int, style: OutputStyle) -> Callable[[Any], bytes]:
    def generic(value: Any) -> bytes:
        return format_text(value, type_oid, style=style).encode("utf-8")

    if type_oid in _TEXT_LIKE:
        return lambda v: v.encode("utf-8") if type(v) is str else generic(v)
    if type_oid in _INT_LIKE:
        return lambda v: b"%d" % v if type(v) is int else generic(v)
    if type_oid == oids.BOOL:
        return lambda v: b"t" if v else b"f"
    return generic


def _enum_binary(value: Any) -> bytes:
    return str(value).encode("utf-8")


# types whose binary form is their text (PostgreSQL converts it to the client's encoding too)
_XML = 142
_BINARY_TEXT = _TEXT_LIKE | {oids.JSON, _XML}


def _converted_text_encoder(type_oid: int, style: OutputStyle, encoding: ClientEncoding) -> Callable[[Any], bytes]:
    """A text-format column for a client whose encoding is not UTF8."""
    encode = encoding.encode

    def generic(value: Any) -> bytes:
        return encode(format_text(value, type_oid, style=style))

    if type_oid in _TEXT_LIKE:
        return lambda v: encode(v) if type(v) is str else generic(v)
    if type_oid in _INT_LIKE:
        return lambda v: b"%d" % v if type(v) is int else generic(v)
    if type_oid == oids.BOOL:
        return lambda v: b"t" if v else b"f"
    return generic


def _converted_binary_encoder(column: Column, encoding: ClientEncoding) -> Callable[[Any], bytes]:
    """A binary-format column for a client whose encoding is not UTF8: text inside converted."""
    if column.text_binary:
        return lambda v: encoding.encode(str(v))
    found = _binary_encoder(column.type_oid)
    if column.type_oid in _BINARY_TEXT:
        return lambda v: encoding.from_utf8(found(v))
    if column.type_oid == oids.JSONB:

        def jsonb(value: Any) -> bytes:
            raw = found(value)
            return raw[:1] + encoding.from_utf8(raw[1:])  # a version byte, then the text

        return jsonb
    return found


def _binary_encoder(type_oid: int) -> Callable[[Any], bytes]:
    found = binary.encoder(type_oid)
    if found is None:
        raise SqlError("42883", f"no binary output function available for type {type_name(type_oid)}")
    return found


class RowEncoder:
    def __init__(self, columns: Sequence[Column], formats: Sequence[int], style: OutputStyle,
                 encoding: ClientEncoding = UTF8) -> None:
        self.count = len(columns)
        if encoding.converts:
            self.encoders = [
                _converted_binary_encoder(col, encoding) if fmt == 1 else _converted_text_encoder(col.type_oid, style, encoding)
                for col, fmt in zip(columns, formats)
            ]
            return
        self.encoders = [
            (_enum_binary if col.text_binary else _binary_encoder(col.type_oid)) if fmt == 1
            else _text_encoder(col.type_oid, style)
            for col, fmt in zip(columns, formats)
        ]

    def data_row(self, row: Sequence[Any]) -> bytes:
        parts = [b""]
        size = 6  # length word and column count
        for value, encode in zip(row, self.encoders):
            if value is None:
                parts.append(_NULL)
                size += 4
            else:
                data = encode(value)
                parts.append(_I32.pack(len(data)))
                parts.append(data)
                size += 4 + len(data)
        parts[0] = _ROW_HEADER.pack(b"D", size, self.count)
        return b"".join(parts)
