"""The listening side: sockets, a thread per connection, cancel requests, orderly shutdown.

server = Server(database, host="127.0.0.1", port=15432, auth=AuthSettings())
server.bind()
server.serve_forever()      # until request_stop() (signal-safe)
server.close()              # terminate connections: statements cancelled, transactions rolled back
"""

from __future__ import annotations

import hmac
import itertools
import logging
import os
import secrets
import selectors
import socket
import ssl
import threading
import time
from typing import Any

from orbitdb.pgwire.auth import AuthSettings, password_expired
from orbitdb.pgwire.connection import Connection, ServerSide
from orbitdb.pgwire.connection_log import LogSettings
from orbitdb.pgwire.transport_policy import TransportPolicy
from orbitdb.sql.errors import SqlError

log = logging.getLogger("orbitdb.pgwire")

BACKLOG = 512
REFUSING_SLOTS = 64
GRACE_SECONDS = 5.0  # for connections to say goodbye at shutdown before their sockets are cut  # connections beyond the limit that still get a FATAL "too many clients"


class BindError(Exception):
    """No listening socket could be opened."""


class Server:
    def __init__(
        self,
        database: Any,
        *,
        host: str = "127.0.0.1",
        port: int = 15432,
        auth: AuthSettings | None = None,
        tls_context: ssl.SSLContext | None = None,
        max_connections: int = 100,
        transport: TransportPolicy | None = None,
        log_settings: LogSettings | None = None,
    ) -> None:
        self.host = host
        self.port = port
        self.max_connections = max_connections
        self.side = ServerSide(
            database,
            auth or AuthSettings(),
            tls_context,
            self._cancel,
            self._adopt_pid,
            transport or TransportPolicy(),
            log_settings or LogSettings(),
        )
        if self.side.auth.stored is None:
            self.side.auth.stored = self._stored_password
        self.listeners: list[socket.socket] = []
        self._connections: dict[int, Connection] = {}
        self._threads: dict[int, threading.Thread] = {}
        self._lock = threading.Lock()
        self._pids = itertools.count(max(os.getpid(), 1) * 100 % 2_000_000_000 + 1)
        self._wake_r, self._wake_w = socket.socketpair()
        self._wake_w.setblocking(False)
        self._stopping = False

    # --- listening --------------------------------------------------------------------------

    def bind(self) -> list[tuple[str, int]]:
        """Opens the listening sockets (every address the host name resolves to); returns their
        addresses. Raises BindError when none could be opened."""
        host = None if self.host in ("", "*") else self.host
        try:
            infos = socket.getaddrinfo(host, self.port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
        except socket.gaierror as exc:
            raise BindError(f"could not resolve listen address {self.host!r}: {exc}") from None
        errors = []
        seen = set()
        port = self.port
        for family, _, _, _, address in infos:
            key = (family, address[0])
            if key in seen:
                continue
            seen.add(key)
            try:
                sock = socket.create_server((address[0], port), family=family, backlog=BACKLOG)
            except OSError as exc:
                reason = exc.strerror or str(exc).split(" (while attempting", 1)[0]
                errors.append(f"could not bind to {address[0]}:{port}: {reason}")
                continue
            self.listeners.append(sock)
            port = sock.getsockname()[1]  # with port 0, every address gets the port the first got
        if not self.listeners:
            raise BindError("; ".join(errors) or f"no address to listen on for {self.host!r}")
        for message in errors:
            log.warning("%s", message)
        addresses = [sock.getsockname()[:2] for sock in self.listeners]
        self.port = addresses[0][1]
        return addresses

    def serve_forever(self) -> None:
        selector = selectors.DefaultSelector()
        for sock in self.listeners:
            sock.setblocking(False)
            selector.register(sock, selectors.EVENT_READ)
        selector.register(self._wake_r, selectors.EVENT_READ)
        try:
            while not self._stopping:
                for key, _ in selector.select():
                    if key.fileobj is self._wake_r:
                        self._stopping = True
                        break
                    self._accept(key.fileobj)  # type: ignore[arg-type]
        finally:
            selector.close()

    def request_stop(self) -> None:
        """Safe from a signal handler or any thread."""
        try:
            self._wake_w.send(b"x")
        except OSError:
            pass

    def _accept(self, listener: socket.socket) -> None:
        try:
            sock, address = listener.accept()
        except (BlockingIOError, InterruptedError):
            return
        except OSError as exc:  # e.g. out of file descriptors: keep serving the others
            log.warning("accept failed: %s", exc)
            return
        sock.setblocking(True)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
        peer = f"{address[0]}:{address[1]}"
        with self._lock:
            count = len(self._connections)
            if count >= self.max_connections + REFUSING_SLOTS:
                sock.close()  # a flood: not even a thread to say no
                self.side.counters.connection_refused()
                return
            pid = next(self._pids)
            conn = Connection(self.side, sock, peer, pid, secrets.randbits(32))
            if count >= self.max_connections:
                # said after the startup packet (and TLS negotiation), where clients expect errors
                log.info("[%s] refusing: too many connections (max %d)", peer, self.max_connections)
                conn.refusal = SqlError("53300", "sorry, too many clients already", severity="FATAL")
            self._connections[pid] = conn
            thread = threading.Thread(target=self._run, args=(conn,), name=f"pgwire-{pid}", daemon=True)
            self._threads[pid] = thread
        thread.start()

    def connection_count(self) -> int:
        """Client connections open now (those starting up included)."""
        with self._lock:
            return len(self._connections)

    def _stored_password(self, user: str) -> tuple[bool, str | None]:
        """A password set with ALTER ROLE in the served data dir (its Cluster's), which wins over
        the configured ones."""
        roles = getattr(self.side.database, "roles", None)
        role = roles.get(user) if roles is not None else None
        if role is not None:  # made with CREATE ROLE: its own password, while it is valid
            return True, None if password_expired(role.valid_until) else role.password
        passwords = getattr(self.side.database, "role_passwords", None)
        return passwords.lookup(user) if passwords is not None else (False, None)

    def _adopt_pid(self, conn: Connection, pid: int) -> None:
        with self._lock:
            if pid in self._connections:
                return  # taken (two databases in one process?): keep ours
            self._connections[pid] = self._connections.pop(conn.pid)
            self._threads[pid] = self._threads.pop(conn.pid)
            conn.pid = pid

    def _run(self, conn: Connection) -> None:
        try:
            conn.run()
        finally:
            with self._lock:
                self._connections.pop(conn.pid, None)
                self._threads.pop(conn.pid, None)

    # --- cancel and shutdown ----------------------------------------------------------------

    def terminate_backend(self, pid: int) -> bool:
        """Ends the connection of a backend (its statement cancelled, its transaction rolled back,
        the client told FATAL 57P01), as pg_terminate_backend; False when there is none."""
        with self._lock:
            conn = self._connections.get(pid)
        if conn is None:
            return False
        log.info("[%s] terminating connection (backend %d)", conn.peer, pid)
        conn.terminate()
        return True

    def _cancel(self, pid: int, secret: int) -> None:
        with self._lock:
            conn = self._connections.get(pid)
        if conn is None or not hmac.compare_digest(secret.to_bytes(4, "big"), conn.secret.to_bytes(4, "big")):
            log.info("cancel request for unknown backend %d ignored", pid)
            return
        log.info("[%s] cancel request", conn.peer)
        conn.cancel()

    def close(self, timeout: float = 30.0) -> bool:
        """Stops listening and ends every connection (running statements cancelled, open
        transactions rolled back). Returns False if a connection did not end within timeout."""
        self._stopping = True
        for sock in self.listeners:
            sock.close()
        self.listeners.clear()
        with self._lock:
            connections = list(self._connections.values())
            threads = list(self._threads.values())
        for conn in connections:
            conn.terminate()
        deadline = time.monotonic() + timeout
        grace = time.monotonic() + min(GRACE_SECONDS, timeout)
        for thread in threads:
            thread.join(max(0.0, grace - time.monotonic()))
        for conn in connections:
            conn.abort()  # still there: stuck writing to a client that does not read
        for thread in threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        stragglers = [t.name for t in threads if t.is_alive()]
        if stragglers:
            log.error("connections still running after %.0f s: %s", timeout, ", ".join(stragglers))
        self._wake_r.close()
        self._wake_w.close()
        return not stragglers
