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
"""

from __future__ import annotations

import inspect
from typing import Any

from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware as _RobotsTxt
from scrapy.http import Request
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet.defer import Deferred


class RobotsTxtMiddleware(_RobotsTxt):
    """Scrapy's RobotsTxtMiddleware, with every request waiting for robots.txt given the parser."""

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
