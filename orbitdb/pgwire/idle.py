"""idle_session_timeout and idle_in_transaction_session_timeout, as PostgreSQL 15 enforces them:
while the server waits for the client's next query after ReadyForQuery (not in the middle of an
extended-protocol pipeline), a session that stays idle longer than the setting is ended with a
FATAL error (57P05 outside a transaction, 25P03 inside one, aborted or not)."""

from __future__ import annotations

import select
import socket
import ssl
from typing import Any

from orbitdb.sql.errors import SqlError
from orbitdb.sql.settings import ms_value


def idle_limit(session: Any) -> tuple[float, SqlError] | None:
    """(seconds, the FATAL error) for the session's state, or None when it may idle for ever."""
    settings = getattr(session, "settings", None)
    if not isinstance(settings, dict):
        return None
    in_transaction = getattr(session, "transaction_status", "I") in ("T", "E")
    name = "idle_in_transaction_session_timeout" if in_transaction else "idle_session_timeout"
    text = settings.get(name, "0")
    if text == "0":
        return None  # the default, asked before every wait for the client
    ms = ms_value(text)
    if ms <= 0:
        return None
    if in_transaction:
        return ms / 1000.0, SqlError("25P03", "terminating connection due to idle-in-transaction timeout",
                                     severity="FATAL")
    return ms / 1000.0, SqlError("57P05", "terminating connection due to idle-session timeout", severity="FATAL")


def input_within(sock: socket.socket, seconds: float) -> bool:
    """Whether the client sends something (or closes) within seconds."""
    if isinstance(sock, ssl.SSLSocket) and sock.pending():
        return True
    try:
        readable, _, _ = select.select([sock], [], [], seconds)
    except (OSError, ValueError):
        return True  # closed under us: the read that follows reports it
    return bool(readable)
