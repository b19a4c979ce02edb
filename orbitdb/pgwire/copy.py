"""The COPY sub-protocols on top of the SQL layer's CopyIn and CopyOut."""

from __future__ import annotations

import logging
from collections.abc import Callable

from orbitdb.pgwire import backend
from orbitdb.pgwire.copy_binary import BinaryCopyReader, binary_chunks
from orbitdb.pgwire.encodings.codec import ClientEncoding
from orbitdb.pgwire.errors import ProtocolError, error_fields
from orbitdb.pgwire.frontend import parse_copy_fail
from orbitdb.pgwire.stream import Stream
from orbitdb.sql.errors import SqlError
from orbitdb.sql.result import CopyIn, CopyOut, Result

QUERY_CANCELED = "57014"
log = logging.getLogger("orbitdb.pgwire")


class _Lines:
    """Text COPY data converted between UTF-8 and a client's encoding a line at a time: a CopyData
    message may end inside a character, never inside a line's end (no encoding PostgreSQL has
    for clients uses the byte 0x0A inside a character)."""

    def __init__(self, convert: Callable[[bytes], bytes]) -> None:
        self.convert = convert
        self.tail = b""

    def feed(self, data: bytes) -> bytes:
        data = self.tail + data
        end = data.rfind(b"\n") + 1
        self.tail = data[end:]
        return self.convert(data[:end]) if end else b""

    def rest(self) -> bytes:
        tail, self.tail = self.tail, b""
        return self.convert(tail) if tail else b""


def copy_in(stream: Stream, copy: CopyIn, encoding: ClientEncoding | None = None) -> Result:
    """CopyInResponse, then CopyData until CopyDone (load) or CopyFail (abort). Raises SqlError
    when the data is bad or the client gives up; the client's remaining CopyData messages are then
    ignored by the main loop, as PostgreSQL does. encoding: the client's, when not UTF8."""
    stream.write(backend.copy_response(b"G", copy.format == "binary", copy.column_count))
    stream.flush()
    lines = _Lines(encoding.to_utf8) if encoding is not None and copy.format != "binary" else None
    settled = False  # finish() or abort() was called: the CopyIn has cleaned up after itself
    reader = BinaryCopyReader(copy) if copy.format == "binary" else None
    try:
        while True:
            kind, body = stream.read_message()
            if kind == ord("d"):
                if reader is not None:
                    reader.feed(body)
                else:
                    copy.feed(body if lines is None else lines.feed(body))
            elif kind == ord("c"):
                if reader is not None:
                    reader.finish()
                elif lines is not None:
                    copy.feed(lines.rest())
                settled = True
                return copy.finish()
            elif kind == ord("f"):
                if encoding is not None:
                    body = encoding.to_utf8(body[:-1]) + b"\x00" if body.endswith(b"\x00") else body
                message = parse_copy_fail(body)
                settled = True
                copy.abort(message)
                raise SqlError(QUERY_CANCELED, f"COPY from stdin failed: {message}")
            elif kind in (ord("H"), ord("S")):
                continue  # clients may send these without noticing the COPY; PostgreSQL ignores them
            else:
                # PostgreSQL reports this, then drops the connection: what follows cannot be trusted
                unexpected = SqlError("08P01", f"unexpected message type 0x{kind:02X} during COPY from stdin")
                stream.write(backend.error_response(error_fields(unexpected)))
                raise ProtocolError("terminating connection because protocol synchronization was lost")
    except BaseException as exc:  # bad data, protocol error, client gone: the COPY must not linger
        if not settled:
            _abort_quietly(copy, str(exc))
        raise


def _abort_quietly(copy: CopyIn, message: str) -> None:
    try:
        copy.abort(message)
    except Exception:  # the first error is the one to report
        log.debug("aborting a failed COPY failed too", exc_info=True)


def copy_out(stream: Stream, copy: CopyOut, encoding: ClientEncoding | None = None) -> Result:
    """CopyOutResponse, a CopyData per chunk, CopyDone; returns the COPY's result. encoding: the
    client's, when not UTF8 (a character it has not is 22P05, as in PostgreSQL)."""
    stream.write(backend.copy_response(b"H", copy.format == "binary", copy.column_count))
    lines = _Lines(encoding.from_utf8) if encoding is not None and copy.format != "binary" else None
    for chunk in binary_chunks(copy) if copy.format == "binary" else copy.chunks():
        data = chunk if lines is None else lines.feed(chunk)
        if data:
            stream.write(backend.copy_data(data))
    if lines is not None:
        rest = lines.rest()
        if rest:
            stream.write(backend.copy_data(rest))
    stream.write(backend.COPY_DONE)
    return copy.result()
