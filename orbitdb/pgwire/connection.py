"""One client connection: startup, authentication, then the message loop (simple and extended
query protocols, COPY), run on its own thread.

Errors inside a statement are answered with ErrorResponse and the connection goes on; a broken
byte stream (bad lengths, unknown message types) is answered with FATAL and closed. Nothing a
client sends can end the server.
"""

from __future__ import annotations

import decimal
import logging
import select
import socket
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from orbitdb.pgwire import backend, frontend
from orbitdb.pgwire.auth import AuthFailed, AuthSettings, authenticate
from orbitdb.pgwire.connection_log import ConnectionLog, LogSettings
from orbitdb.pgwire.copy import copy_in, copy_out
from orbitdb.pgwire.encodings import messages
from orbitdb.pgwire.encodings.codec import UTF8, ClientEncoding, Untranslatable, client_encoding
from orbitdb.pgwire.errors import ClientGone, ProtocolError, error_fields, notice_fields
from orbitdb.pgwire.extended import Extended
from orbitdb.pgwire.idle import idle_limit, input_within
from orbitdb.pgwire.notice_levels import for_client
from orbitdb.pgwire.notifications import NotificationWaiter, send_notifications
from orbitdb.pgwire.sending import row_source, send_rows
from orbitdb.pgwire.server_counters import ServerCounters
from orbitdb.pgwire.session_facts import record_client
from orbitdb.pgwire.shapes import ResultShapes
from orbitdb.pgwire.startup import Startup, negotiate
from orbitdb.pgwire.startup_settings import apply as apply_startup_settings
from orbitdb.pgwire.statement_log import StatementLog
from orbitdb.pgwire.stream import Stream
from orbitdb.pgwire.tls import tls_info
from orbitdb.pgwire.transport_policy import TlsRequired, TransportPolicy
from orbitdb.sql.client_encodings import normalize_client_encoding
from orbitdb.sql.errors import SqlError, internal_error
from orbitdb.sql.result import CopyIn, CopyOut, Notice, Result
from orbitdb.sql.spill.process import TRIM_AFTER_BYTES, trim
from orbitdb.sql.statement_stats import statement_stats_of
from orbitdb.sql.types.numeric import CTX as NUMERIC_CONTEXT
from orbitdb.sql.types.pgtext import OutputStyle

log = logging.getLogger("orbitdb.pgwire")

STARTUP_TIMEOUT = 60.0  # seconds a client may take to start up and authenticate (authentication_timeout)
ADMIN_SHUTDOWN = "57P01"

# ParameterStatus values reported when the SQL layer does not report them itself.
DEFAULT_PARAMETERS = {
    "server_version": "15.0",
    "server_encoding": "UTF8",
    "client_encoding": "UTF8",
    "DateStyle": "ISO, MDY",
    "TimeZone": "UTC",
    "integer_datetimes": "on",
    "standard_conforming_strings": "on",
    "IntervalStyle": "postgres",
    "is_superuser": "on",
    "in_hot_standby": "off",
    "default_transaction_read_only": "off",
}


@dataclass
class ServerSide:
    """What every connection of a server shares."""

    # orbitdb.sql.cluster.cluster.Cluster or orbitdb.sql.session.session.Database (anything with .session(user=, database=,
    # application_name=), which raises a FATAL SqlError for a database that cannot be connected to)
    database: Any
    auth: AuthSettings
    tls_context: ssl.SSLContext | None
    cancel: Callable[[int, int], None]  # (pid, secret) from a CancelRequest
    adopt_pid: Callable[[Connection, int], None]  # the session's backend pid becomes the connection's
    transport: TransportPolicy = field(default_factory=TransportPolicy)  # [security] require_tls
    log_settings: LogSettings = field(default_factory=LogSettings)
    counters: ServerCounters = field(default_factory=ServerCounters)  # for the metrics exporter


class _Shutdown(Exception):
    """The server is stopping: end this connection with FATAL 57P01."""


class Connection:
    def __init__(self, side: ServerSide, sock: socket.socket, peer: str, pid: int, secret: int) -> None:
        self.side = side
        self.stream = Stream(sock)
        self.peer = peer
        self.pid = pid
        self.secret = secret
        self.session: Any = None
        self.client_encoding = "UTF8"
        self.encoding: ClientEncoding = UTF8  # the client's, for converting text on the wire
        self.shapes = ResultShapes()
        self.extended = Extended(self)
        self.statement_log = StatementLog(peer)
        self.connection_log = ConnectionLog(side.log_settings, peer)
        self.ignore_till_sync = False
        self.in_pipeline = False  # extended-protocol messages have come since the last Sync
        self.terminating = False
        self._sql: str | None = None  # the statement being run, for error logs
        self.refusal: SqlError | None = None  # set when the server is full
        self.notification_waiter: NotificationWaiter | None = None  # made when the session first listens

    # --- thread entry -----------------------------------------------------------------------

    def run(self) -> None:
        decimal.setcontext(NUMERIC_CONTEXT.copy())  # this thread's numerics: orbitdb's precision, not 28 digits
        self.connection_log.received()
        try:
            self._serve()
        except (ClientGone, _Shutdown):
            if self.terminating:
                self._send_fatal(
                    SqlError(
                        ADMIN_SHUTDOWN,
                        "terminating connection due to administrator command",
                        severity="FATAL",
                    )
                )
        except SqlError as exc:  # fatal: protocol violation, failed authentication, ...
            if exc.severity != "FATAL":
                exc.severity = "FATAL"
            self.statement_log.error(exc, None)
            self._count_fatal(exc)
            self._send_fatal(exc)
        except Exception as exc:  # noqa: BLE001 - a bug (logged): this connection ends, the server goes on
            fatal = self._internal_error(exc)
            fatal.severity = "FATAL"
            self._send_fatal(fatal)
        finally:
            self._close()

    def _count_fatal(self, exc: SqlError) -> None:
        counters = self.side.counters
        counters.error(exc.sqlstate)
        if isinstance(exc, AuthFailed):
            counters.authentication_failed()
        elif exc is self.refusal or isinstance(exc, TlsRequired):
            counters.connection_refused()

    def terminate(self) -> None:
        """From another thread: end this connection (server shutdown). The running statement is
        cancelled and the blocked read returns end-of-stream."""
        self.terminating = True
        session = self.session
        if session is not None:
            try:
                session.cancel()
            except Exception:
                log.debug("cancel during shutdown failed", exc_info=True)
        try:
            socket.socket.shutdown(self.stream.sock, socket.SHUT_RD)
        except OSError:
            pass

    def abort(self) -> None:
        """From another thread, after terminate(): cut the socket both ways, so a thread blocked
        sending to a client that does not read gets an error and ends."""
        try:
            socket.socket.shutdown(self.stream.sock, socket.SHUT_RDWR)
        except OSError:
            pass

    def cancel(self) -> None:
        session = self.session
        if session is not None:
            session.cancel()

    def _send_fatal(self, exc: SqlError) -> None:
        try:
            self.stream.write(backend.error_response(error_fields(exc)))
            self.stream.flush()
        except (ClientGone, OSError):
            pass

    def _close(self) -> None:
        session, self.session = self.session, None
        if self.notification_waiter is not None:
            if session is not None:
                session.notify_wakeup = None
            self.notification_waiter.close()
        if session is not None:
            try:
                session.close()  # rolls back an open transaction
            except Exception:
                log.exception("[%s] closing the session failed", self.peer)
        try:
            self.stream.sock.close()
        except OSError:
            pass
        self.connection_log.disconnected()

    def _client_gone(self) -> bool:
        """Whether the client closed its end (asked by a session waiting for a lock, which
        then gives up: nobody is left to answer). Peeks at the raw socket without reading."""
        sock = self.stream.sock
        try:
            # a socket with a timeout would wait for input before the peek: ask select first
            if sock.gettimeout() is not None and not select.select([sock], [], [], 0)[0]:
                return False
            # one system call otherwise: nothing to read (EAGAIN), data, or the end of the stream
            return socket.socket.recv(sock, 1, socket.MSG_PEEK | socket.MSG_DONTWAIT) == b""
        except BlockingIOError:
            return False
        except (OSError, ValueError):
            return True

    # --- startup ----------------------------------------------------------------------------

    def _serve(self) -> None:
        self.stream.sock.settimeout(STARTUP_TIMEOUT)  # a silent client holds a thread this long at most
        startup = negotiate(self.stream, self.side.tls_context, self.side.cancel)
        if startup is None:
            return
        if self.refusal is not None:
            raise self.refusal
        self.side.transport.check(self.connection_log.host, startup.tls, startup.user, startup.database)
        self._check_client_encoding(startup)
        authenticate(self.stream, self.side.auth, startup.user)
        # as PostgreSQL: authentication succeeds first, then the database is looked up (a
        # missing one is a FATAL after AuthenticationOk)
        self.stream.write(backend.authentication(backend.AUTH_OK))
        self.session = self.side.database.session(
            user=startup.user, database=startup.database, application_name=startup.application_name
        )
        statements = getattr(self.session, "protocol_statements", None)
        if statements is not None:
            self.extended.statements = statements  # shared, so that SQL DEALLOCATE reaches them
        backend_pid = getattr(self.session, "backend_pid", None)
        if isinstance(backend_pid, int) and backend_pid != self.pid:
            self.side.adopt_pid(self, backend_pid)  # so pg_backend_pid() names what a cancel needs
        if hasattr(self.session, "client_gone"):
            self.session.client_gone = self._client_gone
        tls = tls_info(self.stream.sock)
        where = self.connection_log
        record_client(self.session, where.host, where.port, tls, self.side.log_settings)
        self.connection_log.authorized(startup.user, startup.database, startup.application_name, tls)
        self.side.counters.connection_started()
        self.stream.sock.settimeout(None)
        self._greet(startup)
        log.debug(
            "[%s] connected: user=%s database=%s tls=%s",
            self.peer,
            startup.user,
            startup.database,
            startup.tls,
        )
        self._loop()

    def _greet(self, startup: Startup) -> None:
        """The settings' ParameterStatus, BackendKeyData, ReadyForQuery."""
        out = self.stream
        self._apply_startup_settings(startup)
        parameters = dict(DEFAULT_PARAMETERS)
        parameters["application_name"] = startup.application_name
        parameters["session_authorization"] = startup.user
        parameters.update(self.session.parameter_status())
        parameters.update(self._parameter_changes())
        parameters["client_encoding"] = self.client_encoding
        for name, value in parameters.items():
            out.write(backend.parameter_status(name, value))
        out.write(backend.backend_key_data(self.pid, self.secret))
        out.write(backend.ready_for_query(self.session.transaction_status))

    def _check_client_encoding(self, startup: Startup) -> None:
        """A client_encoding orbitdb cannot serve ends the connection before authentication; a
        good one is applied with the other startup settings (a SET, which SHOW then reports)."""
        requested = startup.settings.get("client_encoding")
        if requested is None:
            return
        try:
            # PostgreSQL compares encoding names by their letters and digits only (asyncpg sends 'utf-8')
            normalize_client_encoding(requested)
        except SqlError as exc:
            raise SqlError(exc.sqlstate, exc.message, hint=exc.hint, severity="FATAL") from None

    def _use_client_encoding(self, name: str) -> None:
        """From now on, text goes to and comes from the client in this encoding."""
        self.client_encoding = name
        encoding = client_encoding(name)
        if encoding == self.encoding:
            return
        self.encoding = encoding
        self.shapes = ResultShapes(encoding)  # row descriptions and rows in the new encoding
        if encoding.converts:
            self.stream.outgoing = lambda data: messages.outgoing(data, encoding)
        else:
            self.stream.outgoing = None

    def incoming_text(self, body: bytes, cstrings: int) -> bytes:
        """A message body whose first C strings are text in the client's encoding, as UTF-8."""
        return messages.cstrings_in(body, cstrings, self.encoding) if self.encoding.converts else body

    def _apply_startup_settings(self, startup: Startup) -> None:
        """Settings from the startup packet and its options (-c name=value), run as SET; one the
        server refuses ends the connection (FATAL), as in PostgreSQL."""
        if startup.options_error is not None:
            raise startup.options_error
        apply_startup_settings(self.session, startup.settings)

    # --- the message loop -------------------------------------------------------------------

    def _loop(self) -> None:
        stream = self.stream
        extended = self.extended
        handlers = {
            ord("P"): extended.parse,
            ord("B"): extended.bind,
            ord("D"): extended.describe,
            ord("E"): extended.execute,
            ord("C"): extended.close,
        }
        large = False
        while True:
            body = b""  # the last message's body is not kept while the next one is awaited
            if large:
                trim()  # its copies are freed now: the heap gives them back (glibc would keep them)
            if not stream.has_buffered_input():
                stream.flush()  # answer everything before waiting for the client
                if not self.in_pipeline:
                    self._wait_while_idle()
            kind, body = stream.read_message()
            large = len(body) >= TRIM_AFTER_BYTES
            if kind == ord("X"):
                return
            if kind == ord("S"):
                self._end_pipeline(ok=not self.ignore_till_sync)
                self.ignore_till_sync = False
                self._ready()
                continue
            if self.ignore_till_sync:
                continue
            handler = handlers.get(kind)
            if handler is not None:
                if not self.in_pipeline:
                    # up to Sync, the statements these messages run are one implicit transaction
                    self.in_pipeline = True
                    self.session.begin_implicit()
                self._extended_message(handler, body)
            elif kind == ord("Q"):
                sql = self._query_text(body)
                body = b""  # decoded: a huge query text is not held twice while it runs
                ok = sql is not None and self._simple_query(sql)
                sql = None
                self._end_pipeline(ok)  # a Query after pipelined messages joins, then ends, their transaction
                self._ready()
            elif kind == ord("H"):
                stream.flush()
            elif kind in (ord("d"), ord("c"), ord("f")):
                continue  # leftovers of a failed COPY: ignored, as the protocol says
            elif kind == ord("F"):
                ok = self._function_call(body)
                self._end_pipeline(ok)
                self._ready()
            else:
                raise ProtocolError(f"invalid frontend message type {kind}")

    def _wait_while_idle(self) -> None:
        limit = idle_limit(self.session)
        if getattr(self.session, "listening", None) or getattr(self.session, "notifies", None):
            self._wait_listening(limit)
        elif limit is not None and not input_within(self.stream.sock, limit[0]):
            raise limit[1]

    def _wait_listening(self, limit: tuple[float, SqlError] | None) -> None:
        """Waits for the client's next message, sending the notifications that come meanwhile."""
        waiter = self.notification_waiter
        if waiter is None:
            waiter = self.notification_waiter = NotificationWaiter(self.session)
        deadline = None if limit is None else time.monotonic() + limit[0]
        while True:
            send_notifications(self.session, self.stream)
            self.stream.flush()
            left = None if deadline is None else deadline - time.monotonic()
            if left is not None and left <= 0:
                assert limit is not None
                raise limit[1]
            if waiter.wait(self.stream.sock, left):
                return

    def _answer_failure(self, exc: Exception) -> None:
        """The ErrorResponse for a message that failed: a fatal protocol error goes up (it ends the
        connection); a result the client's encoding cannot hold fails the transaction too; anything
        that is not an SqlError is a bug below, logged and answered as XX000."""
        if not isinstance(exc, SqlError):
            self._send_error(self._internal_error(exc))
            return
        if isinstance(exc, ProtocolError) and exc.fatal:
            raise exc
        if isinstance(exc, Untranslatable):
            self.session.fail_statement()
        self._send_error(exc)

    def _extended_message(self, handler: Callable[[bytes], None], body: bytes) -> None:
        try:
            handler(body)
        except ClientGone:
            raise
        except Exception as exc:  # noqa: BLE001 - answered (a bug below is logged), the connection kept
            self._answer_failure(exc)
            self.ignore_till_sync = True
        finally:
            self._statement_finished()
            self._sql = None

    def _end_pipeline(self, ok: bool) -> None:
        """At Sync: the pipeline's implicit transaction commits, or rolls back when one of its
        messages failed (ok False). A failing commit is the pipeline's error, answered before
        ReadyForQuery."""
        if not self.in_pipeline:
            return
        self.in_pipeline = False
        try:
            self.session.end_implicit(commit=ok)
        except ClientGone:
            raise
        except Exception as exc:  # noqa: BLE001 - answered (a bug below is logged), the connection kept
            self._answer_failure(exc)

    def _ready(self) -> None:
        status = self.session.transaction_status
        if status == "I":
            self.extended.end_of_transaction()
            if self.session.notifies:
                send_notifications(self.session, self.stream)
        self._send_parameter_changes()
        self.stream.write(backend.ready_for_query(status))

    # --- simple query -----------------------------------------------------------------------

    def _query_text(self, body: bytes) -> str | None:
        """The text of a Query message; None when it is not valid UTF-8 (answered)."""
        try:
            return frontend.parse_query(self.incoming_text(body, 1))
        except ProtocolError as exc:
            if exc.fatal:
                raise
            self._send_error(exc)
            return None
        except SqlError as exc:  # not text of the client's encoding
            self._send_error(exc)
            return None

    def _simple_query(self, sql: str) -> bool:
        """Runs a Query message's text; False when it answered an error."""
        self.extended.drop_unnamed()
        self.log_statement("statement", "", sql)
        items = None
        answered = False
        try:
            items = self.session.execute_simple(sql)
            for item in items:
                if isinstance(item, Result) and item.command_tag == "EMPTY":
                    continue  # a statement of only comments
                answered = True
                self._simple_item(item, sql)
            if not answered:
                self.stream.write(backend.EMPTY_QUERY_RESPONSE)
            return True
        except ClientGone:
            raise
        except Exception as exc:  # noqa: BLE001 - answered (a bug below is logged), the connection kept
            self._answer_failure(exc)
        finally:
            close = getattr(items, "close", None)
            if close is not None:
                close()
            self._statement_finished()
            self._sql = None
        return False

    def _function_call(self, body: bytes) -> bool:
        """A FunctionCall message (libpq's large-object calls); False when it answered an error."""
        from orbitdb.pgwire.fastpath import function_call

        self.log_statement("statement", "", "<fastpath function call>")
        try:
            response, notices = function_call(self.session, body)
            self.send_notices(notices)
            self.stream.write(response)
            return True
        except ClientGone:
            raise
        except Exception as exc:  # noqa: BLE001 - answered (a bug below is logged), the connection kept
            self._answer_failure(exc)
        finally:
            self._statement_finished()
            self._sql = None
        return False

    def _simple_item(self, item: Result | CopyIn | CopyOut, sql: str) -> None:
        out = self.stream
        if isinstance(item, (CopyIn, CopyOut)):
            result = self.run_copy(item)
        else:
            result = item
            self.send_notices(result.notices)
            if result.columns is not None:
                shape = self.shapes.get(result.columns, (1,) if result.binary else ())
                out.write(shape.row_description)
                data_row = shape.data_row(self.output_style())
                if isinstance(result.rows, list):  # made already (a small result, SHOW, ...)
                    for row in result.rows:
                        out.write(data_row(row))
                else:
                    source = row_source(result.rows)
                    try:
                        send_rows(self, source, data_row)
                    finally:
                        source.close()  # a no-op once exhausted; else the statement stops here
        self.finish_statement(result, sql)
        out.write(backend.command_complete(result.command_tag))
        self._send_parameter_changes()

    # --- shared by the protocols ------------------------------------------------------------

    def run_copy(self, copy: CopyIn | CopyOut) -> Result:
        encoding = self.encoding if self.encoding.converts else None
        if isinstance(copy, CopyIn):
            return copy_in(self.stream, copy, encoding)
        return copy_out(self.stream, copy, encoding)

    def output_style(self) -> OutputStyle:
        """The session's output settings now (a SET applies to the next result sent)."""
        return self.shapes.style(self.session.settings)

    def _statement_finished(self) -> None:
        """The running statement ended without an error: its duration logged if slow, counted
        in the server's metrics and in orbitdb_stat_statements."""
        done = self.statement_log.finished(self.session)
        if done is None or done.kind not in ("statement", "execute") or done.sql.startswith("<fastpath"):
            return
        counters = self.side.counters
        counters.statement_time(done.seconds)
        for command in done.commands:
            counters.query(command)
        stats = statement_stats_of(self.session)
        if stats is not None and done.commands:
            stats.record(str(self.session.user), getattr(self.session.db, "oid", 0), done.sql,
                         done.seconds * 1000, done.rows, getattr(self.session, "normalized_text", None))

    def log_statement(self, kind: str, name: str, sql: str) -> None:
        self._sql = sql
        self.statement_log.statement(kind, name, sql)

    def finish_statement(self, result: Result, sql: str) -> None:
        self.statement_log.completed(result, sql)

    def send_notices(self, notices: list[Notice]) -> None:
        for notice in for_client(self.session, notices):
            self.stream.write(backend.notice_response(notice_fields(notice)))

    def _internal_error(self, exc: Exception) -> SqlError:
        """A Python exception from a layer below: XX000 naming the statement, traceback logged."""
        return internal_error(exc, self._sql or "", where=f"[{self.peer}]")

    def _send_error(self, exc: SqlError) -> None:
        if self.terminating:
            raise _Shutdown from exc
        self.statement_log.error(exc, self._sql)
        self.side.counters.error(exc.sqlstate)
        self.send_notices(exc.notices)
        self.stream.write(backend.error_response(error_fields(exc)))

    def _parameter_changes(self) -> dict[str, str]:
        changes = self.session.take_parameter_changes()
        if "client_encoding" in changes:
            self._use_client_encoding(changes["client_encoding"])
        return changes

    def _send_parameter_changes(self) -> None:
        for name, value in self._parameter_changes().items():
            self.stream.write(backend.parameter_status(name, value))
