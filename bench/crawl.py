"""End-to-end crawl benchmark: a local 5,000-page news site, `cleanwire crawl` into a fresh SQLite.

    python bench/crawl.py [--pages 5000] [--also 50000] [--workers 0] [--politeness K=V ...]
    python bench/crawl.py --pages 2000 --captures-compare   # WARC captures on vs --captures none

Renders bench/sitegen.py's site (gzipped, on every core) before the crawl and serves it
from memory with an asyncio server in a separate process, as a CDN would: its CPU per
page is printed too, and stays far below the crawl's. Runs the real CLI, and
prints one table: pages/s and articles/s end to end, CPU ms per page by stage
(measured on a sample of the same pages in this run), the cleaner-only ceiling
(cores / clean cost, where the clean cost is clean_page plus the MinHash signature
the cleaning workers compute for the store, timed in one process; and measured: that
many processes cleaning at once, before and after the crawls, their mean used), % of
each ceiling reached, CPU ms per fetched page of the crawl process (the reactor:
fetching, link extraction, store), of its cleaning workers and of the site's server, and
peak RSS of the crawl process and of the whole process tree.
With --also N, a second crawl of N pages checks that memory stays flat.
Run by hand on a quiet machine; no test depends on these numbers.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gzip
import multiprocessing
import os
import re
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from sitegen import Site, gzipped  # noqa: E402

# ---- the server ----------------------------------------------------------------------------

BASE_DEPENDENT = ("/robots.txt", "/sitemap.xml", "/feed.xml")  # hold absolute URLs: the port


def _render(job: tuple[int, list[str]]) -> list[tuple[str, bytes, str]]:
    pages, paths = job
    site, out = Site(pages), []
    for path in paths:
        found = site.page(path)
        if found:
            out.append((path, gzipped(found[0]), found[1]))
    return out


def render_site(pages: int, cores: int) -> dict[str, tuple[bytes, str] | None]:
    """Every page of the site, gzipped, rendered on every core before the crawl: the server
    then only sends bytes from memory, as a CDN or a static server would, and its CPU per
    page (printed with the results) stays out of the crawl's way (~15 KB a page in memory)."""
    paths = [p for p in Site(pages).paths() if p not in BASE_DEPENDENT]
    jobs = [(pages, paths[start::cores * 8]) for start in range(cores * 8)]
    with multiprocessing.get_context("fork").Pool(cores) as pool:
        parts = pool.map(_render, jobs)
    return {path: (body, ctype) for part in parts for path, body, ctype in part}


async def _serve(site: Site, cache: dict[str, tuple[bytes, str] | None],
                 port_out: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                line = head.split(b"\r\n", 1)[0].decode("latin-1")
                path = line.split(" ")[1].split("?")[0]
                gz = b"gzip" in head.lower().split(b"accept-encoding:", 1)[-1].split(b"\r\n")[0]
                if path not in cache:
                    page = site.page(path)
                    cache[path] = (gzipped(page[0]), page[1]) if page else None
                found = cache[path]
                if found is None:
                    body, status, ctype, extra = b"not found", "404 Not Found", "text/plain", b""
                else:
                    body, ctype = found
                    status, extra = "200 OK", b"Content-Encoding: gzip\r\n"
                    if not gz:
                        body, extra = gzip.decompress(body), b""
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
    for path in BASE_DEPENDENT:
        body, ctype = site.page(path)  # type: ignore[misc]
        cache[path] = (gzipped(body), ctype)
    port_out.put(port)
    async with server:
        await server.serve_forever()


def _server_main(pages: int, port_out: multiprocessing.Queue,  # type: ignore[type-arg]
                 cache: dict[str, tuple[bytes, str] | None] | None = None) -> None:
    """Serve the site from cache (render_site's); a page not in it is rendered on its first
    request and kept."""
    asyncio.run(_serve(Site(pages), {} if cache is None else cache, port_out))


# ---- stage costs, measured in-process on a sample --------------------------------------------

def stage_costs(site: Site, sample: int) -> dict[str, float]:
    """Mean CPU ms per page of each cleaner stage, on `sample` pages of the same site."""
    from cleaners.decode import decode_html
    from cleaners.dom import parse_html
    from cleaners.extract import extract_blocks
    from cleaners.language import detect_language
    from cleaners.metadata import extract_metadata
    from cleaners.minhash import text_signature
    from cleaners.pipeline import clean_page
    from cleaners.postclean import postclean
    from cleaners.preclean import prune_noise

    totals = dict.fromkeys(("parse", "metadata", "extract", "language", "clean_page", "sign"),
                           0.0)
    step = max(1, site.articles // sample)
    pages = [site.page(site.article_path(i))[0] for i in range(0, site.articles, step)][:sample]
    text_signature(clean_page(pages[0], "http://x/").text)  # warm-up: imports, profiles
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
        page = clean_page(html, "http://x/")
        t5 = time.process_time()
        text_signature(page.text)  # done in the cleaning worker too (crawler/pool/cleaning_pool.py)
        t6 = time.process_time()
        for key, dt in zip(totals, (t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4, t6 - t5),
                           strict=True):
            totals[key] += dt
    return {k: v * 1000 / len(pages) for k, v in totals.items()}


def _clean_all(pages: list[bytes], barrier: Any, out: Any) -> None:
    from cleaners.minhash import text_signature
    from cleaners.pipeline import clean_page

    page = clean_page(pages[0], "http://x/")  # warm-up: profiles, permutations
    text_signature(page.text)
    barrier.wait()
    started = time.perf_counter()
    for html in pages:
        page = clean_page(html, "http://x/")
        text_signature(page.text)
    out.put(time.perf_counter() - started)


def parallel_ceiling(site: Site, sample: int, cores: int) -> float:
    """Pages/s of the cleaner alone on every core: `cores` processes clean and sign the
    same sample at once (what the cores give when all of them clean, contention between
    them included: on this VM two busy cores do not give twice one core's work)."""
    step = max(1, site.articles // sample)
    pages = [site.page(site.article_path(i))[0] for i in range(0, site.articles, step)][:sample]
    context = multiprocessing.get_context("fork")
    barrier, out = context.Barrier(cores), context.Queue()
    workers = [context.Process(target=_clean_all, args=(pages, barrier, out))
               for _ in range(cores)]
    for worker in workers:
        worker.start()
    slowest = max(out.get(timeout=600) for _ in workers)
    for worker in workers:
        worker.join()
    return cores * len(pages) / slowest


# ---- one crawl -------------------------------------------------------------------------------

_TICK = os.sysconf("SC_CLK_TCK")


class TreeMonitor(threading.Thread):
    """Polls /proc for a process and its descendants (the cleaning workers, their
    forkserver): the CPU seconds each used (last seen), the process's own peak RSS
    (VmHWM, kept by the kernel) and the peak of the tree's summed PSS.

    Cheap on purpose, as it shares the cores it measures: one sample a second, and the
    whole of /proc walked for new descendants only every fifth sample."""

    def __init__(self, root: int, interval: float = 1.0, rescan_every: int = 5) -> None:
        super().__init__(daemon=True)
        self.root, self.interval, self.rescan_every = root, interval, rescan_every
        self.cpu: dict[int, float] = {}
        self.peak_pss_mb = 0.0
        self.peak_rss_mb = 0.0
        self.done = threading.Event()

    def run(self) -> None:
        pids: list[int] = []
        samples = 0
        while not self.done.is_set():
            if samples % self.rescan_every == 0 or samples < 10:  # workers start early
                pids = self.descendants()
            self.sample(pids)
            samples += 1
            self.done.wait(self.interval)

    def descendants(self) -> list[int]:
        children: dict[int, list[int]] = {}
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    stat = Path(f"/proc/{entry}/stat").read_text()
                except OSError:
                    continue
                ppid = int(stat.rsplit(")", 1)[1].split()[1])
                children.setdefault(ppid, []).append(int(entry))
        found, todo = [], [self.root]
        while todo:
            pid = todo.pop()
            found.append(pid)
            todo.extend(children.get(pid, ()))
        return found

    def sample(self, pids: list[int]) -> None:
        pss = 0.0
        for pid in pids:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
            except OSError:
                continue
            self.cpu[pid] = (int(fields[11]) + int(fields[12])) / _TICK
            found = re.search(r"^Pss:\s+(\d+) kB", rollup, re.MULTILINE)
            pss += int(found.group(1)) / 1024 if found else 0.0
            if pid == self.root:
                with contextlib.suppress(OSError, AttributeError):
                    status = Path(f"/proc/{pid}/status").read_text()
                    hwm = re.search(r"^VmHWM:\s+(\d+) kB", status, re.MULTILINE)
                    self.peak_rss_mb = max(self.peak_rss_mb, int(hwm.group(1)) / 1024)
        self.peak_pss_mb = max(self.peak_pss_mb, pss)

    def others_cpu(self) -> float:
        return sum(cpu for pid, cpu in self.cpu.items() if pid != self.root)


def _profile(path: Path, url: str, politeness: list[str]) -> None:
    """A sites.toml naming the bench site, with the politeness settings given."""
    lines = ["[sites.bench]", f'start_urls = ["{url}"]', "[sites.bench.politeness]"]
    for pair in politeness:
        key, _, value = pair.partition("=")
        lines.append(f"{key.strip()} = {value.strip()}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / _TICK


def run_crawl(pages: int, workers: int, politeness: list[str],
              captures: bool = True) -> dict[str, float]:
    context = multiprocessing.get_context("fork")  # the server inherits the rendered site
    queue = context.Queue()
    server = context.Process(target=_server_main,
                             args=(pages, queue, render_site(pages, os.cpu_count() or 1)),
                             daemon=True)
    server.start()
    port = queue.get(timeout=60)
    server_before = _cpu_seconds(server.pid)  # type: ignore[arg-type]
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.db"
        env = {**os.environ, "CLEANWIRE_PROGRESS_INTERVAL": "0"}
        url = f"http://127.0.0.1:{port}/"
        target = [url]
        if politeness:
            _profile(Path(tmp) / "sites.toml", url, politeness)
            target = ["bench", "--sites", str(Path(tmp) / "sites.toml")]
        cmd = [sys.executable, "-m", "crawler", "crawl", *target,
               "--db", str(db), "--timeout", "30"]
        if workers:
            cmd += ["--workers", str(workers)]
        if not captures:
            cmd += ["--captures", "none"]
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        crawl = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                 text=True, env=env)
        monitor = TreeMonitor(crawl.pid)
        monitor.start()
        stdout, stderr = crawl.communicate()
        elapsed = time.perf_counter() - started
        monitor.done.set()
        monitor.join()
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        warc_bytes = sum(p.stat().st_size for p in (Path(tmp) / "captures").glob("*.warc.gz"))
        captured = 0
        if db.exists():
            import sqlite3

            with contextlib.closing(sqlite3.connect(db)) as conn:
                captured = conn.execute("select count(*) from captures").fetchone()[0]
    server_cpu = _cpu_seconds(server.pid) - server_before  # type: ignore[arg-type]
    server.terminate()
    server.join()
    if crawl.returncode != 0:
        sys.exit(f"bench: crawl failed ({crawl.returncode}): {stderr[-800:]}")
    fetched = int(re.search(r"pages fetched\s+(\d+)", stdout).group(1))
    stored = int(re.search(r"articles stored\s+(\d+)", stdout).group(1))
    return {
        "pages": pages, "elapsed": elapsed, "fetched": fetched, "stored": stored,
        "pages_s": fetched / elapsed, "articles_s": stored / elapsed,
        # the crawl process alone: its workers are the forkserver's children, not waited for
        "cpu_s": (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime),
        "workers_cpu_s": monitor.others_cpu(),
        "server_cpu_s": server_cpu,
        "peak_rss_mb": monitor.peak_rss_mb,  # not ru_maxrss: that is any reaped child's
        "tree_pss_mb": monitor.peak_pss_mb,
        "captured": captured, "warc_bytes": warc_bytes,
    }


def captures_compare(pages: int, workers: int, politeness: list[str]) -> None:
    """Crawls of the same site with WARC captures on and off, in both orders (on, off,
    off, on: a drift of the shared cores over the minutes hits both alike)."""
    order = [True, False, False, True]
    runs = [(on, run_crawl(pages, workers, politeness, captures=on)) for on in order]
    print(f"\n{'captures':>8} {'fetched':>8} {'stored':>7} {'elapsed s':>10} {'pages/s':>8} "
          f"{'crawl ms':>8} {'workers ms':>10} {'captured':>8} {'WARC MB':>8} {'bytes/page':>10}")
    for on, run in runs:
        fetched = max(1, run["fetched"])
        per_page = run["warc_bytes"] / run["captured"] if run["captured"] else 0
        print(f"{'on' if on else 'none':>8} {run['fetched']:>8} {run['stored']:>7} "
              f"{run['elapsed']:>10.1f} {run['pages_s']:>8.1f} "
              f"{run['cpu_s'] * 1000 / fetched:>8.2f} "
              f"{run['workers_cpu_s'] * 1000 / fetched:>10.2f} {run['captured']:>8} "
              f"{run['warc_bytes'] / 1e6:>8.1f} {per_page:>10.0f}")
    rate = {flag: sum(r["pages_s"] for on, r in runs if on is flag) / 2 for flag in (True, False)}
    cpu = {flag: sum(r["cpu_s"] / max(1, r["fetched"]) for on, r in runs if on is flag) * 500
           for flag in (True, False)}
    total = {flag: cpu[flag] + sum(r["workers_cpu_s"] / max(1, r["fetched"])
                                   for on, r in runs if on is flag) * 500
             for flag in (True, False)}
    print(f"mean pages/s: captures on {rate[True]:.1f}, none {rate[False]:.1f}: "
          f"{100 * (1 - rate[True] / rate[False]):+.1f}% slower with captures (wall clock: "
          f"only meaningful on a quiet machine)")
    print(f"CPU ms per fetched page: crawl process {cpu[True]:.2f} on vs {cpu[False]:.2f} none "
          f"({cpu[True] - cpu[False]:+.2f}); crawl + cleaning workers {total[True]:.2f} vs "
          f"{total[False]:.2f}: a crawl bound by its cores is "
          f"{100 * (total[True] / total[False] - 1):+.1f}% slower with captures")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=5000)
    parser.add_argument("--also", type=int, default=0, help="a second, larger crawl (memory)")
    parser.add_argument("--workers", type=int, default=0, help="cleaning processes (0: cores)")
    parser.add_argument("--sample", type=int, default=200, help="pages for the stage costs")
    parser.add_argument("--politeness", action="append", default=[], metavar="KEY=VALUE",
                        help="crawl through a site profile with this politeness setting "
                             "(sites.example.toml), e.g. autothrottle=false")
    parser.add_argument("--captures-compare", action="store_true",
                        help="only crawls with WARC captures on and off (both orders)")
    args = parser.parse_args()
    cores = os.cpu_count() or 1
    if args.captures_compare:
        captures_compare(args.pages, args.workers, args.politeness)
        return

    costs = stage_costs(Site(args.pages, base="http://127.0.0.1:1"), args.sample)
    clean_cost = costs["clean_page"] + costs["sign"]  # both run in the cleaning workers
    ceiling = cores * 1000 / clean_cost
    print(f"# {cores} cores; stage costs on {args.sample} pages of the same site (CPU ms/page)")
    for name, ms in costs.items():
        print(f"  {name:<12} {ms:7.2f}")
    print(f"  ceiling = {cores} cores / (clean_page + sign = {clean_cost:.2f} ms)"
          f" = {ceiling:.1f} pages/s")
    ceiling_site = Site(args.pages, base="http://127.0.0.1:1")
    before = parallel_ceiling(ceiling_site, args.sample, cores)
    runs = [run_crawl(args.pages, args.workers, args.politeness)]
    if args.also:
        runs.append(run_crawl(args.also, args.workers, args.politeness))
    # measured again after the crawls: on a shared VM the cores' speed drifts over minutes,
    # and the mean of the two brackets what the crawls had
    after = parallel_ceiling(ceiling_site, args.sample, cores)
    measured = (before + after) / 2
    print(f"  measured ceiling: {cores} processes cleaning and signing at once = "
          f"{before:.1f} pages/s before the crawls, {after:.1f} after: {measured:.1f} "
          f"({measured / ceiling:.0%} of the computed one)")
    print("\nCPU ms per fetched page: 'crawl' is the crawl process (reactor, link extraction, "
          "store),\n'workers' its cleaning processes, 'server' the site's; peak RSS is the crawl "
          "process's,\ntree PSS the sum over the crawl process and its workers (shared pages "
          "counted once).")
    print(f"\n{'pages':>7} {'fetched':>8} {'stored':>7} {'elapsed s':>10} {'pages/s':>8} "
          f"{'articles/s':>10} {'ceiling/s':>9} {'% ceiling':>9} {'% measured':>10} "
          f"{'crawl ms':>8} {'workers ms':>10} {'server ms':>9} {'peak RSS MB':>11} "
          f"{'tree PSS MB':>11}")
    for run in runs:
        fetched = max(1, run["fetched"])
        print(f"{run['pages']:>7} {run['fetched']:>8} {run['stored']:>7} {run['elapsed']:>10.1f} "
              f"{run['pages_s']:>8.1f} {run['articles_s']:>10.1f} {ceiling:>9.1f} "
              f"{100 * run['articles_s'] / ceiling:>8.0f}% "
              f"{100 * run['articles_s'] / measured:>9.0f}% "
              f"{run['cpu_s'] * 1000 / fetched:>8.1f} "
              f"{run['workers_cpu_s'] * 1000 / fetched:>10.1f} "
              f"{run['server_cpu_s'] * 1000 / fetched:>9.2f} "
              f"{run['peak_rss_mb']:>11.0f} {run['tree_pss_mb']:>11.0f}")
    if len(runs) == 2:
        growth = runs[1]["peak_rss_mb"] / runs[0]["peak_rss_mb"] - 1
        tree = runs[1]["tree_pss_mb"] / max(1.0, runs[0]["tree_pss_mb"]) - 1
        print(f"\npeak RSS {runs[1]['pages']} vs {runs[0]['pages']} pages: {growth:+.0%} "
              f"(tree PSS {tree:+.0%})")
    load = os.getloadavg()
    print(f"load average at the end: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} "
          f"(over {cores} means others shared the cores)")


if __name__ == "__main__":
    main()
