"""The join order search (orbitdb/sql/plan/joinorder.py) against the plain dynamic programme it
stands for: every subset by size, each split of it tried with its parts in descending order,
parts tied by a condition only (all parts once the conditions leave some relation apart), the
first of equal costs kept. Random join graphs: trees (the split by one edge), cycles, conditions
over three relations, relations no condition reaches, equal estimates (ties) everywhere."""

from __future__ import annotations

import random
from typing import Any

import pytest

from orbitdb.sql.expr.scope import Scope
from orbitdb.sql.plan import costs
from orbitdb.sql.plan import joinorder as J


def _order(rng: random.Random, n: int) -> J._Order:
    rels = [J._Rel(object(), [None] * rng.choice((2, 6)), f"t{i}", 0,  # type: ignore[arg-type]
                   costs.RelEstimate(rng.choice((1.0, 10.0, 1000.0)), None), rng.choice((10.0, 1000.0)))
            for i in range(n)]
    preds = []
    shape = rng.choice(("tree", "cycles", "apart", "wide"))
    reach = n - 1 if shape != "apart" else rng.randrange(n)
    for i in range(1, reach + 1):
        j = rng.randrange(i)
        preds.append(J._Pred(None, 1 << i | 1 << j, "WHERE", (i, j) if rng.random() < 0.8 else None,  # type: ignore[arg-type]
                             rng.choice((0.001, 0.01, 0.1))))
    if shape in ("cycles", "wide") and n > 2:
        for _ in range(rng.randint(1, n)):
            members = rng.sample(range(n), 3 if shape == "wide" else 2)
            mask = sum(1 << m for m in members)
            preds.append(J._Pred(None, mask, "WHERE", None, rng.choice((0.01, 0.1))))  # type: ignore[arg-type]
    return J._Order(rels, preds, Scope(), list(range(n)))


def _reference(order: J._Order) -> Any:
    rows, linked, equal = order._subset_tables()
    n = order.n
    full = (1 << n) - 1
    for cross in (False, True):
        best = {1 << i: (order.leaf_cost(i), i) for i in range(n)}
        for s in sorted(range(1, full + 1), key=int.bit_count):
            if s & (s - 1) == 0:
                continue
            found = None
            sub = (s - 1) & s
            while sub:
                rest = s ^ sub
                a, b = best.get(sub), best.get(rest)
                if a is not None and b is not None and (cross or linked[sub] & rest):
                    cost = a[0] + b[0] + J._join_cost(rows[sub], rows[rest], rows[s], bool(equal[sub] & rest))
                    if found is None or cost < found[0]:
                        found = (cost, (a[1], b[1], "join"))
                sub = (sub - 1) & s
            if found is not None:
                best[s] = found
        if full in best:
            return best[full][1]
    raise AssertionError


@pytest.mark.parametrize("seed", range(6))
def test_search_finds_the_plain_programmes_tree(seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(60):
        n = rng.randint(2, 9)
        order = _order(rng, n)
        assert order._dynamic() == _reference(order), [(p.mask, p.sel, p.equi) for p in order.preds]
