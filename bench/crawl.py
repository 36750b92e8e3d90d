"""End-to-end crawl benchmark: a local 5,000-page news site, `cleanwire crawl` into a fresh SQLite.

    python bench/crawl.py [--pages 5000] [--also 50000] [--workers 0]

Serves bench/sitegen.py's site from an asyncio server in a separate process (it is
not the bottleneck: it renders from memory, gzip level 1), runs the real CLI, and
prints one table: pages/s and articles/s end to end, CPU ms per page by stage
(measured on a sample of the same pages in this run), the cleaner-only ceiling
(cores / clean cost), % of that ceiling reached, and peak RSS of the crawl.
With --also N, a second crawl of N pages checks that memory stays flat.
Run by hand on a quiet machine; no test depends on these numbers.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from sitegen import Site, gzipped  # noqa: E402

# ---- the server ----------------------------------------------------------------------------

async def _serve(site: Site, port_out: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    cache: dict[str, tuple[bytes, str] | None] = {}

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                line = head.split(b"\r\n", 1)[0].decode("latin-1")
                path = line.split(" ")[1].split("?")[0]
                gz = b"gzip" in head.lower().split(b"accept-encoding:", 1)[-1].split(b"\r\n")[0]
                if path not in cache:
                    found = site.page(path)
                    cache[path] = (gzipped(found[0]), found[1]) if found else None
                found = cache[path]
                if found is None:
                    body, status, ctype, extra = b"not found", "404 Not Found", "text/plain", b""
                else:
                    body, ctype = found
                    status, extra = "200 OK", b"Content-Encoding: gzip\r\n"
                    if not gz:
                        import gzip as _gz
                        body, extra = _gz.decompress(body), b""
                writer.write(f"HTTP/1.1 {status}\r\nContent-Type: {ctype}\r\nContent-Length: "
                             f"{len(body)}\r\n".encode() + extra + b"\r\n" + body)
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError, IndexError):
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0, backlog=512)
    port = server.sockets[0].getsockname()[1]
    site.base = f"http://127.0.0.1:{port}"
    port_out.put(port)
    async with server:
        await server.serve_forever()


def _server_main(pages: int, port_out: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    asyncio.run(_serve(Site(pages), port_out))


# ---- stage costs, measured in-process on a sample --------------------------------------------

def stage_costs(site: Site, sample: int) -> dict[str, float]:
    """Mean CPU ms per page of each cleaner stage, on `sample` pages of the same site."""
    from cleaners.decode import decode_html
    from cleaners.dom import parse_html
    from cleaners.extract import extract_blocks
    from cleaners.language import detect_language
    from cleaners.metadata import extract_metadata
    from cleaners.pipeline import clean_page
    from cleaners.postclean import postclean
    from cleaners.preclean import prune_noise

    totals = dict.fromkeys(("parse", "metadata", "extract", "language", "clean_page"), 0.0)
    step = max(1, site.articles // sample)
    pages = [site.page(site.article_path(i))[0] for i in range(0, site.articles, step)][:sample]
    clean_page(pages[0], "http://x/")  # warm-up
    for html in pages:
        t0 = time.process_time()
        tree = parse_html(decode_html(html))
        t1 = time.process_time()
        meta = extract_metadata(tree, "http://x/")
        t2 = time.process_time()
        prune_noise(tree)
        blocks = postclean(extract_blocks(tree, "http://x/"), meta)
        t3 = time.process_time()
        detect_language("\n\n".join(blocks))
        t4 = time.process_time()
        clean_page(html, "http://x/")
        t5 = time.process_time()
        for key, dt in zip(totals, (t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4), strict=True):
            totals[key] += dt
    return {k: v * 1000 / len(pages) for k, v in totals.items()}


# ---- one crawl -------------------------------------------------------------------------------

def run_crawl(pages: int, workers: int) -> dict[str, float]:
    queue: multiprocessing.Queue = multiprocessing.Queue()  # type: ignore[type-arg]
    server = multiprocessing.Process(target=_server_main, args=(pages, queue), daemon=True)
    server.start()
    port = queue.get(timeout=30)
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.db"
        env = {**os.environ, "CLEANWIRE_PROGRESS_INTERVAL": "0"}
        cmd = [sys.executable, "-m", "crawler.cli", "crawl", f"http://127.0.0.1:{port}/",
               "--db", str(db), "--timeout", "30"]
        if workers:
            cmd += ["--workers", str(workers)]
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, env=env)
        elapsed = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
    server.terminate()
    if proc.returncode != 0:
        sys.exit(f"bench: crawl failed ({proc.returncode}): {proc.stderr[-800:]}")
    fetched = int(re.search(r"pages fetched\s+(\d+)", proc.stdout).group(1))
    stored = int(re.search(r"articles stored\s+(\d+)", proc.stdout).group(1))
    return {
        "pages": pages, "elapsed": elapsed, "fetched": fetched, "stored": stored,
        "pages_s": fetched / elapsed, "articles_s": stored / elapsed,
        "cpu_s": (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime),
        "peak_rss_mb": after.ru_maxrss / 1024,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=5000)
    parser.add_argument("--also", type=int, default=0, help="a second, larger crawl (memory)")
    parser.add_argument("--workers", type=int, default=0, help="cleaning processes (0: cores)")
    parser.add_argument("--sample", type=int, default=200, help="pages for the stage costs")
    args = parser.parse_args()
    cores = os.cpu_count() or 1

    costs = stage_costs(Site(args.pages, base="http://127.0.0.1:1"), args.sample)
    ceiling = cores * 1000 / costs["clean_page"]
    print(f"# {cores} cores; stage costs on {args.sample} pages of the same site (CPU ms/page)")
    for name, ms in costs.items():
        print(f"  {name:<12} {ms:7.2f}")
    runs = [run_crawl(args.pages, args.workers)]
    if args.also:
        runs.append(run_crawl(args.also, args.workers))
    print(f"\n{'pages':>7} {'fetched':>8} {'stored':>7} {'elapsed s':>10} {'pages/s':>8} "
          f"{'articles/s':>10} {'CPU ms/page':>11} {'ceiling/s':>9} {'% ceiling':>9} "
          f"{'peak RSS MB':>11}")
    for run in runs:
        print(f"{run['pages']:>7} {run['fetched']:>8} {run['stored']:>7} {run['elapsed']:>10.1f} "
              f"{run['pages_s']:>8.1f} {run['articles_s']:>10.1f} "
              f"{run['cpu_s'] * 1000 / max(1, run['fetched']):>11.1f} {ceiling:>9.1f} "
              f"{100 * run['articles_s'] / ceiling:>8.0f}% {run['peak_rss_mb']:>11.0f}")
    if len(runs) == 2:
        growth = runs[1]["peak_rss_mb"] / runs[0]["peak_rss_mb"] - 1
        print(f"\npeak RSS {runs[1]['pages']} vs {runs[0]['pages']} pages: {growth:+.0%}")
    print(f"median stage split: {statistics.median(costs.values()):.1f} ms")


if __name__ == "__main__":
    main()
