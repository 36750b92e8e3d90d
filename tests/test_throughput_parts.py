"""The pieces that keep the crawl process light (issue 8, bench/crawl.py):

* the MinHash signature is computed in the cleaning worker and handed to the store,
  which uses it only for the exact text it was made from, else signs the text itself;
* page links are read in the cleaning worker off the tree it parses anyway
  (cleaners/links.py): the hrefs parsel gives, absolute, each once;
* sitemap URLs wait in the spider's compact backlog, not as Scrapy Requests, and all of
  them are requested exactly once (the crawl tests check the stored articles end to end).
"""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any
from urllib.parse import urljoin

import pytest
from bad_inputs.corpus import bad_inputs, by_name
from fixture_site.site import FixtureSite
from scrapy.exceptions import DontCloseSpider
from scrapy.http import HtmlResponse, Request, XmlResponse
from scrapy.utils.test import get_crawler
from sqlalchemy import Engine, select
from test_storage import T0, make_page, make_record

from cleaners import CleanOptions, clean_page, clean_page_and_links
from cleaners.errors import CleanError
from cleaners.links import NOT_DESTINATIONS
from cleaners.minhash import NUM_PERM, Signer, text_signature, to_bytes
from crawler.pool.cleaning_pool import _clean
from crawler.spiders import news
from crawler.spiders.news import NewsSpider
from storage.contract import Reason
from storage.models import Article, ArticleMinHash
from storage.repository import Repository

BASE = "http://127.0.0.1:8000"
WORDS = ["council", "tram", "network", "northern", "districts", "plan", "debated", "decade",
         "budget", "residents", "officials", "region", "warned", "delays", "project",
         "schedule", "answers", "minister", "railway"]


def _text(seed: int, words: int = 400) -> str:
    """A text of random words (deterministic): unrelated texts share almost no shingles."""
    import random

    rng = random.Random(seed)
    return " ".join(rng.choice(WORDS) for _ in range(words)) + "."


def _stored_signatures(engine: Engine) -> dict[str, bytes]:
    with engine.connect() as conn:
        rows = conn.execute(select(Article.url, ArticleMinHash.signature)
                            .join(ArticleMinHash, ArticleMinHash.article_id == Article.id))
        return {url: bytes(blob) for url, blob in rows}


# --- signatures: computed by the worker, used by the store ----------------------------------


def test_text_signature_is_what_the_store_computes() -> None:
    text = _text(1)
    values = Signer().signature(text)
    assert values is not None
    assert text_signature(text) == to_bytes(values)
    assert len(text_signature(text) or b"") == NUM_PERM * 4
    assert text_signature("") is None and text_signature(" ... !! ") is None


def test_a_given_signature_is_used_and_a_missing_one_computed(engine: Engine) -> None:
    repo = Repository(engine)
    signed, unsigned = _text(1), _text(2)
    first = make_record(make_page("https://news.example/signed", signed))
    first.signature = text_signature(signed)
    second = make_record(make_page("https://news.example/unsigned", unsigned))
    assert repo.store(None, [first, second]) == ["new", "new"]
    stored = _stored_signatures(engine)
    assert stored["https://news.example/signed"] == text_signature(signed)
    assert stored["https://news.example/unsigned"] == text_signature(unsigned)
    assert (repo._dedup.signatures_given, repo._dedup.signatures_computed) == (1, 1)


def test_the_store_trusts_the_given_signature_without_recomputing(engine: Engine) -> None:
    repo = Repository(engine)
    record = make_record(make_page("https://news.example/a", _text(1)))
    record.signature = text_signature(_text(3))  # a caller's (wrong) signature is not redone
    repo.store(None, [record])
    assert _stored_signatures(engine)["https://news.example/a"] == text_signature(_text(3))
    assert repo._dedup.signatures_computed == 0


def test_a_signature_of_another_text_or_size_is_ignored(engine: Engine) -> None:
    repo = Repository(engine)
    nul = make_record(make_page("https://news.example/nul", _text(1) + "\x00 tail"))
    nul.signature = text_signature(nul.page.text)  # the stored text loses its NUL
    short = make_record(make_page("https://news.example/short", _text(2)))
    short.signature = b"\x00" * 12
    repo.store(None, [nul, short])
    stored = _stored_signatures(engine)
    assert stored["https://news.example/nul"] == text_signature(_text(1) + " tail")
    assert stored["https://news.example/short"] == text_signature(_text(2))
    assert (repo._dedup.signatures_given, repo._dedup.signatures_computed) == (0, 2)


def test_near_copies_cluster_with_given_signatures(engine: Engine) -> None:
    repo = Repository(engine)
    original = _text(5, 600)
    copy = original + " Editor's note: this story was updated with new figures."
    records = []
    for minute, (url, body) in enumerate((("https://a.example/story", original),
                                          ("https://b.example/copy", copy),
                                          ("https://c.example/other", _text(6, 600)))):
        record = make_record(make_page(url, body), T0 + timedelta(minutes=minute))
        record.signature = text_signature(body)
        records.append(record)
    for record in records:  # one batch each: the index, not the batch, finds the pair
        repo.store(None, [record])
    assert repo._dedup.signatures_computed == 0
    clusters = {url: (repo.get_article(url).cluster_id, repo.get_article(url).id)
                for url in ("https://a.example/story", "https://b.example/copy",
                            "https://c.example/other")}
    story_cluster, story_id = clusters["https://a.example/story"]
    assert clusters["https://b.example/copy"][0] == story_cluster == story_id
    assert clusters["https://c.example/other"][0] in (None, clusters["https://c.example/other"][1])


def test_the_worker_signs_articles_only() -> None:
    site = FixtureSite()
    resources = site.render(BASE)
    story = site.linked_articles[0]
    body = resources[story.path].body
    page, error, signature, links = _clean(body, story.url(BASE), CleanOptions(), None, sign=True)
    assert error is None and page is not None and page.page_type == "article"
    assert signature == text_signature(page.text) and links == ()
    assert _clean(body, story.url(BASE), CleanOptions(), None) == (page, None, None, ())
    front, error, signature, _ = _clean(resources["/"].body, BASE + "/", CleanOptions(), None,
                                        sign=True)
    assert front is not None and front.page_type != "article" and signature is None
    nothing, error, signature, _ = _clean(b"", BASE + "/empty", CleanOptions(), None, sign=True)
    assert nothing is None and error and signature is None


# --- links: read off the cleaner's own parse, the hrefs parsel gives ---------------------------


def _response(body: bytes, content_type: str = "text/html; charset=utf-8") -> HtmlResponse:
    return HtmlResponse(BASE + "/a/b", body=body, headers={"Content-Type": content_type})


def _parsel_links(response: HtmlResponse) -> tuple[str, ...]:
    """What the spider followed when it parsed pages itself: parsel's hrefs, absolute."""
    hrefs = (h.strip() for h in response.xpath("//a/@href").getall())
    return tuple(dict.fromkeys(urljoin(response.url, h) for h in hrefs
                               if h and not h.lower().startswith(NOT_DESTINATIONS)))


def test_worker_links_are_parsels_on_the_fixture_site() -> None:
    compared = 0
    for path, resource in FixtureSite().render(BASE).items():
        if not resource.content_type.startswith("text/html"):
            continue
        response = _response(resource.body, resource.content_type)
        page, error, _, links = _clean(resource.body, response.url, CleanOptions(), "utf-8",
                                       links=True)
        assert error is None and page == clean_page(resource.body, response.url,
                                                    http_charset="utf-8"), path
        assert links == _parsel_links(response), path
        compared += 1
    assert compared > 20


def test_worker_links_are_absolute_once_each_and_keep_schemes_to_refuse() -> None:
    html = (b"<html><body><nav><a href='/a'>A</a><a href=' b/c '>B</a><a href='#top'>T</a>"
            b"<a href='JavaScript:void(0)'>J</a><a href='mailto:x@y.z'>M</a></nav>"
            b"<p><a href='https://other.example/x'>X</a><a href='/a'>again</a>"
            b"<a href='ftp://files.example/f'>F</a><a href='data:text/html,x'>D</a></p>"
            b"<p>" + b"Words of the story. " * 30 + b"</p></body></html>")
    page, links = clean_page_and_links(html, BASE + "/news/story")
    assert links == (BASE + "/a", BASE + "/news/b/c", "https://other.example/x",
                     "ftp://files.example/f", "data:text/html,x")
    assert page == clean_page(html, BASE + "/news/story")


@pytest.mark.parametrize("bad", [b for b in bad_inputs() if b.name != "many-attributes"],
                         ids=lambda b: b.name)
def test_worker_links_are_parsels_on_bad_inputs(bad: Any) -> None:
    """Where the cleaner takes the document as HTML, its links are parsel's (a page cut
    at the node cap keeps the links before the cut); where it refuses the document
    (binary, a feed), the page is recorded as skipped and its links are not followed."""
    response = _response(bad.body, bad.content_type)
    try:
        expected = _parsel_links(response)
    except (ValueError, AttributeError, TypeError):
        expected = ()  # parsel refuses the document: no links either way
    try:
        links = clean_page_and_links(bad.body, response.url)[1]
    except CleanError:
        return
    assert links == expected[:len(links)]
    assert len(links) == len(expected) or len(links) >= 100_000


@pytest.mark.timeout(20)  # libxml2 alone: ~30 s (its attribute dedup is quadratic)
def test_a_tag_with_50000_attributes_does_not_hold_the_worker() -> None:
    assert clean_page_and_links(by_name("many-attributes").body, BASE + "/a/b")[1] == ()


# --- sitemap URLs: a compact backlog, each requested once ---------------------------------------


class _Engine:
    def __init__(self) -> None:
        self.crawled: list[Request] = []

    def crawl(self, request: Request) -> None:
        self.crawled.append(request)


def _spider() -> NewsSpider:
    crawler = get_crawler(NewsSpider, {"TWISTED_REACTOR": None, "CLEANWIRE_STORE": False})
    spider = NewsSpider.from_crawler(crawler, start=BASE + "/")
    crawler.spider = spider
    crawler.engine = _Engine()  # type: ignore[assignment]
    return spider


def _sitemap(count: int) -> XmlResponse:
    urls = "".join(f"<url><loc>{BASE}/news/2025/story-{i}/</loc></url>" for i in range(count))
    body = ('<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            f"{urls}</urlset>").encode()
    return XmlResponse(BASE + "/sitemap.xml", body=body,
                       request=Request(BASE + "/sitemap.xml", meta={"cw_depth": 0}))


def test_sitemap_urls_wait_in_the_backlog_and_all_are_requested_once() -> None:
    spider = _spider()
    out = list(spider.parse_sitemap(_sitemap(2000)))
    requests = [r for r in out if isinstance(r, Request)]
    assert len(requests) == news._BACKLOG_HIGH  # the rest are claimed, not Requests yet
    assert len(spider.backlog) == 2000 - news._BACKLOG_HIGH
    stats = spider.crawler.stats
    stats.set_value("scheduler/enqueued", len(requests))
    stats.set_value("scheduler/dequeued", len(requests) - news._BACKLOG_LOW)  # not low yet
    assert list(spider._follow([], depth=2)) == []
    stats.set_value("scheduler/dequeued", len(requests) - 10)  # a page's links top it up
    topped = list(spider._follow([], depth=2))
    assert len(topped) == news._BACKLOG_HIGH - 10
    requests += topped
    engine = spider.crawler.engine
    while spider.backlog:  # the queue ran dry: spider_idle hands over the rest
        with pytest.raises(DontCloseSpider):
            spider._release_when_idle(spider)
    spider._release_when_idle(spider)  # nothing left: the spider may close
    urls = [r.url for r in requests + engine.crawled]
    assert sorted(urls) == sorted(f"{BASE}/news/2025/story-{i}/" for i in range(2000))
    # a page linking to a sitemap URL does not request it again
    assert list(spider._follow([(f"{BASE}/news/2025/story-7/", None)], depth=2)) == []


# --- reactor savings: meta refresh looked for only where it can be, no debug records ----------


def _meta_refresh_middleware() -> Any:
    from crawler.middlewares.destinations import MetaRefreshMiddleware

    return MetaRefreshMiddleware.from_crawler(get_crawler(NewsSpider, {"TWISTED_REACTOR": None}))


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16"])
def test_meta_refresh_is_still_followed(encoding: str) -> None:
    html = ('<html><head><meta http-equiv="Refresh" content="0; url=/moved/here/"></head>'
            "<body><p>Moved.</p></body></html>")
    request = Request(BASE + "/old/")
    response = HtmlResponse(request.url, body=html.encode(encoding), request=request,
                            headers={"Content-Type": f"text/html; charset={encoding}"})
    redirected = _meta_refresh_middleware().process_response(request, response)
    assert isinstance(redirected, Request) and redirected.url == BASE + "/moved/here/"


def test_a_page_without_refresh_is_passed_on_untouched() -> None:
    request = Request(BASE + "/story/")
    body = b"<html><body>" + b"<p>An ordinary story paragraph.</p>" * 500 + b"</body></html>"
    response = HtmlResponse(request.url, body=body, request=request)
    assert _meta_refresh_middleware().process_response(request, response) is response


def test_debug_records_are_skipped_above_debug_only() -> None:
    import logging

    from scrapy.exceptions import NotConfigured

    from crawler.extensions.progress import SkipDebugRecords

    with pytest.raises(NotConfigured):
        SkipDebugRecords.from_crawler(get_crawler(NewsSpider, {"LOG_LEVEL": "DEBUG",
                                                               "TWISTED_REACTOR": None}))
    scrapy_logger = logging.getLogger("scrapy")
    before = scrapy_logger.level, logging.root.level
    try:
        scrapy_logger.setLevel(logging.NOTSET)
        logging.root.setLevel(logging.NOTSET)  # as Scrapy's root handler install leaves it
        assert logging.getLogger("scrapy.core.engine").isEnabledFor(logging.DEBUG)
        ext = SkipDebugRecords.from_crawler(get_crawler(NewsSpider, {"LOG_LEVEL": "INFO",
                                                                     "TWISTED_REACTOR": None}))
        ext.spider_opened(None)
        assert not logging.getLogger("scrapy.core.engine").isEnabledFor(logging.DEBUG)
        assert logging.getLogger("scrapy.core.engine").isEnabledFor(logging.INFO)
    finally:
        scrapy_logger.setLevel(before[0])
        logging.root.setLevel(before[1])


def test_backlog_released_by_a_page_while_a_sitemap_callback_is_consumed() -> None:
    """Scrapy takes a callback's requests one by one; meanwhile the pipeline hands a
    page's links to the spider, which releases backlog requests too: each URL once."""
    spider = _spider()
    consumed = spider.parse_sitemap(_sitemap(600))
    requests = [next(r for r in consumed if isinstance(r, Request))]  # mid-release
    stats = spider.crawler.stats
    stats.set_value("scheduler/enqueued", 1)
    stats.set_value("scheduler/dequeued", 1)  # the queue looks empty: a page releases more
    page_links = [r for r in spider.follow_links([f"{BASE}/other/"], depth=2)
                  if isinstance(r, Request)]
    assert len(page_links) > 1  # its own link and backlog requests
    requests += page_links + list(consumed)
    while spider.backlog:
        with pytest.raises(DontCloseSpider):
            spider._release_when_idle(spider)
    urls = [r.url for r in requests + spider.crawler.engine.crawled]
    assert sorted(urls) == sorted([f"{BASE}/other/"] + [f"{BASE}/news/2025/story-{i}/"
                                                         for i in range(600)])


def test_freed_memory_is_handed_back_on_glibc_and_the_extension_can_be_off() -> None:
    from scrapy.exceptions import NotConfigured

    from crawler.extensions.memory import TrimMemory, _malloc_trim

    with pytest.raises(NotConfigured):
        TrimMemory.from_crawler(get_crawler(NewsSpider, {"CLEANWIRE_TRIM_MEMORY_INTERVAL": 0,
                                                         "TWISTED_REACTOR": None}))
    trim = _malloc_trim()
    if trim is None:
        pytest.skip("no glibc malloc_trim on this system")
    junk = [bytes(200_000) for _ in range(200)]  # 40 MB, freed below
    del junk
    assert trim(0) in (0, 1)
    from crawler import settings as defaults

    ext = TrimMemory.from_crawler(get_crawler(NewsSpider, {
        "CLEANWIRE_TRIM_MEMORY_INTERVAL": defaults.CLEANWIRE_TRIM_MEMORY_INTERVAL,
        "TWISTED_REACTOR": None}))
    assert ext.interval == 10.0 and ext.trim is not None


def _collect(outputs: Any) -> list[Any]:
    """Everything an async callback yields."""
    async def run() -> list[Any]:
        return [found async for found in outputs]
    return asyncio.run(run())


class _Cleaner:
    """A cleaning service that returns fixed links, and records what it was asked."""

    def __init__(self, links: tuple[str, ...]) -> None:
        self.links = links
        self.asked: list[tuple[str, bool]] = []

    async def clean(self, item: Any, links: bool) -> tuple[str, ...]:
        self.asked.append((item.url, links))
        item.clean, item.body = "cleaned", b""
        return self.links if links else ()


def test_page_links_are_yielded_by_the_callback_whoever_reads_them() -> None:
    """With no cleaning service the spider reads a page's links itself; with one, the links
    its worker read come back to the callback: either way the page's item comes first, then
    the requests for its links, yielded by the callback (so through the spider middlewares)."""
    from crawler.items import PageItem

    body = (b"<html><body><a href='/news/2025/a/'>A</a><a href='https://elsewhere.example/x'>"
            b"X</a><a href='ftp://example.test/f'>F</a><p>" + b"Story words. " * 40
            + b"</p></body></html>")
    request = Request(BASE + "/", meta={"cw_depth": 0})
    response = HtmlResponse(BASE + "/", body=body, request=request,
                            headers={"Content-Type": "text/html; charset=utf-8"})
    spider = _spider()
    out = _collect(spider.parse_page(response))
    assert isinstance(out[0], PageItem) and out[0].clean is None
    assert [r.url for r in out[1:] if isinstance(r, Request)] == [BASE + "/news/2025/a/"]
    worker_links = clean_page_and_links(body, BASE + "/")[1]
    assert BASE + "/news/2025/a/" in worker_links
    spider = _spider()
    spider.cleaner = cleaner = _Cleaner(worker_links)  # type: ignore[assignment]
    out = _collect(spider.parse_page(response))
    assert isinstance(out[0], PageItem) and out[0].clean == "cleaned" and out[0].body == b""
    assert cleaner.asked == [(BASE + "/", True)]
    assert [r.url for r in out[1:] if isinstance(r, Request)] == [BASE + "/news/2025/a/"]
    refused = [f for f in out[1:] if not isinstance(f, Request)]
    assert [(f.url, f.error) for f in refused] == [("ftp://example.test/f", Reason.REFUSED_SCHEME)]
    spider = _spider()  # a scrape follows nothing: the worker is not asked for links
    spider.mode = "scrape"
    spider.cleaner = cleaner = _Cleaner(worker_links)  # type: ignore[assignment]
    out = _collect(spider.parse_page(response))
    assert len(out) == 1 and cleaner.asked == [(BASE + "/", False)]


def test_autothrottle_learns_from_404s_as_from_200s() -> None:
    """A run of dead links after a busy moment must not crawl at that moment's pace: a 404
    (or 410) lowers the slot's delay like a 200; a 5xx never lowers it; any answer raises it."""
    from types import SimpleNamespace

    from crawler.extensions.throttle import AutoThrottle

    ext = AutoThrottle(get_crawler(NewsSpider, {"TWISTED_REACTOR": None,
                                                "AUTOTHROTTLE_ENABLED": True,
                                                "AUTOTHROTTLE_TARGET_CONCURRENCY": 2.0}))
    ext.mindelay, ext.maxdelay = 0.0, 30.0
    fast = 0.002  # seconds: a healthy local server

    def after(status: int, latency: float, delay: float = 0.04) -> float:
        slot = SimpleNamespace(delay=delay)
        ext._adjust_delay(slot, latency, HtmlResponse(BASE + "/x", status=status))
        return slot.delay

    assert after(200, fast) < 0.04 and after(404, fast) == after(200, fast)
    assert after(410, fast) == after(200, fast)
    assert after(500, fast) == after(301, fast) == 0.04  # not lowered by other answers
    assert after(500, 1.0) == after(404, 1.0) == 0.5  # raised by any slow answer
