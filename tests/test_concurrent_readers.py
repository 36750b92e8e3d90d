"""Analysts and a crawl at once: no reader sees `database is locked` or a half-written article."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from cli_helpers import ROOT, TEST_ENV, cleanwire

pytestmark = pytest.mark.slow

# every article is written in one transaction with its fetch row and its primary URL row
CONSISTENCY = (
    "SELECT count(*) AS articles,"
    " coalesce(sum(CASE WHEN text = '' OR title IS NULL THEN 1 ELSE 0 END), 0) AS empty,"
    " (SELECT count(*) FROM articles a WHERE NOT EXISTS"
    "   (SELECT 1 FROM article_urls u WHERE u.article_id = a.id)) AS without_url"
    " FROM articles"
)


def test_queries_during_a_crawl(fixture_site, tmp_path):
    fixture_site.slow_seconds = 2
    db = tmp_path / "news.db"
    assert cleanwire("db", "upgrade", "--db", str(db)).returncode == 0
    env = {k: v for k, v in os.environ.items() if not k.startswith("CLEANWIRE_")}
    env.update(TEST_ENV, CLEANWIRE_BATCH_SIZE="3", CLEANWIRE_CLEAN_WORKERS="1")
    crawl = subprocess.Popen(
        [sys.executable, "-m", "crawler", "crawl", fixture_site.url("/"), "--db", str(db),
         "--timeout", "1", "--max-page-bytes", "1000000"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    problems: list[str] = []
    counts: list[int] = []
    try:
        while crawl.poll() is None:
            for args in (("sql", CONSISTENCY, "--format", "json"),
                         ("search", "the", "--limit", "5", "--format", "json"),
                         ("export", "--format", "jsonl", "-o", str(tmp_path / "out.jsonl"),
                          "--force")):
                proc = cleanwire(*args, "--db", str(db))
                if proc.returncode != 0 or "locked" in proc.stderr:
                    problems.append(f"{args[0]}: {proc.returncode} {proc.stderr.strip()}")
                elif args[0] == "sql":
                    row = json.loads(proc.stdout)[0]
                    counts.append(row["articles"])
                    if row["empty"] or row["without_url"]:
                        problems.append(f"half-written article seen: {row}")
        _, err = crawl.communicate(timeout=60)
    finally:
        if crawl.poll() is None:
            crawl.kill()
    assert crawl.returncode == 0, err
    assert not problems, problems
    assert len(counts) >= 2 and counts[-1] > 0  # the readers really ran while rows arrived
    final = json.loads(cleanwire("sql", CONSISTENCY, "--format", "json", "--db",
                                 str(db)).stdout)[0]
    assert final["articles"] == len(fixture_site.site.articles)
    assert final["empty"] == 0 and final["without_url"] == 0
