"""The ledger the concurrency and crash tests run: accounts holding a known total, and clients that
move money between two accounts, one transaction per transfer. A transfer updates both balances and
inserts a row into `transfer` naming it, all in one transaction, so a transfer that is half there
(one leg without the other, or legs without their row) shows as balances that disagree with the
transfer table.

Everything is DB-API with pyformat parameters and autocommit on (transactions are explicit BEGIN ...
COMMIT), so the same code drives orbitdb embedded (orbitdb.connect), orbitdb over the wire and
PostgreSQL 15 (both psycopg2). A COMMIT is acknowledged when it returns with the tag COMMIT."""

from __future__ import annotations

import contextlib
import random
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

ConnectFn = Callable[[], Any]  # a new DB-API connection with autocommit on; ConnectionLost if it cannot

MAX_TRIES = 10_000  # a transfer retried this often after 40001 is reported as stuck


@dataclass(frozen=True)
class Style:
    """How a client moves money: relative updates (`bal = bal - x`) or read-then-write (SELECT the
    balances, compute in the client, UPDATE to the computed values), at an isolation level."""

    isolation: str
    read_then_write: bool

    @property
    def name(self) -> str:
        kind = "read-write" if self.read_then_write else "relative"
        return f"{self.isolation.replace(' ', '-')}-{kind}"


READ_COMMITTED_RELATIVE = Style("read committed", read_then_write=False)
REPEATABLE_READ_READ_WRITE = Style("repeatable read", read_then_write=True)
SERIALIZABLE_READ_WRITE = Style("serializable", read_then_write=True)
STYLES = {s.name: s for s in (READ_COMMITTED_RELATIVE, REPEATABLE_READ_READ_WRITE, SERIALIZABLE_READ_WRITE)}


@dataclass(frozen=True)
class Shape:
    accounts: int
    initial: int = 1000

    @property
    def total(self) -> int:
        return self.accounts * self.initial


@dataclass(frozen=True)
class Transfer:
    id: int
    src: int
    dst: int
    amount: int

    def line(self) -> str:
        return f"{self.id} {self.src} {self.dst} {self.amount}\n"

    @staticmethod
    def from_line(line: str) -> Transfer:
        tid, src, dst, amount = (int(part) for part in line.split())
        return Transfer(tid, src, dst, amount)


class ConnectionLost(Exception):
    """The client lost its connection; `during_commit` says whether a COMMIT was in flight (then
    whether it took effect is unknown)."""

    def __init__(self, cause: BaseException, during_commit: bool) -> None:
        super().__init__(f"{type(cause).__name__}: {cause}".strip())
        self.during_commit = during_commit


@dataclass
class ClientLog:
    acknowledged: list[Transfer] = field(default_factory=list)
    serialization_failures: int = 0
    errors: list[str] = field(default_factory=list)  # errors a correct database never gives here
    in_doubt: list[Transfer] = field(default_factory=list)  # COMMIT sent, connection lost before the answer
    lost_connection: str | None = None


@dataclass
class ReaderLog:
    reads: int = 0
    wrong: list[str] = field(default_factory=list)


def sqlstate(exc: BaseException) -> str | None:
    """The SQLSTATE of a psycopg2 or orbitdb error (both expose it as pgcode); None when the error
    did not come from the server (a lost connection)."""
    return getattr(exc, "pgcode", None)


def plan_transfers(shape: Shape, first_id: int, seed: int) -> Iterator[Transfer]:
    """An endless, reproducible stream of transfers numbered from first_id."""
    rng = random.Random(seed)
    tid = first_id
    while True:
        src, dst = rng.sample(range(shape.accounts), 2)
        yield Transfer(tid, src, dst, rng.randint(1, 100))
        tid += 1


def create_ledger(conn: Any, shape: Shape) -> None:
    cur = conn.cursor()
    cur.execute("DROP TABLE IF EXISTS transfer")
    cur.execute("DROP TABLE IF EXISTS acct")
    cur.execute("CREATE TABLE acct (id integer PRIMARY KEY, bal bigint NOT NULL)")
    cur.execute(
        "CREATE TABLE transfer (id bigint PRIMARY KEY, src integer NOT NULL, dst integer NOT NULL,"
        " amount bigint NOT NULL)"
    )
    values = ", ".join(f"({i}, {shape.initial})" for i in range(shape.accounts))
    cur.execute(f"INSERT INTO acct (id, bal) VALUES {values}")


def _legs(t: Transfer) -> list[tuple[int, int]]:
    """(account, change) in account order: every client locks rows in the same order, so clients
    never deadlock (PostgreSQL would answer 40P01 after deadlock_timeout, which this test is not about)."""
    return sorted([(t.src, -t.amount), (t.dst, t.amount)])


def _expect_one_row(cur: Any, t: Transfer, account: int) -> None:
    if cur.rowcount != 1:
        raise AssertionError(f"transfer {t.id}: UPDATE of account {account} touched {cur.rowcount} rows")


def _transfer_statements(cur: Any, style: Style, t: Transfer) -> None:
    if style.read_then_write:
        cur.execute("SELECT id, bal FROM acct WHERE id IN (%s, %s) ORDER BY id", (t.src, t.dst))
        balances = {int(account): int(bal) for account, bal in cur.fetchall()}
        for account, change in _legs(t):
            cur.execute("UPDATE acct SET bal = %s WHERE id = %s", (balances[account] + change, account))
            _expect_one_row(cur, t, account)
    else:
        for account, change in _legs(t):
            if change < 0:
                cur.execute("UPDATE acct SET bal = bal - %s WHERE id = %s", (-change, account))
            else:
                cur.execute("UPDATE acct SET bal = bal + %s WHERE id = %s", (change, account))
            _expect_one_row(cur, t, account)
    cur.execute(
        "INSERT INTO transfer (id, src, dst, amount) VALUES (%s, %s, %s, %s)", (t.id, t.src, t.dst, t.amount)
    )


def _rollback_quietly(cur: Any) -> None:
    with contextlib.suppress(cur.connection.Error):  # the connection may be gone: the first error counts
        cur.execute("ROLLBACK")


def run_transfer(conn: Any, cur: Any, style: Style, t: Transfer) -> int:
    """Runs t until it commits; returns how many 40001 answers it got on the way. Raises
    ConnectionLost, or conn.Error for any other error (after rolling back)."""
    failures = 0
    for _ in range(MAX_TRIES):
        committing = False
        try:
            cur.execute(f"BEGIN ISOLATION LEVEL {style.isolation.upper()}")
            _transfer_statements(cur, style, t)
            committing = True
            cur.execute("COMMIT")
        except conn.Error as exc:
            if sqlstate(exc) is None:
                raise ConnectionLost(exc, committing) from exc
            _rollback_quietly(cur)
            if sqlstate(exc) != "40001":
                raise
            failures += 1
            continue
        if cur.statusmessage != "COMMIT":
            raise AssertionError(f"transfer {t.id}: COMMIT answered {cur.statusmessage!r}")
        return failures
    raise AssertionError(f"transfer {t.id}: still 40001 after {MAX_TRIES} tries")


def run_client(
    connect: ConnectFn,
    style: Style,
    transfers: Iterable[Transfer],
    log: ClientLog,
    on_ack: Callable[[Transfer], None] | None = None,
) -> None:
    """Runs the transfers one after another, logging each acknowledged COMMIT (then calling
    on_ack), until they are done or the connection is lost."""
    try:
        conn = connect()
    except ConnectionLost as exc:
        log.lost_connection = f"connect: {exc}"
        return
    try:
        cur = conn.cursor()
        for t in transfers:
            try:
                log.serialization_failures += run_transfer(conn, cur, style, t)
            except ConnectionLost as exc:
                log.lost_connection = str(exc)
                if exc.during_commit:
                    log.in_doubt.append(t)
                return
            except conn.Error as exc:
                log.errors.append(f"transfer {t.id}: {sqlstate(exc)} {exc}".strip())
                continue
            except AssertionError as exc:
                log.errors.append(str(exc))
                _rollback_quietly(cur)
                continue
            log.acknowledged.append(t)
            if on_ack is not None:
                on_ack(t)
    finally:
        conn.close()


def run_reader(connect: ConnectFn, shape: Shape, stop: threading.Event, log: ReaderLog) -> None:
    """Reads the total with single statements (autocommit: one snapshot each) until stop is set,
    recording every read that saw a total other than the ledger's."""
    conn = connect()
    try:
        cur = conn.cursor()
        while not stop.is_set() or log.reads == 0:
            try:
                cur.execute("SELECT sum(bal), count(*) FROM acct")
                total, count = cur.fetchone()
                log.reads += 1
                if int(total) != shape.total or count != shape.accounts:
                    log.wrong.append(f"sum(bal) = {total} over {count} rows")
                cur.execute("SELECT id, bal FROM acct")
                rows = cur.fetchall()
                log.reads += 1
                seen = sum(int(bal) for _, bal in rows)
                ids = {account for account, _ in rows}
                if seen != shape.total or len(rows) != shape.accounts or len(ids) != len(rows):
                    log.wrong.append(f"all rows: total {seen} over {len(rows)} rows, {len(ids)} ids")
            except conn.Error as exc:
                log.wrong.append(f"read failed: {sqlstate(exc)} {exc}".strip())
                if sqlstate(exc) is None:
                    return
    finally:
        conn.close()


def read_state(conn: Any) -> tuple[dict[int, int], dict[int, Transfer]]:
    """(balance by account, transfer by id) as stored."""
    cur = conn.cursor()
    cur.execute("SELECT id, bal FROM acct")
    balances = {int(account): int(bal) for account, bal in cur.fetchall()}
    cur.execute("SELECT id, src, dst, amount FROM transfer")
    transfers = {int(r[0]): Transfer(int(r[0]), int(r[1]), int(r[2]), int(r[3])) for r in cur.fetchall()}
    return balances, transfers


def balances_after(shape: Shape, transfers: Iterable[Transfer]) -> dict[int, int]:
    balances = dict.fromkeys(range(shape.accounts), shape.initial)
    for t in transfers:
        balances[t.src] -= t.amount
        balances[t.dst] += t.amount
    return balances


def _difference(expected: dict[int, int], actual: dict[int, int]) -> tuple[int, int]:
    """(accounts that differ, sum of the absolute differences)."""
    accounts = set(expected) | set(actual)
    diffs = [abs(expected.get(a, 0) - actual.get(a, 0)) for a in accounts]
    return sum(1 for d in diffs if d), sum(diffs)


def state_problems(
    shape: Shape,
    balances: dict[int, int],
    stored: dict[int, Transfer],
    acknowledged: Iterable[Transfer],
    in_doubt: Iterable[Transfer] = (),
) -> list[str]:
    """What is wrong with a stored ledger given the transfers whose COMMIT was acknowledged and those
    whose outcome is unknown (a COMMIT in flight when the connection or process died)."""
    problems: list[str] = []
    acked = {t.id: t for t in acknowledged}
    doubtful = {t.id: t for t in in_doubt}
    missing = sorted(set(acked) - set(stored))
    if missing:
        problems.append(f"{len(missing)} acknowledged transfers are gone, e.g. ids {missing[:5]}")
    changed = sorted(i for i in set(acked) & set(stored) if acked[i] != stored[i])
    if changed:
        problems.append(f"{len(changed)} acknowledged transfers are stored changed, e.g. ids {changed[:5]}")
    unexplained = sorted(set(stored) - set(acked) - set(doubtful))
    if unexplained:
        problems.append(
            f"{len(unexplained)} transfers are stored that were never acknowledged nor in flight,"
            f" e.g. ids {unexplained[:5]}"
        )
    total = sum(balances.values())
    if total != shape.total or len(balances) != shape.accounts:
        problems.append(
            f"total is {total} over {len(balances)} accounts, not {shape.total} over {shape.accounts}"
        )
    accounts, amount = _difference(balances_after(shape, stored.values()), balances)
    if accounts:
        problems.append(
            f"balances disagree with the stored transfers (half-applied or lost updates):"
            f" {accounts} accounts off by {amount} in all"
        )
    accounts, amount = _difference(balances_after(shape, acked.values()), balances)
    if accounts and not doubtful:
        problems.append(
            f"balances disagree with the acknowledged transfers: {accounts} accounts off by {amount} in all"
            f" (net {total - shape.total:+d})"
        )
    return problems
