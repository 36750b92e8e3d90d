"""Score clean_page's page_type on the development sets, with real and URL-blind addresses.

    .venv/bin/python bench/eval_pagetype.py [--sets wcxb,fundus,evaldata,realworld]
        [--urls real,opaque] [--crawl] [--show-misses] [--dump features.jsonl]

--dump writes the features per page and URL mode; bench/fit_pagetype.py refits the weights
from it (cross-fitted on the WCXB halves). --urls opaque cleans every page under
https://HOST/p/<sha1>.html (bench/devsets.py's URL-blind form); --crawl cleans as a crawl does
(CleanOptions(listing_text=False)), so the surely-listing shortcut is measured too.

Truth: WCXB dev ground-truth `_internal.page_type.primary` (anything not "article" counts as a
listing), halves by even/odd id; Fundus pages are all articles; trafilatura's sets have no
page type (their non-article calls are listed for reading). "other" predictions count as
wrong for both classes (strict).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
import time
from collections import Counter
from multiprocessing import Pool
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from cleaners import CleanOptions, clean_page, pipeline  # noqa: E402
from cleaners.errors import CleanError  # noqa: E402
from cleaners.pagetype import page_features  # noqa: E402


def _devsets() -> Any:
    spec = importlib.util.spec_from_file_location("devsets", ROOT / "bench" / "devsets.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["devsets"] = module
    spec.loader.exec_module(module)
    return module


DEVSETS = _devsets()
_CAPTURE: dict[str, Any] = {}


def _recording_classify(shape: Any, meta: Any, text: str, *args: Any, **kwargs: Any) -> str:
    label = _ORIG_CLASSIFY(shape, meta, text, *args, **kwargs)
    _CAPTURE["features"] = page_features(shape, meta, text)
    _CAPTURE["og_type"] = meta.og_type
    return label


def _recording_surely(shape: Any, meta: Any) -> bool:
    sure = _ORIG_SURELY(shape, meta)
    _CAPTURE["surely"] = sure
    if sure:
        _CAPTURE["features"] = page_features(shape, meta, "")
    return sure


_ORIG_CLASSIFY = pipeline.classify_page
_ORIG_SURELY = pipeline.surely_listing
pipeline.classify_page = _recording_classify  # record, same results
pipeline.surely_listing = _recording_surely


def run_one(job: tuple[str, str, str, str, str, bool]) -> dict[str, Any]:
    key, url, html, truth, mode, crawl = job
    _CAPTURE.clear()
    options = CleanOptions(listing_text=not crawl)
    start = time.process_time()
    try:
        page = clean_page(html.encode("utf-8"), url, options)
        predicted, words = page.page_type, page.word_count
    except CleanError:
        predicted, words = "other", 0
    set_name, page_id = key.split("/", 1)
    return {"key": key, "set": set_name, "id": page_id, "url": url, "mode": mode,
            "truth": truth, "predicted": predicted, "words": words,
            "surely": bool(_CAPTURE.get("surely")), "og_type": _CAPTURE.get("og_type"),
            "ms": (time.process_time() - start) * 1000,
            "features": _CAPTURE.get("features", {})}


def jobs_for(sets: list[str], modes: list[str], crawl: bool) -> list[tuple[Any, ...]]:
    jobs = []
    for page in DEVSETS.load_sets(sets):
        truth = ("article" if page["set"] == "fundus" else
                 ("article" if page["page_type"] == "article" else "listing")
                 if page["set"] == "wcxb" else "unknown")
        url = page.get("url") or ""
        for mode in modes:
            address = DEVSETS.opaque_url(url, page["html"]) if mode == "opaque" else url
            jobs.append((f"{page['set']}/{page['id']}", address, page["html"], truth, mode,
                         crawl))
    return jobs


def half_of(row: dict[str, Any]) -> str:
    if row["set"] == "wcxb":
        return "A" if int(row["id"]) % 2 == 0 else "B"
    return "-"


def report(rows: list[dict[str, Any]], show_misses: bool) -> None:
    for mode in sorted({r["mode"] for r in rows}):
        wcxb = [r for r in rows if r["mode"] == mode and r["set"] == "wcxb"]
        if wcxb:
            print(f"== wcxb, {mode} URLs   articles typed article / listings typed listing"
                  " (surely-listing shortcuts)")
            for half in ("all", "A", "B"):
                part = [r for r in wcxb if half == "all" or half_of(r) == half]
                arts = [r for r in part if r["truth"] == "article"]
                lsts = [r for r in part if r["truth"] == "listing"]
                kept = sum(r["predicted"] == "article" for r in arts) / max(len(arts), 1)
                caught = sum(r["predicted"] == "listing" for r in lsts) / max(len(lsts), 1)
                sure_art = sum(r["surely"] for r in arts)
                sure_lst = sum(r["surely"] for r in lsts)
                print(f"  {half:4s} {kept:.3f} ({len(arts)})  {caught:.3f} ({len(lsts)})"
                      f"   shortcut on {sure_lst} listings, {sure_art} articles")
        for name in ("fundus", "evaldata", "realworld"):
            part = [r for r in rows if r["mode"] == mode and r["set"] == name]
            if part:
                calls = Counter(r["predicted"] for r in part if r["predicted"] != "article")
                print(f"== {name}, {mode} URLs: {len(part)} pages, non-article calls "
                      f"{sum(calls.values())} {dict(calls)}, shortcut on "
                      f"{sum(r['surely'] for r in part)}")
        if show_misses:
            for r in rows:
                if r["mode"] == mode and r["predicted"] != r["truth"] and not (
                        r["truth"] == "unknown" and r["predicted"] == "article"):
                    print(f"   {r['key']:40s} {r['truth']:>8s} -> {r['predicted']:8s} "
                          f"{r['words']:>6d}w  {r['url'][:100]}")
    ms = sorted(r["ms"] for r in rows)
    print(f"CPU ms/page median {ms[len(ms) // 2]:.1f}" if ms else "")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sets", default="wcxb")
    parser.add_argument("--urls", default="real", help="real, opaque or real,opaque")
    parser.add_argument("--crawl", action="store_true",
                        help="clean as a crawl does: CleanOptions(listing_text=False)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--show-misses", action="store_true")
    parser.add_argument("--dump", type=Path, help="write one JSON line of features per page")
    args = parser.parse_args()
    jobs = jobs_for([s for s in args.sets.split(",") if s], args.urls.split(","), args.crawl)
    with Pool(args.workers, maxtasksperchild=400) as pool:
        rows = pool.map(run_one, jobs, chunksize=8)
    if args.dump:
        with args.dump.open("w", encoding="utf-8") as out:
            for r in rows:
                out.write(json.dumps(r, ensure_ascii=False) + "\n")
    report(rows, args.show_misses)


if __name__ == "__main__":
    main()
