"""The wire server inside an application's process: ``con.serve(port=15432)``.

The server's sessions are sessions of the very database the connection has open (the same
engine, catalog, locks and MVCC), so psql, pg_dump or another service see the application's
commits, and it theirs, exactly as two PostgreSQL sessions do. Its listener and each of its
client connections run on daemon threads of their own.

    with con.serve(port=0) as server:      # port 0: any free port, server.port says which
        ...psql -h 127.0.0.1 -p {server.port} -d actors...
    # or: con.serve(port=15432) ... con.stop_serving()
"""

from __future__ import annotations

import ipaddress
import logging
import os
import ssl
import threading
from typing import TYPE_CHECKING, Any

from orbitdb.pgwire import AuthSettings, BindError, Server, server_context
from orbitdb.pgwire.auth import METHODS
from orbitdb.sql.errors import SqlError

if TYPE_CHECKING:
    from typing_extensions import Self

    from orbitdb.sql.session.session import Session

log = logging.getLogger("orbitdb.pgwire")

STOP_TIMEOUT = 30.0  # seconds stop() waits for sessions to end (their transactions roll back)


class OneDatabase:
    """What the wire server connects sessions to when the application opened a plain database
    directory: that one database, under the name the application's connection uses. Another
    name is refused as PostgreSQL refuses a database that does not exist."""

    def __init__(self, database: Any, name: str) -> None:
        self.database = database
        self.name = name

    def session(self, user: str = "orbit", database: str = "", application_name: str = "") -> Session:
        if database != self.name:
            raise SqlError("3D000", f'database "{database}" does not exist', severity="FATAL",
                           hint=f'This server serves one database, "{self.name}".')
        return self.database.session(user, database, application_name)  # type: ignore[no-any-return]

    @property
    def roles(self) -> Any:
        """The database's own roles (CREATE ROLE ... PASSWORD): the server checks passwords
        against them before its configured users."""
        return self.database.role_store()

    def __getattr__(self, name: str) -> Any:
        # roles, role passwords and the like: those of the database itself
        return getattr(self.database, name)


def _check_exposure(host: str, auth: AuthSettings, allow_trust_on_network: bool) -> None:
    """As `orbitdb serve`: trust (no passwords) only on a loopback address unless asked for."""
    if auth.method != "trust" or allow_trust_on_network or host in ("localhost",):
        return
    if host in ("", "*"):
        exposed = True
    else:
        try:
            exposed = not ipaddress.ip_address(host.split("%")[0]).is_loopback
        except ValueError:
            exposed = True  # a host name: it may resolve to anything
    if exposed:
        raise ValueError(
            f"trust authentication on listen address {host!r} would let anyone who can reach the port "
            "connect without a password: pass auth='scram-sha-256' with users={...}, listen on "
            "127.0.0.1, or pass allow_trust_on_network=True")


class EmbeddedServer:
    """A running wire server on an open database; stop() (or leaving a `with` block) ends it."""

    def __init__(
        self,
        database: Any,
        *,
        host: str = "127.0.0.1",
        port: int = 15432,
        auth: str = "trust",
        users: dict[str, str] | None = None,
        max_connections: int = 100,
        tls_cert: str | None = None,
        tls_key: str | None = None,
        allow_trust_on_network: bool = False,
    ) -> None:
        if auth not in METHODS:
            raise ValueError(f"auth must be one of {', '.join(METHODS)}, not {auth!r}")
        if auth != "trust" and not users:
            raise ValueError(f"auth={auth!r} needs users={{name: password}}")
        if not 0 <= port <= 65535:
            raise ValueError(f"port must be between 0 and 65535, not {port}")
        if max_connections < 1:
            raise ValueError(f"max_connections must be at least 1, not {max_connections}")
        settings = AuthSettings.from_passwords(auth, dict(users or {}))
        _check_exposure(host, settings, allow_trust_on_network)
        tls: ssl.SSLContext | None = None
        if (tls_cert is None) != (tls_key is None):
            raise ValueError("TLS needs both tls_cert and tls_key")
        if tls_cert is not None and tls_key is not None:
            tls = server_context(os.fspath(tls_cert), os.fspath(tls_key))
        self._server = Server(database, host=host, port=port, auth=settings, tls_context=tls,
                              max_connections=max_connections)
        self.host = host
        try:
            self.addresses = self._server.bind()
        except BindError as exc:
            raise OSError(str(exc)) from None
        self.port = self._server.port
        if getattr(database, "terminate_backend", "") is None:  # a server's data dir: DROP DATABASE ... FORCE
            database.terminate_backend = self._server.terminate_backend
        self._stopped = False
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._server.serve_forever, name=f"orbitdb-serve-{self.port}",
                                        daemon=True)
        self._thread.start()
        log.info("serving the open database on %s", ", ".join(f"{h}:{p}" for h, p in self.addresses))

    @property
    def serving(self) -> bool:
        return not self._stopped

    def stop(self, timeout: float = STOP_TIMEOUT) -> bool:
        """Stops listening and ends every wire session (running statements cancelled, open
        transactions rolled back, clients told FATAL 57P01). The database stays open for the
        application. False when a session did not end within timeout."""
        with self._lock:
            if self._stopped:
                return True
            self._stopped = True
        self._server.request_stop()
        self._thread.join(timeout)
        clean = self._server.close(timeout)
        database = self._server.side.database
        if getattr(database, "terminate_backend", None) == self._server.terminate_backend:
            database.terminate_backend = None
        return clean

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_: object) -> None:
        self.stop()

    def __repr__(self) -> str:
        state = "serving" if self.serving else "stopped"
        return f"<orbitdb.EmbeddedServer {self.host}:{self.port} {state}>"
