"""EXPLAIN (FORMAT JSON | YAML | XML) against a real PostgreSQL 15: the same tree of nodes (their
types, relations, aliases, parent relationships) in the same structured forms, one value per
statement; and every EXPLAIN option PostgreSQL takes, with its errors for the rest."""

from __future__ import annotations

import json
from typing import Any

import pytest
from both_engines import reference_pg

__all__ = ["reference_pg"]

SETUP = [
    "CREATE TABLE users (id int PRIMARY KEY, name text, age int)",
    "CREATE TABLE orders (id int PRIMARY KEY, user_id int, total numeric)",
    "INSERT INTO users SELECT g, 'u' || g, g % 50 FROM generate_series(1, 200) g",
    "INSERT INTO orders SELECT g, g % 200 + 1, g * 1.5 FROM generate_series(1, 400) g",
]
QUERIES = [
    "SELECT * FROM users WHERE age > 40 ORDER BY age",
    "SELECT count(*) FROM users",
    "SELECT * FROM generate_series(1, 3)",
    "SELECT * FROM generate_series(1, 3) g",
]
KEPT = ("Node Type", "Parent Relationship", "Relation Name", "Alias", "Index Name", "Function Name", "Strategy")


def _shape(node: dict[str, Any]) -> dict[str, Any]:
    out = {k: node[k] for k in KEPT if k in node}
    if "Plans" in node:
        out["Plans"] = [_shape(p) for p in node["Plans"]]
    return out


@pytest.fixture(scope="module")
def both(reference_pg: Any, tmp_path_factory: Any) -> Any:
    import orbitdb

    ours = orbitdb.connect(str(tmp_path_factory.mktemp("explain") / "db"))
    ours.autocommit = True
    theirs = reference_pg.connect(reference_pg.create_database("explain_formats"))
    theirs.autocommit = True
    curs = (ours.cursor(), theirs.cursor())
    for cur in curs:
        for sql in SETUP + ["ANALYZE"]:
            cur.execute(sql)
    yield curs
    ours.close()
    theirs.close()


@pytest.mark.parametrize("query", QUERIES)
def test_json_plan_has_postgresqls_tree(both: Any, query: str) -> None:
    plans = []
    for cur in both:
        cur.execute("EXPLAIN (FORMAT JSON, COSTS OFF) " + query)
        rows = cur.fetchall()
        assert len(rows) == 1
        value = rows[0][0]
        plans.append(json.loads(value) if isinstance(value, str) else value)
    assert [_shape(p["Plan"]) for p in plans[0]] == [_shape(p["Plan"]) for p in plans[1]]


def test_json_with_analyze_has_times_and_estimates(both: Any) -> None:
    cur = both[0]
    cur.execute("EXPLAIN (FORMAT JSON, ANALYZE) SELECT * FROM users WHERE age > 40 ORDER BY age")
    (top,) = json.loads(cur.fetchone()[0])
    plan = top["Plan"]
    assert plan["Node Type"] == "Sort" and plan["Actual Loops"] == 1
    assert plan["Plans"][0]["Actual Rows"] == 36 and plan["Plans"][0]["Plan Rows"] > 0
    assert isinstance(plan["Total Cost"], float)
    assert top["Triggers"] == [] and top["Execution Time"] >= 0 and top["Planning Time"] >= 0


def test_yaml_and_xml_name_the_same_nodes(both: Any) -> None:
    for cur in both:
        cur.execute("EXPLAIN (FORMAT YAML, COSTS OFF) SELECT * FROM users WHERE age > 40")
        yaml_text = cur.fetchone()[0]
        assert yaml_text.splitlines()[:2] == ["- Plan: ", '    Node Type: "Seq Scan"'] or \
            yaml_text.splitlines()[:2] == ["- Plan:", '    Node Type: "Seq Scan"']
        assert '    Relation Name: "users"' in yaml_text.splitlines()
        cur.execute("EXPLAIN (FORMAT XML, COSTS OFF) SELECT * FROM users WHERE age > 40")
        xml_text = cur.fetchone()[0]
        assert xml_text.startswith('<explain xmlns="http://www.postgresql.org/2009/explain">')
        assert "<Node-Type>Seq Scan</Node-Type>" in xml_text and "&gt; 40" in xml_text


OPTION_ERRORS = [
    ("EXPLAIN (FORMAT NOSUCH) SELECT 1", "22023"), ("EXPLAIN (NOSUCH) SELECT 1", "42601"),
    ("EXPLAIN (COSTS maybe) SELECT 1", "42601"), ("EXPLAIN (TIMING) SELECT 1", "22023"),
    ("EXPLAIN (WAL) SELECT 1", "22023"), ("EXPLAIN (FORMAT) SELECT 1", "42601"), ("EXPLAIN () SELECT 1", "42601"),
    ("EXPLAIN VERBOSE ANALYZE SELECT 1", "42601"), ("EXPLAIN (ANALYZE, TIMING off, SUMMARY off) SELECT 1", None),
]


@pytest.mark.parametrize(("sql", "sqlstate"), OPTION_ERRORS)
def test_options_as_postgresql_takes_them(both: Any, sql: str, sqlstate: str | None) -> None:
    seen = []
    for cur in both:
        try:
            cur.execute(sql)
            seen.append(len(cur.fetchall()))
        except Exception as e:  # noqa: BLE001  (compared below)
            seen.append(getattr(e, "sqlstate", None) or getattr(e, "pgcode", None))
    assert seen[0] == seen[1]
    if sqlstate is not None:
        assert seen[0] == sqlstate


DML = [
    "INSERT INTO users VALUES (1000, 'a', 2)",
    "INSERT INTO users VALUES (1001, 'a', 2), (1002, 'b', 3)",
    "INSERT INTO users AS u SELECT id + 2000, name, age FROM users",
    "UPDATE users SET age = 1 WHERE age = 3",
    "DELETE FROM users u WHERE u.age = 3",
    "SELECT typname FROM pg_type",
]


@pytest.mark.parametrize("statement", DML)
def test_data_modifying_statements_and_catalogs_explain_as_postgresql(both: Any, statement: str) -> None:
    """INSERT, UPDATE and DELETE show their ModifyTable node over the rows they take; a system
    catalog is a Seq Scan."""
    plans = []
    for cur in both:
        cur.execute("EXPLAIN (FORMAT JSON, COSTS OFF) " + statement)
        value = cur.fetchone()[0]
        plans.append(_shape((json.loads(value) if isinstance(value, str) else value)[0]["Plan"]))
    assert plans[0] == plans[1]
    both[0].execute("EXPLAIN (COSTS OFF) " + statement)
    assert both[0].fetchall()[0][0].split(" on ")[0] in ("Insert", "Update", "Delete", "Seq Scan")
