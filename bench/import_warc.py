"""Import benchmark: a WARC of the synthetic bench site imported by `cleanwire import-warc`.

    python bench/import_warc.py [--pages 5000] [--sample 0] [--workers 0] [--keep DIR]

Builds one gzip-per-record WARC of every page of bench/sitegen.py's site (rendered on
every core and gzip-encoded as bench/crawl.py serves them, with robots.txt, the sitemap
and the feed as non-HTML records), then measures, in the same run:

  reader      records/s of warcio and of fastwarc reading the file and decoding each
              HTML payload (the choice of reader: crawler/warcimport/reader.py)
  ceiling     the cleaning pool (crawler/pool/cleaning_pool.py, as many workers as the
              import) cleaning and signing the same decoded bodies, nothing stored:
              before and after the import, their mean used
  import      the real CLI into a fresh SQLite file: articles/s over the run's own
              elapsed time (its summary) and over the wall time of the process
  plain loop  warcio + trafilatura.bare_extraction + sqlite3 INSERTs in one process:
              what a script would do without cleanwire

With --sample N the ceiling and the plain loop run on N pages spread over the site (the
first N records' worth of the WARC for the loop) instead of all of them; the import always
reads the whole file.

and prints one table: articles/s of each, and the import as % of the ceiling (goal:
>= 85%). Run by hand on a quiet machine; no test depends on these numbers.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import os
import re
import sqlite3
import subprocess
import sys
import tempfile
import time
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from crawl import render_site  # noqa: E402
from sitegen import Site  # noqa: E402

BASE = "https://bench.example"


def build_warc(path: Path, pages: int, cores: int) -> int:
    """The site as a crawler would have archived it; returns the number of records."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    site = Site(pages, base=BASE)
    rendered = render_site(pages, cores)
    for extra in ("/robots.txt", "/sitemap.xml", "/feed.xml"):
        body, ctype = site.page(extra) or (b"", "text/plain")
        rendered[extra] = (body, ctype)
    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=True)
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "bench"}))
        for page_path, found in rendered.items():
            if found is None:
                continue
            body, ctype = found
            headers = [("Content-Type", ctype)]
            if body[:2] == b"\x1f\x8b":
                headers.append(("Content-Encoding", "gzip"))
            http = StatusAndHeaders("200 OK", headers, protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(
                BASE + page_path, "response", payload=io.BytesIO(body), http_headers=http))
    return len(rendered) + 1


def html_bodies(path: Path) -> list[tuple[str, bytes]]:
    """(url, decoded body) of every HTML response, read with warcio."""
    from warcio.archiveiterator import ArchiveIterator

    out = []
    with path.open("rb") as handle:
        for record in ArchiveIterator(handle):
            if record.rec_type != "response":
                continue
            if "html" not in (record.http_headers.get_header("Content-Type") or ""):
                continue
            out.append((record.rec_headers.get_header("WARC-Target-URI"),
                        record.content_stream().read()))
    return out


def read_warcio(path: Path) -> float:
    """Seconds for warcio to read every record and decode each HTML payload."""
    from warcio.archiveiterator import ArchiveIterator

    started = time.perf_counter()
    with path.open("rb") as handle:
        for record in ArchiveIterator(handle):
            if record.rec_type == "response" and "html" in (
                    record.http_headers.get_header("Content-Type") or ""):
                record.content_stream().read()
    return time.perf_counter() - started


def read_fastwarc(path: Path) -> float:
    """The same with fastwarc (its HTTP body is not decoded: gzip is inflated here)."""
    from fastwarc.warc import ArchiveIterator, WarcRecordType

    started = time.perf_counter()
    with path.open("rb") as handle:
        for record in ArchiveIterator(handle, record_types=WarcRecordType.response,
                                      parse_http=True):
            if "html" not in (record.http_content_type or ""):
                continue
            body = record.reader.read()
            if (record.http_headers.get("Content-Encoding") or "").lower() == "gzip":
                body = zlib.decompress(body, zlib.MAX_WBITS | 16)
    return time.perf_counter() - started


def pool_ceiling(bodies: list[tuple[str, bytes]], workers: int) -> tuple[float, float]:
    """(pages/s, articles/s) of the cleaning pool alone on the same bodies, signing them
    as the import does, with as many pages in flight as the importer keeps."""
    from cleaners import CleanOptions
    from crawler.pool.cleaning_pool import CleaningPool

    pool = CleaningPool(workers, 60.0)
    options = CleanOptions()
    window = max(8, 16 * pool.workers)

    async def run() -> tuple[float, int]:
        await pool.clean(bodies[0][1], bodies[0][0], options, sign=True)  # start the workers
        for _ in range(pool.workers * 2):
            await asyncio.gather(*(pool.clean(b, u, options, sign=True)
                                   for u, b in bodies[:pool.workers]))
        started = time.perf_counter()
        articles = 0
        pending: set[asyncio.Future] = set()
        for url, body in bodies:
            pending.add(asyncio.ensure_future(pool.clean(body, url, options, sign=True)))
            if len(pending) >= window:
                done, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
                articles += sum(1 for d in done if _is_article(d.result()))
        for done in await asyncio.gather(*pending):
            articles += _is_article(done)
        return time.perf_counter() - started, articles

    try:
        elapsed, articles = asyncio.run(run())
    finally:
        pool.close()
    return len(bodies) / elapsed, articles / elapsed


def _is_article(cleaned: object) -> bool:
    page = getattr(cleaned, "page", None)
    return page is not None and page.page_type == "article"


def run_import(path: Path, db: Path, workers: int) -> tuple[float, float, int]:
    """(articles/s over the run's elapsed, articles/s over the wall time, articles)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CLEANWIRE_")}
    env.update(CLEANWIRE_PROGRESS_INTERVAL="0", PYTHONPATH=str(ROOT))
    args = [sys.executable, "-m", "crawler", "import-warc", str(path), "--db", str(db)]
    if workers:
        args += ["--workers", str(workers)]
    started = time.perf_counter()
    ran = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    if ran.returncode != 0:
        raise SystemExit(f"import failed: {ran.stderr.strip()}")
    elapsed = float(re.search(r"elapsed\s+([\d.]+) s", ran.stdout).group(1))  # type: ignore[union-attr]
    with sqlite3.connect(db) as conn:
        (articles,) = conn.execute("SELECT articles_new FROM crawl_runs").fetchone()
    return articles / elapsed, articles / wall, articles


def plain_loop(path: Path, db: Path, limit: int = 0) -> tuple[float, int]:
    """(articles/s, articles) of warcio + trafilatura + sqlite3 in one process."""
    import trafilatura
    from warcio.archiveiterator import ArchiveIterator

    started = time.perf_counter()
    conn = sqlite3.connect(db)
    conn.execute("CREATE TABLE articles (url TEXT PRIMARY KEY, title TEXT, text TEXT)")
    stored = 0
    with path.open("rb") as handle:
        for record in ArchiveIterator(handle):
            if record.rec_type != "response" or "html" not in (
                    record.http_headers.get_header("Content-Type") or ""):
                continue
            url = record.rec_headers.get_header("WARC-Target-URI")
            body = record.content_stream().read()
            doc = trafilatura.bare_extraction(body.decode("utf-8", "replace"), url=url,
                                              with_metadata=True)
            if doc is None or not doc.text:
                continue
            conn.execute("INSERT OR REPLACE INTO articles VALUES (?, ?, ?)",
                         (url, doc.title, doc.text))
            stored += 1
            if stored % 100 == 0:
                conn.commit()
            if limit and stored >= limit:
                break
    conn.commit()
    conn.close()
    return stored / (time.perf_counter() - started), stored


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=5000)
    parser.add_argument("--workers", type=int, default=0, help="cleaning processes (0: cores)")
    parser.add_argument("--keep", type=Path, help="build the WARC and databases here")
    parser.add_argument("--sample", type=int, default=0,
                        help="pages for the ceiling and the plain loop (0: all)")
    parser.add_argument("--skip-plain", action="store_true")
    args = parser.parse_args()
    cores = args.workers or os.cpu_count() or 1
    folder = args.keep or Path(tempfile.mkdtemp(prefix="cleanwire-import-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    warc = folder / "site.warc.gz"
    for stale in (folder / "import.db", folder / "plain.db"):
        stale.unlink(missing_ok=True)
    started = time.perf_counter()
    records = build_warc(warc, args.pages, cores)
    print(f"WARC: {records} records, {warc.stat().st_size / 1e6:.1f} MB, built in "
          f"{time.perf_counter() - started:.1f} s ({warc})", flush=True)
    bodies = html_bodies(warc)
    if args.sample and args.sample < len(bodies):
        bodies = bodies[::max(1, len(bodies) // args.sample)][:args.sample]
    warcio_s, fastwarc_s = read_warcio(warc), read_fastwarc(warc)
    before = pool_ceiling(bodies, args.workers)
    print(f"ceiling before: {before[0]:.1f} pages/s, {before[1]:.1f} articles/s", flush=True)
    imported = run_import(warc, folder / "import.db", args.workers)
    print(f"import: {imported[0]:.1f} articles/s ({imported[2]} articles)", flush=True)
    after = pool_ceiling(bodies, args.workers)
    print(f"ceiling after: {after[0]:.1f} pages/s, {after[1]:.1f} articles/s", flush=True)
    ceiling = (before[1] + after[1]) / 2
    plain = (0.0, 0) if args.skip_plain else plain_loop(warc, folder / "plain.db", args.sample)
    rows = [
        ("reader: warcio", f"{records / warcio_s:,.0f} records/s", ""),
        ("reader: fastwarc", f"{records / fastwarc_s:,.0f} records/s", ""),
        ("cleaner-only ceiling (pool, no storage)", f"{ceiling:.1f} articles/s",
         f"{len(bodies)} HTML pages, {cores} workers; before {before[1]:.1f}, after "
         f"{after[1]:.1f}"),
        ("cleanwire import-warc (run elapsed)", f"{imported[0]:.1f} articles/s",
         f"{100 * imported[0] / ceiling:.0f}% of the ceiling (goal >= 85%)"),
        ("cleanwire import-warc (process wall)", f"{imported[1]:.1f} articles/s",
         f"{100 * imported[1] / ceiling:.0f}% (with start-up and migration)"),
        ("plain warcio + trafilatura + sqlite3", f"{plain[0]:.1f} articles/s",
         f"{plain[1]} rows, one process" if plain[1] else "skipped"),
    ]
    width = [max(len(r[i]) for r in rows) for i in range(3)]
    print(f"\n| {'':<{width[0]}} | {'rate':<{width[1]}} | {'':<{width[2]}} |")
    print(f"|{'-' * (width[0] + 2)}|{'-' * (width[1] + 2)}|{'-' * (width[2] + 2)}|")
    for row in rows:
        print("| " + " | ".join(f"{c:<{w}}" for c, w in zip(row, width, strict=True)) + " |")


if __name__ == "__main__":
    main()
