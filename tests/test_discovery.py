"""Feeds, sitemaps (plain, gzipped, index, Google News) and robots.txt parsing."""

import gzip

import pytest

from crawler.spiders.discovery import (
    TooLarge,
    document_kind,
    feed_entries,
    feed_links,
    maybe_gunzip,
    read_sitemap,
    robots_sitemaps,
    sitemap_entries,
)

RSS = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>T</title>
<item><title>One</title><link>https://ex.com/a?utm_source=rss</link>
<pubDate>Mon, 13 Jan 2025 09:00:00 GMT</pubDate></item>
<item><title>Two</title><guid>https://ex.com/b</guid></item>
</channel></rss>"""
ATOM = b"""<feed xmlns="http://www.w3.org/2005/Atom"><entry><title>A</title>
<link rel="alternate" href="/news/a"/><link rel="enclosure" href="/a.mp3"/>
<updated>2025-01-13T10:00:00Z</updated></entry></feed>"""
INDEX = b"""<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>https://ex.com/s1.xml.gz</loc><lastmod>2025-01-13</lastmod></sitemap></sitemapindex>"""
NEWS = b"""<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
 xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"><url><loc>https://ex.com/n1</loc>
<news:news><news:publication><news:name>Ex</news:name><news:language>en</news:language>
</news:publication><news:publication_date>2025-01-13T08:00:00+00:00</news:publication_date>
<news:title>Headline</news:title></news:news></url></urlset>"""


def test_rss_and_atom_entries():
    entries = feed_entries(RSS, "https://ex.com/feed")
    assert [e.url for e in entries] == ["https://ex.com/a?utm_source=rss", "https://ex.com/b"]
    assert entries[0].lastmod.startswith("Mon, 13 Jan 2025")
    atom = feed_entries(ATOM, "https://ex.com/atom.xml")
    assert [e.url for e in atom] == ["https://ex.com/news/a"]


def test_sitemap_index_and_google_news_sitemap():
    kind, found = sitemap_entries(INDEX, "https://ex.com/")
    entries = list(found)
    assert kind == "index" and entries[0].url == "https://ex.com/s1.xml.gz"
    kind, found = sitemap_entries(NEWS, "https://ex.com/")
    entries = list(found)
    assert kind == "urlset"
    assert entries[0].url == "https://ex.com/n1"
    assert entries[0].lastmod == "2025-01-13T08:00:00+00:00"
    assert entries[0].title == "Headline"


def test_document_kind_sniffs_root_element_not_content_type():
    assert document_kind(RSS, "text/html") == "feed"
    assert document_kind(ATOM) == "feed"
    assert document_kind(INDEX, "application/octet-stream") == "sitemap"
    assert document_kind(b"<!DOCTYPE html><html><body>x</body></html>") == "html"
    assert document_kind(b"%PDF-1.4 binary", "application/pdf") == "other"


def test_gunzip_and_bomb_cap():
    assert maybe_gunzip(gzip.compress(NEWS), 10_000) == NEWS
    assert maybe_gunzip(NEWS, 10) == NEWS  # not gzip: untouched
    bomb = gzip.compress(b"\0" * 5_000_000)
    with pytest.raises(TooLarge):
        maybe_gunzip(bomb, 1_000_000)


def test_robots_sitemap_lines_and_feed_links():
    robots = ("User-agent: *\nDisallow: /private/\n"
              "Sitemap: https://ex.com/sm.xml\nsitemap: /rel.xml\n")
    assert robots_sitemaps(robots, "https://ex.com/robots.txt") == [
        "https://ex.com/sm.xml", "https://ex.com/rel.xml"]
    links = [("application/rss+xml", "/feed"), ("text/css", "/x.css"),
             ("application/atom+xml; charset=utf-8", "https://ex.com/atom")]
    assert feed_links(links, "https://ex.com/") == ["https://ex.com/feed", "https://ex.com/atom"]


def test_sitemap_read_as_a_stream_keeps_what_a_broken_file_holds():
    body = (b'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
            b' xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">'
            b"<url><loc> /a/1 </loc><lastmod><!-- c -->2025-03-03</lastmod></url>"
            b"<url><lastmod>2025-01-01</lastmod></url>"  # no loc: skipped
            b"<url><loc>https://x.example/n</loc><news:news><news:publication_date>2025-02-02"
            b"</news:publication_date><news:title>T &amp; x</news:title></news:news>"
            b"<news:news><news:title>second</news:title></news:news></url>"
            b"<url><loc>https://x.example/cut")  # truncated mid-element
    kind, found = sitemap_entries(body, "https://x.example/sitemap.xml")
    entries = list(found)
    assert kind == "urlset"
    assert [(e.url, e.lastmod, e.title) for e in entries] == [
        ("https://x.example/a/1", "2025-03-03", None),
        ("https://x.example/n", "2025-02-02", "T & x"),
        ("https://x.example/cut", None, None)]
    assert list(sitemap_entries(b"not xml at all", "https://x.example/")[1]) == []



def _urlset(n: int) -> bytes:
    urls = "".join(f"<url><loc>https://ex.com/a/{i}</loc></url>" for i in range(n))
    return (b'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            + urls.encode() + b"</urlset>")


def test_read_sitemap_reads_plain_and_gzipped_sitemaps_whole():
    body = _urlset(50_000)  # ~2.5 MB
    for raw in (body, gzip.compress(body)):
        kind, found = read_sitemap(raw, "https://ex.com/sitemap.xml", len(body))
        urls = [e.url for e in found]
        assert kind == "urlset" and len(urls) == 50_000 and urls[-1] == "https://ex.com/a/49999"
    kind, found = read_sitemap(gzip.compress(INDEX), "https://ex.com/", 10_000)
    assert kind == "index" and [e.url for e in found] == ["https://ex.com/s1.xml.gz"]


def test_read_sitemap_refuses_what_is_or_inflates_past_the_cap():
    body = _urlset(1000)
    with pytest.raises(TooLarge):
        read_sitemap(body, "https://ex.com/", len(body) - 1)
    with pytest.raises(TooLarge):  # measured before anything is read from it
        read_sitemap(gzip.compress(body), "https://ex.com/", len(body) - 1)
    with pytest.raises(TooLarge):
        read_sitemap(gzip.compress(b"\0" * 5_000_000), "https://ex.com/", 1_000_000)
    assert read_sitemap(body, "https://ex.com/", 0)[0] == "urlset"  # 0: no cap


def test_read_sitemap_tells_other_documents_and_keeps_a_truncated_gzip():
    kind, found = read_sitemap(RSS, "https://ex.com/", 10_000)
    assert kind == "other" and list(found) == []
    kind, found = read_sitemap(gzip.compress(RSS), "https://ex.com/", 10_000)
    assert kind == "other"
    body = gzip.compress(_urlset(20_000))
    kind, found = read_sitemap(body[: len(body) // 2], "https://ex.com/", 10_000_000)
    urls = [e.url for e in found]
    assert kind == "urlset" and 1000 < len(urls) < 20_000
    assert urls[:2] == ["https://ex.com/a/0", "https://ex.com/a/1"]


# ---- the spider's bounds on sitemaps -------------------------------------------------------

def _spider_index(spider, path: str, entries: int, depth: int | None):
    from scrapy.http import Request, XmlResponse

    base = "http://127.0.0.1:8000"
    locs = "".join(f"<sitemap><loc>{base}{path}-{i}.xml</loc></sitemap>" for i in range(entries))
    body = ('<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/'
            f'sitemap/0.9">{locs}</sitemapindex>').encode()
    meta = {} if depth is None else {"cw_sitemap_depth": depth}
    return list(spider.parse_sitemap(XmlResponse(base + path + ".xml", body=body,
                                                 request=Request(base + path, meta=meta))))


def test_the_spider_stops_sitemaps_at_its_caps_and_records_each_overflow_once():
    from scrapy import Request
    from scrapy.utils.test import get_crawler

    from crawler.items import FetchItem
    from crawler.spiders.news import NewsSpider
    from storage.contract import Counter

    crawler = get_crawler(NewsSpider, {"TWISTED_REACTOR": None, "CLEANWIRE_STORE": False,
                                       "CLEANWIRE_MAX_SITEMAPS": 4,
                                       "CLEANWIRE_SITEMAP_MAX_DEPTH": 1,
                                       "CLEANWIRE_SITEMAP_MAXSIZE": 123_456})
    spider = NewsSpider.from_crawler(crawler, start="http://127.0.0.1:8000/")
    crawler.spider = spider
    out = _spider_index(spider, "/a", 10, depth=None)  # a start URL or robots.txt's: depth 0
    requests = [r for r in out if isinstance(r, Request)]
    assert [r.meta["cw_sitemap_depth"] for r in requests] == [1] * 4
    assert {r.meta["download_maxsize"] for r in requests} == {123_456}
    records = [(i.url, i.outcome, i.error) for i in out if isinstance(i, FetchItem)
               if i.outcome == "skipped"]
    assert records == [("http://127.0.0.1:8000/a-4.xml", "skipped", "too many sitemaps")]
    assert crawler.stats.get_value(Counter.SITEMAPS_OVER_CAP) == 6
    spider.sitemaps_requested = 0  # room again: now depth stops them
    out = _spider_index(spider, "/b", 3, depth=1) + _spider_index(spider, "/c", 3, depth=1)
    assert not [r for r in out if isinstance(r, Request)]
    records = [(i.url, i.error) for i in out if isinstance(i, FetchItem) and i.error]
    assert records == [("http://127.0.0.1:8000/b-0.xml", "sitemap depth")]  # once
    assert crawler.stats.get_value(Counter.SITEMAPS_TOO_DEEP) == 6
    assert crawler.stats.get_value("cleanwire/skipped/sitemap depth") == 1
