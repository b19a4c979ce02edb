"""Run the compat corpus without pytest: ``python tests/compat/run.py [options] [files...]``.

Starts a throwaway PostgreSQL 15, runs each corpus file (all by default; a name may be given as
``05_insert.sql``, ``05_insert``, ``05`` or a path) on PostgreSQL and orbitdb, and prints the
mismatches, a per-file breakdown and the summary line. ``--pg-only`` only checks the corpus
against PostgreSQL (every statement behaves as marked). Exit status: 0 when nothing fails.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from compat_harness import (
    FileResult,
    KnownGaps,
    OrbitSide,
    PgServer,
    PgSide,
    PgUnavailable,
    StatementResult,
    Summary,
    corpus_files,
    mismatch_categories,
    run_file,
    run_pg,
    validate_pg,
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("files", nargs="*", help="corpus files (default: all)")
    parser.add_argument("--pg-only", action="store_true", help="validate the corpus against PostgreSQL only")
    parser.add_argument(
        "--check-order",
        action="store_true",
        help="with --pg-only: also report ORDER BY statements whose ties leave the order of rows unspecified",
    )
    parser.add_argument(
        "--self-check",
        action="store_true",
        help="compare PostgreSQL with itself (a second fresh database): tests the harness and the corpus's determinism",
    )
    parser.add_argument(
        "--in-process",
        action="store_true",
        help="run orbitdb in this process (for debugging; no crash or hang isolation)",
    )
    parser.add_argument("--top", type=int, default=40, help="how many mismatch categories to print")
    parser.add_argument("-q", "--quiet", action="store_true", help="no per-statement mismatch listing")
    parser.add_argument("--width", type=int, default=300, help="clip reported values to this many characters")
    args = parser.parse_args(argv)

    paths = corpus_files(args.files)
    gaps = KnownGaps.load()
    server = PgServer()
    started = time.monotonic()
    try:
        server.start()
    except PgUnavailable as exc:
        print(f"compat: PostgreSQL unavailable: {exc}", file=sys.stderr)
        return 2
    summary = Summary()
    ties: list[str] = []
    try:
        for path in paths:
            if args.pg_only:
                fr = FileResult(file=path.name, known_gaps=gaps)
                for stmt, pg in run_pg(server, path, ties if args.check_order else None):
                    fr.results.append(
                        StatementResult(stmt=stmt, pg=pg, orb=None, diffs=[], invalid=validate_pg(stmt, pg))
                    )
            elif args.self_check:
                fr = run_file(server, path, KnownGaps(), _pg_as_orbit(server, f"self_{path.stem}"))
            else:
                fr = run_file(server, path, gaps, OrbitSide if args.in_process else None)
            summary.add(fr)
            if not args.quiet or (args.pg_only and fr.invalid):
                text = fr.report(args.width) if not args.pg_only else _invalid_report(fr, args.width)
                if text:
                    print(f"== {fr.file}")
                    print(text)
            for ref in fr.stale_gaps if not args.pg_only else []:
                print(f"stale known gap (now matches or does not exist): {ref}")
    finally:
        server.stop()
    print()
    print("\n".join(summary.breakdown()))
    print()
    if ties:
        print(f"{len(ties)} ORDER BY statement(s) with ties between different rows:")
        print("\n".join("  " + t for t in ties))
    if args.pg_only:
        print(
            f"compat (PostgreSQL only): {summary.statements} statements, "
            f"{summary.invalid} do not behave as marked ({time.monotonic() - started:.1f}s)"
        )
        return 1 if summary.invalid or ties else 0
    categories = mismatch_categories(summary.files, args.top)
    if categories:
        print("Top mismatch categories (count, cause; examples):")
        print("\n".join(categories))
        print()
    print(f"{summary.line()} ({time.monotonic() - started:.1f}s)")
    stale = any(fr.stale_gaps for fr in summary.files)
    return 1 if summary.failing or summary.invalid or stale else 0


def _pg_as_orbit(server: PgServer, label: str) -> Callable[[str], PgSide]:
    """A stand-in for orbitdb: PostgreSQL itself, on a second fresh database."""

    def make(_tmp: str) -> PgSide:
        return PgSide(server.dsn(server.create_database(label)))

    return make


def _invalid_report(fr: FileResult, width: int) -> str:
    saved, fr.orbit_unavailable = fr.orbit_unavailable, None
    try:
        lines = fr.report(width).splitlines()
    finally:
        fr.orbit_unavailable = saved
    # Only the corpus-validity part of the report.
    out = []
    for line in lines:
        if "differ between PostgreSQL and orbitdb" in line:
            break
        out.append(line)
    return "\n".join(out)


if __name__ == "__main__":
    sys.exit(main())
