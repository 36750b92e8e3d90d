"""Reading articles through the Python API against pandas.read_sql: rows/s and peak memory.

    python bench/api_read.py [--rows 200000] [--words 300] [--db PATH] [--modes a,b,...]

Builds (once; reused while its row count matches) a SQLite database of --rows articles
of about --words words each, through cleanwire's own migrations (FTS index included),
then runs every mode in a fresh subprocess and reports its rows/s and its peak RSS
(VmHWM of that process: the kernel's high-water mark, not ru_maxrss, which a forked
process would inherit), and the RSS before the read started (imports, connection).

Modes, each reading every column of every article in id order (the same SELECT):
  api            cleanwire.connect(db).articles()                 typed DataFrame
  read_sql       pandas.read_sql(SQL, sqlite3 connection)         strings for times/lists
  read_sql_typed read_sql + pd.to_datetime + json.loads           the API's types by hand
  api_arrow      db.arrow()                                       pyarrow Table
  api_iter       for row in db.iter_articles()                    streamed dataclass rows
  api_chunks     for frame in db.articles(chunksize=10_000)       streamed DataFrames
  api_stream     db.arrow(stream=True) record batches             streamed Arrow
  read_sql_chunks pandas.read_sql(SQL, conn, chunksize=10_000)    streamed DataFrames
The streaming modes keep no rows: their peak must not grow with --rows (run the bench
at two sizes, e.g. --rows 200000 and --rows 1000000 --modes api_iter,api_chunks,api_stream).
Numbers depend on the machine and on what else it is doing.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

MODES = ("api", "read_sql", "read_sql_typed", "api_arrow", "api_iter", "api_chunks",
         "api_stream", "read_sql_chunks")
CHUNK = 10_000
_VOCABULARY = (
    "government economy minister election report market growth inflation energy climate "
    "police court council budget health school research company shares investors central "
    "bank interest rates weather storm flooding river football league season coach match "
    "parliament vote coalition talks border trade deal exports imports prices workers union "
    "strike hospital patients doctors science space mission satellite launch city mayor "
    "transport rail airport flights tourism museum festival music film award author book"
)


# --- the database ----------------------------------------------------------------------------


def build(path: Path, rows: int, words: int) -> None:
    """A migrated cleanwire SQLite database with rows synthetic articles (reused if present)."""
    if path.exists():
        with sqlite3.connect(path) as conn:
            if conn.execute("select count(*) from articles").fetchone()[0] == rows:
                return
        path.unlink()
    from storage.engine import open_engine

    open_engine(f"sqlite:///{path}").dispose()  # the schema, FTS table and triggers
    rng = random.Random(7)
    vocabulary = _VOCABULARY.split()
    paragraphs = [" ".join(rng.choices(vocabulary, k=words // 5)) + "." for _ in range(2000)]
    start = datetime(2024, 1, 1, tzinfo=UTC)
    started = time.monotonic()
    with sqlite3.connect(path) as conn:
        conn.execute("pragma synchronous = off")
        conn.execute("insert into sites (id, name, host) values (1, 'bench', 'bench.example')")
        conn.execute("insert into crawl_runs (id, site_id, command, arguments, started_at, "
                     "outcome, pages_fetched, articles_new, articles_updated, "
                     "articles_unchanged, non_articles, skipped, failed, counts) values "
                     "(1, 1, 'crawl', '{}', '2024-01-01 00:00:00', 'ok', 0, 0, 0, 0, 0, 0, 0, "
                     "'{}')")
        batch = []
        for i in range(1, rows + 1):
            published = start + timedelta(minutes=7 * i)
            body = "\n\n".join(paragraphs[(i * k) % len(paragraphs)] for k in (1, 3, 7, 11, 13))
            text = f"Article {i} reports. {body}"
            stamp = published.strftime("%Y-%m-%d %H:%M:%S.%f")
            batch.append((
                i, f"https://bench.example/news/{i}/", f"Headline number {i} on the economy",
                json.dumps([f"Author {i % 97}", "Лида Иванова"] if i % 3 else [],
                           ensure_ascii=False),
                stamp, stamp, ("en", "de", "fr")[i % 3], "News",
                json.dumps(["economy", f"tag{i % 13}"]), f"Summary of article {i}.",
                text, len(text.split()), f"{i:064x}", stamp, stamp,
            ))
            if len(batch) == 5000:
                _insert(conn, batch)
                conn.commit()  # lets the WAL be checkpointed as it goes
                batch.clear()
        _insert(conn, batch)
    print(f"built {path}: {rows:,} articles in {time.monotonic() - started:.0f} s, "
          f"{path.stat().st_size / 2**20:,.0f} MiB", file=sys.stderr)


def _insert(conn: sqlite3.Connection, batch: list[tuple[object, ...]]) -> None:
    conn.executemany(
        "insert into articles (id, url, title, authors, published_at, modified_at, language, "
        "section, tags, description, text, word_count, content_hash, first_seen_at, "
        "last_fetched_at, site_id, crawl_run_id, version) values "
        "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, 1, 1)", batch)


def select_sql() -> str:
    """The SQL text of the API's SELECT of every field (storage.export.statement)."""
    from sqlalchemy.dialects import sqlite

    from storage.export import FIELDS, statement
    from storage.filters import ArticleFilter

    compiled = statement(FIELDS, ArticleFilter()).compile(
        dialect=sqlite.dialect(), compile_kwargs={"literal_binds": True})
    return str(compiled)


# --- one mode, in its own process --------------------------------------------------------------


def _rss_kb(field: str) -> int:
    status = Path("/proc/self/status").read_text()
    found = re.search(rf"^{field}:\s+(\d+) kB", status, re.MULTILINE)
    return int(found.group(1)) if found else 0


def run_mode(mode: str, db: Path) -> dict[str, object]:
    """Read every article the mode's way; rows, seconds and memory of this process."""
    import pandas as pd

    import cleanwire

    sql = select_sql()
    database = cleanwire.connect(db)
    conn = sqlite3.connect(db)
    before = _rss_kb("VmRSS")
    started = time.monotonic()
    rows = 0
    if mode == "api":
        rows = len(database.articles())
    elif mode == "read_sql":
        rows = len(pd.read_sql(sql, conn))
    elif mode == "read_sql_typed":
        frame = pd.read_sql(sql, conn)
        for name in ("published_at", "modified_at", "first_seen_at", "last_fetched_at"):
            frame[name] = pd.to_datetime(frame[name], utc=True)
        for name in ("authors", "tags"):
            frame[name] = frame[name].map(json.loads)
        rows = len(frame)
    elif mode == "api_arrow":
        rows = database.arrow().num_rows
    elif mode == "api_iter":
        for _row in database.iter_articles():
            rows += 1
    elif mode == "api_chunks":
        for frame in database.articles(chunksize=CHUNK):
            rows += len(frame)
    elif mode == "api_stream":
        for batch in database.arrow(stream=True):
            rows += batch.num_rows
    elif mode == "read_sql_chunks":
        for frame in pd.read_sql(sql, conn, chunksize=CHUNK):
            rows += len(frame)
    else:
        raise SystemExit(f"unknown mode {mode!r}: {', '.join(MODES)}")
    seconds = time.monotonic() - started
    database.close()
    conn.close()
    return {"mode": mode, "rows": rows, "seconds": round(seconds, 2),
            "rows_per_s": round(rows / seconds) if seconds else None,
            "rss_before_mb": round(before / 1024), "peak_rss_mb": round(_rss_kb("VmHWM") / 1024)}


def measure(mode: str, db: Path) -> dict[str, object]:
    proc = subprocess.run([sys.executable, __file__, "--child", mode, "--db", str(db)],
                          capture_output=True, text=True, cwd=ROOT, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"{mode} failed: {proc.stderr.strip().splitlines()[-1:]}")
    return json.loads(proc.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--words", type=int, default=300, help="words per article (about)")
    parser.add_argument("--db", type=Path, help="the database file (default: /tmp/...)")
    parser.add_argument("--modes", default=",".join(MODES))
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    db = args.db or Path(f"/tmp/cleanwire-api-bench-{args.rows}-{args.words}.db")
    if args.child:
        print(json.dumps(run_mode(args.child, db)))
        return
    build(db, args.rows, args.words)
    print(f"{'mode':16} {'rows':>9} {'seconds':>8} {'rows/s':>9} {'RSS before':>11} "
          f"{'peak RSS':>9}")
    for mode in args.modes.split(","):
        r = measure(mode.strip(), db)
        print(f"{r['mode']:16} {r['rows']:>9,} {r['seconds']:>8} {r['rows_per_s']:>9,} "
              f"{r['rss_before_mb']:>8} MB {r['peak_rss_mb']:>6} MB", flush=True)


if __name__ == "__main__":
    main()
