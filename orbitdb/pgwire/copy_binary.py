"""COPY ... (FORMAT binary): PostgreSQL's binary COPY file format, both ways.

    signature  PGCOPY\\n\\377\\r\\n\\0, flags (int32, bit 16: OIDs), header extension length (int32)
    tuples     field count (int16), then per field its length (int32, -1: NULL) and its bytes
               in the type's binary (send/receive) format
    trailer    field count -1

The values are the binary formats of binary.py, the same as the extended protocol's."""

from __future__ import annotations

import struct
from collections.abc import Callable, Iterator
from typing import Any

from orbitdb.pgwire import binary
from orbitdb.sql.errors import SqlError
from orbitdb.sql.types.pgtext import type_name

SIGNATURE = b"PGCOPY\n\xff\r\n\x00"
_HEADER = SIGNATURE + struct.pack("!ii", 0, 0)
_TRAILER = struct.pack("!h", -1)
_I16 = struct.Struct("!h")
_I32 = struct.Struct("!i")
_CHUNK = 1 << 16  # bytes of tuples sent per CopyData message
_OIDS_FLAG = 1 << 16
_CRITICAL_FLAGS = 0xFFFF0000


def _bad(message: str, detail: str | None = None) -> SqlError:
    return SqlError("22P04", message, detail=detail)


def _encoder(t: Any) -> Callable[[Any], bytes]:
    found = binary.encoder(t.oid)
    if found is not None:
        return found
    if getattr(t, "category", None) == "E":  # an enum sends its label
        return lambda v: str(v).encode()
    raise SqlError("42883", f"no binary output function available for type {type_name(t.oid)}")


def binary_chunks(copy: Any) -> Iterator[bytes]:
    """The CopyData payloads of COPY ... TO STDOUT (FORMAT binary)."""
    encoders = [_encoder(t) for t in copy.types]
    count = _I16.pack(len(encoders))
    parts = [_HEADER]
    size = len(_HEADER)
    for row in copy.values():
        parts.append(count)
        size += 2
        for value, encode in zip(row, encoders):
            if value is None:
                parts.append(b"\xff\xff\xff\xff")
                size += 4
            else:
                data = encode(value)
                parts.append(_I32.pack(len(data)))
                parts.append(data)
                size += 4 + len(data)
        if size >= _CHUNK:
            yield b"".join(parts)
            parts, size = [], 0
    parts.append(_TRAILER)
    yield b"".join(parts)


class BinaryCopyReader:
    """Reads COPY ... FROM STDIN (FORMAT binary) data as it arrives and hands the decoded rows
    to the CopyIn (its add_values)."""

    def __init__(self, copy: Any) -> None:
        self.copy = copy
        self.columns = len(copy.types)
        self.decoders = [self._decoder(i, t) for i, t in enumerate(copy.types)]
        self.names = [copy.writer.names[i] for i in copy.col_idx]
        self.buffer = bytearray()
        self.header_read = False
        self.ended = False
        self.with_oids = False
        self.line = 0

    def _decoder(self, column: int, t: Any) -> Callable[[bytes], Any]:
        found = binary.decoder(t.oid)
        if found is not None:
            return found
        if getattr(t, "category", None) == "E":
            parse = self.copy.text_parser(column)
            return lambda data: parse(data.decode())
        raise SqlError("42883", f"no binary input function available for type {type_name(t.oid)}")

    def feed(self, data: bytes) -> None:
        self.buffer.extend(data)
        rows = self._rows()
        if rows:
            self.copy.add_values(rows)

    def finish(self) -> None:
        """At CopyDone: everything was read, up to the trailer."""
        if not self.header_read:
            raise _bad("COPY file signature not recognized")
        if not self.ended and self.buffer:  # (the end of the data at a tuple's start ends it, as the trailer does)
            raise _bad("unexpected EOF in COPY data", self._context())
        if self.buffer:
            raise _bad("received copy data after EOF marker")

    def _context(self) -> str:
        return f"COPY {self.copy.table_name}, line {self.line + 1}"

    def _read_header(self) -> bool:
        buf = self.buffer
        if len(buf) < len(SIGNATURE) + 8:
            if not SIGNATURE.startswith(bytes(buf[:len(SIGNATURE)])):
                raise _bad("COPY file signature not recognized")
            return False
        if bytes(buf[:len(SIGNATURE)]) != SIGNATURE:
            raise _bad("COPY file signature not recognized")
        flags = _I32.unpack_from(buf, len(SIGNATURE))[0] & 0xFFFFFFFF
        if flags & _CRITICAL_FLAGS & ~_OIDS_FLAG:
            raise _bad("unrecognized critical flags in COPY file header")
        if flags & _OIDS_FLAG:
            raise SqlError("0A000", "COPY file with OIDs is not supported")  # as PostgreSQL 12 on
        extension = _I32.unpack_from(buf, len(SIGNATURE) + 4)[0]
        if extension < 0:
            raise _bad("invalid COPY file header (wrong length)")
        start = len(SIGNATURE) + 8
        if len(buf) < start + extension:
            return False
        del buf[:start + extension]
        self.header_read = True
        return True

    def _rows(self) -> list[list[Any]]:
        if not self.header_read and not self._read_header():
            return []
        buf = self.buffer
        view = memoryview(buf)
        pos = 0
        rows: list[list[Any]] = []
        try:
            while len(buf) - pos >= 2:
                if self.ended:
                    raise _bad("received copy data after EOF marker")
                count = _I16.unpack_from(buf, pos)[0]
                if count == -1:
                    self.ended = True
                    pos += 2
                    continue
                if count != self.columns:
                    raise _bad(f"row field count is {count}, expected {self.columns}", self._context())
                row, end = self._tuple(view, pos + 2)
                if row is None:
                    break  # the rest of the tuple comes with the next CopyData
                rows.append(row)
                self.line += 1
                pos = end
        finally:
            view.release()
        del buf[:pos]
        return rows

    def _tuple(self, view: memoryview, pos: int) -> tuple[list[Any] | None, int]:
        row: list[Any] = []
        size = len(view)
        for i, decode in enumerate(self.decoders):
            if size - pos < 4:
                return None, pos
            n = _I32.unpack_from(view, pos)[0]
            pos += 4
            if n == -1:
                row.append(None)
                continue
            if n < 0:
                raise _bad("invalid field size", self._context())
            if size - pos < n:
                return None, pos
            data = bytes(view[pos:pos + n])
            pos += n
            try:
                row.append(decode(data))
            except SqlError as e:
                raise SqlError(e.sqlstate, e.message, detail=f"{self._context()}, column {self.names[i]}") from None
            except (binary.InsufficientData, struct.error):
                raise SqlError("08P01", "insufficient data left in message",
                               detail=f"{self._context()}, column {self.names[i]}") from None
            except (binary.BinaryFormatError, ValueError, UnicodeDecodeError):
                raise SqlError("22P03", "incorrect binary data format",
                               detail=f"{self._context()}, column {self.names[i]}") from None
        return row, pos
