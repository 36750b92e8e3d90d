"""HTTP server for the fixture news site: a ThreadingHTTPServer on 127.0.0.1 in a daemon thread.

Serves the resources rendered by site.py with ETag / Last-Modified and 304 on conditional
GETs, gzip Content-Encoding when the client accepts it, and the special paths: /slow/
(delayed; /robots.txt too, when robots_seconds is set), /broken/ (500), /moved/ (301) and
404 for anything unknown. Counts and logs every request so tests can assert on what a
crawler fetched.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from collections import Counter
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from urllib.parse import urlsplit

from .site import (
    BROKEN_PATH,
    HTML_TYPE,
    MOVED_PATH,
    ROBOTS_PATH,
    SITE_NAME,
    SLOW_PATH,
    FixtureSite,
    Resource,
)

DEFAULT_SLOW_SECONDS = 5.0
_ERROR_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title} | {site}</title></head>
<body><h1>{title}</h1><p>{message}</p><p><a href="/">Back to the home page</a></p></body></html>
"""


def _error_body(status: int) -> bytes:
    title, message = {
        404: ("Page not found", "Sorry, we could not find that page."),
        405: ("Method not allowed", "This page cannot be posted to."),
        500: ("Internal server error", "Something went wrong on our side. Please try later."),
    }[status]
    return _ERROR_PAGE.format(title=title, message=message, site=SITE_NAME).encode("utf-8")


def _accepts_gzip(header: str | None) -> bool:
    """True when an Accept-Encoding header allows gzip (q > 0)."""
    for part in (header or "").split(","):
        coding, _, params = part.strip().partition(";")
        if coding.strip().lower() not in ("gzip", "x-gzip", "*"):
            continue
        q = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if q > 0:
            return True
    return False


def _etag_matches(header: str, etag: str) -> bool:
    """Weak comparison of If-None-Match against etag (RFC 9110 13.1.2)."""
    if header.strip() == "*":
        return True
    bare = etag.removeprefix("W/")
    return any(tag.strip().removeprefix("W/") == bare for tag in header.split(","))


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    # a crawler opens many connections at once; with the default backlog of 5 the kernel drops
    # SYNs and the client retries a second later, which trips short download timeouts
    request_queue_size = 128
    fixture: FixtureServer

    def handle_error(self, request: object, client_address: object) -> None:
        # clients that hang up (timeouts, size caps) are normal here; stay quiet
        return


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"
    server_version = "FixtureTimes/1.0"
    sys_version = ""
    timeout = 10  # idle keep-alive connections are closed after this many seconds

    def log_message(self, format: str, *args: object) -> None:
        return

    def setup(self) -> None:
        super().setup()
        self.server.fixture._track(self.connection, add=True)

    def finish(self) -> None:
        with contextlib.suppress(OSError):
            super().finish()
        self.server.fixture._track(self.connection, add=False)

    def do_GET(self) -> None:
        self._serve(head=False)

    def do_HEAD(self) -> None:
        self._serve(head=True)

    def do_POST(self) -> None:
        self.server.fixture._record(self)
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        self._send(405, _error_body(405), HTML_TYPE, head=False, extra={"Allow": "GET, HEAD"})

    def _serve(self, head: bool) -> None:
        fixture = self.server.fixture
        fixture._record(self)
        split = urlsplit(self.path)
        path = split.path or "/"
        full = f"{path}?{split.query}" if split.query else path
        delay = (fixture.slow_seconds if path == SLOW_PATH else
                 fixture.robots_seconds if path == ROBOTS_PATH else 0)
        slow = delay > 0 and fixture._page(full, path) is not None
        if slow and fixture._stopping.wait(delay):
            self.close_connection = True  # shutting down: hang up without an answer
            return
        resource = fixture._page(full, path)
        if resource is not None:
            self._send_resource(resource, head)
        elif path == BROKEN_PATH and fixture._special(path):
            self._send(500, _error_body(500), HTML_TYPE, head)
        elif path == MOVED_PATH and fixture._special(path):
            location = fixture.url(fixture.site.moved_target)
            body = f'<html><body><a href="{location}">Moved here</a></body></html>'.encode()
            self._send(301, body, HTML_TYPE, head, extra={"Location": location})
        else:
            self._send(404, _error_body(404), HTML_TYPE, head)

    def _send_resource(self, resource: Resource, head: bool) -> None:
        validators = {"ETag": resource.etag,
                      "Last-Modified": format_datetime(resource.last_modified, usegmt=True)}
        if self._not_modified(resource):
            self._send(304, b"", None, head=True, extra=validators)
            return
        self._send(200, resource.body, resource.content_type, head, extra=validators,
                   resource=resource)

    def _not_modified(self, resource: Resource) -> bool:
        inm = self.headers.get("If-None-Match")
        if inm is not None:  # takes precedence over If-Modified-Since
            return _etag_matches(inm, resource.etag)
        ims = self.headers.get("If-Modified-Since")
        if ims:
            try:
                since = parsedate_to_datetime(ims)
            except (TypeError, ValueError):
                return False
            if since.tzinfo is None:
                since = since.replace(tzinfo=UTC)
            return resource.last_modified.replace(microsecond=0) <= since
        return False

    def _send(self, status: int, body: bytes, content_type: str | None, head: bool,
              extra: dict[str, str] | None = None, resource: Resource | None = None) -> None:
        headers = dict(extra or {})
        compressible = resource.compressible if resource is not None else status != 304
        if compressible and content_type is not None:
            headers["Vary"] = "Accept-Encoding"
            if _accepts_gzip(self.headers.get("Accept-Encoding")):
                body = resource.gzipped if resource is not None else _gzip(body)
                headers["Content-Encoding"] = "gzip"
        try:
            self.send_response(status)
            if content_type is not None:
                self.send_header("Content-Type", content_type)
            for name, value in headers.items():
                self.send_header(name, value)
            if status != 304:
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if not head and status != 304:
                self.wfile.write(body)
        except OSError:
            self.close_connection = True


def _gzip(body: bytes) -> bytes:
    import gzip

    return gzip.compress(body, mtime=0)


class FixtureServer:
    """The fixture site on a real HTTP server; use as a context manager or start()/stop()."""

    def __init__(self, site: FixtureSite | None = None,
                 slow_seconds: float = DEFAULT_SLOW_SECONDS, port: int = 0) -> None:
        self.site = site if site is not None else FixtureSite()
        self._wanted_port = port
        self.slow_seconds = slow_seconds
        self.robots_seconds = 0.0  # delay before /robots.txt is answered
        self.requests: Counter[str] = Counter()
        self.request_log: list[tuple[str, str, dict[str, str]]] = []
        self.base_url = ""
        self.host = ""
        self.port = 0
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._pages: dict[str, Resource] = {}
        self._specials: set[str] = {BROKEN_PATH, MOVED_PATH}
        self._connections: set[socket.socket] = set()
        self._httpd: _Server | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle ----------------------------------------------------------------------------

    def start(self) -> FixtureServer:
        if self._httpd is not None:
            return self
        httpd = _Server(("127.0.0.1", self._wanted_port), _Handler)
        httpd.fixture = self
        self.port = httpd.server_address[1]
        self.host = f"127.0.0.1:{self.port}"
        self.base_url = f"http://{self.host}"
        self._pages = self.site.render(self.base_url)
        self._stopping.clear()
        self._httpd = httpd
        self._thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                        name=f"fixture-site-{self.port}", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        httpd, self._httpd = self._httpd, None
        if httpd is None:
            return
        self._stopping.set()  # wakes handlers sleeping in /slow/
        httpd.shutdown()
        httpd.server_close()
        with self._lock:
            open_connections = list(self._connections)
        for conn in open_connections:  # idle keep-alive connections
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> FixtureServer:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

    # -- test API -----------------------------------------------------------------------------

    def url(self, path: str) -> str:
        """Absolute URL of path ("/world/" -> "http://127.0.0.1:PORT/world/")."""
        return self.base_url + (path if path.startswith("/") else "/" + path)

    def set_page(self, path: str, html: str) -> None:
        """Serve html at path (a path, optionally with query), with a new ETag and a
        Last-Modified later than before. Overrides /broken/ and /moved/; /slow/ stays slow."""
        with self._lock:
            previous = self._pages.get(path)
            now = datetime.now(UTC).replace(microsecond=0)
            newest = max((r.last_modified for r in self._pages.values()), default=now)
            floor = previous.last_modified if previous is not None else newest
            modified = max(now, floor.replace(microsecond=0) + timedelta(seconds=1))
            self._pages[path] = Resource(html.encode("utf-8"), HTML_TYPE, modified)
            self._specials.discard(path)

    def remove_page(self, path: str) -> None:
        """Make path answer 404 from now on."""
        with self._lock:
            self._pages.pop(path, None)
            self._specials.discard(path)

    def reset_counts(self) -> None:
        """Forget the requests seen so far (counts and log)."""
        with self._lock:
            self.requests.clear()
            self.request_log.clear()

    def requested(self, path: str) -> int:
        """How many requests path (without query) received."""
        with self._lock:
            return self.requests[path]

    def paths_requested(self) -> set[str]:
        with self._lock:
            return set(self.requests)

    # -- used by the handler ------------------------------------------------------------------

    def _record(self, handler: BaseHTTPRequestHandler) -> None:
        path = urlsplit(handler.path).path or "/"
        with self._lock:
            self.requests[path] += 1
            self.request_log.append((handler.command, handler.path, dict(handler.headers.items())))

    def _page(self, full: str, path: str) -> Resource | None:
        with self._lock:
            page = self._pages.get(full)
            if page is None and full != path:
                page = self._pages.get(path)  # unknown query strings (utm_*, fbclid) ignored
            return page

    def _special(self, path: str) -> bool:
        with self._lock:
            return path in self._specials

    def _track(self, conn: socket.socket, add: bool) -> None:
        with self._lock:
            if add:
                self._connections.add(conn)
            else:
                self._connections.discard(conn)
