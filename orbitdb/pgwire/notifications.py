"""Sending a session's notifications (LISTEN/NOTIFY) as NotificationResponse messages.

Another session's commit appends to this session's `notifies` and calls its `notify_wakeup`
(from that session's thread). A connection that listens waits for the client's next message and
for that wake-up at once, so that a notification reaches an idle client without it sending
anything, as PostgreSQL's does. Inside a transaction block they wait for its end."""

from __future__ import annotations

import select
import socket
import ssl
from typing import Any

from orbitdb.pgwire import backend
from orbitdb.pgwire.stream import Stream


class NotificationWaiter:
    """A socket pair: the committing session writes a byte, the idle connection's select wakes."""

    def __init__(self, session: Any) -> None:
        self.reader, self.writer = socket.socketpair()
        self.reader.setblocking(False)
        self.writer.setblocking(False)
        session.notify_wakeup = self.wake

    def wake(self) -> None:
        try:
            self.writer.send(b"\0")
        except OSError:
            pass  # full (a wake-up is pending anyway) or closed (the connection has ended)

    def wait(self, sock: socket.socket, seconds: float | None) -> bool:
        """Whether the client sent something (or closed) within seconds (None: no limit); False
        after a wake-up or the time limit."""
        if isinstance(sock, ssl.SSLSocket) and sock.pending():
            return True
        try:
            readable, _, _ = select.select([sock, self.reader], [], [], seconds)
        except (OSError, ValueError):
            return True  # closed under us: the read that follows reports it
        if self.reader in readable:
            try:
                while self.reader.recv(4096):
                    pass
            except OSError:
                pass
        return sock in readable

    def close(self) -> None:
        for s in (self.reader, self.writer):
            try:
                s.close()
            except OSError:
                pass


def send_notifications(session: Any, stream: Stream) -> None:
    """The notifications delivered to the session, when it is outside a transaction block."""
    notifies = session.notifies
    if not notifies or session.transaction_status != "I":
        return
    while notifies:
        n = notifies.pop(0)
        stream.write(backend.notification_response(n.pid, n.channel, n.payload))
