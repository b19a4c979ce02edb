"""Child process of the CREATE/DROP DATABASE kill -9 test: makes copies of database `tpl` and
drops the one before, writing "created NAME" / "dropped NAME" on stdout once each returned."""

from __future__ import annotations

import sys

from orbitdb.sql.cluster.cluster import Cluster
from orbitdb.sql.utility.databases import NewDatabase


def main(data_dir: str, first: int) -> None:
    cluster = Cluster.open(data_dir)
    session = cluster.session("orbit", "actors")
    sys.stdout.write("ready\n")
    sys.stdout.flush()
    i = first
    while True:
        name = f"db{i}"
        cluster.create_database(session, NewDatabase(name=name, owner="orbit", template="tpl" if i % 2 else "template1"))
        sys.stdout.write(f"created {name}\n")
        sys.stdout.flush()
        if i > first:
            previous = f"db{i - 1}"
            cluster.drop_database(session, previous, missing_ok=False, force=False)
            sys.stdout.write(f"dropped {previous}\n")
            sys.stdout.flush()
        i += 1


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
