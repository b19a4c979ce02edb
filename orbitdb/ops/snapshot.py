"""A copy of a data directory at one commit per database, made while a server or an application
(another process, holding the directory's lock) goes on writing to it; the copy is what a backup
packs and what a clone is.

What is copied:
- a server's data directory (`orbitdb serve --data-dir`): its files (databases.json, the roles
  and their passwords; not databases.lock) and every database its list names;
- a database directory (what `orbitdb.connect(path)` opens): that database.
Each database is an engine checkpoint taken from outside (orbitdb.engine.checkpoint_directory:
tables hard-linked, WAL tail copied, consistent to one commit of that database) plus the files
beside the engine's (an embedded database's roles.json).

The list of databases is copied first and the databases it names are copied after, so a
database created meanwhile is in neither, and one dropped meanwhile makes the copy start over
(as PostgreSQL, orbitdb has no transaction across databases: each is at its own commit).
"""

from __future__ import annotations

import os
import re
import shutil
from dataclasses import dataclass

from orbitdb.engine import EngineError, checkpoint_directory
from orbitdb.sql.cluster.private_files import FILE_MODE, fsync_directory, make_private_dirs
from orbitdb.sql.cluster.registry import Registry, is_data_dir

ENGINE_FILE = re.compile(r"\d+\.(sst|log)|MANIFEST-\d+|CURRENT|LOCK|.*\.tmp")
SERVER_SKIPPED = re.compile(r"databases\.lock|.*\.tmp")
ATTEMPTS = 5


@dataclass
class DatabaseCopy:
    path: str  # relative to the copy's root; "." for a database directory
    last_sequence: int
    tables: int
    tables_copied: int  # of them, copied because hard links were impossible
    attempts: int


@dataclass
class Copy:
    kind: str  # "server" (a data directory) or "database" (one database directory)
    databases: list[DatabaseCopy]


class _DatabaseVanished(Exception):
    pass


def source_kind(path: str) -> str:
    """'server' or 'database'; OpsError-worthy ValueError when path is neither."""
    if is_data_dir(path):
        return "server"
    if os.path.isfile(os.path.join(path, "CURRENT")):
        return "database"
    raise ValueError(f"{path} is neither a server data directory nor a database directory")


def copy_consistent(source: str, target: str) -> Copy:
    """Copies source into target (made; must not exist or be empty)."""
    kind = source_kind(source)
    for attempt in range(1, ATTEMPTS + 1):
        try:
            return Copy(kind, _copy_once(source, target, kind))
        except _DatabaseVanished:
            _clear(target)
            if attempt == ATTEMPTS:
                raise ValueError(f"databases of {source} were dropped under each of {ATTEMPTS} attempts to copy it")
    raise AssertionError("unreachable")


def _clear(target: str) -> None:
    for name in os.listdir(target):
        path = os.path.join(target, name)
        if os.path.isdir(path) and not os.path.islink(path):
            shutil.rmtree(path)
        else:
            os.remove(path)


def _copy_once(source: str, target: str, kind: str) -> list[DatabaseCopy]:
    make_private_dirs(target)
    if kind == "database":
        return [_copy_database(source, target, ".")]
    _copy_side_files(source, target, SERVER_SKIPPED)
    registry = Registry.load(target)  # the copied list: it names what the copy must hold
    directories = ["postgresql"] if registry is None else sorted(registry.directories())
    copies = []
    for relative in directories:
        if not os.path.isdir(os.path.join(source, relative)):
            if registry is None:
                continue
            raise _DatabaseVanished(relative)
        copies.append(_copy_database(os.path.join(source, relative), target, relative))
    fsync_directory(target)
    return copies


def _copy_database(source: str, root: str, relative: str) -> DatabaseCopy:
    target = os.path.normpath(os.path.join(root, relative))
    make_private_dirs(os.path.dirname(target))
    try:
        info = checkpoint_directory(source, target)
    except EngineError as exc:
        if not os.path.exists(os.path.join(source, "CURRENT")):
            raise _DatabaseVanished(relative) from exc  # dropped while it was being copied
        raise
    _copy_side_files(source, target, ENGINE_FILE)
    return DatabaseCopy(relative, info["last_sequence"], info["tables"], info["tables_copied"], info["attempts"])


def _copy_side_files(source: str, target: str, skipped: re.Pattern[str]) -> None:
    """The regular files of source (not its subdirectories) that skipped does not match. Each is
    replaced atomically by its writer, so a plain read gets one whole version of it."""
    for entry in os.scandir(source):
        if entry.is_file(follow_symlinks=False) and not skipped.fullmatch(entry.name):
            to = os.path.join(target, entry.name)
            try:
                shutil.copyfile(entry.path, to)
            except FileNotFoundError:
                continue  # removed meanwhile (a file replaced atomically is never missing)
            os.chmod(to, FILE_MODE)
            fd = os.open(to, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
