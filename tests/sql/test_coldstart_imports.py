"""What `import orbitdb` and a first query load, each checked in a fresh interpreter: the function
library and PostgreSQL's built-in catalog data load on first use, and each first use (a catalog
relation, a reg* conversion, a catalog function, an ordinary function) finds what it needs."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import orbitdb

_LAZY = ("orbitdb.sql.functions", "orbitdb.sql.pgcatalog.pgdata", "orbitdb.sql.pgcatalog.builtin_data",
         "orbitdb.sql.cluster.cluster", "ctypes")


def _fresh(tmp_path: Path, body: str) -> dict[str, object]:
    """Runs body in a new interpreter connected to an existing database with one table; body sets
    `out` (a JSON-able dict), which is returned with the lazily loaded modules then present."""
    path = str(tmp_path / "db")
    con = orbitdb.connect(path)
    con.cursor().execute("CREATE TABLE items (id integer PRIMARY KEY, name text)")
    con.cursor().execute("INSERT INTO items VALUES (1, 'one')")
    con.commit()
    con.close()
    code = f"""
import json, sys
import orbitdb
con = orbitdb.connect({path!r})
cur = con.cursor()
out = {{}}
{body}
out["loaded"] = [m for m in {_LAZY!r} if m in sys.modules]
con.close()
print(json.dumps(out))
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def test_import_connect_and_a_point_query_load_no_library_or_catalog(tmp_path: Path) -> None:
    out = _fresh(tmp_path, """
cur.execute("SELECT id, name FROM items WHERE id = %s", (1,))
out["rows"] = cur.fetchall()
""")
    assert out["rows"] == [[1, "one"]]
    assert out["loaded"] == []


def test_first_catalog_relation_loads_the_catalog(tmp_path: Path) -> None:
    out = _fresh(tmp_path, """
cur.execute("SELECT relname, relkind FROM pg_class WHERE relname IN ('items', 'pg_type') ORDER BY 1")
out["rows"] = cur.fetchall()
cur.execute("SELECT typname FROM pg_type WHERE oid IN (23, 25) ORDER BY oid")
out["types"] = cur.fetchall()
cur.execute("SELECT column_name FROM information_schema.columns WHERE table_name = 'items' ORDER BY 1")
out["columns"] = cur.fetchall()
""")
    assert out["rows"] == [["items", "r"], ["pg_type", "r"]]
    assert out["types"] == [["int4"], ["text"]]
    assert out["columns"] == [["id"], ["name"]]
    assert "orbitdb.sql.pgcatalog.pgdata" in out["loaded"]  # type: ignore[operator]


def test_first_reg_conversion_loads_the_catalog(tmp_path: Path) -> None:
    out = _fresh(tmp_path, """
cur.execute("SELECT 'pg_class'::regclass::oid, 'items'::regclass::text, 'int4'::regtype::oid")
out["rows"] = cur.fetchall()
""")
    assert out["rows"] == [[1259, "items", 23]]


def test_first_catalog_function_and_ordinary_function(tmp_path: Path) -> None:
    out = _fresh(tmp_path, """
cur.execute("SELECT format_type(23, -1), pg_get_userbyid(10), upper(name) FROM items")
out["rows"] = cur.fetchall()
cur.execute("SELECT to_char(date '2024-03-05', 'YYYY%MM')")
out["template"] = cur.fetchall()
""")
    assert out["rows"] == [["integer", "postgres", "ONE"]]
    assert out["template"] == [["2024%03"]]
    assert "orbitdb.sql.functions" in out["loaded"]  # type: ignore[operator]
