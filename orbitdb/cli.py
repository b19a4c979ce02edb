"""The `orbitdb` command.

    orbitdb serve [--port 15432] [--host 127.0.0.1] [--data-dir ./orbit_integrated_data]
                  [--config FILE] [--log-level info] [--log-format text|json]
                  [--allow-trust-on-network]
    orbitdb upgrade [--data-dir ./orbit_integrated_data]
    orbitdb shell PATH [-c COMMAND] [-d DBNAME]   (also: orbitdb sql PATH ...)
    orbitdb check [--data-dir D] [--deep]
    orbitdb stats [--data-dir D | --host H --port P] [--json]
    orbitdb backup --out FILE [--data-dir D] [--config FILE] [--incremental-from PREV]
    orbitdb restore FILE --data-dir D [--force] [--base FILE]
    orbitdb clone SRC DST

Flags override the config file. Exit codes: 0 after an orderly stop (SIGTERM / SIGINT),
2 for a bad command line or configuration (reported before anything is opened), 1 when the
server cannot start (port in use, data directory locked or unreadable).

`upgrade` converts every database of a server's data directory (or one database directory, as
`orbitdb.connect` opens) to the current storage format; exit code 1 when one cannot be.
"""

from __future__ import annotations

import argparse
import fcntl
import ipaddress
import logging
import os
import signal
import socket
import sys
from collections.abc import Sequence
from typing import Any

from orbitdb.config import (
    DEFAULT_DATA_DIR,
    DEFAULT_HOST,
    DEFAULT_PORT,
    LOG_FORMATS,
    LOG_LEVELS,
    Config,
    ConfigError,
    check_log_level,
    load_config,
)
from orbitdb.storage.upgrade import upgrade

log = logging.getLogger("orbitdb")

SQL_SUBDIR = "postgresql"  # the default database `actors` lives in <data_dir>/postgresql (docs/databases.md)
EXIT_OK, EXIT_FAILURE, EXIT_USAGE = 0, 1, 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="orbitdb", description="orbitdb: an embedded, persistent SQL database."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    serve = commands.add_parser(
        "serve",
        help="serve the PostgreSQL wire protocol (psql, psycopg, ...)",
        description="Serve a data directory over the PostgreSQL protocol. Flags override the config file.",
    )
    serve.add_argument("--port", type=int, help=f"TCP port (default {DEFAULT_PORT})")
    serve.add_argument("--host", help=f"listen address (default {DEFAULT_HOST})")
    serve.add_argument("--data-dir", help=f"data directory (default {DEFAULT_DATA_DIR})")
    serve.add_argument("--config", metavar="FILE", help="TOML configuration file (see docs/configuration.md)")
    serve.add_argument(
        "--log-level",
        choices=LOG_LEVELS,
        type=str.lower,
        help="debug (every statement), info (start-up, connections, DDL, errors; default), warning, error, critical",
    )
    serve.add_argument("--log-format", choices=LOG_FORMATS, type=str.lower, help="text (default) or json lines")
    serve.add_argument(
        "--allow-trust-on-network",
        action="store_true",
        default=None,
        help="start with trust authentication (no passwords) on a listen address other than loopback",
    )
    upgrade = commands.add_parser(
        "upgrade",
        help="convert databases written by an older orbitdb to the current storage format",
        description="Convert every database of a server data directory, or one database directory, to the "
        "current storage format (run it with no server using the directory).",
    )
    upgrade.add_argument("--data-dir", help=f"data directory or database directory (default {DEFAULT_DATA_DIR})")
    shell = commands.add_parser(
        "shell",
        help="an interactive SQL shell on an embedded database (psql's basic backslash commands)",
        description="Open the database in PATH (as orbitdb.connect does) and read SQL statements, each ending in "
        "';', from the terminal or standard input; \\? lists the backslash commands.",
    )
    shell.add_argument("path", metavar="PATH", help="database directory (made if needed), or a server's data directory")
    shell.add_argument("-c", "--command", dest="command_text", help="run one command (SQL or a backslash command) and exit")
    shell.add_argument("-d", "--dbname", help="the database of a server's data directory (default actors)")
    _add_ops_commands(commands)
    from orbitdb.ops.commands import add_commands  # backup, restore, clone (orbitdb/ops)

    add_commands(commands)
    return parser


def _add_ops_commands(commands: Any) -> None:
    """Operations commands (orbitdb/ops; docs/operations.md)."""
    check = commands.add_parser(
        "check",
        help="check a data directory's files, catalog and (--deep) indexes, read-only",
        description="Verify every database of a data directory without writing to it: table files (checksums, "
        "footer, index and filter blocks), the manifest, the WAL, the SQL catalog; with --deep every secondary "
        "index against its table. Exit code 0 when clean, 1 when damage was found, 2 for a bad command line.",
    )
    check.add_argument("--data-dir", help=f"data directory or database directory (default {DEFAULT_DATA_DIR})")
    check.add_argument("--deep", action="store_true", help="also check every secondary index against its table")
    stats = commands.add_parser(
        "stats",
        help="engine and SQL statistics of a data directory or a running server, as text or JSON",
        description="Levels, files, bytes, cache, write amplification, stalls and compaction backlog of the "
        "engine, rows and bytes of each table. With --host/--port a running server reports its live counters "
        "(SELECT orbitdb_engine_stats(), orbitdb_table_stats()); with --data-dir the files are read, read-only.",
    )
    stats.add_argument("--data-dir", help=f"data directory or database directory (default {DEFAULT_DATA_DIR})")
    stats.add_argument("--host", help="ask the server listening here")
    stats.add_argument("--port", type=int, help=f"the server's port (default {DEFAULT_PORT})")
    stats.add_argument("-U", "--user", default="orbit", help="user to connect as (default orbit)")
    stats.add_argument("-d", "--dbname", action="append", default=[], help="only this database (repeatable)")
    stats.add_argument("--json", action="store_true", help="JSON instead of text")
    sql = commands.add_parser(
        "sql",
        help="the interactive SQL shell on an embedded database (the same as `orbitdb shell`)",
        description="Open the database in PATH (as orbitdb.connect does) and read SQL statements, each ending in "
        "';', from the terminal or standard input; \\? lists the backslash commands. The same as `orbitdb shell`.",
    )
    sql.add_argument("path", metavar="PATH", help="database directory (made if needed), or a server's data directory")
    sql.add_argument("-c", "--command", dest="command_text", help="run one command (SQL or a backslash command) and exit")
    sql.add_argument("-d", "--dbname", help="the database of a server's data directory (default actors)")


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "upgrade":
        return upgrade_databases(args.data_dir or DEFAULT_DATA_DIR)
    if args.command == "check":
        from orbitdb.ops.check import run_check

        return run_check(args.data_dir or DEFAULT_DATA_DIR, args.deep)
    if args.command == "sql":
        from orbitdb.shell import run as run_shell

        return run_shell(args.path, args.command_text, database=args.dbname)
    if args.command == "stats":
        from orbitdb.ops.stats import run_stats

        if args.data_dir is not None and (args.host is not None or args.port is not None):
            print("orbitdb stats: give --data-dir or --host/--port, not both", file=sys.stderr)
            return EXIT_USAGE
        return run_stats(args.data_dir or DEFAULT_DATA_DIR, args.host, args.port, args.user, args.dbname,
                         args.json)
    if args.command == "shell":
        from orbitdb.shell import run

        return run(args.path, args.command_text, database=args.dbname)
    if args.command in ("backup", "restore", "clone"):
        from orbitdb.ops.commands import run as run_ops

        return run_ops(args)
    return serve(args)


def upgrade_databases(data_dir: str) -> int:
    """`orbitdb upgrade`: each database directory of data_dir converted, a line for each."""
    from orbitdb.sql.cluster.cluster import LOCK_FILE
    from orbitdb.sql.cluster.registry import REGISTRY_FILE, Registry

    if not os.path.isdir(data_dir):
        print(f"orbitdb: no directory {data_dir}", file=sys.stderr)
        return EXIT_FAILURE
    lock_fd = None
    if os.path.exists(os.path.join(data_dir, REGISTRY_FILE)):  # a server's data dir: each of its databases
        lock_fd = os.open(os.path.join(data_dir, LOCK_FILE), os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(lock_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(lock_fd)
            print(f"orbitdb: data directory {data_dir} is in use by a running server: stop it first",
                  file=sys.stderr)
            return EXIT_FAILURE
        registry = Registry.load(data_dir)
        assert registry is not None
        targets = sorted({os.path.join(data_dir, e.directory) for e in registry.entries if e.directory is not None})
    elif os.path.isdir(os.path.join(data_dir, SQL_SUBDIR)):
        targets = [os.path.join(data_dir, SQL_SUBDIR)]
    else:
        targets = [data_dir]
    failed = 0
    try:
        for path in targets:
            try:
                result = upgrade(path)
            except Exception as exc:  # noqa: BLE001 - not a database, damaged, in use: say which, go on
                print(f"orbitdb: {path}: not converted: {exc}", file=sys.stderr)
                failed += 1
                continue
            if result.engine_format_recorded:
                was = "none" if result.engine_format_from < 0 else result.engine_format_from
                print(f"{path}: engine format {result.engine_format} recorded (was {was}; the files were "
                      "already in its layout)")
            if result.already_current:
                print(f"{path}: already in the current storage format")
            else:
                print(f"{path}: {result.rows_converted:,} rows converted to the current storage format")
    finally:
        if lock_fd is not None:
            os.close(lock_fd)
    return EXIT_FAILURE if failed else EXIT_OK


def _settings(args: argparse.Namespace) -> tuple[Config, str]:
    """The configuration with flags applied, and the log level; ConfigError when unusable."""
    config = load_config(args.config) if args.config else Config()
    if args.port is not None:
        if not 0 <= args.port <= 65535:
            raise ConfigError(f"--port must be between 0 and 65535, not {args.port}")
        config.port = args.port
    if args.host is not None:
        config.host = args.host
    if args.data_dir is not None:
        if not args.data_dir:
            raise ConfigError("--data-dir must not be empty")
        config.data_dir = args.data_dir
    if args.log_level:
        level = args.log_level
    elif os.environ.get("ORBITDB_LOG"):
        level = check_log_level(os.environ["ORBITDB_LOG"], "ORBITDB_LOG")
    else:
        level = config.log_level or "info"
    if args.log_format:
        config.log_format = args.log_format
    if args.allow_trust_on_network:
        config.allow_trust_on_network = True
    if not config.postgres_enabled:
        raise ConfigError("[protocols].postgres_enabled = false leaves `orbitdb serve` nothing to serve")
    _check_trust_exposure(config)
    return config, level


def _listen_addresses(host: str) -> list[str]:
    """The addresses a listen address stands for (as Server.bind resolves it); [] if unknown."""
    if host in ("", "*"):
        return ["0.0.0.0", "::"]
    try:
        infos = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror:
        return []  # binding reports it
    return [str(info[4][0]) for info in infos]


def _check_trust_exposure(config: Config) -> None:
    """trust lets anyone who reaches the port in without a password: only on loopback unless the
    operator says otherwise."""
    if config.auth_method != "trust" or config.allow_trust_on_network:
        return
    exposed = [a for a in _listen_addresses(config.host) if not ipaddress.ip_address(a.split("%")[0]).is_loopback]
    if exposed:
        raise ConfigError(
            f'[auth] method = "trust" on listen address {config.host!r} ({", ".join(sorted(set(exposed)))}) would '
            "let anyone who can reach the port connect as any user without a password. Use "
            '[auth] method = "scram-sha-256" with [auth.users], listen on 127.0.0.1, or, behind a firewall you '
            "trust, set [auth] allow_trust_on_network = true (or --allow-trust-on-network)"
        )


def serve(args: argparse.Namespace) -> int:
    from orbitdb.log_format import setup_logging
    from orbitdb.pgwire import AuthSettings, BindError, Server, server_context
    from orbitdb.pgwire.connection_log import LogSettings
    from orbitdb.pgwire.transport_policy import TransportPolicy, parse_networks
    from orbitdb.sql.spill.process import MemoryBudget, map_large_allocations

    try:
        config, level = _settings(args)
        tls_context = (
            server_context(config.cert_path or "", config.key_path or "") if config.enable_tls else None
        )
        auth = AuthSettings.from_passwords(config.auth_method, config.users)
        transport = TransportPolicy(config.require_tls, parse_networks(config.allow_plain_from, "allow_plain_from"))
        _check_metrics(config)
    except ConfigError as exc:
        print(f"orbitdb: configuration error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except (OSError, ValueError) as exc:  # certificate/key unreadable or not private, malformed verifier
        print(f"orbitdb: configuration error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    setup_logging(level, config.log_format)
    map_large_allocations()

    server = Server(
        None,
        host=config.host,
        port=config.port,
        auth=auth,
        tls_context=tls_context,
        max_connections=config.max_connections,
        transport=transport,
        log_settings=LogSettings(
            config.log_connections, config.log_disconnections, config.log_min_duration_statement
        ),
    )
    try:
        addresses = server.bind()
    except BindError as exc:
        log.error("%s", exc)
        return EXIT_FAILURE
    sql_dir = os.path.join(config.data_dir, SQL_SUBDIR)
    try:
        cluster = _open_cluster(config.data_dir, config.engine)
    except Exception as exc:  # noqa: BLE001 - locked, unreadable, corrupt: say so and stop
        log.error("cannot open the database at %s: %s", sql_dir, exc)
        server.close()
        return EXIT_FAILURE
    server.side.database = cluster
    cluster.configured_roles = set(config.users)  # roles ALTER USER may give a password
    cluster.memory_budget = MemoryBudget(config.max_memory)
    cluster.server_settings.update(max_connections=str(config.max_connections), port=str(server.port))
    cluster.terminate_backend = server.terminate_backend  # DROP DATABASE ... WITH (FORCE)
    metrics = _start_metrics(config, server, cluster)
    if metrics is False:
        server.close()
        cluster.close()
        return EXIT_FAILURE
    log.info("PostgreSQL using persistent LSM storage at: %s", sql_dir)
    log.info(
        "storage engine: orbitdb LSM tree (provider %r), TLS %s, auth %s",
        config.provider,
        ("required" if config.require_tls else "on") if tls_context else "off",
        config.auth_method,
    )
    for host, port in addresses:
        log.info("listening on %s:%d", host, port)

    _install_signal_handlers(server)
    try:
        server.serve_forever()
    finally:
        if metrics is not None:
            metrics.close()
        log.info("shutting down: ending connections (open transactions roll back)")
        clean = server.close()
        if clean:
            cluster.close()
            log.info("database closed; bye")
        else:
            log.error(
                "connections did not end; the database was not closed (its write-ahead log has every commit)"
            )
    return EXIT_OK if clean else EXIT_FAILURE


def _check_metrics(config: Config) -> None:
    """[metrics] needs prometheus-client (the `metrics` extra): said before anything is opened."""
    from orbitdb.ops.metrics import INSTALL_HINT, prometheus_available

    if config.metrics_port is not None and not prometheus_available():
        raise ConfigError(f"[metrics] needs the prometheus-client package, which is not installed: {INSTALL_HINT}")


def _start_metrics(config: Config, server: Any, cluster: Any) -> Any:
    """The metrics endpoint of [metrics] (None: not configured; False: it could not start, logged)."""
    if config.metrics_port is None:
        return None
    from orbitdb.ops.metrics import MetricsServer

    try:
        metrics = MetricsServer(server, cluster, config.metrics_host, config.metrics_port)
    except OSError as exc:
        log.error("could not serve metrics on %s:%d: %s", config.metrics_host, config.metrics_port,
                  exc.strerror or exc)
        return False
    log.info("metrics on http://%s:%d/metrics", config.metrics_host, metrics.port)
    return metrics


def _open_cluster(data_dir: str, engine_knobs: dict[str, Any]) -> Any:
    """The data dir's databases (see orbitdb/sql/cluster/cluster.py), the default one opened now so that
    a locked or damaged one stops the server here."""
    from orbitdb.sql.cluster.cluster import Cluster
    from orbitdb.sql.cluster.registry import DEFAULT_DATABASE

    cluster = Cluster.open(data_dir, engine_knobs)
    try:
        cluster.open_database(DEFAULT_DATABASE)
    except BaseException:
        cluster.close()
        raise
    return cluster


def _install_signal_handlers(server: Any) -> None:
    def stop(_signum: int, _frame: Any) -> None:
        server.request_stop()  # only this: a handler must not take locks (logging does)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
