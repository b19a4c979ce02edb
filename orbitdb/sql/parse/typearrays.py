"""Arrays of the object identifier types (oid[], regtype[], regclass[]...) as sqlglot can read
them: its PostgreSQL parser takes oid, regclass, regtype... as type names that end there, so
`$1::oid[]` (asyncpg's type introspection sends it) was a syntax error. Spelled with their schema,
`pg_catalog.oid[]`, they are read as any other array type."""

from __future__ import annotations

import re
from collections.abc import Callable

# sqlglot's postgres tokenizer reads these words as OBJECT_IDENTIFIER
_IDENTIFIER_TYPES = frozenset({
    "oid", "regclass", "regcollation", "regconfig", "regdictionary", "regnamespace", "regoper",
    "regoperator", "regproc", "regprocedure", "regrole", "regtype"})
_CANDIDATE = re.compile(r"\b(?:oid|reg[a-z]+)\s*\[\s*\]", re.IGNORECASE)

Tokens = Callable[[str], tuple[tuple[str, int, int], ...]]


def qualify_identifier_type_arrays(sql: str, tokens: Tokens) -> str:
    """sql with each `oid[]`-like type (outside literals and comments, not already qualified)
    written `pg_catalog.oid[]`."""
    if not _CANDIDATE.search(sql):
        return sql
    spans = [(kind, start, end) for kind, start, end in tokens(sql) if kind not in ("ws", "comment")]
    out: list[str] = []
    done = 0
    for n, (kind, start, end) in enumerate(spans):
        if kind != "word" or sql[start:end].lower() not in _IDENTIFIER_TYPES or n + 2 >= len(spans):
            continue
        if sql[spans[n + 1][1]:spans[n + 1][2]] != "[" or sql[spans[n + 2][1]:spans[n + 2][2]] != "]":
            continue
        if n and sql[spans[n - 1][1]:spans[n - 1][2]] == ".":
            continue  # pg_catalog.oid[] already
        out.append(sql[done:start])
        out.append("pg_catalog.")
        done = start
    if not out:
        return sql
    out.append(sql[done:])
    return "".join(out)
