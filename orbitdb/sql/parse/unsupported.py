"""What orbitdb does not honour is refused with SQLSTATE 0A000 and a message naming it, never
accepted and ignored: statements about objects orbitdb does not have (functions, triggers, types,
roles, extensions, ...), privileges, and the CREATE TABLE and constraint options
it cannot keep. docs/compatibility.md lists them."""

from __future__ import annotations

import re

from sqlglot import exp

from orbitdb.sql.errors import SqlError

_KIND = re.compile(
    r"\s*(?:CREATE|ALTER|DROP|COMMENT\s+ON)\s+(?:OR\s+REPLACE\s+)?(?P<kind>"
    r"EVENT\s+TRIGGER|CONSTRAINT\s+TRIGGER|TEXT\s+SEARCH\s+\w+|FOREIGN\s+DATA\s+WRAPPER|FOREIGN\s+TABLE|"
    r"ACCESS\s+METHOD|USER\s+MAPPING|MATERIALIZED\s+VIEW|DEFAULT\s+PRIVILEGES|DEFAULT\s+CONVERSION|"
    r"(?:TRUSTED\s+)?(?:PROCEDURAL\s+)?LANGUAGE|LARGE\s+OBJECT|OPERATOR\s+(?:CLASS|FAMILY)|RECURSIVE\s+VIEW|"
    r"\w+)",
    re.IGNORECASE,
)

# object kinds orbitdb has none of (the next issues add functions, triggers, types and roles)
_NO_SUCH_OBJECTS = {
    "FUNCTION", "PROCEDURE", "ROUTINE", "TRIGGER", "CONSTRAINT TRIGGER", "EVENT TRIGGER",
    "AGGREGATE", "OPERATOR", "OPERATOR CLASS", "OPERATOR FAMILY", "CAST", "COLLATION", "CONVERSION",
    "DEFAULT CONVERSION", "RULE", "POLICY", "PUBLICATION", "SUBSCRIPTION", "LANGUAGE", "TRUSTED LANGUAGE",
    "PROCEDURAL LANGUAGE", "TRUSTED PROCEDURAL LANGUAGE", "FOREIGN TABLE", "FOREIGN DATA WRAPPER", "SERVER",
    "USER MAPPING", "STATISTICS", "TABLESPACE", "ACCESS METHOD", "TRANSFORM", "MATERIALIZED VIEW", "RECURSIVE VIEW",
    "EXTENSION", "LARGE OBJECT",
}
# ALTER of these changes settings, privileges or objects orbitdb does not have
_ALTER_REFUSED = _NO_SUCH_OBJECTS | {"DATABASE", "DEFAULT PRIVILEGES", "SYSTEM"}
# COMMENT ON these is kept in the catalog (ddl.py); on anything else it is refused
COMMENTABLE = {"TABLE", "VIEW", "COLUMN", "SCHEMA", "SEQUENCE", "INDEX", "CONSTRAINT", "EXTENSION", "LARGE OBJECT"}


def object_kind(text: str) -> str:
    """The kind of object a CREATE/ALTER/DROP/COMMENT ON names ("FUNCTION", "EVENT TRIGGER", ...)."""
    m = _KIND.match(text)
    return " ".join(m.group("kind").upper().split()) if m else ""


def refusal(words: list[str], text: str) -> str | None:
    """The 0A000 message for a statement orbitdb refuses, or None. words: its first words, upper case."""
    first = words[0]
    if first == "LOAD":
        return f"{first} is not supported"
    if first == "SECURITY":
        return "SECURITY LABEL is not supported"
    if first == "CREATE":
        kind = object_kind(text)
        if kind in _NO_SUCH_OBJECTS and kind != "EXTENSION" or kind.startswith("TEXT SEARCH"):
            return f"CREATE {kind} is not supported"
    if first == "ALTER":
        kind = object_kind(text)
        if kind in _ALTER_REFUSED or kind.startswith("TEXT SEARCH"):
            return f"ALTER {kind} is not supported"
    if first == "COMMENT":
        kind = object_kind(text)
        if kind not in COMMENTABLE:
            return f"COMMENT ON {kind} is not supported"
    return None


# the constraints PostgreSQL lets be DEFERRABLE (exclusion constraints aside, which orbitdb has not)
_DEFERRABLE = (exp.Reference, exp.UniqueColumnConstraint, exp.PrimaryKey, exp.PrimaryKeyColumnConstraint)


def check_constraint_options(node: exp.Expression, columns: int) -> None:
    """Constraint options orbitdb cannot honour: a deferred check of anything but a foreign key, a
    unique or a primary key constraint, and MATCH FULL / PARTIAL on a multi-column foreign key
    (checked as MATCH SIMPLE)."""
    for n in node.walk():
        for opt in n.args.get("options") or []:
            text = " ".join((opt if isinstance(opt, str) else opt.sql(dialect="postgres")).upper().split())
            if (text.startswith("DEFERRABLE") or text == "INITIALLY DEFERRED") and not isinstance(n, _DEFERRABLE):
                raise SqlError("0A000", "DEFERRABLE constraints are not supported",
                               detail="orbitdb checks every constraint when a row is written.")
            if text in ("MATCH FULL", "MATCH PARTIAL") and columns > 1:
                raise SqlError("0A000", f"{text} foreign keys are not supported",
                               detail="A foreign key on several columns is checked as MATCH SIMPLE.")


# text comparisons are bytewise (UTF-8), which is what these collations sort by
BYTEWISE_COLLATIONS = {"c", "posix", "default", "ucs_basic"}


def check_collation(name: str) -> None:
    if name.lower() not in BYTEWISE_COLLATIONS:
        raise SqlError("0A000", f'collation "{name}" is not supported',
                       detail='orbitdb compares text bytewise, as the "C" collation does.')


_COLLATION_NAMES: dict[str, str | None] = {"c": "C", "posix": "POSIX", "ucs_basic": "ucs_basic", "default": None}


def column_collation(name: str) -> str | None:
    """The collation a column declared COLLATE name records (pg_collation's spelling; None: default)."""
    check_collation(name)
    return _COLLATION_NAMES[name.lower()]


def check_table_properties(node: exp.Create) -> None:
    """CREATE TABLE options that would change what the table holds or returns."""
    props = node.args.get("properties")
    for p in props.expressions if props is not None else []:
        if isinstance(p, exp.TableSpaceProperty):
            name = p.this.name if isinstance(p.this, exp.Expression) else str(p.this)
            if name.lower() != "pg_default":
                raise SqlError("42704", f'tablespace "{name}" does not exist')
        if isinstance(p, exp.FileFormatProperty):
            method = p.this.name if isinstance(p.this, exp.Expression) else str(p.this)
            if method.lower() != "heap":
                raise SqlError("42704", f'access method "{method}" does not exist')
