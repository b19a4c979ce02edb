"""`orbitdb serve` with tests/wire/fake_sql.py in place of the SQL layer: the wire protocol can be
tested before (and apart from) orbitdb.sql. Same arguments as `orbitdb serve`."""

from __future__ import annotations

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from fake_sql import FakeDatabase

from orbitdb import cli

cli._open_database = lambda path, knobs: FakeDatabase.open(path, **knobs)  # type: ignore[assignment]

if __name__ == "__main__":
    sys.exit(cli.main(["serve", *sys.argv[1:]]))
