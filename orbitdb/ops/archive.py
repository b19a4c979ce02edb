"""The backup archive: one tar file whose first member, `orbitdb-backup.json`, is its manifest,
followed by the files under `data/`.

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
            for name in stored:
                path = os.path.join(root, name)
                st = os.stat(path)
                with open(path, "rb") as f:
                    tar.addfile(_tar_info(DATA_PREFIX + name, st.st_size, st.st_mtime), _Counting(f, advance))
        raw.flush()
        os.fsync(raw.fileno())


def read_manifest(path: str) -> dict[str, Any]:
    """The manifest of the archive at path; OpsError when path is not an orbitdb backup."""
    try:
        with tarfile.open(path, mode="r:") as tar:
            first = tar.next()
            if first is None or first.name != MANIFEST_NAME:
                raise OpsError(f"{path} is not an orbitdb backup (no {MANIFEST_NAME} at its start)")
            f = tar.extractfile(first)
            assert f is not None
            manifest = json.loads(f.read())
    except (OSError, tarfile.TarError, ValueError) as exc:
        raise OpsError(f"{path} is not a readable orbitdb backup: {exc}") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise OpsError(f"{path}: backup format {manifest.get('format')!r} is not {FORMAT}, the one this orbitdb reads")
    return manifest


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
