"""Child process of test_ledger_crash.py: runs the ledger embedded (orbitdb.connect, durable commits)
with several client threads until it is killed.

Usage: ledger_crash_child.py DB_PATH ACK_PATH ACCOUNTS INITIAL STYLE CLIENTS FIRST_ID SEED

Client k runs plan_transfers(shape, FIRST_ID + k * CLIENT_STRIDE, SEED + k). After each acknowledged
COMMIT it appends the transfer's line to ACK_PATH and fsyncs it, so a line there is a transfer the
database promised to keep. Prints "ready" once the database is open; an error a correct database never
gives is printed to stderr as "error: ..."."""

from __future__ import annotations

import os
import sys
import threading
import time

from ledger_connect import embedded
from ledger_run import CLIENT_STRIDE
from ledger_workload import STYLES, ClientLog, Shape, Transfer, plan_transfers, run_client


def main() -> None:
    db_path, ack_path, accounts, initial, style_name, clients, first_id, seed = sys.argv[1:9]
    shape = Shape(int(accounts), int(initial))
    style = STYLES[style_name]
    connect = embedded(db_path)
    opened = connect()  # opens (and recovers) the database before "ready", and keeps it open
    opened.cursor().execute("SELECT count(*) FROM acct")
    ack_fd = os.open(ack_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    ack_lock = threading.Lock()

    def acknowledge(t: Transfer) -> None:
        with ack_lock:
            os.write(ack_fd, t.line().encode())
            os.fsync(ack_fd)

    logs = [ClientLog() for _ in range(int(clients))]
    threads = [
        threading.Thread(
            target=run_client,
            args=(
                connect,
                style,
                plan_transfers(shape, int(first_id) + k * CLIENT_STRIDE, int(seed) + k),
                logs[k],
                acknowledge,
            ),
            daemon=True,
        )
        for k in range(int(clients))
    ]
    for thread in threads:
        thread.start()
    sys.stdout.write("ready\n")
    sys.stdout.flush()
    reported = [0] * len(logs)
    while True:  # until killed; a client that stops early is an error
        time.sleep(0.02)
        for k, log in enumerate(logs):
            for error in log.errors[reported[k] :]:
                sys.stderr.write(f"error: client {k}: {error}\n")
            reported[k] = len(log.errors)
            if not threads[k].is_alive() and log.lost_connection:
                sys.stderr.write(f"error: client {k} stopped: {log.lost_connection}\n")
                log.lost_connection = None
        sys.stderr.flush()


if __name__ == "__main__":
    main()
