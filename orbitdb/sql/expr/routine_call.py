"""Calls of user-defined functions (pg_proc rows of the catalog) in expressions: overload
resolution by argument types, named notation (a => 1) and defaults, as PostgreSQL resolves
them. The call itself goes through the session (session.call_routine): the routines stage that
runs bodies sits above this one."""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from sqlglot import exp

from orbitdb.sql import types as T
from orbitdb.sql.errors import SqlError
from orbitdb.sql.expr import funcregistry as R
from orbitdb.sql.expr.core import E, coerce, ident
from orbitdb.sql.expr.srf_context import check_set_returning_context
from orbitdb.sql.parse.lone_select import lone_select_expression
from orbitdb.sql.parse.parser import parse_one
from orbitdb.sql.types import SqlType
from orbitdb.sql.types import usertypes as U
from orbitdb.storage.catalog import FunctionDef

if TYPE_CHECKING:
    from orbitdb.sql.expr.compiler import Compiler

_POLY = {"anyelement": R.ANYELEMENT, "anynonarray": R.ANYELEMENT, "anycompatible": R.ANYELEMENT,
         "anyarray": R.ANYARRAY, "anycompatiblearray": R.ANYARRAY, "any": R.ANY}


def candidates(session: Any, catalog: Any, schema: str | None, name: str) -> list[FunctionDef]:
    if session is None:
        return []  # compiled without a session (an index's keys, for storage): built-in functions only
    schemas = [session.resolve_schema(schema)] if schema else session.search_schemas()
    out: list[FunctionDef] = []
    for sch in schemas:
        if catalog.has_function(sch, name):
            out.extend(catalog.functions_named(sch, name))
    return out


def returns_set(session: Any, catalog: Any, name: str, schema: str | None = None) -> bool:
    return any(f.returns_set for f in candidates(session, catalog, schema, name))


def _slots(f: FunctionDef, procedure_call: bool) -> list[tuple[str, str, str | None]]:
    """The arguments a call passes: (name, type, default)."""
    modes = ("i", "b", "v", "o") if procedure_call and f.kind == "p" else ("i", "b", "v")
    return [(n, t, d) for n, t, m, d in zip(f.arg_names, f.arg_types, f.arg_modes, f.arg_defaults) if m in modes]


def _spec(type_name: str, catalog: Any = None) -> Any:
    poly = _POLY.get(type_name)
    if poly is not None:
        return poly
    try:
        return T.parse_type_name(type_name)
    except SqlError:
        if catalog is not None:
            try:
                return U.stored_type(catalog, type_name).sql  # an enum, a domain's base type, ...
            except SqlError:
                pass
        return T.TEXT


def _packed(f: FunctionDef, slots: list[tuple[str, str, str | None]], positional: list[E],
            spread: bool, catalog: Any = None) -> list[E] | None:
    """The positional arguments with those of a VARIADIC parameter made one array (not when the
    call passes the array itself: f(VARIADIC arr)); None when they cannot be."""
    variadic = [m for m in f.arg_modes if m in ("i", "b", "v")]
    if spread or not variadic or variadic[-1] != "v":
        return positional
    fixed = len(slots) - 1
    if len(positional) <= fixed:
        return positional if slots[-1][2] is not None else None
    array_t = _spec(slots[-1][1], catalog)
    if not isinstance(array_t, SqlType) or array_t.elem is None:
        return positional
    parts = [coerce(a, array_t.elem) if a.type.oid == T.UNKNOWN.oid else a for a in positional[fixed:]]
    from orbitdb.sql.types.casts import IMPLICIT, find_cast

    fns = []
    for a in parts:
        if a.type.oid != array_t.elem.oid and find_cast(a.type, array_t.elem, IMPLICIT) is None:
            return None
        fns.append(coerce(a, array_t.elem).fn)
    return positional[:fixed] + [E(lambda row: [g(row) for g in fns], array_t)]


def _match(f: FunctionDef, positional: list[E], named: dict[str, E], procedure_call: bool, spread: bool = False,
           catalog: Any = None) -> tuple[int, list[tuple[Any, E | None, str | None]], dict[str, SqlType]] | None:
    from orbitdb.sql.expr.funccall import _arg_cost

    slots = _slots(f, procedure_call)
    packed = _packed(f, slots, positional, spread, catalog)
    if packed is None:
        return None
    positional = packed
    if len(positional) > len(slots):
        return None
    assigned: list[E | None] = list(positional) + [None] * (len(slots) - len(positional))
    names = [s[0] for s in slots]
    for key, e in named.items():
        if key not in names:
            return None
        k = names.index(key)
        if assigned[k] is not None:
            return None
        assigned[k] = e
    binding: dict[str, SqlType] = {}
    cost = 0
    out = []
    for (_name, typ, default), e in zip(slots, assigned):
        spec = _spec(typ, catalog)
        if e is None:
            if default is None:
                if procedure_call and f.kind == "p" and _is_out(f, _name, typ):
                    out.append((spec, None, None))
                    continue
                return None
            out.append((spec, None, default))
            continue
        k = _arg_cost(spec, e.type, binding)
        if k is None:
            return None
        cost += k
        out.append((spec, e, None))
    return cost, out, binding


def _is_out(f: FunctionDef, name: str, typ: str) -> bool:
    return any(n == name and t == typ and m == "o" for n, t, m in zip(f.arg_names, f.arg_types, f.arg_modes))


def resolve(c: Compiler, schema: str | None, name: str, arg_nodes: list[exp.Expression],
            procedure_call: bool = False) -> tuple[FunctionDef, list[E], list[SqlType]] | None:
    """The user function a call names and its arguments compiled in declaration order (defaults
    filled in), or None when no user function of that name and arguments exists."""
    found = candidates(c.planner.session, c.planner.catalog, schema, name)
    if not found:
        return None
    positional: list[E] = []
    named: dict[str, E] = {}
    spread = False
    for a in arg_nodes:
        if isinstance(a, (exp.Kwarg, exp.PropertyEQ)):
            key = a.this.name if isinstance(a.this, exp.Expression) else str(a.this)
            key = key if isinstance(a.this, exp.Identifier) and a.this.quoted else key.lower()
            named[key] = c.compile(a.expression)
        else:
            if named:
                raise SqlError("42601", "positional argument cannot follow named argument")
            if isinstance(a, exp.Variadic):
                spread = True
                a = a.this
            positional.append(c.compile(a))
    best: tuple[int, int] | None = None
    chosen = None
    for i, f in enumerate(found):
        m = _match(f, positional, named, procedure_call, spread, c.planner.catalog)
        if m is None:
            continue
        if best is None or (m[0], i) < best:
            best = (m[0], i)
            chosen = (f, m[1], m[2])
    if chosen is None:
        return None
    f, parts, binding = chosen
    elem = binding.get("elem", T.TEXT)
    args: list[E] = []
    for spec, e, default in parts:
        if e is None:
            if default is None:
                args.append(E(lambda row: None, T.UNKNOWN))
                continue
            node = parse_one("SELECT " + default)
            assert isinstance(node, exp.Select)
            e = c.compile(node.expressions[0])
        if isinstance(spec, SqlType):
            args.append(coerce(e, spec))
        elif spec == R.ANYARRAY and e.type.oid == T.UNKNOWN.oid:
            args.append(coerce(e, T.array_of(elem)))
        elif e.type.oid == T.UNKNOWN.oid:
            args.append(coerce(e, elem))
        else:
            args.append(e)
    return f, args, [a.type for a in args]


def result_type(f: FunctionDef, types: list[SqlType], session: Any) -> SqlType:
    ret = f.return_type
    if ret in ("anyelement", "anynonarray", "anycompatible"):
        for t, spec in zip(types, [t for t, m in zip(f.arg_types, f.arg_modes) if m in ("i", "b", "v")]):
            if spec in _POLY:
                return t.elem if _POLY[spec] == R.ANYARRAY and t.elem is not None else t
        return T.TEXT
    if ret in ("anyarray", "anycompatiblearray"):
        for t, spec in zip(types, [t for t, m in zip(f.arg_types, f.arg_modes) if m in ("i", "b", "v")]):
            if spec in _POLY:
                return t if _POLY[spec] == R.ANYARRAY else T.array_of(t)
        return T.array_of(T.TEXT)
    if ret == "trigger":
        return T.TEXT
    try:
        return T.parse_type_name(ret)
    except SqlError:
        return T.RECORD if session.routine_columns(f) is not None else T.TEXT


def compile_user_call(c: Compiler, schema: str | None, name: str, arg_nodes: list[exp.Expression]) -> E | None:
    hit = resolve(c, schema, name, arg_nodes)
    if hit is None:
        return None
    f, args, types = hit
    session = c.planner.session
    if f.kind == "p":
        raise SqlError("42809", f"{f.name}({', '.join(t.display() for t in types)}) is a procedure",
                       hint="To call a procedure, use CALL.")
    if f.return_type == "trigger":
        raise SqlError("0A000", "trigger functions can only be called as triggers")
    fns = [a.fn for a in args]
    rt = c.rt
    ret = result_type(f, types, session)
    cols = session.routine_columns(f)
    if cols is None and not f.returns_set:
        inlined = _inline(c, f, fns, types, ret)
        if inlined is not None:
            return inlined

    def fn(row: Any) -> Any:
        ctx = rt.ctx
        return ctx.session.call_routine(f, [g(row) for g in fns], ctx, types)

    e = E(fn, T.RECORD if cols is not None else ret, name=f.name)
    e.columns = cols
    single = [n for n, m in zip(f.arg_names, f.arg_modes) if m in ("o", "b", "t")]
    if cols is None and len(single) == 1 and single[0]:
        e.columns = [(single[0], ret)]  # FROM f() names its column after the OUT parameter
    if f.returns_set:
        check_set_returning_context(c.where)
        e.srf = True
    return e


def call_name(node: exp.Expression) -> tuple[str | None, exp.Expression]:
    """(schema, function node) of a schema-qualified call (sqlglot reads s.f(x) as a Dot)."""
    if isinstance(node, exp.Dot) and isinstance(node.this, exp.Identifier) and \
            isinstance(node.expression, (exp.Anonymous, exp.Func)):
        return ident(node.this), node.expression
    return None, node


def no_user_function(c: Compiler, name: str, arg_nodes: list[exp.Expression]) -> SqlError:
    shown = []
    for a in arg_nodes:
        if isinstance(a, (exp.Kwarg, exp.PropertyEQ)):
            key = a.this.name if isinstance(a.this, exp.Expression) else str(a.this)
            shown.append(f"{key} => {c.compile(a.expression).type.display()}")
        else:
            shown.append(c.compile(a).type.display())
    return SqlError("42883", f"function {name}({', '.join(shown)}) does not exist",
                    hint="No function matches the given name and argument types. You might need to add explicit "
                         "type casts.")


def _inline(c: Compiler, f: FunctionDef, fns: list[Any], types: list[SqlType], ret: SqlType) -> E | None:
    """A LANGUAGE sql function whose body is SELECT <expression> (no FROM), compiled into the
    caller as that expression, its arguments computed once and passed as parameters (PostgreSQL
    inlines such functions too); None when the body is of another shape."""
    from orbitdb.sql.expr.core import Runtime
    from orbitdb.sql.expr.scope import Scope
    from orbitdb.sql.types.casts import ASSIGNMENT

    c.planner.permissions.routine(f.oid)  # EXECUTE, checked at each run of the plan that inlines it
    if f.language != "sql" or f.security_definer or f.settings or f.return_type in _POLY or any(
            t in _POLY for t in f.arg_types) or f.return_type in ("void", "record", "trigger"):
        return None
    body = f.body.strip().rstrip(";").strip()
    if ";" in body:
        return None
    item = lone_select_expression(body)
    if item is None:
        return None
    names = [n for n, m in zip(f.arg_names, f.arg_modes) if m in ("i", "b", "v")]

    def to_parameter(n: exp.Expression) -> exp.Expression:
        if isinstance(n, exp.Column) and not n.table and isinstance(n.this, exp.Identifier):
            name = ident(n.this)
            if name in names and name:
                return exp.Parameter(this=exp.Literal.number(names.index(name) + 1))
        return n

    inner_rt = Runtime(list(types), len(types))
    try:
        e = c.__class__(c.planner, Scope(), inner_rt).compile(item.copy().transform(to_parameter))
        e = coerce(e, ret, ASSIGNMENT)
    except SqlError:
        return None
    if e.srf or e.columns is not None:
        return None
    body_fn = e.fn
    rt = c.rt
    strict = f.strict

    def fn(row: Any) -> Any:
        vals = [g(row) for g in fns]
        if strict and None in vals:
            return None
        frame = copy.copy(rt.ctx)  # the caller's statement, with the arguments as its parameters
        frame.params = vals
        previous = inner_rt.ctx
        inner_rt.ctx = frame
        try:
            return body_fn(())
        finally:
            inner_rt.ctx = previous

    return E(fn, ret, name=f.name)
