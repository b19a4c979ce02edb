"""The FunctionCall message (protocol 3.0's fastpath): a function called by its pg_proc oid with
its arguments as text or binary values. libpq's large-object calls (lo_open, loread, lowrite,
lo_lseek64, ... used by psycopg2's lobject and by lo_import/lo_export on the client side) use
it; those are the functions answered here. The call runs as a statement of the session, so it
autocommits outside a transaction block and fails in an aborted one, as in PostgreSQL."""

from __future__ import annotations

import struct
from typing import Any

from orbitdb.pgwire import backend
from orbitdb.pgwire.errors import ProtocolError
from orbitdb.sql.errors import SqlError
from orbitdb.sql.pgcatalog.pg_objects import LARGE_OBJECT_PROCS

_I16 = struct.Struct("!h")
_I32 = struct.Struct("!i")
_TYPE_NAMES = {23: "int4", 20: "int8", 26: "oid", 17: "bytea", 25: "text", 2278: "void"}
_FUNCTIONS = {oid: (name, args, ret) for oid, name, args, ret in LARGE_OBJECT_PROCS}


class _Reader:
    def __init__(self, body: bytes) -> None:
        self.body = body
        self.pos = 0

    def take(self, n: int) -> bytes:
        if n < 0 or self.pos + n > len(self.body):
            raise ProtocolError("insufficient data left in message", fatal=False)
        out = self.body[self.pos:self.pos + n]
        self.pos += n
        return out

    def i16(self) -> int:
        return int(_I16.unpack(self.take(2))[0])

    def i32(self) -> int:
        return int(_I32.unpack(self.take(4))[0])


def _argument(raw: bytes, type_oid: int, binary: bool) -> Any:
    if type_oid == 17:
        return raw if binary else _bytea_text(raw.decode())
    if type_oid == 25:
        return raw.decode()
    if binary:
        if len(raw) not in (4, 8):
            raise SqlError("22P03", "incorrect binary data format in function argument")
        return int.from_bytes(raw, "big", signed=type_oid != 26)
    try:
        return int(raw.decode().strip())
    except ValueError:
        raise SqlError("22P02", f'invalid input syntax for type {_TYPE_NAMES[type_oid]}: "{raw.decode()}"') from None


def _bytea_text(text: str) -> bytes:
    if text.startswith("\\x"):
        try:
            return bytes.fromhex(text[2:])
        except ValueError:
            raise SqlError("22P02", "invalid hexadecimal data") from None
    return text.encode("latin-1", "backslashreplace").decode("unicode_escape").encode("latin-1")


def _result(value: Any, type_oid: int, binary: bool) -> bytes | None:
    if value is None or type_oid == 2278:
        return None if value is None else b""
    if type_oid == 17:
        data = bytes(value)
        return data if binary else ("\\x" + data.hex()).encode()
    if type_oid == 25:
        return str(value).encode()
    if binary:
        size = 8 if type_oid == 20 else 4
        return int(value).to_bytes(size, "big", signed=type_oid != 26)
    return str(int(value)).encode()


def function_call(session: Any, body: bytes) -> tuple[bytes, list[Any]]:
    """Runs a FunctionCall message: the FunctionCallResponse message and the call's notices."""
    r = _Reader(body)
    oid = r.i32() & 0xFFFFFFFF
    formats = [r.i16() for _ in range(r.i16())]
    nargs = r.i16()
    raws: list[bytes | None] = []
    for _ in range(nargs):
        n = r.i32()
        raws.append(None if n == -1 else r.take(n))
    result_binary = r.i16() == 1
    found = _FUNCTIONS.get(oid)
    if found is None:
        raise SqlError("42883", f"function with OID {oid} does not exist")
    name, arg_types, ret = found
    if nargs != len(arg_types):
        raise SqlError("08P01", f"function call message contains {nargs} arguments but function requires "
                       f"{len(arg_types)}")
    if len(formats) not in (0, 1, nargs):
        raise ProtocolError(f"function call message contains {len(formats)} argument formats but {nargs} arguments",
                            fatal=False)
    params = []
    for i, (raw, type_oid) in enumerate(zip(raws, arg_types)):
        binary = bool(formats[0] if len(formats) == 1 else formats[i] if formats else 0)
        params.append(None if raw is None else _argument(raw, type_oid, binary))
    casts = ", ".join(f"${i + 1}::{_TYPE_NAMES[t]}" for i, t in enumerate(arg_types))
    value: Any = None
    notices: list[Any] = []
    for result in session.execute(f"SELECT pg_catalog.{name}({casts})", params):
        notices.extend(getattr(result, "notices", []) or [])
        rows = getattr(result, "rows", None) or []
        for row in rows:
            value = row[0]
            break
        close = getattr(rows, "close", None)
        if close is not None:
            close()
    data = _result(value, ret, result_binary)
    payload = _I32.pack(-1) if data is None else _I32.pack(len(data)) + data
    return backend.message(b"V", payload), notices
