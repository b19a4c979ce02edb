"""orbitdb's wire server run inside a benchmark's process with each connection's thread under its
own cProfile (while `active`), for the benchmarks' --profile options."""

from __future__ import annotations

import cProfile
import threading
from typing import Any, ClassVar

from orbitdb.pgwire import AuthSettings
from orbitdb.pgwire import Server as WireServer


class ProfilingServer(WireServer):
    profiles: ClassVar[list[cProfile.Profile]] = []
    active = False

    def _run(self, conn: Any) -> None:  # the per-connection thread's body
        if not self.active:
            super()._run(conn)
            return
        prof = cProfile.Profile()
        self.profiles.append(prof)
        prof.enable()
        try:
            super()._run(conn)
        finally:
            prof.disable()


def start_profiling_server(databases: Any) -> ProfilingServer:
    """A trust-auth server on a free loopback port, serving on a daemon thread."""
    server = ProfilingServer(databases, host="127.0.0.1", port=0, auth=AuthSettings.from_passwords("trust", {}))
    server.bind()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server
