"""The COPY sub-protocols on top of the SQL layer's CopyIn and CopyOut."""

from __future__ import annotations

import logging

from orbitdb.pgwire import backend
from orbitdb.pgwire.copy_binary import BinaryCopyReader, binary_chunks
from orbitdb.pgwire.errors import ProtocolError, error_fields
from orbitdb.pgwire.frontend import parse_copy_fail
from orbitdb.pgwire.stream import Stream
from orbitdb.sql.errors import SqlError
from orbitdb.sql.result import CopyIn, CopyOut, Result

QUERY_CANCELED = "57014"
log = logging.getLogger("orbitdb.pgwire")


def copy_in(stream: Stream, copy: CopyIn) -> Result:
    """CopyInResponse, then CopyData until CopyDone (load) or CopyFail (abort). Raises SqlError
    when the data is bad or the client gives up; the client's remaining CopyData messages are then
    ignored by the main loop, as PostgreSQL does."""
    stream.write(backend.copy_response(b"G", copy.format == "binary", copy.column_count))
    stream.flush()
    settled = False  # finish() or abort() was called: the CopyIn has cleaned up after itself
    reader = BinaryCopyReader(copy) if copy.format == "binary" else None
    try:
        while True:
            kind, body = stream.read_message()
            if kind == ord("d"):
                if reader is not None:
                    reader.feed(body)
                else:
                    copy.feed(body)
            elif kind == ord("c"):
                if reader is not None:
                    reader.finish()
                settled = True
                return copy.finish()
            elif kind == ord("f"):
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


def copy_out(stream: Stream, copy: CopyOut) -> Result:
    """CopyOutResponse, a CopyData per chunk, CopyDone; returns the COPY's result."""
    stream.write(backend.copy_response(b"H", copy.format == "binary", copy.column_count))
    for chunk in binary_chunks(copy) if copy.format == "binary" else copy.chunks():
        stream.write(backend.copy_data(chunk))
    stream.write(backend.COPY_DONE)
    return copy.result()
