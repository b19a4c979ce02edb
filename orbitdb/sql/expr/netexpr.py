"""Operators on inet, cidr and macaddr values in expressions (which operand types PostgreSQL
accepts for each; the computing is orbitdb.sql.types.netops)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from orbitdb.sql import types as T
from orbitdb.sql.expr.core import E, coerce, strict1, strict2, type_error_operator
from orbitdb.sql.types import netops as N
from orbitdb.sql.types.pgtext.network import as_net

if TYPE_CHECKING:
    from orbitdb.sql.expr.compiler import Compiler

_NET = (T.INET.oid, T.CIDR.oid)
_MAC = (T.MACADDR.oid, T.MACADDR8.oid)


def _as_values(e: E) -> E:
    """e, its text read as an address: an inet column written by an orbitdb before the type
    existed holds text."""
    fn = e.fn

    def run(row: object) -> object:
        v = fn(row)
        return as_net(v, e.type.oid == T.CIDR.oid) if type(v) is str else v

    return E(run, e.type)


def is_net(t: T.SqlType) -> bool:
    return t.oid in _NET or t.oid in _MAC


def net_operator(c: Compiler, op: str, a: E, b: E) -> E | None:
    """a op b when an operand is a network type (None when neither is)."""
    if not is_net(a.type) and not is_net(b.type):
        return None
    if a.type.oid == T.UNKNOWN.oid:
        a = coerce(a, b.type if b.type.oid in _MAC else T.INET)
    if b.type.oid == T.UNKNOWN.oid:
        b = coerce(b, a.type if a.type.oid in _MAC else (T.INT8 if op == "+" else T.INET))
    ta, tb = a.type, b.type
    if ta.oid in _MAC or tb.oid in _MAC:
        if ta.oid != tb.oid or op not in ("&", "|"):
            raise type_error_operator(op, ta, tb)
        return E(strict2(N.mac_and if op == "&" else N.mac_or, a.fn, b.fn), ta)
    if ta.oid in _NET:
        a = _as_values(a)
    if tb.oid in _NET:
        b = _as_values(b)
    if ta.oid in _NET and tb.oid in T.INTEGER_TYPES and op in "+-":
        sign = 1 if op == "+" else -1
        return E(strict2(lambda v, n: N.plus(v, sign * n), a.fn, b.fn), T.INET)
    if tb.oid in _NET and ta.oid in T.INTEGER_TYPES and op == "+":
        return E(strict2(lambda n, v: N.plus(v, n), a.fn, b.fn), T.INET)
    if ta.oid not in _NET or tb.oid not in _NET:
        raise type_error_operator(op, ta, tb)
    a, b = _as_values(coerce(a, T.INET)), _as_values(coerce(b, T.INET))
    if op == "-":
        return E(strict2(N.minus, a.fn, b.fn), T.INT8)
    table = {
        "<<": lambda x, y: N.subnet(x, y, True), "<<=": lambda x, y: N.subnet(x, y, False),
        ">>": lambda x, y: N.subnet(x, y, True, False), ">>=": lambda x, y: N.subnet(x, y, False, False),
        "&&": N.overlap,
    }
    if op in table:
        return E(strict2(table[op], a.fn, b.fn), T.BOOL)
    if op in ("&", "|"):
        return E(strict2(N.bit_and if op == "&" else N.bit_or, a.fn, b.fn), T.INET)
    raise type_error_operator(op, ta, tb)


def net_not(a: E) -> E | None:
    """~ of an inet or macaddr value."""
    if a.type.oid in _NET:
        return E(strict1(N.bit_not, _as_values(coerce(a, T.INET)).fn), T.INET)
    if a.type.oid in _MAC:
        return E(strict1(N.mac_not, a.fn), a.type)
    return None
