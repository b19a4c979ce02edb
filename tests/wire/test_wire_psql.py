"""psql as users run it: -c, -f, scripts on stdin, errors, meta-commands."""

from __future__ import annotations

import uuid

import pytest

pytestmark = pytest.mark.needs_psql


def test_psql_dash_c_and_aligned_output(server):
    out = server.psql("-c", "SELECT 1")
    assert out.stdout.splitlines() == [" ?column? ", "----------", "        1", "(1 row)", ""]


def test_psql_file_with_several_statements(server, tmp_path):
    table = "f_" + uuid.uuid4().hex[:8]
    script = tmp_path / "script.sql"
    script.write_text(
        f"CREATE TABLE {table} (id INTEGER, name TEXT);\n"
        f"INSERT INTO {table} VALUES (1, 'one');\n"
        f"INSERT INTO {table} VALUES (2, 'two'), (3, NULL);\n"
        f"SELECT * FROM {table};\n"
    )
    out = server.psql("-f", str(script))
    assert "CREATE TABLE" in out.stdout and "INSERT 0 2" in out.stdout and "(3 rows)" in out.stdout


def test_psql_error_and_on_error_stop(server):
    out = server.psql("-v", "ON_ERROR_STOP=1", "-c", "SELECT * FROM missing_table_q", check=False)
    assert out.returncode != 0
    assert 'ERROR:  relation "missing_table_q" does not exist' in out.stderr
    out = server.psql("-v", "ON_ERROR_STOP=1", input="SELECT 1;\nSELECT 1/0;\nSELECT 3;\n", check=False)
    assert (
        out.returncode == 3
        and "division by zero" in out.stderr
        and "3" not in out.stdout.split("(1 row)")[-1]
    )


def test_psql_error_position_caret(server):
    out = server.psql("-c", "SELEKT 1", check=False)
    assert "syntax error" in out.stderr and "LINE 1: SELEKT 1" in out.stderr and "^" in out.stderr


def test_psql_timing_and_tuples_only(server):
    out = server.psql("-At", "-c", "\\timing on", "-c", "SELECT 42")
    lines = out.stdout.splitlines()
    assert "42" in lines and any(line.startswith("Time:") for line in lines)


def test_psql_dt_lists_tables(server):
    table = "dt_" + uuid.uuid4().hex[:8]
    server.psql("-c", f"CREATE TABLE {table} (id INTEGER PRIMARY KEY)")
    out = server.psql("-c", "\\dt")
    assert table in out.stdout and "List of relations" in out.stdout
    out = server.psql("-c", f"\\d {table}")
    assert "id" in out.stdout and "integer" in out.stdout


def test_pg_dump_against_the_server(server, tmp_path):
    import subprocess

    table = "dump_" + uuid.uuid4().hex[:8]
    server.psql("-c", f"CREATE TABLE {table} (id INTEGER PRIMARY KEY, name TEXT)")
    server.psql("-c", f"INSERT INTO {table} VALUES (1, 'a')")
    out = subprocess.run(
        ["pg_dump", "-h", server.host, "-p", str(server.port), "-U", "orbit", "-d", "actors"],
        check=False,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    assert f"CREATE TABLE public.{table}" in out.stdout
