"""The backup archive: one tar file whose first member, `orbitdb-backup.json`, is its manifest,
the second, `orbitdb-backup.sha256`, the manifest's SHA-256 (so a damaged manifest is refused,
not misread), followed by the files under `data/`.

    {"format": 1, "id": "<uuid>", "created": "2026-12-06T23:10:00Z", "kind": "server",
     "source": "/srv/orbit_integrated_data", "orbitdb_version": "0.1.0",
     "config": {"file": "orbit.toml", "text": "..."} or null,
     "base": null or {"id": "<uuid>", "file": "monday.tar", "created": "..."},
     "databases": [{"path": "postgresql", "last_sequence": 1234, "tables": 9}],
     "files": [{"name": "postgresql/000012.sst", "size": 4096, "sha256": "...", "archive": "<uuid>"}]}

Every file of the copy is listed with its size and SHA-256; `archive` is the id of the archive
that holds its bytes: this one, or, in an incremental backup, the base (or the base's base) that
already held the same table. Tables never change once written and their numbers are never
reused, so a table of the same name, size and checksum is the same table.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import tarfile
from collections.abc import Callable
from typing import Any

from orbitdb.ops.errors import OpsError

MANIFEST_NAME = "orbitdb-backup.json"
MANIFEST_SUM_NAME = "orbitdb-backup.sha256"
_FILE_KEYS = {"name": str, "size": int, "sha256": str, "archive": str}
DATA_PREFIX = "data/"
FORMAT = 1
CHUNK = 1 << 20


def sha256_file(path: str, advance: Callable[[int], None]) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(CHUNK):
            digest.update(chunk)
            advance(len(chunk))
    return digest.hexdigest()


def _tar_info(name: str, size: int, mtime: float) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.size = size
    info.mode = 0o600
    info.mtime = int(mtime)
    return info


class _Counting(io.RawIOBase):
    """A file read through, reporting the bytes read."""

    def __init__(self, f: Any, advance: Callable[[int], None]) -> None:
        self._f = f
        self._advance = advance

    def readable(self) -> bool:
        return True

    def read(self, n: int = -1) -> bytes:
        data = self._f.read(n)
        self._advance(len(data))
        return bytes(data)


def write_archive(out: str, manifest: dict[str, Any], root: str, stored: list[str],
                  advance: Callable[[int], None]) -> None:
    """Writes the archive to out (through out + '.partial', renamed when complete and flushed):
    the manifest, then the files of root named in stored (relative paths)."""
    partial = out + ".partial"
    body = json.dumps(manifest, indent=1, sort_keys=True).encode()
    try:
        _write_tar(partial, body, root, stored, advance)
    except BaseException:
        if os.path.exists(partial):
            os.remove(partial)
        raise
    os.replace(partial, out)


def _write_tar(partial: str, body: bytes, root: str, stored: list[str], advance: Callable[[int], None]) -> None:
    with open(partial, "wb") as raw:
        with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tar:
            tar.addfile(_tar_info(MANIFEST_NAME, len(body), os.path.getmtime(root)), io.BytesIO(body))
            digest = (hashlib.sha256(body).hexdigest() + "\n").encode()
            tar.addfile(_tar_info(MANIFEST_SUM_NAME, len(digest), os.path.getmtime(root)), io.BytesIO(digest))
            for name in stored:
                path = os.path.join(root, name)
                st = os.stat(path)
                with open(path, "rb") as f:
                    tar.addfile(_tar_info(DATA_PREFIX + name, st.st_size, st.st_mtime), _Counting(f, advance))
        raw.flush()
        os.fsync(raw.fileno())


def read_manifest(path: str) -> dict[str, Any]:
    """The manifest of the archive at path; OpsError when path is not an orbitdb backup or its
    manifest is damaged."""
    try:
        with tarfile.open(path, mode="r:") as tar:
            first, second = tar.next(), tar.next()
            if first is None or first.name != MANIFEST_NAME or second is None or second.name != MANIFEST_SUM_NAME:
                raise OpsError(f"{path} is not an orbitdb backup (no {MANIFEST_NAME} at its start)")
            body = _read(tar, first)
            recorded = _read(tar, second).decode("ascii", "replace").strip()
    except (OSError, tarfile.TarError) as exc:
        raise OpsError(f"{path} is not a readable orbitdb backup: {exc}") from None
    if hashlib.sha256(body).hexdigest() != recorded:
        raise OpsError(f"{path}: its manifest {MANIFEST_NAME} is damaged (its SHA-256 is not the one recorded)")
    try:
        manifest = json.loads(body)
    except ValueError as exc:
        raise OpsError(f"{path}: its manifest {MANIFEST_NAME} cannot be read: {exc}") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        got = manifest.get("format") if isinstance(manifest, dict) else None
        raise OpsError(f"{path}: backup format {got!r} is not {FORMAT}, the one this orbitdb reads")
    files = manifest.get("files")
    if not isinstance(files, list) or not all(
        isinstance(f, dict) and all(isinstance(f.get(k), t) for k, t in _FILE_KEYS.items()) for f in files
    ):
        raise OpsError(f"{path}: its manifest {MANIFEST_NAME} does not list its files as orbitdb writes them")
    return manifest


def _read(tar: tarfile.TarFile, member: tarfile.TarInfo) -> bytes:
    f = tar.extractfile(member)
    if f is None:
        raise OpsError(f"{member.name} is not a file")
    return f.read()


class ArchiveReader:
    """The data members of one archive, read in order (a tar is read front to back)."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._tar = tarfile.open(path, mode="r:")  # noqa: SIM115 - closed by close()

    def members(self) -> dict[str, tarfile.TarInfo]:
        out = {}
        for m in self._tar.getmembers():
            if m.name.startswith(DATA_PREFIX) and m.isfile():
                out[m.name[len(DATA_PREFIX):]] = m
        return out

    def copy_member(self, member: tarfile.TarInfo, to: Any, advance: Callable[[int], None]) -> tuple[int, str]:
        """Streams member into the file object to (None: only read it); (size, sha256)."""
        f = self._tar.extractfile(member)
        assert f is not None
        digest = hashlib.sha256()
        size = 0
        while chunk := f.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
            if to is not None:
                to.write(chunk)
            advance(len(chunk))
        return size, digest.hexdigest()

    def close(self) -> None:
        self._tar.close()
