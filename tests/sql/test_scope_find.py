"""Scope.find (orbitdb/sql/expr/scope.py) on a wide scope, where it keeps its columns' positions
by name: columns added or a list replaced after a look-up are found, ambiguity and JOIN USING's
merged columns are decided as in a narrow scope."""

from __future__ import annotations

import pytest

from orbitdb.sql import types as T
from orbitdb.sql.errors import SqlError
from orbitdb.sql.expr.scope import Scope, ScopeColumn


def _wide() -> Scope:
    return Scope([ScopeColumn(f"t{i}", f"c{j}", T.INT4) for i in range(4) for j in range(6)])


def test_positions_follow_the_column_list() -> None:
    s = _wide()
    assert s.find("c2", "t1") == 8
    assert s.find("x", None) is None
    s.columns.append(ScopeColumn("t9", "x", T.INT4))
    assert s.find("x", None) == 24
    s.columns.extend([ScopeColumn("t9", "y", T.INT4)])
    assert s.find("y", "t9") == 25
    s.columns = [ScopeColumn("u", "x", T.INT4)] + s.columns
    assert s.find("x", "u") == 0
    with pytest.raises(SqlError, match="ambiguous"):
        s.find("x", None)


def test_ambiguity_and_merged_columns() -> None:
    s = _wide()
    with pytest.raises(SqlError, match='column reference "c1" is ambiguous'):
        s.find("c1", None)
    for c in s.columns:
        if c.name == "c1" and c.rel != "t3":
            c.using_merged = True  # as JOIN USING marks them after the scope was searched
    assert s.find("c1", None) == 19
    assert s.find("c1", "t0") == 1
