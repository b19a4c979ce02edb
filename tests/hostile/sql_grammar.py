"""Random SQL statements grown from the project's own corpus (tests/compat/corpus/*.sql): corpus
statements with expressions swapped for edge-value literals, other expressions, odd casts and
nestings; recombinations of corpus queries; and expressions of functions and operators over edge
values. The statements are parsed with sqlglot once; a mutation puts a placeholder where a node
was, renders the statement and writes the new text in the placeholder's place, so that the new
text need not be something sqlglot can parse."""

from __future__ import annotations

import logging
import random
import re
from dataclasses import dataclass

import sqlglot
from compat_harness import corpus_files, load_file
from sqlglot import exp

HOLE = "fz_hole_0"

EDGE_LITERALS = (
    "0",
    "-0",
    "1",
    "-1",
    "2147483647",
    "-2147483648",
    "2147483648",
    "9223372036854775807",
    "-9223372036854775808",
    "9223372036854775808",
    "32767",
    "-32768",
    "65536",
    "1e308",
    "-1e308",
    "1e-308",
    "1e309",
    "1e1000",
    "-1e1000",
    "1e-1000",
    "0.000000000000000000000000000001",
    "123456789012345678901234567890.123456789",
    "'NaN'::float8",
    "'Infinity'::float8",
    "'-Infinity'::float4",
    "'NaN'::numeric",
    "'Infinity'::numeric",
    "''",
    "' '",
    "'x'",
    "repeat('ab', 5000)",
    "'ünïcødé ✓ 𝄞'",
    "E'\\\\'",
    "E'\\x7f'",
    "'\\x00ff'::bytea",
    "'{}'::int[]",
    "'{NULL}'::text[]",
    "ARRAY[]::int[]",
    "ARRAY[NULL, 1]",
    "'{{1,2},{3,4}}'::int[]",
    "NULL",
    "NULL::int",
    "NULL::text",
    "true",
    "false",
    "'infinity'::timestamp",
    "'-infinity'::date",
    "'4713-01-01 BC'::date",
    "'294276-12-31'::date",
    "'epoch'::timestamptz",
    "'2024-02-29'::date",
    "'24:00:00'::time",
    "'23:59:59.999999+14'::timetz",
    "'178000000 years'::interval",
    "'-2147483648 days'::interval",
    "'1 microsecond'::interval",
    '\'{"a": [1, {"b": null}], "c": 1e400}\'::jsonb',
    "'[]'::json",
    "'null'::jsonb",
    "'\"\\u0000\"'::json",
    "'00000000-0000-0000-0000-000000000000'::uuid",
    "'::1/128'::inet",
    "'10.0.0.0/8'::cidr",
    "B'1010'",
    "X'FF'",
    "'(1,2)'::point",
    "1::money",
    "'a b'::tsvector",
    "'08:00:2b:01:02:03'::macaddr",
    "chr(1114111)",
    "'1'::oid",
    "'pg_class'::regclass",
    "'int4'::regtype",
)
TYPES = (
    "int2",
    "int4",
    "int8",
    "numeric",
    "numeric(3,1)",
    "numeric(1000,999)",
    "float4",
    "float8",
    "text",
    "varchar(3)",
    "char(2)",
    "bytea",
    "bool",
    "date",
    "time",
    "timetz",
    "timestamp",
    "timestamptz",
    "interval",
    "interval year",
    "json",
    "jsonb",
    "uuid",
    "inet",
    "cidr",
    "macaddr",
    "money",
    "bit(3)",
    "varbit",
    "point",
    "int[]",
    "text[]",
    "int[][]",
    "oid",
    "regclass",
    "regtype",
    "name",
    '"char"',
    "xml",
)
FUNCTIONS = (
    ("abs", 1),
    ("round", 1),
    ("round", 2),
    ("trunc", 2),
    ("power", 2),
    ("sqrt", 1),
    ("exp", 1),
    ("ln", 1),
    ("log", 2),
    ("div", 2),
    ("mod", 2),
    ("gcd", 2),
    ("lcm", 2),
    ("factorial", 1),
    ("width_bucket", 4),
    ("to_char", 2),
    ("to_number", 2),
    ("to_date", 2),
    ("to_timestamp", 1),
    ("make_date", 3),
    ("make_interval", 1),
    ("date_trunc", 2),
    ("date_part", 2),
    ("age", 2),
    ("repeat", 2),
    ("lpad", 2),
    ("rpad", 3),
    ("substr", 3),
    ("left", 2),
    ("right", 2),
    ("split_part", 3),
    ("regexp_replace", 3),
    ("regexp_match", 2),
    ("translate", 3),
    ("array_fill", 2),
    ("array_upper", 2),
    ("format", 2),
    ("concat", 3),
    ("chr", 1),
    ("ascii", 1),
    ("encode", 2),
    ("decode", 2),
    ("md5", 1),
    ("length", 1),
    ("upper", 1),
    ("initcap", 1),
    ("reverse", 1),
    ("strpos", 2),
    ("jsonb_set", 3),
    ("to_jsonb", 1),
    ("array_to_string", 2),
    ("cardinality", 1),
    ("array_length", 2),
    ("string_to_array", 2),
    ("generate_series", 2),
    ("generate_series", 3),
    ("pg_sleep", 1),
    ("num_nonnulls", 3),
    ("greatest", 3),
    ("least", 2),
    ("nullif", 2),
    ("coalesce", 3),
    ("scale", 1),
    ("sign", 1),
    ("ceil", 1),
    ("floor", 1),
    ("isfinite", 1),
    ("justify_interval", 1),
    ("quote_literal", 1),
    ("quote_ident", 1),
    ("to_hex", 1),
    ("bit_length", 1),
    ("octet_length", 1),
)
OPERATORS = (
    "+",
    "-",
    "*",
    "/",
    "%",
    "^",
    "||",
    "=",
    "<",
    "<>",
    ">=",
    "@>",
    "<@",
    "&&",
    "LIKE",
    "ILIKE",
    "~",
    "~*",
    "!~",
    "<<",
    ">>",
    "&",
    "|",
    "#",
    "->",
    "->>",
    "#>",
    "?",
    "IS DISTINCT FROM",
    "SIMILAR TO",
    "AT TIME ZONE",
    'COLLATE "C" ||',
)
WRAPPERS = (
    "({})",
    "abs({})",
    "CAST({} AS text)",
    "ARRAY[{}]",
    "ROW({})",
    "COALESCE({}, NULL)",
    "-({})",
    "({})::text",
    "(SELECT {})",
    "NOT ({} IS NULL)",
    "({} IS NOT DISTINCT FROM NULL)",
    "upper(({})::text)",
    "array_agg({})",
    "max({})",
    "count(DISTINCT {})",
    "jsonb_build_array({})",
    "EXISTS (SELECT {})",
)
DEPTHS = (3, 10, 50, 200, 1000, 3000)
# never generated: they reach outside the database under test or undo the fuzzer's own limits
FORBIDDEN = re.compile(
    r"statement_timeout|pg_terminate_backend|pg_cancel_backend|\bCOPY\b|\bDATABASE\b|lo_import|lo_export"
    r"|pg_read|pg_ls_|pg_stat_file|ALTER\s+SYSTEM|\bROLE\b|\bUSER\b",
    re.IGNORECASE,
)
MUTABLE = (exp.Literal, exp.Column, exp.Binary, exp.Func, exp.Paren, exp.Cast, exp.Neg, exp.Not, exp.Null,
           exp.Boolean, exp.Array, exp.Case)  # fmt: skip


@dataclass
class Corpus:
    setup: list[str]  # CREATE / INSERT / ALTER of the corpus, in order: the schema the fuzz runs on
    trees: list[exp.Expression]  # the corpus's queries and DML, parsed
    queries: list[str]  # the corpus's SELECTs, as text
    expressions: list[str]  # column-free expressions found in the corpus


def load_corpus() -> Corpus:
    setup, trees, queries, expressions = [], [], [], []
    sqlglot_log = logging.getLogger("sqlglot")
    level = sqlglot_log.level
    sqlglot_log.setLevel(logging.ERROR)  # it warns about every statement it keeps as a Command
    try:
        for path in corpus_files():
            for statement in load_file(path):
                sql = statement.sql
                head = sql.lstrip("(").split(None, 1)[0].upper() if sql.strip() else ""
                if FORBIDDEN.search(sql):
                    continue
                if head in ("CREATE", "INSERT", "ALTER"):
                    setup.append(sql)
                if head not in ("SELECT", "INSERT", "UPDATE", "DELETE", "WITH", "VALUES"):
                    continue
                try:
                    tree = sqlglot.parse_one(sql, read="postgres")
                except sqlglot.errors.SqlglotError:
                    continue
                if tree is None or isinstance(tree, exp.Command):
                    continue
                trees.append(tree)
                if head == "SELECT":
                    queries.append(sql)
                for node in tree.find_all(exp.Func, exp.Binary, exp.Cast, exp.Case):
                    if node.find(exp.Column) is None and node.find(exp.Select) is None:
                        expressions.append(node.sql(dialect="postgres"))
    finally:
        sqlglot_log.setLevel(level)
    return Corpus(setup, trees, queries, sorted(set(expressions)))


class SqlFuzzer:
    def __init__(self, corpus: Corpus, seed: int) -> None:
        self.corpus = corpus
        self.rng = random.Random(seed)

    # --- pieces --------------------------------------------------------------------------

    def literal(self) -> str:
        return self.rng.choice(EDGE_LITERALS)

    def expression(self, depth: int = 0) -> str:
        rng = self.rng
        pick = rng.random()
        if depth > 3 or pick < 0.35:
            return self.literal()
        if pick < 0.5 and self.corpus.expressions:
            return rng.choice(self.corpus.expressions)
        if pick < 0.7:
            name, arity = rng.choice(FUNCTIONS)
            return f"{name}({', '.join(self.expression(depth + 1) for _ in range(arity))})"
        if pick < 0.85:
            return f"({self.expression(depth + 1)} {rng.choice(OPERATORS)} {self.expression(depth + 1)})"
        return f"CAST({self.expression(depth + 1)} AS {rng.choice(TYPES)})"

    def nested(self) -> str:
        wrapper = self.rng.choice(WRAPPERS)
        text = self.expression(2)
        for _ in range(self.rng.choice(DEPTHS)):
            text = wrapper.format(text)
        return text

    # --- statements ----------------------------------------------------------------------

    def mutated_corpus_statement(self) -> str | None:
        rng = self.rng
        tree = rng.choice(self.corpus.trees).copy()
        nodes = [n for n in tree.walk() if isinstance(n, MUTABLE) and n is not tree]
        if not nodes:
            return None
        node = rng.choice(nodes)
        pick = rng.random()
        if pick < 0.4:
            replacement = self.literal()
        elif pick < 0.6:
            replacement = self.expression()
        elif pick < 0.8:
            replacement = f"CAST(({node.sql(dialect='postgres')}) AS {rng.choice(TYPES)})"
        elif pick < 0.95:
            replacement = rng.choice(WRAPPERS).format(node.sql(dialect="postgres"))
        else:
            replacement = self.nested()
        node.replace(exp.column(HOLE))
        try:
            text = tree.sql(dialect="postgres")
        except sqlglot.errors.SqlglotError:
            return None
        return text.replace(HOLE, replacement, 1) if HOLE in text else None

    def synthetic_select(self) -> str:
        items = ", ".join(self.expression() for _ in range(self.rng.randint(1, 3)))
        return f"SELECT {items}"

    def recombined(self) -> str:
        rng = self.rng
        a, b = rng.choice(self.corpus.queries), rng.choice(self.corpus.queries)
        form = rng.randrange(4)
        if form == 0:
            return f"({a}) {rng.choice(('UNION', 'UNION ALL', 'INTERSECT', 'EXCEPT'))} ({b})"
        if form == 1:
            return f"SELECT * FROM ({a}) AS fz_a, ({b}) AS fz_b LIMIT 50"
        if form == 2:
            return f"SELECT count(*) FROM ({a}) AS fz_a WHERE EXISTS ({b})"
        return f"WITH fz_a AS ({a}) SELECT * FROM fz_a LIMIT 50"

    def statement(self) -> str:
        while True:
            pick = self.rng.random()
            if pick < 0.55:
                sql = self.mutated_corpus_statement()
            elif pick < 0.8:
                sql = self.synthetic_select()
            elif pick < 0.92:
                sql = self.recombined()
            else:
                sql = f"SELECT {self.nested()}"
            if sql is not None and not FORBIDDEN.search(sql):
                return sql
