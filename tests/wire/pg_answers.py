"""Helpers of the migration tests: run a PostgreSQL client tool, and the answers a list of
statements gets on a server (rows, a row count or the error's SQLSTATE), to compare two servers."""

from __future__ import annotations

import os
import subprocess
from typing import Any

import psycopg2


def answers(dsn: str, statements: list[str]) -> list[Any]:
    out: list[Any] = []
    con = psycopg2.connect(dsn)
    con.autocommit = True
    try:
        cur = con.cursor()
        for sql in statements:
            try:
                cur.execute(sql)
                out.append(cur.fetchall() if cur.description else cur.rowcount)
            except psycopg2.Error as e:
                out.append(("error", e.pgcode))
    finally:
        con.close()
    return out


def run_tool(cmd: list[str], **kw: Any) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PGCONNECT_TIMEOUT="10")
    return subprocess.run(cmd, check=False, capture_output=True, text=True, timeout=120, env=env, **kw)
