"""Child process for the kill -9 test of large commits: transactions big enough to be written
as a table of their own (not through the write-ahead log) alternate with small ones, each
acknowledged commit reported on stdout as "<kind> <batch>"."""

from __future__ import annotations

import sys

import orbitdb

ROWS = 25_000  # x ~250 bytes: a write set of about 6 MB


def main(path: str, start: int) -> None:
    con = orbitdb.connect(path)
    con.autocommit = True
    cur = con.cursor()
    cur.execute("CREATE TABLE IF NOT EXISTS big (batch int, i int, pad text, PRIMARY KEY (batch, i))")
    cur.execute("CREATE INDEX IF NOT EXISTS big_i ON big (i)")
    cur.execute("CREATE TABLE IF NOT EXISTS small (batch int PRIMARY KEY)")
    batch = start
    while True:
        cur.execute("BEGIN")
        cur.execute("INSERT INTO big SELECT %s, g, repeat(md5(g::text), 7) FROM generate_series(1, %s) g",
                    (batch, ROWS))
        cur.execute("COMMIT")
        sys.stdout.write(f"big {batch}\n")
        sys.stdout.flush()
        cur.execute("INSERT INTO small VALUES (%s)", (batch,))
        sys.stdout.write(f"small {batch}\n")
        sys.stdout.flush()
        batch += 1


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
