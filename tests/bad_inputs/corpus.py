"""Hostile and broken page bodies, generated (nothing large is committed).

Each BadInput is what a server might send with status 200: the bytes and the
Content-Type header. `bad_inputs()` builds the list once per process; the
tests feed it to clean_page, to `cleanwire clean`, and through a real crawl.
"""

from __future__ import annotations

import gzip
import random
import struct
import zlib
from dataclasses import dataclass
from functools import cache

HTML = "text/html; charset=utf-8"
HTML_BARE = "text/html"


@dataclass(frozen=True)
class BadInput:
    name: str
    body: bytes
    content_type: str = HTML_BARE
    note: str = ""

    @property
    def path(self) -> str:
        return f"/bad/{self.name}/"


def _page(body: str, head: str = "<title>A page</title>") -> str:
    return f"<!DOCTYPE html><html><head>{head}</head><body>{body}</body></html>"


_PARA = ("The city council voted on Tuesday to expand the tram network into the northern "
         "districts, a plan that had been debated for nearly a decade. ")
_ARTICLE = _page("<article><h1>Council approves tram plan</h1>"
                 + "".join(f"<p>{_PARA * 3}</p>" for _ in range(6)) + "</article>")
_RUSSIAN = ("Городской совет во вторник проголосовал за расширение трамвайной сети в "
            "северные районы. ") * 20
_FRENCH = ("Le conseil municipal a voté mardi l'extension du réseau de tramway. "
           "Était-ce prévu ? ") * 20


def _png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    raw = b"".join(b"\x00" + b"\xff\x00\x00" * 16 for _ in range(16))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 16, 16, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


_PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]"
        b"/Count 0>>endobj\nxref\n0 3\ntrailer<</Root 1 0 R>>\n%%EOF\n")


def _nested(tag: str, depth: int, inner: str = "deep text") -> str:
    return f"<{tag}>" * depth + inner + f"</{tag}>" * depth


def _tables(depth: int) -> str:
    return "<table><tr><td>" * depth + "cell" + "</td></tr></table>" * depth


def _build() -> list[BadInput]:
    rng = random.Random(8)
    art = _ARTICLE
    items = [
        BadInput("truncated", art[: len(art) // 2].encode(), HTML, "cut mid-article"),
        BadInput("truncated-in-tag", b'<html><head><title>Cut</title></head><body><p>Some'
                 b' text here<a href="/x" cla', HTML),
        BadInput("unclosed-tags", _page("<div><p>one<p>two<span><b><i>three<div><ul><li>four"
                                        * 50).encode(), HTML),
        BadInput("deep-10k-div", _page(_nested("div", 10_000)).encode(), HTML),
        BadInput("deep-10k-mixed", _page("".join(f"<{t}>" for t in ["div", "span", "b", "i", "em"]
                                                 * 2000) + "bottom").encode(), HTML),
        BadInput("links-200k", _page("".join(f'<a href="/l/{i}">link {i}</a> '
                                             for i in range(200_000))).encode(), HTML),
        BadInput("nul-bytes", _ARTICLE.replace("the ", "the\x00 ").encode(), HTML),
        BadInput("only-nuls", b"\x00" * 10_000, HTML_BARE),
        BadInput("lying-utf8-is-cp1251",
                 _page(f"<p>{_RUSSIAN}</p>", '<meta charset="utf-8"><title>Новости</title>')
                 .encode("cp1251"), HTML_BARE),
        BadInput("lying-cp1252-is-utf8",
                 _page(f"<p>{_FRENCH}</p>", '<meta charset="windows-1252"><title>Été</title>')
                 .encode("utf-8"), HTML_BARE),
        BadInput("http-charset-lies", _page(f"<p>{_RUSSIAN}</p>").encode("cp1251"),
                 "text/html; charset=utf-8"),
        BadInput("two-meta-charsets",
                 _page(f"<p>{_FRENCH}</p>", '<meta charset="iso-8859-1"><meta charset="utf-8">'
                       '<title>x</title>').encode("utf-8"), HTML_BARE),
        BadInput("unknown-charset", _page(f"<p>{_FRENCH}</p>", '<meta charset="x-klingon-42">')
                 .encode("utf-8"), "text/html; charset=x-nonsense"),
        BadInput("utf16-le-bom", b"\xff\xfe" + _ARTICLE.encode("utf-16-le"), HTML_BARE),
        BadInput("utf16-be-bom", b"\xfe\xff" + _ARTICLE.encode("utf-16-be"), HTML_BARE),
        BadInput("utf16-le-no-bom", _ARTICLE.encode("utf-16-le"), HTML_BARE),
        BadInput("utf16-declared-no-bom", _page("<p>text</p>", '<meta charset="utf-16">')
                 .encode("utf-8"), "text/html; charset=utf-16"),
        BadInput("utf32-bom", b"\xff\xfe\x00\x00" + _ARTICLE.encode("utf-32-le"), HTML_BARE),
        BadInput("png-as-html", _png(), HTML_BARE),
        BadInput("pdf-as-html", _PDF, HTML_BARE),
        BadInput("gzip-bytes-as-html", gzip.compress(_ARTICLE.encode(), mtime=0), HTML_BARE),
        BadInput("random-bytes", rng.randbytes(64 * 1024), HTML_BARE),
        BadInput("empty", b"", HTML),
        BadInput("whitespace-only", b" \r\n\t " * 1000, HTML),
        BadInput("frameset-only", b'<html><head><title>Frames</title></head><frameset cols="50%,'
                 b'50%"><frame src="/a"><frame src="/b"></frameset></html>', HTML),
        BadInput("js-app-shell", _page(
            '<div id="root"></div><noscript>You need to enable JavaScript to run this app.'
            '</noscript><script src="/main.js"></script>', "<title>App</title>").encode(), HTML),
        BadInput("bot-challenge", _page(
            '<div id="cf-wrapper"><h1>Checking your browser before accessing the site.</h1>'
            "<p>This process is automatic. Your browser will redirect shortly.</p>"
            '<p>Ray ID: <code>7f1a2b3c4d5e</code></p></div><script>window._cf_chl_opt={}</script>',
            "<title>Just a moment...</title>").encode(), HTML),
        BadInput("paywall-stub", _page(
            "<article><h1>Inside the deal</h1><p>The two companies had been talking for"
            ' months before</p><div class="paywall">Subscribe to continue reading. Already a'
            " subscriber? Log in.</div></article>").encode(), HTML),
        BadInput("soft-404", _page("<h1>Page not found</h1><p>Sorry, the page you are looking "
                                   "for does not exist.</p>", "<title>404 Not Found</title>")
                 .encode(), HTML),
        BadInput("rss-as-html", b'<?xml version="1.0"?><rss version="2.0"><channel><title>Feed'
                 b"</title><item><title>One</title><link>http://example.invalid/1</link></item>"
                 b"</channel></rss>", HTML),
        BadInput("svg-as-html", b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"'
                 b' width="10" height="10"><script>alert(1)</script><rect width="10" height="10"/>'
                 b"</svg>", HTML),
        BadInput("huge-single-line", _page(" ".join(f'<span class="c{i}">w{i}</span>'
                                                    for i in range(60_000))).encode(), HTML),
        BadInput("5mb-one-paragraph", _page("<p>" + ("word " * 1_000_000) + "</p>").encode(),
                 HTML),
        BadInput("5mb-no-spaces", _page("<p>" + "x" * 5_000_000 + "</p>").encode(), HTML),
        BadInput("nested-tables", _page(_tables(3000)).encode(), HTML),
        BadInput("thousands-of-scripts", _page("<p>Real text.</p>" + "<script>var a=1;</script>"
                                               * 20_000).encode(), HTML),
        BadInput("invalid-entities", _page("<p>&#0; &#xD800; &#x110000; &#99999999999; &bogus;"
                                           " &amp &lt;&gt &#; &#x; " * 200 + "</p>").encode(),
                 HTML),
        BadInput("surrogate-junk", _page("<p>" + "\udcff\udc80 lone surrogates \ud83d" * 100
                                         + "</p>").encode("utf-8", "surrogatepass"), HTML_BARE),
        BadInput("cdata-abuse", _page("<p><![CDATA[ <script>alert(1)</script> ]]> text"
                                      "<![CDATA[ never closed " * 100 + "</p>").encode(), HTML),
        BadInput("unclosed-comment", (_ARTICLE[:400] + "<!-- this comment never closes "
                                      + "lorem " * 10_000).encode(), HTML),
        BadInput("html-in-html", ("<html><head><title>Outer</title></head><body>"
                                  + "<html><body><p>inner</p>" * 500 + "</body></html>").encode(),
                 HTML),
        BadInput("control-chars", _page("<p>" + "".join(chr(c) for c in range(1, 32)) * 200
                                        + "</p>").encode(), HTML),
        BadInput("rtl-overrides", _page("<p>\u202eevil\u202c \u2066isolate \u200f" * 500
                                        + "</p>", "<title>\u202etxt.exe</title>").encode(), HTML),
        BadInput("emoji-only", _page("<h1>🔥🔥🔥</h1><p>" + "😀🎉👍🏽🇺🇦👩‍👩‍👧" * 2000 + "</p>")
                 .encode(), HTML),
        BadInput("xml-declaration-html", b'<?xml version="1.0" encoding="utf-16"?>'
                 + _ARTICLE.encode(), HTML_BARE),
        BadInput("many-attributes", _page("<div " + " ".join(f'a{i}="{i}"' for i in range(50_000))
                                          + ">x</div>").encode(), HTML),
        BadInput("huge-attribute", _page('<div title="' + "x" * 3_000_000 + '">y</div>').encode(),
                 HTML),
        BadInput("meta-refresh-file", _page("<p>Moving</p>", '<meta http-equiv="refresh" '
                                            'content="0;url=file:///etc/passwd">').encode(), HTML),
        BadInput("hostile-links", _page('<a href="file:///etc/passwd">f</a><a href="ftp://'
                                        'example.invalid/x">ftp</a><a href="data:text/html,'
                                        '<script>1</script>">d</a><a href="javascript:alert(1)">'
                                        "j</a><p>" + _PARA * 5 + "</p>").encode(), HTML),
        BadInput("doctype-only", b"<!DOCTYPE html>", HTML),
        BadInput("json-as-html", b'{"articles": [{"title": "One", "body": "<p>x</p>"}]}', HTML),
        BadInput("unbalanced-quotes", _page('<p class="a>text <a href=\'/x>link</a> more "'
                                            * 2000 + "</p>").encode(), HTML),
    ]
    return items


@cache
def bad_inputs() -> tuple[BadInput, ...]:
    items = tuple(_build())
    assert len({i.name for i in items}) == len(items)
    return items


def by_name(name: str) -> BadInput:
    return next(i for i in bad_inputs() if i.name == name)
