"""What a wire session knows of its client, for pg_stat_activity (client_addr, client_port),
pg_stat_ssl (ssl_info) and the server's default log_min_duration_statement."""

from __future__ import annotations

from typing import Any

from orbitdb.pgwire.connection_log import LogSettings
from orbitdb.sql.settings import normalize

_MIN_DURATION = "log_min_duration_statement"


def record_client(
    session: Any, host: str, port: int | None, tls: dict[str, Any] | None, settings: LogSettings
) -> None:
    session.client_addr = host
    session.client_port = port
    session.ssl_info = tls
    values = getattr(session, "settings", None)
    if settings.min_duration_statement_ms >= 0 and isinstance(values, dict):
        # the server's setting, as postgresql.conf's: not a SET by the user, which only a
        # superuser may make (a role without that right still connects)
        values[_MIN_DURATION] = normalize(_MIN_DURATION, f"{settings.min_duration_statement_ms}ms")
