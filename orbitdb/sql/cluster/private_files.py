"""The modes of a data directory's files, as PostgreSQL makes them: folders 0700, files 0600
(owner only), so that other local users cannot read the data or the role passwords.

An operator may have loosened them (the migration guide's troubleshooting step runs
`chmod -R 755` on the data dir): that does not stop the server, it is reported at start-up
(loose_modes) so that it can be undone.
"""

from __future__ import annotations

import os
import stat

FILE_MODE = 0o600
DIR_MODE = 0o700
_GROUP_OR_OTHERS = stat.S_IRWXG | stat.S_IRWXO
_EXAMPLES = 3


def make_private_dirs(path: str) -> None:
    """Makes path (and missing parents) 0700; an existing folder keeps its mode."""
    os.makedirs(path, mode=DIR_MODE, exist_ok=True)


def open_private(path: str, flags: int) -> int:
    """os.open of a file made 0600, whatever the umask or a leftover file's mode."""
    fd = os.open(path, flags | os.O_CREAT | os.O_CLOEXEC, FILE_MODE)
    try:
        if os.fstat(fd).st_mode & _GROUP_OR_OTHERS and flags & os.O_TRUNC:
            os.fchmod(fd, FILE_MODE)  # a leftover temporary file of an older version
    except OSError:
        os.close(fd)
        raise
    return fd


def fsync_directory(path: str) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_file_atomic(path: str, text: str) -> None:
    """Replaces path with text (0600) so that a crash leaves the old file or the new one: a
    temporary file, flushed to disk, renamed over it, and the folder flushed."""
    tmp = path + ".tmp"
    fd = open_private(tmp, os.O_WRONLY | os.O_TRUNC)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
    fsync_directory(os.path.dirname(path) or ".")


def make_private(path: str) -> None:
    """Sets the modes of a tree this server has just made (a copy of a template database, whose
    files may have been loosened) to 0700/0600."""
    for root, dirs, files in os.walk(path):
        os.chmod(root, DIR_MODE)
        for name in files:
            os.chmod(os.path.join(root, name), FILE_MODE)
        for name in dirs:
            os.chmod(os.path.join(root, name), DIR_MODE)


def loose_modes(data_dir: str) -> list[str]:
    """Warnings about a data dir whose folders or files group or others may use."""
    warnings = []
    try:
        top = os.stat(data_dir).st_mode
    except OSError:
        return []
    if top & _GROUP_OR_OTHERS:
        warnings.append(
            f'data directory "{data_dir}" has group or world access (mode {stat.S_IMODE(top):04o}); '
            f'orbitdb makes it 0700, as PostgreSQL does: chmod 700 "{data_dir}"'
        )
    loose: list[str] = []
    count = 0
    for root, dirs, files in os.walk(data_dir):
        for name in dirs + files:
            path = os.path.join(root, name)
            try:
                mode = os.lstat(path).st_mode
            except OSError:
                continue  # removed meanwhile
            if stat.S_ISLNK(mode) or not mode & _GROUP_OR_OTHERS:
                continue
            count += 1
            if len(loose) < _EXAMPLES:
                loose.append(f"{path} ({stat.S_IMODE(mode):04o})")
    if count:
        warnings.append(
            f'{count} files and folders under "{data_dir}" have group or world access, for instance '
            f"{', '.join(loose)}; orbitdb makes files 0600 and folders 0700, as PostgreSQL does: "
            f'chmod -R go-rwx "{data_dir}"'
        )
    return warnings
