"""CREATE [OR REPLACE] FUNCTION | PROCEDURE and DROP FUNCTION | PROCEDURE | ROUTINE: the statement
text read into a catalog FunctionDef (pg_proc's fields), checked as PostgreSQL checks it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from orbitdb.sql import types as T
from orbitdb.sql.errors import SqlError
from orbitdb.sql.result import Notice, Result
from orbitdb.sql.routines.lexer import Token, tokenize
from orbitdb.sql.types import usertypes as U
from orbitdb.storage.catalog import FunctionDef

if TYPE_CHECKING:
    from orbitdb.sql.exec.context import ExecContext
    from orbitdb.sql.session.session import Session

_MODES = {"in": "i", "out": "o", "inout": "b", "variadic": "v"}
PSEUDO_TYPES = ("trigger", "event_trigger", "void", "record", "anyelement", "anyarray", "anynonarray",
                "anycompatible", "anycompatiblearray", "internal", "cstring", "any")


class Cursor:
    """Walks a token list (the statement's, or a PL/pgSQL body's)."""

    def __init__(self, tokens: list[Token], text: str) -> None:
        self.toks = tokens
        self.text = text
        self.i = 0

    def peek(self, k: int = 0) -> Token | None:
        j = self.i + k
        return self.toks[j] if j < len(self.toks) else None

    def at_word(self, *words: str) -> bool:
        t = self.peek()
        return t is not None and t.is_word(*words)

    def at_op(self, *ops: str) -> bool:
        t = self.peek()
        return t is not None and t.kind == "op" and t.value in ops

    def take_word(self, *words: str) -> bool:
        if self.at_word(*words):
            self.i += 1
            return True
        return False

    def take_op(self, op: str) -> bool:
        if self.at_op(op):
            self.i += 1
            return True
        return False

    def next(self) -> Token:
        t = self.peek()
        if t is None:
            raise SqlError("42601", "syntax error at end of input")
        self.i += 1
        return t

    def expect_word(self, *words: str) -> str:
        t = self.peek()
        if t is None or not t.is_word(*words):
            raise self.error()
        self.i += 1
        return t.value

    def expect_op(self, op: str) -> None:
        if not self.take_op(op):
            raise self.error()

    def name(self) -> str:
        t = self.next()
        if t.kind not in ("ident", "qident"):
            self.i -= 1
            raise self.error()
        return t.value

    def error(self) -> SqlError:
        t = self.peek()
        if t is None:
            return SqlError("42601", "syntax error at end of input")
        return SqlError("42601", f'syntax error at or near "{self.text[t.start:t.end]}"', position=t.start + 1)

    def done(self) -> bool:
        return self.i >= len(self.toks)

    def until(self, stops: tuple[str, ...], ops: tuple[str, ...] = (",", ")")) -> tuple[int, int]:
        """The text span up to a stop word or operator outside parentheses."""
        start = self.peek().start if self.peek() is not None else len(self.text)
        end = start
        depth = 0
        while not self.done():
            t = self.peek()
            assert t is not None
            if depth == 0 and (t.kind == "op" and t.value in ops or t.kind == "ident" and t.value in stops):
                break
            if t.kind == "op" and t.value in ("(", "["):
                depth += 1
            elif t.kind == "op" and t.value in (")", "]"):
                depth -= 1
            end = t.end
            self.i += 1
        return start, end


@dataclass
class Signature:
    names: list[str] = field(default_factory=list)
    types: list[str] = field(default_factory=list)
    modes: list[str] = field(default_factory=list)
    defaults: list[str | None] = field(default_factory=list)


def resolve_type_name(s: Session, text: str, notices: list[Notice] | None = None) -> str:
    """A type as written in a routine's signature, in PostgreSQL's canonical spelling."""
    raw = " ".join(text.split())
    low = raw.lower()
    if low.endswith(("%type", "%rowtype")):
        return _referenced_type(s, raw, notices)
    if low in PSEUDO_TYPES:
        return low
    try:
        return T.parse_type_name(raw).display()
    except SqlError:
        pass
    base = low.removesuffix("[]")
    parts = [p.strip('"') for p in base.split(".")]
    schemas = [parts[0]] if len(parts) > 1 else s.search_schemas()
    cat = s.catalog()
    for sch in schemas:
        if cat.type(sch, parts[-1]) is not None or cat.table(sch, parts[-1]) is not None:
            return f"{sch}.{parts[-1]}" + ("[]" if low.endswith("[]") else "")  # kept qualified, as an oid is
    raise SqlError("42704", f'type "{raw}" does not exist')


def _referenced_type(s: Session, raw: str, notices: list[Notice] | None) -> str:
    """t.col%TYPE becomes the column's type (PostgreSQL says so with a NOTICE); t%ROWTYPE the table's row type."""
    body, _, which = raw.rpartition("%")
    parts = [p.strip('"') if p.startswith('"') else p.lower() for p in body.split(".")]
    cat = s.catalog()
    if which.lower() == "rowtype":
        for sch in ([parts[0]] if len(parts) > 1 else s.search_schemas()):
            if cat.table(sch, parts[-1]) is not None:
                return f"{sch}.{parts[-1]}"
        raise SqlError("42P01", f'relation "{body}" does not exist')
    if len(parts) < 2:
        raise SqlError("42601", f'improper %TYPE reference (too few dotted names): {body}')
    table, column = parts[-2], parts[-1]
    for sch in ([parts[0]] if len(parts) > 2 else s.search_schemas()):
        t = cat.table(sch, table)
        if t is not None:
            for c in t.columns:
                if c.name == column:
                    resolved = U.stored_type(cat, c.type)
                    typ = resolved.stored if resolved.typedef is not None else resolved.sql.display()
                    if notices is not None:
                        notices.append(Notice("NOTICE", "00000", f"type reference {raw} converted to {typ}"))
                    return typ
            raise SqlError("42703", f'column "{column}" of relation "{table}" does not exist')
    raise SqlError("42P01", f'relation "{table}" does not exist')


def parse_arguments(s: Session, c: Cursor, notices: list[Notice], for_drop: bool = False) -> Signature:
    sig = Signature()
    c.expect_op("(")
    if c.take_op(")"):
        return sig
    while True:
        mode = "i"
        t = c.peek()
        if t is not None and t.kind == "ident" and t.value in _MODES:
            nxt = c.peek(1)
            if nxt is not None and not (nxt.kind == "op" and nxt.value in (",", ")")):
                mode = _MODES[t.value]
                c.i += 1
        start, end = c.until(("default",), (",", ")", "="))
        words = c.text[start:end].strip()
        if not words:
            raise c.error()
        name, typ = _split_name_type(s, words)
        default = None
        if c.take_word("default") or c.take_op("="):
            ds, de = c.until((), (",", ")"))
            default = c.text[ds:de].strip()
        sig.names.append(name)
        sig.types.append(resolve_type_name(s, typ, notices))
        sig.modes.append(mode)
        sig.defaults.append(default)
        if c.take_op(")"):
            return sig
        c.expect_op(",")


def _split_name_type(s: Session, words: str) -> tuple[str, str]:
    """'a integer' -> ("a", "integer"); 'integer' or 'double precision' -> ("", the type)."""
    toks = tokenize(words)
    if len(toks) < 2:
        return "", words
    first = toks[0]
    rest = words[toks[1].start:]
    if first.kind == "qident":
        return first.value, rest
    whole_is_type = True
    try:
        resolve_type_name(s, words)
    except SqlError:
        whole_is_type = False
    if whole_is_type and not (toks[1].kind in ("ident", "qident") and _is_type(s, rest)):
        return "", words
    return first.value, rest


def _is_type(s: Session, text: str) -> bool:
    try:
        resolve_type_name(s, text)
        return True
    except SqlError:
        return False


def qualified_name(s: Session, c: Cursor) -> tuple[str | None, str]:
    first = c.name()
    if c.take_op("."):
        return first, c.name()
    return None, first


def parse_create(s: Session, text: str) -> tuple[FunctionDef, bool, list[Notice], int]:
    """(the routine, OR REPLACE, notices, where its body starts in text) of a CREATE FUNCTION |
    PROCEDURE statement."""
    notices: list[Notice] = []
    c = Cursor(tokenize(text), text)
    c.expect_word("create")
    replace = False
    if c.take_word("or"):
        c.expect_word("replace")
        replace = True
    kind = "p" if c.expect_word("function", "procedure") == "procedure" else "f"
    schema, name = qualified_name(s, c)
    schema = s.resolve_schema(schema) if schema else s.creation_schema()
    if s.catalog().schema(schema) is None and not schema.startswith("pg_temp"):
        raise SqlError("3F000", f'schema "{schema}" does not exist')
    sig = parse_arguments(s, c, notices)
    f = FunctionDef(0, schema, name, kind=kind, arg_names=sig.names, arg_types=sig.types, arg_modes=sig.modes,
                    arg_defaults=sig.defaults, owner=s.user)
    f.language = ""
    returns_given = False
    body: str | None = None
    body_offset = 0
    seen: set[str] = set()
    while not c.done():
        t = c.next()
        w = t.value if t.kind == "ident" else ""
        if w == "returns" and not c.at_word("null"):
            if kind == "p":
                c.i -= 1 if c.at_word("setof") else 0
                raise c.error()
            _returns(s, c, f, notices)
            returns_given = True
        elif w == "language":
            lang = c.next()
            f.language = lang.value.lower()
        elif w == "set":
            setting, value = _setting_clause(s, c)
            f.settings.append(f"{setting}={value}")
        elif w == "as":
            b = c.next()
            if b.kind != "string":
                raise SqlError("42601", "syntax error at or near " + repr(b.value))
            body = b.value
            body_offset = text.index("$", b.start + 1) + 1 if text[b.start] == "$" else b.start + 1
            if c.take_op(","):
                raise SqlError("0A000", "C-language functions (AS 'obj_file', 'link_symbol') are not supported")
        elif w == "return" and body is None:
            start = c.peek().start if c.peek() else len(text)
            body = "SELECT " + text[start:].strip()
            f.language = f.language or "sql"
            c.i = len(c.toks)
        elif w == "begin" and c.at_word("atomic"):
            raise SqlError("0A000", "BEGIN ATOMIC function bodies are not supported",
                           hint="Write the body as a dollar-quoted string: AS $$ ... $$.")
        elif w in ("window", "transform", "support"):
            raise SqlError("0A000", f"{w.upper()} functions are not supported")
        elif not _routine_option(c, f, w, seen):
            c.i -= 1
            raise c.error()
    if body is None:
        raise SqlError("42P13", "no function body specified")
    if not f.language:
        raise SqlError("42P13", "no language specified")
    if f.language not in ("sql", "plpgsql"):
        if f.language in ("c", "internal", "plpython3u", "plperl", "pltcl", "plv8"):
            raise SqlError("0A000", f'language "{f.language}" is not supported')
        raise SqlError("42704", f'language "{f.language}" does not exist')
    f.body = body
    if kind == "p":
        f.return_type = "record" if any(m in ("o", "b") for m in f.arg_modes) else "void"
        if any(m == "o" for m in f.arg_modes):
            pass
    elif not returns_given:
        outs = [t for t, m in zip(f.arg_types, f.arg_modes) if m in ("o", "b")]
        if not outs:
            raise SqlError("42P13", "function result type must be specified")
        f.return_type = outs[0] if len(outs) == 1 else "record"
    else:
        _check_out_arguments(f)
    _check_defaults(f)
    return f, replace, notices, body_offset


def _routine_option(c: Cursor, f: FunctionDef, w: str, seen: set[str] | None) -> bool:
    """Reads into `f` the attribute (one CREATE and ALTER FUNCTION share) that word `w` starts;
    False when `w` starts none of them. `seen` catches a repeated volatility (CREATE only)."""
    if w in ("immutable", "stable", "volatile"):
        if seen is not None:
            _once(seen, "volatility")
        f.volatility = w[0]
    elif w == "strict":
        f.strict = True
    elif w == "called":
        c.expect_word("on"), c.expect_word("null"), c.expect_word("input")
        f.strict = False
    elif w == "returns":
        c.expect_word("null"), c.expect_word("on"), c.expect_word("null"), c.expect_word("input")
        f.strict = True
    elif w == "not":
        c.expect_word("leakproof")
        f.leakproof = False
    elif w == "leakproof":
        f.leakproof = True
    elif w == "external":
        pass
    elif w == "security":
        f.security_definer = c.expect_word("definer", "invoker") == "definer"
    elif w == "parallel":
        f.parallel = {"unsafe": "u", "restricted": "r", "safe": "s"}[c.expect_word("unsafe", "restricted", "safe")]
    elif w == "cost":
        f.cost = float(c.next().value)
    elif w == "rows":
        f.rows = float(c.next().value)
    else:
        return False
    return True


def _setting_clause(s: Session, c: Cursor) -> tuple[str, str]:
    """The setting and value of SET name { TO | = } value[, ...] | FROM CURRENT, after SET."""
    setting = c.name()
    if c.take_word("from"):
        c.expect_word("current")
        return setting, s.get_setting(setting) or ""
    if not c.take_word("to"):
        c.expect_op("=")
    values = [_setting_value(c)]
    while c.take_op(","):
        values.append(_setting_value(c))
    return setting, ", ".join(values)


def _setting_value(c: Cursor) -> str:
    t = c.next()
    if t.kind == "op" and t.value in ("-", "+"):
        n = c.next()
        return t.value + n.value
    if t.kind not in ("ident", "qident", "string", "number"):
        c.i -= 1
        raise c.error()
    return t.value


def _once(seen: set[str], what: str) -> None:
    if what in seen:
        raise SqlError("42601", "conflicting or redundant options")
    seen.add(what)


def _returns(s: Session, c: Cursor, f: FunctionDef, notices: list[Notice]) -> None:
    if c.take_word("setof"):
        f.returns_set = True
    if c.at_word("table") and c.peek(1) is not None and c.peek(1).value == "(":  # type: ignore[union-attr]
        c.i += 1
        sig = parse_arguments(s, c, notices)
        if any(m != "i" for m in sig.modes):
            raise c.error()
        f.arg_names += sig.names
        f.arg_types += sig.types
        f.arg_modes += ["t"] * len(sig.types)
        f.arg_defaults += [None] * len(sig.types)
        f.returns_set = True
        f.return_type = sig.types[0] if len(sig.types) == 1 else "record"
        return
    start, end = c.until(("language", "as", "immutable", "stable", "volatile", "strict", "called", "returns",
                          "security", "parallel", "cost", "rows", "set", "leakproof", "not", "external",
                          "window", "return", "begin", "transform", "support"), (";",))
    f.return_type = resolve_type_name(s, c.text[start:end], notices)


def _check_out_arguments(f: FunctionDef) -> None:
    outs = [t for t, m in zip(f.arg_types, f.arg_modes) if m in ("o", "b")]
    if not outs:
        return
    expected = outs[0] if len(outs) == 1 else "record"
    if f.return_type != expected:
        if len(outs) == 1:
            raise SqlError("42P13", f"function result type must be {expected} because of OUT parameters")
        raise SqlError("42P13", "function result type must be record because of OUT parameters")


def _check_defaults(f: FunctionDef) -> None:
    seen_default = False
    for m, d in zip(f.arg_modes, f.arg_defaults):
        if m in ("o", "t"):
            if d is not None:
                raise SqlError("42P13", "only input parameters can have default values")
            continue
        if d is not None:
            seen_default = True
        elif seen_default:
            raise SqlError("42P13", "input parameters after one with a default value must also have defaults")
    names = [n for n, m in zip(f.arg_names, f.arg_modes) if n and m != "t"]
    for i, n in enumerate(names):
        if n in names[:i]:
            raise SqlError("42P13", f'parameter name "{n}" used more than once')


def input_types(f: FunctionDef) -> list[str]:
    return [t for t, m in zip(f.arg_types, f.arg_modes) if m in ("i", "b", "v")]


def identity(f: FunctionDef) -> str:
    """name(type, type): how PostgreSQL names a routine in messages."""
    return f"{f.name}({', '.join(input_types(f))})"


def create_routine(s: Session, text: str, ctx: ExecContext) -> Result:
    from orbitdb.sql.routines.calls import check_body

    f, replace, notices, body_offset = parse_create(s, text)
    s.notices.extend(notices)
    cat = ctx.txn.writable_catalog()
    same = [o for o in cat.functions_named(f.schema, f.name)
            if [_base(t) for t in input_types(o)] == [_base(t) for t in input_types(f)]]
    what = "procedure" if f.kind == "p" else "function"
    if same:
        old = same[0]
        if not replace:
            raise SqlError("42723", f'{what} "{f.name}" already exists with same argument types')
        if old.kind != f.kind:
            raise SqlError("42809", 'cannot change routine kind',
                           detail=f'"{old.name}" is a {"procedure" if old.kind == "p" else "function"}.')
        if old.kind == "f" and (old.return_type != f.return_type or old.returns_set != f.returns_set):
            raise SqlError("42P13", "cannot change return type of existing function",
                           hint=f"Use DROP FUNCTION {identity(old)} first.")
        _check_replacement(old, f, what)
        f.oid = old.oid
        f.owner = old.owner
        f.acl = old.acl
        f.comment = old.comment
    else:
        f.oid = cat.new_oid()
    check_body(s, f, body_offset)
    cat.put(f)
    return Result(f"CREATE {what.upper()}")


def _check_replacement(old: FunctionDef, new: FunctionDef, what: str) -> None:
    """What CREATE OR REPLACE may not change: the row type of OUT parameters, input parameter
    names, and defaults it would take away (PostgreSQL's checks)."""
    drop = f"Use DROP {what.upper()} {identity(old)} first."

    def outs(f: FunctionDef) -> list[tuple[str, str]]:
        return [(n, _base(t)) for n, t, m in zip(f.arg_names, f.arg_types, f.arg_modes) if m in ("o", "b", "t")]

    if old.kind == "f" and old.return_type == "record" and outs(old) != outs(new):
        raise SqlError("42P13", "cannot change return type of existing function",
                       detail="Row type defined by OUT parameters is different.", hint=drop)
    old_in = [(n, m) for n, m in zip(old.arg_names, old.arg_modes) if m in ("i", "b", "v")]
    new_in = [(n, m) for n, m in zip(new.arg_names, new.arg_modes) if m in ("i", "b", "v")]
    for (o, _), (n, _) in zip(old_in, new_in):
        if o and o != n:
            raise SqlError("42P13", f'cannot change name of input parameter "{o}"', hint=drop)
    old_defaults = sum(1 for d, m in zip(old.arg_defaults, old.arg_modes) if d is not None and m != "o")
    new_defaults = sum(1 for d, m in zip(new.arg_defaults, new.arg_modes) if d is not None and m != "o")
    if new_defaults < old_defaults:
        raise SqlError("42P13", "cannot remove parameter defaults from existing function", hint=drop)


def _base(t: str) -> str:
    """Argument types match ignoring their modifiers (numeric(10,2) is numeric)."""
    try:
        return T.strip(T.parse_type_name(t)).display()
    except SqlError:
        return t


def drop_routine(s: Session, text: str, ctx: ExecContext) -> Result:
    c = Cursor(tokenize(text), text)
    c.expect_word("drop")
    kind = c.expect_word("function", "procedure", "routine")
    if_exists = False
    if c.take_word("if"):
        c.expect_word("exists")
        if_exists = True
    cat = ctx.txn.writable_catalog()
    targets = []
    while True:
        schema, name = qualified_name(s, c)
        sig = parse_arguments(s, c, [], for_drop=True) if c.at_op("(") else None
        found = _find_for_drop(s, schema, name, sig, kind)
        if found is None and schema in (None, "pg_catalog") and _is_builtin(name):
            label = name if sig is None else f"{name}({', '.join(_drop_types(sig))})"
            raise SqlError("2BP01", f"cannot drop {kind} {label} because it is required by the database system")
        if found is None:
            label = name if sig is None else f"{name}({', '.join(_drop_types(sig))})"
            if not if_exists:
                if sig is None:
                    raise SqlError("42883", f"could not find a {kind} named \"{name}\"")
                raise SqlError("42883", f"{kind} {label} does not exist")
            written = name if sig is None else f"{name}({', '.join(_as_written(sig))})"
            s.notices.append(Notice("NOTICE", "00000", f"{kind} {written} does not exist, skipping"))
        else:
            targets.append(found)
        if not c.take_op(","):
            break
    cascade = c.take_word("cascade")
    if not cascade:
        c.take_word("restrict")
    if not c.done():
        raise c.error()
    for f in targets:
        _drop_dependent_triggers(s, cat, f, bool(cascade))
        cat.remove(f.oid)
    return Result(f"DROP {kind.upper()}")


def _drop_dependent_triggers(s: Session, cat: Any, f: FunctionDef, cascade: bool) -> None:
    """The triggers that execute f: 2BP01, or dropped with it under CASCADE."""
    users = [(t, trig) for t in cat.tables() for trig in t.triggers if trig.function == f.oid]
    if not users:
        return
    what = [f"trigger {trig.name} on table {t.name}" for t, trig in users]
    if not cascade:
        raise SqlError("2BP01", f"cannot drop function {f.name}() because other objects depend on it",
                       detail="\n".join(f"{w} depends on function {f.name}()" for w in what),
                       hint="Use DROP ... CASCADE to drop the dependent objects too.")
    if len(what) == 1:
        s.notices.append(Notice("NOTICE", "00000", f"drop cascades to {what[0]}"))
    else:
        s.notices.append(Notice("NOTICE", "00000", f"drop cascades to {len(what)} other objects",
                                detail="\n".join(f"drop cascades to {w}" for w in what)))
    for t in {t.oid: t for t, _ in users}.values():
        t.triggers = [trig for trig in t.triggers if trig.function != f.oid]
        cat.put(t)


# the SQL-standard type names PostgreSQL's grammar turns into pg_catalog types (and prints so)
_GRAMMAR_TYPES = {"integer": "int4", "bigint": "int8", "smallint": "int2", "numeric": "numeric", "real": "float4",
                  "double precision": "float8", "boolean": "bool", "character varying": "varchar",
                  "character": "bpchar", "timestamp without time zone": "timestamp",
                  "timestamp with time zone": "timestamptz", "time without time zone": "time",
                  "time with time zone": "timetz", "interval": "interval", "bit": "bit"}


def _as_written(sig: Signature) -> list[str]:
    """Argument types as PostgreSQL prints a signature it did not find (TypeNameListToString)."""
    out = []
    for t in _drop_types(sig):
        base, arr = (t[:-2], "[]") if t.endswith("[]") else (t, "")
        plain = base.split("(")[0]
        out.append(f"pg_catalog.{_GRAMMAR_TYPES[plain]}{arr}" if plain in _GRAMMAR_TYPES else t)
    return out


def _is_builtin(name: str) -> bool:
    from orbitdb.sql.expr import funcregistry
    from orbitdb.sql.expr.funccall import _ensure_library

    _ensure_library()
    return name in funcregistry.FUNCTIONS


def _drop_types(sig: Signature) -> list[str]:
    return [t for t, m in zip(sig.types, sig.modes) if m != "o"]


def _find_for_drop(s: Session, schema: str | None, name: str, sig: Signature | None, kind: str
                   ) -> FunctionDef | None:
    cat = s.catalog()
    for sch in ([s.resolve_schema(schema)] if schema else s.search_schemas()):
        found = cat.functions_named(sch, name)
        if kind == "function":
            wrong = [f for f in found if f.kind == "p"]
            found = [f for f in found if f.kind == "f"]
        elif kind == "procedure":
            wrong = [f for f in found if f.kind == "f"]
            found = [f for f in found if f.kind == "p"]
        else:
            wrong = []
        if sig is None:
            if len(found) > 1:
                raise SqlError("42725", f'{kind} name "{name}" is not unique',
                               hint="Specify the argument list to select the function unambiguously.")
            if found:
                return found[0]
            continue
        want = [_base(t) for t in _drop_types(sig)]
        for f in found:
            if [_base(t) for t in input_types(f)] == want:
                return f
        for f in wrong:
            if [_base(t) for t in input_types(f)] == want:
                raise SqlError("42809", f"{identity(f)} is not a {kind}")
    return None


def _target(s: Session, c: Cursor, kind: str, missing_ok: bool, what: str) -> FunctionDef | None:
    schema, name = qualified_name(s, c)
    sig = parse_arguments(s, c, [], for_drop=True) if c.at_op("(") else None
    f = _find_for_drop(s, schema, name, sig, kind)
    if f is None and schema in (None, "pg_catalog") and _is_builtin(name):
        raise SqlError("0A000", f"{what} {kind.upper()} is not supported for built-in functions")
    if f is None and not missing_ok:
        if sig is None:
            raise SqlError("42883", f'could not find a {kind} named "{name}"')
        raise SqlError("42883", f"{kind} {name}({', '.join(_drop_types(sig))}) does not exist")
    return f


def alter_routine(s: Session, text: str, ctx: ExecContext) -> Result:
    """ALTER FUNCTION | PROCEDURE | ROUTINE name[(args)]: OWNER TO, RENAME TO, SET SCHEMA, and the
    options CREATE takes (volatility, STRICT, SECURITY, PARALLEL, COST, ROWS, SET/RESET)."""
    from orbitdb.sql.pgcatalog import regrole_in

    c = Cursor(tokenize(text), text)
    c.expect_word("alter")
    kind = c.expect_word("function", "procedure", "routine")
    tag = f"ALTER {kind.upper()}"
    f = _target(s, c, kind, False, "ALTER")
    assert f is not None
    cat = ctx.txn.writable_catalog()
    f = cat.objects[f.oid]  # type: ignore[assignment]
    assert isinstance(f, FunctionDef)
    if c.take_word("owner"):
        c.expect_word("to")
        role = c.name()
        if role in ("current_user", "session_user", "current_role"):
            role = s.user
        if regrole_in(s, role) is None:
            raise SqlError("42704", f'role "{role}" does not exist')
        f.owner = role
    elif c.take_word("rename"):
        c.expect_word("to")
        new = c.name()
        clash = [o for o in cat.functions_named(f.schema, new) if input_types(o) == input_types(f)]
        if clash:
            raise SqlError("42723", f'function {new}({", ".join(input_types(f))}) already exists in schema '
                                    f'"{f.schema}"')
        f.name = new
    elif c.at_word("set") and c.peek(1) is not None and c.peek(1).is_word("schema"):  # type: ignore[union-attr]
        c.i += 2
        target = c.name()
        if cat.schema(target) is None:
            raise SqlError("3F000", f'schema "{target}" does not exist')
        f.schema = target
    elif c.at_word("depends", "no"):
        raise SqlError("0A000", f"{tag} ... DEPENDS ON EXTENSION is not supported")
    else:
        while not c.done():
            w = c.next().value
            if w == "set":
                setting, value = _setting_clause(s, c)
                f.settings = [x for x in f.settings if x.split("=", 1)[0] != setting] + [f"{setting}={value}"]
            elif w == "reset":
                if c.take_word("all"):
                    f.settings = []
                else:
                    setting = c.name()
                    f.settings = [x for x in f.settings if x.split("=", 1)[0] != setting]
            elif w == "restrict":
                continue
            elif not _routine_option(c, f, w, None):
                c.i -= 1
                raise c.error()
    if not c.done():
        raise c.error()
    cat.touch(f.oid)
    return Result(tag)


def comment_on_routine(s: Session, text: str, ctx: ExecContext) -> Result:
    """COMMENT ON FUNCTION | PROCEDURE | ROUTINE name[(args)] IS 'text' | NULL."""
    c = Cursor(tokenize(text), text)
    c.expect_word("comment")
    c.expect_word("on")
    kind = c.expect_word("function", "procedure", "routine")
    f = _target(s, c, kind, False, "COMMENT ON")
    assert f is not None
    c.expect_word("is")
    t = c.next()
    if t.is_word("null"):
        comment = None
    elif t.kind == "string":
        comment = t.value or None
    else:
        c.i -= 1
        raise c.error()
    if not c.done():
        raise c.error()
    cat = ctx.txn.writable_catalog()
    obj = cat.objects[f.oid]
    assert isinstance(obj, FunctionDef)
    obj.comment = comment
    cat.touch(obj.oid)
    return Result("COMMENT")
