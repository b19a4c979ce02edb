"""LISTEN, UNLISTEN, NOTIFY and pg_notify, as PostgreSQL 15 does them.

A transaction's notifications and its LISTEN/UNLISTEN take effect when it commits (and never if it
rolls back); a notification sent twice with the same payload in one transaction is delivered
once. At commit each is appended to the `notifies` list of every session of the same database
that listens on its channel (the sender included), and that session's `notify_wakeup` is called:
the wire server sends them as NotificationResponse when the session is idle; an embedded
connection exposes the list as `con.notifies`."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, NamedTuple

from orbitdb.sql.errors import SqlError
from orbitdb.sql.parse.parser import Statement, strip_comments
from orbitdb.sql.parse.words import identifier
from orbitdb.sql.result import Result

if TYPE_CHECKING:
    from orbitdb.sql.session.session import Session

NAME_LIMIT = 63  # NAMEDATALEN - 1
PAYLOAD_LIMIT = 8000  # bytes, as PostgreSQL's NOTIFY_PAYLOAD_MAX_LENGTH (less the terminator)
_NAME = r'"(?:[^"]|"")*"|[A-Za-z_][A-Za-z_0-9$]*'
_LISTEN = re.compile(rf"\s*(?P<verb>LISTEN|UNLISTEN)\s+(?P<name>{_NAME}|\*)\s*$", re.IGNORECASE)
_NOTIFY = re.compile(
    rf"\s*NOTIFY\s+(?P<name>{_NAME})\s*(?:,\s*(?:(?P<payload>(?:E|e)?'(?:[^']|'')*')"
    r"|\$(?P<tag>[A-Za-z_][A-Za-z_0-9]*|)\$(?P<dollar>.*?)\$(?P=tag)\$)\s*)?$",
    re.IGNORECASE | re.DOTALL,
)


class Notify(NamedTuple):
    """One notification, as psycopg2's Notify: the sending session's pid, the channel, the payload."""

    pid: int
    channel: str
    payload: str


def check_notification(channel: str | None, payload: str | None) -> tuple[str, str]:
    if not channel:
        raise SqlError("22023", "channel name cannot be empty")
    if len(channel.encode()) > NAME_LIMIT:
        raise SqlError("22023", "channel name too long")
    text = payload or ""
    if len(text.encode()) >= PAYLOAD_LIMIT:
        raise SqlError("22023", "payload string too long")
    return channel, text


def _channel(token: str) -> str:
    if token == '""':
        raise SqlError("42601", 'zero-length delimited identifier at or near """"')
    return identifier(token)


def listen(s: Session, st: Statement) -> Result:
    m = _LISTEN.match(strip_comments(st.text))
    verb = st.kind
    if m is None:
        words = strip_comments(st.text).split()
        raise SqlError("42601", f'syntax error at or near "{words[2]}"' if len(words) > 2 else "syntax error at end of input")
    token = m.group("name")
    if token == "*":
        if verb == "LISTEN":
            raise SqlError("42601", 'syntax error at or near "*"')
        s.pending_listen.append(("UNLISTEN", None))
    else:
        s.pending_listen.append((verb, _channel(token)))
    return Result(verb)


def notify(s: Session, st: Statement) -> Result:
    m = _NOTIFY.match(strip_comments(st.text))
    if m is None:
        words = strip_comments(st.text).replace(",", " , ").split()
        raise SqlError("42601", f'syntax error at or near "{words[2]}"' if len(words) > 2 else "syntax error at end of input")
    payload = m.group("payload")
    text = m.group("dollar")
    if payload is not None:
        escaped = payload[0] in "Ee"
        text = payload[2 if escaped else 1:-1].replace("''", "'")
        if escaped:
            text = text.encode("latin-1", "backslashreplace").decode("unicode_escape")
    queue(s, _channel(m.group("name")), text)
    return Result("NOTIFY")


def queue(s: Session, channel: str | None, payload: str | None) -> None:
    """A notification of the running transaction, sent when it commits."""
    key = check_notification(channel, payload)
    s.pending_notifies[key] = None  # a dict: ordered, and a duplicate folds into the first


def at_commit(s: Session, listen_actions: list[tuple[str, str | None]], notifications: list[tuple[str, str]]) -> None:
    """After the commit: LISTEN/UNLISTEN apply, then the notifications are delivered."""
    if listen_actions:
        channels = list(s.listening)
        for verb, channel in listen_actions:
            if verb == "LISTEN":
                if channel not in channels:
                    channels.append(channel)  # type: ignore[arg-type]
            elif channel is None:
                channels = []
            elif channel in channels:
                channels.remove(channel)
        s.listening = tuple(channels)  # replaced whole: other sessions' commits read it
    if not notifications:
        return
    for other in list(s.db.sessions):
        if other.closed or not other.listening:
            continue
        listening = other.listening
        delivered = False
        for channel, payload in notifications:
            if channel in listening:
                other.notifies.append(Notify(s.backend_pid, channel, payload))
                delivered = True
        wakeup = other.notify_wakeup
        if delivered and wakeup is not None:
            wakeup()
