"""`orbitdb serve` under an address-space cap, so that a hostile case that makes it grow ends in
MemoryError inside the server instead of exhausting the machine the tests run on. The engine's
own buffers are set small, so that what the settings allow is small next to the bounds the
tests assert."""

from __future__ import annotations

import resource
from collections.abc import Callable
from pathlib import Path

import psutil
from wire_client import Client, Closed, Hang
from wire_support import ServerProcess

MiB = 1 << 20
GiB = 1 << 30
MEMORY_CAP = 3 * GiB  # RLIMIT_AS of the server process
ENGINE_SETTINGS = f"""
[persistence.rocksdb]
write_buffer_size = {16 * MiB}
block_cache_size = {16 * MiB}
"""


def _cap_memory(limit: int) -> Callable[[], None]:
    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    return apply


def start_capped(
    data_dir: Path,
    extra_args: list[str] | None = None,
    env: dict[str, str] | None = None,
    config: str = "",
    limit: int = MEMORY_CAP,
) -> ServerProcess:
    """A ready server on data_dir; `config` is TOML added to the configuration file."""
    config_file = data_dir.parent / f"{data_dir.name}.toml"
    config_file.write_text(ENGINE_SETTINGS + config)
    args = ["--config", str(config_file), *(extra_args or [])]
    server = ServerProcess(data_dir, args, env, preexec_fn=_cap_memory(limit))
    return server.wait_ready()


def stop_hard(server: ServerProcess) -> None:
    """Ends a server without waiting for it: a server a hostile case left stuck would not stop on
    SIGTERM (the shutdown itself is tested where the test says so)."""
    server.kill()


class SharedServer:
    """One capped server for a module of cheap cases, replaced by a fresh one whenever a case
    left it dead, unresponsive or bloated (so that a failing case cannot fail the next)."""

    def __init__(self, root: Path, bloat: int = 128 * MiB) -> None:
        self.root = root
        self.bloat = bloat
        self.server: ServerProcess | None = None
        self.started_rss = 0
        self.starts = 0

    def healthy(self) -> ServerProcess:
        if self.server is None or not self._fine(self.server):
            if self.server is not None:
                stop_hard(self.server)
            self.starts += 1
            self.server = start_capped(self.root / f"data{self.starts}")
            self.started_rss = psutil.Process(self.server.proc.pid).memory_info().rss
        return self.server

    def _fine(self, server: ServerProcess) -> bool:
        if server.proc.poll() is not None:
            return False
        if psutil.Process(server.proc.pid).memory_info().rss > self.started_rss + self.bloat:
            return False
        try:
            client = Client(server.host, server.port, deadline=2)
            answered = client.run("SELECT 1", deadline=2).first_rows == [("1",)]
            client.close()
        except (Hang, Closed, OSError):
            return False
        return answered

    def close(self) -> None:
        if self.server is not None:
            stop_hard(self.server)
