"""client_min_messages as PostgreSQL applies it to what reaches the client: a notice below the
session's level is not sent (INFO always is)."""

from __future__ import annotations

from typing import Any

from orbitdb.sql.result import Notice

# ranks of client_min_messages' values and of notice severities (LOG sits below NOTICE for clients)
_RANK = {"DEBUG5": 0, "DEBUG4": 0, "DEBUG3": 0, "DEBUG2": 0, "DEBUG1": 0, "DEBUG": 0, "LOG": 1,
         "NOTICE": 2, "WARNING": 3, "ERROR": 4}
_DEFAULT = "NOTICE"


def for_client(session: Any, notices: list[Notice]) -> list[Notice]:
    """The notices the client's client_min_messages lets through."""
    if not notices:
        return notices
    settings = getattr(session, "settings", None)
    level = settings.get("client_min_messages", _DEFAULT) if isinstance(settings, dict) else _DEFAULT
    minimum = _RANK.get(level.upper(), _RANK[_DEFAULT])
    return [n for n in notices if n.severity == "INFO" or _RANK.get(n.severity.upper(), _RANK["WARNING"]) >= minimum]
