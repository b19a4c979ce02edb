"""CREATE / ALTER / DROP TYPE (enums and composites) and CREATE / ALTER / DROP DOMAIN, as
PostgreSQL 15 has them. sqlglot does not parse these statements: they are read token by token
here, keeping the source text of DEFAULT and CHECK expressions."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlglot import exp

from orbitdb.sql import types as T
from orbitdb.sql.errors import SqlError
from orbitdb.sql.expr.compiler import Compiler
from orbitdb.sql.expr.core import Runtime, coerce
from orbitdb.sql.expr.domains import domain_checker
from orbitdb.sql.expr.scope import Scope, ScopeColumn
from orbitdb.sql.parse.parser import parse_one, strip_comments
from orbitdb.sql.plan.planner import Planner
from orbitdb.sql.result import Notice, Result
from orbitdb.sql.types import usertypes as U
from orbitdb.sql.types.casts import ASSIGNMENT
from orbitdb.sql.types.pgtext.names import truncate_identifier
from orbitdb.storage.catalog import TableDef, TypeDef
from orbitdb.storage.lockmodes import ACCESS_EXCLUSIVE
from orbitdb.storage.tables import TableAccess

if TYPE_CHECKING:
    from orbitdb.sql.ddl.commands import DDL

_TOKEN = re.compile(r"""(?:[Ee]'(?:[^'\\]|\\.|'')*')|'(?:[^']|'')*'|"(?:[^"]|"")*"|\$\$.*?\$\$|"""
                    r"""[A-Za-z_][A-Za-z_0-9$]*|\d+(?:\.\d+)?|::|\S""", re.DOTALL)


@dataclass
class _Tok:
    text: str
    start: int
    end: int

    @property
    def upper(self) -> str:
        return self.text.upper()


class _Reader:
    """The statement's tokens with their places in its text (to slice out expressions)."""

    def __init__(self, text: str) -> None:
        self.text = strip_comments(text).strip().rstrip(";").rstrip()
        self.toks = [_Tok(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(self.text)]
        self.i = 0

    def peek(self, k: int = 0) -> str:
        j = self.i + k
        return self.toks[j].upper if j < len(self.toks) else ""

    def take(self, *words: str) -> bool:
        if all(self.peek(k) == w for k, w in enumerate(words)):
            self.i += len(words)
            return True
        return False

    def expect(self, *words: str) -> None:
        if not self.take(*words):
            self.fail()

    def fail(self) -> SqlError:
        if self.i < len(self.toks):
            raise SqlError("42601", f'syntax error at or near "{self.toks[self.i].text}"')
        raise SqlError("42601", "syntax error at end of input")

    def at_end(self) -> bool:
        return self.i >= len(self.toks)

    def ident(self) -> str:
        if self.at_end():
            self.fail()
        tok = self.toks[self.i].text
        if tok.startswith('"'):
            self.i += 1
            return truncate_identifier(tok[1:-1].replace('""', '"'))
        if not (tok[0].isalpha() or tok[0] == "_"):
            self.fail()
        self.i += 1
        return truncate_identifier(tok.lower())

    def qualified(self) -> list[str]:
        parts = [self.ident()]
        while self.peek() == ".":
            self.i += 1
            parts.append(self.ident())
        if len(parts) > 2:
            raise SqlError("42601", f"improper qualified name (too many dotted names): {'.'.join(parts)}")
        return parts

    def string(self) -> str:
        if self.at_end():
            self.fail()
        tok = self.toks[self.i].text
        if not tok.startswith("'"):
            self.fail()
        self.i += 1
        return tok[1:-1].replace("''", "'")

    def until(self, stops: set[str]) -> str:
        """The source text up to (not including) one of the stop words at parenthesis depth 0."""
        depth = 0
        start = self.i
        while not self.at_end():
            up = self.peek()
            if depth == 0 and (up in stops or up == ","):
                break
            if up == "(":
                depth += 1
            elif up == ")":
                if depth == 0:
                    break
                depth -= 1
            self.i += 1
        if self.i == start:
            self.fail()
        return self.text[self.toks[start].start:self.toks[self.i - 1].end]

    def parenthesized(self) -> str:
        """The text inside the parentheses that come next."""
        if self.peek() != "(":
            self.fail()
        self.i += 1
        depth = 1
        start = self.i
        while not self.at_end():
            up = self.peek()
            if up == "(":
                depth += 1
            elif up == ")":
                depth -= 1
                if depth == 0:
                    inner = self.text[self.toks[start].start:self.toks[self.i - 1].end] if self.i > start else ""
                    self.i += 1
                    return inner
            self.i += 1
        raise SqlError("42601", "syntax error at end of input")


_TYPE_STOPS = {"DEFAULT", "CONSTRAINT", "NOT", "NULL", "CHECK", "COLLATE"}


def type_statement(d: DDL, text: str) -> Result:
    r = _Reader(text)
    verb = r.peek()
    r.i += 1
    if verb == "COMMENT":
        return _comment_on(d, r)
    if r.take("DOMAIN"):
        return {"CREATE": _create_domain, "ALTER": _alter_domain, "DROP": _drop_types}[verb](d, r, "DOMAIN")
    r.expect("TYPE")
    if verb == "CREATE":
        return _create_type(d, r)
    if verb == "ALTER":
        return _alter_type(d, r)
    return _drop_types(d, r, "TYPE")


def _comment_on(d: DDL, r: _Reader) -> Result:
    """COMMENT ON TYPE / DOMAIN name IS 'text' | NULL."""
    r.expect("ON")
    kind = "DOMAIN" if r.take("DOMAIN") else "TYPE"
    if kind == "TYPE":
        r.expect("TYPE")
    td = _find(d, r.qualified(), kind)
    assert td is not None
    r.expect("IS")
    if r.take("NULL"):
        comment = None
    else:
        comment = r.string() or None  # an empty comment removes it, as in PostgreSQL
    if not r.at_end():
        r.fail()
    td.comment = comment
    d.cat.touch(td.oid)
    return Result("COMMENT")


# ---------------------------------------------------------------- lookups


def _lookup(d: DDL, parts: list[str]) -> TypeDef | None:
    return U.find_typedef(d.cat, d.s.search_schemas(), parts)


def _find(d: DDL, parts: list[str], kind: str, missing_ok: bool = False) -> TypeDef | None:
    td = _lookup(d, parts)
    if td is not None:
        d.txn.lock(("obj", td.oid), ACCESS_EXCLUSIVE)
        d.txn.refresh_catalog()
        td = _lookup(d, parts)
    if td is None:
        if missing_ok:
            return None
        raise SqlError("42704", f'type "{".".join(parts)}" does not exist')
    if kind == "DOMAIN" and td.kind != "d":
        raise SqlError("42809", f'"{td.name}" is not a domain')
    return td


def _new_name(d: DDL, parts: list[str]) -> tuple[str, str]:
    schema = parts[0] if len(parts) > 1 else d.s.creation_schema()
    schema = d.s.resolve_schema(schema)
    if d.cat.schema(schema) is None:
        raise SqlError("3F000", f'schema "{schema}" does not exist')
    name = parts[-1]
    d.txn.lock(("type-name", schema, name), ACCESS_EXCLUSIVE)
    d.txn.refresh_catalog()
    if d.cat.type(schema, name) is not None or d.cat.table(schema, name) is not None:
        raise SqlError("42710", f'type "{name}" already exists')
    return schema, name


def _put_new(d: DDL, td: TypeDef) -> None:
    td.array_oid = d.cat.new_oid()
    td.owner = d.s.user
    d.cat.put(td)


# ---------------------------------------------------------------- CREATE TYPE


def _create_type(d: DDL, r: _Reader) -> Result:
    parts = r.qualified()
    if r.at_end():
        raise SqlError("0A000", "CREATE TYPE without a definition (a shell type) is not supported")
    if r.peek() == "(":
        raise SqlError("0A000", "CREATE TYPE with input and output functions (a base type) is not supported")
    r.expect("AS")
    if r.take("ENUM"):
        return _create_enum(d, r, parts)
    if r.take("RANGE"):
        raise SqlError("0A000", "CREATE TYPE ... AS RANGE is not supported")
    return _create_composite(d, r, parts)


def _label(label: str) -> str:
    if len(label.encode()) > 63:
        raise SqlError("42602", f'invalid enum label "{label}"', detail="Labels must be 63 bytes or less.")
    return label


def _create_enum(d: DDL, r: _Reader, parts: list[str]) -> Result:
    r.expect("(")
    labels: list[str] = []
    if not r.take(")"):
        while True:
            label = _label(r.string())
            if label in labels:
                raise SqlError("23505", 'duplicate key value violates unique constraint "pg_enum_typid_label_index"',
                               detail=f"Key (enumtypid, enumlabel)=(?, {label}) already exists.")
            labels.append(label)
            if r.take(")"):
                break
            r.expect(",")
    if not r.at_end():
        r.fail()
    schema, name = _new_name(d, parts)
    td = TypeDef(d.cat.new_oid(), schema, name, "e", labels=labels, label_oids=[d.cat.new_oid() for _ in labels])
    _put_new(d, td)
    return Result("CREATE TYPE")


def _attribute_list(d: DDL, r: _Reader) -> list[tuple[str, str]]:
    r.expect("(")
    attrs: list[tuple[str, str]] = []
    if r.take(")"):
        return attrs
    while True:
        name = r.ident()
        type_text = r.until({"COLLATE"})
        if r.take("COLLATE"):
            r.qualified()
        resolved = _type_of(d, type_text)
        if any(n == name for n, _ in attrs):
            raise SqlError("42701", f'column "{name}" specified more than once')
        attrs.append((name, resolved.stored))
        if r.take(")"):
            return attrs
        r.expect(",")


def _type_of(d: DDL, type_text: str) -> U.ResolvedType:
    resolved = U.resolve_type_text(d.cat, d.s.search_schemas(), type_text)
    if resolved.sql.category == "P" and resolved.sql.fields is None:
        raise SqlError("42P16", f"column has pseudo-type {resolved.sql.display()}")
    return resolved


def _create_composite(d: DDL, r: _Reader, parts: list[str]) -> Result:
    attrs = _attribute_list(d, r)
    if not r.at_end():
        r.fail()
    schema, name = _new_name(d, parts)
    td = TypeDef(d.cat.new_oid(), schema, name, "c", attributes=attrs, relid=d.cat.new_oid())
    _put_new(d, td)
    return Result("CREATE TYPE")


# ---------------------------------------------------------------- ALTER TYPE


def _alter_type(d: DDL, r: _Reader) -> Result:
    parts = r.qualified()
    td = _find(d, parts, "TYPE")
    assert td is not None
    tag = Result("ALTER TYPE")
    if _alter_common(d, r, td, "type"):
        return tag
    if td.kind == "e":
        if r.take("ADD", "VALUE"):
            _add_value(d, r, td)
        elif r.take("RENAME", "VALUE"):
            _rename_value(d, r, td)
        else:
            r.fail()
    elif td.kind == "c":
        _alter_attributes(d, r, td)
    else:
        raise SqlError("42809", f"{td.name} is a domain", hint="Use ALTER DOMAIN instead.")
    if not r.at_end():
        r.fail()
    d.cat.touch(td.oid)
    return tag


def _alter_common(d: DDL, r: _Reader, td: TypeDef, noun: str) -> bool:
    """RENAME TO, OWNER TO and SET SCHEMA, shared by ALTER TYPE and ALTER DOMAIN."""
    if r.take("RENAME", "TO"):
        new = r.ident()
        if d.cat.type(td.schema, new) is not None or d.cat.table(td.schema, new) is not None:
            raise SqlError("42710", f'type "{new}" already exists')
        _retarget_columns(d, td, lambda: setattr(td, "name", new))
    elif r.take("OWNER", "TO"):
        from orbitdb.sql.pgcatalog import regrole_in

        role = r.ident()
        if role.upper() in ("CURRENT_USER", "SESSION_USER", "CURRENT_ROLE"):
            role = d.s.user
        if regrole_in(d.s, role) is None:
            raise SqlError("42704", f'role "{role}" does not exist')
        td.owner = role
    elif r.take("SET", "SCHEMA"):
        schema = r.ident()
        if d.cat.schema(schema) is None:
            raise SqlError("3F000", f'schema "{schema}" does not exist')
        if schema != td.schema and (d.cat.type(schema, td.name) is not None or
                                    d.cat.table(schema, td.name) is not None):
            raise SqlError("42710", f'type "{td.name}" already exists in schema "{schema}"')
        _retarget_columns(d, td, lambda: setattr(td, "schema", schema))
    else:
        return False
    if not r.at_end():
        r.fail()
    d.cat.touch(td.oid)
    return True


def _retarget_columns(d: DDL, td: TypeDef, change: Any) -> None:
    """Renames or moves td; the columns, domains and composites that name it follow."""
    old = U.stored_name(td)
    change()
    new = U.stored_name(td)
    if old == new:
        return
    renames = {old: new, old + "[]": new + "[]"}
    for t in d.cat.tables():
        if any(c.type in renames for c in t.columns):
            for c in t.columns:
                c.type = renames.get(c.type, c.type)
            d.cat.touch(t.oid)
    for other in d.cat.types():
        changed = False
        if other.base_type in renames:
            other.base_type = renames[other.base_type or ""]
            changed = True
        if any(ty in renames for _, ty in other.attributes):
            other.attributes = [(n, renames.get(ty, ty)) for n, ty in other.attributes]
            changed = True
        if changed:
            d.cat.touch(other.oid)


def _add_value(d: DDL, r: _Reader, td: TypeDef) -> None:
    if_not_exists = r.take("IF", "NOT", "EXISTS")
    label = _label(r.string())
    where = None
    if r.take("BEFORE"):
        where = ("before", r.string())
    elif r.take("AFTER"):
        where = ("after", r.string())
    if label in td.labels:
        if if_not_exists:
            d.s.notices.append(Notice("NOTICE", "42710", f'enum label "{label}" already exists, skipping'))
            return
        raise SqlError("42710", f'enum label "{label}" already exists')
    pos = len(td.labels)
    if where is not None:
        if where[1] not in td.labels:
            raise SqlError("22023", f'"{where[1]}" is not an existing enum label')
        pos = td.labels.index(where[1]) + (1 if where[0] == "after" else 0)
    td.labels.insert(pos, label)
    td.label_oids.insert(pos, d.cat.new_oid())


def _rename_value(d: DDL, r: _Reader, td: TypeDef) -> None:
    old = r.string()
    r.expect("TO")
    new = _label(r.string())
    if old not in td.labels:
        raise SqlError("22023", f'"{old}" is not an existing enum label')
    if new in td.labels:
        raise SqlError("42710", f'enum label "{new}" already exists')
    td.labels[td.labels.index(old)] = new
    # stored values are labels: rewrite them in every column of the type or of an array of it
    names = {U.stored_name(td), U.stored_name(td) + "[]"}
    for t in list(d.cat.tables()):
        slots = [i for i, c in enumerate(t.columns) if c.type in names]
        if not slots or t.kind != "r":
            continue
        locked = d.lock_table(t, ACCESS_EXCLUSIVE)
        if locked is None:
            continue

        def renamed(v: Any) -> Any:
            if isinstance(v, list):
                return [renamed(x) for x in v]
            return new if v == old else v

        def convert(key: bytes, row: tuple[Any, ...], slots: list[int] = slots) -> tuple[Any, ...]:
            return tuple(renamed(v) if i in slots and v is not None else v for i, v in enumerate(row))

        d.rewrite(locked, locked, convert)


def _without(d: DDL, named: list[tuple[str, str]], name: str, if_exists: bool,
             missing: SqlError) -> list[tuple[str, str]]:
    """`named` (attributes or CHECKs, by name) without `name`; its absence is `missing`, or with
    IF EXISTS that error's message as a NOTICE."""
    if not any(n == name for n, _ in named):
        if not if_exists:
            raise missing
        d.s.notices.append(Notice("NOTICE", "00000", f"{missing.message}, skipping"))
    return [(n, v) for n, v in named if n != name]


def _renamed(named: list[tuple[str, str]], old: str, new: str, missing: SqlError,
             taken: SqlError) -> list[tuple[str, str]]:
    """`named` (attributes or CHECKs, by name) with `old` called `new`."""
    if not any(n == old for n, _ in named):
        raise missing
    if any(n == new for n, _ in named):
        raise taken
    return [(new if n == old else n, v) for n, v in named]


def _alter_attributes(d: DDL, r: _Reader, td: TypeDef) -> None:
    if _columns_using(d, td):
        raise SqlError("0A000", "ALTER TYPE of a composite type that a table column uses is not supported")
    while True:
        if r.take("ADD", "ATTRIBUTE"):
            name = r.ident()
            resolved = _type_of(d, r.until({"COLLATE", "CASCADE", "RESTRICT"}))
            if r.take("COLLATE"):
                r.qualified()
            if any(n == name for n, _ in td.attributes):
                raise SqlError("42701", f'column "{name}" of relation "{td.name}" already exists')
            td.attributes.append((name, resolved.stored))
        elif r.take("DROP", "ATTRIBUTE"):
            if_exists = r.take("IF", "EXISTS")
            name = r.ident()
            td.attributes = _without(d, td.attributes, name, if_exists,
                                     SqlError("42703", f'column "{name}" of relation "{td.name}" does not exist'))
        elif r.take("ALTER", "ATTRIBUTE"):
            name = r.ident()
            r.take("SET", "DATA")
            r.expect("TYPE")
            resolved = _type_of(d, r.until({"COLLATE", "CASCADE", "RESTRICT"}))
            if not any(n == name for n, _ in td.attributes):
                raise SqlError("42703", f'column "{name}" of relation "{td.name}" does not exist')
            td.attributes = [(n, resolved.stored if n == name else ty) for n, ty in td.attributes]
        elif r.take("RENAME", "ATTRIBUTE"):
            name = r.ident()
            r.expect("TO")
            new = r.ident()
            td.attributes = _renamed(td.attributes, name, new, SqlError("42703", f'column "{name}" does not exist'),
                                     SqlError("42701", f'column "{new}" of relation "{td.name}" already exists'))
        else:
            r.fail()
        r.take("CASCADE") or r.take("RESTRICT")
        if not r.take(","):
            return


def _is_builtin(parts: list[str]) -> bool:
    if len(parts) == 2 and parts[0] != "pg_catalog":
        return False
    try:
        T.parse_type_name(parts[-1])
    except SqlError:
        return False
    return True


def _builtin_name(parts: list[str]) -> str:
    return T.parse_type_name(parts[-1]).display()


def _columns_using(d: DDL, td: TypeDef) -> list[tuple[TableDef, int]]:
    names = {U.stored_name(td), U.stored_name(td) + "[]"}
    return [(t, i) for t in d.cat.tables() for i, c in enumerate(t.columns) if c.type in names]


# ---------------------------------------------------------------- DROP TYPE / DOMAIN


def _drop_types(d: DDL, r: _Reader, kind: str) -> Result:
    if_exists = r.take("IF", "EXISTS")
    names = [r.qualified()]
    while r.take(","):
        names.append(r.qualified())
    cascade = r.take("CASCADE")
    if not cascade:
        r.take("RESTRICT")
    if not r.at_end():
        r.fail()
    found: list[TypeDef] = []
    for parts in names:
        td = _find(d, parts, kind, missing_ok=True)
        if td is None and _is_builtin(parts):
            raise SqlError("2BP01", f"cannot drop type {_builtin_name(parts)} because it is required by the "
                           "database system")
        if td is None:
            if not if_exists:
                raise SqlError("42704", f'type "{".".join(parts)}" does not exist')
            d.s.notices.append(Notice("NOTICE", "00000", f'type "{".".join(parts)}" does not exist, skipping'))
            continue
        found.append(td)
    dropping = {td.oid for td in found}
    for td in found:
        uses = [u for u in U.uses_of_type(d.cat, td)
                if not any(u.startswith((f"type {o.name} ", f"composite type {o.name} "))
                           for o in found if o.oid != td.oid and o.oid in dropping)]
        if uses and not cascade:
            noun = "domain" if td.kind == "d" else "type"
            raise SqlError("2BP01", f"cannot drop {noun} {td.name} because other objects depend on it",
                           detail="\n".join(uses),
                           hint="Use DROP ... CASCADE to drop the dependent objects too.")
    dropped: list[str] = []
    for td in found:
        if cascade:
            _drop_dependents(d, td, dropping, dropped)
        d.cat.remove(td.oid)
    if dropped:
        if len(dropped) == 1:
            d.s.notices.append(Notice("NOTICE", "00000", f"drop cascades to {dropped[0]}"))
        else:
            d.s.notices.append(Notice("NOTICE", "00000", f"drop cascades to {len(dropped)} other objects",
                                      detail="\n".join(f"drop cascades to {x}" for x in dropped)))
    return Result(f"DROP {kind}")


def _drop_dependents(d: DDL, td: TypeDef, dropping: set[int], dropped: list[str]) -> None:
    """DROP ... CASCADE: the domains over td go (and what depends on them), composites lose their
    attributes of it, tables their columns of it, as PostgreSQL drops them."""
    names = {U.stored_name(td), U.stored_name(td) + "[]"}
    for other in list(d.cat.types()):
        if other.oid in dropping:
            continue
        if other.kind == "d" and other.base_type in names:
            dropping.add(other.oid)
            _drop_dependents(d, other, dropping, dropped)
            d.cat.remove(other.oid)
            dropped.append(f"type {other.name}")
        elif other.kind == "c" and any(ty in names for _, ty in other.attributes):
            for attr, _ in [(n, ty) for n, ty in other.attributes if ty in names]:
                dropped.append(f"composite type {other.name} column {attr}")
            other.attributes = [(n, ty) for n, ty in other.attributes if ty not in names]
            d.cat.touch(other.oid)
    for t in list(d.cat.tables()):
        columns = [c.name for c in t.columns if c.type in names]
        if not columns:
            continue
        locked = d.lock_table(t, ACCESS_EXCLUSIVE)
        if locked is None:
            continue
        for name in columns:
            d.alter_drop_column(locked, name, True, True)
            dropped.append(f"column {name} of {'view' if locked.kind == 'v' else 'table'} {locked.name}")
        d.cat.put(locked)


# ---------------------------------------------------------------- domains


def _create_domain(d: DDL, r: _Reader, _kind: str) -> Result:
    parts = r.qualified()
    r.take("AS")
    base_text = r.until(_TYPE_STOPS)
    if base_text.strip().lower() in _SERIALS:  # column shorthands, no types
        raise SqlError("42704", f'type "{base_text.strip().lower()}" does not exist')
    base = _type_of(d, base_text)
    if base.sql.fields is not None or base.sql.category == "P":
        raise SqlError("42804", f'"{base.stored}" is not a valid base type for a domain')
    schema, name = _new_name(d, parts)
    td = TypeDef(d.cat.new_oid(), schema, name, "d", base_type=base.stored)
    _domain_constraints(d, r, td)
    _put_new(d, td)
    return Result("CREATE DOMAIN")


_SERIALS = {"serial", "serial2", "serial4", "serial8", "smallserial", "bigserial"}


def _domain_constraints(d: DDL, r: _Reader, td: TypeDef) -> None:
    nulls: set[str] = set()
    while not r.at_end():
        if r.take("COLLATE"):
            r.qualified()
            t = U.stored_type(d.cat, td.base_type or "text").sql
            if not (T.is_string(t) or t.elem is not None and T.is_string(t.elem)):
                raise SqlError("42804", f"collations are not supported by type {t.display()}")
            continue
        if r.take("DEFAULT"):
            if td.default is not None:
                raise SqlError("42601", "multiple default expressions")
            td.default = _checked_default(d, td, r.until(_TYPE_STOPS))
            continue
        cname = r.ident() if r.take("CONSTRAINT") else None
        if r.take("NOT", "NULL"):
            nulls.add("not")
            td.not_null = True
        elif r.take("NULL"):
            nulls.add("null")
        elif r.take("CHECK"):
            _add_domain_check(d, td, cname, r.parenthesized())
            if r.take("NOT", "VALID"):
                pass
        else:
            r.fail()
        if len(nulls) > 1:
            raise SqlError("42601", "conflicting NULL/NOT NULL constraints")


def _planner(d: DDL) -> tuple[Planner, Runtime]:
    rt = Runtime([])
    return Planner(d.s, d.cat, rt), rt


def _checked_default(d: DDL, td: TypeDef, text: str) -> str:
    planner, rt = _planner(d)
    node = parse_one("SELECT " + text).expressions[0]
    if any(isinstance(n, (exp.Select, exp.Subquery)) for n in node.walk()):
        raise SqlError("0A000", "cannot use subquery in DEFAULT expression")
    base = U.stored_type(d.cat, td.base_type or "text").sql
    e = Compiler(planner, Scope(), rt, where="DEFAULT expressions").compile(node)
    coerce(e, base, ASSIGNMENT, f'domain "{td.name}"')
    return text


def _add_domain_check(d: DDL, td: TypeDef, cname: str | None, text: str) -> str:
    planner, rt = _planner(d)
    base = U.stored_type(d.cat, td.base_type or "text").sql
    node = parse_one("SELECT " + text).expressions[0]
    if any(isinstance(n, (exp.Select, exp.Subquery)) for n in node.walk()):
        raise SqlError("0A000", "cannot use subquery in check constraint")
    comp = Compiler(planner, Scope([ScopeColumn(None, "value", base)]), rt, where="check constraints")
    comp.compile_bool(node, "CHECK")
    if cname is None:
        cname = f"{td.name}_check"
        n = 0
        while any(c == cname for c, _ in td.checks):
            n += 1
            cname = f"{td.name}_check{n}"
    elif any(c == cname for c, _ in td.checks):
        raise SqlError("42710", f'constraint "{cname}" for domain "{td.name}" already exists')
    td.checks.append((cname, text.strip()))
    return cname


def _alter_domain(d: DDL, r: _Reader, _kind: str) -> Result:
    parts = r.qualified()
    td = _find(d, parts, "DOMAIN")
    assert td is not None
    tag = Result("ALTER DOMAIN")
    if _alter_common(d, r, td, "domain"):
        return tag
    if r.take("SET", "DEFAULT"):
        td.default = _checked_default(d, td, r.until(set()))
    elif r.take("DROP", "DEFAULT"):
        td.default = None
    elif r.take("SET", "NOT", "NULL"):
        td.not_null = True
        _validate_existing(d, td, "NOT NULL")
    elif r.take("DROP", "NOT", "NULL"):
        td.not_null = False
    elif r.take("ADD"):
        cname = r.ident() if r.take("CONSTRAINT") else None
        if r.take("NOT", "NULL"):
            td.not_null = True
            _validate_existing(d, td, "NOT NULL")
        else:
            r.expect("CHECK")
            name = _add_domain_check(d, td, cname, r.parenthesized())
            if not r.take("NOT", "VALID"):
                _validate_existing(d, td, name)
    elif r.take("DROP", "CONSTRAINT"):
        if_exists = r.take("IF", "EXISTS")
        cname = r.ident()
        r.take("CASCADE") or r.take("RESTRICT")
        td.checks = _without(d, td.checks, cname, if_exists,
                             SqlError("42704", f'constraint "{cname}" of domain "{td.name}" does not exist'))
    elif r.take("RENAME", "CONSTRAINT"):
        old = r.ident()
        r.expect("TO")
        new = r.ident()
        td.checks = _renamed(td.checks, old, new,
                             SqlError("42704", f'constraint "{old}" for domain "{td.name}" does not exist'),
                             SqlError("42710", f'constraint "{new}" for domain "{td.name}" already exists'))
    elif r.take("VALIDATE", "CONSTRAINT"):
        cname = r.ident()
        if not any(c == cname for c, _ in td.checks):
            raise SqlError("42704", f'constraint "{cname}" of domain "{td.name}" does not exist')
        _validate_existing(d, td, cname)
    else:
        r.fail()
    if not r.at_end():
        r.fail()
    d.cat.touch(td.oid)
    return tag


def _validate_existing(d: DDL, td: TypeDef, what: str) -> None:
    """ALTER DOMAIN ADD / SET NOT NULL: every stored value of a column of the domain (or of a
    domain over it) must pass."""
    planner, rt = _planner(d)
    domains = {td.oid} | {o.oid for o in d.cat.types() if o.kind == "d" and td in _chain(planner, o)}
    names = {U.stored_name(o) for o in d.cat.types() if o.oid in domains}
    check = domain_checker(planner, td, rt)
    for t in list(d.cat.tables()):
        slots = [i for i, c in enumerate(t.columns) if c.type in names]
        if not slots or t.kind != "r":
            continue
        for _key, row in TableAccess(t).keyed_rows(d.txn):
            for i in slots:
                v = row[i]
                try:
                    check(v)
                except SqlError as e:
                    if e.sqlstate == "23502":
                        raise SqlError("23502", f'column "{t.columns[i].name}" of table "{t.name}" contains '
                                       "null values") from None
                    raise SqlError("23514", f'column "{t.columns[i].name}" of table "{t.name}" contains values '
                                   f'that violate the new constraint') from None


def _chain(planner: Planner, td: TypeDef) -> list[TypeDef]:
    from orbitdb.sql.expr.domains import domain_chain

    return domain_chain(planner, td)
