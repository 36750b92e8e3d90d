"""Put back the section headings the extractor dropped inside the article's container.

trafilatura leaves out many h2-h6 subheadings (a heading made a link, a heading
in a div it judged thin); analysts read a story's structure by them. A heading
comes back when it lies inside the article's container (cleaners.placement),
between two blocks that were kept (one after it, so a closing "Related" or
"Comments" heading does not return), its text is not already in a block, and it
sits in no aside, figure, nav, form or header inside the container, nor in a
kept block's element. It is put in place before the first block that follows it
in the page. Not put back: a run of more than RUN_HEADINGS headings with no block
between (a grid of cards), a kicker over a headline linked to another page (a
teaser card), a heading text that recurs in the container (a template label),
and a heading before the first kept block (a kicker or a standfirst duplicate).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from itertools import pairwise

from lxml import etree

from .placement import Placement, link_key

# a recovered heading has at most this many words
HEADING_WORDS = 20
RECOVER_TAGS = frozenset({"h2", "h3", "h4", "h5", "h6"})
# a run of more than this many headings with no kept block between them is a grid of cards
RUN_HEADINGS = 2
# a heading inside one of these (below the container) is not the story's
SKIP_HOLDERS = frozenset({"aside", "figure", "nav", "form", "header", "footer", "figcaption"})
# put back a heading that comes before the first kept block too
BEFORE_FIRST = False


@dataclass(slots=True)
class Heading:
    """A heading to put back: its text and the index of the block it goes before."""

    text: str
    before: int
    linked: bool = False  # the heading is a link to another page


_OWN_TEXT = etree.XPath(".//text()[not(ancestor::style or ancestor::script)]")
_AWAY_LINKS = etree.XPath(
    "(ancestor-or-self::a | .//a)[@href and not(starts-with(normalize-space(@href), '#'))]")


def _linked(node: etree._Element, key: str) -> bool:
    """The heading is a link to another page, or sits in one."""
    return len("".join(link_key(a.text_content()) for a in _AWAY_LINKS(node))) >= len(key)


def _own_heading(node: etree._Element, core: etree._Element,
                 kept: dict[etree._Element, int]) -> bool:
    """Below the container, in no skipped holder and in no kept block's element."""
    for holder in node.iterancestors():
        if holder is core:
            return not any(inner in kept for inner in node.iterdescendants())
        if holder.tag in SKIP_HOLDERS or holder in kept:
            return False
    return False


def missing_headings(placed: Placement, texts: list[str]) -> list[Heading]:
    """The headings inside the container that no block holds, with their places."""
    core = placed.core
    if core is None:
        return []
    position: dict[etree._Element, int] = {}
    for i in range(len(placed.keys)):
        node = placed.element_inside(i)
        if node is not None:
            position.setdefault(node, i)
    held = set(placed.keys)
    # blocks not found in the page may be a heading run into the paragraph after it
    unplaced = [key for key in placed.keys if key not in placed.where]
    found: list[Heading] = []
    pending: list[Heading] = []
    last = -1
    for node in core.iter(*RECOVER_TAGS, "p", "li", "div", "span", "td", "th", "dd", "dt", "pre",
                          "blockquote", "table", "figcaption", "caption", "summary"):
        index = position.get(node)
        if index is not None:
            if len(pending) <= RUN_HEADINGS and not (
                    len(pending) > 1 and any(heading.linked for heading in pending)):
                found.extend(pending)  # a kept block follows them, and they are no teaser card
            pending = []
            last = max(last, index)
            continue
        if node.tag not in RECOVER_TAGS:
            continue
        text = " ".join(" ".join(_OWN_TEXT(node)).split())
        key = link_key(text)
        if (not key or key in held or len(text.split()) > HEADING_WORDS
                or any(other.startswith(key) for other in unplaced)):
            continue
        if (last >= 0 or BEFORE_FIRST) and _own_heading(node, core, position):
            pending.append(Heading(text, last + 1, _linked(node, key)))
    counts = Counter(link_key(heading.text) for heading in found)
    return [heading for heading in found if counts[link_key(heading.text)] == 1]


# the page's own summary: meta descriptions, in the order they are trusted
_DESCRIPTIONS = etree.XPath(
    "//meta[@property='og:description' or @name='description' or @name='twitter:description'"
    " or @name='og:description']/@content")
# a standfirst is at least this many characters long (a sentence, not a label)
LEAD_CHARS = 40
# ... and at most this many (a longer one is a summary of the whole page, not a standfirst)
LEAD_MAX_CHARS = 400
# ... and shares at most this share of its word pairs with the first blocks (else it repeats them)
LEAD_OVERLAP = 0.8
# ... and shares an ancestor with the article's container at most this many levels above it
LEAD_LEVELS = 4
# a standfirst is in none of these
LEAD_SKIP_HOLDERS = frozenset({"nav", "aside", "footer", "figure", "figcaption", "a", "button",
                               "form", "li", "blockquote"})


def word_pairs(text: str) -> set[tuple[str, str]]:
    """The pairs of adjacent words of text, in link_key form."""
    words = [link_key(word) for word in text.split()]
    words = [word for word in words if word]
    return set(pairwise(words))


def descriptions(tree: etree._Element) -> tuple[str, ...]:
    """The page's meta descriptions long enough to be a standfirst."""
    out: list[str] = []
    for value in _DESCRIPTIONS(tree):
        text = " ".join(str(value).split())
        if len(text) >= LEAD_CHARS and text not in out:
            out.append(text)
    return tuple(out)


def _levels_apart(node: etree._Element, core: etree._Element) -> int | None:
    """How many levels above core the nearest ancestor holding node is (None: body or above)."""
    holders = {holder: depth for depth, holder in enumerate((core, *core.iterancestors()))}
    for holder in (node, *node.iterancestors()):
        if holder in holders:
            return None if holder.tag in ("body", "html") else holders[holder]
    return None


def _precedes(tree: etree._Element, first: etree._Element, second: etree._Element) -> bool:
    """first comes before second in document order."""
    for node in tree.iter():
        if node is first:
            return True
        if node is second:
            return False
    return False


def missing_lead(tree: etree._Element, placed: Placement, texts: list[str],
                 summaries: tuple[str, ...]) -> str | None:
    """The page's standfirst when the extractor dropped it: an element showing the page's meta
    description, before the first kept block and near the article's container."""
    core = placed.core
    if core is None or not texts:
        return None
    first = next((node for i in range(len(texts))
                  if (node := placed.element_inside(i)) is not None), None)
    if first is None:
        return None
    opening = link_key(" ".join(texts[:3]))
    words = word_pairs(" ".join(texts[:3]))
    for summary in summaries:
        key = link_key(summary)
        if not key or key in opening or len(summary) > LEAD_MAX_CHARS:
            continue
        own = word_pairs(summary)
        if own and len(own & words) >= LEAD_OVERLAP * len(own):
            continue  # the opening paragraph again, reworded or cut
        for node in placed.extra.get(key, ()):
            if any(holder.tag in LEAD_SKIP_HOLDERS for holder in (node, *node.iterancestors())):
                continue
            apart = _levels_apart(node, core)
            if apart is None or apart > LEAD_LEVELS or not _precedes(tree, node, first):
                continue
            return " ".join(node.text_content().split())
    return None


_SAME_CONTAINERS = etree.XPath("//*[local-name() = $tag][@class = $cls]")
_CHUNK_TEXT = etree.XPath(".//*[self::p or self::h2 or self::h3 or self::h4 or self::blockquote]"
                          "[not(ancestor::blockquote)]")
_H1 = etree.XPath("count(.//h1)")
_ARTICLES = etree.XPath("count(.//article)")
# a chunk of the story adds at least this many characters of paragraphs
CHUNK_CHARS = 200
# a story comes in at most this many chunks besides the article's container
CHUNK_MAX = 3
CHUNK_SKIP_HOLDERS = frozenset({"nav", "aside", "footer", "form", "figure", "header"})


@dataclass(slots=True)
class Chunk:
    """A piece of the story the page splits into several containers: its blocks (kind, text)."""

    blocks: list[tuple[str, str]]


def _common(first: etree._Element, second: etree._Element) -> etree._Element | None:
    mine = {id(node) for node in (first, *first.iterancestors())}
    return next((node for node in (second, *second.iterancestors()) if id(node) in mine), None)


def missing_chunks(tree: etree._Element, placed: Placement, texts: list[str]) -> list[Chunk]:
    """Later containers named exactly like the article's container, under the same story (one
    h1 and one <article> at most around both), whose paragraphs no block holds: the rest of a
    story the page splits into chunks (between ads), which the extractor stopped before. Not
    when more than CHUNK_MAX other elements share the name (a widget or list-entry class)."""
    core = placed.core
    if core is None or not core.get("class") or not isinstance(core.tag, str):
        return []
    same = _SAME_CONTAINERS(tree, tag=core.tag, cls=core.get("class"))
    if len(same) > CHUNK_MAX + 1:
        return []  # a class every widget or every post of a list wears, not the story's own
    held = {link_key(text) for text in texts}
    chunks: list[Chunk] = []
    after = False
    for node in same:
        if node is core:
            after = True
            continue
        if not after or core in node.iterancestors() or node in core.iterancestors():
            continue
        if any(holder.tag in CHUNK_SKIP_HOLDERS for holder in node.iterancestors()):
            continue
        common = _common(core, node)
        if (common is None or common.tag in ("html", "body") or _H1(common) > 1
                or _ARTICLES(common) > 1):
            continue  # another story's container (an infinite scroll, a teaser grid)
        blocks: list[tuple[str, str]] = []
        for element in _CHUNK_TEXT(node):
            text = " ".join(element.text_content().split())
            if text and link_key(text) not in held:
                blocks.append(("p" if element.tag in ("p", "blockquote") else "head", text))
        if sum(len(text) for kind, text in blocks if kind == "p") >= CHUNK_CHARS:
            chunks.append(Chunk(blocks))
    return chunks
