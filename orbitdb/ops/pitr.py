"""`orbitdb restore --as-of TIME`: point-in-time recovery. A backup is unpacked as for a plain
restore, then each of its databases is brought forward to TIME by replaying the WAL files its
server archived (`[persistence] wal_archive_dir`, csrc/walarchive.h) after the backup's
commit, up to and including the last commit at or before TIME (csrc/pitr.h). Every check that
can refuse (a target before the backup, beyond the archive, a gap, damage) runs before the
restored directory is moved into place: on a refusal nothing is written to --data-dir."""

from __future__ import annotations

import datetime
import os
import sys
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

from orbitdb.engine import EngineError, pitr_replay
from orbitdb.ops.errors import OpsError


def parse_time(text: str) -> int:
    """An ISO 8601 timestamp (`2026-12-07 01:55:50.7+00:00`; without an offset, UTC) as
    microseconds since the Unix epoch."""
    try:
        value = datetime.datetime.fromisoformat(text.strip())
    except ValueError:
        raise OpsError(f"--as-of {text!r} is not a timestamp: give an ISO 8601 time such as "
                       "'2026-12-07 01:55:50.123+00:00' (without an offset it is taken as UTC)") from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=datetime.timezone.utc)
    delta = value - datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)
    micros = (delta.days * 86400 + delta.seconds) * 1_000_000 + delta.microseconds
    if micros < 0:
        raise OpsError(f"--as-of {text!r} is before 1970")
    return micros


def show_time(micros: int) -> str:
    moment = datetime.datetime.fromtimestamp(micros / 1_000_000, datetime.timezone.utc)
    return moment.isoformat(sep=" ")


def archive_root(manifest: dict[str, Any], given: str | None) -> str:
    """--wal-archive, else the wal_archive_dir of the configuration the backup carries."""
    if given is not None:
        return given
    config = manifest.get("config")
    if config is not None:
        try:
            persistence = tomllib.loads(config["text"]).get("persistence", {})
        except (tomllib.TOMLDecodeError, TypeError):
            persistence = {}
        root = persistence.get("wal_archive_dir") if isinstance(persistence, dict) else None
        if isinstance(root, str) and root:
            return root
    raise OpsError("--as-of needs the WAL archive: give --wal-archive DIR (the server's [persistence] "
                   "wal_archive_dir; the backup carries no configuration naming it)")


def database_archive(root: str, manifest: dict[str, Any], relative: str) -> str:
    """Each database archives into a directory of root named as its own directory (txn.py)."""
    if relative in (".", ""):
        name = os.path.basename(os.path.normpath(manifest["source"]))
    else:
        name = os.path.basename(os.path.normpath(relative))
    return os.path.join(root, name)


def backup_micros(manifest: dict[str, Any]) -> int:
    """When the backup's copy was taken, at the latest (a bound used when the archive does not
    hold the commit time of the backup's last write)."""
    taken = manifest.get("taken_micros")
    if isinstance(taken, int):
        return taken
    created = datetime.datetime.strptime(manifest["created"], "%Y-%m-%dT%H:%M:%SZ")
    created = created.replace(tzinfo=datetime.timezone.utc)
    return int(created.timestamp() + 1) * 1_000_000  # kept to the second: round up


def replay_databases(staging: str, manifest: dict[str, Any], root: str, target: int) -> list[dict[str, Any]]:
    """Brings every database restored under staging forward to target; what each replay did."""
    done = []
    for entry in manifest["databases"]:
        archive = database_archive(root, manifest, entry["path"])
        label = entry["path"] if entry["path"] != "." else os.path.basename(os.path.normpath(manifest["source"]))
        if not os.path.isdir(archive):
            raise OpsError(f"database {label}: no WAL archive at {archive} (each database archives into a "
                           "directory of wal_archive_dir named as its own directory)")
        try:
            info = pitr_replay(os.path.join(staging, entry["path"]), archive, target, backup_micros(manifest))
        except EngineError as exc:
            raise OpsError(f"database {label}: {exc}") from None
        info["path"] = entry["path"]
        done.append(info)
    return done
