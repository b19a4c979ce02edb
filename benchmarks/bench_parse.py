"""Parse time per statement: orbitdb's parser (sqlglot's Postgres dialect with orbitdb's own
pre-passes) without its statement cache, and sqlglot's tokenizer alone.

    PYTHONPATH=. python benchmarks/bench_parse.py [--loops 2000] [--repeat 5]

Run it with pure sqlglot and with the compiled build (sqlglotc installed beside the same
sqlglot version) to compare: the first line says which one this interpreter loads, from where
sqlglot's tokenizer and parser modules come (a .so file when compiled). Each figure is the best
of --repeat timed loops, in µs per statement.
"""

from __future__ import annotations

import argparse
import importlib.machinery
import timeit

import sqlglot
import sqlglot.parser
import sqlglot.tokenizer_core
from sqlglot.dialects.postgres import Postgres

from orbitdb.sql.parse import parser as orbit_parser

STATEMENTS = {
    "point select": "SELECT id, name FROM items WHERE id = $1",
    "insert": "INSERT INTO items (id, k, name, amount, created) VALUES ($1, $2, $3, $4, $5)",
    "update": "UPDATE items SET amount = amount + $1 WHERE id = $2",
    "join + group": (
        "SELECT c.name, count(*), sum(o.amount) FROM customers c JOIN orders o ON o.customer_id = c.id "
        "WHERE o.created >= '2024-01-01' GROUP BY c.name HAVING count(*) > 2 ORDER BY 3 DESC LIMIT 10"),
    "pgbench tpcb": "UPDATE pgbench_accounts SET abalance = abalance + -4213 WHERE aid = 81722",
    "catalog (psql \\d)": (
        "SELECT c.oid, n.nspname, c.relname FROM pg_catalog.pg_class c LEFT JOIN pg_catalog.pg_namespace n "
        "ON n.oid = c.relnamespace WHERE c.relname OPERATOR(pg_catalog.~) '^(items)$' COLLATE pg_catalog.default "
        "AND pg_catalog.pg_table_is_visible(c.oid) ORDER BY 2, 3"),
}


def is_compiled(module: object) -> bool:
    path = getattr(module, "__file__", "") or ""
    return path.endswith(tuple(importlib.machinery.EXTENSION_SUFFIXES))


def best_us(fn: object, loops: int, repeat: int) -> float:
    return min(timeit.repeat(fn, number=loops, repeat=repeat)) / loops * 1e6  # type: ignore[arg-type]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--loops", type=int, default=2000)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()

    compiled = is_compiled(sqlglot.tokenizer_core) and is_compiled(sqlglot.parser)
    print(f"sqlglot {sqlglot.__version__}, {'compiled (sqlglotc)' if compiled else 'pure Python'}: "
          f"tokenizer {sqlglot.tokenizer_core.__file__}, parser {sqlglot.parser.__file__}")
    parse_uncached = orbit_parser._parse_cached.__wrapped__  # type: ignore[attr-defined]
    dialect = Postgres()
    print(f"{'µs per statement':<20}{'orbitdb parse':>15}{'tokenize':>12}")
    for name, sql in STATEMENTS.items():
        parse_us = best_us(lambda sql=sql: parse_uncached(sql), args.loops, args.repeat)
        tok_us = best_us(lambda sql=sql: dialect.tokenize(sql), args.loops, args.repeat)
        print(f"{name:<20}{parse_us:>15.1f}{tok_us:>12.1f}")


if __name__ == "__main__":
    main()
