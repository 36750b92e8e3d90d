#!/usr/bin/env python3
"""Score page metadata (title, author, publish date) on the WCXB dev articles.

Runs cleanwire's extract_metadata and trafilatura's bare_extraction on the same
pages in one go and prints accuracy and ms/page side by side:

    .venv/bin/python bench/eval_metadata.py                 # ours vs trafilatura
    .venv/bin/python bench/eval_metadata.py --no-baseline --show-misses author
    .venv/bin/python bench/eval_metadata.py --limit 150 --sample-seed 7

Conventions (learned from the ground truth, applied identically to both tools):

* Text is compared after Unicode NFKC, typographic quote/dash folding,
  whitespace collapsing and casefolding.
* A missing author or date is ``null`` in the truth.  Then an empty prediction
  is a match and any prediction is a miss; a non-empty truth needs an equal,
  non-empty prediction.
* Several authors are one string in the truth, joined by ", ", " and ", " & "
  or "; ".  Both sides are split on those joiners into a set of names, and
  parts that are only credentials ("MD", "Ph.D.", "RD", "CFP") are dropped, so
  "Jillian Kubala, MS, RD" equals ["Jillian Kubala"].  Order does not matter.
  Organisations count as authors when they are the byline ("ServiceTitan").
* Dates: the date part (YYYY-MM-DD) must be equal; a truth given only to the
  month ("2015-11") matches any prediction in that month.
* The truth's date convention is not uniform.  On pages whose only date
  shown near the headline is labelled "Updated", it takes that update date on
  17 pages and the declared first publication date on 20 (14 where both are
  the same day).  What separates them is Open Graph: where
  article:published_time declares the first publication, the truth takes it
  on 18 pages and the update on 2; where only JSON-LD or other meta declare
  it, the truth takes the shown update on 15 and the declared date on 2.
  Where a page shows its dateModified without a label, the same split holds
  weakly (with article:published_time: 7 declared, 4 shown; without: 0 and
  2), and where nothing is shown next to the headline but the update is
  shown above it or in a date element away from it, strongly (with: 5 and
  0; without: 0 and 5).  cleanwire follows Open Graph.  Pages with no date
  shown may still have a null truth although they declare one (19 pages
  where we answer from JSON-LD/meta alone; 121 such answers match the truth).
* Timing: "ours" is extract_metadata on an already parsed tree (the pipeline
  parses once for all stages); parse time is printed apart.  trafilatura's
  figure is the whole bare_extraction call (parse + body + metadata), as a user
  would pay it.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import re
import sys
import time
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DEFAULT_DATA = ROOT.parent / "shared" / "data" / "wcxb" / "dev"

FIELDS = ("title", "author", "date")
_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"',
                         "\u2013": "-", "\u2014": "-", "\u00a0": " "})
_JOINERS = re.compile(r"\s*(?:[,;&|]|\band\b)\s*", re.IGNORECASE)
_CREDENTIAL = re.compile(
    r"^(?:ph\.?\s?d|m\.?\s?d|d\.?\s?o|r\.?\s?n|r\.?\s?d|m\.?\s?s|m\.?\s?a|b\.?\s?a|b\.?\s?s|"
    r"m\.?\s?b\.?\s?a|d\.?\s?v\.?\s?m|cfp|cpa|jr|sr|esq|mph|msc|bsc|lcsw|lpc|np|pa-c|facs|faan|"
    r"facp|frcp|dds|dmd|psyd|edd|ed\.?\s?d|rdn|ldn|cde|cdces|cscs|vmd|lvt|pharmd|mhs|msn|bsn|"
    r"aprn|fnp|cpp|psp)\.?$", re.IGNORECASE)
_CAPS_CREDENTIAL = re.compile(r"^[A-Z]{1,6}(?:-[A-Z]{1,6})?\d*®?$")  # "FAND", "E-RYT", "CEPF®"


def is_credential(piece: str) -> bool:
    """'MD', 'Ph.D.', 'E-RYT 200', 'M.D. FACLM': every token a credential."""
    tokens = piece.replace(".", ". ").split()
    tokens = [t.strip(" .") for t in tokens if t.strip(" .")]
    joined = piece.strip(" .")
    if _CREDENTIAL.match(joined) or _CAPS_CREDENTIAL.match(joined):
        return True
    return bool(tokens) and all(
        _CREDENTIAL.match(t) or _CAPS_CREDENTIAL.match(t) or t.isdigit() or len(t) == 1
        for t in tokens) and any(len(t) > 1 for t in tokens)


@dataclass
class Page:
    """One WCXB article page with its truth."""

    id: str
    url: str
    html: bytes
    title: str | None
    author: str | None
    date: str | None


@dataclass
class Prediction:
    """What one tool said about a page."""

    title: str | None = None
    authors: list[str] = field(default_factory=list)
    date: str | None = None


def norm(text: str | None) -> str:
    """NFKC, folded quotes and dashes, one space, casefolded."""
    text = unicodedata.normalize("NFKC", text or "").translate(_QUOTES)
    return re.sub(r"\s+", " ", text).strip().casefold()


def author_set(value: str | list[str] | None) -> frozenset[str]:
    """Names in a byline string or list, split on joiners, credentials dropped.

    A part that is only a credential ("MD", "Ph.D.") is dropped when it follows
    a name; a lone "BBC" or "IBM" stays.
    """
    parts = value if isinstance(value, list) else [value or ""]
    names: set[str] = set()
    for part in parts:
        pieces = [p.strip(" .") for p in _JOINERS.split(unicodedata.normalize("NFKC", part or ""))]
        pieces = [p for p in pieces if p]
        kept = [p for i, p in enumerate(pieces) if i == 0 or not is_credential(p)]
        names.update(norm(p) for p in kept)
    return frozenset(n for n in names if n)


def match(kind: str, truth: Page, pred: Prediction) -> bool:
    """Does the prediction agree with the truth for this field (see module doc)?"""
    if kind == "title":
        return norm(truth.title) == norm(pred.title)
    if kind == "author":
        return author_set(truth.author) == author_set(pred.authors)
    want, got = (truth.date or "").strip(), (pred.date or "").strip()
    if not want:
        return not got
    return bool(got) and got[:10].startswith(want[:10])


def load_pages(data: Path, limit: int | None = None, seed: int | None = None,
               ids: list[str] | None = None) -> list[Page]:
    """The dev split's article pages (optionally a seeded sample or given ids)."""
    truths = sorted((data / "ground-truth").glob("*.json"))
    pages: list[Page] = []
    for path in truths:
        doc = json.loads(path.read_text(encoding="utf-8"))
        if doc.get("_internal", {}).get("page_type", {}).get("primary") != "article":
            continue
        if ids and path.stem not in ids:
            continue
        gt = doc["ground_truth"]
        pages.append(Page(path.stem, doc.get("url", ""), b"", gt.get("title"),
                          gt.get("author") or None, gt.get("publish_date") or None))
    if seed is not None and limit:
        pages = random.Random(seed).sample(pages, min(limit, len(pages)))
    elif limit:
        pages = pages[:limit]
    for page in pages:
        page.html = gzip.decompress((data / "html" / f"{page.id}.html.gz").read_bytes())
    return pages


def run_ours(pages: list[Page]) -> tuple[list[Prediction], float, float, float]:
    """cleanwire: (predictions, metadata ms/page, parse ms/page, metadata CPU ms/page)."""
    from cleaners.decode import decode_html
    from cleaners.dom import parse_html
    from cleaners.metadata import extract_metadata

    out: list[Prediction] = []
    meta_s = parse_s = cpu_s = 0.0
    for page in pages:
        t0 = time.perf_counter()
        tree = parse_html(decode_html(page.html))
        t1, c1 = time.perf_counter(), time.process_time()
        meta = extract_metadata(tree, page.url)
        t2, c2 = time.perf_counter(), time.process_time()
        parse_s += t1 - t0
        meta_s += t2 - t1
        cpu_s += c2 - c1
        out.append(Prediction(meta.title, list(meta.authors), meta.published))
    n = max(len(pages), 1)
    return out, 1000 * meta_s / n, 1000 * parse_s / n, 1000 * cpu_s / n


def run_trafilatura(pages: list[Page]) -> tuple[list[Prediction], float, float]:
    """trafilatura bare_extraction(with_metadata=True): (predictions, ms/page, CPU ms/page)."""
    from trafilatura import bare_extraction

    out: list[Prediction] = []
    total = cpu = 0.0
    for page in pages:
        t0, c0 = time.perf_counter(), time.process_time()
        try:
            doc = bare_extraction(page.html, url=page.url, with_metadata=True)
        except Exception:  # a crash counts as an empty prediction
            doc = None
        total += time.perf_counter() - t0
        cpu += time.process_time() - c0
        if doc is None:
            out.append(Prediction())
            continue
        get = doc.get if isinstance(doc, dict) else lambda k, d=doc: getattr(d, k, None)
        author = get("author")
        authors = [a.strip() for a in author.split(";")] if author else []
        out.append(Prediction(get("title"), authors, get("date")))
    n = max(len(pages), 1)
    return out, 1000 * total / n, 1000 * cpu / n


def cached_baseline(pages: list[Page],
                    cache: Path | None) -> tuple[list[Prediction], float, float]:
    """run_trafilatura, or its stored result for exactly these pages."""
    key = [p.id for p in pages]
    if cache and cache.exists():
        stored = json.loads(cache.read_text(encoding="utf-8"))
        if stored["ids"] == key and "cpu_ms" in stored:
            return ([Prediction(**row) for row in stored["preds"]], stored["ms"],
                    stored["cpu_ms"])
    preds, ms, cpu_ms = run_trafilatura(pages)
    if cache:
        cache.write_text(json.dumps({"ids": key, "ms": ms, "cpu_ms": cpu_ms,
                                     "preds": [vars(p) for p in preds]}), encoding="utf-8")
    return preds, ms, cpu_ms


def accuracy(pages: list[Page], preds: list[Prediction]) -> dict[str, float]:
    """Share of pages where each field matches."""
    n = max(len(pages), 1)
    return {k: sum(match(k, p, q) for p, q in zip(pages, preds, strict=True)) / n
            for k in FIELDS}


def accuracy_given(pages: list[Page], preds: list[Prediction]) -> dict[str, float]:
    """Accuracy on the pages whose truth has the field (how trafilatura is usually quoted)."""
    out: dict[str, float] = {}
    for kind in FIELDS:
        pairs = [(p, q) for p, q in zip(pages, preds, strict=True)
                 if {"title": p.title, "author": p.author, "date": p.date}[kind]]
        out[kind] = sum(match(kind, p, q) for p, q in pairs) / max(len(pairs), 1)
    return out


def misses(kind: str, pages: list[Page], preds: list[Prediction]) -> Iterator[str]:
    """One line per mismatch: id, truth, prediction."""
    for page, pred in zip(pages, preds, strict=True):
        if match(kind, page, pred):
            continue
        truth = {"title": page.title, "author": page.author, "date": page.date}[kind]
        got = {"title": pred.title, "author": pred.authors, "date": pred.date}[kind]
        yield f"{page.id}  want={truth!r}  got={got!r}  {page.url[:90]}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--limit", type=int, default=None, help="only the first N pages")
    ap.add_argument("--sample-seed", type=int, default=None,
                    help="with --limit: a seeded random sample instead of the first N")
    ap.add_argument("--ids", nargs="*", default=None, help="only these page ids")
    ap.add_argument("--no-baseline", action="store_true", help="skip trafilatura")
    ap.add_argument("--baseline-cache", type=Path, default=None,
                    help="reuse/store trafilatura predictions in this JSON file")
    ap.add_argument("--show-misses", choices=FIELDS, action="append", default=[],
                    help="list our mismatches for a field (repeatable)")
    ap.add_argument("--show-baseline-misses", action="store_true",
                    help="with --show-misses: list trafilatura's instead of ours")
    args = ap.parse_args(argv)

    pages = load_pages(args.data, args.limit, args.sample_seed, args.ids)
    ours, meta_ms, parse_ms, meta_cpu = run_ours(pages)
    rows: list[tuple[str, dict[str, float], dict[str, float], str]] = [
        ("cleanwire extract_metadata", accuracy(pages, ours), accuracy_given(pages, ours),
         f"{meta_ms:.2f} ms/page, cpu {meta_cpu:.2f} (+ parse {parse_ms:.2f})")]
    base: list[Prediction] = []
    if not args.no_baseline:
        base, base_ms, base_cpu = cached_baseline(pages, args.baseline_cache)
        rows.append(("trafilatura bare_extraction", accuracy(pages, base),
                     accuracy_given(pages, base),
                     f"{base_ms:.2f} ms/page, cpu {base_cpu:.2f} (whole call)"))
    print(f"{len(pages)} article pages from {args.data}")
    print(f"{'':30} {'all pages (null truth = empty)':^23} | {'pages with truth only':^23}")
    print(f"{'tool':30} {'title':>7} {'author':>7} {'date':>7} | {'title':>7} {'author':>7}"
          f" {'date':>7}  time")
    for name, acc, given, timing in rows:
        print(f"{name:30} {acc['title']:7.3f} {acc['author']:7.3f} {acc['date']:7.3f} | "
              f"{given['title']:7.3f} {given['author']:7.3f} {given['date']:7.3f}  {timing}")
    shown: Callable[[], list[Prediction]] = (
        (lambda: base) if args.show_baseline_misses and base else (lambda: ours))
    for kind in args.show_misses:
        lines = list(misses(kind, pages, shown()))
        print(f"\n--- {kind} misses: {len(lines)}")
        print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
