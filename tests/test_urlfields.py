"""URL fields of a clean page (cleaners.urlfields): only absolute http(s) URLs are kept; a
javascript:, file:, data: ... canonical or image URL is dropped, counted, never stored."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_helpers import cleanwire, rows

from cleaners import clean_page
from cleaners.urlfields import web_url, web_urls

BASE = "https://news.example/world/2026/12/07/story"
PARAGRAPHS = "".join(
    f"<p>The harbour authority said on Monday that berth {i} would reopen after repairs to "
    "the quay wall, which was damaged in the November storm, were finished ahead of time.</p>"
    for i in range(8))


def _page(canonical: str, image: str) -> str:
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
            f"<title>Harbour berths reopen after storm repairs</title>"
            f'<link rel="canonical" href="{canonical}"><meta property="og:image" content="{image}">'
            f'<meta property="og:type" content="article"></head><body><article>'
            f"<h1>Harbour berths reopen after storm repairs</h1>{PARAGRAPHS}</article>"
            "</body></html>")


HOSTILE = [
    "javascript:alert(document.cookie)", "JavaScript:alert(1)", " \tjava\nscript:alert(1)",
    "\x01javascript:alert(1)", "file:///etc/passwd", "FILE:///C:/Windows/win.ini",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==", "vbscript:msgbox(1)",
    "mailto:desk@news.example", "ftp://news.example/pub/x.jpg", "about:blank",
    "chrome://settings", "http://[::1", "http://news.example:99999/x",
]


@pytest.mark.parametrize("value", HOSTILE)
def test_other_schemes_are_dropped(value: str):
    assert web_url(value, BASE) is None
    assert web_urls(BASE, value, None) == ([None, None], 1)


@pytest.mark.parametrize(("value", "expected"), [
    ("https://news.example/story", "https://news.example/story"),
    ("HTTP://News.Example/a", "HTTP://News.Example/a"),
    ("/world/story", "https://news.example/world/story"),
    ("//cdn.example/img/a.jpg", "https://cdn.example/img/a.jpg"),
    ("a.jpg", "https://news.example/world/2026/12/07/a.jpg"),
    ("  https://news.example/x \n", "https://news.example/x"),
])
def test_http_urls_are_kept_absolute(value: str, expected: str):
    assert web_url(value, BASE) == expected


def test_a_relative_url_without_a_base_is_dropped():
    assert web_url("/world/story") is None and web_url("https://a.example/") == "https://a.example/"
    assert web_urls("", "/world/story", "", None) == ([None, None, None], 1)  # empty: not counted


@pytest.mark.parametrize(("canonical", "image"), [
    ("javascript:alert(document.cookie)", "file:///etc/passwd"),
    ("data:text/html,<script>alert(1)</script>", "javascript:void(0)"),
])
def test_clean_page_keeps_no_other_scheme(canonical: str, image: str):
    page = clean_page(_page(canonical, image).encode(), BASE)
    assert page.page_type == "article"
    assert page.canonical_url is None and page.image is None
    assert page.dropped_urls == 2
    assert page.to_dict()["dropped_urls"] == 2


def test_clean_page_resolves_relative_urls():
    page = clean_page(_page("/world/story", "//cdn.example/a.jpg").encode(), BASE)
    assert page.canonical_url == "https://news.example/world/story"
    assert page.image == "https://cdn.example/a.jpg"
    assert page.dropped_urls == 0


@pytest.mark.slow
def test_a_crawl_stores_no_other_scheme_and_counts_what_it_dropped(fixture_site, tmp_path: Path):
    """The issue's page, served from 127.0.0.1 and scraped by the real CLI into SQLite."""
    hostile, good = "/news/hostile-links/", "/news/good-links/"
    fixture_site.set_page(hostile, _page("javascript:alert(document.cookie)",
                                         "file:///etc/passwd"))
    fixture_site.set_page(good, _page(good, "/img/quay.jpg").replace(
        "Harbour berths reopen", "Harbour cranes return"))
    db = tmp_path / "news.db"
    proc = cleanwire("scrape", fixture_site.url(hostile), fixture_site.url(good),
                     "--db", str(db), "--timeout", "10")
    assert proc.returncode == 0, proc.stderr[-2000:]
    stored = {url: (canonical, image) for url, canonical, image in
              rows(db, "select url, canonical_url, image_url from articles")}
    assert stored[fixture_site.url(hostile)] == (None, None)
    assert stored[fixture_site.url(good)] == (fixture_site.url(good),
                                              fixture_site.url("/img/quay.jpg"))
    assert not rows(db, "select url from article_urls where url not like 'http%'")
    counts = json.loads(rows(db, "select counts from crawl_runs")[0][0])
    assert counts["dropped_urls"] == 2
