"""DOM pre-clean on the lxml tree: drop page furniture known by its semantics.

Owns the container-level rules that run before trafilatura: site selectors,
widget tags, ARIA roles and class/id vocabularies (vocab.py). A container is
only dropped when it is furniture-sized: it holds a small share of the page's
text, and is short or link-dense. A wrapper named 'article-share-wrapper' or
a <form> around the whole page therefore survives, and so does the standfirst
a template names 'teaser-text': a link-free container showing the page's meta
description, or one named as a standfirst (vocab.STANDFIRST_TOKENS). Any
link-free element so named ('article-intro', 'uk-text-lead', a pruned or kept
one) just before the container of the story's paragraphs joins that container
as its first child (the extractor keeps to the container). A <figure> holding a
<blockquote> is a quotation, not an image: it becomes a plain container so
its text is extracted. The collapsed panels of accordions, FAQ widgets and
<details> are opened (their hidden/collapsed markers removed), since the
extractor would otherwise drop them as hidden. An element named as an embed
that holds prose paragraphs and no player or embedded post is the page's own
custom-HTML block: the embed word is taken out of its class so its text is
extracted; so is an <aside> left inside an <article>/<main> that holds prose
(a callout or sidenote). Text that a page streams in late (React's hidden <div id="S:n">
segments, which a script moves to their <template id="B:n"> slot) is put in
its place first, as the browser shows it. Works in place on the tree that
metadata extraction has already read.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from lxml import html as lxml_html
from lxml.cssselect import CSSSelector
from lxml.etree import XPath

from .dom import ANCHORS as _ANCHORS
from .dom import BODY as _BODY
from .dom import attached as _attached
from .dom import drop as _drop
from .dom import text_len as _text_len
from .interstitials import prune_interstitials
from .placement import link_key
from .recover import descriptions, word_pairs
from .vocab import (
    DISCLOSURE_CLASS_WORDS,
    EMBED_CLASS_WORDS,
    HIDDEN_CLASS_WORDS,
    HTML_EMBED_WORD,
    NOISE_ROLES,
    NOISE_TOKENS,
    STANDFIRST_TOKENS,
    STRICT_NOISE_TOKENS,
)


def _token_regex(tokens: frozenset[str]) -> re.Pattern[str]:
    """Matches any of tokens as a whole class/id token (split on space, '-', '_')."""
    alternatives = "|".join(re.escape(t) for t in sorted(tokens, key=len, reverse=True))
    return re.compile(rf"(?:^|[\s_\-])(?:{alternatives})(?=$|[\s_\-])")


_NOISE_NAME = _token_regex(NOISE_TOKENS)
_STRICT_NAME = _token_regex(STRICT_NOISE_TOKENS)
_STANDFIRST_NAME = _token_regex(STANDFIRST_TOKENS)
_STANDFIRST_NAMED = XPath("//body//*[" + " or ".join(
    f"contains(@class, '{token}') or contains(@id, '{token}')"
    for token in sorted(STANDFIRST_TOKENS)) + "]")
# containers only: ids of headings are slugs of their text, code spans are named 'comment'
_CANDIDATES = XPath(
    "//body//*[self::div or self::section or self::aside or self::ul or self::ol or self::li"
    " or self::header or self::footer or self::nav or self::table or self::dl or self::figure"
    " or self::iframe][@class or @id or @role]"
)
_WIDGETS = XPath("//textarea|//button|//select|//input")
_STRUCTURAL = XPath("//nav|//footer|//aside|//form")
_HOLDS_STORY = XPath("boolean(.//article | .//*[@itemprop='articleBody'] | .//h1)")
_KEEP = frozenset({"html", "body", "main", "article"})
# <figure> around a <blockquote>: a quotation (pull quote, testimonial) as HTML defines it,
# not an illustration; social-media embeds (tweets, posts) stay figures
_EMBED_CLASS = " or ".join(f"contains(@class, '{word}')" for word in EMBED_CLASS_WORDS)
_QUOTE_FIGURES = XPath(
    f"//figure[.//blockquote][not({_EMBED_CLASS})][not(.//blockquote[{_EMBED_CLASS}])]")

# elements named as embeds; players and embedded posts inside one make it a real embed
_NAMED_EMBEDS = XPath(f"//body//*[contains(@class, '{HTML_EMBED_WORD}')"
                      f" or contains(@class, '{HTML_EMBED_WORD.capitalize()}')]")
_PLAYERS = XPath(f".//iframe|.//video|.//audio|.//object|.//embed|.//blockquote[{_EMBED_CLASS}]")
_PARAGRAPHS = XPath("descendant-or-self::p")
# a custom-HTML block (or a sidebar inside the story) holds a paragraph of this many characters
PROSE_CHARS = 40
# an <aside> inside an <article>/<main> with less than this share of its text in links is a
# callout or sidenote of the story (the extractor drops every <aside>)
ASIDE_MAX_LINKS = 0.3
_STORY_ASIDES = XPath("//article//aside|//main//aside")
_HIDDEN_WORD = re.compile("|".join(map(re.escape, HIDDEN_CLASS_WORDS)), re.IGNORECASE)
_DISCLOSURE_WORD = re.compile("|".join(map(re.escape, DISCLOSURE_CLASS_WORDS)), re.IGNORECASE)
# inline styles of a collapsed panel: display:none, visibility:hidden, height:0 + overflow:hidden
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden|overflow\s*:\s*hidden",
                           re.IGNORECASE)
_MAYBE_HIDDEN = XPath("//body//*[@aria-hidden='true' or @style or @class or @id]")
# a hidden element is a disclosure panel when it, or one of this many ancestors, is a
# <details> or is named as an accordion / FAQ
DISCLOSURE_DEPTH = 3

# streamed segments and the template slots they fill (React server rendering)
_STREAMED = XPath("//div[@hidden][starts-with(@id, 'S:')]")
_SLOTS = XPath("//template[starts-with(@id, 'B:') or starts-with(@id, 'P:')]")

# a furniture container holds at most this share of the page's text ...
MAX_SHARE = 0.3
# ... and is either shorter than this many characters ...
SHORT_CHARS = 400
# ... or has at least this share of its text inside links
LINK_DENSE = 0.5
# form controls (buttons, inputs) are dropped up to this many characters of text
WIDGET_CHARS = 200
# unambiguous names (comment areas) only need to be this small: user comments are long
STRICT_MAX_SHARE = 0.5
# a <form> may wrap a whole page (ASP.NET): drop only small ones
FORM_MAX_SHARE = 0.1
# a container named like furniture ('teaser-text') that shows the page's meta description is
# its standfirst: it holds no link and at least LEAD_COVER of the description's word pairs
LEAD_COVER = 0.8
# a link-free container named as a standfirst (STANDFIRST_TOKENS) with a later sibling holding
# this share of the page's paragraph text (the story) is the standfirst too
LEAD_STORY_SHARE = 0.5


def _link_len(node: lxml_html.HtmlElement) -> int:
    return sum(len(" ".join(a.text_content().split())) for a in _ANCHORS(node))


def _is_furniture(node: lxml_html.HtmlElement, total: int, max_share: float = MAX_SHARE) -> bool:
    """Small next to the page, and short or mostly links."""
    length = _text_len(node)
    if length == 0:
        return True
    if total and length > max_share * total:
        return False
    return length < SHORT_CHARS or _link_len(node) >= LINK_DENSE * length


def _noise_candidates(
    tree: lxml_html.HtmlElement,
) -> Iterable[tuple[lxml_html.HtmlElement, bool]]:
    """Containers named as furniture, with whether the name is unambiguous."""
    for node in _CANDIDATES(tree):
        if node.tag in _KEEP:
            continue
        name = f"{node.get('class', '')} {node.get('id', '')}".lower()
        if _STRICT_NAME.search(name):
            yield node, True
        elif _NOISE_NAME.search(name) or node.get("role", "").lower() in NOISE_ROLES:
            yield node, False


def place_streamed_segments(tree: lxml_html.HtmlElement) -> None:
    """Move each hidden streamed segment into its template slot, shown."""
    segments = _STREAMED(tree)
    if not segments:
        return
    slots = {slot.get("id", "")[2:]: slot for slot in _SLOTS(tree)}
    for segment in segments:
        del segment.attrib["hidden"]
        slot = slots.get(segment.get("id", "")[2:])
        parent = slot.getparent() if slot is not None else None
        if slot is None or parent is None or slot in segment.iterancestors():
            continue
        segment.tail, tail = slot.tail, segment.tail
        previous = segment.getprevious()
        if tail and tail.strip():  # keep the text that followed the segment where it was
            if previous is not None:
                previous.tail = (previous.tail or "") + tail
            elif segment.getparent() is not None:
                holder = segment.getparent()
                holder.text = (holder.text or "") + tail
        parent.replace(slot, segment)


def _name(node: lxml_html.HtmlElement) -> str:
    return f"{node.get('class', '')} {node.get('id', '')}"


def _is_hidden(node: lxml_html.HtmlElement) -> bool:
    return (node.get("aria-hidden") == "true" or bool(_HIDDEN_STYLE.search(node.get("style", "")))
            or bool(_HIDDEN_WORD.search(_name(node))))


def _in_disclosure(node: lxml_html.HtmlElement) -> bool:
    for _ in range(DISCLOSURE_DEPTH + 1):
        if node is None or not isinstance(node.tag, str):
            return False
        if node.tag == "details" or _DISCLOSURE_WORD.search(_name(node)):
            return True
        node = node.getparent()
    return False


def open_disclosures(tree: lxml_html.HtmlElement) -> None:
    """Remove the hidden/collapsed markers of accordion, FAQ and <details> panels."""
    panels = [node for node in _MAYBE_HIDDEN(tree) if _is_hidden(node) and _in_disclosure(node)]
    for node in panels:
        node.attrib.pop("aria-hidden", None)
        node.attrib.pop("style", None)
        for attribute in ("class", "id"):
            value = node.get(attribute)
            if value:
                node.set(attribute, _HIDDEN_WORD.sub("", value))


def _has_prose(node: lxml_html.HtmlElement) -> bool:
    return any(_text_len(para) >= PROSE_CHARS for para in _PARAGRAPHS(node))


def unname_html_embeds(tree: lxml_html.HtmlElement) -> None:
    """Take the embed word out of the class of custom-HTML blocks that hold prose."""
    for node in _NAMED_EMBEDS(tree):
        if _has_prose(node) and not _PLAYERS(node):
            words = node.get("class", "").split()
            node.set("class", " ".join(w for w in words if HTML_EMBED_WORD not in w.lower()))


def keep_story_asides(tree: lxml_html.HtmlElement) -> None:
    """An <aside> left inside the story that holds prose becomes a plain container."""
    for aside in _STORY_ASIDES(tree):
        if _has_prose(aside) and _link_len(aside) < ASIDE_MAX_LINKS * _text_len(aside):
            aside.tag = "div"


def _shows_summary(node: lxml_html.HtmlElement,
                   summaries: list[tuple[str, set[tuple[str, str]]]]) -> bool:
    """node is the standfirst: no link, and a meta description's text (its words, or most of
    its word pairs, for a description reworded or cut)."""
    if not summaries or _ANCHORS(node):
        return False
    text = node.text_content()
    key, own = link_key(text), word_pairs(text)
    return any(summary in key or (pairs and len(own & pairs) >= LEAD_COVER * len(pairs))
               for summary, pairs in summaries)


def _story_after(node: lxml_html.HtmlElement,
                 story_chars: int) -> lxml_html.HtmlElement | None:
    """The later sibling of node holding the story (LEAD_STORY_SHARE of the page's paragraph
    text), when node is named as a standfirst and holds prose and no link."""
    if not _STANDFIRST_NAME.search(_name(node).lower()) or _ANCHORS(node):
        return None
    if _text_len(node) < PROSE_CHARS or not story_chars:
        return None
    return next((sibling for sibling in node.itersiblings() if isinstance(sibling.tag, str)
                 and sum(_text_len(para) for para in _PARAGRAPHS(sibling))
                 >= LEAD_STORY_SHARE * story_chars), None)


def _move_standfirst(node: lxml_html.HtmlElement, story: lxml_html.HtmlElement) -> None:
    """node becomes the first child of the story's container, without the standfirst word in
    its class and id (the extractor keeps to the container, and drops 'teaser' elements)."""
    for attribute in ("class", "id"):
        value = node.get(attribute)
        if value:
            node.set(attribute, _STANDFIRST_NAME.sub(" standfirst", value).strip())
    tail, node.tail = node.tail, None
    previous = node.getprevious()
    if tail and tail.strip():  # the text after node stays where it was
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        elif (parent := node.getparent()) is not None:
            parent.text = (parent.text or "") + tail
    node.tail, story.text = story.text, None
    story.insert(0, node)


def join_standfirsts(tree: lxml_html.HtmlElement) -> None:
    """Each link-free element named as a standfirst just before the story's container (a
    later sibling holding most of the page's paragraph text) becomes that container's first
    child: the extractor keeps to the container and drops 'teaser' elements."""
    nodes = [node for node in _STANDFIRST_NAMED(tree) if _STANDFIRST_NAME.search(
        _name(node).lower())]
    if not nodes:
        return
    story_chars = sum(_text_len(para) for para in _PARAGRAPHS(tree))
    named = {id(node) for node in nodes}
    for node in nodes:
        if any(id(holder) in named for holder in node.iterancestors()):
            continue  # its named ancestor moves with it
        story = _story_after(node, story_chars)
        if story is not None:
            _move_standfirst(node, story)


def prune_noise(tree: lxml_html.HtmlElement, extra_selectors: tuple[str, ...] = ()) -> bool:
    """Remove noise containers from tree, in place; True when a paywall's subscription
    prompt was among them (cleaners.interstitials)."""
    place_streamed_segments(tree)
    for selector in extra_selectors:
        for node in CSSSelector(selector)(tree):
            _drop(node)
    for node in _WIDGETS(tree):
        if node.tag == "button" and node.get("aria-expanded") and _in_disclosure(node):
            node.tag = "div"  # the question that opens an accordion panel: a heading, not a control
        elif _text_len(node) < WIDGET_CHARS:
            _drop(node)
    bodies = _BODY(tree)
    total = _text_len(bodies[0]) if bodies else _text_len(tree)
    for node in _STRUCTURAL(tree):
        share = FORM_MAX_SHARE if node.tag == "form" else MAX_SHARE
        if _attached(node, tree) and _is_furniture(node, total, share):
            _drop(node)
    summaries = [(link_key(text), word_pairs(text)) for text in descriptions(tree)]
    story_chars: int | None = None  # the page's paragraph text, counted when first needed
    for node, strict in list(_noise_candidates(tree)):
        if not _attached(node, tree):
            continue
        if not strict and _HOLDS_STORY(node):  # a wrapper named like furniture ('ads-wrapper')
            continue
        if strict:
            dropped = _text_len(node) <= STRICT_MAX_SHARE * total or _is_furniture(node, total)
        else:  # the standfirst named 'teaser' stays
            dropped = _is_furniture(node, total) and not _shows_summary(node, summaries)
            if dropped and _STANDFIRST_NAME.search(_name(node).lower()):
                if story_chars is None:
                    story_chars = sum(_text_len(para) for para in _PARAGRAPHS(tree))
                if _story_after(node, story_chars) is not None:
                    continue  # joins the story below (join_standfirsts)
        if dropped:
            _drop(node)
    paywall_prompt = prune_interstitials(tree)
    join_standfirsts(tree)
    for figure in _QUOTE_FIGURES(tree):
        figure.tag = "div"  # trafilatura treats figures as images and drops their text
    open_disclosures(tree)
    unname_html_embeds(tree)
    keep_story_asides(tree)
    return paywall_prompt
