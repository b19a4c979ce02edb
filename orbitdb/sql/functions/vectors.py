"""int2vector and oidvector (pg_index.indkey, indclass, pg_proc.proargtypes) as PostgreSQL's array
functions see them: one-dimensional arrays whose subscripts start at 0, so generate_subscripts gives
0..n-1 and array_lower 0 (SQLAlchemy's index reflection pairs unnest(indkey) with
generate_subscripts(indkey, 1) and asks pg_get_indexdef for column ord + 1). The other array
functions take them through anyarray (orbitdb/sql/expr/funccall.py)."""

from __future__ import annotations

from typing import Any

from orbitdb.sql import types as T
from orbitdb.sql.functions.registry import register

INT4, TEXT, BOOL = T.INT4, T.TEXT, T.BOOL
VECTORS = (T.INT2VECTOR, T.OIDVECTOR)


def vector_subscripts(v: list[Any], dim: int, reverse: bool = False) -> list[int]:
    if dim != 1 or not v:
        return []
    subscripts = list(range(len(v)))
    return subscripts[::-1] if reverse else subscripts


def vector_lower(v: list[Any], dim: int) -> int | None:
    return 0 if dim == 1 and v else None


def vector_upper(v: list[Any], dim: int) -> int | None:
    return len(v) - 1 if dim == 1 and v else None


def vector_dims(v: list[Any]) -> str | None:
    return f"[0:{len(v) - 1}]" if v else None


for _vector in VECTORS:
    register("generate_subscripts", [_vector, INT4], INT4, set_returning=True)(vector_subscripts)
    register("generate_subscripts", [_vector, INT4, BOOL], INT4, set_returning=True)(vector_subscripts)
    register("array_lower", [_vector, INT4], INT4)(vector_lower)
    register("array_upper", [_vector, INT4], INT4)(vector_upper)
    register("array_dims", [_vector], TEXT)(vector_dims)
