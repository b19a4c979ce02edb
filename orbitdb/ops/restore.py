"""`orbitdb restore`: an archive (and, for an incremental one, its chain of bases) unpacked into a
data directory that opens with exactly the data of the backup's commit.

Order: read the manifests and find every base; check the target (empty, or --force and no
process holding it); verify the size and SHA-256 of every file against the manifest, reading
each archive once; only then write, into a staging directory beside the target, flushed to disk
and moved into place. A damaged or incomplete archive is refused before anything is written.

How an incremental backup finds its base: its manifest records the base's id, file name and
time; the base is looked up among the archives given with --base, then under its recorded
name in the incremental archive's directory, and must carry that id (a file of the right name
from another backup is refused). Each base may itself be incremental: the chain is followed
to a full backup.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import tempfile
from typing import Any

from orbitdb.ops.archive import ArchiveReader, read_manifest
from orbitdb.ops.errors import OpsError
from orbitdb.ops.pitr import archive_root, replay_databases
from orbitdb.ops.progress import Progress
from orbitdb.sql.cluster.private_files import DIR_MODE, FILE_MODE, fsync_directory
from orbitdb.sql.cluster.registry import fsync_tree

LOCK_NAMES = ("databases.lock", "LOCK")


def _chain(path: str, top: dict[str, Any], bases: list[str]) -> dict[str, str]:
    """archive id -> path of every archive the restore reads."""
    given = {}
    for b in bases:
        given[read_manifest(b)["id"]] = b
    found = {top["id"]: path}
    current, current_path = top, path
    while current.get("base"):
        ref = current["base"]
        where = given.get(ref["id"])
        if where is None:
            where = os.path.join(os.path.dirname(os.path.abspath(current_path)), ref["file"])
            if not os.path.isfile(where):
                raise OpsError(
                    f"{current_path} is an incremental backup on top of {ref['file']} (id {ref['id']}, made "
                    f"{ref['created']}), which is not in {os.path.dirname(where)}: give it with --base FILE"
                )
        manifest = read_manifest(where)
        if manifest["id"] != ref["id"]:
            raise OpsError(
                f"{where} is not the base of {current_path}: its id is {manifest['id']} (made {manifest['created']}), "
                f"the base's is {ref['id']} (made {ref['created']}); give the right one with --base FILE"
            )
        if manifest["id"] in found:
            raise OpsError(f"{where}: the chain of bases loops")
        found[manifest["id"]] = where
        current, current_path = manifest, where
    return found


def _in_use(target: str) -> str | None:
    """A lock file under target that a running process holds, if any."""
    for d, _, files in os.walk(target):
        for name in files:
            if name in LOCK_NAMES:
                path = os.path.join(d, name)
                fd = os.open(path, os.O_RDONLY)
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except OSError:
                    return path
                finally:
                    os.close(fd)
    return None


def _check_target(target: str, force: bool) -> None:
    if not os.path.exists(target):
        return
    if not os.path.isdir(target):
        raise OpsError(f"{target} exists and is not a directory")
    if os.listdir(target):
        if not force:
            raise OpsError(f"{target} is not empty: restore into a new or empty directory, or give --force to "
                           "replace what it holds")
        held = _in_use(target)
        if held is not None:
            raise OpsError(f"{target} is in use ({held} is locked by a running server or application): stop it first")


def run_restore(archive: str, target: str, force: bool, bases: list[str], as_of: int | None = None,
                wal_archive: str | None = None) -> dict[str, Any]:
    """Restores archive into target; returns the archive's manifest. With as_of (microseconds
    since the epoch), each database is then brought forward to that time from the WAL archive
    (pitr.py); what each replay did is in the manifest's "replayed"."""
    top = read_manifest(archive)
    root = archive_root(top, wal_archive) if as_of is not None else None
    archives = _chain(archive, top, bases)
    _check_target(target, force)
    by_archive: dict[str, list[dict[str, Any]]] = {}
    for f in top["files"]:
        if f["archive"] not in archives:
            raise OpsError(f"{archive}: {f['name']} is held by backup {f['archive']}, which is not in its chain of bases")
        by_archive.setdefault(f["archive"], []).append(f)
    total = sum(f["size"] for f in top["files"])
    with Progress(2 * total, "restore") as bar:
        for aid, files in by_archive.items():
            _unpack(archives[aid], files, None, bar.advance)  # verify everything first
        parent = os.path.dirname(os.path.abspath(target))
        os.makedirs(parent, exist_ok=True)
        staging = tempfile.mkdtemp(prefix=".orbitdb-restore-", dir=parent)
        try:
            for aid, files in by_archive.items():
                _unpack(archives[aid], files, staging, bar.advance)
            if as_of is not None and root is not None:
                top["replayed"] = replay_databases(staging, top, root, as_of)
            fsync_tree(staging)
            _move_into_place(staging, target)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    return top


def _unpack(path: str, files: list[dict[str, Any]], root: str | None, advance: Any) -> None:
    """Reads files from the archive at path, checking each against its manifest entry; with a
    root, writes them under it."""
    try:
        reader = ArchiveReader(path)
    except Exception as exc:  # noqa: BLE001 - unreadable tar: say which file
        raise OpsError(f"{path} cannot be read: {exc}") from None
    try:
        try:
            members = reader.members()
        except Exception as exc:  # noqa: BLE001 - a damaged tar header
            raise OpsError(f"{path} is damaged: {exc}") from None
        for f in sorted(files, key=lambda f: members[f["name"]].offset_data if f["name"] in members else -1):
            member = members.get(f["name"])
            if member is None:
                raise OpsError(f"{path}: {f['name']} is missing from the archive")
            out = None
            if root is not None:
                dest = os.path.join(root, f["name"])
                os.makedirs(os.path.dirname(dest), mode=DIR_MODE, exist_ok=True)
                out = open(dest, "wb")  # noqa: SIM115 - closed below
                os.chmod(dest, FILE_MODE)
            try:
                size, digest = reader.copy_member(member, out, advance)
            except Exception as exc:  # noqa: BLE001 - a cut or unreadable member: name it
                raise OpsError(f"{path}: {f['name']} cannot be read: {exc}") from None
            finally:
                if out is not None:
                    out.close()
            if size != f["size"] or digest != f["sha256"]:
                raise OpsError(
                    f"{path}: {f['name']} is damaged: {size} bytes with SHA-256 {digest}, the manifest says "
                    f"{f['size']} bytes with SHA-256 {f['sha256']}"
                )
    finally:
        reader.close()


def _move_into_place(staging: str, target: str) -> None:
    if not os.path.exists(target):
        os.rename(staging, target)
        os.makedirs(staging)  # for the caller's cleanup
        fsync_directory(os.path.dirname(os.path.abspath(target)))
        return
    for name in os.listdir(target):  # --force (checked before): what the target held goes
        path = os.path.join(target, name)
        if os.path.isdir(path) and not os.path.islink(path):
            shutil.rmtree(path)
        else:
            os.remove(path)
    for name in os.listdir(staging):
        os.rename(os.path.join(staging, name), os.path.join(target, name))
    fsync_directory(target)
