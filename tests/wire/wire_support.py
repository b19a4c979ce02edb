"""Helpers of the wire-protocol tests: a real `orbitdb serve` process on a free port with a
temporary data directory, PostgreSQL's client binaries on PATH, and what the tests share.
The server always runs the real SQL layer (orbitdb.sql): the protocol is tested as clients use it.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

import orbitdb

_LISTENING = re.compile(r"listening on \S+:(\d+)")
PG_BINDIR = "/usr/lib/postgresql/15/bin"


try:  # psycopg 3 is optional (the test extras have psycopg2); its tests skip without it
    import psycopg
except ImportError:  # pragma: no cover - depends on the environment
    psycopg = None  # type: ignore[assignment]
needs_psycopg3 = pytest.mark.skipif(psycopg is None, reason="psycopg 3 is not installed")


def _pg_bindir() -> str | None:
    try:
        out = subprocess.run(
            ["pg_config", "--bindir"], capture_output=True, text=True, check=True
        ).stdout.strip()
        if os.path.exists(os.path.join(out, "psql")):
            return out
    except (OSError, subprocess.CalledProcessError):
        pass
    return PG_BINDIR if os.path.exists(os.path.join(PG_BINDIR, "psql")) else None


BINDIR = _pg_bindir()
if BINDIR and BINDIR not in os.environ.get("PATH", "").split(os.pathsep):
    os.environ["PATH"] = BINDIR + os.pathsep + os.environ.get("PATH", "")


class ServerProcess:
    """`orbitdb serve` as a child process."""

    def __init__(
        self,
        data_dir: Path | None,
        extra_args: list[str] | None = None,
        env: dict[str, str] | None = None,
        cwd: Path | None = None,
        preexec_fn: Callable[[], None] | None = None,
    ):
        """data_dir None: no --host/--data-dir/--port flags at all (the defaults, run in cwd).
        preexec_fn runs in the child before the server starts (tests/hostile sets a memory cap)."""
        self.data_dir = data_dir
        self.host = "127.0.0.1"
        self.port = 0
        self.lines: list[str] = []
        self._listening = threading.Event()
        package_root = os.path.dirname(os.path.dirname(orbitdb.__file__))
        child_env = dict(os.environ)
        child_env["PYTHONPATH"] = package_root + os.pathsep + child_env.get("PYTHONPATH", "")
        child_env.pop("ORBITDB_LOG", None)
        child_env.update(env or {})
        args = [sys.executable, "-m", "orbitdb", "serve"]
        extra = list(extra_args or [])
        if data_dir is not None:
            args += ["--host", self.host, "--data-dir", str(data_dir)]
            if "--port" not in extra:
                extra += ["--port", "0"]
        self.proc = subprocess.Popen(
            args + extra, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=child_env, cwd=cwd,
            preexec_fn=preexec_fn,  # noqa: PLW1509 - callers pass only setrlimit, which takes no locks
        )
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.append(line.rstrip("\n"))
            found = _LISTENING.search(line)
            if found and not self._listening.is_set():
                self.port = int(found.group(1))  # a text or a JSON log line
                self._listening.set()

    def wait_ready(self, timeout: float = 30.0) -> ServerProcess:
        deadline = time.monotonic() + timeout
        while not self._listening.wait(0.05):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("server did not start:\n" + self.log())
        return self

    def log(self) -> str:
        time.sleep(0.05)
        return "\n".join(self.lines)

    @property
    def dsn(self) -> str:
        return f"host={self.host} port={self.port} user=orbit dbname=actors"

    def psql(
        self,
        *args: str,
        input: str | None = None,
        check: bool = True,
        user: str = "orbit",
        env: dict[str, str] | None = None,
        timeout: float = 60,
    ) -> subprocess.CompletedProcess[str]:
        cmd = ["psql", "-X", "-h", self.host, "-p", str(self.port), "-U", user, "-d", "actors", *args]
        full_env = dict(os.environ, PGCONNECT_TIMEOUT="10", **(env or {}))
        result = subprocess.run(
            cmd, check=False, input=input, capture_output=True, text=True, env=full_env, timeout=timeout
        )
        if check and result.returncode != 0:
            raise AssertionError(
                f"psql {args} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}"
            )
        return result

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 30.0) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise AssertionError("server did not stop after signal:\n" + self.log()) from None

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


class ExternalServer(ServerProcess):
    """A server this suite did not start (ORBITDB_WIRE_REFERENCE=host:port, e.g. a PostgreSQL 15
    with a role orbit and a database actors): checks that the tests expect what PostgreSQL does."""

    def __init__(self, address: str) -> None:
        self.host, _, port = address.rpartition(":")
        self.port = int(port)
        self.lines = []
        self.proc = None  # type: ignore[assignment]

    def log(self) -> str:
        return ""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def rss_bytes(pid: int) -> int:
    import psutil

    return psutil.Process(pid).memory_info().rss
