"""The files of a server's databases: making and removing engine directories so that a crash at
any point leaves either the state before or the state after (with cluster_registry.py's atomic
list), and removing at start-up what an interrupted CREATE or DROP DATABASE left.

    <data-dir>/postgresql/          the default database `actors`
    <data-dir>/databases/<oid>/     every other database
    <data-dir>/databases/<oid>.new      being built (not yet listed)
    <data-dir>/databases/<oid>.dropped  being removed (no longer listed)
"""

from __future__ import annotations

import logging
import os
import re
import shutil
from typing import Any

from orbitdb.sql.cluster.private_files import make_private, make_private_dirs
from orbitdb.sql.cluster.registry import (
    DEFAULT_DATABASE_DIR,
    FIRST_NORMAL_OID,
    DatabaseEntry,
    Registry,
    fsync_directory,
    fsync_tree,
    initial_entries,
)
from orbitdb.sql.session.database import Database

log = logging.getLogger("orbitdb.cluster")

DATABASES_DIR = "databases"
_LEFTOVER = re.compile(r"\d+(\.new|\.dropped)?")


def make_directory(data_dir: str, oid: int, source: str | None, knobs: dict[str, Any]) -> str:
    """Builds a database's engine directory (empty, or a copy of the files of source, a closed
    engine directory) under a temporary name, flushes it and renames it into place. Returns its
    path relative to the data dir."""
    relative = os.path.join(DATABASES_DIR, str(oid))
    parent = os.path.join(data_dir, DATABASES_DIR)
    final = os.path.join(data_dir, relative)
    building = final + ".new"
    make_private_dirs(parent)
    for leftover in (building, final):  # no entry names either: an interrupted earlier attempt
        if os.path.lexists(leftover):
            shutil.rmtree(leftover)
    if source is None:
        # an empty engine and catalog; its WAL is archived by the first open under the final name
        Database.open(building, **{k: v for k, v in knobs.items() if k != "wal_archive_dir"}).close()
    else:
        shutil.copytree(source, building, ignore=shutil.ignore_patterns("LOCK"))
        make_private(building)  # the template's files may have been loosened by an operator
    fsync_tree(building)
    os.rename(building, final)
    fsync_directory(parent)
    return relative


def remove_directory(data_dir: str, entry: DatabaseEntry) -> None:
    """Removes a dropped database's files (its entry is already gone). Moved aside first, so that
    a crash halfway leaves a name the start-up sweep recognises."""
    if entry.directory is None:
        return
    path = os.path.join(data_dir, entry.directory)
    trash = os.path.join(data_dir, DATABASES_DIR, f"{entry.oid}.dropped")
    try:
        make_private_dirs(os.path.dirname(trash))
        if os.path.lexists(trash):
            shutil.rmtree(trash)
        os.rename(path, trash)
    except OSError as exc:
        log.warning("could not move the files of dropped database %s aside: %s", entry.name, exc)
        trash = path
    shutil.rmtree(trash, ignore_errors=True)


def sweep(data_dir: str, registry: Registry) -> None:
    """Removes what an interrupted CREATE or DROP DATABASE left: directories no entry names."""
    referenced = registry.directories()
    tmp = registry.path + ".tmp"
    if os.path.exists(tmp):
        os.remove(tmp)
    parent = os.path.join(data_dir, DATABASES_DIR)
    leftovers = []
    if os.path.isdir(parent):
        for name in sorted(os.listdir(parent)):
            if _LEFTOVER.fullmatch(name) and os.path.join(DATABASES_DIR, name) not in referenced:
                leftovers.append(os.path.join(parent, name))
    default_dir = os.path.join(data_dir, DEFAULT_DATABASE_DIR)
    if DEFAULT_DATABASE_DIR not in referenced and os.path.isdir(default_dir):
        leftovers.append(default_dir)  # the default database was dropped; its files were not yet removed
    for path in leftovers:
        log.warning("removing %s: files of a database whose CREATE or DROP DATABASE was interrupted", path)
        shutil.rmtree(path, ignore_errors=True)


def new_registry(data_dir: str, knobs: dict[str, Any]) -> Registry:
    """The first registry of a data dir: PostgreSQL's databases and `actors`, whose engine
    directory `postgresql/` is made now unless it is there from before registries existed."""
    default_dir = os.path.join(data_dir, DEFAULT_DATABASE_DIR)
    if not os.path.isdir(default_dir):
        Database.open(default_dir, **knobs).close()
        fsync_tree(default_dir)
        fsync_directory(data_dir)
    registry = Registry(data_dir, initial_entries(), FIRST_NORMAL_OID)
    registry.save()
    return registry
