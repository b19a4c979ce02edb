"""What the server logs about a connection, as PostgreSQL's log_connections and
log_disconnections: "connection received", "connection authorized" (user, database,
application, TLS), and at the end "disconnection" with the session's duration.

Each line carries its facts as logging extras too (event, host, port, user, database, ...), which
the JSON log format (orbitdb/log_format.py) writes as fields.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Any

log = logging.getLogger("orbitdb.pgwire")


@dataclass(frozen=True)
class LogSettings:
    """The server's [logging] settings that connections apply."""

    connections: bool = True
    disconnections: bool = True
    min_duration_statement_ms: int = -1  # the server's log_min_duration_statement (-1: off)


def session_time(seconds: float) -> str:
    """PostgreSQL's form: hours:minutes:seconds.milliseconds."""
    ms = int(seconds * 1000)  # PostgreSQL truncates to whole milliseconds
    hours, ms = divmod(ms, 3_600_000)
    minutes, ms = divmod(ms, 60_000)
    secs, ms = divmod(ms, 1000)
    return f"{hours}:{minutes:02d}:{secs:02d}.{ms:03d}"


def split_peer(peer: str) -> tuple[str, int | None]:
    host, _, port = peer.rpartition(":")
    return (host, int(port)) if port.isdigit() and host else (peer, None)


class ConnectionLog:
    def __init__(self, settings: LogSettings, peer: str) -> None:
        self.settings = settings
        self.peer = peer
        self.host, self.port = split_peer(peer)
        self.started = time.monotonic()
        self._who: dict[str, Any] | None = None  # set once authorized

    def received(self) -> None:
        if self.settings.connections:
            log.info(
                "[%s] connection received: host=%s port=%s",
                self.peer,
                self.host,
                self.port,
                extra={"event": "connection_received", "host": self.host, "port": self.port},
            )

    def authorized(self, user: str, database: str, application_name: str, tls: dict[str, Any] | None) -> None:
        self._who = {"user": user, "database": database, "host": self.host, "port": self.port}
        if not self.settings.connections:
            return
        text = f"user={user} database={database}"
        if application_name:
            text += f" application_name={application_name}"
        if tls is not None:
            text += f" SSL enabled (protocol={tls['version']}, cipher={tls['cipher']}, bits={tls['bits']})"
        log.info(
            "[%s] connection authorized: %s",
            self.peer,
            text,
            extra={"event": "connection_authorized", "application_name": application_name, "tls": tls, **self._who},
        )

    def disconnected(self) -> None:
        """Logged for sessions that were authorized, as PostgreSQL does."""
        if self._who is None or not self.settings.disconnections:
            return
        seconds = time.monotonic() - self.started
        who = self._who
        log.info(
            "[%s] disconnection: session time: %s user=%s database=%s host=%s port=%s",
            self.peer,
            session_time(seconds),
            who["user"],
            who["database"],
            who["host"],
            who["port"],
            extra={"event": "disconnection", "session_time_ms": round(seconds * 1000, 3), **who},
        )
