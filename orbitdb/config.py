"""The server's TOML configuration (the sections of the migration guide's orbit-server.toml).

    [persistence]            provider = "rocksdb", data_dir = "./orbit_integrated_data",
                             history_retention_seconds (time travel's window; 0: off),
                             wal_archive_dir (keep retired WAL for point-in-time recovery)
    [persistence.rocksdb]    engine knobs (orbitdb.engine.KNOBS)
    [security]               enable_tls, cert_path, key_path, require_tls, allow_plain_from
    [protocols]              postgres_enabled, postgres_bind_address, postgres_port, postgres_max_connections
    [auth]                   method = "trust" | "md5" | "scram-sha-256", allow_trust_on_network;
                             [auth.users] name = "password"
    [logging]                level, format, log_connections, log_disconnections, log_min_duration_statement
    [server]                 max_memory ("2GB": beyond it new statements and connections get 53200)
    [metrics]                port (Prometheus text format at http://host:port/metrics), host (default 127.0.0.1)
    [firewall]               accepted when empty (the guide's example has one); orbitdb manages no firewall

load_config() checks everything before anything is opened: an unknown section or key, a value of
the wrong type or out of range raises ConfigError naming the file, the key and what is allowed.
docs/configuration.md documents every key.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

DEFAULT_DATA_DIR = "./orbit_integrated_data"
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 15432
PROVIDERS = ("rocksdb",)  # the LSM engine answers to RocksDB's name, for existing configs
AUTH_METHODS = ("trust", "md5", "scram-sha-256")
LOG_LEVELS = ("debug", "info", "warning", "error", "critical")
LOG_FORMATS = ("text", "json")
MAX_INT32 = 2_147_483_647


class ConfigError(Exception):
    """A configuration that cannot be used; the message says where and why."""


@dataclass
class Config:
    provider: str = "rocksdb"
    data_dir: str = DEFAULT_DATA_DIR
    engine: dict[str, Any] = field(default_factory=dict)  # [persistence.rocksdb], as written
    enable_tls: bool = False
    cert_path: str | None = None
    key_path: str | None = None
    require_tls: bool = False
    allow_plain_from: list[str] = field(default_factory=list)  # networks, when require_tls
    postgres_enabled: bool = True
    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    max_connections: int = 100
    auth_method: str = "trust"
    users: dict[str, str] = field(default_factory=dict)
    allow_trust_on_network: bool = False
    log_level: str | None = None  # None: not set in the file
    log_format: str = "text"
    log_connections: bool = True
    log_disconnections: bool = True
    log_min_duration_statement: int = -1  # milliseconds; -1: off
    max_memory: int | None = None  # bytes; None: no server-wide memory budget
    metrics_port: int | None = None  # [metrics] port; None: no metrics endpoint
    metrics_host: str = DEFAULT_HOST


def _engine_knobs() -> dict[str, tuple[type, Any]]:
    from orbitdb.engine import KNOBS  # the engine is the authority on its knobs

    return dict(KNOBS)


class _Reader:
    """Takes keys out of one table, checking types; what is left over is unknown."""

    def __init__(self, table: dict[str, Any], where: str) -> None:
        self.table = dict(table)
        self.where = where

    def _take(self, key: str, kinds: tuple[type, ...], what: str) -> Any:
        if key not in self.table:
            return None
        value = self.table.pop(key)
        if isinstance(value, bool) and bool not in kinds or not isinstance(value, kinds):
            raise ConfigError(f"{self.where}.{key} must be {what}, not {value!r}")
        return value

    def string(self, key: str) -> str | None:
        return self._take(key, (str,), "a string")

    def boolean(self, key: str) -> bool | None:
        return self._take(key, (bool,), "true or false")

    def integer(self, key: str, low: int, high: int) -> int | None:
        value = self._take(key, (int,), "an integer")
        if value is not None and not low <= value <= high:
            raise ConfigError(f"{self.where}.{key} must be between {low} and {high}, not {value}")
        return value

    def string_list(self, key: str) -> list[str] | None:
        value = self._take(key, (list,), "a list of strings")
        if value is not None and not all(isinstance(item, str) for item in value):
            raise ConfigError(f"{self.where}.{key} must be a list of strings, not {value!r}")
        return value

    def table_(self, key: str) -> dict[str, Any] | None:
        return self._take(key, (dict,), "a table")

    def finish(self) -> None:
        if self.table:
            unknown = ", ".join(sorted(self.table))
            raise ConfigError(f"unknown key(s) in {self.where}: {unknown}")


def parse_config(data: dict[str, Any], source: str = "config") -> Config:
    """A Config from a parsed TOML document; ConfigError on anything unknown or invalid."""
    config = Config()
    top = _Reader(data, source)
    _persistence(config, top.table_("persistence"), source)
    _security(config, top.table_("security"), source)
    _protocols(config, top.table_("protocols"), source)
    _auth(config, top.table_("auth"), source)
    _logging(config, top.table_("logging"), source)
    _server(config, top.table_("server"), source)
    _metrics(config, top.table_("metrics"), source)
    firewall = top.table_("firewall")
    if firewall:
        raise ConfigError(
            f"unknown key(s) in {source}: [firewall]: {', '.join(sorted(firewall))} "
            "(orbitdb does not manage firewalls; the section may only be empty)"
        )
    if top.table:
        raise ConfigError(
            f"unknown section(s) in {source}: {', '.join(sorted(top.table))} "
            "(known: persistence, security, protocols, auth, logging, server, metrics)"
        )
    return config


def _persistence(config: Config, table: dict[str, Any] | None, source: str) -> None:
    if table is None:
        return
    reader = _Reader(table, f"{source}: [persistence]")
    provider = reader.string("provider")
    if provider is not None:
        if provider.lower() not in PROVIDERS:
            raise ConfigError(
                f'{reader.where}.provider = "{provider}" is not supported: orbitdb has one storage engine, '
                'its LSM tree, named "rocksdb" here for compatibility'
            )
        config.provider = provider.lower()
    data_dir = reader.string("data_dir")
    if data_dir is not None:
        if not data_dir:
            raise ConfigError(f"{reader.where}.data_dir must not be empty")
        config.data_dir = data_dir
    knobs = reader.table_("rocksdb")
    # not a RocksDB knob, so not in [persistence.rocksdb]: time travel's window (docs/operations.md)
    retention = reader.integer("history_retention_seconds", 0, 100 * 365 * 86400)
    archive = reader.string("wal_archive_dir")  # point-in-time recovery (orbitdb/ops/pitr.py)
    reader.finish()
    if knobs is not None:
        if "history_retention_seconds" in knobs:
            raise ConfigError(f"{source}: [persistence.rocksdb].history_retention_seconds is not a RocksDB knob: "
                              "set it in [persistence]")
        if "wal_archive_dir" in knobs:
            raise ConfigError(f"{source}: [persistence.rocksdb].wal_archive_dir is not a RocksDB knob: "
                              "set it in [persistence]")
        config.engine = _check_engine_knobs(knobs, f"{source}: [persistence.rocksdb]")
    if retention is not None:
        config.engine["history_retention_seconds"] = retention
    if archive is not None:
        config.engine["wal_archive_dir"] = check_wal_archive_dir(archive, config.data_dir, reader.where)


def check_wal_archive_dir(path: str, data_dir: str, where: str) -> str:
    """[persistence].wal_archive_dir: a directory (made at the first open when missing) apart
    from the data directory, where each database keeps its retired WAL files."""
    if not path:
        raise ConfigError(f"{where}.wal_archive_dir must not be empty (leave it out to keep no WAL archive)")
    if os.path.abspath(path) == os.path.abspath(data_dir):
        raise ConfigError(f"{where}.wal_archive_dir must not be the data directory {data_dir}")
    if os.path.exists(path) and not os.path.isdir(path):
        raise ConfigError(f"{where}.wal_archive_dir {path} exists and is not a directory")
    if os.path.isdir(path) and not os.access(path, os.W_OK | os.X_OK):
        raise ConfigError(f"{where}.wal_archive_dir {path} is not writable by this user")
    return path


def _check_engine_knobs(knobs: dict[str, Any], where: str) -> dict[str, Any]:
    from orbitdb.engine import check_knobs

    known = _engine_knobs()
    unknown = sorted(set(knobs) - set(known))
    if unknown:
        raise ConfigError(
            f"unknown key(s) in {where}: {', '.join(unknown)} (known: {', '.join(sorted(known))})"
        )
    try:
        check_knobs(dict(knobs))
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"{where}: {exc}") from None
    return dict(knobs)


def _security(config: Config, table: dict[str, Any] | None, source: str) -> None:
    if table is None:
        return
    reader = _Reader(table, f"{source}: [security]")
    enable = reader.boolean("enable_tls")
    cert = reader.string("cert_path")
    key = reader.string("key_path")
    require = reader.boolean("require_tls")
    plain_from = reader.string_list("allow_plain_from")
    reader.finish()
    config.enable_tls = bool(enable)
    config.cert_path, config.key_path = cert, key
    config.require_tls = bool(require)
    if require and not config.enable_tls:
        raise ConfigError(f"{reader.where}.require_tls = true needs enable_tls = true (and a certificate)")
    if plain_from is not None:
        from orbitdb.pgwire.transport_policy import parse_networks

        try:
            parse_networks(plain_from, f"{reader.where}.allow_plain_from")
        except ValueError as exc:
            raise ConfigError(str(exc)) from None
        config.allow_plain_from = list(plain_from)
    if config.enable_tls:
        for name, path in (("cert_path", cert), ("key_path", key)):
            if not path:
                raise ConfigError(f"{reader.where}.enable_tls = true needs {name}")
            if not os.path.isfile(path):
                raise ConfigError(f"{reader.where}.{name}: no such file: {path}")


def _protocols(config: Config, table: dict[str, Any] | None, source: str) -> None:
    if table is None:
        return
    reader = _Reader(table, f"{source}: [protocols]")
    enabled = reader.boolean("postgres_enabled")
    host = reader.string("postgres_bind_address")
    port = reader.integer("postgres_port", 0, 65535)
    max_connections = reader.integer("postgres_max_connections", 1, 10_000)
    reader.finish()
    if enabled is not None:
        config.postgres_enabled = enabled
    if host is not None:
        config.host = host
    if port is not None:
        config.port = port
    if max_connections is not None:
        config.max_connections = max_connections


def _auth(config: Config, table: dict[str, Any] | None, source: str) -> None:
    if table is None:
        return
    reader = _Reader(table, f"{source}: [auth]")
    method = reader.string("method")
    users = reader.table_("users")
    allow_trust = reader.boolean("allow_trust_on_network")
    reader.finish()
    config.allow_trust_on_network = bool(allow_trust)
    if method is not None:
        if method.lower() not in AUTH_METHODS:
            raise ConfigError(f'{reader.where}.method = "{method}" is not one of {", ".join(AUTH_METHODS)}')
        config.auth_method = method.lower()
    for user, password in (users or {}).items():
        if not isinstance(password, str) or not password:
            raise ConfigError(f"{reader.where}.users.{user} must be a non-empty password string")
        config.users[user] = password
    if config.auth_method != "trust" and not config.users:
        raise ConfigError(
            f'{reader.where}.method = "{config.auth_method}" needs at least one user in [auth.users]'
        )


def _logging(config: Config, table: dict[str, Any] | None, source: str) -> None:
    if table is None:
        return
    reader = _Reader(table, f"{source}: [logging]")
    level = reader.string("level")
    form = reader.string("format")
    connections = reader.boolean("log_connections")
    disconnections = reader.boolean("log_disconnections")
    min_duration = reader.integer("log_min_duration_statement", -1, MAX_INT32)
    reader.finish()
    if level is not None:
        config.log_level = check_log_level(level, f"{reader.where}.level")
    if form is not None:
        if form.lower() not in LOG_FORMATS:
            raise ConfigError(f'{reader.where}.format = "{form}" is not one of {", ".join(LOG_FORMATS)}')
        config.log_format = form.lower()
    if connections is not None:
        config.log_connections = connections
    if disconnections is not None:
        config.log_disconnections = disconnections
    if min_duration is not None:
        config.log_min_duration_statement = min_duration


_MEMORY_UNITS = {"kB": 1 << 10, "MB": 1 << 20, "GB": 1 << 30, "TB": 1 << 40}


def _server(config: Config, table: dict[str, Any] | None, source: str) -> None:
    if table is None:
        return
    reader = _Reader(table, f"{source}: [server]")
    max_memory = reader.string("max_memory")
    reader.finish()
    if max_memory is not None:
        config.max_memory = parse_memory(max_memory, f"{reader.where}.max_memory")


def _metrics(config: Config, table: dict[str, Any] | None, source: str) -> None:
    if table is None:
        return
    reader = _Reader(table, f"{source}: [metrics]")
    port = reader.integer("port", 0, 65535)
    host = reader.string("host")
    reader.finish()
    if port is None:
        raise ConfigError(f"{reader.where} needs port = <TCP port> (0: any free port)")
    if host is not None:
        if not host:
            raise ConfigError(f"{reader.where}.host must not be empty")
        config.metrics_host = host
    config.metrics_port = port


def parse_memory(text: str, where: str) -> int | None:
    """Bytes of a size written with PostgreSQL's units ("512MB", "2GB"); "0" or "-1": no limit."""
    value = text.strip()
    if value in ("0", "-1"):
        return None
    number = value.rstrip("kMGTB")
    unit = value[len(number):]
    if unit not in _MEMORY_UNITS or not number.strip().isdigit() or int(number) <= 0:
        raise ConfigError(f'{where} = "{text}" must be a size with a unit: kB, MB, GB or TB (e.g. "2GB"), '
                          'or "0" for no limit')
    return int(number) * _MEMORY_UNITS[unit]


def check_log_level(level: str, where: str) -> str:
    if level.lower() not in LOG_LEVELS:
        raise ConfigError(f'{where} = "{level}" is not one of {", ".join(LOG_LEVELS)}')
    return level.lower()


def load_config(path: str) -> Config:
    try:
        with open(path, "rb") as handle:
            data = tomllib.load(handle)
    except FileNotFoundError:
        raise ConfigError(f"config file not found: {path}") from None
    except OSError as exc:
        raise ConfigError(f"cannot read config file {path}: {exc.strerror or exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path} is not valid TOML: {exc}") from None
    return parse_config(data, path)
