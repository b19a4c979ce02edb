"""The list of a server's databases (its pg_database), kept in `<data-dir>/databases.json`.

The file is only ever replaced whole: written to a temporary file, flushed to disk, renamed over
the old one and the directory flushed, so after a crash it is the old list or the new one, never
a mix. A database's files are made before its entry is written and removed after its entry is
gone; files no entry names are leftovers of an interrupted CREATE or DROP DATABASE, removed at
start-up (see Cluster).
"""

from __future__ import annotations

import dataclasses
import json
import os
from dataclasses import dataclass, field
from typing import Any

from orbitdb.sql.cluster.private_files import fsync_directory, write_file_atomic
from orbitdb.sql.errors import SqlError

REGISTRY_FILE = "databases.json"
FORMAT = 1
DEFAULT_DATABASE = "actors"
DEFAULT_DATABASE_DIR = "postgresql"  # where the default database always lived (the migration guide relies on it)
BOOTSTRAP_SUPERUSER = "postgres"
DEFAULT_OWNER = "orbit"  # owner of `actors`: the user the migration guide connects as
ACTORS_OID = 16383  # the oid `actors` always had (orbitdb.sql.pgcatalog.oids.DATABASE_OID)
FIRST_NORMAL_OID = 16384  # PostgreSQL's FirstNormalObjectId: oids of databases made by CREATE DATABASE
TEMPLATE_ACL = ["=c/postgres", "postgres=CTc/postgres"]  # what initdb leaves on template0 and template1
_ENGINE_MARK = "CURRENT"  # every engine directory has one (it names the engine's manifest)


# here rather than in cluster.py: connect() asks it of every path, and cluster.py (roles,
# passwords, hashing) is needed only for a server's data directory
def is_data_dir(path: str) -> bool:
    """Whether path is a server's data directory (what `orbitdb serve --data-dir` was given): one
    with a list of databases, or, as orbitdb made them before databases existed, a `postgresql/`
    engine directory and no engine of its own."""
    if os.path.isfile(os.path.join(path, REGISTRY_FILE)):
        return True
    return (not os.path.exists(os.path.join(path, _ENGINE_MARK))
            and os.path.isfile(os.path.join(path, DEFAULT_DATABASE_DIR, _ENGINE_MARK)))


@dataclass
class DatabaseEntry:
    """One database: a row of pg_database plus where its engine directory is."""

    oid: int
    name: str
    owner: str
    # the engine directory, relative to the data dir; None: not made yet (an empty database, made
    # at its first connection) or never (template0)
    directory: str | None
    encoding: str = "UTF8"
    collate: str = "C"
    ctype: str = "C"
    is_template: bool = False
    allow_connections: bool = True
    connection_limit: int = -1
    collation_version: str | None = None
    acl: list[str] | None = field(default=None)


def initial_entries() -> list[DatabaseEntry]:
    """A new data dir's databases: PostgreSQL's three (oids as initdb gives them) and `actors`."""
    return [
        DatabaseEntry(1, "template1", BOOTSTRAP_SUPERUSER, None, is_template=True, acl=list(TEMPLATE_ACL)),
        DatabaseEntry(4, "template0", BOOTSTRAP_SUPERUSER, None, is_template=True, allow_connections=False,
                      acl=list(TEMPLATE_ACL)),
        DatabaseEntry(5, "postgres", BOOTSTRAP_SUPERUSER, None),
        DatabaseEntry(ACTORS_OID, DEFAULT_DATABASE, DEFAULT_OWNER, DEFAULT_DATABASE_DIR),
    ]


class Registry:
    """The entries in memory and the file they are saved to. Not thread-safe: the Cluster
    serialises every use."""

    def __init__(self, data_dir: str, entries: list[DatabaseEntry], next_oid: int) -> None:
        self.data_dir = data_dir
        self.entries = entries
        self.next_oid = next_oid

    @property
    def path(self) -> str:
        return os.path.join(self.data_dir, REGISTRY_FILE)

    @classmethod
    def load(cls, data_dir: str) -> Registry | None:
        """The saved registry; None when the data dir has none yet (a new data dir, or one made
        before there was a registry: its `postgresql/` is `actors`)."""
        path = os.path.join(data_dir, REGISTRY_FILE)
        try:
            with open(path, encoding="utf-8") as f:
                raw = json.load(f)
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as exc:
            raise SqlError("XX001", f"could not read the list of databases {path}: {exc}") from None
        found = raw.get("format") if isinstance(raw, dict) else None
        if isinstance(found, int) and found > FORMAT:
            raise SqlError("XX001", f"the list of databases {path} has format {found}, newer than this orbitdb reads "
                                    f"(format {FORMAT}): use the orbitdb that wrote it, or a later one")
        try:
            if raw.get("format") != FORMAT:
                raise ValueError(f"unknown format {raw.get('format')!r}")
            entries = [DatabaseEntry(**item) for item in raw["databases"]]
            next_oid = int(raw["next_oid"])
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise SqlError("XX001", f"the list of databases {path} is damaged: {exc}") from None
        return cls(data_dir, entries, next_oid)

    def save(self) -> None:
        """Replaces the file atomically and durably."""
        data: dict[str, Any] = {
            "format": FORMAT,
            "next_oid": self.next_oid,
            "databases": [dataclasses.asdict(e) for e in self.entries],
        }
        write_file_atomic(self.path, json.dumps(data, indent=1, sort_keys=True) + "\n")

    # --- lookups ------------------------------------------------------------------------------

    def by_name(self, name: str) -> DatabaseEntry | None:
        for e in self.entries:
            if e.name == name:
                return e
        return None

    def by_oid(self, oid: int) -> DatabaseEntry | None:
        for e in self.entries:
            if e.oid == oid:
                return e
        return None

    def allocate_oid(self) -> int:
        """The next oid no database has (PostgreSQL's counter also skips oids in use)."""
        used = {e.oid for e in self.entries}
        oid = max(self.next_oid, FIRST_NORMAL_OID)
        while oid in used:
            oid += 1
        self.next_oid = oid + 1
        return oid

    def directories(self) -> set[str]:
        return {os.path.normpath(e.directory) for e in self.entries if e.directory is not None}


def fsync_tree(path: str) -> None:
    """Flushes every file under path, then the directories, deepest first."""
    for root, dirs, files in os.walk(path, topdown=False):
        for name in files:
            fd = os.open(os.path.join(root, name), os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        fsync_directory(root)
