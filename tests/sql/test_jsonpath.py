"""jsonpath (orbitdb/sql/expr/jsonpath.py): jsonb_path_exists/_match/_query/_query_array/
_query_first with lax and strict paths, filters, predicates, arithmetic, methods and variables,
and the @? and @@ operators, against PostgreSQL 15."""

from __future__ import annotations

from pathlib import Path

from differential import differences
from pg_reference import PgServer, reference_pg  # noqa: F401 - the fixture

STATEMENTS = [
    ("SELECT jsonb_path_query_array('{\"a\": [1, 2, 3, 4]}'::jsonb, '$.a[*] ? (@ > 2)'), "
    "jsonb_path_exists('{\"a\": 1}'::jsonb, '$.a')"),
    ("SELECT jsonb_path_query_first('{\"a\": {\"b\": [10, 20]}}'::jsonb, '$.a.b[1]'), "
    "'{\"a\": 5}'::jsonb @? '$.a ? (@ > 3)', '{\"a\": 5}'::jsonb @@ '$.a > 6'"),
    "SELECT jsonb_path_query('{\"a\": [1, 2, 3, 4, 5]}', '$.a[1 to 3]')",
    ("SELECT jsonb_path_query('{\"a\": [1, 2, 3, 4, 5]}', '$.a[last]'), "
    "jsonb_path_query('{\"a\": [1, 2, 3, 4, 5]}', '$.a[last - 1]')"),
    "SELECT jsonb_path_query('{\"a\": [{\"b\": 1}, {\"b\": 2}]}', '$.a.b')",
    "SELECT jsonb_path_query('{\"a\": [{\"b\": 1}, {\"b\": 2}]}', 'strict $.a.b')",
    "SELECT jsonb_path_query('{\"a\": [{\"b\": 1}, {\"b\": 2}]}', '$.a[*] ? (@.b == 2)')",
    "SELECT jsonb_path_match('{\"a\": 1}', '$.a == 1')",
    "SELECT jsonb_path_match('{\"a\": 1}', '$.a')",
    "SELECT jsonb_path_match('{\"a\": 1}', '$.a', '{}', true)",
    ("SELECT jsonb_path_query('{\"a\": \"abc\"}', '$.a ? (@ starts with \"ab\")'), "
    "jsonb_path_query('{\"a\": \"abc\"}', '$.a ? (@ like_regex \"B\" flag \"i\")')"),
    "SELECT jsonb_path_query('{\"a\": 2}', '$.a * 3 + 1'), jsonb_path_query('{\"a\": [1, 2]}', '$.a.size()')",
    "SELECT jsonb_path_query('{\"a\": [1, \"x\", null, {}]}', '$.a[*].type()')",
    ("SELECT jsonb_path_query('{\"a\": -2.5}', '$.a.abs()'), jsonb_path_query('{\"a\": 2.5}', '$.a.floor()'), "
    "jsonb_path_query('{\"a\": 2.5}', '$.a.ceiling()')"),
    "SELECT jsonb_path_query('{\"a\": 1}', '$.a + \"x\"')",
    "SELECT jsonb_path_exists('{\"a\": 1}', '$.a ? (@ > $x)', '{\"x\": 0}')",
    "SELECT jsonb_path_query('{\"a\": [1, 2, 3]}', '$.a[*] ? (@ >= $min && @ <= $max)', '{\"min\": 2, \"max\": 3}')",
    ("SELECT '{\"a\": [1, 2]}'::jsonb @? '$.a[*] ? (@ == \"x\")', '{\"a\": 1}'::jsonb @@ '$.a + \"x\" > 1', "
    "'[1, 2]'::jsonb @@ '$[*] > 1'"),
    "SELECT jsonb_path_query('{\"a\": {\"b\": {\"c\": 1}}}', '$.**.c')",
    "SELECT jsonb_path_query('{\"a\": {\"b\": 1}}', '$.*')",
    "SELECT jsonb_path_query('{\"a\": 1}', 'strict $.b')",
    "SELECT jsonb_path_query('{\"a\": [1, 2]}', 'strict $.a[5]')",
    "SELECT jsonb_path_query('{\"a\": [1, 2]}', 'lax $.a[5]')",
    "SELECT jsonb_path_query('{\"a\": null}', '$.a ? (@ == null)'), jsonb_path_query('{\"a\": true}', '$.a ? (@ == true)')",
    "SELECT jsonb_path_query('[1, 2, 3]', '$[*] ? (!(@ > 1))')",
    "SELECT jsonb_path_query('[1, \"a\"]', '$[*] ? ((@ > 1) is unknown)')",
    "SELECT jsonb_path_query('{\"a\": 1}', '$.a / 0')",
    "SELECT jsonb_path_query('{}', '$ ? (exists (@.a))'), jsonb_path_query('{\"a\": 1}', '$ ? (exists (@.a))')",
    "SELECT jsonb_path_query('{\"a\": 1.5}', '$.a.double()'), jsonb_path_query('{\"a\": \"1.5\"}', '$.a.double()')",
    "SELECT jsonb_path_query('{\"a\": 1}', '$.a ? (')",
    "SELECT jsonb_path_exists('{\"a\": 1}', '$.a ? (@ > $x)')",
]


def test_jsonpath_as_postgres(reference_pg: PgServer, tmp_path: Path) -> None:  # noqa: F811
    assert differences(reference_pg, tmp_path / "db", "jsonpath", STATEMENTS) == []
