"""Losses visible: pages typed non-article that declared themselves articles (JSON-LD Article
types, og:type article) are counted in the crawl summary with two example URLs and kept in
crawl_runs.counts; `cleanwire stats` flags a site where they are over 5% of its non-article
pages, and a site with an article over 20,000 words. A real crawl of a small local site."""

from __future__ import annotations

import json
import random
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import pytest
from cli_helpers import cleanwire, rows

from cleaners import clean_page
from storage.stats import SiteStats

WORDS = ["harbour", "council", "budget", "rail", "strike", "weather", "festival", "court",
         "minister", "river", "school", "market", "energy", "vote", "museum", "hospital",
         "bridge", "farmers", "export", "storm", "election", "tariff", "police", "housing",
         "library", "coach", "derby", "theatre", "drought", "vaccine"]


def prose(seed: str, words: int) -> str:
    rng = random.Random(seed)
    sentences: list[str] = []
    while sum(len(s.split()) for s in sentences) < words:
        sentences.append(" ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 18)))
                         .capitalize() + ".")
    return " ".join(sentences)


def jsonld(kind: str, headline: str) -> str:
    data = {"@context": "https://schema.org", "@type": kind, "headline": headline,
            "datePublished": "2025-01-05T10:00:00Z"}
    return f"<script type='application/ld+json'>{json.dumps(data)}</script>"


def article(title: str, paragraphs: int, words: int = 60) -> str:
    body = "".join(f"<p>{prose(title + str(i), words)}</p>" for i in range(paragraphs))
    return (f"<html><head><title>{title}</title>{jsonld('NewsArticle', title)}"
            "<meta property='og:type' content='article'></head><body>"
            f"<nav><a href='/'>Home</a></nav><article><h1>{title}</h1>{body}</article>"
            "</body></html>")


def archive(year: int, declared: bool = True) -> str:
    """A listing of archive entries; declared: it says it is a NewsArticle all the same."""
    items = "".join(f"<li><a href='/old/{year}/{i}/'>Archive entry {i}</a></li>"
                    for i in range(60))
    head = jsonld("NewsArticle", f"Archive {year}") if declared else ""
    return (f"<html><head><title>Archive {year}</title>{head}</head><body>"
            f"<h1>Archive {year}</h1><ul>{items}</ul></body></html>")


ARTICLES = [f"/news/story-{i}/" for i in range(3)]
DECLARED = ["/archive/2023/", "/archive/2024/", "/archive/2025/"]
LONG_READ = "/news/the-long-read/"


def pages() -> dict[str, str]:
    out = {path: article(f"Story {i} of the day", 8) for i, path in enumerate(ARTICLES)}
    out.update({path: archive(2023 + i) for i, path in enumerate(DECLARED)})
    out[LONG_READ] = article("The long read", 200, 110)  # over 20,000 words
    links = "".join(f"<li><a href='{p}'>{p}</a></li>" for p in out)
    out["/"] = f"<html><head><title>Home</title></head><body><ul>{links}</ul></body></html>"
    return out


class _Site(BaseHTTPRequestHandler):
    pages: ClassVar[dict[str, str]] = {}

    def do_GET(self) -> None:
        body = self.pages.get(self.path.split("?")[0])
        if body is None:
            self.send_error(404)
            return
        data = body.encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def site() -> Iterator[str]:
    _Site.pages = pages()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Site)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_the_cleaner_says_whether_a_page_declared_an_article():
    url = "https://news.example/archive/2024/"
    listing = clean_page(archive(2024), url)
    assert (listing.page_type, listing.declared_article) == ("listing", True)
    plain = clean_page(archive(2024, declared=False), url)
    assert (plain.page_type, plain.declared_article) == ("listing", False)
    assert plain.text == listing.text  # the declaration changes no cleaning result here
    story = clean_page(article("Story", 8), "https://news.example/news/story/")
    assert (story.page_type, story.declared_article) == ("article", True)
    hinted = archive(2024, declared=False).replace(  # a date is a hint, not a declared type
        "</head>", "<meta property='article:published_time' content='2025-01-05'></head>")
    assert clean_page(hinted, url).declared_article is False


@pytest.mark.slow
def test_declared_articles_typed_non_article_show_in_summary_and_stats(site, tmp_path):
    db = tmp_path / "losses.db"
    proc = cleanwire("crawl", site + "/", "--db", str(db), "--timeout", "5",
                     "--max-depth", "1")  # the archives' entries are not fetched
    assert proc.returncode == 0, proc.stderr
    line = next(ln for ln in proc.stdout.splitlines() if "declared articles" in ln)
    assert line.split()[:3] == ["declared", "articles", "3"], proc.stdout
    shown = [url for url in (site + p for p in DECLARED) if url in line]
    assert len(shown) == 2, line  # two examples
    assert rows(db, "select count(*) from fetches where outcome = 'listing' and url like "
                    "'%/archive/%'") == [(3,)]
    counts = json.loads(rows(db, "select counts from crawl_runs")[0][0])
    assert counts["declared_non_articles"] == 3
    assert rows(db, "select max(word_count) > 20000 from articles") == [(1,)]

    stats = cleanwire("stats", "--db", str(db), "--format", "json")
    assert stats.returncode == 0, stats.stderr
    (row,) = json.loads(stats.stdout)
    assert {"declared-non-articles", "huge-articles"} <= set(row["flags"]), row
    table = cleanwire("stats", "--db", str(db))
    assert "declared-non-articles" in table.stdout and "huge-articles" in table.stdout


@pytest.mark.slow
def test_the_fixture_site_has_no_such_losses(fixture_site, tmp_path):
    """Its listings declare no article and its articles are of news length: no row, no flag."""
    fixture_site.slow_seconds = 0.1
    db = tmp_path / "fixture.db"
    proc = cleanwire("crawl", fixture_site.url("/"), "--db", str(db), "--timeout", "2")
    assert proc.returncode == 0, proc.stderr
    assert "non-article pages" in proc.stdout and "declared articles" not in proc.stdout
    (row,) = json.loads(cleanwire("stats", "--db", str(db), "--format", "json").stdout)
    assert not {"declared-non-articles", "huge-articles"} & set(row["flags"]), row


def test_the_declared_share_is_flagged_over_5_percent_of_non_articles():
    def flags(declared: int, non_articles: int, huge: int = 0) -> list[str]:
        return SiteStats("s", articles=10, non_articles=non_articles,
                         declared_non_articles=declared, huge_articles=huge).flags()

    assert "declared-non-articles" not in flags(1, 20)  # 5%: not over
    assert "declared-non-articles" in flags(2, 20)
    assert "declared-non-articles" not in flags(0, 0)
    assert "huge-articles" in flags(0, 0, huge=1) and "huge-articles" not in flags(0, 0)
