"""The answers of a list of statements (command tag and rows, or the SQLSTATE of the error, and
the warnings), to compare orbitdb with a PostgreSQL 15 statement by statement."""

from __future__ import annotations

from typing import Any

import psycopg2


def answers(dsn: str, script: list[str], autocommit: bool = True) -> list[tuple[Any, ...]]:
    """Runs each statement of script on one connection; a line starting with "@" names another
    connection ("@2 SELECT ..." runs on a second one)."""
    connections: dict[str, Any] = {}
    out: list[tuple[Any, ...]] = []
    try:
        for line in script:
            name = "1"
            if line.startswith("@"):
                name, line = line[1:].split(" ", 1)
            con = connections.get(name)
            if con is None:
                con = connections[name] = psycopg2.connect(dsn)
                con.autocommit = autocommit
            del con.notices[:]
            with con.cursor() as cur:
                try:
                    cur.execute(line)
                except psycopg2.Error as e:
                    out.append((line, "error", e.pgcode))
                    continue
                rows = cur.fetchall() if cur.description is not None else None
                warnings = [n.split(":", 1)[0] + ":" + n.split(":", 1)[1].strip() for n in con.notices]
                out.append((line, cur.statusmessage, rows, warnings))
    finally:
        for con in connections.values():
            con.close()
    return out
