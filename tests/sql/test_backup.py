"""con.backup(target, progress=...): a consistent online copy that opens as a database."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

import orbitdb

ACCOUNTS = 200
TOTAL = ACCOUNTS * 100


def make_bank(path: Path) -> orbitdb.Connection:
    con = orbitdb.connect(path)
    con.execute("CREATE TABLE acct (id int PRIMARY KEY, balance int NOT NULL CHECK (balance >= 0))")
    con.execute("CREATE SEQUENCE moves")
    con.execute("CREATE INDEX acct_balance ON acct (balance DESC)")
    con.execute("INSERT INTO acct SELECT g, 100 FROM generate_series(1, %s) g", (ACCOUNTS,))
    con.commit()
    return con


def test_backup_while_another_session_moves_money(tmp_path: Path) -> None:
    """Transfers keep the total constant; each copy taken meanwhile has that total (it holds whole
    transactions only) and opens as a database of its own."""
    con = make_bank(tmp_path / "db")
    stop = threading.Event()
    moved = []

    def transfers() -> None:
        other = orbitdb.connect(tmp_path / "db")
        i = 0
        while not stop.is_set() and i < 5000:
            i += 1
            a, b = i % ACCOUNTS + 1, (i * 7) % ACCOUNTS + 1
            other.execute("UPDATE acct SET balance = balance - 1 WHERE id = %s AND balance > 0", (a,))
            other.execute("UPDATE acct SET balance = balance + 1 WHERE id = %s", (b,))
            other.execute("SELECT nextval('moves')")
            other.commit()
            moved.append(i)
        other.close()

    worker = threading.Thread(target=transfers)
    worker.start()
    try:
        while len(moved) < 20:  # let it run a little before each copy
            threading.Event().wait(0.01)
        calls: list[tuple[int, int, int]] = []
        con.backup(tmp_path / "copy1", progress=lambda *a: calls.append(a), step=50)
        while len(moved) < 60:
            threading.Event().wait(0.01)
        con.backup(tmp_path / "copy2")
    finally:
        stop.set()
        worker.join()
    assert calls[-1][1] == 0 and calls[-1][2] > 0 and len(calls) > 2
    assert all(status == 0 for status, _, _ in calls)
    assert [r for _, r, _ in calls] == sorted((r for _, r, _ in calls), reverse=True)
    for name in ("copy1", "copy2"):
        copy = orbitdb.connect(tmp_path / name)
        assert copy.execute("SELECT sum(balance), count(*) FROM acct").fetchone() == (TOTAL, ACCOUNTS)
        # the index is there and agrees with the table
        assert copy.execute("SELECT count(*) FROM acct WHERE balance >= 0").fetchone() == (ACCOUNTS,)
        assert copy.execute("SELECT nextval('moves') > 1").fetchone() == (True,)
        copy.execute("INSERT INTO acct VALUES (0, 5)")  # a database of its own, writable
        copy.commit()
        copy.close()
    assert con.execute("SELECT count(*) FROM acct").fetchone() == (ACCOUNTS,)
    con.close()


def test_backup_leaves_out_uncommitted_work_and_temporary_tables(tmp_path: Path) -> None:
    con = make_bank(tmp_path / "db")
    con.execute("CREATE TEMP TABLE scratch (a int)")
    con.execute("INSERT INTO scratch VALUES (1)")
    con.execute("UPDATE acct SET balance = 0 WHERE id = 1")  # not committed
    con.backup(tmp_path / "copy")
    con.rollback()
    copy = orbitdb.connect(tmp_path / "copy")
    assert copy.execute("SELECT balance FROM acct WHERE id = 1").fetchone() == (100,)
    with pytest.raises(orbitdb.ProgrammingError) as e:
        copy.execute("SELECT * FROM scratch")
    assert e.value.sqlstate == "42P01"
    copy.close()
    con.close()


def test_backup_refuses_a_target_in_use_and_cleans_up_after_a_failed_progress(tmp_path: Path) -> None:
    con = make_bank(tmp_path / "db")
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "x").write_text("keep me")
    with pytest.raises(orbitdb.OperationalError) as e:
        con.backup(tmp_path / "full")
    assert e.value.sqlstate == "58P02"
    assert (tmp_path / "full" / "x").read_text() == "keep me"
    with pytest.raises(orbitdb.OperationalError):
        con.backup(tmp_path / "db")

    def give_up(status: int, remaining: int, total: int) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        con.backup(tmp_path / "cut", progress=give_up, step=10)
    assert not (tmp_path / "cut").exists()
    con.backup(tmp_path / "cut")  # and the target can be used again
    con.close()
