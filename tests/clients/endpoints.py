"""The servers a client suite runs against: a fresh `orbitdb serve` (a child process on a new data
directory) and, as the reference, a fresh PostgreSQL 15. Both as an Endpoint the suites turn into
their own settings."""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "wire"))

from reference_pg import reference_postgres
from wire_support import BINDIR, ServerProcess

ORBITDB, POSTGRES = "orbitdb", "postgres"


@dataclass(frozen=True)
class Endpoint:
    kind: str
    host: str
    port: int
    user: str
    dbname: str
    password: str = ""

    @property
    def dsn(self) -> str:
        secret = f" password={self.password}" if self.password else ""
        return f"host={self.host} port={self.port} user={self.user} dbname={self.dbname}{secret}"

    def url(self, scheme: str = "postgresql") -> str:
        secret = f":{self.password}" if self.password else ""
        return f"{scheme}://{self.user}{secret}@{self.host}:{self.port}/{self.dbname}"

    def libpq_environment(self) -> dict[str, str]:
        env = {"PGHOST": self.host, "PGPORT": str(self.port), "PGUSER": self.user, "PGDATABASE": self.dbname}
        if self.password:
            env["PGPASSWORD"] = self.password
        return env


@contextmanager
def orbitdb_endpoint(log_path: Path | None = None) -> Iterator[Endpoint]:
    with tempfile.TemporaryDirectory(prefix="orbitdb-suite-") as data_dir:
        server = ServerProcess(Path(data_dir)).wait_ready()
        try:
            yield Endpoint(ORBITDB, server.host, server.port, "orbit", "actors")
        finally:
            try:
                server.stop()
            finally:
                if log_path is not None:
                    log_path.write_text(server.log() + "\n")


@contextmanager
def postgres_endpoint() -> Iterator[Endpoint]:
    with reference_postgres() as dsn:
        if dsn is None:
            raise RuntimeError(f"cannot start a PostgreSQL 15 from {BINDIR}")
        fields = dict(part.split("=", 1) for part in dsn.split())
        yield Endpoint(POSTGRES, fields["host"], int(fields["port"]), fields["user"], fields["dbname"])


@contextmanager
def endpoint(kind: str, log_path: Path | None = None) -> Iterator[Endpoint]:
    if kind == ORBITDB:
        with orbitdb_endpoint(log_path) as found:
            yield found
    else:
        with postgres_endpoint() as found:
            yield found
