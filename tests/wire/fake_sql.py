"""A tiny stand-in for orbitdb.sql's Database/Session, enough to drive the wire protocol in tests:
SELECT of literals and parameters, in-memory tables (CREATE TABLE / INSERT / SELECT * / COPY),
transactions as status only, SET/SHOW, pg_sleep (cancellable), generate_series, a few errors.
Statements are split on ';' and recognised by regular expressions: a fake, not a parser."""

from __future__ import annotations

import csv
import io
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from orbitdb.sql.errors import SqlError
from orbitdb.sql.pgtext import format_text, oids, parse_text
from orbitdb.sql.result import Column, CopyIn, CopyOut, Notice, Result

_TYPES = {
    "int": oids.INT4,
    "integer": oids.INT4,
    "int4": oids.INT4,
    "bigint": oids.INT8,
    "int8": oids.INT8,
    "smallint": oids.INT2,
    "text": oids.TEXT,
    "varchar": oids.VARCHAR,
    "bool": oids.BOOL,
    "boolean": oids.BOOL,
    "timestamp": oids.TIMESTAMP,
    "timestamptz": oids.TIMESTAMPTZ,
    "numeric": oids.NUMERIC,
    "float8": oids.FLOAT8,
    "bytea": oids.BYTEA,
    "date": oids.DATE,
    "jsonb": oids.JSONB,
    "uuid": oids.UUID,
    "interval": oids.INTERVAL,
    "int[]": 1007,
    "text[]": 1009,
}
_LITERAL = re.compile(
    r"\s*(?:'((?:[^']|'')*)'(?:::(\w+(?:\[\])?))?|(-?\d+\.\d+)|(-?\d+)|(NULL)|\$(\d+)(?:::(\w+(?:\[\])?))?)\s*",
    re.IGNORECASE,
)


@dataclass
class Table:
    columns: list[Column]
    rows: list[tuple[Any, ...]]


class FakeDatabase:
    def __init__(self) -> None:
        self.tables: dict[str, Table] = {}
        self.lock = threading.Lock()
        self.closed = False
        self.sessions_closed = 0

    @classmethod
    def open(cls, data_dir: str, **_knobs: Any) -> FakeDatabase:
        return cls()

    def session(
        self, user: str = "orbit", database: str = "actors", application_name: str = ""
    ) -> FakeSession:
        if database == "nonexistent":
            raise SqlError("3D000", f'database "{database}" does not exist', severity="FATAL")
        return FakeSession(self, user, database, application_name)

    def close(self) -> None:
        self.closed = True


@dataclass
class FakePrepared:
    sql: str
    param_oids: list[int]
    columns: list[Column] | None


class _FakeCopyIn(CopyIn):
    def __init__(self, table: Table, fmt: str, header: bool, db: FakeDatabase) -> None:
        self.table, self.format, self.header, self.db = table, fmt, header, db
        self.column_count = len(table.columns)
        self.data = bytearray()

    def feed(self, data: bytes) -> None:
        self.data += data
        if b"BADROW" in self.data:
            raise SqlError("22P02", 'invalid input syntax for type integer: "BADROW"')

    def finish(self) -> Result:
        text = self.data.decode("utf-8")
        if self.format == "csv":
            lines = list(csv.reader(io.StringIO(text)))
            if self.header:
                lines = lines[1:]
            records = [[None if v == "" else v for v in line] for line in lines if line]
        else:
            records = [
                [None if v == "\\N" else v for v in line.split("\t")]
                for line in text.splitlines()
                if line and line != "\\."
            ]
        rows = [
            tuple(None if v is None else parse_text(v, c.type_oid) for v, c in zip(r, self.table.columns))
            for r in records
        ]
        with self.db.lock:
            self.table.rows.extend(rows)
        return Result(f"COPY {len(rows)}", rowcount=len(rows))

    def abort(self, message: str) -> None:
        self.data.clear()


class _FakeCopyOut(CopyOut):
    def __init__(self, table: Table) -> None:
        self.table, self.format, self.column_count = table, "text", len(table.columns)

    def chunks(self) -> Iterator[bytes]:
        for row in self.table.rows:
            yield (
                "\t".join(
                    "\\N" if v is None else format_text(v, c.type_oid)
                    for v, c in zip(row, self.table.columns)
                )
                + "\n"
            ).encode()

    def result(self) -> Result:
        return Result(f"COPY {len(self.table.rows)}")


class FakeSession:
    def __init__(self, db: FakeDatabase, user: str, database: str, application_name: str) -> None:
        self.db = db
        self.user = user
        self.settings = {
            "server_version": "15.0 (orbitdb fake)",
            "server_encoding": "UTF8",
            "client_encoding": "UTF8",
            "DateStyle": "ISO, MDY",
            "TimeZone": "UTC",
            "integer_datetimes": "on",
            "standard_conforming_strings": "on",
            "application_name": application_name,
            "is_superuser": "on",
            "session_authorization": user,
            "IntervalStyle": "postgres",
        }
        self.changes: dict[str, str] = {}
        self.status = "I"
        self.cancelled = threading.Event()
        self.closed = False

    # --- the Session interface ----------------------------------------------------------------

    @property
    def transaction_status(self) -> str:
        return self.status

    def parameter_status(self) -> dict[str, str]:
        return dict(self.settings)

    def take_parameter_changes(self) -> dict[str, str]:
        changes, self.changes = self.changes, {}
        return changes

    def cancel(self) -> None:
        self.cancelled.set()

    def close(self) -> None:
        self.closed = True
        self.status = "I"
        self.db.sessions_closed += 1

    def begin_implicit(self) -> None:
        pass  # the fake has no transactions to group a pipeline into

    def end_implicit(self, commit: bool) -> None:
        pass

    def execute_simple(self, sql: str) -> Iterator[Result | CopyIn | CopyOut]:
        for statement in (s.strip() for s in sql.split(";")):
            if statement and not statement.startswith("--"):
                yield self._run(statement, [])

    def prepare(self, sql: str, param_oids: list[int]) -> FakePrepared:
        statement = sql.strip().rstrip(";")
        count = max((int(n) for n in re.findall(r"\$(\d+)", statement)), default=0)
        types = list(param_oids) + [0] * (count - len(param_oids))
        casts = dict(re.findall(r"\$(\d+)::(\w+(?:\[\])?)", statement))
        types = [t or _TYPES.get(casts.get(str(i + 1), "text"), oids.TEXT) for i, t in enumerate(types)]
        columns = self._describe(statement, types)
        return FakePrepared(statement, types, columns)

    def execute_prepared(self, p: FakePrepared, params: list[Any], first_rows: int = 0) -> Result | CopyIn | CopyOut:
        typed = [
            v if v is None or not isinstance(v, str) else parse_text(v, t)
            for v, t in zip(params, p.param_oids)
        ]
        return self._run(p.sql, list(zip(typed, p.param_oids)))

    # --- the fake SQL -------------------------------------------------------------------------

    def _describe(self, statement: str, types: list[int]) -> list[Column] | None:
        upper = statement.upper()
        if not upper.startswith(("SELECT", "SHOW")) and " RETURNING " not in upper:
            return None
        try:
            result = self._run(statement, [(None, t) for t in types], describe=True)
        except SqlError:
            return None
        return result.columns if isinstance(result, Result) else None

    def _run(self, stmt: str, params: list[tuple[Any, int]], describe: bool = False) -> Any:
        self.cancelled.clear()
        if self.status == "E" and not re.match(r"(?i)(rollback|commit|abort)\b", stmt):
            raise SqlError(
                "25P02", "current transaction is aborted, commands ignored until end of transaction block"
            )
        try:
            return self._dispatch(stmt, params, describe)
        except SqlError:
            if self.status == "T":
                self.status = "E"
            raise

    def _dispatch(self, stmt: str, params: list[tuple[Any, int]], describe: bool) -> Any:
        low = stmt.lower()
        if re.match(r"(begin|start transaction)\b", low):
            if self.status != "I":
                return Result(
                    "BEGIN",
                    notices=[Notice("WARNING", "25001", "there is already a transaction in progress")],
                )
            self.status = "T"
            return Result("BEGIN")
        if re.match(r"(commit|end)\b", low):
            tag = "ROLLBACK" if self.status == "E" else "COMMIT"
            self.status = "I"
            return Result(tag)
        if re.match(r"(rollback|abort)\b", low):
            self.status = "I"
            return Result("ROLLBACK")
        m = re.match(
            r"set\s+(?:session\s+)?(?:time\s+zone\s+|(\w+)\s*(?:=|to)\s*)'?([^']*)'?$", stmt, re.IGNORECASE
        )
        if m:
            name = m.group(1) or "TimeZone"
            known = {k.lower(): k for k in self.settings}
            if name.lower() not in known and name.lower() not in (
                "extra_float_digits",
                "search_path",
                "statement_timeout",
            ):
                raise SqlError("42704", f'unrecognized configuration parameter "{name}"')
            key = known.get(name.lower(), name)
            self.settings[key] = m.group(2)
            self.changes[key] = m.group(2)
            return Result("SET")
        m = re.match(r"show\s+(\w+)$", low)
        if m:
            known = {k.lower(): k for k in self.settings}
            value = self.settings.get(known.get(m.group(1), ""), "")
            return Result("SHOW", [Column(m.group(1), oids.TEXT)], [(value,)])
        m = re.match(r"create table (?:if not exists )?(\w+)\s*\((.*)\)$", stmt, re.IGNORECASE | re.DOTALL)
        if m:
            cols = []
            for i, part in enumerate(re.split(r",(?![^(]*\))", m.group(2))):
                name, typ = part.split()[:2]
                cols.append(
                    Column(name, _TYPES.get(typ.lower(), oids.TEXT), table_oid=16384, column_number=i + 1)
                )
            with self.db.lock:
                self.db.tables.setdefault(m.group(1).lower(), Table(cols, []))
            return Result("CREATE TABLE")
        m = re.match(r"insert into (\w+)(?:\s*\([^)]*\))? values\s*(.*)$", stmt, re.IGNORECASE | re.DOTALL)
        if m:
            table = self._table(m.group(1))
            rows = []
            for group in re.findall(r"\(([^()]*)\)", m.group(2)):
                values = self._literals(group, params)
                rows.append(tuple(v for v, _ in values))
            if not describe:
                with self.db.lock:
                    table.rows.extend(rows)
            return Result(f"INSERT 0 {len(rows)}", rowcount=len(rows))
        m = re.match(r"copy\s+(\w+)\s*(?:\([^)]*\))?\s*from\s+stdin(.*)$", stmt, re.IGNORECASE)
        if m:
            opts = m.group(2).lower()
            return _FakeCopyIn(
                self._table(m.group(1)), "csv" if "csv" in opts else "text", "header" in opts, self.db
            )
        m = re.match(r"copy\s+(\w+)\s*(?:\([^)]*\))?\s*to\s+stdout", stmt, re.IGNORECASE)
        if m:
            return _FakeCopyOut(self._table(m.group(1)))
        m = re.match(r"select \* from (\w+)$", stmt, re.IGNORECASE)
        if m:
            table = self._table(m.group(1))
            with self.db.lock:
                rows = list(table.rows)
            return Result(f"SELECT {len(rows)}", table.columns, rows)
        m = re.match(r"select pg_sleep\(([\d.]+)\)$", low)
        if m:
            if not describe and self.cancelled.wait(float(m.group(1))):
                raise SqlError("57014", "canceling statement due to user request")
            return Result("SELECT 1", [Column("pg_sleep", 2278)], [("",)])
        m = re.match(r"select generate_series\((\d+),\s*(\d+)\)$", low)
        if m:
            rows = [(i,) for i in range(int(m.group(1)), int(m.group(2)) + 1)]
            return Result(f"SELECT {len(rows)}", [Column("generate_series", oids.INT4)], rows)
        if low == "select 1/0":
            raise SqlError("22012", "division by zero")
        if low.startswith("select raise_notice"):
            return Result(
                "SELECT 1", [Column("n", oids.INT4)], [(1,)], notices=[Notice("NOTICE", "00000", "hello")]
            )
        m = re.match(r"select (.*)$", stmt, re.IGNORECASE | re.DOTALL)
        if m and not re.search(r"\bfrom\b", m.group(1), re.IGNORECASE):
            values = self._literals(m.group(1), params)
            columns = [Column("?column?", t) for _, t in values]
            return Result("SELECT 1", columns, [tuple(v for v, _ in values)])
        m = re.match(r"select .* from (\w+)", stmt, re.IGNORECASE)
        if m:
            self._table(m.group(1))
        position = 1
        raise SqlError("42601", f'syntax error at or near "{stmt.split()[0]}"', position=position)

    def _table(self, name: str) -> Table:
        table = self.db.tables.get(name.lower())
        if table is None:
            raise SqlError("42P01", f'relation "{name}" does not exist')
        return table

    def _literals(self, text: str, params: list[tuple[Any, int]]) -> list[tuple[Any, int]]:
        values: list[tuple[Any, int]] = []
        pos = 0
        while pos < len(text):
            m = _LITERAL.match(text, pos)
            if not m or m.end() == pos:
                raise SqlError(
                    "42601",
                    f'syntax error at or near "{text[pos:].split()[0] if text[pos:].split() else text}"',
                )
            pos = m.end()
            if pos < len(text) and text[pos] == ",":
                pos += 1
            string, cast, dec, integer, null, param, _cast = m.groups()
            if string is not None:
                oid = _TYPES[cast.lower()] if cast else oids.TEXT
                values.append((parse_text(string.replace("''", "'"), oid), oid))
            elif dec is not None:
                values.append((parse_text(dec, oids.NUMERIC), oids.NUMERIC))
            elif integer is not None:
                values.append((int(integer), oids.INT4))
            elif null is not None:
                values.append((None, oids.TEXT))
            else:
                index = int(param) - 1
                if index >= len(params):
                    raise SqlError("42P02", f"there is no parameter ${param}")
                values.append(params[index])
        return values
