"""cleaners.urlkeys: URL variants of one page share one article_key; other pages do not."""

from __future__ import annotations

import pytest

from cleaners.urlkeys import article_key, is_amp, same_site, site_host

BASE = "news.example/world/story-1"


@pytest.mark.parametrize("url", [
    "https://news.example/world/story-1",
    "http://news.example/world/story-1",
    "https://www.news.example/world/story-1",
    "https://m.news.example/world/story-1",
    "https://amp.news.example/world/story-1",
    "https://news.example/world/story-1/",
    "https://news.example/world/story-1/amp/",
    "https://news.example/amp/world/story-1",
    "https://news.example/world/story-1?amp",
    "https://news.example/world/story-1?amp=1",
    "https://news.example/world/story-1?outputType=amp",
    "https://NEWS.example:443/world//story-1#comments",
    "http://www.news.example:80/world/story-1/",
])
def test_variants_share_one_key(url: str) -> None:
    assert article_key(url) == BASE


@pytest.mark.parametrize("url", [
    "https://news.example/world/story-2",
    "https://other.example/world/story-1",
    "https://news.example/world/story-1?id=7",
    "https://news.example:8080/world/story-1",
    "https://news.example/World/story-1",  # paths are case-sensitive
    "https://news.example/world/story-1/comments",
    "https://news.example/world/ampere-story-1",
])
def test_other_pages_keep_their_own_key(url: str) -> None:
    assert article_key(url) != BASE


def test_query_order_does_not_matter() -> None:
    assert article_key("https://a.example/p?b=2&a=1") == article_key("https://a.example/p?a=1&b=2")


def test_amp_suffix_folded() -> None:
    assert article_key("https://a.example/s/story.amp.html") == "a.example/s/story.html"
    assert article_key("https://a.example/s/story.amp") == "a.example/s/story"


def test_is_amp_and_same_site() -> None:
    assert is_amp("https://news.example/world/story-1/amp/")
    assert is_amp("https://amp.news.example/world/story-1")
    assert is_amp("https://news.example/world/story-1?amp=1")
    assert not is_amp("https://news.example/world/ampere")
    assert same_site("https://www.news.example/a", "http://m.news.example/b")
    assert not same_site("https://news.example/a", "https://other.example/a")
    assert site_host("https://www.m.news.example/") == "news.example"
    assert site_host("https://m.example/") == "m.example"  # a host is never folded to a TLD
