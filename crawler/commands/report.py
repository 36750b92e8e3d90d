"""cleanwire report / health: the site-health HTML report and the drift alerts (exit 3)."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from crawler.commands.base import (
    EXIT_ALERTS,
    EXIT_OK,
    UsageError,
    add_db_flag,
    print_rows,
    require_report_charts,
)
from crawler.config import environment_overrides
from storage.engine import open_engine, resolve_database_url

HEALTH_COLUMNS = ["site", "alert", "kind", "recent", "baseline", "numbers"]
#: Thresholds fields with a command-line flag (the rest: CLEANWIRE_HEALTH_* only)
_FLAGS = {"baseline_days": float, "recent_days": float, "recent_runs": int}


def register(sub: Any) -> None:
    report = sub.add_parser("report", help="write the site-health report: one self-contained "
                            "HTML file of charts, alerts at the top")
    report.add_argument("-o", "--output", default="report.html",
                        help="the HTML file to write (default report.html; - for stdout)")
    report.add_argument("--days", type=_positive_int, default=30,
                        help="days shown, up to now (default 30)")
    _add_common(report)
    report.set_defaults(func=cmd_report)
    health = sub.add_parser("health", help="drift alerts: each site's last day against its "
                            f"own baseline; exit {EXIT_ALERTS} when any alert")
    health.add_argument("--format", choices=("table", "json"), default="table")
    _add_common(health)
    health.set_defaults(func=cmd_health)


def _add_common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--site", help="only this site (name or host)")
    parser.add_argument("--baseline-days", type=float,
                        help="the baseline: days before the recent window (default 14, "
                        "$CLEANWIRE_HEALTH_BASELINE_DAYS)")
    parser.add_argument("--recent-days", type=float,
                        help="the recent window: the last N days (default 1)")
    parser.add_argument("--recent-runs", type=int,
                        help="the recent window: each site's last N crawls instead of days")
    add_db_flag(parser)


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1: {text!r}")
    return value


def thresholds(args: argparse.Namespace, environ: Mapping[str, str] | None = None) -> Any:
    """Thresholds: the documented defaults, then CLEANWIRE_HEALTH_*, then the flags."""
    from storage.health import Thresholds

    defaults = Thresholds()
    names = Thresholds.env_names()
    env = environment_overrides({names[f]: getattr(defaults, f) for f in names}, environ)
    by_field = {f: env[names[f]] for f in names if names[f] in env}
    by_field.update({f: getattr(args, f, None) for f in _FLAGS})
    try:
        return defaults.replace(**by_field)
    except ValueError as exc:
        raise UsageError(str(exc)) from exc


def now() -> datetime:
    """The time the report and the alerts are computed for (CLEANWIRE_NOW overrides: an
    ISO time, to replay a past morning)."""
    from storage.repository import parse_timestamp

    raw = os.environ.get("CLEANWIRE_NOW")
    if not raw:
        return datetime.now(UTC)
    value = parse_timestamp(raw)  # None when unparseable
    if value is None:
        raise UsageError(f"CLEANWIRE_NOW={raw!r}: not a time")
    return value


def cmd_health(args: argparse.Namespace) -> int:
    from storage.health import alerts_of, health

    limits = thresholds(args)
    engine = open_engine(resolve_database_url(args.db), read_only=True)
    try:
        healths = health(engine, limits, now(), args.site)
    finally:
        engine.dispose()
    alerts = alerts_of(healths)
    if args.format == "json":
        print(json.dumps({
            "sites": len(healths),
            "alerts": [{"site": a.site, "alert": str(a.name), "kind": str(a.category),
                        "recent": a.recent, "baseline": a.baseline, "message": a.message}
                       for a in alerts]}, indent=1))
    elif alerts:
        print_rows(HEALTH_COLUMNS, [[a.site, a.name, a.category, _number(a.recent),
                                     _number(a.baseline), a.message] for a in alerts], "table")
    else:
        print(f"healthy: {len(healths)} sites, no alerts")
    return EXIT_ALERTS if alerts else EXIT_OK


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:.3g}"


def cmd_report(args: argparse.Namespace) -> int:
    require_report_charts()
    from storage.report.page import build_report

    limits = thresholds(args)
    out = Path(args.output)
    if args.output != "-" and not out.parent.is_dir():
        raise UsageError(f"cannot write {out}: no directory {out.parent}")
    engine = open_engine(resolve_database_url(args.db), read_only=True)
    try:
        report = build_report(engine, now(), args.days, limits, args.site)
    finally:
        engine.dispose()
    if args.output == "-":
        sys.stdout.write(report.html)
        return EXIT_OK
    tmp = out.with_name(out.name + ".tmp")
    try:
        tmp.write_text(report.html, encoding="utf-8")
        tmp.replace(out)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise UsageError(f"cannot write {out}: {exc.strerror or exc}") from exc
    print(f"{out}: {report.charts} charts, {report.alerts} alerts, "
          f"{out.stat().st_size / 1024:.0f} KiB", file=sys.stderr)
    return EXIT_OK
