"""Text -> oid for the reg* types (regclass, regtype, regnamespace, regrole,
regproc): names are looked up in the session's catalog along its search path
(orbitdb.sql.pgcatalog.lookup), with PostgreSQL's errors for unknown names."""

from __future__ import annotations

from typing import Any

from orbitdb.sql import types as T
from orbitdb.sql.errors import SqlError
from orbitdb.sql.statement_scope import running_session
from orbitdb.sql.types.pgtext.names import split_name

_KINDS = {
    T.REGCLASS.oid: "class", T.REGTYPE.oid: "type", T.REGNAMESPACE.oid: "namespace", T.REGROLE.oid: "role",
    T.REGPROC.oid: "proc", T.REGPROCEDURE.oid: "proc",
}


_MAX_OID = 0xFFFFFFFF


def lookup_reg(text: str, type_oid: int, session: Any) -> int | None:
    """The oid a reg* type's input function finds for text in the session's catalog (None: the
    running statement's session; none at all: built-in types only), or None when there is no
    such object."""
    body = text.strip()
    if body.isascii() and body.isdigit():  # an oid, read as oidin reads it
        digits = body.lstrip("0")
        if len(digits) > 10 or int(digits or "0") > _MAX_OID:
            raise SqlError("22003", f'value "{body}" is out of range for type oid')
        return int(digits or "0")
    kind = _KINDS.get(type_oid)
    if kind is None:
        raise SqlError("42704", f"type with OID {type_oid} does not exist")
    if session is None:
        session = running_session()
    if session is None:
        return _builtin_type_oid(body) if kind == "type" else None
    return session.find_reg_oid(kind, body)  # type: ignore[no-any-return]


def _builtin_type_oid(text: str) -> int | None:
    try:
        return T.parse_type_name(text).oid
    except SqlError:
        return None


def not_found(text: str, type_oid: int) -> SqlError:
    kind = _KINDS.get(type_oid, "class")
    shown = text.strip()
    if kind == "class":
        return SqlError("42P01", f'relation "{_display(shown)}" does not exist')
    if kind == "type":
        return SqlError("42704", f'type "{shown}" does not exist')
    if kind == "namespace":
        return SqlError("3F000", f'schema "{_display(shown)}" does not exist')
    if kind == "role":
        return SqlError("42704", f'role "{_display(shown)}" does not exist')
    return SqlError("42883", f'function "{shown}" does not exist')


def _display(text: str) -> str:
    """A name as PostgreSQL's error shows it: quotes removed, unquoted parts lower-cased."""
    return ".".join(split_name(text))


def text_to_reg(text: str, type_oid: int, session: Any) -> int:
    """The reg* input function: text -> oid, raising PostgreSQL's error for an unknown name."""
    oid = lookup_reg(text, type_oid, session)
    if oid is None:
        parts = split_name(text.strip())
        if _KINDS.get(type_oid) == "class" and len(parts) >= 2 \
                and lookup_reg('"' + parts[-2].replace('"', '""') + '"', T.REGNAMESPACE.oid, session) is None:
            raise SqlError("3F000", f'schema "{parts[-2]}" does not exist')  # PostgreSQL names the schema first
        raise not_found(text, type_oid)
    return oid


def to_reg(text: str, type_oid: int, session: Any) -> int | None:
    """to_regclass & co.: None instead of an error."""
    try:
        return lookup_reg(text, type_oid, session)
    except SqlError:
        return None


__all__ = ["lookup_reg", "not_found", "text_to_reg", "to_reg"]
