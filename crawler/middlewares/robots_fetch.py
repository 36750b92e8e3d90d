"""Downloader middleware: robots.txt fetched for its rules up to a cap, never dropped for its size.

RFC 9309 (section 2.5) asks a crawler to parse at least the first 500 KiB of a robots.txt.
The page cap (DOWNLOAD_MAXSIZE) would drop a larger file whole, and Scrapy's
RobotsTxtMiddleware reads a failed fetch as "no robots.txt, everything allowed": a 10 MB
robots.txt switched robots off. Here the rules fetch of robots.txt (the request Scrapy's
middleware makes, NO_CALLBACK and dont_obey_robotstxt, and its redirects) is exempt from the
page cap and stopped (StopDownload, the response kept) once CLEANWIRE_ROBOTS_MAX_BYTES have
arrived; crawler.middlewares.robots cuts the body back to its last whole line.

It asks for an uncompressed file; a server that compresses anyway has gzip and deflate
inflated here up to the cap (the rest dropped), and any other encoding inflated by
HttpCompressionMiddleware under the cap, so a compressed robots.txt is never a bomb.
It sits above HttpCompressionMiddleware (595 > 590): it sees the request after it and the
response before it.
"""

from __future__ import annotations

import zlib
from typing import Any

from scrapy import signals
from scrapy.exceptions import NotConfigured, StopDownload
from scrapy.http import Request, Response
from scrapy.http.request import NO_CALLBACK
from scrapy.utils.httpobj import urlparse_cached

RULES_FETCH = "cw_robots_rules"  # request.meta flag: a robots.txt fetched for its rules
_RECEIVED = "cw_robots_bytes"  # request.meta: bytes of it received so far
# gzip or zlib (auto-detected) / raw deflate, as HTTP servers send "deflate" either way
_WBITS = {b"gzip": 47, b"x-gzip": 47, b"deflate": 47}


def is_rules_fetch(request: Request) -> bool:
    """True for Scrapy's own request of robots.txt (the one whose body becomes the rules)."""
    return bool(request.meta.get(RULES_FETCH)) or (
        request.callback is NO_CALLBACK and bool(request.meta.get("dont_obey_robotstxt"))
        and urlparse_cached(request).path == "/robots.txt")


def inflate_prefix(body: bytes, encoding: bytes, limit: int) -> bytes | None:
    """The first limit bytes of a gzip/deflate body, member after member (None for another
    encoding; what cannot be inflated is dropped)."""
    name = encoding.strip().lower()
    wbits = _WBITS.get(name)
    if wbits is None:
        return None
    out = bytearray()
    rest = body
    while rest and len(out) < limit:
        inflater = zlib.decompressobj(wbits)
        try:
            out += inflater.decompress(rest, limit - len(out))
        except zlib.error:
            if out or wbits < 0 or name != b"deflate":
                break
            wbits = -15  # raw deflate, sent as "deflate" by some servers
            continue
        if not inflater.eof:
            break
        rest = inflater.unused_data
    return bytes(out)


class RobotsRulesFetch:
    """The rules fetch of robots.txt: no page cap, stopped at the robots cap, bounded inflation."""

    def __init__(self, limit: int) -> None:
        if limit <= 0:
            raise NotConfigured
        self.limit = limit

    @classmethod
    def from_crawler(cls, crawler: Any) -> RobotsRulesFetch:
        if not crawler.settings.getbool("ROBOTSTXT_OBEY"):
            raise NotConfigured
        mw = cls(crawler.settings.getint("CLEANWIRE_ROBOTS_MAX_BYTES"))
        crawler.signals.connect(mw.bytes_received, signal=signals.bytes_received)
        return mw

    def process_request(self, request: Request, spider: Any = None) -> None:
        if not is_rules_fetch(request):
            return None
        request.meta[RULES_FETCH] = True
        request.meta[_RECEIVED] = 0
        request.meta["download_maxsize"] = 0  # a Content-Length over the page cap is fine
        request.headers[b"Accept-Encoding"] = b"identity"
        return None

    def bytes_received(self, data: bytes, request: Request, spider: Any = None) -> None:
        meta = request.meta
        if not meta.get(RULES_FETCH):
            return
        meta[_RECEIVED] = meta.get(_RECEIVED, 0) + len(data)
        if meta[_RECEIVED] > self.limit:
            raise StopDownload(fail=False)  # the response so far goes on, as if complete

    def process_response(self, request: Request, response: Response,
                         spider: Any = None) -> Response:
        if not request.meta.get(RULES_FETCH):
            return response
        encodings = response.headers.getlist(b"Content-Encoding")
        if not encodings:
            return response
        if len(encodings) == 1 and b"," not in encodings[0]:
            body = inflate_prefix(response.body, encodings[0], self.limit)
            if body is not None:
                headers = response.headers.copy()
                del headers[b"Content-Encoding"]
                return response.replace(body=body, headers=headers)
        request.meta["download_maxsize"] = self.limit  # HttpCompressionMiddleware's bound
        return response
