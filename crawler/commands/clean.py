"""cleanwire clean: one saved HTML file (or stdin) through the cleaner, offline."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from cleaners import CleanPage
from crawler.commands.base import EXIT_OK, UsageError


def register(sub: Any) -> None:
    clean = sub.add_parser("clean", help="clean one saved HTML file (offline)")
    clean.add_argument("path", help="HTML file, or - for standard input")
    clean.add_argument("--url", default="", help="the page's URL (resolves relative links)")
    clean.add_argument("--format", choices=("json", "text"), default="json")
    clean.set_defaults(func=cmd_clean)


def cmd_clean(args: argparse.Namespace) -> int:
    if args.path == "-":
        data = sys.stdin.buffer.read()
    else:
        path = Path(args.path)
        if path.is_dir():
            raise UsageError(f"{args.path} is a directory: give one saved HTML file")
        if not path.exists():
            raise UsageError(f"no such file: {args.path}")
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise UsageError(f"cannot read {args.path}: {exc.strerror or exc}") from None
    page = clean_page(data, args.url)
    print(render_page(page, args.format))
    return EXIT_OK


def clean_page(data: bytes, url: str) -> CleanPage:
    """cleaners.clean_page, imported on first use: other commands start without the cleaner."""
    from cleaners import clean_page as clean

    return clean(data, url)


def render_page(page: CleanPage, fmt: str, compact: bool = False) -> str:
    """JSON (one object; one line each when compact) or a text view for people."""
    if fmt == "json":
        return json.dumps(page.to_dict(), ensure_ascii=False, indent=None if compact else 1)
    head = [page.title or "(no title)"]
    facts = [", ".join(page.authors), page.published or "", page.language or "",
             page.page_type, page.url]
    head.append(" · ".join(f for f in facts if f))
    return "\n".join(head) + "\n\n" + page.text + "\n"
