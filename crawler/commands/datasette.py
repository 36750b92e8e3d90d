"""cleanwire datasette: Datasette on a cleanwire SQLite file, its metadata keyed to that file.

Datasette names a database after its file's stem (demo.db is "demo") and applies the
`databases:` section of metadata only under that name. metadata.yml at the repository root
is written for "cleanwire"; this command rewrites its one database key to the stem of the
file it serves (in a temporary file, removed afterwards) and runs Datasette on it, so the
descriptions, full-text search and canned queries work whatever the file is called.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from crawler.commands.base import EXIT_FAILED, UsageError, add_db_flag, exit_for_signal
from crawler.errors import WorkFailed
from storage.engine import resolve_database_url

#: the metadata shipped with cleanwire, written for a database named "cleanwire"
METADATA = Path(__file__).resolve().parents[2] / "metadata.yml"
METADATA_KEY = "cleanwire"


def register(sub: Any) -> None:
    parser = sub.add_parser("datasette", help="browse a SQLite database in Datasette, with "
                            "cleanwire's descriptions, search and canned queries")
    parser.add_argument("database", nargs="?", metavar="DB",
                        help="the SQLite file (default: --db, $CLEANWIRE_DATABASE_URL or "
                             "cleanwire.db)")
    add_db_flag(parser)
    parser.add_argument("--get", metavar="PATH",
                        help="print the response to PATH (e.g. /demo/articles_per_day.json) "
                             "and exit, without starting a server")
    parser.add_argument("-p", "--port", type=int, help="port to serve on (Datasette's default "
                        "8001)")
    parser.add_argument("--metadata", type=Path, default=None, metavar="FILE",
                        help=f"metadata to key to DB (default: {METADATA.name} of cleanwire)")
    parser.add_argument("extra", nargs=argparse.REMAINDER,
                        help="after --: more Datasette options")
    parser.set_defaults(func=cmd_datasette)


def sqlite_file(database: str | None, db_flag: str | None) -> Path:
    """The SQLite file to serve: DB, else the database URL; UsageError otherwise."""
    url = database if database and "://" not in database else None
    if url is None:
        resolved = resolve_database_url(database or db_flag)
        if not resolved.startswith("sqlite:///"):
            raise UsageError("Datasette reads SQLite files: give a .db file, not "
                             f"{resolved.split('://')[0]}://...")
        url = resolved[len("sqlite:///"):]
    path = Path(url)
    if path.is_dir():
        raise UsageError(f"{path} is a directory: give a SQLite file")
    if not path.is_file():
        raise UsageError(f"no such database file: {path}")
    return path


def keyed_metadata(metadata: dict[str, Any], name: str) -> dict[str, Any]:
    """metadata with its database section under name (the served file's stem)."""
    databases = dict(metadata.get("databases") or {})
    section = databases.pop(METADATA_KEY, None)
    if section is None and len(databases) == 1:
        section = databases.pop(next(iter(databases)))
    if section is not None:
        databases[name] = section
    return {**metadata, "databases": databases}


def load_metadata(path: Path) -> dict[str, Any]:
    try:
        import yaml
    except ImportError as exc:
        raise WorkFailed("datasette needs PyYAML and Datasette: "
                         "pip install 'cleanwire[analyst]'") from exc
    try:
        loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror or exc}") from None
    except yaml.YAMLError as exc:
        raise UsageError(f"{path}: not YAML: {str(exc).splitlines()[0]}") from None
    if not isinstance(loaded, dict):
        raise UsageError(f"{path}: not a Datasette metadata mapping")
    return loaded


def cmd_datasette(args: argparse.Namespace) -> int:
    try:
        import datasette  # noqa: F401
    except ImportError as exc:
        raise WorkFailed(f"datasette is not installed ({exc.name}): "
                         "pip install 'cleanwire[analyst]'") from exc
    path = sqlite_file(args.database, args.db)
    if args.metadata is None and not METADATA.is_file():
        # an installed (non-editable) cleanwire ships no metadata.yml: the report's canned
        # queries are generated from storage.report.queries, the same SQL as the charts
        from storage.report.queries import metadata_for

        metadata = metadata_for(path.stem)
    else:
        metadata = keyed_metadata(load_metadata(args.metadata or METADATA), path.stem)
    extra = [a for a in args.extra if a != "--"]
    with tempfile.TemporaryDirectory(prefix="cleanwire-datasette-") as scratch:
        generated = Path(scratch) / "metadata.json"
        generated.write_text(json.dumps(metadata, ensure_ascii=False), encoding="utf-8")
        command = [sys.executable, "-m", "datasette", "serve", str(path), "-m", str(generated)]
        if args.get:
            command += ["--get", args.get]
        if args.port is not None:
            command += ["--port", str(args.port)]
        command += extra
        if args.verbose:
            print(f"cleanwire: {' '.join(command)}", file=sys.stderr)
        try:
            proc = subprocess.run(command, env=os.environ.copy(), check=False)
        except OSError as exc:
            raise WorkFailed(f"cannot start Datasette: {exc.strerror or exc}") from exc
    if proc.returncode < 0:  # stopped by a signal
        return exit_for_signal(-proc.returncode)
    return proc.returncode if proc.returncode in (0, 1, 2) else EXIT_FAILED
