"""Decoding the bodies of frontend (client -> server) messages, strictly: a body too short for its
fields or with bytes left over is a protocol violation, as in PostgreSQL."""

from __future__ import annotations

import struct
from dataclasses import dataclass

from orbitdb.pgwire.errors import CHARACTER_NOT_IN_REPERTOIRE, ProtocolError
from orbitdb.sql.parse.lexical import utf8_error_bytes


class Body:
    """A cursor over one message body."""

    __slots__ = ("data", "pos")

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def _take(self, n: int) -> bytes:
        if n < 0 or self.pos + n > len(self.data):
            raise ProtocolError("insufficient data left in message", fatal=False)
        chunk = self.data[self.pos : self.pos + n]
        self.pos += n
        return chunk

    def byte(self) -> int:
        return self._take(1)[0]

    def int16(self) -> int:
        return struct.unpack("!h", self._take(2))[0]

    def int32(self) -> int:
        return struct.unpack("!i", self._take(4))[0]

    def uint32(self) -> int:
        return struct.unpack("!I", self._take(4))[0]

    def raw(self, n: int) -> bytes:
        return self._take(n)

    def cstring(self) -> str:
        end = self.data.find(b"\x00", self.pos)
        if end < 0:
            raise ProtocolError("invalid string in message", fatal=False)
        start = self.pos
        self.pos = end + 1
        with memoryview(self.data) as view:  # decoded in place: a huge query is not copied first
            return decode_utf8(view[start:end])

    def rest(self) -> bytes:
        chunk = self.data[self.pos :]
        self.pos = len(self.data)
        return chunk

    def end(self) -> None:
        if self.pos != len(self.data):
            raise ProtocolError("invalid message format", fatal=False)


def decode_utf8(raw: bytes | memoryview) -> str:
    try:
        return str(raw, "utf-8")
    except UnicodeDecodeError as exc:
        bad = utf8_error_bytes(bytes(raw[exc.start : exc.start + 4]))
        raise ProtocolError(
            f'invalid byte sequence for encoding "UTF8": {bad}',
            fatal=False,
            sqlstate=CHARACTER_NOT_IN_REPERTOIRE,
        ) from None


def _count(body: Body, what: str) -> int:
    """A 16-bit count, unsigned as PostgreSQL reads it (pq_getmsgint(msg, 2)): -1 is 65535."""
    return body.int16() & 0xFFFF


@dataclass
class Parse:
    name: str
    query: str
    param_oids: list[int]


@dataclass
class Bind:
    portal: str
    statement: str
    param_formats: list[int]
    params: list[bytes | None]
    result_formats: list[int]


@dataclass
class Describe:
    kind: str  # "S" statement or "P" portal
    name: str


@dataclass
class Execute:
    portal: str
    max_rows: int


def parse_query(data: bytes) -> str:
    body = Body(data)
    query = body.cstring()
    body.end()
    return query


def parse_parse(data: bytes) -> Parse:
    body = Body(data)
    name = body.cstring()
    query = body.cstring()
    oids = [body.uint32() for _ in range(_count(body, "parameter types"))]
    body.end()
    return Parse(name, query, oids)


def _formats(body: Body, what: str) -> list[int]:
    formats = [body.int16() for _ in range(_count(body, what))]
    for fmt in formats:
        if fmt not in (0, 1):
            raise ProtocolError(f"unsupported format code: {fmt}", fatal=False)
    return formats


_U16 = struct.Struct("!H")
_I32 = struct.Struct("!i")
_DESCRIBE_KINDS = {ord("S"): "S", ord("P"): "P"}


class _Irregular(Exception):
    """A message the fast reading does not take: the strict reading says what is wrong with it."""


def _fast_cstring(data: bytes, pos: int) -> tuple[str, int]:
    end = data.find(b"\x00", pos)
    if end < 0:
        raise _Irregular
    return data[pos:end].decode("utf-8"), end + 1


def _fast_formats(data: bytes, pos: int) -> tuple[list[int], int]:
    (count,) = _U16.unpack_from(data, pos)
    pos += 2
    formats = list(struct.unpack_from(f"!{count}h", data, pos)) if count else []
    for fmt in formats:
        if fmt != 0 and fmt != 1:
            raise _Irregular
    return formats, pos + 2 * count


def _fast_bind(data: bytes) -> Bind:
    """parse_bind for a well-formed message, without a cursor object (a Bind per statement)."""
    portal, pos = _fast_cstring(data, 0)
    statement, pos = _fast_cstring(data, pos)
    param_formats, pos = _fast_formats(data, pos)
    (count,) = _U16.unpack_from(data, pos)
    pos += 2
    params: list[bytes | None] = []
    size = len(data)
    for _ in range(count):
        (length,) = _I32.unpack_from(data, pos)
        pos += 4
        if length == -1:
            params.append(None)
        elif length < 0 or pos + length > size:
            raise _Irregular
        else:
            params.append(data[pos : pos + length])
            pos += length
    result_formats, pos = _fast_formats(data, pos)
    if pos != size:
        raise _Irregular
    return Bind(portal, statement, param_formats, params, result_formats)


def parse_bind(data: bytes) -> Bind:
    try:
        return _fast_bind(data)
    except (_Irregular, struct.error, UnicodeDecodeError):
        return strict_bind(data)  # read again strictly, for PostgreSQL's error


def strict_bind(data: bytes) -> Bind:
    body = Body(data)
    portal = body.cstring()
    statement = body.cstring()
    param_formats = _formats(body, "parameter format codes")
    params: list[bytes | None] = []
    for _ in range(_count(body, "parameters")):
        length = body.int32()
        if length == -1:
            params.append(None)
        elif length < 0:
            raise ProtocolError(f"invalid parameter length {length}", fatal=False)
        else:
            params.append(body.raw(length))
    result_formats = _formats(body, "result format codes")
    body.end()
    return Bind(portal, statement, param_formats, params, result_formats)


def parse_describe_or_close(data: bytes, what: str) -> Describe:
    if data and data[0] in _DESCRIBE_KINDS and data.find(b"\x00", 1) == len(data) - 1:
        try:
            return Describe(_DESCRIBE_KINDS[data[0]], data[1:-1].decode("utf-8"))
        except UnicodeDecodeError:
            pass  # read again strictly, for PostgreSQL's error
    return strict_describe_or_close(data, what)


def strict_describe_or_close(data: bytes, what: str) -> Describe:
    body = Body(data)
    kind = chr(body.byte())
    if kind not in "SP":
        raise ProtocolError(f"invalid {what} message subtype {ord(kind)}", fatal=False)
    name = body.cstring()
    body.end()
    return Describe(kind, name)


def parse_execute(data: bytes) -> Execute:
    end = data.find(b"\x00")
    if end >= 0 and end + 5 == len(data):
        try:
            return Execute(data[:end].decode("utf-8"), _I32.unpack_from(data, end + 1)[0])
        except UnicodeDecodeError:
            pass  # read again strictly, for PostgreSQL's error
    return strict_execute(data)


def strict_execute(data: bytes) -> Execute:
    body = Body(data)
    portal = body.cstring()
    max_rows = body.int32()
    body.end()
    return Execute(portal, max_rows)


def parse_copy_fail(data: bytes) -> str:
    body = Body(data)
    message = body.cstring()
    body.end()
    return message


def expand_formats(formats: list[int], count: int, what: str) -> list[int]:
    """Format codes as Bind sends them (none = all text, one = all alike, or one each)."""
    if not formats:
        return [0] * count
    if len(formats) == 1:
        return formats * count
    if len(formats) != count:
        raise ProtocolError(
            f"bind message has {len(formats)} {what} formats but {count} {what}s", fatal=False
        )
    return formats
