"""Scale-out benchmark: 1, 2 and 4 `cleanwire worker` processes on one Redis queue into
PostgreSQL, next to the single-process crawl (SQLite and PostgreSQL), in one run.

    python bench/scale.py [--pages 5000] [--workers 1,2,4] [--redis redis://127.0.0.1:6379/0]

The site is bench/crawl.py's (bench/sitegen.py's pages from an asyncio server in its own
process). For each row: a fresh database (SQLite file, or a scratch PostgreSQL database),
a fresh Redis key prefix; the seeder queues the start URL, the workers crawl until the
queue has been empty for --idle seconds (that tail is subtracted from the elapsed time).
Cleaning processes per worker: cores // workers (at least 1). CPU is read from /proc:
the crawl processes (reactor + cleaning pool), the PostgreSQL server, Redis and the site
server, per stored page, to show where the time goes. Run by hand on a quiet machine;
no test depends on these numbers.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import resource
import subprocess
import sys
import time
import uuid
from pathlib import Path
from tempfile import TemporaryDirectory

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from crawl import _server_main  # noqa: E402  (the benchmark site's server)

PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/test"
PG_BASE = "postgresql+psycopg://postgres@127.0.0.1:5432"
TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(names: tuple[str, ...]) -> float:
    """CPU seconds of every live process whose command name starts with one of names,
    with their finished children's."""
    total = 0
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            continue
        comm = stat[stat.index("(") + 1: stat.rindex(")")]
        if comm.startswith(names):
            fields = stat[stat.rindex(")") + 2:].split()
            # own time, and that of children already waited for (PostgreSQL's backends
            # end with their connections; the postmaster's cutime/cstime keeps their CPU)
            total += sum(int(f) for f in fields[11:15])
    return total / TICKS


class Scratch:
    """A PostgreSQL database made for one row of the table, dropped afterwards."""

    def __init__(self) -> None:
        self.name = f"cleanwire_bench_{uuid.uuid4().hex[:8]}"

    def __enter__(self) -> str:
        import psycopg

        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{self.name}"')
        return f"{PG_BASE}/{self.name}"

    def __exit__(self, *exc: object) -> None:
        import psycopg

        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


def stored_and_fetched(db: str) -> tuple[int, int]:
    from sqlalchemy import create_engine, text

    engine = create_engine(db if "://" in db else f"sqlite:///{db}")
    with engine.connect() as conn:
        stored = conn.execute(text("select count(*) from articles")).scalar_one()
        fetched = conn.execute(text("select coalesce(sum(pages_fetched), 0) from crawl_runs"))
        result = (int(stored), int(fetched.scalar_one()))
    engine.dispose()
    return result


def cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "crawler", *args]


def run_row(label: str, url: str, db: str, workers: int, redis: str | None, idle: float,
            cores: int) -> dict[str, object]:
    env = {**os.environ, "CLEANWIRE_PROGRESS_INTERVAL": "0",
           "CLEANWIRE_REDIS_PREFIX": f"bench-{uuid.uuid4().hex[:8]}"}
    clean = str(max(1, cores // max(1, workers)))
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    pg0, redis0 = cpu_seconds(("postgres",)), cpu_seconds(("redis-server",))
    started = time.perf_counter()
    if redis is None:
        subprocess.run(cli("crawl", url, "--db", db, "--workers", clean), cwd=ROOT,
                       env=env, check=True, capture_output=True)
        tail = 0.0
    else:
        subprocess.run(cli("crawl", url, "--redis", redis), cwd=ROOT, env=env,
                       check=True, capture_output=True)
        procs = [subprocess.Popen(cli("worker", "--redis", redis, "--db", db, "--workers", clean,
                                      "--idle", str(idle), "--id", f"w{i}"),
                                  cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.PIPE, text=True) for i in range(workers)]
        for proc in procs:
            _, err = proc.communicate()
            if proc.returncode:
                sys.exit(f"bench: worker failed: {err[-600:]}")
        tail = idle
    elapsed = time.perf_counter() - started - tail
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    stored, fetched = stored_and_fetched(db)
    per = 1000 / max(1, stored)
    return {
        "label": label, "workers": workers, "clean": int(clean), "elapsed": elapsed,
        "fetched": fetched, "stored": stored, "pages_s": fetched / elapsed,
        "articles_s": stored / elapsed,
        "crawl_ms": ((after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime))
        * per,
        "pg_ms": (cpu_seconds(("postgres",)) - pg0) * per,
        "redis_ms": (cpu_seconds(("redis-server",)) - redis0) * per,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=5000)
    parser.add_argument("--workers", default="1,2,4", help="worker counts to measure")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/0")
    parser.add_argument("--idle", type=float, default=3.0, help="workers' idle stop, seconds")
    args = parser.parse_args()
    cores = os.cpu_count() or 1

    queue: multiprocessing.Queue = multiprocessing.Queue()  # type: ignore[type-arg]
    server = multiprocessing.Process(target=_server_main, args=(args.pages, queue), daemon=True)
    server.start()
    url = f"http://127.0.0.1:{queue.get(timeout=60)}/"
    rows = []
    try:
        with TemporaryDirectory() as tmp:
            rows.append(run_row("1 process, SQLite", url, str(Path(tmp) / "one.db"), 1, None,
                                args.idle, cores))
        with Scratch() as db:
            rows.append(run_row("1 process, PostgreSQL", url, db, 1, None, args.idle, cores))
        for n in (int(x) for x in args.workers.split(",")):
            with Scratch() as db:
                rows.append(run_row(f"{n} worker(s), Redis + PostgreSQL", url, db, n,
                                    args.redis, args.idle, cores))
    finally:
        server.terminate()
    base = rows[0]["articles_s"]
    print(f"# {cores} cores, {args.pages} pages; CPU ms per stored article by process kind")
    print(f"{'setup':<34} {'clean procs':>11} {'fetched':>8} {'stored':>7} {'elapsed s':>9} "
          f"{'pages/s':>8} {'articles/s':>10} {'vs SQLite':>9} {'crawl ms':>8} {'PG ms':>6} "
          f"{'Redis ms':>8}")
    for r in rows:
        print(f"{r['label']:<34} {r['workers']}x{r['clean']:<9} {r['fetched']:>8} "
              f"{r['stored']:>7} {r['elapsed']:>9.1f} {r['pages_s']:>8.1f} "
              f"{r['articles_s']:>10.1f} {r['articles_s'] / base:>8.2f}x {r['crawl_ms']:>8.1f} "
              f"{r['pg_ms']:>6.1f} {r['redis_ms']:>8.1f}")


if __name__ == "__main__":
    main()
