"""Reading frontend messages off a socket and writing backend messages to it.

Reads are framed and bounded: a length word outside the limits for its message type is a fatal
protocol error, and a message body is read in chunks as it arrives, so a client that announces a
huge message costs only the bytes it actually sends.
"""

from __future__ import annotations

import socket
import struct
from collections.abc import Callable

from orbitdb.pgwire.errors import ClientGone, ProtocolError

# PostgreSQL's limits (pqcomm.h): most messages are small; queries, binds and COPY data may be
# large. A length word beyond them means the stream is garbage.
SMALL_MESSAGE_LIMIT = 10_000
LARGE_MESSAGE_LIMIT = (1 << 30) - 1
AUTH_MESSAGE_LIMIT = 65_535
STARTUP_PACKET_LIMIT = 10_000
LARGE_TYPES = frozenset(b"QPBFdp")

_READ_CHUNK = 1 << 16
_FLUSH_AT = 1 << 16  # outgoing bytes buffered before a send
_LENGTH = struct.Struct("!i")


class Stream:
    """One client socket (plain or TLS). Not thread-safe: its connection's thread owns it."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self._inbuf = bytearray()
        self._out: list[bytes] = []
        self._out_size = 0
        # set for a client whose encoding is not UTF8: converts the text of outgoing messages
        self.outgoing: Callable[[bytes], bytes] | None = None

    # --- reading ----------------------------------------------------------------------------

    def has_buffered_input(self) -> bool:
        return bool(self._inbuf)

    def _fill(self) -> None:
        try:
            chunk = self.sock.recv(_READ_CHUNK)
        except (OSError, ValueError) as exc:  # reset, TLS error, closed by shutdown
            raise ClientGone(str(exc)) from None
        if not chunk:
            raise ClientGone("end of stream")
        self._inbuf += chunk

    def read_exact(self, n: int) -> bytes:
        while len(self._inbuf) < n:
            self._fill()
        if len(self._inbuf) == n:
            # a new buffer, so that one large message's capacity is not kept after it
            data = bytes(self._inbuf)
            self._inbuf = bytearray()
            return data
        with memoryview(self._inbuf) as view:  # one copy of a large body, not two
            data = bytes(view[:n])
        del self._inbuf[:n]
        return data

    def read_startup_packet(self) -> bytes:
        """A startup-phase packet (no type byte): its body after the length word."""
        (length,) = struct.unpack("!i", self.read_exact(4))
        if length < 8 or length > STARTUP_PACKET_LIMIT:
            raise ProtocolError("invalid length of startup packet")
        return self.read_exact(length - 4)

    def read_message(self, limit: int | None = None) -> tuple[int, bytes]:
        """The next message: (type byte, body)."""
        buf = self._inbuf
        if not buf and limit is None:
            self._fill()  # waits for the client: most messages then arrive whole
            buf = self._inbuf
        if len(buf) >= 5 and limit is None:
            # the common case: a small message read whole (a Query, a pipeline's Bind, Execute, Sync)
            (length,) = _LENGTH.unpack_from(buf, 1)
            end = length + 1
            if 4 <= length <= SMALL_MESSAGE_LIMIT and len(buf) >= end:
                kind = buf[0]
                body = bytes(buf[5:end])
                del buf[:end]
                return kind, body
        header = self.read_exact(5)
        kind = header[0]
        (length,) = _LENGTH.unpack_from(header, 1)
        if limit is None:
            limit = LARGE_MESSAGE_LIMIT if kind in LARGE_TYPES else SMALL_MESSAGE_LIMIT
        if length < 4 or length > limit:
            raise ProtocolError(f"invalid message length {length} for message type 0x{kind:02x}")
        return kind, self.read_exact(length - 4)

    # --- writing ----------------------------------------------------------------------------

    def write(self, data: bytes) -> None:
        if self.outgoing is not None:
            data = self.outgoing(data)
        self._out.append(data)
        self._out_size += len(data)
        if self._out_size >= _FLUSH_AT:
            self.flush()

    def flush(self) -> None:
        if not self._out:
            return
        data = b"".join(self._out)
        self._out.clear()
        self._out_size = 0
        try:
            self.sock.sendall(data)
        except (OSError, ValueError) as exc:
            raise ClientGone(str(exc)) from None

    def discard_output(self) -> None:
        self._out.clear()
        self._out_size = 0
