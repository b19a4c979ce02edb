"""Runs isolation specs by hand and prints their transcripts (and the diff against PostgreSQL).

    python tests/isolation/run.py lost_update_read_committed [more specs] [--backend embedded|wire|postgresql|all]

With --backend all (the default) the spec runs on PostgreSQL 15 first, then on both orbitdb
backends, and each orbitdb transcript is diffed against PostgreSQL's."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from backends import Backend, EmbeddedBackend, IsolationPgServer, PostgresBackend, WireBackend
from runner import Limits, SpecRunner
from spec import SPECS_DIR, load_spec, spec_paths
from transcript import first_difference, transcript_diff


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("specs", nargs="*", help="spec names (default: all)")
    parser.add_argument("--backend", default="all", choices=["all", "postgresql", "embedded", "wire"])
    parser.add_argument("--quiet", action="store_true", help="only the first difference of each spec")
    parser.add_argument(
        "--assume-wait-after",
        type=float,
        metavar="SECONDS",
        help="diagnosis only: on orbitdb, count a step not finished after SECONDS as waiting for a lock"
        " (for a backend that does not report its lock waits in pg_stat_activity yet)",
    )
    args = parser.parse_args()
    names = args.specs or [p.stem for p in spec_paths()]
    server = None
    if args.backend in ("all", "postgresql"):
        server = IsolationPgServer()
        server.start()
    failures = 0
    try:
        for name in names:
            spec = load_spec(SPECS_DIR / f"{name}.spec")
            reference = None
            if server is not None:
                pg_runner = SpecRunner(PostgresBackend(server), spec)
                started = time.monotonic()
                reference = pg_runner.run()
                if args.backend == "postgresql" or not args.quiet:
                    print(f"==== {name} on postgresql ({time.monotonic() - started:.1f} s)")
                    print(reference.text())
            backends: list[Backend] = []
            if args.backend in ("all", "embedded"):
                backends.append(EmbeddedBackend())
            if args.backend in ("all", "wire"):
                backends.append(WireBackend())
            for backend in backends:
                started = time.monotonic()
                limits = Limits(assume_wait_after=args.assume_wait_after)
                got = SpecRunner(backend, spec, limits, compared=reference is not None).run()
                took = time.monotonic() - started
                if reference is None:
                    print(f"==== {name} on {backend.name} ({took:.1f} s)")
                    print(got.text())
                    continue
                difference = first_difference(reference, got)
                verdict = "same as postgresql" if difference is None else f"DIFFERS: {difference}"
                print(f"==== {name} on {backend.name} ({took:.1f} s): {verdict}")
                if difference is not None:
                    failures += 1
                    if not args.quiet:
                        print(transcript_diff(reference, got, "postgresql", backend.name))
                        print("\n".join(got.notes))
    finally:
        if server is not None:
            server.stop()
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
