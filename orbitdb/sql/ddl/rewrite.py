"""Table rewrites: every row of a table stored again under a new definition (a new
primary key or none, new column values, rebuilt secondary indexes).

Every new row, key and index entry is computed and checked before anything is
written, and every old entry is removed before any new one is written: a new
key may equal the old key of a row not yet moved (a hidden row id and a primary
key value encode alike), so moving rows one at a time could overwrite a row and
later delete it."""

from __future__ import annotations

from collections.abc import Callable
from operator import itemgetter
from typing import Any

from orbitdb.sql import types as T
from orbitdb.sql.errors import SqlError
from orbitdb.sql.interrupts import checked
from orbitdb.sql.modify.constraints import fmt_value
from orbitdb.storage.catalog import IndexDef, TableDef
from orbitdb.storage.tables import TableAccess, computed_keys, replace_rows
from orbitdb.storage.txn import Transaction

Row = tuple[Any, ...]


def rewrite_table(txn: Transaction, next_rowid: Callable[[], int], old: TableDef, new: TableDef,
                  interrupt: Callable[[], None],
                  convert: Callable[[bytes, Row], Row] | None = None,
                  check: Callable[[Row], None] | None = None, keys_first: bool = False) -> int:
    """Stores every row of `old` (as read through it) again as a row of `new`.
    convert(old key, old row) gives the new row (default: the row as it is);
    check(new row) may raise; interrupt() is the statement's cancel/timeout check. keys_first: a duplicate primary key is reported before a NULL in
    a NOT NULL column (ADD PRIMARY KEY builds its index first; a rewrite checks rows first).
    Returns the number of rows."""
    old_access = TableAccess(old)
    new_access = TableAccess(new)
    rows = list(checked(old_access.keyed_rows(txn), interrupt))
    moved = _new_rows(rows, old_access, new_access, next_rowid, convert, check, keys_first)
    entries, duplicated = new_access.index_entries(moved)
    if duplicated is not None:
        ix, r = duplicated
        entry = next(e for e in new_access.indexes if e[0].oid == ix.oid)
        if computed_keys(ix):
            from orbitdb.sql.modify.constraints import computed_key_detail

            raise SqlError("23505", f'could not create unique index "{ix.name}"',
                           detail=computed_key_detail(None, new, entry, new_access.index_values(entry, r) or [])
                           + " is duplicated.")
        raise _duplicated(new, ix.name, entry[1], r)
    replace_rows(txn, old_access, rows, new_access, moved, entries)
    return len(moved)


def _new_rows(rows: list[tuple[bytes, Row]], old_access: TableAccess, new_access: TableAccess,
              next_rowid: Callable[[], int], convert: Callable[[bytes, Row], Row] | None,
              check: Callable[[Row], None] | None, keys_first: bool) -> list[tuple[bytes, Row]]:
    new = new_access.table
    not_null = [(i, c.name) for i, c in enumerate(new.columns) if c.not_null]
    if convert is None and check is None and new_access.pk_idx and rows:
        fast = _rekeyed(rows, new_access, [i for i, _ in not_null])
        if fast is not None:
            return fast
    pk_name = _primary_key_name(new)
    seen: set[bytes] = set()
    null_error: SqlError | None = None
    out: list[tuple[bytes, Row]] = []
    for key, r in rows:
        nr = tuple(convert(key, r)) if convert is not None else r
        for i, name in not_null:
            if nr[i] is None and null_error is None:
                null_error = SqlError("23502", f'column "{name}" of relation "{new.name}" contains null values',
                                      schema=new.schema, table=new.name, column=name)
        if null_error is not None and not keys_first:
            raise null_error
        if check is not None:
            check(nr)
        if new_access.pk_idx:
            nkey = new_access.row_key(nr)
            # NULLs are distinct in the key's index: a NULL is the NOT NULL check's error
            if nkey in seen and all(nr[i] is not None for i in new_access.pk_idx):
                raise _duplicated(new, pk_name, new_access.pk_idx, nr)
            seen.add(nkey)
        elif old_access.pk_idx:
            nkey = new_access.row_key(nr, next_rowid())  # the key was the primary key: a fresh row id
        else:
            nkey = key
        out.append((nkey, nr))
    if null_error is not None:
        raise null_error
    return out


def _rekeyed(rows: list[tuple[bytes, Row]], new_access: TableAccess, not_null: list[int]
             ) -> list[tuple[bytes, Row]] | None:
    """The rows under their new primary key, all keys encoded at once (ADD PRIMARY KEY of a big
    table); None when a row has a NULL where it may not or a key repeats: the row-by-row path
    then reports it as PostgreSQL does."""
    values = [r for _, r in rows]
    if any(None in map(itemgetter(i), values) for i in not_null):
        return None
    keys = new_access.row_keys(values)
    if len(set(keys)) != len(keys):
        return None
    return list(zip(keys, values))


def _primary_key_name(t: TableDef) -> str:
    con = next((c for c in t.constraints if c.kind == "p"), None)
    if con is not None:
        return con.name
    ix: IndexDef | None = next((i for i in t.indexes if i.primary), None)
    return ix.name if ix is not None else f"{t.name}_pkey"


def _duplicated(t: TableDef, index_name: str, cols: list[int], row: Row) -> SqlError:
    names = ", ".join(t.columns[i].name for i in cols)
    vals = ", ".join(fmt_value(row[i], T.parse_type_name(t.columns[i].type)) for i in cols)
    return SqlError("23505", f'could not create unique index "{index_name}"',
                    detail=f"Key ({names})=({vals}) is duplicated.", schema=t.schema, table=t.name,
                    constraint=index_name)
