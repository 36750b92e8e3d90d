"""The private APIs of other libraries that cleanwire relies on: one test each, with the reason.

pyproject.toml bounds these libraries from above; when a new release moves one of these
names, the matching test says what moved and which cleanwire module must follow, instead of
a crawl failing somewhere far from the cause.
"""

from __future__ import annotations

import inspect


def _moved(what: str, where: str) -> str:
    return f"{what} moved or changed shape: update {where} and the bound in pyproject.toml"


def test_scrapy_robots_middleware_keeps_its_parsers_and_parse_step() -> None:
    from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware

    # crawler/middlewares/robots.py reads the per-host pending Deferreds and wraps the parse step
    assert "_parsers" in inspect.getsource(RobotsTxtMiddleware.__init__), _moved(
        "RobotsTxtMiddleware._parsers", "crawler/middlewares/robots.py")
    parse = getattr(RobotsTxtMiddleware, "_parse_robots", None)
    assert parse is not None, _moved("RobotsTxtMiddleware._parse_robots",
                                     "crawler/middlewares/robots.py")
    assert list(inspect.signature(parse).parameters)[:4] == [
        "self", "response", "netloc", "request"], _moved(
        "RobotsTxtMiddleware._parse_robots(response, netloc, request)",
        "crawler/middlewares/robots.py")


def test_scrapy_autothrottle_adjusts_delay_in_one_method() -> None:
    from scrapy.extensions.throttle import AutoThrottle

    adjust = getattr(AutoThrottle, "_adjust_delay", None)
    where = "crawler/extensions/throttle.py"
    assert adjust is not None, _moved("AutoThrottle._adjust_delay", where)
    assert list(inspect.signature(adjust).parameters) == [
        "self", "slot", "latency", "response"], _moved(
        "AutoThrottle._adjust_delay(slot, latency, response)", where)
    source = inspect.getsource(AutoThrottle)
    for name in ("target_concurrency", "mindelay", "maxdelay"):
        assert f"self.{name}" in source, _moved(f"AutoThrottle.{name}", where)


def test_trafilatura_extractor_options_and_xml_rendering() -> None:
    from lxml import etree
    from trafilatura import bare_extraction
    from trafilatura.settings import Extractor
    from trafilatura.xml import xmltotxt

    knobs = {"comments": False, "tables": True, "links": False, "dedup": False,
             "recall": True, "fast": True}
    options = Extractor(output_format="python", url="https://example.com/a", **knobs)
    assert "options" in inspect.signature(bare_extraction).parameters, _moved(
        "trafilatura.bare_extraction(options=...)", "cleaners/extract.py")
    html = ("<html><body><article><p>" + "A sentence of the story goes on here. " * 20
            + "</p></article></body></html>")
    document = bare_extraction(html, options=options)
    body = getattr(document, "body", None)
    assert body is not None and len(body), _moved("the .body of bare_extraction's document",
                                                  "cleaners/extract.py")
    paragraph = etree.fromstring("<p>one <hi>two</hi> three</p>")
    assert xmltotxt(paragraph, False).strip() == "one two three", _moved(
        "trafilatura.xml.xmltotxt(element, include_formatting)", "cleaners/extract.py")


def test_justext_core_paragraph_steps() -> None:
    import justext
    from justext import core

    for name in ("ParagraphMaker", "classify_paragraphs", "preprocessor",
                 "revise_paragraph_classification"):
        assert hasattr(core, name), _moved(f"justext.core.{name}", "cleaners/fallback.py")
    assert justext.get_stoplist("English"), _moved("justext.get_stoplist", "cleaners/fallback.py")


def test_datasketch_affine32_scheme_gives_the_stored_hash_values() -> None:
    """The signatures in article_minhash were made with this scheme and seed: a release that
    hashes differently would make every stored signature incomparable with new ones."""
    from cleaners.minhash import MINHASH_SCHEME, Signer

    signer = Signer()
    values = signer.signature("the quick brown fox jumps over the lazy dog again and again")
    assert values is not None and values.dtype.itemsize == 4
    assert [int(v) for v in values[:4]] == _EXPECTED_FIRST_VALUES, _moved(
        f"datasketch's {MINHASH_SCHEME!r} MinHash values", "cleaners/minhash.py")


# the first four hash values of the sentence above under the "affine32" scheme, seed 1,
# 128 permutations, as datasketch 2.0.0 computes them
_EXPECTED_FIRST_VALUES = [525945524, 412836237, 741861544, 228830291]


def test_scrapy_http11_handler_keeps_its_lenient_parser_protocol_and_pool_factory() -> None:
    """crawler/download.py caps response headers by swapping the class of the parser
    twisted makes per request (as Scrapy's lenient protocol does) and installing its own
    protocol factory in the handler's connection pool."""
    from scrapy.core.downloader.handlers import http11
    from twisted.web._newclient import HTTPClientParser, HTTPParser
    from twisted.web.client import HTTPConnectionPool

    where = "crawler/download.py"
    for name in ("HTTP11DownloadHandler", "_LenientHTTPClientParser",
                 "_LenientHTTP11ClientProtocol", "_LenientHTTP11ClientFactory"):
        assert hasattr(http11, name), _moved(f"scrapy's http11.{name}", where)
    assert "self._pool._factory = _LenientHTTP11ClientFactory" in inspect.getsource(
        http11.HTTP11DownloadHandler.__init__), _moved("HTTP11DownloadHandler._pool._factory",
                                                       where)
    assert "self._factory(quiescentCallback" in inspect.getsource(
        HTTPConnectionPool._newConnection), _moved("HTTPConnectionPool._factory(cb, metadata)",
                                                   where)
    request = inspect.getsource(http11._LenientHTTP11ClientProtocol.request)
    assert "self._parser.__class__ = _LenientHTTPClientParser" in request, _moved(
        "_LenientHTTP11ClientProtocol.request's parser class swap", where)
    assert issubclass(http11._LenientHTTPClientParser, HTTPClientParser), _moved(
        "_LenientHTTPClientParser's base", where)
    made = inspect.getsource(HTTPParser.connectionMade)
    for name in ("self.headers", "self.connHeaders", "self._partialHeader", "self.state"):
        assert name in made, _moved(f"HTTPParser.connectionMade's {name}", where)
    for name in ("lineReceived", "lineLengthExceeded", "clearLineBuffer", "MAX_LENGTH",
                 "allHeadersReceived"):
        assert hasattr(HTTPClientParser, name), _moved(f"HTTPClientParser.{name}", where)
    # the head kept for captures: the response made from the status line shares the
    # parser's Headers object, so a header added before allHeadersReceived reaches it
    status = inspect.getsource(HTTPClientParser.statusReceived)
    assert "self.headers" in status and "self.response = Response" in status, _moved(
        "HTTPClientParser.statusReceived's response on self.headers", where)
    # an exception out of the parser gives the connection up and fails the response
    from twisted.web._newclient import HTTP11ClientProtocol

    assert "_giveUp" in inspect.getsource(HTTP11ClientProtocol.dataReceived), _moved(
        "HTTP11ClientProtocol.dataReceived giving up on a parser exception", where)


def test_scrapy_crawler_process_signal_steps_and_twisted_client_protocol() -> None:
    """crawler/interrupts.py overrides CrawlerProcess's signal handlers and its shutdown
    trigger, reads the downloader's slots, and aborts twisted's HTTP/1.1 client protocols
    (found inside their wrappers) to give up downloads on the first Ctrl-C."""
    from scrapy.core.downloader import Downloader, Slot
    from scrapy.crawler import CrawlerProcess
    from twisted.web import _newclient

    where = "crawler/interrupts.py"
    for name in ("_signal_shutdown", "_signal_kill", "_stop_dfd"):
        assert callable(getattr(CrawlerProcess, name, None)), _moved(
            f"CrawlerProcess.{name}", where)
    for name in ("_signal_shutdown", "_signal_kill"):  # called as handler(signum, frame)
        assert len(inspect.signature(getattr(CrawlerProcess, name)).parameters) == 3, _moved(
            f"CrawlerProcess.{name}(signum, frame)", where)
    assert not list(inspect.signature(CrawlerProcess._stop_dfd).parameters)[1:], _moved(
        "CrawlerProcess._stop_dfd()", where)
    assert "self.slots" in inspect.getsource(Downloader.__init__), _moved(
        "Downloader.slots", where)
    assert "self.active" in inspect.getsource(Slot.__init__), _moved("Slot.active", where)
    protocol = getattr(_newclient, "HTTP11ClientProtocol", None)
    assert protocol is not None and callable(getattr(protocol, "abort", None)), _moved(
        "twisted.web._newclient.HTTP11ClientProtocol.abort", where)
    assert "state" in inspect.getsource(protocol), _moved(
        "HTTP11ClientProtocol.state", where)
