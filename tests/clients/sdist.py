"""The source distribution of a driver at a pinned version, fetched from PyPI once and unpacked
in a cache folder: the driver's own test suite comes from there."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tarfile
import tempfile
import urllib.request
from pathlib import Path

SIMPLE_INDEX = "https://pypi.org/simple/{name}/"
JSON_ACCEPT = "application/vnd.pypi.simple.v1+json"


def cache_root() -> Path:
    explicit = os.environ.get("ORBITDB_SUITE_CACHE")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "orbitdb" / "client-suites"


def _normalized(name: str) -> str:
    return name.lower().replace("_", "-").replace(".", "-")


def _sdist_entry(name: str, version: str) -> dict[str, object]:
    request = urllib.request.Request(SIMPLE_INDEX.format(name=_normalized(name)), headers={"Accept": JSON_ACCEPT})
    with urllib.request.urlopen(request, timeout=60) as response:
        listing = json.load(response)
    wanted = f"{name.lower().replace('_', '-')}-{version}.tar.gz"
    for entry in listing["files"]:
        if str(entry["filename"]).lower().replace("_", "-") == wanted:
            return entry
    raise LookupError(f"PyPI has no source distribution {wanted}")


def _download(entry: dict[str, object], target: Path) -> None:
    expected = dict(entry["hashes"]).get("sha256")  # type: ignore[call-overload]
    digest = hashlib.sha256()
    with urllib.request.urlopen(str(entry["url"]), timeout=300) as response, open(target, "wb") as out:
        while chunk := response.read(1 << 20):
            digest.update(chunk)
            out.write(chunk)
    if expected and digest.hexdigest() != expected:
        raise ValueError(f"{entry['filename']}: SHA-256 {digest.hexdigest()} is not PyPI's {expected}")


def unpacked_sdist(name: str, version: str) -> Path:
    """The root folder of the unpacked sdist (fetched and checked against PyPI's SHA-256 on first use)."""
    root = cache_root()
    final = root / f"{_normalized(name)}-{version}"
    if (final / ".complete").exists():
        return final
    root.mkdir(parents=True, exist_ok=True)
    # Unpack beside the final folder and rename: runs in parallel never see half a tree.
    work = Path(tempfile.mkdtemp(prefix=f".{_normalized(name)}-", dir=root))
    try:
        archive = work / "sdist.tar.gz"
        _download(_sdist_entry(name, version), archive)
        with tarfile.open(archive) as tar:
            tar.extractall(work / "tree", filter="data")
        (top,) = list((work / "tree").iterdir())
        (top / ".complete").write_text(version)
        try:
            os.rename(top, final)
        except OSError:
            if not (final / ".complete").exists():
                raise
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return final
