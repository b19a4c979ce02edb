"""pgbench's TPC-B-like script against `orbitdb serve`: every transaction adds the same delta to an
account, a teller and a branch and logs it in pgbench_history, so afterwards sum(abalance) =
sum(bbalance) = sum(tbalance) = sum(delta), and pgbench_history holds one row per transaction
pgbench saw committed. One test per query mode; PostgreSQL 15 once, to show the check holds there."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable

import psycopg2
import pytest
from wire_support import ServerProcess

CLIENTS = 8
SECONDS = 4


def _parse_dsn(dsn: str) -> dict[str, str]:
    return dict(part.split("=", 1) for part in dsn.split())


def _pgbench(dsn: str, *args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    params = _parse_dsn(dsn)
    cmd = [
        "pgbench",
        "-h",
        params["host"],
        "-p",
        params["port"],
        "-U",
        params["user"],
        *args,
        params["dbname"],
    ]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)


def _figure(output: str, label: str) -> int:
    match = re.search(rf"^{re.escape(label)}: (\d+)", output, re.MULTILINE)
    assert match, f"pgbench printed no {label!r}:\n{output}"
    return int(match.group(1))


def _sums(dsn: str) -> tuple[int, int, int, int, int]:
    conn = psycopg2.connect(dsn, connect_timeout=10)
    try:
        cur = conn.cursor()
        cur.execute(
            "SELECT (SELECT sum(abalance) FROM pgbench_accounts), (SELECT sum(bbalance) FROM pgbench_branches),"
            " (SELECT sum(tbalance) FROM pgbench_tellers), (SELECT sum(delta) FROM pgbench_history),"
            " (SELECT count(*) FROM pgbench_history)"
        )
        row = cur.fetchone()
        conn.rollback()
    finally:
        conn.close()
    return tuple(int(v or 0) for v in row)  # type: ignore[return-value]


def _check_pgbench(dsn: str, mode: str) -> None:
    init = _pgbench(dsn, "-i", "-s", "1", "-q")
    assert init.returncode == 0, f"pgbench -i failed:\n{init.stdout}\n{init.stderr}"
    run = _pgbench(dsn, "-c", str(CLIENTS), "-j", "2", "-T", str(SECONDS), "-M", mode)
    output = run.stdout + run.stderr
    processed = _figure(output, "number of transactions actually processed")
    failed = _figure(output, "number of failed transactions")
    accounts, branches, tellers, deltas, history = _sums(dsn)
    figures = (
        f"-M {mode}: {processed} transactions, {failed} failed, exit {run.returncode};"
        f" sum(abalance) = {accounts}, sum(bbalance) = {branches}, sum(tbalance) = {tellers},"
        f" sum(delta) = {deltas}, {history} history rows"
    )
    print(figures)
    assert "aborted" not in output, figures + "\n" + output
    assert run.returncode == 0 and failed == 0, figures + "\n" + output
    assert processed > 0, figures
    assert accounts == branches == tellers == deltas, figures
    assert history == processed, figures


@pytest.mark.parametrize("mode", ["simple", "extended", "prepared"])
def test_pgbench_sums_agree_on_orbitdb(start_orbit_server: Callable[..., ServerProcess], mode: str) -> None:
    _check_pgbench(start_orbit_server().dsn, mode)


def test_pgbench_sums_agree_on_postgres(postgres_dsn: str) -> None:
    _check_pgbench(postgres_dsn, "prepared")
