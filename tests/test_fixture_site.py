"""Checks of the fixture news site itself: content invariants and every special path, via urllib."""

from __future__ import annotations

import gzip
import json
import re
import threading
import time
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Callable
from email.message import Message
from email.utils import format_datetime, parsedate_to_datetime
from urllib.parse import parse_qs, urlsplit

import pytest
from fixture_site import (
    BROKEN_PATH,
    FEED_PATH,
    FOOTER_TEXT,
    HUGE_BYTES,
    HUGE_PATH,
    IMAGE_PATH,
    LISTING_PATHS,
    MISSING_PATH,
    MOVED_PATH,
    OFFSITE_URL,
    PDF_PATH,
    PRIVATE_PATH,
    SECTION_PATHS,
    SITEMAP_GZ_PATH,
    SITEMAP_INDEX_PATH,
    SITEMAP_NEWS_PATH,
    SLOW_PATH,
    TAG_PATH,
    WORLD_PAGE_2,
    FixtureServer,
    FixtureSite,
)
from fixture_site.corpus import PARAGRAPHS

SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"
HREF = re.compile(r'href="([^"]+)"')


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


def fetch(url: str, headers: dict[str, str] | None = None, method: str = "GET",
          timeout: float = 5) -> tuple[int, Message, bytes]:
    """(status, headers, raw body) without following redirects or raising on 4xx/5xx."""
    request = urllib.request.Request(url, headers=headers or {}, method=method)
    try:
        with _OPENER.open(request, timeout=timeout) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as err:
        with err:
            return err.code, err.headers, err.read()


def links(html: bytes) -> set[str]:
    return set(HREF.findall(html.decode("utf-8")))


# -- content ------------------------------------------------------------------------------------


def test_site_content_invariants() -> None:
    site = FixtureSite()
    articles = site.articles
    assert len(articles) >= 24
    assert len({a.path for a in articles}) == len(articles)
    assert len({a.first_sentence for a in articles}) == len(articles)
    assert len({a.text for a in articles}) == len(articles)
    assert Counter(a.language for a in articles) == {"en": 21, "de": 2, "fr": 1}
    assert len(site.sitemap_only_articles) >= 3
    assert all(a.in_sitemap for a in articles)
    assert any(a.path.startswith("/world/2025/") for a in articles)
    assert all(re.fullmatch(r"/(news|world)/2025/01/\d\d/[a-z0-9-]+/", a.path) for a in articles)
    for article in articles:
        assert 5 <= len(article.paragraphs) <= 9, article.key
        assert article.paragraphs[0].startswith(article.first_sentence)
        assert article.authors and article.published < article.modified
    pages = [*articles, site.private_article, site.slow_article]
    uses = Counter(p for a in pages if a is not None for p in a.paragraphs)
    assert max(uses.values()) <= 2  # no paragraph recurs enough to look like boilerplate
    every = {p for pool in PARAGRAPHS.values() for p in pool} | set(uses)
    for paragraph in every:
        assert 60 <= len(paragraph.split()) <= 120, paragraph[:40]
    # the same content each time
    assert [a.text for a in FixtureSite().articles] == [a.text for a in articles]


def test_reachability_from_html_and_feed(fixture_site: FixtureServer) -> None:
    site = fixture_site.site
    found: set[str] = set()
    for path in LISTING_PATHS:
        status, _, body = fetch(fixture_site.url(path))
        assert status == 200, path
        found |= links(body)
    for article in site.articles:
        found |= links(fetch(fixture_site.url(article.path))[2])
    _, _, feed = fetch(fixture_site.url(FEED_PATH))
    for item in ET.fromstring(feed).iter("item"):
        found.add(urlsplit(item.findtext("link") or "").path)
    article_paths = {a.path for a in site.articles}
    assert found & article_paths == {a.path for a in site.linked_articles}
    for path in (*SECTION_PATHS, WORLD_PAGE_2, TAG_PATH, PRIVATE_PATH, MISSING_PATH, BROKEN_PATH,
                 MOVED_PATH, PDF_PATH, HUGE_PATH, SLOW_PATH, IMAGE_PATH, OFFSITE_URL):
        assert path in found, path


# -- pages ---------------------------------------------------------------------------------------


def test_home_page(fixture_site: FixtureServer) -> None:
    status, headers, body = fetch(fixture_site.url("/"))
    assert status == 200
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    html = body.decode("utf-8")
    assert '<link rel="alternate" type="application/rss+xml"' in html
    assert 'href="/feed.xml"' in html
    assert FOOTER_TEXT in html
    assert html.count('<article class="teaser">') == len(fixture_site.site.linked_articles)
    hrefs = links(body)
    assert {"/world/", "/business/", "/sport/", PRIVATE_PATH, OFFSITE_URL} <= hrefs
    assert not {a.path for a in fixture_site.site.sitemap_only_articles} & hrefs


def test_section_fronts_and_tag_page(fixture_site: FixtureServer) -> None:
    for path in (*SECTION_PATHS, TAG_PATH):
        html = fetch(fixture_site.url(path))[2].decode()
        assert 8 <= html.count('<article class="teaser"><h2><a href=') <= 10, path
    world = fetch(fixture_site.url("/world/"))[2]
    assert WORLD_PAGE_2 in links(world)
    page2 = fetch(fixture_site.url(WORLD_PAGE_2))[2]
    assert page2 != world and b"page 2" in page2


def test_article_page(fixture_site: FixtureServer) -> None:
    for article in fixture_site.site.articles:
        status, headers, body = fetch(fixture_site.url(article.path))
        assert status == 200 and headers["Content-Type"] == "text/html; charset=utf-8"
        html = body.decode("utf-8")
        assert f'<html lang="{article.language}">' in html
        assert "<title>" in html and " | Fixture Times</title>" in html
        assert '<meta property="og:type" content="article">' in html
        assert '<meta property="og:site_name" content="Fixture Times">' in html
        assert f'<meta property="article:published_time" content="{article.published}">' in html
        assert f'<link rel="canonical" href="{article.url(fixture_site.base_url)}">' in html
        assert f'<time datetime="{article.published}">' in html
        assert html.count("<article") == 1 and html.count("<h1>") == 1
        assert article.first_sentence.replace("'", "&#x27;") in html
        assert "<textarea" in html and "share-bar" in html and FOOTER_TEXT in html
        ld = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html,
                                  re.S).group(1))  # type: ignore[union-attr]
        assert ld["@type"] == "NewsArticle" and ld["headline"] == article.title
        assert ld["datePublished"] == article.published
        assert ld["dateModified"] == article.modified
        assert [a["name"] for a in ld["author"]] == list(article.authors)
        if article.language == "en":
            assert "<h2>Related News</h2>" in html and "200 characters" in html
            assert f"By <span class=\"author\">{' and '.join(article.authors)}</span>" in html
        related = re.search(r'class="related-news">(.*?)</section>', html, re.S)
        assert related is not None and related.group(1).count("<li>") == 4


def test_tracking_query_strings_serve_the_article(fixture_site: FixtureServer) -> None:
    article = fixture_site.site.articles[0]
    plain = fetch(fixture_site.url(article.path))[2]
    tracked = fetch(fixture_site.url(article.path + "?utm_source=rss&utm_medium=feed&fbclid=abc"))
    assert tracked[0] == 200 and tracked[2] == plain


def test_robots_txt(fixture_site: FixtureServer) -> None:
    status, headers, body = fetch(fixture_site.url("/robots.txt"))
    assert status == 200 and headers["Content-Type"].startswith("text/plain")
    lines = body.decode().splitlines()
    assert "User-agent: *" in lines and "Disallow: /private/" in lines
    assert f"Sitemap: http://{fixture_site.host}/sitemap_index.xml" in lines


def test_feed(fixture_site: FixtureServer) -> None:
    status, headers, body = fetch(fixture_site.url(FEED_PATH))
    assert status == 200 and "xml" in headers["Content-Type"]
    root = ET.fromstring(body)
    assert root.tag == "rss" and root.get("version") == "2.0"
    item_links = [item.findtext("link") or "" for item in root.iter("item")]
    assert len(item_links) == 10
    linked = {a.url(fixture_site.base_url) for a in fixture_site.site.linked_articles}
    fbclid = 0
    for link in item_links:
        parts = urlsplit(link)
        query = parse_qs(parts.query)
        assert query["utm_source"] == ["rss"] and query["utm_medium"] == ["feed"]
        fbclid += query.get("fbclid") == ["abc"]
        assert f"{parts.scheme}://{parts.netloc}{parts.path}" in linked
    assert fbclid == 1


def test_sitemaps(fixture_site: FixtureServer) -> None:
    site = fixture_site.site
    status, _, body = fetch(fixture_site.url(SITEMAP_INDEX_PATH))
    assert status == 200
    locs = [e.text for e in ET.fromstring(body).iter(f"{SM}loc")]
    assert locs == [fixture_site.url(SITEMAP_GZ_PATH), fixture_site.url(SITEMAP_NEWS_PATH)]

    # asking for gzip must not double-encode: the file itself is gzip
    status, headers, raw = fetch(locs[0], {"Accept-Encoding": "gzip"})
    assert status == 200 and headers["Content-Type"] in ("application/gzip", "application/x-gzip")
    assert headers["Content-Encoding"] is None and raw[:2] == b"\x1f\x8b"
    urlset = ET.fromstring(gzip.decompress(raw))
    gz_urls = {e.findtext(f"{SM}loc") for e in urlset.iter(f"{SM}url")}
    assert all(e.findtext(f"{SM}lastmod") for e in urlset.iter(f"{SM}url"))

    status, _, body = fetch(locs[1])
    news = ET.fromstring(body)
    news_urls = set()
    for url in news.iter(f"{SM}url"):
        news_urls.add(url.findtext(f"{SM}loc"))
        assert url.findtext(f"{SM}lastmod")
        entry = url.find(f"{NEWS}news")
        assert entry is not None and entry.findtext(f"{NEWS}publication_date")
    assert set(site.article_urls(fixture_site.base_url)) == gz_urls | news_urls
    only = {a.url(fixture_site.base_url) for a in site.sitemap_only_articles}
    assert only & gz_urls and only & news_urls  # both sitemaps are needed to find them all
    assert fixture_site.url(PRIVATE_PATH) not in gz_urls | news_urls


# -- special paths ------------------------------------------------------------------------------


def test_error_and_redirect_paths(fixture_site: FixtureServer) -> None:
    assert fetch(fixture_site.url(MISSING_PATH))[0] == 404
    assert fetch(fixture_site.url("/no/such/page/"))[0] == 404
    status, headers, _ = fetch(fixture_site.url(BROKEN_PATH))
    assert status == 500 and headers["Content-Type"] == "text/html; charset=utf-8"
    status, headers, _ = fetch(fixture_site.url(MOVED_PATH))
    assert status == 301
    assert headers["Location"] == fixture_site.url(fixture_site.site.moved_target)
    assert fixture_site.site.by_path(fixture_site.site.moved_target) is not None
    assert fetch(fixture_site.url(PRIVATE_PATH))[0] == 200  # only robots.txt protects it


def test_pdf_and_image(fixture_site: FixtureServer) -> None:
    status, headers, body = fetch(fixture_site.url(PDF_PATH), {"Accept-Encoding": "gzip"})
    assert status == 200 and headers["Content-Type"] == "application/pdf"
    assert body.startswith(b"%PDF-") and body.rstrip().endswith(b"%%EOF")
    assert headers["Content-Encoding"] is None
    status, headers, body = fetch(fixture_site.url(IMAGE_PATH))
    assert status == 200 and headers["Content-Type"] == "image/jpeg"
    assert body.startswith(b"\xff\xd8") and body.endswith(b"\xff\xd9") and len(body) < 1024


def test_huge_page(fixture_site: FixtureServer) -> None:
    status, headers, body = fetch(fixture_site.url(HUGE_PATH), {"Accept-Encoding": "gzip"})
    assert status == 200 and headers["Content-Type"] == "text/html; charset=utf-8"
    assert headers["Content-Encoding"] is None  # the size cap bites on the transfer itself
    assert int(headers["Content-Length"]) == len(body) >= HUGE_BYTES
    assert body.rstrip().endswith(b"</html>")


def _until(condition: Callable[[], bool], limit: float = 30.0) -> None:
    """Poll condition; the deadline is for liveness only."""
    deadline = time.monotonic() + limit
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def test_slow_page_is_slow_and_does_not_block_others(fixture_site: FixtureServer) -> None:
    fixture_site.slow_seconds = 3
    results: list[tuple[int, float]] = []

    def slow() -> None:
        start = time.monotonic()
        status = fetch(fixture_site.url(SLOW_PATH))[0]
        results.append((status, time.monotonic() - start))

    worker = threading.Thread(target=slow)
    worker.start()
    _until(lambda: fixture_site.requests[SLOW_PATH] >= 1)  # the slow answer is under way
    assert fetch(fixture_site.url("/"))[0] == 200
    assert not results  # answered while the slow page was still being served
    with pytest.raises(TimeoutError):
        fetch(fixture_site.url(SLOW_PATH), timeout=0.3)
    worker.join(10)
    # the server sleeps slow_seconds before answering: a lower bound, not a race
    assert results and results[0][0] == 200 and results[0][1] >= 3.0


def test_stop_does_not_wait_for_slow_requests() -> None:
    with FixtureServer(slow_seconds=30) as server:
        url = server.url(SLOW_PATH)
        outcome: list[object] = []

        def slow() -> None:
            try:
                outcome.append(fetch(url, timeout=60)[0])
            except OSError as exc:  # the server hangs up when it stops: expected
                outcome.append(exc)

        worker = threading.Thread(target=slow, daemon=True)
        worker.start()
        _until(lambda: server.requests[SLOW_PATH] >= 1)
    # leaving the block stopped the server with a 30 s answer under way: the client is let
    # go with an error (a server that waited for the answer would have sent it: a 200)
    worker.join(90)
    assert not worker.is_alive() and outcome and outcome[0] != 200


# -- HTTP behaviour -----------------------------------------------------------------------------


def test_gzip_content_encoding(fixture_site: FixtureServer) -> None:
    article = fixture_site.site.articles[0]
    _, plain_headers, plain = fetch(fixture_site.url(article.path))
    assert plain_headers["Content-Encoding"] is None
    status, headers, raw = fetch(fixture_site.url(article.path),
                                 {"Accept-Encoding": "gzip, deflate"})
    assert status == 200 and headers["Content-Encoding"] == "gzip"
    assert headers["Vary"] == "Accept-Encoding"
    assert int(headers["Content-Length"]) == len(raw) < len(plain)
    assert gzip.decompress(raw) == plain
    refused = fetch(fixture_site.url("/"), {"Accept-Encoding": "gzip;q=0"})[1]
    assert refused["Content-Encoding"] is None
    _, headers, raw = fetch(fixture_site.url(FEED_PATH), {"Accept-Encoding": "gzip"})
    assert headers["Content-Encoding"] == "gzip" and b"<rss" in gzip.decompress(raw)


def test_conditional_get(fixture_site: FixtureServer) -> None:
    url = fixture_site.url(fixture_site.site.articles[3].path)
    status, headers, _ = fetch(url)
    etag, last_modified = headers["ETag"], headers["Last-Modified"]
    assert status == 200 and etag and last_modified
    status, headers304, body = fetch(url, {"If-None-Match": etag})
    assert status == 304 and body == b"" and headers304["ETag"] == etag
    assert fetch(url, {"If-None-Match": f'W/{etag}, "other"'})[0] == 304
    assert fetch(url, {"If-None-Match": '"stale"'})[0] == 200
    assert fetch(url, {"If-Modified-Since": last_modified})[0] == 304
    earlier = parsedate_to_datetime(last_modified).replace(year=2024)
    assert fetch(url, {"If-Modified-Since": format_datetime(earlier, usegmt=True)})[0] == 200
    # If-None-Match wins over If-Modified-Since
    assert fetch(url, {"If-None-Match": '"stale"', "If-Modified-Since": last_modified})[0] == 200
    for path in ("/", FEED_PATH, SITEMAP_INDEX_PATH, SITEMAP_NEWS_PATH, SITEMAP_GZ_PATH):
        headers = fetch(fixture_site.url(path))[1]
        assert headers["ETag"] and headers["Last-Modified"], path
        assert fetch(fixture_site.url(path), {"If-None-Match": headers["ETag"]})[0] == 304


def test_request_counting_and_log(fixture_site: FixtureServer) -> None:
    article = fixture_site.site.articles[1]
    fetch(fixture_site.url(article.path))
    fetch(fixture_site.url(article.path + "?utm_source=rss"), {"X-Probe": "1"})
    fetch(fixture_site.url(MISSING_PATH), method="HEAD")
    assert fixture_site.requests[article.path] == 2
    assert fixture_site.requests[MISSING_PATH] == 1
    assert fixture_site.requests[PRIVATE_PATH] == 0
    method, path, headers = fixture_site.request_log[1]
    assert (method, path, headers["X-Probe"]) == ("GET", article.path + "?utm_source=rss", "1")
    assert fixture_site.request_log[2][:2] == ("HEAD", MISSING_PATH)
    fixture_site.reset_counts()
    assert not fixture_site.requests and not fixture_site.request_log


def test_set_page_and_remove_page(fixture_site: FixtureServer) -> None:
    path = fixture_site.site.articles[2].path
    _, before, old_body = fetch(fixture_site.url(path))
    fixture_site.set_page(path, "<html><body><p>Updated story text.</p></body></html>")
    status, after, body = fetch(fixture_site.url(path))
    assert status == 200 and body != old_body and b"Updated story text." in body
    assert after["ETag"] != before["ETag"]
    assert parsedate_to_datetime(after["Last-Modified"]) > parsedate_to_datetime(
        before["Last-Modified"])
    assert fetch(fixture_site.url(path), {"If-None-Match": before["ETag"]})[0] == 200
    assert fetch(fixture_site.url(path), {"If-None-Match": after["ETag"]})[0] == 304
    fixture_site.set_page(path, "<html><body><p>Second update.</p></body></html>")
    third = fetch(fixture_site.url(path))[1]
    assert third["ETag"] != after["ETag"]
    assert parsedate_to_datetime(third["Last-Modified"]) > parsedate_to_datetime(
        after["Last-Modified"])
    fixture_site.set_page("/brand-new/", "<html><body>New</body></html>")
    assert fetch(fixture_site.url("/brand-new/"))[0] == 200
    fixture_site.remove_page(path)
    assert fetch(fixture_site.url(path))[0] == 404
    fixture_site.remove_page(MOVED_PATH)
    assert fetch(fixture_site.url(MOVED_PATH))[0] == 404


def test_server_is_quiet(fixture_site: FixtureServer, capfd: pytest.CaptureFixture[str]) -> None:
    for path in ("/", MISSING_PATH, BROKEN_PATH, MOVED_PATH):
        fetch(fixture_site.url(path))
    out, err = capfd.readouterr()
    assert out == "" and err == ""


def test_addresses(fixture_site: FixtureServer) -> None:
    assert re.fullmatch(r"127\.0\.0\.1:\d+", fixture_site.host)
    assert fixture_site.base_url == f"http://{fixture_site.host}"
    assert fixture_site.url("/world/") == f"http://{fixture_site.host}/world/"
    assert fixture_site.site.article_urls(fixture_site.base_url)[0].startswith(
        fixture_site.base_url + "/")


def test_many_simultaneous_connections_are_accepted_at_once(fixture_site: FixtureServer) -> None:
    # a small listen backlog makes the kernel drop SYNs: the client then retries after 1 s
    latencies: list[float] = []

    def get() -> None:
        start = time.monotonic()
        fetch(fixture_site.url("/"))
        latencies.append(time.monotonic() - start)

    workers = [threading.Thread(target=get) for _ in range(48)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(10)
    assert len(latencies) == 48 and max(latencies) < 0.9
    assert fixture_site.requests["/"] == 48
