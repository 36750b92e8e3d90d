"""A hostile server on 127.0.0.1 that never runs out: endless header lines, sitemap indexes that
never bottom out, a 20 MB sitemap.

    with EndlessServer() as server:
        cleanwire("crawl", server.url("/"), ...)

Raw HTTP/1.1 over a threading TCP server, so a response can be cut anywhere (an HTTP
library would not send headers forever). Routes:

/                         a home page linking to `home_links` (default /article/ and
                          /trap/endless-headers/)
/article/                 a normal article (tests/bad_inputs/server.py's)
/trap/endless-headers/    `HTTP/1.1 200 OK`, then 1 KB header lines until the client hangs
                          up (sent[path]: the bytes it took; LIVENESS_BYTES at most)
/trap/silent/             reads the request, answers nothing, waits for the client to hang up
/sitemaps/index-N/ID.xml  a sitemap index of N entries, each another index (ID-0 ... ID-N-1),
                          generated on the fly
/sitemaps/big.xml[.gz]    BIG_SITEMAP_URLS URLs in about BIG_SITEMAP_BYTES; its last entry is
                          BIG_SITEMAP_LAST (an ftp: URL the crawl records as refused, proving
                          the sitemap was read to its end)
/robots.txt               404, or `Sitemap:` lines of `robots_sitemaps`
"""

from __future__ import annotations

import contextlib
import gzip
import socketserver
import threading
from collections import Counter
from functools import cache
from types import TracebackType
from urllib.parse import urlsplit

from .server import ARTICLE_HTML, ARTICLE_PATH

ENDLESS_HEADERS = "/trap/endless-headers/"
SILENT = "/trap/silent/"
SILENT_LIVENESS_S = 120  # a silent answer gives up here if nobody hangs up (a test bound)
LIVENESS_BYTES = 2 << 30  # an endless response stops here if nobody hangs up (a test bound)
BIG_SITEMAP_URLS = 50_000
BIG_SITEMAP_BYTES = 20 << 20
BIG_SITEMAP_LAST = "ftp://127.0.0.1/the-last-entry-of-the-big-sitemap"
_HEADER_LINE = b"X-Filler-%08d: " + b"a" * 1000 + b"\r\n"


def sitemap_index(base_url: str, path: str, fanout: int) -> bytes:
    """The index at path: fanout entries, each an index one level deeper."""
    stem = path.removesuffix(".xml")
    entries = "".join(f"<sitemap><loc>{base_url}{stem}-{i}.xml</loc></sitemap>"
                      for i in range(fanout))
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns='
            f'"http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</sitemapindex>').encode()


@cache
def big_sitemap(base_url: str) -> bytes:
    """A Google News urlset of BIG_SITEMAP_URLS entries padded to about BIG_SITEMAP_BYTES."""
    pad = "Council approves the northern tram extension after a decade of debate " * 2
    entry = ("<url><loc>{base}/news/2026/{i:05d}/story.html</loc>"
             "<lastmod>2026-11-20T09:00:00Z</lastmod><news:news><news:publication>"
             "<news:name>The Endless Herald</news:name><news:language>en</news:language>"
             "</news:publication><news:title>{i} {pad}</news:title></news:news></url>\n")
    head = ('<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns='
            '"http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news='
            '"http://www.google.com/schemas/sitemap-news/0.9">\n')
    body = "".join(entry.format(base=base_url, i=i, pad=pad)
                   for i in range(BIG_SITEMAP_URLS - 1))
    return (head + body + f"<url><loc>{BIG_SITEMAP_LAST}</loc></url>\n</urlset>\n").encode()


@cache
def big_sitemap_gz(base_url: str) -> bytes:
    return gzip.compress(big_sitemap(base_url), compresslevel=6, mtime=0)


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128
    endless: EndlessServer

    def handle_error(self, request: object, client_address: object) -> None:
        return  # clients hanging up mid-response are the point


class _Handler(socketserver.StreamRequestHandler):
    server: _Server
    timeout = 30

    def handle(self) -> None:
        while True:  # keep-alive: one request after another on the connection
            line = self.rfile.readline(65537)
            if not line:
                return
            while self.rfile.readline(65537) not in (b"\r\n", b"\n", b""):
                pass
            parts = line.split()
            if len(parts) < 2:
                return
            path = urlsplit(parts[1].decode("latin-1")).path
            endless = self.server.endless
            with endless.lock:
                endless.requests[path] += 1
            if not self._route(endless, path):
                return

    def _route(self, endless: EndlessServer, path: str) -> bool:
        """Answer one request; False: the connection is done."""
        if path == ENDLESS_HEADERS:
            self._endless_headers(endless, path)
            return False
        if path == SILENT:
            self.request.settimeout(SILENT_LIVENESS_S)
            with contextlib.suppress(OSError):
                while self.request.recv(4096):
                    pass
            return False
        if path == "/":
            links = "".join(f'<li><a href="{p}">{p}</a></li>' for p in endless.home_links)
            return self._send(200, f"<!DOCTYPE html><html><head><title>The Endless Herald"
                                   f"</title></head><body><ul>{links}</ul></body></html>".encode())
        if path == ARTICLE_PATH:
            return self._send(200, ARTICLE_HTML.encode())
        if path == "/robots.txt" and endless.robots_sitemaps:
            lines = "".join(f"Sitemap: {endless.url(p)}\n" for p in endless.robots_sitemaps)
            return self._send(200, f"User-agent: *\nAllow: /\n{lines}".encode(), "text/plain")
        if path.startswith("/sitemaps/index-"):
            fanout = int(path.split("/")[2].removeprefix("index-"))
            return self._send(200, sitemap_index(endless.base_url, path, fanout),
                              "application/xml")
        if path == "/sitemaps/big.xml":
            return self._send(200, big_sitemap(endless.base_url), "application/xml")
        if path == "/sitemaps/big.xml.gz":
            return self._send(200, big_sitemap_gz(endless.base_url), "application/x-gzip")
        return self._send(404, b"<html><body>not found</body></html>")

    def _send(self, status: int, body: bytes, content_type: str = "text/html; charset=utf-8"
              ) -> bool:
        head = (f"HTTP/1.1 {status} {'OK' if status == 200 else 'Not Found'}\r\n"
                f"Content-Type: {content_type}\r\nContent-Length: {len(body)}\r\n\r\n")
        try:
            self.wfile.write(head.encode() + body)
        except OSError:
            return False
        return True

    def _endless_headers(self, endless: EndlessServer, path: str) -> None:
        sent = 0
        try:
            self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n")
            n = 0
            while sent < LIVENESS_BYTES:
                block = b"".join(_HEADER_LINE % (n + i) for i in range(64))
                self.wfile.write(block)
                sent += len(block)
                n += 64
        except OSError:
            pass  # the client hung up: what we want
        with endless.lock:
            endless.sent[path] = max(endless.sent[path], sent)
            endless.hung_up[path] += sent < LIVENESS_BYTES


class EndlessServer:
    """The endless site on http://127.0.0.1:<ephemeral port>."""

    def __init__(self, robots_sitemaps: tuple[str, ...] = (),
                 home_links: tuple[str, ...] = (ARTICLE_PATH, ENDLESS_HEADERS)) -> None:
        """robots_sitemaps: paths robots.txt names in `Sitemap:` lines (none: robots.txt 404s);
        home_links: the paths the home page links to."""
        self.robots_sitemaps = robots_sitemaps
        self.home_links = home_links
        self.requests: Counter[str] = Counter()
        self.sent: Counter[str] = Counter()  # path -> most bytes one endless response took
        self.hung_up: Counter[str] = Counter()  # path -> endless responses the client cut
        self.lock = threading.Lock()
        self.base_url = ""
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    def url(self, path: str) -> str:
        return self.base_url + path

    def requested(self, prefix: str) -> int:
        """Requests for paths starting with prefix."""
        with self.lock:
            return sum(n for path, n in self.requests.items() if path.startswith(prefix))

    def __enter__(self) -> EndlessServer:
        server = _Server(("127.0.0.1", 0), _Handler)
        server.endless = self
        self.base_url = f"http://127.0.0.1:{server.server_address[1]}"
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever,
                                        kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            with contextlib.suppress(RuntimeError):
                self._thread.join(timeout=5)
