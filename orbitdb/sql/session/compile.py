"""A statement of its own (a query, a row change, SELECT INTO) compiled for the session's
statement cache: the clauses sqlglot does not know taken out first, parameter numbers checked
before the compiler makes room for them."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from sqlglot import exp

from orbitdb.sql.errors import SqlError
from orbitdb.sql.expr.core import MAX_PARAMETERS, Runtime
from orbitdb.sql.modify.statements import compile_insert_overriding, compile_node, is_select_into
from orbitdb.sql.parse.parser import Statement, parse_one
from orbitdb.sql.plan.compiled import Compiled
from orbitdb.sql.types import UNKNOWN

if TYPE_CHECKING:
    from orbitdb.sql.session.session import Session

_OVERRIDING = re.compile(r"\bOVERRIDING\s+(SYSTEM|USER)\s+VALUE\b", re.IGNORECASE)
_LARGE_PARAMETER = re.compile(r"\$0*[1-9]\d{5}")


def compile_statement(session: Session, st: Statement, rt: Runtime) -> Compiled:
    text = st.text
    overriding = None
    if st.kind == "INSERT":
        m = _OVERRIDING.search(text)
        if m:
            # sqlglot does not know the clause: take it out and tell the INSERT
            overriding = m.group(1).upper()
            text = text[: m.start()] + text[m.end():]
    node = parse_one(text)
    if _LARGE_PARAMETER.search(text):
        _check_parameter_numbers(node, rt)
    if overriding is not None:
        return compile_insert_overriding(session, node, rt, overriding)
    if is_select_into(node):
        from orbitdb.sql.ddl.commands import select_into  # DDL loads on first use (cold start)

        return select_into(session, node, rt)
    return compile_node(session, node, rt)


def _check_parameter_numbers(node: exp.Expression, rt: Runtime) -> None:
    """A parameter beyond what a Bind can carry: PostgreSQL's answer for a statement whose
    parameters cannot all be typed (the first of $1..$n neither given a type nor named), before
    the compiler makes room for n of them."""
    named = set()
    for p in node.find_all(exp.Parameter):
        ref = p.this.name if isinstance(p.this, exp.Expression) else p.this
        if str(ref).isdigit():
            named.add(int(ref))
    top = max(named, default=0)
    if top <= MAX_PARAMETERS:
        return
    if rt.param_count is not None:
        raise SqlError("42P02", f"there is no parameter ${top}")
    known = {i + 1 for i, t in enumerate(rt.param_types) if t.oid != UNKNOWN.oid}
    first = next((i for i in range(1, top + 1) if i not in named and i not in known), None)
    if first is None:
        raise SqlError("54000", f"statement has {top} parameters, more than the {MAX_PARAMETERS} a Bind can carry")
    raise SqlError("42P18", f"could not determine data type of parameter ${first}")
