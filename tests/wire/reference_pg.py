"""A throwaway PostgreSQL 15 server to compare orbitdb's behaviour with (started with the installed
binaries; as root, run as the `postgres` user). None when it cannot be started."""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager

from wire_support import BINDIR, free_port


def _as_postgres(cmd: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return cmd
    runuser = shutil.which("runuser")
    return [runuser, "-u", "postgres", "--", *cmd] if runuser else cmd


@contextmanager
def reference_postgres(
    hba: str | None = None, options: str = "", files: dict[str, bytes] | None = None
) -> Iterator[str | None]:
    """Yields a DSN of a fresh PostgreSQL 15, or None when that is not possible here.

    hba: the pg_hba.conf to use (after lines letting postgres in without a password); options: more
    server options, where {dir} stands for the server's work folder; files: written there, 0600
    and owned by the server's user (a TLS certificate and key)."""
    if BINDIR is None or not os.path.exists(os.path.join(BINDIR, "initdb")):
        yield None
        return
    if os.geteuid() == 0:
        try:
            pg_user = pwd.getpwnam("postgres")
        except KeyError:
            yield None
            return
    workdir = tempfile.mkdtemp(prefix="orbitdb-refpg-")
    os.chmod(workdir, 0o755)
    if os.geteuid() == 0:
        os.chown(workdir, pg_user.pw_uid, pg_user.pw_gid)
    data = os.path.join(workdir, "data")
    port = free_port()
    started = False
    try:
        init = subprocess.run(
            _as_postgres(
                [
                    os.path.join(BINDIR, "initdb"),
                    "-D",
                    data,
                    "-U",
                    "postgres",
                    "--auth=trust",
                    "-E",
                    "UTF8",
                    "--locale=C",
                    "--no-sync",
                ]
            ),
            check=False,
            capture_output=True,
            text=True,
            timeout=120,
        )
        if init.returncode != 0:
            yield None
            return
        for name, content in (files or {}).items():
            _write_private(os.path.join(workdir, name), content)
        if hba is not None:
            first = "local all postgres trust\nhost all postgres 127.0.0.1/32 trust\n"
            _write_private(os.path.join(data, "pg_hba.conf"), (first + hba).encode())
        options = (
            f"-p {port} -k {workdir} -c listen_addresses=127.0.0.1 -c fsync=off -c TimeZone=UTC "
            + options.replace("{dir}", workdir)
        )
        start = subprocess.run(
            _as_postgres(
                [
                    os.path.join(BINDIR, "pg_ctl"),
                    "-D",
                    data,
                    "-o",
                    options,
                    "-w",
                    "-l",
                    os.path.join(workdir, "log"),
                    "start",
                ]
            ),
            check=False,
            capture_output=True,
            text=True,
            timeout=120,
        )
        if start.returncode != 0:
            yield None
            return
        started = True
        yield f"host=127.0.0.1 port={port} user=postgres dbname=postgres"
    finally:
        if started:
            subprocess.run(
                _as_postgres([os.path.join(BINDIR, "pg_ctl"), "-D", data, "-m", "immediate", "stop"]),
                check=False,
                capture_output=True,
                timeout=60,
            )
        shutil.rmtree(workdir, ignore_errors=True)


def _write_private(path: str, content: bytes) -> None:
    with open(path, "wb") as f:
        f.write(content)
    os.chmod(path, 0o600)
    if os.geteuid() == 0:
        pg_user = pwd.getpwnam("postgres")
        os.chown(path, pg_user.pw_uid, pg_user.pw_gid)
