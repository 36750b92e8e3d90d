"""A hostile web site on 127.0.0.1: the bad-input corpus, redirect traps and gzip bombs.

    with HostileServer() as server:
        cleanwire("crawl", server.url("/"), ...)

"/" links to every corpus page (/bad/NAME/), one normal article (/article/)
and the traps under /trap/ (see TRAPS); robots.txt answers 404 so no sitemap
of another site is discovered. A test may change what robots.txt answers, add routes
(an Answer each: a page, a body that never comes, or one that trickles) and choose what
"/" links to:

    HostileServer(names=(), robots=Answer(503), routes={"/slow/": Answer(mode=SILENT)},
                  home_links=("/slow/",))
"""

from __future__ import annotations

import contextlib
import gzip
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from functools import cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from urllib.parse import urlsplit

from .corpus import bad_inputs

ARTICLE_PATH = "/article/"
ARTICLE_TITLE = "Council approves the northern tram extension"
ARTICLE_SENTENCE = "The city council voted on Tuesday to extend the tram network north."
_PARAGRAPHS = [
    ARTICLE_SENTENCE + " The plan had been debated for nearly a decade, and the vote was close.",
    "Supporters said the line would cut commuting times for forty thousand residents of the "
    "northern districts, who today depend on crowded buses along a single arterial road.",
    "Opponents questioned the cost, estimated at 410 million euros, and asked whether the "
    "regional government would honour its promise to pay for a third of the construction.",
    "Construction is due to start next spring. The first section, six stops between the "
    "central station and the university hospital, should open to passengers in three years.",
    "The mayor called the vote historic and thanked the residents' associations that had "
    "campaigned for the extension since the first proposal was shelved in 2015.",
]
ARTICLE_HTML = f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>{ARTICLE_TITLE} | The Hostile Herald</title>
<meta property="og:type" content="article"><meta property="og:title" content="{ARTICLE_TITLE}">
<meta name="author" content="Jane Reporter">
<meta property="article:published_time" content="2026-11-20T09:00:00Z">
</head><body><header><nav><a href="/">Home</a></nav></header>
<article><h1>{ARTICLE_TITLE}</h1><p class="byline">By Jane Reporter</p>
{"".join(f"<p>{p}</p>" for p in _PARAGRAPHS)}</article>
<footer>© The Hostile Herald</footer></body></html>"""

# path -> (what it does, the reason the crawl must record for it)
TRAPS: dict[str, tuple[str, str]] = {
    "/trap/redirect-loop/": ("redirects to itself through a second URL, forever",
                             "too many redirects"),
    "/trap/redirect-file/": ("redirects to file:///etc/passwd", "refused: scheme"),
    "/trap/redirect-ftp/": ("redirects to ftp://example.invalid/", "refused: scheme"),
    "/trap/redirect-data/": ("redirects to a data: URL", "refused: scheme"),
    "/trap/redirect-private/": ("redirects to http://10.1.2.3/", "refused: private address"),
    "/trap/redirect-metadata/": ("redirects to the cloud metadata address 169.254.169.254",
                                 "refused: private address"),
    "/trap/redirect-localhost/": ("redirects to http://localhost:PORT/ (not the profile's host)",
                                  "refused: private address"),
    "/trap/gzip-bomb/": ("2 MB of gzip that inflates to 2 GB", "too large"),
    "/trap/gzip-bomb-10g/": ("10 MB of gzip that inflates to 10 GB", "too large"),
}


ANSWER = "answer"  # the whole answer at once
SILENT = "silent"  # the request is read, then nothing is sent until the client hangs up
TRICKLE = "trickle"  # status and headers, then one body byte a second, never all of it
NEVER_ENDS_S = 120  # a silent or trickling answer gives up here (a test bound)


@dataclass(frozen=True)
class Answer:
    """What a route sends (mode ANSWER), or how it stalls (SILENT, TRICKLE)."""

    status: int = 200
    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    mode: str = ANSWER


@cache
def gzip_bomb(gigabytes: int) -> bytes:
    """About gigabytes MB of gzip members, each inflating to 1 MiB of zeros."""
    member = gzip.compress(b"\0" * (1 << 20), compresslevel=9, mtime=0)
    return member * (1024 * gigabytes)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128
    hostile: HostileServer

    def handle_error(self, request: object, client_address: object) -> None:
        return  # clients hanging up on bombs are expected


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"
    timeout = 10

    def log_message(self, format: str, *args: object) -> None:
        return

    def do_GET(self) -> None:
        path = urlsplit(self.path).path
        self.server.hostile.requests[path] += 1
        try:
            self._route(path)
        except OSError:
            self.close_connection = True

    def _route(self, path: str) -> None:
        hostile = self.server.hostile
        if path in hostile.routes:
            self._answer(hostile.routes[path])
        elif path == "/robots.txt" and hostile.robots is not None:
            self._answer(hostile.robots)
        elif path == "/":
            self._send(200, hostile.index().encode(), "text/html; charset=utf-8")
        elif path == ARTICLE_PATH:
            self._send(200, ARTICLE_HTML.encode(), "text/html; charset=utf-8")
        elif path in hostile.pages:
            item = hostile.pages[path]
            self._send(200, item.body, item.content_type)
        elif path.startswith("/trap/redirect-"):
            self._send(302, b"", "text/html", {"Location": hostile.redirect_target(path)})
        elif path.startswith("/trap/loop-b/"):
            self._send(302, b"", "text/html", {"Location": "/trap/redirect-loop/"})
        elif path == "/trap/gzip-bomb/":
            self._send(200, gzip_bomb(2), "text/html", {"Content-Encoding": "gzip"})
        elif path == "/trap/gzip-bomb-10g/":
            self._send(200, gzip_bomb(10), "text/html", {"Content-Encoding": "gzip"})
        else:
            self._send(404, b"<html><body>not found</body></html>", "text/html")

    def _answer(self, answer: Answer) -> None:
        if answer.mode == ANSWER:
            self._send(answer.status, answer.body, answer.content_type, answer.headers)
            return
        stopping = self.server.hostile.stopping
        if answer.mode == SILENT:
            stopping.wait(NEVER_ENDS_S)
        else:
            self.send_response(answer.status)
            self.send_header("Content-Type", answer.content_type)
            self.send_header("Content-Length", str(NEVER_ENDS_S * 1000))
            self.end_headers()
            deadline = time.monotonic() + NEVER_ENDS_S
            while not stopping.wait(1) and time.monotonic() < deadline:
                self.wfile.write(b" ")  # OSError once the client has hung up
                self.wfile.flush()
        self.close_connection = True

    def _send(self, status: int, body: bytes, content_type: str,
              headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class HostileServer:
    """The hostile site on http://127.0.0.1:<ephemeral port>."""

    def __init__(self, names: tuple[str, ...] | None = None, *, robots: Answer | None = None,
                 routes: dict[str, Answer] | None = None,
                 home_links: tuple[str, ...] | None = None) -> None:
        """names: the corpus pages to serve (default all; () for the article and traps only);
        robots: what /robots.txt answers (default 404); routes: more paths, served before
        any other; home_links: what "/" links to (default: the corpus, article and traps)."""
        self.pages = {item.path: item for item in bad_inputs()
                      if names is None or item.name in names}
        self.robots = robots
        self.routes = dict(routes or {})
        self.home_links = home_links
        self.stopping = threading.Event()
        self.requests: Counter[str] = Counter()
        self.base_url = ""
        self.port = 0
        self._httpd: _Server | None = None
        self._thread: threading.Thread | None = None

    def url(self, path: str) -> str:
        return self.base_url + path

    def index(self) -> str:
        links = (self.home_links if self.home_links is not None
                 else [*self.pages, ARTICLE_PATH, *TRAPS])
        return ("<!DOCTYPE html><html><head><title>The Hostile Herald</title></head><body><ul>"
                + "".join(f'<li><a href="{p}">{p}</a></li>' for p in links) + "</ul></body></html>")

    def redirect_target(self, path: str) -> str:
        return {
            "/trap/redirect-loop/": "/trap/loop-b/",
            "/trap/redirect-file/": "file:///etc/passwd",
            "/trap/redirect-ftp/": "ftp://example.invalid/pub/",
            "/trap/redirect-data/": "data:text/html,<h1>hi</h1>",
            "/trap/redirect-private/": "http://10.1.2.3/admin/",
            "/trap/redirect-metadata/": "http://169.254.169.254/latest/meta-data/",
            "/trap/redirect-localhost/": f"http://localhost:{self.port}{ARTICLE_PATH}",
        }.get(path, "/")

    def __enter__(self) -> HostileServer:
        httpd = _Server(("127.0.0.1", 0), _Handler)
        httpd.hostile = self
        self.port = httpd.server_address[1]
        self.base_url = f"http://127.0.0.1:{self.port}"
        self._httpd = httpd
        self._thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                        daemon=True)
        self._thread.start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stopping.set()
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
        if self._thread is not None:
            with contextlib.suppress(RuntimeError):
                self._thread.join(timeout=5)
