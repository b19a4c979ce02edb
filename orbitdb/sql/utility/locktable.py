"""LOCK [TABLE] [ONLY] name [*] [, ...] [IN <mode> MODE] [NOWAIT]: a relation lock held
to the end of the transaction, in any of PostgreSQL's eight modes."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from sqlglot import exp

from orbitdb.sql.errors import SqlError
from orbitdb.sql.exec.context import ExecContext
from orbitdb.sql.expr.core import ident
from orbitdb.sql.parse.parser import Statement, parse_one
from orbitdb.sql.result import Result
from orbitdb.storage.catalog import TableDef
from orbitdb.storage.lockmodes import ROW_EXCLUSIVE, TABLE_MODE_BY_WORDS
from orbitdb.storage.locks import NOWAIT, WAIT

if TYPE_CHECKING:
    from orbitdb.sql.session.session import Session

_LOCK = re.compile(r"\s*LOCK\s+(?:TABLE\s+)?(?P<names>.+?)(?:\s+IN\s+(?P<mode>[A-Z ]+?)\s+MODE)?"
                   r"(?:\s+(?P<nowait>NOWAIT))?\s*;?\s*$", re.IGNORECASE | re.DOTALL)


def lock_table(s: Session, st: Statement, ctx: ExecContext) -> Result:
    m = _LOCK.match(st.text)
    if m is None:
        raise SqlError("42601", "syntax error in LOCK TABLE")
    words = " ".join((m.group("mode") or "ACCESS EXCLUSIVE").upper().split())
    mode = TABLE_MODE_BY_WORDS.get(words)
    if mode is None:
        raise SqlError("42601", f'syntax error at or near "{words.split()[0]}"')
    if not s.in_block:
        raise SqlError("25P01", "LOCK TABLE can only be used in transaction blocks")
    txn = ctx.txn
    assert txn is not None
    if txn.read_only and mode > ROW_EXCLUSIVE:
        raise SqlError("25006", "cannot execute LOCK TABLE in a read-only transaction")
    policy = NOWAIT if m.group("nowait") else WAIT
    for table in _tables(s, m.group("names")):
        for t in [table, *_view_bases(s, table)]:
            txn.lock_relation(t.oid, mode, policy, f'could not obtain lock on relation "{t.name}"')
    txn.refresh_catalog()
    return Result("LOCK TABLE")


def _tables(s: Session, names: str) -> list[TableDef]:
    out = []
    for part in _split_names(names):
        text = re.sub(r"^\s*ONLY\s+", "", part, flags=re.IGNORECASE).rstrip(" *")
        node = parse_one(f"SELECT * FROM {text}").args["from_"].this
        if not isinstance(node, exp.Table):
            raise SqlError("42601", f'syntax error at or near "{text}"')
        name = ident(node.this)
        schema = ident(node.args["db"]) if node.args.get("db") else None
        t = _lookup(s, schema, name)
        if t is None:
            cat = s.catalog()
            if any(cat.sequence(sch, name) for sch in ([schema] if schema else s.search_schemas())):
                raise SqlError("42809", f'"{name}" is not a table or view')
            raise SqlError("42P01", f'relation "{name}" does not exist')
        out.append(t)
    return out


def _split_names(names: str) -> list[str]:
    parts, cur, quoted = [], [], False
    for ch in names:
        if ch == '"':
            quoted = not quoted
        if ch == "," and not quoted:
            parts.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
    parts.append("".join(cur))
    return [p.strip() for p in parts if p.strip()]


def _lookup(s: Session, schema: str | None, name: str) -> TableDef | None:
    cat = s.catalog()
    for sch in [schema] if schema else s.search_schemas():
        t = cat.table(sch, name)
        if t is not None:
            return t
    return None


def _view_bases(s: Session, t: TableDef, depth: int = 0) -> list[TableDef]:
    """The relations a view reads, which LOCK on the view locks too (recursively)."""
    if t.kind != "v" or not t.view_sql or depth > 32:
        return []
    out = []
    for node in parse_one(t.view_sql).find_all(exp.Table):
        base = _lookup(s, ident(node.args["db"]) if node.args.get("db") else None, ident(node.this))
        if base is not None and base.oid != t.oid:
            out.append(base)
            out.extend(_view_bases(s, base, depth + 1))
    return out


__all__ = ["lock_table"]
