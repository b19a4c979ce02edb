"""Child process for the kill -9 tests: commits numbered rows, reporting each
acknowledged commit on stdout, while one transaction stays open."""

from __future__ import annotations

import sys

import orbitdb


def main(path: str, start: int) -> None:
    con = orbitdb.connect(path)
    con.autocommit = True
    cur = con.cursor()
    cur.execute("CREATE TABLE IF NOT EXISTS items (id serial PRIMARY KEY, n int NOT NULL, tag text)")
    cur.execute("CREATE INDEX IF NOT EXISTS items_n ON items (n)")
    pending = orbitdb.connect(path)
    pcur = pending.cursor()  # never committed: its rows must vanish
    pcur.execute("INSERT INTO items (n, tag) VALUES (-1, 'uncommitted')")
    i = start
    while True:
        cur.execute("BEGIN")
        cur.execute("INSERT INTO items (n, tag) VALUES (%s, 'a'), (%s, 'b')", (i, i))
        cur.execute("COMMIT")
        sys.stdout.write(f"{i}\n")
        sys.stdout.flush()
        i += 1


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
