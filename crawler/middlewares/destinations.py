"""Downloader middleware: the crawler only goes to public http(s) addresses.

SafeDestinationMiddleware refuses any request whose scheme is not http/https
("refused: scheme") or whose host is a private, loopback, link-local or
otherwise non-public address ("refused: private address"), unless the site
profile names that host. It also reads the Location of 3xx responses before
RedirectMiddleware follows them (it sits above it, 650 > 600, so it sees the
response first), so a public page cannot bounce the crawler to file:///etc/passwd
or http://169.254.169.254/. Host names outside the profile are resolved with
getaddrinfo; resolution failures are left to the downloader to report.

MetaRefreshMiddleware is Scrapy's, minus its cost on pages without a refresh: Scrapy
decodes and parses the start of every page for <meta http-equiv="refresh">; this one
first looks for the word in the page's first bytes.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable
from typing import Any
from urllib.parse import urljoin, urlsplit

from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware as _MetaRefresh
from scrapy.exceptions import NotConfigured
from scrapy.http import Request, Response
from w3lib.url import safe_url_string

from cleaners.urlkeys import host_of
from crawler.failures import RefusedRequest
from crawler.urls import WEB_SCHEMES
from storage.contract import Reason

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
Resolver = Callable[[str], list[str]]


def _resolve(host: str) -> list[str]:
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        return []
    return [str(info[4][0]) for info in infos]


def is_public_address(address: str) -> bool:
    """True for a globally routable unicast IP address (IPv4-mapped IPv6 unwrapped)."""
    try:
        ip = ipaddress.ip_address(address.split("%")[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return not (ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_reserved
                or ip.is_multicast or ip.is_unspecified or not ip.is_global)


def is_private_host(host: str, resolve: Resolver = _resolve) -> bool:
    """True when host is (or resolves to) a non-public address; localhost counts."""
    host = host.strip("[]").lower().rstrip(".")
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return not is_public_address(str(ipaddress.ip_address(host)))
    except ValueError:
        pass
    return any(not is_public_address(a) for a in resolve(host))


def refusal(url: str, trusted_hosts: frozenset[str], resolve: Resolver = _resolve) -> str | None:
    """Why url must not be fetched ("refused: scheme" / "refused: private address"), or None."""
    parts = urlsplit(url)
    if parts.scheme.lower() not in WEB_SCHEMES or not parts.hostname:
        return Reason.REFUSED_SCHEME
    if host_of(url) in trusted_hosts:
        return None
    if is_private_host(parts.hostname, resolve):
        return Reason.REFUSED_PRIVATE
    return None


class SafeDestinationMiddleware:
    """Refuse non-web schemes and private addresses in requests and redirects."""

    def __init__(self, crawler: Any, resolve: Resolver = _resolve) -> None:
        self.crawler = crawler
        self.resolve = resolve

    @classmethod
    def from_crawler(cls, crawler: Any) -> SafeDestinationMiddleware:
        if not crawler.settings.getbool("CLEANWIRE_SAFE_DESTINATIONS", True):
            raise NotConfigured("CLEANWIRE_SAFE_DESTINATIONS is off")
        return cls(crawler)

    def _trusted(self) -> frozenset[str]:
        return frozenset(getattr(self.crawler.spider, "hosts", None) or ())

    def _check(self, url: str) -> None:
        reason = refusal(url, self._trusted(), self.resolve)
        if reason:
            raise RefusedRequest(reason, url)

    def process_request(self, request: Request, spider: Any = None) -> None:
        self._check(request.url)

    def process_response(self, request: Request, response: Response,
                         spider: Any = None) -> Response:
        location = response.headers.get(b"Location")
        if (response.status in REDIRECT_STATUSES and location
                and not request.meta.get("dont_redirect")):
            target = urljoin(request.url, safe_url_string(location.decode("latin-1")))
            self._check(target)
        return response


# Scrapy looks at the first 4096 characters: at most 4 bytes each in UTF-8
_REFRESH_SCAN_BYTES = 4 * 4096


class MetaRefreshMiddleware(_MetaRefresh):
    """Scrapy's MetaRefreshMiddleware, run only on pages whose first bytes say "refresh"
    (or that may be in a wide encoding, where bytes tell nothing)."""

    def process_response(self, request: Request, response: Response, *args: Any,
                         **kwargs: Any) -> Request | Response:
        head = response.body[:_REFRESH_SCAN_BYTES]
        if b"refresh" not in head.lower() and b"\x00" not in head[:256]:
            return response
        return super().process_response(request, response, *args, **kwargs)
