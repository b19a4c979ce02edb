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
def reference_postgres() -> Iterator[str | None]:
    """Yields a DSN of a fresh PostgreSQL 15, or None when that is not possible here."""
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
        options = f"-p {port} -k {workdir} -c listen_addresses=127.0.0.1 -c fsync=off -c TimeZone=UTC"
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
