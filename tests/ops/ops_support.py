"""Helpers of the operations-command tests: databases made through orbitdb.connect, the
`orbitdb` command run as a user runs it, and direct engine edits that damage a database."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

import orbitdb
from orbitdb.engine import Engine
from orbitdb.storage.catalog import Catalog
from orbitdb.storage.keyspace import CATALOG_PREFIX, prefix_end


def run_orbitdb(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    package_root = os.path.dirname(os.path.dirname(orbitdb.__file__))
    env = dict(os.environ, PYTHONPATH=package_root + os.pathsep + os.environ.get("PYTHONPATH", ""))
    return subprocess.run([sys.executable, "-m", "orbitdb", *args], env=env, capture_output=True, text=True,
                          timeout=timeout, check=False)


def make_database(path: str, statements: list[str]) -> None:
    conn = orbitdb.connect(path)
    try:
        cur = conn.cursor()
        for sql in statements:
            cur.execute(sql)
        conn.commit()
    finally:
        conn.close()


def flush(path: str) -> None:
    """Moves what the WAL holds into table files (so that there are tables to damage)."""
    engine = Engine(path, create_if_missing=False)
    try:
        engine.flush()
    finally:
        engine.close()


def catalog_of(engine: Engine) -> Catalog:
    return Catalog.load(list(engine.items(CATALOG_PREFIX, prefix_end(CATALOG_PREFIX))))


def listing(path: str) -> dict[str, Any]:
    """Every file's size and modification time: what a read-only command must leave as it is."""
    out = {}
    for name in sorted(os.listdir(path)):
        st = os.stat(os.path.join(path, name))
        out[name] = (st.st_size, st.st_mtime_ns)
    return out
