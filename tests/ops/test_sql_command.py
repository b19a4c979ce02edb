"""`orbitdb sql PATH`: the shell of `orbitdb shell` under the name the issue gives it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from ops_support import orbitdb_command

import orbitdb


def test_sql_runs_the_shell(tmp_path: Path) -> None:
    path = str(tmp_path / "db")
    made = orbitdb_command("sql", path, "-c", "create table t (a int); insert into t values (1), (2)")
    assert made.returncode == 0, made.stderr
    assert made.stdout == "CREATE TABLE\nINSERT 0 2\n"
    listed = orbitdb_command("sql", path, "-c", "\\dt")
    assert listed.returncode == 0 and " t " in listed.stdout
    # the same answers as `orbitdb shell`, from the same database
    query = "select a, a * 10 as b from t order by a"
    assert orbitdb_command("sql", path, "-c", query).stdout == orbitdb_command("shell", path, "-c", query).stdout
    assert "(2 rows)" in orbitdb_command("sql", path, "-c", query).stdout


def test_sql_reads_statements_from_stdin(tmp_path: Path) -> None:
    root = os.path.dirname(os.path.dirname(orbitdb.__file__))
    result = subprocess.run([sys.executable, "-m", "orbitdb", "sql", str(tmp_path / "db")],
                            input="create table u (x text);\ninsert into u values ('hi');\nselect x from u;\n",
                            capture_output=True, text=True, timeout=120, check=False,
                            env=dict(os.environ, PYTHONPATH=root))
    assert result.returncode == 0, result.stderr
    assert " hi" in result.stdout and "(1 row)" in result.stdout


def test_sql_without_a_path_is_a_usage_error() -> None:
    assert orbitdb_command("sql").returncode == 2
