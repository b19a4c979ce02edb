"""Session settings (GUCs): defaults as PostgreSQL 15 reports them, SET/SHOW
value normalisation, and which settings clients are told about."""

from __future__ import annotations

import math
import re
from typing import Any

from orbitdb.sql.client_encodings import normalize_client_encoding
from orbitdb.sql.errors import SqlError
from orbitdb.sql.types.pgtext.zones import zone

SERVER_VERSION = "15.18"
SERVER_VERSION_NUM = "150018"

DEFAULTS: dict[str, str] = {
    "server_version": SERVER_VERSION,
    "server_version_num": SERVER_VERSION_NUM,
    "server_encoding": "UTF8",
    "client_encoding": "UTF8",
    "datestyle": "ISO, MDY",
    "intervalstyle": "postgres",
    "timezone": "UTC",
    "log_timezone": "UTC",
    "integer_datetimes": "on",
    "standard_conforming_strings": "on",
    "application_name": "",
    "is_superuser": "on",
    "session_authorization": "orbit",
    "search_path": '"$user", public',
    "statement_timeout": "0",
    "lock_timeout": "0",
    "deadlock_timeout": "1s",
    "idle_in_transaction_session_timeout": "0",
    "idle_session_timeout": "0",
    "extra_float_digits": "1",
    "default_transaction_isolation": "read committed",
    "transaction_isolation": "read committed",
    "default_transaction_read_only": "off",
    "transaction_read_only": "off",
    "default_transaction_deferrable": "off",
    "transaction_deferrable": "off",
    "max_identifier_length": "63",
    "synchronize_seqscans": "on",
    "row_security": "on",
    "client_min_messages": "notice",
    "lc_messages": "C",
    "lc_monetary": "C",
    "lc_numeric": "C",
    "lc_time": "C",
    "lc_collate": "C",
    "lc_ctype": "C",
    "bytea_output": "hex",
    "escape_string_warning": "on",
    "check_function_bodies": "on",
    "work_mem": "4MB",
    "hash_mem_multiplier": "2",
    "temp_file_limit": "-1",
    "maintenance_work_mem": "64MB",
    "max_connections": "100",
    "max_prepared_transactions": "100",
    "block_size": "8192",
    "in_hot_standby": "off",
    "default_tablespace": "",
    "temp_tablespaces": "",
    "default_table_access_method": "heap",
    "default_with_oids": "off",
    "xmloption": "content",
    "enable_seqscan": "on",
    "enable_indexscan": "on",
    "enable_hashjoin": "on",
    "enable_nestloop": "on",
    "enable_bitmapscan": "on",
    "jit": "off",
    "random_page_cost": "4",
    "effective_cache_size": "4GB",
    "shared_buffers": "128MB",
    "wal_level": "replica",
    "fsync": "on",
    "synchronous_commit": "on",
    "full_page_writes": "on",
    "max_parallel_workers_per_gather": "0",
    "search_path_cache": "on",
    "quote_all_identifiers": "off",
    "array_nulls": "on",
    "backslash_quote": "safe_encoding",
    "lo_compat_privileges": "off",
    "password_encryption": "scram-sha-256",
    "ssl": "off",
    "port": "15432",
    "listen_addresses": "localhost",
    "data_directory": "",
    "role": "none",
    "cluster_name": "",
    "huge_pages": "off",
    "track_counts": "on",
    "autovacuum": "on",
    "default_statistics_target": "100",
    "geqo": "on",
    "plan_cache_mode": "auto",
    "constraint_exclusion": "partition",
    "cursor_tuple_fraction": "0.1",
    "from_collapse_limit": "8",
    "join_collapse_limit": "8",
    "vacuum_freeze_min_age": "50000000",
    "gin_fuzzy_search_limit": "0",
    "tcp_keepalives_idle": "0",
    "session_replication_role": "origin",
    "allow_system_table_mods": "off",
    "transform_null_equals": "off",
    "exit_on_error": "off",
    "log_statement": "none",
    "log_min_duration_statement": "-1",
    "debug_print_plan": "off",
    "trace_notify": "off",
    "timezone_abbreviations": "Default",
    "default_text_search_config": "pg_catalog.english",
}

# PostgreSQL 15's planner settings ("Query Tuning"): accepted, checked, shown and reset as there.
# Those of PLAN_CHOICES steer the choice of join method as PostgreSQL's do (a disabled kind of
# path costs disable_cost more: orbitdb/sql/plan/joinmethod.py); orbitdb's planner has no choices
# the others could steer, so they change no plan. (name: default, PostgreSQL's range for reals and
# integers)
PLAN_CHOICES = ("enable_hashjoin", "enable_mergejoin", "enable_nestloop", "enable_sort")


def plan_choice_key(settings: dict[str, str]) -> tuple[bool, ...]:
    """The values of the settings that choose among plans: a plan made under others is another."""
    return tuple(settings.get(n, "on") != "off" for n in PLAN_CHOICES)


PLANNER_BOOLS = {
    "enable_async_append": "on", "enable_gathermerge": "on", "enable_hashagg": "on",
    "enable_incremental_sort": "on", "enable_indexonlyscan": "on", "enable_material": "on",
    "enable_memoize": "on", "enable_mergejoin": "on", "enable_parallel_append": "on",
    "enable_parallel_hash": "on", "enable_partition_pruning": "on", "enable_partitionwise_aggregate": "off",
    "enable_partitionwise_join": "off", "enable_sort": "on", "enable_tidscan": "on",
    "parallel_leader_participation": "on",
}
_DBL_MAX = 1.79769e308
PLANNER_REALS: dict[str, tuple[str, float, float]] = {
    "seq_page_cost": ("1", 0, _DBL_MAX), "random_page_cost": ("4", 0, _DBL_MAX),
    "cpu_tuple_cost": ("0.01", 0, _DBL_MAX), "cpu_index_tuple_cost": ("0.005", 0, _DBL_MAX),
    "cpu_operator_cost": ("0.0025", 0, _DBL_MAX), "parallel_setup_cost": ("1000", 0, _DBL_MAX),
    "parallel_tuple_cost": ("0.1", 0, _DBL_MAX), "jit_above_cost": ("100000", -1, _DBL_MAX),
    "jit_inline_above_cost": ("500000", -1, _DBL_MAX), "jit_optimize_above_cost": ("500000", -1, _DBL_MAX),
    "cursor_tuple_fraction": ("0.1", 0, 1), "geqo_seed": ("0", 0, 1), "geqo_selection_bias": ("2", 1.5, 2),
    "recursive_worktable_factor": ("10", 0.001, 1e6),
}
PLANNER_INTS: dict[str, tuple[str, int, int]] = {
    "default_statistics_target": ("100", 1, 10000), "from_collapse_limit": ("8", 1, 2147483647),
    "join_collapse_limit": ("8", 1, 2147483647), "geqo_threshold": ("12", 2, 2147483647),
    "geqo_effort": ("5", 1, 10), "geqo_pool_size": ("0", 0, 2147483647), "geqo_generations": ("0", 0, 2147483647),
    "max_parallel_workers_per_gather": ("0", 0, 1024), "max_parallel_workers": ("8", 0, 1024),
    "max_parallel_maintenance_workers": ("2", 0, 1024), "effective_io_concurrency": ("1", 0, 1000),
    "maintenance_io_concurrency": ("10", 0, 1000),
}
PLANNER_ENUMS = {
    "constraint_exclusion": ("partition", ("partition", "on", "off")),
    "plan_cache_mode": ("auto", ("auto", "force_generic_plan", "force_custom_plan")),
    "force_parallel_mode": ("off", ("off", "on", "regress")),
    "orbitdb.batch_execution": ("auto", ("auto", "on", "off")),  # orbitdb/sql/batch: numpy batches or rows
}
DEFAULTS.update(PLANNER_BOOLS)
DEFAULTS.update({name: spec[0] for name, spec in PLANNER_REALS.items()})
DEFAULTS.update({name: spec[0] for name, spec in PLANNER_INTS.items()})
DEFAULTS.update({name: spec[0] for name, spec in PLANNER_ENUMS.items()})

# names reported in ParameterStatus, with PostgreSQL's spelling
REPORTED = {
    "server_version": "server_version",
    "server_encoding": "server_encoding",
    "client_encoding": "client_encoding",
    "application_name": "application_name",
    "datestyle": "DateStyle",
    "timezone": "TimeZone",
    "integer_datetimes": "integer_datetimes",
    "standard_conforming_strings": "standard_conforming_strings",
    "intervalstyle": "IntervalStyle",
    "is_superuser": "is_superuser",
    "session_authorization": "session_authorization",
    "default_transaction_read_only": "default_transaction_read_only",
    "in_hot_standby": "in_hot_standby",
}

# names as SHOW prints them in its column header
DISPLAY = {"datestyle": "DateStyle", "timezone": "TimeZone", "intervalstyle": "IntervalStyle"}

READ_ONLY = {"server_version", "server_version_num", "server_encoding", "integer_datetimes", "max_identifier_length",
             "block_size", "lc_collate", "lc_ctype", "in_hot_standby", "is_superuser", "max_connections",
             "max_prepared_transactions",
             "data_directory", "port", "ssl", "wal_level", "shared_buffers"}

_BOOL_TRUE = {"on", "true", "yes", "1", "t", "y"}
_BOOL_FALSE = {"off", "false", "no", "0", "f", "n"}
_BOOLS = {k for k, v in DEFAULTS.items() if v in ("on", "off")}

_UNITS_MS = {"us": 0.001, "ms": 1, "s": 1000, "min": 60000, "h": 3600000, "d": 86400000}
_TIME_SETTINGS = {"statement_timeout", "lock_timeout", "deadlock_timeout", "idle_in_transaction_session_timeout",
                  "idle_session_timeout"}


def canonical_name(name: str) -> str:
    return name.strip().strip('"').lower()


def normalize(name: str, value: str, current: str | None = None) -> str:
    """Validates and normalises a value for SET; raises PostgreSQL's errors. current: the value
    now (a DateStyle that names only a style or an order keeps the other part)."""
    if name in PLANNER_REALS or name in PLANNER_INTS or name in PLANNER_ENUMS:
        return normalize_planner(name, value)
    if name in _BOOLS:
        v = value.strip().lower()
        if v in _BOOL_TRUE:
            return "on"
        if v in _BOOL_FALSE:
            return "off"
        raise SqlError("22023", f'parameter "{name}" requires a Boolean value')
    if name in _TIME_SETTINGS:
        ms = parse_ms(name, value)
        low = 1 if name == "deadlock_timeout" else 0
        if not low <= ms <= 2147483647:
            shown = int(ms) if ms == int(ms) else ms
            raise SqlError("22023", f'{shown} ms is outside the valid range for parameter "{name}" '
                                    f"({low} .. 2147483647)")
        return format_ms(ms)
    if name == "log_min_duration_statement":
        ms = parse_ms(name, value)
        if not -1 <= ms <= 2147483647:
            raise SqlError("22023", f'{ms} ms is outside the valid range for parameter "{name}" (-1 .. 2147483647)')
        return "-1" if ms == -1 else format_ms(ms)
    if name in MEMORY_SETTINGS:
        return format_kb(parse_kb(name, value))
    if name == "hash_mem_multiplier":
        return normalize_multiplier(value)
    if name == "timezone":
        return normalize_timezone(value)
    if name == "datestyle":
        return normalize_datestyle(value, current or DEFAULTS["datestyle"])
    if name in ("default_transaction_isolation", "transaction_isolation"):
        v = " ".join(value.lower().split())
        if v not in ("read committed", "repeatable read", "serializable", "read uncommitted"):
            raise SqlError("22023", f'invalid value for parameter "{name}": "{value}"',
                           hint='Available values: serializable, repeatable read, read committed, read uncommitted.')
        return v
    if name == "client_encoding":
        return normalize_client_encoding(value)
    if name == "extra_float_digits":
        try:
            n = int(value)
        except ValueError:
            raise SqlError("22023", f'invalid value for parameter "extra_float_digits": "{value}"') from None
        if n < -15 or n > 3:
            raise SqlError("22023", f"{n} is outside the valid range for parameter \"extra_float_digits\" (-15 .. 3)")
        return str(n)
    if name == "intervalstyle":
        v = value.strip().lower()
        if v not in ("postgres", "postgres_verbose", "sql_standard", "iso_8601"):
            raise SqlError("22023", f'invalid value for parameter "IntervalStyle": "{value}"')
        return v
    if name == "password_encryption":
        v = value.strip().lower()
        if v not in ("md5", "scram-sha-256"):
            raise SqlError("22023", f'invalid value for parameter "password_encryption": "{value}"',
                           hint="Available values: md5, scram-sha-256.")
        return v
    if name == "bytea_output":
        v = value.strip().lower()
        if v not in ("hex", "escape"):
            raise SqlError("22023", f'invalid value for parameter "bytea_output": "{value}"')
        return v
    return value


def normalize_planner(name: str, value: str) -> str:
    """A planner setting's value checked and spelled as PostgreSQL shows it (reals as %g)."""
    v = value.strip()
    if name in PLANNER_ENUMS:
        allowed = PLANNER_ENUMS[name][1]
        if v.lower() not in allowed:
            raise SqlError("22023", f'invalid value for parameter "{name}": "{value}"',
                           hint=f"Available values: {', '.join(allowed)}.")
        return v.lower()
    if name in PLANNER_INTS:
        _, low, high = PLANNER_INTS[name]
        try:
            n = round(float(v)) if re.fullmatch(r"[+-]?\d+(\.\d*)?|[+-]?\.\d+", v) else int(v, 0)
        except ValueError:
            raise SqlError("22023", f'invalid value for parameter "{name}": "{value}"') from None
        if not low <= n <= high:
            raise SqlError("22023", f'{n} is outside the valid range for parameter "{name}" ({low} .. {high})')
        return str(n)
    _, lo, hi = PLANNER_REALS[name]
    try:
        x = float(v)
    except ValueError:
        x = float("nan")
    if not math.isfinite(x):  # strtod's overflow is invalid there too
        raise SqlError("22023", f'invalid value for parameter "{name}": "{value}"')
    if not lo <= x <= hi:
        raise SqlError("22023", f'{x:g} is outside the valid range for parameter "{name}" ({lo:g} .. {hi:g})')
    return f"{x:g}"


def parse_ms(name: str, value: str) -> int:
    m = re.fullmatch(r"\s*(-?\d+(?:\.\d+)?)\s*([a-z]*)\s*", value.lower())
    if not m:
        raise SqlError("22023", f'invalid value for parameter "{name}": "{value}"')
    unit = m.group(2) or "ms"
    if unit not in _UNITS_MS:
        raise SqlError("22023", f'invalid value for parameter "{name}": "{value}"',
                       hint='Valid units for this parameter are "us", "ms", "s", "min", "h", and "d".')
    return int(float(m.group(1)) * _UNITS_MS[unit])


def format_ms(ms: int) -> str:
    """PostgreSQL shows a time setting in the largest unit that divides it."""
    if ms == 0:
        return "0"
    for unit, size in (("d", 86400000), ("h", 3600000), ("min", 60000), ("s", 1000)):
        if ms % size == 0:
            return f"{ms // size}{unit}"
    return f"{ms}ms"


# memory settings in kB, with PostgreSQL 15's ranges
MEMORY_SETTINGS = {"work_mem": (64, 2147483647), "maintenance_work_mem": (1024, 2147483647),
                   "temp_file_limit": (-1, 2147483647)}
_MEMORY_UNITS_KB = {"B": 1 / 1024, "kB": 1, "MB": 1024, "GB": 1024 ** 2, "TB": 1024 ** 3}


def parse_kb(name: str, value: str) -> int:
    """A memory setting's value in kB, as PostgreSQL reads one (no unit: kB; rounded)."""
    m = re.fullmatch(r"\s*(-?\d+(?:\.\d*)?|-?\.\d+)\s*([A-Za-z]*)\s*", value)
    if not m:
        raise SqlError("22023", f'invalid value for parameter "{name}": "{value}"')
    unit = m.group(2) or "kB"
    if unit not in _MEMORY_UNITS_KB:
        raise SqlError("22023", f'invalid value for parameter "{name}": "{value}"',
                       hint='Valid units for this parameter are "B", "kB", "MB", "GB", and "TB".')
    kb = float(m.group(1)) * _MEMORY_UNITS_KB[unit]
    if not -2147483648 <= kb <= 2147483647:
        raise SqlError("22023", f'invalid value for parameter "{name}": "{value}"', hint="Value exceeds integer range.")
    n = int(kb + 0.5) if kb >= 0 else -int(-kb + 0.5)
    low, high = MEMORY_SETTINGS[name]
    if not low <= n <= high:
        raise SqlError("22023", f'{n} kB is outside the valid range for parameter "{name}" ({low} .. {high})')
    return n


def format_kb(kb: int) -> str:
    """PostgreSQL shows a memory setting in the largest unit that divides it."""
    if kb <= 0:
        return str(kb)
    for unit, size in (("TB", 1024 ** 3), ("GB", 1024 ** 2), ("MB", 1024)):
        if kb % size == 0:
            return f"{kb // size}{unit}"
    return f"{kb}kB"


# compiled once: re's own cache of patterns is shared with sqlglot and turns over under load
_MEMORY_TEXT = re.compile(r"(-?\d+)([A-Za-z]*)")


def kb_value(text: str) -> int:
    """kB of a stored memory setting (as format_kb wrote it)."""
    m = _MEMORY_TEXT.fullmatch(text)
    if not m:
        return 0
    return int(int(m.group(1)) * _MEMORY_UNITS_KB[m.group(2) or "kB"])


def normalize_multiplier(value: str) -> str:
    try:
        v = float(value)
    except ValueError:
        raise SqlError("22023", f'invalid value for parameter "hash_mem_multiplier": "{value}"') from None
    if not 1 <= v <= 1000:
        raise SqlError("22023", f'{value.strip()} is outside the valid range for parameter "hash_mem_multiplier" '
                       "(1 .. 1000)")
    return f"{v:g}"


def ms_value(text: str) -> int:
    """Milliseconds of a stored time setting (as format_ms wrote it)."""
    return parse_ms("setting", text or "0")


def normalize_timezone(value: str) -> str:
    v = value.strip()
    if v.lower() in ("default", "local"):
        return "UTC"
    if re.fullmatch(r"[+-]?\d+(\.\d+)?", v):
        hours = float(v)
        # a bare number is an offset in hours east of UTC (POSIX sign reversed in the name)
        sign = "-" if hours >= 0 else "+"
        h = abs(hours)
        name = f"<{'+' if hours >= 0 else '-'}{int(h):02d}>{sign}{int(h):02d}"
        return name
    if zone(v) is None:
        raise SqlError("22023", f'invalid value for parameter "TimeZone": "{value}"')
    if v.upper() == "UTC":
        return "UTC"
    return v


def normalize_datestyle(value: str, current: str = "ISO, MDY") -> str:
    parts = [p.strip().upper() for p in value.replace(" ", ",").split(",") if p.strip()]
    style, _, order = current.partition(", ")
    for p in parts:
        if p in ("ISO", "SQL", "POSTGRES", "GERMAN"):
            style = {"POSTGRES": "Postgres", "GERMAN": "German"}.get(p, p)
            if p == "GERMAN" and not any(q in ("MDY", "YMD", "US", "NONEURO", "NONEUROPEAN") for q in parts):
                order = "DMY"  # German implies DMY unless an order is named (check_datestyle)
        elif p in ("MDY", "DMY", "YMD", "US", "NONEURO", "NONEUROPEAN"):
            order = "MDY" if p in ("US", "NONEURO", "NONEUROPEAN") else p
        elif p in ("EURO", "EUROPEAN"):
            order = "DMY"
        elif p == "DEFAULT":
            style, order = "ISO", "MDY"
        else:
            raise SqlError("22023", f'invalid value for parameter "DateStyle": "{value}"',
                           detail=f'Unrecognized key word: "{p.lower()}".')
    return f"{style}, {order}"


def is_known(name: str) -> bool:
    return name in DEFAULTS or "." in name


def value_text(v: Any) -> str:
    return str(v)


# settings of PostgreSQL's "superuser" context: only a superuser may SET them (they touch the
# server's log and files, or what other sessions see)
SUPERUSER_ONLY = frozenset({
    "log_statement", "log_min_duration_statement", "log_min_messages", "log_min_error_statement", "log_duration",
    "log_lock_waits", "log_temp_files", "log_parser_stats", "log_planner_stats", "log_executor_stats",
    "log_statement_stats", "log_error_verbosity", "log_replication_commands", "lc_messages",
    "session_replication_role", "deadlock_timeout", "temp_file_limit", "track_activities", "track_counts",
    "track_io_timing", "track_wal_io_timing", "track_functions", "max_stack_depth", "session_preload_libraries",
    "lo_compat_privileges", "allow_system_table_mods", "ignore_system_indexes", "zero_damaged_pages",
    "commit_delay", "compute_query_id", "jit_dump_bitcode", "log_min_duration_sample", "log_transaction_sample_rate",
    "log_parameter_max_length", "log_statement_sample_rate", "update_process_title", "wal_compression",
    "wal_init_zero", "wal_recycle", "ignore_checksum_failure", "ignore_invalid_pages", "debug_print_parse",
    "debug_print_plan", "debug_print_rewritten", "debug_pretty_print", "trace_notify", "trace_locks",
})
