"""The engine directories an operations command works on: each database of a server's data
directory (databases.json), the `postgresql/` of a data directory made before databases
existed, or one database directory as orbitdb.connect opens it."""

from __future__ import annotations

import os
from dataclasses import dataclass

from orbitdb.sql.cluster.registry import DEFAULT_DATABASE, Registry, is_data_dir

SQL_SUBDIR = "postgresql"


@dataclass(frozen=True)
class Target:
    database: str  # the database's name; the directory's base name for a lone database directory
    path: str  # its engine directory


def targets(data_dir: str) -> list[Target]:
    """Every database directory of data_dir that exists on disk (a server makes an empty
    database's directory only at its first connection)."""
    if is_data_dir(data_dir):
        registry = Registry.load(data_dir)
        if registry is None:  # made before there was a list of databases
            return [Target(DEFAULT_DATABASE, os.path.join(data_dir, SQL_SUBDIR))]
        found = [Target(e.name, os.path.join(data_dir, e.directory)) for e in registry.entries
                 if e.directory is not None]
        return sorted((t for t in found if os.path.isdir(t.path)), key=lambda t: t.database)
    return [Target(os.path.basename(os.path.normpath(data_dir)), data_dir)]
