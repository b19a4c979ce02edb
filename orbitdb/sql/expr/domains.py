"""Domain constraints: a value becoming a domain's (a column write, a cast) must pass the domain's
NOT NULL and CHECK constraints, and those of the domains it is built on, base first."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from orbitdb.sql.errors import SqlError
from orbitdb.sql.expr.core import Runtime
from orbitdb.sql.expr.scope import Scope, ScopeColumn
from orbitdb.sql.parse.parser import parse_one
from orbitdb.sql.types import usertypes as U
from orbitdb.storage.catalog import TypeDef

if TYPE_CHECKING:
    from orbitdb.sql.plan.planner import Planner

Checker = Callable[[Any], Any]


def domain_chain(planner: Planner, td: TypeDef) -> list[TypeDef]:
    """td and the domains under it, the innermost first (a domain over an array of a domain ends
    the chain: its elements are checked by array_domain_checker)."""
    chain: list[TypeDef] = []
    cur: TypeDef | None = td
    while cur is not None and cur.kind == "d" and cur not in chain:
        chain.insert(0, cur)
        base = U.stored_type(planner.catalog, cur.base_type or "text")
        cur = None if base.is_array else base.typedef
    return chain


def array_domain_checker(planner: Planner, element: TypeDef, rt: Runtime) -> Checker:
    """array value -> value, every element (NULLs too) checked against the element domain."""
    check = domain_checker(planner, element, rt)
    nested = U.stored_type(planner.catalog, element.base_type or "text").is_array  # elements are arrays

    def visit(v: Any) -> None:
        if isinstance(v, list) and not nested:
            for x in v:
                visit(x)
        else:
            check(v)

    def check_array(value: Any) -> Any:
        if value is not None:
            for x in value:
                visit(x)
        return value

    return check_array


def domain_checker(planner: Planner, td: TypeDef, rt: Runtime) -> Checker:
    """value -> value, raising PostgreSQL's 23502 / 23514 for a value the domain refuses."""
    from orbitdb.sql.expr.compiler import Compiler  # the compiler compiles casts with this module

    steps: list[tuple[str, bool, list[tuple[str, Callable[[Any], Any]]]]] = []
    for d in domain_chain(planner, td):
        base = U.sqltype_of(planner.catalog, d)
        scope = Scope([ScopeColumn(None, "value", base)])
        comp = Compiler(planner, scope, rt, where="check constraints")
        checks = []
        for name, text in d.checks:
            node = parse_one("SELECT " + text).expressions[0]
            checks.append((name, comp.compile_bool(node, "CHECK").fn))
        steps.append((U.stored_name(d), d.not_null, checks))

    innermost = domain_chain(planner, td)[0]
    base = U.stored_type(planner.catalog, innermost.base_type or "text")
    elements = array_domain_checker(planner, base.typedef, rt) if base.element_domain is not None else None

    def check(v: Any) -> Any:
        if elements is not None:
            elements(v)
        for name, not_null, checks in steps:
            if v is None:
                if not_null:
                    raise SqlError("23502", f"domain {name} does not allow null values")
                continue
            row = (v,)
            for cname, fn in checks:
                if fn(row) is False:
                    raise SqlError("23514", f'value for domain {name} violates check constraint "{cname}"',
                                   constraint=cname)
        return v

    return check
