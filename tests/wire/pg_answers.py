"""Helpers of the migration tests: run a PostgreSQL client tool, make a database on the reference
server, and the answers a list of statements gets on a server (rows, a row count or the error's
SQLSTATE), to compare two servers."""

from __future__ import annotations

import os
import subprocess
from typing import Any

import psycopg2
from wire_support import BINDIR


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


def reference_database(ref: str, name: str, schema: str) -> list[str]:
    """The client tools' connection options (-h, -p, -U) for the reference server of conninfo
    `ref`, on which database `name` is made and `schema` loaded into it."""
    params = dict(p.split("=", 1) for p in ref.split())
    src = ["-h", params["host"], "-p", params["port"], "-U", "postgres"]
    made = run_tool([f"{BINDIR}/psql", "-X", *src, "-d", "postgres", "-c", f"CREATE DATABASE {name}"])
    assert made.returncode == 0, made.stderr
    loaded = run_tool([f"{BINDIR}/psql", "-X", "-v", "ON_ERROR_STOP=1", *src, "-d", name], input=schema)
    assert loaded.returncode == 0, loaded.stderr
    return src
