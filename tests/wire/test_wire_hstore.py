"""CREATE EXTENSION hstore over the wire: the type's text form, casts, operators and functions
answer as PostgreSQL 15's do, statement by statement; psycopg2's register_hstore round-trips
dicts; the type goes with DROP EXTENSION unless a column uses it."""

from __future__ import annotations

import psycopg2
import psycopg2.extras
from statement_answers import answers

SCRIPT = [
    "SELECT 'a=>1'::hstore",
    "CREATE EXTENSION hstore",
    "CREATE EXTENSION hstore",
    "SELECT 'a=>1,a=>2, b => NULL, \"c d\"=>\"x\\\"y\", bb=>\"\", aa=>nuLL, \"\\\\k\"=>\\v'::hstore::text",
    "SELECT ''::hstore::text, '  '::hstore::text",
    "SELECT 'a'::hstore",
    "SELECT 'a=>'::hstore",
    "SELECT 'a=>1,'::hstore::text, 'a=>1 b'::hstore",
    "SELECT hstore('a', NULL)::text, hstore(ARRAY['a','b'], ARRAY['1',NULL])::text",
    "SELECT hstore(ARRAY['a','1','b','2'])::text, hstore(ARRAY[['a','1'],['b','2']])::text",
    "SELECT hstore(ARRAY['a','b'], ARRAY['1'])",
    "SELECT 'a=>1,b=>2'::hstore -> 'a', 'a=>1,b=>2'::hstore -> ARRAY['a','z'], 'a=>1'::hstore -> 'q'",
    "SELECT 'a=>1'::hstore ? 'a', 'a=>1'::hstore ?| ARRAY['x','a'], 'a=>1'::hstore ?& ARRAY['x','a']",
    "SELECT 'a=>1,b=>2'::hstore @> 'a=>1', 'a=>1'::hstore <@ 'a=>1,b=>2', 'a=>NULL'::hstore @> 'a=>1'",
    "SELECT ('a=>1,b=>2'::hstore || 'b=>3,c=>4')::text, ('a=>1,b=>2'::hstore - 'a'::text)::text",
    "SELECT ('a=>1,b=>2'::hstore - ARRAY['a'])::text, ('a=>1,b=>2'::hstore - 'a=>1,b=>3'::hstore)::text",
    "SELECT 'a=>1'::hstore - 'a'",
    "SELECT akeys('b=>1,a=>2'), avals('b=>1,a=>NULL'), exist('a=>1','a'), defined('a=>NULL','a')",
    "SELECT slice('a=>1,b=>2,c=>3', ARRAY['a','c','z'])::text, hstore_to_json('a=>1,b=>NULL')::text",
    "SELECT hstore_to_jsonb('a=>1')::text, hstore_to_array('a=>1,b=>2'), hstore_to_matrix('a=>1,b=>2')",
    "SELECT * FROM each('b=>1,a=>NULL')",
    "SELECT skeys('b=>1,a=>2')",
    "SELECT svals('b=>1,a=>2')",
    "SELECT 'a=>1'::hstore = 'a=>1'::hstore, 'b=>2,a=>1'::hstore = 'a=>1,b=>2'::hstore",
    "SELECT ('a=>1'::hstore)::json::text, pg_typeof('a=>1'::hstore)::text, pg_typeof(akeys('a=>1'))::text",
    "SELECT typtype, typcategory, typlen, typarray > 0 FROM pg_type WHERE typname = 'hstore'",
    "SELECT extname, extversion FROM pg_extension WHERE extname = 'hstore'",
    "CREATE TABLE ht (id int PRIMARY KEY, h hstore)",
    "INSERT INTO ht VALUES (1, 'a=>1,b=>2'), (2, 'b=>3'), (3, NULL), (4, '')",
    "SELECT id, h::text, h -> 'b', h ? 'a', (h || hstore('z', 'q'))::text FROM ht ORDER BY id",
    "SELECT id FROM ht WHERE h @> 'b=>3' ORDER BY id",
    "SELECT id, key, value FROM ht, each(h) ORDER BY 1, 2",
    "UPDATE ht SET h = h || 'c=>9' WHERE id = 1",
    "SELECT h::text FROM ht WHERE id = 1",
    "SELECT count(DISTINCT h) FROM ht",
    "DROP EXTENSION hstore",
    "DROP TABLE ht",
    "DROP EXTENSION hstore",
    "SELECT count(*) FROM pg_type WHERE typname = 'hstore'",
]


def test_same_answers_as_postgresql(start_server, reference: str) -> None:
    server = start_server()
    mine = answers(server.dsn, SCRIPT)
    theirs = answers(reference, SCRIPT)
    assert len(mine) == len(SCRIPT)
    for got, want in zip(mine, theirs):
        assert got == want


def test_psycopg2_register_hstore(start_server) -> None:
    server = start_server()
    con = psycopg2.connect(server.dsn)
    with con.cursor() as cur:
        cur.execute("CREATE EXTENSION hstore")
        cur.execute("CREATE TABLE docs (id serial PRIMARY KEY, attrs hstore)")
    con.commit()
    psycopg2.extras.register_hstore(con)
    odd = {"a": "1", "b": None, 'q"uo\\te': "x y", "": "", "ünï": "çødé", "k,=>": "v,=>"}
    with con.cursor() as cur:
        cur.execute("INSERT INTO docs (attrs) VALUES (%s), (%s) RETURNING id", (odd, {}))
        cur.execute("SELECT attrs FROM docs ORDER BY id")
        assert [r[0] for r in cur.fetchall()] == [odd, {}]
        cur.execute("SELECT attrs -> %s, attrs ? %s FROM docs ORDER BY id", ("k,=>", "b"))
        assert cur.fetchall() == [("v,=>", True), (None, False)]
        cur.execute("SELECT array_agg(attrs ORDER BY id) FROM docs")
        assert cur.fetchone()[0] == [odd, {}]
    con.close()
