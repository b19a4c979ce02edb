"""The range types' functions: the constructors (int4range(lower, upper [, flags]) and the
others; a NULL bound is infinite), lower/upper, isempty, the bound predicates and range_merge."""

from __future__ import annotations

from typing import Any

from orbitdb.sql import types as T
from orbitdb.sql.functions.registry import register
from orbitdb.sql.types import rangeops as R
from orbitdb.storage.ranges import MultiRange, Range


def _register_range(rt: T.SqlType) -> None:
    sub = T.RANGE_ELEMENT[rt.oid]
    oid = rt.oid

    def construct2(lower: Any, upper: Any) -> Range:
        return R.construct(oid, lower, upper)

    def construct3(lower: Any, upper: Any, flags: Any) -> Range:
        return R.construct(oid, lower, upper, flags)

    register(rt.short, [sub, sub], rt, strict=False)(construct2)
    register(rt.short, [sub, sub, T.TEXT], rt, strict=False)(construct3)
    register("lower", [rt], sub)(lambda r: r.lower)
    register("upper", [rt], sub)(lambda r: r.upper)
    register("isempty", [rt], T.BOOL)(lambda r: r.empty)
    register("lower_inc", [rt], T.BOOL)(lambda r: r.lower_inc)
    register("upper_inc", [rt], T.BOOL)(lambda r: r.upper_inc)
    register("lower_inf", [rt], T.BOOL)(lambda r: r.lower_inf)
    register("upper_inf", [rt], T.BOOL)(lambda r: r.upper_inf)
    register("range_merge", [rt, rt], rt)(lambda a, b: R.range_merge(oid, a, b))


def _register_multirange(mt: T.SqlType) -> None:
    rt = T.MULTIRANGE_RANGE[mt.oid]
    sub = T.RANGE_ELEMENT[rt.oid]
    oid = rt.oid

    def construct(*ranges: Any) -> MultiRange:
        return R.mr_construct(oid, list(ranges))

    register(mt.short, [rt], mt, strict=False, variadic=True, min_args=0)(construct)
    register("multirange", [rt], mt)(lambda r: R.mr_construct(oid, [r]))
    register("lower", [mt], sub)(lambda m: m.ranges[0].lower if m.ranges else None)
    register("upper", [mt], sub)(lambda m: m.ranges[-1].upper if m.ranges else None)
    register("isempty", [mt], T.BOOL)(lambda m: not m.ranges)
    register("lower_inc", [mt], T.BOOL)(lambda m: bool(m.ranges) and m.ranges[0].lower_inc)
    register("upper_inc", [mt], T.BOOL)(lambda m: bool(m.ranges) and m.ranges[-1].upper_inc)
    register("lower_inf", [mt], T.BOOL)(lambda m: bool(m.ranges) and m.ranges[0].lower is None)
    register("upper_inf", [mt], T.BOOL)(lambda m: bool(m.ranges) and m.ranges[-1].upper is None)
    register("range_merge", [mt], rt)(lambda m: R.mr_span(oid, m))


for _rt in T.RANGE_TYPES:
    _register_range(_rt)
for _mt in T.MULTIRANGE_TYPES:
    _register_multirange(_mt)
