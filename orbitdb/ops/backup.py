"""`orbitdb backup`: a consistent copy of a data directory (snapshot.py) packed into one archive
(archive.py) with a manifest of every file's size and SHA-256; with a previous backup as its
base, only the tables the base does not already hold are stored (an incremental backup).

The copy is first made as hard links in a staging directory beside the data directory (same file
system, so it costs no space and pins the tables while they are packed); it is removed at the
end. A staging directory left by a backup killed halfway is removed by the next backup: its name
carries the pid of the backup that made it.
"""

from __future__ import annotations

import datetime
import os
import re
import shutil
import tempfile
import time
import uuid
from typing import Any

from orbitdb.ops.archive import FORMAT, read_manifest, sha256_file, write_archive
from orbitdb.ops.errors import OpsError
from orbitdb.ops.progress import Progress
from orbitdb.ops.snapshot import copy_consistent

STAGING_PREFIX = ".orbitdb-backup-"
_STAGING = re.compile(re.escape(STAGING_PREFIX) + r"(\d+)-.*")


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _staging_dir(data_dir: str) -> str:
    parent = os.path.dirname(os.path.abspath(data_dir))
    try:
        for name in os.listdir(parent):
            m = _STAGING.fullmatch(name)
            if m and not _pid_alive(int(m.group(1))):
                shutil.rmtree(os.path.join(parent, name), ignore_errors=True)
        return tempfile.mkdtemp(prefix=f"{STAGING_PREFIX}{os.getpid()}-", dir=parent)
    except OSError:  # the parent is not writable: copies elsewhere instead of links
        return tempfile.mkdtemp(prefix=f"{STAGING_PREFIX}{os.getpid()}-")


def _base_files(base: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {f["name"]: f for f in base["files"]}


def run_backup(data_dir: str, out: str, config: tuple[str, str] | None, incremental_from: str | None) -> dict[str, Any]:
    """Writes the backup of data_dir to out; returns its manifest. config: (file name, text)."""
    if not os.path.isdir(data_dir):
        raise OpsError(f"no directory {data_dir}")
    if os.path.exists(out):
        raise OpsError(f"{out} exists: give a new file name")
    base = read_manifest(incremental_from) if incremental_from is not None else None
    staging = _staging_dir(data_dir)
    try:
        root = os.path.join(staging, "copy")
        try:
            copy = copy_consistent(data_dir, root)
        except ValueError as exc:
            raise OpsError(str(exc)) from None
        taken_micros = time.time_ns() // 1000  # after every commit the copy holds (pitr.py)
        if base is not None and (base["kind"] != copy.kind):
            raise OpsError(f"{incremental_from} is a backup of a {base['kind']} directory, not of a {copy.kind} one")
        names = sorted(
            os.path.relpath(os.path.join(d, f), root) for d, _, files in os.walk(root) for f in files
        )
        sizes = {n: os.path.getsize(os.path.join(root, n)) for n in names}
        archive_id = uuid.uuid4().hex
        known = _base_files(base) if base is not None else {}
        files, stored = [], []
        with Progress(2 * sum(sizes.values()), "backup") as bar:
            for name in names:
                digest = sha256_file(os.path.join(root, name), bar.advance)
                previous = known.get(name)
                if name.endswith(".sst") and previous and (previous["size"], previous["sha256"]) == (sizes[name], digest):
                    holder = previous["archive"]  # the same immutable table: already in the base chain
                    bar.advance(sizes[name])
                else:
                    holder = archive_id
                    stored.append(name)
                files.append({"name": name, "size": sizes[name], "sha256": digest, "archive": holder})
            manifest = {
                "format": FORMAT,
                "id": archive_id,
                "created": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
                "taken_micros": taken_micros,
                "kind": copy.kind,
                "source": os.path.abspath(data_dir),
                "orbitdb_version": _version(),
                "config": None if config is None else {"file": config[0], "text": config[1]},
                "base": None if base is None else {
                    "id": base["id"], "file": os.path.basename(incremental_from or ""), "created": base["created"]
                },
                "databases": [
                    {"path": d.path, "last_sequence": d.last_sequence, "tables": d.tables} for d in copy.databases
                ],
                "files": files,
            }
            write_archive(out, manifest, root, stored, bar.advance)
        manifest["stored_files"] = len(stored)
        return manifest
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _version() -> str:
    try:
        from importlib.metadata import version

        return version("orbitdb")
    except Exception:  # noqa: BLE001 - a source checkout has no installed metadata
        return "unknown"
