"""pandas DataFrame.to_sql and read_sql over the wire (SQLAlchemy 2 + psycopg2, pandas' defaults:
SQLAlchemy sends psycopg2's multi-row INSERT ... VALUES pages of 1000 rows) against `orbitdb serve`
and PostgreSQL 15 in one run, and the embedded dialect (create_engine("orbitdb:///dir")) beside them.

    python benchmarks/bench_pandas.py [--rows 100000] [--repeat 1]
    python benchmarks/bench_pandas.py --profile [--rows 20000] [--top 30]

--profile runs no comparison: orbitdb's server runs in this process with its connection threads under
cProfile while one to_sql runs, and the server's top functions are printed. The machine's cores are
shared by client and server, so the figures compare within one run only."""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench_wire import REPO, OrbitServer, PgServer, Server

sys.path.insert(0, str(REPO))


def frame(rows: int) -> Any:
    import pandas

    return pandas.DataFrame({
        "id": range(rows),
        "name": [f"customer {i}" for i in range(rows)],
        "amount": [i * 0.25 for i in range(rows)],
        "seen": pandas.date_range("2024-01-01", periods=rows, freq="min"),
        "active": [i % 2 == 0 for i in range(rows)],
    })


def url_of(server: Server) -> str:
    fields = dict(part.split("=", 1) for part in server.dsn.split())
    return f"postgresql+psycopg2://{fields['user']}@{fields['host']}:{fields['port']}/{fields['dbname']}"


def timed_round_trip(url: str, data: Any) -> tuple[float, float]:
    """Seconds of to_sql (a new table) and of read_sql of all of it back, checked equal."""
    import pandas
    from sqlalchemy import create_engine

    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            connection.exec_driver_sql("DROP TABLE IF EXISTS bench_frame")
        start = time.perf_counter()
        data.to_sql("bench_frame", engine, index=False)
        wrote = time.perf_counter() - start
        start = time.perf_counter()
        back = pandas.read_sql("SELECT * FROM bench_frame ORDER BY id", engine)
        read = time.perf_counter() - start
        pandas.testing.assert_frame_equal(back, data)
        return wrote, read
    finally:
        engine.dispose()


def compare(rows: int, repeat: int) -> None:
    from sqlalchemy.dialects import registry

    registry.register("orbitdb", "orbitdb.sqlalchemy_dialect", "OrbitdbDialect")
    data = frame(rows)
    results: dict[str, tuple[float, float]] = {}
    servers: list[Server] = [OrbitServer()]
    reason = PgServer.unavailable()
    if reason is None:
        servers.append(PgServer())
    else:
        print(f"PostgreSQL 15 skipped: {reason}", file=sys.stderr)
    for server in servers:
        server.start()
        try:
            runs = [timed_round_trip(url_of(server), data) for _ in range(repeat)]
            results[f"{server.name} (wire)"] = min(runs)
        finally:
            server.stop()
    where = Path(tempfile.mkdtemp(prefix="orbitdb-bench-pandas-"))
    try:
        runs = [timed_round_trip(f"orbitdb:///{where / f'db{i}'}", data) for i in range(repeat)]
        results["orbitdb (embedded)"] = min(runs)
    finally:
        shutil.rmtree(where, ignore_errors=True)
    print(f"pandas {rows:,} rows, best of {repeat}: seconds")
    print(f"{'target':<22}{'to_sql':>10}{'read_sql':>10}")
    for name, (wrote, read) in results.items():
        print(f"{name:<22}{wrote:>10.2f}{read:>10.2f}")


def profile(rows: int, top: int) -> None:
    import pstats

    from profiling_server import start_profiling_server

    from orbitdb.sql.session.database import Database

    tmp = Path(tempfile.mkdtemp(prefix="orbitdb-bench-pandas-profile-"))
    database = Database.open(str(tmp / "data"))
    server = start_profiling_server(database)
    try:
        server.active = True
        wrote, _ = timed_round_trip(f"postgresql+psycopg2://bench@127.0.0.1:{server.port}/postgres", frame(rows))
        print(f"to_sql of {rows:,} rows under cProfile: {wrote:.2f} s", file=sys.stderr)
        time.sleep(0.5)  # the connection threads end
        stats = pstats.Stats(*server.profiles, stream=sys.stdout)
        stats.sort_stats("tottime").print_stats(top)
        stats.sort_stats("cumulative").print_stats(top)
    finally:
        server.request_stop()
        server.close()
        database.close()
        shutil.rmtree(tmp, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=1, help="runs per target, the best is kept")
    parser.add_argument("--profile", action="store_true", help="cProfile orbitdb's server instead")
    parser.add_argument("--top", type=int, default=30)
    args = parser.parse_args(argv)
    if args.profile:
        profile(args.rows, args.top)
    else:
        compare(args.rows, args.repeat)
    return 0


if __name__ == "__main__":
    sys.exit(main())
