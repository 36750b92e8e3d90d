"""Score clean_page's page_type on WCXB dev: confusion matrix, accuracy, listing recall.

    .venv/bin/python bench/eval_pagetype.py [--show-misses] [--dump features.jsonl]

--dump writes the features per page; bench/fit_pagetype.py refits the weights from it.

Truth is ground-truth/<id>.json `_internal.page_type.primary`; every label that
is not "article" counts as a listing. "other" predictions are counted as wrong
for both classes (strict) and the not-article recall is shown beside it. The
og:type-only baseline calls a page an article iff og:type == "article".
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import time
from collections import Counter
from multiprocessing import Pool
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from cleaners import clean_page, pipeline  # noqa: E402
from cleaners.errors import CleanError  # noqa: E402
from cleaners.pagetype import page_features  # noqa: E402

DEFAULT_DATA = ROOT.parent / "shared" / "data" / "wcxb" / "dev"
_CAPTURE: dict[str, Any] = {}


def _recording_shape(tree: Any, url: str = "") -> Any:
    start = time.process_time()
    shape = _ORIG_SHAPE(tree, url)
    _CAPTURE["shape_ms"] = (time.process_time() - start) * 1000
    return shape


def _recording_classify(shape: Any, meta: Any, text: str, *args: Any, **kwargs: Any) -> str:
    start = time.process_time()
    label = _ORIG_CLASSIFY(shape, meta, text, *args, **kwargs)
    _CAPTURE["classify_ms"] = (time.process_time() - start) * 1000
    _CAPTURE["features"] = page_features(shape, meta, text)
    _CAPTURE["og_type"] = meta.og_type
    return label


_ORIG_SHAPE = pipeline.page_shape
_ORIG_CLASSIFY = pipeline.classify_page
pipeline.page_shape = _recording_shape  # measure and record, same results
pipeline.classify_page = _recording_classify


def truth_label(path: Path) -> tuple[str, str]:
    """(label, url) of one ground-truth file; anything not "article" is "listing"."""
    data = json.loads(path.read_text(encoding="utf-8"))
    primary = data["_internal"]["page_type"]["primary"]
    return ("article" if primary == "article" else "listing"), data.get("url") or ""


def load_pages(data_dir: Path, ids: list[str] | None = None) -> list[tuple[str, str, str]]:
    """[(id, url, truth)] for every page with both html and ground truth."""
    out = []
    for gt in sorted((data_dir / "ground-truth").glob("*.json")):
        page_id = gt.stem
        if ids is not None and page_id not in ids:
            continue
        if (data_dir / "html" / f"{page_id}.html.gz").exists():
            label, url = truth_label(gt)
            out.append((page_id, url, label))
    return out


def run_one(job: tuple[str, str, str, str]) -> dict[str, Any]:
    data_dir, page_id, url, truth = job
    html = gzip.decompress((Path(data_dir) / "html" / f"{page_id}.html.gz").read_bytes())
    _CAPTURE.clear()
    start = time.process_time()
    try:
        predicted = clean_page(html, url).page_type
    except CleanError:
        predicted = "other"
    total_ms = (time.process_time() - start) * 1000
    return {"id": page_id, "url": url, "truth": truth, "predicted": predicted,
            "og_type": _CAPTURE.get("og_type"), "shape_ms": _CAPTURE.get("shape_ms", 0.0),
            "classify_ms": _CAPTURE.get("classify_ms", 0.0), "total_ms": total_ms,
            "features": _CAPTURE.get("features", {})}


def evaluate(data_dir: Path, workers: int = 2, ids: list[str] | None = None
             ) -> list[dict[str, Any]]:
    jobs = [(str(data_dir), pid, url, truth) for pid, url, truth in load_pages(data_dir, ids)]
    if workers <= 1:
        return [run_one(job) for job in jobs]
    with Pool(workers) as pool:
        return pool.map(run_one, jobs, chunksize=8)


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[len(ordered) // 2] if ordered else 0.0


def report(rows: list[dict[str, Any]], show_misses: bool) -> None:
    confusion = Counter((r["truth"], r["predicted"]) for r in rows)
    truths = Counter(r["truth"] for r in rows)
    preds = ("article", "listing", "other")
    print(f"{'truth/predicted':<20}" + "".join(f"{p:>10}" for p in preds))
    for truth in ("article", "listing"):
        print(f"{truth:<20}" + "".join(f"{confusion[(truth, p)]:>10}" for p in preds))
    right = sum(confusion[(t, t)] for t in ("article", "listing"))
    n_art, n_lst = truths["article"], truths["listing"]
    print(f"\npages {len(rows)}  accuracy {right / len(rows):.3f}")
    print(f"articles  recall {confusion[('article', 'article')] / max(n_art, 1):.3f} ({n_art})")
    print(f"listings  recall {confusion[('listing', 'listing')] / max(n_lst, 1):.3f} ({n_lst})"
          f"  not-article {(n_lst - confusion[('listing', 'article')]) / max(n_lst, 1):.3f}")
    base = sum(1 for r in rows
               if ((r["og_type"] or "").lower() == "article") == (r["truth"] == "article"))
    base_lst = sum(1 for r in rows
                   if r["truth"] == "listing" and (r["og_type"] or "").lower() != "article")
    print(f"og:type-only baseline: accuracy {base / len(rows):.3f}, "
          f"listing recall {base_lst / max(n_lst, 1):.3f}")
    print(f"CPU ms/page median: page_shape {_median([r['shape_ms'] for r in rows]):.2f}, "
          f"classify {_median([r['classify_ms'] for r in rows]):.3f}, "
          f"clean_page {_median([r['total_ms'] for r in rows]):.1f}; "
          f"page_shape p95 {sorted(r['shape_ms'] for r in rows)[int(len(rows) * .95)]:.2f}")
    if show_misses:
        print("\nmisses (id truth -> predicted  url):")
        for r in rows:
            if r["truth"] != r["predicted"]:
                print(f"{r['id']} {r['truth']} -> {r['predicted']}  {r['url']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--show-misses", action="store_true")
    parser.add_argument("--dump", type=Path, help="write one JSON line of features per page")
    args = parser.parse_args()
    rows = evaluate(args.data, args.workers)
    if args.dump:
        with args.dump.open("w", encoding="utf-8") as out:
            for r in rows:
                out.write(json.dumps(r) + "\n")
    report(rows, args.show_misses)


if __name__ == "__main__":
    main()
