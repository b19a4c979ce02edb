"""`python -m orbitdb shell PATH`: psql's habits on an embedded database, through stdin and a
pseudo-terminal; its output compared with psql's on a PostgreSQL 15 given the same commands."""

from __future__ import annotations

import io
import os
import pty
import select
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from reference_pg import reference_postgres

from orbitdb.shell import run

SETUP = ("CREATE TABLE t (id int PRIMARY KEY, name text NOT NULL, n numeric DEFAULT 1.5 CHECK (n > 0), "
         "u varchar(10) UNIQUE); CREATE INDEX t_name ON t (name DESC); "
         "INSERT INTO t VALUES (1, 'one', 2, 'a'), (2, E'two\\nlines', NULL, 'b'); "
         "CREATE VIEW v AS SELECT id, name FROM t;")
# what psql prints the same for PostgreSQL and orbitdb (\dt and \d name the owner, which differs)
SAME_AS_PSQL = [
    r"\d t",
    r"\d+ t",
    r"\d v",
    "SELECT * FROM t ORDER BY id;",
    "\\x on\nSELECT * FROM t ORDER BY id;",
    "SELECT 1 AS a, 'x' AS bb, NULL::int AS c, 1.5::float8 AS f, true AS b, '{1,2}'::int[] AS arr;",
    "SELECT id FROM t WHERE false;",
]


@dataclass
class Ran:
    returncode: int
    stdout: str
    stderr: str


def shell(path: Path, *args: str, stdin: str = "") -> Ran:
    """The shell run in this process (as `python -m orbitdb shell PATH [-c COMMAND]` runs it)."""
    out, err = io.StringIO(), io.StringIO()
    command = args[1] if args[:1] == ("-c",) else None
    code = run(str(path), command, stdin=io.StringIO(stdin), out=out, err=err)
    return Ran(code, out.getvalue(), err.getvalue())


def shell_command(path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "orbitdb", "shell", str(path), *args], capture_output=True,
                          text=True, timeout=120, check=False)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "db"
    made = shell(path, "-c", SETUP)
    assert made.returncode == 0, made.stderr
    assert made.stdout == "CREATE TABLE\nCREATE INDEX\nINSERT 0 2\nCREATE VIEW\n"
    return path


@pytest.fixture(scope="module")
def psql_outputs() -> Iterator[dict[str, str] | None]:
    with reference_postgres() as dsn:
        if dsn is None:
            yield None
            return
        subprocess.run(["psql", "-X", "-q", "-c", SETUP, dsn], check=True, capture_output=True, timeout=60)
        yield {c: subprocess.run(["psql", "-X", dsn], input=c + "\n", capture_output=True, text=True, check=True,
                                 timeout=60).stdout for c in SAME_AS_PSQL}


@pytest.mark.needs_psql
@pytest.mark.parametrize("commands", SAME_AS_PSQL)
def test_prints_what_psql_prints(db: Path, commands: str, psql_outputs: dict[str, str] | None) -> None:
    if psql_outputs is None:
        pytest.skip("no PostgreSQL 15 could be started here")
    assert shell(db, stdin=commands + "\n").stdout == psql_outputs[commands]


def test_describe_and_list(db: Path) -> None:
    assert shell(db, stdin="\\dt\n").stdout == (
        "       List of relations\n"
        " Schema | Name | Type  | Owner \n"
        "--------+------+-------+-------\n"
        " public | t    | table | orbit\n"
        "(1 row)\n\n")
    assert " public | v    | view  | orbit\n" in shell(db, stdin="\\d\n").stdout
    listed = shell(db, stdin="\\l\n").stdout
    assert "List of databases" in listed and " actors | orbit | UTF8 " in listed
    missing = shell(db, stdin="\\d nothing\n")
    assert missing.stderr == 'Did not find any relation named "nothing".\n'


def test_a_script_from_stdin(db: Path) -> None:
    run = shell(db, stdin=(
        "SELECT 1 / 0;\n"  # an error, and the script goes on (as psql without ON_ERROR_STOP)
        "INSERT INTO t\n  VALUES (3, 'three;\n semicolon', 4, 'c');  -- one statement over three lines\n"
        "SELECT $$a;b$$ AS x; SELECT /* ; */ count(*) FROM t\n"
        ";\n"
        "\\timing on\n"
        "BEGIN;\n"
        "SELECT 'no semicolon at the end'"))
    assert run.returncode == 0
    assert run.stderr == "ERROR:  division by zero\n"
    out = run.stdout.splitlines()
    assert out[:8] == ["INSERT 0 1", "  x  ", "-----", " a;b", "(1 row)", "", " count ", "-------"]
    assert out[8] == "     3"
    assert "Timing is on." in out and "BEGIN" in out
    assert any(line.startswith("Time: ") and line.endswith(" ms") for line in out)
    assert " no semicolon at the end" in out


def test_quit_command_and_errors(db: Path) -> None:
    run = shell(db, stdin="\\q\nDROP TABLE t;\n")
    assert run.returncode == 0 and run.stdout == ""
    assert shell(db, "-c", "SELECT count(*) FROM t").stdout == " count \n-------\n     2\n(1 row)\n\n"
    failed = shell_command(db, "-c", "SELECT nope FROM t")
    assert failed.returncode == 1
    assert failed.stderr == 'ERROR:  column "nope" does not exist\n'
    unknown = shell(db, stdin="\\frobnicate\n")
    assert unknown.stderr == "invalid command \\frobnicate\nTry \\? for help.\n"
    assert "\\dt[+] [PATTERN]" in shell(db, stdin="\\?\n").stdout


def read_until(fd: int, wanted: str, seen: list[str]) -> str:
    deadline = time.monotonic() + 60
    text = ""
    while wanted not in text:
        assert time.monotonic() < deadline, f"never saw {wanted!r} in {text!r}"
        ready, _, _ = select.select([fd], [], [], 1.0)
        if ready:
            chunk = os.read(fd, 4096).decode()
            assert chunk, f"the shell ended before {wanted!r}: {text!r}"
            text += chunk
    seen.append(text)
    return text


def test_interactive_through_a_terminal(db: Path) -> None:
    """Prompts as psql's: actors=# , actors-# while a statement continues, actors=*# in a
    transaction, actors=!# in a failed one."""
    pid, fd = pty.fork()
    if pid == 0:  # the child: the shell on the terminal
        os.execv(sys.executable, [sys.executable, "-m", "orbitdb", "shell", str(db)])
    seen: list[str] = []
    try:
        read_until(fd, "actors=# ", seen)
        os.write(fd, b"SELECT id, name\n")
        read_until(fd, "actors-# ", seen)
        os.write(fd, b"FROM t WHERE id = 1;\n")
        assert " id | name \r\n----+------\r\n  1 | one\r\n(1 row)" in read_until(fd, "actors=# ", seen)
        os.write(fd, b"BEGIN;\n")
        read_until(fd, "actors=*# ", seen)
        os.write(fd, b"SELECT 1/0;\n")
        assert "ERROR:  division by zero" in read_until(fd, "actors=!# ", seen)
        os.write(fd, b"ROLLBACK;\n")
        read_until(fd, "actors=# ", seen)
        os.write(fd, b"\\x\n")
        assert "Expanded display is on." in read_until(fd, "actors=# ", seen)
        os.write(fd, b"\\q\n")
        _, status = os.waitpid(pid, 0)
        assert os.waitstatus_to_exitcode(status) == 0
    finally:
        os.close(fd)
        try:
            os.kill(pid, 9)
            os.waitpid(pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass
