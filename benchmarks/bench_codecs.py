"""Micro-benchmark of storage's codecs: µs per row for key encoding, row encoding, row decoding
and a primary-key read through a transaction (key encode + engine get + row decode).

Steadier than the SQL benchmark on a shared machine (no SQL layer, no fsync): each figure is the
best of --repeat timed loops of --loops calls.

    PYTHONPATH=. python benchmarks/bench_codecs.py [--rows 20000] [--loops 20000] [--repeat 5]

Rows are those of bench_sql.py's items table (id integer PRIMARY KEY, k integer, name text,
amount numeric(12,2), created date) and a wide row of every other storage kind.
"""

from __future__ import annotations

import argparse
import datetime
import random
import shutil
import tempfile
import timeit
import uuid
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from orbitdb.storage.catalog import ColumnDef, TableDef
from orbitdb.storage.interval import Interval
from orbitdb.storage.keycodec import encode_key
from orbitdb.storage.rowcodec import RowCodec
from orbitdb.storage.tables import TableAccess
from orbitdb.storage.txn import Store

ITEMS_KINDS = ["int", "int", "text", "numeric", "date"]
WIDE_KINDS = ["int", "float", "bool", "text", "bytes", "ts", "tstz", "time", "interval", "uuid", "json",
              "array:int"]


def items_row(x: int, n: int) -> tuple[Any, ...]:
    return (x, (x * 37) % max(1, n // 10), f"name-{x}", Decimal(x % 100000) / 100,
            datetime.date(2020, 1, 1) + datetime.timedelta(days=x % 1000))


def wide_row(x: int) -> tuple[Any, ...]:
    utc = datetime.timezone.utc
    return (x, x / 3, x % 2 == 0, f"text value {x}", bytes(range(x % 32)),
            datetime.datetime(2021, 5, 4, 3, 2, 1, x % 1000), datetime.datetime(2021, 5, 4, 3, 2, 1, tzinfo=utc),
            datetime.time(12, 30, x % 60), Interval(1, 2, x), uuid.UUID(int=x), {"a": x, "b": [1, 2]},
            [x, None, x + 1])


def best_us(fn: Callable[[], Any], loops: int, repeat: int) -> float:
    return min(timeit.repeat(fn, number=loops, repeat=repeat)) / loops * 1e6


def make_store(path: str, n: int) -> tuple[Store, TableAccess]:
    store = Store(path)
    txn = store.begin()
    txn.begin_statement()
    cat = txn.writable_catalog()
    oid = cat.new_oid()
    table = TableDef(oid, "public", "items")
    for i, (name, kind) in enumerate(zip(["id", "k", "name", "amount", "created"], ITEMS_KINDS)):
        table.columns.append(ColumnDef(name, kind, kind, i))
    table.next_slot = len(table.columns)
    table.primary_key = ["id"]
    cat.put(table)
    txn.commit()
    acc = TableAccess(table)
    txn = store.begin()
    txn.begin_statement()
    for x in range(n):
        row = items_row(x, n)
        txn.put(acc.row_key(row), acc.encode(row))
    txn.commit()
    store.engine.flush()
    return store, acc


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=20000)
    parser.add_argument("--loops", type=int, default=20000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    loops, repeat = args.loops, args.repeat
    rng = random.Random(1)

    items = RowCodec(ITEMS_KINDS)
    wide = RowCodec(WIDE_KINDS)
    irow = items_row(12345, args.rows)
    wrow = wide_row(12345)
    idata, wdata = items.encode(irow), wide.encode(wrow)
    results: list[tuple[str, float]] = [
        ("encode_key (int)", best_us(lambda: encode_key((12345,)), loops, repeat)),
        ("encode_key (text, int)", best_us(lambda: encode_key(("name-12345", 12345)), loops, repeat)),
        ("encode row (items)", best_us(lambda: items.encode(irow), loops, repeat)),
        ("decode row (items)", best_us(lambda: items.decode(idata), loops, repeat)),
        ("encode row (12 kinds)", best_us(lambda: wide.encode(wrow), loops, repeat)),
        ("decode row (12 kinds)", best_us(lambda: wide.decode(wdata), loops, repeat)),
    ]
    if hasattr(items, "decode_columns"):
        results.append(("decode 1 column (items)", best_us(lambda: items.decode_columns(idata, [2]), loops, repeat)))

    path = tempfile.mkdtemp(prefix="bench-codecs-")
    try:
        store, acc = make_store(path, args.rows)
        txn = store.begin()
        txn.begin_statement()
        ids = [rng.randrange(args.rows) for _ in range(loops)]
        it = iter(ids * (repeat + 1))
        if hasattr(acc, "get_row"):
            def get_row() -> Any:
                return acc.get_row(txn, (next(it),))
            label = "get_row (TableAccess.get_row)"
        else:
            def get_row() -> Any:
                return acc.get(txn, acc.pk_key((next(it),)))
            label = "get_row (pk_key + get + decode)"
        assert get_row() is not None
        results.append((label, best_us(get_row, loops, repeat)))
        keys = [acc.pk_key((i,)) for i in ids[:100]]
        if hasattr(acc, "multi_get"):
            results.append(("multi_get, 100 keys, per row",
                            best_us(lambda: acc.multi_get(txn, keys), loops // 100, repeat) / 100))
        else:
            results.append(("100 x get, per row", best_us(lambda: [acc.get(txn, k) for k in keys], loops // 100,
                                                          repeat) / 100))
        txn.rollback()
        store.close()
    finally:
        shutil.rmtree(path, ignore_errors=True)
    print(f"{'operation':<34} {'µs/row':>8}   (items row {len(idata)} B, wide row {len(wdata)} B)")
    for name, us in results:
        print(f"{name:<34} {us:8.3f}")


if __name__ == "__main__":
    main()
