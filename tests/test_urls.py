"""URL hygiene: tracking parameters, dedup keys, hosts, binary extensions."""

from cleaners.urlkeys import clean_url, host_of, url_key
from crawler.urls import is_web_url, looks_binary


def test_tracking_parameters_are_stripped_and_others_kept_in_order():
    url = "https://Example.com/a?utm_source=rss&id=7&fbclid=x&page=2&gclid=y&utm_medium=feed#top"
    assert clean_url(url) == "https://example.com/a?id=7&page=2"


def test_default_port_and_double_slashes_removed():
    assert clean_url("HTTP://example.com:80//news//a") == "http://example.com/news/a"
    assert clean_url("https://example.com:8443/a") == "https://example.com:8443/a"


def test_url_key_ignores_trailing_slash_query_order_and_trackers():
    a = url_key("https://example.com/news/a/?b=2&a=1&utm_campaign=z")
    b = url_key("https://example.com/news/a?a=1&b=2")
    assert a == b
    assert url_key("https://example.com/news/a") != url_key("https://example.com/news/b")


def test_host_of_drops_www_and_default_port():
    assert host_of("https://www.Example.com:443/x") == "example.com"
    assert host_of("http://127.0.0.1:8080/") == "127.0.0.1:8080"


def test_schemes_and_binary_extensions():
    assert is_web_url("https://a.b/") and not is_web_url("file:///etc/passwd")
    assert not is_web_url("javascript:alert(1)") and not is_web_url("ftp://a.b/x")
    assert looks_binary("https://a.b/report.PDF") and looks_binary("https://a.b/x.jpg?w=3")
    assert not looks_binary("https://a.b/news/2025/story.html")


def test_url_set_remembers_urls_and_yields_the_new_ones_once() -> None:
    from crawler.urls import UrlSet

    seen = UrlSet()
    assert "https://a.example/x" not in seen and len(seen) == 0
    seen.add("https://a.example/x")
    assert "https://a.example/x" in seen and "https://a.example/y" not in seen
    new = seen.new(["https://a.example/x", "https://a.example/y", "https://a.example/z",
                    "https://a.example/y"])
    assert new == ["https://a.example/y", "https://a.example/z"]
    assert len(seen) == 3 and all(u in seen for u in new)
    assert seen.new(new) == []


def test_a_url_set_answers_alike_from_its_recent_set_and_its_sorted_array() -> None:
    """Hashes move from the small Python set into the sorted array every RECENT; lookups,
    new() and len() see one set whichever side a URL is on."""
    from crawler.urls import UrlSet

    class Small(UrlSet):
        RECENT = 7

    seen = Small()
    urls = [f"https://a.example/story-{i}" for i in range(100)]
    for url in urls[:50]:
        seen.add(url)
        seen.add(url)  # again: no second entry
    assert len(seen) == 50 and len(seen._sorted) >= 49 - 7
    assert all(u in seen for u in urls[:50]) and not any(u in seen for u in urls[50:])
    assert seen.new(urls[40:60] + urls[55:65]) == urls[50:65]
    assert len(seen) == 65 and seen.new(urls[:65]) == []
    assert list(seen._sorted) == sorted(seen._sorted)


def test_a_large_url_set_takes_about_eight_bytes_a_url() -> None:
    import tracemalloc

    from crawler.urls import UrlSet

    urls = [f"https://news.example/2025/{i}/a-story-with-a-long-slug/" for i in range(50_000)]
    tracemalloc.start()
    seen = UrlSet()
    for start in range(0, len(urls), 100):
        seen.new(urls[start:start + 100])
    size, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert len(seen) == 50_000 and urls[123] in seen
    assert size < 50_000 * 20, size  # a Python set of the hashes: ~75 bytes a URL


def test_a_url_set_with_a_limit_starts_afresh_when_full() -> None:
    from crawler.urls import UrlSet

    cache = UrlSet(limit=3)
    assert cache.new(["a", "b", "c"]) == ["a", "b", "c"] and len(cache) == 3
    assert cache.new(["a", "d"]) == ["a", "d"]  # full: forgotten, looked at again
    assert len(cache) == 2 and "a" in cache and "b" not in cache
