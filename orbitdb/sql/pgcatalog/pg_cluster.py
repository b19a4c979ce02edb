"""The database, roles, settings and activity: pg_database, pg_authid,
pg_roles, pg_user, pg_shadow, pg_auth_members, pg_settings, pg_stat_activity,
pg_stat_*_indexes, pg_statio_*_tables (pg_stat_database and pg_stat_*_tables: pg_stats.py)."""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator
from typing import Any

from orbitdb.sql import settings as S
from orbitdb.sql.errors import SqlError
from orbitdb.sql.pgcatalog import builtin_data as B
from orbitdb.sql.pgcatalog import model as M
from orbitdb.sql.pgcatalog import oids
from orbitdb.sql.pgcatalog.base import Env, Row, RowMaker, producer
from orbitdb.sql.pgcatalog.deparse import FALLBACK_ERRORS
from orbitdb.storage.locks import mode_name, wait_event_name

_UTC = datetime.timezone.utc


def _setting(env: Env, name: str, default: str) -> str:
    settings = getattr(env.session, "settings", None)
    if isinstance(settings, dict):
        return str(settings.get(name, default))
    return default


@producer("pg_catalog", "pg_database")
def _pg_database(env: Env, make: RowMaker) -> Iterator[Row]:
    cluster = env.cluster
    if cluster is not None:  # a server: every database of its data dir
        for e in cluster.entries():
            yield make(oid=e.oid, datname=e.name, datdba=env.role_oid(e.owner), encoding=6, datlocprovider="c",
                       datistemplate=e.is_template, datallowconn=e.allow_connections,
                       datconnlimit=e.connection_limit, datfrozenxid=716, datminmxid=1,
                       dattablespace=oids.DEFAULT_TABLESPACE, datcollate=e.collate, datctype=e.ctype,
                       datcollversion=e.collation_version, datacl=e.acl)
        return
    collate = _setting(env, "lc_collate", "C")
    ctype = _setting(env, "lc_ctype", "C")
    yield make(oid=env.database_oid, datname=env.database, datdba=env.role_oid(_database_owner(env)), encoding=6,
               datlocprovider="c", datistemplate=False, datallowconn=True, datconnlimit=-1, datfrozenxid=716,
               datminmxid=1, dattablespace=oids.DEFAULT_TABLESPACE, datcollate=collate, datctype=ctype)


def _database_owner(env: Env) -> str:
    owner = getattr(env.session, "database_owner", None)
    if isinstance(owner, str):
        return owner
    return env.user


# ---------------------------------------------------------------- roles


def _roles(env: Env) -> Iterator[dict[str, Any]]:
    """pg_authid rows: PostgreSQL's own roles, then orbitdb's: those made with CREATE ROLE as
    their options say, the bootstrap ones (configured users, owners) as superusers that log in."""
    builtin = {r["rolname"]: r for r in B.AUTHID_ROWS}
    passwords = getattr(env.cluster, "role_passwords", None)
    attributes = getattr(env.session, "role_attributes", None)
    for name in env.role_names:
        r = builtin.get(name)
        if r is not None:
            yield dict(r)
            continue
        role = attributes(name) if callable(attributes) else None
        if role is None:
            sup = env.is_superuser(name)
            # a bootstrap role is what authorization.role_def says it is (and ALTER ROLE may restate)
            yield {"oid": env.role_oid(name), "rolname": name, "rolsuper": sup, "rolinherit": True,
                   "rolcreaterole": sup, "rolcreatedb": sup, "rolcanlogin": True, "rolreplication": sup,
                   "rolbypassrls": sup, "rolconnlimit": -1,
                   "rolpassword": passwords.lookup(name)[1] if passwords is not None else None,
                   "rolvaliduntil": None}
            continue
        password = role.password
        if password is None and passwords is not None:
            password = passwords.lookup(name)[1]
        yield {"oid": env.role_oid(name), "rolname": name, "rolsuper": role.superuser, "rolinherit": role.inherit,
               "rolcreaterole": role.createrole, "rolcreatedb": role.createdb, "rolcanlogin": role.login,
               "rolreplication": role.replication, "rolbypassrls": role.bypassrls, "rolconnlimit": role.connlimit,
               "rolpassword": password, "rolvaliduntil": _valid_until(role.valid_until),
               "rolconfig": list(role.config) or None}


def _valid_until(text: str | None) -> Any:
    if text is None:
        return None
    if text == "infinity":
        return datetime.datetime.max.replace(tzinfo=_UTC)
    try:
        return datetime.datetime.fromisoformat(text)
    except ValueError:
        return None


@producer("pg_catalog", "pg_db_role_setting")
def _pg_db_role_setting(env: Env, make: RowMaker) -> Iterator[Row]:
    """ALTER ROLE ... [IN DATABASE d] SET: one row per role (database 0) and per role and database."""
    attributes = getattr(env.session, "role_attributes", None)
    if not callable(attributes):
        return
    cluster = env.cluster
    database_oids = ({e.name: e.oid for e in cluster.entries()} if cluster is not None
                     else {env.database: env.database_oid})
    for name in env.role_names:
        role = attributes(name)
        if role is None:
            continue
        if role.config:
            yield make(setdatabase=0, setrole=env.role_oid(name), setconfig=list(role.config))
        for database, config in role.database_config.items():
            if database in database_oids and config:
                yield make(setdatabase=database_oids[database], setrole=env.role_oid(name), setconfig=list(config))


@producer("pg_catalog", "pg_authid")
def _pg_authid(env: Env, make: RowMaker) -> Iterator[Row]:
    for r in _roles(env):
        r.pop("rolconfig", None)
        yield make.from_dict(r)


@producer("pg_catalog", "pg_roles")
def _pg_roles(env: Env, make: RowMaker) -> Iterator[Row]:
    for r in _roles(env):
        r = dict(r, rolpassword="********")
        yield make.from_dict(r)


@producer("pg_catalog", "pg_user")
def _pg_user(env: Env, make: RowMaker) -> Iterator[Row]:
    for r in _roles(env):
        if r["rolcanlogin"]:
            yield make(usename=r["rolname"], usesysid=r["oid"], usecreatedb=r["rolcreatedb"], usesuper=r["rolsuper"],
                       userepl=r["rolreplication"], usebypassrls=r["rolbypassrls"], passwd="********",
                       valuntil=r["rolvaliduntil"])


@producer("pg_catalog", "pg_shadow")
def _pg_shadow(env: Env, make: RowMaker) -> Iterator[Row]:
    for r in _roles(env):
        if r["rolcanlogin"]:
            yield make(usename=r["rolname"], usesysid=r["oid"], usecreatedb=r["rolcreatedb"], usesuper=r["rolsuper"],
                       userepl=r["rolreplication"], usebypassrls=r["rolbypassrls"], passwd=r["rolpassword"],
                       valuntil=r["rolvaliduntil"])


_PG_MONITOR_MEMBERS = (3374, 3375, 3377)  # pg_monitor includes these roles


@producer("pg_catalog", "pg_auth_members")
def _pg_auth_members(env: Env, make: RowMaker) -> Iterator[Row]:
    for member in _PG_MONITOR_MEMBERS:
        yield make(roleid=member, member=3373, grantor=oids.BOOTSTRAP_SUPERUSER, admin_option=False)
    memberships = getattr(env.session, "role_memberships", None)
    for m in memberships() if callable(memberships) else []:
        yield make(roleid=env.role_oid(m.role), member=env.role_oid(m.member), grantor=env.role_oid(m.grantor),
                   admin_option=m.admin_option)


# ---------------------------------------------------------------- settings

_MEMORY_UNITS = {"B": 1, "kB": 1024, "MB": 1024 ** 2, "GB": 1024 ** 3, "TB": 1024 ** 4}
_TIME_UNITS = {"us": 0.001, "ms": 1, "s": 1000, "min": 60000, "h": 3600000, "d": 86400000}


def _in_unit(value: str, unit: str | None) -> str:
    """A setting as pg_settings shows it: a number in the setting's unit (work_mem 4MB -> 4096 kB)."""
    if not unit:
        return value
    m = re.fullmatch(r"\s*(-?\d+(?:\.\d+)?)\s*([A-Za-z]*)\s*", value)
    if not m or not m.group(2):
        return value
    num, suffix = float(m.group(1)), m.group(2)
    base_num = re.match(r"(\d*)(\D+)", unit)
    if base_num is None:
        return value
    factor = int(base_num.group(1) or 1)
    base = base_num.group(2)
    if suffix in _MEMORY_UNITS and base in _MEMORY_UNITS:
        n = num * _MEMORY_UNITS[suffix] / (_MEMORY_UNITS[base] * factor)
    elif suffix in _TIME_UNITS and base in _TIME_UNITS:
        n = num * _TIME_UNITS[suffix] / (_TIME_UNITS[base] * factor)
    else:
        return value
    return str(int(n)) if n == int(n) else str(n)


def settings_rows(env: Env) -> Iterator[dict[str, Any]]:
    """One row per setting the session has (what SHOW, current_setting and set_config accept: a
    setting PostgreSQL has but orbitdb does not is absent, as on a server without it), described
    with PostgreSQL 15's metadata."""
    rows_fn = getattr(env.session, "settings_rows", None)
    if callable(rows_fn):
        yield from rows_fn()
        return
    session_settings: dict[str, str] = dict(getattr(env.session, "settings", {}) or {})
    get = getattr(env.session, "get_setting", None)
    names = sorted(set(S.DEFAULTS) | set(session_settings))
    for key in names:
        value = session_settings.get(key, S.DEFAULTS.get(key, ""))
        if callable(get):
            try:
                value = get(key, missing_ok=True) or value
            except SqlError:
                pass
        meta = B.SETTINGS_BY_NAME.get(key)
        default = S.DEFAULTS.get(key)
        if meta is None:
            yield {"name": key, "setting": value, "unit": None,
                   "category": "Customized Options" if "." in key else "Client Connection Defaults",
                   "short_desc": "", "extra_desc": None, "context": "user", "vartype": "string",
                   "source": "session" if value != default else "default", "min_val": None, "max_val": None,
                   "enumvals": None, "boot_val": default, "reset_val": default, "sourcefile": None,
                   "sourceline": None, "pending_restart": False}
            continue
        row = dict(meta, sourcefile=None, sourceline=None, pending_restart=False)
        row["setting"] = _in_unit(value, meta["unit"])
        row["reset_val"] = _in_unit(default, meta["unit"]) if default is not None else row["boot_val"]
        row["source"] = "session" if default is not None and row["setting"] != row["reset_val"] else "default"
        yield row


@producer("pg_catalog", "pg_settings")
def _pg_settings(env: Env, make: RowMaker) -> Iterator[Row]:
    for r in settings_rows(env):
        yield make.from_dict(r)


# ---------------------------------------------------------------- activity and statistics


def _sessions(env: Env) -> list[Any]:
    fn = getattr(env.session, "database_sessions", None)
    if callable(fn):
        return list(fn())
    if env.cluster is not None:  # a server's backends, of every database
        return sorted(env.cluster.sessions(), key=lambda s: getattr(s, "backend_pid", 0))
    db = getattr(env.session, "db", None)
    sessions = getattr(db, "sessions", None)
    if sessions is not None:
        try:
            return sorted((s for s in list(sessions) if not getattr(s, "closed", False)),
                          key=lambda s: getattr(s, "backend_pid", 0))
        except FALLBACK_ERRORS:
            pass
    return [env.session]


@producer("pg_catalog", "pg_stat_activity")
def _pg_stat_activity(env: Env, make: RowMaker) -> Iterator[Row]:
    db = getattr(env.session, "db", None)
    started = getattr(db, "started", None)
    for s in _sessions(env):
        locks = getattr(getattr(s, "store", None), "locks", None)
        me = s is env.session
        txn = getattr(s, "txn", None)
        in_block = bool(getattr(s, "in_block", False))
        wait_type, wait_event = None, None
        tag = locks.waiting_tag(getattr(s, "backend_pid", 0)) if locks is not None else None
        if tag is not None:
            wait_type, wait_event = "Lock", wait_event_name(tag)
        if me or getattr(s, "running", False):
            state = "active"
        elif getattr(s, "failed", False):
            state = "idle in transaction (aborted)"
        elif in_block:
            state = "idle in transaction"
        else:
            state = "idle"
        xact_start = getattr(s, "_txn_start", None) if (me or txn is not None) else None
        query_start = getattr(s, "_stmt_time", None)
        settings = getattr(s, "settings", {}) or {}
        user = str(getattr(s, "user", env.user))
        yield make(datid=getattr(getattr(s, "db", None), "oid", env.database_oid),
                   datname=getattr(s, "database", env.database),
                   pid=getattr(s, "backend_pid", 0), leader_pid=None, usesysid=oids.role_oid(user), usename=user,
                   application_name=settings.get("application_name", ""),
                   client_addr=getattr(s, "client_addr", None), client_hostname=None,
                   client_port=getattr(s, "client_port", None) or -1,
                   backend_start=getattr(s, "started", None) or started, xact_start=xact_start,
                   query_start=query_start, state_change=query_start, wait_event_type=wait_type or (
                       None if me or state == "active" else "Client"),
                   wait_event=wait_event or (None if me or state == "active" else "ClientRead"), state=state,
                   backend_xid=None,
                   backend_xmin=None, query_id=None, query=getattr(s, "current_query", "") or "",
                   backend_type="client backend")


@producer("pg_catalog", "pg_stat_ssl")
def _pg_stat_ssl(env: Env, make: RowMaker) -> Iterator[Row]:
    """A row per backend; ssl_info is what the wire server recorded of its TLS session (None:
    in the clear, or an embedded session). Client certificates are not asked for."""
    for s in _sessions(env):
        info = getattr(s, "ssl_info", None) or {}
        yield make(pid=getattr(s, "backend_pid", 0), ssl=bool(info), version=info.get("version"),
                   cipher=info.get("cipher"), bits=info.get("bits"), client_dn=None, client_serial=None,
                   issuer_dn=None)


@producer("pg_catalog", "pg_locks")
def _pg_locks(env: Env, make: RowMaker) -> Iterator[Row]:
    """Relation, advisory and object locks, held and awaited; row locks only while awaited
    (PostgreSQL keeps granted row locks in the rows themselves, not here)."""
    store = getattr(env.session, "store", None)
    locks = getattr(store, "locks", None)
    if locks is None:
        return
    prepared = store.prepared.lock_owners() if hasattr(store, "prepared") else {}
    for tag, holder, mode, granted in locks.entries():
        owner: int | None = holder
        vxid = f"{holder}/1"
        if holder in prepared:  # a prepared transaction's locks: no backend holds them
            owner, vxid = None, f"-1/{prepared[holder].xid}"
        if type(tag) is bytes:
            if granted:
                continue
            yield make(locktype=wait_event_name(tag), database=env.database_oid, pid=owner,
                       mode=mode_name(tag, mode), granted=False, fastpath=False)
        elif tag[0] == "rel":
            yield make(locktype="relation", database=env.database_oid, relation=tag[1], pid=owner,
                       virtualtransaction=vxid, mode=mode_name(tag, mode), granted=granted, fastpath=False)
        elif tag[0] == "adv":
            yield make(locktype="advisory", database=env.database_oid, classid=tag[1], objid=tag[2],
                       objsubid=tag[3], pid=owner, virtualtransaction=vxid, mode=mode_name(tag, mode),
                       granted=granted, fastpath=False)
        elif tag[0] == "obj":
            yield make(locktype="object", database=env.database_oid, classid=1259, objid=tag[1], objsubid=0,
                       pid=owner, virtualtransaction=vxid, mode=mode_name(tag, mode), granted=granted,
                       fastpath=False)


def _statio_tables(env: Env, make: RowMaker) -> Iterator[Row]:
    for t in env.tables:
        if t.kind == "r":
            counters = {name: 0 for name in make.index if name.endswith(("_read", "_hit"))}
            yield make(relid=t.oid, schemaname=t.schema, relname=t.name, **counters)


producer("pg_catalog", "pg_statio_user_tables")(_statio_tables)
producer("pg_catalog", "pg_statio_all_tables")(_statio_tables)


def _index_stats(env: Env, make: RowMaker) -> Iterator[Row]:
    for t in env.tables:
        for ix in M.indexes(t):
            counters = {name: 0 for name in make.index if name.startswith("idx_")}
            yield make(relid=t.oid, indexrelid=ix.oid, schemaname=t.schema, relname=t.name, indexrelname=ix.name,
                       **counters)


producer("pg_catalog", "pg_stat_user_indexes")(_index_stats)
producer("pg_catalog", "pg_stat_all_indexes")(_index_stats)
producer("pg_catalog", "pg_statio_user_indexes")(_index_stats)
producer("pg_catalog", "pg_statio_all_indexes")(_index_stats)


# the privileges initdb gives the system schemas: pg_dump leaves out what matches them
_INITIAL_SCHEMA_ACL = ["postgres=UC/postgres", "=U/postgres"]


@producer("pg_catalog", "pg_init_privs")
def _pg_init_privs(env: Env, make: RowMaker) -> Iterator[Row]:
    for nsp in (oids.PG_CATALOG_NAMESPACE, oids.INFORMATION_SCHEMA_NAMESPACE):
        yield make(objoid=nsp, classoid=2615, objsubid=0, privtype="i", initprivs=list(_INITIAL_SCHEMA_ACL))
