"""Messages between a client whose encoding is not UTF8 and the server: the text in them is
converted on the way in (Query, Parse, CopyFail) and on the way out (ErrorResponse,
NoticeResponse, ParameterStatus, NotificationResponse). Rows, their descriptions and COPY data
are converted where they are made (rows.py, shapes.py, copy.py), which know which bytes are text."""

from __future__ import annotations

import struct

from orbitdb.pgwire.encodings.codec import ClientEncoding

_HEADER = struct.Struct("!ci")
_ALL_CSTRINGS = frozenset(b"ENS")  # bodies made of C strings only (E and N: a code byte before each)
_NOTIFICATION = ord("A")  # a process id, then two C strings


def _cstrings_out(body: bytes, encoding: ClientEncoding) -> bytes:
    # UTF-8 text holds no zero byte: splitting at them finds the strings
    return b"\x00".join(encoding.encode_lenient(str(part, "utf-8")) for part in body.split(b"\x00"))


def _one_out(kind: int, body: bytes, encoding: ClientEncoding) -> bytes:
    if kind == _NOTIFICATION:
        return body[:4] + _cstrings_out(body[4:], encoding)
    return _cstrings_out(body, encoding)


def outgoing(data: bytes, encoding: ClientEncoding) -> bytes:
    """The backend messages in data with their text in the client's encoding (a character it has
    not becomes '?': an error must reach the client whatever it says)."""
    if not data or (data[0] not in _ALL_CSTRINGS and data[0] != _NOTIFICATION and len(data) == _length(data) + 1):
        return data
    out: list[bytes] = []
    pos = 0
    while pos < len(data):
        kind = data[pos]
        end = pos + 1 + _length(data, pos)
        if kind in _ALL_CSTRINGS or kind == _NOTIFICATION:
            body = _one_out(kind, data[pos + 5 : end], encoding)
            out.append(_HEADER.pack(bytes((kind,)), len(body) + 4) + body)
        else:
            out.append(data[pos:end])
        pos = end
    return b"".join(out)


def _length(data: bytes, pos: int = 0) -> int:
    return int(_HEADER.unpack_from(data, pos)[1]) if len(data) >= pos + 5 else len(data) - pos - 1


def cstrings_in(data: bytes, count: int, encoding: ClientEncoding) -> bytes:
    """A message body whose first count fields are C strings (Query 1, Parse 2, CopyFail 1), with
    those converted to UTF-8 and the rest as it is; SqlError 22021/22P05 for bad text."""
    parts: list[bytes] = []
    pos = 0
    for _ in range(count):
        end = data.find(b"\x00", pos)
        if end < 0:
            return data  # malformed: the message's own reading reports it
        parts.append(encoding.to_utf8(data[pos:end]) + b"\x00")
        pos = end + 1
    parts.append(data[pos:])
    return b"".join(parts)
