"""Feeds, sitemaps (plain, gzipped, index, Google News) and robots.txt parsing."""

import gzip

import pytest

from crawler.spiders.discovery import (
    TooLarge,
    document_kind,
    feed_entries,
    feed_links,
    maybe_gunzip,
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

