"""python -m cleaners.batch: JSON lines {"id","url","html"} in, {"id","text",...} out.

One process for all pages, for evaluation and benchmarks at scale. A page
that cannot be cleaned gives {"id", "text": "", "error": "..."}.
"""

from __future__ import annotations

import json
import sys
from typing import TextIO

from .errors import CleanError
from .pipeline import clean_page


def run(stdin: TextIO, stdout: TextIO) -> int:
    count = 0
    for line in stdin:
        if not line.strip():
            continue
        record = json.loads(line)
        html = record.get("html") or ""
        try:
            page = clean_page(html.encode("utf-8"), record.get("url") or "")
            out = {"id": record.get("id"), **page.to_dict()}
        except CleanError as exc:
            out = {"id": record.get("id"), "text": "", "page_type": "other", "error": str(exc)}
        stdout.write(json.dumps(out, ensure_ascii=False) + "\n")
        count += 1
    stdout.flush()
    return count


def main() -> None:
    sys.stdin.reconfigure(encoding="utf-8")
    sys.stdout.reconfigure(encoding="utf-8")
    run(sys.stdin, sys.stdout)


if __name__ == "__main__":
    main()
