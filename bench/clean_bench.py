"""Time clean_page against bare trafilatura on the same pages, in one run.

    python bench/clean_bench.py [--data ../shared/data/wcxb/dev] [--limit N] [--page-type article]

Prints ms/page (median, mean), pages/s on one core, and the ratio to
trafilatura.extract (the baseline measured in the same run, same pages, same order).
Run by hand; numbers depend on the machine and on what else it is doing.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import gzip
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_DATA = ROOT.parent / "shared" / "data" / "wcxb" / "dev"


def load_pages(data: Path, page_type: str | None, limit: int) -> list[tuple[str, bytes]]:
    pages = []
    for truth in sorted((data / "ground-truth").glob("*.json")):
        meta = json.loads(truth.read_text("utf-8"))
        kind = ((meta.get("_internal") or {}).get("page_type") or {}).get("primary", "article")
        if page_type and kind != page_type:
            continue
        with gzip.open(data / "html" / f"{truth.stem}.html.gz", "rb") as fh:
            pages.append((meta.get("url", ""), fh.read()))
        if limit and len(pages) >= limit:
            break
    return pages


def time_each(fn: Callable[[str, bytes], object], pages: list[tuple[str, bytes]]) -> list[float]:
    fn(*pages[0])  # warm-up (imports, language profiles)
    times = []
    gc.collect()
    for url, html in pages:
        start = time.perf_counter()
        with contextlib.suppress(Exception):
            fn(url, html)
        times.append((time.perf_counter() - start) * 1000)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--page-type", default="article")
    parser.add_argument("--limit", type=int, default=0)
    args = parser.parse_args()
    if not (args.data / "ground-truth").is_dir():
        sys.exit(f"bench: no data at {args.data}")

    import trafilatura

    from cleaners import clean_page

    pages = load_pages(args.data, args.page_type or None, args.limit)
    contenders: list[tuple[str, Callable[[str, bytes], object]]] = [
        ("trafilatura.extract (baseline)",
         lambda url, html: trafilatura.extract(html, url=url, include_comments=False)),
        ("trafilatura.bare_extraction+meta",
         lambda url, html: trafilatura.bare_extraction(html, url=url, with_metadata=True,
                                                       include_comments=False)),
        ("cleanwire clean_page", lambda url, html: clean_page(html, url)),
    ]
    results = [(name, time_each(fn, pages)) for name, fn in contenders]
    base = statistics.mean(results[0][1])
    print(f"# {len(pages)} pages from {args.data} ({args.page_type or 'all'}), one process")
    print(f"{'extractor':<34} {'median ms':>10} {'mean ms':>9} {'pages/s':>8} {'x baseline':>11}")
    for name, times in results:
        mean = statistics.mean(times)
        print(f"{name:<34} {statistics.median(times):10.2f} {mean:9.2f} "
              f"{1000 / mean:8.1f} {mean / base:11.2f}")


if __name__ == "__main__":
    main()
