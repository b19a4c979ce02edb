"""Cold start: `import`, `connect` to an existing database and a first query, each in a fresh
Python process, for orbitdb beside the stdlib sqlite3 (same steps, same table, same query).

    PYTHONPATH=. python benchmarks/bench_coldstart.py [--runs 15] [--bytecode warm|none]

Each run starts a new interpreter that times, with perf_counter, the import of the module, the
connect to a database made beforehand (a table of --rows rows) and one query (--query; by default
a point select by primary key) fetched to the end. "total" is the three together, "total_cpu" the
CPU time they took (steadier than wall time on a busy machine), "process" the whole subprocess as
the parent sees it (interpreter start-up and exit included). The figures are medians over --runs
runs; orbitdb and sqlite3 alternate run by run so that a busy machine weighs on both.

--bytecode warm (the default) lets the children keep compiled bytecode (in a temporary
PYTHONPYCACHEPREFIX, warmed by one unmeasured run), as an installed package has it;
--bytecode none sets PYTHONDONTWRITEBYTECODE=1 with no cache, so every module orbitdb's tree
holds is compiled from source on each start (what this machine's environment does by default).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time

STEPS = ("import", "connect", "first_query", "total", "total_cpu", "process")

# One child: times the three steps of a cold start and prints them as JSON.
CHILD = r"""
import json, sys, time
engine, path, sql = sys.argv[1], sys.argv[2], sys.argv[3]
c0 = time.process_time()
t0 = time.perf_counter()
if engine == "orbitdb":
    import orbitdb as mod
else:
    import sqlite3 as mod
    sql = sql.replace("%s", "?")
t1 = time.perf_counter()
con = mod.connect(path)
t2 = time.perf_counter()
cur = con.cursor()
cur.execute(sql, (42,))
row = cur.fetchall()
t3 = time.perf_counter()
c3 = time.process_time()
assert len(row) == 1 and row[0][0] == 42, row
con.close()
print(json.dumps({"import": t1 - t0, "connect": t2 - t1, "first_query": t3 - t2, "total_cpu": c3 - c0}))
"""


def make_databases(workdir: str, rows: int) -> dict[str, str]:
    """An orbitdb database and a sqlite3 file (WAL), each with the same items table."""
    import orbitdb

    odb = os.path.join(workdir, "orbit")
    con = orbitdb.connect(odb)
    cur = con.cursor()
    cur.execute("CREATE TABLE items (id integer PRIMARY KEY, name text)")
    cur.executemany("INSERT INTO items VALUES (%s, %s)", [(i, f"name-{i}") for i in range(rows)])
    con.commit()
    con.close()

    lite = os.path.join(workdir, "lite.db")
    scon = sqlite3.connect(lite)
    scon.execute("PRAGMA journal_mode=WAL")
    scon.execute("CREATE TABLE items (id integer PRIMARY KEY, name text)")
    scon.executemany("INSERT INTO items VALUES (?, ?)", [(i, f"name-{i}") for i in range(rows)])
    scon.commit()
    scon.close()
    return {"orbitdb": odb, "sqlite3": lite}


def child_env(bytecode: str, pycache: str) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTHONPYCACHEPREFIX", None)
    if bytecode == "warm":
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        # kept out of the source tree, and the same for both engines
        env["PYTHONPYCACHEPREFIX"] = pycache
    else:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def one_run(engine: str, path: str, query: str, env: dict[str, str]) -> dict[str, float]:
    start = time.perf_counter()
    # run in the database's folder: `python -c` puts the working directory first on sys.path,
    # where a checkout would shadow the orbitdb that PYTHONPATH names
    out = subprocess.run([sys.executable, "-c", CHILD, engine, path, query], env=env, check=True,
                         capture_output=True, text=True, cwd=os.path.dirname(path)).stdout
    process = time.perf_counter() - start
    times = json.loads(out)
    times["total"] = times["import"] + times["connect"] + times["first_query"]
    times["process"] = process
    return times


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--rows", type=int, default=1000)
    ap.add_argument("--bytecode", choices=("warm", "none"), default="warm")
    # the first query, fetched to the end; %s is the parameter 42. One calling a function (say
    # "SELECT id, upper(name) FROM items WHERE id = %s") also loads orbitdb's function library.
    ap.add_argument("--query", default="SELECT id, name FROM items WHERE id = %s")
    args = ap.parse_args()

    workdir = tempfile.mkdtemp(prefix="bench_coldstart_")
    try:
        paths = make_databases(workdir, args.rows)
        env = child_env(args.bytecode, os.path.join(workdir, "pycache"))
        for engine in paths:  # unmeasured: writes the bytecode cache in warm mode
            one_run(engine, paths[engine], args.query, env)
        samples: dict[str, list[dict[str, float]]] = {engine: [] for engine in paths}
        for _ in range(args.runs):
            for engine in paths:
                samples[engine].append(one_run(engine, paths[engine], args.query, env))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)

    import sqlglot

    print(f"cold start, median of {args.runs} fresh processes, bytecode={args.bytecode}, "
          f"python {sys.version.split()[0]}, sqlglot {sqlglot.__version__}, {args.rows} rows")
    print(f"first query: {args.query}")
    medians = {engine: {step: statistics.median(s[step] for s in runs) * 1000 for step in STEPS}
               for engine, runs in samples.items()}
    print(f"{'ms':<10}" + "".join(f"{step:>13}" for step in STEPS))
    for engine, row in medians.items():
        print(f"{engine:<10}" + "".join(f"{row[step]:>13.1f}" for step in STEPS))
    ratio = {step: medians["orbitdb"][step] / medians["sqlite3"][step] for step in STEPS}
    print(f"{'ratio':<10}" + "".join(f"{ratio[step]:>12.1f}x" for step in STEPS))


if __name__ == "__main__":
    main()
