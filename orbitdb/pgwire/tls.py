"""The TLS context of the server (ssl stdlib): TLS 1.2 or newer, the configured certificate, and
its private key checked as PostgreSQL checks it before it is used."""

from __future__ import annotations

import os
import socket
import ssl
import stat
from typing import Any


class KeyFileError(ValueError):
    """The private key file may not be used (PostgreSQL refuses to start with it)."""


def check_key_file(path: str) -> None:
    """PostgreSQL's rules: a regular file, owned by the server's user or root, with no group or
    world access (or group read only, when root owns it)."""
    info = os.stat(path)
    if not stat.S_ISREG(info.st_mode):
        raise KeyFileError(f'private key file "{path}" is not a regular file')
    if info.st_uid not in (os.geteuid(), 0):
        raise KeyFileError(f'private key file "{path}" must be owned by the database user or root')
    mine = info.st_uid == os.geteuid()
    if (mine and info.st_mode & (stat.S_IRWXG | stat.S_IRWXO)) or (
        not mine and info.st_mode & (stat.S_IWGRP | stat.S_IXGRP | stat.S_IRWXO)
    ):
        raise KeyFileError(
            f'private key file "{path}" has group or world access; it must have permissions u=rw (0600) '
            "or less if owned by the server's user, or u=rw,g=r (0640) or less if owned by root "
            f'(chmod 600 "{path}")'
        )


def server_context(cert_path: str, key_path: str) -> ssl.SSLContext:
    """Raises OSError/ssl.SSLError when the files cannot be read or do not match, KeyFileError
    when the key is readable by others."""
    check_key_file(key_path)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(cert_path, key_path)
    return context


def tls_info(sock: socket.socket) -> dict[str, Any] | None:
    """What pg_stat_ssl and the connection log show of a TLS connection (None: not TLS)."""
    if not isinstance(sock, ssl.SSLSocket):
        return None
    cipher = sock.cipher()
    return {
        "version": sock.version(),
        "cipher": cipher[0] if cipher else None,
        "bits": cipher[2] if cipher else None,
    }
