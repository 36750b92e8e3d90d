"""Content of the fixture news site "Fixture Times": article specs and every resource it serves.

FixtureSite is built deterministically from corpus.py (no randomness). render(base) turns it
into a dict path -> Resource for one server address; the dynamic paths (/slow/ delay,
/broken/, /moved/) are handled by server.py. FixtureSite(opaque=True) is the same site as a
big news portal serves it: every article under an opaque address (/news/0000-1f3a9c02d7.html,
/story?idx=3, /article.php?id=1004, /p/<hex>), a mega-menu, a "most read" box and a grid of
teasers around each story, and some stories only a lede and a paragraph long.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from functools import cached_property
from html import escape
from itertools import islice

from .corpus import FURNITURE, PARAGRAPHS, PRIVATE_STORY, SLOW_STORY, STORIES, Story

SITE_NAME = "Fixture Times"
FOOTER_TEXT = "© 2025 Fixture Times. All rights reserved."
HTML_TYPE = "text/html; charset=utf-8"
XML_TYPE = "application/xml; charset=utf-8"
RSS_TYPE = "application/rss+xml; charset=utf-8"
GZIP_TYPE = "application/x-gzip"

ROBOTS_PATH = "/robots.txt"
FEED_PATH = "/feed.xml"
SITEMAP_INDEX_PATH = "/sitemap_index.xml"
SITEMAP_GZ_PATH = "/sitemaps/articles-1.xml.gz"
SITEMAP_NEWS_PATH = "/sitemaps/news.xml"
PRIVATE_PATH = "/private/secret-article/"
MISSING_PATH = "/missing/"
BROKEN_PATH = "/broken/"
MOVED_PATH = "/moved/"
PDF_PATH = "/files/report.pdf"
HUGE_PATH = "/huge/"
SLOW_PATH = "/slow/"
IMAGE_PATH = "/image.jpg"
OFFSITE_URL = "http://example.invalid/offsite"
SECTION_PATHS: tuple[str, ...] = ("/world/", "/business/", "/sport/")
WORLD_PAGE_2 = "/world/?page=2"
TAG_PATH = "/tag/ukraine/"
LISTING_PATHS: tuple[str, ...] = ("/", *SECTION_PATHS, WORLD_PAGE_2, TAG_PATH)

HUGE_BYTES = 3 * 1024 * 1024  # /huge/ is at least this many bytes
NEWS_SITEMAP_SIZE = 8  # the most recent articles go to the news sitemap, the rest to the .gz one
FEED_SIZE = 10
TEASERS_PER_FRONT = 9
#: opaque article addresses of FixtureSite(opaque=True), by index modulo their number
OPAQUE_FORMS: tuple[str, ...] = ("/news/{i:04d}-{h10}.html", "/story?idx={i}",
                                 "/article.php?id={n}", "/p/{h16}")
PAYWALL_PATH = "/premium/0001-9a7c3e.html"  # FixtureSite(opaque=True) only: a paywall stub
OPAQUE_MENU_SECTIONS = 160  # links in the portal's mega-menu (a real one has 100-400)

_EPOCH = datetime(2025, 1, 1, tzinfo=UTC)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZÄÖÜÉÈ])")
_SECTION_NAMES = {"world": "World", "business": "Business", "sport": "Sport", "news": "News"}


@dataclass(frozen=True)
class ArticleSpec:
    """What a test may assert about one article page."""

    key: str
    path: str  # "/news/2025/01/07/slug/"
    title: str  # headline without the " | Fixture Times" suffix
    summary: str
    language: str  # "en", "de", "fr"
    authors: tuple[str, ...]
    published: str  # ISO 8601 with offset
    modified: str
    section: str
    tags: tuple[str, ...]
    first_sentence: str  # unique across the site
    paragraphs: tuple[str, ...]  # body paragraphs in page order, lede first
    linked: bool  # reachable from an HTML page or the feed
    in_sitemap: bool
    sitemap: str | None  # path of the sitemap that lists it

    @property
    def text(self) -> str:
        """The article body as a cleaner should extract it: paragraphs joined by blank lines."""
        return "\n\n".join(self.paragraphs)

    @property
    def published_at(self) -> datetime:
        return datetime.fromisoformat(self.published)

    @property
    def modified_at(self) -> datetime:
        return datetime.fromisoformat(self.modified)

    def url(self, base: str) -> str:
        return base.rstrip("/") + self.path


@dataclass(frozen=True)
class Resource:
    """One response body the server can send with 200."""

    body: bytes
    content_type: str
    last_modified: datetime
    compressible: bool = True  # may be sent with Content-Encoding: gzip

    @cached_property
    def etag(self) -> str:
        return '"' + hashlib.sha256(self.body).hexdigest()[:32] + '"'

    @cached_property
    def gzipped(self) -> bytes:
        return gzip.compress(self.body, mtime=0)


def first_sentence(paragraph: str) -> str:
    return _SENTENCE_END.split(paragraph, maxsplit=1)[0]


def _spec(story: Story, index: int, body: tuple[str, ...], sitemap: str | None) -> ArticleSpec:
    # index -> a permutation of days so that topics are spread over the month
    day = 2 + (index * 7) % 24
    published = _EPOCH.replace(day=day, hour=6 + (index * 5) % 12, minute=(index * 13) % 60)
    modified = published + timedelta(hours=2, minutes=15)
    prefix = "/world" if story.section == "world" else "/news"
    return ArticleSpec(
        key=story.key,
        path=f"{prefix}/{published:%Y/%m/%d}/{story.slug}/",
        title=story.title,
        summary=story.summary,
        language=story.language,
        authors=story.authors,
        published=published.isoformat(),
        modified=modified.isoformat(),
        section=story.section,
        tags=story.tags,
        first_sentence=first_sentence(story.lede),
        paragraphs=(story.lede, *body),
        linked=story.linked,
        in_sitemap=sitemap is not None,
        sitemap=sitemap,
    )


@dataclass
class FixtureSite:
    """The whole site's content; deterministic, independent of the server address."""

    articles: list[ArticleSpec] = field(default_factory=list)
    private_article: ArticleSpec | None = None  # /private/secret-article/, disallowed by robots
    slow_article: ArticleSpec | None = None  # /slow/, answered after a delay
    moved_target: str = ""  # path /moved/ redirects to
    opaque: bool = False  # portal pages under opaque addresses (module docstring)

    def __post_init__(self) -> None:
        if self.articles:
            return
        cursors = dict.fromkeys(PARAGRAPHS, 0)
        topic_count = dict.fromkeys(PARAGRAPHS, 0)

        def take(topic: str, n: int) -> tuple[str, ...]:
            pool = PARAGRAPHS[topic]
            start = cursors[topic]
            cursors[topic] = start + n
            return tuple(pool[(start + i) % len(pool)] for i in range(n))

        drafts: list[tuple[Story, tuple[str, ...]]] = []
        for story in STORIES:
            if story.own_paragraphs:
                body = story.own_paragraphs
            else:
                body = take(story.topic, 4 + topic_count[story.topic] % 3)
                topic_count[story.topic] += 1
            drafts.append((story, body))
        by_date = sorted(range(len(drafts)), key=lambda i: (2 + (i * 7) % 24, i))
        recent = set(by_date[-NEWS_SITEMAP_SIZE:])
        self.articles = [
            _spec(story, i, body, SITEMAP_NEWS_PATH if i in recent else SITEMAP_GZ_PATH)
            for i, (story, body) in enumerate(drafts)
        ]
        self.articles.sort(key=lambda a: a.published, reverse=True)
        if self.opaque:
            self.articles = [_opaque(a, i) for i, a in enumerate(self.articles)]
        private = _spec(PRIVATE_STORY, 3, take(PRIVATE_STORY.topic, 3), None)
        self.private_article = _replace_path(private, PRIVATE_PATH)
        slow = _spec(SLOW_STORY, 9, take(SLOW_STORY.topic, 3), None)
        self.slow_article = _replace_path(slow, SLOW_PATH)
        self.moved_target = self.by_key("gdp").path

    # -- queries ------------------------------------------------------------------------------

    def by_key(self, key: str) -> ArticleSpec:
        return next(a for a in self.articles if a.key == key)

    def by_path(self, path: str) -> ArticleSpec | None:
        return next((a for a in self.articles if a.path == path), None)

    @property
    def linked_articles(self) -> list[ArticleSpec]:
        return [a for a in self.articles if a.linked]

    @property
    def sitemap_only_articles(self) -> list[ArticleSpec]:
        return [a for a in self.articles if a.in_sitemap and not a.linked]

    @property
    def feed_articles(self) -> list[ArticleSpec]:
        return self.linked_articles[:FEED_SIZE]

    def article_urls(self, base: str) -> list[str]:
        """Absolute URLs of all regular articles (not the private or slow page), newest first."""
        return [a.url(base) for a in self.articles]

    def feed_link(self, base: str, article: ArticleSpec) -> str:
        """The link the RSS feed gives for article, tracking parameters included."""
        link = f"{article.url(base)}?utm_source=rss&utm_medium=feed"
        if article is self.feed_articles[2]:
            link += "&fbclid=abc"
        return link

    def section_articles(self, section: str) -> list[ArticleSpec]:
        """Teasers of a section front, page 1 then page 2: own section first, then others."""
        own = [a for a in self.linked_articles if a.section == section]
        rest = [a for a in self.linked_articles if a.section != section]
        return own + rest

    def tag_articles(self, tag: str) -> list[ArticleSpec]:
        tagged = [a for a in self.linked_articles if tag in a.tags]
        return tagged + [a for a in self.section_articles("world") if a not in tagged]

    def related(self, article: ArticleSpec) -> list[ArticleSpec]:
        """Four other linked articles, the ones after it in the listing order."""
        linked = self.linked_articles
        start = linked.index(article) + 1 if article in linked else 0
        ring = linked[start:] + linked[:start]
        return list(islice((a for a in ring if a is not article), 4))

    # -- rendering ----------------------------------------------------------------------------

    def render(self, base: str) -> dict[str, Resource]:
        """Every static resource of the site for a server at base ("http://127.0.0.1:PORT")."""
        base = base.rstrip("/")
        newest = max(a.modified_at for a in self.articles)
        pages: dict[str, Resource] = {}

        def html(path: str, text: str, modified: datetime = newest) -> None:
            pages[path] = Resource(text.encode("utf-8"), HTML_TYPE, modified)

        html("/", self._home(base))
        for section in SECTION_PATHS:
            name = section.strip("/")
            teasers = self.section_articles(name)
            html(section, self._front(base, section, _SECTION_NAMES[name],
                                      teasers[:TEASERS_PER_FRONT], page=1))
        html(WORLD_PAGE_2, self._front(base, WORLD_PAGE_2, "World",
                                       self.section_articles("world")[TEASERS_PER_FRONT:], page=2))
        html(TAG_PATH, self._front(base, TAG_PATH, "Ukraine",
                                   self.tag_articles("ukraine")[:TEASERS_PER_FRONT], page=1))
        for article in self.articles:
            html(article.path, self.article_html(base, article), article.modified_at)
        assert self.private_article is not None and self.slow_article is not None
        html(PRIVATE_PATH, self.article_html(base, self.private_article),
             self.private_article.modified_at)
        html(SLOW_PATH, self.article_html(base, self.slow_article), self.slow_article.modified_at)
        if self.opaque:
            html(PAYWALL_PATH, self._paywall_stub(base))
        pages[HUGE_PATH] = Resource(_huge_page().encode("utf-8"), HTML_TYPE, _EPOCH,
                                    compressible=False)
        pages[ROBOTS_PATH] = Resource(self.robots(base).encode(), "text/plain; charset=utf-8",
                                      _EPOCH)
        pages[FEED_PATH] = Resource(self.feed(base).encode(), RSS_TYPE, newest)
        pages[SITEMAP_INDEX_PATH] = Resource(self.sitemap_index(base, newest).encode(), XML_TYPE,
                                             newest)
        gz_xml = self.sitemap_urlset(base).encode()
        pages[SITEMAP_GZ_PATH] = Resource(gzip.compress(gz_xml, mtime=0), GZIP_TYPE, newest,
                                          compressible=False)
        pages[SITEMAP_NEWS_PATH] = Resource(self.news_sitemap(base).encode(), XML_TYPE, newest)
        pages[PDF_PATH] = Resource(PDF_BYTES, "application/pdf", _EPOCH, compressible=False)
        pages[IMAGE_PATH] = Resource(JPEG_BYTES, "image/jpeg", _EPOCH, compressible=False)
        return pages

    def _teaser(self, article: ArticleSpec, heading: str = "h2") -> str:
        return (f'<article class="teaser"><{heading}><a href="{article.path}">'
                f"{escape(article.title)}</a></{heading}><p>{escape(article.summary)}</p></article>")

    def _home(self, base: str) -> str:
        teasers = "\n".join(self._teaser(a) for a in self.linked_articles)
        specials = "\n".join(
            f'<li><a href="{href}">{escape(label)}</a></li>' for href, label in (
                (PRIVATE_PATH, "Members only: inside the boardroom battle"),
                (SLOW_PATH, "Live: regional election results"),
                (MOVED_PATH, "From the archive: November's growth figures"),
                (MISSING_PATH, "Correction: our earlier report"),
                (BROKEN_PATH, "Interactive: the markets today"),
                (PDF_PATH, "Download our annual report (PDF)"),
                (HUGE_PATH, "The complete archive"),
                (IMAGE_PATH, "Picture of the day"),
                (OFFSITE_URL, "Our partner site"),
                *([(PAYWALL_PATH, "Premium: the budget's winners and losers")]
                  if self.opaque else []),
            ))
        body = f"""<main id="content">
<h1 class="visually-hidden">Fixture Times: latest news</h1>
<section class="top-stories">
<h2>Top stories</h2>
{teasers}
</section>
<aside class="more-links">
<h2>Also on Fixture Times</h2>
<figure><img src="{IMAGE_PATH}" alt="Picture of the day" width="8" height="8"></figure>
<ul>
{specials}
</ul>
</aside>
</main>"""
        return _page(base, "/", "en", f"{SITE_NAME} – news from the fixture city", body,
                     description="The latest news, sport and business from the Fixture Times.")

    def _front(self, base: str, path: str, name: str, teasers: list[ArticleSpec],
               page: int) -> str:
        cards = "\n".join(self._teaser(a) for a in teasers)
        extra = ""
        if path == "/world/":
            extra = (f'<nav class="pagination"><a rel="next" href="{WORLD_PAGE_2}">'
                     "Next page</a></nav>")
        elif path == WORLD_PAGE_2:
            extra = '<nav class="pagination"><a rel="prev" href="/world/">Previous page</a></nav>'
        elif path == "/business/":
            extra = f'<p class="notice"><a href="{BROKEN_PATH}">Live market data</a></p>'
        elif path == "/sport/":
            extra = f'<p class="notice"><a href="{MISSING_PATH}">Transfer window tracker</a></p>'
        suffix = f" – page {page}" if page > 1 else ""
        body = f"""<main id="content">
<h1>{escape(name)}{suffix}</h1>
<section class="front">
{cards}
</section>
{extra}
</main>"""
        return _page(base, path, "en", f"{name}{suffix} | {SITE_NAME}", body,
                     description=f"{name} news from the Fixture Times.")

    def article_html(self, base: str, article: ArticleSpec) -> str:
        """The full HTML page of one article."""
        words = FURNITURE[article.language]
        canonical = article.url(base)
        section = _SECTION_NAMES[article.section]
        kicker = f"/{article.section}/" if f"/{article.section}/" in SECTION_PATHS else "/"
        jsonld = {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": article.title,
            "description": article.summary,
            "datePublished": article.published,
            "dateModified": article.modified,
            "inLanguage": article.language,
            "articleSection": section,
            "author": [{"@type": "Person", "name": name} for name in article.authors],
            "publisher": {"@type": "Organization", "name": SITE_NAME,
                          "logo": {"@type": "ImageObject", "url": f"{base}{IMAGE_PATH}"}},
            "image": [f"{base}{IMAGE_PATH}"],
            "mainEntityOfPage": {"@type": "WebPage", "@id": canonical},
        }
        ld = json.dumps(jsonld, ensure_ascii=False, indent=1).replace("</", "<\\/")
        authors = f" {words['and']} ".join(article.authors)
        published = article.published_at
        paragraphs = "\n".join(f"<p>{escape(p)}</p>" for p in article.paragraphs)
        related = "\n".join(f'<li><a href="{escape(a.path)}">{escape(a.title)}</a></li>'
                            for a in self.related(article))
        quoted = escape(canonical, quote=True)
        head_extra = f"""<meta property="og:type" content="article">
<meta property="og:title" content="{escape(article.title)}">
<meta property="og:description" content="{escape(article.summary)}">
<meta property="og:url" content="{quoted}">
<meta property="og:image" content="{base}{IMAGE_PATH}">
<meta property="article:published_time" content="{article.published}">
<meta property="article:modified_time" content="{article.modified}">
<meta property="article:section" content="{section}">
<meta name="author" content="{escape(authors)}">
<script type="application/ld+json">
{ld}
</script>"""
        body = f"""<main id="content">
<article class="story">
<header class="story-header">
<p class="kicker"><a href="{kicker}">{section}</a></p>
<h1>{escape(article.title)}</h1>
<p class="byline">{words['by']} <span class="author">{escape(authors)}</span></p>
<p class="dateline">{words['published']} <time datetime="{article.published}">\
{published.strftime(words['date'])}</time></p>
</header>
<div class="story-body">
{paragraphs}
</div>
<div class="share-bar" aria-label="{words['share']}">
<span>{words['share']}</span>
<a href="https://twitter.example.invalid/intent/tweet?url={quoted}">X</a>
<a href="https://facebook.example.invalid/sharer.php?u={quoted}">Facebook</a>
<a href="mailto:?subject={escape(article.title)}&amp;body={quoted}">Email</a>
</div>
</article>
<section class="related-news">
<h2>{words['related']}</h2>
<ul>
{related}
</ul>
</section>
<section class="comments-widget" id="comments">
<h2>{words['comments']}</h2>
<form class="comment-form" method="post" action="/comments/">
<label for="comment-text">{words['leave']}</label>
<textarea id="comment-text" name="comment" maxlength="200" rows="4"></textarea>
<p class="hint">{words['limit']}</p>
<button type="submit">{words['post']}</button>
</form>
</section>
{self._portal_chrome(article) if self.opaque else ""}
</main>"""
        page = _page(base, article.path, article.language, f"{article.title} | {SITE_NAME}",
                     body, description=article.summary, head_extra=head_extra)
        return page.replace(_NAV, self._mega_menu(), 1) if self.opaque else page

    def _paywall_stub(self, base: str) -> str:
        """A premium story as a paywall serves it: headline, paywall markup, a stub."""
        ld = json.dumps({"@context": "https://schema.org", "@type": "NewsArticle",
                         "headline": "The budget's winners and losers",
                         "isAccessibleForFree": False,
                         "hasPart": {"@type": "WebPageElement", "isAccessibleForFree": False,
                                     "cssSelector": ".paywall"}})
        head = (f'<meta property="og:type" content="article">\n'
                f'<script type="application/ld+json">{ld}</script>')
        body = """<main id="content">
<article class="story">
<h1>The budget's winners and losers</h1>
<div class="paywall">
<p>Subscribe to continue reading</p>
<p>Already a subscriber? <a href="/login/">Log in</a></p>
<p><a href="/subscribe/">Subscribe</a></p>
</div>
</article>
</main>"""
        return _page(base, PAYWALL_PATH, "en", f"The budget's winners and losers | {SITE_NAME}",
                     body, description="Premium", head_extra=head)

    def _mega_menu(self) -> str:
        """The masthead of a portal: every section and subsection, OPAQUE_MENU_SECTIONS links."""
        topics = ("Politics", "Economy", "Markets", "Tech", "Science", "Health", "Climate",
                  "Sport", "Culture", "Travel")
        links = "\n".join(
            f'<li><a href="/section/{i}/">{topics[i % len(topics)]} {i // len(topics) + 1}</a>'
            "</li>" for i in range(OPAQUE_MENU_SECTIONS))
        return (_NAV.replace("</ul>\n</nav>", f"{links}\n</ul>\n</nav>")
                + '\n<div class="ticker"><a href="/live/">Live: markets</a> '
                  '<a href="/weather/">Weather</a> <a href="/newsletters/">Newsletters</a></div>')

    def _portal_chrome(self, article: ArticleSpec) -> str:
        """A "most read" list and a teaser grid of other stories, as a portal adds them."""
        others = [a for a in self.articles if a is not article]
        most_read = "\n".join(f'<li><a href="{escape(a.path)}">{escape(a.title)}</a></li>'
                               for a in others[:10])
        grid = "\n".join(
            f'<div class="card"><a href="{escape(a.path)}"><h3>{escape(a.title)}</h3></a>'
            f"<p>{escape(a.summary)}</p></div>" for a in others[3:])
        return (f'<aside class="most-read"><h2>Most read</h2><ol>\n{most_read}\n</ol></aside>\n'
                f'<section class="more-news"><h2>More news</h2>\n{grid}\n</section>')

    def robots(self, base: str) -> str:
        return ("# robots.txt for the Fixture Times\n"
                "User-agent: *\n"
                "Disallow: /private/\n"
                "\n"
                f"Sitemap: {base}{SITEMAP_INDEX_PATH}\n")

    def feed(self, base: str) -> str:
        items = []
        for article in self.feed_articles:
            items.append(f"""<item>
<title>{escape(article.title)}</title>
<link>{escape(self.feed_link(base, article))}</link>
<description>{escape(article.summary)}</description>
<dc:creator>{escape(", ".join(article.authors))}</dc:creator>
<category>{_SECTION_NAMES[article.section]}</category>
<pubDate>{format_datetime(article.published_at)}</pubDate>
<guid isPermaLink="false">fixture-times-{article.key}</guid>
</item>""")
        newest = self.feed_articles[0].published_at
        return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" \
xmlns:atom="http://www.w3.org/2005/Atom">
<channel>
<title>{SITE_NAME}</title>
<link>{base}/</link>
<description>The latest news from the Fixture Times</description>
<language>en</language>
<lastBuildDate>{format_datetime(newest)}</lastBuildDate>
<atom:link href="{base}{FEED_PATH}" rel="self" type="application/rss+xml"/>
{chr(10).join(items)}
</channel>
</rss>
"""

    def sitemap_index(self, base: str, newest: datetime) -> str:
        entries = "\n".join(
            f"<sitemap><loc>{base}{path}</loc><lastmod>{newest.isoformat()}</lastmod></sitemap>"
            for path in (SITEMAP_GZ_PATH, SITEMAP_NEWS_PATH))
        return f"""<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
{entries}
</sitemapindex>
"""

    def sitemap_urlset(self, base: str) -> str:
        """The plain urlset that is served gzipped as /sitemaps/articles-1.xml.gz."""
        urls = "\n".join(
            f"<url><loc>{a.url(base)}</loc><lastmod>{a.modified}</lastmod>"
            f"<changefreq>monthly</changefreq></url>"
            for a in self.articles if a.sitemap == SITEMAP_GZ_PATH)
        return f"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
{urls}
</urlset>
"""

    def news_sitemap(self, base: str) -> str:
        urls = "\n".join(f"""<url>
<loc>{a.url(base)}</loc>
<lastmod>{a.modified}</lastmod>
<news:news>
<news:publication><news:name>{SITE_NAME}</news:name>\
<news:language>{a.language}</news:language></news:publication>
<news:publication_date>{a.published}</news:publication_date>
<news:title>{escape(a.title)}</news:title>
</news:news>
</url>""" for a in self.articles if a.sitemap == SITEMAP_NEWS_PATH)
        return f"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" \
xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
{urls}
</urlset>
"""


def _opaque(spec: ArticleSpec, index: int) -> ArticleSpec:
    """spec under an opaque address; every third story cut to its lede and one paragraph."""
    from dataclasses import replace

    digest = hashlib.sha1(spec.key.encode()).hexdigest()
    path = OPAQUE_FORMS[index % len(OPAQUE_FORMS)].format(
        i=index, n=1000 + index, h10=digest[:10], h16=digest[:16])
    paragraphs = spec.paragraphs[:2] if index % 3 == 1 else spec.paragraphs
    return replace(spec, path=path, paragraphs=paragraphs)


def _replace_path(spec: ArticleSpec, path: str) -> ArticleSpec:
    from dataclasses import replace

    return replace(spec, path=path, linked=True, in_sitemap=False, sitemap=None)


_NAV = """<header class="masthead" role="banner">
<a class="logo" href="/">Fixture Times</a>
<nav class="main-nav" aria-label="Sections">
<ul>
<li><a href="/">Home</a></li>
<li><a href="/world/">World</a></li>
<li><a href="/business/">Business</a></li>
<li><a href="/sport/">Sport</a></li>
<li><a href="/tag/ukraine/">Ukraine</a></li>
</ul>
</nav>
</header>"""

_FOOTER = f"""<footer class="site-footer" role="contentinfo">
<p>{escape(FOOTER_TEXT)}</p>
<p><a href="/feed.xml">RSS</a> · <a href="/">Home</a></p>
</footer>"""


def _page(base: str, path: str, lang: str, title: str, body: str, description: str,
          head_extra: str = "") -> str:
    if not head_extra:
        head_extra = (f'<meta property="og:type" content="website">\n'
                      f'<meta property="og:title" content="{escape(title)}">\n'
                      f'<meta property="og:url" content="{escape(base + path)}">')
    return f"""<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)}</title>
<meta name="description" content="{escape(description)}">
<link rel="canonical" href="{escape(base + path)}">
<link rel="alternate" type="application/rss+xml" title="{SITE_NAME}" href="{FEED_PATH}">
<meta property="og:site_name" content="{SITE_NAME}">
{head_extra}
<style>body{{font-family:Georgia,serif;max-width:60rem;margin:auto}}\
.visually-hidden{{position:absolute;left:-9999px}}</style>
</head>
<body>
{_NAV}
{body}
{_FOOTER}
</body>
</html>
"""


def _huge_page() -> str:
    """An archive listing of at least HUGE_BYTES bytes."""
    head = ('<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            f"<title>The complete archive | {SITE_NAME}</title>\n</head>\n<body>\n{_NAV}\n"
            '<main id="content">\n<h1>The complete archive</h1>\n<ol class="archive">\n')
    tail = f"</ol>\n</main>\n{_FOOTER}\n</body>\n</html>\n"
    rows: list[str] = []
    size = len(head) + len(tail)
    n = 0
    while size < HUGE_BYTES:
        n += 1
        row = (f"<li>Archive entry {n}: a report filed on day {n % 28 + 1} of month "
               f"{n % 12 + 1}, item number {n * 7919 % 100003}, kept for the record.</li>\n")
        rows.append(row)
        size += len(row)
    return head + "".join(rows) + tail


def _pdf() -> bytes:
    text = b"BT /F1 18 Tf 72 720 Td (Fixture Times annual report 2024) Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(text), text),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, obj in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, obj)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, xref)
    return bytes(out)


def _jpeg() -> bytes:
    """A valid 8x8 mid-grey baseline JPEG: one block, DC 0, immediate end-of-block."""
    huffman_one_code = bytes([1] + [0] * 15) + b"\x00"  # a single 1-bit code for symbol 0
    return b"".join([
        b"\xff\xd8",  # SOI
        b"\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00",  # APP0
        b"\xff\xdb\x00\x43\x00" + b"\x01" * 64,  # DQT
        b"\xff\xc0\x00\x0b\x08\x00\x08\x00\x08\x01\x01\x11\x00",  # SOF0 8x8 grey
        b"\xff\xc4\x00\x14\x00" + huffman_one_code,  # DHT DC 0
        b"\xff\xc4\x00\x14\x10" + huffman_one_code,  # DHT AC 0
        b"\xff\xda\x00\x08\x01\x01\x00\x00\x3f\x00",  # SOS
        b"\x3f",  # DC diff category 0, EOB, padded with 1 bits
        b"\xff\xd9",  # EOI
    ])


PDF_BYTES = _pdf()
JPEG_BYTES = _jpeg()
