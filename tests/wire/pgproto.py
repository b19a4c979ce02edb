"""A minimal raw frontend for protocol tests: send exactly the bytes a test wants, read the backend
messages one by one."""

from __future__ import annotations

import socket
import struct


def msg(kind: bytes, body: bytes = b"") -> bytes:
    return kind + struct.pack("!i", len(body) + 4) + body


def cstr(text: str) -> bytes:
    return text.encode() + b"\x00"


def startup_packet(params: dict[str, str] | None = None, version: int = 3 << 16) -> bytes:
    params = {"user": "orbit", "database": "actors", **(params or {})}
    body = struct.pack("!i", version) + b"".join(cstr(k) + cstr(v) for k, v in params.items()) + b"\x00"
    return struct.pack("!i", len(body) + 4) + body


def parse(query: str, name: str = "", oids: tuple[int, ...] = ()) -> bytes:
    return msg(b"P", cstr(name) + cstr(query) + struct.pack(f"!h{len(oids)}I", len(oids), *oids))


def bind(
    portal: str = "",
    statement: str = "",
    params: tuple[bytes | None, ...] = (),
    param_formats: tuple[int, ...] = (),
    result_formats: tuple[int, ...] = (),
) -> bytes:
    body = cstr(portal) + cstr(statement)
    body += struct.pack(f"!h{len(param_formats)}h", len(param_formats), *param_formats)
    body += struct.pack("!h", len(params))
    for p in params:
        body += struct.pack("!i", -1) if p is None else struct.pack("!i", len(p)) + p
    body += struct.pack(f"!h{len(result_formats)}h", len(result_formats), *result_formats)
    return msg(b"B", body)


def describe(kind: str, name: str = "") -> bytes:
    return msg(b"D", kind.encode() + cstr(name))


def execute(portal: str = "", max_rows: int = 0) -> bytes:
    return msg(b"E", cstr(portal) + struct.pack("!i", max_rows))


def close(kind: str, name: str = "") -> bytes:
    return msg(b"C", kind.encode() + cstr(name))


SYNC = msg(b"S")
FLUSH = msg(b"H")
TERMINATE = msg(b"X")


def query(sql: str) -> bytes:
    return msg(b"Q", cstr(sql))


class RawClient:
    def __init__(self, host: str, port: int, timeout: float = 10.0) -> None:
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.buf = b""

    def send(self, data: bytes) -> None:
        self.sock.sendall(data)

    def _read(self, n: int) -> bytes:
        while len(self.buf) < n:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise EOFError("server closed the connection")
            self.buf += chunk
        data, self.buf = self.buf[:n], self.buf[n:]
        return data

    def read_byte(self) -> bytes:
        return self._read(1)

    def read(self) -> tuple[str, bytes]:
        kind = self._read(1)
        (length,) = struct.unpack("!i", self._read(4))
        return kind.decode(), self._read(length - 4)

    def read_until(self, kind: str = "Z") -> list[tuple[str, bytes]]:
        out = []
        while True:
            message = self.read()
            out.append(message)
            if message[0] == kind:
                return out

    def startup(self, params: dict[str, str] | None = None) -> list[tuple[str, bytes]]:
        self.send(startup_packet(params))
        return self.read_until("Z")

    def closed(self) -> bool:
        """True when the server has closed the connection (after reading what it sent)."""
        try:
            while True:
                chunk = self.sock.recv(65536)
                if not chunk:
                    return True
        except (ConnectionResetError, BrokenPipeError):
            return True
        except TimeoutError:
            return False

    def close(self) -> None:
        self.sock.close()


def error_fields(body: bytes) -> dict[str, str]:
    fields = {}
    for part in body.rstrip(b"\x00").split(b"\x00"):
        if part:
            fields[chr(part[0])] = part[1:].decode()
    return fields


def kinds(messages: list[tuple[str, bytes]]) -> str:
    return "".join(kind for kind, _ in messages)
