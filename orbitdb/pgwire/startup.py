"""The startup phase: SSLRequest / GSSENCRequest / CancelRequest / StartupMessage.

Returns what the client asked for (user, database, settings) or None when the connection was
only a cancel request.
"""

from __future__ import annotations

import socket
import ssl
import struct
from collections.abc import Callable
from dataclasses import dataclass, field

from orbitdb.pgwire import backend
from orbitdb.pgwire.errors import ProtocolError
from orbitdb.pgwire.frontend import decode_utf8
from orbitdb.pgwire.startup_settings import parse_options
from orbitdb.pgwire.stream import Stream
from orbitdb.sql.errors import SqlError

PROTOCOL_3_0 = 3 << 16
CANCEL_REQUEST = 80877102
SSL_REQUEST = 80877103
GSSENC_REQUEST = 80877104

# startup parameters that are not settings
_CONNECTION_KEYS = frozenset(("user", "database", "options", "application_name", "replication"))


@dataclass
class Startup:
    user: str
    database: str
    application_name: str = ""
    settings: dict[str, str] = field(default_factory=dict)  # GUCs from the packet and -c options
    tls: bool = False
    options_error: SqlError | None = None  # the options could not be read (FATAL after authentication)


def negotiate(
    stream: Stream,
    tls_context: ssl.SSLContext | None,
    cancel: Callable[[int, int], None],
) -> Startup | None:
    tls = False
    while True:
        body = stream.read_startup_packet()
        (code,) = struct.unpack("!i", body[:4])
        if code == SSL_REQUEST and len(body) == 4:
            if tls:
                raise ProtocolError("duplicate SSL request")
            if stream.has_buffered_input():
                # data sent in the clear after the request could be injected into the TLS session
                raise ProtocolError("received unencrypted data after SSL request")
            if tls_context is None:
                stream.write(b"N")
                stream.flush()
                continue
            stream.write(b"S")
            stream.flush()
            stream.sock = _wrap(stream.sock, tls_context)
            tls = True
            continue
        if code == GSSENC_REQUEST and len(body) == 4:
            stream.write(b"N")
            stream.flush()
            continue
        if code == CANCEL_REQUEST and len(body) == 12:
            pid, secret = struct.unpack("!iI", body[4:])
            cancel(pid, secret)
            return None
        startup = _startup_message(stream, code, body[4:])
        startup.tls = tls
        return startup


def _wrap(sock: socket.socket, context: ssl.SSLContext) -> socket.socket:
    try:
        return context.wrap_socket(sock, server_side=True)
    except (ssl.SSLError, OSError) as exc:
        raise ProtocolError(f"could not accept SSL connection: {exc}") from None


def _startup_message(stream: Stream, code: int, packet: bytes) -> Startup:
    major, minor = code >> 16, code & 0xFFFF
    if major != 3:
        raise SqlError(
            "0A000",
            f"unsupported frontend protocol {major}.{minor}: server supports 3.0 to 3.0",
            severity="FATAL",
        )
    # name\0value\0 ... \0: every string NUL-terminated, then one more NUL
    if not packet.endswith(b"\x00") or (len(packet) > 1 and not packet.endswith(b"\x00\x00")):
        raise ProtocolError("invalid startup packet layout: expected terminator as last byte")
    items = packet[:-2].split(b"\x00") if len(packet) > 1 else []
    if len(items) % 2:
        raise ProtocolError("invalid startup packet layout: expected terminator as last byte")
    params: dict[str, str] = {}
    for i in range(0, len(items), 2):
        params[decode_utf8(items[i])] = decode_utf8(items[i + 1])
    unrecognized = [name for name in params if name.startswith("_pq_.")]
    if minor > 0 or unrecognized:
        # we speak 3.0 and no protocol extensions: say so, and go on. PostgreSQL sends the whole
        # version number (3 << 16), and libpq compares it as such.
        stream.write(backend.negotiate_protocol_version(PROTOCOL_3_0, unrecognized))
    user = params.get("user", "")
    if not user:
        raise SqlError("28000", "no PostgreSQL user name specified in startup packet", severity="FATAL")
    if params.get("replication", "false").lower() not in ("false", "off", "no", "0"):
        raise SqlError("0A000", "orbitdb does not support replication connections", severity="FATAL")
    settings: dict[str, str] = {}
    options_error = None
    try:  # PostgreSQL applies the options first, then the other parameters
        settings.update(parse_options(params.get("options", "")))
    except SqlError as exc:
        options_error = exc  # reported after authentication, as PostgreSQL does
    for name, value in params.items():
        if name not in _CONNECTION_KEYS and not name.startswith("_pq_."):
            settings[name] = value
    return Startup(
        user=user,
        database=params.get("database") or user,
        application_name=params.get("application_name", ""),
        settings=settings,
        options_error=options_error,
    )
