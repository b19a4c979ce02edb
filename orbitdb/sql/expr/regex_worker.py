"""A child process that runs Python ``re`` matches for orbitdb (patterns RE2 cannot run: back
references, lookaround). It is a script of the standard library only, started as
`python -I regex_worker.py`, so that a match that backtracks for ever can be killed without
touching the server, and holds no lock of the server's meanwhile.

Requests and answers on stdin/stdout are pickles behind a 4-byte big-endian length:
(pattern, flags, text, start, glob, full) -> ("ok", [[(start, end), ...] per match]) or
("error", message)."""

from __future__ import annotations

import pickle
import re
import struct
import sys
from typing import Any, BinaryIO


def _read_exact(stream: BinaryIO, n: int) -> bytes | None:
    chunks = []
    while n:
        chunk = stream.read(n)
        if not chunk:
            return None
        chunks.append(chunk)
        n -= len(chunk)
    return b"".join(chunks)


def run(pattern: str, flags: int, text: str, start: int, glob: bool, full: bool) -> list[list[tuple[int, int]]]:
    rx = re.compile(pattern, flags)
    if full:
        m = rx.fullmatch(text)
        return [] if m is None else [[m.span(k) for k in range(rx.groups + 1)]]
    out = []
    pos = start
    n = len(text)
    while pos <= n:
        m = rx.search(text, pos)
        if m is None:
            break
        out.append([m.span(k) for k in range(rx.groups + 1)])
        if not glob:
            break
        so, eo = m.span()
        pos = eo + 1 if so == eo else eo
    return out


def main() -> None:
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    while True:
        header = _read_exact(stdin, 4)
        if header is None:
            return
        body = _read_exact(stdin, struct.unpack(">I", header)[0])
        if body is None:
            return
        answer: Any
        try:
            answer = ("ok", run(*pickle.loads(body)))
        except (re.error, RecursionError, OverflowError, MemoryError) as exc:
            answer = ("error", str(exc))
        data = pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL)
        stdout.write(struct.pack(">I", len(data)) + data)
        stdout.flush()


if __name__ == "__main__":
    main()
