"""Where PostgreSQL's own regression SQL showed orbitdb differing: ALTER TABLE ... RENAME CONSTRAINT,
ORDER BY ... USING, numeric(p, -s), json[b]_to_record[set], the "char" type, TimeZone offsets ('+05:30', SET TIME ZONE INTERVAL ...), two-argument
row_to_json / array_to_json, against PostgreSQL 15."""

from __future__ import annotations

from pathlib import Path

from differential import differences
from pg_reference import PgServer, reference_pg  # noqa: F401 - the fixture

RENAME_CONSTRAINT = [
    "CREATE TABLE rc (a int CONSTRAINT rc_pos CHECK (a > 0), b int CONSTRAINT rc_pk PRIMARY KEY, c int UNIQUE)",
    "ALTER TABLE rc RENAME CONSTRAINT nosuch TO x",
    "ALTER TABLE rc RENAME CONSTRAINT rc_pos TO rc_c_key",
    "ALTER TABLE rc RENAME CONSTRAINT rc_pk TO rc_primary",
    "SELECT relname FROM pg_class WHERE relname LIKE 'rc%' ORDER BY 1",
    "SELECT conname, contype FROM pg_constraint WHERE conrelid = 'rc'::regclass ORDER BY 1",
    "ALTER TABLE rc RENAME CONSTRAINT rc_pos TO rc_primary",
    'ALTER TABLE rc RENAME CONSTRAINT rc_pos TO "Rc Pos"',
    "INSERT INTO rc VALUES (-1, 1, 1)",
    "INSERT INTO rc VALUES (1, 1, 1)",
    "INSERT INTO rc VALUES (2, 1, 2)",
    "ALTER TABLE IF EXISTS nosuch RENAME CONSTRAINT a TO b",
    "ALTER TABLE nosuch RENAME CONSTRAINT a TO b",
    "ALTER INDEX rc_primary RENAME TO rc_pkey2",
    "SELECT conname FROM pg_constraint WHERE conrelid = 'rc'::regclass AND contype = 'p'",
]

CHAR_TYPE = [
    "SELECT 'abc'::\"char\", ''::\"char\", 'é'::\"char\"::text, length('abc'::\"char\"), 'a'::\"char\" = 'a'",
    "SELECT 65::\"char\", 'A'::\"char\"::int, (-3)::\"char\", ((-3)::\"char\")::int, 'é'::\"char\"::int",
    "SELECT 300::\"char\"",
    "SELECT '\\101'::\"char\", 'abc'::text::\"char\", 'q'::varchar::\"char\", pg_typeof('a'::\"char\")::text",
    "CREATE TABLE ch (c \"char\")",
    "INSERT INTO ch VALUES ('xyz'), (''), (NULL), ('b')",
    "SELECT c, c::text, length(c) FROM ch ORDER BY 1",
]

TIME_ZONE_OFFSETS = [
    "SET timezone = '00:00'", "SHOW timezone", "SELECT timestamptz '2024-01-01 12:00+00'",
    "SET timezone = '+05:30'", "SHOW timezone",
    "SELECT timestamptz '2024-01-01 12:00+00', '2024-06-01 10:00'::timestamptz::text",
    "SET datestyle = sql", "SELECT '2024-01-01 12:00+00'::timestamptz::text", "RESET datestyle",
    "SET TIME ZONE INTERVAL '+02:00' HOUR TO MINUTE", "SHOW timezone",
    "SELECT '2024-01-01 12:00+00'::timestamptz::text",
    "SET TIME ZONE INTERVAL '+05:30' HOUR TO MINUTE", "SHOW timezone",
    "SELECT '2024-01-01 12:00+00'::timestamptz::text",
    "SET TIME ZONE INTERVAL '-08:00'", "SHOW timezone", "SELECT '2024-01-01 12:00+00'::timestamptz::text",
    "SET TIME ZONE INTERVAL '1 day'", "SET TIME ZONE INTERVAL '1 mon'",
    "SET TIME ZONE INTERVAL '00:00:30'", "SHOW timezone",
    "SET timezone = '-03'", "SHOW timezone", "SELECT '2024-01-01 12:00+00'::timestamptz::text",
    "RESET timezone", "SHOW timezone",
]

ORDER_BY_USING = [
    "SELECT x FROM (VALUES (2), (1), (3)) v(x) ORDER BY x USING >",
    "SELECT x, y FROM (VALUES (2, 'a'), (1, 'b'), (2, 'c')) v(x, y) ORDER BY x USING >, y USING <",
    "SELECT x FROM (VALUES (2), (1), (NULL)) v(x) ORDER BY x USING >",
    "SELECT x FROM (VALUES (2), (1), (NULL)) v(x) ORDER BY x USING > NULLS LAST",
    "SELECT x FROM (VALUES ('b'), ('a')) v(x) ORDER BY x USING ~>~",
    "SELECT x FROM (VALUES (2), (1)) v(x) ORDER BY x USING OPERATOR(pg_catalog.<)",
    "SELECT array_agg(x ORDER BY x USING >) FROM (VALUES (1), (2), (3)) v(x)",
    "SELECT x FROM (VALUES (2), (1)) v(x) ORDER BY x USING =",
    "SELECT x FROM (VALUES (2), (1)) v(x) ORDER BY x USING <=",
    "SELECT * FROM (SELECT 1 AS a) s JOIN (SELECT 1 AS a) t USING (a)",
]

JSON_TO_RECORD = [
    "SELECT * FROM jsonb_to_record('{\"a\": 1, \"b\": \"x\", \"c\": [1]}') AS r(a int, b text)",
    "SELECT * FROM json_to_recordset('[{\"a\": 1}, {\"a\": 2, \"b\": \"y\"}]') AS r(a int, b text) ORDER BY a",
    "SELECT * FROM jsonb_to_recordset('[{\"a\": 1}, {\"b\": 2}]') AS r(a int, b int) ORDER BY a",
    "SELECT * FROM jsonb_to_record('[1]') AS r(a int)",
    "SELECT * FROM jsonb_to_record('1') AS r(a int)",
    "SELECT * FROM json_to_recordset('{\"a\": 1}') AS r(a int)",
    "SELECT * FROM jsonb_to_recordset('[1]') AS r(a int)",
    "SELECT * FROM jsonb_to_record('{\"a\": \"x\"}') AS r(a int)",
    "SELECT * FROM jsonb_to_record('{\"a\": 1.5}') AS r(a int)",
    ("SELECT * FROM jsonb_to_record('{\"a\": [1, 2], \"b\": {\"c\": 1}, \"d\": true, \"e\": 1.5, \"f\": null}') "
    "AS r(a int[], b text, d bool, e numeric, f text, g int, h jsonb)"),
    "SELECT * FROM jsonb_to_record('{\"a\": {\"c\": 1}, \"b\": [[1, 2], [3, 4]]}') AS r(a jsonb, b int[])",
    "SELECT * FROM json_to_record('{\"a\": {\"b\": 1}}') AS r(a text, z json)",
    "SELECT * FROM jsonb_to_record('{\"a\": \"abcd\"}') AS r(a varchar(2))",
    "SELECT * FROM jsonb_to_record('{\"a\": \"2024-01-01\", \"A\": 2}') AS r(a date, \"A\" int)",
    "SELECT r.*, t.x FROM (VALUES (1)) t(x), jsonb_to_record('{\"a\": 1}') AS r(a int)",
    ("SELECT t.x, r.a FROM (VALUES ('{\"a\": 5}'::jsonb), ('{\"a\": 6}')) t(x), "
    "LATERAL jsonb_to_record(t.x) AS r(a int) ORDER BY r.a"),
    "SELECT * FROM jsonb_to_recordset('[{\"a\": 1}]') WITH ORDINALITY AS r(a int, n bigint)",
    "SELECT * FROM jsonb_to_record(NULL) AS r(a int)",
]

NEGATIVE_SCALE = [
    "SELECT 123.456::numeric(5,-2), 12345678::numeric(5,-3), 5::numeric(3,-1), CAST(149 AS numeric(2,-2))",
    "SELECT 1234567::numeric(4,-2)",
    "CREATE TABLE nt (a numeric(3,-1), b numeric(4, 6), c decimal(2,-3))",
    "INSERT INTO nt VALUES (1234, 0.001234, 1500)",
    "INSERT INTO nt VALUES (12345, 0, 0)",
    "SELECT * FROM nt",
    ("SELECT format_type(atttypid, atttypmod), atttypmod FROM pg_attribute WHERE attrelid = 'nt'::regclass "
    "AND attnum > 0 ORDER BY attnum"),
    ("SELECT numeric_scale, numeric_precision FROM information_schema.columns WHERE table_name = 'nt' "
    "ORDER BY ordinal_position"),
    "SELECT 1::numeric(5, -1001)",
]

ANY_ALL = [
    "SELECT 2 = ANY('{1,2}'::int[]), 3 = ALL(ARRAY[1, 2]), 1 = ANY(SELECT 1), 2 = SOME('{1,2}')",
    "SELECT 1 < ALL(VALUES (2), (3)), 2 = ANY(VALUES (1), (2)), 'a' = SOME(VALUES ('b'), ('a'))",
    "SELECT x FROM (VALUES (1), (4)) t(x) WHERE x > ALL (VALUES (2), (3))",
    "SELECT 1 = ANY(VALUES (1, 2))",
    "SELECT NULL::int = ANY(VALUES (1)), 3 = ANY(VALUES (1), (NULL))",
]

JSON_PRETTY = [
    "SELECT array_to_json(ARRAY[1, 2], true), array_to_json('{{1,2},{3,4}}'::int[], false)",
    "SELECT row_to_json(ROW(1, 'a'), true), row_to_json(ROW(1, 'a'), false)",
    "SELECT row_to_json(ROW(1), 'x')",
]


def test_rename_constraint_as_postgres(reference_pg: PgServer, tmp_path: Path) -> None:  # noqa: F811
    assert differences(reference_pg, tmp_path / "db", "rename_constraint", RENAME_CONSTRAINT) == []


def test_char_type_as_postgres(reference_pg: PgServer, tmp_path: Path) -> None:  # noqa: F811
    assert differences(reference_pg, tmp_path / "db", "char_type", CHAR_TYPE) == []


def test_time_zone_offsets_as_postgres(reference_pg: PgServer, tmp_path: Path) -> None:  # noqa: F811
    assert differences(reference_pg, tmp_path / "db", "time_zone_offsets", TIME_ZONE_OFFSETS) == []


def test_order_by_using_as_postgres(reference_pg: PgServer, tmp_path: Path) -> None:  # noqa: F811
    assert differences(reference_pg, tmp_path / "db", "order_by_using", ORDER_BY_USING) == []


def test_json_to_record_as_postgres(reference_pg: PgServer, tmp_path: Path) -> None:  # noqa: F811
    assert differences(reference_pg, tmp_path / "db", "json_to_record", JSON_TO_RECORD) == []


def test_numeric_negative_scale_as_postgres(reference_pg: PgServer, tmp_path: Path) -> None:  # noqa: F811
    assert differences(reference_pg, tmp_path / "db", "negative_scale", NEGATIVE_SCALE) == []


def test_any_all_forms_as_postgres(reference_pg: PgServer, tmp_path: Path) -> None:  # noqa: F811
    assert differences(reference_pg, tmp_path / "db", "any_all", ANY_ALL) == []


def test_two_argument_json_builders_as_postgres(reference_pg: PgServer, tmp_path: Path) -> None:  # noqa: F811
    assert differences(reference_pg, tmp_path / "db", "json_pretty", JSON_PRETTY) == []
