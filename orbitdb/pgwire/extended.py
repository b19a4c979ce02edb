"""The extended query protocol: named and unnamed prepared statements and portals, Parse / Bind /
Describe / Execute (with row limits) / Close.

A portal runs its statement at its first Execute; a query's rows are produced as Executes ask
for them, so a portal that is read with a row limit holds its live statement (PortalSuspended in
between) until it is exhausted, closed, replaced, or its transaction ends.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from orbitdb.pgwire import backend, binary, frontend
from orbitdb.pgwire.errors import ProtocolError
from orbitdb.pgwire.sending import RowSource, row_source, send_rows
from orbitdb.pgwire.shapes import ResultShape
from orbitdb.sql.errors import SqlError
from orbitdb.sql.exec.rowstream import FIRST_BATCH
from orbitdb.sql.result import Column, CopyIn, CopyOut, Result
from orbitdb.sql.types.pgtext import oids, type_name

if TYPE_CHECKING:
    from orbitdb.pgwire.connection import Connection


@dataclass
class Statement:
    query: str
    prepared: Any  # the SQL layer's Prepared; None for an empty query
    param_oids: list[int]
    columns: list[Column] | None
    from_sql: bool = False  # pg_prepared_statements: made by Parse, not by SQL PREPARE
    prepare_time: datetime.datetime = field(default_factory=lambda: datetime.datetime.now(datetime.timezone.utc))


@dataclass
class Portal:
    statement: Statement
    params: list[Any]
    shape: ResultShape | None  # None: the statement's Parse announced no rows
    result: Result | None = None
    source: RowSource | None = None  # the rows still to send

    def close(self) -> None:
        if self.source is not None:
            self.source.close()
            self.source = None


_BINARY_TEXT = frozenset((oids.TEXT, oids.VARCHAR, oids.BPCHAR, oids.NAME, oids.UNKNOWN, oids.JSON, 142))


def _statement_label(name: str) -> str:
    return f'prepared statement "{name}"' if name else "unnamed prepared statement"


class Extended:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.statements: dict[str, Statement] = {}
        self.portals: dict[str, Portal] = {}

    def drop_unnamed(self) -> None:
        """A simple Query destroys the unnamed statement and portal."""
        self.statements.pop("", None)
        self._drop_portal("")

    def end_of_transaction(self) -> None:
        """Portals live until the transaction ends."""
        portals, self.portals = self.portals, {}
        for portal in portals.values():
            portal.close()

    def _drop_portal(self, name: str) -> None:
        portal = self.portals.pop(name, None)
        if portal is not None:
            portal.close()

    # --- Parse ------------------------------------------------------------------------------

    def parse(self, data: bytes) -> None:
        msg = frontend.parse_parse(self.conn.incoming_text(data, 2))
        if msg.name and msg.name in self.statements:
            raise SqlError("42P05", f'prepared statement "{msg.name}" already exists')
        self.conn.log_statement("parse", msg.name, msg.query)
        if not msg.query.strip():
            statement = Statement(msg.query, None, list(msg.param_oids), None)
        else:
            prepared = self.conn.session.prepare(msg.query, list(msg.param_oids))
            prepared.extra["fixed_result"] = prepared.columns  # its Executes must keep this row type
            statement = Statement(msg.query, prepared, list(prepared.param_oids), prepared.columns)
        self.statements[msg.name] = statement
        self.conn.stream.write(backend.PARSE_COMPLETE)

    # --- Bind -------------------------------------------------------------------------------

    def bind(self, data: bytes) -> None:
        msg = frontend.parse_bind(data)
        statement = self.statements.get(msg.statement)
        if statement is None:
            raise SqlError("26000", f'prepared statement "{msg.statement}" does not exist')
        if msg.portal and msg.portal in self.portals:
            raise SqlError("42P03", f'portal "{msg.portal}" already exists')
        expected = len(statement.param_oids)
        if len(msg.params) != expected:
            raise ProtocolError(
                f"bind message supplies {len(msg.params)} parameters, but "
                f"{_statement_label(msg.statement)} requires {expected}",
                fatal=False,
            )
        formats = frontend.expand_formats(msg.param_formats, expected, "parameter")
        params = [
            self._param(i, raw, fmt, oid)
            for i, (raw, fmt, oid) in enumerate(zip(msg.params, formats, statement.param_oids))
        ]
        shape = None
        if statement.columns is not None:
            shape = self.conn.shapes.get(statement.columns, tuple(msg.result_formats))
            shape.data_row(self.conn.output_style())  # a type without binary output fails the Bind
        self._drop_portal(msg.portal)  # the unnamed portal is replaced
        self.portals[msg.portal] = Portal(statement, params, shape)
        self.conn.stream.write(backend.BIND_COMPLETE)

    def _param(self, index: int, raw: bytes | None, fmt: int, type_oid: int) -> Any:
        if raw is None:
            return None
        encoding = self.conn.encoding
        if fmt == 0:
            return encoding.decode(raw) if encoding.converts else frontend.decode_utf8(raw)
        if encoding.converts and type_oid in _BINARY_TEXT:
            raw = encoding.to_utf8(raw)  # a text type's binary form is its text, in the client's encoding
        decode = binary.decoder(type_oid)
        if decode is None:
            raise SqlError("42883", f"no binary input function available for type {type_name(type_oid)}")
        try:
            return decode(raw)
        except binary.InsufficientData:
            raise ProtocolError("insufficient data left in message", fatal=False) from None
        except (binary.BinaryFormatError, ValueError, OverflowError):
            raise SqlError("22P03", f"incorrect binary data format in bind parameter {index + 1}") from None

    # --- Describe ---------------------------------------------------------------------------

    def describe(self, data: bytes) -> None:
        msg = frontend.parse_describe_or_close(data, "DESCRIBE")
        out = self.conn.stream
        if msg.kind == "S":
            statement = self.statements.get(msg.name)
            if statement is None:
                raise SqlError("26000", f'prepared statement "{msg.name}" does not exist')
            out.write(backend.parameter_description(statement.param_oids))
            if statement.columns is None:
                out.write(backend.NO_DATA)
            else:
                out.write(self.conn.shapes.get(statement.columns).row_description)
            return
        portal = self.portals.get(msg.name)
        if portal is None:
            # a SQL cursor is a portal in PostgreSQL (psycopg 3 describes its server-side cursors)
            cursor = (getattr(self.conn.session, "cursors", None) or {}).get(msg.name)
            if cursor is None:
                raise SqlError("34000", f'portal "{msg.name}" does not exist')
            out.write(self.conn.shapes.get(cursor.columns).row_description)
            return
        if portal.shape is None:
            out.write(backend.NO_DATA)
        else:
            out.write(portal.shape.row_description)

    # --- Execute ----------------------------------------------------------------------------

    def execute(self, data: bytes) -> None:
        msg = frontend.parse_execute(data)
        portal = self.portals.get(msg.portal)
        if portal is None:
            raise SqlError("34000", f'portal "{msg.portal}" does not exist')
        if portal.statement.prepared is None:
            self.conn.stream.write(backend.EMPTY_QUERY_RESPONSE)
            return
        if portal.result is None:
            if not self._run(portal, msg.portal, msg.max_rows):
                return
        elif self.conn.session.transaction_status == "E":
            raise SqlError("25P02", "current transaction is aborted, commands ignored until end of transaction block")
        elif portal.source is not None:
            portal.source.restart_timeout()
        assert portal.result is not None
        if portal.result.columns is None:
            self.conn.stream.write(backend.command_complete(portal.result.command_tag))
        else:
            self._send_rows(portal, msg.max_rows)

    def _run(self, portal: Portal, name: str, max_rows: int) -> bool:
        """The portal's first Execute runs its statement; False when that already answered it
        (COPY, empty query)."""
        conn = self.conn
        statement = portal.statement
        conn.log_statement("execute", name, statement.query)
        outcome = conn.session.execute_prepared(statement.prepared, portal.params,
                                                first_rows=min(max_rows, FIRST_BATCH) if max_rows > 0 else FIRST_BATCH)
        if isinstance(outcome, (CopyIn, CopyOut)):
            result = conn.run_copy(outcome)
            conn.finish_statement(result, statement.query)
            conn.stream.write(backend.command_complete(result.command_tag))
            portal.result = Result(result.command_tag)
            return False
        if outcome.command_tag == "EMPTY":  # a query of only comments
            conn.stream.write(backend.EMPTY_QUERY_RESPONSE)
            return False
        portal.result = outcome
        if outcome.columns is not None:
            portal.source = row_source(outcome.rows)
        conn.send_notices(outcome.notices)
        conn.finish_statement(outcome, statement.query)
        if outcome.columns is not None and portal.shape is None:
            # rows the Parse did not announce (the SQL layer could not tell): send them as text
            portal.shape = conn.shapes.get(outcome.columns)
        return True

    def _send_rows(self, portal: Portal, max_rows: int) -> None:
        """DataRows from where the last Execute stopped: all, or max_rows then PortalSuspended
        (as PostgreSQL, also when exactly max_rows were left: the next Execute completes it)."""
        assert portal.result is not None and portal.shape is not None
        source = portal.source
        if source is None:
            sent, exhausted = 0, True
        else:
            data_row = portal.shape.data_row(self.conn.output_style())
            sent, exhausted = send_rows(self.conn, source, data_row, max_rows)
            self.conn.statement_log.rows_sent(sent)
        write = self.conn.stream.write
        if not exhausted:
            write(backend.PORTAL_SUSPENDED)
            return
        portal.close()
        tag = portal.result.command_tag
        if tag.startswith("SELECT"):
            tag = f"SELECT {sent}"  # the count of this Execute, as PostgreSQL reports it
        write(backend.command_complete(tag))

    # --- Close ------------------------------------------------------------------------------

    def close(self, data: bytes) -> None:
        msg = frontend.parse_describe_or_close(data, "CLOSE")
        if msg.kind == "S":
            self.statements.pop(msg.name, None)
        else:
            self._drop_portal(msg.name)
        self.conn.stream.write(backend.CLOSE_COMPLETE)
