"""Interstitials on the lxml tree: consent dialogs, appeals, promos, follow-up stories.

Owns the pre-clean rules for what a page lays over or around its story: cookie/consent
dialogs, newsletter sign-up, donation and subscription appeals, discount-code promos,
copyright footers, and the next story an infinite scroll appends. A box is recognised
by its attributes (class/id tokens and consent vendors of vocab_interstitials.py,
role=dialog, aria-modal) or by its text (phrases in many languages, in one block),
and is removed only when it is not the story: it holds less than half of the page's
paragraph text, a small share of the page's text, and, when found by a phrase, little
text besides the matching blocks. Runs from preclean.prune_noise, in place.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from lxml import html as lxml_html
from lxml.etree import XPath

from .dom import ANCHORS as _ANCHORS
from .dom import BODY as _BODY
from .dom import attached as _attached
from .dom import drop as _drop
from .dom import text_len as _text_len
from .vocab_interstitials import (
    DIALOG_ROLES,
    INTERSTITIAL_PHRASES,
    INTERSTITIAL_TOKENS,
    INTERSTITIAL_VENDORS,
    NEXT_STORY_NAMES,
    RECOMMENDATION_PHRASES,
    SUBSCRIPTION_PHRASES,
)

_TOKENS = re.compile(
    r"(?:^|[\s_\-])(?:" + "|".join(re.escape(t) for t in sorted(INTERSTITIAL_TOKENS, key=len,
                                                                 reverse=True))
    + r")(?=$|[\s_\-])")
_VENDORS = re.compile("|".join(re.escape(v) for v in INTERSTITIAL_VENDORS))
_NEXT_STORY = re.compile("|".join(re.escape(v) for v in NEXT_STORY_NAMES))
# a screen for the three above: every token, vendor and next-story name as a substring
_ANY_NAME = re.compile("|".join(re.escape(v) for v in sorted(
    {*INTERSTITIAL_TOKENS, *INTERSTITIAL_VENDORS, *NEXT_STORY_NAMES}, key=len, reverse=True)))
_PHRASES = re.compile("|".join(f"(?:{p})" for p in INTERSTITIAL_PHRASES))


_META = frozenset("\\[](){}.^$?*+|")


def _openings(phrase: str) -> list[str]:
    """phrase without its anchors, its leading optional group dropped and its leading group of
    plain alternatives spread out, so that each form starts with a literal when it can."""
    tail = phrase.removeprefix("\\b").removeprefix("^\\W*").removeprefix("^")
    tail = tail.removesuffix("\\W*$").removesuffix("$")
    if tail.startswith("(?:"):
        end = tail.find(")")
        group, rest = tail[3:end], tail[end + 1:]
        if "(" not in group and "[" not in group:
            if rest.startswith("?"):
                return [rest[1:]]
            if not rest or rest[0] not in "*+{":
                return [option + rest for option in group.split("|")]
    return [tail]


def _quick_pattern(phrases: tuple[str, ...]) -> re.Pattern[str]:
    """A looser, faster form of the phrases: no anchors (which stop the regex engine from
    skipping ahead), alternatives grouped by their first character. Whatever a phrase matches,
    this matches too; it screens texts before the exact pattern runs."""
    groups: dict[str, list[str]] = {}
    rest: list[str] = []
    for phrase in phrases:
        for tail in _openings(phrase):
            tail = tail.removeprefix("\\b")
            if len(tail) > 1 and tail[0] not in _META and tail[1] not in "?*+{":
                groups.setdefault(tail[0], []).append(tail[1:])
            else:
                rest.append(tail)
    alternatives = [f"{re.escape(first)}(?:{'|'.join(tails)})" for first, tails in groups.items()]
    return re.compile("|".join(alternatives + [f"(?:{tail})" for tail in rest]))


_QUICK = _quick_pattern(INTERSTITIAL_PHRASES)
# a recommendation heading goes only with its box: alone, it still tells the text-level
# rules (postclean) that teasers follow
_RECOMMENDATION = re.compile("|".join(f"(?:{p})" for p in RECOMMENDATION_PHRASES))
_SUBSCRIPTION = re.compile("|".join(f"(?:{p})" for p in SUBSCRIPTION_PHRASES))
_SPACE = re.compile(r"\s+")

_NAMED = XPath(
    "//body//*[self::div or self::section or self::aside or self::form or self::dialog"
    " or self::footer or self::ul or self::table or self::iframe][@class or @id or @role"
    " or @aria-modal]")
_PARAGRAPHS = XPath("//body//p[not(ancestor::p)]")
_INNER_PARAGRAPHS = XPath(".//p[not(ancestor::p)]")
_TOP_ARTICLES = XPath("//body//article[not(ancestor::article)]")
_H1 = XPath(".//h1")
_VISIBLE_TEXT = XPath("//body//text()[not(parent::script or parent::style"
                      " or parent::noscript)]")
_KEEP = frozenset({"html", "body", "main", "article"})
# tags that flow inside a block: their text belongs to the block around them
_INLINE = frozenset({
    "a", "span", "em", "strong", "b", "i", "u", "small", "mark", "sup", "sub", "abbr", "cite",
    "q", "time", "label", "font", "code", "s", "del", "ins", "br", "img", "button",
})

# a container is the story when it holds this share of the page's paragraph text
STORY_SHARE = 0.5
# a box found by its name holds at most this share of the page's text ...
MAX_SHARE = 0.4
# ... and at most this many characters (consent dialogs of CCPA notices run to ~3,000)
MAX_CHARS = 4000
# a block is matched by a phrase when it has at most this many characters
BLOCK_CHARS = 1200
# a box found by a phrase: the matching blocks' container, grown while it holds at most
# this many characters ...
BOX_CHARS = 1500
# ... of which at most this many (and no more than the matching blocks hold) are outside
# the matching blocks, with no paragraph of
# this many characters among them (a paragraph of the story)
BOX_OTHER_CHARS = 400
PROSE_CHARS = 100


@dataclass(frozen=True)
class PageSize:
    """The page's text and paragraph-text lengths, the guards' reference."""

    text: int
    paragraphs: int


def _paragraph_len(nodes: list[lxml_html.HtmlElement]) -> int:
    return sum(_text_len(p) for p in nodes)


def page_size(tree: lxml_html.HtmlElement) -> PageSize:
    bodies = _BODY(tree)
    total = _text_len(bodies[0]) if bodies else _text_len(tree)
    return PageSize(total, _paragraph_len(_PARAGRAPHS(tree)))


def holds_story(node: lxml_html.HtmlElement, size: PageSize) -> bool:
    """The container holds (most of) the page's paragraph text: the story, not a box."""
    if node.tag in _KEEP:
        return True
    if size.paragraphs == 0:
        return False
    return _paragraph_len(_INNER_PARAGRAPHS(node)) >= STORY_SHARE * size.paragraphs


def is_interstitial_name(node: lxml_html.HtmlElement) -> bool:
    """Named as a consent dialog, sign-up / donation box, modal or pop-up."""
    if node.get("aria-modal", "").lower() == "true":
        return True
    if node.get("role", "").lower() in DIALOG_ROLES:
        return True
    name = f"{node.get('class', '')} {node.get('id', '')}".lower()
    return bool(_TOKENS.search(name) or _VENDORS.search(name))


def _named_boxes(tree: lxml_html.HtmlElement) -> Iterator[lxml_html.HtmlElement]:
    for node in _NAMED(tree):
        name = f"{node.get('class', '')} {node.get('id', '')}".lower()
        screened = _ANY_NAME.search(name) or node.get("role") or node.get("aria-modal")
        if screened and (is_interstitial_name(node) or _NEXT_STORY.search(name)):
            yield node


def drop_named_boxes(tree: lxml_html.HtmlElement, size: PageSize) -> None:
    """Consent dialogs, sign-up/donation boxes, modals and follow-up stories named so."""
    for node in list(_named_boxes(tree)):
        if not _attached(node, tree) or holds_story(node, size):
            continue
        name = f"{node.get('class', '')} {node.get('id', '')}".lower()
        length = _text_len(node)
        if _NEXT_STORY.search(name) or (length <= MAX_CHARS and length <= MAX_SHARE * size.text):
            _drop(node)


def _block(node: lxml_html.HtmlElement) -> lxml_html.HtmlElement:
    """The block an element's text flows in (the element, or its nearest non-inline ancestor)."""
    while node.tag in _INLINE:
        parent = node.getparent()
        if parent is None:
            break
        node = parent
    return node


def _own_text(node: lxml_html.HtmlElement) -> bool:
    if node.text and node.text.strip():
        return True
    return any(child.tail and child.tail.strip() for child in node)


def normalise(text: str) -> str:
    return _SPACE.sub(" ", text).strip().lower()


def is_interstitial_text(text: str) -> bool:
    """One block's text is a consent notice, appeal, sign-up prompt, promo or rights footer."""
    if len(text) > BLOCK_CHARS:
        return False
    key = normalise(text)
    return bool(_QUICK.search(key)) and bool(_PHRASES.search(key))


def _matching_blocks(tree: lxml_html.HtmlElement) -> list[lxml_html.HtmlElement]:
    """Blocks whose text is an interstitial phrase. The page's visible text is screened first;
    a block is then tested only when it holds one of the screen's hits."""
    hits = {m.group() for m in _QUICK.finditer(normalise(" ".join(_VISIBLE_TEXT(tree))))}
    if not hits:
        return []
    blocks: dict[lxml_html.HtmlElement, None] = {}
    for body in _BODY(tree):
        for node in body.iter():
            if not isinstance(node.tag, str) or node.tag in ("script", "style"):
                continue
            if _own_text(node):
                blocks.setdefault(_block(node), None)
    found = []
    for block in blocks:
        if block.tag in _KEEP:
            continue
        text = block.text_content()
        if len(text) > 4 * BLOCK_CHARS:
            continue
        key = normalise(text)
        if any(hit in key for hit in hits) and is_interstitial_text(key):
            found.append(block)
    return found


def _box(block: lxml_html.HtmlElement, matched: set[lxml_html.HtmlElement],
         size: PageSize) -> lxml_html.HtmlElement:
    """The largest container around block that holds little besides matching blocks and
    links (buttons, the headlines of a recommendation box)."""
    box = block
    while True:
        parent = box.getparent()
        if parent is None or parent.tag in _KEEP or holds_story(parent, size):
            return box
        length = _text_len(parent)
        if length > BOX_CHARS or length > MAX_SHARE * size.text:
            return box
        inside = [m for m in matched if m is parent or parent in m.iterancestors()]
        inside_len = sum(_text_len(m) for m in inside
                         if not any(a in matched for a in m.iterancestors()))
        links = sum(_text_len(a) for a in _ANCHORS(parent)
                    if not any(m in a.iterancestors() for m in inside))
        if length - inside_len - links > min(BOX_OTHER_CHARS, inside_len):
            return box
        if any(_text_len(p) >= PROSE_CHARS for p in _INNER_PARAGRAPHS(parent)
               if p not in inside and not any(m in p.iterancestors() for m in inside)):
            return box
        box = parent


def drop_phrase_boxes(tree: lxml_html.HtmlElement, size: PageSize) -> bool:
    """Blocks whose text is an interstitial phrase, with the box that holds them; True when
    one of them was a subscription prompt (the paywall's own words, evidence for the page
    type once they are gone from the text)."""
    blocks = _matching_blocks(tree)
    if not blocks:
        return False
    matched = set(blocks)
    boxes = []
    paywall = False
    for block in blocks:
        if holds_story(block, size):
            continue
        box = _box(block, matched, size)
        key = normalise(block.text_content())
        if box is block and _RECOMMENDATION.search(key):
            continue
        boxes.append(box)
        paywall = paywall or bool(_SUBSCRIPTION.search(key))
    for box in boxes:
        if _attached(box, tree):
            _drop(box)
    return paywall


def drop_follow_up_stories(tree: lxml_html.HtmlElement, size: PageSize) -> None:
    """A later top-level <article> with its own <h1>, after a first one with an <h1>: the
    next story an infinite scroll appended."""
    articles = _TOP_ARTICLES(tree)
    if len(articles) < 2 or not _H1(articles[0]):
        return
    for article in articles[1:]:
        if _H1(article) and not _paragraph_len(_INNER_PARAGRAPHS(article)) >= (
                STORY_SHARE * size.paragraphs):
            _drop(article)


def prune_interstitials(tree: lxml_html.HtmlElement) -> bool:
    """Remove interstitials from tree, in place; True when a subscription prompt went."""
    size = page_size(tree)
    drop_follow_up_stories(tree, size)
    drop_named_boxes(tree, size)
    return drop_phrase_boxes(tree, size)
