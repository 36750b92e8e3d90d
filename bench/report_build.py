"""How long `cleanwire report` and `cleanwire health` take on a big database, and how big
the report file is.

    python bench/report_build.py [--articles 100000] [--sites 30] [--days 30] [--keep DB]

Fills a fresh SQLite database (migrated by storage.engine.open_engine) with --articles
articles over --days daily crawls of --sites sites, written with SQLAlchemy Core bulk
inserts (the Repository's per-page dedup and MinHash work is not what is measured here):
per crawl its run, one fetch per article stored, a listing per ten, a failure per
twenty-five, one site blocked (403) on the last day and one whose words halve. Then times
`cleanwire report` and `cleanwire health` as a user runs them (subprocess, wall time) and
prints the report's size. Run by hand on a quiet machine; no test depends on these numbers.
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from storage.engine import open_engine  # noqa: E402
from storage.models import Article, CrawlRun, Fetch, Site  # noqa: E402

LANGUAGES = ("en", "en", "en", "de", "fr", "es", "it", "nl")


def fill(db: Path, articles: int, sites: int, days: int, seed: int = 24) -> None:
    rng = random.Random(seed)
    engine = open_engine(f"sqlite:///{db}")
    now = datetime.now(UTC)
    per_crawl = max(1, articles // (sites * days))
    # sites differ in volume (sorted by it in the report): weights 1..sites
    weights = [i + 1 for i in range(sites)]
    scale = articles / (sum(weights) * days)
    article_id = fetch_id = run_id = 0
    with engine.begin() as conn:
        conn.execute(Site.__table__.insert(), [
            {"id": i + 1, "name": f"site-{i + 1:02d}", "host": f"news{i + 1}.example"}
            for i in range(sites)])
        for day in range(days, 0, -1):
            runs, fetches, rows = [], [], []
            for s in range(sites):
                n = max(1, round(weights[s] * scale)) if per_crawl else 1
                start = now - timedelta(days=day - 1, hours=2, minutes=s)
                run_id += 1
                blocked = s == 0 and day == 1
                halved = s == 1 and day == 1
                failed = n // 25 + (n if blocked else 0)
                runs.append({"id": run_id, "site_id": s + 1, "command": "crawl",
                             "arguments": {}, "started_at": start,
                             "finished_at": start + timedelta(seconds=rng.randint(60, 1800)),
                             "outcome": "ok", "pages_fetched": n + n // 10 + failed,
                             "articles_new": 0 if blocked else n, "articles_updated": 0,
                             "articles_unchanged": 0, "non_articles": n // 10, "skipped": 0,
                             "failed": failed, "counts": {}})
                host = f"news{s + 1}.example"
                stored = 0 if blocked else n
                for i in range(stored):
                    article_id += 1
                    fetch_id += 1
                    at = start + timedelta(seconds=i)
                    url = f"https://{host}/{day}/{i}-{article_id}"
                    words = max(30, int(rng.gauss(600, 200)) // (3 if halved else 1))
                    rows.append({"id": article_id, "url": url, "site_id": s + 1,
                                 "title": f"Story {article_id}", "authors": ["A. Writer"]
                                 if rng.random() > 0.1 else [],
                                 "published_at": at if rng.random() > 0.05 else None,
                                 "language": rng.choice(LANGUAGES), "tags": [],
                                 "text": "", "word_count": words, "first_seen_at": at,
                                 "last_fetched_at": at, "crawl_run_id": run_id,
                                 "version": 1})
                    fetches.append({"id": fetch_id, "crawl_run_id": run_id, "url": url,
                                    "status": 200, "error": None, "outcome": "new",
                                    "fetched_at": at})
                for i in range(n // 10):
                    fetch_id += 1
                    fetches.append({"id": fetch_id, "crawl_run_id": run_id, "status": 200,
                                    "url": f"https://{host}/section/{i}?d={day}", "error": None,
                                    "outcome": "listing",
                                    "fetched_at": start + timedelta(seconds=n + i)})
                for i in range(failed):
                    fetch_id += 1
                    error = ("blocked: 403" if blocked else
                             rng.choice(("http 404", "timeout", "http 500", "too large")))
                    fetches.append({"id": fetch_id, "crawl_run_id": run_id, "status": None,
                                    "url": f"https://{host}/gone/{i}?d={day}", "error": error,
                                    "outcome": "failed",
                                    "fetched_at": start + timedelta(seconds=2 * n + i)})
            conn.execute(CrawlRun.__table__.insert(), runs)
            if rows:
                conn.execute(Article.__table__.insert(), rows)
            conn.execute(Fetch.__table__.insert(), fetches)
    engine.dispose()


def timed(*args: str) -> tuple[float, subprocess.CompletedProcess[str]]:
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "crawler", *args], cwd=ROOT,
                          capture_output=True, text=True)
    return time.perf_counter() - started, proc


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--sites", type=int, default=30)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--keep", type=Path, help="keep the database at this path")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = args.keep or Path(tmp) / "bench.db"
        db.unlink(missing_ok=True)
        started = time.perf_counter()
        fill(db, args.articles, args.sites, args.days)
        print(f"filled {db.stat().st_size / 2**20:.0f} MiB in "
              f"{time.perf_counter() - started:.1f} s")
        out = Path(tmp) / "report.html"
        seconds, proc = timed("report", "--db", str(db), "-o", str(out), "--days",
                              str(args.days))
        if proc.returncode:
            sys.exit(proc.stderr)
        print(f"report: {seconds:.1f} s, {out.stat().st_size / 1024:.0f} KiB "
              f"({proc.stderr.strip()})")
        seconds, proc = timed("health", "--db", str(db))
        print(f"health: {seconds:.1f} s, exit {proc.returncode}")
        print(proc.stdout)


if __name__ == "__main__":
    main()
