"""A raw PostgreSQL frontend whose every wait has a deadline, for hostile statements: rows are
counted and dropped (the client must stay small while the server streams millions), and a
server that neither answers nor closes in time raises Hang instead of blocking the test."""

from __future__ import annotations

import socket
import struct
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from pgproto import cstr, error_fields, msg, query, startup_packet

CANCEL_REQUEST_CODE = 80877102


class Hang(AssertionError):
    """The server neither answered nor closed the connection within the deadline."""


class Closed(AssertionError):
    """The server closed the connection (after a FATAL, if it sent one)."""

    def __init__(self, message: str, fatal: dict[str, str] | None) -> None:
        super().__init__(message)
        self.fatal = fatal


@dataclass
class Outcome:
    """What one simple-query round trip produced (up to ReadyForQuery)."""

    rows: int = 0
    first_rows: list[tuple[str | None, ...]] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)
    error: dict[str, str] | None = None
    notices: list[dict[str, str]] = field(default_factory=list)
    copy_out_bytes: int = 0
    seconds: float = 0.0

    @property
    def sqlstate(self) -> str | None:
        return self.error["C"] if self.error else None

    @property
    def message(self) -> str:
        return self.error["M"] if self.error else ""


def _data_row(body: bytes) -> tuple[str | None, ...]:
    (count,) = struct.unpack_from("!h", body)
    pos = 2
    values: list[str | None] = []
    for _ in range(count):
        (length,) = struct.unpack_from("!i", body, pos)
        pos += 4
        if length < 0:
            values.append(None)
        else:
            values.append(body[pos : pos + length].decode("utf-8", "replace"))
            pos += length
    return tuple(values)


def _column_names(body: bytes) -> list[str]:
    (count,) = struct.unpack_from("!h", body)
    pos = 2
    names = []
    for _ in range(count):
        end = body.index(b"\x00", pos)
        names.append(body[pos:end].decode("utf-8", "replace"))
        pos = end + 1 + 18  # table oid, column number, type oid, size, modifier, format
    return names


class Client:
    def __init__(
        self,
        host: str,
        port: int,
        params: dict[str, str] | None = None,
        deadline: float = 10.0,
        keep_rows: int = 20,
    ) -> None:
        self.keep_rows = keep_rows
        self.sock = socket.create_connection((host, port), timeout=deadline)
        self.address = (host, port)
        self._buf = bytearray()
        self._until = time.monotonic() + deadline
        self.parameters: dict[str, str] = {}
        self.pid = 0
        self.secret = 0
        self.sock.sendall(startup_packet(params))
        self.startup_messages = self._read_until_ready()

    # --- reading with a deadline ----------------------------------------------------------

    def _recv(self) -> None:
        left = self._until - time.monotonic()
        if left <= 0:
            raise Hang("no answer before the deadline")
        self.sock.settimeout(left)
        try:
            chunk = self.sock.recv(1 << 20)
        except TimeoutError:
            raise Hang("no answer before the deadline") from None
        except (ConnectionResetError, BrokenPipeError):
            chunk = b""
        if not chunk:
            raise Closed("the server closed the connection", None)
        self._buf += chunk

    def read_message(self) -> tuple[str, bytes]:
        while len(self._buf) < 5:
            self._recv()
        (length,) = struct.unpack_from("!i", self._buf, 1)
        while len(self._buf) < 1 + length:
            self._recv()
        kind = chr(self._buf[0])
        body = bytes(self._buf[5 : 1 + length])
        del self._buf[: 1 + length]
        return kind, body

    def _read_until_ready(self) -> list[tuple[str, bytes]]:
        out = []
        while True:
            try:
                kind, body = self.read_message()
            except Closed as exc:
                fatal = next((error_fields(b) for k, b in out if k == "E"), None)
                raise Closed(f"the server closed the connection: {fatal}", fatal) from exc
            out.append((kind, body))
            if kind == "S":
                name, value, _ = body.split(b"\x00", 2)
                self.parameters[name.decode()] = value.decode()
            elif kind == "K":
                self.pid, self.secret = struct.unpack("!iI", body)
            elif kind == "Z":
                return out

    # --- statements -----------------------------------------------------------------------

    def send(self, data: bytes) -> None:
        self.sock.sendall(data)

    def run(
        self,
        sql: str,
        deadline: float = 10.0,
        copy_data: Iterable[bytes] | None = None,
        on_row: Callable[[int], None] | None = None,
    ) -> Outcome:
        """One simple query. Rows past keep_rows are only counted; on_row(n) is called with the
        running count (a test cancels from there). COPY FROM STDIN sends copy_data, else fails."""
        self._until = time.monotonic() + deadline
        started = time.monotonic()
        self.send(query(sql))
        try:
            return self.collect(started, copy_data, on_row)
        except Hang:
            raise Hang(f"no answer within {deadline}s to {sql[:100]!r}") from None

    def collect(
        self,
        started: float,
        copy_data: Iterable[bytes] | None = None,
        on_row: Callable[[int], None] | None = None,
    ) -> Outcome:
        out = Outcome()
        while True:
            try:
                kind, body = self.read_message()
            except Closed as exc:
                raise Closed(f"the server closed the connection: {out.error}", out.error) from exc
            if kind == "D":
                if len(out.first_rows) < self.keep_rows:
                    out.first_rows.append(_data_row(body))
                out.rows += 1
                if on_row is not None:
                    on_row(out.rows)
            elif kind == "T":
                out.columns = _column_names(body)
            elif kind == "C":
                out.tags.append(body.rstrip(b"\x00").decode())
            elif kind == "E":
                out.error = error_fields(body)
            elif kind == "N":
                out.notices.append(error_fields(body))
            elif kind == "d":
                out.copy_out_bytes += len(body)
            elif kind == "G":
                self._copy_in(copy_data)
            elif kind == "Z":
                out.seconds = time.monotonic() - started
                return out

    def _copy_in(self, chunks: Iterable[bytes] | None) -> None:
        if chunks is None:
            self.send(msg(b"f", cstr("no data in this test")))
            return
        for chunk in chunks:
            self.send(msg(b"d", chunk))
        self.send(msg(b"c"))

    def buffered(self) -> bytes:
        """What was received and not yet read as a message."""
        return bytes(self._buf)

    def extend_deadline(self, seconds: float) -> None:
        self._until = time.monotonic() + seconds

    def cancel(self) -> None:
        """A CancelRequest on a new connection, as libpq sends it."""
        with socket.create_connection(self.address, timeout=5) as sock:
            sock.sendall(struct.pack("!iiiI", 16, CANCEL_REQUEST_CODE, self.pid, self.secret))
            try:
                sock.recv(1)
            except OSError:
                pass

    def is_closed(self, wait: float) -> bool:
        """Whether the server closes this connection within `wait` seconds (reading what comes)."""
        self._until = time.monotonic() + wait
        try:
            while True:
                self.read_message()
        except Closed:
            return True
        except Hang:
            return False

    def close(self) -> None:
        try:
            self.sock.sendall(msg(b"X"))
        except OSError:
            pass
        self.sock.close()
