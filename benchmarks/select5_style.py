"""Joins in the style of SQLite's sqllogictest select5.test: tables t1..tN of 10 rows with integer
columns a..e and a text column x, and queries joining up to 8 of them by equalities that form a
tree over the tables, with the FROM list and the conditions written in a shuffled (bad) order.
Used by benchmarks/bench_join_order.py and tests/sql/test_join_order.py."""

from __future__ import annotations

import random

COLUMNS = "abcde"


def create_statements(tables: int = 8, rows: int = 10, seed: int = 5) -> list[str]:
    """CREATE TABLE and INSERT statements: column a is 1..rows, b..e permutations of it."""
    rng = random.Random(seed)
    out = []
    for i in range(1, tables + 1):
        cols = ", ".join(f"{c}{i} integer" for c in COLUMNS)
        out.append(f"CREATE TABLE t{i} ({cols}, x{i} varchar(40))")
        perms = [list(range(1, rows + 1)) for _ in COLUMNS[1:]]
        for p in perms:
            rng.shuffle(p)
        values = []
        for k in range(rows):
            ints = [k + 1] + [p[k] for p in perms]
            values.append("(" + ", ".join(str(v) for v in ints) + f", 'table t{i} row {k + 1}')")
        out.append(f"INSERT INTO t{i} VALUES " + ", ".join(values))
    return out


def query(rng: random.Random, n: int, tables: int = 8) -> str:
    """A join of n distinct tables: each table after the first (in a random order) is tied to a
    random earlier one by an equality of random columns; FROM and WHERE are shuffled."""
    chosen = rng.sample(range(1, tables + 1), n)
    conds = []
    for pos in range(1, n):
        t, other = chosen[pos], chosen[rng.randrange(pos)]
        conds.append(f"{rng.choice(COLUMNS)}{t}={rng.choice(COLUMNS)}{other}")
    # a condition on a single table now and then, as select5 has
    if rng.random() < 0.3:
        t = rng.choice(chosen)
        conds.append(f"{rng.choice(COLUMNS)}{t} IN ({rng.randint(1, 10)},{rng.randint(1, 10)},{rng.randint(1, 10)})")
    rng.shuffle(conds)
    from_list = _bad_order(chosen, conds, rng)
    select = ",".join(f"x{t}" for t in sorted(chosen, key=lambda _: rng.random()))
    return (f"SELECT {select} FROM {','.join(f't{t}' for t in from_list)} WHERE " + " AND ".join(conds))


def _bad_order(chosen: list[int], conds: list[str], rng: random.Random) -> list[int]:
    """The FROM list: tables with no condition between them first, as far as they go (each
    next one joins the ones before it by a cross product in the written order)."""
    linked: dict[int, set[int]] = {t: set() for t in chosen}
    for c in conds:
        if "=" in c and " IN " not in c:
            a, b = (int(side[1:]) for side in c.split("="))
            linked[a].add(b)
            linked[b].add(a)
    rest = list(chosen)
    rng.shuffle(rest)
    order: list[int] = []
    while rest:
        free = [t for t in rest if not linked[t] & set(order)]
        pick = free[0] if free else rest[0]
        order.append(pick)
        rest.remove(pick)
    return order


def queries(count: int, seed: int = 17, smallest: int = 2, largest: int = 8, tables: int = 8) -> list[str]:
    rng = random.Random(seed)
    return [query(rng, rng.randint(smallest, largest), tables) for _ in range(count)]
