"""`orbitdb check [--data-dir D] [--deep]`: a read-only check of every database of a data
directory (docs/operations.md, "Checking a database").

For each database directory: the engine's files (csrc/verify.c: table blocks and checksums,
the manifest and the files it names, the WAL), then the SQL catalog and, with deep, every
secondary index against its table, both read through a read-only view of the directory.
Nothing is written, created, locked or removed, so it runs on a stopped directory and on one a
server holds open (then it checks the files and the catalog as they are at one moment).
Exit code: 0 clean (notes such as a torn WAL tail allowed), 1 damage found, 2 usage."""

from __future__ import annotations

import os
import sys
from typing import TextIO

from orbitdb._engine import EngineError, ReadOnlyView, verify_dir
from orbitdb.ops.catalog_check import check_catalog
from orbitdb.ops.findings import Finding
from orbitdb.ops.targets import Target, targets
from orbitdb.sql.errors import SqlError

EXIT_OK, EXIT_DAMAGE, EXIT_USAGE = 0, 1, 2


def check_database(target: Target, deep: bool) -> tuple[list[Finding], list[str]]:
    """(findings, summary lines) of one engine directory."""
    name = target.database
    report = verify_dir(target.path)
    findings = [Finding(damage, name, file or target.path, message, offset)
                for damage, file, offset, message in report["findings"]]
    summary = [f"{name}: {report['tables']} tables ({report['table_bytes']:,} bytes, {report['table_entries']:,} "
               f"entries), {report['manifest_records']} manifest records, {report['wal_records']:,} WAL records "
               f"in {report['wal_files']} logs" + (" (held open by a server: checked as of now)" if report["live"]
                                                   else "")]
    if any(f.damage for f in findings):
        return findings, summary  # the view would read the same damaged files
    try:
        view = ReadOnlyView(target.path)
    except EngineError as exc:
        findings.append(Finding(True, name, target.path, f"cannot be read: {exc}"))
        return findings, summary
    with view:
        catalog, more = check_catalog(view, name)
        findings += more
        if catalog is not None:
            summary.append(f"{name}: catalog of {len(catalog.tables())} tables and views, "
                           f"{len(catalog.sequences())} sequences")
            if deep:
                from orbitdb.ops.index_check import check_indexes  # the SQL layer: only for --deep

                checked, more = check_indexes(view, name, catalog)
                findings += more
                summary.append(f"{name}: {checked} secondary indexes checked against their tables")
    return findings, summary


def run_check(data_dir: str, deep: bool, out: TextIO = sys.stdout) -> int:
    if not os.path.isdir(data_dir):
        print(f"orbitdb check: no directory {data_dir}", file=sys.stderr)
        return EXIT_USAGE
    damaged = 0
    try:
        found = targets(data_dir)
    except SqlError as exc:  # databases.json damaged or of a newer format
        print(f"DAMAGE: {data_dir}: {exc.message}", file=out)
        return EXIT_DAMAGE
    if not found:
        print(f"{data_dir}: no database directories yet", file=out)
    for target in found:
        try:
            findings, summary = check_database(target, deep)
        except EngineError as exc:
            findings, summary = [Finding(True, target.database, target.path, str(exc))], []
        for line in summary:
            print(line, file=out)
        for f in findings:
            print(f.line(), file=out)
        bad = sum(f.damage for f in findings)
        damaged += bad
        print(f"{target.database}: {'DAMAGED: ' + str(bad) + ' problems' if bad else 'ok'}", file=out)
    return EXIT_DAMAGE if damaged else EXIT_OK
