"""The command lines of `orbitdb backup`, `orbitdb restore` and `orbitdb clone` (added to
orbitdb/cli.py's parser). Exit codes as `orbitdb serve`: 0 done, 1 failed or refused (the
message says why), 2 a bad command line or configuration."""

from __future__ import annotations

import argparse
import os
import sys
import time
from typing import Any

from orbitdb.config import DEFAULT_DATA_DIR, ConfigError, load_config
from orbitdb.engine import EngineError
from orbitdb.ops.errors import OpsError

EXIT_OK, EXIT_FAILURE, EXIT_USAGE = 0, 1, 2
COMMANDS = ("backup", "restore", "clone")


def add_commands(commands: Any) -> None:
    """Adds the subcommands to cli.py's subparsers."""
    backup = commands.add_parser(
        "backup",
        help="a hot backup of a data directory into one archive file",
        description="Copy a server's data directory (every database, the roles) or one database directory into "
        "one archive, while a server or an application keeps it open; each database is copied at one commit.",
    )
    backup.add_argument("--data-dir", help=f"data directory or database directory (default: the config's, "
                        f"else {DEFAULT_DATA_DIR})")
    backup.add_argument("--out", required=True, metavar="FILE", help="the archive to write (a new file)")
    backup.add_argument("--config", metavar="FILE", help="the server's TOML configuration: its data_dir, and "
                        "its text kept in the archive")
    backup.add_argument("--incremental-from", metavar="PREV", help="store only the tables PREV (an earlier "
                        "backup of the same directory) does not hold; restoring needs PREV")
    restore = commands.add_parser(
        "restore",
        help="unpack a backup archive into a data directory",
        description="Verify every file of a backup (and of its bases) and unpack it into a data directory that "
        "opens with exactly the data of the backup.",
    )
    restore.add_argument("archive", metavar="FILE", help="the archive written by orbitdb backup")
    restore.add_argument("--data-dir", required=True, help="where to restore (new or empty, or see --force)")
    restore.add_argument("--force", action="store_true", help="replace what a non-empty --data-dir holds")
    restore.add_argument("--base", action="append", default=[], metavar="FILE",
                         help="a base of an incremental backup (default: looked up beside FILE by the name it had)")
    restore.add_argument("--config-out", metavar="FILE", help="also write the configuration kept in the backup here")
    restore.add_argument("--as-of", metavar="TIME", help="point-in-time recovery: then replay the archived WAL up to "
                         "the last commit at or before TIME (ISO 8601; UTC without an offset)")
    restore.add_argument("--wal-archive", metavar="DIR", help="with --as-of: the WAL archive (the server's "
                         "[persistence] wal_archive_dir; default: the one in the configuration the backup carries)")
    clone = commands.add_parser(
        "clone",
        help="an instant copy of a live database by hard links",
        description="Copy a database directory or a server's data directory, open or not, by hard links: instant, "
        "no extra space until the two diverge.",
    )
    clone.add_argument("source", metavar="SRC", help="data directory or database directory")
    clone.add_argument("target", metavar="DST", help="the copy (new or empty directory)")


def run(args: argparse.Namespace) -> int:
    try:
        if args.command == "backup":
            return _backup(args)
        if args.command == "restore":
            return _restore(args)
        return _clone(args)
    except ConfigError as exc:
        print(f"orbitdb: configuration error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except (OpsError, EngineError, OSError) as exc:
        print(f"orbitdb {args.command}: {exc}", file=sys.stderr)
        return EXIT_FAILURE
    except Exception as exc:  # noqa: BLE001 - e.g. a damaged databases.json: report it, exit 1
        print(f"orbitdb {args.command}: {type(exc).__name__}: {exc}", file=sys.stderr)
        return EXIT_FAILURE


def _backup(args: argparse.Namespace) -> int:
    from orbitdb.ops.backup import run_backup

    config = None
    data_dir = args.data_dir
    if args.config:
        loaded = load_config(args.config)
        with open(args.config, encoding="utf-8") as f:
            config = (os.path.basename(args.config), f.read())
        data_dir = data_dir or loaded.data_dir
    data_dir = data_dir or DEFAULT_DATA_DIR
    started = time.monotonic()
    manifest = run_backup(data_dir, args.out, config, args.incremental_from)
    took = time.monotonic() - started
    size = sum(f["size"] for f in manifest["files"])
    print(f"backup of {data_dir} written to {args.out} in {took:.2f} s: {len(manifest['databases'])} database(s), "
          f"{len(manifest['files'])} files ({size:,} bytes), {manifest['stored_files']} stored"
          + (f", the rest in base {manifest['base']['file']}" if manifest["base"] else ""))
    for d in manifest["databases"]:
        print(f"  {d['path']}: last sequence {d['last_sequence']}, {d['tables']} tables")
    return EXIT_OK


def _restore(args: argparse.Namespace) -> int:
    from orbitdb.ops.pitr import parse_time, show_time
    from orbitdb.ops.restore import run_restore

    if args.wal_archive is not None and args.as_of is None:
        raise OpsError("--wal-archive is used only with --as-of TIME")
    as_of = parse_time(args.as_of) if args.as_of is not None else None
    manifest = run_restore(args.archive, args.data_dir, args.force, args.base, as_of, args.wal_archive)
    if args.config_out and manifest["config"] is not None:
        with open(args.config_out, "w", encoding="utf-8") as f:
            f.write(manifest["config"]["text"])
    print(f"restored {args.archive} (made {manifest['created']} from {manifest['source']}) into {args.data_dir}: "
          f"{len(manifest['databases'])} database(s), {len(manifest['files'])} files")
    for r in manifest.get("replayed", []):
        upto = f", the last committed {show_time(r['last_micros'])}" if r["groups"] else ""
        print(f"  {r['path']}: replayed {r['groups']} write groups from {r['wal_files_read']} archived WAL files, "
              f"sequence {r['base_sequence']} to {r['last_sequence']}{upto}")
    if manifest["config"] is not None and not args.config_out:
        print(f"  the backup carries its configuration {manifest['config']['file']}: --config-out FILE writes it")
    return EXIT_OK


def _clone(args: argparse.Namespace) -> int:
    from orbitdb.ops.clone import run_clone

    started = time.monotonic()
    copy = run_clone(args.source, args.target)
    took = time.monotonic() - started
    tables = sum(d.tables for d in copy.databases)
    copied = sum(d.tables_copied for d in copy.databases)
    print(f"cloned {args.source} into {args.target} in {took:.3f} s: {len(copy.databases)} database(s), "
          f"{tables} tables linked" + (f" ({copied} copied: no hard links across file systems)" if copied else ""))
    return EXIT_OK
