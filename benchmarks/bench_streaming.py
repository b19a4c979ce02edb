"""Peak server RSS and time to first row of large results and inputs, over a real socket.

Starts `orbitdb serve` on a free port with a fresh data directory, samples the server's RSS with
psutil while each case runs, and prints one line per case. The cases are those of issue 12:
big SELECTs (simple protocol, and a portal that reads 1,000 rows of 1e8), an endless recursive
CTE under LIMIT, COPY TO STDOUT, COPY FROM STDIN, and (embedded) fetchmany over a big result.

    PYTHONPATH=. python benchmarks/bench_streaming.py [--rows 10000000] [--copy-mb 100] [--only NAME]
"""

from __future__ import annotations

import argparse
import io
import os
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import psutil

if TYPE_CHECKING:
    from typing_extensions import Self


class Sampler:
    """The peak RSS of a process while a case runs (sampled every 20 ms)."""

    def __init__(self, pid: int) -> None:
        self.proc = psutil.Process(pid)
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.peak = max(self.peak, self.proc.memory_info().rss)
            except psutil.Error:
                return
            self._stop.wait(0.02)

    def __enter__(self) -> Self:
        self.peak = self.proc.memory_info().rss
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def _msg(kind: bytes, body: bytes = b"") -> bytes:
    return kind + struct.pack("!i", len(body) + 4) + body


def _cstr(text: str) -> bytes:
    return text.encode() + b"\x00"


class Raw:
    """Just enough of the frontend protocol to read rows without keeping them."""

    def __init__(self, port: int) -> None:
        self.sock = socket.create_connection(("127.0.0.1", port))
        self.buf = bytearray()
        body = struct.pack("!i", 3 << 16) + _cstr("user") + _cstr("orbit") + _cstr("database") + _cstr("actors")
        body += b"\x00"
        self.sock.sendall(struct.pack("!i", len(body) + 4) + body)
        self.until("Z")

    def read(self) -> tuple[str, bytes]:
        while len(self.buf) < 5:
            self._fill()
        kind = chr(self.buf[0])
        (length,) = struct.unpack("!i", self.buf[1:5])
        while len(self.buf) < 1 + length:
            self._fill()
        body = bytes(self.buf[5 : 1 + length])
        del self.buf[: 1 + length]
        return kind, body

    def _fill(self) -> None:
        chunk = self.sock.recv(1 << 18)
        if not chunk:
            raise EOFError("server closed the connection")
        self.buf += chunk

    def until(self, kind: str) -> list[tuple[str, bytes]]:
        out = []
        while True:
            m = self.read()
            out.append(m)
            if m[0] == kind:
                return out

    def close(self) -> None:
        self.sock.close()


def start_server(data: Path) -> tuple[subprocess.Popen[str], int]:
    env = dict(os.environ)
    proc = subprocess.Popen(
        [sys.executable, "-m", "orbitdb", "serve", "--host", "127.0.0.1", "--port", "0", "--data-dir", str(data)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env,
    )
    assert proc.stdout is not None
    for line in proc.stdout:
        if "listening on " in line:
            port = int(line.rsplit(":", 1)[1])
            threading.Thread(target=lambda: [None for _ in proc.stdout], daemon=True).start()  # type: ignore[union-attr]
            return proc, port
    raise RuntimeError("server did not start")


def _literal(rows: int, numeric: bool) -> str:
    """rows as the query writes it: 10000000, or 1e7 (numeric, as the issue's queries)."""
    if not numeric:
        return str(rows)
    mantissa, exponent = f"{rows:e}".split("e")
    return f"{float(mantissa):g}e{int(exponent)}"


def simple_select(port: int, rows: int, numeric: bool) -> tuple[float, int]:
    """(seconds to the first DataRow, rows read): a simple Query read to its end."""
    c = Raw(port)
    t0 = time.monotonic()
    c.sock.sendall(_msg(b"Q", _cstr(f"SELECT * FROM generate_series(1, {_literal(rows, numeric)})")))
    first = None
    n = 0
    while True:
        kind, _ = c.read()
        if kind == "D":
            if first is None:
                first = time.monotonic() - t0
            n += 1
        elif kind == "Z":
            break
        elif kind == "E":
            print("   error:", _)
    c.close()
    return first or -1.0, n


def portal_prefix(port: int, rows: int) -> tuple[float, int]:
    """(seconds to the first DataRow, rows read): Execute with a row limit of 1,000 on 1e8 rows."""
    c = Raw(port)
    t0 = time.monotonic()
    c.sock.sendall(
        _msg(b"P", _cstr("") + _cstr(f"SELECT * FROM generate_series(1, {rows})") + struct.pack("!h", 0))
        + _msg(b"B", _cstr("") + _cstr("") + struct.pack("!hhh", 0, 0, 0))
        + _msg(b"E", _cstr("") + struct.pack("!i", 1000))
        + _msg(b"H")
    )
    first = None
    n = 0
    while True:
        kind, body = c.read()
        if kind == "D":
            if first is None:
                first = time.monotonic() - t0
            n += 1
        elif kind in ("s", "C", "E"):
            if kind == "E":
                print("   error:", body)
            break
    c.sock.sendall(_msg(b"C", b"P" + _cstr("")) + _msg(b"S"))
    c.until("Z")
    c.close()
    return first or -1.0, n


def recursive_limit(port: int, timeout: float) -> tuple[float, int]:
    c = Raw(port)
    c.sock.settimeout(timeout)
    t0 = time.monotonic()
    c.sock.sendall(_msg(b"Q", _cstr(
        "WITH RECURSIVE t(n) AS (VALUES (1) UNION ALL SELECT n+1 FROM t) SELECT * FROM t LIMIT 10")))
    n = 0
    try:
        for kind, _ in c.until("Z"):
            n += kind == "D"
    except TimeoutError:
        n = -1
    c.close()
    return time.monotonic() - t0, n


def copy_to(port: int, rows: int) -> tuple[float, int]:
    c = Raw(port)
    t0 = time.monotonic()
    c.sock.sendall(_msg(b"Q", _cstr(f"COPY (SELECT g, g * 2 FROM generate_series(1, {rows}) g) TO STDOUT")))
    first = None
    n = 0
    while True:
        kind, _ = c.read()
        if kind == "d":
            if first is None:
                first = time.monotonic() - t0
            n += 1
        elif kind == "Z":
            break
    c.close()
    return first or -1.0, n


def copy_from(port: int, megabytes: int) -> tuple[float, int]:
    import psycopg2

    line = "%d\tsome text of a row that is not short, so the bytes add up quickly\n"
    rows = megabytes * (1 << 20) // len(line % 1000000)

    class Source(io.RawIOBase):
        def __init__(self) -> None:
            self.i = 0
            self.pending = b""

        def readable(self) -> bool:
            return True

        def read(self, n: int = -1) -> bytes:
            while len(self.pending) < 65536 and self.i < rows:
                self.pending += "".join(line % k for k in range(self.i, min(rows, self.i + 1000))).encode()
                self.i += 1000
            out, self.pending = self.pending[:65536], self.pending[65536:]
            return out

    con = psycopg2.connect(host="127.0.0.1", port=port, user="orbit", dbname="actors")
    con.autocommit = True
    cur = con.cursor()
    cur.execute("DROP TABLE IF EXISTS copied")
    cur.execute("CREATE TABLE copied (id int, note text)")
    t0 = time.monotonic()
    cur.copy_expert("COPY copied FROM STDIN", Source(), size=65536)
    took = time.monotonic() - t0
    cur.execute("SELECT count(*) FROM copied")
    n = cur.fetchone()[0]
    cur.execute("DROP TABLE copied")
    con.close()
    return took, n


def embedded_fetchmany(rows: int) -> None:
    """In this process: iterate rows with fetchmany, print the peak RSS growth."""
    import orbitdb

    with tempfile.TemporaryDirectory() as d:
        con = orbitdb.connect(d)
        me = psutil.Process()
        base = me.memory_info().rss
        with Sampler(os.getpid()) as s:
            t0 = time.monotonic()
            cur = con.cursor()
            cur.execute(f"SELECT * FROM generate_series(1, {rows})")
            first = time.monotonic() - t0
            n = 0
            while True:
                batch = cur.fetchmany(1000)
                if not batch:
                    break
                n += len(batch)
            took = time.monotonic() - t0
        con.close()
        print(f"embedded fetchmany {n:,} rows: first batch after {first:.2f} s, all in {took:.1f} s, "
              f"peak RSS +{(s.peak - base) / 2**20:.0f} MB")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=10_000_000)
    ap.add_argument("--copy-mb", type=int, default=100)
    ap.add_argument("--only", default="")
    ap.add_argument("--numeric", action="store_true", help="write row counts as 1e7 (numeric series)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        proc, port = start_server(Path(d) / "data")
        server = psutil.Process(proc.pid)
        try:
            base = server.memory_info().rss
            print(f"server baseline RSS {base / 2**20:.0f} MB")
            cases: list[tuple[str, Callable[[], tuple[float, int]], str]] = [
                ("simple", lambda: simple_select(port, args.rows, args.numeric), "first row after {0:.2f} s, {1:,} rows"),
                ("portal", lambda: portal_prefix(port, 100_000_000), "first row after {0:.2f} s, {1:,} rows"),
                ("recursive", lambda: recursive_limit(port, 10.0), "{0:.2f} s, {1} rows (-1: no answer)"),
                ("copy_to", lambda: copy_to(port, args.rows), "first row after {0:.2f} s, {1:,} rows"),
                ("copy_from", lambda: copy_from(port, args.copy_mb), "{0:.1f} s, {1:,} rows"),
            ]
            for name, run, fmt in cases:
                if args.only and name != args.only:
                    continue
                with Sampler(proc.pid) as s:
                    t0 = time.monotonic()
                    out = run()
                    took = time.monotonic() - t0
                time.sleep(1.0)
                idle = server.memory_info().rss
                print(f"{name:10s} {fmt.format(*out)}; total {took:.1f} s; peak RSS {s.peak / 2**20:.0f} MB, "
                      f"idle after {idle / 2**20:.0f} MB")
        finally:
            proc.terminate()
            proc.wait(30)
    if not args.only or args.only == "embedded":
        embedded_fetchmany(args.rows)


if __name__ == "__main__":
    main()
