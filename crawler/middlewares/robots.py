"""Downloader middleware: robots.txt obeyed by every request, also those that arrive while
it is still being fetched.

Scrapy's RobotsTxtMiddleware, since its robot_parser became a coroutine (2.19 here), has
the requests of a host wait for its robots.txt on one shared Deferred, each awaiting it
as an asyncio Future (``maybe_deferred_to_future``). Twisted's ``Deferred.asFuture`` adds
a callback that returns None, so the first waiter receives the parser and every later
one receives None, which the middleware reads as "no robots.txt, all allowed". A crawl
whose first requests come in together (a shared crawl's worker popping its queue,
``cleanwire scrape`` with several URLs) fetched disallowed pages that way.

Here each waiter gets a Deferred of its own, fired from a callback that passes the
parser on (the shape Scrapy had before it moved to ``async def``). Older Scrapy, whose
robot_parser is not a coroutine, already works that way and is left alone.

robots.txt is fetched once per host: the spider's own request for it (meta OWN_ROBOTS,
for its Sitemap: lines) is answered with the response this middleware fetched for the
rules, instead of a second download of the same file (which also cost the crawl a
politeness delay at its start).

What robots.txt answers, read as RFC 9309 (section 2.3.1) says, not as Scrapy does
(Scrapy parses whatever body came back, and treats a file it could not fetch as absent):
a 2xx (after redirects) is parsed, its first CLEANWIRE_ROBOTS_MAX_BYTES (500 KiB) only, cut
at the last whole line (crawler.middlewares.robots_fetch fetches that much, whatever the
page cap); a 4xx ("unavailable") allows everything, whatever its body says; a 5xx
("unreachable", after the retries) disallows everything on that host for this crawl, so
its pages are recorded as skipped: robots. A fetch that fails outright (DNS, refused
connection, timeout) is left as Scrapy has it: no rules, and the pages' own fetches report
why the host cannot be reached.
"""

from __future__ import annotations

import inspect
import logging
from typing import Any

from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware as _RobotsTxt
from scrapy.http import Request, Response
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet.defer import Deferred

from storage.contract import Counter

OWN_ROBOTS = "cw_robots"  # request.meta flag: the spider's robots.txt request (discovery)
DISALLOW_ALL = b"User-agent: *\nDisallow: /\n"

logger = logging.getLogger(__name__)


def rules_body(status: int, body: bytes, limit: int) -> bytes:
    """The robots.txt text whose rules a crawl obeys (RFC 9309, section 2.3.1): a 5xx
    disallows all, a 4xx allows all, else the first limit bytes up to a whole line."""
    if status >= 500:
        return DISALLOW_ALL
    if status >= 400:
        return b""
    if len(body) <= limit:
        return body
    head = body[:limit]
    cut = max(head.rfind(b"\n"), head.rfind(b"\r"))
    return head[:cut + 1] if cut >= 0 else b""


class RobotsTxtMiddleware(_RobotsTxt):
    """Scrapy's RobotsTxtMiddleware, with every request waiting for robots.txt given the
    parser, and robots.txt downloaded once per host."""

    def __init__(self, crawler: Any) -> None:
        super().__init__(crawler)
        self._robots: dict[str, Response] = {}  # netloc -> robots.txt as fetched for the rules
        self._limit = crawler.settings.getint("CLEANWIRE_ROBOTS_MAX_BYTES")

    def _rules_response(self, response: Response, netloc: str) -> Response:
        """response with the body whose rules are obeyed (rules_body)."""
        body = rules_body(response.status, response.body, self._limit)
        if response.status >= 500:
            self._stats.inc_value(Counter.ROBOTS_UNREACHABLE)
            logger.warning("robots.txt of %s answered %d: nothing of it is fetched in this "
                           "crawl (RFC 9309: unreachable means disallow all)",
                           netloc, response.status)
        return response if body is response.body else response.replace(body=body)

    if inspect.iscoroutinefunction(_RobotsTxt._parse_robots):  # Scrapy 2.19's shape
        async def process_request(self, request: Request,
                                  spider: Any = None) -> Response | None:
            if not request.meta.get(OWN_ROBOTS):
                return await super().process_request(request)
            await self.robot_parser(request)  # the rules' fetch: started now, or under way
            fetched = self._robots.pop(urlparse_cached(request).netloc, None)
            # the same file for the spider; a failed fetch leaves the spider's to the network
            if fetched is None:
                return None
            request.meta["dont_retry"] = True  # a 5xx was retried by the rules' fetch already
            return fetched.replace(request=request)

        async def _parse_robots(self, response: Response, netloc: str,
                                request: Request) -> None:
            self._robots[netloc] = response
            await super()._parse_robots(self._rules_response(response, netloc), netloc,
                                        request)

    if inspect.iscoroutinefunction(_RobotsTxt.robot_parser):
        async def robot_parser(self, request: Request) -> Any:
            pending = self._parsers.get(urlparse_cached(request).netloc)
            if not isinstance(pending, Deferred):  # unknown host (fetched now) or known
                return await super().robot_parser(request)
            mine: Deferred[Any] = Deferred()

            def hand_on(result: Any) -> Any:
                mine.callback(result)
                return result  # the next waiter gets the parser too

            pending.addCallback(hand_on)
            return await maybe_deferred_to_future(mine)
