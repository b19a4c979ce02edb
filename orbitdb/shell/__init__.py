"""`python -m orbitdb shell PATH`: an interactive SQL shell on an embedded database, with psql's
basic habits: statements end at ";" and may span lines, results print as psql prints them, and
the backslash commands \\d, \\dt, \\d NAME, \\d+ NAME, \\l, \\x, \\timing, \\? and \\q.

Input from a terminal is read with line editing and a psql-like prompt (actors=#, actors-# while a
statement continues, actors=*# inside a transaction); input from a pipe or file is read without
prompts, as psql reads a script. -c COMMAND runs one command and exits (1 when it failed)."""

from __future__ import annotations

import sys
import time
from typing import IO, Any

from orbitdb.shell.commands import Listing, describe, list_databases, list_relations
from orbitdb.shell.statements import StatementBuffer
from orbitdb.shell.table import aligned, expanded
from orbitdb.sql.errors import SqlError
from orbitdb.sql.result import CopyIn, CopyOut, Result
from orbitdb.sql.types.pgtext import OutputStyle, format_text

HELP = """General
  \\q                     quit
Informational
  \\d[+]                  list tables, views and sequences
  \\d[+]  NAME            describe table, view, sequence, or index
  \\dt[+] [PATTERN]       list tables
  \\l                     list databases
Formatting
  \\x [on|off]            toggle expanded output
  \\timing [on|off]       toggle timing of commands
"""


class Shell:
    def __init__(self, con: Any, out: IO[str], err: IO[str]) -> None:
        self.con = con
        self.session = con.info  # the connection's session: results are printed as psql would print them
        self.out = out
        self.err = err
        self.expanded = False
        self.timing = False
        self.buffer = StatementBuffer()
        self.failed = False  # the last command failed

    # --- input --------------------------------------------------------------------------------

    def prompt(self) -> str:
        status = {"T": "*", "E": "!"}.get(self.session.transaction_status, "")
        return f"{self.session.database}{'-' if self.buffer.pending else '='}{status}# "

    def feed(self, line: str) -> bool:
        """One line of input; False when the shell should end (\\q)."""
        stripped = line.strip()
        if stripped.startswith("\\") and not self.buffer.pending:
            return self.command(stripped)
        for statement in self.buffer.feed(line):
            self.run_sql(statement)
        return True

    def finish(self) -> None:
        """At the end of input: a statement without its ";" is run, as psql runs it."""
        if self.buffer.pending:
            text = self.buffer.text.strip()
            self.buffer.clear()
            self.run_sql(text)

    # --- backslash commands -------------------------------------------------------------------

    def command(self, text: str) -> bool:
        name, _, argument = text[1:].partition(" ")
        argument = argument.strip()
        self.failed = False
        if name == "q":
            return False
        if name == "x":
            self.expanded = _toggle(self.expanded, argument)
            self.out.write(f"Expanded display is {'on' if self.expanded else 'off'}.\n")
        elif name == "timing":
            self.timing = _toggle(self.timing, argument)
            self.out.write(f"Timing is {'on' if self.timing else 'off'}.\n")
        elif name == "?":
            self.out.write(HELP)
        elif name in ("d", "d+", "dt", "dt+", "l", "l+", "list"):
            try:
                self.show_command(name, argument)
            except SqlError as e:
                self.report(e)
        else:
            self.err.write(f"invalid command \\{name}\nTry \\? for help.\n")
            self.failed = True
        return True

    def show_command(self, name: str, argument: str) -> None:
        verbose = name.endswith("+")
        base = name.rstrip("+")
        if base in ("l", "list"):
            self.show(list_databases(self.query))
        elif base == "dt":
            self.show(list_relations(self.query, "rp", argument or None, verbose))
        elif argument:
            for listing in describe(self.query, argument, verbose):
                self.show(listing)
        else:
            self.show(list_relations(self.query, "rpvmSf", None, verbose))

    def query(self, sql: str, params: list[object]) -> tuple[list[str], list[int], list[list[str | None]]]:
        results = self.session.execute(sql, list(params))
        result = results[-1]
        assert isinstance(result, Result) and result.columns is not None
        return self.texts(result)

    def show(self, listing: Listing) -> None:
        if listing.message is not None:
            self.err.write(listing.message + "\n")
            return
        if self.expanded:
            self.out.write(expanded(listing.names, listing.rows, listing.title))
        else:
            self.out.write(aligned(listing.names, listing.oids, listing.rows, listing.title, listing.row_count))
        for line in listing.footer:
            self.out.write(line + "\n")
        self.out.write("\n")

    # --- SQL ----------------------------------------------------------------------------------

    def texts(self, result: Result) -> tuple[list[str], list[int], list[list[str | None]]]:
        """A result's column names, type oids and values as PostgreSQL prints them."""
        columns = result.columns or []
        style = OutputStyle.from_settings(*(self.session.settings[k] for k in (
            "datestyle", "intervalstyle", "bytea_output", "extra_float_digits", "timezone")))
        oids = [c.type_oid for c in columns]
        rows = [[None if v is None else format_text(v, oid, style=style) for v, oid in zip(row, oids)]
                for row in result.rows]
        return [c.name for c in columns], oids, rows

    def run_sql(self, sql: str) -> None:
        self.failed = False
        started = time.perf_counter()
        try:
            for item in self.session.execute_simple(sql):
                if isinstance(item, (CopyIn, CopyOut)):
                    raise SqlError("0A000", "COPY FROM STDIN and COPY TO STDOUT are not supported by the "
                                            "orbitdb shell", hint="Use COPY ... FROM/TO a file.")
                self.print_result(item)
        except SqlError as e:
            self.report(e)
        if self.timing:
            self.out.write(f"Time: {(time.perf_counter() - started) * 1000:.3f} ms\n")
        self.out.flush()

    def print_result(self, result: Result) -> None:
        for notice in result.notices:
            self.err.write(f"{notice.severity}:  {notice.message}\n")
        self.session.notices.clear()
        if result.command_tag == "EMPTY":
            return
        if result.columns is None:
            self.out.write(result.command_tag + "\n")
            return
        names, oids, rows = self.texts(result)
        if self.expanded:
            self.out.write(expanded(names, rows))
        else:
            self.out.write(aligned(names, oids, rows))
        self.out.write("\n")

    def report(self, e: SqlError) -> None:
        self.failed = True
        for notice in e.notices:
            self.err.write(f"{notice.severity}:  {notice.message}\n")
        self.err.write(f"{e.severity or 'ERROR'}:  {e.message}\n")
        if e.detail:
            self.err.write(f"DETAIL:  {e.detail}\n")
        if e.hint:
            self.err.write(f"HINT:  {e.hint}\n")
        self.err.flush()


def _toggle(current: bool, argument: str) -> bool:
    if argument.lower() in ("on", "true", "yes", "1"):
        return True
    if argument.lower() in ("off", "false", "no", "0"):
        return False
    return not current


def run(path: str, command: str | None = None, stdin: IO[str] | None = None, out: IO[str] | None = None,
        err: IO[str] | None = None, database: str | None = None) -> int:
    """The shell on the database in path; its exit code."""
    import orbitdb

    stdin = stdin or sys.stdin
    out = out or sys.stdout
    err = err or sys.stderr
    try:
        con = orbitdb.connect(path, database=database, autocommit=True)
    except orbitdb.Error as e:
        err.write(f"orbitdb shell: cannot open {path}: {e}\n")
        return 2
    shell = Shell(con, out, err)
    try:
        if command is not None:
            for line in command.splitlines() or [""]:
                shell.feed(line)
            shell.finish()
            return 1 if shell.failed else 0
        interactive = stdin.isatty()
        if interactive:
            try:
                import readline  # noqa: F401 - line editing and history for input()
            except ImportError:
                pass
            out.write(f"orbitdb shell on {path} (PostgreSQL's SQL; \\? for help, \\q to quit)\n")
        while True:
            try:
                line = input(shell.prompt()) if interactive and stdin is sys.stdin else stdin.readline()
            except EOFError:
                line = ""
                if interactive:
                    out.write("\\q\n")
                break
            except KeyboardInterrupt:  # as psql: the statement being typed is dropped
                shell.buffer.clear()
                out.write("\n")
                continue
            if not line and not interactive:
                break
            if not shell.feed(line):
                break
        shell.finish()
        return 0
    finally:
        con.close()
