"""All three development sets in one run, per half, with trafilatura beside cleanwire.

    .venv/bin/python bench/devsets.py                       # every set, both halves
    .venv/bin/python bench/devsets.py --opaque-urls         # URL-blind: https://HOST/p/<sha1>.html
    .venv/bin/python bench/devsets.py --crawl               # as a crawl cleans (listing shortcut)
    .venv/bin/python bench/devsets.py --json now.json --compare before.json
    .venv/bin/python bench/devsets.py --sets fundus --worst 10

Sets: WCXB dev (../shared/data/wcxb/dev: body F1 on its 793 articles, page type on all 892),
the peers' pages (../shared/data/peers: Fundus body/title/authors/date/non-article calls,
trafilatura's evaldata and realworld "with"/"without" strings), scored with the metric code of
../shared/eval (imported, not copied). Halves, for tuning on one and confirming on the other:
WCXB by even/odd id, the peers by publisher (Fundus) or by the page's domain (trafilatura's
sets), hashed so that a site's pages always fall in one half. trafilatura's results
(extract(include_comments=False) + extract_metadata, as peers.py runs it) are cached under
bench/.cache, keyed by its version. cleanwire runs in a pool of one process per core.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import importlib.util
import json
import os
import sys
from collections.abc import Callable, Iterable
from multiprocessing import Pool
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("CLEANWIRE_SHARED", ROOT.parent / "shared"))
CACHE = Path(os.environ.get("CLEANWIRE_BENCH_CACHE", ROOT / "bench" / ".cache"))
PEER_SETS = {"fundus": "fundus", "evaldata": "traf_evaldata", "realworld": "traf_realworld"}
ALL_SETS = ("wcxb", *PEER_SETS)


def _load(name: str, path: Path) -> Any:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


EVAL = _load("eval_extract", SHARED / "eval" / "eval_extract.py")
PEERS = _load("peers_eval", SHARED / "eval" / "peers.py")


def _half(key: str) -> str:
    return "A" if hashlib.sha1(key.encode()).digest()[0] % 2 == 0 else "B"


def _domain(url: str) -> str:
    if "web.archive.org/web/" in url:
        url = url.split("/web/", 1)[1].split("/", 1)[-1]
    try:
        host = urlsplit(url).hostname or url
    except ValueError:
        host = url
    return host.removeprefix("www.")


def opaque_url(url: str, html: str) -> str:
    """The URL-blind form of a page's address: same host, an opaque path."""
    host = _domain(url) if "://" in url else "example.com"
    return f"https://{host}/p/{hashlib.sha1(html.encode('utf-8', 'replace')).hexdigest()}.html"


def load_sets(names: Iterable[str]) -> list[dict[str, Any]]:
    pages: list[dict[str, Any]] = []
    for name in names:
        if name == "wcxb":
            for page in EVAL.load_wcxb(SHARED / "data" / "wcxb", "dev", None):
                page.update(set="wcxb", half="A" if int(page["id"]) % 2 == 0 else "B")
                pages.append(page)
            continue
        path = SHARED / "data" / "peers" / PEER_SETS[name] / "pages.jsonl.gz"
        for page in PEERS.read_pages(path):
            info = page.get("info") or {}
            key = info.get("publisher") if name == "fundus" else _domain(page.get("url") or "")
            page.update(set=name, half=_half(str(key)))
            pages.append(page)
    return pages


def _clean(job: tuple[str, str, str]) -> tuple[str, dict[str, Any]]:
    from cleaners import CleanOptions, clean_page
    from cleaners.errors import CleanError

    key, url, html = job
    options = CleanOptions(listing_text=os.environ.get("CLEANWIRE_DEVSETS_CRAWL") != "1")
    try:
        return key, PEERS.norm_output(clean_page(html.encode("utf-8"), url, options).to_dict())
    except CleanError as exc:
        return key, {"text": "", "page_type": "other", "error": str(exc), "authors": []}


def _traf(job: tuple[str, str, str]) -> tuple[str, dict[str, Any]]:
    key, url, html = job
    page = {"id": key, "url": url or None, "html": html}
    return key, PEERS.run_trafilatura([page], 60)[key]


def run_pool(fn: Callable[[tuple[str, str, str]], tuple[str, dict[str, Any]]],
             jobs: list[tuple[str, str, str]]) -> dict[str, dict[str, Any]]:
    with Pool(os.cpu_count() or 2, maxtasksperchild=400) as pool:
        return dict(pool.imap_unordered(fn, jobs, chunksize=8))


def trafilatura_results(pages: list[dict[str, Any]], url_of: Callable[[dict[str, Any]], str],
                        tag: str) -> dict[str, dict[str, Any]]:
    import trafilatura

    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"trafilatura-{trafilatura.__version__}{tag}.json.gz"
    cached: dict[str, dict[str, Any]] = {}
    if path.exists():
        with gzip.open(path, "rt", encoding="utf-8") as f:
            cached = json.load(f)
    todo = [(p["key"], url_of(p), p["html"]) for p in pages if p["key"] not in cached]
    if todo:
        cached.update(run_pool(_traf, todo))
        with gzip.open(path, "wt", encoding="utf-8") as f:
            json.dump(cached, f)
    return cached


def _pagetype(pages: list[dict[str, Any]], preds: dict[str, dict[str, Any]]) -> dict[str, Any]:
    arts = [p for p in pages if p["page_type"] == "article"]
    lists = [p for p in pages if p["page_type"] != "article"]
    return {
        "article_kept": sum(preds[p["key"]].get("page_type") == "article" for p in arts) / max(
            len(arts), 1),
        "listing_caught": sum(preds[p["key"]].get("page_type") == "listing" for p in lists) / max(
            len(lists), 1),
        "n_articles": len(arts), "n_listings": len(lists),
    }


def score_set(name: str, pages: list[dict[str, Any]], preds: dict[str, dict[str, Any]],
              tool: str) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    by_id = {p["id"]: preds[p["key"]] for p in pages}
    if name == "wcxb":
        arts = [p for p in pages if p["page_type"] == "article"]
        xs = [EVAL.shingle_tp_fp_fn(p["truth"], by_id[p["id"]].get("text")) for p in arts]
        m = dict(EVAL.aggregate(xs))
        per = {p["id"]: {"f1": EVAL.page_f1(x), "p": EVAL.precision_score(*x),
                         "r": EVAL.recall_score(*x)} for p, x in zip(arts, xs, strict=True)}
        if tool == "cleanwire":
            m.update(_pagetype(pages, preds))
        return m, per
    m, per = PEERS.score(pages, by_id, EVAL)
    return m, per


ROWS: dict[str, list[tuple[str, str]]] = {
    "wcxb": [("f1", "body F1"), ("precision", "body P"), ("recall", "body R"),
             ("article_kept", "articles typed article"),
             ("listing_caught", "listings typed listing")],
    "fundus": [("body_f1", "body F1"), ("body_precision", "body P"), ("body_recall", "body R"),
               ("title_ok", "title exact"), ("authors_ok", "authors exact"),
               ("date_ok", "date same day"), ("non_article", "non-article calls")],
    "evaldata": [("with_found", "with found"), ("without_absent", "without absent"),
                 ("title_ok", "title exact"), ("authors_ok", "authors exact"),
                 ("date_ok", "date same day"), ("non_article", "non-article calls")],
    "realworld": [("with_found", "with found"), ("without_absent", "without absent"),
                  ("title_ok", "title exact"), ("authors_ok", "authors exact"),
                  ("non_article", "non-article calls")],
}


def _fmt(value: Any) -> str:
    if value is None:
        return "-"
    return f"{value:.3f}" if isinstance(value, float) else str(value)


def report(results: dict[str, Any], before: dict[str, Any] | None) -> str:
    lines = []
    for name, parts in results["sets"].items():
        lines.append(f"\n== {name}  (pages: all {parts['all']['n']}, A {parts['A']['n']}, "
                     f"B {parts['B']['n']})")
        head = f"{'':26s}" + "".join(f"{'cw ' + h:>12s}{'traf ' + h:>12s}" for h in
                                     ("all", "A", "B"))
        if before:
            head += "".join(f"{'Δ ' + h:>9s}" for h in ("all", "A", "B"))
        lines.append(head)
        for key, label in ROWS[name]:
            row = f"{label:26s}"
            for half in ("all", "A", "B"):
                row += f"{_fmt(parts[half]['cleanwire'].get(key)):>12s}"
                theirs = None if key == "non_article" else parts[half]["trafilatura"].get(key)
                row += f"{_fmt(theirs):>12s}"  # trafilatura has no page type
            if before and name in before["sets"]:
                for half in ("all", "A", "B"):
                    new = parts[half]["cleanwire"].get(key)
                    old = before["sets"][name][half]["cleanwire"].get(key)
                    delta = (new - old) if isinstance(new, int | float) and isinstance(
                        old, int | float) else None
                    row += f"{(f'{delta:+.3f}' if isinstance(delta, float) else _fmt(delta)):>9s}"
            lines.append(row)
    return "\n".join(lines)


def worst(name: str, pages: list[dict[str, Any]], per: dict[str, dict[str, Any]],
          traf_per: dict[str, dict[str, Any]], n: int) -> str:
    measure = "f1" if name in ("wcxb", "fundus") else "checks"
    scored = [(per[p["id"]].get(measure), p) for p in pages if per.get(p["id"], {}).get(
        measure) is not None]
    scored.sort(key=lambda x: x[0])
    out = [f"\n== worst {n} of {name} by {measure}"]
    for value, page in scored[:n]:
        mine = per[page["id"]]
        theirs = traf_per.get(page["id"], {}).get(measure)
        out.append(f"{page['id']:40s} {value:.3f} (traf {_fmt(theirs)}) {page.get('url', '')[:90]}"
                   f"  type={mine.get('page_type')}")
        for field in ("missing", "leaked"):
            for s in mine.get(field) or []:
                out.append(f"    {field}: {s[:140]!r}")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sets", default=",".join(ALL_SETS))
    parser.add_argument("--opaque-urls", action="store_true",
                        help="clean every page under https://HOST/p/<sha1>.html")
    parser.add_argument("--crawl", action="store_true",
                        help="clean as a crawl does (CleanOptions(listing_text=False): the "
                             "surely-listing shortcut is taken)")
    parser.add_argument("--json", help="write the measures (and per-page results) here")
    parser.add_argument("--compare", help="a --json file of an earlier run: show the change")
    parser.add_argument("--worst", type=int, default=0, help="list the N worst pages per set")
    args = parser.parse_args(argv)
    names = [s for s in args.sets.split(",") if s]
    pages = load_sets(names)
    for page in pages:
        page["key"] = f"{page['set']}/{page['id']}"

    def url_of(page: dict[str, Any]) -> str:
        url = page.get("url") or ""
        return opaque_url(url, page["html"]) if args.opaque_urls else url

    os.environ["CLEANWIRE_DEVSETS_CRAWL"] = "1" if args.crawl else "0"  # read by the pool
    mine = run_pool(_clean, [(p["key"], url_of(p), p["html"]) for p in pages])
    theirs = trafilatura_results(pages, url_of, "-opaque" if args.opaque_urls else "")
    results: dict[str, Any] = {"opaque_urls": args.opaque_urls, "sets": {}, "per_page": {}}
    texts: list[str] = []
    for name in names:
        group = [p for p in pages if p["set"] == name]
        parts: dict[str, Any] = {}
        for half in ("all", "A", "B"):
            chosen = [p for p in group if half == "all" or p["half"] == half]
            m_cw, per_cw = score_set(name, chosen, mine, "cleanwire")
            m_tr, per_tr = score_set(name, chosen, theirs, "trafilatura")
            parts[half] = {"n": len(chosen), "cleanwire": m_cw, "trafilatura": m_tr}
            if half == "all":
                results["per_page"][name] = per_cw
                if args.worst:
                    texts.append(worst(name, chosen, per_cw, per_tr, args.worst))
        results["sets"][name] = parts
    before = json.loads(Path(args.compare).read_text()) if args.compare else None
    print(report(results, before))
    for text in texts:
        print(text)
    if args.json:
        Path(args.json).write_text(json.dumps(results, ensure_ascii=False, default=str))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
