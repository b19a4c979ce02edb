"""What a wire session knows of its client, for pg_stat_activity (client_addr, client_port),
pg_stat_ssl (ssl_info) and the server's default log_min_duration_statement."""

from __future__ import annotations

from typing import Any

from orbitdb.pgwire.connection_log import LogSettings

_MIN_DURATION = "log_min_duration_statement"


def record_client(
    session: Any, host: str, port: int | None, tls: dict[str, Any] | None, settings: LogSettings
) -> None:
    session.client_addr = host
    session.client_port = port
    session.ssl_info = tls
    set_setting = getattr(session, "set_setting", None)
    if settings.min_duration_statement_ms >= 0 and callable(set_setting):
        set_setting(_MIN_DURATION, f"{settings.min_duration_statement_ms}ms")
