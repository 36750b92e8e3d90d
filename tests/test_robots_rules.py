"""robots.txt read as RFC 9309 says, against a hostile local server: an oversized file is
parsed up to 500 KiB (not dropped, which turned robots off), a 5xx disallows the whole host
for the crawl, a 4xx allows everything whatever its body says.

Each crawl is the real CLI in a subprocess against the hostile server on 127.0.0.1
(tests/bad_inputs/server.py, see robots_site); the tests read the SQLite file and what the
server saw requested.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from bad_inputs.server import Answer, HostileServer, gzip_bomb
from cli_helpers import cleanwire, rows

from crawler.middlewares.robots import DISALLOW_ALL, rules_body
from crawler.middlewares.robots_fetch import inflate_prefix

SECRET_PATH = "/secret/page.html"
PUBLIC_PATH = "/public/page.html"
RULES = b"User-agent: *\nDisallow: /secret/\n"
TEN_MB = 10 * 1024 * 1024
KIB_500 = 500 * 1024


def _article(title: str) -> bytes:
    paragraphs = "".join(
        f"<p>{title} was reported on Tuesday by the local council, which said paragraph {i} "
        "of its statement would be followed by a vote later in the month.</p>"
        for i in range(8))
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
            f'<meta property="og:type" content="article"></head><body><article><h1>{title}'
            f"</h1>{paragraphs}</article></body></html>").encode()


def padded_robots(size: int) -> bytes:
    """RULES, then comment lines up to size bytes."""
    line = b"# " + b"x" * 97 + b"\n"
    return RULES + line * ((size - len(RULES)) // len(line) + 1)


def robots_site(status: int, body: bytes, headers: dict[str, str] | None = None
                ) -> HostileServer:
    """The hostile server with only "/" (linking to SECRET_PATH and PUBLIC_PATH), those two
    articles, and a robots.txt answering (status, body, headers) as told."""
    pages = {path: Answer(body=_article(f"Story at {path}")) for path in (SECRET_PATH,
                                                                          PUBLIC_PATH)}
    return HostileServer(names=(), robots=Answer(status, body, "text/plain", headers or {}),
                         routes=pages, home_links=(SECRET_PATH, PUBLIC_PATH))


def _crawl(server: HostileServer, db: Path):
    return cleanwire("crawl", server.url("/"), "--db", str(db), "--timeout", "10",
                     "--max-page-bytes", "1000000")


def _fetches(db: Path, server: HostileServer) -> dict[str, tuple[str, str | None]]:
    return {url.removeprefix(server.base_url): (outcome, error) for url, outcome, error in
            rows(db, "select url, outcome, error from fetches")}


# ---- the rules text (units) -------------------------------------------------------------

def test_rules_body_reads_status_as_rfc_9309_says():
    assert rules_body(200, RULES, KIB_500) == RULES
    assert rules_body(503, RULES, KIB_500) == rules_body(500, b"", KIB_500) == DISALLOW_ALL
    assert rules_body(404, b"User-agent: *\nDisallow: /\n", KIB_500) == b""  # 4xx: allow all
    assert rules_body(410, b"", KIB_500) == b""


def test_rules_body_keeps_the_first_500_kib_up_to_a_whole_line():
    body = padded_robots(TEN_MB) + b"Disallow: /public/\n"
    kept = rules_body(200, body, KIB_500)
    assert kept.startswith(RULES) and kept.endswith(b"\n") and len(kept) <= KIB_500
    assert len(kept) > KIB_500 - 100 and b"/public/" not in kept


def test_compressed_robots_txt_is_inflated_within_the_cap_only():
    bomb = gzip.compress(RULES + b"\0" * (50 * 1024 * 1024), compresslevel=9)
    kept = inflate_prefix(bomb, b"gzip", KIB_500)
    assert kept is not None and kept.startswith(RULES) and len(kept) == KIB_500
    members = gzip.compress(RULES) + gzip.compress(b"Disallow: /other/\n")
    assert inflate_prefix(members, b"gzip", KIB_500) == RULES + b"Disallow: /other/\n"
    assert inflate_prefix(b"junk", b"gzip", KIB_500) == b""
    assert inflate_prefix(RULES, b"br", KIB_500) is None  # left to HttpCompressionMiddleware


# ---- crawls of the hostile server ---------------------------------------------------------

def _robots_file(kind: str) -> tuple[bytes, dict[str, str]]:
    if kind == "plain":
        return padded_robots(TEN_MB), {}
    if kind == "gzip":  # compressed although the crawler asked for identity
        return gzip.compress(padded_robots(TEN_MB)), {"Content-Encoding": "gzip"}
    # ~1 MB of gzip that inflates to 1 GB, the rules in its first member
    return gzip.compress(RULES) + gzip_bomb(1), {"Content-Encoding": "gzip"}


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["plain", "gzip", "gzip-bomb"])
def test_a_10_mb_robots_txt_is_obeyed_from_its_first_500_kib(tmp_path: Path, kind: str):
    """The page cap is 1 MB here: the robots.txt (10 MB, Content-Length sent; or gzipped,
    or a gzip bomb) is still read, within 500 KiB, and its first line keeps /secret/ from
    being fetched."""
    db = tmp_path / "news.db"
    body, headers = _robots_file(kind)
    with robots_site(200, body, headers) as server:
        proc = _crawl(server, db)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert server.requests[SECRET_PATH] == 0
    assert server.requests[PUBLIC_PATH] == 1
    assert server.requests["/robots.txt"] == 1  # rules and Sitemap: lines from one download
    fetched = _fetches(db, server)
    assert fetched[SECRET_PATH] == ("skipped", "robots")
    assert fetched[PUBLIC_PATH] == ("new", None)
    assert fetched["/robots.txt"] == ("robots", None)


@pytest.mark.slow
@pytest.mark.parametrize("status", [503, 500])
def test_a_robots_txt_answering_5xx_disallows_the_whole_host(tmp_path: Path, status: int):
    db = tmp_path / "news.db"
    with robots_site(status, b"User-agent: *\nAllow: /\n", {"Retry-After": "0"}) as server:
        proc = _crawl(server, db)
    assert proc.returncode == 1, proc.stderr[-2000:]  # nothing could be stored
    assert set(server.requests) == {"/robots.txt"}  # nothing else of the host was fetched
    assert server.requests["/robots.txt"] == 3  # retried twice, not again for its Sitemap: lines
    fetched = _fetches(db, server)
    assert fetched["/"] == ("skipped", "robots")
    assert fetched["/robots.txt"] == ("failed", f"http {status}")
    counts = json.loads(rows(db, "select counts from crawl_runs")[0][0])
    assert counts["robots_unreachable"] == 1
    assert counts["failures_by_reason"]["skipped: robots"] == 1


@pytest.mark.slow
def test_a_robots_txt_answering_4xx_allows_everything_whatever_its_body(tmp_path: Path):
    db = tmp_path / "news.db"
    with robots_site(404, b"User-agent: *\nDisallow: /\n") as server:
        proc = _crawl(server, db)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert server.requests[SECRET_PATH] == 1 and server.requests[PUBLIC_PATH] == 1
    fetched = _fetches(db, server)
    assert fetched[SECRET_PATH] == ("new", None) and fetched[PUBLIC_PATH] == ("new", None)
    assert not [url for url, (_, error) in fetched.items() if error == "robots"]
