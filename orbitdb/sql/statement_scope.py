"""The session whose statement this thread is running, for the one thing compiled expressions
cannot be handed: the conversions that read the session (timestamptz text and arithmetic in its
TimeZone, reg* names in its catalog) when they are made by ``coerce``, which takes only a value
and a type. Everything else is passed explicitly (the session, the statement's ExecContext and
its interrupt check); the session sets this around each statement it runs and each batch of
rows it produces, and nothing but types/casts.py and expr/datetimeops.py reads it."""

from __future__ import annotations

import datetime
import threading
from typing import Any

_running = threading.local()
_UTC = datetime.timezone.utc


def enter(session: Any) -> Any:
    """Makes session the running one; returns the one it replaces (for leave)."""
    previous = getattr(_running, "session", None)
    _running.session = session
    return previous


def leave(previous: Any) -> None:
    _running.session = previous


def running_session() -> Any:
    """The session whose statement this thread runs, or None (outside any statement)."""
    return getattr(_running, "session", None)


def running_timezone() -> datetime.tzinfo:
    session = getattr(_running, "session", None)
    return session.timezone() if session is not None else _UTC  # type: ignore[no-any-return]
