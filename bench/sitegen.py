"""A synthetic static news site for crawl benchmarks: N article pages of ~60 KB each.

Articles (~800 words of real-looking prose: paragraphs of the WCXB ground truth
when ../shared is there, else generated sentences), a share in German and French,
a few near-duplicates, nav, sidebar of related links, comment widget, footer,
inline scripts and styles; plus section fronts, a sitemap and an RSS feed.
Pages are built on demand from the path, deterministically, so 50,000 pages cost
no disk and no memory up front.
"""

from __future__ import annotations

import gzip
import json
import random
from functools import lru_cache
from pathlib import Path

SHARED = Path(__file__).resolve().parent.parent.parent / "shared"
SECTIONS = ("world", "politics", "business", "science", "sport", "culture")
PER_SECTION_PAGE = 50
DE = ("Die Regierung hat am Dienstag neue Pläne für den Ausbau der Bahnstrecken vorgestellt, "
      "die nach Angaben des Ministeriums bis zum Ende des Jahrzehnts umgesetzt werden sollen. "
      "Kritiker bemängeln, dass die Finanzierung noch nicht gesichert sei und die Kommunen zu "
      "wenig Mitsprache erhielten. ")
FR = ("Le gouvernement a présenté mardi un nouveau plan pour moderniser les lignes ferroviaires "
      "régionales, qui doit être mis en œuvre d'ici la fin de la décennie selon le ministère. "
      "Les critiques estiment que le financement n'est pas encore assuré et que les communes "
      "ne sont pas assez consultées. ")
FILLER = ("the council said on Tuesday that the new plan would cost more than expected while "
          "officials in the region warned of delays to the project and residents asked for "
          "clearer answers about the schedule and the budget")


@lru_cache(maxsize=1)
def paragraphs() -> tuple[str, ...]:
    """Real prose paragraphs (WCXB ground truth) or generated ones."""
    found: list[str] = []
    truth = SHARED / "data" / "wcxb" / "dev" / "ground-truth"
    if truth.is_dir():
        for path in sorted(truth.glob("*.json"))[:400]:
            text = json.loads(path.read_text("utf-8")).get("ground_truth", {}).get(
                "main_content") or ""
            found.extend(p.strip() for p in text.split("\n\n") if 200 < len(p.strip()) < 900)
    if len(found) < 200:
        rng = random.Random(7)
        words = FILLER.split()
        found = [" ".join(rng.choice(words) for _ in range(90)).capitalize() + "."
                 for _ in range(2000)]
    return tuple(found)


class Site:
    def __init__(self, articles: int, near_duplicates: int = 20, base: str = "") -> None:
        self.articles = articles
        self.near_duplicates = near_duplicates
        self.base = base  # "http://127.0.0.1:PORT", for absolute URLs in sitemap and feed

    # -- paths -------------------------------------------------------------------------------
    def article_path(self, i: int) -> str:
        return f"/{SECTIONS[i % len(SECTIONS)]}/2025/{1 + i % 12:02d}/story-{i}.html"

    def section_pages(self, section: int) -> int:
        count = len(range(section, self.articles, len(SECTIONS)))
        return max(1, -(-count // PER_SECTION_PAGE))

    def paths(self) -> list[str]:
        """Every page this site links to and serves: what a crawl of it can fetch."""
        found = ["/", "/robots.txt", "/sitemap.xml", "/feed.xml"]
        for s, name in enumerate(SECTIONS):
            found.append(f"/{name}/")  # the menu links pages 2-13 of every section
            found += [f"/{name}/page/{n}" for n in range(1, max(13, self.section_pages(s)) + 1)]
        return found + [self.article_path(i) for i in range(self.articles)]

    # -- rendering ---------------------------------------------------------------------------
    def page(self, path: str) -> tuple[bytes, str] | None:
        if path == "/":
            return self.home(), "text/html; charset=utf-8"
        if path == "/robots.txt":
            robots = f"User-agent: *\nDisallow: /admin/\nSitemap: {self.base}/sitemap.xml\n"
            return robots.encode(), "text/plain"
        if path == "/sitemap.xml":
            return self.sitemap(), "application/xml"
        if path == "/feed.xml":
            return self.feed(), "application/rss+xml"
        parts = path.strip("/").split("/")
        if parts[0] in SECTIONS and len(parts) <= 3 and "story-" not in path:
            number = int(parts[2]) if len(parts) == 3 and parts[1] == "page" else 1
            return self.section(SECTIONS.index(parts[0]), number), "text/html; charset=utf-8"
        if path.endswith(".html") and "story-" in path:
            i = int(path.rsplit("story-", 1)[1].removesuffix(".html"))
            if 0 <= i < self.articles and path == self.article_path(i):
                return self.article(i), "text/html; charset=utf-8"
        return None

    def chrome(self, title: str, body: str, lang: str = "en", head: str = "") -> bytes:
        """Site furniture as DOM-heavy as a real news site's: mega-menu, cards, footer lists."""
        menu = "".join(
            f'<li class="menu-item"><a class="menu-link" href="/{s}/"><span>{s.title()}</span>'
            f'</a><div class="submenu"><ul>'
            + "".join(f'<li><a href="/{s}/page/{k}"><span class="label">{s} {k}</span></a></li>'
                      for k in range(2, 14))
            + "</ul></div></li>" for s in SECTIONS)
        cards = "".join(
            f'<div class="card"><div class="card-media"><img src="/img/{k}.jpg" alt=""></div>'
            f'<div class="card-body"><span class="kicker">Opinion</span><h4><a href="/about/{k}">'
            f'Columnist {k} on the week</a></h4><span class="time">2h ago</span></div></div>'
            for k in range(48))
        footer = "".join(
            f'<div class="col"><h5>Group {g}</h5><ul>'
            + "".join(f'<li><a href="/about/{g}-{k}">Link {g}.{k}</a></li>' for k in range(12))
            + "</ul></div>" for g in range(6))
        script = ('<script>window.__STATE__=' + json.dumps({"ads": list(range(4000))})
                  + ";</script>" + '<script src="/static/app.js"></script>' * 10)
        style = "<style>" + ".c{margin:0;padding:0}" * 60 + "</style>"
        html = (f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8"><title>{title}'
                f' | Bench Herald</title>{head}{style}{script}</head><body>'
                f'<div class="cookie-banner">We use cookies. <button>Accept</button></div>'
                f'<header class="masthead"><a href="/">Bench Herald</a><nav class="main-nav">'
                f'<ul class="menu">{menu}</ul></nav></header>{body}'
                f'<section class="more-cards">{cards}</section>'
                f'<footer class="site-footer"><div class="cols">{footer}</div>'
                f"<p>© 2025 Bench Herald</p></footer></body></html>")
        return html.encode("utf-8")

    def article(self, i: int) -> bytes:
        rng = random.Random(i)
        source = paragraphs()
        lang = "de" if i % 20 == 7 else "fr" if i % 20 == 13 else "en"
        twin = i - 1 if i > 0 and i % max(1, self.articles // max(1, self.near_duplicates)) == 0 \
            else None
        rng_text = random.Random(twin if twin is not None else i)
        if lang == "en":
            body = [source[rng_text.randrange(len(source))] for _ in range(9)]
        else:
            body = [(DE if lang == "de" else FR) * 3 for _ in range(6)]
            body = [f"{p} ({i}-{k})" for k, p in enumerate(body)]
        if twin is not None:
            body.append("Editor's note: this story was updated with new figures.")
        title = f"Story {i}: " + " ".join(body[0].split()[:8])
        paras = "".join(f"<p>{p}</p>" for p in body)
        related = "".join(f'<li><a href="{self.article_path(rng.randrange(self.articles))}">'
                          f"Related headline {k}</a></li>" for k in range(12))
        meta = (f'<meta property="og:type" content="article"><meta property="article:'
                f'published_time" content="2025-{1 + i % 12:02d}-{1 + i % 28:02d}T08:00:00Z">'
                f'<meta name="author" content="Reporter {i % 40}">')
        article = (f'<main><article class="story"><h1>{title}</h1><p class="byline">By Reporter '
                   f'{i % 40}</p>{paras}</article><aside class="sidebar"><h3>Related</h3><ul>'
                   f'{related}</ul></aside><section class="comments"><h3>Comments</h3>'
                   f'<textarea></textarea><p>200 characters</p></section></main>')
        return self.chrome(title, article, lang, meta)

    def section(self, s: int, number: int) -> bytes:
        items = list(range(s, self.articles, len(SECTIONS)))
        chunk = items[(number - 1) * PER_SECTION_PAGE: number * PER_SECTION_PAGE]
        teasers = "".join(f'<article class="teaser"><h2><a href="{self.article_path(i)}">Story '
                          f'{i}</a></h2><p>Summary of story {i}.</p></article>' for i in chunk)
        pages = "".join(f'<a href="/{SECTIONS[s]}/page/{n}">{n}</a> '
                        for n in range(1, self.section_pages(s) + 1))
        return self.chrome(SECTIONS[s].title(), f"<main>{teasers}<nav>{pages}</nav></main>")

    def home(self) -> bytes:
        latest = "".join(f'<li><a href="{self.article_path(i)}">Story {i}</a></li>'
                         for i in range(min(50, self.articles)))
        return self.chrome("Home", f'<main><link rel="alternate" type="application/rss+xml" '
                                   f'href="/feed.xml"><ul>{latest}</ul></main>',
                           head='<link rel="alternate" type="application/rss+xml" '
                                'href="/feed.xml">')

    def sitemap(self) -> bytes:
        urls = "".join(f"<url><loc>{self.base}{self.article_path(i)}</loc></url>"
                       for i in range(self.articles))
        return (f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/'
                f'0.9">{urls}</urlset>').encode()

    def feed(self) -> bytes:
        items = "".join(f"<item><title>Story {i}</title><link>{self.base}"
                        f"{self.article_path(i)}</link>"
                        f"</item>" for i in range(min(50, self.articles)))
        return f'<?xml version="1.0"?><rss version="2.0"><channel>{items}</channel></rss>'.encode()


def gzipped(body: bytes) -> bytes:
    return gzip.compress(body, compresslevel=1)
